//! The language server never stops on bad input (issue 13): each bad frame an editor, a proxy
//! or an attacker can send is answered (JSON-RPC -32700 / -32600 where it can be) and the next
//! well-formed hover is still answered. Over stdio, with the real binary.

use std::path::Path;

use serde_json::{json, Value};

use crate::lsp::{pos, uri, Client};

const POLICY: &str = "{'config': {'name': 'frames',\n 'port': '!anylog_server_port.int'}}\n";
const ENV: &str = "NODE_TYPE=operator\nANYLOG_SERVER_PORT=32148\n";

fn framed(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn start(dir: &Path) -> (Client, String) {
    std::fs::write(dir.join("base_configs.env"), ENV).unwrap();
    std::fs::write(dir.join("policy.policy"), POLICY).unwrap();
    let mut client = Client::start(&[]);
    client.initialize(dir, json!({}));
    let policy = dir.join("policy.policy");
    client.open(&policy, POLICY);
    (client, uri(&policy))
}

/// A hover on `!anylog_server_port` is answered with its value.
fn hover_is_answered(client: &mut Client, policy_uri: &str, after: &str) {
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": policy_uri}, "position": pos(POLICY, "!anylog_server_port", 3)}),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("32148"), "after {after}: {hover}");
}

/// The next error reply with `code`.
fn error_reply(client: &mut Client, code: i64, after: &str) -> Value {
    let reply = client.wait_for(after, |m| m["error"]["code"] == code);
    assert!(reply["error"]["message"].is_string(), "{reply}");
    reply
}

#[test]
fn every_bad_frame_is_answered_and_the_server_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let (mut client, policy_uri) = start(&root);
    hover_is_answered(&mut client, &policy_uri, "the start");

    let notification = r#"{"jsonrpc":"2.0","method":"$/elpc/none"}"#;
    // (what is sent, the error code it gets, what it is)
    let cases: Vec<(Vec<u8>, i64, &str)> = vec![
        (
            framed(r#"{"jsonrpc":"2.0","id":1000,"method""#),
            -32700,
            "malformed JSON",
        ),
        (
            format!("Content-Length: 12\r\n\r\n{notification}").into_bytes(),
            -32700,
            "a Content-Length that is too short",
        ),
        (
            format!("Content-Length: 900\r\n\r\n{notification}").into_bytes(),
            -32700,
            "a Content-Length that is too long",
        ),
        (
            format!("Content-Type: application/json\r\n\r\n{notification}").into_bytes(),
            -32700,
            "a missing Content-Length",
        ),
        (
            b"Content-Length: twelve\r\n\r\n".to_vec(),
            -32700,
            "a Content-Length that is not a number",
        ),
        (
            framed(r#"[{"jsonrpc":"2.0","id":1001,"method":"shutdown"}]"#),
            -32600,
            "a JSON batch",
        ),
        (
            framed(r#"{"jsonrpc":"2.0","id":{"x":1},"method":"x"}"#),
            -32600,
            "an object id",
        ),
        (
            framed(r#"{"jsonrpc":"2.0","id":1099511627776,"method":"x"}"#),
            -32600,
            "a 41-bit id",
        ),
        (framed("42"), -32600, "JSON that is no message"),
        (
            b"Content-Length: 99999999999\r\n\r\n{}".to_vec(),
            -32700,
            "Content-Length: 99999999999",
        ),
        (
            b"Content-Length: 3000000000\r\n\r\n{}".to_vec(),
            -32700,
            "Content-Length: 3000000000",
        ),
    ];
    for (bytes, code, what) in cases {
        client.send_raw(&bytes);
        // The hover goes first: a Content-Length that is too long is only found out when the
        // next message arrives.
        hover_is_answered(&mut client, &policy_uri, what);
        error_reply(&mut client, code, what);
        assert!(client.is_running(), "after {what}");
    }

    // A lone surrogate escape in a didChange: taken as U+FFFD (one UTF-16 unit, like the
    // surrogate), so the document stays in step with the editor.
    let change = r#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"URI","version":2},"contentChanges":[{"range":{"start":{"line":0,"character":20},"end":{"line":0,"character":26}},"text":"fr\udcffmes"}]}}"#
        .replace("URI", &policy_uri);
    client.send_raw(&framed(&change));
    hover_is_answered(&mut client, &policy_uri, "a lone surrogate");

    // After shutdown: requests get an error, notifications are ignored, exit ends it with 0.
    let r = client.request("shutdown", Value::Null);
    assert!(r.get("error").is_none(), "{r}");
    let late = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": policy_uri}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(late["error"]["code"], -32600, "{late}");
    client.send_raw(&framed("{oops"));
    error_reply(&mut client, -32700, "bad JSON after shutdown");
    assert!(client.is_running());
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), 0);
}

#[test]
fn special_files_in_the_workspace_never_block_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join("env.env"), ENV).unwrap();
    // `/dev/stdin` is the server's own protocol stream; `/dev/zero` never ends.
    std::fs::write(
        root.join("elpc.toml"),
        "[[policies]]\nfiles = [\"*.policy\"]\nenv = [\"env.env\", \"/dev/stdin\", \"/dev/zero\", \"fifo.env\", \"huge.env\"]\n",
    )
    .unwrap();
    // 3 GiB of holes: refused from its size, never read (it was read on every re-check).
    let huge = std::fs::File::create(root.join("huge.env")).unwrap();
    huge.set_len(3 << 30).unwrap();
    #[cfg(unix)]
    for fifo in ["fifo.env", "other.policy"] {
        let c = std::ffi::CString::new(root.join(fifo).to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    }
    let (mut client, policy_uri) = start(&root);
    let diags = client.diagnostics(&policy_uri, |d| {
        d.iter().filter(|d| d["code"] == "EL004").count() >= 3
    });
    let messages: Vec<&str> = diags.iter().filter_map(|d| d["message"].as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`/dev/zero` is a character device")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("huge.env` is 3072 MiB")),
        "{messages:?}"
    );
    hover_is_answered(&mut client, &policy_uri, "special env files");
    // Find-references reads the other `*.policy` files beside the env files: a FIFO among
    // them is refused, not waited on.
    let refs = client.result(
        "textDocument/references",
        json!({"textDocument": {"uri": policy_uri}, "position": pos(POLICY, "!anylog_server_port", 3),
               "context": {"includeDeclaration": true}}),
    );
    assert!(refs.as_array().is_some_and(|r| !r.is_empty()), "{refs}");
    hover_is_answered(&mut client, &policy_uri, "find-references");
    assert_eq!(client.shutdown(), 0);
}
