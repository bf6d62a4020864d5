//! Policy text → syntax tree with spans (`grammar/policy.pest`).
//!
//! Accepts Python-literal dictionaries and strict JSON. Recovers at dictionary entries and list
//! items; refuses nesting deeper than [`MAX_DEPTH`] before the recursive parser sees the text.

use std::sync::Arc;

use pest::Parser as _;
use pest_derive::Parser;

use crate::check::catalog::{NESTING_TOO_DEEP, POLICY_SYNTAX};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::{FileId, Span};
use crate::syntax::shared_text::SharedText;

#[derive(Parser)]
#[grammar = "../grammar/policy.pest"]
struct PolicyGrammar;

/// Deepest bracket nesting accepted. Real policies use four levels.
pub const MAX_DEPTH: usize = 64;

/// A node of the policy tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// Where it is written.
    pub span: Span,
}

/// The kinds of policy values.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// `{ key: value, ... }`, entries in text order (duplicates kept; see [`Node::get`]).
    Object(Vec<Entry>),
    /// `[ a, b ]`.
    Array(Vec<Node>),
    /// A string (adjacent literals joined), escapes decoded.
    Str(StrLit),
    /// A number as written.
    Number(Number),
    /// `True`/`true`, `False`/`false`.
    Bool(bool),
    /// `None`/`null`.
    Null,
    /// An unquoted `!name` that the node substitutes before parsing.
    BareRef(String),
    /// Text that did not parse (already reported).
    Error,
}

/// One `key: value` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key text.
    pub key: String,
    /// Where the key is written (with its quotes).
    pub key_span: Span,
    /// The key's quote character (`'` or `"`).
    pub key_quote: char,
    /// The value.
    pub value: Node,
}

/// A decoded string literal, with a map back to the source for spans inside it.
#[derive(Clone, Debug, PartialEq)]
pub struct StrLit {
    /// The decoded text (shared: a literal without escapes is a range of the policy's text,
    /// and a script line's record holds the same text; at 100,000 lines a copy per literal
    /// was a hundred thousand allocations).
    pub value: SharedText,
    /// The quote character of the first literal (`'` or `"`).
    pub quote: char,
    /// How many adjacent literals were joined (`'a' 'b'` is 2).
    pub literals: usize,
    /// `(offset in value, offset in source)` pairs; each run maps byte for byte until the next.
    segments: Segments,
}

/// The runs of a [`StrLit`]: one, inline (a string without escapes, nearly all: no allocation
/// per string), or several.
#[derive(Clone, Debug, PartialEq)]
enum Segments {
    One(u32, u32),
    Many(Vec<(u32, u32)>),
}

impl Default for Segments {
    fn default() -> Self {
        Segments::Many(Vec::new())
    }
}

impl Segments {
    fn push(&mut self, run: (u32, u32)) {
        match self {
            Segments::Many(runs) if runs.is_empty() => *self = Segments::One(run.0, run.1),
            Segments::One(v, s) => *self = Segments::Many(vec![(*v, *s), run]),
            Segments::Many(runs) => runs.push(run),
        }
    }

    /// The source offset of `offset` in the value (0 before the first run).
    fn source_of(&self, offset: u32) -> u32 {
        let run = match self {
            Segments::One(v, s) => (*v <= offset).then_some((*v, *s)),
            Segments::Many(runs) => {
                let i = runs.partition_point(|&(v, _)| v <= offset);
                i.checked_sub(1).and_then(|i| runs.get(i)).copied()
            }
        };
        run.map_or(0, |(v, s)| s + (offset - v))
    }
}

/// A [`StrLit`] being decoded: its text grows here, and is shared once complete.
pub(crate) struct Building {
    value: String,
    quote: char,
    pub(crate) literals: usize,
    segments: Segments,
}

impl Building {
    /// A literal opened with `quote`, nothing decoded yet.
    pub(crate) fn new(quote: char) -> Building {
        Building {
            value: String::new(),
            quote,
            literals: 0,
            segments: Segments::default(),
        }
    }

    /// The literal of one body without escapes, bytes `body` of the source `text` (nearly
    /// every literal: its text is that range of the source, shared, not copied).
    pub(crate) fn one_run(quote: char, text: &Arc<str>, body: std::ops::Range<usize>) -> StrLit {
        let mut segments = Segments::default();
        if !body.is_empty() {
            segments.push((0, body.start as u32));
        }
        StrLit {
            value: SharedText::slice(text, body),
            quote,
            literals: 1,
            segments,
        }
    }

