//! The policy's `script` list (§2.7): a script with no labels that stops at the first line
//! returning anything but success. Each line runs through the script engine
//! ([`crate::resolve::engine`]) — `if`s decided now or left for boot, assignments applied for
//! the lines after, `process`ed files interpreted when elpc can read them — and is recorded
//! with its words, references and command for the checks.

use super::script_stops::report_stop;
pub use super::script_stops::report_unexplained_stops;
use crate::check::catalog::SCRIPT_SYNTAX;
use crate::diagnostic::Diagnostic;
use crate::resolve::command::{parse_command_in, ArgStore, CommandUse, Guard};
use crate::resolve::condition::{evaluate, parse_if, Truth};
use crate::resolve::engine::line::{substitute_changed, substitute_onto, Cmd};
use crate::resolve::engine::merge::merge_emitted;
use crate::resolve::engine::report::Cause;
use crate::resolve::engine::{code, exec, group, Emitted, Engine, State, Tri};
use crate::resolve::line_values::WordValues;
use crate::resolve::pooled::{Pool, Pooled};
use crate::resolve::reference::{each_reference, Sigil};
use crate::resolve::scope::Scope;
use crate::source::{FileId, Span};
use crate::syntax::bytes::same;
use crate::syntax::policy::{Node, NodeKind, StrLit};
use crate::syntax::script::{tokenize_into, Quote, ScriptSyntaxError, Word, WordText};
use crate::syntax::shared_text::SharedText;

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
    pub name: WordText,
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
    /// Runs this command; `None` when that is the line as written ([`ScriptLine::text`]:
    /// most lines, which would otherwise hold their text twice).
    Runs(Option<Box<str>>),
    /// An `if` decided false now: nothing runs.
    FoldedAway,
    /// An `if` that only the node can decide: the line runs as written.
    DecidedAtBoot(Box<[String]>),
    /// The node's `if` itself fails on this line (and the rest of the list is skipped).
    ConditionFails(Box<str>),
    /// The node fails this line, which is not an `if` (a malformed assignment): the rest of
    /// the list is skipped.
    Fails(Box<str>),
    /// The line does not parse.
    Invalid,
}

/// A list most records leave empty, behind one thin pointer: 8 bytes in every record instead
/// of a slice's 16 (a 100,000-line policy has 100,000 records).
#[allow(clippy::box_collection)]
pub type Rare<T> = Option<Box<Vec<T>>>;

/// One entry of the `script` list after resolution.
#[derive(Clone, Debug, PartialEq)]
pub struct ScriptLine {
    /// Position in the list.
    pub index: usize,
    /// The string literal's span.
    pub span: Span,
    /// The line as the node reads it (stripped): the policy's own string when that is the
    /// whole line (nearly always), not a copy of it.
    pub text: SharedText,
    /// What happens to it.
    pub outcome: LineOutcome,
    /// Every reference in it (in a chunk shared with the lines around it).
    pub refs: Pooled<RefUse>,
    /// Its words as the node's tokenizer splits them, with their place in the policy (read
    /// them with [`ScriptLine::words`]: their text is kept as a range of [`Self::text`]),
    /// in a chunk shared with the lines around it.
    pub(crate) words: Pooled<LineWord>,
    /// The texts of the few words that are no range of [`Self::text`] (tabs in a group).
    pub(crate) odd_words: Rare<WordText>,
    /// Where the words are written: each word's range of the text, moved by the start of
    /// [`Self::span`] plus this many bytes (a literal of one run of bytes: nearly every line)...
    pub(crate) word_base: u32,
    /// ... unless the spans are listed here, one per word (escapes in the literal, a word
    /// whose text is no range of the line).
    pub(crate) word_spans: Rare<Span>,
    /// The command it runs (the `then` part of an `if`, even when folded away), matched
    /// against the command catalog.
    pub command: Option<CommandUse>,
    /// A `&` that ends the command early (the rest is queued as another command, §2.7).
    pub ampersand: Option<Box<Span>>,
    /// The commands a `process`ed script runs (elpc read and interpreted it), in order.
    pub processed: Rare<Emitted>,
    /// The list stops at this line on some or all boot paths.
    pub stops: Option<ListStop>,
    /// An earlier line stopped the list on every boot path: this one never runs.
    pub unreachable: bool,
    /// Why the line fails on the node, as the engine found it (reported as `script-stops`
    /// when no policy rule explains the failure).
    pub failure: Option<Box<Cause>>,
    /// For an `if` only the node decides: the line with the references of its `then` command
    /// resolved as that command would resolve them (what the command list shows, so that its
    /// text and its arguments come from one resolution); `None` when that is the line as
    /// written ([`ScriptLine::text`]).
    pub boot_text: Option<Box<String>>,
}

