//! `bind-flag-not-string` (EL304): `tcp_bind`, `rest_bind` and `broker_bind` must be strings; a
//! JSON boolean or number crashes `config_servers` (§2.2, LINT-05).

use crate::check::catalog::BIND_FLAG_NOT_STRING;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::edgelake::config_keys::KeyRole;
use crate::syntax::policy::NodeKind;

/// Reports bind flags written as JSON booleans, numbers or null.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    for kv in ctx.keys.iter().filter(|k| k.role == KeyRole::Bind) {
        let key = &kv.entry.key;
        let node = &kv.entry.value;
        let kind = match node.kind {
            NodeKind::Bool(_) => "boolean",
            NodeKind::Number(_) => "number",
            NodeKind::Null => "null",
            _ => continue,
        };
        let fix = if matches!(node.kind, NodeKind::Bool(true)) {
            "\"true\""
        } else {
            "\"false\""
        };
        diags.push(
            Diagnostic::new(&BIND_FLAG_NOT_STRING, node.span, format!("`{key}` must be a string, not a JSON {kind}"))
                .label("config_servers passes this to a string function")
                .help(format!("write {fix}, or a reference such as \"!{key}.bool\""))
                .suggest(format!("quote it as {fix}"), node.span, fix)
                .note("the node crashes with `TypeError: object of type 'bool' has no len()` and starts no server"),
        );
    }
}
