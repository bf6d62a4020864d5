//! elpc — the EdgeLake policy compiler.
//!
//! Checks an EdgeLake / AnyLog node *config policy* against the env files of its deployment
//! and compiles it into what the node will really do: typed JSON, the servers it starts and
//! the command list it runs. Data flows one way:
//! source → [`syntax`] → [`resolve`] → [`check`] → [`emit`].
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

pub mod check;
pub mod compile;
pub mod compile_script;
pub mod config;
pub mod diagnostic;
pub mod disk;
pub mod edgelake;
pub mod emit;
#[cfg(feature = "lsp")]
pub mod lsp;
pub mod path_map;
pub mod render;
pub mod resolve;
pub mod secrets;
pub mod source;
pub mod syntax;

// The facade dependents use. Modules above are being narrowed to `pub(crate)` (issue 11);
// code outside the crate (tests, benches, fuzz targets, front ends) should name these.
pub use compile::{
    compile, compile_files, Compilation, CompiledPolicy, Input, Options, Unreadable,
    UnreadableReason,
};
pub use compile_script::{compile_script, is_script, ScriptRun};
pub use diagnostic::{Diagnostic, Label, Severity, Suggestion};
pub use edgelake::commands::Target;
pub use path_map::{LocalFiles, Mapping, NodeFile, PathMap};
pub use resolve::engine::NodeFacts;
pub use resolve::scope::Profile;
pub use resolve::scope::{Provenance, Scope, VarValue, Variable};
pub use source::{FileId, LineCol, SourceFile, SourceMap, Span};
