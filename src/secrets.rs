//! Secrets from env files stay out of diagnostics unless the user asks (`--show-secrets`).
//!
//! A secret is the value of an env key whose name contains `PASSW`, `SECRET`, `KEY` or `TOKEN`
//! (any case), of a variable mapped from such a key, or of a variable whose own name says so.
//! [`hide_secrets`] rewrites a finished [`Compilation`]: those values become `***` wherever
//! they stand as a whole word in a message, label, note or help; suggestions that would insert
//! one are dropped; and in the env files' text (shown as snippets) the value is overwritten
//! with `*`, byte for byte, so every span and line number stays valid. `true`/`false` are not
//! treated as secrets (a flag such as `NEBULA_NEW_KEYS=false` reveals nothing), and the
//! compiled outputs (`resolved`, `commands`) are left alone: they are what the node runs.

use crate::compile::Compilation;
use crate::resolve::env_layers::EnvOrigin;
use crate::resolve::scope::{Provenance, VarValue};
use crate::source::Span;

/// What a hidden value is shown as.
pub const MASK: &str = "***";

/// True when an env key or variable name marks its value as secret.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["PASSW", "SECRET", "KEY", "TOKEN"]
        .iter()
        .any(|w| upper.contains(w))
}

/// Hides every secret value in the diagnostics and env file text of `compilation`.
pub fn hide_secrets(compilation: &mut Compilation) {
    let mut values: Vec<String> = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    for var in compilation.scope.env_layers().iter() {
        if !is_secret_name(&var.name) {
            continue;
        }
        values.push(var.value.clone());
        for origin in std::iter::once(&var.origin).chain(&var.overrides) {
            if let EnvOrigin::File { value_span, .. } = origin {
                spans.push(*value_span);
                let raw = compilation.sources.get(value_span.file).slice(*value_span);
                values.push(raw.trim_matches(['"', '\'']).to_string());
            }
        }
    }
    for var in compilation.scope.iter() {
        let mapped = matches!(&var.provenance, Provenance::Env { key, .. } if is_secret_name(key));
        if let (true, VarValue::Known(v)) = (mapped || is_secret_name(&var.name), &var.value) {
            values.push(v.clone());
        }
    }
    values.retain(|v| {
        !v.trim().is_empty() && !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false")
    });
    // Longest first, so a secret that contains another is hidden whole.
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.dedup();

    for span in spans {
        compilation.sources.mask(span);
    }
    if values.is_empty() {
        return;
    }
    // Secrets made only of word characters are found by one scan of each text against a set
    // (a generated env file can hold 100,000 secret-named keys, issue 6); the rest, usually a
    // handful, are searched one by one.
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let (plain, other): (Vec<&String>, Vec<&String>) =
        values.iter().partition(|v| v.chars().all(is_word));
    let plain: std::collections::HashSet<&str> = plain.into_iter().map(String::as_str).collect();
    let hide = |text: &mut String| {
        for v in &other {
            if text.contains(v.as_str()) {
                *text = mask_words(text, v);
            }
        }
        if !plain.is_empty() && text.split(|c: char| !is_word(c)).any(|w| plain.contains(w)) {
            *text = mask_word_set(text, &plain);
        }
    };
    for d in &mut compilation.diagnostics {
        hide(&mut d.message);
        hide(&mut d.primary.message);
        d.secondary.iter_mut().for_each(|l| hide(&mut l.message));
        d.notes.iter_mut().for_each(hide);
        if let Some(h) = &mut d.help {
            hide(h);
        }
        d.suggestions.retain(|s| {
            let mut r = s.replacement.clone();
            hide(&mut r);
            r == s.replacement
        });
        d.suggestions.iter_mut().for_each(|s| hide(&mut s.message));
    }
}

/// `text` with each occurrence of `secret` that is not part of a longer word replaced by
/// [`MASK`] (so a secret `passwd` leaves the name `db_passwd` alone).
fn mask_words(text: &str, secret: &str) -> String {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let (first, last) = (secret.chars().next(), secret.chars().next_back());
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for (i, _) in text.match_indices(secret) {
        let end = i + secret.len();
        let glued = (word(text[..i].chars().next_back()) && word(first))
            || (word(text[end..].chars().next()) && word(last));
        if !glued {
            out.push_str(&text[done..i]);
            out.push_str(MASK);
            done = end;
        }
    }
    out.push_str(&text[done..]);
    out
}

/// `text` with every whole word that is in `secrets` replaced by [`MASK`].
fn mask_word_set(text: &str, secrets: &std::collections::HashSet<&str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word_start: Option<usize> = None;
    let flush = |out: &mut String, word: &str| {
        out.push_str(if secrets.contains(word) { MASK } else { word });
    };
    for (i, c) in text.char_indices() {
        let in_word = c.is_alphanumeric() || c == '_';
        match (in_word, word_start) {
            (true, None) => word_start = Some(i),
            (false, Some(start)) => {
                flush(&mut out, &text[start..i]);
                word_start = None;
                out.push(c);
            }
            (false, None) => out.push(c),
            (true, Some(_)) => {}
        }
    }
    if let Some(start) = word_start {
        flush(&mut out, &text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_mark_secrets() {
        for name in [
            "DB_PASSWD",
            "mqtt_password",
            "LICENSE_KEY",
            "Api_Token",
            "SECRET",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in ["ANYLOG_SERVER_PORT", "NODE_TYPE", "company_name"] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn only_whole_words_are_masked() {
        assert_eq!(
            mask_words("`db_passwd` is passwd", "passwd"),
            "`db_passwd` is ***"
        );
        assert_eq!(mask_words("is `s3cr3t!`, not", "s3cr3t!"), "is `***`, not");
        assert_eq!(mask_words("abc abcd", "abc"), "*** abcd");
    }

    #[test]
    fn word_set_masks_the_same_whole_words() {
        let set: std::collections::HashSet<&str> = ["passwd", "abc"].into_iter().collect();
        assert_eq!(
            mask_word_set("`db_passwd` is passwd", &set),
            "`db_passwd` is ***"
        );
        assert_eq!(mask_word_set("abc abcd é abc", &set), "*** abcd é ***");
    }
}
