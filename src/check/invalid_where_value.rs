//! `invalid-where-value` (EL406): a where-clause value that does not have its key's type
//! (`time = 60` without a unit, `bind = yes`) or range (`threads = 11` on `run operator`), §3.5, §6.

use crate::check::catalog::INVALID_WHERE_VALUE;
use crate::check::{report_problems, CheckContext};
use crate::diagnostic::Diagnostics;
use crate::resolve::command::ProblemKind;
use crate::resolve::script::ScriptLine;

/// Reports these problems of the line's command.
pub(crate) fn line(_: &CheckContext, line: &ScriptLine, diags: &mut Diagnostics) {
    report_problems(
        line,
        ProblemKind::InvalidValue,
        &INVALID_WHERE_VALUE,
        diags,
        |d| {
            d.label("the node rejects this value")
                .note("the command fails and the node stops the script list here")
        },
    );
}
