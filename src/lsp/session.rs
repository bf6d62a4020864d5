//! The language server's state and the work behind each message, without the transport: the
//! stdio loop ([`super::server`]) and the benchmark drive the same [`Session`].
//!
//! Changes only mark files dirty; [`Session::flush`] re-checks them all at once (so a burst of
//! keystrokes is checked once) and returns the diagnostics to publish.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use lsp_types::{
    CodeActionOrCommand, CompletionItem, Diagnostic as LspDiagnostic, Hover, Location, Position,
    PublishDiagnosticsParams, Range, TextDocumentContentChangeEvent, TextEdit, Url,
};

use crate::compile_env::EnvStage;
use crate::source::{FileId, SourceFile};

use super::analysis::{Analysis, Outline};
use super::position::{offset, Encoding};
use super::processed::{self, Processed};
use super::workspace::{kind_of, path_of, FileKind, Workspace};
use super::{actions, completion, diagnostics, hover, navigation};

/// Open documents, their latest analyses, and what needs re-checking.
#[derive(Debug, Default)]
pub struct Session {
    ws: Workspace,
    processed: Processed,
    policies: HashMap<PathBuf, Analysis>,
    envs: HashMap<PathBuf, Analysis>,
    dirty: BTreeSet<PathBuf>,
    retired: Retired,
    /// Each open policy's env stage, kept between its re-checks.
    stages: HashMap<PathBuf, EnvStage>,
}

/// Replaced analyses, kept until [`Session::free_retired`]: freeing one (a 10,000-line policy is
/// about a million allocations) took a sixth of the re-check that replaced it, so the server
/// frees them after publishing the diagnostics, not before. (A thread freeing them instead
/// contended with the next re-check for the allocator.)
#[derive(Debug, Default)]
struct Retired(Vec<Analysis>);

impl Retired {
    fn free(&mut self, old: Option<Analysis>) {
        self.0.extend(old);
    }
}

impl Session {
    /// A session using `encoding` for positions.
    pub fn new(encoding: Encoding) -> Session {
        Session {
            ws: Workspace::new(encoding),
            ..Session::default()
        }
    }

    /// The negotiated position encoding.
    pub fn encoding(&self) -> Encoding {
        self.ws.encoding
    }

    /// True when some file waits for a re-check.
    pub fn has_pending(&self) -> bool {
        !self.dirty.is_empty()
    }

    fn kind(&self, path: &Path) -> FileKind {
        let text = self.ws.document(path).map_or("", |d| d.text.as_str());
        kind_of(path, text)
    }

    /// Marks a file and everything that depends on it for re-checking.
    fn touched(&mut self, path: &Path) {
        match self.kind(path) {
            FileKind::Policy | FileKind::Script => {
                self.dirty.insert(path.to_path_buf());
            }
            FileKind::Env | FileKind::Values => {
                if self.ws.document(path).is_some() {
                    self.dirty.insert(path.to_path_buf());
                }
                let dir = path.parent();
                let dependents: Vec<PathBuf> = self
                    .policies
                    .iter()
                    .filter(|(p, a)| a.files.iter().any(|f| f == path) || p.parent() == dir)
                    .map(|(p, _)| p.clone())
                    .collect();
                self.dirty.extend(dependents);
            }
            FileKind::Config => {
                self.ws.forget_configs();
                let all: Vec<PathBuf> = self
                    .policies
                    .keys()
                    .chain(self.envs.keys())
                    .cloned()
                    .collect();
                self.dirty.extend(all);
            }
            FileKind::Other => {}
        }
    }

    /// `textDocument/didOpen`.
    pub fn did_open(&mut self, uri: Url, text: String, version: i32) {
        let path = self.ws.open(uri, text, version);
        self.touched(&path);
    }

    /// `textDocument/didChange` (full or incremental).
    pub fn did_change(
        &mut self,
        uri: &Url,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) {
        if let Some(path) = self.ws.change(uri, version, changes) {
            self.touched(&path);
        }
    }

