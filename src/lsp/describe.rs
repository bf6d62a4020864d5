//! Words for hovers and completion details: a variable's value (secrets masked), where it came
//! from, and what the node does with a script line.

use crate::resolve::env_layers::{EnvOrigin, EnvVar};
use crate::resolve::reference::{resolve_word, Sigil};
use crate::resolve::scope::{Provenance, VarValue, Variable};
use crate::resolve::script::{LineOutcome, ScriptLine};
use crate::resolve::value::{Resolved, Value};

use super::analysis::{is_secret, Analysis, MASK};

/// True when a variable's value must be masked (its name or its env key looks secret).
pub fn variable_is_secret(var: &Variable) -> bool {
    is_secret(&var.name) || matches!(&var.provenance, Provenance::Env { key, .. } if is_secret(key))
}

/// The value of a variable as one line of Markdown (masked when secret).
pub fn value_text(var: &Variable) -> String {
    match &var.value {
        VarValue::Known(_) if variable_is_secret(var) => MASK.to_string(),
        VarValue::Known(v) => format!("`{v}`"),
        VarValue::AtBoot(why) => format!("decided at boot ({why})"),
    }
}

/// The value for a completion item's detail (plain text, masked when secret).
pub fn value_detail(var: &Variable) -> String {
    match &var.value {
        VarValue::Known(_) if variable_is_secret(var) => MASK.to_string(),
        VarValue::Known(v) => v.clone(),
        VarValue::AtBoot(why) => format!("at boot: {why}"),
    }
}

/// A typed value in Markdown: "`32148` (int)".
pub fn typed(value: &Value) -> String {
    let ty = match value {
        Value::Str(_) => "str",
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        Value::Bool(_) => "bool",
    };
    format!("`{}` ({ty})", value.to_python_str())
}

/// What a whole word resolves to, in Markdown (masked when `secret`).
pub fn word_text(analysis: &Analysis, word: &str, secret: bool) -> String {
    match resolve_word(word, &analysis.compilation.scope) {
        Resolved::Known(_) if secret => MASK.to_string(),
        Resolved::Known(Value::Str(s)) if s.is_empty() => "`\"\"` (empty string)".to_string(),
        Resolved::Known(v) => typed(&v),
        Resolved::AtBoot { depends_on } => {
            format!("decided at boot (depends on {})", depends_on.join(", "))
        }
    }
}

fn origin_place(analysis: &Analysis, origin: &EnvOrigin) -> String {
    match origin {
        EnvOrigin::File { key_span, .. } => format!("`{}`", analysis.short_location(*key_span)),
        EnvOrigin::Base { label } => label.to_string(),
    }
}

/// "`KEY` in `base_configs.env:11`, overridden by `advance_configs.env:4`".
fn env_chain(
    analysis: &Analysis,
    key: &str,
    origin: &EnvOrigin,
    overrides: &[EnvOrigin],
) -> String {
    let mut places = overrides.iter().chain(std::iter::once(origin));
    let mut text = format!(
        "`{key}` in {}",
        places
            .next()
            .map_or(String::new(), |o| origin_place(analysis, o))
    );
    for o in places {
        text.push_str(&format!(", overridden by {}", origin_place(analysis, o)));
    }
    text
}

/// Where a variable's value came from, in Markdown.
pub fn origin_text(analysis: &Analysis, var: &Variable) -> String {
    match &var.provenance {
        Provenance::Env {
            key,
            origin,
            overrides,
            source,
        } => format!(
            "from {}  \nmapped by the deployment scripts: {source}",
            env_chain(analysis, key, origin, overrides)
        ),
        Provenance::ScriptDefault { source } => {
            format!("the deployment scripts' default: {source}")
        }
        Provenance::Node { source } => match var.value {
            VarValue::Known(_) => format!("set by the node: {source}"),
            VarValue::AtBoot(_) => format!("set by the node at boot: {source}"),
        },
        Provenance::CommandLine => "set by `set` in elpc.toml".to_string(),
        Provenance::Assignment { span } => format!(
            "assigned by the script line at `{}`",
            analysis.short_location(*span)
        ),
        Provenance::Script { span, env } => {
            let line = format!(
                "set by the deployment script line at `{}`",
                analysis.short_location(*span)
            );
            match env {
                Some((key, origin)) => {
                    format!("{line}  \nfrom {}", env_chain(analysis, key, origin, &[]))
                }
                None => line,
            }
        }
        Provenance::EnvAtBoot { keys } => format!(
            "no env file found: decided at boot from the env key {}",
            keys.join(" or ")
        ),
    }
}

/// An env variable (`$NAME`) and where it came from, in Markdown.
pub fn env_var_text(analysis: &Analysis, var: &EnvVar) -> String {
    let value = if is_secret(&var.name) {
        MASK.to_string()
    } else {
        format!("`{}`", var.value)
    };
    format!(
        "**`${}`** = {value}  \n{}",
        var.name,
        env_chain(analysis, &var.name, &var.origin, &var.overrides)
    )
}

/// What the node does with a script line, in Markdown; known values of secret variables in the
/// command are masked.
pub fn line_text(analysis: &Analysis, line: &ScriptLine) -> String {
    let is_if = line.text.starts_with("if ");
    match &line.outcome {
        LineOutcome::Runs(_) => {
            let command = line.runs().unwrap_or_default();
            let read = processed_file(analysis, command);
            let command = mask_secrets(analysis, line, command);
            let runs = if is_if {
                format!("`if` is **true** now: the node runs\n```\n{command}\n```")
            } else {
                format!("the node runs\n```\n{command}\n```")
            };
            match read {
                Some(local) => format!("{runs}\nelpc read that file here: `{local}`"),
                None => runs,
            }
        }
        LineOutcome::FoldedAway => "`if` is **false** now: nothing runs".to_string(),
        LineOutcome::DecidedAtBoot(deps) => format!(
            "`if` is **decided at boot** (depends on {}): the line runs as written",
            deps.join(", ")
        ),
        LineOutcome::ConditionFails(message) => {
            format!("the node's `if` fails here: {message}; the rest of the script is skipped")
        }
        LineOutcome::Fails(message) => {
            format!("the node fails this line: {message}; the rest of the script is skipped")
        }
        LineOutcome::Skipped => "a comment or empty line: nothing runs".to_string(),
        LineOutcome::Invalid => "this line does not parse: the node cannot run it".to_string(),
    }
}

/// The path on this machine of the file a `process` command runs, when elpc read it through
/// the path map (its commands' `origin` in the command list names the same file).
fn processed_file(analysis: &Analysis, command: &str) -> Option<String> {
    let path = command.strip_prefix("process ")?.trim();
    analysis
        .compilation
        .sources
        .iter()
        .find(|(_, f)| f.node_path() == Some(path))
        .map(|(_, f)| f.name().to_string())
}

fn mask_secrets(analysis: &Analysis, line: &ScriptLine, command: &str) -> String {
    let mut out = command.to_string();
    let scope = &analysis.compilation.scope;
    for r in &line.refs {
        let secret = match r.sigil {
            Sigil::Param => scope.get(&r.name).and_then(|var| match &var.value {
                VarValue::Known(v) if variable_is_secret(var) => Some(v.clone()),
                _ => None,
            }),
            Sigil::Env => scope
                .env_layers()
                .get(&r.name)
                .filter(|v| is_secret(&v.name))
                .map(|v| v.value.clone()),
        };
        if let Some(value) = secret.filter(|v| !v.is_empty()) {
            out = out.replace(value.as_str(), "******");
        }
    }
    out
}
