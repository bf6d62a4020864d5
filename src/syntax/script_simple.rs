//! The fast path of the script-line tokenizer: lines made only of bare words, the operators
//! `!= == = + <= >= < >`, blanks, closed `"…"` / `'…'` words and closed `[…]` groups (alone,
//! chained as `[*][ip]` or `[a]:[b]`, or glued to a word) — nearly every real policy line.
//! Anything else (braces, parentheses, backticks, `\`, `#`, `&`, `\r`, `->`, unclosed quotes
//! or brackets, `]:]`) returns `None` and the pest grammar decides. A differential test holds
//! this scanner to the grammar's answers.

use super::{Quote, Tokens, Word, WordText, MAX_NESTING};

/// Characters whose presence anywhere sends the line to the grammar.
const fn is_rare(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'{' | b'}' | b'`' | b'\\' | b'#' | b'&' | b'\r'
    )
}

/// Byte classes, looked up once per byte. A bare word ends before a blank, `=`, `+`, `<`,
/// `>`, `[`, or a `!` followed by `=` (the grammar's `stop`); the rest matter to
/// [`needs_grammar`] only.
const ENDS_WORD: u8 = 1;
const BANG: u8 = 2;
const RARE: u8 = 4;
const GRAMMAR_CHECK: u8 = 8;

const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if is_blank(c) || matches!(c, b'=' | b'+' | b'<' | b'>') {
            t[b] |= ENDS_WORD;
        }
        if c == b'[' {
            t[b] |= ENDS_WORD | GRAMMAR_CHECK;
        }
        if matches!(c, b']' | b'-') {
            t[b] |= GRAMMAR_CHECK;
        }
        if c == b'!' {
            t[b] |= BANG;
        }
        if is_rare(c) {
            t[b] |= RARE | GRAMMAR_CHECK;
        }
        b += 1;
    }
    t
};

/// Whether the line holds a rare character, `->` or `-<`, or `[` nested deeper than the
/// grammar path accepts anywhere in the line (quotes do not count there either): one pass.
fn needs_grammar(bytes: &[u8]) -> bool {
    let mut depth = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        if CLASS[usize::from(b)] & GRAMMAR_CHECK == 0 {
            continue;
        }
        match b {
            b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return true;
                }
            }
            b']' => depth = depth.saturating_sub(1),
            b'-' if matches!(bytes.get(i + 1), Some(b'>' | b'<')) => return true,
            _ if is_rare(b) => return true,
            _ => {}
        }
    }
    false
}

/// The end of a closed `[…]` chain starting at `i` (the grammar's `bracket_closed`), or `None`
/// when the grammar would report it (an unclosed group, `]:]`).
fn bracket_chain(bytes: &[u8], i: usize) -> Option<usize> {
    // One `[ … ]` group: only square brackets count, nested groups must close.
    let group = |mut at: usize| -> Option<usize> {
        let mut depth = 0usize;
        while at < bytes.len() {
            match bytes[at] {
                b'[' => depth += 1,
                b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(at + 1);
                    }
                }
                _ => {}
            }
            at += 1;
        }
        None
    };
    let mut end = group(i)?;
    loop {
        match (bytes.get(end), bytes.get(end + 1)) {
            (Some(b'['), _) => end = group(end)?,
            (Some(b':'), Some(b'[')) => end = group(end + 1)?,
            _ => break,
        }
    }
    match (bytes.get(end), bytes.get(end + 1)) {
        (Some(b':'), Some(b']')) => None, // `bracket_astray`
        (Some(b':'), None) => Some(end + 1),
        (Some(b':'), Some(&next)) => Some(end + 1 + utf8_len(next)),
        _ => Some(end),
    }
}

const fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\t')
}

/// The words of `line`, or `None` when the line needs the full grammar.
pub fn tokenize(line: &str) -> Option<Tokens> {
    let bytes = line.as_bytes();
    if needs_grammar(bytes) {
        return None;
    }
    // About a word per blank, and a few operators split off (`type=sqlite`): room for them
    // at once instead of growing 4 -> 8 -> 16.
    let mut words = Vec::with_capacity(bytes.iter().filter(|&&b| b == b' ').count() + 4);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if is_blank(b) {
            i += 1;
            continue;
        }
        if let Some(len) = operator_at(bytes, i) {
            words.push(word(line, i..i + len, Quote::None));
            i += len;
            continue;
        }
        if b == b'"' || b == b'\'' {
            let close = i + 1 + bytes[i + 1..].iter().position(|&c| c == b)?;
            let (text, quote) = if b == b'"' {
                (&line[i + 1..close], Quote::Double)
            } else {
                (&line[i..=close], Quote::Single)
            };
            words.push(Word {
                text: text.into(),
                range: i..close + 1,
                quoted: quote,
            });
            i = close + 1;
            continue;
        }
        if b == b'[' {
            let end = bracket_chain(bytes, i)?;
            words.push(Word {
                text: tabs_as_spaces(&line[i..end]),
                range: i..end,
                quoted: Quote::Bracket,
            });
            i = end;
            continue;
        }
        // A bare word: its first character is taken as is, then it runs to a stop; a `[…]`
        // chain right after it is part of it.
        let start = i;
        i += utf8_len(b);
        // Byte by byte: no stop is a UTF-8 continuation or lead byte, so this stops where
        // stepping by characters would.
        while i < bytes.len() {
            let class = CLASS[usize::from(bytes[i])];
            if class & ENDS_WORD != 0 || (class & BANG != 0 && bytes.get(i + 1) == Some(&b'=')) {
                break;
            }
            i += 1;
        }
        if bytes.get(i) == Some(&b'[') {
            i = bracket_chain(bytes, i)?;
            words.push(Word {
                text: tabs_as_spaces(&line[start..i]),
                range: start..i,
                quoted: Quote::None,
            });
            continue;
        }
        words.push(word(line, start..i, Quote::None));
    }
    Some(Tokens {
        words,
        rest_after_ampersand: None,
        comment: None,
    })
}

/// The length of the operator starting at `i`, if any (longest first, as the grammar orders them).
fn operator_at(bytes: &[u8], i: usize) -> Option<usize> {
    let next = bytes.get(i + 1).copied();
    match (bytes[i], next) {
        (b'!', Some(b'=')) | (b'=', Some(b'=')) | (b'<', Some(b'=')) | (b'>', Some(b'=')) => {
            Some(2)
        }
        (b'=' | b'+' | b'<' | b'>', _) => Some(1),
        _ => None,
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// A bracket group's text as the node keeps it: tabs become spaces.
fn tabs_as_spaces(text: &str) -> WordText {
    if text.contains('\t') {
        text.replace('\t', " ").into()
    } else {
        text.into()
    }
}

fn word(line: &str, range: std::ops::Range<usize>, quoted: Quote) -> Word {
    Word {
        text: line[range.clone()].into(),
        range,
        quoted,
    }
}
