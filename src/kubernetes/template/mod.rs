//! A chart's own templates (`--chart DIR`) rendered with the merged values, and read back as
//! manifests: the node's real artifacts instead of the built-in data of [`super::charts`].
//!
//! No maintained Rust crate renders Go templates with Helm's sprig functions, so [`parse`] and
//! [`eval`] implement the subset the EdgeLake charts use (listed in `elpc explain
//! chart-render`); anything else is a `chart-render` finding at the template, not a guess.
//! `.Release.Name` is the values' `metadata.app_name` (what `deploy_node.sh` names the
//! release), `.Release.Namespace` its `metadata.namespace`.

pub mod eval;
mod functions;
mod lex;
pub mod parse;

use std::collections::HashMap;

use indexmap::IndexMap;

use crate::check::catalog::CHART_RENDER;
use crate::compile::{Input, Unreadable};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::env_layers::EnvOrigin;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax::yaml::{parse_yaml, YamlNode};

use super::values::{Kind, Lookup, Value};
use super::{manifest, NodePod};
use eval::{File, Origin, Output, Renderer};

/// Most template files read from one chart.
pub const MAX_TEMPLATES: usize = 200;

/// A chart's files as the front end read them: `Chart.yaml` and `templates/*`.
#[derive(Clone, Debug, Default)]
pub struct ChartFiles {
    /// `Chart.yaml`.
    pub chart_yaml: Option<Result<Input, Unreadable>>,
    /// The files of `templates/` (`*.yaml`, `*.yml`, `*.tpl`), in name order.
    pub templates: Vec<Result<Input, Unreadable>>,
}

/// Renders the chart with `values` and reads the output as manifests; `None` after a
/// `chart-render` finding (Helm would render nothing).
pub fn render(
    sources: &mut SourceMap,
    chart: &ChartFiles,
    values: &Value,
    anchor: Span,
    node_port_range: (u16, u16),
    diags: &mut Diagnostics,
) -> Option<NodePod> {
    let chart_yaml = chart.chart_yaml.as_ref().and_then(|c| {
        let (id, ok) =
            crate::compile::add_source(sources, c.as_ref(), crate::compile::MAX_ENV_BYTES, diags);
        let docs = if ok {
            parse_yaml(id, sources.get(id).text(), diags)
        } else {
            Vec::new()
        };
        docs.first().map(|d| Value::from_yaml(d, None))
    });
    let mut ids = Vec::new();
    for t in chart.templates.iter().take(MAX_TEMPLATES) {
        let (id, ok) =
            crate::compile::add_source(sources, t.as_ref(), crate::compile::MAX_ENV_BYTES, diags);
        if ok {
            ids.push(id);
        }
    }
    let mut parsed = Vec::new();
    for &id in &ids {
        match parse::parse(sources.get(id).text()) {
            Ok(p) => parsed.push((id, p)),
            Err((range, message)) => {
                fail(
                    diags,
                    Span::new(id, range),
                    format!("template syntax: {message}"),
                );
                return None;
            }
        }
    }
    let outputs = {
        let mut defines = HashMap::new();
        for (i, (_, p)) in parsed.iter().enumerate() {
            for (name, body) in &p.defines {
                defines.insert(name.clone(), (i, body.as_slice()));
            }
        }
        let files = parsed
            .iter()
            .map(|(id, p)| File {
                id: *id,
                text: sources.get(*id).text(),
                nodes: &p.nodes,
            })
            .collect();
        let mut renderer = Renderer::new(files, defines);
        let root = root_object(values, chart_yaml.as_ref());
        let mut outputs = Vec::new();
        for (i, (id, _)) in parsed.iter().enumerate() {
            let name = sources.get(*id).name().to_string();
            let base = name.rsplit('/').next().unwrap_or(&name);
            if base.starts_with('_') || !(base.ends_with(".yaml") || base.ends_with(".yml")) {
                continue; // helpers and notes render nothing Kubernetes reads
            }
            match renderer.render(i, &root) {
                Ok(out) => outputs.push((name, out)),
                Err((span, message)) => {
                    fail(diags, span, message);
                    return None;
                }
            }
        }
        outputs
    };
    let mut docs: Vec<YamlNode> = Vec::new();
    let mut rendered: Vec<(FileId, Output)> = Vec::new();
    for (name, out) in outputs {
        let id = sources.add(SourceFile::new(
            format!("{name} (rendered)"),
            out.text.clone(),
        ));
        let before = diags.len();
        docs.extend(parse_yaml(id, &out.text, diags));
        if diags.len() > before {
            return None; // the rendered YAML does not parse: Helm refuses it too
        }
        rendered.push((id, out));
    }
    let mut pod = manifest::read(&docs, anchor, node_port_range, diags)?;
    pod.derived_from = "chart templates";
    remap(&mut pod, &rendered);
    Some(pod)
}

