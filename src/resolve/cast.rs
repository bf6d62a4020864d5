//! Cast suffixes (`.int`, `.str`, `.bool`, `.float`, `.len`, `.name`, `.replies`, `.diff`) and
//! the Python conversions behind them (spec §3.2).

use super::value::Value;

/// A cast suffix at the very end of a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cast {
    /// `.int`: Python `int()`; failure gives the empty string.
    Int,
    /// `.str`: Python `str()`.
    Str,
    /// `.bool`: false only for exactly `"false"` or an empty value.
    Bool,
    /// `.float`: Python `float()`; failure gives the empty string.
    Float,
    /// `.len`: entries of a `[...]`/`{...}` value, else the string length.
    Len,
    /// `.name`: spaces to `_`, then lower case.
    Name,
    /// `.replies`: entries that replied in a `[...]`/`{...}` value.
    Replies,
    /// `.diff`: entries minus `.replies`.
    Diff,
}

const SUFFIXES: [(&str, Cast); 8] = [
    (".int", Cast::Int),
    (".str", Cast::Str),
    (".bool", Cast::Bool),
    (".float", Cast::Float),
    (".len", Cast::Len),
    (".name", Cast::Name),
    (".replies", Cast::Replies),
    (".diff", Cast::Diff),
];

impl Cast {
    /// The suffix as written (`.int`).
    pub fn suffix(self) -> &'static str {
        SUFFIXES
            .iter()
            .find(|(_, c)| *c == self)
            .map(|(s, _)| *s)
            .unwrap_or("")
    }

    /// The cast a word ends with, and the word without it: the word must be longer than the
    /// suffix (`.int` alone is a literal). Only one suffix is recognised.
    pub fn split(word: &str) -> Option<(&str, Cast)> {
        SUFFIXES.iter().find_map(|(suffix, cast)| {
            (word.ends_with(suffix) && word.chars().count() > suffix.len())
                .then(|| (&word[..word.len() - suffix.len()], *cast))
        })
    }
}

/// Apply `cast` to a resolved value, as the runtime does after resolution.
///
/// Values that are not strings (only possible when an environment variable holds a reference
/// with its own cast) are cast from their Python `str()` form where Python would fail.
pub fn apply_cast(cast: Cast, value: &Value) -> Value {
    let text = value.to_python_str();
    match cast {
        Cast::Str => Value::Str(text),
        Cast::Bool => match value {
            Value::Str(s) => Value::Bool(!(s.is_empty() || s == "false")),
            other => Value::Bool(other.is_truthy()),
        },
        Cast::Int => match value {
            Value::Int(i) => Value::Int(*i),
            Value::Bool(b) => Value::Int(i64::from(*b)),
            Value::Float(f) if f.is_finite() && f.abs() < 9.2e18 => Value::Int(f.trunc() as i64),
            Value::Float(_) => Value::Str(String::new()),
            Value::Str(s) => py_int(s).map_or(Value::Str(String::new()), Value::Int),
        },
        Cast::Float => match value {
            Value::Float(f) => Value::Float(*f),
            Value::Int(i) => Value::Float(*i as f64),
            Value::Bool(b) => Value::Float(if *b { 1.0 } else { 0.0 }),
            Value::Str(s) => py_float(s).map_or(Value::Str(String::new()), Value::Float),
        },
        Cast::Name => Value::Str(text.replace(' ', "_").to_lowercase()),
        Cast::Len => Value::Int(match container(&text) {
            Some(entries) => entries.len() as i64,
            None => text.chars().count() as i64,
        }),
        Cast::Replies | Cast::Diff => {
            let Some(entries) = container(&text) else {
                return Value::Int(0);
            };
            let replied = entries.iter().filter(|e| replied(e)).count() as i64;
            if cast == Cast::Replies {
                Value::Int(replied)
            } else {
                Value::Int(entries.len() as i64 - replied)
            }
        }
    }
}

/// The entries of a `[...]` (list items) or `{...}` (object values) text of more than two
/// characters, when it parses as JSON (leniently: Python-style single quotes and
/// `True`/`False`/`None` are accepted). `None` when it is not such a text, does not parse, or
/// is empty: the runtime then falls back to the string length (`.len`) or 0.
fn container(text: &str) -> Option<Vec<Entry>> {
    if text.chars().count() <= 2 {
        return None;
    }
    let first = text.chars().next()?;
    if first != '[' && first != '{' {
        return None;
    }
    let inner = &text[1..text.len() - text.chars().next_back().map_or(0, char::len_utf8)];
    if first == '[' && IGNORED_KEYWORDS.contains(&inner) {
        return None;
    }
    let parsed = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .or_else(|| {
            let relaxed = text
                .replace('\'', "\"")
                .replace("True", "true")
                .replace("False", "false")
                .replace("None", "null");
            serde_json::from_str::<serde_json::Value>(&relaxed).ok()
        })
        .or_else(|| (first == '[').then(|| split_list(inner)).flatten())?;
    let entries: Vec<Entry> = match (first, parsed) {
        ('[', serde_json::Value::Array(items)) => items.into_iter().map(Entry::Item).collect(),
        ('{', serde_json::Value::Object(map)) => {
            map.into_iter().map(|(_, v)| Entry::Value(v)).collect()
        }
        _ => return None,
    };
    (!entries.is_empty()).then_some(entries)
}