    /// `textDocument/didClose`: returns the empty diagnostics that clear the closed file.
    pub fn did_close(&mut self, uri: &Url) -> Vec<PublishDiagnosticsParams> {
        let path = self.ws.close(uri);
        let was_checked = self.policies.remove(&path).is_some() | self.envs.remove(&path).is_some();
        self.stages.remove(&path);
        self.dirty.remove(&path);
        self.touched(&path);
        if was_checked {
            vec![PublishDiagnosticsParams::new(uri.clone(), Vec::new(), None)]
        } else {
            Vec::new()
        }
    }

    /// Files changed on disk (`workspace/didChangeWatchedFiles`).
    pub fn disk_changed(&mut self, uris: &[Url]) {
        for uri in uris {
            let path = path_of(uri);
            self.touched(&path);
            // A deployment script a checked file runs through `process`.
            let readers: Vec<PathBuf> = self
                .policies
                .iter()
                .filter(|(_, a)| processed::reads(a, &path))
                .map(|(p, _)| p.clone())
                .collect();
            self.dirty.extend(readers);
        }
    }

    /// Frees the analyses the last [`Session::flush`] replaced (call it after publishing).
    pub fn free_retired(&mut self) {
        self.retired.0.clear();
    }

    /// Re-checks every dirty file and returns the diagnostics to publish.
    pub fn flush(&mut self) -> Vec<PublishDiagnosticsParams> {
        self.free_retired(); // if the caller did not
        let encoding = self.ws.encoding;
        let mut out = Vec::new();
        for path in std::mem::take(&mut self.dirty) {
            let Some(doc) = self.ws.document(&path) else {
                continue;
            };
            let (uri, version) = (doc.uri.clone(), doc.version);
            match self.kind(&path) {
                FileKind::Policy | FileKind::Script => {
                    let analysis = if self.kind(&path) == FileKind::Script {
                        Analysis::script(&mut self.ws, &path)
                    } else {
                        let stage = self.stages.entry(path.clone()).or_default();
                        // Replaced below: its reused script records are moved out.
                        let previous = self.policies.get_mut(&path);
                        Analysis::policy_kept(&mut self.ws, &path, stage, previous)
                    };
                    let Some(analysis) = analysis else {
                        continue;
                    };
                    let diags = diagnostics::for_file(&analysis, FileId(0), encoding);
                    out.push(PublishDiagnosticsParams::new(uri, diags, Some(version)));
                    let old = self.policies.insert(path, analysis);
                    self.retired.free(old);
                }
                FileKind::Env => {
                    let analysis = Analysis::env_stack(&mut self.ws, &path);
                    let diags = analysis
                        .id_of(&path)
                        .map(|id| diagnostics::for_file(&analysis, id, encoding))
                        .unwrap_or_default();
                    out.push(PublishDiagnosticsParams::new(uri, diags, Some(version)));
                    let old = self.envs.insert(path, analysis);
                    self.retired.free(old);
                }
                FileKind::Values => {
                    let Some(analysis) = Analysis::values_stack(&mut self.ws, &path) else {
                        continue;
                    };
                    let diags = analysis
                        .id_of(&path)
                        .map(|id| diagnostics::for_file(&analysis, id, encoding))
                        .unwrap_or_default();
                    out.push(PublishDiagnosticsParams::new(uri, diags, Some(version)));
                    let old = self.envs.insert(path, analysis);
                    self.retired.free(old);
                }
                FileKind::Config | FileKind::Other => {}
            }
        }
        let ws = &self.ws;
        out.extend(self.processed.update(
            self.policies.values(),
            |p| ws.document(p).is_some(),
            encoding,
        ));
        out
    }

    /// The latest analysis of a policy (tests compare it with a full compile).
    #[cfg(test)]
    pub(crate) fn policy_analysis(&self, uri: &Url) -> Option<&Analysis> {
        self.policies.get(&path_of(uri))
    }

