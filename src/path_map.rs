//! Where node directories live on this machine (`--path-map NODE_DIR=LOCAL_DIR`, and
//! `--scripts DIR` for the deployment scripts), so that `process` paths can be checked and the
//! scripts they name read. The library never touches the file system: the caller supplies a
//! [`LocalFiles`] that answers "is this a file?", "is this a directory?" and "what does it
//! hold?" (the CLI with the real file system, tests with files in memory, the browser with
//! nothing).

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The caller's view of the local file system.
pub trait LocalFiles: Send + Sync {
    /// True when `path` is an existing file.
    fn is_file(&self, path: &Path) -> bool;
    /// True when `path` is an existing directory.
    fn is_dir(&self, _path: &Path) -> bool {
        false
    }
    /// The bytes of the file at `path`, when it exists and can be read.
    fn read(&self, _path: &Path) -> Option<Vec<u8>> {
        None
    }
}

/// What elpc can learn about a file on the node through the path map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeFile {
    /// The file exists here, with these bytes (its local path for messages).
    Read(Vec<u8>, PathBuf),
    /// It is under a mapped directory and does not exist.
    Missing(PathBuf),
    /// No mapping covers it (or there are no files to ask): only the node knows.
    Unknown,
}

/// One `NODE_DIR=LOCAL_DIR` mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    /// The directory as the node sees it (`/app/deployment-scripts`), without a trailing `/`.
    pub node_dir: String,
    /// Where it is on this machine.
    pub local_dir: PathBuf,
}

impl Mapping {
    /// Parses `NODE_DIR=LOCAL_DIR`.
    pub fn parse(arg: &str) -> Result<Mapping, String> {
        let (node, local) = arg
            .split_once('=')
            .ok_or_else(|| format!("`{arg}` is not NODE_DIR=LOCAL_DIR"))?;
        let node = node.trim().trim_end_matches('/');
        if !node.starts_with('/') || local.trim().is_empty() {
            return Err(format!(
                "`{arg}`: NODE_DIR must be an absolute path on the node and LOCAL_DIR a directory here"
            ));
        }
        Ok(Mapping {
            node_dir: node.to_string(),
            local_dir: PathBuf::from(local.trim()),
        })
    }
}

/// Node directories mapped to local ones, plus the way to ask whether a file exists.
#[derive(Clone, Default)]
pub struct PathMap {
    /// The mappings, in the order given.
    pub mappings: Vec<Mapping>,
    /// Answers file-existence questions; without it no path is checked.
    pub files: Option<Arc<dyn LocalFiles>>,
}

impl std::fmt::Debug for PathMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PathMap")
            .field("mappings", &self.mappings)
            .field("files", &self.files.as_ref().map(|_| "<local files>"))
            .finish()
    }
}

/// What a node path is on this machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathStatus {
    /// Under no mapped directory, and close to none: nothing to say.
    Unmapped,
    /// Under a mapped directory, and the file exists.
    Exists,
    /// Under `node_dir`, and the file does not exist at `local`.
    Missing {
        /// The mapped directory it is under.
        node_dir: String,
        /// Where it was looked for.
        local: PathBuf,
    },
    /// Under no mapped directory, but a typo away from one.
    NearMiss {
        /// The directory as written in the path (`/app/deployment-scrpts`).
        written_dir: String,
        /// The mapped directory it probably means.
        node_dir: String,
        /// The path with the directory corrected.
        corrected: String,
        /// Whether the corrected path exists.
        corrected_exists: bool,
    },
}

impl PathMap {
    /// True when there is something to check against.
    pub fn is_active(&self) -> bool {
        self.files.is_some() && !self.mappings.is_empty()
    }

