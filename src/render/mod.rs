//! Rendering diagnostics at the edge: for people (miette), programs (JSON), code scanning
//! (SARIF 2.1.0) and CI logs (GitHub workflow annotations).

pub mod github;
pub mod human;
pub mod json;
pub mod output;
pub mod sarif;
