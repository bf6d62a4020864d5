//! The variable scope a policy is resolved in: env layers mapped through a profile, node
//! variables, `--set` values and assignments made by earlier script lines, each with where it
//! came from.

use std::sync::Arc;

use indexmap::IndexMap;

use crate::diagnostic::Diagnostics;
use crate::edgelake::node;
use crate::resolve::env_layers::{EnvLayers, EnvOrigin};
use crate::resolve::value::{Lookup, Variables};
use crate::source::Span;

/// Which env → variable mapping to apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Profile {
    /// The EdgeLake deployment scripts: env keys mapped to variables as `main.al` and
    /// `set_params.al` do.
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
    /// one (the script engine clones scopes at every decision only the node can make).
    vars: IndexMap<String, Arc<Variable>, foldhash::fast::RandomState>,
    env: Arc<EnvLayers>,
    env_known: bool,
    opaque_after: Option<Span>,
}

impl Scope {
    /// True when `other` holds the same variables in the same order and shares this scope's
    /// environment (compared by identity: a copy of it counts as different). A re-check
    /// reuses the rest of a script run only when this holds (`crate::resolve::script_resume`).
    pub(crate) fn same_as(&self, other: &Scope) -> bool {
        self.env_known == other.env_known
            && self.opaque_after == other.opaque_after
            && Arc::ptr_eq(&self.env, &other.env)
            && self.vars.len() == other.vars.len()
            && self
                .vars
                .iter()
                .zip(other.vars.iter())
                .all(|((ka, va), (kb, vb))| ka == kb && (Arc::ptr_eq(va, vb) || va == vb))
    }

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
        // The node's runtime facts given with --set are there before any script runs (the
        // scripts derive from them); every other --set value is applied last.
        let is_fact = |name: &str| node::NODE_FACTS.contains(&name);
        for (name, value) in sets.iter().filter(|(n, _)| is_fact(n)) {
            scope.define(
                name,
                VarValue::Known(value.clone()),
                Provenance::CommandLine,
            );
        }
        // params.init: `dns` is the host name + ".local" (no lookup).
        if let Some(VarValue::Known(host)) = scope.get("hostname").map(|v| v.value.clone()) {
            let source = "params.init: the host name + \".local\"";
            scope.define(
                "dns",
                VarValue::Known(format!("{host}.local")),
                Provenance::Node { source },
            );
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
        for (name, value) in sets.iter().filter(|(n, _)| !is_fact(n)) {
            scope.define(
                name,
                VarValue::Known(value.clone()),
                Provenance::CommandLine,
            );
        }
        scope
    }

    /// A scope holding exactly these variables over this environment, with no profile and no
    /// node variables: a node dictionary given as is (the conformance replay, tests).
    #[cfg(test)]
    pub(crate) fn from_dictionary(
        env: EnvLayers,
        vars: impl IntoIterator<Item = (String, VarValue)>,
        provenance: Provenance,
    ) -> Scope {
        let mut scope = Scope::bare(env, true);
        for (name, value) in vars {
            scope.define(&name, value, provenance.clone());
        }
        scope
    }

    /// A scope with only the env layers: no variable yet (the dictionary the deployment
    /// scripts start from is filled by the caller).
    pub fn bare(env: EnvLayers, env_known: bool) -> Scope {
        Scope {
            vars: IndexMap::default(),
            env: Arc::new(env),
            env_known,
            opaque_after: None,
        }
    }

    /// Removes a variable (`params.reset_key`).
    pub fn remove(&mut self, name: &str) {
        self.vars.shift_remove(name);
    }

    /// The scope after one of two boot paths: a variable keeps its value when both paths agree
    /// on it, and is decided at boot when they do not (or only one path defines it).
    pub fn join(&self, other: &Scope) -> Scope {
        let mut out = self.clone();
        let some_paths = || VarValue::AtBoot("set only on some boot paths".into());
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
                    Arc::make_mut(out.vars.get_mut(name).expect("present")).value = some_paths();
                }
            }
        }
        for (name, var) in &other.vars {
            if !self.vars.contains_key(name) {
                let mut v = Variable::clone(var);
                v.value = some_paths();
                out.vars.insert(name.clone(), Arc::new(v));
            }
        }
        if !Arc::ptr_eq(&self.env, &other.env) {
            // Environment variables a script set on one path only: unknown after the join.
            for var in other.env.iter() {
                let same = self
                    .env
                    .get(&var.name)
                    .is_some_and(|v| v.value == var.value);
                if !same {
                    Arc::make_mut(&mut out.env).set_base(&var.name, "", "a script line");
                }
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

    /// Sets an environment variable from a script line (`$X = v`, `set $X = v`); a value only
    /// the node knows makes it unknown from here on.
    pub fn set_env(&mut self, name: &str, value: VarValue) {
        if name.is_empty() {
            return; // the node's `os.environ[""] = …` raises and is ignored
        }
        let env = Arc::make_mut(&mut self.env);
        match value {
            VarValue::Known(v) => env.set_base(name, &v, "a script line"),
            VarValue::AtBoot(_) => env.set_base(name, "", "a script line"),
        }
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
}

#[path = "scope_edgelake.rs"]
mod edgelake;
#[path = "scope_mapping.rs"]
mod mapping;

impl Scope {
    /// What [`Variables::param`] gives for `name` when the dictionary does not hold it.
    pub(crate) fn param_if_unset(&self, name: &str) -> Lookup<'static> {
        // A processed script can set plain names; a path such as `local_scripts/x.al`, tried
        // whole before it is split (§3.3), is never a variable.
        if self.opaque_after.is_some()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            Lookup::AtBoot
        } else {
            Lookup::Undefined
        }
    }
}

impl Variables for Scope {
    fn param(&self, name: &str) -> Lookup<'_> {
        match self.vars.get(name).map(|v| &v.value) {
            Some(VarValue::Known(v)) => Lookup::Defined(v.as_str().into()),
            Some(VarValue::AtBoot(_)) => Lookup::AtBoot,
            None => self.param_if_unset(name),
        }
    }

    fn env(&self, name: &str) -> Lookup<'_> {
        match self.env.get(name) {
            Some(v) if !v.value.is_empty() => Lookup::Defined(v.value.as_str().into()),
            _ if !self.env_known => Lookup::AtBoot,
            // The container sets $HOME for the user the node runs as.
            None if name == "HOME" => Lookup::AtBoot,
            _ => Lookup::Undefined,
        }
    }
}

/// The environment's layers are not visited: their spans are in the env files, and scopes
/// share them by identity.
impl crate::resolve::spans::Spans for Scope {
    fn spans(&self, f: &mut dyn FnMut(&Span)) {
        let Scope {
            vars,
            env: _,
            env_known: _,
            opaque_after,
        } = self;
        vars.spans(f);
        opaque_after.spans(f);
    }
    fn shift(&mut self, by: &mut crate::resolve::spans::Shifter) {
        let Scope {
            vars,
            env: _,
            env_known: _,
            opaque_after,
        } = self;
        vars.shift(by);
        opaque_after.shift(by);
    }
}
