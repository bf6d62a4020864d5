//! The `kubernetes` object of `elpc compile`: the Service(s) in front of the node, the
//! container's ports, and the `kubectl port-forward` commands `deploy_node.sh start` runs for
//! the Service's ports (EdgeLake/deployment-k8s: TCP, REST, and the broker when set), bound
//! to localhost, and with `--address=<INTERNAL_IP>` when its third argument is given. `env`
//! lists what the container gets, each with where it was written and what it overrode.

use serde_json::{json, Value as Json};

use super::{EnvSource, NodePod};
use crate::resolve::env_layers::EnvOrigin;
use crate::secrets::{is_secret_name, MASK};
use crate::source::SourceMap;

/// The plan as JSON; secret values are masked unless `show_secrets`.
pub fn to_json(pod: &NodePod, sources: &SourceMap, show_secrets: bool) -> Json {
    let place = |o: &EnvOrigin| match o {
        EnvOrigin::File { value_span, .. } => sources.location(*value_span),
        EnvOrigin::Base { label } => label.to_string(),
    };
    let env: Vec<Json> = pod
        .env
        .iter()
        .map(|v| {
            // As everywhere: flags (`NEBULA_NEW_KEYS=false`) and empty values reveal nothing.
            let revealing = !(v.value.is_empty()
                || v.value.eq_ignore_ascii_case("true")
                || v.value.eq_ignore_ascii_case("false"));
            let value = if is_secret_name(&v.name) && !show_secrets && revealing {
                MASK.to_string()
            } else {
                v.value.clone()
            };
            json!({
                "name": v.name,
                "value": value,
                "from": match &v.source {
                    EnvSource::ConfigMap(n) => format!("ConfigMap {n}"),
                    EnvSource::Secret(n) => format!("Secret {n}"),
                    EnvSource::Container => "container env".to_string(),
                },
                "set_at": place(&v.origin),
                "overrides": v.overrides.iter().map(place).collect::<Vec<_>>(),
            })
        })
        .collect();
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
        "env": env,
    })
}
