//! Env files in the docker compose v2 dotenv dialect (design §5.1, compose-go `dotenv/parser.go`).
//!
//! The statement structure and the value bodies are parsed by `grammar/env.pest`; this module
//! drives that grammar one statement at a time so that a bad line is reported and skipped
//! instead of hiding every line after it (compose itself refuses the whole file). The lines
//! nearly every file is made of (`KEY=value`, a one-line quoted value, plain `$NAME`
//! references) are read by a byte-level fast path first (`EnvParser::plain_statement`,
//! `values::plain_template`); the grammar stays the reference, and differential tests hold
//! the fast path to it.
//!
//! Deliberate differences from compose: a key with any inner whitespace (compose checks only
//! the space character) is an error, `\r\n` inside a multi-line quoted value becomes `\n`, and
//! a bare `KEY` on the last line without a newline is an inherit line (compose mis-reads it).

use std::collections::HashMap;

use pest::iterators::Pair;
use pest::Parser as _;

use crate::check::catalog::{ENV_DUPLICATE_KEY, ENV_SYNTAX};
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::source::{FileId, Span};
use crate::syntax::bytes::find_any;

mod grammar {
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/env.pest"]
    pub struct EnvGrammar;
}

use grammar::{EnvGrammar, Rule as R};
use values::single_quoted;

mod values;

/// `{` nesting beyond this inside one value is refused (no real file comes close).
const MAX_NESTING: usize = 32;

/// Words that start EdgeLake commands, to recognise a command pasted into an env file.
const EDGELAKE_VERBS: &[&str] = &[
    "set",
    "get",
    "run",
    "connect",
    "config",
    "blockchain",
    "create",
    "process",
    "reset",
    "if",
    "exit",
    "echo",
    "print",
    "sql",
    "subscribe",
    "register",
    "partition",
    "schedule",
];

/// A parsed env file.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvFile {
    /// The file the entries came from.
    pub file: FileId,
    /// The statements that parsed, in file order (duplicates included).
    pub entries: Vec<EnvEntry>,
}

/// One `KEY=value` (or bare `KEY`) statement.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvEntry {
    /// The variable name, trimmed.
    pub key: String,
    /// Where the name is written.
    pub key_span: Span,
    /// The value after quote and escape processing, split for interpolation.
    pub value: Vec<ValuePart>,
    /// The value as written, quotes included; empty, right after the separator, for `KEY=`.
    pub value_span: Span,
    /// How the value was quoted.
    pub quote: QuoteStyle,
    /// The line started with `export `.
    pub exported: bool,
    /// A bare `KEY` line: the value comes from the environment.
    pub inherit: bool,
}

/// How a value was quoted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuoteStyle {
    /// Unquoted: cut at ` #`, trimmed, interpolated.
    None,
    /// `'...'`: literal except `\'`.
    Single,
    /// `"..."`: escapes, then interpolation.
    Double,
}

/// A piece of a value.
#[derive(Clone, Debug, PartialEq)]
pub enum ValuePart {
    /// Text taken as is.
    Literal(String),
    /// `$NAME` or `${NAME...}`, filled in when the files are layered.
    Var {
        /// The variable name.
        name: String,
        /// The whole reference as written (`$NAME`, `${NAME:-x}`).
        span: Span,
        /// `${NAME<op>word}`: the operator and its (interpolated) word.
        modifier: Option<(VarModifier, Vec<ValuePart>)>,
    },
}

/// The operator of `${NAME<op>word}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarModifier {
    /// `:-` word when unset or empty.
    DefaultIfUnsetOrEmpty,
    /// `-` word when unset.
    DefaultIfUnset,
    /// `:+` word when set and not empty.
    AltIfSetNonEmpty,
    /// `+` word when set.
    AltIfSet,
    /// `:?` error when unset or empty.
    ErrorIfUnsetOrEmpty,
    /// `?` error when unset.
    ErrorIfUnset,
}

/// Parses one env file, reporting every problem into `diags` and keeping every good line.
pub fn parse_env(file: FileId, text: &str, diags: &mut Diagnostics) -> EnvFile {
    parse_with(file, text, diags, true)
}

/// [`parse_env`] through the grammar alone (the reference its fast path is tested against).
#[cfg(test)]
fn parse_env_with_grammar(file: FileId, text: &str, diags: &mut Diagnostics) -> EnvFile {
    parse_with(file, text, diags, false)
}

fn parse_with(file: FileId, text: &str, diags: &mut Diagnostics, fast: bool) -> EnvFile {
    let mut p = EnvParser {
        file,
        text,
        diags,
        entries: Vec::new(),
        first: HashMap::default(),
        fast,
    };
    p.run();
    EnvFile {
        file,
        entries: p.entries,
    }
}

