//! The rest of a previous script run, reused after an edit (issue 13): once the new run has
//! passed the changed items and reaches an item where the previous run took a copy, and the
//! new run is in exactly the state of that copy (script state, stop scope, engine), every
//! later item gives what it gave before. Its records, engine findings and later copies are
//! moved over and the run stops there.
//!
//! Exact because the items from the copy on are equal, a line's record and findings depend
//! only on its item, the state it starts in and the options (the reason copies can be resumed
//! at all), and nothing the run records depends on a line or column: only on byte spans.
//! When the edit changed the text's length, every span of the previous run is moved by it
//! ([`Shift`]) before it is compared or reused: the later items are then the same bytes at
//! moved places (so they parse to the same items, moved), and a line's spans are its item's
//! spans plus offsets within it, or spans of the state it starts in, which was compared moved.
//! A state holding a span among the changed bytes (which has no place in the new text) is
//! never taken as the same. Anything else (an assignment that changes a value, a file read,
//! a change in the number of items) runs the rest.

use super::{Checkpoint, Items, Previous, ScriptRun};
use crate::diagnostic::Diagnostic;
use crate::resolve::engine::{Engine, State};
use crate::resolve::scope::Scope;
use crate::resolve::script::ScriptLine;
use crate::resolve::spans::{Shift, Shifter, Spans};
use crate::syntax::policy::{Node, NodeKind};

#[cfg(test)]
thread_local! {
    /// How many runs on this thread reused a previous run's rest (the re-check test shows
    /// that its edits take this path).
    pub(crate) static REUSED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// What is left of the previous run after the new run resumed from one of its copies.
pub(super) struct Later<'p> {
    lines: &'p mut Vec<ScriptLine>,
    reports: &'p mut Vec<Diagnostic>,
    checkpoints: &'p mut Vec<Checkpoint>,
    end_scope: Scope,
    /// The number of script files the previous run had run when it ended.
    end_files_run: usize,
    /// The step counts of the previous run and of the new one at the copy reused.
    steps: (usize, usize),
    /// The records and findings already moved out of `lines` and `reports`.
    taken: (usize, usize),
    /// The next copy to compare with.
    next: usize,
    /// How the previous text's spans move to the new text's.
    shift: Shift,
}

