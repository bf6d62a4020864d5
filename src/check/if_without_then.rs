//! `if-without-then` (EL409): an `if` with no `then` whose condition runs on into a command
//! (`if !x != true goto y`): the node reads every word as part of the condition and rejects the
//! line (§4.2, LINT-17).

use crate::check::catalog::IF_WITHOUT_THEN;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::condition::parse_if;
use crate::resolve::script::ScriptLine;
use crate::source::Span;
use crate::syntax::policy::NodeKind;
use crate::syntax::script::tokenize;

/// Reports the line when it is an `if` that forgot `then`.
pub(crate) fn line(ctx: &CheckContext, line: &ScriptLine, diags: &mut Diagnostics) {
    // Only an `if` with no `then` word can be one; the line's words are the tokenizer's,
    // so the others need no second tokenization.
    if line.words().next().is_none_or(|w| w.text != "if") || line.words().any(|w| w.text == "then")
    {
        return;
    }
    let Ok(tokens) = tokenize(&line.text) else {
        return;
    };
    let Ok(parsed) = parse_if(&tokens.words) else {
        return;
    };
    if parsed.condition.has_then {
        return;
    }
    let limit = |g: &crate::resolve::condition::Group| {
        if g.words.first().is_some_and(|w| w.text == "not") {
            2
        } else {
            3
        }
    };
    let Some(group) = parsed
        .condition
        .groups
        .iter()
        .find(|g| g.words.len() > limit(g))
    else {
        return;
    };
    let extra = &group.words[limit(group)];
    let script = ctx.document.body.get("script").map(|s| &s.value.kind);
    let Some(NodeKind::Array(items)) = script else {
        return;
    };
    let Some(NodeKind::Str(lit)) = items.get(line.index).map(|n| &n.kind) else {
        return;
    };
    // Offsets of the stripped line inside the literal (leading spaces, one quote pair).
    let raw = &*lit.value;
    let mut offset = raw.len() - raw.trim_start().len();
    let t = raw.trim();
    if t.len() >= 2 && t.starts_with('\'') && t.ends_with('\'') {
        offset += 1;
    }
    let span: Span = lit.span_of(
        line.span.file,
        extra.range.start + offset..extra.range.end + offset,
    );
    diags.push(
        Diagnostic::new(
            &IF_WITHOUT_THEN,
            span,
            format!(
                "this `if` has no `then`, so `{}` is read as part of the condition",
                extra.text
            ),
        )
        .label("the condition runs on here")
        .help(format!("write `then {}`", extra.text))
        .suggest(
            "insert `then`",
            Span::new(span.file, span.start as usize..span.start as usize),
            "then ",
        )
        .note("the node rejects the line (ERR_command_struct) and stops the script list here"),
    );
}
