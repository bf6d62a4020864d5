//! The language server's re-check equals a fresh full compile (issue 13): random edit
//! sequences (inside script strings, across quotes and newlines, in assignments, `process`
//! lines and other keys, lines deleted and added, env files edited; in two seeds mostly one
//! ASCII character overtyped, after which the re-check may reuse the rest of the last script
//! run) are applied to corpus-like
//! policies through `did_change`, and after every re-check the session's findings (codes,
//! messages, spans, fixes, order, masking), the published LSP diagnostics and the `policy` /
//! `resolved` outputs it builds on first use are compared with [`compile_deployment`] of the
//! same texts.

use std::path::{Path, PathBuf};

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Url};

use crate::compile::{compile, compile_deployment, Input, Options};
use crate::kubernetes::Kubernetes;
use crate::secrets::PolicyWords;
use crate::source::FileId;

use super::analysis::Analysis;
use super::diagnostics::for_file;
use super::position::Encoding;
use super::publisher::Publisher;
use super::reuse_tests::{overtype, type_or_delete};
use super::transport::{serialised_notification, write_message};
use super::Session;

/// xorshift64*: reproducible without a dependency.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/corpus")
}

/// The corpus operator env files, under the names the server looks for beside a policy.
pub(super) fn env_files() -> Vec<(&'static str, String)> {
    let dir = corpus_dir().join("env");
    [
        (
            "base_configs.env",
            "EdgeLake+docker-compose__docker-makefiles__operator-configs__base_configs.env",
        ),
        (
            "advance_configs.env",
            "EdgeLake+docker-compose__docker-makefiles__operator-configs__advance_configs.env",
        ),
        (".env", "EdgeLake+docker-compose__docker-makefiles__.env"),
    ]
    .into_iter()
    .map(|(name, file)| {
        let text = std::fs::read_to_string(dir.join(file)).expect("a corpus env file");
        (name, text)
    })
    .collect()
}

/// The distinct script lines of the corpus policies, as `benches/lsp.rs` takes them.
fn corpus_lines() -> Vec<String> {
    let mut lines = std::collections::BTreeSet::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus_dir().join("policies"))
        .expect("the corpus policies")
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("a corpus policy");
        let c = compile(&Input::text("p.policy", text), &[], &Options::default());
        let Some(out) = c.output else { continue };
        let inner = out.policy.as_object().and_then(|o| o.values().next());
        let script = inner
            .and_then(|i| i.get("script"))
            .and_then(|s| s.as_array());
        for line in script.into_iter().flatten() {
            if let Some(l) = line.as_str() {
                lines.insert(l.to_string());
            }
        }
    }
    lines.into_iter().collect()
}

/// A script line quoted as `benches/support::corpus_like` writes it.
fn quoted(line: &str) -> String {
    if line.contains(['\'', '\\']) {
        serde_json::Value::from(line).to_string()
    } else {
        format!("'{line}'")
    }
}

/// A corpus-like policy of `n` script lines starting at `first` in the corpus lines.
fn policy(lines: &[String], first: usize, n: usize) -> String {
    let mut text = String::from(
        "{'config': {'name': '!node_name', 'company': '!company_name',\n    'ip': '!external_ip', 'local_ip': '!ip', 'port': '!anylog_server_port.int',\n    'rest_port': '!anylog_rest_port.int', 'broker_port': '!anylog_broker_port.int',\n    'script': [\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "        {},\n",
            quoted(&lines[(first + i) % lines.len()])
        ));
    }
    text.push_str("        'run scheduler 1'\n]}}\n");
    text
}

/// The LSP position (UTF-16) of byte `at` of `text`.
fn position(text: &str, at: usize) -> Position {
    let before = &text[..at];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    Position::new(line as u32, before[start..].encode_utf16().count() as u32)
}

fn boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

const ALPHABET: &[&str] = &[
    "a",
    "x",
    "_",
    " ",
    "=",
    "!",
    "$",
    "'",
    "\"",
    "\\",
    ",",
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    "#",
    ".",
    ":",
    "\n",
    "-",
    "1",
    "9",
    "é",
    "if ",
    " then ",
    "process ",
    "!ip",
    "set x = 1",
];

