//! Canonical strict JSON: the form the node stores (§1.3 recommendation) — double quotes only,
//! duplicate keys merged as the runtime merges them, non-ASCII escaped as `\uXXXX`.

use indexmap::IndexMap;
use serde_json::{Map, Value as Json};

use crate::resolve::reference::resolve_word;
use crate::resolve::value::{Resolved, Value, Variables};
use crate::syntax::policy::{Entry, Node, NodeKind, NumberValue};

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
    let json = map_node(node, &mut |_, n| {
        let (leaf, known) = stored_leaf(n, vars);
        complete &= known;
        leaf.into_json()
    });
    (json, complete)
}

/// A leaf of an output: text of the tree (or of a resolved line), or a value made for it.
#[derive(Debug)]
pub(crate) enum Leaf<'a> {
    /// A string, as is.
    Text(&'a str),
    /// Anything else.
    Json(Json),
}

impl Leaf<'_> {
    /// The leaf as a JSON value.
    pub(crate) fn into_json(self) -> Json {
        match self {
            Leaf::Text(s) => Json::String(s.to_string()),
            Leaf::Json(j) => j,
        }
    }
}

impl serde::Serialize for Leaf<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Leaf::Text(s) => serializer.serialize_str(s),
            Leaf::Json(j) => j.serialize(serializer),
        }
    }
}

/// A leaf of [`stored_json`], and whether its value is known here (false: a reference only
/// the node resolves, left as written).
pub(crate) fn stored_leaf<'a>(n: &'a Node, vars: &dyn Variables) -> (Leaf<'a>, bool) {
    match &n.kind {
        NodeKind::BareRef(r) => match resolve_word(r, vars) {
            Resolved::Known(Value::Str(s)) if s.is_empty() => (Leaf::Text(r), true),
            Resolved::Known(Value::Str(s)) => {
                let structured = (s.starts_with('[') && s.ends_with(']'))
                    || (s.starts_with('{') && s.ends_with('}'));
                let parsed = structured.then(|| serde_json::from_str(&s).ok()).flatten();
                (Leaf::Json(parsed.unwrap_or(Json::String(s))), true)
            }
            Resolved::Known(v) => (Leaf::Json(v.to_json()), true),
            Resolved::AtBoot { .. } => (Leaf::Text(r), false),
        },
        _ => (default_leaf(n), true),
    }
}

/// [`default_json`] without copying a string.
pub(crate) fn default_leaf(n: &Node) -> Leaf<'_> {
    match &n.kind {
        NodeKind::Str(s) => Leaf::Text(&s.value),
        NodeKind::BareRef(r) => Leaf::Text(r),
        _ => Leaf::Json(default_json(n)),
    }
}

/// The entries of an object with duplicate keys merged as the runtime merges them (§1.3): the
/// last value wins, at the position of the first occurrence.
pub(crate) fn merged(entries: &[Entry]) -> Vec<(&str, &Node)> {
    let mut out: Vec<(&str, &Node)> = Vec::with_capacity(entries.len());
    if entries.len() <= 16 {
        // A few keys (every real object): compared, no hashing.
        for e in entries {
            match out.iter_mut().find(|(k, _)| *k == e.key) {
                Some(slot) => slot.1 = &e.value,
                None => out.push((&e.key, &e.value)),
            }
        }
        return out;
    }
    let mut at: IndexMap<&str, usize, foldhash::fast::RandomState> = IndexMap::default();
    for e in entries {
        match at.get(e.key.as_str()) {
            Some(&i) => out[i].1 = &e.value,
            None => {
                at.insert(&e.key, out.len());
                out.push((&e.key, &e.value));
            }
        }
    }
    out
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
                let merged = merged(entries);
                let mut map = Map::with_capacity(merged.len());
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

/// A policy tree that serialises as [`policy_json`] does, without building the JSON tree first
/// (for text output of large policies).
pub struct CanonicalView<'a>(pub &'a Node);

impl serde::Serialize for CanonicalView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match &self.0.kind {
            NodeKind::Object(entries) => {
                let merged = merged(entries);
                let mut map = serializer.serialize_map(Some(merged.len()))?;
                for (k, v) in merged {
                    map.serialize_entry(k, &CanonicalView(v))?;
                }
                map.end()
            }
            NodeKind::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&CanonicalView(item))?;
                }
                seq.end()
            }
            NodeKind::Str(s) => serializer.serialize_str(&s.value),
            NodeKind::BareRef(r) => serializer.serialize_str(r),
            _ => default_json(self.0).serialize(serializer),
        }
    }
}

/// A leaf as written: strings, numbers (integers beyond 64 bits as floats), booleans, null.
pub fn default_json(node: &Node) -> Json {
    match &node.kind {
        NodeKind::Str(s) => Json::String(s.value.to_string()),
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
    let mut writer = super::ascii::Writer::new(pretty, 128);
    match value.serialize(&mut writer) {
        Ok(()) => writer.into_text(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canonical_view_writes_what_the_tree_writes() {
        let text = "{'config': {'a': 'é', 'a': 1_000, 'n': None, 't': True, 'r': !x.int,\n 'l': [1.5, -2, 1e999, 123456789012345678901234567890, {}, []], 'o': {'k': 'v'}}}";
        let mut diags = crate::diagnostic::Diagnostics::new();
        let parsed =
            crate::syntax::policy::parse_policy(crate::source::FileId(0), text, &mut diags)
                .expect("a tree");
        for pretty in [false, true] {
            assert_eq!(
                ascii_json(&CanonicalView(&parsed.root), pretty),
                to_ascii_json(&policy_json(&parsed.root), pretty)
            );
        }
    }

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
