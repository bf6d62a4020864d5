//! Robustness (issue #6): thousands of random and mutated real inputs thrown at `compile`.
//! Every case must return (no panic) within a time bound, and every diagnostic must point inside
//! its file, on character boundaries. Hostile sizes and self-referring variables finish with a
//! clear result. The seeds are the bundled examples and the corpus sample in `benches/corpus/`.
//!
//! The biggest hostile inputs (1,000,000 env keys, 10 MB lines) are `#[ignore]`d here
//! because a debug build needs several seconds for them; `.ci/run` runs them in release with
//! `cargo test --release --test it robustness -- --ignored`. `cargo bench` measures them too.

use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use elpc::render::sarif::{sarif, SarifInput};
use elpc::render::{github, human, json::diagnostics_json};
use elpc::{compile, Compilation, Input, Options, Span, MAX_ENV_BYTES, MAX_POLICY_BYTES};
use proptest::prelude::*;

/// A hang guard, not a speed claim: a small case normally takes milliseconds, and speed is
/// measured in `benches/` (ratios in one run). The bound only has to separate "finished" from
/// "exponential" on a loaded 2-core machine running a debug build, so it is generous.
const CASE_BOUND: Duration = Duration::from_secs(10);

fn seeds(dir: &str, ext: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut stack = vec![root.join(dir)];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == ext) {
                out.push(String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned());
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no *.{ext} seeds under {dir}");
    out
}

fn policy_seeds() -> Vec<String> {
    let mut s = seeds("policies", "policy");
    s.extend(seeds("benches/corpus/policies", "policy"));
    s
}

fn env_seeds() -> Vec<String> {
    let mut s = seeds("policies", "env");
    s.extend(seeds("benches/corpus/env", "env"));
    s
}

/// Script lines from the corpus scripts and the policies' script entries.
fn line_seeds() -> Vec<String> {
    let mut lines: Vec<String> = seeds("benches/corpus/scripts", "al")
        .iter()
        .flat_map(|s| s.lines().map(str::to_string).collect::<Vec<_>>())
        .filter(|l| !l.trim().is_empty())
        .collect();
    lines.extend(
        policy_seeds()
            .iter()
            .flat_map(|p| {
                p.lines()
                    .map(|l| l.trim().trim_end_matches(',').to_string())
            })
            .filter(|l| l.len() > 2 && (l.starts_with('"') || l.starts_with('\'')))
            .map(|l| l[1..l.len() - 1].to_string()),
    );
    lines
}

static POLICY_SEEDS: OnceLock<Vec<String>> = OnceLock::new();
static ENV_SEEDS: OnceLock<Vec<String>> = OnceLock::new();
static LINE_SEEDS: OnceLock<Vec<String>> = OnceLock::new();

fn cached(cell: &'static OnceLock<Vec<String>>, load: fn() -> Vec<String>) -> &'static [String] {
    cell.get_or_init(load)
}

/// Asserts the invariants every compilation keeps, and that rendering it never panics.
fn assert_sound(c: &Compilation) {
    let check = |span: Span, what: &str| {
        let file = c
            .sources
            .iter()
            .find(|(id, _)| *id == span.file)
            .map(|(_, f)| f)
            .unwrap_or_else(|| panic!("{what} span in unknown file {:?}", span.file));
        let text = file.text();
        assert!(
            span.start <= span.end && span.end as usize <= text.len(),
            "{what} span {span:?} outside {} ({} bytes)",
            file.name(),
            text.len()
        );
        assert!(
            text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize),
            "{what} span {span:?} splits a character in {}",
            file.name()
        );
    };
    for d in &c.diagnostics {
        check(d.primary.span, "primary");
        for l in &d.secondary {
            check(l.span, "secondary");
        }
        for s in &d.suggestions {
            check(s.span, "suggestion");
        }
        assert!(!d.message.is_empty(), "empty message for {}", d.rule.code);
    }
    // Every renderer, with output bounded however long the lines (issue 13).
    let text = human::render_all(&c.sources, &c.diagnostics, true);
    assert!(
        text.len() <= human::MAX_SHOWN * 40_000 + 1000,
        "{} bytes of human output",
        text.len()
    );
    let _ = github::annotations(&c.sources, &c.diagnostics, Some("set"));
    let _ = sarif(
        &[SarifInput {
            sources: &c.sources,
            diagnostics: &c.diagnostics,
            env_set: None,
        }],
        None,
    );
    let _ = diagnostics_json(&c.sources, &c.diagnostics);
}

