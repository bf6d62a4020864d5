//! The README tells the truth: its quick-start command prints the summary it quotes, its rule
//! table is the rule catalog, and the editor configuration it shows is the one shipped. (Its
//! Rust example is a doctest of the crate, `src/lib.rs`.)

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).unwrap()
}

/// The code blocks of a Markdown text with their language, in order.
fn code_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in text.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(lang)) => open = Some((lang.trim().to_string(), String::new())),
            (Some(_), Some(_)) => blocks.push(open.take().unwrap()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

#[test]
fn the_quick_start_prints_what_the_readme_says() {
    let text = readme();
    let quick_start = &text[..text.find("## What it does").unwrap()];
    let command = code_blocks(quick_start)
        .into_iter()
        .flat_map(|(_, body)| body.lines().map(str::to_string).collect::<Vec<_>>())
        .find(|l| l.starts_with("elpc compile "))
        .expect("the quick start compiles the example");
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let out = Command::new(env!("CARGO_BIN_EXE_elpc"))
        .current_dir(root())
        .args(&args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // "It exits with 1 because there are errors."
    assert!(quick_start.contains("It exits with 1"));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // The summary line the README quotes, word for word.
    let quoted = quick_start
        .split('`')
        .find(|s| s.contains(" errors, ") && s.contains(" notes"))
        .expect("the README quotes the summary");
    assert!(
        stderr.lines().any(|l| l == quoted),
        "the README quotes `{quoted}`; elpc prints:\n{}",
        stderr.lines().last().unwrap_or("")
    );
    // The findings it names.
    for (finding, needle) in [
        ("EL201", "`!start_data` is not defined"),
        ("EL306", "`threads`"),
        ("EL306", "`broker_threads`"),
        ("EL306", "`rest_timeout`"),
        ("EL402", "`run data distributor`"),
        ("EL105", "`LOCAL_SCRIPTS`"),
    ] {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(&format!("[{finding}]")) && l.contains(needle)),
            "{finding} {needle} missing:\n{stderr}"
        );
    }
    assert!(stderr.contains("did you mean `start_date`"), "{stderr}");
    // "The compiled document is printed when standard output is a pipe or a file."
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["commands"].as_array().is_some_and(|c| !c.is_empty()));
}

#[test]
fn the_rule_table_is_the_rule_catalog() {
    let text = readme();
    let rows: Vec<Vec<String>> = text
        .lines()
        .filter(|l| l.starts_with("| EL"))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().replace("\\|", "|"))
                .collect()
        })
        .collect();
    let rules: Vec<Vec<String>> = elpc::rules()
        .iter()
        .map(|r| {
            vec![
                r.code.to_string(),
                r.name.to_string(),
                r.severity.as_str().to_string(),
                r.summary.to_string(),
            ]
        })
        .collect();
    assert_eq!(
        rows, rules,
        "regenerate the README table from `elpc explain`"
    );
}

#[test]
fn the_helix_configuration_shown_is_the_one_shipped() {
    let shipped = std::fs::read_to_string(root().join("editors/helix/languages.toml")).unwrap();
    let shipped: String = shipped
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let text = readme();
    let helix = &text[text.find("**Helix**").unwrap()..];
    let (_, shown) = code_blocks(helix)
        .into_iter()
        .find(|(lang, _)| lang == "toml")
        .unwrap();
    assert_eq!(shown.trim(), shipped.trim());
}
