//! Rendering at the edge: diagnostics for people (source excerpts, feature `human`), programs
//! (JSON), code scanning (SARIF 2.1.0) and CI logs (GitHub workflow annotations); the compiled
//! document and the command list as an `.al` script.
//!
//! ```
//! use elpc::{compile, render, Input, Options};
//!
//! let c = compile(&Input::text("p.policy", "{'config': {'port': 'abc'}}"), &[], &Options::default());
//! let doc: serde_json::Value = serde_json::from_str(&render::json::check_document([(None, &c.sources, &c.diagnostics[..])])).unwrap();
//! assert_eq!(doc["diagnostics"][0]["code"], "EL301");
//! let annotations = render::github::annotations(&c.sources, &c.diagnostics, None);
//! assert!(annotations.starts_with("::error file=p.policy,line=1,col=21"));
//! ```

pub mod github;
#[cfg(feature = "human")]
pub mod human;
pub mod json;
pub mod output;
#[doc(hidden)]
pub mod printable;
pub mod sarif;
#[cfg(feature = "human")]
#[doc(hidden)]
pub mod snippet;

pub use crate::emit::commands::to_al_script;
pub use crate::emit::json::to_ascii_json;
