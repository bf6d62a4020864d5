//! A re-check that reuses the rest of the previous script run (after an edit that keeps the
//! text's layout, `crate::resolve::script_resume`) does so only when the run reaches the
//! previous run's state: here each overtype changes what every later line sees (a value, a
//! saved `if` result), and the session must still equal a full compile; the overtypes that
//! change nothing later must reuse.

use lsp_types::Url;

use super::diagnostics::for_file;
use super::position::Encoding;
use super::recheck_tests::{env_files, full_compile, replace, Rng};
use super::Session;
use crate::resolve::script_resume::REUSED;
use crate::source::FileId;

/// A policy whose later lines all read `!x` and the last `if`.
fn policy() -> String {
    let mut text = String::from("{'config': {'script': [\n        'x = 1',\n");
    for i in 0..40 {
        let line = match i % 4 {
            0 => "if !x == 1 then y = 2",
            1 => "do echo !x",
            2 => "else echo !y",
            _ => "echo !x !y",
        };
        text.push_str(&format!("        '{line}',\n"));
    }
    text.push_str("        'run scheduler 1'\n]}}\n");
    text
}

#[test]
fn reused_only_when_the_state_is_the_same() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let env: Vec<_> = env_files()
        .into_iter()
        .map(|(name, text)| (dir.path().join(name), text))
        .collect();
    let mut s = Session::new(Encoding::Utf16);
    for (path, text) in &env {
        s.did_open(Url::from_file_path(path).expect("abs"), text.clone(), 1);
    }
    let path = dir.path().join("reuse.policy");
    let uri = Url::from_file_path(&path).expect("absolute");
    let mut text = policy();
    s.did_open(uri.clone(), text.clone(), 1);
    s.flush();
    // (what is overtyped, its new character, whether later lines see a change)
    let x_value = text.find("x = 1").expect("x") + 4;
    let first_if = text.find("== 1").expect("if") + 3;
    // An echo in the middle (later copies to reuse): `ekho` is an unknown command.
    let middle_echo = text.match_indices("echo !x !y").nth(4).expect("echo").0 + 1;
    let edits = [
        (x_value, "9", true),
        (first_if, "9", true),
        (x_value, "1", true),
        (first_if, "1", true),
        (middle_echo, "k", false),
        (middle_echo, "c", false),
    ];
    for (version, (at, new, changes_later)) in edits.into_iter().enumerate() {
        let before = REUSED.with(std::cell::Cell::get);
        let change = replace(&mut text, at..at + 1, new.to_string());
        s.did_change(&uri, version as i32 + 2, vec![change]);
        let published = s.flush();
        let full = full_compile(&path, &text, &env);
        let analysis = s.policy_analysis(&uri).expect("an analysis");
        let at = format!("edit {version}, text:\n{text}");
        assert_eq!(
            analysis.compilation.diagnostics, full.compilation.diagnostics,
            "{at}"
        );
        assert_eq!(
            published[0].diagnostics,
            for_file(&full, FileId(0), Encoding::Utf16),
            "{at}"
        );
        let outputs = full.compilation.output.as_ref();
        assert_eq!(
            analysis.resolved_json(),
            outputs.map(|o| &o.resolved),
            "{at}"
        );
        let reused = REUSED.with(std::cell::Cell::get) > before;
        if !changes_later {
            assert!(reused, "{at}");
        }
    }
}

/// One ASCII character of a script string overtyped with another (the text keeps its length
/// and layout: the re-check may reuse the rest of the previous script run).
pub(super) fn overtype(rng: &mut Rng, text: &str) -> (std::ops::Range<usize>, String) {
    let places: Vec<usize> = text
        .match_indices("        '")
        .flat_map(|(i, _)| {
            let s = i + 9;
            let end = text[s..].find('\n').map_or(text.len(), |e| s + e);
            (s..end.saturating_sub(2)).filter(|&at| text.as_bytes()[at].is_ascii_graphic())
        })
        .collect();
    // Half the time an assignment's target or value: what later lines see changes.
    let assignments: Vec<usize> = places
        .iter()
        .filter(|&&at| text[at..].starts_with(" = "))
        .flat_map(|&at| [at - 1, at + 3])
        .filter(|&at| places.contains(&at))
        .collect();
    let places = if rng.below(2) == 0 && !assignments.is_empty() {
        assignments
    } else {
        places
    };
    const OVER: &[u8] = b"xr!=19 .'";
    match places.get(rng.below(places.len().max(1))) {
        Some(&at) => (
            at..at + 1,
            char::from(OVER[rng.below(OVER.len())]).to_string(),
        ),
        None => (0..0, String::new()),
    }
}
