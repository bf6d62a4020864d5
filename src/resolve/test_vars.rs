//! A `HashMap`-backed [`Variables`] for tests.

use std::collections::HashMap;

use super::value::{Lookup, Variables};

/// Test variables: `!name` from `params`, `$NAME` from `env`; names in `boot` are known only at boot.
#[derive(Default)]
pub struct Vars {
    pub params: HashMap<String, String>,
    pub env: HashMap<String, String>,
    pub boot: Vec<String>,
}

impl Vars {
    /// Build from `("name", "value")` pairs; names starting with `$` go to the environment,
    /// values equal to `@boot` are known only at boot.
    pub fn of(pairs: &[(&str, &str)]) -> Vars {
        let mut v = Vars::default();
        for (k, val) in pairs {
            if *val == "@boot" {
                v.boot.push(k.to_string());
            } else if let Some(e) = k.strip_prefix('$') {
                v.env.insert(e.to_string(), val.to_string());
            } else {
                v.params.insert(k.to_string(), val.to_string());
            }
        }
        v
    }
}

impl Variables for Vars {
    fn param(&self, name: &str) -> Lookup<'_> {
        if self.boot.iter().any(|b| b == name) {
            return Lookup::AtBoot;
        }
        self.params
            .get(name)
            .map_or(Lookup::Undefined, |v| Lookup::Defined(v.as_str().into()))
    }
    fn env(&self, name: &str) -> Lookup<'_> {
        if self.boot.iter().any(|b| b.strip_prefix('$') == Some(name)) {
            return Lookup::AtBoot;
        }
        self.env
            .get(name)
            .map_or(Lookup::Undefined, |v| Lookup::Defined(v.as_str().into()))
    }
}
