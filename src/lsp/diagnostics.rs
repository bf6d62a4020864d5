//! elpc diagnostics as LSP diagnostics: code, severity, related information (the env line a
//! value came from), help and notes in the message, the rule summary and fixes in `data`.

use lsp_types::{
    Diagnostic as LspDiagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString,
};
use serde_json::{json, Map, Value as Json};

use crate::check::catalog::INVALID_INPUT;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::FileId;

use super::analysis::Analysis;
use super::position::{range, Encoding};
use super::workspace::uri_of;

/// The `source` of every diagnostic the server publishes.
pub const SOURCE: &str = "elpc";

/// A policy fix longer than this (`runtime-rejects-text`'s canonical policy, about the size of
/// the policy) is published without its text, which the code action takes from the analysis
/// (`actions::fix_text`): copying and serialising a megabyte per keystroke for a fix that is
/// rarely applied cost a millisecond of a 10,000-line policy's re-check.
pub const LARGE_FIX: usize = 4096;

/// The diagnostics of `file` in LSP form (`compile` already applied suppressions and the
/// `[lint]` levels of `elpc.toml`). The policy (file 0) also gets the findings about env files
/// that could not be read at all (a device, a FIFO, a file past the limit, named in
/// `elpc.toml`): they have no text to show them in, and they change what the policy means.
pub fn for_file(analysis: &Analysis, file: FileId, encoding: Encoding) -> Vec<LspDiagnostic> {
    let unreadable_env = |d: &Diagnostic| {
        file == FileId(0)
            && d.rule.code == INVALID_INPUT.code
            && analysis.file(d.primary.span.file).text().is_empty()
    };
    // The rule's part of `data` is the same for every finding of a rule: built once per rule
    // and copied (a copy keeps the keys' hashes; building hashed each key again).
    let mut rules: std::collections::HashMap<&str, Map<String, Json>> = Default::default();
    analysis
        .compilation
        .diagnostics
        .iter()
        .filter(|d| d.primary.span.file == file || unreadable_env(d))
        .map(|d| {
            let rule = rules.entry(d.rule.code).or_insert_with(|| rule_data(d));
            lsp_with(analysis, d, encoding, rule.clone())
        })
        .collect()
}

/// The rule's part of a diagnostic's `data`: its name, summary and how to explain it.
fn rule_data(d: &Diagnostic) -> Map<String, Json> {
    let mut data = Map::new();
    data.insert("rule".into(), d.rule.name.into());
    data.insert("summary".into(), d.rule.summary.into());
    data.insert(
        "explain".into(),
        format!("elpc explain {}", d.rule.code).into(),
    );
    data
}

/// One diagnostic in LSP form.
pub fn to_lsp(analysis: &Analysis, d: &Diagnostic, encoding: Encoding) -> LspDiagnostic {
    lsp_with(analysis, d, encoding, rule_data(d))
}

/// [`to_lsp`] with the rule's part of `data` given.
fn lsp_with(
    analysis: &Analysis,
    d: &Diagnostic,
    encoding: Encoding,
    mut data: Map<String, Json>,
) -> LspDiagnostic {
    let file = analysis.file(d.primary.span.file);
    // Written in place (a `format!` per part was a tenth of the conversion).
    let parts = [&d.message, &d.primary.message].into_iter().chain(&d.help);
    let mut message =
        String::with_capacity(parts.chain(&d.notes).map(|p| p.len() + 8).sum::<usize>() + 4);
    message.push_str(&d.message);
    if !d.primary.message.is_empty() {
        message.push_str(" (");
        message.push_str(&d.primary.message);
        message.push(')');
    }
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    for note in &d.notes {
        message.push_str("\nnote: ");
        message.push_str(note);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .filter_map(|label| {
            let path = analysis.path(label.span.file)?;
            Some(DiagnosticRelatedInformation {
                location: Location::new(
                    uri_of(&path)?,
                    range(analysis.file(label.span.file), label.span, encoding),
                ),
                message: if label.message.is_empty() {
                    "here".to_string()
                } else {
                    label.message.to_string()
                },
            })
        })
        .collect();
    let fixes: Vec<_> = d
        .suggestions
        .iter()
        .filter(|s| s.span.file == d.primary.span.file)
        .map(|s| {
            let range = range(file, s.span, encoding);
            if s.replacement.len() > LARGE_FIX && d.primary.span.file == FileId(0) {
                json!({ "title": s.message, "range": range, "newTextInServer": true })
            } else {
                json!({ "title": s.message, "range": range, "newText": s.replacement })
            }
        })
        .collect();
    LspDiagnostic {
        range: range(file, d.primary.span, encoding),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Note => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.rule.code.to_string())),
        // `codeDescription` must be a URL and the rules have no web pages: the explanation
        // travels in `data` (and `elpc explain CODE` prints the page).
        code_description: None,
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some({
            data.insert("fixes".into(), Json::Array(fixes));
            Json::Object(data)
        }),
    }
}