    /// The literal, complete.
    pub(crate) fn finish(self) -> StrLit {
        StrLit {
            value: self.value.into(),
            quote: self.quote,
            literals: self.literals,
            segments: self.segments,
        }
    }
}

impl StrLit {
    /// The source offsets where its runs start (moved with the policy's spans after an edit:
    /// the language server's incremental re-check, `crate::resolve::spans`).
    pub(crate) fn source_offsets_mut(&mut self) -> impl Iterator<Item = &mut u32> {
        let (one, many) = match &mut self.segments {
            Segments::One(_, s) => (Some(s), None),
            Segments::Many(runs) => (None, Some(runs.iter_mut().map(|(_, s)| s))),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }

    /// The source offsets where its runs start.
    pub(crate) fn source_offsets(&self) -> impl Iterator<Item = u32> + '_ {
        let (one, many) = match &self.segments {
            Segments::One(_, s) => (Some(*s), None),
            Segments::Many(runs) => (None, Some(runs.iter().map(|&(_, s)| s))),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }

    /// `(offset in value, offset in source)` of its only run, when it has one (a string
    /// without escapes, nearly all): every offset from the first maps by the same shift.
    pub(crate) fn only_run(&self) -> Option<(u32, u32)> {
        match self.segments {
            Segments::One(v, s) => Some((v, s)),
            Segments::Many(_) => None,
        }
    }

    /// The source span of `range` (byte offsets into [`StrLit::value`]).
    pub fn span_of(&self, file: FileId, range: std::ops::Range<usize>) -> Span {
        let map = |offset: usize| self.segments.source_of(offset as u32);
        let start = map(range.start);
        Span {
            file,
            start,
            end: map(range.end).max(start),
        }
    }
}

/// A number literal.
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    /// As written.
    pub text: String,
    /// Its value as the runtime's JSON parser (orjson) reads it.
    pub value: NumberValue,
}

/// The value of a number: integers beyond 64 bits become floats, as in orjson (§1.5).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NumberValue {
    /// Fits in `i64`.
    Int(i64),
    /// In `(i64::MAX, u64::MAX]`.
    UInt(u64),
    /// Has a fraction or exponent, or is too large for an integer.
    Float(f64),
}

impl Node {
    /// The value of `key` in an object: the last occurrence wins, as in the runtime (§1.3).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.kind {
            NodeKind::Object(entries) => entries.iter().rev().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The decoded string, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(&s.value),
            _ => None,
        }
    }
}

/// A parsed policy document.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedPolicy {
    /// The tree.
    pub root: Node,
    /// Trailing commas inside objects and lists (the node rejects them, §1.3; one after the
    /// whole document is accepted and not listed).
    pub trailing_commas: Vec<Span>,
    /// The text parsed without a syntax finding (whatever suppressions or rule levels do with
    /// such a finding later: the language server patches only a clean parse).
    pub clean: bool,
}

