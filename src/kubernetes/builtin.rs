//! A chart's built-in mapping ([`super::charts`]) applied to merged values: the ConfigMap env,
//! the Service and the container ports the chart would render, with the values line behind
//! each. Helm stops at its first template error; so does this, with one `chart-render` finding
//! (the rest of the env is still derived, with failed lookups rendering empty).

use crate::check::catalog::CHART_RENDER;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::env_layers::EnvOrigin;
use crate::source::{FileId, Span};
use crate::syntax::yaml::{parse_yaml, YamlValue};

use super::charts::{ChartMap, From, PortRow, Quote, When};
use super::values::{Kind, Lookup, Value};
use super::{ContainerPort, EnvSource, NodePod, PodEnvVar, Service, ServicePort};

/// Applies `chart` to `values`. `anchor` is where findings without a values line point.
pub fn apply(
    chart: &'static ChartMap,
    values: &Value,
    anchor: Span,
    node_port_range: (u16, u16),
    diags: &mut Diagnostics,
) -> NodePod {
    let mut r = Render {
        values,
        anchor,
        failed: false,
        diags,
    };
    let configmap = r.text("metadata.configmap_name");
    let mut env = Vec::new();
    for row in chart.env {
        if let Some(block) = row.block {
            if !r.truth(block) {
                continue;
            }
        }
        if !r.when(row.when) {
            continue;
        }
        let (printed, origin, overrides) = match row.from {
            From::Const(text) => (
                text.to_string(),
                EnvOrigin::Base {
                    label: chart.constant_label,
                },
                Vec::new(),
            ),
            From::Value(path) => r.value(path, chart),
            From::FirstTrue(paths) => {
                let pick = paths
                    .iter()
                    .find(|p| r.truth(p))
                    .or(paths.last())
                    .copied()
                    .unwrap_or_default();
                r.value(pick, chart)
            }
            From::ProxyIp => {
                let (namespace, _, _) = r.value("metadata.namespace", chart);
                let (service, origin, overrides) = r.value("metadata.service_name", chart);
                (
                    format!("{namespace}.{service}.svc.cluster.local"),
                    origin,
                    overrides,
                )
            }
        };
        let quote = if chart.bare.contains(&row.key) {
            Quote::Bare
        } else {
            chart.quote
        };
        let value = match configmap_value(quote, &printed) {
            Ok(v) => v,
            Err(problem) => {
                let span = origin_span(&origin).unwrap_or(anchor);
                r.fail(span, format!("`{}` {problem}", row.key));
                printed
            }
        };
        env.push(PodEnvVar {
            name: row.key.to_string(),
            value,
            origin,
            overrides,
            source: EnvSource::ConfigMap(configmap.clone()),
        });
    }
    let node_port = r.service_type_is_node_port();
    let mut service_ports = Vec::new();
    for p in chart.service_ports {
        if r.when(p.when) {
            let (port, span) = r.port(p);
            service_ports.push(ServicePort {
                name: p.name.map(str::to_string),
                port,
                target_port: port,
                node_port: port.filter(|_| node_port),
                span,
            });
        }
    }
    let mut container_ports = Vec::new();
    for p in chart.container_ports {
        if r.when(p.when) {
            let (port, span) = r.port(p);
            container_ports.push(ContainerPort {
                name: p.name.map(str::to_string),
                port,
                span,
            });
        }
    }
    let service_span = values_span(values, "metadata.service_name").unwrap_or(anchor);
    let service = Service {
        name: r.text("metadata.service_name"),
        namespace: r.text("metadata.namespace"),
        service_type: r.text("metadata.service_type"),
        ports: service_ports,
        span: service_span,
    };
    NodePod {
        chart: Some(chart.name),
        derived_from: "built-in mapping",
        env,
        services: vec![service],
        container_ports,
        unselected: Vec::new(),
        anchor,
        node_port_range,
        secrets_shown: false,
    }
}

struct Render<'a, 'd> {
    values: &'a Value,
    anchor: Span,
    failed: bool,
    diags: &'d mut Diagnostics,
}

impl Render<'_, '_> {
    /// Reports Helm's first error; later ones are not reached by Helm.
    fn fail(&mut self, span: Span, message: String) {
        if std::mem::replace(&mut self.failed, true) {
            return;
        }
        self.diags.push(
            Diagnostic::new(&CHART_RENDER, span, message)
                .label("helm install stops here")
                .help("give the chart's own values.yaml first (or --chart DIR), and set this value in the values file")
                .note("Helm renders no manifest when a template fails: no ConfigMap, Service or pod"),
        );
    }

    fn lookup(&mut self, path: &str) -> Option<&Value> {
        match self.values.lookup(path) {
            Lookup::Found(v) => Some(v),
            Lookup::Missing => None,
            Lookup::Fails(message) => {
                let span = nearest_span(self.values, path).unwrap_or(self.anchor);
                self.fail(span, format!("`.Values.{path}`: {message}"));
                None
            }
        }
    }

    fn truth(&mut self, path: &str) -> bool {
        self.lookup(path).is_some_and(Value::is_true)
    }

