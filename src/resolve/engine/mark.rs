//! What the engine carries from one line of a policy's script to the next, copied so that a
//! re-check can resume the script at a later line (`crate::resolve::script_resume`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::{Engine, RunInfo, ScriptFile};
use crate::source::{FileId, Span};

/// The engine between two script lines.
#[derive(Clone, Debug)]
pub(crate) struct Mark {
    files: HashMap<String, Option<(FileId, Arc<ScriptFile>)>>,
    reported: HashSet<(&'static str, Span)>,
    steps: usize,
    info: RunInfo,
    files_run: usize,
}

impl Engine<'_> {
    /// The engine's state between two lines, or `None` when it cannot be restored by copying
    /// it: a `process` read a file into the sources, or the engine is inside a run.
    pub(crate) fn mark(&self) -> Option<Mark> {
        let between_lines = self.stack.is_empty()
            && self.via.is_empty()
            && self.cause.is_none()
            && self.missing.is_none()
            && self.trace.is_none()
            && self.stop_after.is_none()
            && !self.deployment;
        let read_nothing = self.files.values().all(Option::is_none);
        (between_lines && read_nothing).then(|| Mark {
            files: self.files.clone(),
            reported: self.reported.clone(),
            steps: self.steps,
            info: self.info.clone(),
            files_run: self.files_run,
        })
    }

    /// Puts the engine back in a marked state (a fresh engine over the same options).
    pub(crate) fn resume(&mut self, mark: &Mark) {
        self.files = mark.files.clone();
        self.reported = mark.reported.clone();
        self.steps = mark.steps;
        self.info = mark.info.clone();
        self.files_run = mark.files_run;
    }
}

impl Mark {
    /// True when both marks restore the same engine but for the step count, which only a run
    /// of a script file `process` read reads (against the step budget): a mark holds no file
    /// read (see [`Engine::mark`]).
    pub(crate) fn same_but_steps(&self, other: &Mark) -> bool {
        let no_file = |m: &Mark| m.files.values().all(Option::is_none);
        no_file(self)
            && no_file(other)
            && self.files.len() == other.files.len()
            && self.files.keys().all(|k| other.files.contains_key(k))
            && self.reported == other.reported
            && self.info.files == other.info.files
            && self.info.links == other.info.links
            && self.files_run == other.files_run
    }

    /// The step count.
    pub(crate) fn steps(&self) -> usize {
        self.steps
    }

    /// Moves the step count by `to - from` (a mark of a run that reached `from` steps where
    /// the run it now belongs to reached `to`).
    pub(crate) fn shift_steps(&mut self, from: usize, to: usize) {
        self.steps = self.steps - from + to;
    }

    /// The number of script files run.
    pub(crate) fn files_run(&self) -> usize {
        self.files_run
    }
}

/// `files` is not visited: a mark holds no file read (see [`Engine::mark`]), only the paths
/// found missing.
impl crate::resolve::spans::Spans for Mark {
    fn spans(&self, f: &mut dyn FnMut(&Span)) {
        let Mark {
            files: _,
            reported,
            steps: _,
            info,
            files_run: _,
        } = self;
        reported.spans(f);
        info.spans(f);
    }
    fn shift(&mut self, by: &mut crate::resolve::spans::Shifter) {
        let Mark {
            files: _,
            reported,
            steps: _,
            info,
            files_run: _,
        } = self;
        reported.shift(by);
        info.shift(by);
    }
}
