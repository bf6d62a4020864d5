//! `elpc.toml`: project configuration shared by the CLI and the language server.
//!
//! ```toml
//! [lint]                       # rule levels (codes, names, or "warnings")
//! deny  = ["warnings"]
//! warn  = ["EL202"]
//! allow = ["env-duplicate-key"]
//!
//! [[policies]]                 # which env files and variables go with which policies
//! files   = ["policies/operator/*.policy"]        # glob patterns, relative to elpc.toml
//! env     = ["policies/operator/base_configs.env", "policies/operator/advance_configs.env"]
//! set     = { enable_ha = "true" }
//! profile = "edgelake"         # or "plain"
//! target  = "edgelake"         # or "anylog"
//! path_map = ["/app/deployment-scripts=deployment-scripts"]
//! scripts  = "deployment-scripts"  # derive node variables from its main.al (as --scripts)
//! values  = ["chart/values.yaml", "deploy/operator.yaml"]   # Helm values, in Helm's order
//! manifests = ["rendered/operator.yaml"]                       # or rendered manifests
//! ```
//!
//! The core only knows [`LintLevels`]; reading, parsing and finding the file (the feature
//! `config`, on for the CLI and the language server) belong to the front ends.

#[cfg(feature = "config")]
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[cfg(feature = "config")]
use crate::edgelake::commands::Target;
#[cfg(feature = "config")]
use crate::path_map::Mapping;
#[cfg(feature = "config")]
use crate::resolve::scope::Profile;

/// The name of the configuration file.
#[cfg(feature = "config")]
pub const FILE_NAME: &str = "elpc.toml";

/// A parsed `elpc.toml`.
#[cfg(feature = "config")]
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Rule levels.
    #[serde(default)]
    pub lint: LintLevels,
    /// Policy groups, first match wins.
    #[serde(default)]
    pub policies: Vec<PolicyGroup>,
}

/// `--deny` / `--warn` / `--allow` lists: rule codes, rule names, or `warnings`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LintLevels {
    /// Report these as errors.
    #[serde(default)]
    pub deny: Vec<String>,
    /// Report these as warnings.
    #[serde(default)]
    pub warn: Vec<String>,
    /// Do not report these.
    #[serde(default)]
    pub allow: Vec<String>,
    /// The `elpc.toml` these levels were read from, so that a name in it that is no rule is
    /// reported there, with line, column and "did you mean" (EL030). `None` for levels from a
    /// command line, whose front end reports unknown names itself.
    #[serde(skip)]
    pub origin: Option<LevelsOrigin>,
}

impl LintLevels {
    /// The names that are no rule's code or name (nor `warnings`), each quoted and followed by
    /// the closest rule when one is close: for a front end's usage error.
    ///
    /// ```
    /// let mut levels = elpc::LintLevels::default();
    /// levels.allow = vec!["EL201".into(), "env-duplicte-key".into()];
    /// assert_eq!(levels.unknown_rule_names(), ["`env-duplicte-key` (did you mean `env-duplicate-key`?)"]);
    /// ```
    pub fn unknown_rule_names(&self) -> Vec<String> {
        crate::check::suppress::unknown_rule_names(self)
    }
}

/// The file rule levels were read from: its display name and text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LevelsOrigin {
    /// Display name (usually the path of `elpc.toml`).
    pub name: String,
    /// The file's text.
    pub text: String,
}

/// Env files and variables for the policies matching `files`.
#[cfg(feature = "config")]
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PolicyGroup {
    /// Glob patterns of policy files, relative to the configuration file.
    pub files: Vec<String>,
    /// Env files in layering order, relative to the configuration file.
    #[serde(default)]
    pub env: Vec<String>,
    /// `--set` values.
    #[serde(default)]
    pub set: std::collections::BTreeMap<String, String>,
    /// `edgelake` (default) or `plain`.
    #[serde(default)]
    pub profile: Option<String>,
    /// `edgelake` (default) or `anylog`: which runtime's commands exist.
    #[serde(default)]
    pub target: Option<String>,
    /// `NODE_DIR=LOCAL_DIR` mappings for checking `process` paths; `LOCAL_DIR` is relative to
    /// the configuration file.
    #[serde(default)]
    pub path_map: Vec<String>,
    /// A deployment-scripts checkout (relative to the configuration file) whose `main.al`
    /// derives the node variables, as `--scripts`.
    #[serde(default)]
    pub scripts: Option<String>,
    /// Helm values files in Helm's order (the chart's `values.yaml` first), relative to the
    /// configuration file: the pod's env comes from them.
    #[serde(default)]
    pub values: Vec<String>,
    /// Rendered Kubernetes manifests, relative to the configuration file.
    #[serde(default)]
    pub manifests: Vec<String>,
}

