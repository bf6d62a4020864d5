//! Where a policy's `script` list stops (§2.7): a `process` line whose script returns a code
//! that is not success (`script-list-stops`), and a line that fails for a reason no rule of the
//! check stage reported (`script-stops`, with the engine's cause).

use super::script::ScriptLine;
use crate::check::catalog::SCRIPT_LIST_STOPS;
use crate::diagnostic::{Diagnostic, Severity};
use crate::resolve::engine::{code, Engine};
use crate::source::Span;

/// Lines that stop the list where no rule of the check stage reported an error: the engine's
/// cause, as `script-stops`.
pub fn report_unexplained_stops(lines: &[ScriptLine], diags: &mut crate::diagnostic::Diagnostics) {
    for line in lines {
        let (Some(stop), Some(cause)) = (&line.stops, &line.failure) else {
            continue;
        };
        let at = cause.span;
        let overlaps = |sp: Span| {
            sp.file == at.file
                && sp.start < at.end.max(at.start + 1)
                && at.start < sp.end.max(sp.start + 1)
        };
        let explained = diags
            .iter()
            .any(|d| d.severity == Severity::Error && overlaps(d.primary.span));
        if explained || stop.code == code::MISSING_SCRIPT {
            continue;
        }
        let mut d = Diagnostic::new(&crate::check::catalog::SCRIPT_STOPS, cause.span, cause.message.clone())
            .label("the node stops the script list here")
            .note(format!(
                "the line returns {}; a config policy's script list stops at the first line that does not return success",
                code::name(stop.code)
            ));
        if let Some(h) = &cause.help {
            d = d.help(h.clone());
        } else {
            d = d.help("fix the line or remove it");
        }
        if !stop.definite {
            d = d
                .note("only on some boot paths")
                .severity(Severity::Warning);
        }
        diags.push(d);
    }
}

/// A `process` line whose script returns a code that stops the policy's list.
pub(super) fn report_stop(eng: &mut Engine, line: &ScriptLine, code: i32, definite: bool) {
    let mut d = Diagnostic::new(
        &SCRIPT_LIST_STOPS,
        line.span,
        format!("the processed script returns {}", code::name(code)),
    )
    .label("the script list stops here")
    .help(match code {
        code::ELSE_IGNORED | code::DO_IGNORED => {
            "end the processed script with `end script`, which returns success"
        }
        code::EXIT_SCRIPTS => "let the processed script end with `end script` instead of `exit scripts`",
        _ => "fix the failure in the processed script (reported at its own line)",
    })
    .note("a config policy's script list stops at the first line that does not return success; the lines after it do not run");
    if !definite {
        d = d
            .note("only on some boot paths")
            .severity(Severity::Warning);
    }
    eng.report(d);
}
