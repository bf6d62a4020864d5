//! `elpc lsp` driven over stdio with JSON-RPC, as an editor would: the real binary, a tiny
//! Content-Length framed client, and a timeout on every wait so a broken server fails the test
//! instead of hanging it.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(20);

/// An editor's side of the protocol (also used by `lsp_frames`).
pub(crate) struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: u64,
    /// Messages read while waiting for something else.
    backlog: Vec<Value>,
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    pub(crate) fn start(envs: &[(&str, &str)]) -> Client {
        let mut command = Command::new(env!("CARGO_BIN_EXE_elpc"));
        command
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in envs {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("elpc starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            messages: rx,
            next_id: 1,
            backlog: Vec::new(),
        }
    }

    pub(crate) fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Writes bytes as they are, framed or not.
    pub(crate) fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    pub(crate) fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Waits for the first message matching `pred` (earlier unmatched ones are kept).
    pub(crate) fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(m) if pred(&m) => return m,
                Ok(m) => self.backlog.push(m),
                Err(_) => panic!("timed out waiting for {what}; got {:#?}", self.backlog),
            }
        }
    }

    pub(crate) fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let response = self.wait_for(method, |m| m["id"] == id && m.get("method").is_none());
        response
    }

    pub(crate) fn result(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// The next diagnostics published for `uri` that satisfy `pred`.
    pub(crate) fn diagnostics(&mut self, uri: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let uri = uri.to_string();
        let message = self.wait_for("publishDiagnostics", |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri.as_str()
                && pred(m["params"]["diagnostics"].as_array().map_or(&[], |a| a))
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub(crate) fn initialize(&mut self, root: &Path, capabilities: Value) -> Value {
        let result = self.result(
            "initialize",
            json!({"processId": null, "rootUri": uri(root), "capabilities": capabilities}),
        );
        self.notify("initialized", json!({}));
        result
    }

    pub(crate) fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "elpc", "version": 1, "text": text}}),
        );
    }

    /// shutdown, exit, and the exit code.
    pub(crate) fn shutdown(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        self.exit_code()
    }

    /// True while the server process runs.
    pub(crate) fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Waits for the server to exit (after `exit` was sent) and returns its exit code.
    pub(crate) fn exit_code(mut self) -> i32 {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("elpc lsp did not exit after `exit`");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

pub(crate) fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The 0-based line and UTF-16 column of `needle` (plus `shift` characters) in `text`.
pub(crate) fn pos(text: &str, needle: &str, shift: usize) -> Value {
    let at = text.find(needle).expect("needle in text") + shift;
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let col: usize = text[start..at].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": col})
}

const BASE: &str = "NODE_TYPE=operator\nANYLOG_SERVER_PORT=32148\nENABLE_HA=true\nSTART_DATE=30\n";
const ADVANCE: &str = "START_DATE=7\n";
const POLICY: &str = "{'config': {'name': 'lsp-test',
    'port': '!anylog_server_port.int',
    'script': [
        'run scheduler 1',
        'if !enable_ha == true then run data distributor where start = !start_date',
        'if !enable_ha == true then run data consumer where start_date=!start_data'
    ]}}
";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base_configs.env"), BASE).unwrap();
    std::fs::write(dir.path().join("advance_configs.env"), ADVANCE).unwrap();
    std::fs::write(dir.path().join("policy.policy"), POLICY).unwrap();
    dir
}

