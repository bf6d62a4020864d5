//! Findings in deployment scripts elpc reads through `--scripts` or `--path-map` point at the
//! file on this machine in every output (human, JSON, SARIF, GitHub, the command list, the
//! `.al` listing, the language server), with the node's path kept beside it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

use crate::lsp::{pos, uri, Client};

const SCRIPTS: &str = "tests/fixtures/deployment-scripts";
const MAIN_AL: &str = "tests/fixtures/deployment-scripts/node-deployment/main.al";
const NODE_MAIN_AL: &str = "/app/deployment-scripts/node-deployment/main.al";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `elpc ARGS --scripts <the vendored checkout> <the Kubernetes sample>` run from the
/// repository root, so file names are relative as a user types them. The sample's
/// `LOCAL_SCRIPTS` is the legacy one: `main.al` stops at its line 70 (EL501).
fn elpc_on_sample(args: &[&str]) -> Output {
    let k8s = "policies/kubernetes-operator";
    Command::new(env!("CARGO_BIN_EXE_elpc"))
        .current_dir(root())
        .args(args)
        .args(["--scripts", SCRIPTS, &format!("{k8s}/policy.policy")])
        .args(["--env", &format!("{k8s}/base_configs.env")])
        .args(["--env", &format!("{k8s}/advance_configs.env")])
        .args(["--env", &format!("{k8s}/docker-makefiles.env")])
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn human_output_shows_the_local_script_and_the_node_path_in_a_note() {
    let out = elpc_on_sample(&["check", "--format", "human"]);
    assert_eq!(out.status.code(), Some(1));
    let text = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert!(text.contains(&format!("--> {MAIN_AL}:70:9")), "{text}");
    assert!(!text.contains(&format!("--> {NODE_MAIN_AL}")), "{text}");
    assert!(
        text.contains(&format!(
            "= note: the node runs this file as `{NODE_MAIN_AL}`"
        )),
        "{text}"
    );
}

#[test]
fn json_diagnostics_name_the_local_file_and_the_node_file() {
    let out = elpc_on_sample(&["check", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stop = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "EL501")
        .unwrap_or_else(|| panic!("no EL501 in {doc:#}"));
    assert_eq!(stop["file"], MAIN_AL);
    assert!(root().join(stop["file"].as_str().unwrap()).is_file());
    assert_eq!(stop["node_file"], NODE_MAIN_AL);
    assert_eq!(stop["line"], 70);
    // Only files the node has under another path carry `node_file`.
    let env_label = &stop["related"][0];
    assert!(env_label["file"]
        .as_str()
        .unwrap()
        .ends_with("advance_configs.env"));
    assert!(env_label.get("node_file").is_none(), "{stop:#}");
}

/// A relative URI reference against a `file://` base directory, as a path (percent-decoded).
fn resolve(base: &str, relative: &str) -> PathBuf {
    assert!(base.ends_with('/'), "{base}");
    let joined = format!("{base}{relative}");
    let path = joined.strip_prefix("file://").expect("a file:// base");
    let mut bytes = Vec::new();
    let mut rest = path.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' && tail.len() >= 2 {
            let hex = std::str::from_utf8(&tail[..2]).unwrap();
            bytes.push(u8::from_str_radix(hex, 16).unwrap());
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    PathBuf::from(String::from_utf8(bytes).unwrap())
}

#[test]
fn sarif_locations_resolve_under_srcroot_to_the_script_in_the_checkout() {
    let out = elpc_on_sample(&["check", "--format", "sarif"]);
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &log["runs"][0];
    let base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
        .as_str()
        .unwrap();
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "EL501")
        .unwrap_or_else(|| panic!("no EL501 in {log:#}"));
    let location = &result["locations"][0];
    let artifact = &location["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uriBaseId"], "SRCROOT");
    let file = resolve(base, artifact["uri"].as_str().unwrap());
    assert!(file.is_file(), "{} does not exist", file.display());
    assert_eq!(file, root().join(MAIN_AL));
    assert_eq!(location["properties"]["nodePath"], NODE_MAIN_AL);
    assert!(location["message"]["text"]
        .as_str()
        .unwrap()
        .contains(NODE_MAIN_AL));
    // Every location of the log names a file that exists.
    for r in run["results"].as_array().unwrap() {
        for l in r["locations"]
            .as_array()
            .unwrap()
            .iter()
            .chain(r["relatedLocations"].as_array().into_iter().flatten())
        {
            let uri = l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            let path = resolve(base, uri);
            assert!(path.is_file(), "{} does not exist", path.display());
        }
    }
}