/// Parses policy text. Returns a tree (with [`NodeKind::Error`] where text did not parse)
/// unless nothing at all could be recovered.
pub fn parse_policy(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<ParsedPolicy> {
    parse_shared(file, &Arc::from(text), diags)
}

/// [`parse_policy`] of a shared text, whose literals keep ranges of it instead of copies.
pub(crate) fn parse_shared(
    file: FileId,
    text: &Arc<str>,
    diags: &mut Diagnostics,
) -> Option<ParsedPolicy> {
    // A clean document not nested too deep needs no other pass; the bracket scan runs only
    // when the fast path gives up.
    if let Some(parsed) = fast::parse(file, text) {
        return Some(parsed);
    }
    if let Some(offset) = too_deep_at(text) {
        diags.push(
            Diagnostic::new(
                &NESTING_TOO_DEEP,
                Span::new(file, offset..offset + 1),
                format!("brackets are nested more than {MAX_DEPTH} levels deep"),
            )
            .label("this bracket is one level too deep")
            .help("a config policy needs at most four levels: {'config': {'script': [...]}}"),
        );
        return None;
    }
    parse_with_grammar(file, text, diags)
}

/// [`parse_policy`] through the pest grammar only (the reference the fast path is held to).
fn parse_with_grammar(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<ParsedPolicy> {
    match PolicyGrammar::parse(Rule::document, text) {
        Ok(mut pairs) => {
            let document = pairs.next()?;
            let before = diags.len();
            let mut builder = TreeBuilder {
                file,
                diags,
                trailing_commas: Vec::new(),
            };
            let mut root = None;
            for pair in document.into_inner() {
                match pair.as_rule() {
                    Rule::EOI | Rule::trailing_comma => {}
                    _ => root = Some(builder.node(pair)),
                }
            }
            let trailing_commas = builder.trailing_commas;
            root.map(|root| ParsedPolicy {
                root,
                trailing_commas,
                clean: diags.len() == before,
            })
        }
        Err(error) => {
            diags.push(whole_text_error(file, text, &error));
            None
        }
    }
}

struct TreeBuilder<'d> {
    file: FileId,
    diags: &'d mut Diagnostics,
    trailing_commas: Vec<Span>,
}

type Pair<'i> = pest::iterators::Pair<'i, Rule>;

impl TreeBuilder<'_> {
    fn span(&self, pair: &Pair) -> Span {
        let s = pair.as_span();
        Span::new(self.file, s.start()..s.end())
    }

    fn node(&mut self, pair: Pair) -> Node {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::object => NodeKind::Object(
                pair.into_inner()
                    .filter_map(|p| match p.as_rule() {
                        Rule::entry => Some(self.entry(p)),
                        Rule::junk => {
                            self.junk(&p, "a `'key': value` entry");
                            None
                        }
                        Rule::trailing_comma => {
                            let span = self.span(&p);
                            self.trailing_commas.push(span);
                            None
                        }
                        _ => None,
                    })
                    .collect(),
            ),
            Rule::array => NodeKind::Array(
                pair.into_inner()
                    .filter_map(|p| {
                        if p.as_rule() == Rule::trailing_comma {
                            let span = self.span(&p);
                            self.trailing_commas.push(span);
                            None
                        } else {
                            Some(self.node(p))
                        }
                    })
                    .collect(),
            ),
            Rule::strings => NodeKind::Str(self.strings(pair)),
            Rule::number => NodeKind::Number(number(pair.as_str())),
            Rule::true_lit => NodeKind::Bool(true),
            Rule::false_lit => NodeKind::Bool(false),
            Rule::none_lit => NodeKind::Null,
            Rule::bare_ref => NodeKind::BareRef(pair.as_str().to_string()),
            Rule::junk => {
                self.junk(&pair, "a value");
                NodeKind::Error
            }
            _ => NodeKind::Error,
        };
        Node { kind, span }
    }

    fn entry(&mut self, pair: Pair) -> Entry {
        let mut inner = pair.into_inner();
        let (key, key_span, key_quote) = match inner.next() {
            Some(k) => {
                let span = self.span(&k);
                let lit = self.strings(k);
                (lit.value.to_string(), span, lit.quote)
            }
            None => (String::new(), Span::new(self.file, 0..0), '\''),
        };
        let value = match inner.next() {
            Some(v) if v.as_rule() == Rule::missing => {
                self.diags.push(
                    Diagnostic::new(&POLICY_SYNTAX, key_span, format!("`{key}` has no value"))
                        .label("a value must follow the `:`")
                        .help("write a value, or remove the entry"),
                );
                Node {
                    kind: NodeKind::Error,
                    span: self.span(&v),
                }
            }
            Some(v) => self.node(v),
            None => Node {
                kind: NodeKind::Error,
                span: key_span,
            },
        };
        Entry {
            key,
            key_span,
            key_quote,
            value,
        }
    }

    fn strings(&mut self, pair: Pair) -> StrLit {
        let mut out = Building::new('\'');
        for (i, string) in pair.into_inner().enumerate() {
            out.literals += 1;
            let raw = string.as_str();
            if i == 0 {
                out.quote = raw.chars().next().unwrap_or('\'');
            }
            if let Some(body) = string.into_inner().next() {
                let start = body.as_span().start();
                decode_into(body.as_str(), start, &mut out);
            }
        }
        out.finish()
    }

    fn junk(&mut self, pair: &Pair, expected: &str) {
        let span = self.span(pair);
        let text = pair.as_str();
        self.diags.push(junk_diagnostic(span, text, expected));
    }
}

/// Decodes Python/JSON escapes of one literal body starting at source offset `start`.
fn decode_into(body: &str, start: usize, out: &mut Building) {
    if !body.contains('\\') {
        push_run(body, start, out);
        return;
    }
    let mut chars = body.char_indices().peekable();
    let mut run_open = false;
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            if !run_open {
                out.segments
                    .push((out.value.len() as u32, (start + i) as u32));
                run_open = true;
            }
            out.value.push(c);
            continue;
        }
        run_open = false;
        out.segments
            .push((out.value.len() as u32, (start + i) as u32));
        let Some((_, e)) = chars.next() else {
            out.value.push('\\');
            break;
        };
        let mut hex = |n: usize| take_hex(&mut chars, n).and_then(char::from_u32);
        let decoded = match e {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            '0' => Some('\0'),
            '\\' | '\'' | '"' | '/' => Some(e),
            'x' => hex(2),
            'u' => utf16_escape(&mut chars),
            'U' => hex(8),
            '\n' => None, // line continuation
            _ => {
                out.value.push('\\');
                Some(e)
            }
        };
        if let Some(d) = decoded {
            out.value.push(d);
        }
    }
}