    /// Where `node_path` is on this machine, and whether it exists.
    pub fn status(&self, node_path: &str) -> PathStatus {
        let Some(files) = &self.files else {
            return PathStatus::Unmapped;
        };
        if let Some((m, rest)) = self.under(node_path) {
            let local = m.local_dir.join(rest);
            return if files.is_file(&local) {
                PathStatus::Exists
            } else {
                PathStatus::Missing {
                    node_dir: m.node_dir.clone(),
                    local,
                }
            };
        }
        for m in &self.mappings {
            let depth = m.node_dir.matches('/').count();
            let cut = node_path
                .match_indices('/')
                .nth(depth)
                .map_or(node_path.len(), |(i, _)| i);
            let written = &node_path[..cut];
            let distance = strsim::damerau_levenshtein(written, &m.node_dir);
            if distance > 0 && distance <= 2 && m.node_dir.len() > 4 {
                let corrected = format!("{}{}", m.node_dir, &node_path[cut..]);
                let corrected_exists = self
                    .under(&corrected)
                    .is_some_and(|(m, rest)| files.is_file(&m.local_dir.join(rest)));
                return PathStatus::NearMiss {
                    written_dir: written.to_string(),
                    node_dir: m.node_dir.clone(),
                    corrected,
                    corrected_exists,
                };
            }
        }
        PathStatus::Unmapped
    }

    /// Reads the node file `node_path` through its mapping.
    pub fn read(&self, node_path: &str) -> NodeFile {
        let (Some(files), Some((m, rest))) = (&self.files, self.under(node_path)) else {
            return NodeFile::Unknown;
        };
        let local = m.local_dir.join(rest);
        match files.read(&local) {
            Some(bytes) => NodeFile::Read(bytes, local),
            None if files.is_file(&local) => NodeFile::Unknown, // exists but unreadable here
            None => NodeFile::Missing(local),
        }
    }

    /// Where the node file `node_path` is on this machine, when a mapping covers it.
    pub fn local_path(&self, node_path: &str) -> Option<PathBuf> {
        let (m, rest) = self.under(node_path)?;
        Some(m.local_dir.join(rest))
    }

    /// Whether `node_path` exists on the node (as a file or a directory, `file test`), when a
    /// mapping covers it.
    pub fn exists(&self, node_path: &str) -> Option<bool> {
        let files = self.files.as_ref()?;
        let trimmed = node_path.trim_end_matches('/');
        if let Some(m) = self.mappings.iter().find(|m| m.node_dir == trimmed) {
            return Some(files.is_dir(&m.local_dir));
        }
        let (m, rest) = self.under(node_path)?;
        let local = m.local_dir.join(rest);
        Some(files.is_file(&local) || files.is_dir(&local))
    }

    /// The mapping with the longest node directory that contains `node_path`, and the rest.
    fn under<'a>(&self, node_path: &'a str) -> Option<(&Mapping, &'a str)> {
        self.mappings
            .iter()
            .filter_map(|m| {
                let rest = node_path.strip_prefix(m.node_dir.as_str())?;
                let rest = rest.strip_prefix('/')?;
                Some((m, rest))
            })
            .max_by_key(|(m, _)| m.node_dir.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake(Vec<&'static str>);
    impl LocalFiles for Fake {
        fn is_file(&self, path: &Path) -> bool {
            self.0.iter().any(|p| Path::new(p) == path)
        }
    }

    fn map() -> PathMap {
        PathMap {
            mappings: vec![Mapping::parse("/app/deployment-scripts/=./ds").unwrap()],
            files: Some(Arc::new(Fake(vec!["./ds/node-deployment/main.al"]))),
        }
    }

    #[test]
    fn mapped_paths_are_looked_up_locally() {
        let m = map();
        assert_eq!(
            m.status("/app/deployment-scripts/node-deployment/main.al"),
            PathStatus::Exists
        );
        assert!(matches!(
            m.status("/app/deployment-scripts/node-deployment/x.al"),
            PathStatus::Missing { .. }
        ));
        assert_eq!(m.status("/opt/other/x.al"), PathStatus::Unmapped);
    }

    #[test]
    fn a_typo_in_the_directory_is_corrected() {
        let PathStatus::NearMiss {
            corrected,
            corrected_exists,
            ..
        } = map().status("/app/deployment-scrpts/node-deployment/main.al")
        else {
            panic!("not a near miss");
        };
        assert_eq!(corrected, "/app/deployment-scripts/node-deployment/main.al");
        assert!(corrected_exists);
    }

    #[test]
    fn bad_mappings_are_refused() {
        assert!(Mapping::parse("relative=./x").is_err());
        assert!(Mapping::parse("/app").is_err());
    }
}
