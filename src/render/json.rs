//! Diagnostics as JSON: code, name, severity, message, 1-based start and end positions, help,
//! notes, secondary labels and suggestions.
//!
//! The objects are serialised straight from the diagnostics ([`DiagnosticView`]), so writing
//! a report costs its own text and no JSON tree per diagnostic (a quarter of a million
//! diagnostics used to need 2.3 GB, issue 13); [`diagnostic_json`] gives the same object as a
//! tree for callers that want one.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::Value as Json;

use crate::diagnostic::Diagnostic;
use crate::emit::json::ascii_json;
use crate::source::{SourceMap, Span};

/// The version of the JSON diagnostics format.
pub const FORMAT_VERSION: u32 = 1;

/// A span as `file`, `line`, `column`, `end_line`, `end_column` (1-based; columns in characters).
pub fn span_json(sources: &SourceMap, span: Span) -> Json {
    serde_json::to_value(SpanView {
        sources,
        span,
        message: None,
        replacement: None,
    })
    .unwrap_or_default()
}

/// One diagnostic as a JSON object.
pub fn diagnostic_json(sources: &SourceMap, d: &Diagnostic) -> Json {
    serde_json::to_value(DiagnosticView {
        sources,
        diagnostic: d,
        env_set: None,
    })
    .unwrap_or_default()
}

/// All diagnostics as a JSON array.
pub fn diagnostics_json<'a>(
    sources: &SourceMap,
    diags: impl IntoIterator<Item = &'a Diagnostic>,
) -> Json {
    Json::Array(
        diags
            .into_iter()
            .map(|d| diagnostic_json(sources, d))
            .collect(),
    )
}

/// The `elpc check --format json` document, `{"version": 1, "diagnostics": [...]}`, as ASCII
/// JSON text: the diagnostics of each run, tagged with its env set when it has one.
pub fn check_document<'a>(
    runs: impl IntoIterator<Item = (Option<&'a str>, &'a SourceMap, &'a [Diagnostic])>,
) -> String {
    let views: Vec<DiagnosticView> = runs
        .into_iter()
        .flat_map(|(env_set, sources, diags)| {
            diags.iter().map(move |diagnostic| DiagnosticView {
                sources,
                diagnostic,
                env_set,
            })
        })
        .collect();
    #[derive(Serialize)]
    struct Document<'v, 'a> {
        version: u32,
        diagnostics: &'v [DiagnosticView<'a>],
    }
    ascii_json(
        &Document {
            version: FORMAT_VERSION,
            diagnostics: &views,
        },
        true,
    )
}

/// One diagnostic, serialised as the object [`diagnostic_json`] describes (plus `env_set`
/// when set).
#[derive(Clone, Copy)]
pub struct DiagnosticView<'a> {
    /// The files its spans point into.
    pub sources: &'a SourceMap,
    /// The diagnostic.
    pub diagnostic: &'a Diagnostic,
    /// The env set it was found with (`elpc check --env-set`).
    pub env_set: Option<&'a str>,
}

/// A list of diagnostics, serialised as an array of [`DiagnosticView`] objects.
#[derive(Clone, Copy)]
pub struct DiagnosticsView<'a> {
    /// The files their spans point into.
    pub sources: &'a SourceMap,
    /// The diagnostics.
    pub diagnostics: &'a [Diagnostic],
}

struct SpanView<'a> {
    sources: &'a SourceMap,
    span: Span,
    message: Option<&'a str>,
    replacement: Option<&'a str>,
}

fn position<M: SerializeMap>(map: &mut M, sources: &SourceMap, span: Span) -> Result<(), M::Error> {
    let file = sources.get(span.file);
    let start = file.line_col(span.start);
    let end = file.line_col(span.end);
    map.serialize_entry("file", file.name())?;
    if let Some(node) = file.node_path() {
        map.serialize_entry("node_file", node)?;
    }
    map.serialize_entry("line", &start.line)?;
    map.serialize_entry("column", &start.column)?;
    map.serialize_entry("end_line", &end.line)?;
    map.serialize_entry("end_column", &end.column)
}

impl Serialize for SpanView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        position(&mut map, self.sources, self.span)?;
        if let Some(message) = self.message {
            map.serialize_entry("message", message)?;
        }
        if let Some(replacement) = self.replacement {
            map.serialize_entry("replacement", replacement)?;
        }
        map.end()
    }
}

impl Serialize for DiagnosticView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (d, sources) = (self.diagnostic, self.sources);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("code", d.rule.code)?;
        map.serialize_entry("name", d.rule.name)?;
        map.serialize_entry("severity", d.severity.as_str())?;
        map.serialize_entry("message", &d.message)?;
        position(&mut map, sources, d.primary.span)?;
        map.serialize_entry("label", &d.primary.message)?;
        map.serialize_entry("help", &d.help)?;
        map.serialize_entry("notes", &d.notes)?;
        let related: Vec<SpanView> = d
            .secondary
            .iter()
            .map(|l| SpanView {
                sources,
                span: l.span,
                message: Some(&l.message),
                replacement: None,
            })
            .collect();
        map.serialize_entry("related", &related)?;
        let suggestions: Vec<SpanView> = d
            .suggestions
            .iter()
            .map(|s| SpanView {
                sources,
                span: s.span,
                message: Some(&s.message),
                replacement: Some(&s.replacement),
            })
            .collect();
        map.serialize_entry("suggestions", &suggestions)?;
        if let Some(set) = self.env_set {
            map.serialize_entry("env_set", set)?;
        }
        map.end()
    }
}

impl Serialize for DiagnosticsView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.diagnostics.len()))?;
        for diagnostic in self.diagnostics {
            seq.serialize_element(&DiagnosticView {
                sources: self.sources,
                diagnostic,
                env_set: None,
            })?;
        }
        seq.end()
    }
}
