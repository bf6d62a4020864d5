//! `not-idempotent` (EL411, note): commands that fail when the policy is applied a second
//! time (`config from policy` re-runs the whole script; LINT-14, §2.7). One note per policy, at
//! the first such command, with the others as secondary labels.

use crate::check::catalog::NOT_IDEMPOTENT;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};

/// Notes commands that fail when the policy is re-applied.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    let mut found = ctx.lines.iter().filter_map(|line| {
        let command = line.command.as_ref()?;
        let spec = command.spec?;
        spec.not_idempotent
            .map(|why| (command.name_span, spec.name, why))
    });
    let Some((span, name, why)) = found.next() else {
        return;
    };
    let mut d = Diagnostic::new(
        &NOT_IDEMPOTENT,
        span,
        format!("`{name}` fails if this policy is applied again"),
    )
    .label("fails on a second run")
    .note(format!(
        "applying the policy again (`config from policy`) re-runs its script: {why}, which stops the rest of the list"
    ))
    .help("apply the policy once per node start, or keep such commands out of policies that are re-applied");
    // The next few as secondary places, the rest counted: a generated script of 100,000 lines
    // made one finding with 16,000 places (in the JSON, SARIF and the editor's list).
    let mut more = 0;
    for (span, name, _) in found {
        if d.secondary.len() < MORE_PLACES {
            d = d.with_secondary(span, format!("`{name}` too"));
        } else {
            more += 1;
        }
    }
    if more > 0 {
        let commands = if more == 1 { "command" } else { "commands" };
        d = d.note(format!("{more} more {commands} like these"));
    }
    diags.push(d);
}

/// How many further commands the note shows as places.
const MORE_PLACES: usize = 8;
