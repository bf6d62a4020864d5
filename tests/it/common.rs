//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use elpc::{compile, Compilation, Input, Options, Profile};

/// Compiles `policy` against env files given as text, in order.
pub fn compile_with(policy: &str, envs: &[&str]) -> Compilation {
    compile_opts(policy, envs, &[], Profile::EdgeLake)
}

/// Compiles with `--set` pairs and a profile.
pub fn compile_opts(
    policy: &str,
    envs: &[&str],
    sets: &[(&str, &str)],
    profile: Profile,
) -> Compilation {
    let env_inputs: Vec<Input> = envs
        .iter()
        .enumerate()
        .map(|(i, text)| Input::text(format!("layer{i}.env"), *text))
        .collect();
    let mut options = Options::default();
    options.profile = profile;
    options.sets = sets
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    compile(&Input::text("test.policy", policy), &env_inputs, &options)
}

/// The command texts.
pub fn commands(c: &Compilation) -> Vec<String> {
    c.output
        .as_ref()
        .map(|o| o.commands.iter().map(|c| c.command.clone()).collect())
        .unwrap_or_default()
}

/// The script commands (server commands dropped).
pub fn script_commands(c: &Compilation) -> Vec<String> {
    commands(c)
        .into_iter()
        .filter(|c| {
            !c.starts_with("run tcp server")
                && !c.starts_with("run rest server")
                && !c.starts_with("run message broker")
        })
        .collect()
}

/// The codes of all diagnostics, in order.
pub fn codes(c: &Compilation) -> Vec<&'static str> {
    c.diagnostics.iter().map(|d| d.rule.code).collect()
}

/// The resolved value of a key of the `config` object.
pub fn resolved(c: &Compilation, key: &str) -> serde_json::Value {
    c.output.as_ref().expect("policy compiled").resolved["config"][key].clone()
}

/// The `servers` JSON.
pub fn servers(c: &Compilation) -> serde_json::Value {
    c.output
        .as_ref()
        .expect("policy compiled")
        .servers
        .to_json()
}

/// A minimal operator env layering.
pub const OPERATOR_ENV: &str = "NODE_TYPE=operator\nCOMPANY_NAME=New Company\nANYLOG_SERVER_PORT=32148\nANYLOG_REST_PORT=32149\n";

/// Wraps script lines into a policy.
pub fn policy_with_script(lines: &[&str]) -> String {
    let items: Vec<String> = lines.iter().map(|l| format!("{l:?}")).collect();
    format!("{{\"config\": {{\"script\": [{}]}}}}", items.join(", "))
}

/// Runs the `elpc` binary in `dir`.
pub fn elpc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_elpc"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("elpc runs")
}

/// A fresh, empty directory for one test.
pub fn tempdir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("elpc-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

/// A scratch directory that is removed when the test ends (some tests write 50 MB files: left
/// behind, every run would add them to the temporary directory).
pub struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = PathBuf;
    fn deref(&self) -> &PathBuf {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
