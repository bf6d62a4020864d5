//! An `.al` script file split the way `member_cmd.exec_script` reads it (spec §4.6): label
//! lines, comments, `<…>` blocks joined with single spaces, and dictionaries left open at the
//! end of a line continued on the next ones.
//!
//! The result keeps, for every logical line, where each of its characters is in the file, so a
//! finding about a word of a joined block points at the right place.

use std::ops::Range;

use indexmap::IndexMap;

use crate::source::{FileId, Span};

/// One command of the file, as `process_cmd` receives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileLine {
    /// The command text (stripped; blocks joined).
    pub text: String,
    /// Index of the file line (0-based) it starts on.
    pub first_line: usize,
    /// Pieces of `text` and where they are in the file: `(text offset, file offset, length)`.
    pieces: Vec<(usize, usize, usize)>,
    file: FileId,
}

impl FileLine {
    /// The file span of a byte range of [`FileLine::text`].
    pub fn span_of(&self, range: Range<usize>) -> Span {
        let at = |offset: usize, end: bool| -> usize {
            let mut best = self.pieces.first().map_or(0, |p| p.1);
            for &(text_at, file_at, len) in &self.pieces {
                if offset >= text_at && (offset < text_at + len || (end && offset == text_at + len))
                {
                    return file_at + (offset - text_at);
                }
                if offset >= text_at + len {
                    best = file_at + len;
                }
            }
            best
        };
        let start = at(range.start, false);
        let end = at(range.end, true).max(start);
        Span::new(self.file, start..end)
    }

    /// The whole line's span in the file.
    pub fn span(&self) -> Span {
        self.span_of(0..self.text.len())
    }
}

/// A `:name:` label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The file line (0-based) it is on.
    pub line: usize,
    /// Where it is written.
    pub span: Span,
}

/// A file split into commands and labels.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ScriptFile {
    /// The commands, in file order.
    pub lines: Vec<FileLine>,
    /// The labels by name, in file order.
    pub labels: IndexMap<String, Label>,
    /// A label defined a second time (the node refuses to run the file): the name, the second
    /// definition and the first.
    pub duplicate_label: Option<(String, Span, Span)>,
    /// Lines that look like labels but are not (`:name` without the closing colon, LINT-21).
    pub not_labels: Vec<(String, Span)>,
    /// A `<` block or an open dictionary the file ends inside: it never runs.
    pub unclosed: Option<Span>,
}

impl ScriptFile {
    /// The index of the first command after `label` (where `goto label` continues).
    pub fn after_label(&self, label: &str) -> Option<usize> {
        let line = self.labels.get(label)?.line;
        Some(
            self.lines
                .iter()
                .position(|l| l.first_line > line)
                .unwrap_or(self.lines.len()),
        )
    }
}

/// Where the bracket group the line leaves open starts (outside quotes).
fn unclosed_start(text: &str) -> Option<usize> {
    let mut stack = Vec::new();
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => stack.push(i),
            (None, '}' | ']') => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.first().copied()
}

