use super::*;
use crate::source::FileId;
use crate::syntax::env::parse_env;

fn layers(files: &[&str]) -> (EnvLayers, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut env = EnvLayers::new();
    env.set_base("EDGELAKE_PATH", "/app", "the image's Dockerfile");
    for (i, text) in files.iter().enumerate() {
        let file = parse_env(FileId(i as u32), text, &mut diags);
        env.add_file(&file, &mut diags);
    }
    (env, diags)
}

fn val<'a>(env: &'a EnvLayers, name: &str) -> &'a str {
    env.get(name).map_or("<undefined>", |v| v.value.as_str())
}

#[test]
fn later_file_overrides_earlier_and_records_chain() {
    let (env, d) = layers(&["A=1\nB=b\n", "A=2\n", "A=3\nEDGELAKE_PATH=/opt\n"]);
    assert!(d.is_empty());
    let a = env.get("A").unwrap_or_else(|| panic!());
    assert_eq!(a.value, "3");
    assert!(matches!(a.origin, EnvOrigin::File { key_span, .. } if key_span.file == FileId(2)));
    let files: Vec<_> = a
        .overrides
        .iter()
        .map(|o| match o {
            EnvOrigin::File { key_span, .. } => key_span.file.0,
            EnvOrigin::Base { .. } => 99,
        })
        .collect();
    assert_eq!(files, [0, 1]);
    let p = env.get("EDGELAKE_PATH").unwrap_or_else(|| panic!());
    assert_eq!(p.value, "/opt");
    assert_eq!(
        p.overrides,
        [EnvOrigin::Base {
            label: "the image's Dockerfile"
        }]
    );
}

#[test]
fn iteration_is_in_first_definition_order() {
    let (env, _) = layers(&["B=1\nA=1\n", "C=1\nB=2\n"]);
    let names: Vec<_> = env.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["EDGELAKE_PATH", "B", "A", "C"]);
    assert_eq!(env.len(), 4);
}

#[test]
fn interpolation_sees_earlier_lines_and_earlier_files() {
    let (env, d) = layers(&[
        "HOST=h\nURL=$HOST:1\n",
        "URL2=${URL}/x\nLATER=$NEXT\nNEXT=n\n",
    ]);
    assert_eq!(val(&env, "URL"), "h:1");
    assert_eq!(val(&env, "URL2"), "h:1/x");
    assert_eq!(val(&env, "LATER"), "");
    assert_eq!(d.len(), 1);
}

#[test]
fn unset_variable_warns_at_its_span_and_becomes_empty() {
    let text = "A=x${MISSING}y\n";
    let (env, d) = layers(&[text]);
    assert_eq!(val(&env, "A"), "xy");
    let diag = d.iter().next().unwrap_or_else(|| panic!());
    assert_eq!(diag.rule.code, ENV_UNSET_INTERPOLATION.code);
    assert_eq!(diag.severity, Severity::Warning);
    assert_eq!(&text[diag.primary.span.range()], "${MISSING}");
    assert_eq!(
        diag.help.as_deref(),
        Some("write `$$` for a literal `$`, or set MISSING earlier")
    );
}

#[test]
fn image_defaults_are_invisible_to_interpolation() {
    let (env, d) = layers(&["SCRIPTS=$EDGELAKE_PATH/scripts\n"]);
    assert_eq!(val(&env, "SCRIPTS"), "/scripts");
    let diag = d.iter().next().unwrap_or_else(|| panic!());
    assert!(diag.notes[0].contains("the image's Dockerfile"));
}

#[test]
fn single_quoted_values_are_not_interpolated() {
    let (env, d) = layers(&["A='$X'\nB=\"$$X\"\n"]);
    assert!(d.is_empty());
    assert_eq!(val(&env, "A"), "$X");
    assert_eq!(val(&env, "B"), "$X");
}

