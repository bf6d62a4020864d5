//! The fast path of the script-line tokenizer: lines made only of bare words, the operators
//! `!= == = + <= >= < >`, blanks, closed `"…"` / `'…'` words and closed `[…]` groups (alone,
//! chained as `[*][ip]` or `[a]:[b]`, or glued to a word) — nearly every real policy line.
//! Anything else (braces, parentheses, backticks, `\`, `#`, `&`, `\r`, `->`, unclosed quotes
//! or brackets, `]:]`) returns `None` and the pest grammar decides. A differential test holds
//! this scanner to the grammar's answers.

use std::ops::Range;

use super::{Quote, Tokens, Word, WordText, MAX_NESTING};

/// Characters whose presence anywhere sends the line to the grammar.
const fn is_rare(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'{' | b'}' | b'`' | b'\\' | b'#' | b'&' | b'\r'
    )
}

/// Byte classes, looked up once per byte. A bare word ends before a blank, `=`, `+`, `<`,
/// `>`, `[` (`STOP`), or a `!` followed by `=` (`BANG`): the grammar's `stop`. `CHECK` marks
/// the bytes the grammar check looks at ([`Scan::check`]): `[`, `]`, `-` and the rare ones.
/// `QUOTE` marks `"` and `'`, which start a quoted word but not inside a bare one.
const STOP: u8 = 1;
const BANG: u8 = 2;
const CHECK: u8 = 4;
const QUOTE: u8 = 8;
/// The classes that end or interrupt a bare word's run.
const IN_WORD: u8 = STOP | BANG | CHECK;

const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if is_blank(c) || matches!(c, b'=' | b'+' | b'<' | b'>') {
            t[b] |= STOP;
        }
        if c == b'[' {
            t[b] |= STOP | CHECK;
        }
        if matches!(c, b']' | b'-') || is_rare(c) {
            t[b] |= CHECK;
        }
        if c == b'!' {
            t[b] |= BANG;
        }
        if matches!(c, b'"' | b'\'') {
            t[b] |= QUOTE;
        }
        b += 1;
    }
    t
};

/// The line and the `[` depth of the grammar check, which every byte of the line passes
/// through exactly once, in order, whatever token it belongs to (one pass: the check used to
/// be a pass of its own before the words were scanned).
struct Scan<'a> {
    bytes: &'a [u8],
    depth: usize,
}

impl Scan<'_> {
    /// The grammar check of byte `i` (a `CHECK` byte `b`): `false` when the line needs the
    /// grammar — a rare character, `->` or `-<`, or `[` nested deeper than [`MAX_NESTING`]
    /// anywhere in the line (quotes do not count there either).
    #[inline]
    fn check(&mut self, i: usize, b: u8) -> bool {
        match b {
            b'[' => {
                self.depth += 1;
                self.depth <= MAX_NESTING
            }
            b']' => {
                self.depth = self.depth.saturating_sub(1);
                true
            }
            b'-' => !matches!(self.bytes.get(i + 1), Some(b'>' | b'<')),
            _ => false,
        }
    }

    /// [`Scan::check`] for any byte.
    #[inline]
    fn passes(&mut self, i: usize) -> bool {
        let b = self.bytes[i];
        CLASS[usize::from(b)] & CHECK == 0 || self.check(i, b)
    }

    /// The end of a closed `[…]` chain starting at `i` (the grammar's `bracket_closed`), or
    /// `None` when the grammar would report it (an unclosed group, `]:]`) or must decide.
    fn bracket_chain(&mut self, i: usize) -> Option<usize> {
        let mut end = self.group(i)?;
        loop {
            match (self.bytes.get(end), self.bytes.get(end + 1)) {
                (Some(b'['), _) => end = self.group(end)?,
                (Some(b':'), Some(b'[')) => end = self.group(end + 1)?,
                _ => break,
            }
        }
        match (self.bytes.get(end), self.bytes.get(end + 1)) {
            (Some(b':'), Some(b']')) => None, // `bracket_astray`
            (Some(b':'), None) => Some(end + 1),
            (Some(b':'), Some(&next)) => self.passes(end + 1).then(|| end + 1 + utf8_len(next)),
            _ => Some(end),
        }
    }

    /// One `[ … ]` group from the `[` at `at`: only square brackets count, nested groups
    /// must close.
    fn group(&mut self, mut at: usize) -> Option<usize> {
        let mut depth = 0usize;
        while at < self.bytes.len() {
            let b = self.bytes[at];
            if CLASS[usize::from(b)] & CHECK != 0 {
                if !self.check(at, b) {
                    return None;
                }
                match b {
                    b'[' => depth += 1,
                    b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(at + 1);
                        }
                    }
                    _ => {}
                }
            }
            at += 1;
        }
        None
    }

    /// The end of the `"…"` or `'…'` word whose quote `q` is at `i` (after the closing quote).
    fn quoted(&mut self, i: usize, q: u8) -> Option<usize> {
        let mut at = i + 1;
        loop {
            let b = *self.bytes.get(at)?;
            if b == q {
                return Some(at + 1);
            }
            if CLASS[usize::from(b)] & CHECK != 0 && !self.check(at, b) {
                return None;
            }
            at += 1;
        }
    }

    /// The end of the bare word starting at `start`: its first character is taken as is,
    /// then it runs to a stop. Byte by byte: no stop is a UTF-8 continuation or lead byte,
    /// so this stops where stepping by characters would.
    #[inline(always)]
    fn bare(&mut self, start: usize) -> Option<usize> {
        let bytes = self.bytes;
        if !self.passes(start) {
            return None;
        }
        let mut i = start + utf8_len(bytes[start]);
        // Four bytes at a time while none of them matters (letters, digits, `_`, `.`, `/`).
        while let Some(&[a, b, c, d]) = bytes.get(i..i + 4) {
            let classes = CLASS[usize::from(a)]
                | CLASS[usize::from(b)]
                | CLASS[usize::from(c)]
                | CLASS[usize::from(d)];
            if classes & IN_WORD != 0 {
                break;
            }
            i += 4;
        }
        while i < bytes.len() {
            let b = bytes[i];
            let class = CLASS[usize::from(b)] & IN_WORD;
            if class != 0 {
                if class & STOP != 0 {
                    break;
                }
                if class & BANG != 0 {
                    if bytes.get(i + 1) == Some(&b'=') {
                        break;
                    }
                } else if !self.check(i, b) {
                    return None;
                }
            }
            i += 1;
        }
        Some(i)
    }
}

const fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\t')
}

/// The words of `line`, or `None` when the line needs the full grammar.
pub fn tokenize(line: &str) -> Option<Tokens> {
    // A word every 7-8 bytes in real policies: room for them at once instead of growing
    // 4 -> 8 -> 16 (the vector lives only until the line's record is made).
    let mut words = Vec::with_capacity(line.len() / 6 + 4);
    tokenize_into(line, &mut words).then_some(Tokens {
        words,
        rest_after_ampersand: None,
        comment: None,
    })
}

/// [`tokenize`] into `words` (emptied first): `false` when the line needs the full grammar
/// (`words` then holds a part of the line's words).
pub fn tokenize_into(line: &str, words: &mut Vec<Word>) -> bool {
    words.clear();
    scan_words(line, words).is_some()
}

fn scan_words(line: &str, words: &mut Vec<Word>) -> Option<()> {
    let bytes = line.as_bytes();
    let mut scan = Scan { bytes, depth: 0 };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if CLASS[usize::from(b)] == 0 {
            // The start of a bare word (the common case, tested first).
            let start = i;
            i = scan.bare(start)?;
            if bytes.get(i) == Some(&b'[') {
                i = scan.bracket_chain(i)?;
                words.push(grouped(line, start..i, Quote::None));
            } else {
                words.push(word(line, start..i, Quote::None));
            }
            continue;
        }
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
            let end = scan.quoted(i, b)?;
            words.push(if b == b'"' {
                Word {
                    text: WordText::from_part(line, i + 1..end - 1),
                    range: i..end,
                    quoted: Quote::Double,
                    as_written: true,
                }
            } else {
                word(line, i..end, Quote::Single)
            });
            i = end;
            continue;
        }
        if b == b'[' {
            let end = scan.bracket_chain(i)?;
            words.push(grouped(line, i..end, Quote::Bracket));
            i = end;
            continue;
        }
        // A bare word starting with `!`, `]`, `-` or a rare character (refused by the check).
        let start = i;
        i = scan.bare(start)?;
        if bytes.get(i) == Some(&b'[') {
            i = scan.bracket_chain(i)?;
            words.push(grouped(line, start..i, Quote::None));
            continue;
        }
        words.push(word(line, start..i, Quote::None));
    }
    Some(())
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

/// A word holding a bracket group, with its text as the node keeps it: tabs become spaces.
fn grouped(line: &str, range: Range<usize>, quoted: Quote) -> Word {
    let text = &line[range.clone()];
    if text.contains('\t') {
        Word {
            text: text.replace('\t', " ").into(),
            range,
            quoted,
            as_written: false,
        }
    } else {
        word(line, range, quoted)
    }
}

fn word(line: &str, range: Range<usize>, quoted: Quote) -> Word {
    Word {
        text: WordText::from_part(line, range.clone()),
        range,
        quoted,
        as_written: true,
    }
}
