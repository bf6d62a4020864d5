//! `ignored-parameter` (EL410): a where-key the command accepts and then never reads (`threads` on
//! `run tcp server` / `run message broker`, `dbms` / `table` on `set buffer threshold`; §2.6, §6).

use crate::check::catalog::IGNORED_PARAMETER;
use crate::check::{report_problems, CheckContext};
use crate::diagnostic::Diagnostics;
use crate::resolve::command::ProblemKind;
use crate::resolve::script::ScriptLine;

/// Reports these problems of the line's command.
pub(crate) fn line(_: &CheckContext, line: &ScriptLine, diags: &mut Diagnostics) {
    report_problems(
        line,
        ProblemKind::IgnoredKey,
        &IGNORED_PARAMETER,
        diags,
        |d| d.label("accepted, then ignored"),
    );
}
