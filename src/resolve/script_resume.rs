//! A policy's script run that a re-check can resume at a later line (issue 13): every
//! [`EVERY`] items or more the run copies what the next line starts from (the engine's state, the
//! scope the list stops with, the line records and engine findings so far); the next re-check
//! of the same policy, with the same env stage and options, takes the last copy before the
//! first item that changed, reuses the records and findings before it, and runs the rest.
//!
//! Resuming is exact because a line's record and findings depend only on the items before
//! it (compared whole, spans included), the scope the script starts in, the options and the
//! engine state, which are restored as they were. The caller resumes only with the same env
//! stage and options and without an active path map (through which the run reads files on
//! this machine that may have changed since). Copies stop at the first line after which the
//! engine cannot be restored by copying (a `process` that read a file into the sources).

use crate::diagnostic::Diagnostic;
use crate::resolve::engine::mark::Mark;
use crate::resolve::engine::{Engine, State, Tri};
use crate::resolve::scope::Scope;
use crate::resolve::script::{run_line, Lent, ScriptLine};
use crate::resolve::spans::{spans_struct, Shift};
mod later;
use crate::syntax::policy::{Node, NodeKind};
use later::Later;
#[cfg(test)]
pub(crate) use later::REUSED;

/// Items between two copies (small in unit tests, so that short policies resume).
const EVERY: usize = if cfg!(test) { 3 } else { 256 };

/// A copy holds the scope twice; copying a variable costs about a hundredth of running a
/// line, so copies are also spaced by one line per this many variables: copying stays a small
/// part of the run even when the script assigns thousands of variables (one copy per 256 lines
/// of a script that assigns one every fourth line would cost as much as running it).
const VARS_PER_LINE: usize = if cfg!(test) { usize::MAX } else { 16 };

/// What the run starts an item with.
#[derive(Clone, Debug)]
struct Checkpoint {
    /// The item about to run.
    item: usize,
    /// Records before it.
    lines: usize,
    /// Engine findings before it.
    reports: usize,
    state: Option<State>,
    /// The scope the list leaves when no path continues.
    last_scope: Scope,
    engine: Mark,
}

spans_struct!(Checkpoint {
    item,
    lines,
    reports,
    state,
    last_scope,
    engine,
});

/// What a script run leaves for the next re-check of the same policy.
#[derive(Clone, Debug, Default)]
pub(crate) struct ScriptRun {
    checkpoints: Vec<Checkpoint>,
    /// The engine's findings, in the order it made them.
    reports: Vec<Diagnostic>,
    /// The scope the run ended with.
    end_scope: Option<Scope>,
    /// The number of script files the engine had run when the run ended.
    end_files_run: Option<usize>,
    /// True when the run read no file into the sources (its later records then refer to
    /// no source a new run would not have).
    read_nothing: bool,
}

/// The previous run of the policy's script, in the same env stage and options. The records,
/// findings and checkpoints a resumed run reuses are moved out of it, not copied (copying
/// half of 10,000 records was a sixth of a keystroke's re-check); what it does not reuse is
/// left where it was, to be freed with the previous analysis after publishing.
pub(crate) struct Previous<'p> {
    /// The script list's items it ran.
    pub(crate) items: Items<'p>,
    /// The records it made.
    pub(crate) lines: &'p mut Vec<ScriptLine>,
    /// Its checkpoints and findings.
    pub(crate) run: &'p mut ScriptRun,
    /// Where the policy text it ran differs from the text run now: its later records may be
    /// reused with their spans moved by it. `None`: not known (nothing later is reused).
    pub(crate) shift: Option<Shift>,
}

/// The items a previous run ran, as a new run compares its own with them.
#[cfg_attr(not(feature = "lsp"), allow(dead_code))]
pub(crate) enum Items<'p> {
    /// The previous items themselves.
    Old(&'p [Node]),
    /// The previous parse was made the new one by an edit inside item `edited` alone (the
    /// language server's patched parse): the `len` new items are the previous ones but for
    /// that one, those after it moved by the edit.
    Patched {
        /// The number of items.
        len: usize,
        /// The item edited.
        edited: usize,
    },
}

impl Items<'_> {
    /// How many leading `items` equal the previous ones.
    fn same_head(&self, items: &[Node]) -> usize {
        match self {
            Items::Old(before) => items
                .iter()
                .zip(before.iter())
                .take_while(|(a, b)| a == b)
                .count(),
            Items::Patched { len, edited } if *len == items.len() => *edited,
            Items::Patched { .. } => 0,
        }
    }
}

