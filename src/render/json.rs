//! Diagnostics as JSON: code, name, severity, message, 1-based start and end positions, help,
//! notes, secondary labels and suggestions.

use serde_json::{json, Value as Json};

use crate::diagnostic::Diagnostic;
use crate::source::{SourceMap, Span};

/// The version of the JSON diagnostics format.
pub const FORMAT_VERSION: u32 = 1;

/// A span as `file`, `line`, `column`, `end_line`, `end_column` (1-based; columns in characters).
pub fn span_json(sources: &SourceMap, span: Span) -> Json {
    let file = sources.get(span.file);
    let start = file.line_col(span.start);
    let end = file.line_col(span.end);
    json!({
        "file": file.name(),
        "line": start.line,
        "column": start.column,
        "end_line": end.line,
        "end_column": end.column,
    })
}

/// One diagnostic as a JSON object.
pub fn diagnostic_json(sources: &SourceMap, d: &Diagnostic) -> Json {
    let mut obj = json!({
        "code": d.rule.code,
        "name": d.rule.name,
        "severity": d.severity.as_str(),
        "message": d.message,
    });
    let map = obj.as_object_mut().expect("a JSON object");
    if let Json::Object(pos) = span_json(sources, d.primary.span) {
        map.extend(pos);
    }
    map.insert("label".into(), json!(d.primary.message));
    map.insert("help".into(), json!(d.help));
    map.insert("notes".into(), json!(d.notes));
    map.insert(
        "related".into(),
        Json::Array(
            d.secondary
                .iter()
                .map(|l| {
                    let mut v = span_json(sources, l.span);
                    v["message"] = json!(l.message);
                    v
                })
                .collect(),
        ),
    );
    map.insert(
        "suggestions".into(),
        Json::Array(
            d.suggestions
                .iter()
                .map(|s| {
                    let mut v = span_json(sources, s.span);
                    v["message"] = json!(s.message);
                    v["replacement"] = json!(s.replacement);
                    v
                })
                .collect(),
        ),
    );
    obj
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
