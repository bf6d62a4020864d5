//! The policy document resolved against a scope: its shape (one root key holding an object),
//! and the typed value of every key `config from policy` reads (§2.2).

use crate::check::catalog::POLICY_SHAPE;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::edgelake::config_keys::{self, KeyRole};
use crate::resolve::reference::resolve_word;
use crate::resolve::value::{Resolved, Value, Variables};
use crate::source::Span;
use crate::syntax::policy::{Entry, Node, NodeKind, NumberValue};

/// The parts of a policy document elpc works with.
#[derive(Debug)]
pub struct PolicyDocument<'t> {
    /// The whole parsed text.
    pub root: &'t Node,
    /// True when the text is the list-wrapped display form `[{...}]`.
    pub list_wrapped: bool,
    /// The single root key (the policy type, normally `config`).
    pub policy_type: &'t Entry,
    /// The object under the root key.
    pub body: &'t Node,
}

/// Finds the policy type and body, reporting every shape problem (§1.4).
pub fn document<'t>(root: &'t Node, diags: &mut Diagnostics) -> Option<PolicyDocument<'t>> {
    let (object, list_wrapped) = match &root.kind {
        NodeKind::Object(_) => (root, false),
        NodeKind::Array(items)
            if items.len() == 1 && matches!(items[0].kind, NodeKind::Object(_)) =>
        {
            (&items[0], true)
        }
        NodeKind::Array(items) => {
            diags.push(
                Diagnostic::new(
                    &POLICY_SHAPE,
                    root.span,
                    format!("expected one policy, found a list of {}", items.len()),
                )
                .help("put one policy per file: {'config': {...}}"),
            );
            return None;
        }
        NodeKind::Error => return None,
        _ => {
            diags.push(
                Diagnostic::new(
                    &POLICY_SHAPE,
                    root.span,
                    "a policy is a dictionary, found a single value",
                )
                .help("a config policy looks like {'config': {'name': ..., 'script': [...]}}"),
            );
            return None;
        }
    };
    let NodeKind::Object(entries) = &object.kind else {
        return None;
    };
    let mut distinct: Vec<&Entry> = Vec::new();
    for entry in entries {
        if !distinct.iter().any(|e| e.key == entry.key) {
            distinct.push(entry);
        }
    }
    let policy_type = match distinct.as_slice() {
        [] => {
            diags.push(
                Diagnostic::new(&POLICY_SHAPE, object.span, "the policy is empty")
                    .help("a config policy looks like {'config': {'name': ..., 'script': [...]}}"),
            );
            return None;
        }
        [_] => object.get(&distinct[0].key)?,
        [first, second, ..] => {
            diags.push(
                Diagnostic::new(
                    &POLICY_SHAPE,
                    second.key_span,
                    format!(
                        "a policy has one root key; `{}` is a second one",
                        second.key
                    ),
                )
                .label("second root key")
                .with_secondary(first.key_span, "the policy type")
                .help(format!("move `{}` inside `{}`", second.key, first.key))
                .note("the node refuses a policy with more than one root key (error 87)"),
            );
            object.get(&first.key)?
        }
    };
    if !matches!(policy_type.value.kind, NodeKind::Object(_)) {
        if !matches!(policy_type.value.kind, NodeKind::Error) {
            diags.push(
                Diagnostic::new(
                    &POLICY_SHAPE,
                    policy_type.value.span,
                    format!("`{}` must hold a dictionary of keys", policy_type.key),
                )
                .help(format!(
                    "write {{'{}': {{'name': ..., 'script': [...]}}}}",
                    policy_type.key
                )),
            );
        }
        return None;
    }
    Some(PolicyDocument {
        root,
        list_wrapped,
        policy_type,
        body: &policy_type.value,
    })
}

/// A key `config from policy` reads, with its value as the runtime sees it.
#[derive(Clone, Debug)]
pub struct KeyValue<'t> {
    /// The entry as written.
    pub entry: &'t Entry,
    /// Its role.
    pub role: KeyRole,
    /// The value after the runtime's resolution (`None` for `None`/`null`).
    pub value: Option<Resolved>,
}

/// The value of a policy value node as `get_value_if_available` leaves it (§2.2).
pub fn resolve_node(node: &Node, vars: &dyn Variables) -> Option<Resolved> {
    match &node.kind {
        NodeKind::Str(s) => Some(resolve_word(&s.value, vars)),
        NodeKind::BareRef(r) => Some(resolve_word(r, vars)),
        NodeKind::Number(n) => Some(Resolved::Known(match n.value {
            NumberValue::Int(i) => Value::Int(i),
            NumberValue::UInt(u) => Value::Float(u as f64),
            NumberValue::Float(f) => Value::Float(f),
        })),
        NodeKind::Bool(b) => Some(Resolved::Known(Value::Bool(*b))),
        NodeKind::Null | NodeKind::Object(_) | NodeKind::Array(_) | NodeKind::Error => None,
    }
}

/// The server and thread keys of the body, resolved (the last of duplicate keys wins).
pub fn server_keys<'t>(body: &'t Node, vars: &dyn Variables) -> Vec<KeyValue<'t>> {
    config_keys::READ_KEYS
        .iter()
        .filter(|k| !matches!(k.role, KeyRole::Id | KeyRole::Name | KeyRole::Script))
        .filter_map(|k| {
            let entry = body.get(k.name)?;
            let value = match k.role {
                // Thread keys: only `!` references are resolved (§2.2).
                KeyRole::Threads => match &entry.value.kind {
                    NodeKind::Str(s) if !s.value.starts_with('!') => {
                        Some(Resolved::Known(Value::Str(s.value.to_string())))
                    }
                    _ => resolve_node(&entry.value, vars),
                },
                _ => resolve_node(&entry.value, vars),
            };
            Some(KeyValue {
                entry,
                role: k.role,
                value,
            })
        })
        .collect()
}

/// Finds a resolved key by name.
pub fn key<'a, 't>(keys: &'a [KeyValue<'t>], name: &str) -> Option<&'a KeyValue<'t>> {
    keys.iter().find(|k| k.entry.key == name)
}

/// The span of a key's value, for diagnostics.
pub fn value_span(kv: &KeyValue) -> Span {
    kv.entry.value.span
}
