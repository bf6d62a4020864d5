//! Moving the byte spans a script run's records hold after an edit that changes the text's
//! length (issue 13): a re-check reuses the previous run's later records, findings and copies
//! only with every span in them moved by the edit, and compares the states it resumes from
//! with the previous ones moved the same way.
//!
//! Every type that such a record reaches implements [`Spans`] by naming all of its fields
//! ([`spans_struct!`], [`spans_enum!`]: the patterns have no `..`), so a field added to any of
//! them does not compile until it is listed here; leaf types that hold no span say so in
//! one list ([`spans_none!`]).

use std::collections::HashSet;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::source::{FileId, Span};

mod records;

/// A value holding byte spans.
pub(crate) trait Spans {
    /// Calls `f` with every span held.
    fn spans(&self, f: &mut dyn FnMut(&Span));
    /// Moves every span held through `by`.
    fn shift(&mut self, by: &mut Shifter);
}

/// Where the bytes of one file changed: the old and new texts share the bytes before `from`
/// and those after `old_end` (old) / `new_end` (new).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shift {
    /// The file edited.
    pub(crate) file: FileId,
    /// The first byte that differs (the same in both texts).
    pub(crate) from: u32,
    /// One past the last changed byte in the old text.
    pub(crate) old_end: u32,
    /// One past the last changed byte in the new text.
    pub(crate) new_end: u32,
}

impl Shift {
    /// The change from `old` to `new`, the texts of `file` (`None` for texts beyond `u32`).
    #[cfg_attr(not(feature = "lsp"), allow(dead_code))]
    pub(crate) fn between(file: FileId, old: &[u8], new: &[u8]) -> Option<Shift> {
        let prefix = common_prefix(old, new);
        let most = old.len().min(new.len()) - prefix;
        let suffix = common_suffix(&old[old.len() - most..], &new[new.len() - most..]);
        Some(Shift {
            file,
            from: u32::try_from(prefix).ok()?,
            old_end: u32::try_from(old.len() - suffix).ok()?,
            new_end: u32::try_from(new.len() - suffix).ok()?,
        })
    }

    /// True when the text kept its length (every position keeps its offset).
    pub(crate) fn keeps_length(&self) -> bool {
        self.old_end == self.new_end
    }

    /// An old span moved to the new text: `None` when it starts or ends among the changed
    /// bytes (where it goes is not defined), or when the length changed and it starts where
    /// bytes were removed. Spans of other files are unchanged.
    pub(crate) fn span(&self, s: Span) -> Option<Span> {
        if s.file != self.file || self.keeps_length() {
            return Some(s);
        }
        let delta = i64::from(self.new_end) - i64::from(self.old_end);
        let moved = |p: u32| u32::try_from(i64::from(p) + delta).ok();
        // A start at `old_end` is the first byte kept after the change; an end at `from` is
        // one past the last byte kept before it.
        let start = match s.start {
            p if p < self.from => p,
            p if p >= self.old_end => moved(p)?,
            _ => return None,
        };
        let end = match s.end {
            _ if s.start == s.end => start,
            p if p <= self.from => p,
            p if p > self.old_end => moved(p)?,
            _ => return None,
        };
        Some(Span {
            file: s.file,
            start,
            end,
        })
    }

    /// True when the old span is moved or cannot be.
    fn moves(&self, s: &Span) -> bool {
        self.span(*s) != Some(*s)
    }
}

