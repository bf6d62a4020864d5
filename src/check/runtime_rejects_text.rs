//! `runtime-rejects-text` (EL007): policy text that `blockchain prepare/insert` refuses or
//! corrupts (§1.2–1.4, LINT-01–03). The fix is the canonical JSON `elpc compile` prints.

use std::borrow::Cow;

use crate::check::catalog::RUNTIME_REJECTS_TEXT;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::emit::json::{ascii_json, CanonicalView};
use crate::resolve::reference::resolve_word;
use crate::resolve::value::Resolved;
use crate::source::Span;
use crate::syntax::bytes::position_of;
use crate::syntax::policy::{Node, NodeKind};

/// Reports each kind of problem at its first few places; the first diagnostic carries the
/// whole-document fix.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    // Messages are static but one (a few of them per policy): no text allocated per place.
    let mut found: Vec<(Span, Cow<'static, str>, &'static str)> = Vec::new();
    let doc = ctx.document;
    if doc.list_wrapped {
        found.push((doc.root.span, Cow::Borrowed("a list-wrapped policy `[{...}]` is not a policy"), "the node rejects it (error 87 or \"not a json object\"); `[{...}]` is only how `blockchain get` displays results"));
    }
    for comma in ctx.trailing_commas {
        found.push((
            *comma,
            Cow::Borrowed("trailing comma inside an object or list"),
            "the node's parser rejects it (only one comma after the whole policy is tolerated)",
        ));
    }
    // Whether a reference resolves to something, per reference as written: the same few
    // references recur in every line of a long script list, and the scope is the same.
    let mut has_value: std::collections::HashMap<&str, bool, foldhash::fast::RandomState> =
        Default::default();
    walk(doc.root, &mut |node| match &node.kind {
        NodeKind::Null if ctx.sources.get(node.span.file).slice(node.span) == "None" => {
            found.push((
                node.span,
                Cow::Borrowed("`None` is not JSON"),
                "the node lower-cases it to `none` and rejects the policy; write null",
            ));
        }
        NodeKind::BareRef(word) => {
            let unset = matches!(
                crate::resolve::reference::resolve_word(word, ctx.scope),
                crate::resolve::value::Resolved::Known(v) if v.to_python_str().is_empty()
            );
            if unset {
                found.push((
                        node.span,
                        Cow::Owned(format!("unquoted `{word}` resolves to nothing")),
                        "`blockchain prepare` replaces an unquoted reference with its value; with no value it leaves `!name` in the text, which is not JSON: the node refuses the policy (error 87)",
                    ));
            }
        }
        NodeKind::Str(lit) if lit.quote == '\'' => {
            let mut resolves = |word| match has_value.get(word) {
                Some(&known) => known,
                None => {
                    let known = !matches!(resolve_word(word, ctx.scope), Resolved::Known(v) if v.to_python_str().is_empty());
                    has_value.insert(word, known);
                    known
                }
            };
            if let Some(at) = injected_reference(&lit.value, &mut resolves) {
                let span = lit.span_of(node.span.file, at..at + 1);
                found.push((span, Cow::Borrowed("`!` reference inside a single-quoted string"), "blockchain insert substitutes ` !name` even inside single quotes, injecting a double-quoted value: the policy no longer parses (error 87)"));
            }
            if lit.value.contains('"') {
                found.push((
                    node.span,
                    Cow::Borrowed("`\"` inside a single-quoted string"),
                    "the node's quote conversion tracks double quotes only; this string breaks it",
                ));
            }
            if lit.literals > 1 {
                found.push((
                    node.span,
                    Cow::Borrowed("adjacent single-quoted strings"),
                    "Python joins them, the node's parser rejects them",
                ));
            }
        }
        _ => {}
    });
    let text = ctx.sources.get(doc.root.span.file).text();
    if let Some(at) = text.find('|') {
        let span = Span::new(doc.root.span.file, at..at + 1);
        found.push((span, Cow::Borrowed("`|` in policy text"), "the node replaces every `|` with `\"` before parsing, which breaks the policy (shell pipes included)"));
    }
    // A byte scan: every non-ASCII character starts with a byte >= 0x80 and ASCII control
    // characters are the bytes below 0x20 and 0x7f.
    let odd = |b: u8| b >= 0x7f || (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t'));
    // Whether there is one at all: a fold without early exit, which the compiler vectorizes.
    let any = text.bytes().fold(false, |seen, b| seen | odd(b));
    let first = if any {
        text.bytes().position(odd)
    } else {
        None
    };
    if let Some((at, c)) = first.and_then(|at| Some((at, text[at..].chars().next()?))) {
        let span = Span::new(doc.root.span.file, at..at + c.len_utf8());
        found.push((span, Cow::Owned(format!("non-ASCII or control character {c:?}")), "the node replaces it with a space before storing the policy and computing its id; write it as \\uXXXX"));
    }
    found.sort_by_key(|f| f.0.start);
    if found.is_empty() {
        return;
    }
    // One diagnostic per kind of problem: the first place is primary, the next few secondary.
    let mut kinds: Vec<&Cow<str>> = Vec::new();
    for (_, message, _) in &found {
        if !kinds.contains(&message) {
            kinds.push(message);
        }
    }
    for (i, kind) in kinds.into_iter().enumerate() {
        let places: Vec<&(Span, Cow<str>, &str)> = found.iter().filter(|f| &f.1 == kind).collect();
        let (span, message, note) = places[0];
        let mut d = Diagnostic::new(
            &RUNTIME_REJECTS_TEXT,
            *span,
            format!("{message}: the node refuses or corrupts this text"),
        )
        .label("not accepted by blockchain insert")
        .note(*note)
        .help("submit the canonical JSON instead: the `policy` field of `elpc compile`");
        for other in places.iter().skip(1).take(MORE_PLACES) {
            d = d.with_secondary(other.0, "here too");
        }
        if places.len() > MORE_PLACES + 1 {
            d = d.note(format!(
                "{} more places like this",
                places.len() - MORE_PLACES - 1
            ));
        }
        if i == 0 && text.len() <= MAX_FIX_BYTES {
            // Written once, for the first kind only (about the policy's size).
            let canonical = ascii_json(&CanonicalView(object_of(doc.root)), true);
            d = d.suggest(
                "replace the policy with its canonical JSON",
                doc.root.span,
                canonical,
            );
        }
        diags.push(d);
    }
}

