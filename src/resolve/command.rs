//! One script command matched against the command catalog (§6) and its where-clause parsed
//! the way `interpreter.get_dict_from_words` does (§3.5): keys up to `=`, values up to `and`,
//! references resolved in the scope of that line, values typed.

use std::ops::Range;

use serde_json::{Map, Value as Json};

use crate::edgelake::commands::{lookup, CommandSpec, Shape};
use crate::resolve::arg_value::Quantity;
use crate::resolve::line_values::WordValues;
use crate::resolve::pooled::{Pool, Pooled};
use crate::resolve::value::Variables;
use crate::source::Span;
use crate::syntax::script::{Quote, Word, WordText};
use crate::syntax::shared_text::SharedText;

/// What kind of problem the node has with a command (each is reported by its own rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// Words in a layout the node rejects (no `where`, a key without `=`, too many words).
    Structure,
    /// A where-key the command does not take.
    UnknownKey,
    /// A required where-key that is not given.
    MissingKey,
    /// A key given twice that may appear once.
    DuplicateKey,
    /// A value that does not have its key's type or range.
    InvalidValue,
    /// A key the command accepts and then never reads.
    IgnoredKey,
    /// The command a `schedule … task` runs is not a command.
    UnknownTask,
}

/// One thing the node will not accept, or will not do, in a command.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Which rule reports it.
    pub kind: ProblemKind,
    /// The exact words.
    pub span: Span,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Another place that explains it (the first of two duplicate keys).
    pub related: Option<Span>,
}

/// How a line's command is guarded.
#[derive(Clone, Debug, PartialEq)]
pub enum Guard {
    /// It always runs.
    Always,
    /// `if … then`: runs only when the condition (as written) holds.
    If {
        /// The condition as written (a range of the line's text).
        condition: SharedText,
        /// `Some(true/false)` when decided with these env files, `None` when only the node knows.
        decided: Option<bool>,
    },
}

/// The `process` line's file: a view of the command's `path` argument (the record keeps the
/// path once, as that argument: a third of a corpus-like policy's lines are `process` lines,
/// and a record of its own held the path twice more, in three more allocations).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProcessPath<'a> {
    /// The path words as written.
    pub written: &'a str,
    /// The path the node opens, when known now (`None` when undefined or decided at boot).
    pub resolved: Option<&'a str>,
    /// Where the path is written.
    pub span: Span,
}

/// One where-clause pair.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// The key.
    pub key: WordText,
    /// Where the key is written.
    pub key_span: Span,
    /// The value as written.
    pub written: WordText,
    /// Where the value is written.
    pub value_span: Span,
    /// The typed value (`None` while only the node can resolve it, or when it is invalid).
    pub value: Option<Typed>,
    /// The value's text after reference resolution, the one the command text shows (`None`
    /// while only the node can resolve it, when a reference resolves to nothing, or when the
    /// value has no reference: its text is [`Arg::written`]).
    pub resolved: Option<String>,
}

/// A where-clause value after typing, held without a second copy of its text: a string
/// value is nearly always the resolved text itself (24 bytes instead of a JSON value's 80
/// and a copy of the text per argument).
#[derive(Clone, Debug, PartialEq)]
pub enum Typed {
    /// A string equal to [`Arg::resolved`].
    Resolved,
    /// A string equal to [`Arg::written`].
    Written,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(serde_json::Number),
    /// A time (`30 seconds`): `{"value": 30, "unit": "seconds"}` (no JSON object kept per
    /// value).
    Time(Quantity),
    /// A size (`1MB`, `1024`): `{"value": 1, "unit": "MB"}`.
    Size(Quantity),
    /// Anything else: a list, a group, a string other than the resolved text.
    Other(Box<Json>),
}

impl Typed {
    /// `value` typed for an argument whose resolved text is `resolved`.
    pub fn new(value: Json, resolved: Option<&str>, written: &str) -> Typed {
        match value {
            Json::String(s) if Some(s.as_str()) == resolved => Typed::Resolved,
            Json::String(s) if s == written => Typed::Written,
            Json::Bool(b) => Typed::Bool(b),
            Json::Number(n) => Typed::Number(n),
            other => Typed::Other(Box::new(other)),
        }
    }
}