/// Bytes equal at the start of both.
#[cfg_attr(not(feature = "lsp"), allow(dead_code))]
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    i + a[i..n]
        .iter()
        .zip(&b[i..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// Bytes equal at the end of both.
#[cfg_attr(not(feature = "lsp"), allow(dead_code))]
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut i = 0;
    while i + BLOCK <= n && a[n - i - BLOCK..n - i] == b[n - i - BLOCK..n - i] {
        i += BLOCK;
    }
    i + a[..n - i]
        .iter()
        .rev()
        .zip(b[..n - i].iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// Moves spans through a [`Shift`], noting a span that cannot be moved.
pub(crate) struct Shifter {
    by: Shift,
    ok: bool,
    /// What a position after the change moves by, modulo 2^32 (none when the length is kept).
    delta: u32,
}

impl Shifter {
    /// Moves through `by`.
    pub(crate) fn new(by: Shift) -> Shifter {
        Shifter {
            by,
            ok: true,
            delta: by.new_end.wrapping_sub(by.old_end),
        }
    }

    /// False once a span could not be moved (it was left as it was).
    pub(crate) fn ok(&self) -> bool {
        self.ok
    }

    /// Moves `value`'s spans; false when one of them could not be moved.
    pub(crate) fn apply<T: Spans + ?Sized>(by: Shift, value: &mut T) -> bool {
        let mut s = Shifter::new(by);
        value.shift(&mut s);
        s.ok
    }

    /// True when `s` is moved (or cannot be).
    pub(crate) fn moves(&self, s: &Span) -> bool {
        self.by.moves(s)
    }
}

impl Spans for Span {
    fn spans(&self, f: &mut dyn FnMut(&Span)) {
        f(self)
    }
    fn shift(&mut self, by: &mut Shifter) {
        // Most spans a reused record holds lie wholly after the change (or before it): moved
        // without the general case's checks. A span after the change ends at most at the
        // new text's end, so the wrapping add is exact.
        let b = &by.by;
        if self.file != b.file || b.keeps_length() {
            return;
        }
        if self.start >= b.old_end && self.end > b.old_end {
            self.start = self.start.wrapping_add(by.delta);
            self.end = self.end.wrapping_add(by.delta);
            return;
        }
        if self.end <= b.from && self.start < b.from {
            return;
        }
        match b.span(*self) {
            Some(s) => *self = s,
            None => by.ok = false,
        }
    }
}

/// `impl Spans` for types that hold no span.
macro_rules! spans_none {
    ($($t:ty),* $(,)?) => {$(
        impl Spans for $t {
            fn spans(&self, _: &mut dyn FnMut(&Span)) {}
            fn shift(&mut self, _: &mut Shifter) {}
        }
    )*};
}
pub(crate) use spans_none;

/// `impl Spans` for a struct, naming every field (a field not named does not compile).
macro_rules! spans_struct {
    ($t:ident { $($f:ident),* $(,)? }) => {
        impl $crate::resolve::spans::Spans for $t {
            fn spans(&self, _f: &mut dyn FnMut(&$crate::source::Span)) {
                let $t { $($f),* } = self;
                $( $crate::resolve::spans::Spans::spans($f, _f); )*
            }
            fn shift(&mut self, _by: &mut $crate::resolve::spans::Shifter) {
                let $t { $($f),* } = self;
                $( $crate::resolve::spans::Spans::shift($f, _by); )*
            }
        }
    };
}
pub(crate) use spans_struct;

/// `impl Spans` for an enum, naming every variant and field: `Unit`, `Tuple(a, b)`,
/// `Struct { a, b }`.
macro_rules! spans_enum {
    ($t:ident { $($v:ident $(( $($p:ident),* ))? $({ $($n:ident),* })?),* $(,)? }) => {
        impl $crate::resolve::spans::Spans for $t {
            fn spans(&self, _f: &mut dyn FnMut(&$crate::source::Span)) {
                match self {$(
                    $t::$v $(( $($p),* ))? $({ $($n),* })? => {
                        $($( $crate::resolve::spans::Spans::spans($p, _f); )*)?
                        $($( $crate::resolve::spans::Spans::spans($n, _f); )*)?
                    }
                )*}
            }
            fn shift(&mut self, _by: &mut $crate::resolve::spans::Shifter) {
                match self {$(
                    $t::$v $(( $($p),* ))? $({ $($n),* })? => {
                        $($( $crate::resolve::spans::Spans::shift($p, _by); )*)?
                        $($( $crate::resolve::spans::Spans::shift($n, _by); )*)?
                    }
                )*}
            }
        }
    };
}
pub(crate) use spans_enum;

impl<T: Spans> Spans for Option<T> {
    fn spans(&self, f: &mut dyn FnMut(&Span)) {
        if let Some(t) = self {
            t.spans(f)
        }
    }
    fn shift(&mut self, by: &mut Shifter) {
        if let Some(t) = self {
            t.shift(by)
        }
    }
}

impl<T: Spans> Spans for [T] {
    fn spans(&self, f: &mut dyn FnMut(&Span)) {
        self.iter().for_each(|t| t.spans(f))
    }
    fn shift(&mut self, by: &mut Shifter) {
        self.iter_mut().for_each(|t| t.shift(by))
    }
}

impl<T: Spans> Spans for Vec<T> {
    fn spans(&self, f: &mut dyn FnMut(&Span)) {
        self.as_slice().spans(f)
    }
    fn shift(&mut self, by: &mut Shifter) {
        self.as_mut_slice().shift(by)
    }
}

impl<T: Spans + ?Sized> Spans for Box<T> {
    fn spans(&self, f: &mut dyn FnMut(&Span)) {
        (**self).spans(f)
    }
    fn shift(&mut self, by: &mut Shifter) {
        (**self).shift(by)
    }
}

impl<A: Spans, B: Spans> Spans for (A, B) {
    fn spans(&self, f: &mut dyn FnMut(&Span)) {
        self.0.spans(f);
        self.1.spans(f);
    }
    fn shift(&mut self, by: &mut Shifter) {
        self.0.shift(by);
        self.1.shift(by);
    }
}

/// Shared values are copied only when one of their spans moves (a scope's variables are
/// shared between the copies of a run).
impl<T: Spans + Clone> Spans for Arc<T> {
    fn spans(&self, f: &mut dyn FnMut(&Span)) {
        (**self).spans(f)
    }
    fn shift(&mut self, by: &mut Shifter) {
        let mut moves = false;
        self.spans(&mut |s| moves |= by.moves(s));
        if moves {
            Arc::make_mut(self).shift(by);
        }
    }
}

impl<T: Spans, S> Spans for IndexMap<String, T, S> {
    fn spans(&self, f: &mut dyn FnMut(&Span)) {
        self.values().for_each(|t| t.spans(f))
    }
    fn shift(&mut self, by: &mut Shifter) {
        self.values_mut().for_each(|t| t.shift(by))
    }
}

/// A set keyed by span is rebuilt when a span moves.
impl Spans for HashSet<(&'static str, Span)> {
    fn spans(&self, f: &mut dyn FnMut(&Span)) {
        self.iter().for_each(|(_, s)| f(s))
    }
    fn shift(&mut self, by: &mut Shifter) {
        if self.iter().any(|(_, s)| by.moves(s)) {
            *self = std::mem::take(self)
                .into_iter()
                .map(|(code, mut s)| {
                    s.shift(by);
                    (code, s)
                })
                .collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(old: &[u8], new: &[u8]) -> (u32, u32, u32) {
        let p = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let most = old.len().min(new.len()) - p;
        let s = old
            .iter()
            .rev()
            .zip(new.iter().rev())
            .take(most)
            .take_while(|(a, b)| a == b)
            .count();
        (p as u32, (old.len() - s) as u32, (new.len() - s) as u32)
    }

    /// The block search finds what a byte-by-byte one does, on both sides of every block edge.
    #[test]
    fn between_finds_the_changed_bytes() {
        let old: Vec<u8> = (0..300u32).map(|i| b'a' + (i % 7) as u8).collect();
        for at in 0..=old.len() {
            for (cut, typed) in [(0, &b"x"[..]), (1, b""), (1, b"yz"), (0, b"\xc3\xa9")] {
                let cut = cut.min(old.len() - at);
                let mut new = old[..at].to_vec();
                new.extend_from_slice(typed);
                new.extend_from_slice(&old[at + cut..]);
                let s = Shift::between(FileId(0), &old, &new).expect("small");
                assert_eq!((s.from, s.old_end, s.new_end), naive(&old, &new), "{at}");
            }
        }
    }

    #[test]
    fn spans_move_around_the_change() {
        let f = FileId(0);
        let span = |start, end| Span {
            file: f,
            start,
            end,
        };
        // Two bytes typed at 10.
        let typed = Shift {
            file: f,
            from: 10,
            old_end: 10,
            new_end: 12,
        };
        assert_eq!(typed.span(span(2, 10)), Some(span(2, 10)));
        assert_eq!(typed.span(span(10, 14)), Some(span(12, 16)));
        assert_eq!(typed.span(span(5, 14)), Some(span(5, 16)));
        assert_eq!(typed.span(span(10, 10)), Some(span(12, 12)));
        let other = Span {
            file: FileId(1),
            ..span(20, 30)
        };
        assert_eq!(typed.span(other), Some(other));
        // Bytes 10..13 deleted: spans starting or ending among them have no place.
        let deleted = Shift {
            file: f,
            from: 10,
            old_end: 13,
            new_end: 10,
        };
        assert_eq!(deleted.span(span(13, 20)), Some(span(10, 17)));
        assert_eq!(deleted.span(span(4, 20)), Some(span(4, 17)));
        assert_eq!(deleted.span(span(11, 20)), None);
        assert_eq!(deleted.span(span(10, 20)), None);
        assert_eq!(deleted.span(span(4, 12)), None);
        assert_eq!(deleted.span(span(4, 10)), Some(span(4, 10)));
        // The length kept: nothing moves.
        let same = Shift {
            file: f,
            from: 10,
            old_end: 13,
            new_end: 13,
        };
        assert_eq!(same.span(span(11, 12)), Some(span(11, 12)));
    }
}