/// Words `utils_json.str_to_list` refuses to read as a one-entry list (`[id]`).
const IGNORED_KEYWORDS: [&str; 6] = ["id", "type", "class", "except", "pass", "raise"];

/// `str_to_list`'s last resort for `[...]` text that is neither JSON nor a Python literal:
/// with a quote inside, the text between the brackets split on `,` (each part trimmed, empty
/// parts dropped, one pair of quotes removed); without one, no list (the text is a string).
fn split_list(inner: &str) -> Option<serde_json::Value> {
    let trimmed = inner.trim();
    if !trimmed.contains(['\'', '"']) {
        return None;
    }
    let items = trimmed
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let quoted = s.len() >= 2
                && ((s.starts_with('"') && s.ends_with('"'))
                    || (s.starts_with('\'') && s.ends_with('\'')));
            let value = if quoted {
                serde_json::Value::String(s[1..s.len() - 1].trim().to_string())
            } else if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") {
                serde_json::Value::Bool(s.eq_ignore_ascii_case("true"))
            } else if let Some(i) = py_int(s) {
                serde_json::Value::from(i)
            } else {
                py_float(s)
                    .and_then(serde_json::Number::from_f64)
                    .map_or_else(
                        || serde_json::Value::String(s.to_string()),
                        serde_json::Value::Number,
                    )
            };
            value
        })
        .collect();
    Some(serde_json::Value::Array(items))
}

enum Entry {
    /// A list item: it replied when its second element is truthy.
    Item(serde_json::Value),
    /// An object value: it replied when it is truthy.
    Value(serde_json::Value),
}

fn replied(entry: &Entry) -> bool {
    match entry {
        Entry::Value(v) => json_truthy(v),
        // `entry[1]`; an entry without a second element makes the runtime raise, counted here
        // as "not replied".
        Entry::Item(serde_json::Value::Array(a)) => a.get(1).is_some_and(json_truthy),
        Entry::Item(serde_json::Value::String(s)) => s.chars().count() > 1,
        Entry::Item(_) => false,
    }
}

fn json_truthy(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => false,
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        serde_json::Value::String(s) => !s.is_empty(),
        serde_json::Value::Array(a) => !a.is_empty(),
        serde_json::Value::Object(o) => !o.is_empty(),
    }
}

/// The first code point (digit zero) of every run of ten Unicode decimal digits (category Nd,
/// Unicode 14 as in CPython 3.11): Python's `int()` and `float()` read all of them.
const DIGIT_ZEROS: [u32; 66] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// The text with every Unicode decimal digit written as its ASCII digit, as Python converts
/// it before parsing a number (`"٣"` → `"3"`).
fn ascii_digits(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        return std::borrow::Cow::Borrowed(text);
    }
    let digit = |c: char| {
        let cp = c as u32;
        DIGIT_ZEROS
            .iter()
            .find(|z| (**z..**z + 10).contains(&cp))
            .and_then(|z| char::from_digit(cp - z, 10))
    };
    std::borrow::Cow::Owned(text.chars().map(|c| digit(c).unwrap_or(c)).collect())
}

