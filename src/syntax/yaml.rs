//! YAML documents (Helm values files, Kubernetes manifests) as trees with spans.
//!
//! Events come from `saphyr-parser` (a maintained, pure-Rust YAML 1.2 parser that reports a
//! span for every event); the tree is built here, iteratively, so that hostile input stays
//! bounded: nesting deeper than [`MAX_DEPTH`] and more than [`MAX_NODES`] nodes (alias
//! expansions counted, so an alias bomb stops early) end the file with one diagnostic.
//!
//! Plain scalars are typed the way Helm and kubectl read them (go-yaml v2, YAML 1.1 rules:
//! `yes`/`on`/`y` are booleans, `0777` is octal, `~` and the empty scalar are null), quoted
//! ones stay strings. `<<` merge keys are applied. Mapping keys become strings.

use saphyr_parser::{Event, Parser, ScalarStyle};

use scalar::{key_text, scalar};

use crate::check::catalog::YAML_SYNTAX;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::source::{FileId, Span};

/// Deeper nesting is refused (real values files and manifests stay under 20).
pub const MAX_DEPTH: usize = 100;
/// More nodes than this, alias expansions included, end the file (a chart renders thousands).
pub const MAX_NODES: usize = 1_000_000;

/// A YAML node with where it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlNode {
    /// The value.
    pub value: YamlValue,
    /// The node's text; for a quoted scalar, the text between the quotes.
    pub span: Span,
}

/// A YAML value, typed as go-yaml v2 types it.
#[derive(Clone, Debug, PartialEq)]
pub enum YamlValue {
    /// `~`, `null`, or nothing.
    Null,
    /// `true`, `yes`, `on`, … (YAML 1.1).
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float (including integers too large for `i64`).
    Float(f64),
    /// A string; `plain` is false when it was quoted or a block scalar.
    Str {
        /// The text.
        text: String,
        /// Written without quotes.
        plain: bool,
    },
    /// A sequence.
    Seq(Vec<YamlNode>),
    /// A mapping, in file order (later duplicates replace earlier ones).
    Map(Vec<YamlEntry>),
}

/// One `key: value` of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlEntry {
    /// The key as a string.
    pub key: String,
    /// Where the key is written.
    pub key_span: Span,
    /// The value.
    pub value: YamlNode,
}

