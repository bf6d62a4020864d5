//! What a line that assigns does to the node's dictionary (§3.6), as `member_cmd.process_cmd`
//! runs it: `x = …` (the old value removed first, then `data_assignment`), `x = if …`
//! (`_process_if` stores `True`/`False`), `set x = v` (`_process_set`), and the rules of
//! `params.add_param` (a value starting with `!`/`$` resolved once more; an empty value or a
//! bare quote pair deletes the variable).

use crate::edgelake::dispatch::command_key;
use crate::resolve::condition::{evaluate, parse_if, Truth};
use crate::resolve::reference::resolve_word;
use crate::resolve::scope::{Scope, VarValue};
use crate::resolve::value::{Lookup, Resolved, Variables};
use crate::syntax::script::Word;

/// What an assigning line does.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// The variable is (re)defined; `None` deletes it.
    Set {
        /// The dictionary name.
        name: String,
        /// Its new value.
        value: Option<VarValue>,
    },
    /// An environment variable is set (`$X = v`, `set $X = v`).
    SetEnv {
        /// The variable's name as the node computes it.
        name: String,
        /// Its value.
        value: VarValue,
    },
    /// The node fails the line (`Concatenating_failed`, an `if` it rejects): the script list
    /// stops. `removed` is the variable the line deleted before failing.
    Fails {
        /// Why.
        message: String,
        /// The target, deleted before the value was computed.
        removed: Option<String>,
    },
}

/// The effect of `words` when the node treats them as an assignment, `None` when they are a
/// command (or `x = <command>`, whose result only the node knows: see [`command_result`]).
pub fn effect(words: &[Word], scope: &Scope) -> Option<Effect> {
    // Most lines are no assignment: decided before collecting their words.
    let is_set = words.len() > 2 && words[0].text == "set" && words[2].text == "=";
    if !is_set && (words.len() < 3 || words[1].text != "=") {
        return None;
    }
    let text: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    if text.first() == Some(&"set") && text.len() > 2 && text[2] == "=" {
        return set_effect(&text, scope);
    }
    if text.len() < 3 || text[1] != "=" {
        return None;
    }
    // `x = …` (not `x = a + b`, not `x = incr …`) removes x before anything else. The value is
    // read through a view of the scope without x (no copy of the scope per assignment).
    let resets = text[2] != "incr" && (text.len() == 3 || text[3] != "+");
    let without = Without {
        scope,
        name: text[0],
    };
    let view: &dyn Variables = if resets { &without } else { scope };
    let removed = resets.then(|| text[0].to_string());
    if text[2] == "if" {
        return Some(if_effect(&words[2..], view, text[0], removed));
    }
    if !matches!(command_key(&text, 2, view), Ok(None)) {
        return None;
    }
    let value = if text.len() > 3 && text[3] != "+" {
        VarValue::Known(text[2..].join(" "))
    } else if text.len() == 3 {
        match resolve_word(text[2], view) {
            Resolved::Known(v) => VarValue::Known(v.to_python_str()),
            Resolved::AtBoot { depends_on } => boot(&depends_on),
        }
    } else {
        match added_string(&text[2..], view) {
            Ok(v) => v,
            Err(message) => {
                return Some(Effect::Fails {
                    message,
                    removed: None,
                })
            }
        }
    };
    Some(store(text[0], value, view))
}

/// The scope as the node sees it once `name` is removed from its dictionary.
struct Without<'a> {
    scope: &'a Scope,
    name: &'a str,
}

impl Variables for Without<'_> {
    fn param(&self, name: &str) -> Lookup<'_> {
        if name == self.name {
            self.scope.param_if_unset(name)
        } else {
            self.scope.param(name)
        }
    }

    fn env(&self, name: &str) -> Lookup<'_> {
        self.scope.env(name)
    }
}

/// `x = <command>`: the value the command leaves in `x`, which only the node knows.
pub fn command_result(words: &[Word]) -> Option<String> {
    match words {
        [target, eq, command, ..] if eq.text == "=" => Some(format!(
            "`{}` is the result of `{}` on the node",
            target.text, command.text
        )),
        _ => None,
    }
}

fn boot(depends_on: &[String]) -> VarValue {
    VarValue::AtBoot(format!("computed from {}", depends_on.join(", ")))
}

/// `x = if <condition>`: `True`/`False`; with `then`, the `then` command runs instead and x is
/// left removed.
fn if_effect(
    words: &[Word],
    scope: &dyn Variables,
    target: &str,
    removed: Option<String>,
) -> Effect {
    let parsed = match parse_if(words) {
        Ok(p) => p,
        Err(e) => {
            return Effect::Fails {
                message: e.message,
                removed,
            }
        }
    };
    let value = match evaluate(&parsed.condition, scope) {
        Truth::True => VarValue::Known("True".into()),
        Truth::False => VarValue::Known("False".into()),
        Truth::AtBoot { depends_on } => boot(&depends_on),
        Truth::RuntimeError { message } | Truth::Crash { message } => {
            return Effect::Fails { message, removed }
        }
    };
    if parsed.condition.has_then {
        return Effect::Set {
            name: target.to_string(),
            value: None,
        };
    }
    Effect::Set {
        name: target.to_string(),
        value: Some(value),
    }
}