/// Why the list stops at a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListStop {
    /// The node's return code.
    pub code: i32,
    /// On every boot path (else only on some).
    pub definite: bool,
}

impl ScriptLine {
    /// The commands a `process`ed script runs (elpc read and interpreted it), in order.
    pub fn processed(&self) -> &[Emitted] {
        self.processed.as_deref().map_or(&[], Vec::as_slice)
    }

    /// The command the line runs now, with known references filled in (`None` unless it
    /// runs: see [`LineOutcome`]).
    pub fn runs(&self) -> Option<&str> {
        match &self.outcome {
            LineOutcome::Runs(text) => Some(text.as_deref().unwrap_or(&self.text)),
            _ => None,
        }
    }

    /// Its words as the node's tokenizer splits them, with their place in the policy.
    pub fn words(&self) -> impl ExactSizeIterator<Item = WordRef<'_>> + Clone + '_ {
        // The text read once, not per word (it is a range of the policy's text).
        let text = self.text.as_str();
        (self.words.as_slice().iter())
            .enumerate()
            .map(move |(i, w)| self.word(text, i, w))
    }

    /// The text and span of word `i` of this line, whose text is `line`.
    #[inline]
    fn word<'a>(&'a self, line: &'a str, i: usize, w: &LineWord) -> WordRef<'a> {
        let text = match w.text() {
            Some(range) => line.get(range).unwrap_or(""),
            None => (self.odd_words.as_deref())
                .and_then(|odd| odd.get(w.to as usize))
                .map_or("", |t| t.as_str()),
        };
        let span = match &self.word_spans {
            Some(spans) => spans.get(i).copied().unwrap_or(self.span),
            None => offset_span(self.span, self.word_base, w.written()),
        };
        WordRef { text, span }
    }

    /// Asks the processor for the parts of the record the rules read first (its text, words
    /// and references), for a pass that will reach it soon ([`crate::prefetch`]).
    pub(crate) fn prefetch(&self) {
        use crate::prefetch::prefetch;
        prefetch(self.text.as_ptr());
        prefetch(self.words.as_ptr());
        prefetch(self.refs.as_ptr());
    }

    /// The words between `if` and `then` (or the end), when the line is an `if`.
    pub fn condition_words(&self) -> Option<impl Iterator<Item = WordRef<'_>> + Clone + '_> {
        let mut words = self.words();
        if words.next()?.text != "if" {
            return None;
        }
        Some(words.take_while(|w| w.text != "then"))
    }

    /// The words of the command the line runs: after `then` for an `if`, else all of them.
    pub fn command_words(&self) -> impl ExactSizeIterator<Item = WordRef<'_>> + Clone + '_ {
        let start = self
            .words()
            .position(|w| w.text == "then")
            .map_or(0, |i| i + 1);
        self.words().skip(start)
    }
}

/// Where one word of a script line's text is: bytes `from..to` of [`ScriptLine::text`] (the
/// [`INSIDE`] bit of `to` set when the word is written with `"` around them), or (`from ==
/// u32::MAX`) entry `to` of the line's odd words. 8 bytes: a policy's lines hold about ten
/// words each, and a span per word (12 more bytes) is kept only for the lines that need one
/// ([`ScriptLine::word_spans`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineWord {
    from: u32,
    to: u32,
}

/// The bit of [`LineWord::to`] that says the word is written with a `"` on each side.
const INSIDE: u32 = 1 << 31;

impl LineWord {
    /// Its range of the line's text (`None` for an odd word).
    #[inline]
    fn text(&self) -> Option<std::ops::Range<usize>> {
        (self.from != u32::MAX).then_some(self.from as usize..(self.to & !INSIDE) as usize)
    }

