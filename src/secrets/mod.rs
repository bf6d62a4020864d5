//! Secrets from env files stay out of diagnostics unless the user asks (`--show-secrets`).
//!
//! A secret is the value of an env key whose name contains `PASSW`, `SECRET`, `KEY` or `TOKEN`
//! (any case), of a variable mapped from such a key, or of a variable whose own name says so.
//! [`hide_secrets`] rewrites a finished [`Compilation`] so that no secret value, nor a part or a
//! transform of one, is left in a message, label, note, help or snippet:
//!
//! - the values are followed: an env value built from a secret (`NODE_NAME=${DB_PASSWD}x`) and
//!   the variable it maps to become secrets too, and so does what a policy word reading a secret
//!   resolves to (a cast `!license_key.int` of `0004242` is `4242`, a slice `!db_passwd[0:4]`);
//!   the int, float, lower-case and `.name` forms and each line of a multi-line value are added;
//! - secrets of [`matcher::MIN_ANYWHERE`] bytes or more are masked wherever they stand, shorter
//!   ones as whole words, all through one automaton (10,000 secrets cost one scan per text);
//! - every env file line that starts with a secret key is overwritten with `*` after the key, byte
//!   for byte (spans and line numbers stay valid), whether or not it parses, and a finding on
//!   such a line also has every piece of that line's text hidden from its words (`$` inside
//!   `Hunt$er2Secret` reads as the variable `er2Secret`; a syntax error quotes the text);
//! - suggestions that would insert a secret are dropped.
//!
//! `true`/`false` are never treated as secrets. The compiled outputs (`policy`, `resolved`,
//! `commands`, `--format al`) are left alone: they are what the node runs, and carry secrets in
//! clear by design.

/// A set hashed with foldhash: the policy's words are looked up once each (SipHash was a
/// third of listing the secret values of a 10,000-line policy).
type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

use crate::compile::Compilation;
use crate::diagnostic::Text;
use crate::resolve::cast::{py_float, py_int};
use crate::resolve::env_layers::EnvOrigin;
use crate::resolve::reference::{references_in, resolve_word, Sigil};
use crate::resolve::scope::{Provenance, VarValue};
use crate::resolve::value::{python_float_repr, Resolved};
use crate::syntax::bytes::position_of;
use crate::syntax::policy::{Node, NodeKind};

mod env_lines;
pub mod matcher;

pub use matcher::Matcher;

/// What a hidden value is shown as.
pub const MASK: &str = "***";

/// True when an env key or variable name marks its value as secret.
pub fn is_secret_name(name: &str) -> bool {
    // One pass, in place, ignoring ASCII case (asked for every variable, several times: a
    // copy per call, then a search per word, were 5% of compiling a small policy).
    let name = name.as_bytes();
    let at = |i: usize, word: &[u8]| {
        name.get(i..i + word.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(word))
    };
    (0..name.len()).any(|i| match name[i].to_ascii_uppercase() {
        b'P' => at(i, b"PASSW"),
        b'S' => at(i, b"SECRET"),
        b'K' => at(i, b"KEY"),
        b'T' => at(i, b"TOKEN"),
        _ => false,
    })
}

/// Every whitespace word of a policy's strings (keys, values, bare references) that holds a
/// `!` or `$`, with how often it occurs: what the secret list reads of the policy. A language
/// server keeps it and follows an edit of one string ([`PolicyWords::replace`]) instead of
/// scanning every string again at each keystroke.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct PolicyWords(
    std::collections::HashMap<String, usize, foldhash::fast::RandomState>,
);

impl PolicyWords {
    /// The words of the policy `root`.
    pub(crate) fn of(root: &Node) -> PolicyWords {
        let mut strings = Vec::new();
        strings_of(root, &mut strings);
        let mut words = PolicyWords::default();
        for text in strings {
            words.add(text);
        }
        words
    }

    fn add(&mut self, text: &str) {
        for word in words_with_sigils(text) {
            match self.0.get_mut(word) {
                Some(n) => *n += 1,
                None => {
                    self.0.insert(word.to_string(), 1);
                }
            }
        }
    }

    /// The words after one string of the policy changed from `old` to `new`.
    #[cfg_attr(not(feature = "lsp"), allow(dead_code))]
    pub(crate) fn replace(&mut self, old: &str, new: &str) {
        for word in words_with_sigils(old) {
            if let Some(n) = self.0.get_mut(word) {
                *n -= 1;
                if *n == 0 {
                    self.0.remove(word);
                }
            }
        }
        self.add(new);
    }
}

