//! `set-unset-env` (EL206): `set x = $VAR` with VAR unset stores the string `"None"` (§3.4,
//! LINT-15).

use crate::check::catalog::SET_UNSET_ENV;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::value::{Lookup, Variables};

/// Reports `set x = $VAR` (also as the `then` part of an `if`) when VAR is not set.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    for line in ctx.lines {
        let [set, name, eq, value] = line.command_words() else {
            continue;
        };
        if set.text != "set" || eq.text != "=" {
            continue;
        }
        let Some(var) = value.text.strip_prefix('$') else {
            continue;
        };
        if ctx.scope.env(var) != Lookup::Undefined {
            continue;
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
}
