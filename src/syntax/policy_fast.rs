//! The fast path of the policy parser: a hand-written recursive descent over documents that
//! `grammar/policy.pest` parses without recovery (no junk, no missing value) — every policy
//! that is not being typed. It builds the very tree the pest path builds, spans included (a
//! `strings` value ends after the blanks and comments that follow it, as pest's implicit
//! whitespace puts them inside the rule). Anything else returns `None` and the grammar
//! decides, with its error recovery. A differential test holds this parser to the grammar.

use std::sync::Arc;

use super::{
    decode_into, number, push_run, Building, Entry, Node, NodeKind, ParsedPolicy, StrLit, MAX_DEPTH,
};
use crate::source::{FileId, Span};
use crate::syntax::bytes::find_any;

/// Parses `text` when it is a clean document; `None` sends it to the grammar.
pub(super) fn parse(file: FileId, text: &Arc<str>) -> Option<ParsedPolicy> {
    let mut p = Fast {
        file,
        shared: text,
        text,
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
        trailing_commas: Vec::new(),
    };
    p.skip();
    let root = p.value()?;
    p.skip();
    if p.peek() == Some(b',') {
        p.at += 1; // the document's own trailing comma is accepted and not listed
        p.skip();
    }
    (p.at == text.len()).then_some(ParsedPolicy {
        root,
        trailing_commas: p.trailing_commas,
        clean: true,
    })
}

struct Fast<'t> {
    file: FileId,
    /// The text, shared with the literals that are ranges of it.
    shared: &'t Arc<str>,
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    /// Brackets open around `at`: past [`MAX_DEPTH`] the grammar path reports the nesting.
    depth: usize,
    trailing_commas: Vec<Span>,
}