/// Hides every secret value in the diagnostics and env file text of `compilation`.
/// The policy's words are read from `words` when given (they must be [`PolicyWords::of`] the
/// compilation's syntax tree), else from the tree.
pub(crate) fn hide_secrets(compilation: &mut Compilation, words: Option<&PolicyWords>) {
    let mut matcher = secret_matcher(compilation, words);
    // The raw text of every secret key's line, and the written value of every secret env
    // definition (a multi-line value spans lines).
    let mut regions = env_lines::secret_lines(&compilation.sources);
    for var in compilation.scope.env_layers().iter() {
        if !is_secret_name(&var.name) {
            continue;
        }
        for origin in std::iter::once(&var.origin).chain(&var.overrides) {
            if let EnvOrigin::File {
                key_span,
                value_span,
            } = origin
            {
                regions.push(env_lines::SecretText {
                    value: *value_span,
                    line_start: key_span.start,
                });
            }
        }
    }
    regions.sort_by_key(|r| (r.value.file, r.line_start, r.value.end));
    regions.dedup();
    // Read in place (a generated env file of secret keys has a million such lines); the text
    // is masked only once they are no longer read, below.
    let sources = &compilation.sources;
    let raw: Vec<&str> = regions
        .iter()
        .map(|r| sources.get(r.value.file).slice(r.value))
        .collect();
    let mut values = Vec::new();
    for text in &raw {
        add_forms(text.trim_matches(['"', '\'']), &mut values);
    }
    matcher.extend(values);
    if !matcher.is_empty() || !regions.is_empty() {
        // Thousands of findings share a few dozen texts (messages, notes, help): each distinct
        // text is scanned once, up to a bound on what is kept.
        let mut masked = MaskCache::default();
        for d in &mut compilation.diagnostics {
            let labels: Vec<crate::source::Span> = std::iter::once(d.primary.span)
                .chain(d.secondary.iter().map(|l| l.span))
                .collect();
            let lines: Vec<&str> = touching(&regions, &labels).map(|i| raw[i]).collect();
            let mut hide = |text: &mut Text| {
                masked.hide(&matcher, text);
                if !lines.is_empty() {
                    *text = matcher::mask_pieces(text, &lines).into();
                }
            };
            hide(&mut d.message);
            hide(&mut d.primary.message);
            d.secondary.iter_mut().for_each(|l| hide(&mut l.message));
            d.notes.iter_mut().for_each(&mut hide);
            if let Some(h) = &mut d.help {
                hide(h);
            }
            // A suggestion that would write a secret is dropped (the whole canonical policy
            // is one: test it in place rather than masking a copy and comparing).
            d.suggestions.retain(|s| {
                !matcher.finds(&s.replacement)
                    && (lines.is_empty()
                        || matcher::mask_pieces(&s.replacement, &lines) == s.replacement)
            });
            for s in &mut d.suggestions {
                let mut message = Text::from(std::mem::take(&mut s.message));
                hide(&mut message);
                s.message = message.into_owned();
            }
        }
    }
    compilation
        .sources
        .mask_all(regions.iter().map(|r| r.value));
}

/// What [`Matcher::mask`] gave for texts already seen, for texts up to [`MaskCache::TEXT`]
/// bytes and at most [`MaskCache::ENTRIES`] of them (memory stays bounded when every text
/// differs).
#[derive(Default)]
struct MaskCache {
    seen: std::collections::HashMap<String, Option<String>, foldhash::fast::RandomState>,
}

impl MaskCache {
    const TEXT: usize = 1024;
    const ENTRIES: usize = 4096;

    /// Masks `text` in place, as [`Matcher::mask`] does.
    fn hide(&mut self, matcher: &Matcher, text: &mut Text) {
        if text.len() > Self::TEXT {
            // Never cached: not hashed either.
            if let Some(masked) = matcher.mask(text) {
                *text = masked.into();
            }
            return;
        }
        if let Some(known) = self.seen.get(&**text) {
            if let Some(masked) = known {
                *text = masked.clone().into();
            }
            return;
        }
        let masked = matcher.mask(text);
        if self.seen.len() < Self::ENTRIES {
            self.seen.insert(text.to_string(), masked.clone());
        }
        if let Some(masked) = masked {
            *text = masked.into();
        }
    }
}

/// The secret values of a compilation (see the module documentation), ready to mask text such
/// as a hover. Unlike [`hide_secrets`] it does not look at env file text, so it works on a
/// compilation whose secrets were already hidden. Used by the language server's hovers.
#[cfg_attr(not(feature = "lsp"), allow(dead_code))]
pub fn secret_values(compilation: &Compilation) -> Matcher {
    secret_matcher(compilation, None)
}

