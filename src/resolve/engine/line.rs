//! One command line through `member_cmd.process_cmd`: tokenize, the `x =` assignment prefix,
//! the command-table lookup, the command, or `data_assignment` when no command matches.

use std::ops::Range;

use super::assign::{apply_effect, store, Source};
use super::code;
use super::report;
use super::{builtins, methods};
use super::{Branch, Ret, State};
use super::{Emitted, Engine};
use crate::edgelake::runtime_commands::{dispatch_with, Dispatch, Found};
use crate::resolve::condition::join_words;
use crate::resolve::line_values::WordValues;
use crate::resolve::scope::VarValue;
use crate::resolve::value::{Lookup, Variables};
use crate::source::Span;
use crate::syntax::script::{tokenize, Quote, ScriptSyntaxError, Word};

/// A command line to run, with where its words are written.
#[derive(Clone, Debug)]
pub struct Cmd {
    /// The text `process_cmd` receives.
    pub text: String,
    /// The whole line (the origin of what it runs).
    pub line: Span,
    /// Its words, or why the node cannot split it.
    pub words: Result<Vec<Word>, ScriptSyntaxError>,
    /// Where each word is written.
    pub spans: Vec<Span>,
}

impl Cmd {
    /// A command whose text ranges map to the source with `span_of`.
    pub fn new(text: &str, line: Span, span_of: &dyn Fn(Range<usize>) -> Span) -> Cmd {
        Cmd::with_words(text, line, tokenize(text).map(|t| t.words), span_of)
    }

    /// [`Cmd::new`] for a line the caller already split.
    pub fn with_words(
        text: &str,
        line: Span,
        words: Result<Vec<Word>, ScriptSyntaxError>,
        span_of: &dyn Fn(Range<usize>) -> Span,
    ) -> Cmd {
        let spans = match &words {
            Ok(ws) => ws.iter().map(|w| span_of(w.range.clone())).collect(),
            Err(_) => Vec::new(),
        };
        Cmd {
            text: text.to_string(),
            line,
            words,
            spans,
        }
    }

    /// The span of word `i` (the line when unknown).
    pub fn span(&self, i: usize) -> Span {
        self.spans.get(i).copied().unwrap_or(self.line)
    }

    /// The span of words `from..to`.
    pub fn span_words(&self, from: usize, to: usize) -> Span {
        match (
            self.spans.get(from),
            to.checked_sub(1).and_then(|t| self.spans.get(t)),
        ) {
            (Some(a), Some(b)) if a.file == b.file && b.end >= a.start => a.to(*b),
            (Some(a), _) => *a,
            _ => self.line,
        }
    }

    /// The command the node re-joins from words `from..` (a `then`/`do`/`else` part) and runs.
    pub fn sub(&self, from: usize) -> Cmd {
        let words = self.words.as_ref().map(|w| &w[from.min(w.len())..]);
        let text = match words {
            Ok(ws) => join_words(ws),
            Err(_) => String::new(),
        };
        let whole = self.span_words(from, self.spans.len());
        // Plain words re-join and split to themselves: only quoted or grouped ones need the
        // tokenizer again.
        let plain = words.as_ref().is_ok_and(|ws| {
            ws.iter().all(|w| {
                w.quoted == Quote::None
                    && !w.text.is_empty()
                    && !w.text.contains([' ', '"', '\'', '(', '[', '{', '#', '&'])
            })
        });
        let tokens = if plain {
            let ws = words.unwrap_or(&[]);
            let mut at = 0;
            Ok(ws
                .iter()
                .map(|w| {
                    let start = at;
                    at += w.text.len() + 1;
                    Word {
                        range: start..start + w.text.len(),
                        as_written: false,
                        ..w.clone()
                    }
                })
                .collect())
        } else {
            tokenize(&text).map(|t| t.words)
        };
        let spans = match (&tokens, words) {
            (Ok(new), Ok(old)) if new.len() == old.len() => self.spans[from..].to_vec(),
            (Ok(new), _) => vec![whole; new.len()],
            _ => Vec::new(),
        };
        Cmd {
            text,
            line: self.line,
            words: tokens,
            spans,
        }
    }
}

