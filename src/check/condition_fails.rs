//! `condition-fails` (EL208): an `if` the node's own evaluation rejects (§4.3): a `.bool`
//! compared with anything but `true`/`false`, an `.int` against a word that is not a whole
//! number, `childfrom` of numbers (the node's Python raises). The line fails with
//! `ERR_command_struct` and the rest of the script list is skipped.

use crate::check::catalog::CONDITION_FAILS;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::script::{LineOutcome, ScriptLine};

/// Reports the line when it is an `if` whose condition fails on the node.
pub(crate) fn line(_: &CheckContext, line: &ScriptLine, diags: &mut Diagnostics) {
    let LineOutcome::ConditionFails(why) = &line.outcome else {
        return;
    };
    let span = match line
        .condition_words()
        .map(Iterator::collect::<Vec<_>>)
        .as_deref()
    {
        Some([first, .., last]) => first.span.to(last.span),
        Some([one]) => one.span,
        _ => line.span,
    };
    diags.push(
            Diagnostic::new(&CONDITION_FAILS, span, format!("the node's `if` fails here: {why}"))
                .label("the node rejects this condition")
                .help("compare a cast value with a value of its type (`!x.int > 9`, `!flag.bool == true`), or drop the cast to compare text")
                .note("the `if` returns an error, so the node stops the script list at this line"),
        );
}
