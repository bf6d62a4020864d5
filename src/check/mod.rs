//! Check stage: rules that read the resolved policy and report what will go wrong on the node.
//! One rule per file; [`catalog`] holds every rule's identity.

pub mod catalog;

mod bind_flags;
mod command_structure;
mod command_target;
mod control_flow;
mod duplicate_where_key;
mod if_without_then;
mod ignored_keys;
mod ignored_parameter;
mod invalid_where_value;
mod missing_script;
mod missing_where_key;
mod not_idempotent;
mod ports;
mod server_missing_ip;
mod threads;
mod undefined_variable;
mod unknown_command;
mod unknown_where_key;

use crate::compile::Options;
use crate::diagnostic::{Diagnostic, Diagnostics, Rule, Severity};
use crate::emit::servers::ServerSet;
use crate::resolve::command::{Guard, ProblemKind};
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
    /// The target runtime and the path map.
    pub options: &'a Options,
}

/// Runs every rule.
pub fn run(ctx: &CheckContext, diags: &mut Diagnostics) {
    undefined_variable::check(ctx, diags);
    ports::check(ctx, diags);
    threads::check(ctx, diags);
    bind_flags::check(ctx, diags);
    ignored_keys::check(ctx, diags);
    server_missing_ip::check(ctx, diags);
    unknown_command::check(ctx, diags);
    command_target::check(ctx, diags);
    command_structure::check(ctx, diags);
    unknown_where_key::check(ctx, diags);
    missing_where_key::check(ctx, diags);
    duplicate_where_key::check(ctx, diags);
    invalid_where_value::check(ctx, diags);
    ignored_parameter::check(ctx, diags);
    missing_script::check(ctx, diags);
    control_flow::check(ctx, diags);
    if_without_then::check(ctx, diags);
    not_idempotent::check(ctx, diags);
}

/// Says how an `if` guarding a script command changes a finding: under a condition that is
/// false with these env files an error becomes a warning (the line fails only when the
/// condition is true); under one only the node decides, the note says when it fails.
pub(crate) fn guarded(diag: Diagnostic, guard: &Guard) -> Diagnostic {
    match guard {
        Guard::Always => diag,
        Guard::If {
            condition,
            decided: Some(false),
        } => {
            let diag = if diag.severity == Severity::Error {
                diag.severity(Severity::Warning)
            } else {
                diag
            };
            diag.note(format!(
                "this line only runs when `{condition}` is true, which it is not with these env files; it fails once that condition holds"
            ))
        }
        Guard::If {
            condition,
            decided: None,
        } => diag.note(format!(
            "this line runs only when `{condition}` is true on the node, and fails then"
        )),
        Guard::If { .. } => diag,
    }
}

/// Reports every problem of `kind` in the script's commands with `rule`.
pub(crate) fn report_problems(
    ctx: &CheckContext,
    kind: ProblemKind,
    rule: &'static Rule,
    diags: &mut Diagnostics,
    extra: impl Fn(Diagnostic) -> Diagnostic,
) {
    for line in ctx.lines {
        let Some(command) = &line.command else {
            continue;
        };
        for p in command.problems.iter().filter(|p| p.kind == kind) {
            let mut d = Diagnostic::new(rule, p.span, p.message.clone());
            if let Some(h) = &p.help {
                d = d.help(h.clone());
            }
            if let Some(r) = p.related {
                d = d.with_secondary(r, "first given here");
            }
            diags.push(guarded(extra(d), &command.guard));
        }
    }
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