/// A configuration file that could not be read.
#[cfg(feature = "config")]
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong, with line and column when known.
    pub message: String,
}

#[cfg(feature = "config")]
impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

#[cfg(feature = "config")]
impl PolicyGroup {
    /// The profile the group names (`None` when it names none).
    pub fn profile(&self) -> Result<Option<Profile>, String> {
        match self.profile.as_deref() {
            None => Ok(None),
            Some("edgelake") => Ok(Some(Profile::EdgeLake)),
            Some("plain") => Ok(Some(Profile::Plain)),
            Some(other) => Err(format!("unknown profile `{other}` (edgelake or plain)")),
        }
    }

    /// The target runtime the group names (`None` when it names none).
    pub fn target(&self) -> Result<Option<Target>, String> {
        match self.target.as_deref() {
            None => Ok(None),
            Some("edgelake") => Ok(Some(Target::EdgeLake)),
            Some("anylog") => Ok(Some(Target::AnyLog)),
            Some(other) => Err(format!("unknown target `{other}` (edgelake or anylog)")),
        }
    }

    /// The group's `path_map`, local directories resolved against `base` (the directory of the
    /// configuration file).
    pub fn path_map(&self, base: &Path) -> Result<Vec<Mapping>, String> {
        self.path_map
            .iter()
            .map(|entry| {
                let mut mapping = Mapping::parse(entry).map_err(|e| format!("path_map: {e}"))?;
                mapping.local_dir = base.join(&mapping.local_dir);
                Ok(mapping)
            })
            .collect()
    }
}

#[cfg(feature = "config")]
impl Config {
    /// Parses configuration text.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        config.lint.origin = Some(LevelsOrigin {
            name: path.display().to_string(),
            text: text.to_string(),
        });
        Ok(config)
    }

    /// Finds `elpc.toml` in `start` or its ancestors, and parses it.
    pub fn discover(start: &Path) -> Result<Option<(PathBuf, Config)>, ConfigError> {
        let start = if start.is_file() {
            start.parent().unwrap_or(start)
        } else {
            start
        };
        let start = if start.as_os_str().is_empty() {
            Path::new(".")
        } else {
            start
        };
        let absolute = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
        for dir in absolute.ancestors() {
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                let text = crate::disk::read_text(&candidate, crate::disk::MAX_CONFIG_BYTES)
                    .map_err(|message| ConfigError {
                        path: candidate.clone(),
                        message,
                    })?;
                return Config::parse(&text, &candidate).map(|c| Some((candidate, c)));
            }
        }
        Ok(None)
    }

    /// The first policy group whose patterns match `policy` (a path relative to the
    /// configuration file's directory).
    pub fn group_for(&self, policy: &Path) -> Option<&PolicyGroup> {
        self.policies.iter().find(|g| {
            g.files.iter().any(|pattern| {
                globset::Glob::new(pattern)
                    .map(|glob| glob.compile_matcher().is_match(policy))
                    .unwrap_or(false)
            })
        })
    }
}

#[cfg(all(test, feature = "config"))]
mod tests {
    use super::*;

    #[test]
    fn parses_levels_and_groups_and_matches_globs() {
        let text = r#"
            [lint]
            deny = ["warnings"]
            allow = ["EL102"]
            [[policies]]
            files = ["policies/operator/*.policy"]
            env = ["a.env", "b.env"]
            set = { enable_ha = "true" }
        "#;
        let c = Config::parse(text, Path::new("elpc.toml")).unwrap();
        assert_eq!(c.lint.deny, ["warnings"]);
        let g = c
            .group_for(Path::new("policies/operator/policy.policy"))
            .unwrap();
        assert_eq!(g.env, ["a.env", "b.env"]);
        assert_eq!(g.set["enable_ha"], "true");
        assert!(c
            .group_for(Path::new("policies/master/policy.policy"))
            .is_none());
    }

    #[test]
    fn unknown_keys_are_errors_with_position() {
        let e = Config::parse(
            "[lint]\ndeny = [\"x\"]\nfrobnicate = 1\n",
            Path::new("elpc.toml"),
        )
        .unwrap_err();
        assert!(e.message.contains("frobnicate"), "{}", e.message);
    }
}
