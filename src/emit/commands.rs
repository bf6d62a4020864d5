//! The command list the node executes for a policy: the server commands, then the script
//! lines with statically known `if`s folded (§2.1, §2.7).

use crate::emit::servers::ServerSet;
use crate::resolve::script::{LineOutcome, ScriptLine};
use crate::source::{SourceMap, Span};

/// One command the node runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    /// The command text, with statically known references replaced.
    pub command: String,
    /// The policy text it comes from.
    pub origin: Span,
}

/// The commands in execution order. Stops where the node stops: after a server failure no
/// script line runs; a line whose `if` fails on the node is the last one.
pub fn command_list(servers: &ServerSet, lines: &[ScriptLine]) -> Vec<Command> {
    let mut out: Vec<Command> = servers
        .plans()
        .map(|p| Command {
            command: p.command(),
            origin: p.origin,
        })
        .collect();
    if servers.failure.is_some() {
        return out;
    }
    for line in lines {
        let command = match &line.outcome {
            LineOutcome::Skipped | LineOutcome::FoldedAway => continue,
            LineOutcome::Runs(text) => text.clone(),
            LineOutcome::DecidedAtBoot(_) | LineOutcome::Invalid => line.text.clone(),
            LineOutcome::ConditionFails(_) => {
                out.push(Command {
                    command: line.text.clone(),
                    origin: line.span,
                });
                break;
            }
        };
        out.push(Command {
            command,
            origin: line.span,
        });
    }
    out
}

/// The command list as an `.al` script the node can `process`, each line preceded by a comment
/// naming where it came from.
pub fn to_al_script(commands: &[Command], sources: &SourceMap, title: &str) -> String {
    let mut out = format!(
        "# Compiled by elpc {} from {title}\n",
        env!("CARGO_PKG_VERSION")
    );
    out.push_str("# Lines whose `if` only the node can decide are kept as written.\n");
    for c in commands {
        out.push_str(&format!(
            "\n# {}\n{}\n",
            sources.location(c.origin),
            c.command
        ));
    }
    out
}
