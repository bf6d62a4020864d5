//! `server-missing-ip` (EL307): a REST or broker port with no address to serve on (§2.4–2.5).

use crate::check::catalog::SERVER_MISSING_IP;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::emit::servers::FailureKind;

/// Reports the failure `config_servers` returns when neither `rest_ip`/`broker_ip` nor `ip` is set.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    let Some(failure) = &ctx.servers.failure else {
        return;
    };
    if failure.kind != FailureKind::MissingIp {
        return;
    }
    diags.push(
        Diagnostic::new(&SERVER_MISSING_IP, failure.span, failure.reason.clone())
            .label("this port has no address")
            .help("add `ip` (the advertised address) or the server's own `rest_ip`/`broker_ip`")
            .note("the TCP server may already be running; the script list does not run"),
    );
}
