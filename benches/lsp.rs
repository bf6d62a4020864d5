//! Re-check latency of the language server: a 10,000-line policy after a one-character edit,
//! through the same `Session::did_change` + `Session::flush` the stdio loop calls.

use criterion::{criterion_group, criterion_main, Criterion};
use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Url};

use elpc::lsp::position::Encoding;
use elpc::lsp::Session;
use elpc::{compile, Input, Options};

const LINES: usize = 10_000;
const BASE_ENV: &str =
    "NODE_TYPE=operator\nANYLOG_SERVER_PORT=32148\nANYLOG_REST_PORT=32149\nENABLE_HA=true\n";
const ADVANCE_ENV: &str = "START_DATE=7\n";

fn policy() -> String {
    let mut text = String::from(
        "{'config': {'name': 'big',\n    'port': '!anylog_server_port.int',\n    'rest_port': '!anylog_rest_port.int',\n    'script': [\n",
    );
    for i in 0..LINES - 6 {
        let line = match i % 4 {
            0 => format!("        'if !enable_ha == true then run data consumer where start_date=!start_date and n={i}',\n"),
            1 => format!("        'set v{i} = !start_date',\n"),
            2 => format!("        'run scheduler {i}',\n"),
            _ => format!("        'process !local_scripts/s{i}.al',\n"),
        };
        text.push_str(&line);
    }
    text.push_str("        'run streamer'\n    ]}}\n");
    text
}

fn recheck(c: &mut Criterion) {
    let dir = std::env::temp_dir().join("elpc-lsp-bench");
    let file = |name: &str| Url::from_file_path(dir.join(name)).expect("absolute path");
    let text = policy();
    assert_eq!(text.lines().count(), LINES);
    let mut session = Session::new(Encoding::Utf16);
    session.did_open(file("base_configs.env"), BASE_ENV.into(), 1);
    session.did_open(file("advance_configs.env"), ADVANCE_ENV.into(), 1);
    session.did_open(file("policy.policy"), text, 1);
    session.flush();

    // One character in the middle of the policy, replaced back and forth.
    let uri = file("policy.policy");
    let at = Position::new((LINES / 2) as u32, 8 + 1);
    let mut version = 1;
    c.bench_function("lsp recheck 10k-line policy after 1-char edit", |b| {
        b.iter(|| {
            version += 1;
            let change = TextDocumentContentChangeEvent {
                range: Some(Range::new(at, Position::new(at.line, at.character + 1))),
                range_length: None,
                text: if version % 2 == 0 { "x" } else { "s" }.into(),
            };
            session.did_change(&uri, version, vec![change]);
            let published = session.flush();
            assert_eq!(published.len(), 1);
            published
        })
    });
}

/// The library alone on the same text, to show what the server adds on top.
fn compile_only(c: &mut Criterion) {
    let envs = [
        Input::text("base_configs.env", BASE_ENV),
        Input::text("advance_configs.env", ADVANCE_ENV),
    ];
    let input = Input::text("policy.policy", policy());
    c.bench_function("compile 10k-line policy (library only)", |b| {
        b.iter(|| compile(&input, &envs, &Options::default()))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = compile_only, recheck
}
criterion_main!(benches);
