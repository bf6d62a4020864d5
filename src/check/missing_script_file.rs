//! `missing-script-file` (EL407): a `process` line whose file does not exist, given
//! `--path-map NODE_DIR=LOCAL_DIR` (§2.7: Missing_script, 112), or whose directory is a typo
//! away from a mapped one.

use crate::check::catalog::MISSING_SCRIPT_FILE;
use crate::check::{guarded, CheckContext};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::path_map::PathStatus;
use crate::resolve::command::ProcessPath;
use crate::resolve::script::ScriptLine;
use crate::source::Span;

/// Reports the line's `process` path when it does not exist on this machine's copy of the node's directories.
pub(crate) fn line(ctx: &CheckContext, line: &ScriptLine, diags: &mut Diagnostics) {
    let map = &ctx.options.path_map;
    if !map.is_active() {
        return;
    }
    let Some(command) = &line.command else {
        return;
    };
    let Some(path) = &command.process() else {
        return;
    };
    let Some(resolved) = path.resolved else {
        return;
    };
    let d = match map.status(resolved) {
        PathStatus::Unmapped | PathStatus::Exists => return,
        PathStatus::Missing { node_dir, local } => {
            let d = Diagnostic::new(
                    &MISSING_SCRIPT_FILE,
                    path.span,
                    format!("`{resolved}` does not exist"),
                )
                .label(format!("not found at {}", local.display()))
                .note(format!("`{node_dir}` is mapped to this machine with --path-map"))
                .note("`process` of a missing file fails (Missing_script) and the node stops the script list here");
            match current_layout(map, &node_dir, resolved) {
                Some(found) => with_layout_fix(d, path, &found),
                None => d,
            }
        }
        PathStatus::NearMiss {
            written_dir,
            node_dir,
            corrected,
            corrected_exists,
        } => {
            let mut d = Diagnostic::new(
                &MISSING_SCRIPT_FILE,
                path.span,
                format!("`{written_dir}` is not a directory on the node"),
            )
            .label("no such directory")
            .help(format!("did you mean `{node_dir}` (`{corrected}`)?"));
            if !corrected_exists {
                d = d.note(format!("`{corrected}` does not exist either"));
            }
            if let Some((span, fixed)) = fix_in_place(path, &written_dir, &node_dir) {
                d = d.suggest(format!("replace with `{fixed}`"), span, fixed);
            }
            d.note("`process` of a missing file fails (Missing_script) and the node stops the script list here")
        }
    };
    diags.push(guarded(d, &command.guard));
}

/// The span of the misspelt directory component in the path as written, with its correction,
/// when it appears there exactly once and the written text maps byte for byte onto the source.
fn fix_in_place(path: &ProcessPath, written_dir: &str, node_dir: &str) -> Option<(Span, String)> {
    let (wrong, right) = written_dir
        .split('/')
        .zip(node_dir.split('/'))
        .find(|(a, b)| a != b)?;
    if wrong.is_empty() || path.written.matches(wrong).count() != 1 {
        return None;
    }
    let len = (path.span.end - path.span.start) as usize;
    if len != path.written.len() {
        return None;
    }
    let at = path.written.find(wrong)? + path.span.start as usize;
    Some((
        Span::new(path.span.file, at..at + wrong.len()),
        right.to_string(),
    ))
}

/// The deployment scripts moved `policies/`, `database/`, … under `node-deployment/` (and
/// `LOCAL_SCRIPTS` to the repository root): for a missing `<dir>/X`, the existing
/// `<dir>/node-deployment/X`.
fn current_layout(
    map: &crate::path_map::PathMap,
    node_dir: &str,
    resolved: &str,
) -> Option<String> {
    let rest = resolved.strip_prefix(node_dir)?.strip_prefix('/')?;
    if rest.starts_with("node-deployment/") {
        return None;
    }
    let candidate = format!("{node_dir}/node-deployment/{rest}");
    (map.status(&candidate) == PathStatus::Exists).then_some(candidate)
}

/// Says where the file is, and fixes a `!local_scripts/…` path in place.
fn with_layout_fix(d: Diagnostic, path: &ProcessPath, found: &str) -> Diagnostic {
    let d = d.help(format!(
        "`{found}` exists: the current deployment-scripts layout keeps it under `node-deployment/`"
    ));
    let len = (path.span.end - path.span.start) as usize;
    match path.written.find('/') {
        Some(slash) if path.written.starts_with('!') && len == path.written.len() => {
            let at = path.span.start as usize + slash + 1;
            d.suggest(
                "insert `node-deployment/`",
                Span::new(path.span.file, at..at),
                "node-deployment/",
            )
        }
        _ => d,
    }
}
