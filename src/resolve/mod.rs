//! Resolution stage: variables with provenance, reference evaluation and casts, three-valued
//! conditions, the policy's keys and its script lines.

pub mod arg_value;
pub mod assignment;
pub mod cast;
pub mod command;
pub mod condition;
pub mod deployment;
pub mod engine;
pub mod env_layers;
pub mod line_values;
pub mod policy;
pub mod pooled;
pub mod reference;
pub mod scope;
pub mod script;
pub(crate) mod script_resume;
mod script_stops;
pub(crate) mod spans;
#[cfg(test)]
pub(crate) mod test_vars;
pub mod value;
mod where_clause;
