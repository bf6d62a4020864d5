//! Source stage: the text of every input file, with byte spans and line/column lookup.
//!
//! Every later stage speaks in [`Span`]s (a file id plus a byte range); only the edge
//! (renderers, the language server) turns them into lines and columns.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

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

/// The offset of each line's start: 0 and one past every `\n`. The text is tested 32 bytes
/// at a time into a bit mask (a fold the compiler vectorizes), and only the set bits are
/// visited: a `memchr` call per line cost ~280 instructions for lines of a hundred bytes.
fn line_starts(text: &str) -> Vec<u32> {
    const BLOCK: usize = 32;
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut blocks = bytes.chunks_exact(BLOCK);
    for (n, block) in blocks.by_ref().enumerate() {
        let mut mask = block
            .iter()
            .enumerate()
            .fold(0u32, |m, (i, &b)| m | (u32::from(b == b'\n') << i));
        while mask != 0 {
            let at = n * BLOCK + mask.trailing_zeros() as usize;
            starts.push(clamp_u32(at + 1));
            mask &= mask - 1;
        }
    }
    let rest = blocks.remainder();
    let base = bytes.len() - rest.len();
    starts.extend(
        rest.iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .map(|(i, _)| clamp_u32(base + i + 1)),
    );
    starts
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

/// One input file: its display name and its text, with an index that turns byte offsets into
/// lines and columns in logarithmic time (a lookup never rescans the text from byte 0 or from
/// the start of a long line).
#[derive(Clone, Debug)]
pub struct SourceFile {
    name: String,
    node_path: Option<String>,
    /// Shared: a policy's string literals are ranges of it
    /// ([`crate::syntax::shared_text::SharedText`]).
    text: Arc<str>,
    line_starts: Vec<u32>,
    /// Characters and UTF-16 units before each [`BLOCK`]-byte block; `None` for ASCII text,
    /// where both equal the byte offset. Built on the first lookup, and again after masking
    /// changed the character count.
    blocks: OnceLock<Option<Vec<(u32, u32)>>>,
}

/// Bytes per block of the column index: a lookup scans at most this many bytes.
const BLOCK: usize = 64;

/// Whether a byte starts a character (is not a UTF-8 continuation byte).
fn starts_char(b: u8) -> bool {
    b & 0xC0 != 0x80
}

/// UTF-16 units of the character a leading byte starts (0 for continuation bytes).
fn utf16_units(b: u8) -> u32 {
    match b {
        0xF0..=0xFF => 2,
        b if starts_char(b) => 1,
        _ => 0,
    }
}

impl SourceFile {
    /// A file named `name` (a path or a label such as `<stdin>`) holding `text`.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        let text = text.into();
        let line_starts = line_starts(&text);
        SourceFile {
            name: name.into(),
            node_path: None,
            text,
            line_starts,
            blocks: OnceLock::new(),
        }
    }

    fn blocks(&self) -> Option<&[(u32, u32)]> {
        self.blocks
            .get_or_init(|| {
                (!self.text.is_ascii()).then(|| {
                    let (mut chars, mut units) = (0u32, 0u32);
                    let mut blocks: Vec<(u32, u32)> = self
                        .text
                        .as_bytes()
                        .chunks(BLOCK)
                        .map(|block| {
                            let before = (chars, units);
                            for &b in block {
                                chars += u32::from(starts_char(b));
                                units += utf16_units(b);
                            }
                            before
                        })
                        .collect();
                    blocks.push((chars, units)); // the end, when the length is a multiple
                    blocks
                })
            })
            .as_deref()
    }

    /// The display name: for a file on this machine, its path here.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The same file, known to the node as `path` (a deployment script elpc read through the
    /// path map: `name` is where it is on this machine, `path` where the node runs it from).
    pub fn with_node_path(mut self, path: impl Into<String>) -> SourceFile {
        self.node_path = Some(path.into());
        self
    }

    /// The path the node runs this file from, when elpc read it through the path map
    /// (`--scripts`, `--path-map`); [`SourceFile::name`] is then its path on this machine.
    pub fn node_path(&self) -> Option<&str> {
        self.node_path.as_deref()
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The whole text, shared (the policy parser keeps its literals as ranges of it).
    pub(crate) fn shared_text(&self) -> &Arc<str> {
        &self.text
    }

    /// The text a span covers (empty when the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = self.floor_char_boundary(offset as usize);
        self.line_col_on(offset, self.line_of(offset))
    }

    /// [`SourceFile::line_col`] for offsets visited mostly in rising order (the spans of
    /// sorted findings): the line is first looked for at `hint` (0-based) and the line after
    /// it before the whole file is searched, and `hint` becomes the offset's line.
    pub(crate) fn line_col_near(&self, offset: u32, hint: &mut usize) -> LineCol {
        let offset = self.floor_char_boundary(offset as usize);
        let on = |line: usize| {
            let starts = &self.line_starts;
            let begun = starts.get(line).is_some_and(|&s| s as usize <= offset);
            begun
                && starts
                    .get(line + 1)
                    .is_none_or(|&next| offset < next as usize)
        };
        let line = match *hint {
            h if on(h) => h,
            h if on(h + 1) => h + 1,
            _ => self.line_of(offset),
        };
        *hint = line;
        self.line_col_on(offset, line)
    }

    /// The line and column of `offset` (a character boundary) on 0-based `line`.
    fn line_col_on(&self, offset: usize, line: usize) -> LineCol {
        let start = self.line_starts[line] as usize;
        let column = self.chars_before(offset) - self.chars_before(start) + 1;
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
        let col = self.utf16_before(offset) - self.utf16_before(start);
        (clamp_u32(line), clamp_u32(col))
    }

    /// Byte offset of a 0-based line and UTF-16 column (clamped to the line's end): the first
    /// character boundary at or past the column.
    pub fn offset_of_utf16(&self, line: u32, col: u32) -> u32 {
        let Some(&start) = self.line_starts.get(line as usize) else {
            return clamp_u32(self.text.len());
        };
        let start = start as usize;
        let end = self.line_end(line as usize);
        let Some(blocks) = self.blocks() else {
            return clamp_u32(start.saturating_add(col as usize).min(end));
        };
        let target = self.utf16_before(start) + col as usize;
        // The last block that starts at or before the line and the target, then a short scan.
        let from_block = blocks
            .partition_point(|&(_, units)| (units as usize) <= target)
            .saturating_sub(1);
        let mut at = (from_block * BLOCK).clamp(start, end);
        let mut units = self.utf16_before_boundaryless(at);
        let bytes = self.text.as_bytes();
        while at < end {
            let b = bytes[at];
            if starts_char(b) && units >= target {
                break;
            }
            units += utf16_units(b) as usize;
            at += 1;
        }
        clamp_u32(at)
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The 0-based line holding a byte offset.
    pub fn line_index(&self, offset: u32) -> usize {
        self.line_of(self.floor_char_boundary(offset as usize))
    }

    /// The byte range of a 0-based line, without its `\n` (empty past the last line).
    pub fn line_range(&self, line: usize) -> Range<usize> {
        match self.line_starts.get(line) {
            Some(&start) => start as usize..self.line_end(line),
            None => self.text.len()..self.text.len(),
        }
    }

    fn line_end(&self, line: usize) -> usize {
        self.line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next as usize - 1)
    }

    fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&clamp_u32(offset)) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Characters in `text[..offset]` (`offset` on a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        match self.blocks() {
            None => offset,
            Some(blocks) => {
                let block = offset / BLOCK;
                let from = block * BLOCK;
                blocks.get(block).map_or(0, |b| b.0 as usize)
                    + self.text.as_bytes()[from..offset]
                        .iter()
                        .filter(|&&b| starts_char(b))
                        .count()
            }
        }
    }

    /// UTF-16 units in `text[..offset]` (`offset` on a character boundary).
    fn utf16_before(&self, offset: usize) -> usize {
        self.utf16_before_boundaryless(offset)
    }

    /// UTF-16 units of the characters that start before byte `offset` (any offset).
    fn utf16_before_boundaryless(&self, offset: usize) -> usize {
        let Some(blocks) = self.blocks() else {
            return offset;
        };
        let block = offset / BLOCK;
        let from = block * BLOCK;
        blocks.get(block).map_or(0, |b| b.1 as usize)
            + self.text.as_bytes()[from..offset]
                .iter()
                .map(|&b| utf16_units(b) as usize)
                .sum::<usize>()
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
    /// and line number stays valid (used to hide secret values from snippets). Each call
    /// rebuilds the file's text: to mask many spans, use [`SourceMap::mask_all`].
    pub fn mask(&mut self, span: Span) {
        self.mask_all([span]);
    }

    /// [`SourceMap::mask`] of every span, each file's text rebuilt once (parsed literals keep
    /// sharing the text as it was).
    pub fn mask_all(&mut self, spans: impl IntoIterator<Item = Span>) {
        let mut spans: Vec<Span> = spans.into_iter().collect();
        spans.sort_by_key(|s| s.file.0);
        for same_file in spans.chunk_by(|a, b| a.file == b.file) {
            let Some(file) = self.files.get_mut(same_file[0].file.0 as usize) else {
                continue;
            };
            let mut text = file.text.as_bytes().to_vec();
            for span in same_file {
                // On character boundaries of the text as masked so far, as `str::get` asks.
                let boundary = |at: usize| match text.get(at) {
                    Some(&b) => starts_char(b),
                    None => at == text.len(),
                };
                let range = span.range();
                if range.start > range.end || !boundary(range.start) || !boundary(range.end) {
                    continue;
                }
                let covered = &mut text[range];
                if !covered.is_ascii() {
                    file.blocks = OnceLock::new(); // multi-byte characters: one `*` per byte
                }
                // Every byte of every character becomes `*`; line breaks stay.
                for b in covered.iter_mut().filter(|b| !matches!(b, b'\n' | b'\r')) {
                    *b = b'*';
                }
            }
            // Whole characters became ASCII: still UTF-8 (else the text stays as it was).
            if let Ok(masked) = String::from_utf8(text) {
                file.text = masked.into();
            }
        }
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

    /// `node_path:line:col` of a span's start, when its file is one the node runs from a path
    /// of its own ([`SourceFile::node_path`]).
    pub fn node_location(&self, span: Span) -> Option<String> {
        let file = self.get(span.file);
        let lc = file.line_col(span.start);
        Some(format!("{}:{}:{}", file.node_path()?, lc.line, lc.column))
    }

    /// The file whose name is the local path `path` (a leading `./` ignored on both sides).
    pub(crate) fn find_local(&self, path: &str) -> Option<FileId> {
        let bare = |p: &str| p.trim_start_matches("./").to_string();
        let path = bare(path);
        self.iter()
            .find(|(_, f)| bare(f.name()) == path)
            .map(|(id, _)| id)
    }

    /// Records that the node runs file `id` from `path` (see [`SourceFile::node_path`]).
    pub(crate) fn set_node_path(&mut self, id: FileId, path: &str) {
        if let Some(file) = self.files.get_mut(id.0 as usize) {
            file.node_path = Some(path.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_are_one_past_every_line_break() {
        // Line breaks at every place of a block and around its ends, runs of them, none.
        for len in [0, 1, 31, 32, 33, 63, 64, 65, 100] {
            for step in [1, 2, 7, 31, 32, 33, 200] {
                let text: String = (0..len)
                    .map(|i| if i % step == step - 1 { '\n' } else { 'x' })
                    .collect();
                let mut expected = vec![0u32];
                expected.extend(text.match_indices('\n').map(|(i, _)| i as u32 + 1));
                assert_eq!(
                    line_starts(&text),
                    expected,
                    "{len} bytes, a break every {step}"
                );
            }
        }
    }

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

    /// The straightforward scans the index replaced: count from the start of the line.
    fn naive_line_col(text: &str, offset: usize) -> (usize, usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..offset].matches('\n').count();
        let chars = text[start..offset].chars().count();
        let units: usize = text[start..offset].chars().map(char::len_utf16).sum();
        (line, chars, units)
    }

    fn naive_offset_of_utf16(text: &str, line: usize, col: usize) -> usize {
        let Some(start) =
            (0..line).try_fold(0usize, |at, _| text[at..].find('\n').map(|i| at + i + 1))
        else {
            return text.len();
        };
        let (mut units, mut offset) = (0, start);
        for ch in text[start..].chars() {
            if ch == '\n' || units >= col {
                break;
            }
            units += ch.len_utf16();
            offset += ch.len_utf8();
        }
        offset
    }

    #[test]
    fn masking_many_spans_at_once_is_masking_them_one_by_one() {
        let texts = ["A=sécret\nB=two\n", "KEY=x\r\ny"];
        let spans = |map: &mut SourceMap| {
            let ids: Vec<FileId> = texts
                .iter()
                .map(|t| map.add(SourceFile::new("f", *t)))
                .collect();
            // Out of order, across files, overlapping, one empty and one past the end.
            vec![
                Span::new(ids[1], 4..8),
                Span::new(ids[0], 2..9),
                Span::new(ids[0], 5..12),
                Span::new(ids[0], 3..3),
                Span::new(ids[1], 9..40),
            ]
        };
        let (mut one, mut all) = (SourceMap::new(), SourceMap::new());
        for span in spans(&mut one) {
            one.mask(span);
        }
        let listed = spans(&mut all);
        // A literal parsed before masking keeps the text as it was.
        let before = all.get(FileId(0)).shared_text().clone();
        all.mask_all(listed);
        for i in 0..2 {
            assert_eq!(one.get(FileId(i)).text(), all.get(FileId(i)).text());
        }
        // One `*` per byte (`é` is two), line breaks kept, the span past the end ignored.
        assert_eq!(all.get(FileId(0)).text(), "A=*******\n**two\n");
        assert_eq!(all.get(FileId(1)).text(), "KEY=*\r\n*");
        assert_eq!(&*before, texts[0]);
        let at = all.get(FileId(0)).line_col(8);
        assert_eq!(
            (at.line, at.column),
            (1, 9),
            "columns count the masked bytes"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        #[test]
        fn indexed_positions_equal_a_scan_from_the_line_start(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec!["a", "bc", "\n", "é", "😀", "\r\n", "中文", " "]),
                0..400,
            ),
            probes in proptest::collection::vec((0usize..2000, 0usize..40, 0usize..300), 1..20),
            masked in proptest::option::of((0usize..2000, 0usize..50)),
        ) {
            let mut map = SourceMap::new();
            let id = map.add(SourceFile::new("t", pieces.concat()));
            let _ = map.get(id).line_col(0); // build the index, then let masking invalidate it
            if let Some((at, len)) = masked {
                let text = map.get(id).text();
                let mut a = at.min(text.len());
                while !text.is_char_boundary(a) { a -= 1; }
                let mut b = (a + len).min(text.len());
                while !text.is_char_boundary(b) { b -= 1; }
                map.mask(Span::new(id, a..b));
            }
            let f = map.get(id);
            let text = f.text();
            for (offset, line, col) in probes {
                let (l, chars, units) = naive_line_col(text, offset);
                let lc = f.line_col(offset as u32);
                proptest::prop_assert_eq!((lc.line as usize, lc.column as usize), (l + 1, chars + 1));
                proptest::prop_assert_eq!(f.line_utf16(offset as u32), (l as u32, units as u32));
                proptest::prop_assert_eq!(
                    f.offset_of_utf16(line as u32, col as u32) as usize,
                    naive_offset_of_utf16(text, line, col)
                );
            }
        }
    }

    #[test]
    fn the_line_near_a_hint_is_the_line_searched_for() {
        let f = SourceFile::new("x", "ab\n\né😀c\nlast line\n\n");
        for hint in 0..8 {
            for offset in 0..=(f.text().len() as u32 + 2) {
                let mut h = hint;
                assert_eq!(
                    f.line_col_near(offset, &mut h),
                    f.line_col(offset),
                    "{hint} {offset}"
                );
                assert_eq!(h + 1, f.line_col(offset).line as usize);
            }
        }
    }

    #[test]
    fn columns_on_a_long_line_cost_no_scan_of_the_line() {
        // 100,000 commands on one line: each column used to be counted from the line start.
        let line = "'run scheduler 1', ".repeat(100_000);
        for text in [line.clone(), format!("é{line}")] {
            let f = SourceFile::new("long", text);
            let start = std::time::Instant::now();
            let mut sum = 0u64;
            for i in (0..f.text().len()).step_by(19) {
                sum += u64::from(f.line_col(i as u32).column) + u64::from(f.line_utf16(i as u32).1);
            }
            assert!(sum > 0);
            // 100,000 lookups: a scan per lookup is about 10^11 steps; the index needs 10^7.
            assert!(
                start.elapsed() < std::time::Duration::from_secs(5),
                "{:?}",
                start.elapsed()
            );
        }
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
