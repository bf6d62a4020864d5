//! Time per byte stays bounded (issue 13): generated bracket, quote and interpolation nestings,
//! repeated n times in a policy value, a script line and an env value, are compiled at growing
//! n, and each doubling of the input may at most double the time, with generous slack for a
//! shared machine. The comparison is between sizes in the same run (fastest of three runs
//! each), never against a wall-clock threshold. The ladder stops at the first size that grew
//! too much, so an exponential regression fails in milliseconds instead of hanging.
//!
//! The known hostile inputs of the issue have their own tests at larger sizes: positions on a
//! long line, the language server on the half-typed line, `--format json` with a quarter of a
//! million findings.

use std::time::{Duration, Instant};

use elpc::{compile, Compilation, Input, Options};
use proptest::prelude::*;

/// Compiles `policy` with `env`, the fastest of three runs.
fn fastest(policy: &str, env: &str) -> Duration {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            let c: Compilation = compile(
                &Input::text("p.policy", policy),
                &[Input::text("e.env", env)],
                &Options::default(),
            );
            std::hint::black_box(c.diagnostics.len());
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Doubles n from `start` to `end`: each doubling may cost at most `factor` times the previous
/// size plus `slack` (noise and fixed costs). Returns the first violation.
fn ladder(
    start: usize,
    end: usize,
    factor: u32,
    slack: Duration,
    input: impl Fn(usize) -> (String, String),
) -> Result<(), String> {
    let mut n = start;
    let (p, e) = input(n);
    let mut previous = fastest(&p, &e);
    while n < end {
        n *= 2;
        let (p, e) = input(n);
        let now = fastest(&p, &e);
        if now > previous * factor + slack {
            return Err(format!(
                "n = {} took {previous:?}, n = {n} took {now:?} ({} bytes)",
                n / 2,
                p.len() + e.len()
            ));
        }
        previous = now;
    }
    Ok(())
}

/// Where a repeated piece is put.
#[derive(Clone, Copy, Debug)]
enum Place {
    /// `{'config': {'ip': <piece * n>}}`: a policy value, junk when it does not parse.
    PolicyValue,
    /// The whole policy text.
    PolicyText,
    /// A script line: `{'config': {'script': ["<piece * n>"]}}` (quotes escaped).
    ScriptLine,
    /// `A=<piece * n>` in an env file.
    EnvValue,
    /// `A="<piece * n>"` in an env file.
    EnvQuoted,
}

fn build(place: Place, piece: &str, n: usize) -> (String, String) {
    let body = piece.repeat(n);
    let env = "NODE_TYPE=operator\n".to_string();
    match place {
        Place::PolicyValue => (format!("{{'config': {{'ip': {body}}}}}"), env),
        Place::PolicyText => (body, env),
        Place::ScriptLine => {
            let escaped = body
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            (format!("{{'config': {{'script': [\"{escaped}\"]}}}}"), env)
        }
        Place::EnvValue => ("{'config': {}}".into(), format!("{env}A={body}\n")),
        Place::EnvQuoted => {
            let quoted = body.replace('"', "");
            ("{'config': {}}".into(), format!("{env}A=\"{quoted}\"\n"))
        }
    }
}

fn piece() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "[", "]", "{", "}", "(", ")", "'", "\"", "\\", ",", ":", "${A:-", "${", "$", "!a", "#",
        " ", "\n", "x", "`", "&", "$$", "}}", "[*]",
    ]);
    prop::collection::vec(atoms, 1..6).prop_map(|v| v.concat())
}

fn place() -> impl Strategy<Value = Place> {
    prop_oneof![
        Just(Place::PolicyValue),
        Just(Place::PolicyText),
        Just(Place::ScriptLine),
        Just(Place::EnvValue),
        Just(Place::EnvQuoted),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Nestings up to 64 deep: past every depth limit, so the limits and the refusals are
    /// timed too. Exponential rules (issue 13) took seconds by n = 22.
    #[test]
    fn time_per_byte_stays_bounded_for_generated_nestings(piece in piece(), place in place()) {
        let verdict = ladder(4, 64, 6, Duration::from_millis(15), |n| build(place, &piece, n));
        prop_assert!(verdict.is_ok(), "{place:?} {piece:?}: {}", verdict.unwrap_err());
    }
}

#[test]
fn the_issue_nestings_are_linear() {
    for (place, piece) in [
        (Place::PolicyText, "["),   // `'[' * n + '}'`, after the closer below
        (Place::PolicyValue, "["),  // `{'config': {'ip': [[[...}}`
        (Place::EnvValue, "${A:-"), // `A=${A:-${A:-...x`
        (Place::EnvQuoted, "${A:-{"),
        (Place::ScriptLine, "[("),
    ] {
        let verdict = ladder(4, 64, 6, Duration::from_millis(15), |n| {
            let (mut p, e) = build(place, piece, n);
            if let Place::PolicyText = place {
                p.push('}');
            }
            (p, e)
        });
        assert!(
            verdict.is_ok(),
            "{place:?} {piece:?}: {}",
            verdict.unwrap_err()
        );
    }
}

#[test]
fn commands_on_one_long_line_cost_what_they_cost_on_separate_lines() {
    // `['run scheduler 1'] * 100000` on one line took 11.5 s against 2 s on separate lines:
    // every command's column was counted from the start of its line.
    let policy = |n: usize, sep: &str| {
        let items = vec!["'run scheduler 1'"; n].join(sep);
        format!("{{'config': {{'script': [{items}]}}}}")
    };
    let verdict = ladder(1_000, 16_000, 3, Duration::from_millis(40), |n| {
        (policy(n, ", "), String::new())
    });
    assert!(verdict.is_ok(), "one line: {}", verdict.unwrap_err());
    let one_line = fastest(&policy(16_000, ", "), "");
    let many_lines = fastest(&policy(16_000, ",\n"), "");
    assert!(
        one_line < many_lines * 3 + Duration::from_millis(40),
        "one line {one_line:?}, separate lines {many_lines:?}"
    );
}

#[test]
fn interpolation_copies_share_one_budget() {
    // 16 doublings and thousands of copies of the result asked for gigabytes (issue 13).
    let mut env = String::from("NODE_TYPE=operator\nT0=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
    for i in 1..=16 {
        env.push_str(&format!("T{i}=$T{0}$T{0}\n", i - 1));
    }
    for j in 0..3_000 {
        env.push_str(&format!("C{j}=$T16\n"));
    }
    let c = compile(
        &Input::text("p.policy", "{'config': {}}"),
        &[Input::text("e.env", env)],
        &Options::default(),
    );
    let reported = c.diagnostics.iter().filter(|d| d.rule.code == "EL004");
    assert_eq!(reported.filter(|d| d.message.contains("in all")).count(), 1);
    let held: usize = c.scope.env_layers().iter().map(|v| v.value.len()).sum();
    assert!(held <= (16 << 20) + (64 << 10), "{held} bytes of values");
}
