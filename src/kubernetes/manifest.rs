//! Rendered Kubernetes manifests (`--manifest`, e.g. `helm template` output) as an env source:
//! the env of the node's container from `envFrom` (ConfigMap `data`, Secret `data` decoded
//! from base64 or `stringData`) and `env` (`value`, `configMapKeyRef`, `secretKeyRef`), in
//! Kubernetes' order (`envFrom` sources in order, then `env`, later wins), and the Services
//! whose selector matches the pod's labels.
//!
//! The node's container is the first container of the first workload (Deployment,
//! StatefulSet, DaemonSet, ReplicaSet, Job or Pod).

use std::collections::HashMap;

use crate::check::catalog::NOT_EDGELAKE_VALUES;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::env_layers::EnvOrigin;
use crate::source::Span;
use crate::syntax::yaml::{YamlNode, YamlValue};

use super::{ContainerPort, EnvSource, NodePod, PodEnvVar, Service, ServicePort};

/// One key of a ConfigMap or Secret.
struct DataEntry {
    key: String,
    value: String,
    origin: EnvOrigin,
}

const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "Pod",
];

/// Reads the documents of every manifest file. `None` (with one finding at `anchor`) when
/// they hold no workload.
pub fn read(
    docs: &[YamlNode],
    anchor: Span,
    node_port_range: (u16, u16),
    diags: &mut Diagnostics,
) -> Option<NodePod> {
    let mut configmaps: HashMap<String, Vec<DataEntry>> = HashMap::new();
    let mut secrets: HashMap<String, Vec<DataEntry>> = HashMap::new();
    let mut workloads = Vec::new();
    let mut services = Vec::new();
    for doc in docs.iter().flat_map(list_items) {
        let kind = doc.get("kind").and_then(YamlNode::as_str).unwrap_or("");
        let name = doc
            .path("metadata.name")
            .map(scalar_text)
            .unwrap_or_default();
        match kind {
            "ConfigMap" => {
                configmaps.insert(name, data(doc.get("data"), false));
            }
            "Secret" => {
                let mut entries = data(doc.get("data"), true);
                entries.extend(data(doc.get("stringData"), false));
                secrets.insert(name, entries);
            }
            "Service" => services.push(doc),
            k if WORKLOADS.contains(&k) => workloads.push(doc),
            _ => {}
        }
    }
    let Some(workload) = workloads.first() else {
        diags.push(
            Diagnostic::new(&NOT_EDGELAKE_VALUES, anchor, "these manifests hold no workload (Deployment, StatefulSet, DaemonSet, Pod, ...) to take the node's env from")
                .label("no pod here")
                .help("give the whole `helm template` output, with the Deployment and its ConfigMap"),
        );
        return None;
    };
    let pod = if workload.get("kind").and_then(YamlNode::as_str) == Some("Pod") {
        Some(*workload)
    } else {
        workload.path("spec.template")
    };
    let labels = |pod: Option<&YamlNode>| -> Vec<(String, String)> {
        pod.and_then(|p| p.path("metadata.labels"))
            .map(|l| {
                l.entries()
                    .iter()
                    .map(|e| (e.key.clone(), scalar_text(&e.value)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let pod_labels = labels(pod);
    let container = pod
        .and_then(|p| p.path("spec.containers"))
        .and_then(|c| c.items().first());
    let mut env: Vec<PodEnvVar> = Vec::new();
    let mut set = |var: PodEnvVar| match env.iter_mut().find(|v| v.name == var.name) {
        Some(old) => {
            let previous = std::mem::replace(&mut old.origin, var.origin);
            old.overrides.push(previous);
            old.value = var.value;
            old.source = var.source;
        }
        None => env.push(var),
    };
    let empty = Vec::new();
    if let Some(c) = container {
        for from in c.get("envFrom").map(YamlNode::items).unwrap_or_default() {
            let prefix = from.get("prefix").map(scalar_text).unwrap_or_default();
            let (entries, source) = if let Some(name) = from.path("configMapRef.name") {
                let n = scalar_text(name);
                (
                    configmaps.get(&n).unwrap_or(&empty),
                    EnvSource::ConfigMap(n),
                )
            } else if let Some(name) = from.path("secretRef.name") {
                let n = scalar_text(name);
                (secrets.get(&n).unwrap_or(&empty), EnvSource::Secret(n))
            } else {
                continue;
            };
            for e in entries {
                set(PodEnvVar {
                    name: format!("{prefix}{}", e.key),
                    value: e.value.clone(),
                    origin: e.origin.clone(),
                    overrides: Vec::new(),
                    source: source.clone(),
                });
            }
        }
        for item in c.get("env").map(YamlNode::items).unwrap_or_default() {
            let Some(name_node) = item.get("name") else {
                continue;
            };
            let name = scalar_text(name_node);
            let by_ref = |kind: &str, map: &HashMap<String, Vec<DataEntry>>| {
                let r = item.path(&format!("valueFrom.{kind}"))?;
                let source = r.get("name").map(scalar_text).unwrap_or_default();
                let key = r.get("key").map(scalar_text).unwrap_or_default();
                let entry = map.get(&source)?.iter().rev().find(|e| e.key == key)?;
                Some((entry.value.clone(), entry.origin.clone(), source))
            };
            let var = if let Some(v) = item.get("value") {
                Some((
                    scalar_text(v),
                    file_origin(name_node.span, v.span),
                    EnvSource::Container,
                ))
            } else if let Some((value, origin, cm)) = by_ref("configMapKeyRef", &configmaps) {
                Some((value, origin, EnvSource::ConfigMap(cm)))
            } else {
                by_ref("secretKeyRef", &secrets)
                    .map(|(value, origin, s)| (value, origin, EnvSource::Secret(s)))
            };
            if let Some((value, origin, source)) = var {
                set(PodEnvVar {
                    name,
                    value,
                    origin,
                    overrides: Vec::new(),
                    source,
                });
            }
        }
    }
    let container_ports = container
        .and_then(|c| c.get("ports"))
        .map(YamlNode::items)
        .unwrap_or_default()
        .iter()
        .map(|p| ContainerPort {
            name: p.get("name").map(scalar_text),
            port: p.get("containerPort").and_then(port_number),
            span: p.get("containerPort").map_or(p.span, |n| n.span),
        })
        .collect();
    let all_labels: Vec<Vec<(String, String)>> = workloads
        .iter()
        .map(|w| {
            if w.get("kind").and_then(YamlNode::as_str) == Some("Pod") {
                labels(Some(w))
            } else {
                labels(w.path("spec.template"))
            }
        })
        .collect();
    let mut selecting = Vec::new();
    let mut unselected = Vec::new();
    for s in services {
        let selector: Vec<(String, String)> = s
            .path("spec.selector")
            .map(|l| {
                l.entries()
                    .iter()
                    .map(|e| (e.key.clone(), scalar_text(&e.value)))
                    .collect()
            })
            .unwrap_or_default();
        let matches = |labels: &Vec<(String, String)>| {
            !selector.is_empty() && selector.iter().all(|pair| labels.contains(pair))
        };
        let service = service(s);
        if matches(&pod_labels) {
            selecting.push(service);
        } else if !all_labels.iter().any(matches) {
            unselected.push(service);
        }
    }
    Some(NodePod {
        chart: None,
        derived_from: "manifests",
        env,
        services: selecting,
        container_ports,
        unselected,
        anchor,
        node_port_range,
        secrets_shown: false,
    })
}

/// A `kind: List` document's items, or the document itself.
fn list_items(doc: &YamlNode) -> Vec<&YamlNode> {
    match doc.get("kind").and_then(YamlNode::as_str) {
        Some("List") => doc
            .get("items")
            .map(|i| i.items().iter().collect())
            .unwrap_or_default(),
        _ => vec![doc],
    }
}

fn service(s: &YamlNode) -> Service {
    let ports = s
        .path("spec.ports")
        .map(YamlNode::items)
        .unwrap_or_default()
        .iter()
        .map(|p| {
            let port = p.get("port").and_then(port_number);
            ServicePort {
                name: p.get("name").map(scalar_text),
                port,
                target_port: p.get("targetPort").map_or(port, port_number),
                node_port: p.get("nodePort").and_then(port_number),
                span: p.get("port").map_or(p.span, |n| n.span),
            }
        })
        .collect();
    Service {
        name: s.path("metadata.name").map(scalar_text).unwrap_or_default(),
        namespace: s
            .path("metadata.namespace")
            .map(scalar_text)
            .unwrap_or_else(|| "default".into()),
        service_type: s
            .path("spec.type")
            .map(scalar_text)
            .unwrap_or_else(|| "ClusterIP".into()),
        ports,
        span: s.path("metadata.name").map_or(s.span, |n| n.span),
    }
}

fn port_number(node: &YamlNode) -> Option<u16> {
    match node.value {
        YamlValue::Int(n) => u16::try_from(n).ok().filter(|&p| p > 0),
        _ => None,
    }
}

/// A scalar's text as Kubernetes' string fields read it.
fn scalar_text(node: &YamlNode) -> String {
    match &node.value {
        YamlValue::Str { text, .. } => text.clone(),
        YamlValue::Null => String::new(),
        YamlValue::Bool(b) => b.to_string(),
        YamlValue::Int(i) => i.to_string(),
        YamlValue::Float(f) => f.to_string(),
        YamlValue::Seq(_) | YamlValue::Map(_) => String::new(),
    }
}

fn file_origin(key_span: Span, value_span: Span) -> EnvOrigin {
    EnvOrigin::File {
        key_span,
        value_span,
    }
}

fn data(node: Option<&YamlNode>, base64: bool) -> Vec<DataEntry> {
    let Some(node) = node else { return Vec::new() };
    node.entries()
        .iter()
        .map(|e| {
            let text = scalar_text(&e.value);
            let value = if base64 {
                decode_base64(&text).unwrap_or(text)
            } else {
                text
            };
            DataEntry {
                key: e.key.clone(),
                value,
                origin: file_origin(e.key_span, e.value.span),
            }
        })
        .collect()
}

/// Standard base64 (Secret `data`), `None` when the text is not base64 of UTF-8.
fn decode_base64(text: &str) -> Option<String> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::decode_base64;

    #[test]
    fn base64_decodes_secret_data() {
        assert_eq!(
            decode_base64("bXF0dC1wYXNzd29yZA==").as_deref(),
            Some("mqtt-password")
        );
        assert_eq!(decode_base64("not base64!"), None);
    }
}
