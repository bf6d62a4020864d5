//! Check stage: rules that read the resolved policy and report what will go wrong on the node.
//! One rule per file, named after the rule; [`catalog`] holds every rule's identity.

pub mod catalog;

pub mod suppress;
pub mod unknown_rule_name;

// Policy text and structure
mod duplicate_policy_key;
mod id_mismatch;
mod lone_surrogate;
mod number_out_of_range;
mod policy_type_not_config;
mod runtime_rejects_text;
// Env files
mod env_bad_duration_or_size;
mod env_key_unread;
mod env_not_integer;
mod env_not_portable;
mod local_scripts_legacy_layout;
mod makefile_key_moved;
mod secret_dereferenced;
// References, conditions and assignments (EL201 and EL202 share one walk)
mod assignment_fails;
mod comparison_as_string;
mod condition_fails;
mod if_result_string;
mod literal_cast_suffix;
mod mixed_and_or;
mod set_unset_env;
mod undefined_variable;
// Server keys
mod address_not_string;
mod bind_flag_casing;
mod bind_flag_not_string;
mod bind_to_public_ip;
mod ignored_key;
mod invalid_port;
mod invalid_thread_count;
mod local_port_without_port;
mod port_conflict;
mod port_resolves_empty;
mod server_missing_ip;
mod tcp_port_without_ip;
// Script commands against the command catalog
mod command_line_break;
mod command_not_on_target;
mod command_structure;
mod duplicate_where_key;
mod if_without_then;
mod ignored_parameter;
mod invalid_where_value;
mod missing_script_file;
mod missing_where_key;
mod multi_line_control_flow;
mod not_idempotent;
mod unknown_command;
mod unknown_where_key;
// Kubernetes: values files, manifests, the Service (EL105 covers LOCAL_SCRIPTS there too)
mod chart_key_unread;
mod node_port_out_of_range;
mod pod_address_published;
mod port_not_exposed;
mod secret_in_configmap;
mod service_port_unused;
mod service_selects_nothing;

use crate::compile::Options;
use crate::diagnostic::{Diagnostic, Diagnostics, Rule, Severity};
use crate::emit::servers::ServerSet;
use crate::resolve::command::{Guard, ProblemKind};
use crate::resolve::env_layers::EnvOrigin;
use crate::resolve::policy::{KeyValue, PolicyDocument};
use crate::resolve::scope::{Provenance, Scope};
use crate::resolve::script::ScriptLine;
use crate::source::{SourceMap, Span};
use crate::syntax::env::EnvFile;

/// Everything a rule may read.
pub struct CheckContext<'a, 't> {
    /// Every source file (the policy is file 0).
    pub sources: &'a SourceMap,
    /// Trailing commas inside objects and lists.
    pub trailing_commas: &'a [Span],
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

/// What the env-file rules read; they run even when the policy does not parse.
pub struct EnvContext<'a> {
    /// Every source file.
    pub sources: &'a SourceMap,
    /// The env files, parsed, in layering order.
    pub env_files: &'a [EnvFile],
    /// The layered values.
    pub layers: &'a crate::resolve::env_layers::EnvLayers,
    /// Which profile maps env keys to variables.
    pub profile: crate::resolve::scope::Profile,
}

/// Runs every env-file rule.
pub fn run_env(ctx: &EnvContext, diags: &mut Diagnostics) {
    env_key_unread::check(ctx, diags);
    env_not_integer::check(ctx, diags);
    env_bad_duration_or_size::check(ctx, diags);
    local_scripts_legacy_layout::check(ctx, diags);
    makefile_key_moved::check(ctx, diags);
    secret_dereferenced::check(ctx, diags);
    env_not_portable::check(ctx, diags);
}

