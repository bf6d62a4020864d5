//! Code actions (apply a diagnostic's fix, suppress it inline, convert the policy to canonical
//! strict JSON) and formatting.
//!
//! Formatting writes the canonical strict JSON form (`emit::json`). Strict JSON has no
//! comments, so a policy with `#` comments is not formatted (the server says why) rather than
//! silently losing them; the explicit code action converts anyway and says it drops them.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic as LspDiagnostic, Position, Range,
    TextEdit, Url, WorkspaceEdit,
};

use crate::check::catalog::{INVALID_INPUT, NESTING_TOO_DEEP, POLICY_SHAPE, POLICY_SYNTAX};
use crate::emit::json::to_ascii_json;
use crate::source::{FileId, SourceFile};

use super::analysis::Analysis;
use super::diagnostics::SOURCE;
use super::position::{position, range, Encoding};

/// The text of the suppression comment for a rule.
pub fn suppression_comment(rule: &str) -> String {
    format!("# elpc: ignore[{rule}] <reason>")
}

fn edit(uri: &Url, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

/// Quick fixes for the client's diagnostics (the fixes ride in their `data`), a suppression
/// per diagnostic, and for a policy the conversion to canonical strict JSON.
pub fn code_actions(
    uri: &Url,
    file: &SourceFile,
    diagnostics: &[LspDiagnostic],
    policy: Option<&Analysis>,
    encoding: Encoding,
) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    for d in diagnostics
        .iter()
        .filter(|d| d.source.as_deref() == Some(SOURCE))
    {
        let data = d.data.as_ref();
        let fixes = data
            .and_then(|v| v.get("fixes"))
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default();
        for fix in fixes {
            let (Some(title), Some(range)) = (
                fix.get("title").and_then(|t| t.as_str()),
                fix.get("range")
                    .and_then(|r| serde_json::from_value::<Range>(r.clone()).ok()),
            ) else {
                continue;
            };
            let new_text = match fix.get("newText").and_then(|t| t.as_str()) {
                Some(t) => t,
                None => match policy.and_then(|a| fix_text(a, d, title, range, encoding)) {
                    Some(t) => t,
                    None => continue,
                },
            };
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: title.to_string(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(edit(uri, vec![TextEdit::new(range, new_text.to_string())])),
                is_preferred: Some(true),
                ..CodeAction::default()
            }));
        }
        let rule = data
            .and_then(|v| v.get("rule"))
            .and_then(|r| r.as_str())
            .map(str::to_string)
            .or_else(|| match &d.code {
                Some(lsp_types::NumberOrString::String(s)) => Some(s.clone()),
                _ => None,
            });
        if let Some(rule) = rule {
            let line = d.range.start.line;
            let start = file.offset_of_utf16(line, 0) as usize;
            let indent: String = file.text()[start..]
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Suppress `{rule}` here (elpc: ignore with a reason)"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(edit(
                    uri,
                    vec![TextEdit::new(
                        Range::new(Position::new(line, 0), Position::new(line, 0)),
                        format!("{indent}{}\n", suppression_comment(&rule)),
                    )],
                )),
                ..CodeAction::default()
            }));
        }
    }
    if let Some(analysis) = policy {
        if let Some(text) = canonical_text(analysis) {
            let title = if has_comments(file.text()) {
                "Convert to canonical strict JSON (drops # comments)"
            } else {
                "Convert to canonical strict JSON"
            };
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: title.to_string(),
                kind: Some(CodeActionKind::REFACTOR_REWRITE),
                edit: Some(edit(uri, vec![whole_document(file, text, encoding)])),
                ..CodeAction::default()
            }));
        }
    }
    out
}

/// The text of a policy fix published without it (`diagnostics::LARGE_FIX`): the suggestion
/// of the analysis's finding with the published diagnostic's code and range and the fix's
/// title and range. `None` when the analysis has no such finding (it was replaced since).
fn fix_text<'a>(
    analysis: &'a Analysis,
    d: &LspDiagnostic,
    title: &str,
    at: Range,
    encoding: Encoding,
) -> Option<&'a str> {
    let file = analysis.file(FileId(0));
    let code = match &d.code {
        Some(lsp_types::NumberOrString::String(s)) => s.as_str(),
        _ => return None,
    };
    analysis
        .compilation
        .diagnostics
        .iter()
        .filter(|f| f.primary.span.file == FileId(0) && f.rule.code == code)
        .filter(|f| range(file, f.primary.span, encoding) == d.range)
        .flat_map(|f| &f.suggestions)
        .find(|s| s.message == title && range(file, s.span, encoding) == at)
        .map(|s| s.replacement.as_str())
}

/// The canonical strict JSON text of a policy that parsed without syntax errors.
pub fn canonical_text(analysis: &Analysis) -> Option<String> {
    let broken = analysis.compilation.diagnostics.iter().any(|d| {
        d.primary.span.file == FileId(0)
            && [
                &POLICY_SYNTAX,
                &NESTING_TOO_DEEP,
                &INVALID_INPUT,
                &POLICY_SHAPE,
            ]
            .iter()
            .any(|r| std::ptr::eq(d.rule, *r))
    });
    if broken {
        return None;
    }
    Some(format!(
        "{}\n",
        to_ascii_json(analysis.policy_json()?, true)
    ))
}

fn whole_document(file: &SourceFile, text: String, encoding: Encoding) -> TextEdit {
    let end = position(file, file.text().len() as u32, encoding);
    TextEdit::new(Range::new(Position::new(0, 0), end), text)
}

/// The formatting edits for a policy, or why it is not formatted.
pub fn format(analysis: &Analysis, encoding: Encoding) -> Result<Vec<TextEdit>, String> {
    let file = analysis.file(FileId(0));
    if has_comments(file.text()) {
        return Err(
            "elpc formats a policy as canonical strict JSON, which has no comments: \
                    this policy has # comments, so it is left as it is (use the code action \
                    \"Convert to canonical strict JSON\" to convert it anyway)"
                .to_string(),
        );
    }
    let Some(text) = canonical_text(analysis) else {
        return Err("the policy has syntax errors; fix them before formatting".to_string());
    };
    if text == file.text() {
        return Ok(Vec::new());
    }
    Ok(vec![whole_document(file, text, encoding)])
}

/// True when the policy text has a `#` comment outside its strings.
pub fn has_comments(text: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' => return true,
            None => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::has_comments;

    #[test]
    fn comments_outside_strings_only() {
        assert!(!has_comments("{'a': '# not a comment', \"b\": \"x\\\"#\"}"));
        assert!(has_comments("{'a': 1, # a comment\n}"));
    }
}
