//! `tcp-port-without-ip` (EL312): `port` is set but `ip` is not, and there is no
//! `local_ip`/`local_port` pair, so the node configures no TCP server and says nothing
//! (§2.3: TCP starts only when both members of a pair are truthy). Recorded with the oracle's
//! `config_servers` op (EdgeLake faba50d): `{"port": "32148"}` returns 0 with no server and
//! no log line; the same with `"ip": "10.0.0.1"` starts TCP on 10.0.0.1:32148.

use crate::check::catalog::TCP_PORT_WITHOUT_IP;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::emit::servers::field;
use crate::resolve::policy::key;

/// Reports a `port` that starts nothing because `ip` is missing or empty.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    if ctx.servers.tcp.is_some() || ctx.servers.failure.is_some() {
        return;
    }
    let Some(port) = key(ctx.keys, "port") else {
        return;
    };
    let keys = ctx.keys;
    // `config_servers` starts TCP when `ip` and `port`, or `local_ip` and `local_port`, are
    // both set ([`crate::emit::servers`]); no TCP plan and no failure with a `port` that has a
    // value means neither pair was complete, so `ip` is what is missing. An empty `port` is
    // EL308's finding.
    if !field(keys, "port").truthy() {
        return;
    }
    // A script that starts TCP itself (`run tcp server where …`) does not need the keys.
    let starts_tcp = ctx.lines.iter().any(|line| {
        line.command
            .as_ref()
            .and_then(|c| c.spec)
            .is_some_and(|spec| spec.name == "run tcp server")
    });
    if starts_tcp {
        return;
    }
    let label = match key(keys, "ip") {
        Some(_) => "`ip` is empty, so this port starts nothing",
        None => "no `ip`, so this port starts nothing",
    };
    diags.push(
        Diagnostic::new(
            &TCP_PORT_WITHOUT_IP,
            port.entry.value.span,
            "`port` is set without `ip`: the node configures no TCP server",
        )
        .label(label)
        .help("add the address other nodes reach, e.g. `'ip': '!external_ip'` (and `'local_ip': '!ip'` for the internal one)")
        .note("the node does not report this: `config from policy` starts TCP only when both `ip` and `port` (or `local_ip` and `local_port`) are set"),
    );
}
