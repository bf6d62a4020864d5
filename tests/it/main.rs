//! elpc's integration tests, in one binary: one link step instead of one per file keeps
//! `cargo test` from a clean target directory short.

mod common;

mod ci_formats;
mod cli;
mod cli_scripts;
mod commands;
mod corpus;
mod corpus_scripts;
mod examples;
mod first_minutes;
mod hostile;
mod kubernetes;
mod kubernetes_sample;
mod library;
mod lint_corpus;
mod lsp;
mod lsp_frames;
mod lsp_scripts;
mod readme;
mod robustness;
mod rules;
mod runtime_agreement;
mod scaling;
mod script_paths;
mod secret_leaks;
mod semantics;
