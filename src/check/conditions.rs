//! `if` conditions that do not mean what they look like: `comparison-as-string` (EL204, §4.3)
//! and `mixed-and-or` (EL205, §4.4, LINT-19).

use crate::check::catalog::{COMPARISON_AS_STRING, MIXED_AND_OR};
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::cast::Cast;
use crate::resolve::script::LineWord;

const ORDERING: &[&str] = &[">", ">=", "<", "<="];

/// Reports string comparisons of numbers and conditions mixing `and` and `or`.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    for line in ctx.lines {
        let words = &line.words;
        if words.first().is_none_or(|w| w.text != "if") {
            continue;
        }
        let end = words
            .iter()
            .position(|w| w.text == "then")
            .unwrap_or(words.len());
        let condition = &words[1..end];
        for (i, op) in condition.iter().enumerate() {
            if !ORDERING.contains(&op.text.as_str()) || i == 0 {
                continue;
            }
            let (Some(left), Some(right)) = (condition.get(i - 1), condition.get(i + 1)) else {
                continue;
            };
            if let Some(reference) = uncast_reference_against_number(left, right)
                .or_else(|| uncast_reference_against_number(right, left))
            {
                diags.push(
                    Diagnostic::new(&COMPARISON_AS_STRING, op.span, format!("`{}` compares `{}` as a string", op.text, reference.text))
                        .label("string comparison")
                        .help(format!("cast it: `{}.int`", reference.text))
                        .suggest(format!("compare `{}.int`", reference.text), reference.span, format!("{}.int", reference.text))
                        .note("numbers written in a line are strings and a reference without a cast is a string, so \"10\" > \"9\" is false"),
                );
            }
        }
        let has = |w: &str| condition.iter().any(|c| c.text == w);
        if has("and") && has("or") {
            let first = condition
                .iter()
                .find(|c| c.text == "or")
                .map(|c| c.span)
                .unwrap_or(line.span);
            diags.push(
                Diagnostic::new(&MIXED_AND_OR, first, "this condition mixes `and` and `or`")
                    .label("evaluation order is not the usual precedence")
                    .help("use one kind of operator per condition, or split it into two `if` lines")
                    .note("without parentheses the node evaluates right to left (A and B or C = A and (B or C)); with parentheses it stops at the first decisive group"),
            );
        }
    }
}

fn uncast_reference_against_number<'a>(
    reference: &'a LineWord,
    other: &LineWord,
) -> Option<&'a LineWord> {
    let is_reference = reference.text.starts_with('!') || reference.text.starts_with('$');
    let cast = Cast::split(&reference.text).map(|(_, c)| c);
    let numeric_cast = matches!(
        cast,
        Some(Cast::Int | Cast::Float | Cast::Len | Cast::Replies | Cast::Diff)
    );
    let other_is_number = other.text.parse::<f64>().is_ok();
    (is_reference && !numeric_cast && other_is_number).then_some(reference)
}
