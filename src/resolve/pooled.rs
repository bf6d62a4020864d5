//! Slices of buffers shared by many records: the words of a 100,000-line policy's script
//! lines were a hundred thousand small allocations, each freed on its own when the
//! compilation was dropped (with glibc's allocator, a third of a long policy's compile time
//! went to allocating and freeing the records' small blocks; issue 13). A run writes its
//! lines' items into one buffer and hands each line a range of it; every few thousand items
//! the buffer is frozen into one shared chunk, which the lines written since then point to.

use std::sync::Arc;

/// How many items a chunk holds before it is frozen (32 KB of words): small enough that a
/// language server's records that outlive an edit pin little, large enough that a policy's
/// lines share a few dozen allocations instead of one each.
const CHUNK: usize = 4096;

/// A record's items: a range of a shared chunk, or (`chunk` still `None`, while its run
/// writes it) of the run's [`Pool`].
#[derive(Clone)]
pub(crate) struct Pooled<T> {
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
    /// The items (none before the run froze them: records are read once their run is over).
    #[inline]
    pub(crate) fn as_slice(&self) -> &[T] {
        match &self.chunk {
            Some(chunk) => chunk
                .get(self.start as usize..(self.start + self.len) as usize)
                .unwrap_or(&[]),
            None => {
                debug_assert!(self.len == 0, "a record read before its run froze it");
                &[]
            }
        }
    }

    /// Whether it waits for its run's [`Pool::freeze`].
    fn pending(&self) -> bool {
        self.chunk.is_none() && self.len > 0
    }

    /// The address of its first item, for [`crate::prefetch`].
    pub(crate) fn as_ptr(&self) -> *const T {
        self.as_slice().as_ptr()
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
}

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool {
            items: Vec::new(),
            first: 0,
        }
    }
}

impl<T: Clone> Pool<T> {
    /// Adds a record's items; its [`Pooled`] is pending until [`Pool::freeze`].
    pub(crate) fn add(&mut self, items: impl Iterator<Item = T>) -> Pooled<T> {
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
    /// the last freeze (`pooled` finds a record's items).
    pub(crate) fn freeze<R>(
        &mut self,
        records: &mut [R],
        all: bool,
        pooled: impl Fn(&mut R) -> &mut Pooled<T>,
    ) {
        let ready = self.items.len() >= CHUNK || (all && !self.items.is_empty());
        if !ready {
            return;
        }
        let chunk: Arc<[T]> = Arc::from(&self.items[..]);
        for record in records.iter_mut().skip(self.first) {
            let p = pooled(record);
            if p.pending() {
                p.chunk = Some(Arc::clone(&chunk));
            }
        }
        self.items.clear();
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
            pool.freeze(&mut records, false, |p| p);
            expected.push(items);
        }
        pool.freeze(&mut records, true, |p| p);
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
}
