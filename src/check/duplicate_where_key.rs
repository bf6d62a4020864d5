//! `duplicate-where-key` (EL405): a key that may appear once, given twice ("Multiple values to
//! key", §3.5).

use crate::check::catalog::DUPLICATE_WHERE_KEY;
use crate::check::{report_problems, CheckContext};
use crate::diagnostic::Diagnostics;
use crate::resolve::command::ProblemKind;
use crate::resolve::script::ScriptLine;

/// Reports these problems of the line's command.
pub(crate) fn line(_: &CheckContext, line: &ScriptLine, diags: &mut Diagnostics) {
    report_problems(
        line,
        ProblemKind::DuplicateKey,
        &DUPLICATE_WHERE_KEY,
        diags,
        |d| {
            d.label("given again here")
                .note("the node rejects the command and stops the script list here")
        },
    );
}