/// A random edit of `text`: the byte range replaced and the new text.
fn edit(rng: &mut Rng, text: &str, lines: &[String]) -> (std::ops::Range<usize>, String) {
    let pick = |rng: &mut Rng| ALPHABET[rng.below(ALPHABET.len())].to_string();
    // A place inside a script string (the usual keystroke), else anywhere.
    let inside = |rng: &mut Rng| {
        let starts: Vec<usize> = text
            .match_indices("        '")
            .map(|(i, _)| i + 9)
            .collect();
        match starts.get(rng.below(starts.len())) {
            Some(&s) => {
                let end = text[s..].find('\n').map_or(text.len(), |e| s + e);
                boundary(text, s + rng.below(end.saturating_sub(s + 2) + 1))
            }
            None => boundary(text, rng.below(text.len() + 1)),
        }
    };
    match rng.below(10) {
        // Type, delete or replace one character in a script string.
        0..=2 => {
            let at = inside(rng);
            let end = match rng.below(3) {
                0 => at,
                _ => at + text[at..].chars().next().map_or(0, char::len_utf8),
            };
            let new = if rng.below(4) == 0 {
                String::new()
            } else {
                pick(rng)
            };
            (at..end, new)
        }
        // An assignment target or a `process` line: what later lines see changes.
        3 => {
            let at = inside(rng);
            let new = [
                "is_policy = x ",
                "process !x",
                "set policy_id = 7 ",
                "if !a then ",
            ];
            (at..at, new[rng.below(new.len())].to_string())
        }
        // A short range anywhere (across quotes and newlines) replaced.
        4 | 5 => {
            let at = boundary(text, rng.below(text.len() + 1));
            let end = boundary(text, at + rng.below(40));
            (at..end, pick(rng))
        }
        // A whole line deleted, or a corpus line added.
        6 | 7 => {
            let starts: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .filter(|&i| i < text.len())
                .collect();
            let start = starts[rng.below(starts.len())];
            let end = text[start..]
                .find('\n')
                .map_or(text.len(), |e| start + e + 1);
            if rng.below(2) == 0 {
                (start..end, String::new())
            } else {
                let line = quoted(&lines[rng.below(lines.len())]);
                (start..start, format!("        {line},\n"))
            }
        }
        // A key outside the script.
        _ => match text.find("'port': '") {
            Some(i) => {
                let at = boundary(text, i + 9 + rng.below(4));
                (at..at, pick(rng))
            }
            None => (0..0, pick(rng)),
        },
    }
}

/// What a full compile of these texts gives, as the server names them.
pub(super) fn full_compile(policy: &Path, text: &str, env: &[(PathBuf, String)]) -> Analysis {
    let name = |p: &Path| p.display().to_string();
    let inputs: Vec<_> = env
        .iter()
        .map(|(p, t)| Ok(Input::text(name(p), t.clone())))
        .collect();
    let c = compile_deployment(
        Ok(Input::text(name(policy), text)),
        &inputs,
        &Kubernetes::default(),
        &Options::default(),
    );
    let files = std::iter::once(policy.to_path_buf())
        .chain(env.iter().map(|(p, _)| p.clone()))
        .collect();
    Analysis::of(files, c)
}

/// Replaces `range` of `text` with `new`, and returns the same edit as the client sends it.
pub(super) fn replace(
    text: &mut String,
    range: std::ops::Range<usize>,
    new: String,
) -> TextDocumentContentChangeEvent {
    let change = TextDocumentContentChangeEvent {
        range: Some(Range::new(
            position(text, range.start),
            position(text, range.end),
        )),
        range_length: None,
        text: new.clone(),
    };
    text.replace_range(range, &new);
    change
}

/// The server's serialised publication is byte for byte what `lsp_server` writes: serialised
/// whole, and by `publisher`, which reuses the text of the diagnostics its last publication of
/// the document started and ended with.
fn assert_same_frame(publisher: &mut Publisher, params: &lsp_types::PublishDiagnosticsParams) {
    let method = "textDocument/publishDiagnostics";
    let mut theirs = Vec::new();
    let n = lsp_server::Notification::new(method.to_string(), params.clone());
    lsp_server::Message::Notification(n)
        .write(&mut theirs)
        .expect("written");
    let theirs = String::from_utf8(theirs).expect("UTF-8");
    let mut whole = Vec::new();
    write_message(&mut whole, serialised_notification(method, params));
    assert_eq!(String::from_utf8(whole).as_ref(), Ok(&theirs));
    let mut reused = Vec::new();
    write_message(&mut reused, publisher.notification(params.clone()));
    assert_eq!(String::from_utf8(reused).as_ref(), Ok(&theirs));
}

