//! Assignments (`x = y`, `x=y`, `x = a + b`, `set x = v`, …): the lines run one after another
//! through `member_cmd.process_cmd` until one fails, as in a policy's script list; elpc must
//! stop at the same line and leave the same dictionary.

use serde_json::Value as Json;

use super::vars::{text_of, CaseVars};
use super::{Case, Verdict};
use crate::diagnostic::Diagnostics;
use crate::edgelake::commands::Target;
use crate::emit::commands::stop_at;
use crate::resolve::scope::{Scope, VarValue};
use crate::resolve::script::{run_script, ScriptLine};
use crate::source::FileId;
use crate::syntax::policy::parse_policy;

/// Runs `lines` as a policy's script list against `scope`.
pub(super) fn run_lines(lines: &[&str], scope: &mut Scope) -> Vec<ScriptLine> {
    let text = serde_json::json!({"config": {"script": lines}}).to_string();
    let mut diags = Diagnostics::new();
    let Some(parsed) = parse_policy(FileId(0), &text, &mut diags) else {
        return Vec::new();
    };
    let script = parsed
        .root
        .get("config")
        .and_then(|c| c.value.get("script"))
        .map(|e| e.value.clone());
    let options = crate::compile::Options::default();
    let mut sources = crate::source::SourceMap::new();
    let mut engine = crate::resolve::engine::Engine::new(&options, &mut sources, &mut diags);
    match script {
        Some(node) => run_script(&node, scope, &mut engine),
        None => Vec::new(),
    }
}

pub(super) fn replay(case: &Case) -> Verdict {
    let vars = CaseVars::from_input(&case.input);
    let all: Vec<&str> = case.input["lines"]
        .as_array()
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let rets = case.expect["rets"].as_array().cloned().unwrap_or_default();
    let runtime_stop = rets.iter().position(|r| r != &Json::from(0));
    let ran = &all[..rets.len().min(all.len())];
    let mut scope = vars.scope();
    let lines = run_lines(ran, &mut scope);
    let elpc_stop = lines
        .iter()
        .position(|l| stop_at(l, Target::EdgeLake, &scope).is_some());
    if runtime_stop != elpc_stop {
        return Err(format!(
            "the node stops at line {runtime_stop:?} ({}), elpc at {elpc_stop:?}",
            runtime_stop.map_or(String::new(), |i| format!("{} → {}", ran[i], rets[i]))
        ));
    }
    if case.expect["env"] != case.input["env"] {
        let changed = case.expect["env"].clone();
        if !env_matches(&scope, &changed) {
            return Err(format!("the lines set the environment to {changed}"));
        }
    }
    compare_dictionary(case, &scope)
}

fn env_matches(scope: &Scope, env: &Json) -> bool {
    env.as_object().is_some_and(|m| {
        m.iter().all(|(k, v)| {
            scope
                .env_layers()
                .get(k)
                .is_some_and(|e| e.value == text_of(v))
        }) && scope.env_layers().iter().all(|e| m.contains_key(&e.name))
    })
}

/// Every variable of the recorded dictionary, and nothing else, with its value.
pub(super) fn compare_dictionary(case: &Case, scope: &Scope) -> Verdict {
    let expect = case.expect["dictionary"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut names: Vec<String> = expect.keys().cloned().collect();
    names.extend(
        scope
            .iter()
            .map(|v| v.name.clone())
            .filter(|n| !expect.contains_key(n)),
    );
    for name in names {
        let got = scope.get(&name).map(|v| &v.value);
        if let Some(why) = case.boot_under(&format!("dictionary.{name}")) {
            if !matches!(got, Some(VarValue::AtBoot(_))) {
                return Err(format!(
                    "`{name}` is decided at boot ({why}), elpc has {got:?}"
                ));
            }
            continue;
        }
        let want = expect.get(&name).map(text_of);
        let same = match (&want, got) {
            (None, None) => true,
            (Some(w), Some(VarValue::Known(g))) => w == g,
            _ => false,
        };
        if !same {
            return Err(format!("`{name}`: runtime {want:?}, elpc {got:?}"));
        }
    }
    Ok(())
}
