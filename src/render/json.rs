//! Diagnostics as JSON: code, name, severity, message, 1-based start and end positions, help,
//! notes, secondary labels and suggestions.
//!
//! The objects are serialised straight from the diagnostics ([`DiagnosticView`]), so writing
//! a report costs its own text and no JSON tree per diagnostic (a quarter of a million
//! diagnostics used to need 2.3 GB, issue 13); [`diagnostic_json`] gives the same object as a
//! tree for callers that want one.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::Value as Json;

use crate::diagnostic::Diagnostic;
use crate::emit::ascii::{Keys, Open, Writer};
use crate::emit::json::ascii_json;
use crate::source::{SourceMap, Span};

/// The version of the JSON diagnostics format.
pub const FORMAT_VERSION: u32 = 1;

/// A span as `file`, `line`, `column`, `end_line`, `end_column` (1-based; columns in characters).
pub fn span_json(sources: &SourceMap, span: Span) -> Json {
    serde_json::to_value(SpanView {
        sources,
        span,
        message: None,
        replacement: None,
    })
    .unwrap_or_default()
}

/// One diagnostic as a JSON object.
pub fn diagnostic_json(sources: &SourceMap, d: &Diagnostic) -> Json {
    serde_json::to_value(DiagnosticView {
        sources,
        diagnostic: d,
        env_set: None,
    })
    .unwrap_or_default()
}

/// All diagnostics as a JSON array.
pub fn diagnostics_json<'a>(
    sources: &SourceMap,
    diags: impl IntoIterator<Item = &'a Diagnostic>,
) -> Json {
    Json::Array(
        diags
            .into_iter()
            .map(|d| diagnostic_json(sources, d))
            .collect(),
    )
}

/// The `elpc check --format json` document, `{"version": 1, "diagnostics": [...]}`, as ASCII
/// JSON text: the diagnostics of each run, tagged with its env set when it has one.
pub fn check_document<'a>(
    runs: impl IntoIterator<Item = (Option<&'a str>, &'a SourceMap, &'a [Diagnostic])>,
) -> String {
    let views: Vec<DiagnosticView> = runs
        .into_iter()
        .flat_map(|(env_set, sources, diags)| {
            diags.iter().map(move |diagnostic| DiagnosticView {
                sources,
                diagnostic,
                env_set,
            })
        })
        .collect();
    #[derive(Serialize)]
    struct Document<'v, 'a> {
        version: u32,
        diagnostics: &'v [DiagnosticView<'a>],
    }
    ascii_json(
        &Document {
            version: FORMAT_VERSION,
            diagnostics: &views,
        },
        true,
    )
}

/// One diagnostic, serialised as the object [`diagnostic_json`] describes (plus `env_set`
/// when set).
#[derive(Clone, Copy)]
pub struct DiagnosticView<'a> {
    /// The files its spans point into.
    pub sources: &'a SourceMap,
    /// The diagnostic.
    pub diagnostic: &'a Diagnostic,
    /// The env set it was found with (`elpc check --env-set`).
    pub env_set: Option<&'a str>,
}

/// A list of diagnostics, serialised as an array of [`DiagnosticView`] objects.
#[derive(Clone, Copy)]
pub struct DiagnosticsView<'a> {
    /// The files their spans point into.
    pub sources: &'a SourceMap,
    /// The diagnostics.
    pub diagnostics: &'a [Diagnostic],
}

struct SpanView<'a> {
    sources: &'a SourceMap,
    span: Span,
    message: Option<&'a str>,
    replacement: Option<&'a str>,
}

fn position<M: SerializeMap>(map: &mut M, sources: &SourceMap, span: Span) -> Result<(), M::Error> {
    let file = sources.get(span.file);
    let start = file.line_col(span.start);
    let end = file.line_col(span.end);
    map.serialize_entry("file", file.name())?;
    if let Some(node) = file.node_path() {
        map.serialize_entry("node_file", node)?;
    }
    map.serialize_entry("line", &start.line)?;
    map.serialize_entry("column", &start.column)?;
    map.serialize_entry("end_line", &end.line)?;
    map.serialize_entry("end_column", &end.column)
}

impl Serialize for SpanView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        position(&mut map, self.sources, self.span)?;
        if let Some(message) = self.message {
            map.serialize_entry("message", message)?;
        }
        if let Some(replacement) = self.replacement {
            map.serialize_entry("replacement", replacement)?;
        }
        map.end()
    }
}

