//! A window of one source line around a label, at most [`WINDOW`] columns wide: however long
//! the line (a 10 MB policy on one line), an excerpt costs the same, and the columns of the
//! underline are counted inside the window only.

use unicode_width::UnicodeWidthChar;

use super::printable::stand_in;

/// Widest excerpt, in terminal columns.
pub const WINDOW: usize = 100;
/// Columns of context kept before the first label of a window that does not start the line
/// (and kept after it when the window does).
const BEFORE: usize = 32;
/// Most characters one window holds (zero-width characters fill no columns).
const MAX_CHARS: usize = 4 * WINDOW;
/// How a tab is drawn.
const TAB: &str = "    ";

/// The visible part of a line, as drawn, with the column of each character.
#[derive(Debug)]
pub struct Window {
    /// First byte shown.
    pub start: usize,
    /// One past the last byte shown.
    pub end: usize,
    /// The text as drawn: stand-ins for control characters, tabs expanded, `…` where cut.
    pub text: String,
    /// `(byte offset, display column)` at the start of each shown character, and at `end`.
    columns: Vec<(usize, usize)>,
}

/// Where an underline goes inside a [`Window`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    /// First column (0-based).
    pub column: usize,
    /// Columns covered (at least 1).
    pub width: usize,
    /// True when the span goes on past the window.
    pub cut: bool,
}

impl Window {
    /// The window of the line starting at byte `line_start` of `text` that shows `anchor` (a byte
    /// offset on that line) with some context before it.
    pub fn around(text: &str, line_start: usize, anchor: usize) -> Window {
        let anchor = floor_boundary(text, anchor.max(line_start));
        // From the start of the line when the anchor is near enough to it, else from a little
        // context before the anchor.
        let mut start = anchor;
        let mut near = anchor;
        let mut before = 0;
        for (i, c) in text[line_start..anchor]
            .char_indices()
            .rev()
            .take(MAX_CHARS)
        {
            before += width(c);
            if before > WINDOW - BEFORE {
                break;
            }
            if before <= BEFORE {
                near = line_start + i;
            }
            start = line_start + i;
        }
        if start != line_start && !line_fits(text, line_start) {
            start = near;
        } else {
            start = line_start;
        }
        let left_cut = start > line_start;
        let mut out = Window {
            start,
            end: start,
            text: String::new(),
            columns: Vec::new(),
        };
        let mut column = 0;
        if left_cut {
            out.text.push('…');
            column = 1;
        }
        for (i, c) in text[start..].char_indices().take(MAX_CHARS) {
            let at = start + i;
            if c == '\n' || (c == '\r' && text[at + 1..].starts_with('\n')) {
                break;
            }
            let w = width(c);
            if column + w > WINDOW - 1 {
                break;
            }
            out.columns.push((at, column));
            match c {
                '\t' => out.text.push_str(TAB),
                c => out.text.push(stand_in(c)),
            }
            column += w;
            out.end = at + c.len_utf8();
        }
        out.columns.push((out.end, column));
        let rest = &text[out.end..];
        if !(rest.is_empty() || rest.starts_with('\n') || rest.starts_with("\r\n")) {
            out.text.push('…');
        }
        out
    }

    /// True when byte `offset` is drawn in this window (or is the end of the line shown).
    pub fn shows(&self, offset: usize) -> bool {
        (self.start..=self.end).contains(&offset)
    }

    /// The underline of bytes `start..end` (`start` must be shown).
    pub fn mark(&self, start: usize, end: usize) -> Mark {
        let column = self.column_of(start);
        let cut = end > self.end;
        let last = self.column_of(end.min(self.end));
        Mark {
            column,
            width: last.saturating_sub(column).max(1),
            cut,
        }
    }

    fn column_of(&self, offset: usize) -> usize {
        match self.columns.binary_search_by_key(&offset, |&(b, _)| b) {
            Ok(i) => self.columns[i].1,
            Err(0) => 0,
            Err(i) => self.columns[i - 1].1,
        }
    }
}

/// True when the whole line starting at `line_start` fits in a window.
fn line_fits(text: &str, line_start: usize) -> bool {
    let mut columns = 0;
    for c in text[line_start..].chars().take(WINDOW) {
        if c == '\n' || c == '\r' {
            return true;
        }
        columns += width(c);
        if columns > WINDOW - 1 {
            return false;
        }
    }
    columns < WINDOW
}

/// Columns a character takes once drawn.
fn width(c: char) -> usize {
    match c {
        '\t' => TAB.len(),
        c => stand_in(c).width().unwrap_or(1),
    }
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_line_is_shown_whole() {
        let text = "ab\n\tx = é😀y\nz";
        let w = Window::around(text, 3, 7);
        assert_eq!(w.text, "    x = é😀y");
        assert_eq!((w.start, w.end), (3, text.len() - 2));
        let y = text.find('y').unwrap();
        // tab (4) + "x = é" (5) + emoji (2 columns)
        assert_eq!(
            w.mark(y, y + 1),
            Mark {
                column: 11,
                width: 1,
                cut: false
            }
        );
        let e = text.find('é').unwrap();
        assert_eq!(w.mark(e, y).width, 3);
    }

    #[test]
    fn a_long_line_is_cut_around_the_anchor() {
        let mut line = "a".repeat(200_000);
        line.push_str("TARGET");
        line.push_str(&"b".repeat(200_000));
        let at = 200_000;
        let w = Window::around(&line, 0, at);
        assert!(w.text.starts_with('…') && w.text.ends_with('…'));
        assert!(w.text.chars().count() <= WINDOW + 1);
        let m = w.mark(at, at + 6);
        assert_eq!(&w.text[w.text.find('T').unwrap()..][..6], "TARGET");
        assert_eq!(m.column, 1 + BEFORE);
        assert_eq!(m.width, 6);
        // A span longer than the window is cut.
        assert!(w.mark(at, line.len()).cut);
    }

    #[test]
    fn control_characters_are_drawn_as_one_column_each() {
        let text = "x\u{1b}[2Jy";
        let w = Window::around(text, 0, 0);
        assert_eq!(w.text, "x␛[2Jy");
        assert_eq!(w.mark(5, 6).column, 5);
    }
}
