//! Check stage: rules that read the resolved policy and report what will go wrong on the node.
//! One rule per file; [`catalog`] holds every rule's identity.

pub mod catalog;

mod bind_flags;
mod ignored_keys;
mod ports;
mod server_missing_ip;
mod threads;
mod undefined_variable;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::emit::servers::ServerSet;
use crate::resolve::env_layers::EnvOrigin;
use crate::resolve::policy::{KeyValue, PolicyDocument};
use crate::resolve::scope::{Provenance, Scope};
use crate::resolve::script::ScriptLine;

/// Everything a rule may read.
pub struct CheckContext<'a, 't> {
    /// The policy document.
    pub document: &'a PolicyDocument<'t>,
    /// The server and thread keys, resolved.
    pub keys: &'a [KeyValue<'t>],
    /// The scope as it was before the script ran (what the server keys saw).
    pub scope: &'a Scope,
    /// The script lines, resolved in order.
    pub lines: &'a [ScriptLine],
    /// The servers the node starts.
    pub servers: &'a ServerSet,
}

/// Runs every rule.
pub fn run(ctx: &CheckContext, diags: &mut Diagnostics) {
    undefined_variable::check(ctx, diags);
    ports::check(ctx, diags);
    threads::check(ctx, diags);
    bind_flags::check(ctx, diags);
    ignored_keys::check(ctx, diags);
    server_missing_ip::check(ctx, diags);
}

/// Adds a secondary label at the env line a variable's value came from, when it came from one.
pub(crate) fn with_origin(diag: Diagnostic, scope: &Scope, name: &str) -> Diagnostic {
    match scope.get(name).map(|v| &v.provenance) {
        Some(Provenance::Env {
            key,
            origin: EnvOrigin::File { value_span, .. },
            ..
        }) => diag.with_secondary(*value_span, format!("`{name}` comes from {key} here")),
        Some(Provenance::ScriptDefault { source }) => diag.note(format!(
            "`{name}` is the deployment scripts' default ({source})"
        )),
        Some(Provenance::CommandLine) => diag.note(format!("`{name}` is set with --set")),
        _ => diag,
    }
}

/// The variable names a reference could have meant.
pub(crate) fn known_names(scope: &Scope) -> Vec<String> {
    let mut names: Vec<String> = scope.iter().map(|v| v.name.clone()).collect();
    names.extend(crate::edgelake::profile::defined_names().map(str::to_string));
    names.sort();
    names.dedup();
    names
}
