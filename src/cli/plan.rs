//! What one policy is compiled with: the command line and the nearest `elpc.toml`, merged.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use elpc::config::Config;
use elpc::{
    compile_deployment, Compilation, Kubernetes, LintLevels, Mapping, Options, PathMap, Profile,
    Target, MAX_ENV_BYTES, MAX_POLICY_BYTES,
};

use crate::cli::args::{InputArgs, ProfileArg, TargetArg};
use crate::cli::read::{display_path, read, read_chart, read_or_stdin};
use crate::UsageError;

/// What one policy is compiled with: env files, `--set` values, profile and rule levels, from
/// the command line and the nearest `elpc.toml`.
pub(crate) struct Plan {
    pub(crate) env: Vec<PathBuf>,
    pub(crate) values: Vec<PathBuf>,
    pub(crate) manifests: Vec<PathBuf>,
    pub(crate) chart: Option<PathBuf>,
    pub(crate) node_port_range: (u16, u16),
    pub(crate) options: Options,
}

impl Plan {
    pub(crate) fn for_policy(
        policy: &Path,
        inputs: &InputArgs,
        env_set: Option<&[PathBuf]>,
    ) -> Result<Plan, UsageError> {
        let found = Config::discover(policy).map_err(|e| UsageError(e.to_string()))?;
        let mut levels = LintLevels::default();
        let mut env = inputs.env.clone();
        let mut values = inputs.kubernetes.values.clone();
        if let Some(dir) = &inputs.kubernetes.chart {
            // Helm reads the chart's own values.yaml before every -f file.
            values.insert(0, dir.join("values.yaml"));
        }
        let mut manifests = inputs.kubernetes.manifests.clone();
        let mut sets: Vec<(String, String)> = Vec::new();
        let mut profile = None;
        let mut target = None;
        let mut group_path_map: Vec<Mapping> = Vec::new();
        let mut group_scripts: Option<PathBuf> = None;
        if let Some((path, config)) = &found {
            levels = config.lint.clone();
            if let Some(origin) = &mut levels.origin {
                origin.name = display_path(path);
            }
            let parent = path.parent().unwrap_or(Path::new("."));
            let absolute = std::path::absolute(policy).unwrap_or_else(|_| policy.to_path_buf());
            let relative = absolute
                .strip_prefix(std::path::absolute(parent).unwrap_or_else(|_| parent.to_path_buf()))
                .unwrap_or(policy);
            // Files elpc.toml names (env files, scripts) are shown from the working directory
            // when below it, as the policies are: annotations and SARIF need repository paths.
            let root = &PathBuf::from(display_path(parent));
            if let Some(group) = config.group_for(relative) {
                if env.is_empty() && env_set.is_none() {
                    env = group.env.iter().map(|e| root.join(e)).collect();
                }
                if values.is_empty() && manifests.is_empty() && env_set.is_none() {
                    values = group.values.iter().map(|e| root.join(e)).collect();
                    manifests = group.manifests.iter().map(|e| root.join(e)).collect();
                }
                sets.extend(group.set.iter().map(|(k, v)| (k.clone(), v.clone())));
                let bad = |e: String| UsageError(format!("{}: {e}", path.display()));
                profile = group.profile().map_err(bad)?;
                target = group.target().map_err(bad)?;
                group_path_map = group.path_map(root).map_err(bad)?;
                group_scripts = group.scripts.as_ref().map(|s| root.join(s));
            }
        }
        if let Some(files) = env_set {
            env = files.to_vec();
        }
        // Command-line levels override the configuration file for the rules they name.
        let named_on_cli: Vec<&String> = inputs
            .deny
            .iter()
            .chain(&inputs.warn)
            .chain(&inputs.allow)
            .collect();
        for list in [&mut levels.deny, &mut levels.warn, &mut levels.allow] {
            list.retain(|r| !named_on_cli.iter().any(|c| c.eq_ignore_ascii_case(r)));
        }
        levels.deny.extend(inputs.deny.iter().cloned());
        levels.warn.extend(inputs.warn.iter().cloned());
        levels.allow.extend(inputs.allow.iter().cloned());
        // Unknown names in elpc.toml are findings there (EL030, reported by the library with
        // line and column); those on the command line are usage errors.
        let mut named = LintLevels::default();
        named.deny.clone_from(&inputs.deny);
        named.warn.clone_from(&inputs.warn);
        named.allow.clone_from(&inputs.allow);
        let unknown = named.unknown_rule_names();
        if !unknown.is_empty() {
            return Err(UsageError(format!(
                "unknown rule{} {}; `elpc explain` lists them",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.join(", ")
            )));
        }
        sets.extend(inputs.sets.iter().cloned());
        let mut mappings = if inputs.path_map.is_empty() {
            group_path_map
        } else {
            inputs.path_map.clone()
        };
        let scripts = inputs.scripts.clone().or(group_scripts);
        if let Some(dir) = &scripts {
            if !dir.join(elpc::MAIN_SCRIPT).is_file() {
                return Err(UsageError(format!(
                    "--scripts {}: no {} there (give the root of a deployment-scripts checkout)",
                    dir.display(),
                    elpc::MAIN_SCRIPT
                )));
            }
            if !mappings.iter().any(|m| m.node_dir == elpc::SCRIPTS_DIR) {
                mappings.push(Mapping {
                    node_dir: elpc::SCRIPTS_DIR.to_string(),
                    local_dir: dir.clone(),
                });
            }
        }
        let profile = match inputs.profile {
            Some(ProfileArg::Edgelake) => Profile::EdgeLake,
            Some(ProfileArg::Plain) => Profile::Plain,
            None => profile.unwrap_or_default(),
        };
        Ok(Plan {
            env,
            values,
            manifests,
            chart: inputs.kubernetes.chart.clone(),
            node_port_range: inputs
                .kubernetes
                .node_port_range
                .unwrap_or(elpc::kubernetes::DEFAULT_NODE_PORT_RANGE),
            options: {
                // Options grows (#[non_exhaustive]): set fields on the default.
                let mut options = Options::default();
                options.show_secrets = inputs.show_secrets;
                // The CLI prints the document (written from the syntax tree) and findings only.
                options.skip_json_trees = true;
                options.profile = profile;
                options.sets = sets;
                options.levels = levels;
                options.target = match inputs.target {
                    Some(TargetArg::Edgelake) => Target::EdgeLake,
                    Some(TargetArg::Anylog) => Target::AnyLog,
                    None => target.unwrap_or_default(),
                };
                options.path_map = PathMap {
                    mappings,
                    files: Some(Arc::new(elpc::disk::DiskFiles)),
                };
                options.scripts = scripts.map(|_| elpc::SCRIPTS_DIR.to_string());
                options
            },
        })
    }