    fn when(&mut self, when: When) -> bool {
        match when {
            When::Always => true,
            When::IfTrue(path) => self.truth(path),
            When::IfNotEmpty(path) => match self.lookup(path).map(|v| &v.kind) {
                None | Some(Kind::Null) => true,
                Some(Kind::Str(s)) => !s.is_empty(),
                Some(_) => {
                    let span = values_span(self.values, path).unwrap_or(self.anchor);
                    self.fail(
                        span,
                        format!("`ne .Values.{path} \"\"`: error calling ne: incompatible types for comparison"),
                    );
                    false
                }
            },
        }
    }

    fn text(&mut self, path: &str) -> String {
        self.lookup(path).map(Value::print).unwrap_or_default()
    }

    fn value(
        &mut self,
        path: &str,
        chart: &'static ChartMap,
    ) -> (String, EnvOrigin, Vec<EnvOrigin>) {
        match self.lookup(path) {
            Some(v) => (
                v.print(),
                v.origin.clone().unwrap_or(EnvOrigin::Base {
                    label: chart.constant_label,
                }),
                v.overrides.clone(),
            ),
            None => (
                String::new(),
                EnvOrigin::Base {
                    label: chart.missing_label,
                },
                Vec::new(),
            ),
        }
    }

    /// `eq .Values.metadata.service_type "NodePort"`.
    fn service_type_is_node_port(&mut self) -> bool {
        match self.lookup("metadata.service_type").map(|v| &v.kind) {
            Some(Kind::Str(s)) => s == "NodePort",
            None | Some(Kind::Null) => false,
            Some(_) => {
                let span = values_span(self.values, "metadata.service_type").unwrap_or(self.anchor);
                self.fail(span, "`eq .Values.metadata.service_type \"NodePort\"`: error calling eq: incompatible types for comparison".into());
                false
            }
        }
    }

    /// A port written bare (`port: {{ ... }}`), as Kubernetes reads the rendered number.
    fn port(&mut self, row: &PortRow) -> (Option<u16>, Span) {
        let printed = self.text(row.path);
        let span = values_span(self.values, row.path).unwrap_or(self.anchor);
        let port = match yaml_scalar(&printed) {
            Some(YamlValue::Int(n)) => u16::try_from(n).ok().filter(|&p| p > 0),
            _ => None,
        };
        if port.is_none() {
            let shown = if printed.is_empty() {
                "nothing".to_string()
            } else {
                format!("`{printed}`")
            };
            self.fail(
                span,
                format!("the port `.Values.{}` renders as {shown}, which is not a port number (1-65535): Kubernetes rejects the Service", row.path),
            );
        }
        (port, span)
    }
}

/// The ConfigMap `data` value a line renders: the YAML text `KEY: <quote>printed<quote>` read
/// back as Kubernetes reads it.
fn configmap_value(quote: Quote, printed: &str) -> Result<String, String> {
    let text = match quote {
        Quote::Double => format!("\"{printed}\""),
        Quote::Single => format!("'{printed}'"),
        Quote::Bare => printed.to_string(),
    };
    match yaml_scalar(&text) {
        Some(YamlValue::Str { text, .. }) => Ok(text),
        Some(YamlValue::Null) => Ok(String::new()),
        Some(YamlValue::Bool(_) | YamlValue::Int(_) | YamlValue::Float(_)) => Err(format!(
            "renders unquoted as `{printed}`, which YAML reads as a number or boolean: a ConfigMap's data must be strings, so Kubernetes rejects it"
        )),
        _ => Err(format!(
            "renders as `{text}`, which breaks the ConfigMap's YAML (a quote inside the value)"
        )),
    }
}

/// One scalar read as YAML, or `None` when the text is not one scalar.
fn yaml_scalar(text: &str) -> Option<YamlValue> {
    if text.contains('\n') {
        return None;
    }
    let mut scratch = Diagnostics::new();
    let docs = parse_yaml(FileId(u32::MAX), &format!("k: {text}\n"), &mut scratch);
    if !scratch.is_empty() {
        return None;
    }
    let value = docs.first()?.get("k")?.value.clone();
    match value {
        YamlValue::Seq(_) | YamlValue::Map(_) => None,
        v => Some(v),
    }
}

fn origin_span(origin: &EnvOrigin) -> Option<Span> {
    match origin {
        EnvOrigin::File { value_span, .. } => Some(*value_span),
        EnvOrigin::Base { .. } => None,
    }
}

/// The value span of the value at `path`, if it came from a file.
pub fn values_span(values: &Value, path: &str) -> Option<Span> {
    match values.lookup(path) {
        Lookup::Found(v) => v.value_span(),
        _ => None,
    }
}

/// The key line of the deepest existing prefix of `path`.
fn nearest_span(values: &Value, path: &str) -> Option<Span> {
    let mut node = values;
    let mut best = None;
    for key in path.split('.') {
        let Kind::Map(map) = &node.kind else { break };
        let Some(next) = map.get(key) else { break };
        if let Some(EnvOrigin::File { key_span, .. }) = &next.origin {
            best = Some(*key_span);
        }
        node = next;
    }
    best
}