impl Serialize for DiagnosticView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (d, sources) = (self.diagnostic, self.sources);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("code", d.rule.code)?;
        map.serialize_entry("name", d.rule.name)?;
        map.serialize_entry("severity", d.severity.as_str())?;
        map.serialize_entry("message", &d.message)?;
        position(&mut map, sources, d.primary.span)?;
        map.serialize_entry("label", &d.primary.message)?;
        map.serialize_entry("help", &d.help)?;
        map.serialize_entry("notes", &d.notes)?;
        let related: Vec<SpanView> = d
            .secondary
            .iter()
            .map(|l| SpanView {
                sources,
                span: l.span,
                message: Some(&l.message),
                replacement: None,
            })
            .collect();
        map.serialize_entry("related", &related)?;
        let suggestions: Vec<SpanView> = d
            .suggestions
            .iter()
            .map(|s| SpanView {
                sources,
                span: s.span,
                message: Some(&s.message),
                replacement: Some(&s.replacement),
            })
            .collect();
        map.serialize_entry("suggestions", &suggestions)?;
        if let Some(set) = self.env_set {
            map.serialize_entry("env_set", set)?;
        }
        map.end()
    }
}

impl DiagnosticsView<'_> {
    /// Writes the array straight to `w`: the same text as serialising the view, without
    /// serde's generic steps per member, each key laid out once (a diagnostic is some twenty
    /// members; they were most of the document of a policy with many findings).
    pub(crate) fn write(&self, w: &mut Writer<'_>) {
        let mut keys = DiagnosticKeys {
            top: Keys::new(KEYS),
            nested: Keys::new(KEYS),
            lines: Vec::new(),
        };
        let mut list = w.array();
        for d in self.diagnostics {
            list.element();
            write_diagnostic(list.writer(), self.sources, d, &mut keys);
            list.done();
        }
        list.end();
    }
}

/// The keys of a diagnostic object, in the order of [`KEYS`].
const KEYS: [&str; 16] = [
    "code",
    "name",
    "severity",
    "message",
    "file",
    "node_file",
    "line",
    "column",
    "end_line",
    "end_column",
    "label",
    "help",
    "notes",
    "related",
    "suggestions",
    "replacement",
];
const CODE: usize = 0;
const NAME: usize = 1;
const SEVERITY: usize = 2;
const MESSAGE: usize = 3;
const FILE: usize = 4;
const NODE_FILE: usize = 5;
const LINE: usize = 6;
const COLUMN: usize = 7;
const END_LINE: usize = 8;
const END_COLUMN: usize = 9;
const LABEL: usize = 10;
const HELP: usize = 11;
const NOTES: usize = 12;
const RELATED: usize = 13;
const SUGGESTIONS: usize = 14;
const REPLACEMENT: usize = 15;

/// The keys laid out for a diagnostic's own members and for those of its related spans and
/// suggestions (one level deeper).
struct DiagnosticKeys {
    top: Keys<16>,
    nested: Keys<16>,
    /// The line of the last span looked up in each file (findings come sorted by place).
    lines: Vec<usize>,
}

/// One diagnostic as [`DiagnosticView`] serialises it (without an env set).
fn write_diagnostic(
    w: &mut Writer<'_>,
    sources: &SourceMap,
    d: &Diagnostic,
    k: &mut DiagnosticKeys,
) {
    let keys = &mut k.top;
    let mut o = w.object();
    o.str_of(keys, CODE, d.rule.code);
    o.str_of(keys, NAME, d.rule.name);
    o.str_of(keys, SEVERITY, d.severity.as_str());
    o.str_of(keys, MESSAGE, &d.message);
    write_position(&mut o, keys, &mut k.lines, sources, d.primary.span);
    o.str_of(keys, LABEL, &d.primary.message);
    o.opt_str_of(keys, HELP, d.help.as_deref());
    o.key_of(keys, NOTES);
    let mut notes = o.writer().array();
    for note in &d.notes {
        notes.str_element(note);
    }
    notes.end();
    o.done();
    o.key_of(keys, RELATED);
    let related = d.secondary.iter().map(|l| (l.span, &*l.message, None));
    write_places(o.writer(), k, sources, related);
    o.done();
    o.key_of(&mut k.top, SUGGESTIONS);
    let suggestions = (d.suggestions.iter()).map(|s| (s.span, &*s.message, Some(&*s.replacement)));
    write_places(o.writer(), k, sources, suggestions);
    o.done();
    o.end();
}

