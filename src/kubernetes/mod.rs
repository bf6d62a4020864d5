//! Kubernetes deployments: Helm values and manifests as env sources, and the network plan.
//!
//! Helm values ([`values`]) are merged in Helm's order and turned into the pod's env and its
//! Service by a chart: the chart's own templates (`--chart`, [`template`]) rendered and read as
//! manifests, or the built-in data of the two known charts ([`charts`], [`builtin`]).
//! Rendered manifests (`--manifest`) are read by [`manifest`]. Every way ends in a [`NodePod`]:
//! env vars with their provenance (added to the same env layers as dotenv files, so nothing
//! downstream knows where a value came from), the Services and the container ports. The plan
//! ([`plan`]) and the `kubernetes` rules read the `NodePod` and the compiled servers.

pub mod builtin;
pub mod charts;
pub mod manifest;
pub mod plan;
pub mod template;
pub mod values;

use crate::check::catalog::NOT_EDGELAKE_VALUES;
use crate::compile::{Input, Unreadable};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::env_layers::EnvOrigin;
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::yaml::{parse_yaml, YamlNode};

/// The node-port range of a cluster whose API server is not configured otherwise.
pub const DEFAULT_NODE_PORT_RANGE: (u16, u16) = (30000, 32767);

/// The Kubernetes inputs of a compilation (all optional).
#[derive(Clone, Debug)]
pub struct Kubernetes {
    /// Helm values files in Helm's order: the chart's `values.yaml` first, then each `-f`
    /// (a file the front end refused to read becomes an EL004 finding).
    pub values: Vec<Result<Input, Unreadable>>,
    /// Rendered manifests (multi-document YAML, e.g. `helm template` output).
    pub manifests: Vec<Result<Input, Unreadable>>,
    /// The chart's own templates (`--chart DIR`; its `values.yaml` goes first in `values`):
    /// rendered instead of the built-in mapping.
    pub chart: Option<template::ChartFiles>,
    /// The cluster's NodePort range (`--service-node-port-range` of the API server).
    pub node_port_range: (u16, u16),
}

impl Default for Kubernetes {
    fn default() -> Kubernetes {
        Kubernetes {
            values: Vec::new(),
            manifests: Vec::new(),
            chart: None,
            node_port_range: DEFAULT_NODE_PORT_RANGE,
        }
    }
}

impl Kubernetes {
    /// True when no Kubernetes input is given.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.manifests.is_empty()
    }
}

/// Where the container gets an env var.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvSource {
    /// A ConfigMap's `data`, through `envFrom.configMapRef` or `configMapKeyRef`.
    ConfigMap(String),
    /// A Secret, through `envFrom.secretRef` or `secretKeyRef`.
    Secret(String),
    /// `env[].value` of the container.
    Container,
}

/// One env var of the node's container.
#[derive(Clone, Debug, PartialEq)]
pub struct PodEnvVar {
    /// The env key.
    pub name: String,
    /// The value the container sees.
    pub value: String,
    /// Where it was written (a values-file line, a manifest line, or the chart).
    pub origin: EnvOrigin,
    /// The values-file lines it overrode, oldest first.
    pub overrides: Vec<EnvOrigin>,
    /// How the container gets it.
    pub source: EnvSource,
}

/// A port of a Service.
#[derive(Clone, Debug, PartialEq)]
pub struct ServicePort {
    /// Its name.
    pub name: Option<String>,
    /// `port`, when it is a valid port number.
    pub port: Option<u16>,
    /// `targetPort` (the container port), when numeric.
    pub target_port: Option<u16>,
    /// `nodePort`, when set.
    pub node_port: Option<u16>,
    /// Where the port number was written (the values line, or the manifest line).
    pub span: Span,
}

/// A Service in front of the node.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace` (`default` when unset).
    pub namespace: String,
    /// `spec.type` (`ClusterIP` when unset).
    pub service_type: String,
    /// `spec.ports`.
    pub ports: Vec<ServicePort>,
    /// Where the Service is declared (or its name is set).
    pub span: Span,
}

/// A port the node's container declares.
#[derive(Clone, Debug, PartialEq)]
pub struct ContainerPort {
    /// Its name.
    pub name: Option<String>,
    /// `containerPort`.
    pub port: Option<u16>,
    /// Where it was written.
    pub span: Span,
}

/// What a cluster makes of the node: its env, its Services and its container ports.
#[derive(Clone, Debug, PartialEq)]
pub struct NodePod {
    /// The chart whose mapping was applied (`None` for manifests).
    pub chart: Option<&'static str>,
    /// How the env was derived, for the plan: `built-in mapping` or `manifests`.
    pub derived_from: &'static str,
    /// The container's env, in ConfigMap order.
    pub env: Vec<PodEnvVar>,
    /// The Services selecting the pod.
    pub services: Vec<Service>,
    /// The container's ports.
    pub container_ports: Vec<ContainerPort>,
    /// Services in the manifests whose selector matches no pod template.
    pub unselected: Vec<Service>,
    /// Where findings without a better place point (the first input).
    pub anchor: Span,
    /// The cluster's NodePort range.
    pub node_port_range: (u16, u16),
    /// Secret values are shown in the plan's `env` (`--show-secrets`).
    pub secrets_shown: bool,
}

