//! Diagnostics for people: the severity, code and message, each labelled line of the source as
//! a window around its label with the span underlined (secondary labels too, also in env
//! files), then help and notes.
//!
//! The cost is bounded whatever the input: a label costs one line lookup and a window of at
//! most [`super::snippet::WINDOW`] columns (never the whole line or file), texts are cut at
//! [`MAX_TEXT`] characters, a diagnostic draws at most [`MAX_LABELS`] labels, and
//! [`render_all`] draws at most [`MAX_SHOWN`] diagnostics, then says how many it left out.
//! Control characters from policy or env text are drawn as visible stand-ins
//! ([`super::printable`]), never sent to the terminal.

use std::fmt::Write as _;

use super::printable::printable;
use super::snippet::{Mark, Window};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::source::{FileId, SourceFile, SourceMap};

/// Most diagnostics [`render_all`] draws; errors are kept first when there are more.
pub const MAX_SHOWN: usize = 200;
/// Most labels drawn for one diagnostic.
pub const MAX_LABELS: usize = 8;
/// Longest message, label, help or note drawn, in characters.
pub const MAX_TEXT: usize = 1000;

/// Renders one diagnostic. `color` selects ANSI colours.
pub fn render(sources: &SourceMap, d: &Diagnostic, color: bool) -> String {
    let paint = Paint { color };
    let mut out = String::new();
    let (word, tone) = match d.severity {
        Severity::Error => ("error", RED),
        Severity::Warning => ("warning", YELLOW),
        Severity::Note => ("note", CYAN),
    };
    let _ = writeln!(
        out,
        "{}{}",
        paint.bold(tone, &format!("{word}[{}]({})", d.rule.code, d.rule.name)),
        paint.bold("", &format!(": {}", indent(&clip(&d.message), "  ")))
    );

    let labels: Vec<(&Label, bool)> = std::iter::once((&d.primary, true))
        .chain(d.secondary.iter().map(|l| (l, false)))
        .take(MAX_LABELS)
        .collect();
    // One excerpt per file, in the order the labels name them (the primary's file first).
    let mut files: Vec<FileId> = Vec::new();
    for (l, _) in &labels {
        if !files.contains(&l.span.file) {
            files.push(l.span.file);
        }
    }
    let excerpts: Vec<(FileId, Vec<Row>)> = files
        .iter()
        .map(|&id| {
            let mine: Vec<_> = labels.iter().filter(|(l, _)| l.span.file == id).collect();
            (id, rows(sources.get(id), &mine))
        })
        .collect();
    let gutter = excerpts
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|r| r.line))
        .max()
        .unwrap_or(1)
        .to_string()
        .len();
    let pad = " ".repeat(gutter);
    for (i, (file_id, rows)) in excerpts.iter().enumerate() {
        let file = sources.get(*file_id);
        let first = rows.first().map_or((1, 1), |r| (r.line, r.column));
        let arrow = if i == 0 { "-->" } else { ":::" };
        let _ = writeln!(
            out,
            "{pad}{} {}:{}:{}",
            paint.bold(BLUE, arrow),
            printable(file.name()),
            first.0,
            first.1
        );
        let _ = writeln!(out, "{pad} {}", paint.bold(BLUE, "|"));
        let mut previous: Option<usize> = None;
        for row in rows {
            if previous.is_some_and(|p| row.line > p + 1) {
                let _ = writeln!(out, "{}", paint.bold(BLUE, "..."));
            }
            previous = Some(row.line);
            let number = format!("{:>gutter$} |", row.line);
            let _ = writeln!(out, "{} {}", paint.bold(BLUE, &number), row.window.text);
            for (mark, message, primary) in &row.marks {
                let (glyph, tone) = if *primary { ('^', tone) } else { ('-', BLUE) };
                let mut line = " ".repeat(mark.column);
                line.extend(std::iter::repeat_n(glyph, mark.width));
                if mark.cut {
                    line.push('…');
                }
                let label = clip(message);
                let text = if label.is_empty() {
                    paint.bold(tone, &line)
                } else {
                    let hang = " ".repeat(gutter + 3 + line.chars().count() + 1);
                    format!(
                        "{} {}",
                        paint.bold(tone, &line),
                        paint.paint(tone, &indent(&label, &hang))
                    )
                };
                let _ = writeln!(out, "{pad} {} {text}", paint.bold(BLUE, "|"));
            }
        }
    }
    let hidden = 1 + d.secondary.len() - labels.len();
    let mut footer: Vec<(&str, String)> = Vec::new();
    if hidden > 0 {
        footer.push(("note", format!("{hidden} more labels not shown")));
    }
    if let Some(help) = &d.help {
        footer.push(("help", clip(help)));
    }
    footer.extend(d.notes.iter().map(|n| ("note", clip(n))));
    if !footer.is_empty() {
        let _ = writeln!(out, "{pad} {}", paint.bold(BLUE, "|"));
    }
    for (kind, text) in footer {
        let hang = format!("{pad}   {}", " ".repeat(kind.len() + 2));
        let _ = writeln!(
            out,
            "{pad} {} {}: {}",
            paint.bold(BLUE, "="),
            paint.bold("", kind),
            indent(&text, &hang)
        );
    }
    out.push('\n');
    out
}