    /// Where it is written in the line's text, quotes included (an odd word: nowhere).
    #[inline]
    fn written(&self) -> (u32, u32) {
        match self.to & INSIDE {
            0 => (self.from, self.to),
            _ => (
                self.from.wrapping_sub(1),
                (self.to & !INSIDE).wrapping_add(1),
            ),
        }
    }
}

/// A word's span when its line's words are at `base` bytes from the start of the line's span.
#[inline]
fn offset_span(line: Span, base: u32, (start, end): (u32, u32)) -> Span {
    let at = line.start.wrapping_add(base);
    Span {
        file: line.file,
        start: at.wrapping_add(start),
        end: at.wrapping_add(end),
    }
}

/// A word holds no span: where it is written is a distance from its line's span
/// ([`ScriptLine::word_base`]), which moves with that span, or listed in the line
/// ([`ScriptLine::word_spans`]).
impl crate::resolve::spans::Spans for LineWord {
    fn spans(&self, _: &mut dyn FnMut(&Span)) {}
    fn shift(&mut self, _: &mut crate::resolve::spans::Shifter) {}
}

/// One word of a script line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WordRef<'a> {
    /// The word as the node sees it.
    pub text: &'a str,
    /// Where it is written in the policy.
    pub span: Span,
}

/// A line's words as its record keeps them (see [`LineWord`]).
struct KeptWords {
    words: Pooled<LineWord>,
    odd: Rare<WordText>,
    base: u32,
    spans: Rare<Span>,
}

impl ScriptLine {
    fn keep(&mut self, kept: KeptWords) {
        self.words = kept.words;
        self.odd_words = kept.odd;
        self.word_base = kept.base;
        self.word_spans = kept.spans;
    }
}

/// The words of a line written at `line`, kept as ranges of its `text` where they are one,
/// each with its span (`words` and `spans` in step). The words are read in place: only the
/// rare text that is no range of the line is copied. The spans are kept as one distance from
/// the line's span when every word is at that distance (checked, word by word, with the
/// formula that reads them back), else listed.
fn keep_words(
    text: &str,
    words: &[Word],
    spans: impl Iterator<Item = Span> + Clone,
    (line, pool): (Span, &mut Pool<LineWord>),
) -> KeptWords {
    let bytes = text.as_bytes();
    let mut odd = Vec::new();
    // The distance of the first word; every word is then checked against it.
    let base = match (words.first(), spans.clone().next()) {
        (Some(w), Some(span)) => span
            .start
            .wrapping_sub(line.start)
            .wrapping_sub(w.range.start as u32),
        _ => 0,
    };
    let mut at_base = true;
    let kept = pool.add(words.iter().zip(spans.clone()).map(|(w, span)| {
        // The tokenizer's text is the written range, or its inside for a `"…"` word; the
        // tokenizer says so for most words (`as_written`), the others are compared.
        let r = w.text_range();
        let inside = r.start != w.range.start;
        let in_line = w.as_written
            || bytes
                .get(r.clone())
                .is_some_and(|b| same(b, w.text.as_bytes()));
        if r.end < INSIDE as usize && in_line {
            let word = LineWord {
                from: r.start as u32,
                to: r.end as u32 | if inside { INSIDE } else { 0 },
            };
            // Read back as `ScriptLine::word` reads it.
            at_base &= offset_span(line, base, word.written()) == span;
            word
        } else {
            at_base = false;
            odd.push(w.text.clone());
            LineWord {
                from: u32::MAX,
                to: (odd.len() - 1) as u32,
            }
        }
    }));
    odd.shrink_to_fit();
    KeptWords {
        words: kept,
        odd: (!odd.is_empty()).then(|| Box::new(odd)),
        base,
        spans: (!at_base).then(|| Box::new(spans.take(words.len()).collect())),
    }
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
    /// The literal's only run ([`StrLit::only_run`]), looked up once for all the line's spans.
    run: Option<(u32, u32)>,
}

