//! Slices of buffers shared by many records: the words, references and command arguments of
//! a 100,000-line policy's script lines were about three hundred thousand small allocations,
//! each freed on its own when the compilation was dropped (with glibc's allocator, dropping a
//! 100,000-line compilation took ~70 ms after a ~165 ms compile; issue 13). A run writes its
//! lines' items into one buffer and hands each line a range of it; as the buffer fills, it is
//! frozen into one shared chunk, which the lines written since then point to.

use std::sync::Arc;

use crate::resolve::spans::{Shifter, Spans};
use crate::source::Span;

/// How many items a run's first chunk holds before it is frozen; each next chunk holds twice
/// as many, up to [`MOST`]. A short policy's chunks stay small (chunks of hundreds of KB at
/// once were mapped from the system and faulted in again at every compilation of a
/// 1,000-line policy: 10% slower), a long one's lines share a few dozen chunks.
const FIRST: usize = 64;

/// The most items a chunk holds (32 KB of words, 229 KB of references): small enough that a
/// language server's records that outlive an edit pin little. (Chunks of at most 32 KB
/// whatever the item, tried with glibc, made dropping a 100,000-line compilation twice as slow
/// as these: `benches/README.md`, sixth pass.)
const MOST: usize = 4096;

/// A record's items (read it as a slice): a range of a chunk shared with the records written
/// around it.
#[derive(Clone)]
pub struct Pooled<T> {
    /// `None` while its run writes it (a range of the run's [`Pool`]), or when empty.
    chunk: Option<Arc<[T]>>,
    start: u32,
    len: u32,
}

impl<T> Default for Pooled<T> {
    fn default() -> Self {
        Pooled {
            chunk: None,
            start: 0,
            len: 0,
        }
    }
}

impl<T> Pooled<T> {
    /// The items.
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        // None before the run froze them: records are read once their run is over.
        match &self.chunk {
            Some(chunk) => chunk.get(self.range()).unwrap_or(&[]),
            None => {
                debug_assert!(self.len == 0, "a record read before its run froze it");
                &[]
            }
        }
    }

    /// Its range of its chunk (checked to fit in `u32` when the items were added).
    #[inline]
    fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }

    /// Whether it waits for its run's [`Pool::freeze`].
    fn pending(&self) -> bool {
        self.chunk.is_none() && self.len > 0
    }

    /// Whether no other record holds its chunk (its items can change in place).
    fn sole(&mut self) -> bool {
        self.chunk
            .as_mut()
            .is_some_and(|c| Arc::get_mut(c).is_some())
    }

    /// Its items, to change in place: first copied into a chunk of its own when its chunk is
    /// shared (the language server moves the spans of the records it reuses after an edit).
    fn own_mut(&mut self) -> &mut [T]
    where
        T: Clone,
    {
        if !self.sole() {
            let copy: Arc<[T]> = Arc::from(self.as_slice());
            (self.start, self.chunk) = (0, Some(copy));
        }
        let range = self.range();
        match self.chunk.as_mut().and_then(Arc::get_mut) {
            Some(items) => items.get_mut(range).unwrap_or(&mut []),
            None => &mut [],
        }
    }
}

impl<T> std::ops::Deref for Pooled<T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<'a, T> IntoIterator for &'a Pooled<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

/// Moves the spans of a record's items: a record whose spans move gets a chunk of its own
/// first (copied once: later edits move that copy in place); the others keep sharing theirs.
impl<T: Spans + Clone> Spans for Pooled<T> {
    fn spans(&self, f: &mut dyn FnMut(&Span)) {
        self.as_slice().iter().for_each(|t| t.spans(f));
    }
    fn shift(&mut self, by: &mut Shifter) {
        // A shared chunk is copied only for a record whose spans move; a record with its own
        // chunk (moved by an earlier edit) is moved in place without asking.
        if !self.sole() {
            let mut moves = false;
            self.spans(&mut |s| moves |= by.moves(s));
            if !moves {
                return;
            }
        }
        self.own_mut().iter_mut().for_each(|t| t.shift(by));
    }
}

impl<T: PartialEq> PartialEq for Pooled<T> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Pooled<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_slice().fmt(f)
    }
}

/// The buffer a run writes its records' items into, and the first record written since it
/// was last frozen.
pub(crate) struct Pool<T> {
    items: Vec<T>,
    first: usize,
    /// How many items the next chunk holds.
    chunk: usize,
}

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool {
            items: Vec::new(),
            first: 0,
            chunk: FIRST,
        }
    }
}

