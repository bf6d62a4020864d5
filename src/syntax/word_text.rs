//! The text of one script word, held inline when short (nearly every word of a real policy:
//! `connect`, `dbms`, `!default_dbms`, `where`, `type=sqlite`), on the heap otherwise. A
//! 100,000-line policy holds about a million words for as long as its compilation lives; a
//! `String` each cost an allocation of at least 32 bytes besides its 24 (issue 13).

use std::ops::Range;

/// Longest text kept inline, in bytes.
const INLINE: usize = 22;

/// A word's text: a `str` of up to 22 bytes stored in place, longer ones boxed. Reads
/// as a `&str` (`Deref`), compares with `str`, `&str` and `String`.
#[derive(Clone)]
pub struct WordText(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl WordText {
    /// The text as a `&str`.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                let bytes = &bytes[..usize::from(*len)];
                // SAFETY: `bytes[..len]` is a copy of a whole `&str` (see `From<&str>` and
                // `from_part`), so it is valid UTF-8.
                unsafe { std::str::from_utf8_unchecked(bytes) }
            }
            Repr::Heap(s) => s,
        }
    }
}

impl WordText {
    /// The text of `line[range]`. Short texts are copied as one fixed-size move of the
    /// [`INLINE`] bytes from `range.start` when the line has them (the bytes past the text are
    /// never read): no zeroing, no copy call of a variable length, per word of a script line.
    ///
    /// Panics as `&line[range]` does (a range out of the line or inside a character).
    #[inline]
    pub fn from_part(line: &str, range: Range<usize>) -> WordText {
        let text = &line[range.clone()];
        match line.as_bytes().get(range.start..range.start + INLINE) {
            Some(window) if text.len() <= INLINE => {
                let mut bytes = [0u8; INLINE];
                bytes.copy_from_slice(window);
                WordText(Repr::Inline {
                    len: text.len() as u8,
                    bytes,
                })
            }
            // Out of line, so that the common case keeps its fixed-size move (merged with
            // this one, it became a copy call of a variable length).
            _ => WordText::copied(text),
        }
    }

    /// A text too long to keep inline, or short and too near the end of its line for the
    /// fixed-size move of [`WordText::from_part`] (the last word of nearly every line): copied
    /// with overlapping loads of 16, 8, 4 and 1 bytes, no copy call of a variable length.
    #[inline(never)]
    fn copied(text: &str) -> WordText {
        let s = text.as_bytes();
        let n = s.len();
        if n > INLINE {
            return WordText(Repr::Heap(text.into()));
        }
        let mut bytes = [0u8; INLINE];
        let (head, tail) = match n {
            16.. => (16, 8),
            8.. => (8, 8),
            4.. => (4, 4),
            _ => (0, 0),
        };
        if head == 0 {
            bytes[..n].copy_from_slice(s);
        } else {
            bytes[..head].copy_from_slice(&s[..head]);
            bytes[n - tail..n].copy_from_slice(&s[n - tail..]);
        }
        WordText(Repr::Inline {
            len: n as u8,
            bytes,
        })
    }
}

impl From<&str> for WordText {
    fn from(s: &str) -> WordText {
        if s.len() <= INLINE {
            let mut bytes = [0u8; INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            WordText(Repr::Inline {
                len: s.len() as u8,
                bytes,
            })
        } else {
            WordText(Repr::Heap(s.into()))
        }
    }
}

impl From<String> for WordText {
    fn from(s: String) -> WordText {
        if s.len() <= INLINE {
            WordText::from(s.as_str())
        } else {
            WordText(Repr::Heap(s.into_boxed_str()))
        }
    }
}

impl From<WordText> for String {
    fn from(t: WordText) -> String {
        match t.0 {
            Repr::Heap(s) => s.into_string(),
            Repr::Inline { .. } => t.as_str().to_string(),
        }
    }
}

impl Default for WordText {
    fn default() -> WordText {
        WordText::from("")
    }
}

reads_as_str!(WordText);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_texts_read_back_as_written() {
        for s in [
            "",
            "if",
            "!default_dbms",
            "exactly twenty-two byt",
            "exactly twenty-one b",
            "twenty-three bytes long",
            "é😀 non-ASCII, long enough for the heap",
            "é😀",
        ] {
            let t = WordText::from(s);
            assert_eq!(t.as_str(), s);
            assert_eq!(WordText::from(s.to_string()), t);
            assert_eq!(String::from(t.clone()), s);
            let owned: String = s.into();
            assert_eq!(t, s);
            assert_eq!(t, *s);
            assert_eq!(t, owned);
            assert_eq!(owned, t);
            assert_eq!(s, t);
            assert_eq!(format!("{t}|{t:?}"), format!("{s}|{s:?}"));
        }
        assert_eq!(std::mem::size_of::<WordText>(), 24);
    }

    #[test]
    fn a_part_of_a_line_reads_back_as_that_part() {
        let line = "connect dbms é😀 where type=sqlite and a_word_longer_than_twenty_two_bytes x";
        for (start, _) in line.char_indices() {
            for end in (start..=line.len()).filter(|&e| line.is_char_boundary(e)) {
                let part = WordText::from_part(line, start..end);
                assert_eq!(part, line[start..end], "{start}..{end}");
                assert_eq!(part, WordText::from(&line[start..end]));
            }
        }
    }
}