fn run(policy: &[u8], envs: &[&[u8]]) -> Compilation {
    let policy = Input {
        name: "fuzz.policy".into(),
        bytes: policy.to_vec(),
    };
    let envs: Vec<Input> = envs
        .iter()
        .enumerate()
        .map(|(i, b)| Input {
            name: format!("fuzz{i}.env"),
            bytes: b.to_vec(),
        })
        .collect();
    let start = Instant::now();
    let c = compile(&policy, &envs, &Options::default());
    assert_sound(&c);
    let took = start.elapsed();
    assert!(took < CASE_BOUND, "one case took {took:?}");
    c
}

/// Characters that matter to the three grammars, plus multi-byte ones.
const ALPHABET: &[char] = &[
    '{', '}', '[', ']', '(', ')', '\'', '"', '`', '\\', ':', ',', '!', '$', '#', '=', '&', '.',
    '-', '+', '<', '>', '\n', '\r', '\t', ' ', ' ', 'a', 'x', 'Z', '_', '0', '9', 'é', '😀',
    '\u{feff}', '\u{2028}',
];

fn text_from(alphabet_picks: &[u8]) -> String {
    alphabet_picks
        .iter()
        .map(|&i| ALPHABET[i as usize % ALPHABET.len()])
        .collect()
}

/// A mutation of a seed: `(kind, position, length, alphabet pick)` applied at char positions.
type Edit = (u8, u16, u8, u8);

fn mutate(seed: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for &(kind, pos, len, pick) in edits {
        let at = if chars.is_empty() {
            0
        } else {
            pos as usize % (chars.len() + 1)
        };
        let end = (at + len as usize % 16).min(chars.len());
        let c = ALPHABET[pick as usize % ALPHABET.len()];
        match kind % 5 {
            0 => chars.insert(at, c),
            1 => {
                chars.drain(at..end);
            }
            2 => {
                let copy: Vec<char> = chars[at..end].to_vec();
                chars.splice(at..at, copy);
            }
            3 => chars.truncate(at),
            _ => {
                if at < chars.len() {
                    chars[at] = c;
                }
            }
        }
    }
    chars.into_iter().collect()
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(any::<Edit>(), 1..8)
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A small env file that makes most references known.
const ENV: &[u8] = b"NODE_TYPE=operator\nCOMPANY_NAME=New Company\nANYLOG_SERVER_PORT=32148\nANYLOG_REST_PORT=32149\nENABLE_HA=false\n";

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn random_bytes_as_policy_and_env(policy in prop::collection::vec(any::<u8>(), 0..300),
                                      env in prop::collection::vec(any::<u8>(), 0..300)) {
        run(&policy, &[&env]);
    }

    #[test]
    fn random_grammar_text_as_policy_and_env(policy in prop::collection::vec(any::<u8>(), 0..400),
                                             env in prop::collection::vec(any::<u8>(), 0..200)) {
        let policy = format!("{{'config': {{{}}}}}", text_from(&policy));
        run(policy.as_bytes(), &[text_from(&env).as_bytes(), ENV]);
    }

    #[test]
    fn mutated_corpus_policies(seed in any::<prop::sample::Index>(), edits in edits()) {
        let seeds = cached(&POLICY_SEEDS, policy_seeds);
        let policy = mutate(seed.get::<String>(seeds), &edits);
        run(policy.as_bytes(), &[ENV]);
    }

    #[test]
    fn mutated_corpus_env_files(seed in any::<prop::sample::Index>(), edits in edits()) {
        let seeds = cached(&ENV_SEEDS, env_seeds);
        let env = mutate(seed.get::<String>(seeds), &edits);
        run(b"{'config': {'port': '!anylog_server_port.int', 'rest_port': '!anylog_rest_port.int', 'script': ['if !enable_ha == true then run data distributor']}}", &[env.as_bytes(), ENV]);
    }

    #[test]
    fn mutated_script_lines(seed in any::<prop::sample::Index>(), edits in edits(), raw in any::<bool>()) {
        let seeds = cached(&LINE_SEEDS, line_seeds);
        let line = mutate(seed.get::<String>(seeds), &edits);
        // As a JSON string (any text) and, raw, pasted between quotes as people write it.
        let policy = if raw {
            format!("{{'config': {{'script': ['{line}', 'run scheduler 1']}}}}")
        } else {
            format!("{{\"config\": {{\"script\": [{}]}}}}", serde_json::Value::String(line))
        };
        run(policy.as_bytes(), &[ENV]);
    }
}