/// Python `int(text)` for a string: surrounding whitespace, one sign, decimal digits (any
/// script) with single `_` between digits. `None` where Python raises, and for values outside
/// `i64` (documented limitation: Python would give a big int).
pub fn py_int(text: &str) -> Option<i64> {
    let text = ascii_digits(text);
    let t = text.trim();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if !valid_digits(digits) {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    let n: i64 = clean.parse().ok()?;
    Some(if neg { -n } else { n })
}

/// What Python prints for `int(text)` of a string, at any size (`"99999999999999999999"` is a
/// valid int to Python, past `i64`); `None` where Python raises.
pub fn py_int_text(text: &str) -> Option<String> {
    let t = text.trim();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if !valid_digits(digits) {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    let clean = clean.trim_start_matches('0');
    Some(match (clean.is_empty(), neg) {
        (true, _) => "0".to_string(),
        (false, true) => format!("-{clean}"),
        (false, false) => clean.to_string(),
    })
}

/// `_` only between two digits, at least one digit, nothing else.
fn valid_digits(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter().enumerate().all(|(i, c)| {
            c.is_ascii_digit()
                || (*c == b'_'
                    && i > 0
                    && b[i - 1].is_ascii_digit()
                    && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        })
}

/// Python `float(text)` for a string: whitespace, sign, `inf`/`infinity`/`nan` in any case,
/// decimal and exponent forms, `_` between digits.
pub fn py_float(text: &str) -> Option<f64> {
    let text = ascii_digits(text);
    let t = text.trim();
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let lower = body.to_ascii_lowercase();
    let neg = t.starts_with('-');
    let special = match lower.as_str() {
        "inf" | "infinity" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    };
    if let Some(v) = special {
        return Some(if neg { -v } else { v });
    }
    let b = body.as_bytes();
    let ok_chars = !b.is_empty()
        && b.iter().enumerate().all(|(i, c)| {
            c.is_ascii_digit()
                || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-')
                || (*c == b'_'
                    && i > 0
                    && b[i - 1].is_ascii_digit()
                    && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        });
    if !ok_chars {
        return None;
    }
    let clean: String = t.chars().filter(|c| *c != '_').collect();
    clean.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::Str(x.into())
    }

    #[test]
    fn s3_2_int_follows_py_int() {
        // reference.jsonl: Python reads any decimal digit.
        assert_eq!(apply_cast(Cast::Int, &s("\u{663}")), Value::Int(3));
        assert_eq!(apply_cast(Cast::Float, &s("\u{FF11}.5")), Value::Float(1.5));
        assert_eq!(apply_cast(Cast::Int, &s(" 42 ")), Value::Int(42));
        assert_eq!(apply_cast(Cast::Int, &s("+7")), Value::Int(7));
        assert_eq!(apply_cast(Cast::Int, &s("1_000")), Value::Int(1000));
        assert_eq!(apply_cast(Cast::Int, &s("-05")), Value::Int(-5));
        for bad in ["12.5", "abc", "", "1__0", "_1", "1_", "+", "- 1"] {
            assert_eq!(apply_cast(Cast::Int, &s(bad)), s(""), "{bad}");
        }
    }

    #[test]
    fn s3_2_float_follows_python_float() {
        assert_eq!(apply_cast(Cast::Float, &s("12")), Value::Float(12.0));
        assert_eq!(apply_cast(Cast::Float, &s(" 1e3 ")), Value::Float(1000.0));
        assert_eq!(
            apply_cast(Cast::Float, &s("-Inf")),
            Value::Float(f64::NEG_INFINITY)
        );
        assert_eq!(apply_cast(Cast::Float, &s("1_0.5")), Value::Float(10.5));
        assert_eq!(apply_cast(Cast::Float, &s("x1")), s(""));
    }

    #[test]
    fn s3_2_bool_false_only_for_exact_false() {
        assert_eq!(apply_cast(Cast::Bool, &s("false")), Value::Bool(false));
        assert_eq!(apply_cast(Cast::Bool, &s("")), Value::Bool(false));
        for t in ["False", "FALSE", "0", "no", "true"] {
            assert_eq!(apply_cast(Cast::Bool, &s(t)), Value::Bool(true), "{t}");
        }
    }

    #[test]
    fn s3_2_name_len_str() {
        assert_eq!(apply_cast(Cast::Name, &s("New Company")), s("new_company"));
        assert_eq!(apply_cast(Cast::Name, &s("AnyLog Co.")), s("anylog_co."));
        assert_eq!(apply_cast(Cast::Len, &s("")), Value::Int(0));
        assert_eq!(apply_cast(Cast::Len, &s("héllo")), Value::Int(5));
        assert_eq!(apply_cast(Cast::Len, &s("[1, 2, 3]")), Value::Int(3));
        assert_eq!(apply_cast(Cast::Len, &s(r#"{"a": 1}"#)), Value::Int(1));
        assert_eq!(apply_cast(Cast::Len, &s("[not json")), Value::Int(9));
        assert_eq!(apply_cast(Cast::Str, &Value::Int(5)), s("5"));
    }

    #[test]
    fn s3_2_replies_and_diff() {
        let list = s(r#"[["n1", "ok"], ["n2", ""], ["n3", "x"]]"#);
        assert_eq!(apply_cast(Cast::Replies, &list), Value::Int(2));
        assert_eq!(apply_cast(Cast::Diff, &list), Value::Int(1));
        let obj = s("{'a': 'x', 'b': None}");
        assert_eq!(apply_cast(Cast::Replies, &obj), Value::Int(1));
        assert_eq!(apply_cast(Cast::Diff, &obj), Value::Int(1));
        assert_eq!(apply_cast(Cast::Replies, &s("plain")), Value::Int(0));
        // str_to_list's comma split when the text is neither JSON nor a Python literal.
        assert_eq!(
            apply_cast(Cast::Len, &s("[['n1', 'ok'], ['n2', '']].str")),
            Value::Int(4)
        );
    }
}
