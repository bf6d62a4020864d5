//! Canonical strict JSON: the form the node stores (§1.3 recommendation) — double quotes only,
//! duplicate keys merged as the runtime merges them, non-ASCII escaped as `\uXXXX`.

use indexmap::IndexMap;
use serde_json::{Map, Value as Json};

use crate::resolve::reference::resolve_word;
use crate::resolve::value::{Resolved, Value, Variables};
use crate::syntax::policy::{Node, NodeKind, NumberValue};

/// The policy tree as JSON, references left as written.
pub fn policy_json(node: &Node) -> Json {
    map_node(node, &mut |_, n| default_json(n))
}

/// The policy as `blockchain prepare policy` stores it: an unquoted `!name` is replaced by its
/// value (`params.json_str_replace_key_with_value`: text quoted, a number or `true`/`false`
/// as is, a `[...]`/`{...}` text parsed), everything else as written. The flag is false when a
/// replaced value is known only on the node (such a reference is left as written).
pub fn stored_json(node: &Node, vars: &dyn Variables) -> (Json, bool) {
    let mut complete = true;
    let json = map_node(node, &mut |_, n| match &n.kind {
        NodeKind::BareRef(r) => match resolve_word(r, vars) {
            Resolved::Known(Value::Str(s)) if s.is_empty() => default_json(n),
            Resolved::Known(Value::Str(s)) => {
                let structured = (s.starts_with('[') && s.ends_with(']'))
                    || (s.starts_with('{') && s.ends_with('}'));
                structured
                    .then(|| serde_json::from_str(&s).ok())
                    .flatten()
                    .unwrap_or(Json::String(s))
            }
            Resolved::Known(v) => v.to_json(),
            Resolved::AtBoot { .. } => {
                complete = false;
                default_json(n)
            }
        },
        _ => default_json(n),
    });
    (json, complete)
}

/// Converts a tree, letting `leaf` decide each non-container value (`path` is the key path).
pub fn map_node(node: &Node, leaf: &mut dyn FnMut(&[&str], &Node) -> Json) -> Json {
    fn walk<'n>(
        node: &'n Node,
        path: &mut Vec<&'n str>,
        leaf: &mut dyn FnMut(&[&str], &Node) -> Json,
    ) -> Json {
        match &node.kind {
            NodeKind::Object(entries) => {
                // Last value wins, at the position of the first occurrence (§1.3).
                let mut merged: IndexMap<&str, &Node> = IndexMap::new();
                for e in entries {
                    merged.insert(&e.key, &e.value);
                }
                let mut map = Map::new();
                for (k, v) in merged {
                    path.push(k);
                    map.insert(k.to_string(), walk(v, path, leaf));
                    path.pop();
                }
                Json::Object(map)
            }
            NodeKind::Array(items) => {
                Json::Array(items.iter().map(|i| walk(i, path, leaf)).collect())
            }
            _ => leaf(path, node),
        }
    }
    walk(node, &mut Vec::new(), leaf)
}

/// A leaf as written: strings, numbers (integers beyond 64 bits as floats), booleans, null.
pub fn default_json(node: &Node) -> Json {
    match &node.kind {
        NodeKind::Str(s) => Json::String(s.value.clone()),
        NodeKind::BareRef(r) => Json::String(r.clone()),
        NodeKind::Number(n) => match n.value {
            NumberValue::Int(i) => Json::from(i),
            NumberValue::UInt(u) => Json::from(u),
            NumberValue::Float(f) => {
                serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)
            }
        },
        NodeKind::Bool(b) => Json::Bool(*b),
        NodeKind::Null | NodeKind::Error | NodeKind::Object(_) | NodeKind::Array(_) => Json::Null,
    }
}

/// Serialises JSON with every non-ASCII character escaped as `\uXXXX` (surrogate pairs above
/// U+FFFF), so the text survives the node's ASCII filter unchanged.
pub fn to_ascii_json(value: &Json, pretty: bool) -> String {
    ascii_json(value, pretty)
}

/// [`to_ascii_json`] for anything serde can serialise: written in one pass, with no JSON tree
/// built first and no second copy of the text to escape it.
pub fn ascii_json<T: serde::Serialize + ?Sized>(value: &T, pretty: bool) -> String {
    let mut out = Vec::with_capacity(128);
    let written = if pretty {
        let mut ser = serde_json::Serializer::with_formatter(
            &mut out,
            Ascii(serde_json::ser::PrettyFormatter::new()),
        );
        value.serialize(&mut ser)
    } else {
        let mut ser = serde_json::Serializer::with_formatter(
            &mut out,
            Ascii(serde_json::ser::CompactFormatter),
        );
        value.serialize(&mut ser)
    };
    match written {
        // Only ASCII was written: every other character went out as `\u` escapes.
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// A serde_json formatter that escapes every non-ASCII character inside strings and otherwise
/// lays out as the formatter it wraps.
struct Ascii<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for Ascii<F> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        if fragment.is_ascii() {
            return writer.write_all(fragment.as_bytes());
        }
        for c in fragment.chars() {
            if c.is_ascii() {
                writer.write_all(&[c as u8])?;
            } else {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_is_escaped() {
        let v = serde_json::json!({"u": "é😀"});
        assert_eq!(to_ascii_json(&v, false), r#"{"u":"\u00e9\ud83d\ude00"}"#);
        let v = serde_json::json!({"é😀": ["x\ny", 1, {"a": null}], "b": "\u{7f}\u{80}"});
        // The same text as escaping the serialised output afterwards, compact and pretty.
        for pretty in [false, true] {
            let plain = if pretty {
                serde_json::to_string_pretty(&v)
            } else {
                serde_json::to_string(&v)
            };
            let escaped: String = plain
                .unwrap_or_default()
                .chars()
                .map(|c| match c {
                    c if c.is_ascii() => c.to_string(),
                    c => c
                        .encode_utf16(&mut [0u16; 2])
                        .iter()
                        .map(|u| format!("\\u{u:04x}"))
                        .collect(),
                })
                .collect();
            assert_eq!(to_ascii_json(&v, pretty), escaped);
        }
    }
}
