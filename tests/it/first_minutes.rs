//! What a new user meets first (issue 11): `elpc check` given an env file or `elpc.toml` (as a
//! pre-commit hook passes them), and a misspelt rule in `elpc.toml`.

use std::path::Path;

use crate::common::{elpc, tempdir};

const POLICY: &str =
    "{'config': {'name': 'n', 'ip': '!external_ip', 'port': '!anylog_server_port.int', \
                      'rest_port': '!anylog_rest_port.int'}}\n";

/// A project: `a/node.policy` in a group with `a/base.env`, `b/other.policy` in none.
fn project(name: &str, rest_port: u16) -> crate::common::TempDir {
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

#[test]
fn sarif_locations_are_uris_against_a_known_base_and_rules_link_their_pages() {
    let dir = project("sarif-uris", 32148);
    let out = elpc(&dir, &["check", "--format", "sarif", "a/node.policy"]);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &log["runs"][0];
    let base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    let canonical = std::fs::canonicalize(&dir).unwrap();
    let named = base.trim_start_matches("file://").trim_end_matches('/');
    assert_eq!(std::fs::canonicalize(named).unwrap(), canonical);
    let location = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(location["uriBaseId"], "SRCROOT");
    assert!(
        location["uri"].as_str().unwrap().ends_with(".policy"),
        "{location}"
    );
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        let help = rule["helpUri"].as_str().unwrap();
        let name = rule["name"].as_str().unwrap();
        assert!(help.starts_with("https://"), "{help}");
        assert!(
            help.ends_with(&format!("/src/check/explain/{name}.md")),
            "{help}"
        );
        // The page it links to is in this repository.
        let page =
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("src/check/explain/{name}.md"));
        assert!(page.is_file(), "{}", page.display());
    }
    // An absolute path is a file:// URI of its own.
    let abs = dir.join("a/node.policy");
    let out = elpc(&dir, &["check", "--format", "sarif", abs.to_str().unwrap()]);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let location =
        &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(location["uri"], format!("file://{}", abs.display()));
    assert!(location.get("uriBaseId").is_none());
}

/// `elpc lsp` started by hand on a terminal (a pseudo-terminal from util-linux `script`) says
/// what it is, and Ctrl-D ends it quietly instead of with "disconnected channel".
#[cfg(unix)]
#[test]
fn lsp_on_a_terminal_says_what_it_is() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let command = format!("{} lsp", env!("CARGO_BIN_EXE_elpc"));
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux script runs");
    // Ctrl-D on the terminal: end of input for the server.
    child.stdin.as_mut().unwrap().write_all(b"\x04").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("elpc language server"), "{text}");
    assert!(text.contains("In the editor"), "{text}");
    assert!(!text.contains("disconnected channel"), "{text}");
    assert_eq!(out.status.code(), Some(0), "{text}");
}

/// Not on a terminal (an editor, a pipe), the server prints nothing until spoken to.
#[test]
fn lsp_on_a_pipe_prints_no_banner() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_elpc"))
        .arg("lsp")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.stdout.is_empty());
    assert!(!err.contains("elpc language server"), "{err}");
}

/// Section numbers and finding ids of design documents the project does not ship.
const UNSHIPPED: [&str; 5] = [
    "§",
    "LINT-",
    "edgelake-semantics",
    "the spec",
    "architecture.md",
];

fn assert_cites_nothing_unshipped(what: &str, text: &str) {
    for outside in UNSHIPPED {
        assert!(!text.contains(outside), "{what} cites `{outside}`:\n{text}");
    }
}

#[test]
fn explain_pages_stand_on_their_own() {
    let list = elpc(Path::new("."), &["explain"]);
    let list = stdout(&list);
    let codes: Vec<&str> = list
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(codes.len() > 40, "{list}");
    for code in codes {
        let page = stdout(&elpc(Path::new("."), &["explain", code]));
        assert_cites_nothing_unshipped(&format!("elpc explain {code}"), &page);
        assert!(
            page.contains("Bad") && page.contains("Good"),
            "{code}:\n{page}"
        );
    }
}

/// Runs `elpc ARGS` in `dir` on a pseudo-terminal (util-linux `script`); returns what the
/// terminal showed.
#[cfg(unix)]
fn on_terminal(dir: &Path, args: &str) -> String {
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_elpc"));
    let out = std::process::Command::new("script")
        .current_dir(dir)
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("util-linux script runs");
    String::from_utf8_lossy(&out.stdout).replace('\r', "")
}

