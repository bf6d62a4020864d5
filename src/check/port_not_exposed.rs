//! `port-not-exposed` (EL604): a server the policy starts on a port that the node's Service
//! does not expose (§7): nothing outside the pod reaches it. The charts expose the broker
//! port only when `ANYLOG_BROKER_PORT` is set in the values.

use crate::check::catalog::PORT_NOT_EXPOSED;
use crate::check::KubeContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::emit::servers::{Field, ServerKind};
use crate::resolve::value::Value;

/// Reports each started server whose listening port no Service port targets.
pub fn check(ctx: &KubeContext, diags: &mut Diagnostics) {
    let Some(service) = ctx.pod.services.first() else {
        return;
    };
    for plan in ctx.servers.plans() {
        let Field::Known(Value::Int(port)) = plan.internal_port else {
            continue;
        };
        let exposed = ctx
            .pod
            .services
            .iter()
            .flat_map(|s| &s.ports)
            .any(|p| p.target_port.map(i64::from) == Some(port));
        if exposed {
            continue;
        }
        let listed: Vec<String> = service
            .ports
            .iter()
            .filter_map(|p| p.port.map(|n| n.to_string()))
            .collect();
        let help = match plan.kind {
            ServerKind::Broker => format!("set `node_configs.networking.ANYLOG_BROKER_PORT: {port}` in the values (the chart then exposes it) and write `'broker_port': '!anylog_broker_port.int'`"),
            _ => "take the port from the values (`'!anylog_server_port.int'`, `'!anylog_rest_port.int'`) so the policy and the Service agree".into(),
        };
        diags.push(
            Diagnostic::new(
                &PORT_NOT_EXPOSED,
                plan.origin,
                format!(
                    "the {} server listens on {port}, which Service `{}` does not expose",
                    plan.kind.as_str(),
                    service.name
                ),
            )
            .label("started here")
            .with_secondary(service.span, format!("exposes {}", if listed.is_empty() { "no port".into() } else { listed.join(", ") }))
            .help(help)
            .note("other nodes reach the pod only through the Service's ports, and deploy_node.sh forwards only those"),
        );
    }
}