impl<T> Pool<T> {
    /// Adds a record's items; its [`Pooled`] is pending until [`Pool::freeze`].
    pub(crate) fn add(&mut self, items: impl Iterator<Item = T>) -> Pooled<T> {
        if self.items.is_empty() {
            // Room for the chunk at once (the buffer is reused: it grows as the chunks do).
            self.items.reserve(self.chunk);
        }
        let start = self.items.len();
        self.items.extend(items);
        let len = self.items.len() - start;
        match (u32::try_from(start), u32::try_from(len)) {
            (Ok(start), Ok(len)) if start.checked_add(len).is_some() => Pooled {
                chunk: None,
                start,
                len,
            },
            // Past 4 G items (no policy under the size limit has them): a chunk of its own.
            _ => Pooled {
                chunk: Some(self.items.drain(start..).collect()),
                start: 0,
                len: u32::try_from(len).unwrap_or(0),
            },
        }
    }

    /// Freezes the buffer once it holds a chunk's worth (`all`: whatever it holds) into one
    /// shared chunk for the pending records among `records[first..]`, the ones written since
    /// the last freeze (`pooled` finds a record's items, if it has any).
    pub(crate) fn freeze<R>(
        &mut self,
        records: &mut [R],
        all: bool,
        pooled: impl Fn(&mut R) -> Option<&mut Pooled<T>>,
    ) {
        let ready = self.items.len() >= self.chunk || (all && !self.items.is_empty());
        if !ready {
            return;
        }
        self.chunk = (self.chunk * 2).min(MOST);
        // Moved, not cloned (an argument holds texts of its own); the buffer keeps its room.
        let chunk: Arc<[T]> = self.items.drain(..).collect();
        for record in records.iter_mut().skip(self.first) {
            if let Some(p) = pooled(record).filter(|p| p.pending()) {
                p.chunk = Some(Arc::clone(&chunk));
            }
        }
        self.first = records.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_their_own_items_across_chunks() {
        let mut pool = Pool::default();
        let mut records: Vec<Pooled<u32>> = Vec::new();
        let mut expected = Vec::new();
        for r in 0..3000u32 {
            let items: Vec<u32> = (0..r % 7).map(|i| r * 10 + i).collect();
            records.push(pool.add(items.iter().copied()));
            pool.freeze(&mut records, false, |p| Some(p));
            expected.push(items);
        }
        pool.freeze(&mut records, true, |p| Some(p));
        assert!(records.iter().all(|p| !p.pending()));
        for (p, items) in records.iter().zip(&expected) {
            assert_eq!(p.as_slice(), &items[..]);
        }
        // More than one chunk, each shared by many records.
        let chunks: std::collections::HashSet<*const u32> = records
            .iter()
            .filter_map(|p| p.chunk.as_ref().map(|c| c.as_ptr()))
            .collect();
        assert!((2..100).contains(&chunks.len()), "{}", chunks.len());
    }

    #[test]
    fn a_record_whose_spans_move_gets_its_own_copy_once() {
        use crate::resolve::spans::Shift;
        use crate::source::FileId;
        let span = |at: u32| Span::new(FileId(0), at as usize..at as usize + 2);
        let mut pool = Pool::default();
        let mut records = vec![
            pool.add([span(0), span(4)].into_iter()),
            pool.add([span(20), span(30)].into_iter()),
        ];
        pool.freeze(&mut records, true, |p| Some(p));
        let shared = records[0].as_ptr();
        // Three bytes inserted at 10: the first record's spans stay, the second's move.
        let shift = Shift {
            file: FileId(0),
            from: 10,
            old_end: 10,
            new_end: 13,
        };
        for r in &mut records {
            assert!(Shifter::apply(shift, r));
        }
        assert_eq!(records[0].as_slice(), [span(0), span(4)]);
        assert_eq!(records[0].as_ptr(), shared, "unmoved: still shared");
        assert_eq!(records[1].as_slice(), [span(23), span(33)]);
        let own = records[1].as_ptr();
        assert!(!std::ptr::eq(own, shared.wrapping_add(2)));
        // Its own copy now: the next edit moves it in place.
        assert!(Shifter::apply(shift, &mut records[1]));
        assert_eq!(records[1].as_slice(), [span(26), span(36)]);
        assert_eq!(records[1].as_ptr(), own);
    }
}