/// The quick start on a terminal: the findings and a summary, not a JSON document that
/// scrolls them away; `-o -` asks for the document.
#[cfg(unix)]
#[test]
fn compile_on_a_terminal_shows_findings_and_a_summary_not_the_json() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let args =
        "compile kubernetes-operator/policy.policy --env kubernetes-operator/base_configs.env \
                --env kubernetes-operator/advance_configs.env --color never";
    let shown = on_terminal(&dir, args);
    assert!(shown.contains("EL201"), "{shown}");
    assert!(
        shown.contains("kubernetes-operator/policy.policy: 2 errors"),
        "{shown}"
    );
    assert!(shown.contains("-o - prints it"), "{shown}");
    assert!(!shown.contains("\"resolved\""), "{shown}");
    let asked = on_terminal(&dir, &format!("{args} -q -o -"));
    assert!(asked.contains("\"resolved\""), "{asked}");
    assert!(!asked.contains("EL201 undefined"), "{asked}");
}

/// A policy with every key `config from policy` reads, and script lines to complete in.
const EVERY_KEY: &str = "{'config': {'name': 'n', 'ip': '!external_ip', 'local_ip': '!ip',
    'port': '!anylog_server_port.int', 'local_port': '!anylog_server_port.int',
    'rest_ip': '!ip', 'rest_port': '!anylog_rest_port.int', 'broker_ip': '!ip', 'broker_port': 32150,
    'tcp_bind': 'false', 'rest_bind': 'false', 'broker_bind': 'false',
    'tcp_threads': 6, 'rest_threads': 8, 'msg_threads': 6,
    'script': ['r', 'run operator where ', 'if !enable_ha == true then run data distributor', 'goto x']}}
";

#[test]
fn what_the_editor_and_ci_show_cites_no_unshipped_document() {
    use crate::lsp::{pos, uri, Client};
    use serde_json::json;

    let dir = tempdir("unshipped");
    std::fs::write(
        dir.join("base_configs.env"),
        "NODE_TYPE=operator\nANYLOG_SERVER_PORT=32148\nANYLOG_REST_PORT=32149\n",
    )
    .unwrap();
    let policy = dir.join("node.policy");
    std::fs::write(&policy, EVERY_KEY).unwrap();
    let policy_uri = uri(&policy);
    let mut client = Client::start(&[]);
    client.initialize(&dir, json!({}));
    client.open(&policy, EVERY_KEY);
    client.diagnostics(&policy_uri, |_| true);
    let mut shown = Vec::new();
    // Completion: the keys `config from policy` reads (with their defaults), the command words
    // of the catalog (with where they come from) and the where-keys of a command.
    for (needle, shift) in [("'tcp_bind'", 1), ("'r'", 2), ("where ", 6)] {
        let items = client.result(
            "textDocument/completion",
            json!({"textDocument": {"uri": policy_uri}, "position": pos(EVERY_KEY, needle, shift)}),
        );
        let items = items.as_array().cloned().unwrap_or_default();
        assert!(items.len() > 5, "{needle}: {items:#?}");
        shown.extend(items.iter().map(|i| format!("completion at {needle}: {i}")));
    }
    assert!(
        shown
            .iter()
            .any(|s| s.contains("run data distributor") && s.contains("AnyLog only")),
        "{shown:#?}"
    );
    // Hover on every key and on every script line.
    let keys: Vec<&str> = EVERY_KEY
        .match_indices("': ")
        .map(|(i, _)| {
            let start = EVERY_KEY[..i].rfind('\'').unwrap();
            &EVERY_KEY[start..i + 1]
        })
        .collect();
    assert!(keys.len() > 15, "{keys:?}");
    for needle in
        keys.iter()
            .copied()
            .chain(["'r'", "run operator", "run data distributor", "goto x"])
    {
        let hover = client.result(
            "textDocument/hover",
            json!({"textDocument": {"uri": policy_uri}, "position": pos(EVERY_KEY, needle, 2)}),
        );
        shown.push(format!("hover on {needle}: {hover}"));
    }
    assert!(
        shown.iter().any(
            |s| s.starts_with("hover on 'tcp_bind'") && s.contains("listens on all interfaces")
        ),
        "{shown:#?}"
    );
    assert_eq!(client.shutdown(), 0);
    for text in &shown {
        assert_cites_nothing_unshipped("the language server", text);
    }

    // What CI shows: every finding with its notes, in every format, and the SARIF rule table.
    for format in ["human", "json", "sarif", "github"] {
        let out = elpc(
            &dir,
            &["check", "node.policy", "--notes", "--format", format],
        );
        assert_cites_nothing_unshipped(&format!("elpc check --format {format}"), &stdout(&out));
        assert_cites_nothing_unshipped(
            &format!("elpc check --format {format} (stderr)"),
            &String::from_utf8_lossy(&out.stderr),
        );
    }
    let out = elpc(&dir, &["compile", "node.policy", "-o", "-"]);
    assert_cites_nothing_unshipped("elpc compile", &stdout(&out));
    assert_cites_nothing_unshipped("elpc --help", &stdout(&elpc(&dir, &["--help"])));
}
