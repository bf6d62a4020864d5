//! The tokenizer the EdgeLake node applies to every command line and policy `script` entry
//! (`utils_data.cmd_line_to_list_with_json`, spec §4.1), written as a pest grammar
//! (`grammar/script.pest`).
//!
//! Where the line is something the node refuses (an unterminated quote, parenthesis, brace or
//! bracket), [`tokenize`] returns a [`ScriptSyntaxError`] instead of mirroring the node's
//! half-split word list: `process_cmd` fails such a line (`ERR_command_struct` for quotes and
//! parentheses, `ERR_missing_brackets` for `{`/`[`), so no word list exists at runtime.

use std::ops::Range;

pub use super::word_text::WordText;

use pest::iterators::Pair;
use pest::Parser;

/// How deep `(`, `[` or `{` may nest before elpc refuses the line (no real policy comes close;
/// the bound keeps the recursive grammar far from the stack limit).
pub const MAX_NESTING: usize = 128;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/script.pest"]
struct ScriptParser;

#[path = "script_simple.rs"]
mod simple;

/// How a word was delimited in the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quote {
    /// A bare word (also a word with a glued `[...]` such as `x[a][b]`, and `->`, `==`, ...).
    None,
    /// `"..."` (the text has the quotes dropped) or `\"...\"` (the text keeps the escaped quotes).
    Double,
    /// `'...'` (the text keeps the quotes).
    Single,
    /// `` `...` `` (the text keeps the backticks).
    Backtick,
    /// A balanced `( ... )` group at word start (the text keeps the parentheses).
    Paren,
    /// A balanced `{ ... }` group (the text keeps the braces).
    Brace,
    /// A `[ ... ]` group at word start (the text keeps the brackets).
    Bracket,
}

/// One word, as the node's word list holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The text as the runtime sees it: leading-`"` words have the quotes dropped; `'...'` words
    /// keep them; tabs inside `{...}`/`[...]` groups become spaces.
    pub text: WordText,
    /// Byte range in the line as written (including any quotes).
    pub range: Range<usize>,
    /// How the word was delimited.
    pub quoted: Quote,
    /// True when `text` is the line's bytes at [`Word::text_range`]: a line's record then
    /// keeps that range instead of the text without comparing them (most words). False
    /// promises nothing (the text is compared).
    pub as_written: bool,
}

impl Word {
    /// Where `text` would be in the line: `range`, or its inside for a `"…"` word (a text
    /// two bytes shorter than the range).
    pub fn text_range(&self) -> Range<usize> {
        let r = &self.range;
        if self.text.len() + 2 == r.len() {
            r.start + 1..r.end - 1
        } else {
            r.clone()
        }
    }
}

/// The words of one line.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Tokens {
    /// The words, in order.
    pub words: Vec<Word>,
    /// The text after a `&`, which ends the command (the node queues it as a "next command").
    /// `Some` with an empty range when the line ends with `&`.
    pub rest_after_ampersand: Option<Range<usize>>,
    /// A `#` comment at word start, through the end of the line.
    pub comment: Option<Range<usize>>,
}

/// A line the node refuses to split into words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptSyntaxError {
    /// What is wrong, in plain words.
    pub message: String,
    /// Byte range in the line.
    pub range: Range<usize>,
    /// How to fix it, when there is an obvious fix.
    pub help: Option<String>,
}

impl ScriptSyntaxError {
    fn new(message: impl Into<String>, range: Range<usize>, help: Option<&str>) -> Self {
        ScriptSyntaxError {
            message: message.into(),
            range,
            help: help.map(str::to_string),
        }
    }
}

/// Split `line` into words exactly as the node does (spec §4.1).
///
/// Never panics; the time taken is linear in the line length (nesting is bounded by
/// [`MAX_NESTING`]). Lines made only of plain words, operators and closed quotes take a
/// hand-written fast path (`simple`), proven equal to the grammar by a differential test;
/// everything else goes through `grammar/script.pest`.
pub fn tokenize(line: &str) -> Result<Tokens, ScriptSyntaxError> {
    match simple::tokenize(line) {
        Some(tokens) => Ok(tokens),
        None => tokenize_with_grammar(line),
    }
}

