//! The `policy` and `resolved` outputs written straight from the syntax tree, without building
//! their JSON trees (issue 13: the two trees copy every string of the policy, a third of a
//! large policy's memory). Each leaf is decided by the function that builds the tree
//! ([`stored_leaf`], `resolved_leaf`), so the text is the tree's text; a test holds them equal.

use std::cell::Cell;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value as Json;

use super::json::{default_leaf, merged, stored_json, stored_leaf, Leaf};
use super::policy_id::{id_of, write_repr, write_str_repr, Hashed, ReprOut};
use crate::resolve::policy::{self, KeyValue};
use crate::resolve::reference::resolve_word;
use crate::resolve::scope::Scope;
use crate::resolve::script::ScriptLine;
use crate::resolve::value::Resolved;
use crate::resolve::value::Variables;
use crate::source::Span;
use crate::syntax::policy::{Node, NodeKind};

/// The `policy` output: the stored form ([`stored_json`]) with the computed id added as
/// `with_computed_id` adds it.
pub(crate) enum PolicyView<'a> {
    /// An object of objects (every policy): written from the tree, `id` appended to the inner
    /// object when computed.
    Tree {
        object: &'a Node,
        vars: &'a dyn Variables,
        id: Option<String>,
    },
    /// Any other shape (a policy whose body is a reference to JSON text, ...): the tree built.
    Built(Json),
}

impl<'a> PolicyView<'a> {
    /// The view of `object` (the policy object) resolved in `vars`; `with_id` builds the tree
    /// for shapes the view does not cover.
    pub(crate) fn new(
        object: &'a Node,
        vars: &'a dyn Variables,
        with_id: impl FnOnce((Json, bool)) -> Json,
    ) -> PolicyView<'a> {
        let inner = match &object.kind {
            NodeKind::Object(entries) => merged(entries).first().map(|(_, v)| *v),
            _ => None,
        };
        let Some(NodeKind::Object(inner)) = inner.map(|n| &n.kind) else {
            return PolicyView::Built(with_id(stored_json(object, vars)));
        };
        // A written id stays; no id when a reference is known only on the node.
        let has_id = inner.iter().any(|e| e.key == "id");
        let id = (!has_id && all_known(object, vars))
            .then(|| id_of(Stored { node: object, vars }))
            .flatten();
        PolicyView::Tree { object, vars, id }
    }
}

/// True when every unquoted reference under `node` that the output keeps has a value here
/// (of a repeated key, only the value that wins, as the stored tree keeps it).
fn all_known(node: &Node, vars: &dyn Variables) -> bool {
    match &node.kind {
        NodeKind::Object(entries) => merged(entries).iter().all(|(_, v)| all_known(v, vars)),
        NodeKind::Array(items) => items.iter().all(|i| all_known(i, vars)),
        NodeKind::BareRef(_) => stored_leaf(node, vars).1,
        _ => true,
    }
}

impl Serialize for PolicyView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            PolicyView::Built(json) => json.serialize(serializer),
            PolicyView::Tree { object, vars, id } => Stored {
                node: object,
                vars: *vars,
            }
            .write(serializer, 0, id.as_deref()),
        }
    }
}

/// A node in its stored form.
#[derive(Clone, Copy)]
struct Stored<'a> {
    node: &'a Node,
    vars: &'a dyn Variables,
}

impl Stored<'_> {
    /// Writes the node at `depth`; `id` is appended to the first member of the root.
    fn write<S: Serializer>(self, s: S, depth: usize, id: Option<&str>) -> Result<S::Ok, S::Error> {
        match &self.node.kind {
            NodeKind::Object(entries) => {
                let merged = merged(entries);
                let extra = usize::from(depth == 1 && id.is_some());
                let mut map = s.serialize_map(Some(merged.len() + extra))?;
                for (i, (k, v)) in merged.into_iter().enumerate() {
                    let value = Stored { node: v, ..self };
                    let id = id.filter(|_| depth == 0 && i == 0);
                    map.serialize_entry(k, &Member(value, depth + 1, id))?;
                }
                if let Some(id) = id.filter(|_| depth == 1) {
                    map.serialize_entry("id", id)?;
                }
                map.end()
            }
            NodeKind::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&Member(Stored { node: item, ..self }, depth + 1, None))?;
                }
                seq.end()
            }
            _ => stored_leaf(self.node, self.vars).0.serialize(s),
        }
    }
}

/// A member of a stored container, at its depth.
struct Member<'a, 'i>(Stored<'a>, usize, Option<&'i str>);

impl Serialize for Member<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.write(serializer, self.1, self.2)
    }
}

impl<'a> Hashed<'a> for Stored<'a> {
    fn entries(self) -> Option<Vec<(&'a str, Self)>> {
        match &self.node.kind {
            NodeKind::Object(entries) => Some(
                merged(entries)
                    .into_iter()
                    .map(|(k, node)| (k, Stored { node, ..self }))
                    .collect(),
            ),
            _ => None,
        }
    }

    fn write_repr(self, out: &mut ReprOut) {
        match &self.node.kind {
            NodeKind::Object(entries) => {
                out.push('{');
                for (i, (k, node)) in merged(entries).into_iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_str_repr(k, out);
                    out.push_str(": ");
                    Stored { node, ..self }.write_repr(out);
                }
                out.push('}');
            }
            NodeKind::Array(items) => {
                out.push('[');
                for (i, node) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    Stored { node, ..self }.write_repr(out);
                }
                out.push(']');
            }
            _ => match stored_leaf(self.node, self.vars).0 {
                Leaf::Text(s) => write_str_repr(s, out),
                Leaf::Json(j) => write_repr(&j, out),
            },
        }
    }

    fn write_str(self, out: &mut ReprOut) {
        match &self.node.kind {
            NodeKind::Object(_) | NodeKind::Array(_) => self.write_repr(out),
            _ => match stored_leaf(self.node, self.vars).0 {
                Leaf::Text(s) => out.push_str(s),
                Leaf::Json(Json::String(s)) => out.push_str(&s),
                Leaf::Json(j) => write_repr(&j, out),
            },
        }
    }
}

