//! `command-structure` (EL412): command words in a layout the node rejects — no `where`, a key without
//! `= value`, the wrong number of words (§3.5, §6).

use crate::check::catalog::COMMAND_STRUCTURE;
use crate::check::{report_problems, CheckContext};
use crate::diagnostic::Diagnostics;
use crate::resolve::command::ProblemKind;
use crate::resolve::script::ScriptLine;

/// Reports these problems of the line's command.
pub(crate) fn line(_: &CheckContext, line: &ScriptLine, diags: &mut Diagnostics) {
    report_problems(
        line,
        ProblemKind::Structure,
        &COMMAND_STRUCTURE,
        diags,
        |d| {
            d.note(
                "the node rejects the command (ERR_command_struct) and stops the script list here",
            )
        },
    );
}
