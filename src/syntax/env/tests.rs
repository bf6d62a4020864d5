use super::*;

fn parse(text: &str) -> (EnvFile, Diagnostics) {
    let mut diags = Diagnostics::new();
    let file = parse_env(FileId(0), text, &mut diags);
    (file, diags)
}

/// The value of `key` (last definition), with variables shown as `<NAME>`.
fn value(file: &EnvFile, key: &str) -> String {
    let entry = file.entries.iter().rev().find(|e| e.key == key);
    let entry = entry.unwrap_or_else(|| panic!("no {key} in {file:?}"));
    render(&entry.value)
}

fn render(parts: &[ValuePart]) -> String {
    parts
        .iter()
        .map(|p| match p {
            ValuePart::Literal(s) => s.clone(),
            ValuePart::Var { name, .. } => format!("<{name}>"),
        })
        .collect()
}

fn keys(file: &EnvFile) -> Vec<&str> {
    file.entries.iter().map(|e| e.key.as_str()).collect()
}

fn messages(diags: &Diagnostics) -> Vec<String> {
    diags.iter().map(|d| d.message.to_string()).collect()
}

fn slice(text: &str, span: Span) -> &str {
    &text[span.range()]
}

#[test]
fn comments_blank_lines_and_indentation_are_skipped() {
    let (f, d) = parse("# header\n\n   \n  # indented comment\nA=1\n    TPM_DIR = /app\n");
    assert!(d.is_empty(), "{:?}", messages(&d));
    assert_eq!(keys(&f), ["A", "TPM_DIR"]);
    assert_eq!(value(&f, "TPM_DIR"), "/app");
}

#[test]
fn export_prefix_is_accepted() {
    let (f, d) = parse("export A=1\nexport=2\nexport\tB=3\n");
    assert!(d.is_empty());
    assert_eq!(keys(&f), ["A", "export", "B"]);
    assert!(f.entries[0].exported && !f.entries[1].exported && f.entries[2].exported);
}

#[test]
fn spaces_around_equals() {
    let text = "ENABLE_ETHERIP = false\nB\t=\tx y \n";
    let (f, d) = parse(text);
    assert!(d.is_empty());
    assert_eq!(value(&f, "ENABLE_ETHERIP"), "false");
    assert_eq!(slice(text, f.entries[0].key_span), "ENABLE_ETHERIP");
    assert_eq!(slice(text, f.entries[0].value_span), "false");
    assert_eq!(value(&f, "B"), "x y");
}

#[test]
fn yaml_style_colon_separator() {
    let (f, d) = parse("URL: http://host:80/x\nT=12:30\n");
    assert!(d.is_empty());
    assert_eq!(value(&f, "URL"), "http://host:80/x");
    assert_eq!(value(&f, "T"), "12:30");
}

#[test]
fn key_characters_allowed_by_compose() {
    let (f, d) = parse("a.b-c[0]_D9=1\nnäme=2\n");
    assert!(d.is_empty());
    assert_eq!(keys(&f), ["a.b-c[0]_D9", "näme"]);
}

#[test]
fn unquoted_value_with_inner_spaces_is_kept() {
    let (f, _) = parse("COMPANY_NAME=New Company\nMSG_TABLE=bring [table]\n");
    assert_eq!(value(&f, "COMPANY_NAME"), "New Company");
    assert_eq!(value(&f, "MSG_TABLE"), "bring [table]");
}

#[test]
fn unquoted_value_is_cut_at_space_hash() {
    let text = "A=x # comment\nB=a#b\nC=  # leading blanks go first\nD=v\t#tab is not a cut\n";
    let (f, _) = parse(text);
    assert_eq!(value(&f, "A"), "x");
    assert_eq!(slice(text, f.entries[0].value_span), "x");
    assert_eq!(value(&f, "B"), "a#b");
    // compose trims the blanks after `=` before looking for ` #`
    assert_eq!(value(&f, "C"), "# leading blanks go first");
    // compose cuts only at space-hash
    assert_eq!(value(&f, "D"), "v\t#tab is not a cut");
}

#[test]
fn trailing_whitespace_is_trimmed() {
    let (f, _) = parse("A=value \t \nB=x\u{A0}\n");
    assert_eq!(value(&f, "A"), "value");
    assert_eq!(value(&f, "B"), "x");
}

#[test]
fn empty_values() {
    let text = "A=\nB=\"\"\nC=''\nD=   \n";
    let (f, d) = parse(text);
    assert!(d.is_empty());
    for k in ["A", "B", "C", "D"] {
        assert_eq!(value(&f, k), "", "{k}");
    }
    let a = &f.entries[0];
    assert_eq!((a.value_span.start, a.value_span.end), (2, 2));
    assert_eq!(slice(text, f.entries[1].value_span), "\"\"");
    assert_eq!(f.entries[1].quote, QuoteStyle::Double);
}

