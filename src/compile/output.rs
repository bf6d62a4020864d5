//! The compiled JSON: the policy with its id, the resolved policy, and the output document.

use serde_json::{json, Value as Json};

use crate::emit::json::{default_json, map_node};
use crate::resolve::policy::{self, KeyValue};
use crate::resolve::reference::resolve_word;
use crate::resolve::scope::Scope;
use crate::resolve::script::ScriptLine;
use crate::resolve::value::Resolved;
use crate::source::Span;
use crate::syntax::policy::{Node, NodeKind};

use super::Compilation;

/// Adds the `id` the node computes (§1.5) when the policy has none, at the end of the inner
/// object where `blockchain insert` puts it, so `policy` is what the node would store (minus
/// the `date` and `ledger` it adds at insert time). No id when an unquoted reference's value
/// (hashed with the rest) is known only on the node.
pub(super) fn with_computed_id((mut policy, complete): (Json, bool)) -> Json {
    let has_id = |p: &Json| {
        p.as_object()
            .and_then(|o| o.values().next())
            .and_then(Json::as_object)
            .is_none_or(|inner| inner.contains_key("id"))
    };
    if !complete || has_id(&policy) {
        return policy; // a written id stays; no md5 of the whole policy to throw away
    }
    let id = crate::emit::policy_id::compute_id(&policy);
    if let (Some(id), Some(inner)) = (
        id,
        policy
            .as_object_mut()
            .and_then(|o| o.values_mut().next())
            .and_then(|v| v.as_object_mut()),
    ) {
        inner.insert("id".into(), Json::String(id));
    }
    policy
}

/// The policy with known references replaced: server keys by their typed values, script lines
/// by the command they run, other `!`/`$` strings by their resolved value.
pub(super) fn resolved_json(
    object: &Node,
    keys: &[KeyValue],
    lines: &[ScriptLine],
    scope: &Scope,
) -> Json {
    // Looked up once per script string: a scan per string would be quadratic in the lines; a
    // sorted list (the lines come in order) is searched without hashing every span twice.
    let mut outcomes: Vec<(Span, &ScriptLine)> = lines.iter().map(|l| (l.span, l)).collect();
    outcomes.sort_by_key(|(span, _)| *span); // (each list item has its own span)
    map_node(object, &mut |path, node| {
        if let [_, key] = path {
            if let Some(kv) = policy::key(keys, key) {
                return match &kv.value {
                    Some(Resolved::Known(v)) => v.to_json(),
                    _ => default_json(node),
                };
            }
        }
        if let [_, "script"] = path {
            if let NodeKind::Str(lit) = &node.kind {
                let found = outcomes
                    .binary_search_by_key(&node.span, |(span, _)| *span)
                    .ok()
                    .map(|i| outcomes[i].1);
                return match found.and_then(ScriptLine::runs) {
                    Some(text) => Json::String(text.to_string()),
                    None => Json::String(lit.value.clone()),
                };
            }
        }
        match &node.kind {
            NodeKind::Str(s) if s.value.starts_with('!') || s.value.starts_with('$') => {
                match resolve_word(&s.value, scope) {
                    Resolved::Known(v) => v.to_json(),
                    Resolved::AtBoot { .. } => default_json(node),
                }
            }
            _ => default_json(node),
        }
    })
}

/// The output document of `elpc compile`: policy, resolved, servers, commands, diagnostics,
/// and `kubernetes` (the network plan) when Helm values or manifests were given.
pub fn output_json(compilation: &Compilation, diagnostics: Json) -> Json {
    let mut doc = output_document(compilation, diagnostics);
    if let (Some(pod), Some(map)) = (&compilation.kubernetes, doc.as_object_mut()) {
        map.insert(
            "kubernetes".into(),
            crate::kubernetes::plan::to_json(pod, &compilation.sources, pod.secrets_shown),
        );
    }
    doc
}

fn output_document(compilation: &Compilation, diagnostics: Json) -> Json {
    let sources = &compilation.sources;
    match &compilation.output {
        Some(out) => json!({
            "policy": out.policy,
            "resolved": out.resolved,
            "servers": out.servers.to_json(),
            "commands": out.commands.iter().map(|c| {
                let mut j = json!({
                    "command": c.command,
                    "origin": sources.location(c.origin),
                    "catalog": c.catalog,
                    "args": c.args,
                });
                if let Some(node) = sources.node_location(c.origin) {
                    j["node_origin"] = json!(node);
                }
                if let Some(via) = c.via {
                    j["via"] = json!(sources.location(via));
                }
                if let Some(why) = &c.condition {
                    j["condition"] = json!(why);
                }
                j
            }).collect::<Vec<_>>(),
            "diagnostics": diagnostics,
        }),
        None => json!({
            "policy": null,
            "resolved": null,
            "servers": {"tcp": null, "rest": null, "broker": null},
            "commands": [],
            "diagnostics": diagnostics,
        }),
    }
}
