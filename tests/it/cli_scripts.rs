//! The `elpc` binary with `.al` scripts and `--scripts`, as a user runs it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn elpc() -> Command {
    Command::new(env!("CARGO_BIN_EXE_elpc"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn k8s(file: &str) -> PathBuf {
    root().join("policies/kubernetes-operator").join(file)
}

#[test]
fn check_reports_a_scripts_stop_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("deploy.al");
    std::fs::write(
        &script,
        "set anylog_path = /app\ncreat work directories\nprint done\n",
    )
    .unwrap();
    let out = elpc()
        .args(["check", "--format", "json"])
        .arg(&script)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "EL501", "{doc}");
    assert_eq!(d["line"], 2);
}

#[test]
fn scripts_finds_the_kubernetes_samples_stop_in_main_al() {
    let out = elpc()
        .args(["check", "--format", "json", "--scripts"])
        .arg(root().join("tests/fixtures/deployment-scripts"))
        .arg(k8s("policy.policy"))
        .args(["--env"])
        .arg(k8s("base_configs.env"))
        .args(["--env"])
        .arg(k8s("advance_configs.env"))
        .args(["--env"])
        .arg(k8s("docker-makefiles.env"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stop = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "EL501")
        .unwrap_or_else(|| panic!("no EL501 in {doc}"));
    assert!(stop["file"]
        .as_str()
        .unwrap()
        .ends_with("node-deployment/main.al"));
    assert_eq!(stop["line"], 70);
}

#[test]
fn compile_lists_the_processed_scripts_commands_with_their_origin() {
    let out = elpc()
        .args(["compile", "-q", "--scripts"])
        .arg(root().join("tests/fixtures/deployment-scripts"))
        .arg(root().join("tests/fixtures/kubernetes/current-layout.policy"))
        .args(["--env"])
        .arg(k8s("base_configs.env"))
        .args(["--env"])
        .arg(k8s("advance_configs.env"))
        .args(["--env"])
        .arg(k8s("docker-makefiles.env"))
        .args(["--env"])
        .arg(root().join("tests/fixtures/kubernetes/current-layout.env"))
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let from_cluster: Vec<&serde_json::Value> = doc["commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["origin"]
                .as_str()
                .is_some_and(|o| o.contains("node-deployment/policies/cluster_policy.al:"))
        })
        .collect();
    assert!(!from_cluster.is_empty(), "{doc}");
    assert!(from_cluster.iter().all(|c| c["via"]
        .as_str()
        .is_some_and(|v| v.contains("current-layout.policy:18"))));
}

#[test]
fn scripts_without_main_al_is_a_usage_error() {
    let out = elpc()
        .args(["check", "--scripts"])
        .arg(Path::new("/nonexistent-elpc-scripts"))
        .arg(k8s("policy.policy"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("node-deployment/main.al"));
}