    /// The analysis and byte offset for a position in an open policy or env file.
    fn locate(&self, uri: &Url, pos: Position) -> Option<(&Analysis, FileId, u32)> {
        let path = path_of(uri);
        let (analysis, id) = match self.policies.get(&path) {
            Some(a) => (a, FileId(0)),
            None => {
                let a = self.envs.get(&path)?;
                (a, a.id_of(&path)?)
            }
        };
        let at = offset(analysis.file(id), pos, self.ws.encoding);
        Some((analysis, id, at as u32))
    }

    /// `textDocument/hover`.
    pub fn hover(&self, uri: &Url, pos: Position) -> Option<Hover> {
        let (analysis, id, at) = self.locate(uri, pos)?;
        if id == FileId(0) {
            hover::policy_hover(analysis, analysis.outline(), at, self.ws.encoding)
        } else {
            hover::env_hover(analysis, id, at, self.ws.encoding)
        }
    }

    /// `textDocument/definition`.
    pub fn definition(&self, uri: &Url, pos: Position) -> Vec<Location> {
        match self.locate(uri, pos) {
            Some((analysis, FileId(0), at)) => {
                let jumps = navigation::script_links(analysis, at, self.ws.encoding);
                if !jumps.is_empty() {
                    return jumps;
                }
                navigation::definition(analysis, analysis.outline(), at, self.ws.encoding)
            }
            _ => Vec::new(),
        }
    }

    /// `textDocument/references`: uses in open policies and in the policies beside the env
    /// files involved.
    pub fn references(&mut self, uri: &Url, pos: Position, declarations: bool) -> Vec<Location> {
        let (targets, dirs) = {
            let Some((analysis, id, at)) = self.locate(uri, pos) else {
                return Vec::new();
            };
            let targets = if id == FileId(0) {
                navigation::policy_targets(analysis, analysis.outline(), at)
            } else {
                navigation::env_targets(analysis, id, at)
            };
            let dirs: BTreeSet<PathBuf> = analysis
                .files
                .iter()
                .skip(1)
                .filter_map(|p| p.parent().map(Path::to_path_buf))
                .collect();
            (targets, dirs)
        };
        if targets.is_empty() {
            return Vec::new();
        }
        let mut known: Vec<Analysis> = self.policies.values().cloned().collect();
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let p = entry.path();
                if p.extension().is_some_and(|e| e == "policy") && !self.policies.contains_key(&p) {
                    if let Some(a) = Analysis::policy(&mut self.ws, &p) {
                        known.push(a);
                    }
                }
            }
        }
        let outlined: Vec<(&Analysis, &Outline)> = known.iter().map(|a| (a, a.outline())).collect();
        navigation::references(&outlined, &targets, declarations, self.ws.encoding)
    }

    /// `textDocument/completion`.
    pub fn completion(&self, uri: &Url, pos: Position) -> Vec<CompletionItem> {
        match self.locate(uri, pos) {
            Some((analysis, FileId(0), at)) => completion::policy_completion(
                analysis,
                analysis.outline(),
                at as usize,
                self.ws.encoding,
            ),
            Some((analysis, id, at)) => {
                completion::env_completion(analysis.file(id), at as usize, self.ws.encoding)
            }
            None => Vec::new(),
        }
    }

    /// `textDocument/codeAction`.
    pub fn code_actions(
        &self,
        uri: &Url,
        _range: Range,
        diagnostics: &[LspDiagnostic],
    ) -> Vec<CodeActionOrCommand> {
        let path = path_of(uri);
        let Some(doc) = self.ws.document(&path) else {
            return Vec::new();
        };
        let file = SourceFile::new("", doc.text.clone());
        actions::code_actions(
            uri,
            &file,
            diagnostics,
            self.policies.get(&path),
            self.ws.encoding,
        )
    }

    /// `textDocument/formatting`: the edits, or why the document is not formatted.
    pub fn formatting(&self, uri: &Url) -> Result<Vec<TextEdit>, String> {
        match self.policies.get(&path_of(uri)) {
            Some(analysis) => actions::format(analysis, self.ws.encoding),
            None => Ok(Vec::new()),
        }
    }
}