proptest! {
    // Each case is a 65 KB line: fewer cases, same invariants.
    #![proptest_config(config(200))]

    /// Lines past 65,535 columns (the column miette could not format, issue 13): a corpus
    /// policy folded onto one line behind a long value, then mutated.
    #[test]
    fn mutated_corpus_policies_on_one_long_line(seed in any::<prop::sample::Index>(),
                                                edits in edits(),
                                                pad in 65_000usize..70_000) {
        let seeds = cached(&POLICY_SEEDS, policy_seeds);
        let seed = seed.get::<String>(seeds).replace(['\n', '\r'], " ");
        let Some(open) = seed.find('{').and_then(|i| seed[i + 1..].find('{').map(|j| i + j + 2)) else {
            return Ok(());
        };
        let policy = format!("{}'pad': '{}', {}", &seed[..open], "a".repeat(pad), &seed[open..]);
        run(mutate(&policy, &edits).as_bytes(), &[ENV]);
    }
}

#[test]
fn seeds_themselves_are_sound() {
    for p in policy_seeds() {
        for e in env_seeds().iter().take(4) {
            run(p.as_bytes(), &[e.as_bytes()]);
        }
    }
}

fn first_code(c: &Compilation) -> &'static str {
    c.diagnostics.first().map_or("", |d| d.rule.code)
}

#[test]
fn hundred_megabyte_inputs_are_refused_at_once() {
    let big = vec![b'a'; 100 * 1024 * 1024];
    for (policy, env) in [(&big[..], &b""[..]), (&b"{'config': {}}"[..], &big[..])] {
        // "At once" is measured by the `hostile` bench group (refused with 53 KiB of heap); the
        // time bound here is only a hang guard (a wall-clock threshold flakes on a loaded
        // machine). What this test holds: EL004 first, the limit named, nothing of the file kept.
        let start = Instant::now();
        let c = run(policy, &[env]);
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(first_code(&c), "EL004");
        let limit = if policy.len() > MAX_POLICY_BYTES {
            16
        } else {
            MAX_ENV_BYTES >> 20
        };
        assert!(c.diagnostics[0]
            .message
            .contains(&format!("up to {limit} MiB")));
        // Nothing of the refused file is kept.
        assert!(c.sources.iter().all(|(_, f)| f.text().len() < 64));
    }
}

#[test]
fn a_finding_past_column_65535_renders() {
    // The issue's reproducer: exit 101 ("Formatting argument out of range") in miette.
    let policy = format!(
        "{{'config': {{'name': '{}', 'threads': 4}}}}",
        "a".repeat(70_000)
    );
    let c = run(policy.as_bytes(), &[ENV]);
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.rule.name == "ignored-key")
        .expect("`threads` is reported");
    let text = human::render(&c.sources, d, false);
    assert!(text.contains("--> fuzz.policy:1:70025"), "{text}");
    assert!(text.contains("'threads': 4}}"), "{text}");
    assert!(text.len() < 2000, "{text}");
}

