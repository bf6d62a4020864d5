//! The fast path of the script-line tokenizer: lines made only of bare words, the operators
//! `!= == = + <= >= < >`, blanks and closed `"…"` / `'…'` words — nearly every real policy
//! line. Anything else (brackets, braces, parentheses, backticks, `\`, `#`, `&`, `\r`, `->`,
//! unclosed quotes) returns `None` and the pest grammar decides. A differential test holds
//! this scanner to the grammar's answers.

use super::{Quote, Tokens, Word};

/// Characters whose presence anywhere sends the line to the grammar.
fn is_rare(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'{' | b'}' | b'[' | b']' | b'`' | b'\\' | b'#' | b'&' | b'\r'
    )
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\t')
}

/// The words of `line`, or `None` when the line needs the full grammar.
pub fn tokenize(line: &str) -> Option<Tokens> {
    let bytes = line.as_bytes();
    if bytes.iter().any(|&b| is_rare(b)) || line.contains("->") || line.contains("-<") {
        return None;
    }
    let mut words = Vec::new();
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
                text: text.to_string(),
                range: i..close + 1,
                quoted: quote,
            });
            i = close + 1;
            continue;
        }
        // A bare word: its first character is taken as is, then it runs to a stop.
        let start = i;
        i += utf8_len(b);
        while i < bytes.len() && !is_blank(bytes[i]) && !stops_word(bytes, i) {
            i += utf8_len(bytes[i]);
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

/// Whether a bare word ends before byte `i` (the grammar's `stop`).
fn stops_word(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        b'=' | b'+' | b'<' | b'>' => true,
        b'!' => bytes.get(i + 1) == Some(&b'='),
        _ => false,
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

fn word(line: &str, range: std::ops::Range<usize>, quoted: Quote) -> Word {
    Word {
        text: line[range.clone()].to_string(),
        range,
        quoted,
    }
}
