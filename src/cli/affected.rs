//! `elpc check` given env files or `elpc.toml`: the policies they affect.
//!
//! A pre-commit hook passes the files a commit changes. A policy is checked itself. An env file
//! re-checks the policies of every `elpc.toml` group that lists it (the group a policy belongs
//! to is the first whose `files` match it, as for `elpc check POLICY`). An `elpc.toml`
//! re-checks every policy below it: its `[lint]` levels apply to all of them, its groups to
//! those they match. A `.al` script is checked itself, and also re-checks the policies of
//! every group that reads it: whose `scripts` checkout or `path_map` directory holds it (its
//! edit changes the node variables `main.al` derives, or what a `process` line runs).

use std::path::{Path, PathBuf};

use elpc::config::{Config, FILE_NAME};

/// Directories never searched for policies.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules"];
/// Bound on the directory entries one search visits.
const MAX_ENTRIES: usize = 200_000;

/// What the arguments of `elpc check` expand to.
pub struct Affected {
    /// Policies to check, in order, each once.
    pub policies: Vec<PathBuf>,
    /// Why an argument checks nothing (for standard error).
    pub notes: Vec<String>,
}

/// True for the files that `elpc check` treats as env files.
fn is_env(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n == ".env" || n.ends_with(".env"))
}

/// True for EdgeLake scripts.
fn is_script(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("al"))
}

/// True when `group` (of the `elpc.toml` in `root`) reads the script at `script` (absolute):
/// it lies in the group's `scripts` checkout or in a local directory of its `path_map`.
fn group_reads(group: &elpc::config::PolicyGroup, root: &Path, script: &Path) -> bool {
    let mut dirs: Vec<PathBuf> = group
        .path_map(root)
        .unwrap_or_default()
        .into_iter()
        .map(|m| m.local_dir)
        .collect();
    dirs.extend(group.scripts.as_ref().map(|d| root.join(d)));
    dirs.iter().any(|d| script.starts_with(absolute(d)))
}

fn is_config(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == FILE_NAME)
}

/// Expands env files and `elpc.toml` among `args` into the policies they affect.
pub fn expand(args: &[PathBuf]) -> Result<Affected, String> {
    let mut out = Affected {
        policies: Vec::new(),
        notes: Vec::new(),
    };
    let push = |out: &mut Affected, p: PathBuf| {
        if !out.policies.contains(&p) {
            out.policies.push(p);
        }
    };
    for arg in args {
        if is_config(arg) {
            let (root, config) = load(arg)?;
            let found = policies_below(&root, |rel| {
                rel.extension().is_some_and(|e| e == "policy") || config.group_for(rel).is_some()
            });
            if found.is_empty() {
                out.notes
                    .push(format!("{}: no policy below it", arg.display()));
            }
            found.into_iter().for_each(|p| push(&mut out, p));
        } else if is_env(arg) {
            let start = arg.parent().unwrap_or(Path::new("."));
            let Some((config_path, config)) = Config::discover(start).map_err(|e| e.to_string())?
            else {
                out.notes.push(format!(
                    "{}: no elpc.toml says which policies use this env file; nothing re-checked",
                    arg.display()
                ));
                continue;
            };
            let root = config_path.parent().unwrap_or(Path::new(".")).to_path_buf();
            let env = absolute(arg);
            let found = policies_below(&root, |rel| {
                config
                    .group_for(rel)
                    .is_some_and(|g| g.env.iter().any(|e| absolute(&root.join(e)) == env))
            });
            if found.is_empty() {
                out.notes.push(format!(
                    "{}: no [[policies]] group of {} lists this env file; nothing re-checked",
                    arg.display(),
                    shown(&config_path).display()
                ));
            }
            found.into_iter().for_each(|p| push(&mut out, p));
        } else if is_script(arg) {
            push(&mut out, arg.clone());
            let start = arg.parent().unwrap_or(Path::new("."));
            let found = match Config::discover(start).map_err(|e| e.to_string())? {
                Some((config_path, config)) => {
                    let root = absolute(config_path.parent().unwrap_or(Path::new(".")));
                    let script = absolute(arg);
                    policies_below(&root, |rel| {
                        !is_script(rel)
                            && config
                                .group_for(rel)
                                .is_some_and(|g| group_reads(g, &root, &script))
                    })
                }
                None => Vec::new(),
            };
            found.into_iter().for_each(|p| push(&mut out, p));
        } else {
            push(&mut out, arg.clone());
        }
    }
    Ok(out)
}

fn load(path: &Path) -> Result<(PathBuf, Config), String> {
    let text = elpc::disk::read_text(path, elpc::disk::MAX_CONFIG_BYTES)?;
    let config = Config::parse(&text, path).map_err(|e| e.to_string())?;
    let root = absolute(path.parent().unwrap_or(Path::new(".")));
    Ok((root, config))
}

fn absolute(path: &Path) -> PathBuf {
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // Fold `a/../b` and `./` so two spellings of one file compare equal.
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to the working directory when it lies below it.
fn shown(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

/// Files below `root` (hidden directories, `target` and `node_modules` skipped) whose path
/// relative to `root` satisfies `wanted`, sorted, as shown to people.
fn policies_below(root: &Path, wanted: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    let mut visited = 0;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            visited += 1;
            if visited > MAX_ENTRIES {
                break;
            }
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_ref()) {
                    stack.push(path);
                }
            } else if kind.is_file() && !is_env(&path) && !is_config(&path) {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                if wanted(rel) {
                    found.push(shown(&path));
                }
            }
        }
    }
    found.sort();
    found
}