/// Reads the Kubernetes inputs into `sources` and derives the node's pod: values files merged
/// in order and mapped by the chart they belong to, then manifests (which win when both are
/// given). `None` when no input is usable.
pub fn load(
    sources: &mut SourceMap,
    inputs: &Kubernetes,
    diags: &mut Diagnostics,
) -> Option<NodePod> {
    let mut merged: Option<values::Value> = None;
    let mut anchor = None;
    for input in &inputs.values {
        let Some(id) = add_text(sources, input, diags) else {
            continue;
        };
        let span = Span::new(id, 0..0);
        anchor.get_or_insert(span);
        let before = diags.len();
        let docs = parse_yaml(id, sources.get(id).text(), diags);
        // Helm reads the first document of a values file.
        let Some(doc) = docs.into_iter().next() else {
            if diags.len() > before {
                continue; // unreadable YAML, already reported
            }
            diags.push(
                Diagnostic::new(
                    &NOT_EDGELAKE_VALUES,
                    span,
                    format!("`{}` holds no values", sources.get(id).name()),
                )
                .label("empty")
                .help("give the chart's values.yaml or a values file with `node_configs`"),
            );
            continue;
        };
        if let Some(d) = not_values(&doc, span, sources.get(id).name()) {
            diags.push(d);
            continue;
        }
        let value = values::Value::from_yaml(&doc, None);
        match &mut merged {
            Some(m) => m.merge(value),
            None => merged = Some(value),
        }
    }
    let anchor = anchor.unwrap_or(Span::new(FileId(0), 0..0));
    let from_values = match (&inputs.chart, merged) {
        (Some(chart), values) => {
            let values = values.unwrap_or_else(values::Value::empty);
            template::render(
                sources,
                chart,
                &values,
                anchor,
                inputs.node_port_range,
                diags,
            )
        }
        (None, Some(values)) => {
            let chart = charts::detect(&values);
            Some(builtin::apply(
                chart,
                &values,
                anchor,
                inputs.node_port_range,
                diags,
            ))
        }
        (None, None) => None,
    };
    let mut docs = Vec::new();
    let mut manifest_anchor = None;
    for input in &inputs.manifests {
        let Some(id) = add_text(sources, input, diags) else {
            continue;
        };
        manifest_anchor.get_or_insert(Span::new(id, 0..0));
        docs.extend(parse_yaml(id, sources.get(id).text(), diags));
    }
    let from_manifests =
        manifest_anchor.and_then(|a| manifest::read(&docs, a, inputs.node_port_range, diags));
    match (from_values, from_manifests) {
        (Some(mut v), Some(m)) => {
            // The manifests describe the pod; the values' env lies below theirs.
            for var in m.env {
                v.env.retain(|e| e.name != var.name);
                v.env.push(var);
            }
            Some(NodePod { env: v.env, ..m })
        }
        (v, m) => m.or(v),
    }
}

/// Adds an input as a source file, `None` (reported) when it is not usable text.
fn add_text(
    sources: &mut SourceMap,
    input: &Result<Input, Unreadable>,
    diags: &mut Diagnostics,
) -> Option<FileId> {
    let (id, usable) = crate::compile::add_source(
        sources,
        input.as_ref(),
        crate::compile::MAX_ENV_BYTES,
        diags,
    );
    usable.then_some(id)
}

/// Top-level keys of the known charts' values.
const CHART_KEYS: &[&str] = &[
    "node_configs",
    "metadata",
    "image",
    "persistence",
    "resources",
];

/// Why a YAML document is not a values file of an EdgeLake chart, if it is not.
fn not_values(doc: &YamlNode, span: Span, name: &str) -> Option<Diagnostic> {
    let resource = doc.get("apiVersion").is_some() && doc.get("kind").is_some();
    let older_layout = doc.get("node_configs").is_none()
        && (doc.get("networking").is_some() || doc.get("general").is_some());
    let chart_keys = doc
        .entries()
        .iter()
        .any(|e| CHART_KEYS.contains(&e.key.as_str()));
    if chart_keys && !resource && !older_layout {
        return None;
    }
    let at = doc.entries().first().map_or(span, |e| e.key_span);
    let d = Diagnostic::new(
        &NOT_EDGELAKE_VALUES,
        at,
        format!("`{name}` is not a values file of an EdgeLake node chart"),
    )
    .label("elpc cannot take the node's env from this file");
    let kind = doc.get("kind").and_then(YamlNode::as_str).unwrap_or("");
    Some(if resource && doc.get("spec").is_some() {
        d.help(format!("this is a `{kind}` custom resource: save its `spec` (the values the operator passes to the chart) as a values file"))
            .note("a Helm-based operator renders the chart with the resource's `spec` as values")
    } else if resource {
        d.help(format!(
            "this is a `{kind}` manifest: give rendered manifests with --manifest"
        ))
    } else if older_layout {
        d.help("sections such as `general` and `networking` at the top level are the layout of an older AnyLog chart; move them under `node_configs:` as the current charts expect")
            .note("the known charts are edgelake-operator and EdgeLake/deployment-k8s anylog-node")
    } else {
        d.help("give the chart's values.yaml or a values file with `node_configs.<section>.<KEY>`")
    })
}