/// The indices of the regions a finding with these labels is about (same file, on the secret's
/// line or inside its value). `regions` is sorted by file and line start; only the few regions
/// starting last before each label's end are looked at, so 100,000 findings on 100,000 secret
/// lines cost a binary search each, not a scan of all.
fn touching<'a>(
    regions: &'a [env_lines::SecretText],
    labels: &'a [crate::source::Span],
) -> impl Iterator<Item = usize> + 'a {
    const NEARBY: usize = 8;
    let mut found: Vec<usize> = labels
        .iter()
        .flat_map(|l| {
            let end = regions.partition_point(|r| (r.value.file, r.line_start) <= (l.file, l.end));
            (end.saturating_sub(NEARBY)..end).filter(move |&i| {
                let r = regions[i];
                r.value.file == l.file && l.start <= r.value.end && l.end >= r.line_start
            })
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    found.into_iter()
}

/// A matcher of every secret value and its forms: secret env values (and the variables mapped
/// from them), values built from them, and what policy words reading them resolve to.
fn secret_matcher(compilation: &Compilation, words: Option<&PolicyWords>) -> Matcher {
    let scope = &compilation.scope;
    let env = scope.env_layers();
    let mut values = Vec::new();
    // Room for every variable at once (a generated file may make them all secrets; growing
    // the sets rehashed them each time).
    let mut secret_env: HashSet<&str> =
        HashSet::with_capacity_and_hasher(env.len(), Default::default());
    let mut secret_params: HashSet<&str> =
        HashSet::with_capacity_and_hasher(scope.iter().count(), Default::default());
    for var in env.iter().filter(|v| is_secret_name(&v.name)) {
        secret_env.insert(&var.name);
        add_forms(&var.value, &mut values);
    }
    let from_secret_key = |provenance: &Provenance, keys: &HashSet<&str>| matches!(provenance, Provenance::Env { key, .. } if is_secret_name(key) || keys.contains(key.as_str()));
    for var in scope.iter() {
        if is_secret_name(&var.name) || from_secret_key(&var.provenance, &secret_env) {
            secret_params.insert(&var.name);
            if let VarValue::Known(v) = &var.value {
                add_forms(v, &mut values);
            }
        }
    }
    // Values built from a secret (`${DB_PASSWD}x`, a mapping of such a key) are secrets too.
    let mut matcher = Matcher::new(std::mem::take(&mut values));
    let base = &matcher;
    if !base.is_empty() {
        for var in env.iter() {
            if !secret_env.contains(var.name.as_str()) && base.finds(&var.value) {
                secret_env.insert(&var.name);
                add_forms(&var.value, &mut values);
            }
        }
        for var in scope.iter() {
            let VarValue::Known(v) = &var.value else {
                continue;
            };
            if !secret_params.contains(var.name.as_str())
                && (base.finds(v) || from_secret_key(&var.provenance, &secret_env))
            {
                secret_params.insert(&var.name);
                add_forms(v, &mut values);
            }
        }
    }
    // What the policy's words that read a secret resolve to: casts, slices, paths.
    // (None can when no variable is a secret.)
    let any_secret = !secret_params.is_empty() || !secret_env.is_empty();
    // Only a word with a reference can read a secret; only such a word is resolved.
    let mut resolve = |word: &str| {
        let reads_secret = references_in(word).iter().any(|r| match r.sigil {
            Sigil::Param => secret_params.contains(r.name.as_str()),
            Sigil::Env => secret_env.contains(r.name.as_str()),
        });
        if reads_secret {
            if let Resolved::Known(v) = resolve_word(word, scope) {
                add_forms(&v.to_python_str(), &mut values);
            }
        }
    };
    match (words, compilation.syntax.as_ref().filter(|_| any_secret)) {
        // Kept by a language server: each distinct word once.
        (Some(words), Some(_)) => words.0.keys().for_each(|w| resolve(w)),
        (None, Some(tree)) => {
            let mut strings = Vec::new();
            strings_of(&tree.root, &mut strings);
            // The same few lines and words recur all through a long script list: each string
            // and each word is looked at once (a repeat would only add the same forms again,
            // which the matcher drops).
            let mut seen_texts: HashSet<&str> = HashSet::default();
            let mut seen: HashSet<&str> = HashSet::default();
            for text in strings {
                if !seen_texts.insert(text) {
                    continue;
                }
                for word in words_with_sigils(text) {
                    if seen.insert(word) {
                        resolve(word);
                    }
                }
            }
        }
        (_, None) => {}
    }
    matcher.extend(values);
    matcher
}

/// The whitespace-separated words of `text` that hold a `!` or `$` (as
/// `text.split_whitespace().filter(..)` gives them), found from the sigils: a byte scan
/// instead of splitting every string of a large policy into words.
fn words_with_sigils(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + position_of(&bytes[from..], |b| b == b'!' || b == b'$')?;
        // ASCII bytes are tested as bytes; from the first other byte on, by characters
        // (Unicode whitespace such as U+3000 also separates words).
        let ascii_blank = |b: u8| matches!(b, b'\t'..=b'\r' | b' ');
        let mut start = at;
        while start > 0 && bytes[start - 1] < 0x80 && !ascii_blank(bytes[start - 1]) {
            start -= 1;
        }
        if start > 0 && bytes[start - 1] >= 0x80 {
            start = text[..start]
                .char_indices()
                .rev()
                .find(|(_, c)| c.is_whitespace())
                .map_or(0, |(i, c)| i + c.len_utf8());
        }
        let mut end = at;
        while end < bytes.len() && bytes[end] < 0x80 && !ascii_blank(bytes[end]) {
            end += 1;
        }
        if end < bytes.len() && bytes[end] >= 0x80 {
            end = text[end..]
                .char_indices()
                .find(|(_, c)| c.is_whitespace())
                .map_or(text.len(), |(i, _)| end + i);
        }
        from = end;
        Some(&text[start..end])
    })
}