#[test]
#[ignore = "several seconds in a debug build; .ci/run runs it with --release -- --ignored"]
fn ten_megabyte_single_line_policy() {
    let line = format!(
        "{{'config': {{'name': '{}', 'threads': 4, 'script': ['run scheduler 1']}}}}",
        "a".repeat(10 << 20)
    );
    let start = Instant::now();
    let c = compile(&Input::text("long.policy", line), &[], &Options::default());
    assert_sound(&c);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert!(c.output.is_some());
    // The finding 10 million columns in is drawn (assert_sound rendered it).
    assert!(c.diagnostics.iter().any(|d| d.rule.name == "ignored-key"));
}

#[test]
#[ignore = "several seconds in a debug build; .ci/run runs it with --release -- --ignored"]
fn ten_megabyte_single_script_line() {
    let policy = format!(
        "{{'config': {{'script': ['run scheduler {}']}}}}",
        "1".repeat(10 << 20)
    );
    let c = compile(
        &Input::text("long.policy", policy),
        &[],
        &Options::default(),
    );
    assert_sound(&c);
}

#[test]
#[ignore = "several seconds in a debug build; .ci/run runs it with --release -- --ignored"]
fn ten_megabyte_env_line() {
    let env = format!(
        "NODE_TYPE=operator\nLONG={}\nCOPY=$LONG$LONG\n",
        "b".repeat(10 << 20)
    );
    let c = run(b"{'config': {'name': '!long'}}", &[env.as_bytes()]);
    assert!(c.diagnostics.iter().any(|d| d.message.contains("1 MiB")));
}

#[test]
#[ignore = "several seconds in a debug build; .ci/run runs it with --release -- --ignored"]
fn a_million_env_keys() {
    let mut env = String::from("NODE_TYPE=operator\n");
    for i in 0..1_000_000 {
        env.push_str(&format!("KEY_{i}=value_{i}\n"));
    }
    let start = Instant::now();
    let c = compile(
        &Input::text(
            "p.policy",
            "{'config': {'script': ['run scheduler !key_999999', 'x = !kye_5']}}",
        ),
        &[Input::text("big.env", env)],
        &Options::default(),
    );
    assert_sound(&c);
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn env_variables_that_refer_to_each_other_terminate() {
    let c = run(
        b"{'config': {'name': '!a', 'script': ['echo !a !b !c']}}",
        &[b"NODE_TYPE=operator\nA=$B\nB=$A\nC=${C:-$C$C}x\nA=$A$A$A$A\n"],
    );
    let env = c.scope.env_layers();
    assert_eq!(env.get("A").map(|v| v.value.as_str()), Some(""));
    assert_eq!(env.get("B").map(|v| v.value.as_str()), Some(""));
    assert_eq!(env.get("C").map(|v| v.value.as_str()), Some("x"));
    // `$B` on the line of A is unset at that point: reported, not looped on.
    assert!(c
        .diagnostics
        .iter()
        .any(|d| d.message.contains("`B` is not set")));
}

#[test]
fn doubling_env_values_are_capped() {
    let mut env = String::from("NODE_TYPE=operator\nA=0123456789abcdef\n");
    for _ in 0..40 {
        env.push_str("A=$A$A\n");
    }
    let c = run(b"{'config': {'name': 'x'}}", &[env.as_bytes()]);
    let a = c.scope.env_layers().get("A").map_or(0, |v| v.value.len());
    assert!(a <= 1 << 20, "A grew to {a} bytes");
    assert!(c.diagnostics.iter().any(|d| d.message.contains("1 MiB")));
}

#[test]
fn script_assignments_that_refer_to_each_other_terminate() {
    let policy = br#"{'config': {'script': ['x = !y', 'y = !x', 'set z = !z', 'w = !w + !w', 'run scheduler !x !y']}}"#;
    let c = run(policy, &[ENV]);
    assert!(c.output.is_some());
}
