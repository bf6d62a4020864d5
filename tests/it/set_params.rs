//! `--scripts`: the node variables elpc derives by interpreting the real deployment scripts
//! (`tests/fixtures/deployment-scripts`, EdgeLake/deployment-scripts 45b830b) must be the ones
//! EdgeLake's own interpreter leaves after `main.al` + `set_params.al`, for every recorded env
//! layering, with the node's facts the recording fixed (IP, host name, offline network, the
//! image's directories).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use elpc::{compile, Input, LocalFiles, Mapping, NodeFacts, Options, PathMap, VarValue};

/// The real file system under the vendored checkout.
struct Disk;

impl LocalFiles for Disk {
    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }
    fn read(&self, path: &Path) -> Option<Vec<u8>> {
        std::fs::read(path).ok()
    }
}

fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/deployment-scripts")
}

/// The node as the recording fixed it (the oracle's sandbox: `runtime`, VFS directories).
fn recorded_node(runtime: &serde_json::Value) -> NodeFacts {
    let s = |k: &str| runtime.get(k).and_then(|v| v.as_str()).map(str::to_string);
    NodeFacts {
        hostname: s("hostname"),
        ip: s("ip"),
        external_ip: s("external_ip"),
        home_user: s("home_user"),
        is_vm: runtime.get("is_vm").and_then(|v| v.as_bool()),
        external_dns: Some(s("external_dns")),
        nics: runtime.get("nics").and_then(|n| n.as_object()).map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        }),
        offline: true,
        dirs: ["/app", "/app/EdgeLake", "/root", "/tmp"]
            .map(String::from)
            .to_vec(),
        closed_world: true,
    }
}

/// The case's process environment as one env file: every value single-quoted (literal in the
/// compose dialect), and the image's own variables the case does not set made empty, so the
/// scripts see exactly the recorded environment.
fn env_file(env: &serde_json::Map<String, serde_json::Value>) -> Input {
    let mut text = String::new();
    for key in [
        "EDGELAKE_PATH",
        "EDGELAKE_HOME",
        "LOCAL_SCRIPTS",
        "TEST_DIR",
    ] {
        if !env.contains_key(key) {
            text.push_str(&format!("{key}=\n"));
        }
    }
    for (k, v) in env {
        let v = v.as_str().unwrap_or("").replace('\'', "\\'");
        text.push_str(&format!("{k}='{v}'\n"));
    }
    Input::text("case.env", text)
}

/// Every variable the recording holds, with elpc's value, where they differ.
fn differences(
    expected: &serde_json::Map<String, serde_json::Value>,
    scope: &elpc::Scope,
) -> Vec<String> {
    let mut out = Vec::new();
    for (name, value) in expected {
        let want = value
            .as_str()
            .map(str::to_string)
            .unwrap_or(value.to_string());
        match scope.get(name).map(|v| &v.value) {
            Some(VarValue::Known(got)) if *got == want => {}
            got => out.push(format!("{name}: runtime {want:?}, elpc {got:?}")),
        }
    }
    for var in scope.iter() {
        if !expected.contains_key(&var.name) {
            out.push(format!("{}: runtime unset, elpc {:?}", var.name, var.value));
        }
    }
    out
}

/// Compares elpc with `--scripts` against set_params results (cases and results as JSON lines).
pub fn check_cases(cases: &str, results: &str) -> (usize, Vec<String>) {
    let mut checked = 0;
    let mut failures = Vec::new();
    for (case, result) in cases.lines().zip(results.lines()) {
        let case: serde_json::Value = serde_json::from_str(case).unwrap();
        let result: serde_json::Value = serde_json::from_str(result).unwrap();
        assert_eq!(case["id"], result["id"]);
        if case.get("entry").is_some_and(|e| e != "main") || case.get("vars").is_some() {
            continue; // not an env layering: main.al's variables given by hand
        }
        let options = Options {
            path_map: PathMap {
                mappings: vec![Mapping::parse(&format!(
                    "/app/deployment-scripts={}",
                    scripts_dir().display()
                ))
                .unwrap()],
                files: Some(Arc::new(Disk)),
            },
            scripts: Some("/app/deployment-scripts".into()),
            node: recorded_node(&result["runtime"]),
            ..Options::default()
        };
        let env = env_file(case["env"].as_object().unwrap());
        let c = compile(&Input::text("none.policy", ""), &[env], &options);
        let diff = differences(result["dictionary"].as_object().unwrap(), &c.scope);
        checked += 1;
        if !diff.is_empty() {
            failures.push(format!("{}:\n  {}", case["id"], diff.join("\n  ")));
        }
    }
    (checked, failures)
}

#[test]
#[ignore = "needs ELPC_SET_PARAMS_CASES and ELPC_SET_PARAMS_RESULTS (oracle profile cases)"]
fn scripts_agree_with_oracle_profile_cases() {
    let cases = std::fs::read_to_string(std::env::var("ELPC_SET_PARAMS_CASES").unwrap()).unwrap();
    let results =
        std::fs::read_to_string(std::env::var("ELPC_SET_PARAMS_RESULTS").unwrap()).unwrap();
    let (checked, failures) = check_cases(&cases, &results);
    eprintln!("checked {checked}");
    assert!(
        failures.is_empty(),
        "{} of {checked} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