/// Runs one command line (what `process_cmd` does with it) from `st`.
pub fn exec(eng: &mut Engine, cmd: &Cmd, mut st: State) -> Vec<Branch> {
    eng.steps += 1;
    let words = match &cmd.words {
        Ok(w) => w.as_slice(),
        Err(e) => {
            report::syntax(eng, cmd, e);
            return Branch::with(st, code::COMMAND_STRUCT);
        }
    };
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    if texts.is_empty() {
        return Branch::ok(st);
    }
    let n = texts.len();
    let assignment = n > 2 && texts[1] == "=";
    let first = if assignment { 2 } else { 0 };
    if assignment && texts[2] != "incr" && (n == 3 || texts[3] != "+") {
        st.scope.remove(texts[0]); // `params.reset_key`: the old value goes first
    }
    if n == 1 && texts[0].len() > 1 && (texts[0].starts_with('!') || texts[0].starts_with('$')) {
        return Branch::ok(st); // prints the value
    }
    if n > 2 && texts[1] == "+" {
        return Branch::ok(st); // prints the concatenation
    }
    // Command words starting with `!` are looked up in the dictionary (no casts), as the
    // lookup reaches them.
    let scope = &st.scope;
    let looked_up = dispatch_with(
        n - first,
        |i| {
            let w = texts[first + i];
            match w.strip_prefix('!').filter(|_| w.len() > 1) {
                Some(name) => match scope.param(name) {
                    Lookup::Defined(v) => Some(v.into_owned()),
                    Lookup::Undefined => Some(String::new()),
                    // In `x = !y …` a value decided at boot is taken as data, not as the name
                    // of a command (no deployment script stores command names).
                    Lookup::AtBoot if assignment => Some("\u{0}".to_string()),
                    Lookup::AtBoot => None,
                },
                None => Some(w.to_string()),
            }
        },
        n,
    );
    let found = match looked_up {
        Found::Command(d) => Some(d),
        Found::Nothing => None,
        Found::AtBoot => {
            emit(eng, &mut st, cmd, first);
            return Branch::ok(st); // a command only the node knows
        }
    };
    match found {
        Some(d) => command(eng, cmd, words, first, d, st),
        None if assignment => {
            let from = if n == 3 {
                Source::Word(texts[2])
            } else if texts.get(3) == Some(&"+") {
                Source::Concat(&texts[2..])
            } else {
                Source::None
            };
            match crate::resolve::assignment::effect(words, &st.scope) {
                Some(effect) => {
                    let c = apply_effect(&mut st, effect, cmd.line, from, code::NOT_A_COMMAND);
                    Branch::with(st, c)
                }
                None => {
                    // A command word only the node knows (`x = !y …` with `y` decided at
                    // boot): what the line stores is decided at boot too.
                    let why = crate::resolve::assignment::command_result(words)
                        .unwrap_or_else(|| "decided at boot".into());
                    store(
                        &mut st,
                        texts[0],
                        VarValue::AtBoot(why),
                        cmd.line,
                        Source::None,
                    );
                    Branch::ok(st)
                }
            }
        }
        None if eng.options.target == crate::edgelake::commands::Target::AnyLog => {
            // AnyLog has commands EdgeLake's table lacks: assumed to run, result at boot.
            emit(eng, &mut st, cmd, first);
            Branch::ok(st)
        }
        None => {
            report::unknown_command(eng, cmd, &texts[first..]);
            Branch::with(st, code::NOT_A_COMMAND)
        }
    }
}

/// A command of the table, `words[first..]` (after an `x =` prefix when `first` is 2).
fn command(
    eng: &mut Engine,
    cmd: &Cmd,
    words: &[Word],
    first: usize,
    d: Dispatch,
    mut st: State,
) -> Vec<Branch> {
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    let args = &texts[first + d.words..];
    let label = |st: State, c: i32| vec![Branch::new(st, Ret::to(c, args[0]))];
    match d.key {
        "if" => builtins::if_command(eng, cmd, words, first, st),
        "do" | "else" => builtins::do_else(eng, cmd, d.key, st),
        "goto" if texts.len() == 2 => label(st, code::GOTO),
        "call" if texts.len() == 2 => label(st, code::CALL),
        "on error" => match args {
            ["goto", target] => {
                vec![Branch::new(st, Ret::to(code::ON_ERROR_GOTO, target))]
            }
            ["call", target] => {
                vec![Branch::new(st, Ret::to(code::ON_ERROR_CALL, target))]
            }
            ["end", "script"] => Branch::with(st, code::ON_ERROR_END),
            ["ignore"] => Branch::with(st, code::ON_ERROR_IGNORE),
            _ => {
                report::bad_form(
                    eng,
                    cmd,
                    first,
                    "`on error` takes `goto <label>`, `call <label>`, `ignore` or `end script`",
                );
                Branch::with(st, code::COMMAND_STRUCT)
            }
        },
        "return" if texts.len() == 1 => Branch::with(st, code::RETURN),
        "end script" => Branch::with(st, code::END_SCRIPT),
        "goto" | "call" | "return" => {
            let form = if d.key == "return" {
                "`return` takes nothing after it"
            } else {
                "takes exactly one label"
            };
            report::bad_form(eng, cmd, first, &format!("`{}` {form}", d.key));
            Branch::with(st, code::COMMAND_STRUCT)
        }
        "exit" if args == ["scripts"] && first == 0 => Branch::with(st, code::EXIT_SCRIPTS),
        "process" => builtins::process(eng, cmd, &texts, st),
        "set" if first == 0 && texts.len() == 4 && texts[2] == "=" => {
            match crate::resolve::assignment::effect(words, &st.scope) {
                Some(effect) => {
                    let from = Source::Word(texts[3]);
                    let c = apply_effect(&mut st, effect, cmd.line, from, code::COMMAND_STRUCT);
                    Branch::with(st, c)
                }
                None => Branch::with(st, code::COMMAND_STRUCT),
            }
        }
        _ => {
            let branches = methods::run(eng, cmd, &texts, first, d, st);
            branches
                .into_iter()
                .map(|mut b| {
                    if b.ret.code < code::NON_ERROR {
                        emit(eng, &mut b.state, cmd, 0);
                    }
                    b
                })
                .collect()
        }
    }
}

