//! The engine's findings about a file as a whole (duplicate labels, unclosed blocks, jumps to
//! `:name` lines, `do if` before `do`/`else`) and about how far it can be followed (endless
//! loops and `process` recursion, nesting elpc does not follow).

use super::line::Cmd;
use super::Engine;
use crate::check::catalog::{
    DUPLICATE_LABEL, ENDLESS_LOOP, IF_RESULT_OVERWRITTEN, LABEL_WITHOUT_COLON, SCRIPT_NOT_FOLLOWED,
    UNCLOSED_BLOCK,
};
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::syntax::script::tokenize;
use crate::syntax::script_file::ScriptFile;

/// A label defined twice: the node does not run the file at all.
pub fn duplicate_label(eng: &mut Engine, name: &str, second: Span, first: Span) {
    eng.report(
        Diagnostic::new(&DUPLICATE_LABEL, second, format!("the label `:{name}:` is defined twice"))
            .label("second definition")
            .with_secondary(first, "first defined here")
            .help("rename one of the labels")
            .note("the node refuses to run a script with a duplicate label (ERR_process_failure): no line of it runs"),
    );
}

/// Lints read from the file's shape: blocks it never closes, `:name` lines a jump names, and
/// `do if` lines followed by `do`/`else` (§4.5).
pub fn file_lints(eng: &mut Engine, script: &ScriptFile) {
    if let Some(at) = script.unclosed {
        eng.report(
            Diagnostic::new(&UNCLOSED_BLOCK, at, "this block is never closed")
                .label("the file ends inside it")
                .help("end the block with a line ending in `>` (or close the dictionary)")
                .note("the node joins the lines until one ends in `>`; at the end of the file the joined command never runs"),
        );
    }
    let jumped: std::collections::HashSet<&str> = script
        .lines
        .iter()
        .flat_map(|l| {
            let t = l.text.as_str();
            ["goto ", "call "]
                .iter()
                .filter_map(move |k| {
                    t.find(k)
                        .map(|i| t[i + k.len()..].split_whitespace().next())
                })
                .flatten()
        })
        .collect();
    for (name, at) in &script.not_labels {
        if jumped.contains(name.as_str()) {
            eng.report(
                Diagnostic::new(&LABEL_WITHOUT_COLON, *at, format!("`:{name}` is not a label"))
                    .label("the closing colon is missing")
                    .help(format!("write `:{name}:`"))
                    .suggest(format!("write `:{name}:`"), *at, format!(":{name}:"))
                    .note("the node skips this line; a `goto` or `call` to it fails with ERR_command_struct"),
            );
        }
    }
    for pair in script.lines.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let maybe = a.text.starts_with("do if ")
            || (a.text.starts_with("if ") && a.text.contains(" then if "));
        if !maybe || !(b.text.starts_with("do ") || b.text.starts_with("else ")) {
            continue;
        }
        let Ok(t) = tokenize(&a.text) else { continue };
        let w: Vec<&str> = t.words.iter().map(|w| w.text.as_str()).collect();
        let inner_if = matches!(w.as_slice(), ["do", "if", ..])
            || (w.first() == Some(&"if") && w.windows(2).any(|p| p == ["then", "if"]));
        let follows = b.text.starts_with("do ") || b.text.starts_with("else ");
        if inner_if && follows && !b.text.starts_with("else if ") {
            eng.report(
                Diagnostic::new(&IF_RESULT_OVERWRITTEN, a.span(), "this inner `if` replaces the result the next `do`/`else` lines read")
                    .with_secondary(b.span(), "reads the inner `if`'s result, not the outer one's")
                    .help("give the inner test its own `if … then` line after the `do`/`else` lines, or use `goto`")
                    .note("every `if` saves its result for `do`/`else`, even one inside a `do`; only `do process`/`else process` put the old result back"),
            );
        }
    }
}

/// A jump back to a state the path was already in: the node never leaves the loop.
pub fn endless_loop(eng: &mut Engine, cmd: &Cmd) {
    eng.report(
        Diagnostic::new(&ENDLESS_LOOP, cmd.line, "the node loops here forever")
            .label("jumps back with nothing changed")
            .help(
                "make the loop change something its exit condition reads, or leave it with `goto`",
            )
            .note("the script never ends, so the script that started it never continues"),
    );
}

/// `process` of a file already running from the same state: endless recursion.
pub fn endless_process(eng: &mut Engine, cmd: &Cmd, path: &str) {
    eng.report(
        Diagnostic::new(
            &ENDLESS_LOOP,
            cmd.line,
            format!("`{path}` processes itself again with nothing changed"),
        )
        .label("endless `process` recursion")
        .help("stop the recursion with a condition that changes")
        .note("the node's interpreter fails with a RecursionError and the node stops"),
    );
}

/// `process` nested deeper than elpc follows.
pub fn too_deep(eng: &mut Engine, cmd: &Cmd, path: &str) {
    not_followed(
        eng,
        cmd.line,
        &format!(
            "`{path}` is nested more than {} `process` levels deep",
            super::MAX_DEPTH
        ),
    );
}

/// elpc stops following a script here: what it sets is decided at boot.
pub fn not_followed(eng: &mut Engine, at: Span, why: &str) {
    eng.report(
        Diagnostic::new(
            &SCRIPT_NOT_FOLLOWED,
            at,
            format!("elpc stops following this script here: {why}"),
        )
        .note("the variables the script sets from here on are treated as decided at boot"),
    );
}
