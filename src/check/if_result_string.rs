//! `if-result-string` (EL207): `x = if ...` stores the strings `"True"`/`"False"`, and
//! `"False".bool` is true (§3.6, LINT-16).

use crate::check::catalog::IF_RESULT_STRING;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::script::ScriptLine;

/// Reports the line when it assigns an `if` result.
pub(crate) fn line(_: &CheckContext, line: &ScriptLine, diags: &mut Diagnostics) {
    // Only a line holding `if` after a `=` can be one (its words are written in the line).
    let candidate = |text: &str| text.find('=').is_some_and(|i| text[i..].contains("if"));
    if !candidate(&line.text) {
        return;
    }
    let mut words = line.command_words();
    let (Some(name), Some(eq), Some(if_word)) = (words.next(), words.next(), words.next()) else {
        return;
    };
    if eq.text != "=" || if_word.text != "if" {
        return;
    }
    let name = &name.text;
    diags.push(
        Diagnostic::new(
            &IF_RESULT_STRING,
            if_word.span,
            format!("`{name} = if ...` stores \"True\" or \"False\""),
        )
        .label("a string, not a boolean")
        .help(format!(
            "test it with `!{name} == true`; `!{name}.bool` is true for \"False\""
        )),
    );
}
