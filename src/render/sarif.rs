//! Diagnostics as SARIF 2.1.0, for code-scanning services.

use serde_json::{json, Value as Json};

use crate::check::catalog;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};

/// One compilation's diagnostics, with a label for the env set it was checked against.
pub struct SarifInput<'a> {
    /// The sources the spans point into.
    pub sources: &'a SourceMap,
    /// The findings.
    pub diagnostics: &'a [Diagnostic],
    /// The `--env-set` name, if any.
    pub env_set: Option<&'a str>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A relative path as a URI reference (percent-encoding what a URI cannot hold).
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn location(sources: &SourceMap, span: Span, message: Option<&str>) -> Json {
    let file = sources.get(span.file);
    let start = file.line_col(span.start);
    let end = file.line_col(span.end.max(span.start));
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(file.name()) },
            "region": {
                "startLine": start.line,
                "startColumn": start.column,
                "endLine": end.line,
                "endColumn": end.column,
            }
        }
    });
    if let Some(m) = message.filter(|m| !m.is_empty()) {
        loc["message"] = json!({ "text": m });
    }
    loc
}

/// The SARIF log for a whole run.
pub fn sarif(runs: &[SarifInput]) -> Json {
    let rules: Vec<Json> = catalog::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.explain.split("\n\n").next().unwrap_or(r.summary).replace('\n', " ") },
                "help": { "text": r.explain, "markdown": r.explain },
                "defaultConfiguration": { "level": level(r.severity) },
            })
        })
        .collect();
    let mut results = Vec::new();
    for run in runs {
        for d in run.diagnostics {
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str(&format!(" (help: {h})"));
            }
            let mut result = json!({
                "ruleId": d.rule.code,
                "ruleIndex": catalog::ALL.iter().position(|r| r.code == d.rule.code).unwrap_or(0),
                "level": level(d.severity),
                "message": { "text": message },
                "locations": [location(run.sources, d.primary.span, None)],
            });
            if !d.secondary.is_empty() {
                result["relatedLocations"] = Json::Array(
                    d.secondary
                        .iter()
                        .enumerate()
                        .map(|(i, l)| {
                            let mut loc = location(run.sources, l.span, Some(&l.message));
                            loc["id"] = json!(i);
                            loc
                        })
                        .collect(),
                );
            }
            if !d.suggestions.is_empty() {
                result["fixes"] = Json::Array(
                    d.suggestions
                        .iter()
                        .map(|s| {
                            let region =
                                location(run.sources, s.span, None)["physicalLocation"].clone();
                            json!({
                                "description": { "text": s.message },
                                "artifactChanges": [{
                                    "artifactLocation": region["artifactLocation"],
                                    "replacements": [{
                                        "deletedRegion": region["region"],
                                        "insertedContent": { "text": s.replacement },
                                    }],
                                }],
                            })
                        })
                        .collect(),
                );
            }
            if let Some(set) = run.env_set {
                result["properties"] = json!({ "envSet": set });
            }
            results.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "elpc",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/EdgeLake/EdgeLake",
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}
