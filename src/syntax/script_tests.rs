use super::*;

fn words(line: &str) -> Vec<String> {
    match tokenize(line) {
        Ok(t) => t.words.into_iter().map(|w| w.text.into()).collect(),
        Err(e) => panic!("{line:?}: {}", e.message),
    }
}

#[test]
fn s4_1_whitespace_separates() {
    assert_eq!(words(" a\tb\nc  "), ["a", "b", "c"]);
}

#[test]
fn s4_1_equals_splits_inside_word() {
    assert_eq!(words("a=b+c"), ["a", "=", "b", "+", "c"]);
    assert_eq!(words("a==b"), ["a", "==", "b"]);
}

#[test]
fn s4_1_not_equal_only_when_glued() {
    assert_eq!(words("!x!=y"), ["!x", "!=", "y"]);
    assert_eq!(words("!x ! y"), ["!x", "!", "y"]);
    assert_eq!(words("a!b"), ["a!b"]);
}

#[test]
fn s4_1_comparisons_and_arrow() {
    assert_eq!(
        words("a<=b>c<d>=e"),
        ["a", "<=", "b", ">", "c", "<", "d", ">=", "e"]
    );
    assert_eq!(words("-> where"), ["->", "where"]);
    assert_eq!(words("a->b"), ["a-", ">", "b"]);
}

