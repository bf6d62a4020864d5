//! `unknown-command` (EL401): a script line whose words name no command the node has (§2.7:
//! "not in commands dictionary", 141), and `schedule … task` commands likewise, with "did you
//! mean".

use crate::check::catalog::UNKNOWN_COMMAND;
use crate::check::{guarded, report_problems};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::edgelake::commands::COMMANDS;
use crate::resolve::command::ProblemKind;
use crate::resolve::script::ScriptLine;

/// The catalog command closest to each unknown name written. It depends only on the name:
/// one comparison with the catalog per distinct unknown name, not per line that writes it.
pub(crate) type Closest<'a> = std::collections::HashMap<&'a str, Option<&'static str>>;

/// Reports the line's command, or a task it schedules, when the catalog does not know it.
pub(crate) fn line<'a>(
    line: &'a ScriptLine,
    closest_to: &mut Closest<'a>,
    diags: &mut Diagnostics,
) {
    report_unknown(line, closest_to, diags);
    report_problems(
        line,
        ProblemKind::UnknownTask,
        &UNKNOWN_COMMAND,
        diags,
        |d| d.note("the task fails each time the scheduler runs it"),
    );
}

fn report_unknown<'a>(line: &'a ScriptLine, closest_to: &mut Closest<'a>, diags: &mut Diagnostics) {
    let Some(command) = &line.command else {
        return;
    };
    let first = command.name.chars().next();
    if command.spec.is_some()
        || command.assignment
        || matches!(first, Some('!' | '$' | ':' | '<' | '#') | None)
    {
        return;
    }
    let mut d = Diagnostic::new(
        &UNKNOWN_COMMAND,
        command.name_span,
        format!("`{}` is not a command the node knows", command.name),
    )
    .label("unknown command")
    .note("the node answers \"not in commands dictionary\" and stops the script list at this line");
    let best = *closest_to
        .entry(command.name.as_str())
        .or_insert_with(|| closest(&command.name));
    match best {
        Some(best) => {
            d = d.help(format!("did you mean `{best}`?")).suggest(
                format!("replace with `{best}`"),
                command.name_span,
                best,
            );
        }
        None => d = d.help("check the spelling against EdgeLake's commands, or remove the line"),
    }
    diags.push(guarded(d, &command.guard));
}

/// The catalog command closest to `name`, compared over as many words as the command has.
fn closest(name: &str) -> Option<&'static str> {
    let words: Vec<&str> = name.split(' ').collect();
    let mut best: Option<(f64, &'static str)> = None;
    for spec in COMMANDS {
        let n = spec.words().count();
        if n > words.len() {
            continue;
        }
        let written = words[..n].join(" ");
        let score = strsim::jaro_winkler(&written, spec.name);
        let distance = strsim::damerau_levenshtein(&written, spec.name);
        let close = score >= 0.9 || (distance <= 2 && written.len() > 3);
        if close && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, spec.name));
        }
    }
    best.map(|(_, n)| n)
}