#[test]
fn github_annotations_attach_to_an_existing_file() {
    let out = elpc_on_sample(&["check", "--format", "github"]);
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.contains("title=EL501"))
        .unwrap_or_else(|| panic!("no EL501 annotation in {text}"));
    let file = line
        .split("file=")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .unwrap();
    assert_eq!(file, MAIN_AL, "{line}");
    assert!(root().join(file).is_file());
    assert!(line.contains("line=70,col=9"), "{line}");
    assert!(line.contains(&format!(
        "note: the node runs this file as `{NODE_MAIN_AL}`"
    )));
    for l in text.lines().filter(|l| l.starts_with("::")) {
        let file = l.split("file=").nth(1).unwrap().split(',').next().unwrap();
        assert!(root().join(file).is_file(), "{l}");
    }
}

/// `elpc compile` of the current-layout policy, whose `process` lines run the checkout's
/// scripts.
fn compile_current_layout(format: &[&str]) -> Output {
    let k8s = "policies/kubernetes-operator";
    let fixtures = "tests/fixtures/kubernetes";
    Command::new(env!("CARGO_BIN_EXE_elpc"))
        .current_dir(root())
        .args(["compile", "-q", "-o", "-"])
        .args(format)
        .args([
            "--scripts",
            SCRIPTS,
            &format!("{fixtures}/current-layout.policy"),
        ])
        .args(["--env", &format!("{k8s}/base_configs.env")])
        .args(["--env", &format!("{k8s}/advance_configs.env")])
        .args(["--env", &format!("{k8s}/docker-makefiles.env")])
        .args(["--env", &format!("{fixtures}/current-layout.env")])
        .output()
        .unwrap()
}

/// The file of a `file:line:col` location.
fn file_of(location: &str) -> &str {
    let (rest, _column) = location.rsplit_once(':').unwrap();
    rest.rsplit_once(':').unwrap().0
}

