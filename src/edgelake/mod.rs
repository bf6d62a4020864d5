//! What EdgeLake does, written down once as data. Section numbers refer to
//! `edgelake-semantics.md`; rules and emitters read these tables instead of naming keys.

pub mod commands;
pub mod config_keys;
pub mod dispatch;
pub mod node;
pub mod profile;
pub mod runtime_commands;
