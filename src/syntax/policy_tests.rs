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

mod fast_path {
    use super::super::{fast, parse_with_grammar};
    use super::*;
    use proptest::prelude::*;

    /// The fast path either declines or gives exactly the grammar's tree, with no finding.
    fn agrees(text: &str) -> bool {
        let Some(quick) = fast::parse(FileId(0), &std::sync::Arc::from(text)) else {
            return false;
        };
        let mut diags = Diagnostics::new();
        let reference = parse_with_grammar(FileId(0), text, &mut diags);
        assert_eq!(Some(quick), reference, "text: {text:?}");
        assert!(diags.is_empty(), "text: {text:?}: {:?}", diags.into_vec());
        true
    }

    #[test]
    fn real_policies_take_the_fast_path_and_agree() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut fast = 0;
        for dir in ["policies", "benches/corpus/policies", "tests/cases"] {
            let mut stack = vec![root.join(dir)];
            while let Some(d) = stack.pop() {
                for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                    let p = entry.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|e| e == "policy") {
                        let text = std::fs::read_to_string(&p).unwrap_or_default();
                        fast += usize::from(agrees(&text));
                    }
                }
            }
        }
        assert!(fast > 50, "only {fast} real policies took the fast path");
    }

    #[test]
    fn edge_cases_agree() {
        for text in [
            "{'a': 'b'}",
            "{'a' : 'b' , }",
            "{'a': 'x' 'y'  , 'b': \"z\"\n# c\n}",
            "{'a': 'x' # c\n}",
            "[{'a': [1, -2, 0, 1_000, 1.5e3, -.5, .5E-2, 3., 0.0]}],",
            "{'t': True, 'f': false, 'n': None, 'm': null, 'r': !ref.x_1, 's': !a}",
            "\u{feff}{'a':'\\'\\\"\\n\\u00e9\\ud83d\\ude00\\x41\\\n'}",
            "{'a': {}, 'b': [], 'c': [[]], 'd': [{}, ],}",
            "{'a': 1_}",
            "{'a': 01}",
            "{'a': Truex}",
            "{'a': 'b' 'c}",
            "{'a': }",
            "{'a' 'b': 1}",
            "{\"k\": \"v\"}  \t\r\n ",
            "'just a string'",
            "",
            "{'a': [1, 'b': 2}}",
        ] {
            agrees(text);
        }
        assert!(agrees(
            "{'config': {'script': ['run scheduler 1', \"x = 'y'\"]}}"
        ));
    }

    /// A random clean document, formatted with random blanks and comments.
    fn document() -> impl Strategy<Value = String> {
        let gap = prop_oneof![
            Just(""),
            Just(" "),
            Just("\n    "),
            Just("\t"),
            Just(" # note\n"),
            Just("\r\n"),
            Just("\u{feff}"),
            Just("\u{c}")
        ];
        let leaf = prop_oneof![
            "'[a-z !=é\\\\\"{}\\[\\]]{0,12}'".prop_map(|s| s.replace('\\', "\\\\")),
            "\"[a-z '!é]{0,12}\"",
            Just("'a' 'b'".to_string()),
            Just("'a'\n  \"b\" 'c'".to_string()),
            "-?(0|[1-9](_?[0-9]){0,3})(\\.[0-9]{0,2})?([eE][+-]?[0-9]{1,2})?",
            Just("True".to_string()),
            Just("false".to_string()),
            Just("None".to_string()),
            Just("null".to_string()),
            "![a-z_][a-z0-9_]{0,5}(\\.[a-z]{1,4}){0,2}",
        ];
        let tree = leaf.prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5)
                    .prop_map(|items| format!("[{}]", items.join(", "))),
                prop::collection::vec(("'[a-z_]{1,8}'", inner), 0..5).prop_map(|entries| {
                    let body: Vec<String> = entries
                        .into_iter()
                        .map(|(k, v)| format!("{k}: {v}"))
                        .collect();
                    format!("{{{}}}", body.join(", "))
                }),
            ]
        });
        (tree, prop::collection::vec(gap, 8), any::<bool>()).prop_map(|(doc, gaps, comma)| {
            // Spread the blanks over the separators (outside strings).
            let mut out = String::from(gaps[0]);
            let mut k = 1;
            let (mut quote, mut escaped) = (None, false);
            for c in doc.chars() {
                out.push(c);
                match quote {
                    Some(_) if escaped => escaped = false,
                    Some(_) if c == '\\' => escaped = true,
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == '\'' || c == '"' => quote = Some(c),
                    None if matches!(c, ',' | ':' | '[' | '{') => {
                        out.push_str(gaps[k % gaps.len()]);
                        k += 1;
                    }
                    None => {}
                }
            }
            if comma {
                out.push(',');
            }
            out.push_str(gaps[7]);
            out
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn random_documents_agree_with_the_grammar(doc in document()) {
            prop_assert!(agrees(&doc), "a clean document declined: {doc:?}");
        }

        #[test]
        fn mutated_documents_agree_with_the_grammar(
            doc in document(),
            edits in prop::collection::vec(
                (any::<prop::sample::Index>(), "[ ,:'\"\\[\\]{}#!\\\\\na1.eE+_Tn\t\r\u{b}\u{a0}\u{feff}é-]"),
                1..4,
            ),
        ) {
            let mut text = doc;
            for (at, insert) in edits {
                let mut i = at.index(text.len() + 1);
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                text.insert_str(i, &insert);
            }
            agrees(&text);
        }
    }
}

#[test]
fn the_fast_path_stops_where_the_nesting_limit_is() {
    // `{'a': ` is one level; the lists make up the rest.
    let nested = |depth: usize| {
        format!(
            "{{'a': {}{}}}",
            "[".repeat(depth - 1),
            "]".repeat(depth - 1)
        )
    };
    let (parsed, diags) = parse(&nested(MAX_DEPTH));
    assert!(parsed.is_some() && diags.is_empty(), "{diags:?}");
    let (parsed, diags) = parse(&nested(MAX_DEPTH + 1));
    assert!(parsed.is_none());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].rule.code, NESTING_TOO_DEEP.code);
    assert_eq!(diags[0].primary.span.start as usize, 6 + MAX_DEPTH - 1);
}
