//! Emit stage: the outputs a compilation produces — canonical JSON of the policy, the servers
//! the node starts, and the command list (as JSON or as an `.al` script).

pub(crate) mod ascii;
pub mod commands;
pub mod json;
pub mod policy_id;
pub mod servers;
pub(crate) mod views;