/// A literal body without escapes: one run, copied at once (what [`decode_into`] does
/// character by character).
fn push_run(body: &str, start: usize, out: &mut Building) {
    if !body.is_empty() {
        out.segments.push((out.value.len() as u32, start as u32));
        out.value.push_str(body);
    }
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

/// `n` hex digits, consumed only when all are there.
fn take_hex(chars: &mut Chars, n: usize) -> Option<u32> {
    let mut ahead = chars.clone();
    let mut code = 0u32;
    for _ in 0..n {
        let (_, h) = ahead.next()?;
        code = code * 16 + h.to_digit(16)?;
    }
    *chars = ahead;
    Some(code)
}

/// The character of a `\uXXXX` escape (after `\u`): a high surrogate followed by a `\uXXXX` low
/// surrogate is one character, as JSON (and elpc's own canonical output) writes characters past
/// U+FFFF, so `\ud83d\ude00` is 😀; a surrogate without its other half is U+FFFD (EL015).
fn utf16_escape(chars: &mut Chars) -> Option<char> {
    let code = take_hex(chars, 4)?;
    match code {
        0xD800..=0xDBFF => {
            let mut ahead = chars.clone();
            let low = match (ahead.next(), ahead.next()) {
                (Some((_, '\\')), Some((_, 'u'))) => take_hex(&mut ahead, 4),
                _ => None,
            };
            match low {
                Some(low @ 0xDC00..=0xDFFF) => {
                    *chars = ahead;
                    char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                }
                _ => Some('\u{fffd}'),
            }
        }
        0xDC00..=0xDFFF => Some('\u{fffd}'),
        code => char::from_u32(code),
    }
}

fn number(text: &str) -> Number {
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    let is_int = !clean.contains(['.', 'e', 'E']);
    let value = if is_int {
        if let Ok(i) = clean.parse::<i64>() {
            NumberValue::Int(i)
        } else if let Ok(u) = clean.parse::<u64>() {
            NumberValue::UInt(u)
        } else {
            NumberValue::Float(clean.parse().unwrap_or(f64::INFINITY))
        }
    } else {
        NumberValue::Float(clean.parse().unwrap_or(f64::NAN))
    };
    Number {
        text: text.to_string(),
        value,
    }
}

fn junk_diagnostic(span: Span, text: &str, expected: &str) -> Diagnostic {
    let trimmed = text.trim_end();
    let span = span.narrow(0..trimmed.len());
    let first_quote = trimmed.chars().next().filter(|c| *c == '\'' || *c == '"');
    let closes = first_quote.map(|q| closing_quote(trimmed, q).is_some());
    let (message, help) = match (first_quote, closes) {
        (Some(q), Some(false)) => unterminated_help(q),
        (Some(_), _) => (
            format!("expected {expected}, found text after a closed string"),
            "a quote inside a string ends it early: escape it (\\') or quote the string with \" instead; two entries need a comma between them".to_string(),
        ),
        (None, _) => match unterminated_quote(trimmed) {
            Some(q) => unterminated_help(q),
            None => (
                format!("expected {expected}, found `{}`", shorten(trimmed)),
                "values are quoted strings, numbers, True/False/None, lists [...] or dictionaries {...}".to_string(),
            ),
        },
    };
    Diagnostic::new(&POLICY_SYNTAX, span, message)
        .label("does not parse")
        .help(help)
}

fn unterminated_help(q: char) -> (String, String) {
    (
        format!("this string has no closing {q}"),
        format!("close the string with {q}; a quote inside a string must be escaped (\\{q}) or the string written with the other quote"),
    )
}

/// The byte offset of the quote that closes a string opened by `text`'s first character.
fn closing_quote(text: &str, q: char) -> Option<usize> {
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '\n' => return None,
            c if c == q => return Some(i),
            _ => {}
        }
    }
    None
}