/// A diagnostic's related places or suggestions: an array of a position, a message and, for a
/// suggestion, its replacement ([`SpanView`]'s members).
fn write_places<'a>(
    w: &mut Writer<'_>,
    k: &mut DiagnosticKeys,
    sources: &SourceMap,
    places: impl Iterator<Item = (Span, &'a str, Option<&'a str>)>,
) {
    let mut list = w.array();
    for (span, message, replacement) in places {
        list.element();
        let mut r = list.writer().object();
        write_position(&mut r, &mut k.nested, &mut k.lines, sources, span);
        r.str_of(&mut k.nested, MESSAGE, message);
        if let Some(replacement) = replacement {
            r.str_of(&mut k.nested, REPLACEMENT, replacement);
        }
        r.end();
        list.done();
    }
    list.end();
}

/// [`position`] written straight to an object.
fn write_position(
    o: &mut Open<'_, '_>,
    keys: &mut Keys<16>,
    lines: &mut Vec<usize>,
    sources: &SourceMap,
    span: Span,
) {
    let file = sources.get(span.file);
    let at = span.file.0 as usize;
    if lines.len() <= at {
        lines.resize(at + 1, 0);
    }
    let start = file.line_col_near(span.start, &mut lines[at]);
    let end = file.line_col_near(span.end, &mut lines[at]);
    o.str_of(keys, FILE, file.name());
    if let Some(node) = file.node_path() {
        o.str_of(keys, NODE_FILE, node);
    }
    o.u32_of(keys, LINE, start.line);
    o.u32_of(keys, COLUMN, start.column);
    o.u32_of(keys, END_LINE, end.line);
    o.u32_of(keys, END_COLUMN, end.column);
}

impl Serialize for DiagnosticsView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.diagnostics.len()))?;
        for diagnostic in self.diagnostics {
            seq.serialize_element(&DiagnosticView {
                sources: self.sources,
                diagnostic,
                env_set: None,
            })?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Suggestion;
    use crate::source::SourceFile;

    /// The direct writer of the diagnostics gives the text serde gives for the views, compact
    /// and pretty, at the top and one level down (the keys are laid out per depth).
    #[test]
    fn the_written_diagnostics_are_the_serialised_ones() {
        let mut sources = SourceMap::new();
        let text = "{'config': {'name': 'é😀 \"x\"',\n 'script': ['run scheduler 1', 'a\\\\b']}}\n";
        let policy = sources.add(SourceFile::new("dir/p \"1\".policy", text));
        let script = sources.add(SourceFile::new("ds/x.al", "line\n").with_node_path("/app/x.al"));
        let rule = &crate::check::catalog::SCRIPT_STOPS;
        let span = |file, a: usize, b: usize| Span::new(file, a..b);
        let plain = Diagnostic::new(rule, span(policy, 13, 19), "a message");
        let mut full = Diagnostic::new(rule, span(policy, 22, 40), "é \u{1} \"q\" \\")
            .label("the label 😀")
            .with_secondary(span(script, 0, 4), "there")
            .with_secondary(span(policy, 0, 1), "")
            .note("a note")
            .note("\u{7f} second")
            .help("do this");
        full.suggestions.push(Suggestion {
            message: "replace".into(),
            span: span(policy, 52, 67),
            replacement: "run scheduler 2\n".into(),
        });
        let diagnostics = [plain, full.clone(), full];
        for list in [&diagnostics[..0], &diagnostics[..1], &diagnostics[..]] {
            let view = DiagnosticsView {
                sources: &sources,
                diagnostics: list,
            };
            for pretty in [false, true] {
                let mut w = Writer::new(pretty, 0);
                view.write(&mut w);
                assert_eq!(
                    String::from_utf8(w.out).ok(),
                    Some(ascii_json(&view, pretty))
                );
                // One level down, inside an object.
                let mut w = Writer::new(pretty, 0);
                let mut o = w.object();
                o.key("diagnostics");
                view.write(o.writer());
                o.done();
                o.end();
                #[derive(Serialize)]
                struct Wrapped<'a> {
                    diagnostics: DiagnosticsView<'a>,
                }
                let nested = ascii_json(&Wrapped { diagnostics: view }, pretty);
                assert_eq!(String::from_utf8(w.out).ok(), Some(nested));
            }
        }
    }
}
