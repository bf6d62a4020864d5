//! Source stage: the text of every input file, with byte spans and line/column lookup.
//!
//! Every later stage speaks in [`Span`]s (a file id plus a byte range); only the edge
//! (renderers, the language server) turns them into lines and columns.

use std::ops::Range;

/// Index of a file inside a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct FileId(pub u32);

/// A byte range inside one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// The file the range belongs to.
    pub file: FileId,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span covering `range` in `file`.
    pub fn new(file: FileId, range: Range<usize>) -> Span {
        Span {
            file,
            start: clamp_u32(range.start),
            end: clamp_u32(range.end.max(range.start)),
        }
    }

    /// The byte range as `usize`s.
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// A narrower span: `range` is relative to this span's start.
    pub fn narrow(self, range: Range<usize>) -> Span {
        let start = (self.start as usize + range.start).min(self.end as usize);
        let end = (self.start as usize + range.end).clamp(start, self.end as usize);
        Span::new(self.file, start..end)
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A 1-based line and column. Columns count Unicode scalar values (characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// One input file: its display name and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    name: String,
    text: String,
    line_starts: Vec<u32>,
}

impl SourceFile {
    /// A file named `name` (a path or a label such as `<stdin>`) holding `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| clamp_u32(i + 1)),
        );
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// The display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text a span covers (empty when the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = self.floor_char_boundary(offset as usize);
        let line = self.line_of(offset);
        let start = self.line_starts[line] as usize;
        let column = self.text[start..offset].chars().count() + 1;
        LineCol {
            line: clamp_u32(line + 1),
            column: clamp_u32(column),
        }
    }

    /// 0-based line and UTF-16 column of a byte offset (the language server's default encoding).
    pub fn line_utf16(&self, offset: u32) -> (u32, u32) {
        let offset = self.floor_char_boundary(offset as usize);
        let line = self.line_of(offset);
        let start = self.line_starts[line] as usize;
        let col: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        (clamp_u32(line), clamp_u32(col))
    }

    /// Byte offset of a 0-based line and UTF-16 column (clamped to the line's end).
    pub fn offset_of_utf16(&self, line: u32, col: u32) -> u32 {
        let Some(&start) = self.line_starts.get(line as usize) else {
            return clamp_u32(self.text.len());
        };
        let mut units = 0usize;
        let mut offset = start as usize;
        for ch in self.text[start as usize..].chars() {
            if ch == '\n' || units >= col as usize {
                break;
            }
            units += ch.len_utf16();
            offset += ch.len_utf8();
        }
        clamp_u32(offset)
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&clamp_u32(offset)) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    fn floor_char_boundary(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// Every file of one compilation, addressed by [`FileId`].
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(clamp_u32(self.files.len() - 1))
    }

    /// The file with this id.
    ///
    /// # Panics
    /// Only when `id` did not come from this map.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Overwrites the text of `span` with `*`, byte for byte, keeping line breaks: every span
    /// and line number stays valid (used to hide secret values from snippets).
    pub fn mask(&mut self, span: Span) {
        let Some(file) = self.files.get_mut(span.file.0 as usize) else {
            return;
        };
        let Some(covered) = file.text.get(span.range()) else {
            return;
        };
        let masked: String = covered
            .chars()
            .flat_map(|c| match c {
                '\n' | '\r' => vec![c],
                _ => vec!['*'; c.len_utf8()],
            })
            .collect();
        file.text.replace_range(span.range(), &masked);
    }

    /// All files with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(clamp_u32(i)), f))
    }

    /// `name:line:col` of a span's start, as shown in command origins.
    pub fn location(&self, span: Span) -> String {
        let file = self.get(span.file);
        let lc = file.line_col(span.start);
        format!("{}:{}:{}", file.name(), lc.line, lc.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_lines() {
        let f = SourceFile::new("a", "ab\nçd\r\nx");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // 'd' is after a 2-byte 'ç'
        assert_eq!(f.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(f.line_col(8), LineCol { line: 3, column: 1 });
        // an offset inside a multi-byte char snaps back
        assert_eq!(f.line_col(4), LineCol { line: 2, column: 1 });
    }

    #[test]
    fn utf16_round_trip() {
        let f = SourceFile::new("a", "x\n😀y");
        let y = f.text().find('y').unwrap() as u32;
        assert_eq!(f.line_utf16(y), (1, 2));
        assert_eq!(f.offset_of_utf16(1, 2), y);
        assert_eq!(f.offset_of_utf16(9, 0), f.text().len() as u32);
    }
}
