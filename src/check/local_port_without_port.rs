//! `local-port-without-port` (EL311): with `local_port` but no `port`, the node still applies
//! `int()` to `port` and stops with `Wrong_port_value` (221) (§2.3).

use crate::check::catalog::LOCAL_PORT_WITHOUT_PORT;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::policy::key;

/// Reports `local_port` without `port`.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    let (Some(local), None) = (key(ctx.keys, "local_port"), key(ctx.keys, "port")) else {
        return;
    };
    diags.push(
        Diagnostic::new(
            &LOCAL_PORT_WITHOUT_PORT,
            local.entry.key_span,
            "`local_port` without `port`",
        )
        .label("the node still reads `port`")
        .help("add `port` (the advertised port)")
        .note("int(\"\") fails: the node stops with Wrong_port_value (221)"),
    );
}
