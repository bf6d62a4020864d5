//! Every script line of every policy in `tests/corpus/policies` (real policies, see
//! `tests/corpus/README.md`) through the command catalog: each line either matches a catalog
//! entry or gets a diagnostic. The snapshot lists, per line, the catalog entry it matched and
//! the diagnostics that point into it.

use std::path::Path;

use elpc::{compile, Input, Options, Target};

fn corpus_report(target: Target) -> (String, usize, usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/policies");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let mut options = Options::default();
    options.target = target;
    let (mut report, mut lines_seen, mut unmatched) = (String::new(), 0, 0);
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let c = compile(
            &Input {
                name: name.clone(),
                bytes,
            },
            &[],
            &options,
        );
        report.push_str(&format!("== {name}\n"));
        let Some(out) = &c.output else {
            report.push_str("   (no usable policy)\n");
            continue;
        };
        for line in &out.lines {
            let Some(command) = &line.command else {
                continue;
            };
            lines_seen += 1;
            let inside: Vec<_> = c
                .diagnostics
                .iter()
                .filter(|d| {
                    d.primary.span.file == line.span.file
                        && d.primary.span.start >= line.span.start
                        && d.primary.span.end <= line.span.end
                })
                .collect();
            let catalog = command.catalog();
            if catalog.is_none() {
                unmatched += 1;
                assert!(
                    !inside.is_empty(),
                    "{name}: `{}` matches no command and gets no diagnostic",
                    line.text
                );
            }
            let text: String = line.text.chars().take(100).collect();
            report.push_str(&format!(
                "  [{}] {} | {text}\n",
                line.index,
                catalog.unwrap_or("?")
            ));
            for d in inside {
                report.push_str(&format!(
                    "      {} {}: {}\n",
                    d.rule.code,
                    d.severity.as_str(),
                    d.message
                ));
            }
        }
    }
    (report, lines_seen, unmatched)
}

#[test]
fn every_corpus_script_line_matches_the_catalog_or_is_reported() {
    let (report, lines, unmatched) = corpus_report(Target::EdgeLake);
    assert!(lines > 350, "only {lines} script lines seen");
    insta::assert_snapshot!(
        "corpus-edgelake",
        format!("{lines} script lines, {unmatched} match no command\n{report}")
    );
}

#[test]
fn anylog_has_the_commands_edgelake_lacks() {
    let (report, _, _) = corpus_report(Target::AnyLog);
    assert!(!report.contains("EL402"));
    let (report, _, _) = corpus_report(Target::EdgeLake);
    assert!(report.contains("EL402"));
}