struct EnvParser<'t, 'd> {
    file: FileId,
    text: &'t str,
    diags: &'d mut Diagnostics,
    entries: Vec<EnvEntry>,
    /// Where each key was first defined, by its text in the file (foldhash, and no copy of
    /// the key: a generated file can hold a million of them).
    first: HashMap<std::borrow::Cow<'t, str>, Span, foldhash::fast::RandomState>,
    /// Plain `KEY=value` lines are read without the grammar ([`EnvParser::plain_statement`]).
    fast: bool,
}

impl<'t> EnvParser<'t, '_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start..end)
    }

    fn error(
        &mut self,
        start: usize,
        end: usize,
        message: String,
        label: &'static str,
        help: &'static str,
    ) {
        let d = Diagnostic::new(&ENV_SYNTAX, self.span(start, end), message)
            .label(label)
            .help(help);
        self.diags.push(d);
    }

    fn run(&mut self) {
        let mut pos = if self.text.starts_with('\u{feff}') {
            3
        } else {
            0
        };
        let mut quote_end: Option<usize> = None;
        while pos < self.text.len() {
            if self.fast {
                match self.plain_statement(pos, quote_end) {
                    Ok((end, closed)) => {
                        quote_end = closed;
                        pos = end;
                        continue;
                    }
                    Err(gap_end) => pos = gap_end,
                }
                if pos >= self.text.len() {
                    break;
                }
            }
            let rest = &self.text[pos..];
            let next = match EnvGrammar::parse(R::next, rest) {
                Ok(mut pairs) => pairs.next(),
                Err(_) => None,
            };
            let Some(next) = next else {
                // The grammar accepts every input; this is only a safety net.
                let end = line_end(self.text, pos);
                self.error(
                    pos,
                    end,
                    "this line cannot be read".into(),
                    "",
                    "check the line",
                );
                pos = end;
                continue;
            };
            let end = pos + next.as_span().end();
            let Some(inner) = next.into_inner().next() else {
                break;
            };
            if inner.as_rule() != R::statement {
                break;
            }
            let start = pos + inner.as_span().start();
            let same_line = quote_end.is_some_and(|q| !self.text[q..start].contains('\n'));
            quote_end = self.statement(inner, pos, same_line);
            pos = if end > pos {
                end
            } else {
                line_end(self.text, pos) + 1
            };
        }
    }

    /// The grammar's `next` at `pos` for the line nearly every env file is made of, read
    /// without the grammar (a pest parse per line was most of reading a generated file of a
    /// million keys): a gap of ASCII blanks, line breaks and `#` comment lines, then an optional
    /// `export`, a key of ASCII letters, digits, `_`, `.` and `-`, `=` (blanks around it) and
    /// either an unquoted value or a quoted one closed on its line with no `\` before its
    /// closing quote. Returns where the statement ends and where its value's quote
    /// closed, or (nothing read or reported) where the gap it skipped ends when the text there
    /// is anything else, for the grammar to read from there (the gap is the grammar's too: a
    /// long run of comments is not read twice). A differential test holds it to the grammar's
    /// answers.
    fn plain_statement(
        &mut self,
        pos: usize,
        quote_end: Option<usize>,
    ) -> Result<(usize, Option<usize>), usize> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut i = pos;
        loop {
            match bytes.get(i) {
                Some(b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C) => i += 1,
                Some(b'#') => i = line_end(text, i),
                _ => break,
            }
        }
        let start = i;
        let key_byte = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-');
        let blank = |b: &u8| matches!(b, b' ' | b'\t');
        let key_at = |from: usize| from + bytes[from..].iter().take_while(|b| key_byte(b)).count();
        let mut key = (start, key_at(start));
        // `export` and blanks before the key (`export=1` and `export KEY` are the grammar's).
        let mut exported = false;
        if &text[key.0..key.1] == "export" && bytes.get(key.1).is_some_and(blank) {
            let from = key.1 + bytes[key.1..].iter().take_while(|b| blank(b)).count();
            key = (from, key_at(from));
            exported = true;
        }
        // Blanks may stand between the key and `=`, and after `=` (the grammar's `BLANK*`).
        i = key.1 + bytes[key.1..].iter().take_while(|b| blank(b)).count();
        if key.0 == key.1 || bytes.get(i) != Some(&b'=') {
            return Err(start);
        }
        let sep = (i, i + 1);
        let value_start = sep.1
            + bytes[sep.1..]
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | 0x0B | 0x0C))
                .count();
        // A blank the grammar skips that is not ASCII (U+0085, U+00A0), or any other
        // non-ASCII first byte: the grammar reads it.
        if bytes.get(value_start).is_some_and(|&b| b >= 0x80) {
            return Err(start);
        }
        // Text after a closing quote on its line is the grammar's to report.
        if quote_end.is_some_and(|q| !text[q..start].contains('\n')) {
            return Err(start);
        }
        let line_stop = line_end(text, value_start);
        let quote = match bytes.get(value_start) {
            Some(&q @ (b'"' | b'\'')) => {
                // Closed on this line, no `\` before the close (else the grammar decides).
                let body = value_start + 1;
                let at = body + find_any(&bytes[body..line_stop], [q, b'\\', q]).ok_or(start)?;
                if bytes[at] != q {
                    return Err(start);
                }
                Some((q, at))
            }
            _ => None,
        };
        // A key of these bytes is a name as written (what `check_key` finds without a word).
        let name = (text[key.0..key.1].to_string(), self.span(key.0, key.1));
        let (value, value_span, style, end) = match quote {
            None => {
                let (parts, span) =
                    self.unquoted(&text[value_start..line_stop], value_start, sep.1);
                (parts, span, QuoteStyle::None, line_stop)
            }
            Some((q, close)) => {
                let body = &text[value_start + 1..close];
                let span = self.span(value_start, close + 1);
                if q == b'"' {
                    let parts = self.template(body, value_start + 1, true);
                    (parts, span, QuoteStyle::Double, close + 1)
                } else {
                    let parts = vec![ValuePart::Literal(single_quoted(body))];
                    (parts, span, QuoteStyle::Single, close + 1)
                }
            }
        };
        self.push(EnvEntry {
            key: name.0,
            key_span: name.1,
            value,
            value_span,
            quote: style,
            exported,
            inherit: false,
        });
        Ok((end, (style != QuoteStyle::None).then_some(end)))
    }

    /// An unquoted value written `raw` from `start` (`after_sep`: right after the separator):
    /// cut at ` #`, trimmed, interpolated.
    fn unquoted(&mut self, raw: &str, start: usize, after_sep: usize) -> (Vec<ValuePart>, Span) {
        let cut = raw.find(" #").map_or(raw, |i| &raw[..i]).trim_end();
        let span = if cut.is_empty() {
            self.span(after_sep, after_sep)
        } else {
            self.span(start, start + cut.len())
        };
        (self.template(cut, start, false), span)
    }

    /// Handles one statement whose pairs are relative to `base`; returns where a quoted value
    /// closed, so that text following it on the same line can be recognised.
    fn statement(&mut self, pair: Pair<'_, R>, base: usize, same_line: bool) -> Option<usize> {
        let stmt_start = base + pair.as_span().start();
        let mut exported = false;
        let mut key: Option<(usize, &str)> = None;
        let mut sep_end = None;
        for p in pair.into_inner() {
            let (s, e) = (base + p.as_span().start(), base + p.as_span().end());
            match p.as_rule() {
                R::export => exported = true,
                R::key => key = Some((s, p.as_str())),
                R::sep => sep_end = Some((s, e)),
                R::bare_end => {}
                R::sq_value | R::dq_value | R::unterminated | R::uq_value => {
                    let (ks, raw) = key.unwrap_or((s, ""));
                    let name = self.check_key(ks, raw, sep_end, same_line, stmt_start)?;
                    let after_sep = sep_end.map_or(s, |(_, e)| e);
                    return self.assignment(name, exported, p, base, after_sep);
                }
                _ => {}
            }
        }
        let (ks, raw) = key.unwrap_or((stmt_start, ""));
        let name = self.check_key(ks, raw, sep_end, same_line, stmt_start)?;
        if same_line {
            let d = Diagnostic::new(
                &ENV_SYNTAX,
                name.1,
                format!(
                    "`{}` after the closing quote is read as a separate variable",
                    name.0
                ),
            )
            .severity(Severity::Warning)
            .label("docker compose reads this as a bare `KEY` line")
            .help("move this text inside the quotes, or put a `#` before it to make it a comment");
            self.diags.push(d);
        }
        self.push(EnvEntry {
            key: name.0,
            key_span: name.1,
            value: Vec::new(),
            value_span: Span::new(self.file, name.1.end as usize..name.1.end as usize),
            quote: QuoteStyle::None,
            exported,
            inherit: true,
        });
        None
    }

    /// Validates a raw key; reports and returns `None` when it is not a name.
    fn check_key(
        &mut self,
        start: usize,
        raw: &str,
        sep: Option<(usize, usize)>,
        same_line: bool,
        stmt_start: usize,
    ) -> Option<(String, Span)> {
        let key = raw.trim_end();
        let end = start + key.len();
        if key.is_empty() {
            let (s, e) = sep.unwrap_or((stmt_start, stmt_start));
            let op = self.text.get(s..e).unwrap_or("=").to_string();
            self.error(
                s,
                e,
                format!("`{op}` has no variable name before it"),
                "expected a name here",
                "write `NAME=value`",
            );
            return None;
        }
        let bad = key.chars().any(|c| c.is_whitespace() || !is_key_char(c));
        if same_line && bad {
            self.error(
                start,
                end,
                format!("unexpected `{key}` after the closing quote"),
                "docker compose reads this as the next `KEY=value`",
                "move this text inside the quotes, or put a `#` before it to make it a comment",
            );
            return None;
        }
        if key.chars().any(char::is_whitespace) {
            let first = key.split_whitespace().next().unwrap_or("");
            let help = if EDGELAKE_VERBS.contains(&first) {
                "env files hold only `KEY=value` lines; this looks like an EdgeLake command"
            } else if sep.is_none() {
                "env files hold only `KEY=value` lines; put `#` in front to make this a comment"
            } else {
                "a name cannot contain spaces; docker compose refuses the whole file over this line"
            };
            self.error(
                start,
                end,
                format!("`{key}` is not a variable name"),
                "a name cannot contain spaces",
                help,
            );
            return None;
        }
        if let Some((i, c)) = key.char_indices().find(|&(_, c)| !is_key_char(c)) {
            let at = start + i;
            self.error(
                at,
                at + c.len_utf8(),
                format!(
                    "`{key}` is not a variable name: `{}` is not allowed in a name",
                    c.escape_debug()
                ),
                "not allowed in a name",
                "names may use letters, digits, `_`, `.`, `-`, `[` and `]`",
            );
            return None;
        }
        Some((key.to_string(), self.span(start, end)))
    }

    fn assignment(
        &mut self,
        (key, key_span): (String, Span),
        exported: bool,
        value: Pair<'_, R>,
        base: usize,
        after_sep: usize,
    ) -> Option<usize> {
        let (s, e) = (base + value.as_span().start(), base + value.as_span().end());
        let rule = value.as_rule();
        let (parts, quote, value_span) = match rule {
            R::unterminated => {
                let kind = if value.as_str().starts_with('"') {
                    "double"
                } else {
                    "single"
                };
                self.error(
                    s,
                    s + 1,
                    format!("unterminated {kind}-quoted value"),
                    "this quote is never closed",
                    "close the quote or write `KEY=` for an empty value",
                );
                return None;
            }
            R::sq_value => {
                let body = value.into_inner().next().map_or("", |b| b.as_str());
                let text = single_quoted(body);
                (
                    vec![ValuePart::Literal(text)],
                    QuoteStyle::Single,
                    self.span(s, e),
                )
            }
            R::dq_value => {
                let body = value.into_inner().next().map_or("", |b| b.as_str());
                let parts = self.template(body, s + 1, true);
                (parts, QuoteStyle::Double, self.span(s, e))
            }
            _ => {
                let (parts, span) = self.unquoted(value.as_str(), s, after_sep);
                (parts, QuoteStyle::None, span)
            }
        };
        self.push(EnvEntry {
            key,
            key_span,
            value: parts,
            value_span,
            quote,
            exported,
            inherit: false,
        });
        (quote != QuoteStyle::None).then_some(e)
    }

    fn push(&mut self, entry: EnvEntry) {
        if !entry.inherit {
            // The key as written (its span is exactly the key; a copy if it ever is not),
            // looked up and inserted in one probe.
            let text: &'t str = self.text;
            let written = text.get(entry.key_span.range()).filter(|k| *k == entry.key);
            let key = written.map_or_else(|| entry.key.clone().into(), Into::into);
            match self.first.entry(key) {
                std::collections::hash_map::Entry::Occupied(first) => {
                    let first = *first.get();
                    let d = Diagnostic::new(
                        &ENV_DUPLICATE_KEY,
                        entry.key_span,
                        format!(
                            "`{}` is defined more than once in this file; the last one wins",
                            entry.key
                        ),
                    )
                    .label("this definition wins")
                    .with_secondary(first, "first defined here")
                    .help("delete the definition you do not want");
                    self.diags.push(d);
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(entry.key_span);
                }
            }
        }
        self.entries.push(entry);
    }
}

fn is_key_char(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric() || matches!(c, '_' | '.' | '-' | '[' | ']')
}

/// Byte offset of the `\n` ending the line that holds `pos` (or the end of the text).
fn line_end(text: &str, pos: usize) -> usize {
    text.get(pos..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| pos + i)
}

#[cfg(test)]
mod template_reference;
#[cfg(test)]
mod tests;