#[test]
fn rechecks_after_random_edits_equal_a_full_compile() {
    let lines = corpus_lines();
    assert!(lines.len() > 40, "corpus script lines: {}", lines.len());
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut checked = 0;
    let reused_before = crate::resolve::script_resume::REUSED.with(std::cell::Cell::get);
    // Seeds 5 and 6 overtype one character in 7 of 8 of their edits; seeds 7 and 8 type or
    // delete one (or a line break), which changes the text's length.
    let mut reused_after_typing = 0;
    let patched_before = super::reparse::PATCHED.with(std::cell::Cell::get);
    for seed in 1..=8u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut s = Session::new(Encoding::Utf16);
        let mut publisher = Publisher::new();
        let mut env: Vec<(PathBuf, String)> = env_files()
            .into_iter()
            .map(|(name, text)| (dir.path().join(name), text))
            .collect();
        for (path, text) in &env {
            s.did_open(Url::from_file_path(path).expect("abs"), text.clone(), 1);
        }
        let path = dir.path().join(format!("p{seed}.policy"));
        let uri = Url::from_file_path(&path).expect("absolute");
        let mut text = policy(&lines, rng.below(lines.len()), 60 + rng.below(60));
        s.did_open(uri.clone(), text.clone(), 1);
        for version in 2..40 {
            // A burst of one to three changes, checked once; now and then an env file edit.
            for _ in 0..1 + rng.below(3) {
                let (range, new) = if seed > 6 && rng.below(8) != 0 {
                    type_or_delete(&mut rng, &text)
                } else if seed > 4 && rng.below(8) != 0 {
                    overtype(&mut rng, &text)
                } else {
                    edit(&mut rng, &text, &lines)
                };
                let change = replace(&mut text, range, new);
                s.did_change(&uri, version, vec![change]);
            }
            if rng.below(8) == 0 {
                let (p, t) = &mut env[rng.below(3)];
                let at = boundary(t, rng.below(t.len() + 1));
                let line = ["\nANYLOG_SERVER_PORT=3214x", "\nNODE_NAME=", "\n#", "="];
                let env_uri = Url::from_file_path(&*p).expect("abs");
                let change = replace(t, at..at, line[rng.below(4)].into());
                s.did_change(&env_uri, version, vec![change]);
            }
            let before = crate::resolve::script_resume::REUSED.with(std::cell::Cell::get);
            let published = s.flush();
            if seed > 6 && crate::resolve::script_resume::REUSED.with(std::cell::Cell::get) > before
            {
                reused_after_typing += 1;
            }
            let ours = published
                .iter()
                .find(|p| p.uri == uri)
                .expect("the policy's diagnostics are published");
            let full = full_compile(&path, &text, &env);
            let analysis = s.policy_analysis(&uri).expect("an analysis");
            let at = format!("seed {seed}, version {version}, text:\n{text}");
            assert_eq!(
                analysis.compilation.diagnostics, full.compilation.diagnostics,
                "{at}"
            );
            assert_eq!(
                ours.diagnostics,
                for_file(&full, FileId(0), Encoding::Utf16),
                "{at}"
            );
            let outputs = full.compilation.output.as_ref();
            assert_eq!(analysis.policy_json(), outputs.map(|o| &o.policy), "{at}");
            assert_eq!(
                analysis.resolved_json(),
                outputs.map(|o| &o.resolved),
                "{at}"
            );
            assert_eq!(analysis.compilation.syntax, full.compilation.syntax, "{at}");
            // The words kept for the secret list, followed through the edits, are the words
            // of the text.
            let words = full
                .compilation
                .syntax
                .as_ref()
                .map(|p| PolicyWords::of(&p.root));
            assert_eq!(analysis.words, words, "{at}");
            let lines =
                |o: &Option<crate::compile::CompiledPolicy>| o.as_ref().map(|o| o.lines.clone());
            assert_eq!(
                lines(&analysis.compilation.output),
                lines(&full.compilation.output),
                "{at}"
            );
            for p in &published {
                assert_same_frame(&mut publisher, p);
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 8 * 38);
    let patched = super::reparse::PATCHED.with(std::cell::Cell::get) - patched_before;
    assert!(
        patched >= 20,
        "re-checks that patched the last parse: {patched}"
    );
    assert!(
        reused_after_typing >= 10,
        "re-checks after a length change that reused a later script run: {reused_after_typing}"
    );
    let reused = crate::resolve::script_resume::REUSED.with(std::cell::Cell::get) - reused_before;
    assert!(
        reused >= 10,
        "re-checks that reused a later script run: {reused}"
    );
}