/// [`tokenize`] into `words`, a vector lent for many lines (a script run keeps one, so that
/// its lines are split without a vector each): `words` is emptied and filled with the line's
/// words, and the rest of its [`Tokens`] is returned (their `words` empty).
pub fn tokenize_into(line: &str, words: &mut Vec<Word>) -> Result<Tokens, ScriptSyntaxError> {
    if simple::tokenize_into(line, words) {
        return Ok(Tokens::default());
    }
    words.clear();
    let mut tokens = tokenize_with_grammar(line)?;
    *words = std::mem::take(&mut tokens.words);
    Ok(tokens)
}

/// [`tokenize`] through the pest grammar only (the reference the fast path is tested against).
pub fn tokenize_with_grammar(line: &str) -> Result<Tokens, ScriptSyntaxError> {
    check_nesting(line)?;
    let mut pairs = ScriptParser::parse(Rule::line, line).map_err(|_| {
        // The grammar accepts every input; this is a safety net only.
        ScriptSyntaxError::new(
            "elpc could not split this line into words",
            0..line.len(),
            None,
        )
    })?;
    let mut tokens = Tokens::default();
    let Some(root) = pairs.next() else {
        return Ok(tokens);
    };
    // The start of the last word when it is a bare word the node is still reading (its
    // `start_word` flag is up): a `&` glued to it makes the node add one more word.
    let mut open_word: Option<usize> = None;
    for pair in root.into_inner() {
        let span = pair.as_span();
        let range = span.start()..span.end();
        match pair.as_rule() {
            Rule::comment => tokens.comment = Some(range),
            Rule::cr_rest => {
                let text = pair.into_inner().next();
                let (t, r) = text
                    .map(|p| (p.as_str().to_string(), p.as_span().start()..p.as_span().end()))
                    .unwrap_or_else(|| (String::new(), range.end..range.end));
                push(&mut tokens, t, r, Quote::None);
            }
            Rule::amp_rest => {
                let r = pair
                    .into_inner()
                    .next()
                    .map(|p| p.as_span().start()..p.as_span().end())
                    .unwrap_or(range.end..range.end);
                tokens.rest_after_ampersand = Some(r);
                let glued = tokens
                    .words
                    .last()
                    .is_some_and(|w| w.range.end == range.start);
                if let (Some(start), true) = (open_word, glued) {
                    // `word&rest`: the node saves `word`, stops at the `&`, and then, its word
                    // still open, saves everything from the word's start to the end again.
                    push(
                        &mut tokens,
                        line[start..].to_string(),
                        start..line.len(),
                        Quote::None,
                    );
                }
            }
            Rule::op => push(&mut tokens, pair.as_str().to_string(), range, Quote::None),
            Rule::arrow => push(&mut tokens, "->".to_string(), range, Quote::None),
            Rule::brace_word => {
                if inner_rule(&pair) == Some(Rule::brace_open) {
                    return Err(unclosed('{', '}', range));
                }
                let text = pair.as_str().replace('\t', " ");
                if text == "{}" && tokens.words.len() == 1 && glued_to_previous(line, range.start)
                {
                    // `key{} = value`: the node glues the `{}` onto the first word.
                    if let Some(first) = tokens.words.first_mut() {
                        first.text = format!("{}{{}}", first.text).into();
                        first.range.end = range.end;
                    }
                } else {
                    push(&mut tokens, text, range, Quote::Brace);
                }
            }
            Rule::bracket_word => {
                check_bracket(&pair)?;
                push(
                    &mut tokens,
                    pair.as_str().replace('\t', " "),
                    range,
                    Quote::Bracket,
                );
            }
            Rule::paren_word => push(&mut tokens, pair.as_str().to_string(), range, Quote::Paren),
            Rule::paren_open => return Err(unclosed('(', ')', range)),
            Rule::dq_word => {
                let text = pair.into_inner().next().map(|p| p.as_str()).unwrap_or("");
                push(&mut tokens, text.to_string(), range, Quote::Double);
            }
            Rule::sq_word => push(&mut tokens, pair.as_str().to_string(), range, Quote::Single),
            Rule::bq_word => push(&mut tokens, pair.as_str().to_string(), range, Quote::Backtick),
            Rule::esc_word => push(&mut tokens, pair.as_str().to_string(), range, Quote::Double),
            Rule::dq_open => return Err(unterminated_quote('"', range)),
            Rule::sq_open => return Err(unterminated_quote('\'', range)),
            Rule::bq_open => return Err(unterminated_quote('`', range)),
            Rule::esc_open => {
                return Err(ScriptSyntaxError::new(
                    "this `\\\"` has no closing `\\\"`; the node's tokenizer loops forever (or splits the line oddly) on it",
                    range.start..range.start + 2,
                    Some("close the quoted text with `\\\"`"),
                ))
            }
            Rule::plain_word => {
                let mut glued = false;
                for inner in pair.clone().into_inner() {
                    let s = inner.as_span();
                    match inner.as_rule() {
                        Rule::paren_open => return Err(unclosed('(', ')', s.start()..s.end())),
                        Rule::bracket_word => {
                            check_bracket(&inner)?;
                            glued = true;
                        }
                        _ => {}
                    }
                }
                let text = if glued {
                    pair.as_str().replace('\t', " ")
                } else {
                    pair.as_str().to_string()
                };
                let start = range.start;
                push(&mut tokens, text, range, Quote::None);
                if !glued {
                    open_word = Some(start);
                    continue;
                }
            }
            _ => {}
        }
        open_word = None;
    }
    for w in &mut tokens.words {
        w.as_written = line.get(w.text_range()) == Some(w.text.as_str());
    }
    Ok(tokens)
}