/// The `resolved` output (`resolved_json`), written from the tree.
pub(crate) struct ResolvedView<'a> {
    object: &'a Node,
    keys: Vec<KeyValue<'a>>,
    outcomes: LineOutcomes<'a>,
    scope: &'a Scope,
}

impl<'a> ResolvedView<'a> {
    /// The view of `object` with the server keys, script lines and scope it was compiled with.
    pub(crate) fn new(
        object: &'a Node,
        keys: Vec<KeyValue<'a>>,
        lines: &'a [ScriptLine],
        scope: &'a Scope,
    ) -> ResolvedView<'a> {
        ResolvedView {
            object,
            keys,
            outcomes: line_outcomes(lines),
            scope,
        }
    }

    fn write<S: Serializer>(
        &self,
        s: S,
        node: &'a Node,
        path: KeyPath<'a>,
    ) -> Result<S::Ok, S::Error> {
        match &node.kind {
            NodeKind::Object(entries) => {
                let merged = merged(entries);
                let mut map = s.serialize_map(Some(merged.len()))?;
                for (k, v) in merged {
                    map.serialize_entry(k, &At(self, v, path.push(k)))?;
                }
                map.end()
            }
            NodeKind::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&At(self, item, path))?;
                }
                seq.end()
            }
            _ => resolved_leaf(
                path.as_slice(),
                node,
                &self.keys,
                &self.outcomes,
                self.scope,
            )
            .serialize(s),
        }
    }
}

/// The key path to a node, as far as the resolved form looks at it: its length and first two
/// keys (arrays add no key).
#[derive(Clone, Copy, Default)]
struct KeyPath<'n> {
    len: usize,
    keys: [&'n str; 2],
}

impl<'n> KeyPath<'n> {
    fn push(mut self, key: &'n str) -> KeyPath<'n> {
        if let Some(slot) = self.keys.get_mut(self.len) {
            *slot = key;
        }
        self.len += 1;
        self
    }

    /// The path, or a stand-in of three empty keys past two keys (nothing matches a path
    /// deeper than two keys).
    fn as_slice(&self) -> &[&'n str] {
        match self.keys.get(..self.len) {
            Some(keys) => keys,
            None => &["", "", ""],
        }
    }
}

/// A member of a resolved container, with the key path to it.
struct At<'v, 'a>(&'v ResolvedView<'a>, &'a Node, KeyPath<'a>);

impl Serialize for At<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.write(serializer, self.1, self.2)
    }
}

impl Serialize for ResolvedView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.write(serializer, self.object, KeyPath::default())
    }
}

/// What each script line's string became, by span (looked up once per script string: a scan
/// per string would be quadratic in the lines; a sorted list, as the lines come in order, is
/// searched without hashing every span twice).
pub(crate) fn line_outcomes(lines: &[ScriptLine]) -> LineOutcomes<'_> {
    let mut sorted: Vec<(Span, &ScriptLine)> = lines.iter().map(|l| (l.span, l)).collect();
    sorted.sort_by_key(|(span, _)| *span); // (each list item has its own span)
    LineOutcomes {
        sorted,
        next: Cell::new(0),
    }
}

/// The script lines by the span of their string, for the writers of the resolved output.
pub(crate) struct LineOutcomes<'a> {
    sorted: Vec<(Span, &'a ScriptLine)>,
    /// Where the last look-up ended: the writers visit the strings in order, so the next one
    /// is usually there (a binary search of 100,000 lines went to memory at each step).
    next: Cell<usize>,
}

impl<'a> LineOutcomes<'a> {
    /// The line whose string is at `span`.
    fn get(&self, span: Span) -> Option<&'a ScriptLine> {
        let at = match self.sorted.get(self.next.get()) {
            Some((s, _)) if *s == span => self.next.get(),
            _ => self.sorted.binary_search_by_key(&span, |(s, _)| *s).ok()?,
        };
        self.next.set(at + 1);
        Some(self.sorted[at].1)
    }
}

/// A leaf of the resolved output (`resolved_json`) at key path `path`.
pub(crate) fn resolved_leaf<'a>(
    path: &[&str],
    node: &'a Node,
    keys: &[KeyValue],
    outcomes: &LineOutcomes<'a>,
    scope: &Scope,
) -> Leaf<'a> {
    if let [_, key] = path {
        if let Some(kv) = policy::key(keys, key) {
            return match &kv.value {
                Some(Resolved::Known(v)) => Leaf::Json(v.to_json()),
                _ => default_leaf(node),
            };
        }
    }
    if let [_, "script"] = path {
        if let NodeKind::Str(lit) = &node.kind {
            return match outcomes.get(node.span).and_then(ScriptLine::runs) {
                Some(text) => Leaf::Text(text),
                None => Leaf::Text(&lit.value),
            };
        }
    }
    match &node.kind {
        NodeKind::Str(s) if s.value.starts_with('!') || s.value.starts_with('$') => {
            match resolve_word(&s.value, scope) {
                Resolved::Known(v) => Leaf::Json(v.to_json()),
                Resolved::AtBoot { .. } => default_leaf(node),
            }
        }
        _ => default_leaf(node),
    }
}