/// The first `n` items of `v`, moved out; `v` keeps the rest.
fn take_head<T>(v: &mut Vec<T>, n: usize) -> Vec<T> {
    let tail = v.split_off(n);
    std::mem::replace(v, tail)
}

/// A run to resume from (taken), and the new run (left for the caller).
#[derive(Default)]
pub(crate) struct Resume<'p> {
    /// The previous run, when it may be resumed.
    pub(crate) previous: Option<Previous<'p>>,
    /// The run made now.
    pub(crate) run: ScriptRun,
    /// The policy's parse, when the caller made it from the previous one (the compile then
    /// does not parse the text again).
    pub(crate) parsed: Option<crate::syntax::policy::ParsedPolicy>,
    /// The policy's words for the secret list: given when the caller followed the edit, and
    /// left by the compile for the next re-check.
    pub(crate) words: Option<crate::secrets::PolicyWords>,
}

/// [`crate::resolve::script::run_script`], resuming `previous` where its items are unchanged,
/// and reusing the rest of it where the run reaches one of its later copies in the same
/// state (see [`Later`]).
pub(crate) fn run_script_resuming(
    node: &Node,
    scope: &mut Scope,
    eng: &mut Engine,
    previous: Option<Previous>,
) -> (Vec<ScriptLine>, ScriptRun) {
    let NodeKind::Array(items) = &node.kind else {
        return (Vec::new(), ScriptRun::default());
    };
    let start = eng.diags.len();
    let mut run = ScriptRun::default();
    let mut lines = Vec::with_capacity(items.len());
    // As `run_script` starts: the caller's status object, its last `if` unknown.
    let mut state = Some(State {
        if_result: Tri::AtBoot,
        ..State::new(scope.clone())
    });
    let mut first = 0;
    let mut later = None;
    if let Some(p) = previous {
        let same = p.items.same_head(items);
        let at = p.run.checkpoints.iter().rposition(|c| c.item <= same);
        let mut taken = (0, 0);
        if let Some((at, c)) = at.map(|at| (at, &p.run.checkpoints[at])) {
            if c.lines <= p.lines.len() && c.reports <= p.run.reports.len() {
                taken = (c.lines, c.reports);
                lines = take_head(p.lines, c.lines);
                lines.reserve(items.len().saturating_sub(lines.len()));
                state = c.state.clone();
                *scope = c.last_scope.clone();
                eng.resume(&c.engine);
                for d in take_head(&mut p.run.reports, c.reports) {
                    eng.diags.push(d);
                }
                first = c.item;
                run.checkpoints = take_head(&mut p.run.checkpoints, at + 1);
            }
        }
        later = Later::new(items, p, first, taken);
    }
    let mut marking = true;
    let mut next = first + EVERY;
    let mut reused = false;
    let mut lent = Lent::default();
    for (index, item) in items.iter().enumerate().skip(first) {
        if let Some(l) = &mut later {
            if l.reuse_at(index, &state, scope, eng) {
                let made = (lines.len(), eng.diags.len() - start);
                reused = l.splice(made, &mut lines, eng, &mut run, scope);
                if reused {
                    break;
                }
            }
        }
        if marking && index >= next {
            match eng.mark() {
                Some(engine) => {
                    let vars =
                        scope.iter().count() + state.as_ref().map_or(0, |s| s.scope.iter().count());
                    next = index + EVERY.max(vars / VARS_PER_LINE);
                    run.checkpoints.push(Checkpoint {
                        item: index,
                        lines: lines.len(),
                        reports: eng.diags.len() - start,
                        state: state.clone(),
                        last_scope: scope.clone(),
                        engine,
                    });
                }
                None => marking = false,
            }
        }
        let NodeKind::Str(lit) = &item.kind else {
            continue;
        };
        lines.push(run_line(
            index, item.span, lit, &mut state, scope, eng, &mut lent,
        ));
        lent.settle(&mut lines, false);
    }
    lent.settle(&mut lines, true);
    if !reused {
        if let Some(st) = state {
            *scope = st.scope;
        }
        run.end_scope = Some(scope.clone());
        run.end_files_run = Some(eng.files_run);
        run.read_nothing = eng.mark().is_some();
    }
    run.reports = eng.diags.iter().skip(start).cloned().collect();
    (lines, run)
}