/// Renders diagnostics in order, at most [`MAX_SHOWN`] of them (errors first when there are
/// more), then one line saying how many were left out.
pub fn render_all<'a>(
    sources: &SourceMap,
    diags: impl IntoIterator<Item = &'a Diagnostic>,
    color: bool,
) -> String {
    let diags: Vec<&Diagnostic> = diags.into_iter().collect();
    let mut chosen: Vec<usize> = (0..diags.len()).collect();
    if diags.len() > MAX_SHOWN {
        chosen.sort_by_key(|&i| (std::cmp::Reverse(diags[i].severity), i));
        chosen.truncate(MAX_SHOWN);
        chosen.sort_unstable();
    }
    let mut out = String::new();
    for &i in &chosen {
        out.push_str(&render(sources, diags[i], color));
    }
    if chosen.len() < diags.len() {
        let left: Vec<&Diagnostic> = (0..diags.len())
            .filter(|i| chosen.binary_search(i).is_err())
            .map(|i| diags[i])
            .collect();
        let _ = writeln!(
            out,
            "… and {} more not shown ({}); `--format json` lists every finding\n",
            left.len(),
            summary(left)
        );
    }
    out
}

/// One line summing up a run: `2 errors, 1 warning`.
pub fn summary<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) -> String {
    let (mut errors, mut warnings, mut notes) = (0, 0, 0);
    for d in diags {
        match d.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
            Severity::Note => notes += 1,
        }
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut parts = vec![plural(errors, "error"), plural(warnings, "warning")];
    if notes > 0 {
        parts.push(plural(notes, "note"));
    }
    parts.join(", ")
}

/// One drawn source line: its number, the window shown and the underlines in it.
struct Row<'a> {
    line: usize,
    /// Column (1-based, in characters) of the first label, for the `-->` line.
    column: usize,
    window: Window,
    marks: Vec<(Mark, &'a str, bool)>,
}

/// The rows for the labels of one file, in line order. Labels on one line share a window when
/// they fit in it; a label far along a long line gets a window of its own.
fn rows<'a>(file: &SourceFile, labels: &[&(&'a Label, bool)]) -> Vec<Row<'a>> {
    let text = file.text();
    let mut placed: Vec<(usize, usize, usize, &'a Label, bool)> = labels
        .iter()
        .map(|(label, primary)| {
            let at = label.span.start as usize;
            let lc = file.line_col(label.span.start);
            let line_start = file.offset_of_utf16(lc.line - 1, 0) as usize;
            (
                lc.line as usize,
                lc.column as usize,
                line_start.min(at),
                *label,
                *primary,
            )
        })
        .collect();
    placed.sort_by_key(|p| (p.0, p.3.span.start));
    let mut rows: Vec<Row> = Vec::new();
    for (line, column, line_start, label, primary) in placed {
        let (start, end) = (label.span.start as usize, label.span.end as usize);
        let row = match rows.last_mut() {
            Some(row) if row.line == line && row.window.shows(start) => row,
            _ => {
                rows.push(Row {
                    line,
                    column,
                    window: Window::around(text, line_start, start),
                    marks: Vec::new(),
                });
                rows.last_mut().expect("just pushed")
            }
        };
        // A span that goes on past the window (or onto later lines) ends in `…`.
        let mark = row.window.mark(start, end.max(start));
        row.marks.push((mark, &label.message, primary));
    }
    rows
}

/// `text` made printable and cut to [`MAX_TEXT`] characters.
fn clip(text: &str) -> String {
    let shown = printable(text);
    match shown.char_indices().nth(MAX_TEXT) {
        Some((at, _)) => format!("{}… ({} more bytes)", &shown[..at], shown.len() - at),
        None => shown.into_owned(),
    }
}

/// Continuation lines of `text` indented by `hang`.
fn indent(text: &str, hang: &str) -> String {
    text.replace('\n', &format!("\n{hang}"))
}

const RED: &str = "31";
const YELLOW: &str = "33";
const CYAN: &str = "36";
const BLUE: &str = "34";

/// ANSI styling, or none.
struct Paint {
    color: bool,
}

impl Paint {
    fn paint(&self, tone: &str, text: &str) -> String {
        if !self.color || tone.is_empty() {
            return text.to_string();
        }
        format!("\x1b[{tone}m{text}\x1b[0m")
    }

    fn bold(&self, tone: &str, text: &str) -> String {
        if !self.color {
            return text.to_string();
        }
        match tone {
            "" => format!("\x1b[1m{text}\x1b[0m"),
            tone => format!("\x1b[1;{tone}m{text}\x1b[0m"),
        }
    }
}
