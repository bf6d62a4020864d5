//! `mixed-and-or` (EL205): `and` and `or` in one condition do not follow the usual precedence
//! (§4.4, LINT-19).

use crate::check::catalog::MIXED_AND_OR;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};

/// Reports conditions that use both operators, at the first `or`.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    for condition in ctx.lines.iter().filter_map(|l| l.condition_words()) {
        let has = |w: &str| condition.clone().any(|c| c.text == w);
        if !(has("and") && has("or")) {
            continue;
        }
        let Some(first_or) = condition.clone().find(|c| c.text == "or") else {
            continue;
        };
        diags.push(
            Diagnostic::new(&MIXED_AND_OR, first_or.span, "this condition mixes `and` and `or`")
                .label("evaluation order is not the usual precedence")
                .help("use one kind of operator per condition, or split it into two `if` lines")
                .note("without parentheses the node evaluates right to left (A and B or C = A and (B or C)); with parentheses it stops at the first decisive group"),
        );
    }
}
