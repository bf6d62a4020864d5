//! What is known of a value decided at boot: its text with a stand-in for each part only the
//! node knows (`$HOME/AnyLog-code` is `␁/AnyLog-code`). On a fully described node
//! ([`super::NodeFacts::closed_world`]) that is enough to decide whether such a path exists:
//! no directory the node has ends in `/AnyLog-code`, whatever `$HOME` is.

use std::collections::HashMap;

use super::Engine;
use crate::resolve::condition::{evaluate, Condition, GroupKind, Truth};
use crate::resolve::reference::resolve_word;
use crate::resolve::scope::Scope;
use crate::resolve::value::{Lookup, Resolved, Variables};

/// Stands for a part of a value only the node knows.
pub const UNKNOWN: char = '\u{1}';

/// [`UNKNOWN`] as text.
const UNKNOWN_TEXT: &str = "\u{1}";

/// The scope with every boot-time value replaced by its shape (or a bare stand-in).
struct Shaped<'a> {
    scope: &'a Scope,
    shapes: &'a HashMap<String, String>,
    /// Any boot-time value stands for something (a path to match); otherwise only values whose
    /// shape is known, and `$HOME`, do (a truth test).
    loose: bool,
}

impl Variables for Shaped<'_> {
    fn param(&self, name: &str) -> Lookup<'_> {
        match self.scope.param(name) {
            Lookup::AtBoot => match self.shapes.get(name) {
                Some(shape) => Lookup::Defined(shape.as_str().into()),
                None if self.loose => Lookup::Defined(UNKNOWN_TEXT.into()),
                None => Lookup::AtBoot,
            },
            other => other,
        }
    }

    fn env(&self, name: &str) -> Lookup<'_> {
        match self.scope.env(name) {
            // The container always sets $HOME (to the user's home, never empty).
            Lookup::AtBoot if self.loose || name == "HOME" => Lookup::Defined(UNKNOWN_TEXT.into()),
            other => other,
        }
    }
}

/// The shape of `word` (a reference or a path of them), when part of it is decided at boot.
pub fn of_word(word: &str, scope: &Scope, shapes: &HashMap<String, String>) -> Option<String> {
    let vars = Shaped {
        scope,
        shapes,
        loose: true,
    };
    match resolve_word(word, &vars) {
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
            let vars = Shaped {
                scope,
                shapes,
                loose: true,
            };
            match resolve_word(w, &vars) {
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
    if !eng.closed_world() || shape.matches(UNKNOWN).count() != 1 {
        return None;
    }
    let (head, tail) = shape.split_once(UNKNOWN)?;
    // What the unknown part can stand for: a directory the node is known to have, or one of
    // its ancestors (a path elsewhere does not exist).
    let mut known: Vec<String> = eng.known_dirs();
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
        if super::methods::node_exists(eng, &path) != Some(false) {
            return None;
        }
    }
    Some(false)
}

/// A condition only the node decides whose groups are all truth tests (`if $X`, `if not !y`):
/// decided now when every value it tests has a known non-empty shape (`$HOME/AnyLog-code` is
/// true whatever `$HOME` is).
pub fn truth(cond: &Condition, scope: &Scope, shapes: &HashMap<String, String>) -> Option<Truth> {
    let simple = !cond.parenthesised
        && cond
            .groups
            .iter()
            .all(|g| matches!(g.kind(), GroupKind::Truthy | GroupKind::Not));
    if !simple {
        return None;
    }
    let vars = Shaped {
        scope,
        shapes,
        loose: false,
    };
    match evaluate(cond, &vars) {
        t @ (Truth::True | Truth::False) => Some(t),
        _ => None,
    }
}
