//! Assignments (spec §3.6): `member_cmd.data_assignment`, `params.get_added_string`,
//! `_process_set`'s `set x = v`, and `params.add_param`'s last dereference and deletion of
//! empty values.

use super::shape;
use super::State;
use crate::resolve::env_layers::EnvOrigin;
use crate::resolve::reference::resolve_word;
use crate::resolve::scope::{Provenance, Scope, VarValue};
use crate::resolve::value::{Lookup, Resolved, Variables};
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

/// The value `x = <words>` stores (`words` are the words after `=`), before `add_param`; `None`
/// when the node refuses it (a dangling `+`: the line fails with Not_in_commands_dict).
pub fn assignment_value(words: &[&str], scope: &Scope) -> Option<VarValue> {
    match words {
        [] => Some(VarValue::Known(String::new())),
        [one] => Some(known_or_boot(resolve_word(one, scope))),
        [_, plus, ..] if *plus == "+" => added_string(words, scope),
        _ => Some(VarValue::Known(words.join(" "))),
    }
}

/// `params.get_added_string`: words joined with `+`, references resolved, no spaces added.
pub fn added_string(words: &[&str], scope: &Scope) -> Option<VarValue> {
    let mut out = String::new();
    let mut boot: Vec<String> = Vec::new();
    let mut need_plus = false;
    for w in words {
        if need_plus {
            if *w != "+" {
                return None;
            }
            need_plus = false;
            continue;
        }
        if w.len() > 1 && (w.starts_with('!') || w.starts_with('$')) {
            match resolve_word(w, scope) {
                Resolved::Known(v) => out.push_str(&v.to_python_str()),
                Resolved::AtBoot { depends_on } => boot.extend(depends_on),
            }
        } else {
            out.push_str(w);
        }
        need_plus = true;
    }
    if !need_plus {
        return None; // ended with a `+`
    }
    if boot.is_empty() {
        Some(VarValue::Known(out))
    } else {
        boot.dedup();
        Some(VarValue::AtBoot(format!(
            "computed from {}",
            boot.join(", ")
        )))
    }
}

/// The value `set x = <word>` stores: `!v` resolved, `$V` read raw from the environment (unset
/// is the string `None`), anything else literal.
pub fn set_value(word: &str, scope: &Scope) -> VarValue {
    if word.len() > 1 && word.starts_with('!') {
        known_or_boot(resolve_word(word, scope))
    } else if let Some(name) = word.strip_prefix('$').filter(|n| !n.is_empty()) {
        match scope.env(name) {
            Lookup::Defined(v) => VarValue::Known(v),
            Lookup::Undefined => VarValue::Known("None".into()),
            Lookup::AtBoot => VarValue::AtBoot(format!("the environment variable {name}")),
        }
    } else {
        VarValue::Known(word.to_string())
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

/// `params.add_param`: a value starting with `!` or `$` is resolved once more, and an empty
/// value (or `""` / `''`) deletes the key. `$NAME` keys set the environment instead.
pub fn add_param(scope: &mut Scope, key: &str, value: VarValue, provenance: Provenance) {
    let key = key
        .strip_suffix("[]")
        .or_else(|| key.strip_suffix("{}"))
        .unwrap_or(key);
    if key.is_empty() {
        return;
    }
    let value = match value {
        VarValue::Known(v) if v.len() > 1 && (v.starts_with('!') || v.starts_with('$')) => {
            known_or_boot(resolve_word(&v, scope))
        }
        VarValue::Known(v)
            if v.len() == 2 && v.as_bytes()[0] == v.as_bytes()[1] && (v == "\"\"" || v == "''") =>
        {
            VarValue::Known(String::new())
        }
        other => other,
    };
    if let Some(open) = key.find('[').filter(|_| key.ends_with(']')) {
        if open > 0 && open < key.len() - 2 {
            // `x[k] = v` builds a dictionary in `x`: elpc does not model its structure.
            scope.define(
                &key[..open],
                VarValue::AtBoot("a dictionary the script builds".into()),
                provenance,
            );
            return;
        }
    }
    scope.define(key, value, provenance);
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
    add_param(scope, name, value, provenance);
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
