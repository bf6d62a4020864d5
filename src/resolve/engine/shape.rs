//! What is known of a value decided at boot: its text with a stand-in for each part only the
//! node knows (`$HOME/AnyLog-code` is `␁/AnyLog-code`). On a fully described node
//! ([`super::NodeFacts::closed_world`]) that is enough to decide whether such a path exists:
//! no directory the node has ends in `/AnyLog-code`, whatever `$HOME` is.

use std::collections::HashMap;

use super::Engine;
use crate::resolve::reference::resolve_word;
use crate::resolve::scope::Scope;
use crate::resolve::value::{Lookup, Resolved, Variables};

/// Stands for a part of a value only the node knows.
pub const UNKNOWN: char = '\u{1}';

/// The scope with every boot-time value replaced by its shape (or a bare stand-in).
struct Shaped<'a> {
    scope: &'a Scope,
    shapes: &'a HashMap<String, String>,
}

impl Variables for Shaped<'_> {
    fn param(&self, name: &str) -> Lookup {
        match self.scope.param(name) {
            Lookup::AtBoot => Lookup::Defined(
                self.shapes
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| UNKNOWN.to_string()),
            ),
            other => other,
        }
    }

    fn env(&self, name: &str) -> Lookup {
        match self.scope.env(name) {
            Lookup::AtBoot => Lookup::Defined(UNKNOWN.to_string()),
            other => other,
        }
    }
}

/// The shape of `word` (a reference or a path of them), when part of it is decided at boot.
pub fn of_word(word: &str, scope: &Scope, shapes: &HashMap<String, String>) -> Option<String> {
    match resolve_word(word, &Shaped { scope, shapes }) {
        Resolved::Known(v) => Some(v.to_python_str()).filter(|s| s.contains(UNKNOWN)),
        Resolved::AtBoot { .. } => None,
    }
}

/// The shape of `a + b + …` (words joined with `+`).
pub fn of_concat(
    words: &[&str],
    scope: &Scope,
    shapes: &HashMap<String, String>,
) -> Option<String> {
    let mut out = String::new();
    for w in words.iter().step_by(2) {
        if w.len() > 1 && (w.starts_with('!') || w.starts_with('$')) {
            match resolve_word(w, &Shaped { scope, shapes }) {
                Resolved::Known(v) => out.push_str(&v.to_python_str()),
                Resolved::AtBoot { .. } => return None,
            }
        } else {
            out.push_str(w);
        }
    }
    out.contains(UNKNOWN).then_some(out)
}

/// Whether a path of this shape can exist on a fully described node: `Some(false)` when no
/// directory or file it could stand for exists; `None` when one could.
pub fn can_exist(eng: &Engine, shape: &str) -> Option<bool> {
    if !eng.options.node.closed_world || shape.matches(UNKNOWN).count() != 1 {
        return None;
    }
    let (head, tail) = shape.split_once(UNKNOWN)?;
    // What the unknown part can stand for: a directory the node is known to have, or one of
    // its ancestors (a path elsewhere does not exist).
    let mut known: Vec<String> = eng.options.node.dirs.clone();
    known.extend(
        eng.options
            .path_map
            .mappings
            .iter()
            .map(|m| m.node_dir.clone()),
    );
    let mut candidates: Vec<String> = vec![String::new()];
    for dir in &known {
        let mut d = dir.trim_end_matches('/').to_string();
        while !d.is_empty() {
            candidates.push(d.clone());
            d.truncate(d.rfind('/').unwrap_or(0));
        }
    }
    // A tail naming something inside a mapped directory could be reached from deeper in it.
    let first = tail.trim_start_matches('/').split('/').next().unwrap_or("");
    for m in &eng.options.path_map.mappings {
        if !first.is_empty() {
            let probe = format!("{}/{first}", m.node_dir);
            if eng.options.path_map.exists(&probe) == Some(true) {
                return None;
            }
        }
    }
    for c in candidates {
        let path = format!("{head}{c}{tail}");
        if super::builtins::node_exists(eng, &path) != Some(false) {
            return None;
        }
    }
    Some(false)
}
