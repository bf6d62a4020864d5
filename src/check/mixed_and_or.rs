//! `mixed-and-or` (EL205): `and` and `or` in one condition do not follow the usual precedence
//! (§4.4, LINT-19).

use crate::check::catalog::MIXED_AND_OR;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::script::ScriptLine;

/// Reports the line's condition when it uses both operators, at the first `or`.
pub(crate) fn line(_: &CheckContext, line: &ScriptLine, diags: &mut Diagnostics) {
    let Some(condition) = line.condition_words() else {
        return;
    };
    let has = |w: &str| condition.clone().any(|c| c.text == w);
    if !(has("and") && has("or")) {
        return;
    }
    let Some(first_or) = condition.clone().find(|c| c.text == "or") else {
        return;
    };
    diags.push(
            Diagnostic::new(&MIXED_AND_OR, first_or.span, "this condition mixes `and` and `or`")
                .label("evaluation order is not the usual precedence")
                .help("use one kind of operator per condition, or split it into two `if` lines")
                .note("without parentheses the node evaluates right to left (A and B or C = A and (B or C)); with parentheses it stops at the first decisive group"),
        );
}
