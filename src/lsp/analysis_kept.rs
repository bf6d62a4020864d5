//! What an [`Analysis`] keeps for later (issue 13): the `policy` and `resolved` outputs,
//! built on first use (a keystroke's re-check publishes findings only), and the script run a
//! later re-check of the same policy resumes.

use serde_json::Value as Json;

use crate::compile::editor_outputs;
use crate::diagnostic::Diagnostics;
use crate::resolve::script_resume::Previous;
use crate::resolve::spans::Shift;
use crate::secrets::PolicyWords;
use crate::source::FileId;
use crate::syntax::policy::{NodeKind, ParsedPolicy};

use super::analysis::Analysis;

/// A value computed on first use.
#[derive(Clone, Debug, Default)]
pub(super) struct Lazy<T>(std::sync::OnceLock<T>);

impl<T> Lazy<T> {
    /// A value already known.
    pub(super) fn ready(value: T) -> Lazy<T> {
        Lazy(value.into())
    }
}

impl Analysis {
    /// The policy as the node stores it (the `policy` output of `elpc compile`).
    pub fn policy_json(&self) -> Option<&Json> {
        match self.outputs() {
            Some((policy, _)) => Some(policy),
            None => self.compilation.output.as_ref().map(|o| &o.policy),
        }
    }

    /// The policy with its references resolved (the `resolved` output of `elpc compile`).
    pub fn resolved_json(&self) -> Option<&Json> {
        match self.outputs() {
            Some((_, resolved)) => Some(resolved),
            None => self.compilation.output.as_ref().map(|o| &o.resolved),
        }
    }

    fn outputs(&self) -> Option<&(Json, Json)> {
        self.outputs
            .0
            .get_or_init(|| editor_outputs(&self.compilation))
            .as_ref()
    }

    /// The parse of the policy's new `text`, made from this analysis's parse when the edit
    /// lies inside one string literal (`super::reparse`), with the policy's words for the
    /// secret list moved out of this analysis and brought up to date.
    pub(super) fn patched_parse(
        &mut self,
        text: &[u8],
    ) -> Option<(ParsedPolicy, Option<PolicyWords>)> {
        let old = self.compilation.sources.get(FileId(0)).text();
        let new = std::str::from_utf8(text).ok()?;
        let shift = Shift::between(FileId(0), old.as_bytes(), text)?;
        let syntax = self.compilation.syntax.as_ref()?;
        let findings = &self.compilation.diagnostics;
        let patched = super::reparse::patched(syntax, findings, old, new, shift)?;
        let words = self.words.take().map(|mut words| {
            words.replace(&patched.values.0, &patched.values.1);
            words
        });
        Some((patched.tree, words))
    }

    /// This analysis's script run, for the next re-check to resume: the records, findings
    /// and checkpoints it reuses are moved out of this analysis, which is replaced by the
    /// new one right after (and must not be read again).
    /// `text`: the policy's new text (where it changed moves the reused records' spans).
    pub(super) fn script_previous(&mut self, text: &[u8]) -> Option<Previous<'_>> {
        let old = self.compilation.sources.get(FileId(0)).text().as_bytes();
        let shift = Shift::between(FileId(0), old, text);
        let root = &self.compilation.syntax.as_ref()?.root;
        let document = crate::resolve::policy::document(root, &mut Diagnostics::new())?;
        let NodeKind::Array(items) = &document.body.get("script")?.value.kind else {
            return None;
        };
        Some(Previous {
            items,
            lines: &mut self.compilation.output.as_mut()?.lines,
            run: &mut self.script_run.0,
            shift,
        })
    }
}
