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
mod hostile;
mod kubernetes_sample;
mod library;
mod lint_corpus;
mod lsp;
mod lsp_frames;
mod lsp_scripts;
mod robustness;
mod rules;
mod semantics;
mod set_params;