impl<'a> LineMap<'a> {
    fn new(lit: &'a StrLit, file: FileId, offset: usize) -> LineMap<'a> {
        LineMap {
            lit,
            file,
            offset,
            run: lit.only_run(),
        }
    }

    /// [`StrLit::span_of`] of the range of the line.
    fn span(&self, range: std::ops::Range<usize>) -> Span {
        let (start, end) = (range.start + self.offset, range.end + self.offset);
        match self.run {
            // What `span_of` computes for a literal of one run, without asking it per word.
            Some((value_at, source_at)) if start as u32 >= value_at => Span {
                file: self.file,
                start: source_at + (start as u32 - value_at),
                end: source_at + (end as u32 - value_at),
            },
            _ => self.lit.span_of(self.file, start..end),
        }
    }
}

/// Runs every line of a `script` list value in order from `scope`, through `eng`.
pub fn run_script(node: &Node, scope: &mut Scope, eng: &mut Engine) -> Vec<ScriptLine> {
    let NodeKind::Array(items) = &node.kind else {
        return Vec::new();
    };
    // The list runs with the caller's status object: its last `if` result is unknown here.
    let mut state = Some(State {
        if_result: Tri::AtBoot,
        ..State::new(scope.clone())
    });
    // One record per item, allocated once (a record is about 500 bytes: growing by doubling
    // left up to half the vector unused and copied it at every step).
    let mut lines = Vec::with_capacity(items.len());
    let mut lent = Lent::default();
    for (index, item) in items.iter().enumerate() {
        let NodeKind::Str(lit) = &item.kind else {
            continue;
        };
        lines.push(run_line(
            index, item.span, lit, &mut state, scope, eng, &mut lent,
        ));
        lent.settle(&mut lines, false);
    }
    lent.settle(&mut lines, true);
    if let Some(st) = state {
        *scope = st.scope;
    }
    lines
}

/// One line's record (see [`run_script`]); `state` is `None` once the list has stopped.
/// `lent` is room for the line's words and references, lent by the caller for all its lines.
#[allow(clippy::too_many_arguments)]
pub(super) fn run_line(
    index: usize,
    span: Span,
    lit: &StrLit,
    state: &mut Option<State>,
    last_scope: &mut Scope,
    eng: &mut Engine,
    lent: &mut Lent,
) -> ScriptLine {
    lent.refs.clear();
    let mut boot_text = None;
    let mut line = record_line(
        index,
        span,
        lit,
        state,
        last_scope,
        eng,
        lent,
        &mut boot_text,
    );
    // Kept as long as the compilation: exact slices, no spare slots.
    line.refs = lent.kept_refs.add(lent.refs.drain(..));
    line.boot_text = boot_text.map(Box::new);
    line
}

/// Vectors a script run lends to each of its lines in turn, emptied by each: the line's
/// words as split, and its references before they are stored (a vector of each per line was
/// an allocation and a free per line, and the references' grew 0 -> 4 -> 8 and was then cut
/// to size).
#[derive(Default)]
pub(super) struct Lent {
    words: Vec<Word>,
    refs: Vec<RefUse>,
    /// The records' words and references, kept in chunks shared by many lines
    /// ([`Lent::settle`]).
    kept_words: Pool<LineWord>,
    kept_refs: Pool<RefUse>,
    /// The commands' arguments, kept the same way.
    args: ArgStore,
}

impl Lent {
    /// Gives the lines recorded since the last call the shared chunks of their words,
    /// references and arguments, for each kind once a chunk's worth is written (`all`: at
    /// the end of the run, whatever is written).
    pub(super) fn settle(&mut self, lines: &mut [ScriptLine], all: bool) {
        self.kept_words
            .freeze(lines, all, |line| Some(&mut line.words));
        self.kept_refs
            .freeze(lines, all, |line| Some(&mut line.refs));
        (self.args.pool).freeze(lines, all, |line| {
            line.command.as_mut().map(|c| &mut c.args)
        });
    }
}

/// The record without its references and boot-time text, which are collected into
/// `lent.refs` and `boot_text` (stored as exact slices by [`run_line`]).
#[allow(clippy::too_many_arguments)]
fn record_line(
    index: usize,
    span: Span,
    lit: &StrLit,
    state: &mut Option<State>,
    last_scope: &mut Scope,
    eng: &mut Engine,
    lent: &mut Lent,
    boot_text: &mut Option<String>,
) -> ScriptLine {
    let raw = &*lit.value;
    let trimmed_start = raw.len() - raw.trim_start().len();
    let mut text = raw.trim();
    let mut offset = trimmed_start;
    if text.len() >= 2 && text.starts_with('\'') && text.ends_with('\'') {
        text = &text[1..text.len() - 1];
        offset += 1;
    }
    let map = LineMap::new(lit, span.file, offset);
    let mut line = ScriptLine {
        index,
        span,
        // The part of the policy's string the node reads (nearly always all of it), shared.
        text: lit.value.sub(offset..offset + text.len()),
        outcome: LineOutcome::Skipped,
        refs: Pooled::default(),
        words: Pooled::default(),
        odd_words: None,
        word_base: 0,
        word_spans: None,
        command: None,
        ampersand: None,
        processed: None,
        stops: None,
        unreachable: state.is_none(),
        failure: None,
        boot_text: None,
    };
    if text.is_empty() || text.starts_with('#') {
        return line;
    }
    let Lent {
        words: lent_words,
        refs,
        kept_words: kept,
        args,
        ..
    } = lent;
    let tokens = match tokenize_into(text, lent_words) {
        Ok(t) => t,
        Err(e) => {
            eng.report(syntax_error(e, &map));
            line.outcome = LineOutcome::Invalid;
            return line;
        }
    };
    line.ampersand = tokens
        .rest_after_ampersand
        .as_ref()
        .map(|r| Box::new(map.span(r.start.saturating_sub(1)..r.start)));
    let words: &[Word] = lent_words;
    if words.is_empty() {
        return line;
    }
    // What the line means is read in the scope before it runs.
    let scope: &Scope = match state {
        Some(st) => &st.scope,
        None => last_scope,
    };
    line.outcome = if words[0].text == "if" {
        match describe_if(
            &line.text,
            words,
            &map,
            scope,
            (refs, &mut line.command, boot_text, args),
        ) {
            Ok(outcome) => outcome,
            Err(e) => {
                eng.report(syntax_error(e, &map));
                line.keep(line_words(text, words, &map, (span, kept)));
                return line; // the node fails the line before running anything
            }
        }
    } else {
        record_refs(words, &map, scope, refs, |_| RefContext::Value);
        let mut values = WordValues::default();
        line.command = parse_command_in(
            words,
            scope,
            &|r| map.span(r),
            (Guard::Always, &mut values),
            args,
        );
        match crate::resolve::assignment::effect(words, scope) {
            Some(crate::resolve::assignment::Effect::Fails { message, .. }) => {
                LineOutcome::Fails(message.into())
            }
            // A data assignment runs as written; `x = command` runs its (substituted) command.
            Some(_) => LineOutcome::Runs(None),
            None => LineOutcome::Runs(
                substitute_changed(text, words, scope, &mut values)
                    .filter(|t| t != text)
                    .map(String::into_boxed_str),
            ),
        }
    };
    // What the line does.
    let Some(mut st) = state.take() else {
        line.keep(line_words(text, words, &map, (span, kept)));
        return line;
    };
    st.emitted.clear();
    eng.missing = None;
    let files_before = eng.files_run;
    let cmd = Cmd::with_words(text, span, Ok(std::mem::take(lent_words)), &|r| map.span(r));
    let branches = group(exec(eng, &cmd, st));
    // The words move into the record, with the spans the command computed.
    if let Ok(words) = cmd.words {
        line.keep(keep_words(
            text,
            &words,
            cmd.spans.iter().copied(),
            (span, kept),
        ));
        // The vector goes back to the run for its next line.
        *lent_words = words;
    }
    // The policy's own rules report most failures; what they miss is reported after them.
    line.failure = eng.cause.take().map(Box::new);
    let missing = eng.missing.take();
    let mut emitted: Option<Vec<Emitted>> = None;
    let mut continuing: Option<State> = None;
    let mut stop_code = None;
    for b in branches {
        emitted = Some(match emitted {
            Some(e) => merge_emitted(e, b.state.emitted.clone()),
            None => b.state.emitted.clone(),
        });
        if b.ret.code == code::SUCCESS {
            continuing = Some(match continuing {
                Some(c) => c.join(b.state),
                None => b.state,
            });
        } else {
            stop_code.get_or_insert(b.ret.code);
            *last_scope = b.state.scope;
        }
    }
    let processed: Vec<Emitted> = emitted
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e.origin != span)
        .collect();
    line.processed = (!processed.is_empty()).then(|| Box::new(processed));
    if let Some(code) = stop_code {
        line.stops = Some(ListStop {
            code,
            definite: continuing.is_none(),
        });
        let from_file = eng.files_run > files_before && missing.is_none();
        if from_file {
            report_stop(eng, &line, code, continuing.is_none());
        }
    }
    // `last_scope` is read only once no path continues, and a line that ends every path sets
    // it from a stopping branch above (a line returns at least one branch): it is not kept
    // in step with the continuing state, which cost a copy of the whole scope per line
    // (quadratic in a policy that assigns many variables; issue 13).
    *state = continuing;
    line
}