#[test]
fn braced_default_and_alternative_values() {
    let (env, d) = layers(&[
        "E=\nS=s\nA=${U:-d}${E:-d}${S:-d}\nB=${U-d}${E-d}${S-d}\nC=${U:+a}${E:+a}${S:+a}\nD=${U+a}${E+a}${S+a}\nN=${U:-${S}x}\n",
    ]);
    assert!(
        d.is_empty(),
        "{:?}",
        d.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    assert_eq!(val(&env, "A"), "dds");
    assert_eq!(val(&env, "B"), "ds");
    assert_eq!(val(&env, "C"), "a");
    assert_eq!(val(&env, "D"), "aa");
    assert_eq!(val(&env, "N"), "sx");
}

#[test]
fn required_variable_missing_is_an_error() {
    let (env, d) = layers(&["E=\nA=${U:?set U first}\nB=${E:?}\nC=${E?}\n"]);
    assert_eq!(val(&env, "A"), "");
    let m: Vec<_> = d
        .iter()
        .map(|d| (d.severity, d.message.to_string()))
        .collect();
    assert_eq!(
        m,
        [
            (
                Severity::Error,
                "`U` is required but not set: set U first".to_string()
            ),
            (Severity::Error, "`E` is required but empty".to_string()),
        ]
    );
}

#[test]
fn bare_key_keeps_earlier_value_or_stays_undefined() {
    let (env, d) = layers(&["A=1\n", "A\nB\n"]);
    assert!(d.is_empty());
    assert_eq!(val(&env, "A"), "1");
    assert!(env.get("A").is_some_and(|a| a.overrides.is_empty()));
    assert!(env.get("B").is_none());
}

#[test]
fn duplicate_key_in_one_file_last_wins() {
    let (env, _) = layers(&["ENABLE_NOSQL=false\nENABLE_NOSQL=true\n"]);
    assert_eq!(val(&env, "ENABLE_NOSQL"), "true");
    assert_eq!(env.get("ENABLE_NOSQL").map(|v| v.overrides.len()), Some(1));
}

#[test]
fn self_reference_uses_previous_value() {
    let (env, _) = layers(&["P=/a\nP=$P:/b\n"]);
    assert_eq!(val(&env, "P"), "/a:/b");
}

#[test]
fn mutual_references_terminate() {
    let (env, d) = layers(&["A=$B\nB=$A\n"]);
    assert_eq!(val(&env, "A"), "");
    assert_eq!(val(&env, "B"), "");
    assert_eq!(d.len(), 1);
}

#[test]
fn doubling_values_are_capped() {
    let mut text = String::from("A=xxxxxxxxxxxxxxxx\n");
    for _ in 0..40 {
        text.push_str("A=$A$A\n");
    }
    let (env, d) = layers(&[&text]);
    assert!(val(&env, "A").len() <= MAX_VALUE_LEN);
    assert!(d.iter().any(|d| d.rule.code == INVALID_INPUT.code));
}

#[test]
fn copies_of_big_values_share_one_budget() {
    // 16 doublings reach the 1 MiB cap; 3,000 copies of that used to need 3 GB (issue 13).
    let mut text = String::from("T0=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
    for i in 1..=16 {
        text.push_str(&format!("T{i}=$T{0}$T{0}\n", i - 1));
    }
    for j in 0..3_000 {
        text.push_str(&format!("C{j}=$T16\n"));
    }
    assert!(text.len() < 64 * 1024);
    let (env, d) = layers(&[&text]);
    let total: usize = env.iter().map(|v| v.value.len()).sum();
    assert!(
        total <= MAX_COPIED_BYTES + text.len(),
        "{total} bytes of values"
    );
    assert_eq!(val(&env, "C0").len(), MAX_VALUE_LEN);
    assert_eq!(val(&env, "C2999"), "");
    let budget: Vec<_> = d.iter().filter(|d| d.message.contains("in all")).collect();
    assert_eq!(budget.len(), 1, "one finding where the budget ran out");
}
