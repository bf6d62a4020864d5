//! Go to definition (a `!var` or `$VAR` to the env lines that set it) and find references
//! (an env key or a variable to every use in the known policies).

use lsp_types::Location;

use crate::edgelake::profile;
use crate::resolve::env_layers::EnvOrigin;
use crate::resolve::reference::Sigil;
use crate::resolve::scope::Provenance;
use crate::source::{FileId, Span};

use super::analysis::{Analysis, Outline};
use super::hover::touches;
use super::position::{range, Encoding};
use super::workspace::uri_of;

/// What is being looked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `!name`.
    Param(String),
    /// `$NAME` (and the env key itself).
    Env(String),
}

/// The variables an env key becomes: those the scope says came from it, and every variable the
/// deployment scripts map it to (set or not).
pub fn vars_of_env_key(analysis: &Analysis, key: &str) -> Vec<String> {
    let mut names: Vec<String> = analysis
        .compilation
        .scope
        .iter()
        .filter(|v| matches!(&v.provenance, Provenance::Env { key: k, .. } if k == key))
        .map(|v| v.name.clone())
        .collect();
    for m in profile::MAPPINGS {
        if m.env.contains(&key) && !names.iter().any(|n| n == m.var) {
            names.push(m.var.to_string());
        }
    }
    names
}

fn location(analysis: &Analysis, span: Span, encoding: Encoding) -> Option<Location> {
    let path = analysis.path(span.file)?;
    Some(Location::new(
        uri_of(&path)?,
        range(analysis.file(span.file), span, encoding),
    ))
}

/// The env lines behind an origin chain, the winning definition first.
fn env_lines(origin: &EnvOrigin, overrides: &[EnvOrigin]) -> Vec<Span> {
    std::iter::once(origin)
        .chain(overrides.iter().rev())
        .filter_map(|o| match o {
            EnvOrigin::File {
                key_span,
                value_span,
            } => Some(key_span.to(*value_span)),
            EnvOrigin::Base { .. } => None,
        })
        .collect()
}

/// Where the reference under the cursor of the policy gets its value.
pub fn definition(
    analysis: &Analysis,
    outline: &Outline,
    offset: u32,
    encoding: Encoding,
) -> Vec<Location> {
    let Some(site) = outline.refs.iter().find(|s| touches(s.span, offset)) else {
        return Vec::new();
    };
    let scope = &analysis.compilation.scope;
    let spans = match site.sigil {
        Sigil::Param => match scope.get(&site.name).map(|v| &v.provenance) {
            Some(Provenance::Env {
                origin, overrides, ..
            }) => env_lines(origin, overrides),
            Some(Provenance::Assignment { span }) => vec![*span],
            Some(Provenance::Script { span, .. }) => vec![*span],
            _ => Vec::new(),
        },
        Sigil::Env => scope
            .env_layers()
            .get(&site.name)
            .map(|v| env_lines(&v.origin, &v.overrides))
            .unwrap_or_default(),
    };
    spans
        .into_iter()
        .filter_map(|s| location(analysis, s, encoding))
        .collect()
}

/// Where a word of a script jumps: the label of a `goto`/`call`/`on error`, the file a
/// `process` reads (from the interpreter's run, once each however many boot paths took it). A
/// `goto`/`call` the run never took (its `if` false on every boot path, or past where elpc
/// stopped following) still leads to its label, found in the text.
pub fn script_links(analysis: &Analysis, offset: u32, encoding: Encoding) -> Vec<Location> {
    let Some(run) = &analysis.compilation.script else {
        return Vec::new();
    };
    let mut out: Vec<Location> = Vec::new();
    let taken = run
        .links
        .iter()
        .filter(|(span, _)| span.file == FileId(0) && super::hover::touches(*span, offset))
        .filter_map(|(_, link)| match link {
            crate::resolve::engine::Link::Label(at) => location(analysis, *at, encoding),
            crate::resolve::engine::Link::File(id) => {
                location(analysis, Span::new(*id, 0..0), encoding)
            }
        });
    for loc in taken {
        if !out.contains(&loc) {
            out.push(loc);
        }
    }
    if out.is_empty() {
        out.extend(label_in_text(analysis, offset).and_then(|at| location(analysis, at, encoding)));
    }
    out
}

/// The label named by the word at `offset` when the word before it is `goto` or `call`.
fn label_in_text(analysis: &Analysis, offset: u32) -> Option<Span> {
    let text = analysis.file(FileId(0)).text();
    let at = (offset as usize).min(text.len());
    if !text.is_char_boundary(at) {
        return None;
    }
    let is_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    let start = text[..at].rfind(|c: char| !is_word(c)).map_or(0, |i| i + 1);
    let end = text[at..]
        .find(|c: char| !is_word(c))
        .map_or(text.len(), |i| at + i);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..start].split_whitespace().next_back()?;
    if start == end || !matches!(before, "goto" | "call") {
        return None;
    }
    let script = crate::syntax::script_file::split_script(FileId(0), text);
    script.labels.get(&text[start..end]).map(|l| l.span)
}

/// What the cursor of a policy points at, for find references.
pub fn policy_targets(analysis: &Analysis, outline: &Outline, offset: u32) -> Vec<Target> {
    let Some(site) = outline.refs.iter().find(|s| touches(s.span, offset)) else {
        return Vec::new();
    };
    match site.sigil {
        Sigil::Param => {
            let mut targets = vec![Target::Param(site.name.clone())];
            if let Some(Provenance::Env { key, .. }) = analysis
                .compilation
                .scope
                .get(&site.name)
                .map(|v| &v.provenance)
            {
                targets.push(Target::Env(key.clone()));
            }
            targets
        }
        Sigil::Env => vec![Target::Env(site.name.clone())],
    }
}

/// What the cursor of an env file (file `file` of the analysis) points at: the key there and
/// the variables it becomes.
pub fn env_targets(analysis: &Analysis, file: FileId, offset: u32) -> Vec<Target> {
    let key = analysis.compilation.scope.env_layers().iter().find(|v| {
        std::iter::once(&v.origin).chain(&v.overrides).any(|o| {
            matches!(o, EnvOrigin::File { key_span, .. }
                if key_span.file == file && touches(*key_span, offset))
        })
    });
    let Some(var) = key else { return Vec::new() };
    let mut targets = vec![Target::Env(var.name.clone())];
    targets.extend(
        vars_of_env_key(analysis, &var.name)
            .into_iter()
            .map(Target::Param),
    );
    targets
}

/// Every use of the targets in the policies, plus (with `declarations`) the env lines that
/// define the env keys among them.
pub fn references(
    policies: &[(&Analysis, &Outline)],
    targets: &[Target],
    declarations: bool,
    encoding: Encoding,
) -> Vec<Location> {
    let mut out: Vec<Location> = Vec::new();
    let mut push = |loc: Option<Location>| {
        if let Some(loc) = loc {
            if !out.contains(&loc) {
                out.push(loc);
            }
        }
    };
    for (analysis, outline) in policies {
        for site in &outline.refs {
            let hit = targets.iter().any(|t| match (t, site.sigil) {
                (Target::Param(n), Sigil::Param) | (Target::Env(n), Sigil::Env) => *n == site.name,
                _ => false,
            });
            if hit {
                push(location(analysis, site.span, encoding));
            }
        }
        if declarations {
            for t in targets {
                if let Target::Env(key) = t {
                    if let Some(v) = analysis.compilation.scope.env_layers().get(key) {
                        for span in env_lines(&v.origin, &v.overrides) {
                            push(location(analysis, span, encoding));
                        }
                    }
                }
            }
        }
    }
    out
}
