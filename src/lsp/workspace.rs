//! The files the server knows: open documents (which override the disk), `elpc.toml`
//! discovery, and which env files and options go with a policy.
//!
//! This is the only place the language server reads the file system.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_types::{TextDocumentContentChangeEvent, Url};

use crate::compile::{Input, Options, Unreadable, UnreadableReason, MAX_ENV_BYTES};
use crate::config::{Config, LintLevels, PolicyGroup, FILE_NAME};
use crate::path_map::PathMap;
use crate::source::SourceFile;
use std::sync::Arc;

use super::position::{self, Encoding};

/// Env files a policy uses when no `elpc.toml` group names them: the docker compose order,
/// with `docker-makefiles.env` (how the examples in `policies/` name the compose-level `.env`)
/// just before `.env`.
pub const DEFAULT_ENV_ORDER: &[&str] = &[
    "base_configs.env",
    "advance_configs.env",
    "docker-makefiles.env",
    ".env",
];

/// An open document.
#[derive(Clone, Debug)]
pub struct Document {
    /// The URI the client uses for it.
    pub uri: Url,
    /// The editor's text (possibly unsaved).
    pub text: String,
    /// The client's version number.
    pub version: i32,
}

/// What kind of file a path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A config policy (`*.policy`, or `*.json` whose root key is `config`).
    Policy,
    /// An env file (`*.env`, `.env`).
    Env,
    /// A YAML file (`*.yaml`, `*.yml`): a Helm values file or a manifest when an `elpc.toml`
    /// group lists it in `values` or `manifests`.
    Values,
    /// `elpc.toml`.
    Config,
    /// An `.al` script, checked as the node runs it with `process`.
    Script,
    /// Anything else.
    Other,
}

/// Everything needed to compile one policy.
#[derive(Clone, Debug, Default)]
pub struct Setup {
    /// Env files in layering order (only those that exist or are open).
    pub env: Vec<PathBuf>,
    /// Helm values files in Helm's order, from the `elpc.toml` group.
    pub values: Vec<PathBuf>,
    /// Rendered manifests, from the `elpc.toml` group.
    pub manifests: Vec<PathBuf>,
    /// Profile, `--set` values, rule levels, target and path map.
    pub options: Options,
}

/// Open documents plus cached configuration.
#[derive(Debug, Default)]
pub struct Workspace {
    /// The negotiated position encoding.
    pub encoding: Encoding,
    documents: HashMap<PathBuf, Document>,
    configs: HashMap<PathBuf, Option<(PathBuf, Config)>>,
}

/// The path a URI stands for (`file:` URIs; other schemes get a stand-in path).
pub fn path_of(uri: &Url) -> PathBuf {
    uri.to_file_path()
        .unwrap_or_else(|()| PathBuf::from(uri.as_str()))
}

/// The URI of a path.
pub fn uri_of(path: &Path) -> Option<Url> {
    Url::from_file_path(path).ok()
}

/// What kind of file this is, from its name (and text, for `.json`).
pub fn kind_of(path: &Path, text: &str) -> FileKind {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == FILE_NAME {
        FileKind::Config
    } else if name.ends_with(".policy") {
        FileKind::Policy
    } else if name.ends_with(".al") {
        FileKind::Script
    } else if name == ".env" || name.ends_with(".env") {
        FileKind::Env
    } else if name.ends_with(".yaml") || name.ends_with(".yml") {
        FileKind::Values
    } else if name.ends_with(".json") && looks_like_config_policy(text) {
        FileKind::Policy
    } else {
        FileKind::Other
    }
}

/// True when JSON text's root (or the single object of a list) opens with the key `config`.
fn looks_like_config_policy(text: &str) -> bool {
    let t = text.trim_start().trim_start_matches('[').trim_start();
    let Some(rest) = t.strip_prefix('{') else {
        return false;
    };
    let rest = rest.trim_start();
    rest.starts_with("\"config\"") || rest.starts_with("'config'")
}

impl Workspace {
    /// An empty workspace using `encoding` for positions.
    pub fn new(encoding: Encoding) -> Workspace {
        Workspace {
            encoding,
            ..Workspace::default()
        }
    }

    /// Opens (or replaces) a document.
    pub fn open(&mut self, uri: Url, text: String, version: i32) -> PathBuf {
        let path = path_of(&uri);
        self.forget_config_if(&path);
        self.documents
            .insert(path.clone(), Document { uri, text, version });
        path
    }

