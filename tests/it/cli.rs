//! The `elpc` binary as users run it: exit codes, output files, formats, and bad input of
//! every kind (issue points 6 and 8).

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{elpc, tempdir};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("policies")
        .join(name)
}

const ENV_ARGS: [&str; 6] = [
    "--env",
    "base_configs.env",
    "--env",
    "advance_configs.env",
    "--env",
    "docker-makefiles.env",
];

fn compile_json(dir: &Path, extra: &[&str]) -> (serde_json::Value, Output) {
    let mut args = vec!["compile", "policy.policy", "-q"];
    args.extend(ENV_ARGS);
    args.extend(extra);
    let out = elpc(dir, &args);
    let json =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)));
    (json, out)
}

#[test]
fn kubernetes_sample_against_operator_env_files() {
    let (doc, out) = compile_json(&example("kubernetes-operator"), &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an undefined variable is an error"
    );

    let diags = doc["diagnostics"].as_array().unwrap();
    let start_data = diags
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("!start_data"))
        .expect("!start_data reported");
    assert_eq!(start_data["code"], "EL201");
    assert_eq!(start_data["help"], "did you mean `start_date`?");
    assert_eq!(
        (start_data["line"].as_u64(), start_data["column"].as_u64()),
        (Some(24), Some(72))
    );
    for key in ["threads", "broker_threads"] {
        assert!(
            diags
                .iter()
                .any(|d| d["code"] == "EL306"
                    && d["message"] == format!("the node never reads `{key}`")),
            "{key} reported as ignored"
        );
    }

    assert_eq!(doc["resolved"]["config"]["port"], 32148);
    assert_eq!(doc["resolved"]["config"]["rest_port"], 32149);
    assert_eq!(doc["servers"]["tcp"]["external_port"], 32148);
    assert_eq!(doc["servers"]["rest"]["internal_port"], 32149);

    let commands: Vec<&str> = doc["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["command"].as_str().unwrap())
        .collect();
    assert!(commands[0].starts_with("run tcp server where"));
    assert!(commands[1].starts_with("run rest server where"));
    // ENABLE_HA=false: both `if !enable_ha == true` lines are folded away
    assert!(commands
        .iter()
        .all(|c| !c.contains("enable_ha") && !c.contains("data distributor")));
    assert!(commands.contains(&"run scheduler 1"));
    assert!(doc["commands"][0]["origin"]
        .as_str()
        .unwrap()
        .starts_with("policy.policy:"));

    // ... and with ENABLE_HA=true the distributor line runs (and would fail on EdgeLake)
    let (doc, _) = compile_json(
        &example("kubernetes-operator"),
        &["--set", "enable_ha=true"],
    );
    let commands: Vec<&str> = doc["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["command"].as_str().unwrap())
        .collect();
    assert!(commands.contains(&"run data distributor"));
}

#[test]
fn clean_example_exits_zero_and_writes_output_atomically() {
    let dir = tempdir("clean");
    let policy = "{'config': {'ip': '!external_ip', 'port': '!anylog_server_port.int', 'script': ['run scheduler 1']}}";
    std::fs::write(dir.join("p.policy"), policy).unwrap();
    std::fs::write(dir.join("a.env"), "NODE_TYPE=operator\n").unwrap();
    let out = elpc(
        &dir,
        &["compile", "p.policy", "--env", "a.env", "-o", "out.json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out.json")).unwrap()).unwrap();
    assert_eq!(written["servers"]["tcp"]["external_port"], 32148);
    // no temporary file is left behind
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

#[test]
fn output_file_is_not_written_when_there_are_errors() {
    let dir = tempdir("errors");
    std::fs::write(
        dir.join("p.policy"),
        "{'config': {'port': 'abc', 'ip': 'x'}}",
    )
    .unwrap();
    std::fs::write(dir.join("out.json"), "previous").unwrap();
    let out = elpc(&dir, &["compile", "p.policy", "-o", "out.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(dir.join("out.json")).unwrap(),
        "previous"
    );
    assert!(stderr(&out).contains("EL301"), "{}", stderr(&out));
}

#[test]
fn json_is_printed_even_with_errors() {
    let dir = tempdir("json-errors");
    std::fs::write(
        dir.join("p.policy"),
        "{'config': {'port': 'abc', 'ip': 'x'}}",
    )
    .unwrap();
    let out = elpc(&dir, &["compile", "p.policy", "-q"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["diagnostics"][0]["code"], "EL301");
    assert_eq!(doc["diagnostics"][0]["line"], 1);
    assert_eq!(doc["diagnostics"][0]["column"], 21);
    assert!(stderr(&out).is_empty());
}

#[test]
fn al_format_is_a_script_of_the_commands() {
    let (_, _) = compile_json(&example("operator"), &[]);
    let mut args = vec!["compile", "policy.policy", "-q", "--format", "al"];
    args.extend(ENV_ARGS);
    let out = elpc(&example("operator"), &args);
    let text = stdout(&out);
    assert!(text.starts_with("# Compiled by elpc"));
    let commands: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert!(commands[0].starts_with("run tcp server where"));
    assert!(commands.contains(&"run scheduler 1"));
}

#[test]
fn check_takes_several_policies_and_prints_json_diagnostics() {
    let mut args = vec![
        "check",
        "policy.policy",
        "../generic/policy.policy",
        "--format",
        "json",
    ];
    args.extend(ENV_ARGS);
    let out = elpc(&example("master"), &args);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    let files: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(files.contains(&"../generic/policy.policy"), "{files:?}");
}

#[test]
fn explain_prints_a_rule_page_and_unknown_rules_are_usage_errors() {
    let out = elpc(Path::new("."), &["explain", "undefined-variable"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("EL201 undefined-variable"));
    let out = elpc(Path::new("."), &["explain", "EL999"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn usage_and_io_problems_exit_two() {
    let out = elpc(Path::new("."), &["compile", "does-not-exist.policy"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read does-not-exist.policy"));
    let out = elpc(Path::new("."), &["compile", "x", "--set", "no-equals-sign"]);
    assert_eq!(out.status.code(), Some(2));
    let out = elpc(Path::new("."), &["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

// ---- 8. Bad input never hurts ----------------------------------------------------------

fn check_bytes(name: &str, bytes: &[u8]) -> (Output, serde_json::Value) {
    let dir = tempdir(name);
    std::fs::write(dir.join("bad.policy"), bytes).unwrap();
    let out = elpc(&dir, &["compile", "bad.policy", "-q"]);
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{name}: {e}: {}", stderr(&out)));
    (out, doc)
}

fn first_code(doc: &serde_json::Value) -> String {
    doc["diagnostics"][0]["code"]
        .as_str()
        .unwrap_or("none")
        .to_string()
}

#[test]
fn bad_input_invalid_utf8() {
    let (out, doc) = check_bytes("utf8", b"{'config': {'name': '\xff\xfe'}}");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(first_code(&doc), "EL004");
    assert_eq!(doc["diagnostics"][0]["column"], 22);
}

#[test]
fn bad_input_binary_junk() {
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let (out, doc) = check_bytes("binary", &junk);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(first_code(&doc), "EL004");
}

#[test]
fn bad_input_fifty_megabytes() {
    let mut big = b"{'config': {'script': [".to_vec();
    while big.len() < 50 * 1024 * 1024 {
        big.extend_from_slice(b"'run scheduler 1', ");
    }
    big.extend_from_slice(b"]}}");
    let (out, doc) = check_bytes("big", &big);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(first_code(&doc), "EL004");
    assert!(doc["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("16 MiB"));
}

#[test]
fn bad_input_hundred_thousand_nested_brackets() {
    let (out, doc) = check_bytes("nested", &b"[".repeat(100_000));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(first_code(&doc), "EL005");
    let (_, doc) = check_bytes(
        "nested-braces",
        format!(
            "{{'config': {}1{}}}",
            "{'a': ".repeat(100_000),
            "}".repeat(100_000)
        )
        .as_bytes(),
    );
    assert_eq!(first_code(&doc), "EL005");
}

#[test]
fn bad_input_unterminated_string_at_end_of_file() {
    let (out, doc) = check_bytes("unterminated", b"{'config': {'name': 'abc");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(first_code(&doc), "EL001");
    assert_eq!(doc["diagnostics"][0]["column"], 21);
    assert!(doc["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("never closed"));
}

#[test]
fn bad_input_empty_and_whitespace_files() {
    for text in ["", "   \n\n", "# only a comment\n"] {
        let (out, doc) = check_bytes("empty", text.as_bytes());
        assert_eq!(out.status.code(), Some(1), "{text:?}");
        assert_eq!(first_code(&doc), "EL001", "{text:?}");
    }
}

#[test]
fn bad_env_file_binary_is_reported_not_fatal() {
    let dir = tempdir("bad-env");
    std::fs::write(dir.join("p.policy"), "{'config': {'name': 'x'}}").unwrap();
    std::fs::write(dir.join("a.env"), b"NODE_TYPE=operator\n\x00\x01\x02").unwrap();
    let out = elpc(&dir, &["compile", "p.policy", "--env", "a.env", "-q"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["diagnostics"][0]["code"], "EL004");
    assert_eq!(doc["diagnostics"][0]["file"], "a.env");
}

#[test]
fn secrets_from_env_files_are_hidden_unless_asked_for() {
    let dir = tempdir("secrets");
    std::fs::write(
        dir.join("p.policy"),
        "{'config': {'ip': '!external_ip', 'port': '!db_passwd', 'rest_port': '!api_token', 'tcp_bind': '!mqtt_passwd'}}",
    )
    .unwrap();
    std::fs::write(
        dir.join("a.env"),
        "NODE_TYPE=operator\nDB_PASSWD=firstpass99\nDB_PASSWD=hunter2secret\nAPI_TOKEN=\"tok-4242\"\nMQTT_PASSWD=mqtt4AnyLog!\nLICENSE_KEY=\n",
    )
    .unwrap();
    let leaks = ["hunter2secret", "firstpass99", "tok-4242", "mqtt4AnyLog"];
    for command in ["compile", "check"] {
        let human = elpc(&dir, &[command, "p.policy", "--env", "a.env"]);
        let json = elpc(
            &dir,
            &[command, "p.policy", "--env", "a.env", "--format", "json"],
        );
        assert_eq!(human.status.code(), Some(1));
        // `compile` prints the resolved policy too: that is the output the node runs, not a
        // diagnostic, so only the diagnostics of the JSON document are searched.
        let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        let human_out = if command == "check" {
            stdout(&human)
        } else {
            String::new()
        };
        let text = format!("{human_out}{}{}", stderr(&human), doc["diagnostics"]);
        assert!(text.contains("`port` is `***`"), "{text}");
        assert!(text.contains("DB_PASSWD=*************"), "{text}");
        // The env file name and keys are still shown; only values are hidden.
        assert!(text.contains("`db_passwd` comes from DB_PASSWD"), "{text}");
        for secret in leaks {
            assert!(!text.contains(secret), "{command} leaks {secret}:\n{text}");
        }
        let shown = elpc(
            &dir,
            &[command, "p.policy", "--env", "a.env", "--show-secrets"],
        );
        let text = format!("{}{}", stdout(&shown), stderr(&shown));
        assert!(text.contains("`port` is `hunter2secret`"), "{text}");
        assert!(text.contains("firstpass99"), "{text}");
    }
}

#[test]
fn failed_output_write_leaves_the_target_untouched() {
    let dir = tempdir("output-fails");
    let policy = "{'config': {'ip': '!external_ip', 'port': '!anylog_server_port.int'}}";
    std::fs::write(dir.join("p.policy"), policy).unwrap();
    std::fs::write(dir.join("a.env"), "NODE_TYPE=operator\n").unwrap();
    let mut args = vec!["compile", "p.policy", "--env", "a.env", "-q", "-o"];
    let before = |d: &Path| std::fs::read_dir(d).unwrap().count();
    // The target is a directory: refused (only regular files are replaced), content kept.
    std::fs::create_dir_all(dir.join("out.json")).unwrap();
    std::fs::write(dir.join("out.json/keep"), "old").unwrap();
    args.push("out.json");
    let files = before(&dir);
    let out = elpc(&dir, &args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("out.json is a directory"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("out.json/keep")).unwrap(),
        "old"
    );
    assert_eq!(before(&dir), files, "a temporary file was left behind");
    // The target's directory does not exist: nothing is created anywhere.
    args[6] = "missing/out.json";
    let out = elpc(&dir, &args);
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.join("missing").exists());
    assert_eq!(before(&dir), files);
}
