//! What an [`Analysis`] keeps for later (issue 13): the `policy` and `resolved` outputs,
//! built on first use (a keystroke's re-check publishes findings only), and the script run a
//! later re-check of the same policy resumes.

use serde_json::Value as Json;

use crate::compile::editor_outputs;
use crate::diagnostic::Diagnostics;
use crate::resolve::script_resume::{Items, Previous};
use crate::resolve::spans::Shift;
use crate::secrets::PolicyWords;
use crate::source::FileId;
use crate::syntax::policy::{Node, NodeKind, ParsedPolicy};

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

    /// What the re-check of the policy's new `text` takes from this analysis, which is
    /// replaced by the new one right after (and must not be read again): the parse made from
    /// this one when the edit lies inside one string literal (`super::reparse`; this
    /// analysis's tree itself when that literal is a script item, else a copy), the policy's
    /// words for the secret list brought up to date with it, and the script run to resume
    /// (the records, findings and checkpoints it reuses are moved out; where the text
    /// changed moves their spans).
    pub(super) fn take_for_recheck(&mut self, text: &[u8]) -> Kept<'_> {
        // Never resumed again: should the re-check that takes its records fail (a caught
        // panic), this half-emptied analysis stays in place until the next one.
        self.script_run.1 = None;
        let old = self.compilation.sources.get(FileId(0)).text();
        let shift = Shift::between(FileId(0), old.as_bytes(), text);
        let edit = match (&self.compilation.syntax, shift, std::str::from_utf8(text)) {
            (Some(syntax), Some(shift), Ok(new)) => super::reparse::edit(syntax, old, new, shift),
            _ => None,
        };
        let Some(edit) = edit else {
            return Kept {
                previous: self.script_previous(shift, None),
                ..Kept::default()
            };
        };
        // A script item edited: its list's length and its index.
        let script_item = self.compilation.syntax.as_ref().and_then(|p| {
            let items = script_items(&p.root)?;
            let (parent, last) = edit.path.split_at(edit.path.len().checked_sub(1)?);
            let list = super::reparse::literal_at(&p.root, parent)?;
            let same =
                matches!(&list.kind, NodeKind::Array(l) if std::ptr::eq(l.as_slice(), items));
            same.then(|| (items.len(), last[0]))
        });
        let (old_value, new_value) = edit.values.clone();
        let parsed = match script_item {
            // The script's items are known from the edit: this tree becomes the new one.
            Some(_) => self.compilation.syntax.take(),
            None => self.compilation.syntax.clone(),
        };
        let Some(parsed) =
            parsed.and_then(|mut tree| super::reparse::apply(&mut tree, edit).then_some(tree))
        else {
            return Kept::default();
        };
        let words = self.words.take().map(|mut words| {
            words.replace(&old_value, &new_value);
            words
        });
        Kept {
            parsed: Some(parsed),
            words,
            previous: self.script_previous(shift, script_item),
        }
    }

    /// This analysis's script run, for the next re-check to resume (see
    /// [`Analysis::take_for_recheck`]); `patched`: the length of the script list and the item
    /// edited, when the new parse was made from this one (whose tree may be gone).
    fn script_previous(
        &mut self,
        shift: Option<Shift>,
        patched: Option<(usize, usize)>,
    ) -> Option<Previous<'_>> {
        let items = match patched {
            Some((len, edited)) => Items::Patched { len, edited },
            None => Items::Old(script_items(&self.compilation.syntax.as_ref()?.root)?),
        };
        Some(Previous {
            items,
            lines: &mut self.compilation.output.as_mut()?.lines,
            run: &mut self.script_run.0,
            shift,
        })
    }
}

/// What a re-check takes from the previous analysis of the policy.
#[derive(Default)]
pub(super) struct Kept<'a> {
    /// The new parse, made from the previous one.
    pub(super) parsed: Option<ParsedPolicy>,
    /// The policy's words for the secret list, brought up to date.
    pub(super) words: Option<PolicyWords>,
    /// The script run to resume.
    pub(super) previous: Option<Previous<'a>>,
}

/// The items of the policy's `script` list.
fn script_items(root: &Node) -> Option<&[Node]> {
    let document = crate::resolve::policy::document(root, &mut Diagnostics::new())?;
    match &document.body.get("script")?.value.kind {
        NodeKind::Array(items) => Some(items),
        _ => None,
    }
}
