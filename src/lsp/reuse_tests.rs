//! A re-check that reuses the rest of the previous script run (after an edit that keeps the
//! text's layout, `crate::resolve::script_resume`) does so only when the run reaches the
//! previous run's state: here each overtype changes what every later line sees (a value, a
//! saved `if` result), and the session must still equal a full compile; the overtypes that
//! change nothing later must reuse. The same holds for edits that change the text's length
//! (characters typed and deleted, one to four bytes, and line breaks added and removed),
//! after which the reused records' spans are moved.

use lsp_types::Url;

use super::diagnostics::for_file;
use super::position::Encoding;
use super::recheck_tests::{env_files, full_compile, replace, Rng};
use super::Session;
use crate::resolve::script_resume::REUSED;
use crate::source::FileId;

/// A policy whose later lines all read `!x` and the last `if` (its `else` stops the list on
/// the node: the later lines are unreachable); with `assigning`, every fourth line assigns a
/// new variable instead, every eighth line does not tokenize (a finding of the script run)
/// and every line runs (the states copied after an edit then hold spans
/// that the edit moves).
fn policy(assigning: bool) -> String {
    let mut text = String::from("{'config': {'script': [\n        'x = 1',\n");
    for i in 0..40 {
        let z = format!("z{i} = {i}");
        let line = match i % 4 {
            0 if assigning => &z,
            1 if assigning => "if !x == 1 then y = 2",
            2 if assigning && i % 8 == 6 => "echo !y \"open",
            2 if assigning => "echo !y",
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
    let mut text = policy(false);
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

/// The session's analysis equals a full compile of `text`: findings, published diagnostics,
/// the `resolved` output, and the script's records (spans included; the session builds the
/// command list only when asked).
pub(super) fn assert_same_as_full(
    s: &Session,
    uri: &Url,
    published: &[lsp_types::PublishDiagnosticsParams],
    full: &super::analysis::Analysis,
    at: &str,
) {
    let analysis = s.policy_analysis(uri).expect("an analysis");
    assert_eq!(
        analysis.compilation.diagnostics, full.compilation.diagnostics,
        "{at}"
    );
    let ours = published.iter().find(|p| &p.uri == uri).expect("published");
    assert_eq!(
        ours.diagnostics,
        for_file(full, FileId(0), Encoding::Utf16),
        "{at}"
    );
    assert_eq!(analysis.compilation.syntax, full.compilation.syntax, "{at}");
    let words = full.compilation.syntax.as_ref();
    let words = words.map(|p| crate::secrets::PolicyWords::of(&p.root));
    assert_eq!(analysis.words, words, "{at}");
    let (mine, theirs) = (&analysis.compilation.output, &full.compilation.output);
    assert_eq!(
        mine.as_ref().map(|o| &o.lines),
        theirs.as_ref().map(|o| &o.lines),
        "{at}"
    );
    let outputs = theirs.as_ref();
    assert_eq!(
        analysis.resolved_json(),
        outputs.map(|o| &o.resolved),
        "{at}"
    );
}

/// Characters of one to four bytes (one or two UTF-16 units) typed at every place of a
/// middle line's command word and deleted again, and a line break added after that line and
/// removed: the text's length (and in the last case its line count) changes, nothing the
/// later lines see does, so every re-check reuses the later run, with its spans moved; and a
/// character typed into the value every later line reads, which must not be reused.
#[test]
fn reused_after_typing_and_deleting() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let env: Vec<_> = env_files()
        .into_iter()
        .map(|(name, text)| (dir.path().join(name), text))
        .collect();
    let mut s = Session::new(Encoding::Utf16);
    for (path, text) in &env {
        s.did_open(Url::from_file_path(path).expect("abs"), text.clone(), 1);
    }
    let path = dir.path().join("typing.policy");
    let uri = Url::from_file_path(&path).expect("absolute");
    let mut text = policy(true);
    s.did_open(uri.clone(), text.clone(), 1);
    s.flush();
    // Two places: a middle line's command word (counted from the start) and a later one's
    // (from the end), so that the second edit reuses copies the first one moved.
    let echoes: Vec<usize> = text.match_indices("echo !x !y").map(|(i, _)| i).collect();
    let zs: Vec<usize> = text
        .match_indices(" = ")
        .filter(|(i, _)| {
            text[..*i]
                .rsplit('\'')
                .next()
                .is_some_and(|l| l.starts_with('z'))
        })
        .map(|(i, _)| i + 2)
        .collect();
    let line_end = |text: &str, at: usize| at + text[at..].find('\n').expect("a line end");
    // (places from the start, from the end, what is typed, whether later lines see a change)
    let mut edits: Vec<(usize, usize, &str, bool)> = Vec::new();
    // Four pairs of lines, each at another distance from the copies.
    for k in 1..5 {
        let (a, b) = (echoes[k], text.len() - echoes[k + 4]);
        for at in [5, 7, 10] {
            for c in ["k", "é", "日", "😀"] {
                edits.push((a + at, b - at, c, false));
            }
        }
        let a_end = line_end(&text, a);
        edits.push((a_end, b - 1, "\n", false));
        edits.push((a_end, b - 2, "\n\n        \n", false));
        // A space after an assignment's `=`: the same value, from a line whose span moves.
        let (za, zb) = (zs[k], text.len() - zs[k + 4]);
        edits.push((za, zb, " ", false));
    }
    let b = text.len() - echoes[8];
    let x = text.find("x = 1").expect("x") + 5;
    edits.push((x, b, "2", true));
    let mut version = 2;
    let mut reused = 0;
    let patched_before = super::reparse::PATCHED.with(std::cell::Cell::get);
    for (a, b, typed, changes_later) in edits {
        // Typed at both places, then deleted at both.
        let n = typed.len();
        for (at, step) in [(a, 0), (b, 1), (b, 2), (a, 3)] {
            let before = REUSED.with(std::cell::Cell::get);
            let at = match step {
                1 => text.len() - at,
                2 => text.len() - at - n,
                _ => at,
            };
            let (change, new) = match step {
                0 | 1 => (at..at, typed),
                _ => (at..at + n, ""),
            };
            let change = replace(&mut text, change, new.to_string());
            s.did_change(&uri, version, vec![change]);
            version += 1;
            let published = s.flush();
            let full = full_compile(&path, &text, &env);
            let at = format!("step {step} of {typed:?} at {at}, text:\n{text}");
            assert_same_as_full(&s, &uri, &published, &full, &at);
            if REUSED.with(std::cell::Cell::get) > before {
                reused += 1;
            } else {
                assert!(changes_later, "not reused: {at}");
            }
        }
    }
    assert_eq!(
        reused,
        4 * 4 * (3 * 4 + 3),
        "re-checks that reused the later run"
    );
    // Every edit but the line breaks is inside one string: parsed by patching the last parse.
    let patched = super::reparse::PATCHED.with(std::cell::Cell::get) - patched_before;
    assert_eq!(patched, 4 * 4 * (3 * 4 + 1) + 4, "patched parses");
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

/// One character typed into or deleted from a script string (one to four bytes), or now and
/// then a line break added after a line or an empty line removed: the text's length changes,
/// and the re-check may reuse the rest of the previous script run with its spans moved.
pub(super) fn type_or_delete(rng: &mut Rng, text: &str) -> (std::ops::Range<usize>, String) {
    if rng.below(8) == 0 {
        if let Some(i) = text.find("\n\n") {
            return (i..i + 1, String::new());
        }
        let ends: Vec<usize> = text.match_indices("',\n").map(|(i, _)| i + 2).collect();
        if let Some(&at) = ends.get(rng.below(ends.len())) {
            return (at..at, "\n".to_string());
        }
    }
    let places: Vec<usize> = text
        .match_indices("        '")
        .flat_map(|(i, _)| {
            let s = i + 9;
            let end = text[s..].find('\n').map_or(text.len(), |e| s + e);
            (s..end.saturating_sub(2)).filter(|&at| text.is_char_boundary(at))
        })
        .collect();
    let Some(&at) = places.get(rng.below(places.len())) else {
        return (0..0, String::new());
    };
    const TYPED: &[&str] = &["k", "1", " ", "é", "日", "😀", "!"];
    if rng.below(3) == 0 {
        let n = text[at..].chars().next().map_or(0, char::len_utf8);
        (at..at + n, String::new())
    } else {
        (at..at, TYPED[rng.below(TYPED.len())].to_string())
    }
}

/// A policy fix longer than [`super::diagnostics::LARGE_FIX`] (the canonical policy of
/// `runtime-rejects-text`) is published without its text, and the quick fix still writes the
/// text a full compile suggests.
#[test]
fn a_large_fix_is_published_by_reference_and_applied_whole() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut s = Session::new(Encoding::Utf16);
    let path = dir.path().join("large.policy");
    let uri = Url::from_file_path(&path).expect("absolute");
    let mut text = String::from("{'config': {'script': [\n");
    for i in 0..200 {
        text.push_str(&format!("        'echo \"line {i}\"',\n"));
    }
    text.push_str("        'run schedular 1'\n]}}\n");
    s.did_open(uri.clone(), text.clone(), 1);
    let published = s.flush();
    let full = full_compile(&path, &text, &[]);
    let suggested: Vec<_> = full
        .compilation
        .diagnostics
        .iter()
        .flat_map(|d| &d.suggestions)
        .filter(|f| f.replacement.len() > super::diagnostics::LARGE_FIX)
        .collect();
    assert_eq!(suggested.len(), 1, "one large fix");
    let ours = &published[0].diagnostics;
    let large: Vec<_> = ours
        .iter()
        .filter(|d| {
            let fixes = &d.data.as_ref().expect("data")["fixes"];
            fixes
                .as_array()
                .into_iter()
                .flatten()
                .any(|f| f.get("newText").is_none())
        })
        .collect();
    assert_eq!(large.len(), 1, "published by reference: {large:?}");
    let fix = &large[0].data.as_ref().expect("data")["fixes"][0];
    assert_eq!(fix["title"], suggested[0].message.as_str());
    assert_eq!(fix["newTextInServer"], true);
    let actions = s.code_actions(&uri, large[0].range, &[large[0].clone()]);
    let applied: Vec<&str> = actions
        .iter()
        .filter_map(|a| match a {
            lsp_types::CodeActionOrCommand::CodeAction(a) if a.title == suggested[0].message => {
                let changes = a.edit.as_ref()?.changes.as_ref()?;
                Some(changes.get(&uri)?[0].new_text.as_str())
            }
            _ => None,
        })
        .collect();
    assert_eq!(applied, [suggested[0].replacement.as_str()]);
    // Small fixes keep their text in the diagnostic.
    let inline = ours.iter().filter(|d| {
        let fixes = &d.data.as_ref().expect("data")["fixes"];
        fixes
            .as_array()
            .into_iter()
            .flatten()
            .any(|f| f.get("newText").is_some())
    });
    assert!(inline.count() > 0, "small fixes inline: {ours:?}");
    // Once the document is replaced, the reference finds nothing: no fix, no wrong text.
    let change = replace(&mut text, 0..0, " ".to_string());
    s.did_change(&uri, 2, vec![change]);
    s.flush();
    let actions = s.code_actions(&uri, large[0].range, &[large[0].clone()]);
    assert!(actions.iter().all(|a| !matches!(a,
        lsp_types::CodeActionOrCommand::CodeAction(a) if a.title == suggested[0].message)));
}

/// A policy with a syntax finding that a suppression silences: an edit inside a string must
/// not patch the recovered parse (a patch makes no syntax finding, and the suppression would
/// then be reported as silencing nothing); the session equals a full compile.
#[test]
fn a_suppressed_syntax_finding_is_not_patched_away() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("draft.policy");
    let uri = Url::from_file_path(&path).expect("absolute");
    let mut text = String::from(
        "{'config': {'name': 'abc', 'x': }}  # elpc: ignore[policy-syntax] drafting\n",
    );
    let mut s = Session::new(Encoding::Utf16);
    s.did_open(uri.clone(), text.clone(), 1);
    s.flush();
    let patched_before = super::reparse::PATCHED.with(std::cell::Cell::get);
    let at = text.find("abc").expect("abc") + 1;
    let change = replace(&mut text, at..at, "z".to_string());
    s.did_change(&uri, 2, vec![change]);
    let published = s.flush();
    let full = full_compile(&path, &text, &[]);
    assert_same_as_full(&s, &uri, &published, &full, &text);
    let patched = super::reparse::PATCHED.with(std::cell::Cell::get) - patched_before;
    assert_eq!(patched, 0, "a recovered parse is parsed again");
}
