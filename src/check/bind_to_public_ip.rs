//! `bind-to-public-ip` (EL309): `rest_bind`/`broker_bind` that can be true without
//! `rest_ip`/`broker_ip` binds the server to `ip`, usually the public address (§2.4, LINT-09).

use crate::check::catalog::BIND_TO_PUBLIC_IP;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::emit::servers::{bind_of, Field};
use crate::resolve::policy::key;
use crate::resolve::value::Value;

/// Reports a bind flag that is true now, or may be at boot, without the server's own IP.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    for (prefix, own_ip) in [("rest", "rest_ip"), ("broker", "broker_ip")] {
        let Some(bind) = key(ctx.keys, &format!("{prefix}_bind")) else {
            continue;
        };
        if key(ctx.keys, &format!("{prefix}_port")).is_none() || key(ctx.keys, own_ip).is_some() {
            continue;
        }
        let can_be_true = match bind_of(bind) {
            Some(Field::Known(Value::Bool(b))) => b,
            Some(Field::AtBoot(_)) => true,
            _ => false,
        };
        if can_be_true {
            diags.push(
                Diagnostic::new(&BIND_TO_PUBLIC_IP, bind.entry.value.span, format!("`{prefix}_bind` can be true but there is no `{own_ip}`"))
                    .label("binds to `ip`, usually the public address")
                    .help(format!("add `{own_ip}` (e.g. '!ip') or keep `{prefix}_bind` false"))
                    .note("on NAT, cloud and Docker-bridge hosts the public address is not on a local interface: the bind fails inside the server thread while config from policy reports success"),
            );
        }
    }
}
