//! Rendering diagnostics at the edge: for people (miette) and for programs (JSON).

pub mod human;
pub mod json;
