//! The EdgeLake profile's mapping table (`edgelake::profile::MAPPINGS`) applied to a scope:
//! each row reads its env keys (first non-empty wins, dereferenced as `add_param` does),
//! normalises the value, or falls back to what the scripts assign.

use super::{Provenance, Scope, VarValue, Variable};
use crate::edgelake::profile;
use crate::resolve::cast::py_int;
use crate::resolve::reference::resolve_word;
use crate::resolve::value::Resolved;

impl Scope {
    pub(super) fn apply_mapping(&mut self, m: &'static profile::Mapping) {
        if m.fallback == profile::Fallback::Derived {
            return;
        }
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
                let value = match raw {
                    Ok(raw) => VarValue::Known(convert(m, &raw)?),
                    Err(why) => VarValue::AtBoot(why),
                };
                Some((key, value, origin, overrides))
            });
        match from_env {
            Some((key, value, origin, overrides)) => self.define(
                m.var,
                value,
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
    /// result means "unset" (`None`), `Err` that only the node knows it.
    fn dereference(&self, raw: &str) -> Option<Result<String, String>> {
        if !(raw.starts_with('!') || raw.starts_with('$')) {
            return Some(Ok(raw.to_string()));
        }
        match resolve_word(raw, self) {
            Resolved::Known(v) => Some(v.to_python_str()).filter(|s| !s.is_empty()).map(Ok),
            Resolved::AtBoot { depends_on } => Some(Err(format!(
                "computed from {} at boot",
                depends_on.join(", ")
            ))),
        }
    }

    fn fallback_value(&self, m: &profile::Mapping) -> Option<VarValue> {
        use profile::Fallback;
        let value = match m.fallback {
            Fallback::Unset | Fallback::Derived => return None,
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
    pub(super) fn evaluate_words(&self, words: &[&str]) -> VarValue {
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
        TrueFalse if raw.eq_ignore_ascii_case("true") => "true".into(),
        TrueFalse if raw.eq_ignore_ascii_case("false") => "false".into(),
        TrueFalse => return None,
        AtLeastOne => match py_int(raw) {
            Some(n) if n >= 1 => raw.to_string(),
            _ => "1".into(),
        },
        NonZeroInt => match py_int(raw) {
            Some(0) | None => return None,
            Some(n) if n < 1 => "1".into(),
            Some(_) => raw.to_string(),
        },
        NonZeroIntAsIs => match py_int(raw) {
            Some(0) | None => return None,
            Some(_) => raw.to_string(),
        },
        NonNegative => match py_int(raw) {
            Some(n) if n >= 0 => raw.to_string(),
            _ => "0".into(),
        },
        // `start_date = - + $START_DATE + d` when `.int` is non-zero: the env text as written.
        StartDate => match py_int(raw) {
            Some(n) if n != 0 => format!("-{raw}d"),
            _ => raw.to_string(),
        },
        NodeType => profile::normalise_node_type(raw).to_string(),
        LedgerConn => raw.to_string(),
    };
    Some(value)
}
