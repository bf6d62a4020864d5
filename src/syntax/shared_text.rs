//! [`SharedText`]: a piece of a text that many owners share, such as a string literal of a
//! policy, which is a range of the policy's own text (a 100,000-line policy's script lines were
//! a hundred thousand copies of their literals, each its own allocation; issue 13).

use std::sync::Arc;

/// A string that is a range of a shared buffer (or a whole buffer of its own): cloning it
/// shares the buffer, reading it is reading a `&str`.
#[derive(Clone)]
pub struct SharedText {
    buf: Arc<str>,
    start: u32,
    /// The end of the range, or [`WHOLE`] for all of `buf` from `start`.
    end: u32,
}

/// [`SharedText::end`] of a text that runs to the end of its buffer (so that a buffer of its
/// own needs no length that fits in 32 bits).
const WHOLE: u32 = u32::MAX;

impl SharedText {
    /// Bytes `range` of `buf`, sharing it (a copy when `range` is not on character boundaries
    /// of `buf` or does not fit in 32-bit offsets: no policy under the size limit does that).
    pub(crate) fn slice(buf: &Arc<str>, range: std::ops::Range<usize>) -> SharedText {
        match (u32::try_from(range.start), u32::try_from(range.end)) {
            (Ok(start), Ok(end)) if end != WHOLE && buf.get(range.clone()).is_some() => {
                SharedText {
                    buf: Arc::clone(buf),
                    start,
                    end,
                }
            }
            _ => SharedText::from(buf.get(range).unwrap_or("")),
        }
    }

    /// Bytes `range` of this text, sharing its buffer (a copy of what can be read when `range`
    /// is not on character boundaries of the text).
    pub(crate) fn sub(&self, range: std::ops::Range<usize>) -> SharedText {
        let start = self.start as usize;
        match self.as_str().get(range.clone()) {
            Some(_) => SharedText::slice(&self.buf, start + range.start..start + range.end),
            None => SharedText::from(""),
        }
    }

    /// The text as a `&str`.
    #[inline]
    pub fn as_str(&self) -> &str {
        let end = match self.end {
            WHOLE => self.buf.len(),
            end => end as usize,
        };
        self.buf.get(self.start as usize..end).unwrap_or("")
    }
}

impl From<&str> for SharedText {
    fn from(text: &str) -> SharedText {
        SharedText::from(Arc::<str>::from(text))
    }
}

impl From<String> for SharedText {
    fn from(text: String) -> SharedText {
        SharedText::from(Arc::<str>::from(text))
    }
}

impl From<Arc<str>> for SharedText {
    fn from(buf: Arc<str>) -> SharedText {
        SharedText {
            buf,
            start: 0,
            end: WHOLE,
        }
    }
}

reads_as_str!(SharedText);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slice_reads_its_range_and_shares_the_buffer() {
        let buf: Arc<str> = Arc::from("{'a': 'héllo'}");
        let at = buf.find('h').unwrap();
        let t = SharedText::slice(&buf, at..at + "héllo".len());
        assert_eq!(t, "héllo");
        assert!(std::ptr::eq(t.as_ptr(), buf[at..].as_ptr()));
        assert_eq!(Arc::strong_count(&buf), 2);
        // Off a character boundary: a copy of what can be read (nothing), never a panic.
        assert_eq!(SharedText::slice(&buf, at + 1..at + 2), "");
        assert_eq!(SharedText::slice(&buf, 0..999), "");
        assert_eq!(SharedText::from("x".to_string()).to_string(), "x");
        // A part of a part: the same buffer again.
        let part = t.sub(1..5);
        assert_eq!(part, "éll");
        assert!(std::ptr::eq(part.as_ptr(), buf[at + 1..].as_ptr()));
        assert_eq!(t.sub(2..3), "", "inside a character");
        let whole = SharedText::from("abc");
        assert_eq!(whole.sub(1..3), "bc");
    }
}