/// Runs every policy rule.
pub fn run(ctx: &CheckContext, diags: &mut Diagnostics) {
    // The policy's text and document.
    runtime_rejects_text::check(ctx, diags);
    duplicate_policy_key::check(ctx, diags);
    number_out_of_range::check(ctx, diags);
    lone_surrogate::check(ctx, diags);
    id_mismatch::check(ctx, diags);
    policy_type_not_config::check(ctx, diags);
    // The server keys.
    literal_cast_suffix::check(ctx, diags);
    let mut suggestions = undefined_variable::Suggestions::new(ctx.scope);
    undefined_variable::check_keys(ctx, &mut suggestions, diags);
    address_not_string::check(ctx, diags);
    port_resolves_empty::check(ctx, diags);
    bind_to_public_ip::check(ctx, diags);
    local_port_without_port::check(ctx, diags);
    invalid_port::check(ctx, diags);
    port_conflict::check(ctx, diags);
    invalid_thread_count::check(ctx, diags);
    bind_flag_not_string::check(ctx, diags);
    bind_flag_casing::check(ctx, diags);
    ignored_key::check(ctx, diags);
    server_missing_ip::check(ctx, diags);
    tcp_port_without_ip::check(ctx, diags);
    command_line_break::check_servers(ctx, diags);
    // The script lines: every rule over one line at a time, in one pass. A rule per pass read
    // each line's record (and its words, text and command) once per rule, and at 100,000
    // lines those are ~50 MB: from memory each time, not from the cache. Findings come out in
    // the same order (they are sorted by place, stably, and on one line the rules run in
    // this order).
    let mut closest = unknown_command::Closest::new();
    for (i, line) in ctx.lines.iter().enumerate() {
        if let Some(ahead) = ctx.lines.get(i + AHEAD) {
            ahead.prefetch();
        }
        comparison_as_string::line(ctx, line, diags);
        condition_fails::line(ctx, line, diags);
        assignment_fails::line(ctx, line, diags);
        mixed_and_or::line(ctx, line, diags);
        set_unset_env::line(ctx, line, diags);
        if_result_string::line(ctx, line, diags);
        undefined_variable::line(ctx, line, &mut suggestions, diags);
        unknown_command::line(line, &mut closest, diags);
        command_not_on_target::line(ctx, line, diags);
        // These report the problems the command's parse found: most commands have none.
        if line
            .command
            .as_ref()
            .is_some_and(|c| !c.problems.is_empty())
        {
            command_structure::line(ctx, line, diags);
            unknown_where_key::line(ctx, line, diags);
            missing_where_key::line(ctx, line, diags);
            duplicate_where_key::line(ctx, line, diags);
            invalid_where_value::line(ctx, line, diags);
            ignored_parameter::line(ctx, line, diags);
        }
        missing_script_file::line(ctx, line, diags);
        multi_line_control_flow::line(ctx, line, diags);
        if_without_then::line(ctx, line, diags);
        command_line_break::line(ctx, line, diags);
    }
    // One finding for the whole script.
    not_idempotent::check(ctx, diags);
}

/// How many lines ahead of the rules [`ScriptLine::prefetch`] asks for.
const AHEAD: usize = 16;

/// What the Kubernetes rules that compare the policy with the pod read.
pub struct KubeContext<'a, 't> {
    /// The pod, its Services and ports.
    pub pod: &'a crate::kubernetes::NodePod,
    /// The servers the node starts.
    pub servers: &'a ServerSet,
    /// The server keys, resolved.
    pub keys: &'a [KeyValue<'t>],
    /// The scope the keys were resolved in.
    pub scope: &'a Scope,
}

/// Runs the Kubernetes rules that need only the pod (they run even when the policy does not
/// parse).
pub fn run_kubernetes_env(
    pod: &crate::kubernetes::NodePod,
    _scope: &Scope,
    diags: &mut Diagnostics,
) {
    node_port_out_of_range::check(pod, diags);
    secret_in_configmap::check(pod, diags);
    chart_key_unread::check(pod, diags);
    service_selects_nothing::check(pod, diags);
}

/// Runs the Kubernetes rules that compare the policy's servers and addresses with the pod.
pub fn run_kubernetes(
    pod: &crate::kubernetes::NodePod,
    servers: &ServerSet,
    keys: &[KeyValue],
    scope: &Scope,
    diags: &mut Diagnostics,
) {
    let ctx = KubeContext {
        pod,
        servers,
        keys,
        scope,
    };
    port_not_exposed::check(&ctx, diags);
    service_port_unused::check(&ctx, diags);
    pod_address_published::check(&ctx, diags);
}