/// The record's words with their places in the policy (see [`keep_words`]).
fn line_words(
    text: &str,
    words: &[Word],
    map: &LineMap,
    line: (Span, &mut Pool<LineWord>),
) -> KeptWords {
    match map.run {
        // A literal of one run that holds the whole line (nearly every line): each span is
        // the word's range moved by one amount, as `LineMap::span` computes it.
        Some((value_at, source_at)) if map.offset as u32 >= value_at => {
            let by = source_at.wrapping_add(map.offset as u32 - value_at);
            let file = map.file;
            let span = move |w: &Word| Span {
                file,
                start: (w.range.start as u32).wrapping_add(by),
                end: (w.range.end as u32).wrapping_add(by),
            };
            keep_words(text, words, words.iter().map(span), line)
        }
        _ => keep_words(
            text,
            words,
            words.iter().map(|w| map.span(w.range.clone())),
            line,
        ),
    }
}

/// The command a line runs, with known references replaced (assignments as written);
/// `words` start `offset` bytes before `text`.
fn command_text<'s>(
    text: &str,
    (words, offset): (&[Word], usize),
    scope: &'s Scope,
    values: &mut WordValues<'s>,
) -> String {
    // A data assignment runs as written; `x = command` runs its (substituted) command.
    if crate::resolve::assignment::effect(words, scope).is_some() {
        text.to_string()
    } else {
        let mut out = String::with_capacity(text.len());
        substitute_onto(&mut out, text, (words, offset), scope, values);
        out
    }
}

