use super::*;

fn parse(text: &str) -> (Vec<YamlNode>, Vec<Diagnostic>) {
    let mut diags = Diagnostics::new();
    let docs = parse_yaml(FileId(0), text, &mut diags);
    (docs, diags.into_vec())
}

fn value(text: &str) -> YamlValue {
    let (docs, diags) = parse(&format!("k: {text}\n"));
    assert!(diags.is_empty(), "{diags:?}");
    docs[0].get("k").unwrap().value.clone()
}

#[test]
fn plain_scalars_are_typed_like_go_yaml_v2() {
    assert_eq!(value("32148"), YamlValue::Int(32148));
    assert_eq!(value("0777"), YamlValue::Int(0o777));
    assert_eq!(value("0x1F"), YamlValue::Int(31));
    assert_eq!(value("1_000"), YamlValue::Int(1000));
    assert_eq!(value("-5"), YamlValue::Int(-5));
    assert_eq!(value("1.5"), YamlValue::Float(1.5));
    assert_eq!(value("1e3"), YamlValue::Float(1000.0));
    assert_eq!(value("yes"), YamlValue::Bool(true));
    assert_eq!(value("Off"), YamlValue::Bool(false));
    assert_eq!(value("false"), YamlValue::Bool(false));
    assert_eq!(value("~"), YamlValue::Null);
    assert_eq!(value(""), YamlValue::Null);
    assert_eq!(
        value("\"32148\""),
        YamlValue::Str {
            text: "32148".into(),
            plain: false
        }
    );
    assert_eq!(
        value("30 second"),
        YamlValue::Str {
            text: "30 second".into(),
            plain: true
        }
    );
    assert_eq!(
        value("127.0.0.1:32048"),
        YamlValue::Str {
            text: "127.0.0.1:32048".into(),
            plain: true
        }
    );
}

#[test]
fn spans_point_at_keys_and_values_quotes_excluded() {
    let text = "a:\n  b: \"x y\"\n  c: 7 # note\n";
    let (docs, _) = parse(text);
    let b = docs[0].path("a").unwrap().entry("b").unwrap();
    assert_eq!(&text[b.key_span.range()], "b");
    assert_eq!(&text[b.value.span.range()], "x y");
    let c = docs[0].path("a.c").unwrap();
    assert_eq!(&text[c.span.range()], "7");
}

#[test]
fn spans_are_bytes_after_non_ascii_text() {
    let text = "name: \"Zürich ünd\"\nport: 32148\n";
    let (docs, _) = parse(text);
    let port = docs[0].get("port").unwrap();
    assert_eq!(&text[port.span.range()], "32148");
}

#[test]
fn documents_aliases_and_merge_keys() {
    // `y` would be the boolean `true` as a key (YAML 1.1), so the keys are `x` and `z`.
    let text = "base: &b {x: 1, z: 2}\nderived:\n  <<: *b\n  z: 3\n---\nsecond: true\n";
    let (docs, diags) = parse(text);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].path("derived.x").unwrap().value, YamlValue::Int(1));
    assert_eq!(docs[0].path("derived.z").unwrap().value, YamlValue::Int(3));
    assert_eq!(docs[1].get("second").unwrap().value, YamlValue::Bool(true));
}

#[test]
fn later_duplicate_keys_win() {
    let (docs, _) = parse("a: 1\na: 2\n");
    assert_eq!(docs[0].entries().len(), 1);
    assert_eq!(docs[0].get("a").unwrap().value, YamlValue::Int(2));
}

#[test]
fn syntax_errors_are_one_diagnostic_and_keep_earlier_documents() {
    let (docs, diags) = parse("a: 1\n---\nb: [1, 2\n");
    assert_eq!(docs.len(), 1);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].rule.code, "EL601");
}

#[test]
fn alias_bombs_stop_at_the_node_bound() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = format!("*a{}", i - 1);
        let items = [prev.as_str(); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    let started = std::time::Instant::now();
    let (_, diags) = parse(&text);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0].message.contains("YAML nodes"),
        "{}",
        diags[0].message
    );
    assert!(started.elapsed().as_secs() < 10);
}

#[test]
fn deep_nesting_is_refused() {
    let text = "a:\n".to_string()
        + &(1..150)
            .map(|i| format!("{}a:\n", "  ".repeat(i)))
            .collect::<String>();
    let (_, diags) = parse(&text);
    assert_eq!(diags.len(), 1);
    assert!(diags[0].message.contains("deeper"), "{}", diags[0].message);
    let (_, diags) = parse(&"[".repeat(10_000));
    assert_eq!(diags.len(), 1);
}
