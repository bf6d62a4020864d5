//! The command list the node executes for a policy: the server commands, then the script
//! lines with statically known `if`s folded (§2.1, §2.7).

use serde_json::Value as Json;

use crate::edgelake::commands::Target;
use crate::edgelake::dispatch::command_key;
use crate::emit::servers::ServerSet;
use crate::resolve::command::{parse_command, CommandUse, Guard, ProblemKind};
use crate::resolve::script::{LineOutcome, ScriptLine};
use crate::resolve::value::Variables;
use crate::source::{SourceMap, Span};
use crate::syntax::script::tokenize;

/// One command the node runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    /// The command text, with statically known references replaced.
    pub command: String,
    /// The line it comes from: a policy line, or a line of a processed script, whose file is
    /// named by its path on this machine ([`crate::SourceFile::node_path`] is the node's).
    pub origin: Span,
    /// The command catalog entry it matched (`run blockchain sync`, `assignment`), if any.
    pub catalog: Option<&'static str>,
    /// Its parsed arguments: where-clause pairs typed (`{"time": {"value": 30, "unit":
    /// "seconds"}}`), the `process` path, positional words; values only the node knows as written.
    pub args: Json,
    /// For a command of a `process`ed script: the policy line that led there.
    pub via: Option<Span>,
    /// `Some(why)` when it runs only on some boot paths (inside a processed script).
    pub condition: Option<String>,
}

fn catalog_and_args(command: Option<&CommandUse>) -> (Option<&'static str>, Json) {
    match command {
        Some(c) => (c.catalog(), c.args_json()),
        None => (None, Json::Object(Default::default())),
    }
}

/// Why the node stops its script list at a line (§2.7: any non-zero return code stops it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// `process_cmd` fails the line itself: it does not tokenize, its `if` fails, or no command
    /// of the node's table (and no assignment) matches it.
    Dispatch,
    /// The command's own handler rejects its words or values.
    Handler,
}

/// Where the node stops the script list at `line`, if it does. Only lines that surely run are
/// considered: the `then` part of an `if` only the node decides may not run. On EdgeLake a
/// command is looked up in the runtime's own command table; on AnyLog in the catalog.
pub fn stop_at(line: &ScriptLine, target: Target, vars: &dyn Variables) -> Option<Stop> {
    match &line.outcome {
        LineOutcome::Invalid | LineOutcome::ConditionFails(_) | LineOutcome::Fails(_) => {
            return Some(Stop::Dispatch)
        }
        LineOutcome::Runs(_) => {}
        _ => return None,
    }
    let words: Vec<&str> = line.command_words().map(|w| w.text).collect();
    match words.as_slice() {
        // `!x` alone prints the value; `a + b + …` prints the joined text (§4.1 process_cmd).
        [one] if one.chars().count() > 1 && (one.starts_with('!') || one.starts_with('$')) => {
            return None
        }
        [_, "+", ..] => {
            let alternates = words.iter().skip(1).step_by(2).all(|w| *w == "+");
            return (!alternates || words.len() % 2 == 0).then_some(Stop::Dispatch);
        }
        _ => {}
    }
    let command = line.command.as_ref()?;
    let first = command.name.chars().next();
    let assigns = words.len() > 2 && words[1] == "=";
    let unknown = match target {
        Target::EdgeLake => !assigns && matches!(command_key(&words, 0, vars), Ok(None)),
        Target::AnyLog => {
            command.spec.is_none()
                && !command.assignment
                && !matches!(first, Some('!' | '$' | ':' | '<' | '#') | None)
        }
    };
    if unknown && !words.is_empty() {
        return Some(Stop::Dispatch);
    }
    let rejected = command
        .problems
        .iter()
        .any(|p| !matches!(p.kind, ProblemKind::IgnoredKey | ProblemKind::UnknownTask));
    // The script engine's own finding: a form the command's handler does not have (`test
    // file`), or a processed script that stops the list.
    let engine_stops = line.stops.as_ref().is_some_and(|s| s.definite);
    (rejected || engine_stops).then_some(Stop::Handler)
}

