//! The variable scope a policy is resolved in: env layers mapped through a profile, node
//! variables, `--set` values and assignments made by earlier script lines, each with where it
//! came from.

use std::sync::Arc;

use indexmap::IndexMap;

use crate::check::catalog::NODE_TYPE_MISSING;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::edgelake::{node, profile};
use crate::resolve::cast::py_int;
use crate::resolve::env_layers::{EnvLayers, EnvOrigin};
use crate::resolve::reference::resolve_word;
use crate::resolve::value::{Lookup, Resolved, Variables};
use crate::source::Span;

/// Which env → variable mapping to apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Profile {
    /// The EdgeLake deployment scripts (§5.4).
    #[default]
    EdgeLake,
    /// Each env key becomes its lower-cased name, nothing else.
    Plain,
}

/// The value of a variable.
#[derive(Clone, Debug, PartialEq)]
pub enum VarValue {
    /// Known now.
    Known(String),
    /// Only the node knows it; the text says how it gets it.
    AtBoot(String),
}

/// Where a variable's value came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Provenance {
    /// An env key, through a profile mapping (`source` cites the script line).
    Env {
        /// The env key.
        key: String,
        /// Where that key was defined.
        origin: EnvOrigin,
        /// Earlier definitions it replaced, oldest first.
        overrides: Vec<EnvOrigin>,
        /// The script line doing the mapping.
        source: &'static str,
    },
    /// The scripts' own default, because the env key is unset.
    ScriptDefault {
        /// The script line.
        source: &'static str,
    },
    /// Set by the node itself at boot.
    Node {
        /// How the node gets it.
        source: &'static str,
    },
    /// Given on the command line with `--set`.
    CommandLine,
    /// Assigned by an earlier line of the policy's own script.
    Assignment {
        /// The line.
        span: Span,
    },
    /// No env files were given, so the value is whatever the env says at boot.
    EnvAtBoot {
        /// The env keys that would set it.
        keys: &'static [&'static str],
    },
    /// Set by a line of a deployment script elpc interpreted (`--scripts`, a `process`ed file).
    Script {
        /// The script line.
        span: Span,
        /// The env key the value was copied from (`x = $KEY`), with where that key was set.
        env: Option<(String, EnvOrigin)>,
    },
}

/// One variable.
#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    /// Its dictionary name.
    pub name: String,
    /// Its value.
    pub value: VarValue,
    /// Where it came from.
    pub provenance: Provenance,
}

/// Everything a reference can see.
#[derive(Clone, Debug)]
pub struct Scope {
    /// Shared entries: a boot path cloned from another shares its variables until it changes
    /// one (the engine clones scopes at every decision only the node can make).
    vars: IndexMap<String, Arc<Variable>>,
    env: Arc<EnvLayers>,
    /// Environment variables set by scripts (`set $X = v`), over `env`.
    env_set: IndexMap<String, VarValue>,
    env_known: bool,
    opaque_after: Option<Span>,
}

impl Scope {
    /// Builds the scope for `profile` from layered env files (`env_known` is false when no env
    /// file was given: then env-derived values are decided at boot) and `--set` pairs.
    pub fn build(
        profile: Profile,
        env: EnvLayers,
        env_known: bool,
        sets: &[(String, String)],
        diags: &mut Diagnostics,
        env_anchor: Option<Span>,
    ) -> Scope {
        let mut scope = Scope::bare(env, env_known);
        for var in node::NODE_VARIABLES {
            let value = match var.fixed {
                Some(v) => VarValue::Known(v.to_string()),
                None => VarValue::AtBoot(var.source.to_string()),
            };
            scope.define(var.name, value, Provenance::Node { source: var.source });
        }
        match profile {
            Profile::EdgeLake => scope.apply_edgelake(diags, env_anchor),
            Profile::Plain => {
                let pairs: Vec<_> = scope
                    .env
                    .iter()
                    .map(|v| {
                        (
                            v.name.to_lowercase(),
                            v.value.clone(),
                            v.origin.clone(),
                            v.overrides.clone(),
                            v.name.clone(),
                        )
                    })
                    .collect();
                for (name, value, origin, overrides, key) in pairs {
                    scope.define(
                        &name,
                        VarValue::Known(value),
                        Provenance::Env {
                            key,
                            origin,
                            overrides,
                            source: "--profile plain",
                        },
                    );
                }
            }
        }
        for (name, value) in sets {
            scope.define(
                name,
                VarValue::Known(value.clone()),
                Provenance::CommandLine,
            );
        }
        scope
    }

