//! Re-check latency of the language server: a 10,000-line corpus-like policy after a
//! one-character edit, through the same `Session::did_change` + `Session::flush` the stdio loop
//! calls, from the edit to the diagnostics ready to publish. The edit is made in a command line
//! (a character replaced; and a character typed then deleted, which changes the text's length:
//! the re-check reuses the script run after the edit with its spans moved) and in the target of an
//! assignment (which changes what every later line sees) in the middle of the policy, and in a
//! command line near its top (the script run resumes before the first changed line, so that is
//! the slowest place); a full library compile of the same text is timed in the same loop as the
//! baseline.
//! Publishing is included: the diagnostics are converted to LSP (in `flush`) and serialised as
//! the server does (`publisher::Publisher`, which serialises only the diagnostics that changed
//! since the document's last publication); the report gives that serialisation's share
//! separately.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use lsp_server::Message;
use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Url};

use elpc::lsp::position::Encoding;
use elpc::lsp::publisher::Publisher;
use elpc::lsp::Session;
use elpc::{compile, Input, Options};

#[allow(dead_code)]
mod support;
use support::{corpus_like, corpus_script_lines, median, synthetic_policy, Case};

const LINES: usize = 10_000;
/// About 10,000 lines of `support::synthetic_policy`.
const SYNTHETIC_BYTES: usize = 520_000;

/// A session with the policy and its env files open, checked once and published (as the
/// server does: its publisher then holds each document's last publication).
fn session(case: &Case) -> (Session, Publisher, Url) {
    let dir = std::env::temp_dir().join("elpc-lsp-bench");
    let file = |name: &str| Url::from_file_path(dir.join(name)).expect("absolute path");
    let mut session = Session::new(Encoding::Utf16);
    for (i, env) in case.env.iter().enumerate() {
        let name = ["base_configs.env", "advance_configs.env", ".env"][i.min(2)];
        let text = String::from_utf8_lossy(&env.bytes).into_owned();
        session.did_open(file(name), text, 1);
    }
    let policy = file("policy.policy");
    let text = String::from_utf8_lossy(&case.policy.bytes).into_owned();
    session.did_open(policy.clone(), text, 1);
    let mut publisher = Publisher::new();
    for p in session.flush() {
        publisher.notification(p);
    }
    (session, publisher, policy)
}

/// The line and column of the first character of the first line at or after line `from` of
/// the policy that starts with `prefix` (after its indentation and quote).
fn place(text: &str, prefix: &str, from: usize) -> Position {
    let (line, content) = text
        .lines()
        .enumerate()
        .skip(from)
        .find(|(_, l)| {
            l.trim_start()
                .get(1..)
                .is_some_and(|l| l.starts_with(prefix))
        })
        .expect("a line to edit");
    let column = content.len() - content.trim_start().len() + 1;
    Position::new(line as u32, column as u32)
}

/// Replaces the character at `at` back and forth with `a` and `b` (with an empty `b`, types
/// `a` before `at` and deletes it again) and checks: the time from
/// the edit to the diagnostics published (converted and serialised), and the serialisation's
/// part of it (the replaced analysis is freed after, as the server does once it has published).
fn edit_and_publish(
    (session, publisher): (&mut Session, &mut Publisher),
    uri: &Url,
    at: Position,
    version: &mut i32,
    a: &str,
    b: &str,
) -> (Duration, Duration) {
    *version += 1;
    // An empty `b`: `a` typed before `at`, then deleted (the text's length changes).
    let end = if b.is_empty() && *version % 2 == 0 {
        at
    } else {
        Position::new(at.line, at.character + 1)
    };
    let change = TextDocumentContentChangeEvent {
        range: Some(Range::new(at, end)),
        range_length: None,
        text: if *version % 2 == 0 { a } else { b }.into(),
    };
    let start = Instant::now();
    session.did_change(uri, *version, vec![change]);
    let published = session.flush();
    let checked = start.elapsed();
    assert_eq!(published.len(), 1);
    // What `server::publish` does with each notification (the writer thread then writes the
    // text as it is): the diagnostics unchanged since the last publication keep their text.
    let bytes: usize = published
        .into_iter()
        .map(|p| match publisher.notification(p) {
            Message::Notification(n) => n.params.as_str().map_or(0, str::len),
            _ => 0,
        })
        .sum();
    let took = start.elapsed();
    black_box(bytes);
    session.free_retired();
    publisher.free_retired();
    (took, took - checked)
}

