//! The policy's `script` list, run through the node's rules (§2.7, §3.6, §4): each line is
//! tokenized, its `if` decided now or left for boot, its assignments applied to the scope for
//! the lines after it, and its references recorded for the checks.

use crate::check::catalog::SCRIPT_SYNTAX;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::resolve::assignment::{self, Effect};
use crate::resolve::command::{parse_command, CommandUse, Guard};
use crate::resolve::condition::{evaluate, parse_if, Truth};
use crate::resolve::reference::{references_in, resolve_word, Sigil};
use crate::resolve::scope::{Provenance, Scope, VarValue};
use crate::resolve::value::{Resolved, Value, Variables};
use crate::source::{FileId, Span};
use crate::syntax::policy::{Node, NodeKind, StrLit};
use crate::syntax::script::{tokenize, Quote, ScriptSyntaxError, Word};

/// Where a reference is used, which decides how bad it is when nothing defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefContext {
    /// Tested alone in an `if` (`if !operator_id then`): undefined simply means false.
    ConditionAlone,
    /// Compared in an `if`: undefined compares as `""`.
    ConditionCompared,
    /// A value the command needs (where-clause, `process` path, assignment): undefined fails
    /// the line or silently empties it.
    Value,
}

/// One use of a `!name` or `$NAME` in a script line.
#[derive(Clone, Debug, PartialEq)]
pub struct RefUse {
    /// `!` or `$`.
    pub sigil: Sigil,
    /// The name without its sigil.
    pub name: String,
    /// Where it is written.
    pub span: Span,
    /// How it is used.
    pub context: RefContext,
    /// True when something defines it at this point (env, node, `--set`, an earlier line).
    pub defined: bool,
    /// The first `process` line before it, whose script might define it.
    pub after_process: Option<Span>,
}

/// What happens to one script line.
#[derive(Clone, Debug, PartialEq)]
pub enum LineOutcome {
    /// Empty or a `#` comment: nothing runs.
    Skipped,
    /// Runs this command.
    Runs(String),
    /// An `if` decided false now: nothing runs.
    FoldedAway,
    /// An `if` that only the node can decide: the line runs as written.
    DecidedAtBoot(Vec<String>),
    /// The node's `if` itself fails on this line (and the rest of the list is skipped).
    ConditionFails(String),
    /// The node fails this line, which is not an `if` (a malformed assignment): the rest of
    /// the list is skipped.
    Fails(String),
    /// The line does not parse.
    Invalid,
}

/// One entry of the `script` list after resolution.
#[derive(Clone, Debug, PartialEq)]
pub struct ScriptLine {
    /// Position in the list.
    pub index: usize,
    /// The string literal's span.
    pub span: Span,
    /// The line as the node reads it (stripped).
    pub text: String,
    /// What happens to it.
    pub outcome: LineOutcome,
    /// Every reference in it.
    pub refs: Vec<RefUse>,
    /// Its words as the node's tokenizer splits them, with their place in the policy.
    pub words: Vec<LineWord>,
    /// The command it runs (the `then` part of an `if`, even when folded away), matched
    /// against the command catalog.
    pub command: Option<CommandUse>,
    /// A `&` that ends the command early (the rest is queued as another command, §2.7).
    pub ampersand: Option<Span>,
    /// For an `if` only the node decides: the line with the references of its `then` command
    /// resolved as that command would resolve them (what the command list shows, so that its
    /// text and its arguments come from one resolution).
    pub boot_text: Option<String>,
}

impl ScriptLine {
    /// The words between `if` and `then` (or the end), when the line is an `if`.
    pub fn condition_words(&self) -> Option<&[LineWord]> {
        if self.words.first()?.text != "if" {
            return None;
        }
        let end = self
            .words
            .iter()
            .position(|w| w.text == "then")
            .unwrap_or(self.words.len());
        Some(&self.words[1..end])
    }

    /// The words of the command the line runs: after `then` for an `if`, else all of them.
    pub fn command_words(&self) -> &[LineWord] {
        let start = self
            .words
            .iter()
            .position(|w| w.text == "then")
            .map_or(0, |i| i + 1);
        &self.words[start.min(self.words.len())..]
    }
}

/// One word of a script line.
#[derive(Clone, Debug, PartialEq)]
pub struct LineWord {
    /// The word as the node sees it.
    pub text: String,
    /// Where it is written in the policy.
    pub span: Span,
}

/// A line the node cannot tokenize or whose `if` does not parse, as a diagnostic.
fn syntax_error(e: ScriptSyntaxError, map: &LineMap) -> Diagnostic {
    let d = Diagnostic::new(&SCRIPT_SYNTAX, map.span(e.range), e.message);
    match e.help {
        Some(h) => d.help(h),
        None => d,
    }
}

/// Maps offsets of a stripped line back into the policy source.
struct LineMap<'a> {
    lit: &'a StrLit,
    file: FileId,
    offset: usize,
}

impl LineMap<'_> {
    fn span(&self, range: std::ops::Range<usize>) -> Span {
        self.lit.span_of(
            self.file,
            range.start + self.offset..range.end + self.offset,
        )
    }
}