    /// A scope with only the env layers: no variable yet (the dictionary the deployment
    /// scripts start from is filled by the caller).
    pub fn bare(env: EnvLayers, env_known: bool) -> Scope {
        Scope {
            vars: IndexMap::new(),
            env: Arc::new(env),
            env_set: IndexMap::new(),
            env_known,
            opaque_after: None,
        }
    }

    /// Whether the env files are known (else `$NAME` is decided at boot).
    pub fn env_known(&self) -> bool {
        self.env_known
    }

    /// Removes a variable (`params.reset_key`).
    pub fn remove(&mut self, name: &str) {
        self.vars.shift_remove(name);
    }

    /// Sets an environment variable for the lines after (`set $X = v`).
    pub fn set_env(&mut self, name: &str, value: VarValue) {
        self.env_set.insert(name.to_string(), value);
    }

    /// The scope after one of two boot paths: a variable keeps its value when both paths agree
    /// on it, and is decided at boot when they do not (or only one path defines it).
    pub fn join(&self, other: &Scope) -> Scope {
        let mut out = self.clone();
        for (name, var) in &self.vars {
            match other.vars.get(name) {
                Some(o) if Arc::ptr_eq(o, var) || o.value == var.value => {}
                Some(o) => {
                    let why = match (&var.value, &o.value) {
                        (VarValue::Known(a), VarValue::Known(b)) => {
                            format!("`{a}` or `{b}`, depending on what the node finds at boot")
                        }
                        _ => "depends on what the node finds at boot".to_string(),
                    };
                    Arc::make_mut(out.vars.get_mut(name).expect("present")).value =
                        VarValue::AtBoot(why);
                }
                None => {
                    Arc::make_mut(out.vars.get_mut(name).expect("present")).value =
                        VarValue::AtBoot("set only on some boot paths".into());
                }
            }
        }
        for (name, var) in &other.vars {
            if !self.vars.contains_key(name) {
                let mut v = Variable::clone(var);
                v.value = VarValue::AtBoot("set only on some boot paths".into());
                out.vars.insert(name.clone(), Arc::new(v));
            }
        }
        for (name, value) in &other.env_set {
            if self.env_set.get(name) != Some(value) {
                out.env_set.insert(
                    name.clone(),
                    VarValue::AtBoot("set only on some boot paths".into()),
                );
            }
        }
        for name in self.env_set.keys() {
            if !other.env_set.contains_key(name) {
                out.env_set.insert(
                    name.clone(),
                    VarValue::AtBoot("set only on some boot paths".into()),
                );
            }
        }
        out.opaque_after = self.opaque_after.or(other.opaque_after);
        out
    }

    /// Marks every variable in `names` as decided at boot (when elpc stops following a script).
    pub fn forget(&mut self, names: &[String], why: &str) {
        for name in names {
            if let Some(v) = self.vars.get_mut(name) {
                Arc::make_mut(v).value = VarValue::AtBoot(why.to_string());
            }
        }
    }

    /// A hash of every value (not provenance): two scopes with the same fingerprint behave
    /// the same from here on.
    pub fn fingerprint(&self, hasher: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        for (name, var) in &self.vars {
            name.hash(hasher);
            match &var.value {
                VarValue::Known(v) => (0u8, v).hash(hasher),
                VarValue::AtBoot(_) => 1u8.hash(hasher),
            }
        }
        for (name, value) in &self.env_set {
            name.hash(hasher);
            match value {
                VarValue::Known(v) => (0u8, v).hash(hasher),
                VarValue::AtBoot(_) => 1u8.hash(hasher),
            }
        }
        self.opaque_after.is_some().hash(hasher);
    }

    /// Defines (or redefines) a variable. An empty known value deletes it, as `add_param` does.
    pub fn define(&mut self, name: &str, value: VarValue, provenance: Provenance) {
        if value == VarValue::Known(String::new()) {
            self.vars.shift_remove(name);
            return;
        }
        self.vars.insert(
            name.to_string(),
            Arc::new(Variable {
                name: name.to_string(),
                value,
                provenance,
            }),
        );
    }

