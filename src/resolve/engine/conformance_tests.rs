//! Every control-flow case of `tests/conformance/scripts/` replayed against what EdgeLake's own
//! interpreter did with it (`tests/conformance/scripts.jsonl`, recorded by
//! `tools/conformance/record_scripts.py`): the code `process` returns, every variable
//! afterwards, the environment, and each script line run with the code it returned.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Engine, NodeFacts, State};
use crate::compile::Options;
use crate::diagnostic::Diagnostics;
use crate::path_map::{LocalFiles, Mapping, PathMap};
use crate::resolve::env_layers::EnvLayers;
use crate::resolve::scope::{Provenance, Scope, VarValue};
use crate::resolve::value::{Lookup, Variables};
use crate::source::SourceMap;

/// The case's `.al` files, under `/mem`.
struct Mem(HashMap<PathBuf, Vec<u8>>);

impl LocalFiles for Mem {
    fn is_file(&self, path: &Path) -> bool {
        self.0.contains_key(path)
    }
    fn is_dir(&self, path: &Path) -> bool {
        path == Path::new("/mem")
    }
    fn read(&self, path: &Path) -> Option<Vec<u8>> {
        self.0.get(path).cloned()
    }
}

fn pairs(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

struct Replay {
    outcomes: Vec<i32>,
    scope: Scope,
    trace: Vec<(String, String, i32)>,
    codes: Vec<&'static str>,
}

fn replay(dir: &Path) -> Replay {
    let mut files = HashMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "al") {
            let name = path.file_name().unwrap();
            files.insert(Path::new("/mem").join(name), std::fs::read(&path).unwrap());
        }
    }
    let options = Options {
        path_map: PathMap {
            mappings: vec![Mapping::parse("/s=/mem").unwrap()],
            files: Some(Arc::new(Mem(files))),
        },
        node: NodeFacts {
            hostname: Some("edge-node".into()),
            offline: true,
            closed_world: true,
            ..NodeFacts::default()
        },
        ..Options::default()
    };
    let mut env = EnvLayers::new();
    for (k, v) in pairs(&dir.join("env")) {
        env.set_base(&k, &v, "the recorded environment");
    }
    let mut scope = Scope::bare(env, true);
    for (k, v) in pairs(&dir.join("vars")) {
        scope.define(&k, VarValue::Known(v), Provenance::CommandLine);
    }
    let (mut sources, mut diags) = (SourceMap::new(), Diagnostics::new());
    let mut eng = Engine::new(&options, &mut sources, &mut diags);
    eng.trace = Some(Vec::new());
    let ends = eng.run_path("/s/main.al", State::new(scope));
    let trace = eng
        .trace
        .take()
        .unwrap_or_default()
        .iter()
        .map(|(f, text, c)| {
            let name = eng
                .sources
                .get(*f)
                .name()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            (name, text.clone(), *c)
        })
        .collect();
    let codes = diags.iter().map(|d| d.rule.code).collect();
    let outcomes = ends.iter().map(|(r, _)| r.code).collect();
    let scope = ends.into_iter().next().map(|(_, s)| s.scope).unwrap();
    Replay {
        outcomes,
        scope,
        trace,
        codes,
    }
}

#[test]
fn every_recorded_control_flow_case_replays_exactly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let recorded = std::fs::read_to_string(root.join("scripts.jsonl")).unwrap();
    let mut failures = Vec::new();
    let mut cases = 0;
    for line in recorded.lines() {
        let rec: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = rec["id"].as_str().unwrap();
        let got = replay(&root.join("scripts").join(id));
        cases += 1;
        let mut diff = Vec::new();
        if let Some(exception) = rec.get("exception").and_then(|e| e.as_str()) {
            // The node's interpreter raises (endless `process` recursion): elpc must say it
            // stops following, or that the recursion never ends.
            if !got.codes.iter().any(|c| *c == "EL506" || *c == "EL508") {
                diff.push(format!(
                    "runtime raises {exception}; elpc reports {:?}",
                    got.codes
                ));
            }
            if !diff.is_empty() {
                failures.push(format!("{id}: {}", diff.join("; ")));
            }
            continue;
        }
        let want_code = rec["ret_val"].as_i64().unwrap() as i32;
        if got.outcomes != [want_code] {
            diff.push(format!("returns {want_code}, elpc {:?}", got.outcomes));
        }
        let dict = rec["dictionary"].as_object().unwrap();
        for (name, value) in dict {
            let want = value.as_str().unwrap();
            match got.scope.get(name).map(|v| &v.value) {
                Some(VarValue::Known(v)) if v == want => {}
                other => diff.push(format!("{name}: runtime {want:?}, elpc {other:?}")),
            }
        }
        for var in got.scope.iter() {
            if !dict.contains_key(&var.name) {
                diff.push(format!("{}: runtime unset, elpc {:?}", var.name, var.value));
            }
        }
        for (name, value) in rec["env"].as_object().unwrap() {
            let want = value.as_str().unwrap();
            if got.scope.env(name) != Lookup::Defined(want.into()) {
                diff.push(format!(
                    "${name}: runtime {want:?}, elpc {:?}",
                    got.scope.env(name)
                ));
            }
        }
        let want_trace: Vec<(String, String, i32)> = rec["trace"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t[1] == 0)
            .map(|t| {
                (
                    t[0].as_str().unwrap().to_string(),
                    t[2].as_str().unwrap().to_string(),
                    t[3].as_i64().unwrap() as i32,
                )
            })
            .collect();
        if got.trace != want_trace {
            diff.push(format!(
                "lines run:\n    runtime {want_trace:?}\n    elpc    {:?}",
                got.trace
            ));
        }
        if !diff.is_empty() {
            failures.push(format!("{id}:\n  {}", diff.join("\n  ")));
        }
    }
    assert!(cases >= 30, "only {cases} cases recorded");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
