//! The language server treats `*.al` files as documents: diagnostics from interpreting the
//! script, hover with the values it leaves, and go to definition across `goto`/`call` (the
//! label) and `process` (the file), driven over stdio like an editor.

use serde_json::json;

use crate::lsp::{pos, uri, Client};

const ENV: &str = "NODE_TYPE=operator\nCOMPANY_NAME=Acme\n";

const MAIN: &str = "on error call failed
company = $COMPANY_NAME
process /app/deployment-scripts/sub.al
goto done
print \"skipped\"
:done:
frobnicate the node
end script
:failed:
echo \"failed\"
return
";

const SUB: &str = "greeting = hello + - + !company
";

#[test]
fn an_al_script_is_checked_hovered_and_navigated() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir(root.join("scripts")).unwrap();
    std::fs::write(root.join("base_configs.env"), ENV).unwrap();
    std::fs::write(root.join("scripts/sub.al"), SUB).unwrap();
    std::fs::write(root.join("main.al"), MAIN).unwrap();
    std::fs::write(
        root.join("elpc.toml"),
        "[[policies]]\nfiles = [\"*.al\"]\nenv = [\"base_configs.env\"]\npath_map = [\"/app/deployment-scripts=scripts\"]\n",
    )
    .unwrap();
    let main = root.join("main.al");
    let main_uri = uri(&main);

    let mut client = Client::start(&[]);
    client.initialize(&root, json!({}));
    client.open(&main, MAIN);

    // The unknown command is handled by `on error call`: a warning at its own line.
    let diags = client.diagnostics(&main_uri, |d| !d.is_empty());
    let handled = diags
        .iter()
        .find(|d| d["code"] == "EL502")
        .unwrap_or_else(|| panic!("no EL502 in {diags:#?}"));
    assert_eq!(handled["range"]["start"], pos(MAIN, "frobnicate", 0));
    assert_eq!(handled["severity"], 2);

    // Hover a variable: the value the script leaves, from the env file.
    let hover = client.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_uri}, "position": pos(MAIN, "$COMPANY_NAME", 2)}),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("Acme"), "{text}");

    // Go to definition: `goto done` lands on the label, `process` on the file it reads.
    let label = client.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": main_uri}, "position": pos(MAIN, "goto done", 6)}),
    );
    assert_eq!(label[0]["uri"], main_uri.as_str());
    assert_eq!(label[0]["range"]["start"], pos(MAIN, ":done:", 0));
    let file = client.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": main_uri}, "position": pos(MAIN, "sub.al", 1)}),
    );
    assert_eq!(file[0]["uri"], uri(&root.join("scripts/sub.al")).as_str());

    assert_eq!(client.shutdown(), 0);
}

/// A `goto` run twice (its subroutine is called twice), and a `goto` no boot path takes.
const PATHS: &str = "call check
call check
if $NODE_TYPE == master then goto elsewhere
end script
:elsewhere:
print \"elsewhere\"
end script
:check:
goto done
:done:
return
";

#[test]
fn go_to_definition_in_a_script_answers_each_label_once_taken_or_not() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let script = root.join("paths.al");
    std::fs::write(&script, PATHS).unwrap();
    let script_uri = uri(&script);
    let mut client = Client::start(&[]);
    client.initialize(&root, json!({}));
    client.open(&script, PATHS);
    client.diagnostics(&script_uri, |_| true);

    let done = client.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": script_uri}, "position": pos(PATHS, "goto done", 6)}),
    );
    assert_eq!(done.as_array().map(Vec::len), Some(1), "{done:#}");
    assert_eq!(done[0]["range"]["start"], pos(PATHS, ":done:", 0));

    // `$NODE_TYPE` is unset, so `goto elsewhere` never runs; the label is still its target.
    let elsewhere = client.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": script_uri}, "position": pos(PATHS, "goto elsewhere", 7)}),
    );
    assert_eq!(elsewhere.as_array().map(Vec::len), Some(1), "{elsewhere:#}");
    assert_eq!(elsewhere[0]["range"]["start"], pos(PATHS, ":elsewhere:", 0));

    // A word after `print` is not a jump.
    let none = client.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": script_uri}, "position": pos(PATHS, "\"elsewhere\"", 2)}),
    );
    assert_eq!(none, json!([]), "{none:#}");
    assert_eq!(client.shutdown(), 0);
}
