//! `set-unset-env` (EL206): `set x = $VAR` with VAR unset stores the string `"None"` (§3.4,
//! LINT-15).

use crate::check::catalog::SET_UNSET_ENV;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::script::ScriptLine;
use crate::resolve::value::{Lookup, Variables};

/// Reports the line when it is `set x = $VAR` (also as the `then` part of an `if`) and VAR
/// is not set.
pub(crate) fn line(ctx: &CheckContext, line: &ScriptLine, diags: &mut Diagnostics) {
    // Only a line holding `$` and `set` can be one (a word's text is written in the line).
    if !line.text.contains('$') || !line.text.contains("set") {
        return;
    }
    let mut words = line.command_words();
    let (4, Some(set), Some(name), Some(eq), Some(value)) = (
        words.len(),
        words.next(),
        words.next(),
        words.next(),
        words.next(),
    ) else {
        return;
    };
    if set.text != "set" || eq.text != "=" {
        return;
    }
    let Some(var) = value.text.strip_prefix('$') else {
        return;
    };
    if ctx.scope.env(var) != Lookup::Undefined {
        return;
    }
    diags.push(
        Diagnostic::new(
            &SET_UNSET_ENV,
            value.span,
            format!("`${var}` is not set, so `set` stores the string \"None\""),
        )
        .label("\"None\" is truthy")
        .help(format!(
            "write `{} = ${var}` (which leaves the variable unset) or set {var}",
            name.text
        )),
    );
}
