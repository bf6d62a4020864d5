//! The writer is held to `serde_json`: the same text, with non-ASCII escaped afterwards.

use proptest::prelude::*;
use serde::Serialize;
use serde_json::{json, Value as Json};

use super::Writer;

/// What `serde_json` writes, with every non-ASCII character then escaped as `\uXXXX`: the
/// text the writer must produce.
fn reference<T: Serialize + ?Sized>(value: &T, pretty: bool) -> Option<String> {
    let plain = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    let mut out = String::new();
    for c in plain.ok()?.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for unit in c.encode_utf16(&mut [0u16; 2]) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    Some(out)
}

fn written<T: Serialize + ?Sized>(value: &T, pretty: bool) -> Option<String> {
    let mut w = Writer::new(pretty, 0);
    value.serialize(&mut w).ok()?;
    String::from_utf8(w.out).ok()
}

fn same<T: Serialize + ?Sized + std::fmt::Debug>(value: &T) {
    for pretty in [false, true] {
        assert_eq!(
            written(value, pretty),
            reference(value, pretty),
            "{value:?}, pretty {pretty}"
        );
    }
}

#[test]
fn values_as_serde_json_writes_them() {
    same(&json!(null));
    same(&json!({}));
    same(&json!([]));
    same(&json!([[], {}, [[]], {"a": {}}, {"a": []}]));
    same(&json!({"a": [1, [2, [3, {}]], {"b": {"c": null}}], "d": true, "e": false}));
    same(&json!([
        0,
        -1,
        1,
        i64::MIN,
        i64::MAX,
        u64::MAX,
        1.5,
        -0.0,
        1e300,
        2.5e-8
    ]));
    same(&json!({"é😀\u{0}\u{1f}\u{7f}\u{80}\u{ffff}": "\"\\/\u{8}\u{c}\n\r\t\u{b} x"}));
    same(&json!(
        "a string longer than one word of eight bytes, with \" in the middle"
    ));
    same(&json!("12345678\\"));
    // Deeper than the indents written in one copy.
    let deep = (0..40).fold(
        json!({"leaf": [1, 2]}),
        |inner, i| json!({ format!("k{i}"): [inner] }),
    );
    same(&deep);
}

#[derive(Serialize, Debug)]
enum Shape {
    Unit,
    Newtype(u8),
    Tuple(i32, String),
    EmptyTuple(),
    Struct { a: Option<u32>, b: Vec<u8> },
    EmptyStruct {},
}

#[derive(Serialize, Debug)]
struct Record<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<u32>,
    none: Option<u32>,
    letter: char,
    shapes: Vec<Shape>,
    #[serde(with = "serde_bytes_as_seq")]
    bytes: &'a [u8],
    unit: (),
    pair: (u16, i8),
    floats: (f32, f64, f64),
    wide: (i128, u128),
}

mod serde_bytes_as_seq {
    pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }
}

#[derive(Serialize, Debug)]
struct Empty {
    #[serde(skip_serializing_if = "Option::is_none")]
    only: Option<u8>,
}

#[test]
fn structs_enums_and_keys_as_serde_json_writes_them() {
    same(&Record {
        name: "n",
        skipped: None,
        none: None,
        letter: 'é',
        shapes: vec![
            Shape::Unit,
            Shape::Newtype(7),
            Shape::Tuple(-3, "t".into()),
            Shape::EmptyTuple(),
            Shape::Struct {
                a: Some(1),
                b: vec![],
            },
            Shape::EmptyStruct {},
        ],
        bytes: &[0, 255],
        unit: (),
        pair: (65535, -128),
        floats: (1.1, f64::NAN, f64::INFINITY),
        wide: (i128::MIN, u128::MAX),
    });
    same(&Empty { only: None });
    same(&Empty { only: Some(1) });
    let mut keys = std::collections::BTreeMap::new();
    keys.insert(-5i64, "minus");
    keys.insert(12, "twelve");
    same(&keys);
    let mut flags = std::collections::BTreeMap::new();
    flags.insert(true, 1);
    same(&flags);
    let mut chars = std::collections::BTreeMap::new();
    chars.insert('ü', Shape::Unit);
    same(&chars);
}

#[test]
fn a_key_that_is_not_a_string_fails_as_in_serde_json() {
    let mut map = std::collections::BTreeMap::new();
    map.insert(vec![1], 2);
    assert_eq!(written(&map, false), None);
    assert!(serde_json::to_string(&map).is_err());
}

