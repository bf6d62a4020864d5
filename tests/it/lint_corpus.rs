//! Every corpus policy (`tests/corpus/policies`), checked against the env files of its node
//! type from `policies/`, with every finding snapshotted: a change in any rule shows here.

use std::fmt::Write as _;
use std::path::Path;

use elpc::{compile, Input, Options};

/// The example directory whose env files fit a policy, by the node type it names.
fn env_dir_for(name: &str, text: &str) -> &'static str {
    let hay = format!("{name} {text}").to_lowercase();
    for kind in ["master", "query", "operator"] {
        if hay.contains(&format!("'node_type': '{kind}'"))
            || hay.contains(&format!("\"node_type\": \"{kind}\""))
            || hay.contains(&format!("\"node_type\": '{kind}'"))
            || name.contains(&format!("{kind}_policy"))
        {
            return kind;
        }
    }
    "generic"
}

#[test]
fn corpus_policies_against_fitting_env_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("tests/corpus/policies");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 60);
    let mut report = String::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let kind = env_dir_for(&name, &String::from_utf8_lossy(&bytes));
        let env: Vec<Input> = [
            "base_configs.env",
            "advance_configs.env",
            "docker-makefiles.env",
        ]
        .iter()
        .map(|f| Input {
            name: format!("{kind}/{f}"),
            bytes: std::fs::read(root.join("policies").join(kind).join(f)).unwrap(),
        })
        .collect();
        let c = compile(
            &Input {
                name: name.clone(),
                bytes,
            },
            &env,
            &Options::default(),
        );
        writeln!(report, "## {name} [{kind}]").unwrap();
        for d in c.diagnostics.iter().filter(|d| d.primary.span.file.0 == 0) {
            let at = c
                .sources
                .get(d.primary.span.file)
                .line_col(d.primary.span.start);
            writeln!(
                report,
                "{} {} {}:{} {}",
                d.rule.code, d.rule.name, at.line, at.column, d.message
            )
            .unwrap();
        }
        let commands = c.output.as_ref().map_or(0, |o| o.commands.len());
        writeln!(report, "-> {commands} commands").unwrap();
    }
    insta::assert_snapshot!(report);
}