#[test]
fn an_editor_session_from_typo_to_fix() {
    let dir = workspace();
    let root = dir.path().canonicalize().unwrap();
    let policy = root.join("policy.policy");
    let policy_uri = uri(&policy);
    let base_uri = uri(&root.join("base_configs.env"));
    let advance_uri = uri(&root.join("advance_configs.env"));

    let mut client = Client::start(&[]);
    let init = client.initialize(&root, json!({}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "elpc");

    // didOpen a policy with a typo: the undefined variable is reported with its fix.
    client.open(&policy, POLICY);
    let diags = client.diagnostics(&policy_uri, |d| !d.is_empty());
    let before = diags.len();
    let typo = diags
        .iter()
        .find(|d| d["code"] == "EL201")
        .unwrap_or_else(|| panic!("no EL201 in {diags:#?}"))
        .clone();
    assert_eq!(typo["source"], "elpc");
    assert_eq!(typo["severity"], 1);
    assert!(
        typo["message"].as_str().unwrap().contains("start_date"),
        "{typo}"
    );
    assert_eq!(typo["range"]["start"], pos(POLICY, "!start_data", 0));
    assert_eq!(typo["data"]["rule"], "undefined-variable");

    // Hover a variable: its value and where it came from (base, overridden by advance), and
    // what the script line does.
    let at = pos(POLICY, "!start_date", 3);
    let hover = client.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": policy_uri}, "position": at}),
    );
    let text = hover["contents"]["value"].as_str().unwrap().to_string();
    assert!(text.contains("`-7d`"), "{text}");
    assert!(
        text.contains("`base_configs.env:4`, overridden by `advance_configs.env:1`"),
        "{text}"
    );
    assert!(text.contains("`if` is **true** now"), "{text}");
    assert!(
        text.contains("run data distributor where start = -7d"),
        "{text}"
    );

    // Go to definition: the env line that wins first, then the one it overrode.
    let defs = client.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": policy_uri}, "position": at}),
    );
    let defs = defs.as_array().unwrap();
    assert_eq!(defs.len(), 2, "{defs:#?}");
    assert_eq!(defs[0]["uri"], advance_uri.as_str());
    assert_eq!(
        defs[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    assert_eq!(defs[1]["uri"], base_uri.as_str());
    assert_eq!(
        defs[1]["range"]["start"],
        json!({"line": 3, "character": 0})
    );

    // Complete a variable name after `!start_`.
    let items = client.result(
        "textDocument/completion",
        json!({"textDocument": {"uri": policy_uri}, "position": pos(POLICY, "!start_data", 7)}),
    );
    let items = items.as_array().unwrap();
    let start_date = items
        .iter()
        .find(|i| i["label"] == "start_date")
        .unwrap_or_else(|| panic!("no start_date in {items:#?}"));
    assert_eq!(start_date["detail"], "-7d");

    // The code action applies the "did you mean" edit.
    let actions = client.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": policy_uri}, "range": typo["range"],
               "context": {"diagnostics": [typo]}}),
    );
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "quickfix" && a["isPreferred"] == true)
        .unwrap_or_else(|| panic!("no fix in {actions:#?}"))
        .clone();
    let edit = &fix["edit"]["changes"][policy_uri.as_str()][0];
    assert_eq!(edit["newText"], "!start_date");
    assert_eq!(edit["range"], typo["range"]);
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert!(titles.iter().any(|t| t.contains("Suppress")), "{titles:?}");
    assert!(
        titles.contains(&"Convert to canonical strict JSON"),
        "{titles:?}"
    );

    // Apply it (an incremental change) and the error is gone.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": policy_uri, "version": 2},
               "contentChanges": [{"range": edit["range"], "text": edit["newText"]}]}),
    );
    let diags = client.diagnostics(&policy_uri, |d| !d.iter().any(|d| d["code"] == "EL201"));
    // Only the typo's finding is gone; the others (AnyLog-only commands, ...) stay.
    assert_eq!(diags.len(), before - 1, "{diags:#?}");

    // Edit the env file in the editor (unsaved): the policy is re-checked against it, and the
    // new diagnostic points into the env file.
    client.open(&root.join("advance_configs.env"), ADVANCE);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": advance_uri, "version": 2},
               "contentChanges": [{"text": "START_DATE=7\nANYLOG_SERVER_PORT=70000\n"}]}),
    );
    let diags = client.diagnostics(&policy_uri, |d| d.iter().any(|d| d["code"] == "EL301"));
    let port = diags.iter().find(|d| d["code"] == "EL301").unwrap();
    let related = &port["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], advance_uri.as_str());
    assert_eq!(related["location"]["range"]["start"]["line"], 1);

    // Find references from the env key: every use in the policy.
    let refs = client.result(
        "textDocument/references",
        json!({"textDocument": {"uri": advance_uri}, "position": {"line": 0, "character": 2},
               "context": {"includeDeclaration": false}}),
    );
    let refs = refs.as_array().unwrap();
    assert_eq!(refs.len(), 2, "{refs:#?}");
    assert!(refs.iter().all(|r| r["uri"] == policy_uri.as_str()));

    assert_eq!(client.shutdown(), 0);
}

