//! The library as a dependent uses it: secrets masked by default, the JSON document.

use elpc::{compile, Input, Options};

const POLICY: &str = "{'config': {'port': '!anylog_server_port.int', 'script': ['connect dbms x where password = !db_passwd']}}";
const ENV: &str =
    "NODE_TYPE=operator\nANYLOG_SERVER_PORT=32148\nDB_PASSWD=hunter2x\nDB_PASSWD=hunter2x\n";

fn diagnostics_text(show_secrets: bool) -> String {
    // Options is #[non_exhaustive]: dependents set fields on the default.
    let mut options = Options::default();
    options.show_secrets = show_secrets;
    let c = compile(
        &Input::text("p.policy", POLICY),
        &[Input::text("base.env", ENV)],
        &options,
    );
    let env_text = c.sources.get(elpc::FileId(1)).text().to_string();
    format!("{}\n{env_text}", c.to_json()["diagnostics"])
}

#[test]
fn library_masks_secrets_unless_asked() {
    let masked = diagnostics_text(false);
    assert!(masked.contains("DB_PASSWD"), "{masked}");
    assert!(!masked.contains("hunter2x"), "{masked}");
    let shown = diagnostics_text(true);
    assert!(shown.contains("hunter2x"), "{shown}");
}

#[test]
fn to_json_is_the_compile_document() {
    let c = compile(
        &Input::text("p.policy", POLICY),
        &[Input::text("base.env", ENV)],
        &Options::default(),
    );
    let doc = c.to_json();
    for key in ["policy", "resolved", "servers", "commands", "diagnostics"] {
        assert!(doc.get(key).is_some(), "{key} missing: {doc}");
    }
    assert_eq!(doc["resolved"]["config"]["port"], 32148);
    let duplicate = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "EL102")
        .expect("the duplicate key is reported");
    assert_eq!(duplicate["file"], "base.env");
    assert_eq!(duplicate["line"], 4);
}
