//! Several env files layered in order, later wins (design §5.2), with provenance.
//!
//! Interpolation follows compose-go: `Project.WithServicesEnvironmentResolved` parses every
//! `env_file` of a service into ONE map (`loadEnvFile(envFile, environment, ...)`), and
//! `dotenv.expandVariables` looks a `$VAR` up first in the project environment, then in that
//! map. So a `$VAR` sees the keys of earlier env files and of earlier lines of the same file,
//! never later ones. The project environment (shell, project `.env`) is not modelled here, and
//! image defaults ([`EnvOrigin::Base`]) are invisible to interpolation: compose fills env files
//! in before any container, and so any image, exists. A value is interpolated once and stored,
//! never re-interpolated, so `A=$B` / `B=$A` terminates.

use indexmap::IndexMap;

use crate::check::catalog::{ENV_UNSET_INTERPOLATION, INVALID_INPUT};
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::source::Span;
use crate::syntax::env::{EnvFile, ValuePart, VarModifier};

/// A value longer than this after interpolation is cut off (`A=$A$A` doubling guard).
const MAX_VALUE_LEN: usize = 1 << 20;
/// The most text interpolation may copy out of other variables, over all values together:
/// below the cap per value, `C1=$BIG` ... `C3000=$BIG` still multiplies a small file into
/// gigabytes (issue 13). Real files copy a few kilobytes.
const MAX_COPIED_BYTES: usize = 16 << 20;

/// Where a variable's value was defined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvOrigin {
    /// A `KEY=value` line of an env file.
    File {
        /// The key as written.
        key_span: Span,
        /// The value as written.
        value_span: Span,
    },
    /// A layer below every file, such as an image default from the Dockerfile.
    Base {
        /// What set it, for messages.
        label: &'static str,
    },
}

/// One variable after layering.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    /// The name.
    pub name: String,
    /// The final value, interpolated.
    pub value: String,
    /// The definition that won.
    pub origin: EnvOrigin,
    /// Earlier definitions this one replaced, oldest first.
    pub overrides: Vec<EnvOrigin>,
}

/// The layered environment.
#[derive(Clone, Debug)]
pub struct EnvLayers {
    vars: IndexMap<String, EnvVar, foldhash::fast::RandomState>,
    /// What interpolation may still copy (see [`MAX_COPIED_BYTES`]).
    copy_budget: usize,
}

impl Default for EnvLayers {
    fn default() -> EnvLayers {
        EnvLayers {
            vars: IndexMap::default(),
            copy_budget: MAX_COPIED_BYTES,
        }
    }
}

impl EnvLayers {
    /// An empty environment.
    pub fn new() -> EnvLayers {
        EnvLayers::default()
    }

    /// Sets a value in the lowest layer (below every file, whenever it is called).
    pub fn set_base(&mut self, name: &str, value: &str, label: &'static str) {
        let base = EnvOrigin::Base { label };
        match self.vars.get_mut(name) {
            Some(var) if matches!(var.origin, EnvOrigin::Base { .. }) => {
                var.value = value.to_string();
                var.origin = base;
            }
            Some(var) => var.overrides.insert(0, base),
            None => {
                self.vars.insert(
                    name.to_string(),
                    EnvVar {
                        name: name.to_string(),
                        value: value.to_string(),
                        origin: base,
                        overrides: Vec::new(),
                    },
                );
            }
        }
    }

    /// Adds a file on top: each line is interpolated against what is defined so far, then
    /// overrides any earlier definition. A bare `KEY` keeps the earlier value, if any.
    pub fn add_file(&mut self, file: &EnvFile, diags: &mut Diagnostics) {
        for entry in &file.entries {
            if entry.inherit {
                continue;
            }
            let mut value = String::new();
            let mut budget = self.copy_budget;
            self.interpolate(&entry.value, &mut value, diags, &mut budget);
            let ran_out = budget == 0 && self.copy_budget > 0;
            self.copy_budget = budget;
            if ran_out {
                diags.push(
                    Diagnostic::new(
                        &INVALID_INPUT,
                        entry.value_span,
                        format!(
                            "filling in `{}` copies the env files' values past {} MiB in all; \
                             from here on, `$` references are left empty",
                            entry.key,
                            MAX_COPIED_BYTES >> 20
                        ),
                    )
                    .help(
                        "check for variables that repeat large values, such as many `C=$BIG` lines",
                    ),
                );
            }
            if value.len() > MAX_VALUE_LEN {
                let mut cut = MAX_VALUE_LEN;
                while !value.is_char_boundary(cut) {
                    cut -= 1;
                }
                value.truncate(cut);
                diags.push(
                    Diagnostic::new(
                        &INVALID_INPUT,
                        entry.value_span,
                        format!(
                            "the value of `{}` grows past 1 MiB once filled in",
                            entry.key
                        ),
                    )
                    .help("check for variables that repeat each other, such as `A=$A$A`"),
                );
            }
            let origin = EnvOrigin::File {
                key_span: entry.key_span,
                value_span: entry.value_span,
            };
            match self.vars.get_mut(&entry.key) {
                Some(var) => {
                    let old = std::mem::replace(&mut var.origin, origin);
                    var.overrides.push(old);
                    var.value = value;
                }
                None => {
                    self.vars.insert(
                        entry.key.clone(),
                        EnvVar {
                            name: entry.key.clone(),
                            value,
                            origin,
                            overrides: Vec::new(),
                        },
                    );
                }
            }
        }
    }