fn push(tokens: &mut Tokens, text: String, range: Range<usize>, quoted: Quote) {
    tokens.words.push(Word {
        text: text.into(),
        range,
        quoted,
        as_written: false, // decided once the line is split
    });
}

fn inner_rule(pair: &Pair<'_, Rule>) -> Option<Rule> {
    pair.clone().into_inner().next().map(|p| p.as_rule())
}

fn glued_to_previous(line: &str, start: usize) -> bool {
    // Python's `command[word_offset - 1]`: the byte before (the last character when at 0).
    let before = if start == 0 {
        line.chars().next_back()
    } else {
        line[..start].chars().next_back()
    };
    !matches!(before, Some(' ') | Some('='))
}

fn check_bracket(pair: &Pair<'_, Rule>) -> Result<(), ScriptSyntaxError> {
    let s = pair.as_span();
    match inner_rule(pair) {
        Some(Rule::bracket_open) => Err(unclosed('[', ']', s.start()..s.end())),
        Some(Rule::bracket_astray) => Err(ScriptSyntaxError::new(
            "`]:]` confuses the node's bracket matching: it miscounts the brackets from here on",
            s.start()..s.end(),
            Some("remove the stray `]`"),
        )),
        _ => Ok(()),
    }
}

fn unclosed(open: char, close: char, range: Range<usize>) -> ScriptSyntaxError {
    ScriptSyntaxError::new(
        format!("this `{open}` is never closed, so the node rejects the whole line"),
        range.start..range.start + 1,
        Some(&format!("add the missing `{close}`")),
    )
}

fn unterminated_quote(q: char, range: Range<usize>) -> ScriptSyntaxError {
    ScriptSyntaxError::new(
        format!("this `{q}` has no closing `{q}`, so the node rejects the whole line"),
        range.start..range.start + 1,
        Some(&format!("add the closing `{q}`")),
    )
}

/// Refuse lines nested deeper than [`MAX_NESTING`] (counted per bracket kind, quotes ignored).
fn check_nesting(line: &str) -> Result<(), ScriptSyntaxError> {
    let mut depth = [0usize; 3];
    for (i, b) in line.bytes().enumerate() {
        let (k, open) = match b {
            b'(' => (0, true),
            b')' => (0, false),
            b'[' => (1, true),
            b']' => (1, false),
            b'{' => (2, true),
            b'}' => (2, false),
            _ => continue,
        };
        if open {
            depth[k] += 1;
            if depth[k] > MAX_NESTING {
                return Err(ScriptSyntaxError::new(
                    format!("brackets nest more than {MAX_NESTING} deep here; elpc does not follow lines like this"),
                    i..i + 1,
                    None,
                ));
            }
        } else {
            depth[k] = depth[k].saturating_sub(1);
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "script_tests.rs"]
mod tests;