/// Every string of a policy tree (keys included).
fn strings_of<'a>(node: &'a Node, out: &mut Vec<&'a str>) {
    match &node.kind {
        NodeKind::Str(s) => out.push(&s.value),
        NodeKind::BareRef(r) => out.push(r),
        NodeKind::Object(entries) => {
            for e in entries {
                out.push(&e.key);
                strings_of(&e.value, out);
            }
        }
        NodeKind::Array(items) => items.iter().for_each(|i| strings_of(i, out)),
        _ => {}
    }
}

/// `value` and the forms the node may show it in: trimmed, each line, as an int or a float
/// (`0004242` → `4242`), lower case, and as `.name` makes it (each form once: a million secret
/// keys mean millions of strings otherwise).
fn add_forms(value: &str, out: &mut Vec<String>) {
    if value.trim().is_empty() {
        return;
    }
    if value.contains('\n') {
        for line in value.lines() {
            add_forms(line, out);
        }
    }
    let trimmed = value.trim();
    let start = out.len();
    // Each form once, and none copied or lower-cased when it is one already there (most
    // values are their own trimmed, lower-case form).
    let mut push = |form: std::borrow::Cow<str>| {
        if !out[start..].iter().any(|f| **f == *form) {
            out.push(form.into_owned());
        }
    };
    push(value.into());
    push(trimmed.into());
    if let Some(i) = py_int(value) {
        push(i.to_string().into());
    }
    if let Some(f) = py_float(value) {
        push(python_float_repr(f).into());
    }
    for text in [value, trimmed] {
        let lower: std::borrow::Cow<str> =
            if text.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
                text.to_lowercase().into()
            } else {
                text.into()
            };
        if lower.contains(' ') {
            push(lower.replace(' ', "_").into());
        }
        push(lower);
    }
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

    proptest::proptest! {
        /// The in-place search says what upper-casing the name and searching it says.
        #[test]
        fn secret_names_as_the_upper_cased_search_finds_them(name in "[pPaAsSwWeEcCrRtTkKyYoOnN_é]{0,12}") {
            let upper = name.to_ascii_uppercase();
            let expected = ["PASSW", "SECRET", "KEY", "TOKEN"].iter().any(|w| upper.contains(w));
            proptest::prop_assert_eq!(is_secret_name(&name), expected);
        }
    }

    #[test]
    fn words_with_sigils_are_the_split_words_holding_one() {
        for text in [
            "",
            "plain words only",
            "!a",
            " run !x and $Y!z\t!  tail$ ",
            "é!b\u{3000}c$d\u{a0}!!e x",
            "a\u{b}!x\u{c}y z\u{2028}w!é v",
            "x!\u{85}!",
            "!!",
        ] {
            let split: Vec<&str> = text
                .split_whitespace()
                .filter(|w| w.contains(['!', '$']))
                .collect();
            assert_eq!(
                words_with_sigils(text).collect::<Vec<_>>(),
                split,
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_mask_cache_gives_what_the_matcher_gives_for_repeats_and_long_texts() {
        let matcher = Matcher::new(["Hunter2DbPw".to_string()]);
        let mut cache = MaskCache::default();
        let long = format!("{} Hunter2DbPw", "x".repeat(MaskCache::TEXT));
        for text in [
            "a Hunter2DbPw b",
            "clean",
            "a Hunter2DbPw b",
            "clean",
            &long,
            &long,
        ] {
            let mut cached = Text::from(text.to_string());
            cache.hide(&matcher, &mut cached);
            assert_eq!(cached, matcher.mask(text).unwrap_or(text.to_string()));
        }
        // Short texts are kept, the long one is not.
        assert_eq!(cache.seen.len(), 2);
    }

    #[test]
    fn forms_of_a_value() {
        let mut out = Vec::new();
        add_forms(" 0004242\nNew Line ", &mut out);
        for form in ["0004242", "New Line", "new_line"] {
            assert!(out.iter().any(|f| f == form), "{form} in {out:?}");
        }
        let mut out = Vec::new();
        add_forms("0004242", &mut out);
        assert!(out.contains(&"4242".to_string()), "{out:?}");
    }
}
