//! A case's node dictionary and environment as elpc's resolver sees them.

use std::collections::HashMap;

use indexmap::IndexMap;
use serde_json::Value as Json;

use crate::resolve::env_layers::EnvLayers;
use crate::resolve::scope::{Provenance, Scope, VarValue};
use crate::resolve::value::{Lookup, Value, Variables};

/// The dictionary the runtime held (`dictionary` of the case input, as EdgeLake stored it),
/// its environment, and the facts elpc is not told (decided at boot).
pub(super) struct CaseVars {
    pub dictionary: IndexMap<String, String>,
    pub env: HashMap<String, String>,
    pub facts: Vec<String>,
}

/// A dictionary value as text (values are strings, except what a cast stored).
pub(super) fn text_of(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Bool(true) => "True".into(),
        Json::Bool(false) => "False".into(),
        Json::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => crate::resolve::value::python_float_repr(n.as_f64().unwrap_or(0.0)),
        },
        Json::Null => "None".into(),
        other => other.to_string(),
    }
}

impl CaseVars {
    pub fn from_input(input: &Json) -> CaseVars {
        let dictionary = input["dictionary"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), text_of(v))).collect())
            .unwrap_or_default();
        let env = input["env"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), text_of(v))).collect())
            .unwrap_or_default();
        let facts = input["facts"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        CaseVars {
            dictionary,
            env,
            facts,
        }
    }

    /// A scope holding exactly this dictionary and environment.
    pub fn scope(&self) -> Scope {
        let mut env = EnvLayers::new();
        for (k, v) in &self.env {
            env.set_base(k, v, "the recorded environment");
        }
        let vars = self.dictionary.iter().map(|(k, v)| {
            let value = if self.facts.contains(k) {
                VarValue::AtBoot("a fact of the node the case does not give".into())
            } else {
                VarValue::Known(v.clone())
            };
            (k.clone(), value)
        });
        Scope::from_dictionary(env, vars, Provenance::CommandLine)
    }
}

impl Variables for CaseVars {
    fn param(&self, name: &str) -> Lookup<'_> {
        if self.facts.iter().any(|f| f == name) {
            return Lookup::AtBoot;
        }
        match self.dictionary.get(name) {
            Some(v) => Lookup::Defined(v.as_str().into()),
            None => Lookup::Undefined,
        }
    }

    fn env(&self, name: &str) -> Lookup<'_> {
        match self.env.get(name) {
            Some(v) => Lookup::Defined(v.as_str().into()),
            None => Lookup::Undefined,
        }
    }
}

/// Compares elpc's value with a recorded `{"value", "type"}`.
pub(super) fn same_value(got: &Value, expect: &Json) -> Result<(), String> {
    let ty = expect["type"].as_str().unwrap_or("?");
    let v = &expect["value"];
    let ok = match (got, ty) {
        (Value::Str(s), "str") => v.as_str() == Some(s.as_str()),
        (Value::Int(i), "int") => v.as_i64() == Some(*i),
        (Value::Bool(b), "bool") => v.as_bool() == Some(*b),
        (Value::Float(f), "float") => match v {
            Json::Number(n) => n.as_f64() == Some(*f),
            Json::Object(o) => {
                let want = o.get("$float").and_then(Json::as_str).unwrap_or("");
                crate::resolve::value::python_float_repr(*f) == want
            }
            _ => false,
        },
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("runtime {ty} {v}, elpc {got:?}"))
    }
}
