//! The compiled JSON: the policy with its id, the resolved policy, and the output document.

use serde_json::{json, Value as Json};

use crate::diagnostic::Diagnostics;
use crate::emit::json::map_node;
use crate::emit::views::{line_outcomes, resolved_leaf, PolicyView, ResolvedView};
use crate::resolve::policy::{self, KeyValue};
use crate::resolve::scope::Scope;
use crate::resolve::script::ScriptLine;
use crate::syntax::policy::Node;

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
    let outcomes = line_outcomes(lines);
    map_node(object, &mut |path, node| {
        resolved_leaf(path, node, keys, &outcomes, scope).into_json()
    })
}

/// Views that write the `policy` and `resolved` outputs of a compilation made with
/// [`super::Options::skip_json_trees`] from its syntax tree, scope and script lines, exactly as
/// `compile_document` builds the trees; `None` when it has no outputs or has the trees.
pub(crate) fn output_views(
    compilation: &Compilation,
) -> Option<(PolicyView<'_>, ResolvedView<'_>)> {
    let (Some(out), Some(parsed)) = (&compilation.output, &compilation.syntax) else {
        return None;
    };
    if !trees_skipped(compilation) {
        return None;
    }
    let scope = &compilation.scope;
    // Its findings were reported when the compilation was made.
    let document = policy::document(&parsed.root, &mut Diagnostics::new())?;
    let keys = policy::server_keys(document.body, scope);
    let object = super::policy_object(&parsed.root);
    Some((
        PolicyView::new(object, scope, with_computed_id),
        ResolvedView::new(object, keys, &out.lines, scope),
    ))
}

/// True when a compilation has outputs and a syntax tree but not the `policy` and `resolved`
/// trees (made with [`super::Options::skip_json_trees`]).
pub(crate) fn trees_skipped(compilation: &Compilation) -> bool {
    compilation.syntax.is_some()
        && compilation
            .output
            .as_ref()
            .is_some_and(|out| out.policy.is_null() && out.resolved.is_null())
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
    // Trees a compilation did not build (`Options::skip_json_trees`) are built here.
    let built = super::trees_skipped(compilation)
        .then(|| super::editor_outputs(compilation))
        .flatten();
    match &compilation.output {
        Some(out) => json!({
            "policy": built.as_ref().map_or(&out.policy, |b| &b.0),
            "resolved": built.as_ref().map_or(&out.resolved, |b| &b.1),
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