impl Arg {
    /// The typed value as JSON (`None` as [`Arg::value`]).
    pub fn value_json(&self) -> Option<Json> {
        Some(match self.value.as_ref()? {
            Typed::Resolved => Json::String(self.resolved.clone().unwrap_or_default()),
            Typed::Written => Json::String(self.written.to_string()),
            Typed::Bool(b) => Json::Bool(*b),
            Typed::Number(n) => Json::Number(n.clone()),
            Typed::Time(q) => {
                crate::resolve::arg_value::time_json(q.magnitude(), q.negative(), q.unit())
            }
            Typed::Size(q) => crate::resolve::arg_value::size_json(q.magnitude(), q.unit()),
            Typed::Other(v) => (**v).clone(),
        })
    }
}

/// A script command after matching and parsing.
#[derive(Clone, Debug, PartialEq)]
pub struct CommandUse {
    /// The catalog entry it matched.
    pub spec: Option<&'static CommandSpec>,
    /// A value assignment (`x = …`, `set x = …`): no command runs.
    pub assignment: bool,
    /// The words that name the command, as written.
    pub name: WordText,
    /// Where they are written.
    pub name_span: Span,
    /// The where-clause (and positional) arguments, in order (a script run keeps its lines'
    /// arguments in chunks shared by many lines).
    pub args: Pooled<Arg>,
    /// What the node will reject.
    pub problems: Box<[Problem]>,
    /// The `if` that guards it.
    pub guard: Guard,
}

impl CommandUse {
    /// The file of a `process` command (its `path` argument); `None` for other commands.
    pub fn process(&self) -> Option<ProcessPath<'_>> {
        if self.spec?.shape != Shape::Process {
            return None;
        }
        let path = self.args.first()?;
        // `Parser::process` types the argument: resolved to another text, resolved to its
        // written text, or (no value) only the node knows.
        let resolved = match path.value {
            Some(Typed::Resolved) => path.resolved.as_deref(),
            Some(_) => Some(path.written.as_str()),
            None => None,
        };
        Some(ProcessPath {
            written: &path.written,
            resolved,
            span: path.value_span,
        })
    }

    /// The catalog name for output (`"run blockchain sync"`, `"assignment"`), `None` when unknown.
    pub fn catalog(&self) -> Option<&'static str> {
        match self.spec {
            Some(spec) => Some(spec.name),
            None if self.assignment => Some("assignment"),
            None => None,
        }
    }

    /// The arguments as one JSON object; keys that may repeat hold arrays.
    pub fn args_json(&self) -> Json {
        let mut out = Map::new();
        for a in &self.args {
            // One resolution for the text and the args: an invalid value shows as resolved.
            let v = a.value_json().unwrap_or_else(|| {
                Json::String(a.resolved.clone().unwrap_or_else(|| a.written.to_string()))
            });
            let repeats = self
                .spec
                .and_then(|s| s.key(&a.key))
                .is_some_and(|k| !k.unique);
            if repeats {
                match out
                    .entry(a.key.clone())
                    .or_insert_with(|| Json::Array(Vec::new()))
                {
                    Json::Array(items) => items.push(v),
                    other => *other = v,
                }
            } else {
                out.entry(a.key.clone()).or_insert(v);
            }
        }
        Json::Object(out)
    }
}

/// Maps a byte range of the line to a source span.
pub type SpanOf<'a> = &'a dyn Fn(Range<usize>) -> Span;

/// Matches `words` (a command, or the `then` part of an `if`) against the catalog and parses
/// its arguments with the variables of this point of the script.
pub fn parse_command(
    words: &[Word],
    vars: &dyn Variables,
    span_of: SpanOf,
    guard: Guard,
) -> Option<CommandUse> {
    parse_command_with(words, vars, span_of, guard, &mut WordValues::default())
}

/// [`parse_command`] sharing the line's resolved words with the caller.
pub fn parse_command_with<'s>(
    words: &[Word],
    vars: &'s dyn Variables,
    span_of: SpanOf,
    guard: Guard,
    values: &mut WordValues<'s>,
) -> Option<CommandUse> {
    let mut store = ArgStore::default();
    let mut command = parse_command_in(words, vars, span_of, (guard, values), &mut store);
    store
        .pool
        .freeze(std::slice::from_mut(&mut command), true, |c| {
            c.as_mut().map(|c| &mut c.args)
        });
    command
}