/// The commands in execution order. Stops where the node stops: after a server failure no
/// script line runs; a line the node fails (see [`stop_at`]) is the last one.
pub fn command_list(
    servers: &ServerSet,
    lines: &[ScriptLine],
    vars: &dyn Variables,
    target: Target,
) -> Vec<Command> {
    let mut out: Vec<Command> = servers
        .plans()
        .map(|p| {
            let command = p.command();
            let parsed = tokenize(&command)
                .ok()
                .and_then(|t| parse_command(&t.words, vars, &|_| p.origin, Guard::Always));
            let (catalog, args) = catalog_and_args(parsed.as_ref());
            Command {
                command,
                origin: p.origin,
                catalog,
                args,
                via: None,
                condition: None,
            }
        })
        .collect();
    if servers.failure.is_some() {
        return out;
    }
    // Grown as the node runs (a slot per line reserved up front was 168 bytes a line at the
    // peak even when the list stops early), and made exact at the end.
    for line in lines {
        let command = match &line.outcome {
            LineOutcome::Skipped | LineOutcome::FoldedAway => continue,
            LineOutcome::Runs(text) => text.as_deref().unwrap_or(&line.text).to_string(),
            LineOutcome::DecidedAtBoot(_) => line
                .boot_text
                .as_deref()
                .map_or(&*line.text, String::as_str)
                .to_string(),
            LineOutcome::Invalid | LineOutcome::ConditionFails(_) | LineOutcome::Fails(_) => {
                line.text.to_string()
            }
        };
        let (catalog, args) = catalog_and_args(line.command.as_ref());
        out.push(Command {
            command,
            origin: line.span,
            catalog,
            args,
            via: None,
            condition: None,
        });
        for e in line.processed() {
            let parsed = tokenize(&e.text)
                .ok()
                .and_then(|t| parse_command(&t.words, vars, &|_| e.origin, Guard::Always));
            let (catalog, args) = catalog_and_args(parsed.as_ref());
            out.push(Command {
                command: e.text.clone(),
                origin: e.origin,
                catalog,
                args,
                via: Some(line.span),
                condition: e.condition.clone(),
            });
        }
        if stop_at(line, target, vars).is_some() || line.stops.as_ref().is_some_and(|s| s.definite)
        {
            break;
        }
    }
    // A list the node stops early would keep a slot per line for as long as the compilation.
    out.shrink_to_fit();
    out
}

/// The command list as an `.al` script the node can `process`, each line preceded by a comment
/// naming where it came from. Every line written is either a comment or one whole command: a
/// command holding a line break (EL012) is left out, with a comment saying so, and text in the
/// comments (file names) has its line breaks and control characters made visible.
pub fn to_al_script(commands: &[Command], sources: &SourceMap, title: &str) -> String {
    let mut out = format!(
        "# Compiled by elpc {} from {}\n",
        env!("CARGO_PKG_VERSION"),
        one_line(title)
    );
    out.push_str("# Lines whose `if` only the node can decide are kept as written.\n");
    for c in commands {
        let catalog = c.catalog.map(|n| format!(" ({n})")).unwrap_or_default();
        let via = c
            .via
            .map(|v| format!(", processed from {}", one_line(&sources.location(v))))
            .unwrap_or_default();
        let condition = c
            .condition
            .as_ref()
            .map(|w| format!("\n# only on some boot paths: {}", one_line(w)))
            .unwrap_or_default();
        let node = sources
            .node_location(c.origin)
            .map(|at| format!("\n# on the node: {}", one_line(&at)))
            .unwrap_or_default();
        let command = if c.command.contains(is_line_break) {
            "# left out: this command holds a line break (EL012 command-line-break)"
        } else {
            &c.command
        };
        out.push_str(&format!(
            "\n# {}{catalog}{via}{node}{condition}\n{command}\n",
            one_line(&sources.location(c.origin)),
        ));
    }
    out
}

/// True for every character that may end a line for a reader of the `.al` file (Python's
/// `str.splitlines` set, which includes the `\n`, `\r` and `\r\n` of file reading).
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{b}'
            | '\u{c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// `text` as one comment-safe line: line breaks and control characters shown as stand-ins.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            c if is_line_break(c) || crate::render::printable::needs_stand_in(c) => {
                match crate::render::printable::stand_in(c) {
                    // U+2028/U+2029 are not control characters: show them as `�` too.
                    same if same == c => '\u{fffd}',
                    other => other,
                }
            }
            c => c,
        })
        .collect()
}