fn any_json() -> impl Strategy<Value = Json> {
    let text = || {
        proptest::string::string_regex("(.|[\u{0}-\u{1f}\"\\\\\u{7f}-\u{10ffff}]){0,24}")
            .expect("a valid pattern")
    };
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        any::<u64>().prop_map(Json::from),
        any::<f64>().prop_map(Json::from),
        text().prop_map(Json::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            proptest::collection::vec((text(), inner), 0..6)
                .prop_map(|entries| Json::Object(entries.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn any_value_as_serde_json_writes_it(value in any_json()) {
        for pretty in [false, true] {
            prop_assert_eq!(written(&value, pretty), reference(&value, pretty));
        }
    }
}

#[test]
fn a_document_streamed_in_blocks_is_the_document() {
    // Several blocks of text, a block boundary inside strings and between members.
    let big: Json = (0..20_000)
        .map(|i| json!({"line": i, "text": format!("run é {i} \"q\" {}", "x".repeat(i % 50))}))
        .collect();
    for pretty in [false, true] {
        let mut sink = Vec::new();
        let mut w = Writer::to_sink(pretty, &mut sink);
        big.serialize(&mut w).expect("serialised");
        w.finish().expect("written to memory");
        assert!(sink.len() > 4 * Writer::BLOCK);
        assert_eq!(String::from_utf8(sink).ok(), written(&big, pretty));
    }
}

/// A sink that takes `room` bytes, then fails.
struct Full {
    room: usize,
    taken: usize,
}

impl std::io::Write for Full {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.taken + buf.len() > self.room {
            return Err(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "full"));
        }
        self.taken += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_sinks_error_is_returned_and_nothing_more_is_written() {
    // Elements that count how many of them were serialised.
    struct Counted<'c>(&'c std::cell::Cell<usize>);
    impl Serialize for Counted<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            self.0.set(self.0.get() + 1);
            json!([self.0.get(), "padding text"]).serialize(s)
        }
    }
    let count = std::cell::Cell::new(0);
    let mut sink = Full {
        room: Writer::BLOCK * 2,
        taken: 0,
    };
    let mut w = Writer::to_sink(true, &mut sink);
    let elements = (0..100_000).map(|_| Counted(&count));
    serde::Serializer::collect_seq(&mut w, elements)
        .expect_err("serialising stops at the sink's error");
    // About 40 bytes an element: the third block is the one that fails.
    assert!(
        count.get() < 3 * Writer::BLOCK / 30,
        "{} serialised",
        count.get()
    );
    assert!(w.out.len() < Writer::BLOCK * 2, "kept {}", w.out.len());
    let failed = w.finish().expect_err("the sink is full");
    assert_eq!(failed.kind(), std::io::ErrorKind::BrokenPipe);
    assert!(sink.taken <= Writer::BLOCK * 2);
}

#[test]
fn the_clean_run_ends_at_the_first_byte_to_escape() {
    let special = |b: u8| b < 0x20 || b == b'"' || b == b'\\' || b >= 0x80;
    // Every length around a word, a special byte at every place, with specials and
    // borrow-prone neighbours (0x00, 0x20, 0x21, 0x5d, 0x7f) after it.
    for len in 0..=20 {
        for at in 0..=len {
            for first in [0x00, 0x01, 0x1f, b'"', b'\\', 0x80, 0xc3, 0xff] {
                let mut text: Vec<u8> = (0..len).map(|i| [0x20, 0x21, 0x5d, 0x7f][i % 4]).collect();
                if at < len {
                    text[at] = first;
                    if at + 1 < len {
                        text[at + 1] = 0x00;
                    }
                }
                let naive = text.iter().position(|&b| special(b)).unwrap_or(len);
                assert_eq!(
                    super::clean_run(&text),
                    naive,
                    "len {len}, at {at}, {first}"
                );
            }
        }
    }
}

#[test]
fn a_string_is_clean_only_without_a_byte_to_escape() {
    let special = |b: u8| b < 0x20 || b == b'"' || b == b'\\' || b >= 0x80;
    // Every length through the short cases (half words, words, overlapping words) into the
    // folded one, one byte at every place, among neighbours next to the special ranges.
    for len in 0..=40 {
        for at in 0..=len {
            for byte in [0x00, 0x1f, 0x20, b'"', b'\\', 0x7f, 0x80, 0xff, b'a'] {
                let mut text: Vec<u8> = (0..len).map(|i| [0x20, 0x21, 0x5d, 0x7f][i % 4]).collect();
                if at < len {
                    text[at] = byte;
                }
                let naive = !text.iter().any(|&b| special(b));
                assert_eq!(super::is_clean(&text), naive, "len {len}, at {at}, {byte}");
            }
        }
    }
}

#[test]
fn deep_nesting_is_indented_as_serde_json_indents_it() {
    // Past the depths whose indent is one constant copy.
    for depth in [1, 15, 16, 17, 40] {
        let mut value = json!({"k": "v"});
        for i in 0..depth {
            value = if i % 2 == 0 {
                json!([value, 1])
            } else {
                json!({"a": value})
            };
        }
        same(&value);
    }
}

/// Under serde_json's `arbitrary_precision` (a feature any crate of a dependent's build may
/// turn on) a `Number` serialises as this struct; the writer prints its text as a number.
#[test]
fn an_arbitrary_precision_number_is_written_as_its_text() {
    #[derive(Serialize)]
    #[serde(rename = "$serde_json::private::Number")]
    struct RawNumber {
        #[serde(rename = "$serde_json::private::Number")]
        text: &'static str,
    }
    let value = vec![RawNumber {
        text: "123456789012345678901234567890",
    }];
    assert_eq!(
        written(&value, false).as_deref(),
        Some("[123456789012345678901234567890]")
    );
}