/// What an `if` line does, decided in `scope` without running it.
fn describe_if(
    line_text: &SharedText,
    words: &[Word],
    map: &LineMap,
    scope: &Scope,
    (refs, command, boot_text, args): (
        &mut Vec<RefUse>,
        &mut Option<CommandUse>,
        &mut Option<String>,
        &mut ArgStore,
    ),
) -> Result<LineOutcome, ScriptSyntaxError> {
    let text = line_text.as_str();
    let parsed = parse_if(words)?;
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
    let truth = evaluate(&parsed.condition, scope);
    let decided = match &truth {
        Truth::True => Some(true),
        Truth::False => Some(false),
        _ => None,
    };
    // A range of the line's text, shared (not a copy per `if` line).
    let condition_text = match (condition_words.first(), condition_words.last()) {
        (Some(a), Some(b)) => line_text.sub(a.range.start..b.range.end),
        _ => SharedText::from(""),
    };
    let mut values = WordValues::default();
    *command = parse_command_in(
        then_words,
        scope,
        &|r| map.span(r),
        (
            Guard::If {
                condition: condition_text,
                decided,
            },
            &mut values,
        ),
        args,
    );
    // The `then` words' ranges start here in the line (they are not copied to rebase them).
    let offset = then_words.first().map_or(0, |w| w.range.start);
    let then_text = then_words
        .first()
        .map(|first| &text[first.range.start..words[words.len() - 1].range.end]);
    Ok(match truth {
        Truth::True => match then_text {
            Some(t) => LineOutcome::Runs(Some(
                command_text(t, (then_words, offset), scope, &mut values).into_boxed_str(),
            )),
            None => LineOutcome::FoldedAway,
        },
        Truth::False => LineOutcome::FoldedAway,
        Truth::AtBoot { depends_on } => {
            if let (Some(t), Some(first)) = (then_text, then_words.first()) {
                let head = &text[..first.range.start];
                let mut line = String::with_capacity(head.len() + t.len());
                line.push_str(head);
                substitute_onto(&mut line, t, (then_words, offset), scope, &mut values);
                // Kept in the record only when a reference changed it (then exactly sized).
                if line != text {
                    line.shrink_to_fit();
                    *boot_text = Some(line);
                }
            }
            LineOutcome::DecidedAtBoot(depends_on.into_boxed_slice())
        }
        Truth::RuntimeError { message } | Truth::Crash { message } => {
            LineOutcome::ConditionFails(message.into())
        }
    })
}

