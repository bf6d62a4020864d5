//! `missing-where-key` (EL404): a required where-key left out ("Missing ... in command variables",
//! §3.5).

use crate::check::catalog::MISSING_WHERE_KEY;
use crate::check::{report_problems, CheckContext};
use crate::diagnostic::Diagnostics;
use crate::resolve::command::ProblemKind;
use crate::resolve::script::ScriptLine;

/// Reports these problems of the line's command.
pub(crate) fn line(_: &CheckContext, line: &ScriptLine, diags: &mut Diagnostics) {
    report_problems(
        line,
        ProblemKind::MissingKey,
        &MISSING_WHERE_KEY,
        diags,
        |d| d.note("the node rejects the command and stops the script list here"),
    );
}