impl Fast<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn span(&self, start: usize) -> Span {
        Span::new(self.file, start..self.at)
    }

    /// The grammar's implicit `(WHITESPACE | COMMENT)*`.
    fn skip(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n' | 0x0C) => self.at += 1,
                Some(0xEF) if self.bytes[self.at..].starts_with("\u{FEFF}".as_bytes()) => {
                    self.at += 3
                }
                Some(b'#') => {
                    self.at += self.bytes[self.at..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .unwrap_or(self.bytes.len() - self.at);
                }
                _ => return,
            }
        }
    }

    fn value(&mut self) -> Option<Node> {
        let start = self.at;
        let kind = match self.peek()? {
            b'\'' | b'"' => NodeKind::Str(self.strings()?),
            b'{' => self.object()?,
            b'[' => self.array()?,
            b'-' | b'.' | b'0'..=b'9' => NodeKind::Number(number(self.number()?)),
            b'T' | b't' | b'F' | b'f' | b'N' | b'n' => self.word()?,
            b'!' => NodeKind::BareRef(self.bare_ref()?.to_string()),
            _ => return None,
        };
        Some(Node {
            kind,
            span: self.span(start),
        })
    }

    /// `strings`: adjacent literals joined. As in pest's `string ~ string*`, the span runs on
    /// over the blanks after a lone literal, and ends at the last quote of several.
    fn strings(&mut self) -> Option<StrLit> {
        let mut out = Building::new(self.peek()? as char);
        loop {
            let quote = self.peek()?;
            let body_start = self.at + 1;
            let (body_end, escaped) = self.body(body_start, quote)?;
            out.literals += 1;
            let body = &self.text[body_start..body_end];
            let end = body_end + 1;
            self.at = end;
            self.skip();
            let joined = matches!(self.peek(), Some(b'\'' | b'"'));
            if out.literals == 1 && !escaped && !joined {
                // A lone literal without escapes (nearly every one): its text shared straight
                // from its body, without growing a `String` first.
                return Some(Building::one_run(
                    quote as char,
                    self.shared,
                    body_start..body_end,
                ));
            }
            if escaped {
                decode_into(body, body_start, &mut out);
            } else {
                push_run(body, body_start, &mut out);
            }
            if !joined {
                if out.literals > 1 {
                    self.at = end;
                }
                return Some(out.finish());
            }
        }
    }

    /// The end of a string body opened by `quote` just before `from` (its closing quote), and
    /// whether it holds an escape.
    fn body(&self, from: usize, quote: u8) -> Option<(usize, bool)> {
        let mut i = from;
        let mut escaped = false;
        loop {
            // Eight bytes at a time to the next byte that matters.
            i += find_any(self.bytes.get(i..)?, [quote, b'\\', b'\n'])?;
            match self.bytes[i] {
                b'\n' => return None,
                b'\\' => {
                    // An escape takes the next character, whatever it is.
                    let next = *self.bytes.get(i + 1)?;
                    i += 1 + utf8_len(next);
                    escaped = true;
                }
                b if b == quote => return Some((i, escaped)),
                _ => i += 1,
            }
        }
    }

    /// Enters a bracket; `None` past [`MAX_DEPTH`].
    fn open(&mut self) -> Option<()> {
        self.at += 1;
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn object(&mut self) -> Option<NodeKind> {
        self.open()?; // `{`
        self.skip();
        let mut entries = Vec::new();
        if self.peek()? != b'}' {
            loop {
                let key_start = self.at;
                if !matches!(self.peek()?, b'\'' | b'"') {
                    return None;
                }
                let key = self.strings()?;
                let key_span = self.span(key_start);
                if self.peek()? != b':' {
                    return None;
                }
                self.at += 1;
                self.skip();
                let value = self.value()?;
                self.skip();
                entries.push(Entry {
                    key_quote: key.quote,
                    key: key.value.to_string(),
                    key_span,
                    value,
                });
                if !self.separator(b'}')? {
                    break;
                }
            }
        }
        self.at += 1; // `}`
        self.depth -= 1;
        Some(NodeKind::Object(entries))
    }

    fn array(&mut self) -> Option<NodeKind> {
        self.open()?; // `[`
        self.skip();
        let mut items = Vec::new();
        if self.peek()? != b']' {
            loop {
                items.push(self.value()?);
                self.skip();
                if !self.separator(b']')? {
                    break;
                }
            }
        }
        self.at += 1; // `]`
        self.depth -= 1;
        items.shrink_to_fit(); // a script list of 100,000 lines kept a quarter spare
        Some(NodeKind::Array(items))
    }

    /// After a member: `,` and another member (`true`), or the closer, perhaps after a trailing
    /// comma (`false`, left on the closer). Anything else is for the grammar.
    fn separator(&mut self, close: u8) -> Option<bool> {
        match self.peek()? {
            b',' => {
                let comma = self.at;
                self.at += 1;
                self.skip();
                if self.peek()? == close {
                    self.trailing_commas
                        .push(Span::new(self.file, comma..comma + 1));
                    return Some(false);
                }
                Some(true)
            }
            b if b == close => Some(false),
            _ => None,
        }
    }

    /// `number`, exactly as the grammar's atomic rule reads it.
    fn number(&mut self) -> Option<&str> {
        let b = self.bytes;
        let start = self.at;
        let mut i = start;
        let digits = |mut i: usize| {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            i
        };
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') if !b.get(i + 1).is_some_and(u8::is_ascii_digit) => i += 1,
            Some(b'1'..=b'9') => {
                i += 1;
                loop {
                    match (b.get(i), b.get(i + 1)) {
                        (Some(d), _) if d.is_ascii_digit() => i += 1,
                        (Some(b'_'), Some(d)) if d.is_ascii_digit() => i += 2,
                        _ => break,
                    }
                }
            }
            Some(b'.') if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i = digits(i + 1);
                i = exponent(b, i);
                self.at = i;
                return Some(&self.text[start..i]);
            }
            _ => return None,
        }
        if b.get(i) == Some(&b'.') {
            i = digits(i + 1);
        }
        i = exponent(b, i);
        self.at = i;
        Some(&self.text[start..i])
    }

    /// `True`/`true`, `False`/`false`, `None`/`null`, not followed by a name character.
    fn word(&mut self) -> Option<NodeKind> {
        let rest = &self.bytes[self.at..];
        let (len, kind) = [
            ("True", NodeKind::Bool(true)),
            ("true", NodeKind::Bool(true)),
            ("False", NodeKind::Bool(false)),
            ("false", NodeKind::Bool(false)),
            ("None", NodeKind::Null),
            ("null", NodeKind::Null),
        ]
        .into_iter()
        .find(|(w, _)| rest.starts_with(w.as_bytes()))
        .map(|(w, k)| (w.len(), k))?;
        if rest.get(len).is_some_and(|&c| is_ident(c)) {
            return None;
        }
        self.at += len;
        Some(kind)
    }

    /// `!name` or `!name.part...`.
    fn bare_ref(&mut self) -> Option<&str> {
        let b = self.bytes;
        let start = self.at;
        let run = |i: usize| {
            let mut j = i;
            while b.get(j).is_some_and(|&c| is_ident(c)) {
                j += 1;
            }
            j
        };
        let mut i = run(start + 1);
        if i == start + 1 {
            return None;
        }
        while b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(|&c| is_ident(c)) {
            i = run(i + 1);
        }
        self.at = i;
        Some(&self.text[start..i])
    }
}

/// An optional `e`/`E`, sign and digits (only taken with at least one digit).
fn exponent(b: &[u8], i: usize) -> usize {
    if !matches!(b.get(i), Some(b'e' | b'E')) {
        return i;
    }
    let mut j = i + 1;
    if matches!(b.get(j), Some(b'+' | b'-')) {
        j += 1;
    }
    if !b.get(j).is_some_and(u8::is_ascii_digit) {
        return i;
    }
    while b.get(j).is_some_and(u8::is_ascii_digit) {
        j += 1;
    }
    j
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}
