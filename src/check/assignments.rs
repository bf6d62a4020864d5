//! Assignments whose stored value surprises: `set-unset-env` (EL206, LINT-15) and
//! `if-result-string` (EL207, LINT-16).

use crate::check::catalog::{IF_RESULT_STRING, SET_UNSET_ENV};
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::value::{Lookup, Variables};

/// Reports `set x = $UNSET` and `x = if ...`.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    for line in ctx.lines {
        let w: Vec<&str> = line.words.iter().map(|w| w.text.as_str()).collect();
        // `set x = $VAR`, possibly as the `then` part of an `if`
        let start = w.iter().position(|t| *t == "then").map_or(0, |i| i + 1);
        let cmd = &w[start.min(w.len())..];
        if let ["set", _, "=", value] = cmd {
            if let Some(name) = value.strip_prefix('$') {
                if ctx.scope.env(name) == Lookup::Undefined {
                    let span = line.words[start + 3].span;
                    diags.push(
                        Diagnostic::new(
                            &SET_UNSET_ENV,
                            span,
                            format!("`${name}` is not set, so `set` stores the string \"None\""),
                        )
                        .label("\"None\" is truthy")
                        .help(format!(
                            "write `{} = ${name}` (which leaves the variable unset) or set {name}",
                            cmd[1]
                        )),
                    );
                }
            }
        }
        if cmd.len() >= 3 && cmd[1] == "=" && cmd[2] == "if" {
            let span = line.words[start + 2].span;
            diags.push(
                Diagnostic::new(
                    &IF_RESULT_STRING,
                    span,
                    format!("`{} = if ...` stores \"True\" or \"False\"", cmd[0]),
                )
                .label("a string, not a boolean")
                .help(format!(
                    "test it with `!{} == true`; `!{}.bool` is true for \"False\"",
                    cmd[0], cmd[0]
                )),
            );
        }
    }
}
