//! Diagnostics published as text, each diagnostic serialised once while it stays the same.
//!
//! A keystroke changes a few of a document's diagnostics, but the protocol publishes the whole
//! list every time: for a 10,000-line policy with 7,000 findings, serialising the list took 6 ms
//! of the re-check's 16 ms budget (issue 13). [`Publisher`] keeps each document's last
//! publication with every diagnostic's text; a new list that starts and ends with the same
//! diagnostics as the last one (what an edit inside one line gives) reuses their text and
//! serialises only the middle. The message is byte for byte what `lsp_server` writes for the
//! same notification (a test holds it to that over random edits).

use std::collections::HashMap;

use lsp_server::Message;
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{Diagnostic, PublishDiagnosticsParams, Url};

use super::transport::serialised_text;

/// The last publication of each document, for [`Publisher::notification`].
#[derive(Default)]
pub struct Publisher {
    last: HashMap<Url, Vec<(Diagnostic, String)>>,
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
        serialised_text(text)
    }
}

/// `diagnostics` with their texts: taken from `last` for the diagnostics it starts and ends
/// with, serialised for the others.
fn reuse(
    last: &mut [(Diagnostic, String)],
    diagnostics: Vec<Diagnostic>,
) -> Vec<(Diagnostic, String)> {
    let most = last.len().min(diagnostics.len());
    let prefix = last
        .iter()
        .zip(&diagnostics)
        .take_while(|(old, new)| old.0 == **new)
        .count();
    let suffix = last
        .iter()
        .rev()
        .zip(diagnostics.iter().rev())
        .take(most - prefix)
        .take_while(|(old, new)| old.0 == **new)
        .count();
    let (n, m) = (diagnostics.len(), last.len());
    diagnostics
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let text = if i < prefix {
                std::mem::take(&mut last[i].1)
            } else if i >= n - suffix {
                std::mem::take(&mut last[m - (n - i)].1)
            } else {
                #[cfg(test)]
                SERIALISED.with(|n| n.set(n.get() + 1));
                json(&d)
            };
            (d, text)
        })
        .collect()
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
        let uri = Url::parse("file:///p.policy").expect("a URL");
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics: (0u32..)
                .zip(messages)
                .map(|(i, m)| diagnostic(i, m))
                .collect(),
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
        // One more in the middle: the lines after it moved, so only the first two are reused.
        assert_eq!(publish(&mut p, &["a", "x", "y", "c", "d"]), 3);
        assert_eq!(publish(&mut p, &["a", "x", "y", "c"]), 0);
        assert_eq!(publish(&mut p, &[]), 0);
        assert_eq!(publish(&mut p, &["a"]), 1);
    }
}
