//! `comparison-as-string` (EL204): `if !a > 9` compares strings, because numbers written in a
//! line and references without a cast are strings (§4.3).

use crate::check::catalog::COMPARISON_AS_STRING;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::cast::Cast;
use crate::resolve::script::{ScriptLine, WordRef};

const ORDERING: &[&str] = &[">", ">=", "<", "<="];

/// Reports the line's ordering comparisons between an uncast reference and a number.
pub(crate) fn line(_: &CheckContext, line: &ScriptLine, diags: &mut Diagnostics) {
    let Some(condition) = line.condition_words() else {
        return;
    };
    // Collected only for a condition that orders something (few do).
    if !condition.clone().any(|w| ORDERING.contains(&w.text)) {
        return;
    }
    let condition: Vec<_> = condition.collect();
    for (i, op) in condition.iter().enumerate().skip(1) {
        if !ORDERING.contains(&op.text) {
            continue;
        }
        let (Some(left), Some(right)) = (condition.get(i - 1), condition.get(i + 1)) else {
            continue;
        };
        let Some(reference) = uncast_reference_against_number(left, right)
            .or_else(|| uncast_reference_against_number(right, left))
        else {
            continue;
        };
        diags.push(
                Diagnostic::new(&COMPARISON_AS_STRING, op.span, format!("`{}` compares `{}` as a string", op.text, reference.text))
                    .label("string comparison")
                    .help(format!("cast it: `{}.int`", reference.text))
                    .suggest(format!("compare `{}.int`", reference.text), reference.span, format!("{}.int", reference.text))
                    .note("numbers written in a line are strings and a reference without a cast is a string, so \"10\" > \"9\" is false"),
            );
    }
}

fn uncast_reference_against_number<'a>(
    reference: &'a WordRef<'a>,
    other: &WordRef,
) -> Option<&'a WordRef<'a>> {
    let is_reference = reference.text.starts_with('!') || reference.text.starts_with('$');
    let cast = Cast::split(reference.text).map(|(_, c)| c);
    // A number or a `.bool` is not compared as text (a `.bool` against a number makes the
    // node's `if` fail: `condition-fails`).
    let numeric_cast = matches!(
        cast,
        Some(Cast::Int | Cast::Float | Cast::Len | Cast::Replies | Cast::Diff | Cast::Bool)
    );
    let other_is_number = other.text.parse::<f64>().is_ok();
    (is_reference && !numeric_cast && other_is_number).then_some(reference)
}