/// `params.get_added_string`: values and `+` alternate; references resolved, others literal.
fn added_string(words: &[&str], scope: &dyn Variables) -> Result<VarValue, String> {
    let mut out = String::new();
    let mut deps = Vec::new();
    let mut need_plus = false;
    for w in words {
        if need_plus {
            if *w != "+" {
                return Err(format!(
                    "`{w}` where the node expects `+`: string concatenation fails"
                ));
            }
            need_plus = false;
            continue;
        }
        if w.chars().count() > 1 && (w.starts_with('!') || w.starts_with('$')) {
            match resolve_word(w, scope) {
                Resolved::Known(v) => out.push_str(&v.to_python_str()),
                Resolved::AtBoot { depends_on } => deps.extend(depends_on),
            }
        } else {
            out.push_str(w);
        }
        need_plus = true;
    }
    if !need_plus {
        return Err("the line ends with `+`: string concatenation fails".into());
    }
    Ok(if deps.is_empty() {
        VarValue::Known(out)
    } else {
        boot(&deps)
    })
}

/// `data_assignment`'s target: `!x` and `x` set x; `$X` sets an environment variable, whose
/// name loses one more character on the way (EdgeLake strips the `$` twice: `$PORT` sets `ORT`).
fn store(target: &str, value: VarValue, scope: &dyn Variables) -> Effect {
    if let Some(name) = target.strip_prefix('!').filter(|n| !n.is_empty()) {
        return Effect::Set {
            name: name.to_string(),
            value: add_param(value, scope),
        };
    }
    if let Some(name) = target.strip_prefix('$').filter(|n| !n.is_empty()) {
        let name: String = name.chars().skip(1).collect();
        return Effect::SetEnv { name, value };
    }
    Effect::Set {
        name: target.to_string(),
        value: add_param(value, scope),
    }
}

/// `params.add_param`: a value starting with `!`/`$` is resolved again; an empty value or a
/// bare pair of quotes (`''`, `""`) deletes the variable (`None`).
pub fn add_param(value: VarValue, scope: &dyn Variables) -> Option<VarValue> {
    let VarValue::Known(v) = value else {
        return Some(value);
    };
    let v = if v.chars().count() > 1 && (v.starts_with('!') || v.starts_with('$')) {
        match resolve_word(&v, scope) {
            Resolved::Known(r) => r.to_python_str(),
            Resolved::AtBoot { depends_on } => return Some(boot(&depends_on)),
        }
    } else {
        let quote_pair = v.len() == 2 && matches!(v.as_str(), "''" | "\"\"");
        if quote_pair {
            return None;
        }
        v
    };
    (!v.is_empty()).then_some(VarValue::Known(v))
}

/// `set x = v` (`_process_set`): exactly four words; `!v` resolved, `$V` read from the
/// environment as is (unset: the text `None`), anything else literal; `set $X = v` sets the
/// environment variable X to the literal word.
fn set_effect(text: &[&str], scope: &Scope) -> Option<Effect> {
    if text.len() != 4 {
        return Some(Effect::Fails {
            message: format!("`set {} = …` takes exactly one word after `=`; the node looks for a `set {}` command and fails", text[1], text[1]),
            removed: None,
        });
    }
    let (key, word) = (text[1], text[3]);
    if let Some(name) = key.strip_prefix('$').filter(|n| !n.is_empty()) {
        return Some(Effect::SetEnv {
            name: name.to_string(),
            value: VarValue::Known(word.to_string()),
        });
    }
    let value = if word.chars().count() > 1 && word.starts_with('!') {
        match resolve_word(word, scope) {
            Resolved::Known(v) => VarValue::Known(v.to_python_str()),
            Resolved::AtBoot { depends_on } => boot(&depends_on),
        }
    } else if let Some(name) = word.strip_prefix('$').filter(|n| !n.is_empty()) {
        // `os.environ.get`: a set but empty variable is "", an unset one `None`.
        match (scope.env_layers().get(name), scope.env(name)) {
            (Some(v), _) => VarValue::Known(v.value.clone()),
            (None, Lookup::AtBoot) => {
                VarValue::AtBoot("an environment variable read at boot".into())
            }
            (None, _) => VarValue::Known("None".into()),
        }
    } else {
        VarValue::Known(word.to_string())
    };
    Some(Effect::Set {
        name: key.to_string(),
        value: add_param(value, scope),
    })
}
