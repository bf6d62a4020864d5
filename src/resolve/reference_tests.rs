use super::*;
use crate::resolve::test_vars::Vars;

fn r(word: &str, vars: &Vars) -> Resolved {
    resolve_word(word, vars)
}
fn s(x: &str) -> Resolved {
    Resolved::str(x)
}
fn boot(deps: &[&str]) -> Resolved {
    Resolved::AtBoot {
        depends_on: deps.iter().map(|d| d.to_string()).collect(),
    }
}

#[test]
fn s3_1_empty_and_literal() {
    let v = Vars::default();
    assert_eq!(r("", &v), s(""));
    assert_eq!(r("hello", &v), s("hello"));
    assert_eq!(r("!nope", &v), s(""));
}

#[test]
fn s3_1_cast_suffix_only_at_end_and_longer_than_suffix() {
    let v = Vars::of(&[("port", "32148"), ("x", "5")]);
    assert_eq!(r("!port.int", &v), Resolved::Known(Value::Int(32148)));
    assert_eq!(r("32148.int", &v), Resolved::Known(Value::Int(32148)));
    assert_eq!(r("node.name", &v), s("node"));
    assert_eq!(r(".int", &v), s(".int"));
    assert_eq!(r(".bool", &v), s(".bool"));
    // `!x.int.str` = str of `!x.int`, which is the path `<x>.int`.
    assert_eq!(r("!x.int.str", &v), s("5.int"));
    assert_eq!(r("!hostname", &Vars::of(&[("hostname", "h")])), s("h"));
}

#[test]
fn s3_1_slices() {
    let v = Vars::of(&[("ab", "hello"), ("abc", "hello"), ("a", "hello")]);
    assert_eq!(r("!ab[0:0]", &v), s("hello"));
    assert_eq!(r("!ab[1:3]", &v), s("el"));
    assert_eq!(r("!abc[:2]", &v), s("he"));
    assert_eq!(r("!abc[2:]", &v), s("llo"));
    assert_eq!(r("!abc[-3:-1]", &v), s("ll"));
    assert_eq!(r("!a[1:3]", &v), s(""));
    assert_eq!(r("!abc[x:2]", &v), s("hello"));
}

#[test]
fn s3_1_double_bang_keeps_one() {
    let v = Vars::of(&[("name", "n")]);
    assert_eq!(r("!!name", &v), s("!name"));
    assert_eq!(r("!!nope", &v), s("!nope"));
}

#[test]
fn s3_1_env_then_path_then_reresolve() {
    let v = Vars::of(&[
        ("$HOME", "/home/u"),
        ("$REF", "!secret"),
        ("secret", "s3"),
        ("$CAST", "!p.int"),
        ("p", "7"),
    ]);
    assert_eq!(r("$HOME", &v), s("/home/u"));
    assert_eq!(r("$HOME/x", &v), s("/home/u/x"));
    assert_eq!(r("$REF", &v), s("s3"));
    assert_eq!(r("$CAST", &v), Resolved::Known(Value::Int(7)));
    assert_eq!(r("$UNSET", &v), s(""));
}

