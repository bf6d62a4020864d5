//! Syntax stage: text → trees with spans, one pest grammar per input format.

pub(crate) mod bytes;
pub mod env;
pub mod policy;
pub mod script;
pub mod script_file;
pub mod shared_text;
pub mod word_text;
pub mod yaml;
