//! `invalid-thread-count` (EL303): `tcp_threads`, `rest_threads` and `msg_threads` must be
//! integers of at least 1 (§2.2, LINT-06).

use crate::check::catalog::INVALID_THREAD_COUNT;
use crate::check::{with_origin, CheckContext};
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::edgelake::config_keys::KeyRole;
use crate::emit::servers::{int_of, int_text, Field};
use crate::resolve::reference::{references_in, Sigil};
use crate::resolve::value::{Resolved, Value};

/// Reports thread counts that stop the configuration or start no workers.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    for kv in ctx.keys.iter().filter(|k| k.role == KeyRole::Threads) {
        let Some(Resolved::Known(value)) = &kv.value else {
            continue;
        };
        let key = &kv.entry.key;
        let default = if key == "rest_threads" { 8 } else { 6 };
        let d = match int_of(&Field::Known(value.clone())) {
            None => Diagnostic::new(
                &INVALID_THREAD_COUNT,
                kv.entry.value.span,
                format!("`{key}` is `{}`, which is not an integer", value.to_python_str()),
            )
            .label("int() fails on this value")
            .note("the node stops configuring with Config_Error (235): no server after it starts and the script does not run"),
            Some(Field::Known(Value::Int(0))) => Diagnostic::new(
                &INVALID_THREAD_COUNT,
                kv.entry.value.span,
                format!("`{key}` is 0, which the node replaces with its default {default}"),
            )
            .severity(Severity::Warning),
            Some(Field::Known(Value::Int(n))) if n < 0 => Diagnostic::new(
                &INVALID_THREAD_COUNT,
                kv.entry.value.span,
                format!(
                    "`{key}` is {}: the server starts with no worker threads",
                    int_text(value)
                ),
            ),
            Some(_) => continue,
        };
        let mut d = d.help(format!(
            "use a whole number of at least 1 (the default is {default})"
        ));
        let written = kv.entry.value.as_str().unwrap_or("");
        if let Some(r) = references_in(written)
            .into_iter()
            .find(|r| r.sigil == Sigil::Param)
        {
            d = with_origin(d, ctx.scope, &r.name);
        }
        diags.push(d);
    }
}