/// Stores the result of a command run as `x = <command>`.
pub fn store_result(cmd: &Cmd, texts: &[&str], first: usize, st: &mut State, value: VarValue) {
    if first == 2 {
        store(st, texts[0], value, cmd.line, Source::None);
    }
}

/// Records that the path runs `cmd` (from word `first`), with the references elpc knows replaced.
pub fn emit(eng: &Engine, st: &mut State, cmd: &Cmd, first: usize) {
    let Ok(words) = &cmd.words else { return };
    let _ = first;
    let text = substitute(&cmd.text, words, &st.scope);
    st.emitted.push(Emitted {
        text,
        origin: cmd.line,
        via: eng.via.clone(),
        condition: st.conditional(),
    });
}

/// The command with every reference the node resolves replaced by its known value.
///
/// Resolved positions: a leading `!word`, the argument of `process`, and where-clause values
/// (a word after `=`). Everything after `task` in a `schedule` line runs later and is kept.
/// Undefined references and values only the node knows stay as written.
pub fn substitute(text: &str, words: &[Word], vars: &dyn Variables) -> String {
    let mut out = String::with_capacity(text.len());
    substitute_onto(&mut out, text, (words, 0), vars, &mut WordValues::default());
    out
}

/// [`substitute`] appended to `out`, for `words` whose ranges start `offset` bytes before
/// `text` (the `then` words of an `if` line, without copies of them rebased), with the words
/// of the line resolved so far.
pub fn substitute_onto<'s>(
    out: &mut String,
    text: &str,
    (words, offset): (&[Word], usize),
    vars: &'s dyn Variables,
    values: &mut WordValues<'s>,
) {
    let mut last = 0;
    each_replacement(words, vars, values, |range, value| {
        out.push_str(&text[last..range.start - offset]);
        push_value(out, value);
        last = range.end - offset;
    });
    out.push_str(&text[last..]);
}

/// [`substitute`], `None` when no reference is replaced (most lines: no text is built).
pub fn substitute_changed<'s>(
    text: &str,
    words: &[Word],
    vars: &'s dyn Variables,
    values: &mut WordValues<'s>,
) -> Option<String> {
    let (mut out, mut last, mut changed) = (String::new(), 0, false);
    each_replacement(words, vars, values, |range, value| {
        if !changed {
            out.reserve_exact(text.len() + value.len() + 2);
            changed = true;
        }
        out.push_str(&text[last..range.start]);
        push_value(&mut out, value);
        last = range.end;
    });
    if !changed {
        return None;
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// A replaced value: in `"` when it holds whitespace.
fn push_value(out: &mut String, value: &str) {
    if value.chars().any(char::is_whitespace) {
        out.push('"');
        out.push_str(value);
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// Every replacement [`substitute`] makes, in order: the word's byte range and its value.
fn each_replacement<'s>(
    words: &[Word],
    vars: &'s dyn Variables,
    values: &mut WordValues<'s>,
    mut f: impl FnMut(Range<usize>, &str),
) {
    for (i, word) in words.iter().enumerate() {
        if word.text == "task" {
            break;
        }
        if word.quoted != Quote::None || !(word.text.starts_with('!') || word.text.starts_with('$'))
        {
            continue;
        }
        let resolves = i == 0
            || (i == 1 && words[0].text == "process")
            || words.get(i.wrapping_sub(1)).is_some_and(|w| w.text == "=");
        if !resolves {
            continue;
        }
        if i == 0 {
            // Leading command words get a plain dictionary lookup, no casts (§3.4).
            if let Lookup::Defined(value) = vars.param(word.text.trim_start_matches('!')) {
                if !value.contains('"') {
                    f(word.range.clone(), &value);
                }
            }
            continue;
        }
        match values.text(word, vars) {
            Some(value) if !value.contains('"') => f(word.range.clone(), value),
            _ => {}
        }
    }
}
