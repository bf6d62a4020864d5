//! `node-port-out-of-range` (EL606): a NodePort outside the cluster's node-port range (§7,
//! LINT-26). Both EdgeLake charts set `nodePort` to the port itself with `service_type:
//! NodePort`, so a port such as 2048 makes Kubernetes reject the Service.

use crate::check::catalog::NODE_PORT_OUT_OF_RANGE;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::kubernetes::NodePod;

/// Reports each node port outside the range.
pub fn check(pod: &NodePod, diags: &mut Diagnostics) {
    let (low, high) = pod.node_port_range;
    for service in &pod.services {
        for port in &service.ports {
            let Some(node_port) = port.node_port else {
                continue;
            };
            if (low..=high).contains(&node_port) {
                continue;
            }
            let name = port.name.as_deref().unwrap_or("a port");
            diags.push(
                Diagnostic::new(
                    &NODE_PORT_OUT_OF_RANGE,
                    port.span,
                    format!("NodePort {node_port} ({name} of Service `{}`) is outside the node-port range {low}-{high}", service.name),
                )
                .label(format!("Kubernetes accepts node ports {low}-{high}"))
                .help(format!("use a port in {low}-{high} (the chart sets nodePort to the port itself), or `service_type: ClusterIP` with port-forwarding; for a cluster configured with another range, give it with --node-port-range"))
                .note("the API server rejects the Service, so `helm install` fails and the node is unreachable"),
            );
        }
    }
}
