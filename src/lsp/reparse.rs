//! The policy's parse after an edit inside one string literal (issue 13): the previous tree
//! with that literal parsed again and every later span moved, instead of parsing the whole
//! policy (a tenth of a 10,000-line policy's re-check).
//!
//! Exact because a string literal's node depends only on its own bytes: when the changed bytes
//! lie strictly inside one literal (between its quotes) and neither the old nor the new ones
//! hold a quote, a backslash or a line break, every other literal, key, number and bracket of
//! the text is the same bytes at moved places, the brackets and quotes still pair as before,
//! and the edited literal still ends at its own closing quote. The new bytes are printable
//! text (no control character, which the parser may refuse), the literal parsed alone must
//! give one string and no finding, and the previous parse must have had no finding either.

use crate::syntax::shared_text::SharedText;

use crate::diagnostic::Diagnostics;
use crate::resolve::spans::{Shift, Shifter};
use crate::source::FileId;
use crate::syntax::policy::{parse_policy, Node, NodeKind, ParsedPolicy};

#[cfg(test)]
thread_local! {
    /// How many parses on this thread were patched (the re-check tests show their edits take
    /// this path).
    pub(super) static PATCHED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// An edit of one literal, ready to apply to the previous parse.
pub(super) struct Edit {
    /// The child indices down to the literal.
    pub(super) path: Vec<usize>,
    /// The literal parsed alone, at its new place.
    literal: Node,
    /// The literal's value before and after the edit.
    pub(super) values: (SharedText, SharedText),
    shift: Shift,
}

/// The edit from the parse `old` of the text `old_text` to the text `new` (`shift` between
/// them), when it lies inside one string literal; `None` when this cannot follow it.
pub(super) fn edit(old: &ParsedPolicy, old_text: &str, new: &str, shift: Shift) -> Option<Edit> {
    // A recovered parse is followed by findings a patch would not make again (whether they
    // were shown, suppressed or allowed).
    if !old.clean {
        return None;
    }
    let (from, old_end, new_end) = (
        shift.from as usize,
        shift.old_end as usize,
        shift.new_end as usize,
    );
    let structural = |b: &u8| matches!(b, b'\'' | b'"' | b'\\' | b'\n' | b'\r');
    let printable = |b: &u8| *b >= 0x80 || (0x20..0x7f).contains(b);
    let removed = old_text.as_bytes().get(from..old_end)?;
    let added = new.as_bytes().get(from..new_end)?;
    if removed.iter().any(structural)
        || added.iter().any(|b| structural(b) || !printable(b))
        || (removed.is_empty() && added.is_empty())
    {
        return None;
    }
    let path = literal_path(&old.root, from, old_end)?;
    // The edited literal alone, at its new place.
    let lit = literal_at(&old.root, &path)?;
    let end = (lit.span.end as usize)
        .checked_add(new_end)?
        .checked_sub(old_end)?;
    let text = new.get(lit.span.start as usize..end)?;
    let mut diags = Diagnostics::new();
    let alone = parse_policy(FileId(0), text, &mut diags)?;
    let one_string = matches!(&alone.root.kind, NodeKind::Str(l) if l.literals == 1);
    if !diags.is_empty() || !one_string || !alone.trailing_commas.is_empty() {
        return None;
    }
    let value = |n: &Node| match &n.kind {
        NodeKind::Str(l) => l.value.clone(),
        _ => SharedText::from(""),
    };
    let values = (value(lit), value(&alone.root));
    let mut literal = alone.root;
    let to_place = Shift {
        file: FileId(0),
        from: 0,
        old_end: 0,
        new_end: lit.span.start,
    };
    if !Shifter::apply(to_place, &mut literal) || literal.span.end as usize != end {
        return None;
    }
    Some(Edit {
        path,
        literal,
        values,
        shift,
    })
}

/// Makes `tree` (the previous parse) the parse of the new text: every span moved, the edited
/// literal put in after (it is in new places already). False when a span could not be moved
/// (the tree is then neither parse).
pub(super) fn apply(tree: &mut ParsedPolicy, edit: Edit) -> bool {
    let Some(slot) = literal_at_mut(&mut tree.root, &edit.path) else {
        return false;
    };
    slot.kind = NodeKind::Null;
    if !Shifter::apply(edit.shift, tree) {
        return false;
    }
    let Some(slot) = literal_at_mut(&mut tree.root, &edit.path) else {
        return false;
    };
    *slot = edit.literal;
    #[cfg(test)]
    PATCHED.with(|n| n.set(n.get() + 1));
    true
}

/// The child indices down to the single-quoted or double-quoted literal (one, not joined)
/// whose quotes enclose bytes `from..to`.
fn literal_path(root: &Node, from: usize, to: usize) -> Option<Vec<usize>> {
    let mut path = Vec::new();
    let mut node = root;
    loop {
        let inside = |n: &Node| (n.span.start as usize) < from && to < n.span.end as usize;
        let next = match &node.kind {
            NodeKind::Object(entries) => entries
                .iter()
                .position(|e| inside(&e.value))
                .map(|i| (i, &entries[i].value)),
            NodeKind::Array(items) => items.iter().position(inside).map(|i| (i, &items[i])),
            NodeKind::Str(lit) if lit.literals == 1 && inside(node) => return Some(path),
            _ => None,
        };
        let (i, child) = next?;
        path.push(i);
        node = child;
    }
}

pub(super) fn literal_at<'a>(root: &'a Node, path: &[usize]) -> Option<&'a Node> {
    path.iter().try_fold(root, |node, &i| match &node.kind {
        NodeKind::Object(entries) => entries.get(i).map(|e| &e.value),
        NodeKind::Array(items) => items.get(i),
        _ => None,
    })
}

fn literal_at_mut<'a>(root: &'a mut Node, path: &[usize]) -> Option<&'a mut Node> {
    path.iter().try_fold(root, |node, &i| match &mut node.kind {
        NodeKind::Object(entries) => entries.get_mut(i).map(|e| &mut e.value),
        NodeKind::Array(items) => items.get_mut(i),
        _ => None,
    })
}