    /// Defines a variable from a source that is not a dotenv file (a Helm values file, a
    /// Kubernetes manifest), on top of what is defined: no interpolation, and `overrides` (the
    /// source's own chain, e.g. the values files it overrode) come after any earlier definition.
    pub fn define(
        &mut self,
        name: &str,
        value: String,
        origin: EnvOrigin,
        overrides: Vec<EnvOrigin>,
    ) {
        match self.vars.get_mut(name) {
            Some(var) => {
                let old = std::mem::replace(&mut var.origin, origin);
                var.overrides.push(old);
                var.overrides.extend(overrides);
                var.value = value;
            }
            None => {
                self.vars.insert(
                    name.to_string(),
                    EnvVar {
                        name: name.to_string(),
                        value,
                        origin,
                        overrides,
                    },
                );
            }
        }
    }

    /// The variable called `name`.
    pub fn get(&self, name: &str) -> Option<&EnvVar> {
        self.vars.get(name)
    }

    /// Every variable, in first-definition order.
    pub fn iter(&self) -> impl Iterator<Item = &EnvVar> {
        self.vars.values()
    }

    /// Number of variables.
    pub fn len(&self) -> usize {
        self.vars.len()
    }

    /// True when nothing is defined.
    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    /// What compose's interpolation sees: values that came from env files.
    fn lookup(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .filter(|v| matches!(v.origin, EnvOrigin::File { .. }))
            .map(|v| v.value.as_str())
    }

    fn interpolate(
        &self,
        parts: &[ValuePart],
        out: &mut String,
        diags: &mut Diagnostics,
        budget: &mut usize,
    ) {
        for part in parts {
            if out.len() > MAX_VALUE_LEN {
                return;
            }
            match part {
                ValuePart::Literal(text) => out.push_str(text),
                ValuePart::Var {
                    name,
                    span,
                    modifier,
                } => self.var(name, *span, modifier.as_ref(), out, diags, budget),
            }
        }
    }

    fn var(
        &self,
        name: &str,
        span: Span,
        modifier: Option<&(VarModifier, Vec<ValuePart>)>,
        out: &mut String,
        diags: &mut Diagnostics,
        budget: &mut usize,
    ) {
        use VarModifier as M;
        let value = self.lookup(name);
        // Copies a variable's value, within what is left of the budget.
        let copy = |out: &mut String, v: &str, budget: &mut usize| {
            let mut n = v.len().min(*budget);
            while !v.is_char_boundary(n) {
                n -= 1;
            }
            out.push_str(&v[..n]);
            *budget = if n < v.len() { 0 } else { *budget - n };
        };
        let Some((op, word)) = modifier else {
            match value {
                Some(v) => copy(out, v, budget),
                None => diags.push(self.unset(name, span)),
            }
            return;
        };
        let empty = value.is_none_or(str::is_empty);
        match op {
            M::DefaultIfUnsetOrEmpty | M::DefaultIfUnset => {
                let use_word = if *op == M::DefaultIfUnset {
                    value.is_none()
                } else {
                    empty
                };
                if use_word {
                    self.interpolate(word, out, diags, budget);
                } else {
                    copy(out, value.unwrap_or(""), budget);
                }
            }
            M::AltIfSetNonEmpty | M::AltIfSet => {
                let use_word = if *op == M::AltIfSet {
                    value.is_some()
                } else {
                    !empty
                };
                if use_word {
                    self.interpolate(word, out, diags, budget);
                } else {
                    copy(out, value.unwrap_or(""), budget);
                }
            }
            M::ErrorIfUnsetOrEmpty | M::ErrorIfUnset => {
                let fail = if *op == M::ErrorIfUnset {
                    value.is_none()
                } else {
                    empty
                };
                if !fail {
                    copy(out, value.unwrap_or(""), budget);
                    return;
                }
                let mut reason = String::new();
                self.interpolate(word, &mut reason, diags, budget);
                let state = if value.is_some() { "empty" } else { "not set" };
                let mut message = format!("`{name}` is required but {state}");
                if !reason.is_empty() {
                    message = format!("{message}: {reason}");
                }
                diags.push(
                    Diagnostic::new(&ENV_UNSET_INTERPOLATION, span, message)
                        .severity(Severity::Error)
                        .label("docker compose stops here")
                        .help(format!(
                            "set {name} in an earlier line or an earlier env file"
                        )),
                );
            }
        }
    }

    fn unset(&self, name: &str, span: Span) -> Diagnostic {
        let mut d = Diagnostic::new(
            &ENV_UNSET_INTERPOLATION,
            span,
            format!("`{name}` is not set here, so this becomes an empty string"),
        )
        .label("nothing earlier sets this")
        .help(format!(
            "write `$$` for a literal `$`, or set {name} earlier"
        ));
        if let Some(EnvOrigin::Base { label }) = self.vars.get(name).map(|v| &v.origin) {
            d = d.note(format!(
                "{name} is set by {label}, but docker compose fills in env files before the \
                 container exists, so it cannot see that value"
            ));
        }
        d
    }
}

#[cfg(test)]
mod tests;
