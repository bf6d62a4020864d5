//! `bind-flag-casing` (EL305): a bind flag string is true only when it is exactly `"true"`
//! (§2.2, LINT-05).

use crate::check::catalog::BIND_FLAG_CASING;
use crate::check::{with_origin, CheckContext};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::edgelake::config_keys::KeyRole;
use crate::resolve::reference::{references_in, Sigil};
use crate::resolve::value::{Resolved, Value};
use crate::syntax::policy::NodeKind;

/// Reports bind flags that resolve to a string other than `"true"`/`"false"`.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    for kv in ctx.keys.iter().filter(|k| k.role == KeyRole::Bind) {
        let key = &kv.entry.key;
        let node = &kv.entry.value;
        let NodeKind::Str(lit) = &node.kind else {
            continue;
        };
        let Some(Resolved::Known(Value::Str(s))) = &kv.value else {
            continue;
        };
        if s == "true" || s == "false" || s.is_empty() {
            continue;
        }
        let reference = references_in(&lit.value)
            .into_iter()
            .find(|r| r.sigil == Sigil::Param);
        let mut d = Diagnostic::new(
            &BIND_FLAG_CASING,
            node.span,
            format!("`{key}` is \"{s}\", which the node reads as false"),
        )
        .label("only exactly \"true\" (lower case) means true")
        .help(if s.eq_ignore_ascii_case("true") {
            "write \"true\" in lower case"
        } else {
            "write \"true\" or \"false\""
        });
        match reference {
            Some(r) => d = with_origin(d, ctx.scope, &r.name),
            None if s.eq_ignore_ascii_case("true") => {
                let q = lit.quote;
                d = d.suggest("write \"true\"", node.span, format!("{q}true{q}"));
            }
            None => {}
        }
        diags.push(d);
    }
}
