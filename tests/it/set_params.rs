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

/// The conformance suite's format (`tests/conformance/set_params.jsonl`): `input.env`,
/// `input.node` (IP and host name), `expect` (`ret_val`, `dictionary`), `boot` (answers that
/// only the node decides, with why).
pub fn check_suite(recorded: &str) -> (usize, Vec<String>) {
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in recorded.lines().skip(1) {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let node = &case["input"]["node"];
        let s = |k: &str| node.get(k).and_then(|v| v.as_str()).map(str::to_string);
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
            node: NodeFacts {
                hostname: s("hostname"),
                ip: s("ip"),
                dirs: ["/app", "/app/EdgeLake", "/root", "/tmp"]
                    .map(String::from)
                    .to_vec(),
                closed_world: true,
                ..NodeFacts::default()
            },
            ..Options::default()
        };
        let mut text = String::new();
        for (k, v) in case["input"]["env"].as_object().unwrap() {
            let v = v.as_str().unwrap_or("");
            if v.contains('\'') {
                let e = v
                    .replace('\\', "\\\\")
                    .replace('"', "\\\"")
                    .replace('$', "$$");
                text.push_str(&format!("{k}=\"{e}\"\n"));
            } else {
                text.push_str(&format!("{k}='{v}'\n"));
            }
        }
        let c = compile(
            &Input::text("none.policy", "{'config': {'name': 'x'}}"),
            &[Input::text("recorded.env", text)],
            &options,
        );
        checked += 1;
        let id = case["id"].as_str().unwrap();
        let e = &case["expect"];
        if e["ret_val"] != 0 {
            let stop = c.diagnostics.iter().any(|d| {
                d.severity == elpc::Severity::Error
                    && ["EL501", "EL503", "EL105", "EL103", "EL413"].contains(&d.rule.code)
            });
            if !stop {
                failures.push(format!(
                    "{id}: the deployment stops ({}), elpc reports {:?}",
                    e["ret_val"],
                    c.diagnostics
                        .iter()
                        .map(|d| d.rule.code)
                        .collect::<Vec<_>>()
                ));
            }
            continue;
        }
        let boot = case["boot"].as_object().cloned().unwrap_or_default();
        let dict = e["dictionary"].as_object().unwrap();
        let mut names: Vec<String> = dict.keys().cloned().collect();
        names.extend(
            c.scope
                .iter()
                .map(|v| v.name.clone())
                .filter(|n| !dict.contains_key(n)),
        );
        let mut diff = Vec::new();
        for name in names {
            let got = c.scope.get(&name).map(|v| &v.value);
            let reasons: Vec<&str> = boot
                .get(&format!("dictionary.{name}"))
                .and_then(|r| r.as_array())
                .map(|r| r.iter().filter_map(|x| x.as_str()).collect())
                .unwrap_or_default();
            // With --scripts the scripts' own setup.cfg is known: not decided at boot.
            let at_boot = reasons.iter().any(|r| !r.contains("setup.cfg"));
            if at_boot {
                if !matches!(got, Some(VarValue::AtBoot(_))) {
                    diff.push(format!(
                        "{name}: decided at boot ({reasons:?}), elpc {got:?}"
                    ));
                }
                continue;
            }
            let want = dict.get(&name).and_then(|v| v.as_str());
            let same = match (want, got) {
                (None, None) => true,
                (Some(w), Some(VarValue::Known(g))) => w == g,
                _ => false,
            };
            if !same {
                diff.push(format!("{name}: runtime {want:?}, elpc {got:?}"));
            }
        }
        if !diff.is_empty() {
            failures.push(format!("{id}:\n  {}", diff.join("\n  ")));
        }
    }
    (checked, failures)
}

#[test]
#[ignore = "needs ELPC_CONFORMANCE_SET_PARAMS (the conformance suite's set_params.jsonl)"]
fn scripts_agree_with_the_conformance_suite() {
    let recorded =
        std::fs::read_to_string(std::env::var("ELPC_CONFORMANCE_SET_PARAMS").unwrap()).unwrap();
    let (checked, failures) = check_suite(&recorded);
    eprintln!("checked {checked}");
    assert!(
        failures.is_empty(),
        "{} of {checked} cases differ:\n{}",
        failures.len(),
        failures
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
