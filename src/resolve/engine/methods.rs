//! The methods of the command table elpc models (`set`, `get` and `file` as the deployment
//! scripts use them, `python` and `system` within a small subset, network calls), what the
//! node's file system answers, and `set anylog home` / `set internal ip`. Every other command
//! is assumed to succeed and, when assigned (`x = <command>`), to store a value only the node
//! knows.

use super::assign::known_or_boot;
use super::line::{store_result, Cmd};
use super::state::{Branch, State};
use super::{code, pyexpr, report, shape, shell, Engine};
use crate::edgelake::commands::Target;
use crate::edgelake::runtime_commands::{has_methods, method, Dispatch, RUNTIME_VERSION};
use crate::resolve::reference::resolve_word;
use crate::resolve::scope::{Provenance, VarValue};
use crate::resolve::value::Resolved;

/// Any other command of the table.
pub fn run(
    eng: &mut Engine,
    cmd: &Cmd,
    texts: &[&str],
    first: usize,
    d: Dispatch,
    mut st: State,
) -> Vec<Branch> {
    let n = texts.len() - first;
    let rest = &texts[first + d.words..];
    let boot = |what: &str| VarValue::AtBoot(format!("the result of `{what}` on the node"));
    if has_methods(d.key) {
        let Some((m, limits)) = method(d.key, rest) else {
            // `get !x` prints a value; anything else is a structure error.
            if d.key == "get" && n == 2 && (rest[0].starts_with('!') || rest[0].starts_with('$')) {
                let v = known_or_boot(resolve_word(rest[0], &st.scope));
                store_result(cmd, texts, first, &mut st, v);
                return Branch::ok(st);
            }
            report::unknown_method(eng, cmd, first, d.key, rest);
            return Branch::with(st, code::COMMAND_STRUCT);
        };
        let key_len = m.split(' ').count();
        if (limits.words_count > 0 && n != limits.words_count)
            || (limits.words_min > 0 && n < limits.words_min)
            || (limits.key_only && n != d.words + key_len)
        {
            return Branch::with(st, code::COMMAND_STRUCT);
        }
        let args = &rest[key_len..];
        return match (d.key, m) {
            ("get", "version") => {
                let v = match eng.options.target {
                    Target::EdgeLake => {
                        VarValue::Known(format!("EdgeLake Version: {RUNTIME_VERSION}"))
                    }
                    Target::AnyLog => boot("get version"),
                };
                store_result(cmd, texts, first, &mut st, v);
                Branch::ok(st)
            }
            ("get", "hostname") => {
                let v = match &eng.facts.hostname {
                    Some(h) => VarValue::Known(h.clone()),
                    None => VarValue::AtBoot("the node's host name".into()),
                };
                store_result(cmd, texts, first, &mut st, v);
                Branch::ok(st)
            }
            ("file", "test") => {
                let word = args.first().copied().unwrap_or("");
                let exists = match resolve_word(word, &st.scope) {
                    Resolved::Known(v) => node_exists(eng, &v.to_python_str()),
                    Resolved::AtBoot { .. } => shape::of_word(word, &st.scope, &st.shapes)
                        .and_then(|s| shape::can_exist(eng, &s)),
                };
                let v = match exists {
                    Some(true) => VarValue::Known("True".into()),
                    Some(false) => VarValue::Known("False".into()),
                    None => boot("file test"),
                };
                store_result(cmd, texts, first, &mut st, v);
                Branch::ok(st)
            }
            ("set", "anylog home") => set_home(eng, args, st),
            ("set", "internal ip") => set_internal_ip(eng, args, st),
            _ => {
                store_result(cmd, texts, first, &mut st, boot(&format!("{} {m}", d.key)));
                Branch::ok(st)
            }
        };
    }
    match d.key {
        "python" => {
            let (c, v) = pyexpr::python(rest, &st.scope);
            if c == code::SUCCESS {
                store_result(cmd, texts, first, &mut st, v);
            }
            Branch::with(st, c)
        }
        "system" => {
            let (c, v) = shell::system(eng, rest, &st.scope);
            if c == code::SUCCESS {
                store_result(cmd, texts, first, &mut st, v);
            }
            Branch::with(st, c)
        }
        "rest" if eng.facts.offline => Branch::with(st, code::REST_CALL),
        "print" | "echo" | "wait" | "create work directories" | "trace level" => Branch::ok(st),
        key => {
            store_result(cmd, texts, first, &mut st, boot(key));
            Branch::ok(st)
        }
    }
}