/// Runs every line of a `script` list value in order against `scope`.
pub fn run_script(node: &Node, scope: &mut Scope, diags: &mut Diagnostics) -> Vec<ScriptLine> {
    let NodeKind::Array(items) = &node.kind else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let NodeKind::Str(lit) = &item.kind else {
            continue;
        };
        lines.push(run_line(index, item.span, lit, scope, diags));
    }
    lines
}

fn run_line(
    index: usize,
    span: Span,
    lit: &StrLit,
    scope: &mut Scope,
    diags: &mut Diagnostics,
) -> ScriptLine {
    let raw = lit.value.as_str();
    let trimmed_start = raw.len() - raw.trim_start().len();
    let mut text = raw.trim();
    let mut offset = trimmed_start;
    if text.len() >= 2 && text.starts_with('\'') && text.ends_with('\'') {
        text = &text[1..text.len() - 1];
        offset += 1;
    }
    let map = LineMap {
        lit,
        file: span.file,
        offset,
    };
    let mut line = ScriptLine {
        index,
        span,
        text: text.to_string(),
        outcome: LineOutcome::Skipped,
        refs: Vec::new(),
        words: Vec::new(),
        command: None,
        ampersand: None,
        boot_text: None,
    };
    if text.is_empty() || text.starts_with('#') {
        return line;
    }
    let tokens = match tokenize(text) {
        Ok(t) => t,
        Err(e) => {
            diags.push(syntax_error(e, &map));
            line.outcome = LineOutcome::Invalid;
            return line;
        }
    };
    line.ampersand = tokens
        .rest_after_ampersand
        .as_ref()
        .map(|r| map.span(r.start.saturating_sub(1)..r.start));
    let words = tokens.words;
    if words.is_empty() {
        return line;
    }
    line.words = words
        .iter()
        .map(|w| LineWord {
            text: w.text.clone(),
            span: map.span(w.range.clone()),
        })
        .collect();
    line.outcome = if words[0].text == "if" {
        run_if(
            text,
            &words,
            &map,
            scope,
            (&mut line.refs, &mut line.command, &mut line.boot_text),
            diags,
        )
    } else {
        record_refs(&words, &map, scope, &mut line.refs, |_| RefContext::Value);
        line.command = parse_command(&words, scope, &|r| map.span(r), Guard::Always);
        run_command(text, &words, scope, span)
    };
    line
}

fn run_if(
    text: &str,
    words: &[Word],
    map: &LineMap,
    scope: &mut Scope,
    (refs, command, boot_text): (
        &mut Vec<RefUse>,
        &mut Option<CommandUse>,
        &mut Option<String>,
    ),
    diags: &mut Diagnostics,
) -> LineOutcome {
    let parsed = match parse_if(words) {
        Ok(p) => p,
        Err(e) => {
            diags.push(syntax_error(e, map));
            return LineOutcome::Invalid;
        }
    };
    let then_start = parsed.then.as_ref().map_or(words.len(), |r| r.start);
    let condition_end = then_start.saturating_sub(usize::from(parsed.then.is_some()));
    let condition_words = &words[1..condition_end.max(1)];
    record_refs(condition_words, map, scope, refs, |i| {
        let is_op = |w: Option<&Word>| w.is_some_and(|w| is_comparison(&w.text));
        if is_op(i.checked_sub(1).and_then(|j| condition_words.get(j)))
            || is_op(condition_words.get(i + 1))
        {
            RefContext::ConditionCompared
        } else {
            RefContext::ConditionAlone
        }
    });
    let then_words = parsed
        .then
        .as_ref()
        .map(|r| &words[r.clone()])
        .unwrap_or(&[]);
    record_refs(then_words, map, scope, refs, |_| RefContext::Value);
    let then_text = then_words
        .first()
        .map(|first| &text[first.range.start..words[words.len() - 1].range.end]);
    let truth = evaluate(&parsed.condition, scope);
    let decided = match &truth {
        Truth::True => Some(true),
        Truth::False => Some(false),
        _ => None,
    };
    let condition_text = match (condition_words.first(), condition_words.last()) {
        (Some(a), Some(b)) => text[a.range.start..b.range.end].to_string(),
        _ => String::new(),
    };
    *command = parse_command(
        then_words,
        scope,
        &|r| map.span(r),
        Guard::If {
            condition: condition_text,
            decided,
        },
    );
    let rebased: Vec<Word> = then_words
        .iter()
        .map(|w| Word {
            range: w.range.start - then_words[0].range.start
                ..w.range.end - then_words[0].range.start,
            ..w.clone()
        })
        .collect();
    match truth {
        Truth::True => match then_text {
            Some(t) => run_command(t, &rebased, scope, map.span(0..text.len())),
            None => LineOutcome::FoldedAway,
        },
        Truth::False => LineOutcome::FoldedAway,
        Truth::AtBoot { depends_on } => {
            if let (Some(t), Some(first)) = (then_text, then_words.first()) {
                let head = &text[..first.range.start];
                *boot_text = Some(format!("{head}{}", substitute(t, &rebased, scope)));
            }
            // An assignment under a condition only the node decides may or may not happen.
            if let Some(target) = assignment_target(then_words) {
                scope.define(
                    &target,
                    VarValue::AtBoot(format!("set only if {}", depends_on.join(", "))),
                    Provenance::Assignment {
                        span: map.span(0..text.len()),
                    },
                );
            }
            if then_words.first().is_some_and(|w| w.text == "process") {
                scope.mark_opaque(map.span(0..text.len()));
            }
            LineOutcome::DecidedAtBoot(depends_on)
        }
        Truth::RuntimeError { message } | Truth::Crash { message } => {
            LineOutcome::ConditionFails(message)
        }
    }
}

