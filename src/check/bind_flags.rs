//! `bind-flag-not-string` (EL304) and `bind-flag-casing` (EL305): `tcp_bind`, `rest_bind` and
//! `broker_bind` must be strings; only exactly `"true"` means true (§2.2, LINT-05).

use crate::check::catalog::{BIND_FLAG_CASING, BIND_FLAG_NOT_STRING};
use crate::check::{with_origin, CheckContext};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::edgelake::config_keys::KeyRole;
use crate::resolve::reference::{references_in, Sigil};
use crate::resolve::value::{Resolved, Value};
use crate::syntax::policy::NodeKind;

/// Reports bind flags that crash the node or that read as false unexpectedly.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    for kv in ctx.keys.iter().filter(|k| k.role == KeyRole::Bind) {
        let key = &kv.entry.key;
        let node = &kv.entry.value;
        match &node.kind {
            NodeKind::Bool(_) | NodeKind::Number(_) | NodeKind::Null => {
                let truthy = matches!(node.kind, NodeKind::Bool(true));
                let fix = if truthy { "\"true\"" } else { "\"false\"" };
                diags.push(
                    Diagnostic::new(&BIND_FLAG_NOT_STRING, node.span, format!("`{key}` must be a string, not a JSON {}", kind_name(&node.kind)))
                        .label("config_servers passes this to a string function")
                        .help(format!("write {fix}, or a reference such as \"!{key}.bool\""))
                        .suggest(format!("quote it as {fix}"), node.span, fix)
                        .note("the node crashes with `TypeError: object of type 'bool' has no len()` and starts no server"),
                );
            }
            NodeKind::Str(lit) => {
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
                    "write \"true\" in lower case".to_string()
                } else {
                    "write \"true\" or \"false\"".to_string()
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
            _ => {}
        }
    }
}

fn kind_name(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::Bool(_) => "boolean",
        NodeKind::Number(_) => "number",
        _ => "null",
    }
}
