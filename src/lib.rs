//! elpc — the EdgeLake policy compiler.
//!
//! Checks an EdgeLake / AnyLog node *config policy* against the env files of its deployment
//! and compiles it into what the node will really do: typed JSON, the servers it starts and
//! the command list it runs, with every defect as a [`Diagnostic`] (file, line, column, help
//! and a fix where one is known). Data flows one way: source → syntax → resolve → check → emit.
//!
//! ```
//! use elpc::{compile, Input, Options};
//!
//! let policy = Input::text(
//!     "node.policy",
//!     "{'config': {'ip': '!external_ip', 'port': '!anylog_server_port.int', \
//!       'script': ['run scheduler 1', 'if !enable_ha == true then run data distributor']}}",
//! );
//! let env = Input::text("base_configs.env", "NODE_TYPE=operator\nANYLOG_SERVER_PORT=32148\nENABLE_HA=false\n");
//! let result = compile(&policy, &[env], &Options::default());
//!
//! assert!(!result.has_errors());
//! let out = result.output.unwrap();
//! assert_eq!(out.resolved["config"]["port"], 32148);
//! let commands: Vec<&str> = out.commands.iter().map(|c| c.command.as_str()).collect();
//! assert_eq!(commands[1], "run scheduler 1"); // the `if` on ENABLE_HA=false is folded away
//! assert_eq!(commands.len(), 2);
//! ```
//!
//! # The API
//!
//! - Compiling: [`compile`] (bytes the caller read), [`compile_files`] (reads refused by the
//!   caller become findings), [`compile_deployment`] (with Kubernetes inputs); [`Input`],
//!   [`Options`] (with [`Profile`], [`Target`], [`LintLevels`], [`PathMap`]).
//! - Results: [`Compilation`] (sources, diagnostics, [`CompiledPolicy`]); [`Compilation::to_json`]
//!   is the document `elpc compile` prints.
//! - Findings: [`Diagnostic`], [`Label`], [`Suggestion`], [`Severity`], [`Span`] into a
//!   [`SourceMap`]; every [`Rule`] is in [`rules`], with its explain page.
//! - Rendering: [`render`] (JSON, SARIF, GitHub annotations, and text for people with the
//!   feature `human`).
//! - Front ends, behind features: [`config`] (`elpc.toml`), [`disk`] (bounded file reading),
//!   `lsp` (the language server).
//!
//! Secret env values are masked in diagnostics unless [`Options::show_secrets`] is set. The
//! core (`default-features = false`) reads no files, prints nothing and builds for
//! `wasm32-unknown-unknown`. Modules not shown in these docs are elpc's internals, public only
//! for its own binary, benchmarks and fuzz targets: they are not part of the API and change in
//! any release.

#![warn(missing_docs)]

pub(crate) mod check;
pub(crate) mod compile;
#[cfg(feature = "lsp")]
pub(crate) mod compile_env;
pub(crate) mod compile_script;
#[cfg(feature = "config")]
pub mod config;
#[cfg(not(feature = "config"))]
pub(crate) mod config;
#[doc(hidden)]
pub mod diagnostic;
#[cfg(feature = "fs")]
pub mod disk;
pub(crate) mod edgelake;
pub(crate) mod emit;
#[doc(hidden)]
pub mod kubernetes;
#[cfg(feature = "lsp")]
pub mod lsp;
pub(crate) mod path_map;
pub(crate) mod prefetch;
pub mod render;
#[doc(hidden)]
pub mod resolve;
pub(crate) mod secrets;
pub(crate) mod source;
#[doc(hidden)]
pub mod syntax;

// The recorded conformance suite (tests/conformance/), replayed as unit tests.
#[cfg(test)]
mod conformance;

pub use compile::{
    compile, compile_deployment, compile_files, Compilation, CompiledPolicy, Input, Options,
    Unreadable, UnreadableReason, MAX_ENV_BYTES, MAX_POLICY_BYTES,
};
pub use compile_script::{
    compile_script, compile_script_files, is_script, ScriptRun, MAX_SCRIPT_BYTES,
};
pub use config::{LevelsOrigin, LintLevels};
pub use diagnostic::{Diagnostic, Label, Rule, Severity, Suggestion};
pub use edgelake::commands::Target;
/// Where the EdgeLake image clones the deployment scripts, and the script it runs at boot
/// (`--scripts DIR` maps the first to a checkout).
pub use edgelake::node::{MAIN_SCRIPT, SCRIPTS_DIR};
pub use emit::commands::Command;
pub use emit::servers::ServerSet;
pub use kubernetes::{template::ChartFiles, Kubernetes, NodePod};
pub use path_map::{LocalFiles, Mapping, NodeFile, PathMap};
/// What elpc knows about the node itself, and what running a script leaves (commands, links).
pub use resolve::engine::{Emitted, Link, NodeFacts};
/// The variables a compilation resolved with ([`Compilation::scope`]) and the env → variable
/// mapping it used.
pub use resolve::scope::{Profile, Provenance, Scope, VarValue, Variable};
pub use source::{FileId, LineCol, SourceFile, SourceMap, Span};

/// Every rule elpc knows, in code order: code (`EL201`), name (`undefined-variable`), default
/// severity, summary and explain page (the text `elpc explain` prints).
///
/// ```
/// let rule = elpc::rules().iter().find(|r| r.code == "EL201").unwrap();
/// assert_eq!(rule.name, "undefined-variable");
/// assert!(rule.explain.contains("Bad"));
/// ```
pub fn rules() -> &'static [&'static Rule] {
    check::catalog::ALL
}

/// The rule with this code or name, case-insensitive (`EL201`, `undefined-variable`).
///
/// ```
/// assert_eq!(elpc::find_rule("el201").unwrap().name, "undefined-variable");
/// assert!(elpc::find_rule("no-such-rule").is_none());
/// ```
pub fn find_rule(code_or_name: &str) -> Option<&'static Rule> {
    check::catalog::find(code_or_name)
}

/// The README's Rust example, compiled and run by `cargo test` (doctests only).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
