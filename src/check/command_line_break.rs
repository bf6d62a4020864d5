//! `command-line-break` (EL012, error): a command that holds a line break — a script entry
//! such as `"echo x\nprocess /tmp/evil.al"`, or a value filled in from an env file. The node
//! reads the entry as one command (its tokenizer takes `\n` for a space), but written to an
//! `.al` script it would be two lines, the second never checked as a command: `--format al`
//! leaves such a command out (see [`crate::emit::commands::to_al_script`]) and this finding
//! says why.

use crate::check::catalog::COMMAND_LINE_BREAK;
use crate::check::CheckContext;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::emit::commands::is_line_break;
use crate::resolve::script::{LineOutcome, ScriptLine};

/// Reports every server command whose text holds a line break.
pub(crate) fn check_servers(ctx: &CheckContext, diags: &mut Diagnostics) {
    for plan in ctx.servers.plans() {
        if has_line_break(&plan.command()) {
            diags.push(finding(
                plan.origin,
                "a value filled into this server's command",
            ));
        }
    }
}

/// Reports the script line when its command holds a line break.
pub(crate) fn line(_: &CheckContext, line: &ScriptLine, diags: &mut Diagnostics) {
    let written = has_line_break(&line.text);
    // What runs once known references are filled in (a line decided at boot runs as written);
    // a line that runs as written is not searched twice.
    let filled = match &line.outcome {
        LineOutcome::Runs(Some(filled)) => has_line_break(filled),
        _ => false,
    };
    if written {
        diags.push(finding(line.span, "this script entry"));
    } else if filled {
        diags.push(finding(line.span, "a value filled into this script entry"));
    }
}

/// Whether `text` holds a line break: every one is a control byte or non-ASCII, so printable
/// ASCII text (nearly every line) is passed in one byte scan without decoding characters.
fn has_line_break(text: &str) -> bool {
    // A fold without early exit: the compiler tests many bytes at once.
    let unusual = text
        .bytes()
        .fold(false, |seen, b| seen | !(0x20..0x80).contains(&b));
    unusual && text.contains(is_line_break)
}

fn finding(span: crate::source::Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        &COMMAND_LINE_BREAK,
        span,
        format!("{what} holds a line break"),
    )
    .label("one command, but two lines in an `.al` script")
    .help("put each command in its own script entry, and keep line breaks out of values used in commands")
    .note("the node reads the entry as one command (a line break counts as a space), but `--format al` cannot write it as one line: it leaves the command out")
}