    pub(crate) fn compile(&self, policy: &Path) -> Result<Compilation, UsageError> {
        if elpc::is_script(&policy.display().to_string()) {
            let script = read(policy, elpc::MAX_SCRIPT_BYTES)?;
            let env: Vec<_> = self
                .env
                .iter()
                .map(|p| read(p, MAX_ENV_BYTES))
                .collect::<Result<_, _>>()?;
            return Ok(elpc::compile_script_files(&script, &env, &self.options));
        }
        let policy = read(policy, MAX_POLICY_BYTES)?;
        let env: Vec<_> = self
            .env
            .iter()
            .map(|p| read(p, MAX_ENV_BYTES))
            .collect::<Result<_, _>>()?;
        let kubernetes = Kubernetes {
            values: self
                .values
                .iter()
                .map(|p| read(p, MAX_ENV_BYTES))
                .collect::<Result<_, _>>()?,
            manifests: self
                .manifests
                .iter()
                .map(|p| read_or_stdin(p))
                .collect::<Result<_, _>>()?,
            chart: match &self.chart {
                Some(dir) => Some(read_chart(dir)?),
                None => None,
            },
            node_port_range: self.node_port_range,
        };
        Ok(compile_deployment(policy, &env, &kubernetes, &self.options))
    }
}