#[test]
fn crlf_line_endings() {
    let text = "A=1\r\nB=\"two\"\r\nC='three'\r\n# c\r\nD\r\nE=x # c\r\nF=\"l1\r\nl2\"\r\n";
    let (f, d) = parse(text);
    assert!(d.is_empty(), "{:?}", messages(&d));
    assert_eq!(keys(&f), ["A", "B", "C", "D", "E", "F"]);
    assert_eq!(value(&f, "A"), "1");
    assert_eq!(value(&f, "B"), "two");
    assert_eq!(value(&f, "C"), "three");
    assert!(f.entries[3].inherit);
    assert_eq!(value(&f, "E"), "x");
    assert_eq!(value(&f, "F"), "l1\nl2");
    assert!(f.entries.iter().all(|e| !render(&e.value).contains('\r')));
}

#[test]
fn missing_final_newline() {
    let (f, d) = parse("A=1\nB=last");
    assert!(d.is_empty());
    assert_eq!(value(&f, "B"), "last");
    let (f, _) = parse("A=1\nLAST");
    assert!(f.entries[1].inherit);
}

#[test]
fn bare_key_inherits_from_environment() {
    let text = "PATH\n  HOME  \nA=1\n";
    let (f, d) = parse(text);
    assert!(d.is_empty());
    assert!(f.entries[0].inherit && f.entries[1].inherit && !f.entries[2].inherit);
    assert_eq!(slice(text, f.entries[1].key_span), "HOME");
}