#[test]
fn s4_1_double_quotes_dropped_single_kept() {
    let t = tokenize(r#"print "a b" 'c d' `e f` """#).unwrap();
    let texts: Vec<_> = t.words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["print", "a b", "'c d'", "`e f`", ""]);
    assert_eq!(t.words[1].range, 6..11);
    assert_eq!(t.words[1].quoted, Quote::Double);
    assert_eq!(t.words[2].quoted, Quote::Single);
    assert_eq!(words(r#"a"b c""#), [r#"a"b"#, r#"c""#]);
}

#[test]
fn s4_1_escaped_quotes_kept() {
    assert_eq!(words(r#"x = \"!name\" y"#), ["x", "=", r#"\"!name\""#, "y"]);
}

#[test]
fn s4_1_parenthesis_group() {
    assert_eq!(
        words("if (!a == b) and (c) then"),
        ["if", "(!a == b)", "and", "(c)", "then"]
    );
    assert_eq!(words("now()- 1"), ["now()-", "1"]);
    assert_eq!(words("(a)b"), ["(a)", "b"]);
    assert_eq!(words("f(a b)c d"), ["f(a b)c", "d"]);
    assert_eq!(words("x ("), ["x", "("]);
}

#[test]
fn s4_1_brace_and_bracket_words() {
    assert_eq!(words(r#"a{"k": 1}"#), ["a", r#"{"k": 1}"#]);
    assert_eq!(words("bring.first [*][id]"), ["bring.first", "[*][id]"]);
    assert_eq!(words("x[a][b] y"), ["x[a][b]", "y"]);
    assert_eq!(words("[a]:[b] c"), ["[a]:[b]", "c"]);
    assert_eq!(words("key{} = v"), ["key{}", "=", "v"]);
    assert_eq!(words("a = {}"), ["a", "=", "{}"]);
}

#[test]
fn s4_1_comment_only_at_word_start() {
    let t = tokenize("a#b # rest").unwrap();
    assert_eq!(t.words.len(), 1);
    assert_eq!(t.words[0].text, "a#b");
    assert_eq!(t.comment, Some(4..10));
}

#[test]
fn s4_1_ampersand_ends_command() {
    let t = tokenize("get status & get x").unwrap();
    assert_eq!(t.words.len(), 2);
    assert_eq!(t.rest_after_ampersand, Some(12..18));
    assert_eq!(tokenize("a&").unwrap().rest_after_ampersand, Some(2..2));
}

#[test]
fn s4_1_ampersand_glued_to_a_word_repeats_the_rest_as_one_word() {
    // tokenizer.jsonl: the node saves `a`, stops at `&`, and (its word still open) saves
    // everything from the word's start again.
    assert_eq!(words("then a&b\tif"), ["then", "a", "a&b\tif"]);
    assert_eq!(words("x(a)& {}"), ["x(a)", "x(a)& {}"]);
    // Not after a quoted word or an operator.
    assert_eq!(words("'q'& x"), ["'q'"]);
    assert_eq!(words("a =& x"), ["a", "="]);
}

#[test]
fn s4_1_unterminated_delimiters_are_errors() {
    for (line, at) in [
        ("a \"b", 2),
        ("a 'b", 2),
        ("a `b", 2),
        ("a (b", 2),
        ("a f(b", 3),
        ("a {b", 2),
        ("a [b", 2),
        ("a x[b", 3),
        ("a [b][c", 2),
        (r#"a \"bc"#, 2),
    ] {
        let e = tokenize(line).expect_err(line);
        assert_eq!(e.range.start, at, "{line}");
        assert!(!e.message.contains("_open"), "{}", e.message);
    }
    // A quote that is the last character is an ordinary word, as in the runtime.
    assert_eq!(words("a \""), ["a", "\""]);
}

fn xorshift(state: &mut u64) -> u64 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    x
}

#[test]
fn s4_1_random_input_never_panics() {
    let alphabet = b" \t\n\r!=+<>-&#\"'`\\({[]}):ab.$";
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..4000 {
        let len = (xorshift(&mut seed) % 40) as usize;
        let mut bytes = Vec::with_capacity(len);
        for _ in 0..len {
            let r = xorshift(&mut seed);
            if r.is_multiple_of(5) {
                bytes.push((r >> 8) as u8);
            } else {
                bytes.push(alphabet[(r >> 8) as usize % alphabet.len()]);
            }
        }
        let line = String::from_utf8_lossy(&bytes);
        if let Ok(t) = tokenize(&line) {
            for w in &t.words {
                assert!(line.get(w.range.clone()).is_some());
            }
        }
    }
}

#[test]
fn s4_1_huge_inputs_terminate() {
    let big = "ab ".repeat(350_000);
    assert_eq!(tokenize(&big).unwrap().words.len(), 350_000);
    let nested = format!("{}{}", "(".repeat(100_000), ")".repeat(100_000));
    assert!(tokenize(&nested).is_err());
    let open = "(".repeat(100_000);
    assert!(tokenize(&open).is_err());
    let ok = format!("{}{}", "(".repeat(100), ")".repeat(100));
    assert_eq!(tokenize(&ok).unwrap().words.len(), 1);
    let brackets = format!("x {}", "[a]".repeat(300_000));
    assert_eq!(tokenize(&brackets).unwrap().words.len(), 2);
}

mod fast_path {
    use super::super::{simple, tokenize, tokenize_with_grammar, Tokens};
    use proptest::prelude::*;

    fn agrees(line: &str) {
        if let Some(fast) = simple::tokenize(line) {
            // A word said to be written as is is its range of the line (records rely on it).
            for w in fast.words.iter().filter(|w| w.as_written) {
                assert_eq!(line.get(w.text_range()), Some(w.text.as_str()), "{line:?}");
            }
            assert_eq!(Ok(fast), tokenize_with_grammar(line), "line: {line:?}");
        }
        // Into a vector that held another line's words: the same answer.
        let mut words = tokenize("x = \"y z\" [a] w").unwrap().words;
        let into = super::super::tokenize_into(line, &mut words).map(|rest| Tokens {
            words: words.clone(),
            ..rest
        });
        assert_eq!(into, super::super::tokenize(line), "line: {line:?}");
    }

    #[test]
    fn real_policy_lines_agree_with_the_grammar() {
        for line in [
            "run scheduler 1",
            "if !enable_ha == true then run data distributor",
            "run blockchain sync where source=!blockchain_source and time=!blockchain_sync and dest=file",
            "x = !a + - + !b.name + -configs",
            "if !x != \"a b\" then set y = 'c d'",
            "set buffer threshold where time=60 seconds and volume=10KB",
            "a!b a!=b a==b a<=b a>=b a<b a>b a+b é=ü",
            "if not !is_policy then process !local_scripts/policies/a.al",
            "\"unterminated",
            "'unterminated",
            "",
            "   ",
            "if not !node_name then node_name = blockchain get master bring [*][name]",
            "operator_monitoring_ip = blockchain get operator bring.first [*][ip] : [*][port]",
            "x = a[b][c]:[d]:e f",
            "x[a]: y[b]:",
            "[a\t[b]]\tz",
            "[a]:]",
            "[a",
            "x[a",
            "[a]:[b",
            "]a[ ]",
            "[é]:é",
        ] {
            agrees(line);
        }
        for common in [
            "run scheduler 1",
            "if not !node_name then node_name = blockchain get master bring [*][name]",
        ] {
            assert!(
                simple::tokenize(common).is_some(),
                "the common case takes the fast path: {common}"
            );
        }
        for needs_grammar in [
            "a(b",
            "x \"a&b\"",
            "x 'a#b'",
            "x[a]:(",
            "x[a]:-> y",
            "[a]:-<",
            "a-> b",
            "]-<",
            "x \"a->\"",
            "[a(b)]",
            "x[a{b}]",
            "\"\\\"",
            "a\rb",
            "x = `y`",
        ] {
            assert!(
                simple::tokenize(needs_grammar).is_none(),
                "the grammar decides: {needs_grammar:?}"
            );
            agrees(needs_grammar);
        }
        let deep = format!("x \"{}\"", "[".repeat(super::super::MAX_NESTING + 1));
        assert!(
            simple::tokenize(&deep).is_none(),
            "too deep for the fast path"
        );
        agrees(&deep);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn random_lines_agree_with_the_grammar(line in "[a-z!=+<>\"' \t\né0-9._$-]{0,40}") {
            agrees(&line);
        }

        #[test]
        fn random_bracket_lines_agree_with_the_grammar(line in "[ab!=<\"' \t:*\\[\\]é]{0,40}") {
            agrees(&line);
        }

        /// The grammar check runs inside the scan (one pass): rare characters, `->`, `-<` and
        /// deep `[` are seen wherever they are — in a bare word, in quotes, in a `[…]` chain,
        /// right after a chain's `:`.
        #[test]
        fn lines_with_rare_characters_agree_with_the_grammar(line in "[a!=<>\"' :\\[\\]é(){}#&`\\\\\r-]{0,40}") {
            agrees(&line);
        }
    }
}
