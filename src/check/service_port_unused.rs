//! `service-port-unused` (EL605): a Service port no server of the node listens on, so a
//! connection to it is refused. Checked only when every started server's port is known.

use crate::check::catalog::SERVICE_PORT_UNUSED;
use crate::check::KubeContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::emit::servers::Field;
use crate::resolve::value::Value;

/// Reports each Service port whose target no server listens on.
pub fn check(ctx: &KubeContext, diags: &mut Diagnostics) {
    if ctx.servers.failure.is_some() {
        return;
    }
    let mut listening = Vec::new();
    for plan in ctx.servers.plans() {
        match plan.internal_port {
            Field::Known(Value::Int(p)) => listening.push((p, plan.kind.as_str())),
            _ => return,
        }
    }
    for service in &ctx.pod.services {
        for port in &service.ports {
            let Some(target) = port.target_port else {
                continue;
            };
            if listening.iter().any(|(p, _)| *p == i64::from(target)) {
                continue;
            }
            let servers: Vec<String> = listening
                .iter()
                .map(|(p, k)| format!("{k} on {p}"))
                .collect();
            diags.push(
                Diagnostic::new(
                    &SERVICE_PORT_UNUSED,
                    port.span,
                    format!(
                        "Service `{}` exposes {target}{}, but no server of the node listens there",
                        service.name,
                        port.name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()
                    ),
                )
                .label("connections here are refused")
                .help("start the server on this port in the policy (take it from the env: `'!anylog_broker_port.int'`), or remove the port from the values")
                .note(if servers.is_empty() { "the policy starts no server".to_string() } else { format!("the policy starts: {}", servers.join(", ")) }),
            );
        }
    }
}
