//! Parser tests that need the internals: time on hostile nesting, junk extents, string bodies.

use std::time::{Duration, Instant};

use super::*;

fn parse(text: &str) -> (Option<ParsedPolicy>, Vec<Diagnostic>) {
    let mut diags = Diagnostics::new();
    let parsed = parse_policy(FileId(0), text, &mut diags);
    (parsed, diags.into_vec())
}

/// The fastest of three parses of `text`.
fn time(text: &str) -> Duration {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            let _ = parse(text);
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

#[test]
fn unclosed_brackets_before_a_wrong_closer_take_linear_time() {
    // `'[' * n + '}'` doubled per bracket (1.4 s at n = 22, 18.6 s at n = 26; issue 13).
    let small = time(&format!("{}}}", "[".repeat(8)));
    let large = time(&format!("{}}}", "[".repeat(MAX_DEPTH)));
    assert!(
        large < small * 100 + Duration::from_millis(20),
        "8 brackets {small:?}, {MAX_DEPTH} brackets {large:?}"
    );
    // The half-typed line that pinned the language server at 100% CPU for over a minute.
    let line = format!("{{'config': {{'ip': {}}}}}", "[".repeat(40));
    let (_, diags) = parse(&line);
    assert!(!diags.is_empty());
    assert!(time(&line) < Duration::from_millis(200));
}

#[test]
fn junk_inside_quotes_and_groups_is_linear() {
    // Brackets inside a stray quote are not counted by the depth limit, so junk sees them all.
    let body = |n: usize| format!("{{'config': {{'a': x '{}}}}}\n", "[(".repeat(n));
    let small = time(&body(500));
    let large = time(&body(8_000));
    assert!(
        large < small * 64 + Duration::from_millis(50),
        "500 groups {small:?}, 8000 groups {large:?}"
    );
}

#[test]
fn an_unclosed_list_is_one_junk_value_up_to_the_closing_brace() {
    // A junk bracket group ends before a closer of another kind: the forgotten `]` makes the
    // whole rest of the entry one value that does not parse (one error, not one per item).
    let text = "{'config': {'a': [1, 'b': 2}}";
    let (parsed, diags) = parse(text);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(&text[diags[0].primary.span.range()], "[1, 'b': 2");
    let root = parsed.expect("a tree").root;
    let config = root.get("config").expect("config");
    assert_eq!(
        config.value.get("a").map(|e| &e.value.kind),
        Some(&NodeKind::Error)
    );
}

#[test]
fn string_bodies_decode_escapes_and_stop_at_their_quote() {
    let text = "{'k': 'it\\'s \"x\"', \"d\": \"a\\\"b\\\\\", 'c': 'line\\\ncontinued'}";
    let (parsed, diags) = parse(text);
    assert!(diags.is_empty(), "{diags:?}");
    let root = parsed.expect("a tree").root;
    let get = |k: &str| {
        root.get(k)
            .and_then(|e| e.value.as_str())
            .map(str::to_string)
    };
    assert_eq!(get("k").as_deref(), Some("it's \"x\""));
    assert_eq!(get("d").as_deref(), Some("a\"b\\"));
    assert_eq!(get("c").as_deref(), Some("linecontinued"));
    // An unterminated string stops at the end of its line.
    let (_, diags) = parse("{'k': 'open\n}");
    assert_eq!(diags.len(), 1);
}
