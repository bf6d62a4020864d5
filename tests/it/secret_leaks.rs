//! No secret value, nor a part or a transform of one, in any diagnostic, snippet, hover, SARIF
//! or GitHub output without `--show-secrets` (issue 13): each way the issue found a secret
//! printed, through the real binary, in every format, and in the language server's hover.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::{elpc, tempdir};
use crate::lsp::{pos, uri, Client};

/// The secrets below, and what a leak of each would look like.
const LEAKS: &[&str] = &[
    "Hunter2DbPw",  // DB_PASSWD, and NODE_NAME=${DB_PASSWD}x built from it
    "Hunter",       // !db_passwd[0:6], a slice
    "er2Secret",    // the tail after `$` in MQTT_PASSWORD, read as a variable name
    "Hunter3Lic",   // AUTH_TOKEN without `=`: a syntax error quoting the line
    "Unterminated", // API_SECRET with an unterminated quote
    "tr4iling",     // ROOT_PASSWORD with text after the closing quote
    "Hunter6",      // both lines of a multi-line value
    "71234",        // LICENSE_KEY=0071234 cast with .int
];

const ENV_A: &str = "NODE_TYPE=operator
DB_PASSWD=Hunter2DbPw
NODE_NAME=${DB_PASSWD}x
MQTT_PASSWORD=Hunt$er2Secret
LICENSE_KEY=0071234
";
const ENV_B: &str = "AUTH_TOKEN Hunter3Lic
ROOT_PASSWORD=\"Hunter5\"tr4iling
MULTI_KEY=\"Hunter6First
Hunter6Second\"
API_SECRET=\"Hunter4Unterminated
";
const POLICY: &str = "{'config': {'ip': '1.2.3.4', 'port': '!node_name', 'rest_port': '!license_key.int', 'broker_port': '!db_passwd[0:6]',
 'name': '!multi_key', 'script': ['set x = !mqtt_password', 'run scheduler !license_key.int']}}
";

fn setup(name: &str) -> crate::common::TempDir {
    let dir = tempdir(name);
    std::fs::write(dir.join("a.env"), ENV_A).unwrap();
    std::fs::write(dir.join("b.env"), ENV_B).unwrap();
    std::fs::write(dir.join("p.policy"), POLICY).unwrap();
    dir
}

fn leaks(text: &str) -> Vec<&'static str> {
    LEAKS.iter().copied().filter(|l| text.contains(l)).collect()
}

#[test]
fn no_format_prints_a_secret_or_a_piece_of_one() {
    let dir = setup("secret-leaks");
    let base = [
        "p.policy",
        "--env",
        "a.env",
        "--env",
        "b.env",
        "--profile",
        "plain",
        "--notes",
    ];
    for format in ["human", "json", "sarif", "github"] {
        let mut args = vec!["check"];
        args.extend(base);
        args.extend(["--format", format]);
        let out = elpc(&dir, &args);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(text.len() > 1000, "{format}: {text}");
        assert_eq!(leaks(&text), Vec::<&str>::new(), "{format}:\n{text}");
        // The same run with --show-secrets prints them: the cases do reach the outputs.
        args.push("--show-secrets");
        let shown = String::from_utf8_lossy(&elpc(&dir, &args).stdout).into_owned();
        let found = leaks(&shown);
        assert!(found.len() >= 6, "{format} shows only {found:?}:\n{shown}");
    }
    // compile: the human diagnostics and the JSON diagnostics (the compiled `policy`,
    // `resolved` and `commands` carry secrets by design).
    let mut args = vec!["compile"];
    args.extend(base);
    let out = elpc(&dir, &args);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let seen = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stderr),
        doc["diagnostics"]
    );
    assert_eq!(leaks(&seen), Vec::<&str>::new(), "{seen}");
}

#[test]
fn hover_masks_values_built_from_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join(".env"), ENV_A).unwrap();
    let policy = root.join("p.policy");
    std::fs::write(&policy, POLICY).unwrap();
    std::fs::write(
        root.join("elpc.toml"),
        "[[policies]]\nfiles = [\"*.policy\"]\nenv = [\".env\"]\nprofile = \"plain\"\n",
    )
    .unwrap();
    let mut client = Client::start(&[]);
    client.initialize(&root, json!({}));
    client.open(&policy, POLICY);
    let policy_uri = uri(&policy);
    for (word, shift) in [
        ("!node_name", 2),
        ("!license_key.int", 2),
        ("!db_passwd[0:6]", 2),
    ] {
        let hover = client.result(
            "textDocument/hover",
            json!({"textDocument": {"uri": policy_uri}, "position": pos(POLICY, word, shift)}),
        );
        let text = hover["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .to_string();
        assert!(!text.is_empty(), "{word}: {hover}");
        assert_eq!(leaks(&text), Vec::<&str>::new(), "{word}: {text}");
    }
    let items = client.result(
        "textDocument/completion",
        json!({"textDocument": {"uri": policy_uri}, "position": pos(POLICY, "!node_name", 1)}),
    );
    assert_eq!(leaks(&items.to_string()), Vec::<&str>::new(), "{items}");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn ten_thousand_secrets_are_masked_in_bounded_time() {
    // 16.8 s before (every secret searched in every diagnostic), 0.4 s with --show-secrets.
    let dir = tempdir("many-secrets");
    let env: String = (0..10_000).map(|i| format!("A{i}_KEY=v-{i}\n")).collect();
    // And 10,000 secret lines that do not parse: one finding each, each quoting its line.
    let broken: String = (0..10_000)
        .map(|i| format!("B{i}_KEY val{i}ue\n"))
        .collect();
    std::fs::write(
        dir.join("big.env"),
        format!("NODE_TYPE=operator\n{env}{broken}"),
    )
    .unwrap();
    std::fs::write(
        dir.join("p.policy"),
        "{'config': {'ip': '1.2.3.4', 'port': '$A9999_KEY', 'rest_port': '$A42_KEY.int'}}",
    )
    .unwrap();
    let start = Instant::now();
    let out = elpc(
        dir.as_path(),
        &[
            "check", "p.policy", "--env", "big.env", "--notes", "--format", "json",
        ],
    );
    let took = start.elapsed();
    assert!(took < Duration::from_secs(20), "{took:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("`port` is `***`"), "{text}");
    assert!(
        !text.contains("v-9999") && !text.contains("v-42"),
        "a value is shown"
    );
    assert_eq!(text.matches("\"EL002\"").count(), 10_000);
    assert!(
        !text.contains("val9999ue"),
        "a broken secret line is quoted"
    );
}