fn fail(diags: &mut Diagnostics, span: Span, message: String) {
    diags.push(
        Diagnostic::new(&CHART_RENDER, span, message)
            .label("helm install stops here")
            .help("fix the values this template reads, or render with `helm template` and give the output with --manifest")
            .note("Helm renders no manifest when a template fails: no ConfigMap, Service or pod"),
    );
}

/// Helm's top-level object: `.Values`, `.Chart`, `.Release`, `.Capabilities`.
fn root_object(values: &Value, chart_yaml: Option<&Value>) -> Value {
    let text = |path: &str, default: &str| match values.lookup(path) {
        Lookup::Found(v) if v.is_true() => v.print(),
        _ => default.to_string(),
    };
    let plain = |s: &str| Value::plain(Kind::Str(s.to_string()));
    let mut release = IndexMap::new();
    release.insert(
        "Name".to_string(),
        plain(&text("metadata.app_name", "release-name")),
    );
    release.insert(
        "Namespace".to_string(),
        plain(&text("metadata.namespace", "default")),
    );
    release.insert("Service".to_string(), plain("Helm"));
    release.insert("IsInstall".to_string(), Value::plain(Kind::Bool(true)));
    release.insert("Revision".to_string(), Value::plain(Kind::Number(1.0)));
    let mut root = IndexMap::new();
    root.insert("Values".to_string(), values.clone());
    root.insert("Chart".to_string(), functions::chart_object(chart_yaml));
    root.insert("Release".to_string(), Value::plain(Kind::Map(release)));
    root.insert(
        "Capabilities".to_string(),
        Value::plain(Kind::Map(IndexMap::new())),
    );
    Value::plain(Kind::Map(root))
}

/// Points the pod's spans (in the rendered text) back at what produced them: a printed value
/// at its values line (with the lines it overrode), template text at the template.
fn remap(pod: &mut NodePod, rendered: &[(FileId, Output)]) {
    let lookup = |span: Span| -> Option<Origin> {
        let (_, out) = rendered.iter().find(|(id, _)| *id == span.file)?;
        let (range, origin) = out.origin_at(span.start as usize)?;
        Some(match origin {
            Origin::Template(t) => {
                let shift = span.start as usize - range.start;
                let start = t.start as usize + shift;
                Origin::Template(Span::new(
                    t.file,
                    start..start + (span.end - span.start) as usize,
                ))
            }
            value => value.clone(),
        })
    };
    let place = |span: Span| match lookup(span) {
        Some(Origin::Template(t)) => t,
        Some(Origin::Value(EnvOrigin::File { value_span, .. }, _)) => value_span,
        _ => span,
    };
    for var in &mut pod.env {
        let EnvOrigin::File {
            key_span,
            value_span,
        } = var.origin
        else {
            continue;
        };
        match lookup(value_span) {
            Some(Origin::Value(origin, overrides)) => {
                var.origin = origin;
                var.overrides = overrides;
            }
            _ => {
                var.origin = EnvOrigin::File {
                    key_span: place(key_span),
                    value_span: place(value_span),
                };
            }
        }
    }
    for service in pod.services.iter_mut().chain(pod.unselected.iter_mut()) {
        service.span = place(service.span);
        for port in &mut service.ports {
            port.span = place(port.span);
        }
    }
    for port in &mut pod.container_ports {
        port.span = place(port.span);
    }
}

#[cfg(test)]
mod tests;