    /// The variable, if defined.
    pub fn get(&self, name: &str) -> Option<&Variable> {
        self.vars.get(name).map(|v| &**v)
    }

    /// Every defined variable, in definition order.
    pub fn iter(&self) -> impl Iterator<Item = &Variable> {
        self.vars.values().map(|v| &**v)
    }

    /// The env layers behind `$NAME`.
    pub fn env_layers(&self) -> &EnvLayers {
        &self.env
    }

    /// From here on, names nobody defined may have been set by the processed script at `span`.
    pub fn mark_opaque(&mut self, span: Span) {
        self.opaque_after.get_or_insert(span);
    }

    /// The first `process` line after which unknown names are decided at boot.
    pub fn opaque_after(&self) -> Option<Span> {
        self.opaque_after
    }

    fn env_value(&self, key: &str) -> Option<(String, EnvOrigin, Vec<EnvOrigin>)> {
        let var = self.env.get(key)?;
        (!var.value.is_empty())
            .then(|| (var.value.clone(), var.origin.clone(), var.overrides.clone()))
    }

    fn apply_edgelake(&mut self, diags: &mut Diagnostics, env_anchor: Option<Span>) {
        if self.env_known && self.env_value("NODE_TYPE").is_none() {
            if let Some(anchor) = env_anchor {
                diags.push(
                    Diagnostic::new(&NODE_TYPE_MISSING, anchor, "no env file sets `NODE_TYPE`")
                        .help("add `NODE_TYPE=operator` (or master, query, generic) to the first env file")
                        .note("main.al prints an error and runs `exit scripts` without NODE_TYPE: no variable from the env files is set"),
                );
            }
        }
        for mapping in profile::MAPPINGS {
            self.apply_mapping(mapping);
        }
        for (name, value, source) in profile::FIXED {
            self.define(
                name,
                VarValue::Known(value.to_string()),
                Provenance::ScriptDefault { source },
            );
        }
    }

    fn apply_mapping(&mut self, m: &'static profile::Mapping) {
        if !self.env_known {
            let value = match m.fallback {
                profile::Fallback::Unset if m.env.is_empty() => return,
                _ if m.env.is_empty() => self.fallback_value(m),
                _ => Some(VarValue::AtBoot(format!(
                    "from the env key {} at boot",
                    m.env.join(" or ")
                ))),
            };
            if let Some(value) = value {
                self.define(m.var, value, Provenance::EnvAtBoot { keys: m.env });
            }
            return;
        }
        let enabled = m.only_if.is_none_or(|flag| {
            matches!(self.get(flag), Some(Variable { value: VarValue::Known(v), .. }) if v == "true")
        });
        let from_env = m
            .env
            .iter()
            .filter(|_| enabled)
            .find_map(|key| self.env_value(key).map(|v| (*key, v)))
            .and_then(|(key, (raw, origin, overrides))| {
                self.dereference(&raw)
                    .map(|raw| (key, raw, origin, overrides))
            })
            .and_then(|(key, raw, origin, overrides)| {
                convert(m, &raw).map(|value| (key, value, origin, overrides))
            });
        match from_env {
            Some((key, value, origin, overrides)) => self.define(
                m.var,
                VarValue::Known(value),
                Provenance::Env {
                    key: key.to_string(),
                    origin,
                    overrides,
                    source: m.source,
                },
            ),
            None => {
                if let Some(value) = self.fallback_value(m) {
                    self.define(m.var, value, Provenance::ScriptDefault { source: m.source });
                }
            }
        }
    }

    /// `add_param` resolves a value starting with `!` or `$` once more (§3.6, §5.6.3); an empty
    /// result means "unset".
    fn dereference(&self, raw: &str) -> Option<String> {
        if !(raw.starts_with('!') || raw.starts_with('$')) {
            return Some(raw.to_string());
        }
        match resolve_word(raw, self) {
            Resolved::Known(v) => Some(v.to_python_str()).filter(|s| !s.is_empty()),
            Resolved::AtBoot { .. } => None,
        }
    }

