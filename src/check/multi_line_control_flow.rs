//! `multi-line-control-flow` (EL408): script lines that only work inside `.al` files — `else`,
//! `do`, `goto`, `call`, `return`, `end script`, `exit`, `on error`, `:labels:`, `<…>` blocks —
//! and `&` inside a line (§2.7, LINT-12, LINT-13).

use crate::check::catalog::MULTI_LINE_CONTROL_FLOW;
use crate::check::{guarded, CheckContext};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::edgelake::commands::Shape;
use crate::resolve::script::ScriptLine;

/// Reports the line when it holds control flow a policy script list cannot run.
pub(crate) fn line(_: &CheckContext, line: &ScriptLine, diags: &mut Diagnostics) {
    if let Some(&amp) = line.ampersand.as_deref() {
        diags.push(
                Diagnostic::new(
                    &MULTI_LINE_CONTROL_FLOW,
                    amp,
                    "`&` ends the command here; the rest of the line runs later as a separate command",
                )
                .label("the command stops here")
                .help("remove the `&` (quote it inside a value, or split the line into two script entries)"),
            );
    }
    let Some(command) = &line.command else {
        return;
    };
    let first = command.name.chars().next();
    let why = if command.spec.is_some_and(|s| s.shape == Shape::ControlFlow) {
        let name = command.spec.map_or("", |s| s.name);
        match name {
                "else" => "after a true `if`, `else` returns ELSE_IGNORED, which a script list treats as a failure",
                "do" => "after a false `if`, `do` returns DO_IGNORED, which a script list treats as a failure",
                "exit" => "`exit scripts` returns EXIT_SCRIPTS, which stops the script list",
                "end script" => "`end script` returns END_SCRIPT, which stops the script list",
                _ => "a script list has no labels to jump to: the line returns a control code that stops the list",
            }
    } else if first == Some(':') {
        "a script list has no labels; this line is an unknown command"
    } else if first == Some('<') {
        "`<…>` blocks are joined only in `.al` files; in a script list each entry is one command"
    } else {
        return;
    };
    let d = Diagnostic::new(
            &MULTI_LINE_CONTROL_FLOW,
            command.name_span,
            format!("`{}` only works inside `.al` script files", command.name),
        )
        .label("not a single-line command")
        .note(why)
        .help("use a single-line `if <condition> then <command>`, or move the logic into a script the policy `process`es");
    diags.push(guarded(d, &command.guard));
}
