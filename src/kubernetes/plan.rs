//! The `kubernetes` object of `elpc compile`: the Service(s) in front of the node, the
//! container's ports, and the `kubectl port-forward` commands `deploy_node.sh start` runs for
//! the Service's ports (EdgeLake/deployment-k8s: TCP, REST, and the broker when set), bound
//! to localhost, and with `--address=<INTERNAL_IP>` when its third argument is given.

use serde_json::{json, Value as Json};

use super::NodePod;

/// The plan as JSON.
pub fn to_json(pod: &NodePod) -> Json {
    let services: Vec<Json> = pod
        .services
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "namespace": s.namespace,
                "type": s.service_type,
                "ports": s.ports.iter().map(|p| json!({
                    "name": p.name,
                    "port": p.port,
                    "targetPort": p.target_port,
                    "nodePort": p.node_port,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let forward = |address: Option<&str>| -> Vec<String> {
        pod.services
            .first()
            .map(|s| {
                s.ports
                    .iter()
                    .filter_map(|p| p.port)
                    .map(|port| {
                        let mut cmd = format!(
                            "kubectl port-forward -n {} service/{} {port}:{port}",
                            s.namespace, s.name
                        );
                        if let Some(a) = address {
                            cmd.push_str(&format!(" --address={a}"));
                        }
                        cmd
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    json!({
        "chart": pod.chart,
        "derived_from": pod.derived_from,
        "services": services,
        "container_ports": pod.container_ports.iter().map(|p| json!({
            "name": p.name,
            "containerPort": p.port,
        })).collect::<Vec<_>>(),
        "port_forward": {
            "localhost": forward(None),
            "internal_ip": forward(Some("<INTERNAL_IP>")),
        },
    })
}
