//! `address-not-string` (EL310): `ip`, `local_ip`, `rest_ip` and `broker_ip` are host names or
//! IPs as strings; `config_servers` passes them to string functions (§2.2).

use crate::check::catalog::ADDRESS_NOT_STRING;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::edgelake::config_keys::KeyRole;
use crate::syntax::policy::NodeKind;

/// Reports addresses written as numbers, booleans or null.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    for kv in ctx.keys.iter().filter(|k| k.role == KeyRole::Address) {
        let node = &kv.entry.value;
        if !matches!(
            node.kind,
            NodeKind::Number(_) | NodeKind::Bool(_) | NodeKind::Null
        ) {
            continue;
        }
        diags.push(
            Diagnostic::new(
                &ADDRESS_NOT_STRING,
                node.span,
                format!("`{}` must be a host name or IP as a string", kv.entry.key),
            )
            .label("not a string")
            .help("quote it, e.g. '10.0.0.1', or use a reference such as '!ip'"),
        );
    }
}