#[test]
fn single_quotes_are_literal() {
    let (f, d) = parse(r#"A='$HOME ${X} \n \\ \' "q"'"#);
    assert!(d.is_empty());
    assert_eq!(value(&f, "A"), r#"$HOME ${X} \n \\ ' "q""#);
    assert_eq!(f.entries[0].quote, QuoteStyle::Single);
}

#[test]
fn double_quote_escapes() {
    let (f, _) = parse(r#"A="n\n r\r t\t b\\ q\" d\$X a\a v\v f\f bk\b o\0101 z\0 k\k c\c""#);
    assert_eq!(
        value(&f, "A"),
        "n\n r\r t\t b\\ q\" d$X a\u{7} v\u{b} f\u{c} bk\u{8} oA z\\ k\\k c\\c"
    );
}

#[test]
fn quoted_values_may_span_lines() {
    let (f, d) = parse("A=\"one\ntwo $X\"\nB='x\ny'\nC=3\n");
    assert!(d.is_empty());
    assert_eq!(value(&f, "A"), "one\ntwo <X>");
    assert_eq!(value(&f, "B"), "x\ny");
    assert_eq!(value(&f, "C"), "3");
}

#[test]
fn text_after_closing_quote_is_the_next_statement() {
    let (f, d) = parse("A=\"x\" # comment\nB=\"y\" C=z\nD=4\n");
    assert!(d.is_empty(), "{:?}", messages(&d));
    assert_eq!(keys(&f), ["A", "B", "C", "D"]);
    let (f, d) = parse("A=\"x\"junk\nB=1\n");
    assert_eq!(keys(&f), ["A", "junk", "B"]);
    assert_eq!(d.len(), 1);
    assert_eq!(d.iter().next().map(|d| d.severity), Some(Severity::Warning));
    let (f, d) = parse("A=\"x\" two words\nB=1\n");
    assert_eq!(keys(&f), ["A", "B"]);
    assert!(messages(&d)[0].contains("after the closing quote"));
}

#[test]
fn dollar_dollar_is_literal_dollar() {
    let (f, _) = parse("A=pa$$word\nB=\"$$X\"\nC=mqtt4AnyLog!$\nD=$1 $ x\n");
    assert_eq!(value(&f, "A"), "pa$word");
    assert_eq!(value(&f, "B"), "$X");
    assert_eq!(value(&f, "C"), "mqtt4AnyLog!$");
    assert_eq!(value(&f, "D"), "$1 $ x");
}

#[test]
fn variables_in_unquoted_and_double_quoted_values() {
    let text = "A=$HOME/x\nB=\"${HOME}.y\"\nC=$A.b$_c9\n";
    let (f, _) = parse(text);
    assert_eq!(value(&f, "A"), "<HOME>/x");
    assert_eq!(value(&f, "B"), "<HOME>.y");
    assert_eq!(value(&f, "C"), "<A>.b<_c9>");
    let ValuePart::Var { span, .. } = &f.entries[1].value[0] else {
        panic!("not a var")
    };
    assert_eq!(slice(text, *span), "${HOME}");
}

#[test]
fn braced_default() {
    let text = "A=${X:-def ${Y}} tail\n";
    let (f, d) = parse(text);
    assert!(d.is_empty());
    let ValuePart::Var {
        name,
        span,
        modifier,
    } = &f.entries[0].value[0]
    else {
        panic!("not a var")
    };
    assert_eq!(name, "X");
    assert_eq!(slice(text, *span), "${X:-def ${Y}}");
    let (op, word) = modifier
        .as_ref()
        .map(|(o, w)| (*o, render(w)))
        .unwrap_or_else(|| panic!());
    assert_eq!(op, VarModifier::DefaultIfUnsetOrEmpty);
    assert_eq!(word, "def <Y>");
    assert_eq!(render(&f.entries[0].value[1..]), " tail");
}

#[test]
fn every_modifier_is_recognised() {
    let cases = [
        (":-", VarModifier::DefaultIfUnsetOrEmpty),
        ("-", VarModifier::DefaultIfUnset),
        (":+", VarModifier::AltIfSetNonEmpty),
        ("+", VarModifier::AltIfSet),
        (":?", VarModifier::ErrorIfUnsetOrEmpty),
        ("?", VarModifier::ErrorIfUnset),
    ];
    for (op, want) in cases {
        let (f, _) = parse(&format!("A=${{X{op}w{{b}}}}"));
        let Some(ValuePart::Var {
            modifier: Some((got, w)),
            ..
        }) = f.entries[0].value.first()
        else {
            panic!("{op}")
        };
        assert_eq!((*got, render(w)), (want, "w{b}".to_string()), "{op}");
    }
}

#[test]
fn invalid_braced_reference_is_an_error() {
    for text in ["A=${}\n", "A=${1X}\n", "A=${X\n", "A=${X:y}\n"] {
        let (f, d) = parse(text);
        assert_eq!(d.len(), 1, "{text}");
        assert!(messages(&d)[0].contains("`${`"));
        assert_eq!(f.entries.len(), 1);
    }
}

#[test]
fn duplicate_key_last_wins_and_warns() {
    let text = "ENABLE_NOSQL=false\nX=1\nENABLE_NOSQL=true\nENABLE_NOSQL=x\n";
    let (f, d) = parse(text);
    assert_eq!(value(&f, "ENABLE_NOSQL"), "x");
    assert_eq!(d.len(), 2);
    let first = d.iter().next().unwrap_or_else(|| panic!());
    assert_eq!(first.rule.code, ENV_DUPLICATE_KEY.code);
    assert_eq!(first.severity, Severity::Warning);
    assert!(first.message.contains("last one wins"));
    assert_eq!(first.primary.span.start, 23);
    assert_eq!(first.secondary[0].span.start, 0);
    assert_eq!(first.secondary[0].message, "first defined here");
}

#[test]
fn edgelake_command_line_is_an_error() {
    let text = "A=1\nset BLOCKCHAIN_DESTINATION=file\nB=2\n";
    let (f, d) = parse(text);
    assert_eq!(keys(&f), ["A", "B"]);
    let diag = d.iter().next().unwrap_or_else(|| panic!());
    assert_eq!(
        diag.message,
        "`set BLOCKCHAIN_DESTINATION` is not a variable name"
    );
    assert_eq!(
        diag.help.as_deref(),
        Some("env files hold only `KEY=value` lines; this looks like an EdgeLake command")
    );
    assert_eq!(slice(text, diag.primary.span), "set BLOCKCHAIN_DESTINATION");
}

#[test]
fn bad_key_characters_are_errors() {
    let (f, d) = parse("A$B=1\n\"Q\"=2\n=3\nsome prose line\nOK=1\n");
    assert_eq!(keys(&f), ["OK"]);
    let m = messages(&d);
    assert_eq!(m.len(), 4, "{m:?}");
    assert!(m[0].contains("`$` is not allowed"));
    assert!(m[1].contains("`\\\"` is not allowed") || m[1].contains("`\"` is not allowed"));
    assert!(m[2].contains("no variable name"));
    assert!(m[3].contains("`some prose line` is not a variable name"));
}

#[test]
fn recovers_after_bad_line() {
    let (f, d) = parse("bad key=1\nGOOD=2\nA=\"open\nB=3\nalso bad=4\nC=5");
    assert_eq!(keys(&f), ["GOOD", "B", "C"]);
    assert_eq!(d.len(), 3);
}

#[test]
fn unterminated_quote_at_eof() {
    let text = "A=1\nLIGHTHOUSE_NODE_IP=\"";
    let (f, d) = parse(text);
    assert_eq!(keys(&f), ["A"]);
    let diag = d.iter().next().unwrap_or_else(|| panic!());
    assert_eq!(diag.message, "unterminated double-quoted value");
    assert_eq!(
        diag.help.as_deref(),
        Some("close the quote or write `KEY=` for an empty value")
    );
    assert_eq!(slice(text, diag.primary.span), "\"");
    let (_, d) = parse("A='x\n");
    assert_eq!(messages(&d), ["unterminated single-quoted value"]);
}

#[test]
fn byte_order_mark_is_skipped() {
    let (f, d) = parse("\u{feff}A=1\n");
    assert!(d.is_empty());
    assert_eq!(keys(&f), ["A"]);
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let text = format!("A={}\n", "${X:-".repeat(50_000));
    let (f, d) = parse(&text);
    assert_eq!(f.entries.len(), 1);
    assert!(!d.is_empty());
    let ok = format!("A={}{}\n", "${X:-".repeat(20), "}".repeat(20));
    let (_, d) = parse(&ok);
    assert!(d.is_empty());
}

#[test]
fn huge_line_and_odd_bytes_do_not_panic() {
    let big = format!("A={}\n", "x$Y ".repeat(250_000));
    let (f, _) = parse(&big);
    assert_eq!(f.entries.len(), 1);
    let (f, _) = parse("A=\0\r\r\n\rB=1\r");
    assert_eq!(keys(&f), ["A", "B"]);
}

#[test]
fn random_inputs_never_panic() {
    let alphabet: &[u8] = b"AZaz09_=:#$${}\"'\\ \t\r\n-.[]exportX!+?\0\xc3\xa9\xff";
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..4000 {
        let len = (next() % 120) as usize;
        let raw = next() % 4 == 0;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                let r = next();
                if raw {
                    r as u8
                } else {
                    alphabet[(r % alphabet.len() as u64) as usize]
                }
            })
            .collect();
        let text = String::from_utf8_lossy(&bytes);
        let (f, _) = parse(&text);
        for e in &f.entries {
            assert!(e.key_span.end as usize <= text.len());
            assert!(text.get(e.value_span.range()).is_some());
        }
    }
}

mod fast_path {
    use super::*;
    use proptest::prelude::*;

    /// Pieces env files are made of, plain and otherwise: the fast path must read the plain
    /// lines as the grammar does and leave every other one to it.
    const PIECES: &[&str] = &[
        "KEY", "A_1", "b.c", "x-y", "export ", "export", "=", ":", "value", "v al", " #c", "#",
        "# note", "\n", "\r\n", "\r", " ", "\t", "\u{0B}", "\u{A0}", "\u{85}", "'", "\"", "$",
        "${A}", "${A:-d}", "$$", "{", "}", "\\", "é", "[i]", "\u{feff}", "", "K=", "K=v\n", "9",
        "_x", "${", "${9}",
    ];

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(PIECES), 0..24)
            .prop_map(|pieces| pieces.concat())
    }

    fn both(text: &str) -> ((EnvFile, Diagnostics), (EnvFile, Diagnostics)) {
        let mut fast = Diagnostics::new();
        let f = parse_env(FileId(0), text, &mut fast);
        let mut slow = Diagnostics::new();
        let g = parse_env_with_grammar(FileId(0), text, &mut slow);
        ((f, fast), (g, slow))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn reads_every_text_as_the_grammar_does(text in text()) {
            let ((f, fd), (g, gd)) = both(&text);
            prop_assert_eq!(f, g);
            prop_assert_eq!(format!("{fd:?}"), format!("{gd:?}"));
        }

        /// Any text at all, not only env-like pieces: the same entries and findings, no panic.
        #[test]
        fn reads_any_text_as_the_grammar_does(text in "(?s)[a-zA-Z_=\"'$#{} \t\r\n\\:.-]{0,40}|(?s).{0,40}") {
            let ((f, fd), (g, gd)) = both(&text);
            prop_assert_eq!(f, g);
            prop_assert_eq!(format!("{fd:?}"), format!("{gd:?}"));
        }
    }

    #[test]
    fn plain_lines_take_the_fast_path_and_read_as_the_grammar_does() {
        let text = "# header\nA=1\n\nexport B=2\nC=x #c\nD=\nE=${A}b\nF='q'\nG = 3\nH=v\r\n\
                    Q=\"a $A b\" # c\nR='x' junk\nS=\"a\\\"b\"\nA=9";
        let ((f, fd), (g, gd)) = both(text);
        assert_eq!(f, g);
        assert_eq!(format!("{fd:?}"), format!("{gd:?}"));
        assert_eq!(
            keys(&f),
            ["A", "B", "C", "D", "E", "F", "G", "H", "Q", "R", "junk", "S", "A"]
        );
        assert_eq!(value(&f, "Q"), "a <A> b");
        assert_eq!(value(&f, "S"), "a\"b");
        // `junk` after the closing quote, and `A` defined twice.
        assert_eq!(messages(&fd).len(), 2, "{:?}", messages(&fd));
    }
}