/// The quote character left open in `text`, if any (a lexical scan that skips escapes).
fn unterminated_quote(text: &str) -> Option<char> {
    let mut open: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match open {
            Some(_) if c == '\\' => {
                chars.next();
            }
            Some(q) if c == q || c == '\n' => open = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => open = Some(c),
            None => {}
        }
    }
    open
}

fn shorten(text: &str) -> String {
    let first_line = text.lines().next().unwrap_or("");
    if first_line.chars().count() > 40 {
        format!("{}…", first_line.chars().take(40).collect::<String>())
    } else {
        first_line.to_string()
    }
}

/// Calls `f` with each bracket character outside strings and `#` comments, with its offset: a
/// lexical scan that needs no parse, so it is safe on any input. `f` returns `false` to stop.
fn scan_brackets(text: &str, mut f: impl FnMut(usize, u8) -> bool) {
    let bytes = text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            // Inside a string only its quote, `\\` and a line break matter: skip to the next.
            Some(q) => match bytes[i..]
                .iter()
                .position(|&c| c == q || c == b'\\' || c == b'\n')
            {
                Some(p) if bytes[i + p] == b'\\' => i += p + 1,
                Some(p) => {
                    i += p;
                    quote = None;
                }
                None => return,
            },
            None => match b {
                b'\'' | b'"' => quote = Some(b),
                b'#' => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b'{' | b'[' | b'(' | b'}' | b']' | b')' if !f(i, b) => return,
                _ => {}
            },
        }
        i += 1;
    }
}

/// The offset of the first bracket that is nested deeper than [`MAX_DEPTH`].
fn too_deep_at(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut found = None;
    scan_brackets(text, |i, b| {
        if matches!(b, b'{' | b'[' | b'(') {
            depth += 1;
            if depth > MAX_DEPTH {
                found = Some(i);
                return false;
            }
        } else {
            depth = depth.saturating_sub(1);
        }
        true
    });
    found
}

/// A diagnostic for text whose structure could not be recovered at all.
fn whole_text_error(file: FileId, text: &str, error: &pest::error::Error<Rule>) -> Diagnostic {
    let offset = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    if text.trim().is_empty() {
        return Diagnostic::new(&POLICY_SYNTAX, Span::new(file, 0..0), "the policy is empty")
            .help("a config policy looks like {'config': {'name': ..., 'script': [...]}}");
    }
    if let Some((at, q)) = first_unterminated(text) {
        return Diagnostic::new(
            &POLICY_SYNTAX,
            Span::new(file, at..at + 1),
            format!("string opened here is never closed with {q}"),
        )
        .label("unterminated string")
        .help(format!("add the closing {q}"));
    }
    if let Some((at, open)) = unclosed_bracket(text) {
        let close = match open {
            b'{' => '}',
            b'[' => ']',
            _ => ')',
        };
        return Diagnostic::new(
            &POLICY_SYNTAX,
            Span::new(file, at..at + 1),
            format!("`{}` is never closed", open as char),
        )
        .label("opened here")
        .help(format!("add the matching `{close}`"));
    }
    let end = text[offset..]
        .char_indices()
        .nth(1)
        .map_or(text.len(), |(i, _)| offset + i);
    let found = text[offset..].chars().next();
    let message = match found {
        None => "the policy ends too early".to_string(),
        Some(c) if offset == 0 || text[..offset].trim().is_empty() => {
            format!("a policy starts with `{{` (or `[{{`), found `{c}`")
        }
        Some(c) => format!("unexpected `{c}`"),
    };
    Diagnostic::new(&POLICY_SYNTAX, Span::new(file, offset..end), message)
        .label("the policy stops making sense here")
        .help("a config policy looks like {'config': {'name': ..., 'script': [...]}}")
}

fn first_unterminated(text: &str) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let mut open: Option<(usize, u8)> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match open {
            Some(_) if b == b'\\' => i += 1,
            Some((_, q)) if b == q => open = None,
            Some((at, q)) if b == b'\n' => return Some((at, q as char)),
            Some(_) => {}
            None if b == b'\'' || b == b'"' => open = Some((i, b)),
            None if b == b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            None => {}
        }
        i += 1;
    }
    open.map(|(at, q)| (at, q as char))
}

fn unclosed_bracket(text: &str) -> Option<(usize, u8)> {
    let mut stack: Vec<(usize, u8)> = Vec::new();
    scan_brackets(text, |i, b| {
        if matches!(b, b'{' | b'[' | b'(') {
            stack.push((i, b));
        } else {
            stack.pop();
        }
        true
    });
    stack.first().copied()
}

#[path = "policy_fast.rs"]
mod fast;

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