/// The largest policy whose whole canonical text is offered as an edit. Real policies are a
/// few KB; a replacement of megabytes is no edit an editor applies, and it doubled the
/// memory and the JSON document of a 10 MB policy (the `policy` field of `elpc compile`,
/// which the help names, holds the same text).
const MAX_FIX_BYTES: usize = 256 * 1024;

/// How many further places of one kind a diagnostic shows.
const MORE_PLACES: usize = 4;

/// The offset of a `!` the node would substitute: preceded by a space, `:`, `[` or `{`
/// (§1.2), with a value to put there (`resolves`: a reference that resolves to nothing is
/// left alone).
fn injected_reference<'t>(
    text: &'t str,
    resolves: &mut dyn FnMut(&'t str) -> bool,
) -> Option<usize> {
    let bytes = text.as_bytes();
    // Each `!` after the first byte, in order (a block search: this runs on every
    // single-quoted string of the policy at every re-check).
    let mut from = 1;
    let mut bangs = std::iter::from_fn(|| {
        let at = from + position_of(bytes.get(from..)?, |b| b == b'!')?;
        from = at + 1;
        Some(at)
    });
    bangs.find(|&i| {
        let candidate = matches!(bytes[i - 1], b' ' | b':' | b'[' | b'{')
            && bytes
                .get(i + 1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
        if !candidate {
            return false;
        }
        // `params.get_dictionary_word_length`: letters, digits, `_` and `.`.
        let end = bytes[i + 1..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.'))
            .map_or(bytes.len(), |p| i + 1 + p);
        resolves(&text[i..end])
    })
}

fn object_of(root: &Node) -> &Node {
    match &root.kind {
        NodeKind::Array(items) if items.len() == 1 => &items[0],
        _ => root,
    }
}

fn walk<'n>(node: &'n Node, f: &mut dyn FnMut(&'n Node)) {
    f(node);
    match &node.kind {
        NodeKind::Object(entries) => entries.iter().for_each(|e| walk(&e.value, f)),
        NodeKind::Array(items) => items.iter().for_each(|i| walk(i, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::{compile, Input, Options};

    /// The canonical policy as an edit for a policy of `pad` more bytes of script.
    fn fix_offered(pad: usize) -> bool {
        let text = format!(
            "{{'config': {{'script': ['echo a|b', '{}']}}}}",
            "x".repeat(pad)
        );
        let c = compile(&Input::text("p.policy", text), &[], &Options::default());
        let el007 = c.diagnostics.iter().find(|d| d.rule.code == "EL007");
        !el007.expect("`|` is reported").suggestions.is_empty()
    }

    #[test]
    fn the_whole_policy_is_an_edit_only_up_to_the_limit() {
        assert!(fix_offered(10));
        assert!(fix_offered(super::MAX_FIX_BYTES - 100));
        assert!(!fix_offered(super::MAX_FIX_BYTES + 1));
    }
}
