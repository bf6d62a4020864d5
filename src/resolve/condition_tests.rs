use super::*;
use crate::resolve::test_vars::Vars;

fn parse(line: &str) -> IfLine<'static> {
    // The parse borrows the words: a test's few words live to its end.
    let t = Box::leak(Box::new(tokenize(line).expect("tokenize")));
    parse_if(&t.words).unwrap_or_else(|e| panic!("{line}: {}", e.message))
}
fn eval(line: &str, vars: &Vars) -> Truth {
    evaluate(&parse(line).condition, vars)
}
fn is_err(t: Truth) -> bool {
    matches!(t, Truth::RuntimeError { .. })
}

#[test]
fn s4_2_then_splits_and_rejoins() {
    let l = parse(r#"if !x then print "a b" 'c d' (e f)"#);
    assert_eq!(l.then, Some(3..7));
    assert_eq!(
        l.then_text().as_deref(),
        Some(r#"print "a b" "'c d'" (e f)"#)
    );
    let bare = parse("if !x then");
    assert_eq!((bare.then, bare.then_word), (None, Some(2)));
    assert!(!parse("if !x").condition.has_then);
}

#[test]
fn s4_2_parse_errors() {
    for (line, bad) in [
        ("if !a = b then x", "="),
        ("if (!a) !b then x", "!b"),
        ("if !a includes b then x", "includes"),
        ("if !a is declared then x", "is"),
        ("if !a not declared then x", "not"),
    ] {
        let t = tokenize(line).unwrap();
        let e = parse_if(&t.words).expect_err(line);
        assert_eq!(
            &line[e.range.start..e.range.start + bad.len()],
            bad,
            "{line}"
        );
        assert!(!e.message.contains("Rule"), "{}", e.message);
    }
}

#[test]
fn s4_3_numbers_typed_in_line_are_strings() {
    let v = Vars::of(&[
        ("ten", "10"),
        ("nine", "9"),
        ("good", "7"),
        ("bad", "abc"),
        ("z", "05"),
        ("n", "7"),
        ("f", "true"),
    ]);
    assert_eq!(eval("if !ten > !nine then x", &v), Truth::False);
    assert_eq!(eval("if !ten.int > 9 then x", &v), Truth::True);
    assert_eq!(eval("if !good.str > 10 then x", &v), Truth::True);
    assert_eq!(eval("if !bad.int < 1 then x", &v), Truth::True);
    assert!(is_err(eval("if !bad.int < !good.int then x", &v)));
    assert_eq!(eval("if !z.int == 5 then x", &v), Truth::True);
    assert!(is_err(eval("if !n.int == 7.0 then x", &v)));
    assert!(is_err(eval("if !f.bool == False then x", &v)));
    assert_eq!(eval("if !f.bool == true then x", &v), Truth::True);
    assert_eq!(eval("if !x == \"\" then y", &v), Truth::True);
    assert_eq!(eval("if !f == TRUE then x", &v), Truth::True);
}

#[test]
fn s4_3_truthiness_and_not() {
    let v = Vars::of(&[("f", "false"), ("zero", "0")]);
    assert_eq!(eval("if !f then x", &v), Truth::True);
    assert_eq!(eval("if !zero then x", &v), Truth::True);
    assert_eq!(eval("if !undef then x", &v), Truth::False);
    assert_eq!(eval("if not !undef then x", &v), Truth::True);
    assert_eq!(eval("if !f.bool then x", &v), Truth::False);
    assert_eq!(eval("if !zero.int then x", &v), Truth::False);
}

#[test]
fn s4_3_string_operators() {
    let v = Vars::of(&[("p", "Root/a/"), ("s", "Hello World")]);
    assert_eq!(eval("if !s contains WORLD then x", &v), Truth::True);
    assert_eq!(eval("if !s startswith 'hello w' then x", &v), Truth::True);
    assert_eq!(eval("if !s endswith ld then x", &v), Truth::True);
    assert_eq!(eval("if !p childfrom Root/ then x", &v), Truth::True);
    assert_eq!(eval("if Root/a/b childfrom Root/ then x", &v), Truth::False);
    assert_eq!(eval("if Root/ childfrom Root/ then x", &v), Truth::False);
    assert_eq!(eval("if !s != 'hello world' then x", &v), Truth::False);
}

#[test]
fn s4_4_and_or_right_associative() {
    let v = Vars::of(&[("t", "1")]);
    // A and B or C = A and (B or C)
    assert_eq!(eval("if !u and !u or !t then x", &v), Truth::False);
    // A or B and C = A or (B and C)
    assert_eq!(eval("if !t or !u and !u then x", &v), Truth::True);
    assert_eq!(eval("if !u or !t and !t then x", &v), Truth::True);
    assert!(operators_mixed(
        &parse("if !a and !b or !c then x").condition
    ));
    assert!(!operators_mixed(
        &parse("if !a and !b and !c then x").condition
    ));
}

#[test]
fn s4_4_parenthesised_scan_stops_at_first_decisive_group() {
    let v = Vars::of(&[("t", "1")]);
    // (A) and (B) or (C) = A and B
    assert_eq!(eval("if (!t) and (!u) or (!t) then x", &v), Truth::False);
    // (A) or (B) and (C) = A or B
    assert_eq!(eval("if (!u) or (!t) and (!u) then x", &v), Truth::True);
    assert_eq!(
        eval("if (!t == 1) and (!u == \"\") then x", &v),
        Truth::True
    );
    assert!(parse("if (!t) and !u then x").condition.parenthesised);
}

#[test]
fn s4_2_not_paren_and_nested_are_literal() {
    let v = Vars::of(&[("t", "1")]);
    assert_eq!(eval("if not (!u) then x", &v), Truth::False);
    // Inner `(!u)` is the literal string "(!u)": truthy.
    assert_eq!(eval("if ((!u)) then x", &v), Truth::True);
}

#[test]
fn s4_3_malformed_groups_fail_at_runtime() {
    let v = Vars::default();
    assert!(is_err(eval("if a == b c d then x", &v)));
    // LINT-17: without `then` the command words join the condition.
    assert!(is_err(eval("if !x != true goto y", &v)));
    assert!(is_err(eval("if then x", &v)));
    assert!(is_err(eval("if (a) and then x", &v)));
}

#[test]
fn three_valued_short_circuit() {
    let v = Vars::of(&[("ip", "@boot"), ("port", "@boot"), ("t", "1")]);
    assert_eq!(eval("if !u and !ip then x", &v), Truth::False);
    assert_eq!(eval("if !t or !ip then x", &v), Truth::True);
    assert_eq!(eval("if !ip or !t then x", &v), Truth::True);
    assert_eq!(eval("if !ip and !u then x", &v), Truth::False);
    assert_eq!(
        eval("if !ip and !port.int > 1 then x", &v),
        Truth::AtBoot {
            depends_on: vec!["!ip".into(), "!port".into()]
        }
    );
    assert_eq!(eval("if (!u) and (!ip) then x", &v), Truth::False);
    assert_eq!(eval("if (!t) or (!ip) then x", &v), Truth::True);
    assert_eq!(
        eval("if (!ip) then x", &v),
        Truth::AtBoot {
            depends_on: vec!["!ip".into()]
        }
    );
}

#[test]
fn long_conditions_do_not_recurse() {
    let v = Vars::of(&[("t", "1")]);
    let line = format!("if {} !t then x", "(!t) and ".repeat(20_000));
    let t = tokenize(&line).unwrap();
    let cond = parse_if(&t.words).unwrap().condition;
    assert_eq!(evaluate(&cond, &v), Truth::True);
    let line = format!("if {} !u then x", "!t and ".repeat(20_000));
    assert_eq!(eval(&line, &v), Truth::False);
}