/// `{`/`[` opened minus closed, outside quotes: a dictionary the line leaves open.
fn open_brackets(text: &str) -> i64 {
    let mut depth = 0i64;
    let mut quote = None;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// Splits `text` (the file `file`) into commands and labels.
pub fn split_script(file: FileId, text: &str) -> ScriptFile {
    let mut out = ScriptFile::default();
    // The node reads the file with `readlines()`: lines keep their `\n`.
    let mut raw: Vec<(usize, &str)> = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        raw.push((at, line));
        at += line.len();
    }
    // Step 1 of exec_script: labels are lines whose first character is `:` with a second `:`.
    let mut label_lines = std::collections::HashSet::new();
    for (n, (start, line)) in raw.iter().enumerate() {
        if let Some(rest) = line.strip_prefix(':') {
            match rest.find(':') {
                Some(i) if i > 0 => {
                    let name = &rest[..i];
                    let span = Span::new(file, *start..*start + i + 2);
                    label_lines.insert(n);
                    if let Some(first) = out.labels.get(name) {
                        if out.duplicate_label.is_none() {
                            out.duplicate_label = Some((name.to_string(), span, first.span));
                        }
                    } else {
                        out.labels.insert(name.to_string(), Label { line: n, span });
                    }
                }
                _ => {
                    let name = rest.trim_end().trim_end_matches(':').to_string();
                    if !name.is_empty() && !name.contains(char::is_whitespace) {
                        let len = line.trim_end().len();
                        out.not_labels
                            .push((name, Span::new(file, *start..*start + len)));
                    }
                }
            }
        }
    }
    // Step 2: comments and label lines are skipped (inside blocks too), `<` opens a block that
    // a line ending in `>` closes, and an open dictionary continues on the next lines.
    let mut current: Option<FileLine> = None;
    let mut in_block = false;
    for (n, (start, line)) in raw.iter().enumerate() {
        if label_lines.contains(&n) {
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let stripped = line.trim();
        if stripped.is_empty() || stripped.starts_with('#') || stripped.starts_with(':') {
            continue;
        }
        let body = stripped.trim_end_matches([' ', '\r', '\n', '\t']);
        let file_at = start + lead;
        if in_block {
            let cur = current.as_mut().expect("a block is open");
            let closes = body.ends_with('>');
            let piece = if closes {
                &body[..body.len() - 1]
            } else {
                body
            };
            cur.pieces.push((cur.text.len(), file_at, piece.len()));
            cur.text.push_str(piece);
            if closes {
                in_block = false;
                finish(&mut out, current.take());
            } else {
                cur.text.push(' ');
            }
            continue;
        }
        if let Some(cur) = current.as_mut() {
            // An open dictionary: the node appends the next line with no separator.
            cur.pieces.push((cur.text.len(), file_at, stripped.len()));
            cur.text.push_str(stripped);
            if open_brackets(&cur.text) <= 0 {
                finish(&mut out, current.take());
            }
            continue;
        }
        if let Some(rest) = body.strip_prefix('<') {
            in_block = true;
            current = Some(FileLine {
                text: format!("{rest} "),
                first_line: n,
                pieces: vec![(0, file_at + 1, rest.len())],
                file,
            });
            continue;
        }
        if open_brackets(stripped) > 0 {
            // The node re-joins the words before the open group and appends the group's text
            // to them without a space (`x = {` becomes `x ={`).
            let open = unclosed_start(stripped).unwrap_or(0);
            let head = stripped[..open].trim_end();
            let mut pieces = vec![(0, file_at, head.len())];
            pieces.push((head.len(), file_at + open, stripped.len() - open));
            current = Some(FileLine {
                text: format!("{head}{}", &stripped[open..]),
                first_line: n,
                pieces,
                file,
            });
        } else {
            out.lines.push(FileLine {
                text: stripped.to_string(),
                first_line: n,
                pieces: vec![(0, file_at, stripped.len())],
                file,
            });
        }
    }
    if let Some(cur) = current {
        out.unclosed = Some(cur.span_of(0..0));
    }
    out
}

fn finish(out: &mut ScriptFile, line: Option<FileLine>) {
    if let Some(line) = line {
        out.lines.push(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(f: &ScriptFile) -> Vec<&str> {
        f.lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn labels_comments_and_blocks() {
        let src = "# c\n:a:\nx = 1\n  :b\n<y = a +\n# skipped\n   b>\n:a:\n";
        let f = split_script(FileId(0), src);
        assert_eq!(texts(&f), ["x = 1", "y = a + b"]);
        assert_eq!(f.labels["a"].line, 1);
        assert!(f.duplicate_label.is_some());
        assert_eq!(f.after_label("a"), Some(0));
        // the joined block maps its second part back to the file
        let l = &f.lines[1];
        let span = l.span_of(8..9);
        assert_eq!(&src[span.range()], "b");
    }

    #[test]
    fn a_one_line_block_is_not_closed_by_its_own_line() {
        let f = split_script(FileId(0), "<a = 1>\nb = 2>\nc = 3\n");
        assert_eq!(texts(&f), ["a = 1> b = 2", "c = 3"]);
    }

    #[test]
    fn open_dictionaries_continue_without_separator() {
        let f = split_script(FileId(0), "x = {\"a\": 1,\n\"b\": 2}\ny = 1\n");
        assert_eq!(texts(&f), ["x ={\"a\": 1,\"b\": 2}", "y = 1"]);
    }

    #[test]
    fn unclosed_block_never_runs() {
        let f = split_script(FileId(0), "a = 1\n<b = 2\nc = 3\n");
        assert_eq!(texts(&f), ["a = 1"]);
        assert!(f.unclosed.is_some());
    }

    #[test]
    fn colon_lines_without_closing_colon_are_not_labels() {
        let f = split_script(FileId(0), ":create-error\nx = 1\n");
        assert!(f.labels.is_empty());
        assert_eq!(f.not_labels[0].0, "create-error");
    }
}
