//! Reading the files a command names: bounded, special files left to the library to report.

use std::path::{Path, PathBuf};

use elpc::{ChartFiles, Input, Unreadable, UnreadableReason, MAX_ENV_BYTES};

use crate::UsageError;

/// Reads an input through [`elpc::disk::read_bounded`]: a missing or unreadable path is a usage
/// error; a special file or one past the limit goes on to the compiler, which reports it (EL004).
pub(crate) fn read(path: &Path, max_bytes: usize) -> Result<Result<Input, Unreadable>, UsageError> {
    match elpc::disk::read_input(path, max_bytes) {
        Err(Unreadable {
            reason: UnreadableReason::Io(_, why),
            ..
        }) => Err(UsageError(format!("cannot read {}: {why}", path.display()))),
        other => Ok(other),
    }
}

/// `path` relative to the working directory when it lies below it, as people type paths.
pub(crate) fn display_path(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

/// A chart directory's `Chart.yaml` and `templates/*` (`.yaml`, `.yml`, `.tpl`, by name),
/// each through the bounded reader.
pub(crate) fn read_chart(dir: &Path) -> Result<ChartFiles, UsageError> {
    let templates_dir = dir.join("templates");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&templates_dir)
        .map_err(|e| UsageError(format!("cannot read {}: {e}", templates_dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "yaml" || x == "yml" || x == "tpl")
        })
        .collect();
    names.sort();
    names.truncate(elpc::kubernetes::template::MAX_TEMPLATES);
    let chart_yaml = dir.join("Chart.yaml");
    Ok(ChartFiles {
        chart_yaml: if chart_yaml.exists() {
            Some(read(&chart_yaml, MAX_ENV_BYTES)?)
        } else {
            None
        },
        templates: names
            .iter()
            .map(|p| read(p, MAX_ENV_BYTES))
            .collect::<Result<_, _>>()?,
    })
}

/// A file, or standard input for `-` (read up to one byte past the env limit, so the library
/// reports an oversized input instead of this reading without end). Standard input is read
/// once per run: `elpc check --manifest - a.policy b.policy` gives both policies the same
/// manifests (a second read would find it empty).
pub(crate) fn read_or_stdin(path: &Path) -> Result<Result<Input, Unreadable>, UsageError> {
    if path != Path::new("-") {
        return read(path, MAX_ENV_BYTES);
    }
    static STDIN: std::sync::OnceLock<Result<Vec<u8>, String>> = std::sync::OnceLock::new();
    let bytes = STDIN.get_or_init(|| {
        use std::io::Read;
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_ENV_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map(|_| bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))
    });
    match bytes {
        Ok(bytes) => Ok(Ok(Input {
            name: "<stdin>".into(),
            bytes: bytes.clone(),
        })),
        Err(why) => Err(UsageError(why.clone())),
    }
}
