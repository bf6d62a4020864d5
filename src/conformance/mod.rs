//! The conformance suite: every case of `tests/conformance/*.jsonl`, recorded from EdgeLake's
//! own Python interpreter by `tools/conformance/record.py`, replayed against elpc.
//!
//! A case agrees when elpc gives the runtime's answer. Where the recorder found that the answer
//! depends on something only the node knows (`boot` in the case), elpc must say "decided at
//! boot" there. The only other excuse is an entry of `known-differences.json`, which names the
//! cases, the runtime's behaviour and why elpc differs on purpose; an entry whose cases agree
//! again fails the suite, so the list cannot go stale.

use std::collections::BTreeMap;

use serde_json::Value as Json;

mod assignment;
mod condition;
mod config_policy;
mod policy;
mod reference;
pub(crate) mod set_params;
mod tokenizer;
mod vars;

/// The categories, in table order.
const CATEGORIES: [&str; 7] = [
    "reference",
    "tokenizer",
    "condition",
    "assignment",
    "policy",
    "config_policy",
    "set_params",
];

/// One recorded case.
pub(crate) struct Case {
    pub id: String,
    pub input: Json,
    pub expect: Json,
    boot: BTreeMap<String, Vec<String>>,
}

impl Case {
    /// Why the answer at `path` (or anything under it) is decided at boot, if it is.
    pub fn boot_under(&self, path: &str) -> Option<String> {
        let reasons: Vec<&str> = self
            .boot
            .iter()
            .filter(|(p, _)| {
                p.as_str() == path
                    || p.starts_with(&format!("{path}."))
                    || path.starts_with(&format!("{p}."))
            })
            .flat_map(|(_, r)| r.iter().map(String::as_str))
            .collect();
        (!reasons.is_empty()).then(|| reasons.join("; "))
    }

    /// Why the answer exactly at `path` is decided at boot, if it is.
    pub fn boot_under_exact(&self, path: &str) -> Option<String> {
        self.boot.get(path).map(|r| r.join("; "))
    }

    /// The input field as a string (empty when absent).
    pub fn str(&self, field: &str) -> &str {
        self.input[field].as_str().unwrap_or("")
    }
}

/// What replaying a case found.
pub(crate) type Verdict = Result<(), String>;

/// The directory of the recordings.
fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance")
}

/// The header and cases of one category's recording.
pub(crate) fn load(category: &str) -> (Json, Vec<Case>) {
    let path = dir().join(format!("{category}.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (re-record: see tests/conformance/README.md)",
            path.display()
        )
    });
    let mut lines = text.lines();
    let header: Json = serde_json::from_str(lines.next().unwrap_or("{}")).expect("header line");
    let cases = lines
        .map(|l| {
            let mut v: Json = serde_json::from_str(l).expect("a case line");
            let boot = v
                .get("boot")
                .and_then(Json::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, r)| {
                            let reasons = r
                                .as_array()
                                .map(|a| {
                                    a.iter()
                                        .filter_map(|x| x.as_str().map(String::from))
                                        .collect()
                                })
                                .unwrap_or_default();
                            (k.clone(), reasons)
                        })
                        .collect()
                })
                .unwrap_or_default();
            Case {
                id: v["id"].as_str().unwrap_or_default().to_string(),
                input: v["input"].take(),
                expect: v["expect"].take(),
                boot,
            }
        })
        .collect();
    (header["conformance"].clone(), cases)
}

/// One entry of `known-differences.json`.
struct KnownDifference {
    cases: Vec<String>,
    runtime: String,
}

fn known_differences() -> Vec<KnownDifference> {
    let path = dir().join("known-differences.json");
    let text = std::fs::read_to_string(&path).expect("tests/conformance/known-differences.json");
    let list: Json = serde_json::from_str(&text).expect("known-differences.json is JSON");
    list.as_array()
        .expect("known-differences.json is a list")
        .iter()
        .map(|e| {
            for field in ["runtime", "elpc", "why"] {
                assert!(
                    e[field].as_str().is_some_and(|s| !s.is_empty()),
                    "every known difference says `{field}`: {e}"
                );
            }
            KnownDifference {
                cases: e["cases"]
                    .as_array()
                    .expect("`cases` lists case ids")
                    .iter()
                    .filter_map(|c| c.as_str().map(String::from))
                    .collect(),
                runtime: e["runtime"].as_str().unwrap_or_default().to_string(),
            }
        })
        .collect()
}

fn replay(category: &str, case: &Case) -> Verdict {
    match category {
        "reference" => reference::replay(case),
        "tokenizer" => tokenizer::replay(case),
        "condition" => condition::replay(case),
        "assignment" => assignment::replay(case),
        "policy" => policy::replay(case),
        "config_policy" => config_policy::replay(case),
        "set_params" => set_params::replay(case, &set_params::builtin_profile),
        _ => Err(format!("unknown category {category}")),
    }
}

/// Cases, agreed, known differences, and the disagreements of one category.
#[derive(Default)]
struct Tally {
    cases: usize,
    agreed: usize,
    known: usize,
    boot: usize,
    failures: Vec<(String, String)>,
}