impl YamlNode {
    /// The entry `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&YamlNode> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry `key` of a mapping, with its key span.
    pub fn entry(&self, key: &str) -> Option<&YamlEntry> {
        match &self.value {
            YamlValue::Map(entries) => entries.iter().rev().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The node at a dotted path of mapping keys.
    pub fn path(&self, path: &str) -> Option<&YamlNode> {
        path.split('.').try_fold(self, |node, key| node.get(key))
    }

    /// The string of a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            YamlValue::Str { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[YamlEntry] {
        match &self.value {
            YamlValue::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items of a sequence (empty for anything else).
    pub fn items(&self) -> &[YamlNode] {
        match &self.value {
            YamlValue::Seq(items) => items,
            _ => &[],
        }
    }
}

/// Parses every document of a YAML stream. A syntax error or a bound ends the stream with one
/// diagnostic; the documents before it are kept.
pub fn parse_yaml(file: FileId, text: &str, diags: &mut Diagnostics) -> Vec<YamlNode> {
    let mut builder = Builder {
        file,
        text,
        cursor: (0, 0),
        anchors: Vec::new(),
        nodes: 0,
    };
    match builder.run() {
        Ok(docs) => docs,
        Err((docs, span, message, help)) => {
            diags.push(
                Diagnostic::new(&YAML_SYNTAX, span, message)
                    .label("cannot read past here")
                    .help(help),
            );
            docs
        }
    }
}

type Failure = (Vec<YamlNode>, Span, String, &'static str);

/// An open collection while the tree is built.
enum Open {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<YamlNode>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<YamlEntry>,
        key: Option<(String, Span)>,
        merges: Vec<YamlNode>,
    },
}

struct Builder<'t> {
    file: FileId,
    text: &'t str,
    /// (char index, byte offset) of the last conversion: events arrive nearly in order.
    cursor: (usize, usize),
    anchors: Vec<(usize, YamlNode)>,
    nodes: usize,
}

impl Builder<'_> {
    fn run(&mut self) -> Result<Vec<YamlNode>, Failure> {
        let mut parser = Parser::new_from_str(self.text);
        let mut docs = Vec::new();
        let mut stack: Vec<Open> = Vec::new();
        while let Some(event) = parser.next_event() {
            let (event, span) = match event {
                Ok(e) => e,
                Err(e) => {
                    let at = self.byte(e.marker().index());
                    let span = Span::new(self.file, at..at);
                    return Err((
                        docs,
                        span,
                        format!("this is not valid YAML: {}", e.info()),
                        "fix the YAML syntax (indentation, quotes, `:` after keys)",
                    ));
                }
            };
            let start = self.byte(span.start.index());
            let end = self.byte(span.end.index()).max(start);
            let done = match event {
                Event::StreamStart
                | Event::DocumentStart(_)
                | Event::DocumentEnd
                | Event::Nothing => None,
                Event::StreamEnd => break,
                Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err((
                            docs,
                            Span::new(self.file, start..end),
                            format!("YAML nested deeper than {MAX_DEPTH} levels"),
                            "no values file or manifest needs this depth; check the file",
                        ));
                    }
                    self.count(&docs, start)?;
                    stack.push(if matches!(event, Event::SequenceStart(..)) {
                        Open::Seq {
                            start,
                            anchor,
                            items: Vec::new(),
                        }
                    } else {
                        Open::Map {
                            start,
                            anchor,
                            entries: Vec::new(),
                            key: None,
                            merges: Vec::new(),
                        }
                    });
                    None
                }
                Event::SequenceEnd => match stack.pop() {
                    Some(Open::Seq {
                        start,
                        anchor,
                        items,
                    }) => Some(self.anchored(
                        anchor,
                        YamlNode {
                            value: YamlValue::Seq(items),
                            span: Span::new(self.file, start..end.max(start)),
                        },
                    )),
                    _ => None,
                },
                Event::MappingEnd => match stack.pop() {
                    Some(Open::Map {
                        start,
                        anchor,
                        mut entries,
                        merges,
                        ..
                    }) => {
                        merge_keys(&mut entries, merges);
                        Some(self.anchored(
                            anchor,
                            YamlNode {
                                value: YamlValue::Map(entries),
                                span: Span::new(self.file, start..end.max(start)),
                            },
                        ))
                    }
                    _ => None,
                },
                Event::Alias(id) => {
                    let Some(node) = self.anchors.iter().rev().find(|(a, _)| *a == id) else {
                        return Err((
                            docs,
                            Span::new(self.file, start..end),
                            "alias to an anchor that is not defined".into(),
                            "define the anchor (`&name`) before using `*name`",
                        ));
                    };
                    self.nodes += weight(&node.1);
                    self.count(&docs, start)?;
                    Some(node.1.clone())
                }
                Event::Scalar(text, style, anchor, tag) => {
                    self.count(&docs, start)?;
                    let span = self.scalar_span(style, start, end);
                    let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                    let value = scalar(&text, style, tag.as_deref());
                    Some(self.anchored(anchor, YamlNode { value, span }))
                }
            };
            if let Some(node) = done {
                match stack.last_mut() {
                    None => docs.push(node),
                    Some(Open::Seq { items, .. }) => items.push(node),
                    Some(Open::Map {
                        entries,
                        key,
                        merges,
                        ..
                    }) => match key.take() {
                        None => *key = Some((key_text(&node), node.span)),
                        Some((k, _)) if k == "<<" => merges.push(node),
                        Some((k, key_span)) => {
                            entries.retain(|e| e.key != k);
                            entries.push(YamlEntry {
                                key: k,
                                key_span,
                                value: node,
                            });
                        }
                    },
                }
            }
        }
        Ok(docs)
    }

    fn count(&self, docs: &[YamlNode], at: usize) -> Result<(), Failure> {
        if self.nodes > MAX_NODES {
            return Err((
                docs.to_vec(),
                Span::new(self.file, at..at),
                format!("more than {MAX_NODES} YAML nodes (aliases expanded)"),
                "an anchor repeated through aliases grows this file past any real values file; remove the nested aliases",
            ));
        }
        Ok(())
    }

    fn anchored(&mut self, anchor: usize, node: YamlNode) -> YamlNode {
        self.nodes += 1;
        if anchor != 0 {
            self.anchors.push((anchor, node.clone()));
        }
        node
    }

    /// The content of a quoted scalar, without its quotes.
    fn scalar_span(&self, style: ScalarStyle, start: usize, end: usize) -> Span {
        let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
        let raw = self.text.get(start..end).unwrap_or("");
        if quoted && raw.len() >= 2 && (raw.starts_with('"') || raw.starts_with('\'')) {
            Span::new(self.file, start + 1..end - 1)
        } else {
            Span::new(self.file, start..end)
        }
    }

    /// The byte offset of a character index.
    fn byte(&mut self, char_index: usize) -> usize {
        let (mut ci, mut bi) = self.cursor;
        if char_index < ci / 2 {
            (ci, bi) = (0, 0);
        }
        while ci < char_index {
            match self.text[bi..].chars().next() {
                Some(c) => {
                    bi += c.len_utf8();
                    ci += 1;
                }
                None => break,
            }
        }
        while ci > char_index {
            match self.text[..bi].chars().next_back() {
                Some(c) => {
                    bi -= c.len_utf8();
                    ci -= 1;
                }
                None => break,
            }
        }
        self.cursor = (ci, bi);
        bi
    }
}

/// Nodes inside a subtree (what an alias to it costs).
fn weight(node: &YamlNode) -> usize {
    let mut n = 0;
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        n += 1;
        if n > MAX_NODES {
            break;
        }
        match &node.value {
            YamlValue::Seq(items) => stack.extend(items),
            YamlValue::Map(entries) => stack.extend(entries.iter().map(|e| &e.value)),
            _ => {}
        }
    }
    n
}

/// `<<: *base` (or a list of them): the entries of the merged maps that the map does not set
/// itself, earlier maps in the list winning.
fn merge_keys(entries: &mut Vec<YamlEntry>, merges: Vec<YamlNode>) {
    let mut sources = Vec::new();
    for m in merges {
        match m.value {
            YamlValue::Seq(items) => sources.extend(items),
            _ => sources.push(m),
        }
    }
    for source in sources {
        if let YamlValue::Map(inherited) = source.value {
            for e in inherited {
                if !entries.iter().any(|own| own.key == e.key) {
                    entries.push(e);
                }
            }
        }
    }
}

mod scalar;

#[cfg(test)]
mod tests;
