//! Every `.al` script of the corpus (`tests/corpus/scripts`, see its README) interpreted as
//! `elpc check FILE.al --scripts tests/fixtures/deployment-scripts` does, against the operator
//! env files of `policies/operator/`: none may crash or hang, and the findings in each file,
//! with how it ends, are snapshotted.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use elpc::disk::DiskFiles;
use elpc::{compile_script, Input, Mapping, Options, PathMap};

#[test]
fn every_corpus_script_is_interpreted_and_its_findings_are_snapshotted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(root.join("tests/corpus/scripts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "al"))
        .collect();
    files.sort();
    assert!(files.len() >= 180, "{} scripts", files.len());
    let env: Vec<Input> = [
        "base_configs.env",
        "advance_configs.env",
        "docker-makefiles.env",
    ]
    .iter()
    .map(|f| Input {
        name: format!("operator/{f}"),
        bytes: std::fs::read(root.join("policies/operator").join(f)).unwrap(),
    })
    .collect();
    // The shipped env files point LOCAL_SCRIPTS at the legacy layout; the scripts are checked
    // on the layout they were written for as far as main.al goes, so it is reset here.
    let mut env = env;
    env.push(Input::text(
        "current-layout.env",
        "LOCAL_SCRIPTS=/app/deployment-scripts\n",
    ));
    // Options grows (#[non_exhaustive]): set fields on the default.
    let mut options = Options::default();
    options.path_map = PathMap {
        mappings: vec![Mapping {
            node_dir: "/app/deployment-scripts".into(),
            local_dir: root.join("tests/fixtures/deployment-scripts"),
        }],
        files: Some(Arc::new(DiskFiles)),
    };
    options.scripts = Some("/app/deployment-scripts".into());
    let mut report = String::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let input = Input {
            name: name.clone(),
            bytes: std::fs::read(&path).unwrap(),
        };
        let c = compile_script(&input, &env, &options);
        let run = c.script.as_ref().expect("a script run");
        let mut ends: Vec<i32> = run.outcomes.clone();
        ends.sort();
        writeln!(
            report,
            "## {name}\n   ends {ends:?}, runs {} commands",
            run.commands.len()
        )
        .unwrap();
        for d in c.diagnostics.iter().filter(|d| d.primary.span.file.0 == 0) {
            let at = c
                .sources
                .get(d.primary.span.file)
                .line_col(d.primary.span.start);
            writeln!(
                report,
                "   {} {} {}:{} {}",
                d.rule.code,
                d.severity.as_str(),
                at.line,
                at.column,
                d.message
            )
            .unwrap();
        }
    }
    insta::assert_snapshot!(report);
}
