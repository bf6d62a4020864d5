//! The session without the transport: hovers, completion and the workspace model.

use lsp_types::{Hover, HoverContents, Position, Url};

use super::position::Encoding;
use super::Session;

fn hover_text(h: Option<Hover>) -> String {
    match h.map(|h| h.contents) {
        Some(HoverContents::Markup(m)) => m.value,
        other => panic!("no markdown hover: {other:?}"),
    }
}

fn at(text: &str, needle: &str, shift: usize) -> Position {
    let i = text.find(needle).expect("needle") + shift;
    let line = text[..i].matches('\n').count() as u32;
    let start = text[..i].rfind('\n').map_or(0, |j| j + 1);
    Position::new(line, (i - start) as u32)
}

const POLICY: &str = "{'config': {'port': '!anylog_server_port.int', 'threads': '3',\n 'script': ['connect dbms x where password = !db_passwd and user = $DB_TOKEN', 'if !enable_ha == true then run streamer']}}\n";

fn session(dir: &std::path::Path, toml: Option<&str>) -> (Session, Url) {
    let url = |name: &str| Url::from_file_path(dir.join(name)).unwrap();
    if let Some(t) = toml {
        std::fs::write(dir.join("elpc.toml"), t).unwrap();
        std::fs::create_dir_all(dir.join("env")).unwrap();
        std::fs::write(
            dir.join("env/prod.env"),
            "NODE_TYPE=operator\nANYLOG_SERVER_PORT=40000\n",
        )
        .unwrap();
    }
    std::fs::write(
        dir.join("base_configs.env"),
        "NODE_TYPE=operator\nANYLOG_SERVER_PORT=32148\nDB_PASSWD=hunter2\nDB_TOKEN=abc\n",
    )
    .unwrap();
    let mut s = Session::new(Encoding::Utf16);
    s.did_open(url("p.policy"), POLICY.into(), 1);
    s.flush();
    (s, url("p.policy"))
}

#[test]
fn hovers_on_casts_keys_env_references_and_masked_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let (s, uri) = session(dir.path(), None);
    let cast = hover_text(s.hover(&uri, at(POLICY, ".int", 1)));
    assert!(
        cast.contains("cast **`.int`**") && cast.contains("`32148` (int)"),
        "{cast}"
    );
    let key = hover_text(s.hover(&uri, at(POLICY, "'threads'", 2)));
    assert!(key.contains("never read"), "{key}");
    let port = hover_text(s.hover(&uri, at(POLICY, "'port'", 2)));
    assert!(port.contains("the node uses: `32148`"), "{port}");
    let secret = hover_text(s.hover(&uri, at(POLICY, "!db_passwd", 2)));
    assert!(
        !secret.contains("hunter2") && secret.contains("masked"),
        "{secret}"
    );
    let token = hover_text(s.hover(&uri, at(POLICY, "$DB_TOKEN", 2)));
    assert!(
        !token.contains("abc") && token.contains("masked"),
        "{token}"
    );
    let line = hover_text(s.hover(&uri, at(POLICY, "connect dbms", 2)));
    assert!(!line.contains("hunter2"), "{line}");
    let folded = hover_text(s.hover(&uri, at(POLICY, "run streamer", 2)));
    assert!(folded.contains("**false**"), "{folded}");
}

#[test]
fn completion_offers_casts_and_keys() {
    let dir = tempfile::tempdir().unwrap();
    let (s, uri) = session(dir.path(), None);
    let casts = s.completion(&uri, at(POLICY, ".int", 1));
    assert!(casts.iter().any(|c| c.label == ".int"), "{casts:?}");
    let keys = s.completion(&uri, at(POLICY, "'threads'", 1));
    assert!(keys.iter().any(|c| c.label == "tcp_threads"), "{keys:?}");
}

#[test]
fn an_elpc_toml_group_picks_the_env_files() {
    let dir = tempfile::tempdir().unwrap();
    let toml = "[[policies]]\nfiles = [\"*.policy\"]\nenv = [\"env/prod.env\"]\n";
    let (s, uri) = session(dir.path(), Some(toml));
    let port = hover_text(s.hover(&uri, at(POLICY, "!anylog_server_port", 2)));
    assert!(
        port.contains("`40000`") && port.contains("prod.env:2"),
        "{port}"
    );
}

#[test]
fn an_elpc_toml_group_sets_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let url = Url::from_file_path(dir.path().join("p.policy")).unwrap();
    let policy = "{\"config\": {\"script\": [\"run data distributor\"]}}";
    let codes = |toml: &str| {
        std::fs::write(dir.path().join("elpc.toml"), toml).unwrap();
        let mut s = Session::new(Encoding::Utf16);
        s.did_open(url.clone(), policy.into(), 1);
        s.flush()
            .into_iter()
            .filter(|p| p.uri == url)
            .flat_map(|p| p.diagnostics)
            .filter_map(|d| match d.code {
                Some(lsp_types::NumberOrString::String(c)) => Some(c),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    assert!(codes("[[policies]]\nfiles = [\"*.policy\"]\n").contains(&"EL402".to_string()));
    assert!(
        !codes("[[policies]]\nfiles = [\"*.policy\"]\ntarget = \"anylog\"\n")
            .contains(&"EL402".to_string())
    );
}

#[test]
fn formatting_twice_keeps_characters_past_u_ffff() {
    // Formatting writes 😀 as the pair \ud83d\ude00; reading that pair back must give 😀 again
    // (it gave nothing, so the second format deleted characters from the document, issue 13).
    let dir = tempfile::tempdir().unwrap();
    let uri = Url::from_file_path(dir.path().join("p.policy")).unwrap();
    let mut s = Session::new(Encoding::Utf16);
    let mut text = "{'config': {'name': '😀 smile 𝄞', 'note': 'é'}}".to_string();
    s.did_open(uri.clone(), text.clone(), 1);
    s.flush();
    for version in 2..5 {
        let edits = s.formatting(&uri).unwrap();
        if let Some(edit) = edits.first() {
            text = edit.new_text.clone();
            s.did_change(
                &uri,
                version,
                vec![lsp_types::TextDocumentContentChangeEvent {
                    range: None,
                    range_length: None,
                    text: text.clone(),
                }],
            );
            s.flush();
        } else {
            break;
        }
    }
    assert!(text.contains(r"\ud83d\ude00 smile \ud834\udd1e"), "{text}");
    assert!(
        s.formatting(&uri).unwrap().is_empty(),
        "formatting is not idempotent"
    );
}