/// At most this many note-level findings of one rule per env file are listed; the rest are
/// counted in one closing note, so a generated file with 100,000 keys stays readable (and the
/// run stays cheap, issue 6).
pub(crate) const NOTES_PER_FILE: usize = 50;

/// Counts note-level findings of one rule in one file and keeps the first
/// [`NOTES_PER_FILE`].
pub(crate) struct NoteBudget {
    listed: usize,
    left_out: usize,
    last: Option<Span>,
}

impl NoteBudget {
    /// A budget for one file.
    pub(crate) fn new() -> NoteBudget {
        NoteBudget {
            listed: 0,
            left_out: 0,
            last: None,
        }
    }

    /// Pushes `d` if it is not a note or the budget allows it; counts it otherwise.
    pub(crate) fn push(&mut self, diags: &mut Diagnostics, d: Diagnostic) {
        if d.severity != Severity::Note || self.listed < NOTES_PER_FILE {
            self.listed += usize::from(d.severity == Severity::Note);
            diags.push(d);
        } else {
            self.left_out += 1;
            self.last = Some(d.primary.span);
        }
    }

    /// Adds the closing note for what was left out, if anything.
    pub(crate) fn finish(self, diags: &mut Diagnostics, rule: &'static Rule, what: &str) {
        if let (Some(span), true) = (self.last, self.left_out > 0) {
            diags.push(
                Diagnostic::new(
                    rule,
                    span,
                    format!("{} more {what} in this file are not listed", self.left_out),
                )
                .severity(Severity::Note)
                .label("the last one")
                .help(format!(
                    "fix the listed ones, or `--allow {}` if these are intended",
                    rule.name
                ))
                .note(format!(
                    "elpc lists the first {NOTES_PER_FILE} notes of a rule per file"
                )),
            );
        }
    }
}

impl EnvContext<'_> {
    /// Every env entry whose key is in `keys`, with what `keys` holds for it and its value as
    /// written (references kept as `$NAME`), trimmed, for the format checks; empty values and
    /// values that are references themselves are left out. Only those keys' values are written
    /// out (a generated file can hold a million keys, of which the checks want a dozen).
    pub(crate) fn literal_values<'c, T: Copy>(
        &'c self,
        keys: &'c [(&'static str, T)],
    ) -> impl Iterator<Item = (&'c crate::syntax::env::EnvEntry, T, String)> + 'c {
        self.env_files
            .iter()
            .flat_map(|f| f.entries.iter())
            .filter_map(move |entry| {
                let (_, about) = keys.iter().find(|(k, _)| *k == entry.key)?;
                let value = entry_text(entry).trim().to_string();
                let literal =
                    !(value.is_empty() || value.starts_with('!') || value.starts_with('$'));
                literal.then_some((entry, *about, value))
            })
    }
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

/// Reports every problem of `kind` in the line's command with `rule`.
pub(crate) fn report_problems(
    line: &ScriptLine,
    kind: ProblemKind,
    rule: &'static Rule,
    diags: &mut Diagnostics,
    extra: impl Fn(Diagnostic) -> Diagnostic,
) {
    let Some(command) = &line.command else {
        return;
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

/// An env entry's value as written, references kept as `$NAME` (for format checks).
pub(crate) fn entry_text(entry: &crate::syntax::env::EnvEntry) -> String {
    use crate::syntax::env::ValuePart;
    entry
        .value
        .iter()
        .map(|p| match p {
            ValuePart::Literal(s) => s.clone(),
            ValuePart::Var { name, .. } => format!("${name}"),
        })
        .collect()
}

/// The variable names a reference could have meant.
pub(crate) fn known_names<'s>(scope: &'s Scope) -> Vec<&'s str> {
    // Borrowed, not copied or sorted (they are read once per misspelt name): a name listed
    // twice is harmless to the search for the closest, whose ties do not depend on order.
    let profile = crate::edgelake::profile::defined_names().map(|n| -> &'s str { n });
    scope
        .iter()
        .map(|v| v.name.as_str())
        .chain(profile)
        .collect()
}
