//! `command-not-on-target` (EL402): a command that exists on AnyLog but not on the chosen
//! `--target` (EdgeLake by default): `run data distributor`, `run data consumer`,
//! `run mcp server`, `set authentication`, `set aggregation` (§6, §8 "Script lists").

use crate::check::catalog::COMMAND_NOT_ON_TARGET;
use crate::check::{guarded, CheckContext};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::edgelake::commands::{Availability, Target};
use crate::resolve::script::ScriptLine;

/// Reports the line's command when it is AnyLog-only and the policy is compiled for EdgeLake.
pub(crate) fn line(ctx: &CheckContext, line: &ScriptLine, diags: &mut Diagnostics) {
    if ctx.options.target == Target::AnyLog {
        return;
    }
    let Some(command) = &line.command else {
        return;
    };
    let Some(spec) = command.spec else { return };
    if spec.availability != Availability::AnyLogOnly {
        return;
    }
    let mut d = Diagnostic::new(
        &COMMAND_NOT_ON_TARGET,
        command.name_span,
        format!("`{}` exists on AnyLog, not on EdgeLake", spec.name),
    )
    .label("EdgeLake has no such command")
    .note("on EdgeLake the command fails and the node stops the script list at this line")
    .help("remove the line, or compile with `--target anylog` if this policy is for AnyLog nodes");
    if spec.name == "run mcp server" {
        d = d.note("EdgeLake serves MCP through its REST server at /mcp/sse");
    }
    diags.push(guarded(d, &command.guard));
}
