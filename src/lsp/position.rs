//! Positions in the client's negotiated encoding: UTF-16 code units (the LSP default) or
//! UTF-8 bytes, when the client offers `utf-8` in `general.positionEncodings`.

use lsp_types::{Position, PositionEncodingKind, Range};

use crate::source::{SourceFile, Span};

/// How a `Position.character` counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-16 code units (the default every client supports).
    #[default]
    Utf16,
    /// UTF-8 bytes.
    Utf8,
}

impl Encoding {
    /// Picks UTF-8 when the client offers it, else UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    /// The kind announced in the server capabilities.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf8 => PositionEncodingKind::UTF8,
        }
    }
}

/// The position of a byte offset.
pub fn position(file: &SourceFile, offset: u32, encoding: Encoding) -> Position {
    let (line, col16) = file.line_utf16(offset);
    match encoding {
        Encoding::Utf16 => Position::new(line, col16),
        Encoding::Utf8 => {
            let start = file.line_range(line as usize).start as u32;
            let mut offset = (offset as usize).min(file.text().len());
            while !file.text().is_char_boundary(offset) {
                offset -= 1;
            }
            Position::new(line, (offset as u32).saturating_sub(start))
        }
    }
}

/// The byte offset of a position, clamped to the end of its line (and of the text).
pub fn offset(file: &SourceFile, pos: Position, encoding: Encoding) -> usize {
    match encoding {
        Encoding::Utf16 => file.offset_of_utf16(pos.line, pos.character) as usize,
        Encoding::Utf8 => {
            let text = file.text();
            let line = file.line_range(pos.line as usize);
            let mut offset = line
                .start
                .saturating_add(pos.character as usize)
                .min(line.end);
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            offset
        }
    }
}

/// The range a span covers.
pub fn range(file: &SourceFile, span: Span, encoding: Encoding) -> Range {
    Range::new(
        position(file, span.start, encoding),
        position(file, span.end, encoding),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_and_utf16_columns_differ_after_wide_characters() {
        let f = SourceFile::new("a", "x\n😀é!y\n");
        let y = f.text().find('y').unwrap() as u32;
        assert_eq!(position(&f, y, Encoding::Utf16), Position::new(1, 4));
        assert_eq!(position(&f, y, Encoding::Utf8), Position::new(1, 7));
        assert_eq!(offset(&f, Position::new(1, 4), Encoding::Utf16), y as usize);
        assert_eq!(offset(&f, Position::new(1, 7), Encoding::Utf8), y as usize);
        // inside the emoji snaps back; past the line end clamps to it
        assert_eq!(offset(&f, Position::new(1, 2), Encoding::Utf8), 2);
        assert_eq!(
            offset(&f, Position::new(1, 99), Encoding::Utf8),
            y as usize + 1
        );
    }
}
