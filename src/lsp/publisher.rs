//! Diagnostics published as text, each diagnostic serialised once while it stays the same.
//!
//! A keystroke changes a few of a document's diagnostics, but the protocol publishes the whole
//! list every time: for a 10,000-line policy with 7,000 findings, serialising the list took 6 ms
//! of the re-check's 16 ms budget (issue 13). [`Publisher`] keeps each document's last
//! publication with every diagnostic's text, walks the new list beside it and serialises only
//! the diagnostics that changed, were added or moved (an edit inside one line changes a few).
//! The message is byte for byte what `lsp_server` writes for the same notification (a test
//! holds it to that over random edits).

use std::collections::HashMap;

use lsp_server::Message;
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{Diagnostic, PublishDiagnosticsParams, Url};

use super::transport::serialised_text;

/// The last publication of each document, for [`Publisher::notification`].
#[derive(Default)]
pub struct Publisher {
    last: HashMap<Url, Vec<(Diagnostic, String)>>,
    /// Publications replaced since [`Publisher::free_retired`], freed after sending.
    retired: Vec<Vec<(Diagnostic, String)>>,
}

impl Publisher {
    /// A publisher that has published nothing yet.
    pub fn new() -> Publisher {
        Publisher::default()
    }

    /// The `textDocument/publishDiagnostics` notification of `params`, serialised for the
    /// stdio transport's writer ([`super::transport::serialised_notification`]'s form).
    pub fn notification(&mut self, params: PublishDiagnosticsParams) -> Message {
        let PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        } = params;
        let mut last = self.last.remove(&uri).unwrap_or_default();
        let kept = reuse(&mut last, diagnostics);
        let mut text =
            String::with_capacity(kept.iter().map(|(_, t)| t.len() + 1).sum::<usize>() + 160);
        text.push_str(r#"{"jsonrpc":"2.0","method":"#);
        text.push_str(&json(&PublishDiagnostics::METHOD));
        text.push_str(r#","params":{"uri":"#);
        text.push_str(&json(&uri));
        text.push_str(r#","diagnostics":["#);
        for (i, (_, t)) in kept.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(t);
        }
        text.push(']');
        if let Some(v) = version {
            text.push_str(r#","version":"#);
            text.push_str(&v.to_string());
        }
        text.push_str("}}");
        // A document without diagnostics (closed, or clean) holds nothing here.
        if !kept.is_empty() {
            self.last.insert(uri, kept);
        }
        self.retired.push(last);
        serialised_text(text)
    }

    /// Frees the publications replaced since the last call (a few thousand diagnostics for a
    /// large policy): called once the new ones are sent, off the keystroke's latency.
    pub fn free_retired(&mut self) {
        self.retired.clear();
    }
}

/// `diagnostics` with their texts: taken from `last` for the diagnostics it holds, serialised
/// for the others. Both lists are in the order of their places, so they are walked side by
/// side: a diagnostic that changed (a count in a message, the edited line's) is serialised in
/// place of the last one's, one that is new is inserted, one that is gone is skipped.
fn reuse(
    last: &mut [(Diagnostic, String)],
    diagnostics: Vec<Diagnostic>,
) -> Vec<(Diagnostic, String)> {
    let mut old = 0;
    let mut out = Vec::with_capacity(diagnostics.len());
    let mut new = diagnostics.into_iter().peekable();
    while let Some(d) = new.next() {
        // The same as the next old one, or as the one after it (the next one is gone).
        let at = [old, old + 1].into_iter().find(|&i| same_at(last, i, &d));
        let text = match at {
            Some(i) => {
                old = i + 1;
                std::mem::take(&mut last[i].1)
            }
            None => {
                // Changed in place, unless it was inserted before the next old one.
                if !new.peek().is_some_and(|n| same_at(last, old, n)) {
                    old += 1;
                }
                #[cfg(test)]
                SERIALISED.with(|n| n.set(n.get() + 1));
                json(&d)
            }
        };
        out.push((d, text));
    }
    out
}

/// Whether the last publication's diagnostic `i` is written as `d` is.
fn same_at(last: &[(Diagnostic, String)], i: usize, d: &Diagnostic) -> bool {
    last.get(i).is_some_and(|(o, _)| same_text(o, d))
}

/// Whether `a` is written as the same text as `b`: every field equal, and `data` equal in its
/// order too (a map's order is its text's order, and `==` on maps ignores it; compared in
/// order, the maps need no look-up per key either).
fn same_text(a: &Diagnostic, b: &Diagnostic) -> bool {
    let Diagnostic {
        range,
        severity,
        code,
        code_description,
        source,
        message,
        related_information,
        tags,
        data,
    } = a;
    *range == b.range
        && *severity == b.severity
        && *code == b.code
        && *code_description == b.code_description
        && *source == b.source
        && *message == b.message
        && *related_information == b.related_information
        && *tags == b.tags
        && match (data, &b.data) {
            (Some(x), Some(y)) => same_json(x, y),
            (x, y) => x.is_none() && y.is_none(),
        }
}

/// `a == b` with objects' members compared in order.
fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::{Array, Object};
    match (a, b) {
        (Object(x), Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k, v), (l, w))| k == l && same_json(v, w))
        }
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_json(v, w)),
        _ => a == b,
    }
}

