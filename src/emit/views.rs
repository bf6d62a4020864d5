//! The `policy` and `resolved` outputs written straight from the syntax tree, without building
//! their JSON trees (issue 13: the two trees copy every string of the policy, a third of a
//! large policy's memory). Each leaf is decided by the function that builds the tree
//! ([`stored_leaf`], `resolved_leaf`), so the text is the tree's text; a test holds them equal.

use std::cell::Cell;

use serde::Serialize;
use serde_json::Value as Json;

use super::ascii::{Error, Writer};
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

impl PolicyView<'_> {
    /// Writes the view to `w` (straight, not through serde's generic steps: the script
    /// strings of a large policy are tens of thousands of members).
    pub(crate) fn write(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        match self {
            PolicyView::Built(json) => json.serialize(w),
            PolicyView::Tree { object, vars, id } => Stored {
                node: object,
                vars: *vars,
            }
            .write(w, 0, id.as_deref()),
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
    fn write(self, w: &mut Writer<'_>, depth: usize, id: Option<&str>) -> Result<(), Error> {
        match &self.node.kind {
            NodeKind::Object(entries) => {
                let mut map = w.object();
                for (i, (k, v)) in merged(entries).into_iter().enumerate() {
                    let id = id.filter(|_| depth == 0 && i == 0);
                    map.key(k);
                    Stored { node: v, ..self }.write(map.writer(), depth + 1, id)?;
                    map.done();
                }
                if let Some(id) = id.filter(|_| depth == 1) {
                    map.key("id");
                    map.writer().string(id);
                    map.done();
                }
                map.end();
                Ok(())
            }
            NodeKind::Array(items) => {
                let mut seq = w.array();
                for item in items {
                    seq.element();
                    Stored { node: item, ..self }.write(seq.writer(), depth + 1, None)?;
                    seq.done();
                }
                seq.end();
                Ok(())
            }
            _ => write_leaf(w, stored_leaf(self.node, self.vars).0),
        }
    }
}

/// A leaf: a string written as such, another value through serde.
fn write_leaf(w: &mut Writer<'_>, leaf: Leaf<'_>) -> Result<(), Error> {
    match leaf {
        Leaf::Text(text) => {
            w.string(text);
            Ok(())
        }
        Leaf::Json(json) => json.serialize(w),
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

    /// Writes the view to `w` (straight, as [`PolicyView::write`]).
    pub(crate) fn write(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        self.write_node(w, self.object, KeyPath::default(), &self.keys)
    }

    /// Writes `node` at `path`; `keys` are the server keys its leaves look up (none when the
    /// look-up is known to fail: every item of an array has its array's path, so the key
    /// of a script list is looked for once, not per line).
    fn write_node(
        &self,
        w: &mut Writer<'_>,
        node: &'a Node,
        path: KeyPath<'a>,
        keys: &[KeyValue],
    ) -> Result<(), Error> {
        match &node.kind {
            NodeKind::Object(entries) => {
                let mut map = w.object();
                for (k, v) in merged(entries) {
                    map.key(k);
                    self.write_node(map.writer(), v, path.push(k), &self.keys)?;
                    map.done();
                }
                map.end();
                Ok(())
            }
            NodeKind::Array(items) => {
                let keys = match path.as_slice() {
                    [_, key] if policy::key(keys, key).is_none() => &[],
                    _ => keys,
                };
                let mut seq = w.array();
                for item in items {
                    seq.element();
                    self.write_node(seq.writer(), item, path, keys)?;
                    seq.done();
                }
                seq.end();
                Ok(())
            }
            _ => write_leaf(
                w,
                resolved_leaf(path.as_slice(), node, keys, &self.outcomes, self.scope),
            ),
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
