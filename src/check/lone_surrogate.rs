//! `lone-surrogate` (EL015): a `\uD800`–`\uDFFF` escape without the other half of its pair.
//! Recorded with the oracle's `parse_policy`/`policy_id` ops (EdgeLake faba50d): orjson
//! refuses the text, `json.loads(strict=False)` accepts it, and the node keeps the half
//! character in a Python string — its `repr`, which the policy id hashes, writes it as `\udcff`.
//! A Rust string cannot hold it: elpc reads U+FFFD there, so its value and its id would not be
//! the node's. Escapes are read from the source text of each string (keys included), because
//! the decoded value no longer tells a U+FFFD escape from a half pair.

use crate::check::catalog::LONE_SURROGATE;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::Span;
use crate::syntax::policy::{Node, NodeKind};

/// Reports every string escape of the policy that is half a UTF-16 surrogate pair.
pub fn check(ctx: &CheckContext, diags: &mut Diagnostics) {
    let text = ctx.sources.get(ctx.document.root.span.file).text();
    // A value holds U+FFFD only from a `\u` escape or from the character itself (non-ASCII):
    // a policy with neither is not walked (two scans of the text instead of a search of
    // every string).
    let non_ascii = text.bytes().fold(false, |seen, b| seen | (b >= 0x80));
    if !non_ascii && !text.contains("\\u") {
        return;
    }
    walk(ctx.document.root, text, diags);
}

fn walk(node: &Node, text: &str, diags: &mut Diagnostics) {
    match &node.kind {
        NodeKind::Str(s) if s.value.contains('\u{fffd}') => report(node.span, text, diags),
        NodeKind::Object(entries) => {
            for e in entries {
                if e.key.contains('\u{fffd}') {
                    report(e.key_span, text, diags);
                }
                walk(&e.value, text, diags);
            }
        }
        NodeKind::Array(items) => items.iter().for_each(|i| walk(i, text, diags)),
        _ => {}
    }
}

fn report(span: Span, text: &str, diags: &mut Diagnostics) {
    let Some(raw) = text.get(span.start as usize..span.end as usize) else {
        return;
    };
    // One finding per string, at its first half pair: a string of a million of them is one
    // line of output, not a million.
    let halves = lone_halves(raw);
    let Some(&(at, len, code)) = halves.first() else {
        return;
    };
    let start = span.start + at as u32;
    let escape = &raw[at..at + len];
    let more = match halves.len() - 1 {
        0 => String::new(),
        1 => " (and 1 more in this string)".into(),
        n => format!(" (and {n} more in this string)"),
    };
    diags.push(
        Diagnostic::new(
            &LONE_SURROGATE,
            Span { file: span.file, start, end: start + len as u32 },
            format!("`{escape}` is half of a UTF-16 surrogate pair, without its other half{more}"),
        )
        .label("elpc reads U+FFFD here")
        .help(if code >= 0xDC00 {
            "write the character itself, or its whole pair: a low half (\\uDC00-\\uDFFF) must follow a high half (\\uD800-\\uDBFF), as in \\ud83d\\ude00"
        } else {
            "write the character itself, or its whole pair: a high half (\\uD800-\\uDBFF) must be followed by a low half (\\uDC00-\\uDFFF), as in \\ud83d\\ude00"
        })
        .note("the node keeps the half character and hashes it into the policy id; elpc cannot hold it, so its compiled value and id would not be the node's"),
    );
}

/// `(offset, length, code)` of every `\\uXXXX` escape inside the quoted bodies of `raw` that is
/// a surrogate without its other half (a high one not followed by a low escape, or a low one
/// not after a high one). `raw` is a string node's source: one or more adjacent literals, with
/// the blanks and `#` comments between and after them, which are not scanned.
fn lone_halves(raw: &str) -> Vec<(usize, usize, u32)> {
    let bytes = raw.as_bytes();
    let escape_at = |i: usize| -> Option<u32> {
        let hex = bytes.get(i..i + 6)?;
        if hex[0] != b'\\' || hex[1] != b'u' {
            return None;
        }
        u32::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let mut found = Vec::new();
    let mut quote = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let Some(q) = quote else {
            match b {
                b'\'' | b'"' => quote = Some(b),
                b'#' => {
                    i = bytes[i..]
                        .iter()
                        .position(|&c| c == b'\n')
                        .map_or(bytes.len(), |n| i + n);
                    continue;
                }
                _ => {}
            }
            i += 1;
            continue;
        };
        if b == q {
            quote = None;
            i += 1;
            continue;
        }
        if b != b'\\' {
            i += 1;
            continue;
        }
        match escape_at(i) {
            Some(high @ 0xD800..=0xDBFF) => match escape_at(i + 6) {
                Some(0xDC00..=0xDFFF) => i += 12,
                _ => {
                    found.push((i, 6, high));
                    i += 6;
                }
            },
            Some(low @ 0xDC00..=0xDFFF) => {
                found.push((i, 6, low));
                i += 6;
            }
            Some(_) => i += 6,
            // `\\\\`, `\\'` and the like: the next character is taken by the escape.
            None => i += 2,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::lone_halves;

    #[test]
    fn pairs_pass_and_halves_are_found_where_they_stand() {
        assert!(lone_halves(r#""\ud83d\ude00 \u00e9""#).is_empty());
        assert_eq!(lone_halves(r#""a\udcffb""#), vec![(2, 6, 0xdcff)]);
        assert_eq!(lone_halves(r#""\ud83d x""#), vec![(1, 6, 0xd83d)]);
        // A high half before another high half: the first is alone, the second pairs.
        assert_eq!(lone_halves(r#""\ud83d\ud83d\ude00""#), vec![(1, 6, 0xd83d)]);
        // An escaped backslash before `u` is not an escape.
        assert!(lone_halves(r#""\\udcff""#).is_empty());
        // Short or non-hex tails are not escapes and do not panic.
        assert!(lone_halves(r#""\udc""#).is_empty());
        assert!(lone_halves("\"\\u\u{e9}\u{e9}\u{e9}\"").is_empty());
        // Comments between and after adjacent literals are not string text.
        assert_eq!(
            lone_halves("\"x\\udcff\" # was \\ud83d here\n  '\\udc00' # \\udcff"),
            vec![(2, 6, 0xdcff), (31, 6, 0xdc00)]
        );
        // A quote of the other kind inside a literal does not end it.
        assert_eq!(lone_halves("\"it's \\udcff\""), vec![(6, 6, 0xdcff)]);
    }
}
