//! Diagnostics as SARIF 2.1.0, for code-scanning services.
//!
//! Locations: an absolute path is a `file://` URI; a relative one (as typed on the command
//! line) is a relative URI with `"uriBaseId": "SRCROOT"`, and the run's `originalUriBaseIds`
//! says which directory `SRCROOT` is when the caller knows it. A deployment script elpc read
//! through the path map is located at its file on this machine; the node's path for it is the
//! location's `properties.nodePath` (and its message). Each rule's `helpUri` is its
//! explain page in the repository at this version's tag
//! (`{repository}/blob/v{version}/src/check/explain/{name}.md`), the text `elpc explain` prints.

use std::path::Path;

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

/// The base id relative locations are resolved against.
const SRCROOT: &str = "SRCROOT";

/// The page explaining a rule: its explain file in the repository at this version's tag.
fn help_uri(name: &str) -> Option<String> {
    let repository = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    (!repository.is_empty()).then(|| {
        format!(
            "{repository}/blob/v{}/src/check/explain/{name}.md",
            env!("CARGO_PKG_VERSION")
        )
    })
}

/// True for `/abs/path`, `C:\path` and `C:/path`.
fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/')
        || (b.len() > 2
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'/' | b'\\'))
}

/// A file name as an `artifactLocation`: a `file://` URI for an absolute path, else a
/// relative URI against [`SRCROOT`].
fn artifact_location(name: &str) -> Json {
    if is_absolute(name) {
        let slash = if name.starts_with('/') { "" } else { "/" };
        json!({ "uri": format!("file://{slash}{}", uri(name)) })
    } else {
        json!({ "uri": uri(name.trim_start_matches("./")), "uriBaseId": SRCROOT })
    }
}

/// A directory as a `file://` URI ending in `/`, as `originalUriBaseIds` needs.
fn directory_uri(dir: &Path) -> String {
    let mut u = artifact_location(&dir.display().to_string())["uri"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if !u.ends_with('/') {
        u.push('/');
    }
    u
}

/// A path as a URI reference (percent-encoding what a URI cannot hold).
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
            "artifactLocation": artifact_location(file.name()),
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
    if let Some(node) = file.node_path() {
        loc["properties"] = json!({ "nodePath": node });
        if loc.get("message").is_none() {
            loc["message"] = json!({ "text": format!("the node runs this file as `{node}`") });
        }
    }
    loc
}

/// The SARIF log for a whole run. `root`, an absolute directory, is what relative file names
/// are relative to (the working directory of a command line); `None` leaves `SRCROOT` to the
/// consumer (code-scanning services take it as the repository root).
pub fn sarif(runs: &[SarifInput], root: Option<&Path>) -> Json {
    let rules: Vec<Json> = catalog::ALL
        .iter()
        .map(|r| {
            let mut rule = json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.explain.split("\n\n").next().unwrap_or(r.summary).replace('\n', " ") },
                "help": { "text": r.explain, "markdown": r.explain },
                "defaultConfiguration": { "level": level(r.severity) },
            });
            if let Some(u) = help_uri(r.name) {
                rule["helpUri"] = json!(u);
            }
            rule
        })
        .collect();
    let mut results = Vec::new();
    for run in runs {
        for d in run.diagnostics {
            let mut message = d.message.to_string();
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
    let mut log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "elpc",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    if let Some(root) = root {
        log["runs"][0]["originalUriBaseIds"] = json!({
            SRCROOT: {
                "uri": directory_uri(root),
                "description": { "text": "the directory elpc was run in" },
            }
        });
    }
    log
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths_are_file_uris_and_relative_ones_use_srcroot() {
        assert_eq!(
            artifact_location("/srv/fleet/a b.policy"),
            json!({ "uri": "file:///srv/fleet/a%20b.policy" })
        );
        assert_eq!(
            artifact_location("C:\\fleet\\node.policy"),
            json!({ "uri": "file:///C:/fleet/node.policy" })
        );
        assert_eq!(
            artifact_location("./policies/node.policy"),
            json!({ "uri": "policies/node.policy", "uriBaseId": "SRCROOT" })
        );
        assert_eq!(directory_uri(Path::new("/srv/fleet")), "file:///srv/fleet/");
    }
}