impl<'p> Later<'p> {
    /// The copies of `previous` after item `first` (where the new run starts) whose item and
    /// every later one equal the new `items` (moved by the edit); `None` when there are none,
    /// the edit is not known or the number of items changed. `taken`: the records and
    /// findings the new run already moved out.
    pub(super) fn new(
        items: &[Node],
        previous: Previous<'p>,
        first: usize,
        taken: (usize, usize),
    ) -> Option<Later<'p>> {
        let Previous {
            items: before,
            lines,
            run,
            shift,
        } = previous;
        let shift = shift?;
        let from = match before {
            Items::Old(before) if items.len() == before.len() => {
                let equal_tail = items
                    .iter()
                    .rev()
                    .zip(before.iter().rev())
                    .take_while(|(a, b)| same_moved(a, b, shift))
                    .count();
                items.len() - equal_tail
            }
            Items::Patched { len, edited } if len == items.len() => edited + 1,
            _ => return None,
        };
        let ScriptRun {
            checkpoints,
            reports,
            end_scope,
            end_files_run,
            read_nothing,
        } = run;
        // A file the previous run read after the copy is not in the new run's sources.
        if !*read_nothing {
            return None;
        }
        let end_scope = end_scope.clone()?;
        let end_files_run = (*end_files_run)?;
        let next = checkpoints.partition_point(|c| c.item <= first || c.item < from);
        (next < checkpoints.len()).then_some(Later {
            lines,
            reports,
            checkpoints,
            end_scope,
            end_files_run,
            steps: (0, 0),
            taken,
            next,
            shift,
        })
    }

    /// True when the previous run took a copy at item `index` and the new run, about to run
    /// that item, is in the same state.
    pub(super) fn reuse_at(
        &mut self,
        index: usize,
        state: &Option<State>,
        scope: &Scope,
        eng: &Engine,
    ) -> bool {
        while self
            .checkpoints
            .get(self.next)
            .is_some_and(|c| c.item < index)
        {
            self.next += 1;
        }
        let shift = self.shift;
        let Some(c) = self
            .checkpoints
            .get_mut(self.next)
            .filter(|c| c.item == index)
        else {
            return false;
        };
        self.next += 1;
        // Compared (and, if reused, kept) moved to the new text.
        if !Shifter::apply(shift, c) {
            return false;
        }
        let c = &*c;
        // The step count may differ (an edited line may take more or fewer steps) when the
        // previous run ran no script file after the copy: only such a run reads the count.
        let no_file_run_later = self.end_files_run == c.engine.files_run();
        let engine_same = eng.mark().is_some_and(|m| {
            self.steps = (c.engine.steps(), m.steps());
            m.same_but_steps(&c.engine) && (m.steps() == c.engine.steps() || no_file_run_later)
        });
        engine_same
            && c.lines >= self.taken.0
            && c.reports >= self.taken.1
            && scope.same_as(&c.last_scope)
            && same_state(state, &c.state)
    }

    /// Moves the previous run's records, findings and copies from the copy [`Later::reuse_at`]
    /// accepted onto the new run (`made`: the records and findings the new run made so far),
    /// and sets `scope` to the scope the previous run ended with. False (nothing moved) when
    /// the previous run does not hold them.
    pub(super) fn splice(
        &mut self,
        made: (usize, usize),
        lines: &mut Vec<ScriptLine>,
        eng: &mut Engine,
        run: &mut ScriptRun,
        scope: &mut Scope,
    ) -> bool {
        let at = self.next - 1;
        let c = &self.checkpoints[at];
        let base = (c.lines, c.reports);
        let (own_lines, own_reports) = (base.0 - self.taken.0, base.1 - self.taken.1);
        if own_lines > self.lines.len() || own_reports > self.reports.len() {
            return false;
        }
        // The copy reused was moved when compared; the rest is moved now. A span that cannot
        // be moved (none can, after a state compared equal) gives up the reuse.
        let mut by = Shifter::new(self.shift);
        if !self.shift.keeps_length() {
            let mut end_scope = self.end_scope.clone();
            end_scope.shift(&mut by);
            self.lines[own_lines..].shift(&mut by);
            self.reports[own_reports..].shift(&mut by);
            self.checkpoints[at + 1..].shift(&mut by);
            self.end_scope = end_scope;
        }
        if !by.ok() {
            self.checkpoints.clear();
            return false;
        }
        lines.extend(self.lines.drain(own_lines..));
        for d in self.reports.drain(own_reports..) {
            eng.diags.push(d);
        }
        for mut c in self.checkpoints.drain(at..) {
            c.lines = c.lines - base.0 + made.0;
            c.reports = c.reports - base.1 + made.1;
            c.engine.shift_steps(self.steps.0, self.steps.1);
            run.checkpoints.push(c);
        }
        *scope = self.end_scope.clone();
        run.end_scope = Some(self.end_scope.clone());
        run.end_files_run = Some(self.end_files_run);
        run.read_nothing = true;
        #[cfg(test)]
        REUSED.with(|n| n.set(n.get() + 1));
        true
    }
}

/// True when the new item `a` is the previous item `b` moved by the edit. With the length
/// kept they are compared whole; else `b` must lie after the changed bytes and `a` at its
/// moved place (the same bytes, so the same item moved: its span map is relative to them).
fn same_moved(a: &Node, b: &Node, shift: Shift) -> bool {
    if shift.keeps_length() {
        return a == b;
    }
    let same_string = match (&a.kind, &b.kind) {
        (NodeKind::Str(x), NodeKind::Str(y)) => {
            x.value == y.value && x.quote == y.quote && x.literals == y.literals
        }
        _ => false,
    };
    same_string && b.span.start >= shift.old_end && shift.span(b.span) == Some(a.span)
}

/// True when two script states are the same: variables (in order), the last `if`, the
/// commands of the line before, the guards and the assumptions.
fn same_state(a: &Option<State>, b: &Option<State>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.if_result == b.if_result
                && a.emitted == b.emitted
                && a.guards == b.guards
                && a.assumed == b.assumed
                && a.scope.same_as(&b.scope)
        }
        _ => false,
    }
}