    fn fallback_value(&self, m: &profile::Mapping) -> Option<VarValue> {
        use profile::Fallback;
        let value = match m.fallback {
            Fallback::Unset => return None,
            Fallback::Value(v) => VarValue::Known(v.to_string()),
            Fallback::AtBoot(why) => VarValue::AtBoot(why.to_string()),
            Fallback::Reference(r) => self.evaluate_words(&[r]),
            Fallback::Concat(parts) => {
                let mut value = self.evaluate_words(parts);
                if m.var == "config_name" && self.get("anylog_broker_port").is_some() {
                    if let VarValue::Known(v) = &mut value {
                        v.push_str("-broker");
                    }
                }
                value
            }
            Fallback::ByNodeType(ports) => match self.get("node_type").map(|v| &v.value) {
                Some(VarValue::Known(t)) => {
                    VarValue::Known(ports[profile::node_type_index(t)].to_string())
                }
                Some(VarValue::AtBoot(_)) => {
                    VarValue::AtBoot("the default port of the node type".into())
                }
                None => VarValue::Known(ports[4].to_string()),
            },
        };
        Some(value)
    }

    /// Resolves words and joins them without spaces, as `x = a + b` does (§3.6).
    fn evaluate_words(&self, words: &[&str]) -> VarValue {
        let mut out = String::new();
        for word in words {
            if word.starts_with('!') || word.starts_with('$') {
                match resolve_word(word, self) {
                    Resolved::Known(v) => out.push_str(&v.to_python_str()),
                    Resolved::AtBoot { depends_on } => {
                        return VarValue::AtBoot(format!("computed from {}", depends_on.join(", ")))
                    }
                }
            } else {
                out.push_str(word);
            }
        }
        VarValue::Known(out)
    }
}

/// Applies a mapping's normalisation to a non-empty env value; `None` means "keep the default".
fn convert(m: &profile::Mapping, raw: &str) -> Option<String> {
    use profile::Conversion::*;
    let value = match m.conversion {
        Copy => raw.to_string(),
        Bool if raw.eq_ignore_ascii_case("true") => "true".into(),
        Bool => match m.fallback {
            profile::Fallback::Unset => "false".into(),
            _ => return None,
        },
        BoolDefaultTrue => if raw.eq_ignore_ascii_case("false") {
            "false"
        } else {
            "true"
        }
        .into(),
        AtLeastOne => match py_int(raw) {
            Some(n) if n >= 1 => raw.to_string(),
            _ => "1".into(),
        },
        NonZeroInt => match py_int(raw) {
            Some(0) | None => return None,
            Some(n) if n < 1 => "1".into(),
            Some(_) => raw.to_string(),
        },
        NonNegative => match py_int(raw) {
            Some(n) if n >= 0 => raw.to_string(),
            _ => "0".into(),
        },
        StartDate => match py_int(raw) {
            Some(n) if n != 0 => format!("-{n}d"),
            _ => raw.to_string(),
        },
        NodeType => profile::normalise_node_type(raw).to_string(),
        LedgerConn => {
            let host = raw.split(':').next().unwrap_or("").trim();
            if host == "127.0.0.1" {
                return None;
            }
            raw.trim().to_string()
        }
    };
    Some(value)
}

impl Variables for Scope {
    fn param(&self, name: &str) -> Lookup {
        match self.vars.get(name).map(|v| &v.value) {
            Some(VarValue::Known(v)) => Lookup::Defined(v.clone()),
            Some(VarValue::AtBoot(_)) => Lookup::AtBoot,
            // A processed script can set plain names; a path such as `local_scripts/x.al`,
            // tried whole before it is split (§3.3), is never a variable.
            None if self.opaque_after.is_some()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                Lookup::AtBoot
            }
            None => Lookup::Undefined,
        }
    }

    fn env(&self, name: &str) -> Lookup {
        match self.env_set.get(name) {
            Some(VarValue::Known(v)) if !v.is_empty() => return Lookup::Defined(v.clone()),
            Some(VarValue::Known(_)) => return Lookup::Undefined,
            Some(VarValue::AtBoot(_)) => return Lookup::AtBoot,
            None => {}
        }
        match self.env.get(name) {
            Some(v) if !v.value.is_empty() => Lookup::Defined(v.value.clone()),
            _ if !self.env_known => Lookup::AtBoot,
            // The container sets $HOME for the user the node runs as.
            None if name == "HOME" => Lookup::AtBoot,
            _ => Lookup::Undefined,
        }
    }
}