/// Where a script run keeps its lines' arguments: a vector lent to each command's parse in
/// turn, and the pool their records' arguments are kept in (frozen by the run).
#[derive(Default)]
pub(crate) struct ArgStore {
    scratch: Vec<Arg>,
    pub(crate) pool: Pool<Arg>,
}

/// [`parse_command_with`] keeping the arguments in `store`, pending until its pool is frozen.
pub(crate) fn parse_command_in<'s>(
    words: &[Word],
    vars: &'s dyn Variables,
    span_of: SpanOf,
    (guard, values): (Guard, &mut WordValues<'s>),
    store: &mut ArgStore,
) -> Option<CommandUse> {
    let first = words.first()?;
    let mut words = words;
    let mut spec = None;
    if words.len() >= 3 && words[1].text == "=" {
        let rhs = &words[2..];
        spec = lookup(rhs.iter().map(|w| w.text.as_str()));
        if rhs.len() < 2 || spec.is_none() {
            return Some(assignment(
                (words, &words[0]),
                joined(rhs),
                span_of,
                guard,
                &mut store.pool,
            ));
        }
        // `x = <command>`: the command is parsed (what stores its result is the engine's).
        words = rhs;
    } else if words.len() == 4 && first.text == "set" && words[2].text == "=" {
        return Some(assignment(
            (&words[1..], &words[1]),
            words[3].text.clone(),
            span_of,
            guard,
            &mut store.pool,
        ));
    }
    // `x = <command>` was looked up above.
    let spec = spec.or_else(|| lookup(words.iter().map(|w| w.text.as_str())));
    let name_len = spec.map_or_else(
        || {
            // The leading plain words (`run schedular` of `run schedular 1`), at most three.
            words
                .iter()
                .take(3)
                .position(|w| {
                    matches!(w.text.as_str(), "where" | "=" | "and")
                        || !w
                            .text
                            .chars()
                            .all(|c| c.is_ascii_alphabetic() || c == '_' || c == '-')
                })
                .unwrap_or(words.len().min(3))
                .max(1)
        },
        // The catalog name's words, counted without splitting it.
        |s| s.name.bytes().filter(|&b| b == b' ').count() + 1,
    );
    let name_words = &words[..name_len];
    let name_range = name_words[0].range.start..name_words[name_len - 1].range.end;
    let mut out = CommandUse {
        spec,
        assignment: false,
        name: joined(name_words),
        name_span: span_of(name_range),
        args: Pooled::default(),
        problems: Box::default(),
        guard,
    };
    let Some(spec) = spec else {
        return Some(out);
    };
    let rest = &words[name_len..];
    let mut parser = Parser {
        spec,
        vars,
        span_of,
        out: &mut out,
        values,
        args: std::mem::take(&mut store.scratch),
        problems: Vec::new(),
    };
    parser.shape(rest);
    // The record lives as long as the compilation: its arguments in the run's pool, its
    // problems an exact slice.
    let (mut args, problems) = (parser.args, parser.problems);
    out.args = store.pool.add(args.drain(..));
    store.scratch = args; // lent to the next command
    out.problems = problems.into_boxed_slice();
    Some(out)
}

/// The words joined with single blanks, as a word's text: one word is copied as it is held
/// (most keys, values and names), and a short text (`run blockchain sync`) is joined in place,
/// without building a `String` first.
pub(crate) fn joined(words: &[Word]) -> WordText {
    // At most what a word's text keeps inline (longer texts are boxed either way).
    const SHORT: usize = 22;
    match words {
        [one] => one.text.clone(),
        _ if words.iter().map(|w| w.text.len() + 1).sum::<usize>() <= SHORT + 1 => {
            let mut buf = [0u8; SHORT];
            let mut at = 0;
            for (i, w) in words.iter().enumerate() {
                if i > 0 {
                    buf[at] = b' ';
                    at += 1;
                }
                buf[at..at + w.text.len()].copy_from_slice(w.text.as_bytes());
                at += w.text.len();
            }
            // Whole texts joined with ASCII blanks: valid UTF-8.
            match std::str::from_utf8(&buf[..at]) {
                Ok(text) => text.into(),
                Err(_) => rhs_text(words).into(),
            }
        }
        _ => rhs_text(words).into(),
    }
}

