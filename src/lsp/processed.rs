//! Findings in the deployment scripts a checked policy or script runs through `process` (read
//! through the path map: `scripts` or `path_map` in `elpc.toml`), published under each
//! script's own URI. The library names those files by their path on this machine, so the URI
//! comes straight from the file's name. A script open in the editor is checked as a document
//! of its own and publishes its own findings; these are for the scripts that are not open.

use std::collections::BTreeMap;
use std::path::Path;

use lsp_types::{Diagnostic as LspDiagnostic, PublishDiagnosticsParams, Url};

use crate::source::FileId;

use super::analysis::Analysis;
use super::diagnostics::to_lsp;
use super::position::Encoding;
use super::workspace::uri_of;

/// What was last published for scripts that are not open.
#[derive(Debug, Default)]
pub struct Processed {
    published: BTreeMap<Url, Vec<LspDiagnostic>>,
}

impl Processed {
    /// The notifications that bring the editor up to date after a re-check: each processed
    /// script whose findings changed (the findings of every analysis that read it, once each),
    /// and an empty list for each that had findings and has none now.
    pub fn update<'a>(
        &mut self,
        analyses: impl Iterator<Item = &'a Analysis>,
        is_open: impl Fn(&Path) -> bool,
        encoding: Encoding,
    ) -> Vec<PublishDiagnosticsParams> {
        let mut now: BTreeMap<Url, Vec<LspDiagnostic>> = BTreeMap::new();
        for analysis in analyses {
            for d in &analysis.compilation.diagnostics {
                let file = d.primary.span.file;
                if file == FileId(0) || analysis.file(file).node_path().is_none() {
                    continue;
                }
                let Some(path) = analysis.path(file).filter(|p| !is_open(p)) else {
                    continue;
                };
                let Some(uri) = uri_of(&path) else {
                    continue;
                };
                let lsp = to_lsp(analysis, d, encoding);
                let list = now.entry(uri).or_default();
                if !list.contains(&lsp) {
                    list.push(lsp);
                }
            }
        }
        for list in now.values_mut() {
            list.sort_by(|a, b| {
                let key = |d: &LspDiagnostic| {
                    (
                        d.range.start.line,
                        d.range.start.character,
                        d.message.clone(),
                    )
                };
                key(a).cmp(&key(b))
            });
        }
        let mut out = Vec::new();
        for (uri, old) in &self.published {
            if !now.contains_key(uri) && !old.is_empty() {
                out.push(PublishDiagnosticsParams::new(uri.clone(), Vec::new(), None));
            }
        }
        for (uri, list) in &now {
            if self.published.get(uri) != Some(list) {
                out.push(PublishDiagnosticsParams::new(
                    uri.clone(),
                    list.clone(),
                    None,
                ));
            }
        }
        self.published = now;
        out
    }
}

/// True when `analysis` read the script at `path` through the path map (so a change to that
/// file on disk changes what it finds).
pub fn reads(analysis: &Analysis, path: &Path) -> bool {
    analysis
        .compilation
        .sources
        .iter()
        .any(|(_, f)| f.node_path().is_some() && Path::new(f.name()) == path)
}
