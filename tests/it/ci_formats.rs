//! `elpc check` as a CI job runs it: every output format, rule levels from the command line and
//! from `elpc.toml`, inline suppressions, and several env layerings in one run.

use std::path::{Path, PathBuf};

use crate::common::{elpc, tempdir};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")
}

const K8S: [&str; 8] = [
    "check",
    "kubernetes-operator/policy.policy",
    "--env",
    "kubernetes-operator/base_configs.env",
    "--env",
    "kubernetes-operator/advance_configs.env",
    "--env",
    "kubernetes-operator/docker-makefiles.env",
];

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let mut args = K8S.to_vec();
    args.extend(["--format", "sarif"]);
    let out = elpc(&examples(), &args);
    assert_eq!(out.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), elpc::rules().len());
    let rule = rules.iter().find(|r| r["id"] == "EL201").unwrap();
    assert_eq!(rule["name"], "undefined-variable");
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    assert!(rule["help"]["text"].as_str().unwrap().contains("Bad:"));
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "EL201")
        .unwrap();
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        24
    );
    assert_eq!(
        result["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        "!start_date"
    );
}

#[test]
fn github_format_prints_one_annotation_per_finding() {
    let mut args = K8S.to_vec();
    args.extend(["--format", "github"]);
    let out = elpc(&examples(), &args);
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("EL201"))
        .expect("EL201 annotation");
    assert_eq!(
        line,
        "::error file=kubernetes-operator/policy.policy,line=24,col=72,endLine=24,endColumn=83,title=EL201 undefined-variable::`!start_data` is not defined%0Ahelp: did you mean `start_date`?"
    );
    assert!(
        text.lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "notes are hidden without --notes"
    );
}

#[test]
fn json_format_is_versioned_with_positions_and_suggestions() {
    let mut args = K8S.to_vec();
    args.extend(["--format", "json"]);
    let out = elpc(&examples(), &args);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    let d = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "EL201")
        .unwrap();
    for field in [
        "code",
        "name",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "help",
        "suggestions",
    ] {
        assert!(!d[field].is_null(), "{field}");
    }
}

#[test]
fn deny_warnings_turns_warnings_into_a_failure_and_allow_silences() {
    let dir = tempdir("levels");
    std::fs::write(
        dir.join("p.policy"),
        "{'config': {'ip': '!external_ip', 'port': 32148, 'threads': 4}}",
    )
    .unwrap();
    assert_eq!(elpc(&dir, &["check", "p.policy"]).status.code(), Some(0));
    assert_eq!(
        elpc(&dir, &["check", "p.policy", "--deny", "warnings"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        elpc(&dir, &["check", "p.policy", "--deny", "ignored-key"])
            .status
            .code(),
        Some(1)
    );
    let out = elpc(
        &dir,
        &[
            "check", "p.policy", "--deny", "warnings", "--allow", "EL306",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = elpc(&dir, &["check", "p.policy", "--deny", "no-such-rule"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn elpc_toml_is_found_by_walking_up_and_cli_overrides_it() {
    let dir = tempdir("toml");
    std::fs::create_dir_all(dir.join("deploy/operator")).unwrap();
    std::fs::write(
        dir.join("elpc.toml"),
        "[lint]\ndeny = [\"warnings\"]\n\n[[policies]]\nfiles = [\"deploy/operator/*.policy\"]\nenv = [\"deploy/operator/base.env\"]\nset = { enable_ha = \"true\" }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("deploy/operator/base.env"),
        "NODE_TYPE=operator\nANYLOG_SERVER_PORT=32148\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("deploy/operator/p.policy"),
        "{'config': {'ip': '!external_ip', 'port': '!anylog_server_port.int', 'threads': 4, 'script': [\"if !enable_ha == true then run scheduler 1\"]}}",
    )
    .unwrap();
    let sub = dir.join("deploy/operator");
    let out = elpc(&sub, &["compile", "p.policy", "-q"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "deny = [warnings] from elpc.toml"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["resolved"]["config"]["port"], 32148,
        "env files from the policy group"
    );
    assert_eq!(
        doc["commands"][1]["command"], "run scheduler 1",
        "set values from the policy group"
    );
    assert_eq!(doc["diagnostics"][0]["severity"], "error");
    assert_eq!(
        elpc(
            &sub,
            &["compile", "p.policy", "-q", "--warn", "ignored-key"]
        )
        .status
        .code(),
        Some(0)
    );
    std::fs::write(dir.join("elpc.toml"), "[lint]\nfrobnicate = 1\n").unwrap();
    let out = elpc(&sub, &["check", "p.policy"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("frobnicate"));
}

#[test]
fn inline_suppression_needs_a_reason_and_must_be_used() {
    let dir = tempdir("suppress");
    std::fs::write(
        dir.join("p.policy"),
        "{'config': {\n  'ip': '!external_ip', 'port': 32148,\n  # elpc: ignore[ignored-key] read by our inventory tool\n  'threads': 4,\n}}\n",
    )
    .unwrap();
    std::fs::write(dir.join("a.env"), "NODE_TYPE=operator\nMONITOR_NODES=true # elpc: ignore[env-key-unread] read by our monitoring sidecar\n").unwrap();
    let out = elpc(
        &dir,
        &[
            "check",
            "p.policy",
            "--env",
            "a.env",
            "--format",
            "json",
            "--allow",
            "runtime-rejects-text",
        ],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["diagnostics"],
        serde_json::json!([]),
        "both findings suppressed"
    );
}

#[test]
fn env_sets_check_one_policy_against_several_layerings() {
    let root = examples();
    let out = elpc(
        &root,
        &[
            "check",
            "operator/policy.policy",
            "--env-set",
            "operator=operator/base_configs.env,operator/advance_configs.env",
            "--env-set",
            "master=master/base_configs.env,master/advance_configs.env",
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sets: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["env_set"].as_str())
        .collect();
    assert!(
        sets.contains(&"operator") && sets.contains(&"master"),
        "{sets:?}"
    );
    let human = elpc(
        &root,
        &[
            "check",
            "operator/policy.policy",
            "--env-set",
            "operator=operator/base_configs.env",
            "--env-set",
            "master=master/base_configs.env",
        ],
    );
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(
        text.contains("operator/policy.policy [operator]: ")
            && text.contains("operator/policy.policy [master]: "),
        "{text}"
    );
}

#[test]
fn elpc_toml_groups_carry_target_and_path_map() {
    let dir = tempdir("toml-target");
    std::fs::create_dir_all(dir.join("scripts/policies")).unwrap();
    std::fs::write(dir.join("scripts/policies/present.al"), "").unwrap();
    std::fs::write(
        dir.join("elpc.toml"),
        "[[policies]]\nfiles = [\"*.policy\"]\ntarget = \"anylog\"\npath_map = [\"/app/deployment-scripts=scripts\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("p.policy"),
        r#"{"config": {"script": ["run data distributor", "process /app/deployment-scripts/policies/present.al", "process /app/deployment-scripts/policies/missing.al"]}}"#,
    )
    .unwrap();
    let out = elpc(&dir, &["check", "p.policy", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        !codes.contains(&"EL402"),
        "target = anylog from elpc.toml: {codes:?}"
    );
    let missing: Vec<_> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "EL407")
        .collect();
    assert_eq!(missing.len(), 1, "only missing.al: {codes:?}");
    // The command line still wins.
    let out = elpc(
        &dir,
        &[
            "check", "p.policy", "--format", "json", "--target", "edgelake",
        ],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "EL402"));
}
