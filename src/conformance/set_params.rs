//! `set_params`: the real `main.al` + `set_params.al`, run by EdgeLake's interpreter over every
//! env layering of the corpus (with generated overrides), against the variables elpc's scope
//! holds before the policy runs.
//!
//! The replay is parameterised by how elpc is asked ([`Mode`]): [`builtin_profile`] gives the
//! case's environment as one env file and the node's IP and host name as `--set`, so the
//! built-in EdgeLake profile answers; a mode that runs the deployment scripts themselves
//! replays the same cases by giving other [`Options`] (see `tests/conformance/README.md`).
//!
//! When the runtime's deployment stops before any config policy is applied (main.al cannot
//! find set_params.al, or a script runs `exit scripts`), the dictionary is moot: elpc agrees
//! when it reports, as an error, the rule that says why the deployment stops.

use serde_json::Value as Json;

use super::vars::text_of;
use super::{Case, Verdict};
use crate::compile::{compile, Compilation, Input, Options};
use crate::diagnostic::Severity;
use crate::resolve::scope::VarValue;

/// How elpc is asked for a case: the options and the env files it compiles with.
pub(crate) type Mode = dyn Fn(&Case) -> (Options, Vec<Input>);

/// The environment of a case as one env file, each value single-quoted (literal in compose's
/// dialect) unless it holds a `'`, then double-quoted with `\`, `"` and `$` escaped.
pub(crate) fn env_file(case: &Case) -> Input {
    let mut text = String::new();
    if let Some(env) = case.input["env"].as_object() {
        for (k, v) in env {
            let v = text_of(v);
            if v.contains('\'') {
                let escaped = v
                    .replace('\\', "\\\\")
                    .replace('"', "\\\"")
                    .replace('$', "$$");
                text.push_str(&format!("{k}=\"{escaped}\"\n"));
            } else {
                text.push_str(&format!("{k}='{v}'\n"));
            }
        }
    }
    Input::text("recorded.env", text)
}

/// The built-in EdgeLake profile, with the node's IP and host name as `--set`.
pub(crate) fn builtin_profile(case: &Case) -> (Options, Vec<Input>) {
    let node = &case.input["node"];
    let sets = ["ip", "hostname"]
        .iter()
        .map(|k| (k.to_string(), text_of(&node[*k])))
        .collect();
    let options = Options {
        sets,
        ..Options::default()
    };
    (options, vec![env_file(case)])
}

/// The deployment scripts themselves (`--scripts`): the vendored checkout of the recorded
/// commit (`tests/fixtures/deployment-scripts`, deployment-scripts 45b830b) mapped where the
/// image clones it, interpreted by elpc; the same env file and `--set` of the node's facts.
pub(crate) fn deployment_scripts(case: &Case) -> (Options, Vec<Input>) {
    let (mut options, env) = builtin_profile(case);
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/deployment-scripts");
    options.path_map = crate::path_map::PathMap {
        mappings: vec![crate::path_map::Mapping {
            node_dir: crate::edgelake::node::SCRIPTS_DIR.into(),
            local_dir: dir,
        }],
        files: Some(std::sync::Arc::new(Disk)),
    };
    options.scripts = Some(crate::edgelake::node::SCRIPTS_DIR.into());
    (options, env)
}

/// The vendored checkout, read from the disk.
struct Disk;

impl crate::path_map::LocalFiles for Disk {
    fn is_file(&self, path: &std::path::Path) -> bool {
        path.is_file()
    }
    fn is_dir(&self, path: &std::path::Path) -> bool {
        path.is_dir()
    }
    fn read(&self, path: &std::path::Path) -> Option<Vec<u8>> {
        std::fs::read(path).ok()
    }
}

/// What only the node knows in a case: with the deployment scripts given, their own
/// `setup.cfg` is not among it.
fn boot_reason(case: &Case, path: &str, scripts: bool) -> Option<String> {
    let why = case.boot_under(path)?;
    let reasons: Vec<&str> = why
        .split("; ")
        .filter(|r| !(scripts && r.contains("setup.cfg")))
        .collect();
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// A policy that reads nothing: the replay looks at the scope only.
const POLICY: &str = "{'config': {'name': 'conformance'}}";

/// Rules that say the deployment stops before the config policy, by what stops it.
fn stop_rules(case: &Case) -> &'static [&'static str] {
    let e = &case.expect;
    let env = &case.input["env"];
    let node_type = env["NODE_TYPE"].as_str().unwrap_or("");
    if e["set_params_ran"] == Json::Bool(false) && e["ret_val"] == 112 {
        &["EL105"]
    } else if node_type.is_empty() {
        &["EL103"]
    } else {
        &["EL413"]
    }
}

pub(crate) fn replay(case: &Case, mode: &Mode) -> Verdict {
    let (options, env) = mode(case);
    let scripts = options.scripts.is_some();
    let c = compile(&Input::text("policy", POLICY), &env, &options);
    let e = &case.expect;
    if let Some(x) = e.get("exception") {
        return Err(format!("the runtime raises {x}"));
    }
    if e["ret_val"] != 0 {
        return stopped(case, &c, scripts);
    }
    compare_scope(case, &c, scripts)
}

fn stopped(case: &Case, c: &Compilation, scripts: bool) -> Verdict {
    let rules = stop_rules(case);
    // Interpreting the scripts finds the stop itself, at the script line (EL501, EL503).
    let found =
        |code: &str| rules.contains(&code) || (scripts && ["EL501", "EL503"].contains(&code));
    let reported = c
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error && found(d.rule.code));
    if reported {
        Ok(())
    } else {
        Err(format!(
            "the deployment stops ({} {}, before `{}`); elpc reports no {rules:?} error",
            case.expect["ret_val"],
            case.expect["ret_text"].as_str().unwrap_or(""),
            case.expect["stopped_before"].as_str().unwrap_or("-"),
        ))
    }
}

fn compare_scope(case: &Case, c: &Compilation, scripts: bool) -> Verdict {
    let expect = case.expect["dictionary"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let scope = &c.scope;
    let mut problems = Vec::new();
    let mut names: Vec<String> = expect.keys().cloned().collect();
    names.extend(
        scope
            .iter()
            .map(|v| v.name.clone())
            .filter(|n| !expect.contains_key(n)),
    );
    for name in names {
        let got = scope.get(&name).map(|v| &v.value);
        if let Some(why) = boot_reason(case, &format!("dictionary.{name}"), scripts) {
            if !matches!(got, Some(VarValue::AtBoot(_))) {
                problems.push(format!("`{name}` decided at boot ({why}), elpc {got:?}"));
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
            problems.push(format!("`{name}`: runtime {want:?}, elpc {got:?}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}
