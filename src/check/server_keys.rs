//! Server keys that silently misconfigure: `port-resolves-empty` (EL308, LINT-08),
//! `bind-to-public-ip` (EL309, LINT-09), `address-not-string` (EL310) and
//! `local-port-without-port` (EL311).

use crate::check::catalog::{
    ADDRESS_NOT_STRING, BIND_TO_PUBLIC_IP, LOCAL_PORT_WITHOUT_PORT, PORT_RESOLVES_EMPTY,
};
use crate::check::{with_origin, CheckContext};
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::edgelake::config_keys::KeyRole;
use crate::emit::servers::{bind_of, Field};
use crate::resolve::policy::key;
use crate::resolve::reference::{references_in, Sigil};
use crate::resolve::value::{Resolved, Value};
use crate::syntax::policy::NodeKind;

/// Reports the four server-key traps.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    for kv in ctx.keys {
        let node = &kv.entry.value;
        match kv.role {
            KeyRole::Address
                if matches!(
                    node.kind,
                    NodeKind::Number(_) | NodeKind::Bool(_) | NodeKind::Null
                ) =>
            {
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
            KeyRole::Port if kv.entry.key != "broker_port" && kv.entry.key != "local_port" => {
                let written = node.as_str().unwrap_or("");
                let empty =
                    matches!(&kv.value, Some(Resolved::Known(Value::Str(s))) if s.is_empty());
                let reference = references_in(written)
                    .into_iter()
                    .find(|r| r.sigil == Sigil::Param);
                if let (true, Some(r)) = (empty, reference) {
                    let tcp = kv.entry.key == "port";
                    let what = if tcp {
                        "the TCP server"
                    } else {
                        "the REST server"
                    };
                    let mut d = Diagnostic::new(
                        &PORT_RESOLVES_EMPTY,
                        node.span,
                        format!(
                            "`{}` resolves to nothing, so {what} is not started",
                            kv.entry.key
                        ),
                    )
                    .label(format!("`!{}` is empty", r.name))
                    .help(format!(
                        "set the env key behind `!{}`, or fix the reference",
                        r.name
                    ))
                    .note("the node does not report this: the server is silently not configured");
                    if !tcp {
                        d = d.severity(Severity::Warning);
                    }
                    diags.push(with_origin(d, ctx.scope, &r.name));
                }
            }
            _ => {}
        }
    }

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

    if let (Some(local), None) = (key(ctx.keys, "local_port"), key(ctx.keys, "port")) {
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
}
