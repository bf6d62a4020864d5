//! Completion: variable names (with their values), `$ENV` keys, casts after `.`, the policy
//! keys the runtime reads, command words in script lines, and env keys in env files.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent,
    MarkupKind, Range, TextEdit,
};

use crate::edgelake::commands::{Availability, Shape, COMMANDS};
use crate::edgelake::{config_keys, profile};
use crate::source::{FileId, SourceFile};

use super::analysis::{is_secret, Analysis, Outline, MASK};
use super::describe::value_detail;
use super::hover::{touches, CASTS};
use super::position::{position, Encoding};

/// Command words from the command catalog; control-flow words are left out (they fail in a
/// policy script, §2.7).
fn command_words() -> Vec<(&'static str, String)> {
    COMMANDS
        .iter()
        .filter(|c| !matches!(c.shape, Shape::ControlFlow))
        .map(|c| {
            let on = match c.availability {
                Availability::Both => "EdgeLake and AnyLog",
                Availability::AnyLogOnly => "AnyLog only",
            };
            (c.name, format!("{on} ({})", c.source))
        })
        .collect()
}

/// The where-keys of the catalog command a script line starts with, when the cursor follows
/// `where` or `and`.
fn where_keys(inner: &str) -> Option<Vec<(&'static str, String)>> {
    let trimmed = inner.trim_end();
    if !(trimmed.ends_with(" where") || trimmed.ends_with(" and")) {
        return None;
    }
    let line = inner.trim_start();
    let line = line.rsplit_once(" then ").map_or(line, |(_, cmd)| cmd);
    let spec = COMMANDS
        .iter()
        .filter(|c| line.starts_with(c.name) && !c.keys.is_empty())
        .max_by_key(|c| c.name.len())?;
    Some(
        spec.keys
            .iter()
            .map(|k| {
                let need = if k.required { "required" } else { "optional" };
                (
                    k.name,
                    format!("{} ({need}) of `{}`", k.ty.name(), spec.name),
                )
            })
            .collect(),
    )
}

