//! Time per byte stays bounded (issue 13): generated bracket, quote and interpolation nestings,
//! repeated n times in a policy value, a script line and an env value, are compiled at growing
//! n, and each doubling of the input may at most double the time, with generous slack for a
//! shared machine. The comparison is between sizes in the same run (fastest of three runs
//! each), never against a wall-clock threshold. The ladder stops at the first size that grew
//! too much, so an exponential regression fails in milliseconds instead of hanging.
//!
//! The issue's own nestings have a test here too; positions on long lines are tested where
//! they are computed (`source`, and the language server's `lsp::tests`), the interpolation
//! budget where it is kept (`resolve::env_layers`).

use std::time::{Duration, Instant};

use elpc::{compile, Compilation, Input, Options};
use proptest::prelude::*;

/// Compiles `policy` with `env`, the fastest of two runs.
fn fastest(policy: &str, env: &str) -> Duration {
    (0..2)
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
/// size plus `slack` (noise and fixed costs). The two sizes of a doubling are timed
/// alternately, three rounds, so both see the same load. Returns the first violation.
fn ladder(
    start: usize,
    end: usize,
    factor: u32,
    slack: Duration,
    input: impl Fn(usize) -> (String, String),
) -> Result<(), String> {
    let mut n = start;
    while n < end {
        let (small, large) = (input(n), input(n * 2));
        let (mut a, mut b) = (Duration::MAX, Duration::MAX);
        for _ in 0..3 {
            a = a.min(fastest(&small.0, &small.1));
            b = b.min(fastest(&large.0, &large.1));
        }
        if b > a * factor + slack {
            return Err(format!(
                "n = {n} took {a:?}, n = {} took {b:?} ({} bytes)",
                n * 2,
                large.0.len() + large.1.len()
            ));
        }
        n *= 2;
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
