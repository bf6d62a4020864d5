//! Diagnostics for people, drawn by miette: the code, the message, the source with the span
//! underlined, secondary labels (also in env files), notes and help.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, SourceMap, Span};

/// Renders one diagnostic. `color` selects ANSI colours.
pub fn render(sources: &SourceMap, d: &Diagnostic, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let report = Report::new(sources, d);
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        out = format!("{}: {}\n", d.rule.code, d.message);
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

/// A miette view of one elpc diagnostic (or of one of its labels in another file).
struct Report {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    source: NamedSource<String>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn new(sources: &SourceMap, d: &Diagnostic) -> Report {
        let file = d.primary.span.file;
        let mut labels = vec![label(d.primary.span, &d.primary.message, true)];
        let mut related = Vec::new();
        for l in &d.secondary {
            if l.span.file == file {
                labels.push(label(l.span, &l.message, false));
            } else {
                related.push(Report {
                    message: l.message.clone(),
                    code: String::new(),
                    severity: miette::Severity::Advice,
                    help: None,
                    source: named(sources, l.span.file),
                    labels: vec![label(l.span, "", true)],
                    related: Vec::new(),
                });
            }
        }
        let mut help_lines: Vec<String> = d.help.iter().cloned().collect();
        help_lines.extend(d.notes.iter().map(|n| format!("note: {n}")));
        Report {
            message: d.message.clone(),
            code: format!("{}({})", d.rule.code, d.rule.name),
            severity: match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Note => miette::Severity::Advice,
            },
            help: (!help_lines.is_empty()).then(|| help_lines.join("\n")),
            source: named(sources, file),
            labels,
            related,
        }
    }
}

fn named(sources: &SourceMap, file: FileId) -> NamedSource<String> {
    let f = sources.get(file);
    NamedSource::new(f.name(), f.text().to_string())
}

fn label(span: Span, message: &str, primary: bool) -> LabeledSpan {
    let span = SourceSpan::new(
        (span.start as usize).into(),
        (span.end - span.start) as usize,
    );
    let text = (!message.is_empty()).then(|| message.to_string());
    if primary {
        LabeledSpan::new_primary_with_span(text, span)
    } else {
        LabeledSpan::new_with_span(text, span)
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}
