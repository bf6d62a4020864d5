//! What a new user meets first (issue 11): `elpc check` given an env file or `elpc.toml` (as a
//! pre-commit hook passes them), and a misspelt rule in `elpc.toml`.

use std::path::Path;

use crate::common::{elpc, tempdir};

const POLICY: &str =
    "{'config': {'name': 'n', 'ip': '!external_ip', 'port': '!anylog_server_port.int', \
                      'rest_port': '!anylog_rest_port.int'}}\n";

/// A project: `a/node.policy` in a group with `a/base.env`, `b/other.policy` in none.
fn project(name: &str, rest_port: u16) -> std::path::PathBuf {
    let dir = tempdir(name);
    for sub in ["a", "b", ".git", "target"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    std::fs::write(dir.join("a/node.policy"), POLICY).unwrap();
    std::fs::write(dir.join("b/other.policy"), POLICY).unwrap();
    // Never searched: hidden directories and build output.
    std::fs::write(dir.join(".git/x.policy"), "not a policy").unwrap();
    std::fs::write(dir.join("target/y.policy"), "not a policy").unwrap();
    std::fs::write(
        dir.join("a/base.env"),
        format!("NODE_TYPE=operator\nANYLOG_SERVER_PORT=32148\nANYLOG_REST_PORT={rest_port}\n"),
    )
    .unwrap();
    std::fs::write(dir.join("b/unused.env"), "NODE_TYPE=operator\n").unwrap();
    std::fs::write(
        dir.join("elpc.toml"),
        "[lint]\nallow = [\"not-idempotent\"]\n\n[[policies]]\nfiles = [\"a/*.policy\"]\nenv = [\"a/base.env\"]\n",
    )
    .unwrap();
    dir
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn an_env_file_checks_the_policies_whose_group_lists_it() {
    let dir = project("affected-env", 32148);
    let out = elpc(&dir, &["check", "--color", "never", "a/base.env"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("EL302"), "{text}");
    assert!(
        text.contains(&format!(
            "a{}node.policy: 1 error",
            std::path::MAIN_SEPARATOR
        )),
        "{text}"
    );
    assert!(!text.contains("other.policy"), "{text}");
    // An env file no group lists checks nothing, and says so.
    let out = elpc(&dir, &["check", "b/unused.env"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no [[policies]] group"));
}

#[test]
fn elpc_toml_checks_every_policy_below_it_once() {
    let dir = project("affected-toml", 32149);
    let out = elpc(
        &dir,
        &[
            "check",
            "--color",
            "never",
            "elpc.toml",
            "a/node.policy",
            "a/base.env",
        ],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let summaries: Vec<&str> = text.lines().filter(|l| l.contains(".policy: ")).collect();
    assert_eq!(summaries.len(), 2, "{text}");
    assert!(summaries[0].starts_with(&Path::new("a").join("node.policy").display().to_string()));
    assert!(summaries[1].starts_with(&Path::new("b").join("other.policy").display().to_string()));
}

#[test]
fn a_misspelt_rule_in_elpc_toml_has_file_line_and_fix() {
    let dir = project("toml-typo", 32149);
    let toml = "[lint]\nallow = [\"not-idempotnet\"]\n";
    std::fs::write(dir.join("elpc.toml"), toml).unwrap();
    let out = elpc(&dir, &["check", "--color", "never", "b/other.policy"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("EL030"), "{text}");
    assert!(text.contains("elpc.toml:2:10"), "{text}");
    assert!(text.contains("did you mean `not-idempotent`?"), "{text}");
    let out = elpc(&dir, &["check", "--format", "json", "b/other.policy"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "EL030")
        .expect("EL030 reported");
    assert_eq!(
        (d["code"].as_str(), d["file"].as_str()),
        (Some("EL030"), Some("elpc.toml"))
    );
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(10))
    );
    assert_eq!(d["suggestions"][0]["replacement"], "not-idempotent");
}