pub(crate) fn rhs_text(words: &[Word]) -> String {
    let mut out = String::with_capacity(words.iter().map(|w| w.text.len() + 1).sum());
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&w.text);
    }
    out
}

fn assignment(
    (words, target): (&[Word], &Word),
    value: WordText,
    span_of: SpanOf,
    guard: Guard,
    pool: &mut Pool<Arg>,
) -> CommandUse {
    let value_range = words.last().map_or(0..0, |w| w.range.clone());
    CommandUse {
        spec: None,
        assignment: true,
        name: target.text.clone(),
        name_span: span_of(target.range.clone()),
        args: pool.add(std::iter::once(Arg {
            key: target.text.clone(),
            key_span: span_of(target.range.clone()),
            written: value,
            value_span: span_of(value_range),
            value: None,
            resolved: None,
        })),
        problems: Box::default(),
        guard,
    }
}

/// Parses one command's words into its [`CommandUse`].
pub(crate) struct Parser<'a, 'o> {
    pub(crate) spec: &'static CommandSpec,
    pub(crate) vars: &'a dyn Variables,
    pub(crate) span_of: SpanOf<'o>,
    pub(crate) out: &'o mut CommandUse,
    /// The line's words resolved so far.
    pub(crate) values: &'o mut WordValues<'a>,
    /// The arguments and problems found so far (kept into `out` at the end).
    pub(crate) args: Vec<Arg>,
    pub(crate) problems: Vec<Problem>,
}

impl Parser<'_, '_> {
    pub(crate) fn problem(
        &mut self,
        kind: ProblemKind,
        range: Range<usize>,
        message: String,
        help: Option<String>,
    ) {
        let span = (self.span_of)(range);
        self.problems.push(Problem {
            kind,
            span,
            message,
            help,
            related: None,
        });
    }

    fn shape(&mut self, rest: &[Word]) {
        let name = self.spec.name;
        let end_of_name = self.out.name_span;
        match self.spec.shape {
            Shape::Free | Shape::ControlFlow => {}
            Shape::Process => self.process(rest),
            Shape::Words { min, max } => {
                if rest.len() < min || rest.len() > max {
                    let range = rest
                        .first()
                        .map_or(0..0, |w| w.range.start..rest[rest.len() - 1].range.end);
                    let expected = if min == max {
                        format!("{min}")
                    } else {
                        format!("{min} to {max}")
                    };
                    let d = Problem {
                        kind: ProblemKind::Structure,
                        span: if rest.is_empty() {
                            end_of_name
                        } else {
                            (self.span_of)(range)
                        },
                        message: format!(
                            "`{name}` takes {expected} word(s) after its name; here it has {}",
                            rest.len()
                        ),
                        help: None,
                        related: None,
                    };
                    self.problems.push(d);
                } else if name == "run scheduler" {
                    if let Some(id) = rest.first() {
                        if !id.text.chars().all(|c| c.is_ascii_digit()) || id.text.is_empty() {
                            self.problem(
                                ProblemKind::Structure,
                                id.range.clone(),
                                format!("the scheduler id `{}` is not a number", id.text),
                                Some("write `run scheduler 1`".into()),
                            );
                        }
                    }
                }
                for (i, w) in rest.iter().enumerate() {
                    let key = if rest.len() == 1 {
                        "value".into()
                    } else {
                        format!("word{}", i + 1).into()
                    };
                    self.push_arg(
                        key,
                        w.range.clone(),
                        w.text.clone(),
                        w.range.clone(),
                        Some(Typed::Written),
                    );
                }
            }
            Shape::Where {
                positional,
                optional,
            } => {
                if rest.is_empty() && optional {
                    return;
                }
                for w in rest.iter().take(positional) {
                    self.push_arg(
                        "name".into(),
                        w.range.clone(),
                        w.text.clone(),
                        w.range.clone(),
                        Some(Typed::Written),
                    );
                }
                match rest.get(positional) {
                    Some(w) if w.text == "where" => {
                        self.pairs(&rest[positional + 1..]);
                        self.missing();
                    }
                    Some(w) => self.problem(
                        ProblemKind::Structure,
                        w.range.clone(),
                        format!("`{name}` expects `where` here, not `{}`", w.text),
                        Some(format!(
                            "write `{name} {}where key = value and …`",
                            "<name> ".repeat(positional)
                        )),
                    ),
                    None => self.problems.push(Problem {
                        kind: ProblemKind::Structure,
                        span: end_of_name,
                        message: format!("`{name}` needs a where-clause"),
                        help: Some(format!(
                            "write `{name} {}where key = value and …`",
                            "<name> ".repeat(positional)
                        )),
                        related: None,
                    }),
                }
            }
            Shape::Schedule => {
                let task = rest.iter().position(|w| w.text == "task");
                let Some(t) = task else {
                    self.problems.push(Problem {
                        kind: ProblemKind::Structure,
                        span: end_of_name,
                        message: "`schedule` needs `task <command>` at its end".into(),
                        help: Some(
                            "write `schedule time = 1 day and name = x task <command>`".into(),
                        ),
                        related: None,
                    });
                    return;
                };
                self.pairs(&rest[..t]);
                self.missing();
                let task_words = &rest[t + 1..];
                if let Some(first) = task_words.first() {
                    let range = first.range.start..task_words[task_words.len() - 1].range.end;
                    let known = first.text == "if"
                        || task_words.get(1).is_some_and(|w| w.text == "=")
                        || lookup(task_words.iter().map(|w| w.text.as_str())).is_some();
                    if !known {
                        self.problem(
                            ProblemKind::UnknownTask,
                            first.range.clone(),
                            format!(
                                "the scheduled task `{}` is not a command the node knows",
                                first.text
                            ),
                            None,
                        );
                    }
                    self.push_arg(
                        "task".into(),
                        range.clone(),
                        joined(task_words),
                        range,
                        Some(Typed::Written),
                    );
                }
            }
        }
    }

