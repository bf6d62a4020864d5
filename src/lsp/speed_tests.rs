//! Latency shapes of the session (issue 13), as ratios between inputs timed alternately in the
//! same test, never against a wall-clock threshold.

use std::time::{Duration, Instant};

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Url};

use super::position::Encoding;
use super::Session;

/// A session on `text` in a fresh directory, checked once; the fastest of three re-checks
/// after a one-character edit at the start of the last line.
fn recheck_time(text: &str) -> Duration {
    let dir = tempfile::tempdir().expect("a temp dir");
    let uri = Url::from_file_path(dir.path().join("p.policy")).expect("absolute");
    let mut s = Session::new(Encoding::Utf16);
    s.did_open(uri.clone(), text.into(), 1);
    s.flush();
    let last = text.lines().count().saturating_sub(1) as u32;
    (0..3)
        .map(|v| {
            let change = TextDocumentContentChangeEvent {
                range: Some(Range::new(Position::new(last, 0), Position::new(last, 0))),
                range_length: None,
                text: " ".into(),
            };
            let t = Instant::now();
            s.did_change(&uri, v + 2, vec![change]);
            assert_eq!(s.flush().len(), 1);
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

#[test]
fn findings_on_one_long_line_cost_what_they_cost_on_separate_lines() {
    // 10,000 items on one line took 1.6 s per keystroke, 50,000 took 35 s: each finding's
    // UTF-16 column was counted from the start of the line. Every item here is a finding.
    let policy = |sep: &str| {
        let items = vec!["'run schedular 1'"; 3_000].join(sep);
        format!("{{'config': {{'script': [{items}]}}}}\n")
    };
    let (one_line, many_lines) = (policy(", "), policy(",\n"));
    let (mut a, mut b) = (Duration::MAX, Duration::MAX);
    for _ in 0..2 {
        a = a.min(recheck_time(&one_line));
        b = b.min(recheck_time(&many_lines));
    }
    assert!(
        a < b * 3 + Duration::from_millis(50),
        "one line {a:?}, separate lines {b:?}"
    );
}
