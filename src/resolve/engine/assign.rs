//! Storing what a line assigns, for the engine: the shared assignment semantics
//! ([`crate::resolve::assignment`], §3.6, held to the runtime by the conformance suite) applied
//! to a boot path, with the provenance of the script line and, for a value decided at boot,
//! its shape.

use super::shape;
use super::State;
use crate::resolve::env_layers::EnvOrigin;
use crate::resolve::scope::{Provenance, Scope, VarValue};
use crate::resolve::value::Resolved;
use crate::source::Span;

/// A resolver result as a dictionary value (`str()` of it).
pub fn known_or_boot(r: Resolved) -> VarValue {
    match r {
        Resolved::Known(v) => VarValue::Known(v.to_python_str()),
        Resolved::AtBoot { depends_on } => {
            VarValue::AtBoot(format!("computed from {}", depends_on.join(", ")))
        }
    }
}

/// Where a value copied from a single word came from: the env key of `$KEY`, or the env key
/// behind `!name`.
pub fn env_source(word: &str, scope: &Scope) -> Option<(String, EnvOrigin)> {
    if let Some(name) = word.strip_prefix('$') {
        let var = scope.env_layers().get(name)?;
        return Some((name.to_string(), var.origin.clone()));
    }
    let name = word.strip_prefix('!')?;
    match &scope.get(name)?.provenance {
        Provenance::Env { key, origin, .. } => Some((key.clone(), origin.clone())),
        Provenance::Script { env, .. } => env.clone(),
        _ => None,
    }
}

/// Where a stored value came from, for its provenance and (when decided at boot) its shape.
#[derive(Clone, Copy, Debug)]
pub enum Source<'a> {
    /// Nothing to say (a command's result).
    None,
    /// One word (`x = $KEY`, `set x = !y`).
    Word(&'a str),
    /// Words joined with `+`.
    Concat(&'a [&'a str]),
}

/// Stores `value` under the assignment target `target` (`x`, `!x`, `$X`, `x[k]`).
pub fn store(st: &mut State, target: &str, value: VarValue, span: Span, from: Source) {
    let scope = &mut st.scope;
    let env = match from {
        Source::Word(w) => env_source(w, scope),
        _ => None,
    };
    // Before `add_param` dereferences it: what the value is made of.
    let deref = match &value {
        VarValue::Known(v) if v.len() > 1 && (v.starts_with('!') || v.starts_with('$')) => {
            Some(v.clone())
        }
        _ => None,
    };
    let provenance = Provenance::Script { span, env };
    let name = target
        .strip_prefix('!')
        .filter(|n| !n.is_empty())
        .unwrap_or(target);
    if let Some(name) = target.strip_prefix('$').filter(|n| !n.is_empty()) {
        scope.set_env(name, value);
        return;
    }
    match crate::resolve::assignment::add_param(value, scope) {
        Some(v) => scope.define(name, v, provenance),
        None => scope.remove(name),
    }
    let stored = scope.get(name).map(|v| v.value.clone());
    let shape = match (&stored, from) {
        (Some(VarValue::AtBoot(_)), Source::Word(w)) => shape::of_word(w, scope, &st.shapes),
        (Some(VarValue::AtBoot(_)), Source::Concat(ws)) => shape::of_concat(ws, scope, &st.shapes),
        _ => None,
    }
    .or_else(|| match (&stored, &deref) {
        (Some(VarValue::AtBoot(_)), Some(text)) => shape::of_word(text, scope, &st.shapes),
        _ => None,
    });
    match shape {
        Some(s) => {
            st.shapes.insert(name.to_string(), s);
        }
        None => {
            st.shapes.remove(name);
        }
    }
}

/// Applies what the shared assignment semantics ([`crate::resolve::assignment::effect`]) say a
/// line does: the code it returns (`Fails`: the node's failure code `failing`).
pub fn apply_effect(
    st: &mut State,
    effect: crate::resolve::assignment::Effect,
    span: Span,
    from: Source,
    failing: i32,
) -> i32 {
    use crate::resolve::assignment::Effect;
    match effect {
        Effect::Set { name, value } => {
            let env = match from {
                Source::Word(w) => env_source(w, &st.scope),
                _ => None,
            };
            let shape = match (&value, from) {
                (Some(VarValue::AtBoot(_)), Source::Word(w)) => {
                    shape::of_word(w, &st.scope, &st.shapes).or_else(|| {
                        // `x = $KEY` whose text is itself a reference (`$HOME/…`): `add_param`
                        // dereferenced it once more.
                        match crate::resolve::reference::resolve_word(w, &st.scope) {
                            Resolved::Known(v) => {
                                let text = v.to_python_str();
                                (text.len() > 1 && (text.starts_with('!') || text.starts_with('$')))
                                    .then(|| shape::of_word(&text, &st.scope, &st.shapes))
                                    .flatten()
                            }
                            Resolved::AtBoot { .. } => None,
                        }
                    })
                }
                (Some(VarValue::AtBoot(_)), Source::Concat(ws)) => {
                    shape::of_concat(ws, &st.scope, &st.shapes)
                }
                _ => None,
            };
            match value {
                Some(v) => st.scope.define(&name, v, Provenance::Script { span, env }),
                None => st.scope.remove(&name),
            }
            match shape {
                Some(s) => {
                    st.shapes.insert(name, s);
                }
                None => {
                    st.shapes.remove(&name);
                }
            }
            super::code::SUCCESS
        }
        Effect::SetEnv { name, value } => {
            st.scope.set_env(&name, value);
            super::code::SUCCESS
        }
        Effect::Fails { removed, .. } => {
            if let Some(name) = removed {
                st.scope.remove(&name);
                st.shapes.remove(&name);
            }
            failing
        }
    }
}