    fn process(&mut self, rest: &[Word]) {
        let Some(first) = rest.first() else {
            let span = self.out.name_span;
            self.problems.push(Problem {
                kind: ProblemKind::Structure,
                span,
                message: "`process` needs a file name".into(),
                help: None,
                related: None,
            });
            return;
        };
        // The path is `a + b + …`: every other word up to the last `+` followed by one.
        let mut end = 1;
        while rest.get(end).is_some_and(|w| w.text == "+") && end + 1 < rest.len() {
            end += 2;
        }
        let parts = || rest[..end].iter().step_by(2);
        let range = first.range.start..rest[end - 1].range.end;
        // One word (nearly every path): its text, copied once.
        let one = end == 1;
        let written: WordText = match one {
            true => first.text.clone(),
            false => parts().map(|w| w.text.as_str()).collect::<String>().into(),
        };
        let mut resolved = match one {
            true if first.quoted == Quote::None
                && (first.text.starts_with('!') || first.text.starts_with('$')) =>
            {
                self.values.text(first, self.vars).map(str::to_string)
            }
            true => Some(first.text.to_string()),
            false => Some(String::new()),
        };
        for w in parts().skip(usize::from(one)) {
            let piece = if w.quoted == Quote::None
                && (w.text.starts_with('!') || w.text.starts_with('$'))
            {
                self.values.text(w, self.vars)
            } else {
                Some(w.text.as_str())
            };
            match (&mut resolved, piece) {
                (Some(r), Some(p)) => r.push_str(p),
                _ => resolved = None,
            }
        }
        // The path the node opens: the written one unless it resolved to another (then the
        // argument's resolved text), or none while only the node knows it ([`CommandUse::process`]).
        let (value, resolved_arg) = match resolved {
            Some(r) if r != written.as_str() => (Some(Typed::Resolved), Some(r)),
            Some(_) => (Some(Typed::Written), None),
            None => (None, None),
        };
        self.push_arg("path".into(), range.clone(), written, range, value);
        if let Some(arg) = self.args.last_mut() {
            arg.resolved = resolved_arg;
        }
    }

    pub(crate) fn push_arg(
        &mut self,
        key: WordText,
        key_range: Range<usize>,
        written: WordText,
        value_range: Range<usize>,
        value: Option<Typed>,
    ) {
        let key_span = (self.span_of)(key_range);
        let value_span = (self.span_of)(value_range);
        self.args.push(Arg {
            key,
            key_span,
            written,
            value_span,
            value,
            resolved: None,
        });
    }
}

#[cfg(test)]
#[path = "command_tests.rs"]
mod tests;