#[test]
fn the_command_list_gives_the_local_origin_and_the_nodes() {
    let out = compile_current_layout(&[]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let processed: Vec<&Value> = doc["commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c.get("via").is_some())
        .collect();
    assert!(!processed.is_empty(), "{doc:#}");
    for c in processed {
        let origin = c["origin"].as_str().unwrap();
        let node = c["node_origin"].as_str().unwrap_or_else(|| panic!("{c:#}"));
        let file = file_of(origin);
        assert!(root().join(file).is_file(), "{c:#}");
        assert!(file.starts_with(SCRIPTS), "{c:#}");
        // The same line and column, the checkout's directory read as the node's.
        assert_eq!(
            node,
            origin.replacen(SCRIPTS, "/app/deployment-scripts", 1),
            "{c:#}"
        );
    }
    // The policy's own lines are not node files.
    assert!(doc["commands"][0].get("node_origin").is_none());
}

#[test]
fn the_al_listing_names_both_places_of_a_processed_line() {
    let out = compile_current_layout(&["--format", "al"]);
    let text = stdout(&out);
    let local = format!("# {SCRIPTS}/node-deployment/policies/cluster_policy.al:24:1 ");
    let at = text
        .find(&local)
        .unwrap_or_else(|| panic!("no `{local}` in {text}"));
    let next = text[at..].lines().nth(1).unwrap();
    assert_eq!(
        next,
        "# on the node: /app/deployment-scripts/node-deployment/policies/cluster_policy.al:24:1"
    );
}

const POLICY: &str = "{'config': {'script': ['process /app/ds/bad.al']}}\n";
const BAD_AL: &str = "print \"hi\"\nfrobnicate the node\n";

/// A repository whose policy processes `scripts/bad.al` through `path_map`.
fn repository(dir: &Path) {
    std::fs::create_dir(dir.join("scripts")).unwrap();
    std::fs::write(dir.join("scripts/bad.al"), BAD_AL).unwrap();
    std::fs::write(dir.join("node.policy"), POLICY).unwrap();
    std::fs::write(dir.join("base_configs.env"), "NODE_TYPE=operator\n").unwrap();
    std::fs::write(
        dir.join("elpc.toml"),
        "[[policies]]\nfiles = [\"*.policy\"]\nenv = [\"base_configs.env\"]\npath_map = [\"/app/ds=scripts\"]\n",
    )
    .unwrap();
}

#[test]
fn path_map_findings_point_at_the_mapped_file() {
    let dir = tempfile::tempdir().unwrap();
    repository(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_elpc"))
        .current_dir(dir.path())
        .args(["check", "--format", "json", "node.policy"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stop = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "EL501")
        .unwrap_or_else(|| panic!("no EL501 in {doc:#}"));
    // elpc.toml's directories are shown from the working directory, as the policy is.
    assert_eq!(stop["file"], "scripts/bad.al", "{stop:#}");
    assert!(dir.path().join("scripts/bad.al").is_file());
    assert_eq!(stop["node_file"], "/app/ds/bad.al");
    assert_eq!(stop["line"], 2);

    let out = Command::new(env!("CARGO_BIN_EXE_elpc"))
        .current_dir(dir.path())
        .args(["check", "--format", "github", "node.policy"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.starts_with("::error file=scripts/bad.al,line=2,col=1,")),
        "{text}"
    );
}

#[test]
fn checking_a_script_rechecks_the_policies_that_process_it() {
    // What a pre-commit hook passes when only the script changed: the script is checked by
    // itself, and the policy whose elpc.toml group maps its directory is re-checked.
    let dir = tempfile::tempdir().unwrap();
    repository(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_elpc"))
        .current_dir(dir.path())
        .args(["check", "--format", "json", "scripts/bad.al"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let places: Vec<(String, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().into(),
                d["file"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        places.contains(&("EL510".into(), "node.policy".into())),
        "{places:?}"
    );
    assert!(
        places.contains(&("EL501".into(), "scripts/bad.al".into())),
        "{places:?}"
    );

    // A script no group reads is checked by itself only.
    std::fs::write(
        dir.path().join("elpc.toml"),
        "[[policies]]\nfiles = [\"*.policy\"]\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_elpc"))
        .current_dir(dir.path())
        .args(["check", "--format", "json", "scripts/bad.al"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["file"] == "scripts/bad.al"),
        "{doc:#}"
    );
}

#[test]
fn the_language_server_publishes_a_processed_scripts_finding_under_its_own_uri() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    repository(&root);
    let policy = root.join("node.policy");
    let script_uri = uri(&root.join("scripts/bad.al"));

    let mut client = Client::start(&[]);
    client.initialize(&root, json!({}));
    client.open(&policy, POLICY);
    let diags = client.diagnostics(&script_uri, |d| !d.is_empty());
    let stop = diags
        .iter()
        .find(|d| d["code"] == "EL501")
        .unwrap_or_else(|| panic!("no EL501 for {script_uri} in {diags:#?}"));
    assert_eq!(stop["range"]["start"], json!({"line": 1, "character": 0}));
    let message = stop["message"].as_str().unwrap();
    assert!(
        message.contains("note: the node runs this file as `/app/ds/bad.al`"),
        "{message}"
    );
    // The `process` line of the policy it came from is its related location.
    let related = &stop["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], uri(&policy).as_str());

    // Hover on the `process` line names the file elpc read, as the command list's `origin`.
    let hover = client.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&policy)}, "position": pos(POLICY, "process", 2)}),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    let local = root.join("scripts/bad.al");
    assert!(
        text.contains(&format!("elpc read that file here: `{}`", local.display())),
        "{text}"
    );

    // Closing the policy clears the script's findings: nothing checked reads it any more.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(&policy)}}),
    );
    let cleared = client.diagnostics(&script_uri, |d| d.is_empty());
    assert!(cleared.is_empty());
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn a_script_checked_by_itself_and_run_by_scripts_is_one_file() {
    // `main.al` is the input and also the script `--scripts` runs: one file, one finding,
    // with the node's path on it (`./` in one of the two names does not make it two).
    let k8s = "policies/kubernetes-operator";
    let out = Command::new(env!("CARGO_BIN_EXE_elpc"))
        .current_dir(root())
        .args(["check", "--format", "json", "--scripts"])
        .arg(format!("./{SCRIPTS}"))
        .arg(MAIN_AL)
        .args(["--env", &format!("{k8s}/base_configs.env")])
        .args(["--env", &format!("{k8s}/advance_configs.env")])
        .args(["--env", &format!("{k8s}/docker-makefiles.env")])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stops: Vec<&Value> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "EL501")
        .collect();
    assert_eq!(stops.len(), 1, "{doc:#}");
    assert_eq!(stops[0]["file"], MAIN_AL);
    assert_eq!(stops[0]["node_file"], NODE_MAIN_AL);
}
