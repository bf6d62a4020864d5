//! `elpc lsp`: the language server front end.
//!
//! Like the CLI it sits on top of the library, and like the CLI it is the only part that reads
//! files: [`workspace`] reads env files and `elpc.toml` from disk unless the editor has them
//! open, then everything goes through [`crate::compile::compile`].
//!
//! | module | does |
//! |---|---|
//! | [`server`] | initialize, the message loop, shutdown/exit, panic guard, debounce |
//! | [`transport`], [`framing`] | stdio: frames, bad-frame replies and resynchronisation |
//! | [`session`] | state and one method per LSP message (the benchmark drives it directly) |
//! | [`workspace`] | open documents, `elpc.toml` groups, the default env file order |
//! | [`analysis`] | a compiled policy with file paths and an outline of references and keys |
//! | [`diagnostics`] | elpc diagnostics → LSP diagnostics |
//! | [`processed`] | findings in the deployment scripts a checked file processes, under their URIs |
//! | [`hover`], [`describe`] | hovers |
//! | [`navigation`] | definition and references |
//! | [`completion`] | completion |
//! | [`actions`] | code actions and formatting |
//! | [`position`] | UTF-16 / UTF-8 positions |

pub mod actions;
pub mod analysis;
mod analysis_kept;
pub mod completion;
pub mod describe;
pub mod diagnostics;
pub mod framing;
pub mod hover;
pub mod navigation;
pub mod position;
pub mod processed;
pub mod publisher;
mod reparse;
pub mod server;
pub mod session;
pub mod transport;
pub mod workspace;

pub use server::run_stdio;
pub use session::Session;
#[cfg(test)]
mod recheck_tests;
#[cfg(test)]
mod reuse_tests;
#[cfg(test)]
mod speed_tests;
#[cfg(test)]
mod tests;