#[cfg(test)]
thread_local! {
    /// How many diagnostics [`reuse`] serialised (the others' text was reused).
    static SERIALISED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// `value` as `serde_json` writes it (what `lsp_server` writes).
fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn diagnostic(line: u32, message: &str) -> Diagnostic {
        Diagnostic {
            range: Range::new(Position::new(line, 0), Position::new(line, 3)),
            message: message.to_string(),
            source: Some("elpc".to_string()),
            ..Diagnostic::default()
        }
    }

    /// Publishes `messages` (one diagnostic a line) and returns how many were serialised.
    fn publish(publisher: &mut Publisher, messages: &[&str]) -> usize {
        let placed: Vec<(u32, &str)> = (0u32..).zip(messages.iter().copied()).collect();
        publish_at(publisher, &placed)
    }

    /// Publishes diagnostics at the given lines; how many were serialised.
    fn publish_at(publisher: &mut Publisher, placed: &[(u32, &str)]) -> usize {
        let uri = Url::parse("file:///p.policy").expect("a URL");
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics: placed.iter().map(|(l, m)| diagnostic(*l, m)).collect(),
            version: Some(3),
        };
        let whole =
            super::super::transport::serialised_notification(PublishDiagnostics::METHOD, &params);
        let before = SERIALISED.with(std::cell::Cell::get);
        let ours = publisher.notification(params);
        assert_eq!(format!("{ours:?}"), format!("{whole:?}"));
        SERIALISED.with(std::cell::Cell::get) - before
    }

    #[test]
    fn only_the_diagnostics_that_changed_are_serialised() {
        let mut p = Publisher::new();
        assert_eq!(publish(&mut p, &["a", "b", "c", "d"]), 4);
        assert_eq!(publish(&mut p, &["a", "b", "c", "d"]), 0);
        assert_eq!(publish(&mut p, &["a", "x", "c", "d"]), 1);
        // One more in the middle: the lines after it moved (their ranges changed).
        assert_eq!(publish(&mut p, &["a", "x", "y", "c", "d"]), 3);
        assert_eq!(publish(&mut p, &["a", "x", "y", "c"]), 0);
        // Changes apart from each other, each serialised alone.
        assert_eq!(publish(&mut p, &["a", "x2", "y", "c2"]), 2);
        assert_eq!(publish(&mut p, &[]), 0);
        assert_eq!(publish(&mut p, &["a"]), 1);
    }

    #[test]
    fn data_in_another_order_is_written_again() {
        let with = |keys: [&str; 2]| {
            let mut d = diagnostic(0, "m");
            let mut data = serde_json::Map::new();
            for k in keys {
                data.insert(k.to_string(), k.into());
            }
            d.data = Some(data.into());
            d
        };
        let (ab, ba) = (with(["a", "b"]), with(["b", "a"]));
        assert_eq!(ab, ba, "equal as values");
        assert!(!same_text(&ab, &ba), "but not as text");
        assert!(same_text(&ab, &ab.clone()));
    }

    #[test]
    fn a_diagnostic_added_or_removed_leaves_the_others_reused() {
        let mut p = Publisher::new();
        assert_eq!(publish_at(&mut p, &[(0, "a"), (5, "b"), (9, "c")]), 3);
        assert_eq!(
            publish_at(&mut p, &[(0, "a"), (5, "n"), (5, "b"), (9, "c")]),
            1
        );
        assert_eq!(publish_at(&mut p, &[(0, "a"), (5, "b"), (9, "c")]), 0);
        assert_eq!(publish_at(&mut p, &[(0, "a"), (9, "c")]), 0);
        assert_eq!(publish_at(&mut p, &[(0, "a2"), (9, "c"), (12, "d")]), 2);
    }
}