fn edit_and_flush(
    server: (&mut Session, &mut Publisher),
    uri: &Url,
    at: Position,
    version: &mut i32,
    a: &str,
    b: &str,
) -> Duration {
    edit_and_publish(server, uri, at, version, a, b).0
}

fn recheck(c: &mut Criterion) {
    let case = corpus_like(LINES, &corpus_script_lines());
    let text = String::from_utf8_lossy(&case.policy.bytes).into_owned();
    let middle = text.lines().count() / 2;
    // `run scheduler 1` -> `xun scheduler 1`: a command line, no assignment.
    let command = place(&text, "run scheduler", middle);
    // `is_policy = blockchain get ...` -> `xs_policy = ...`: every later `!is_policy` changes.
    let assignment = place(&text, "is_policy =", middle);
    // The same command edit near the top: a re-check resumes the script run before the first
    // changed line, so this is the slowest place to type.
    let top = place(&text, "run scheduler", 0);
    // The synthetic policy of the `scaling` group (`support::synthetic_policy`): a new variable
    // every fourth line, so the scope a resumable run copies grows to 2,500 variables.
    let synthetic = Case {
        policy: Input::text("synthetic.policy", synthetic_policy(SYNTHETIC_BYTES)),
        env: case.env.clone(),
    };
    let synthetic_text = String::from_utf8_lossy(&synthetic.policy.bytes).into_owned();
    let synthetic_middle = synthetic_text.lines().count() / 2;
    let synthetic_at = place(&synthetic_text, "run scheduler", synthetic_middle);
    for (what, case, at, a, b) in [
        ("corpus-like command line", &case, command, "x", "r"),
        (
            "corpus-like command line, typed and deleted",
            &case,
            command,
            "x",
            "",
        ),
        ("corpus-like assignment target", &case, assignment, "x", "i"),
        (
            "corpus-like command line near the top",
            &case,
            top,
            "x",
            "r",
        ),
        (
            "synthetic command line (2,500 variables)",
            &synthetic,
            synthetic_at,
            "x",
            "r",
        ),
    ] {
        let (mut s, mut publisher, uri) = session(case);
        let mut version = 1;
        c.bench_function(
            &format!("lsp recheck 10k lines, edit in a {what}"),
            |bench| {
                bench.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| {
                            edit_and_flush((&mut s, &mut publisher), &uri, at, &mut version, a, b)
                        })
                        .sum()
                })
            },
        );
        // The re-check and a full library compile, alternately.
        let (mut rechecks, mut fulls, mut serialised) = (Vec::new(), Vec::new(), Vec::new());
        let begin = Instant::now();
        while rechecks.len() < 5 || begin.elapsed() < Duration::from_secs(3) {
            let (took, serialising) =
                edit_and_publish((&mut s, &mut publisher), &uri, at, &mut version, a, b);
            rechecks.push(took);
            serialised.push(serialising);
            let t = Instant::now();
            black_box(compile(&case.policy, &case.env, &Options::default()));
            fulls.push(t.elapsed());
        }
        let (recheck, full) = (median(&mut rechecks), median(&mut fulls));
        let serialising = median(&mut serialised);
        println!(
            "report: lsp: {} lines, one-character edit in a {what}: edit to published diagnostics {:.2} ms (of which serialising {:.2} ms); full library compile {:.1} ms ({:.1}x)",
            case.policy.bytes.iter().filter(|&&b| b == b'\n').count(),
            recheck.as_secs_f64() * 1e3,
            serialising.as_secs_f64() * 1e3,
            full.as_secs_f64() * 1e3,
            full.as_secs_f64() / recheck.as_secs_f64(),
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = recheck
}
criterion_main!(benches);
