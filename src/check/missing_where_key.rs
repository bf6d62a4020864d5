//! `missing-where-key` (EL404): a required where-key left out ("Missing ... in command variables",
//! §3.5).

use crate::check::catalog::MISSING_WHERE_KEY;
use crate::check::{report_problems, CheckContext};
use crate::diagnostic::Diagnostics;
use crate::resolve::command::ProblemKind;

/// Reports these problems on every script command.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    report_problems(
        ctx,
        ProblemKind::MissingKey,
        &MISSING_WHERE_KEY,
        diags,
        |d| d.note("the node rejects the command and stops the script list here"),
    );
}