fn item(label: String, kind: CompletionItemKind, detail: String, edit: Range) -> CompletionItem {
    CompletionItem {
        label: label.clone(),
        kind: Some(kind),
        detail: Some(detail),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(edit, label))),
        ..CompletionItem::default()
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Completions at a byte offset of the policy.
pub fn policy_completion(
    analysis: &Analysis,
    outline: &Outline,
    offset: usize,
    encoding: Encoding,
) -> Vec<CompletionItem> {
    let file = analysis.file(FileId(0));
    let text = file.text();
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word_char(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let edit = Range::new(
        position(file, word_start as u32, encoding),
        position(file, offset as u32, encoding),
    );
    let previous = before[..word_start].chars().next_back();
    let scope = &analysis.compilation.scope;
    // Values built from secrets (`${DB_PASSWD}x`) are masked too, not only secret names.
    let secrets = matches!(previous, Some('!' | '$'))
        .then(|| crate::secrets::secret_values(&analysis.compilation));
    let hide = |detail: String| match &secrets {
        Some(secrets) => secrets.mask_as(&detail, MASK).unwrap_or(detail),
        None => detail,
    };
    match previous {
        Some('!') => scope
            .iter()
            .map(|var| {
                item(
                    var.name.clone(),
                    CompletionItemKind::VARIABLE,
                    hide(value_detail(var)),
                    edit,
                )
            })
            .collect(),
        Some('$') => scope
            .env_layers()
            .iter()
            .map(|var| {
                let value = if is_secret(&var.name) {
                    MASK.to_string()
                } else {
                    var.value.clone()
                };
                item(
                    var.name.clone(),
                    CompletionItemKind::CONSTANT,
                    hide(value),
                    edit,
                )
            })
            .collect(),
        Some('.') if after_reference(&before[..word_start - 1]) => {
            let dot = Range::new(position(file, (word_start - 1) as u32, encoding), edit.end);
            CASTS
                .iter()
                .map(|(suffix, what)| {
                    let mut it = item(
                        suffix.to_string(),
                        CompletionItemKind::OPERATOR,
                        what.to_string(),
                        dot,
                    );
                    it.filter_text = Some(suffix.to_string());
                    it
                })
                .collect()
        }
        _ => keyword_completion(file, outline, word_start, offset, edit),
    }
}

/// True when the text ends with a `!name` (or `$NAME`) reference a cast can follow.
fn after_reference(text: &str) -> bool {
    let token: String = text
        .chars()
        .rev()
        .take_while(|c| is_word_char(*c) || matches!(c, '!' | '$' | '/' | '.'))
        .collect();
    let token: String = token.chars().rev().collect();
    token.len() > 1 && (token.starts_with('!') || token.starts_with('$'))
}

fn keyword_completion(
    file: &SourceFile,
    outline: &Outline,
    word_start: usize,
    offset: usize,
    edit: Range,
) -> Vec<CompletionItem> {
    let text = file.text();
    let script = outline
        .lines
        .iter()
        .find(|(span, _)| touches(*span, offset as u32));
    if let Some((span, _)) = script {
        let inner = text.get(span.start as usize + 1..word_start).unwrap_or("");
        let first_word = inner.trim().is_empty() || inner.trim_end().ends_with(" then");
        if !first_word {
            return where_keys(inner)
                .unwrap_or_default()
                .into_iter()
                .map(|(key, what)| item(key.to_string(), CompletionItemKind::PROPERTY, what, edit))
                .collect();
        }
        return command_words()
            .into_iter()
            .map(|(word, what)| item(word.to_string(), CompletionItemKind::KEYWORD, what, edit))
            .collect();
    }
    // A key starts a line, or follows `{` or `,`: `..., 'po|`.
    let line_start = text[..word_start].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..word_start];
    let after = line.rfind(['{', ',']).map_or(0, |i| i + 1);
    let prefix = line[after..].trim_start();
    if !(prefix == "'" || prefix == "\"") {
        return Vec::new();
    }
    config_keys::READ_KEYS
        .iter()
        .map(|k| {
            let mut it = item(
                k.name.to_string(),
                CompletionItemKind::FIELD,
                format!("read by `config from policy`; default {}", k.default),
                edit,
            );
            it.documentation = Some(Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: format!("`{}`: {:?}", k.name, k.role),
            }));
            it
        })
        .collect()
}

/// Completions in an env file: at the start of a line, the env keys the deployment scripts read.
pub fn env_completion(file: &SourceFile, offset: usize, encoding: Encoding) -> Vec<CompletionItem> {
    let text = file.text();
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..offset];
    let word = prefix
        .trim_start()
        .trim_start_matches("export ")
        .trim_start();
    if !word.chars().all(is_word_char) {
        return Vec::new();
    }
    let edit = Range::new(
        position(file, (offset - word.len()) as u32, encoding),
        position(file, offset as u32, encoding),
    );
    let mut items: Vec<CompletionItem> = Vec::new();
    for m in profile::MAPPINGS {
        for key in m.env {
            if !items.iter().any(|i| i.label == *key) {
                items.push(item(
                    key.to_string(),
                    CompletionItemKind::CONSTANT,
                    format!("becomes !{}", m.var),
                    edit,
                ));
            }
        }
    }
    items
}

#[cfg(test)]
mod catalog_tests {
    use super::*;

    #[test]
    fn command_words_come_from_the_catalog_without_control_flow() {
        let words: Vec<&str> = command_words().into_iter().map(|(w, _)| w).collect();
        assert!(words.contains(&"run blockchain sync") && words.contains(&"system"));
        assert!(!words.contains(&"goto") && !words.contains(&"else"));
    }

    #[test]
    fn where_keys_follow_where_and_and() {
        let keys = where_keys("run blockchain sync where source=master and ").unwrap();
        let names: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
        assert!(
            names.contains(&"time") && names.contains(&"dest"),
            "{names:?}"
        );
        assert!(where_keys("if !x then run operator where ").is_some());
        assert!(where_keys("run blockchain sync source").is_none());
    }
}
