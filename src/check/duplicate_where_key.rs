//! `duplicate-where-key` (EL405): a key that may appear once, given twice ("Multiple values to
//! key", §3.5).

use crate::check::catalog::DUPLICATE_WHERE_KEY;
use crate::check::{report_problems, CheckContext};
use crate::diagnostic::Diagnostics;
use crate::resolve::command::ProblemKind;

/// Reports these problems on every script command.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    report_problems(
        ctx,
        ProblemKind::DuplicateKey,
        &DUPLICATE_WHERE_KEY,
        diags,
        |d| {
            d.label("given again here")
                .note("the node rejects the command and stops the script list here")
        },
    );
}