    /// Applies full or incremental changes to an open document; `None` when it is not open.
    pub fn change(
        &mut self,
        uri: &Url,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> Option<PathBuf> {
        let path = path_of(uri);
        self.forget_config_if(&path);
        let encoding = self.encoding;
        let doc = self.documents.get_mut(&path)?;
        for change in changes {
            match change.range {
                None => doc.text = change.text,
                Some(range) => {
                    let file = SourceFile::new("", std::mem::take(&mut doc.text));
                    let start = position::offset(&file, range.start, encoding);
                    let end = position::offset(&file, range.end, encoding).max(start);
                    let mut text = file.text().to_string();
                    text.replace_range(start..end, &change.text);
                    doc.text = text;
                }
            }
        }
        doc.version = version;
        Some(path)
    }

    /// Closes a document: the disk contents count again.
    pub fn close(&mut self, uri: &Url) -> PathBuf {
        let path = path_of(uri);
        self.forget_config_if(&path);
        self.documents.remove(&path);
        path
    }

    /// The open document at `path`.
    pub fn document(&self, path: &Path) -> Option<&Document> {
        self.documents.get(path)
    }

    /// Every open document.
    pub fn documents(&self) -> impl Iterator<Item = (&PathBuf, &Document)> {
        self.documents.iter()
    }

    /// True when the file is open or exists on disk.
    pub fn exists(&self, path: &Path) -> bool {
        self.documents.contains_key(path) || path.is_file()
    }

    /// The file as an [`Input`]: the open document's text, else the disk's bytes (`None` when
    /// it cannot be read or is refused, see [`Workspace::read`]).
    pub fn input(&self, path: &Path) -> Option<Input> {
        self.read(path, MAX_ENV_BYTES)?.ok()
    }

    /// The file as an [`Input`], read through [`crate::disk::read_bounded`]: the open document's
    /// text, else the disk's bytes if it is a regular file of at most `max_bytes` (a FIFO, a
    /// device such as `/dev/stdin` — the server's own protocol stream — or a huge file is
    /// refused unread, and compiles to a finding); `None` when it does not exist.
    pub fn read(&self, path: &Path, max_bytes: usize) -> Option<Result<Input, Unreadable>> {
        if let Some(doc) = self.documents.get(path) {
            let name = path.display().to_string();
            return Some(Ok(Input::text(name, doc.text.clone())));
        }
        match crate::disk::read_input(path, max_bytes) {
            Err(Unreadable {
                reason: UnreadableReason::Io(..),
                ..
            }) => None,
            read => Some(read),
        }
    }

    /// Forgets cached `elpc.toml` files (after one changed on disk).
    pub fn forget_configs(&mut self) {
        self.configs.clear();
    }

    fn forget_config_if(&mut self, path: &Path) {
        if path.file_name().is_some_and(|n| n == FILE_NAME) {
            self.configs.clear();
        }
    }

    /// The `elpc.toml` that governs files in `dir` (searched upwards), with its path.
    fn config_for(&mut self, dir: &Path) -> Option<(PathBuf, Config)> {
        if let Some(cached) = self.configs.get(dir) {
            return cached.clone();
        }
        let mut found = None;
        for ancestor in dir.ancestors() {
            let candidate = ancestor.join(FILE_NAME);
            let text = match self.documents.get(&candidate) {
                Some(doc) => Some(doc.text.clone()),
                None if candidate.is_file() => {
                    crate::disk::read_text(&candidate, crate::disk::MAX_CONFIG_BYTES).ok()
                }
                None => None,
            };
            let Some(text) = text else { continue };
            match Config::parse(&text, &candidate) {
                Ok(config) => found = Some((candidate, config)),
                Err(e) => eprintln!("elpc lsp: {e}; using the env files beside each policy"),
            }
            break;
        }
        self.configs.insert(dir.to_path_buf(), found.clone());
        found
    }

    /// The env files and options for a policy: its `elpc.toml` group, or the env files in its
    /// own directory in [`DEFAULT_ENV_ORDER`].
    pub fn setup_for(&mut self, policy: &Path) -> Setup {
        let dir = policy.parent().unwrap_or(Path::new("")).to_path_buf();
        let config = self.config_for(&dir);
        let group = config.as_ref().and_then(|(config_path, config)| {
            let base = config_path.parent().unwrap_or(Path::new(""));
            let relative = policy.strip_prefix(base).unwrap_or(policy);
            config
                .group_for(relative)
                .map(|g| (base.to_path_buf(), g.clone()))
        });
        let levels = config.map(|(_, c)| c.lint).unwrap_or_default();
        match group {
            Some((base, group)) => Setup {
                env: group.env.iter().map(|e| base.join(e)).collect(),
                values: group.values.iter().map(|e| base.join(e)).collect(),
                manifests: group.manifests.iter().map(|e| base.join(e)).collect(),
                options: group_options(&group, &base, levels),
            },
            None => Setup {
                env: DEFAULT_ENV_ORDER
                    .iter()
                    .map(|name| dir.join(name))
                    .filter(|p| self.exists(p))
                    .collect(),
                options: Options {
                    levels,
                    ..Options::default()
                },
                ..Setup::default()
            },
        }
    }
    /// The deployment a values file or manifest belongs to: the first `elpc.toml` group that
    /// lists it (`None` for YAML no group names, which is not checked).
    pub fn setup_for_values(&mut self, yaml: &Path) -> Option<Setup> {
        let dir = yaml.parent().unwrap_or(Path::new("")).to_path_buf();
        let (config_path, config) = self.config_for(&dir)?;
        let base = config_path.parent().unwrap_or(Path::new(""));
        let group = config.policies.iter().find(|g| {
            g.values
                .iter()
                .chain(&g.manifests)
                .any(|f| base.join(f) == yaml)
        })?;
        Some(Setup {
            env: group.env.iter().map(|e| base.join(e)).collect(),
            values: group.values.iter().map(|e| base.join(e)).collect(),
            manifests: group.manifests.iter().map(|e| base.join(e)).collect(),
            options: group_options(group, base, config.lint.clone()),
        })
    }

    /// The env stack an env file belongs to, for checking the env file on its own: the first
    /// `elpc.toml` group that lists it, else the default files of its directory (or just it).
    pub fn setup_for_env(&mut self, env: &Path) -> Setup {
        let dir = env.parent().unwrap_or(Path::new("")).to_path_buf();
        if let Some((config_path, config)) = self.config_for(&dir) {
            let base = config_path.parent().unwrap_or(Path::new(""));
            for group in &config.policies {
                let files: Vec<PathBuf> = group.env.iter().map(|e| base.join(e)).collect();
                if files.iter().any(|f| f == env) {
                    return Setup {
                        env: files.into_iter().filter(|p| self.exists(p)).collect(),
                        values: group.values.iter().map(|e| base.join(e)).collect(),
                        manifests: group.manifests.iter().map(|e| base.join(e)).collect(),
                        options: group_options(group, base, config.lint.clone()),
                    };
                }
            }
        }
        let defaults: Vec<PathBuf> = DEFAULT_ENV_ORDER
            .iter()
            .map(|name| dir.join(name))
            .filter(|p| p == env || self.exists(p))
            .collect();
        Setup {
            env: if defaults.iter().any(|p| p == env) {
                defaults
            } else {
                vec![env.to_path_buf()]
            },
            ..Setup::default()
        }
    }
}

/// The options an `elpc.toml` group gives its policies. A setting the editor cannot read falls
/// back to the default (the CLI reports it as a usage error).
fn group_options(group: &PolicyGroup, base: &Path, levels: LintLevels) -> Options {
    let mut mappings = group.path_map(base).unwrap_or_default();
    let scripts = group.scripts.as_ref().map(|dir| {
        let node_dir = crate::edgelake::node::SCRIPTS_DIR;
        if !mappings.iter().any(|m| m.node_dir == node_dir) {
            mappings.push(crate::path_map::Mapping {
                node_dir: node_dir.to_string(),
                local_dir: base.join(dir),
            });
        }
        node_dir.to_string()
    });
    Options {
        profile: group.profile().ok().flatten().unwrap_or_default(),
        target: group.target().ok().flatten().unwrap_or_default(),
        path_map: PathMap {
            mappings,
            files: Some(Arc::new(crate::disk::DiskFiles)),
        },
        scripts,
        sets: group.set.clone().into_iter().collect(),
        levels,
        ..Options::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    #[test]
    fn incremental_changes_apply_in_order() {
        let mut ws = Workspace::new(Encoding::Utf16);
        let uri = Url::parse("file:///tmp/x/a.policy").unwrap();
        ws.open(uri.clone(), "ab\ncd\n".into(), 1);
        let edit = |l1, c1, l2, c2, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: text.into(),
        };
        let path = ws
            .change(&uri, 2, vec![edit(1, 0, 1, 1, "X"), edit(0, 2, 1, 0, "")])
            .unwrap();
        assert_eq!(ws.document(&path).unwrap().text, "abXd\n");
    }

    #[test]
    fn kinds_by_name_and_json_root() {
        assert_eq!(kind_of(Path::new("/a/.env"), ""), FileKind::Env);
        assert_eq!(kind_of(Path::new("/a/p.policy"), ""), FileKind::Policy);
        assert_eq!(
            kind_of(Path::new("/a/p.json"), " {\"config\": {}}"),
            FileKind::Policy
        );
        assert_eq!(
            kind_of(Path::new("/a/p.json"), "{\"name\": 1}"),
            FileKind::Other
        );
        assert_eq!(kind_of(Path::new("/a/elpc.toml"), ""), FileKind::Config);
    }
}
