//! `unknown-where-key` (EL403): a where-key the command does not take ("Unknown key in AnyLog
//! command", §3.5).

use crate::check::catalog::UNKNOWN_WHERE_KEY;
use crate::check::{report_problems, CheckContext};
use crate::diagnostic::Diagnostics;
use crate::resolve::command::ProblemKind;
use crate::resolve::script::ScriptLine;

/// Reports these problems of the line's command.
pub(crate) fn line(_: &CheckContext, line: &ScriptLine, diags: &mut Diagnostics) {
    report_problems(
        line,
        ProblemKind::UnknownKey,
        &UNKNOWN_WHERE_KEY,
        diags,
        |d| {
            d.label("the command fails on this key")
                .note("the node stops the script list at this line")
        },
    );
}