fn is_comparison(word: &str) -> bool {
    crate::resolve::condition::OPERATORS.contains(&word)
}

/// The references of `words`, each looked up in `scope`.
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
        let range = &word.range;
        let base = range.start + usize::from(word.quoted == Quote::Double);
        each_reference(&word.text, |r| {
            let defined = match r.sigil {
                // `!!name` in a where-clause is resolved twice, so `name` is what must exist.
                Sigil::Param => scope.get(r.name.trim_start_matches('!')).is_some(),
                Sigil::Env => scope
                    .env_layers()
                    .get(r.name)
                    .is_some_and(|v| !v.value.is_empty()),
            };
            out.push(RefUse {
                sigil: r.sigil,
                name: r.name.into(),
                span: map.span(base + r.range.start..base + r.range.end),
                context: context(i),
                defined,
                after_process: scope.opaque_after(),
            });
        });
    }
}

/// A 100,000-line policy keeps about a million words and a hundred thousand records for as
/// long as its compilation lives (issue 13: peak memory at most 20 times the input): a field
/// added to one of these grows every compilation, so the sizes are held here on purpose.
#[cfg(all(test, target_pointer_width = "64"))]
mod record_sizes {
    use std::mem::size_of;

    #[test]
    fn per_line_records_stay_small() {
        let sizes = [
            size_of::<super::LineWord>(),
            size_of::<crate::resolve::command::Arg>(),
            size_of::<crate::resolve::command::CommandUse>(),
            size_of::<super::ScriptLine>(),
            size_of::<super::RefUse>(),
        ];
        // LineWord, Arg, CommandUse, ScriptLine, RefUse. A record grew from 264 to 304 bytes
        // (a command 104 -> 120) when its words, references and arguments moved into shared
        // chunks and its text and `if` condition became ranges of the policy's text: 40
        // bytes more per line, up to five allocations fewer.
        let budget = [8, 112, 120, 304, 56];
        assert!(
            sizes.iter().zip(budget).all(|(size, most)| *size <= most),
            "{sizes:?} > {budget:?}"
        );
    }
}

/// A record keeps its words' places as one distance from its span when it can and lists them
/// when it cannot: read back, either way, each span is where the word is written.
#[cfg(test)]
mod word_places {
    use crate::{compile, Input, Options};

    #[test]
    fn every_word_span_is_where_the_word_is_written() {
        let policy = r#"{'config': {'script': [
            'connect dbms almgm where type = sqlite',
            '  if !x == "a b" then echo [one,	two] done',
            'echo \'hi\' there "x y" done',
            "set  a = 'b'"]}}"#;
        let c = compile(&Input::text("p.policy", policy), &[], &Options::default());
        let lines = &c.output.as_ref().expect("the policy parses").lines;
        assert_eq!(lines.len(), 4);
        for line in lines {
            assert!(line.words().len() > 3, "{:?}", line.text);
            for w in line.words() {
                let written = &policy[w.span.start as usize..w.span.end as usize];
                let unescaped = written.replace("\\'", "'");
                assert!(
                    unescaped == w.text
                        || unescaped == format!("\"{}\"", w.text)
                        || unescaped.replace('\t', " ") == w.text,
                    "{written:?} for {:?} in {:?}",
                    w.text,
                    line.text
                );
            }
        }
        // Lines of one run keep a distance; escapes and a tab in a group list the spans.
        let listed: Vec<bool> = lines.iter().map(|l| l.word_spans.is_some()).collect();
        assert_eq!(listed, [false, true, true, false]);
    }
}