fn is_comparison(word: &str) -> bool {
    matches!(
        word,
        "==" | "!="
            | ">"
            | ">="
            | "<"
            | "<="
            | "contains"
            | "startswith"
            | "endswith"
            | "childfrom"
    )
}

fn assignment_target(words: &[Word]) -> Option<String> {
    match words {
        [name, eq, ..] if eq.text == "=" && words.len() >= 3 => Some(name.text.clone()),
        [set, name, eq, _] if set.text == "set" && eq.text == "=" => Some(name.text.clone()),
        _ => None,
    }
}

fn record_refs(
    words: &[Word],
    map: &LineMap,
    scope: &Scope,
    out: &mut Vec<RefUse>,
    context: impl Fn(usize) -> RefContext,
) {
    for (i, word) in words.iter().enumerate() {
        if matches!(word.quoted, Quote::Single | Quote::Backtick | Quote::Brace) {
            continue;
        }
        let base = word.range.start + usize::from(word.quoted == Quote::Double);
        for r in references_in(&word.text) {
            let defined = match r.sigil {
                // `!!name` in a where-clause is resolved twice, so `name` is what must exist.
                Sigil::Param => scope.get(r.name.trim_start_matches('!')).is_some(),
                Sigil::Env => scope
                    .env_layers()
                    .get(&r.name)
                    .is_some_and(|v| !v.value.is_empty()),
            };
            out.push(RefUse {
                sigil: r.sigil,
                name: r.name.clone(),
                span: map.span(base + r.range.start..base + r.range.end),
                context: context(i),
                defined,
                after_process: scope.opaque_after(),
            });
        }
    }
}

/// Runs one command (or assignment) against the scope and returns what the node executes.
fn run_command(text: &str, words: &[Word], scope: &mut Scope, line_span: Span) -> LineOutcome {
    let provenance = Provenance::Assignment { span: line_span };
    if let Some(effect) = assignment::effect(words, scope) {
        return match effect {
            Effect::Set { name, value } => {
                let value = value.unwrap_or(VarValue::Known(String::new()));
                scope.define(&name, value, provenance);
                LineOutcome::Runs(text.to_string())
            }
            Effect::SetEnv { name, value } => {
                scope.set_env(&name, value);
                LineOutcome::Runs(text.to_string())
            }
            Effect::Fails { message, removed } => {
                if let Some(name) = removed {
                    scope.define(&name, VarValue::Known(String::new()), provenance);
                }
                LineOutcome::Fails(message)
            }
        };
    }
    if let Some(why) = assignment::command_result(words) {
        scope.define(&words[0].text, VarValue::AtBoot(why), provenance);
    }
    let command = substitute(text, words, scope);
    if words[0].text == "process" {
        // From here on, names nobody defined may have been set by the processed script.
        scope.mark_opaque(line_span);
    }
    LineOutcome::Runs(command)
}

/// The command with every reference the node resolves replaced by its known value.
///
/// Resolved positions: a leading `!word`, the argument of `process`, and where-clause values
/// (a word after `=`). Everything after `task` in a `schedule` line runs later and is kept.
/// Undefined references and values only the node knows stay as written.
fn substitute(text: &str, words: &[Word], scope: &Scope) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let stop = words
        .iter()
        .position(|w| w.text == "task")
        .unwrap_or(words.len());
    for (i, word) in words[..stop].iter().enumerate() {
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
        let resolved = if i == 0 {
            // Leading command words get a plain dictionary lookup, no casts (§3.4).
            match scope.param(word.text.trim_start_matches('!')) {
                crate::resolve::value::Lookup::Defined(v) => Some(v),
                _ => None,
            }
        } else {
            match resolve_word(&word.text, scope) {
                Resolved::Known(Value::Str(s)) if s.is_empty() => None,
                Resolved::Known(v) => Some(v.to_python_str()),
                Resolved::AtBoot { .. } => None,
            }
        };
        let Some(value) = resolved else { continue };
        if value.contains('"') {
            continue;
        }
        out.push_str(&text[last..word.range.start]);
        if value.chars().any(char::is_whitespace) {
            out.push('"');
            out.push_str(&value);
            out.push('"');
        } else {
            out.push_str(&value);
        }
        last = word.range.end;
    }
    out.push_str(&text[last..]);
    out
}