/// Whether `path` exists on the node: through the path map, the directories the facts list,
/// or (with a fully described node) not at all.
pub(crate) fn node_exists(eng: &Engine, path: &str) -> Option<bool> {
    if path.is_empty() {
        return Some(false);
    }
    let trimmed = path.trim_end_matches('/');
    if eng
        .known_dirs()
        .iter()
        .any(|d| d.trim_end_matches('/') == trimmed)
    {
        return Some(true);
    }
    if let Some(e) = eng.options.path_map.exists(path) {
        return Some(e);
    }
    let under_mapped = eng
        .options
        .path_map
        .mappings
        .iter()
        .any(|m| m.node_dir.starts_with(&format!("{trimmed}/")));
    if under_mapped {
        return Some(true); // a parent of a mapped directory
    }
    eng.closed_world().then_some(false)
}

/// `set anylog home <dir>`: re-bases the node's directory variables (`set_directory_locations`).
fn set_home(eng: &mut Engine, args: &[&str], mut st: State) -> Vec<Branch> {
    let [dir] = args else {
        return Branch::with(st, code::COMMAND_STRUCT);
    };
    let home = match resolve_word(dir, &st.scope) {
        Resolved::Known(v) => v.to_python_str(),
        Resolved::AtBoot { .. }
            if shape::of_word(dir, &st.scope, &st.shapes)
                .and_then(|s| shape::can_exist(eng, &s))
                == Some(false) =>
        {
            return Branch::with(st, code::DIR_NOT_WRITABLE);
        }
        Resolved::AtBoot { .. } => {
            for (name, _) in crate::edgelake::node::directory_variables("") {
                st.scope.define(
                    &name,
                    VarValue::AtBoot("under the node's home, set at boot".into()),
                    Provenance::Node {
                        source: "set anylog home",
                    },
                );
            }
            return Branch::ok(st);
        }
    };
    match node_exists(eng, &home) {
        Some(false) => return Branch::with(st, code::DIR_NOT_WRITABLE),
        None => {}
        Some(true) => {}
    }
    for (name, value) in crate::edgelake::node::directory_variables(&home) {
        st.scope.define(
            &name,
            VarValue::Known(value),
            Provenance::Node {
                source: "set anylog home (params.set_directory_locations)",
            },
        );
    }
    Branch::ok(st)
}

/// `set internal ip with <nic>`: `ip` becomes the NIC's address.
fn set_internal_ip(eng: &mut Engine, args: &[&str], mut st: State) -> Vec<Branch> {
    let ["with", nic] = args else {
        return Branch::with(st, code::COMMAND_STRUCT);
    };
    let nic = match resolve_word(nic, &st.scope) {
        Resolved::Known(v) => Some(v.to_python_str()),
        Resolved::AtBoot { .. } => None,
    };
    let address = match (&eng.facts.nics, nic) {
        (Some(nics), Some(nic)) => match nics.iter().find(|(n, _)| *n == nic) {
            Some((_, a)) => Some(a.clone()),
            None => return Branch::with(st, code::NO_SUCH_NIC),
        },
        _ => None,
    };
    let value = match address {
        Some(a) => VarValue::Known(a),
        None => VarValue::AtBoot("the address of a network interface".into()),
    };
    st.scope.define(
        "ip",
        value,
        Provenance::Node {
            source: "set internal ip with",
        },
    );
    Branch::ok(st)
}