#[test]
fn utf8_positions_formatting_and_a_panicking_handler() {
    let dir = workspace();
    let root = dir.path().canonicalize().unwrap();
    let mut client = Client::start(&[("ELPC_LSP_PANIC_REQUEST", "1")]);
    let init = client.initialize(
        &root,
        json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");

    // A name with a 2-byte character before the typo: UTF-8 columns count bytes.
    let policy = root.join("wide.policy");
    let text = "{'config': {'name': 'é', 'script': ['run x where a=!start_data']}}";
    client.open(&policy, text);
    let diags = client.diagnostics(&uri(&policy), |d| d.iter().any(|d| d["code"] == "EL201"));
    let typo = diags.iter().find(|d| d["code"] == "EL201").unwrap();
    let byte_col = text.find("!start_data").unwrap();
    assert_eq!(typo["range"]["start"]["character"], byte_col);

    // A panic inside a handler is an error response, and the server keeps serving.
    let response = client.request("elpc/debugPanic", Value::Null);
    assert_eq!(response["error"]["code"], -32603, "{response}");
    let formatted = client.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri(&policy)}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let new_text = formatted[0]["newText"].as_str().unwrap();
    assert!(new_text.starts_with("{\n  \"config\": {\n"), "{new_text}");
    assert!(new_text.contains("\\u00e9"), "{new_text}");

    // A policy with comments is left alone, with a message saying why.
    let commented = root.join("commented.policy");
    client.open(&commented, "{'config': {'name': 'x'}} # keep me\n");
    let formatted = client.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri(&commented)}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(formatted, json!([]));
    let message = client.wait_for("showMessage", |m| m["method"] == "window/showMessage");
    assert!(
        message["params"]["message"]
            .as_str()
            .unwrap()
            .contains("comments"),
        "{message}"
    );
    assert_eq!(client.shutdown(), 0);
}

/// Helm values files are env sources in the editor too (issue 12): the values file gets its
/// findings at YAML positions, and hover and go-to-definition lead from `!anylog_server_port`
/// to the values line that set it (and the chart default it overrode).
#[test]
fn helm_values_files_are_env_sources_in_the_editor() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/kubernetes-operator");
    let chart = std::fs::read_to_string(root.join("values.yaml")).unwrap();
    let example = "node_configs:\n  networking:\n    ANYLOG_SERVER_PORT: 32448\n";
    std::fs::write(dir.path().join("values.yaml"), &chart).unwrap();
    std::fs::write(dir.path().join("node.yaml"), example).unwrap();
    std::fs::write(
        dir.path().join("elpc.toml"),
        "[[policies]]\nfiles = [\"*.policy\"]\nvalues = [\"values.yaml\", \"node.yaml\"]\n",
    )
    .unwrap();
    let policy = "{'config': {'ip': '!external_ip', 'port': '!anylog_server_port.int', 'rest_port': '!anylog_rest_port.int'}}";
    let policy_path = dir.path().join("node.policy");
    std::fs::write(&policy_path, policy).unwrap();

    let mut client = Client::start(&[]);
    client.initialize(dir.path(), json!({}));
    let values_path = dir.path().join("values.yaml");
    client.open(&values_path, &chart);
    let diags = client.diagnostics(&uri(&values_path), |d| !d.is_empty());
    let legacy = diags
        .iter()
        .find(|d| d["code"] == "EL105")
        .expect("LOCAL_SCRIPTS finding in values.yaml");
    assert_eq!(
        legacy["range"]["start"],
        pos(&chart, "/app/deployment-scripts/node-deployment", 0)
    );

    client.open(&policy_path, policy);
    client.diagnostics(&uri(&policy_path), |_| true);
    let at = pos(policy, "!anylog_server_port", 3);
    let hover = client.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&policy_path)}, "position": at}),
    );
    let text = hover["contents"]["value"].as_str().unwrap().to_string();
    assert!(text.contains("32448"), "{text}");
    assert!(text.contains("node.yaml:3"), "{text}");
    assert!(text.contains("values.yaml:"), "{text}");
    let defs = client.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&policy_path)}, "position": at}),
    );
    let defs = defs.as_array().unwrap();
    assert_eq!(defs[0]["uri"], uri(&dir.path().join("node.yaml")).as_str());
    assert_eq!(
        defs[0]["range"]["start"],
        pos(example, "ANYLOG_SERVER_PORT", 0)
    );
    assert!(
        defs.iter().any(|d| d["uri"] == uri(&values_path).as_str()),
        "the overridden chart default: {defs:#?}"
    );
    assert_eq!(client.shutdown(), 0);
}