/// Replays every recorded case, prints the agreement table and fails on any disagreement that
/// is not a known difference (CI runs it with `--nocapture`, so the table is in its log).
#[test]
fn conformance_suite() {
    let known = known_differences();
    let mut listed: BTreeMap<&str, &KnownDifference> = BTreeMap::new();
    for k in &known {
        for id in &k.cases {
            listed.insert(id.as_str(), k);
        }
    }
    let mut tallies: Vec<(&str, Tally, Json)> = Vec::new();
    let mut stale = Vec::new();
    for category in CATEGORIES {
        let (header, cases) = load(category);
        let mut t = Tally::default();
        for case in &cases {
            t.cases += 1;
            if !case.boot.is_empty() {
                t.boot += 1;
            }
            match (replay(category, case), listed.get(case.id.as_str())) {
                (Ok(()), None) => t.agreed += 1,
                (Ok(()), Some(k)) => stale.push(format!("{} agrees now ({})", case.id, k.runtime)),
                (Err(_), Some(_)) => t.known += 1,
                (Err(why), None) => t.failures.push((case.id.clone(), why)),
            }
        }
        tallies.push((category, t, header));
    }
    print_table(&tallies);
    // Every disagreement, one per line, for whoever is fixing them.
    if let Ok(path) = std::env::var("CONFORMANCE_DUMP") {
        let all: String = tallies
            .iter()
            .flat_map(|(c, t, _)| {
                t.failures
                    .iter()
                    .map(move |(id, why)| format!("{c}\t{id}\t{why}\n"))
            })
            .collect();
        std::fs::write(path, all).expect("CONFORMANCE_DUMP is writable");
    }
    let total: usize = tallies.iter().map(|(_, t, _)| t.cases).sum();
    let mut report = String::new();
    for (category, t, _) in &tallies {
        for (id, why) in t.failures.iter().take(12) {
            report.push_str(&format!("  {category} {id}: {why}\n"));
        }
        if t.failures.len() > 12 {
            report.push_str(&format!(
                "  {category}: … and {} more\n",
                t.failures.len() - 12
            ));
        }
    }
    assert!(
        total >= 10_000,
        "the suite holds {total} cases; it must hold at least 10,000"
    );
    assert!(
        stale.is_empty(),
        "known differences that agree now (remove them):\n{}",
        stale.join("\n")
    );
    assert!(
        report.is_empty(),
        "elpc disagrees with the recorded runtime:\n{report}"
    );
}

fn print_table(tallies: &[(&str, Tally, Json)]) {
    let header = &tallies[0].2;
    println!(
        "\nconformance against EdgeLake {} and deployment-scripts {}",
        short(&header["edgelake"]["commit"]),
        short(&header["deployment_scripts"]["commit"])
    );
    println!(
        "{:<15} {:>7} {:>7} {:>6} {:>10} {:>9}",
        "category", "cases", "agreed", "known", "agreement", "at boot"
    );
    let (mut cases, mut agreed, mut known) = (0, 0, 0);
    for (category, t, _) in tallies {
        println!(
            "{:<15} {:>7} {:>7} {:>6} {:>9.2}% {:>9}",
            category,
            t.cases,
            t.agreed,
            t.known,
            percent(t.agreed, t.cases),
            t.boot
        );
        cases += t.cases;
        agreed += t.agreed;
        known += t.known;
    }
    println!(
        "{:<15} {:>7} {:>7} {:>6} {:>9.2}%",
        "total",
        cases,
        agreed,
        known,
        percent(agreed, cases)
    );
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

fn short(commit: &Json) -> String {
    commit.as_str().unwrap_or("?").chars().take(7).collect()
}

/// The second mode of `set_params` (tests/conformance/README.md): elpc interprets the real
/// `main.al` + `set_params.al` (`--scripts` on the vendored checkout of the recorded commit)
/// instead of its built-in profile, over every recorded case; it must agree on all of them.
#[test]
fn set_params_with_the_deployment_scripts() {
    let (header, cases) = load("set_params");
    assert_eq!(
        header["deployment_scripts"]["commit"].as_str(),
        Some("45b830b473a5b2a5e7bde600494973fc0c4a7cbf"),
        "tests/fixtures/deployment-scripts holds 45b830b: re-vendor it with the recording"
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            set_params::replay(case, &set_params::deployment_scripts)
                .err()
                .map(|why| format!("{}: {why}", case.id))
        })
        .collect();
    println!(
        "set_params with --scripts: {} of {} cases agree",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} disagree:\n{}",
        failures.len(),
        failures
            .iter()
            .take(12)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The runtime facts elpc keeps as data are the recorded runtime's: the command table's keys
/// (how `process_cmd` finds a command) and the EdgeLake image's environment.
#[test]
fn runtime_tables_match_the_recording() {
    let text = std::fs::read_to_string(dir().join("runtime.json")).expect("runtime.json");
    let facts: Json = serde_json::from_str(&text).expect("runtime.json is JSON");
    let keys: BTreeMap<String, usize> = facts["command_keys"]
        .as_object()
        .expect("command_keys")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0) as usize))
        .collect();
    let ours: BTreeMap<String, usize> = crate::edgelake::dispatch::COMMAND_KEYS
        .iter()
        .map(|(k, m)| (k.to_string(), *m))
        .collect();
    assert_eq!(
        ours, keys,
        "edgelake/dispatch.rs against the recorded command table"
    );
    assert_eq!(
        crate::edgelake::dispatch::MAX_COMMAND_WORDS as u64,
        facts["max_command_words"].as_u64().unwrap_or(0)
    );
    for (name, value) in crate::edgelake::node::IMAGE_ENVIRONMENT {
        assert_eq!(
            facts["image_environment"][*name].as_str(),
            Some(*value),
            "{name} in the EdgeLake image's Dockerfile"
        );
    }
}