#[test]
fn s3_1_escaped_quoted_reference() {
    let v = Vars::of(&[("name", "n v")]);
    assert_eq!(r(r#"\"!name\""#, &v), s("\"n v\""));
    assert_eq!(r(r#"\"!nope\""#, &v), s("\"\""));
    assert_eq!(r(r#"\"abc\""#, &v), s(r#"\"abc\""#));
}

#[test]
fn s3_3_path_references() {
    let v = Vars::of(&[
        ("local_scripts", "/app/s"),
        ("hostname", "host"),
        ("$DNS_DOMAIN", "example.com"),
        ("x", "X"),
    ]);
    assert_eq!(
        r("!local_scripts/policies/x.al", &v),
        s("/app/s/policies/x.al")
    );
    assert_eq!(r("!hostname.$DNS_DOMAIN", &v), s("host.example.com"));
    assert_eq!(r("!x.y", &v), s("X.y"));
    assert_eq!(r("!local_scripts\\a.al", &v), s("/app/s/a.al"));
}

#[test]
fn s3_3_undefined_piece_empties_path() {
    let v = Vars::of(&[("ip", "1.2.3.4"), ("port", "1")]);
    assert_eq!(r("!nope/x", &v), s(""));
    assert_eq!(r("!ip:!port", &v), s(""));
}

#[test]
fn s3_4_undefined_cast_results() {
    let v = Vars::of(&[("bad", "abc"), ("f", "12.5")]);
    assert_eq!(r("!bad.int", &v), s(""));
    assert_eq!(r("!f.int", &v), s(""));
    assert_eq!(r("!nope.bool", &v), Resolved::Known(Value::Bool(false)));
    assert_eq!(r("!nope.len", &v), Resolved::Known(Value::Int(0)));
}

#[test]
fn at_boot_results_and_decided_anyway() {
    let v = Vars::of(&[
        ("ip", "@boot"),
        ("hostname", "@boot"),
        ("$DNS_DOMAIN", "d.com"),
    ]);
    assert_eq!(r("!ip", &v), boot(&["!ip"]));
    assert_eq!(r("!ip.int", &v), boot(&["!ip"]));
    assert_eq!(r("!hostname.$DNS_DOMAIN", &v), boot(&["!hostname"]));
    // Another piece undefined: `""` whatever the node knows.
    assert_eq!(r("!hostname.$NOPE", &v), s(""));
    assert_eq!(
        r("!hostname.$NOPE.bool", &v),
        Resolved::Known(Value::Bool(false))
    );
    let e = Vars::of(&[("$HOST_IP", "@boot")]);
    assert_eq!(r("$HOST_IP", &e), boot(&["$HOST_IP"]));
}

#[test]
fn references_listed() {
    let refs = references_in("!hostname.$DNS_DOMAIN.str");
    let names: Vec<_> = refs
        .iter()
        .map(|r| (r.sigil, r.name.as_str(), r.range.clone()))
        .collect();
    assert_eq!(
        names,
        [
            (Sigil::Param, "hostname", 0..9),
            (Sigil::Env, "DNS_DOMAIN", 10..21)
        ]
    );
    assert_eq!(refs[0].cast, Some(Cast::Str));
    let one = references_in("!port.int");
    assert_eq!(
        (one[0].name.as_str(), one[0].range.clone(), one[0].cast),
        ("port", 0..5, Some(Cast::Int))
    );
    assert_eq!(references_in("!!name")[0].name, "!name");
    assert_eq!(references_in("!license[1:5]")[0].name, "license");
    assert_eq!(references_in(r#"\"!name\""#)[0].range, 2..7);
    assert!(references_in("literal").is_empty());
    assert_eq!(references_in("!local_scripts/x.al").len(), 1);
}

#[test]
fn only_a_word_starting_with_a_sigil_holds_references() {
    // The resolver reads a reference from the word's start (its key is a prefix of the
    // word): a sigil further in is text. `each_reference` skips such words unparsed.
    for text in [
        "a!b",
        "x$Y",
        "é!a",
        "a.!b.int",
        "[!a]",
        "'!a'",
        "(!a)",
        "\\!a",
        "a/$B",
        "1!=2",
        "x[!a:1]",
        "\\\"a!\\\"",
    ] {
        assert!(references_in(text).is_empty(), "{text:?}");
        let mut any = false;
        each_reference(text, |_| any = true);
        assert!(!any, "{text:?}");
    }
    for text in [
        "!a",
        "$A",
        "!a.$B",
        "!!a",
        "\\\"!a\\\"",
        "!a.int",
        "$A[1:2]",
    ] {
        assert!(!references_in(text).is_empty(), "{text:?}");
    }
}

#[test]
fn path_pieces_cut_before_every_separator_but_the_first_byte() {
    // The cuts by characters, as first written.
    let by_chars = |key: &str| {
        let mut cuts: Vec<usize> = key
            .char_indices()
            .filter(|(i, c)| *i > 0 && matches!(c, '!' | '$' | '.' | '/' | '\\'))
            .map(|(i, _)| i)
            .collect();
        cuts.push(key.len());
        let mut start = 0;
        cuts.into_iter()
            .map(|end| {
                let r = start..end;
                start = end;
                r
            })
            .collect::<Vec<_>>()
    };
    for key in [
        "",
        "!",
        "!a",
        "!!a",
        "a..b",
        "!local_scripts/x.al",
        "!h.$D\\é/!",
        "é!x",
        "!x/",
    ] {
        assert_eq!(
            path_pieces(key).collect::<Vec<_>>(),
            by_chars(key),
            "{key:?}"
        );
    }
}
