//! Rendering diagnostics at the edge: for people (source excerpts), programs (JSON), code
//! scanning (SARIF 2.1.0) and CI logs (GitHub workflow annotations).

pub mod github;
pub mod human;
pub mod json;
pub mod printable;
pub mod sarif;
pub mod snippet;
