//! `assignment-fails` (EL209): a line the node runs as a dictionary assignment and fails
//! (§3.6): `x = a +` with a dangling `+`, `x = a b + c` whose words do not alternate with `+`,
//! `set x = 60 seconds` (more than one word after `=`), `x = if …` whose condition the node
//! rejects. The rest of the script list is skipped.

use crate::check::catalog::ASSIGNMENT_FAILS;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::script::{LineOutcome, ScriptLine};

/// Reports the line when it is an assignment the node fails.
pub(crate) fn line(_: &CheckContext, line: &ScriptLine, diags: &mut Diagnostics) {
    let LineOutcome::Fails(why) = &line.outcome else {
        return;
    };
    let span = match line.command_words().collect::<Vec<_>>()[..] {
        [first, .., last] => first.span.to(last.span),
        _ => line.span,
    };
    diags.push(
            Diagnostic::new(&ASSIGNMENT_FAILS, span, format!("the node fails this assignment: {why}"))
                .label("fails on the node")
                .help("join values with ` + ` between every two words (`x = !a + - + !b`), or quote a value of several words (`set x = \"60 seconds\"`)")
                .note("a line that fails stops the node's script list here"),
        );
}
