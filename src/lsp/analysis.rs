//! One policy (or env stack) compiled for the editor: the [`Compilation`], the path of every
//! file id, and an outline of the policy text (references, keys, script lines) with spans.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::compile::{Compilation, Input, Unreadable, MAX_ENV_BYTES, MAX_POLICY_BYTES};
use crate::compile_env::EnvStage;
use crate::kubernetes::Kubernetes;
use crate::resolve::reference::{references_in, Sigil};
use crate::resolve::script::ScriptLine;
use crate::resolve::script_resume::{Resume, ScriptRun};
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::policy::{Node, NodeKind};

use super::analysis_kept::Lazy;
use super::workspace::{Setup, Workspace};

/// The policy text checked when an env file is checked on its own.
const ENV_STUB_POLICY: &str = "{'config': {}}";

/// A compiled policy and where its files live.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The path of each input's file id (0 is the policy); see [`Analysis::path`] for the
    /// files the interpreter read itself.
    pub files: Vec<PathBuf>,
    /// What the library found. For a policy (not an `.al` script) its `policy`, `resolved`
    /// and `commands` outputs are not built (a keystroke's re-check publishes findings only):
    /// read them through [`Analysis::policy_json`] and [`Analysis::resolved_json`].
    pub compilation: Compilation,
    /// `policy` and `resolved`, built on first use; `None` inside when the compilation built
    /// them itself (an `.al` script's) or has none.
    pub(super) outputs: Lazy<Option<(Json, Json)>>,
    /// The script run's checkpoints, for the next re-check to resume, and the generation of
    /// the kept env stage it ran in.
    pub(super) script_run: (ScriptRun, Option<usize>),
    /// The references, keys and script lines of the policy, collected on first use (a
    /// re-check on a keystroke publishes diagnostics without needing it).
    outline: std::sync::OnceLock<Outline>,
    /// The policy's words for the secret list, for the next re-check to follow its edit.
    pub(super) words: Option<crate::secrets::PolicyWords>,
}

/// A `!name` or `$NAME` written in the policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// `!` or `$`.
    pub sigil: Sigil,
    /// The name without its sigil.
    pub name: String,
    /// The reference as written, sigil included.
    pub span: Span,
    /// The whole word the node resolves (cast suffix included).
    pub word: String,
    /// Where that word is written.
    pub word_span: Span,
    /// The script line it is on (an index into the compiled lines).
    pub line: Option<usize>,
}

/// A key of the policy.
#[derive(Clone, Debug, PartialEq)]
pub struct KeySite {
    /// The key text.
    pub key: String,
    /// Where it is written (with its quotes).
    pub span: Span,
    /// 0 for the policy type, 1 for a key of the policy body, deeper otherwise.
    pub depth: usize,
}

/// What is written where in a policy.
#[derive(Clone, Debug, Default)]
pub struct Outline {
    /// Every reference.
    pub refs: Vec<Site>,
    /// Every key.
    pub keys: Vec<KeySite>,
    /// The span of each script line string, with its index into the compiled lines.
    pub lines: Vec<(Span, usize)>,
}

impl Analysis {
    /// Compiles the policy at `path` with its env files (open documents override the disk).
    pub fn policy(ws: &mut Workspace, path: &Path) -> Option<Analysis> {
        Analysis::policy_kept(ws, path, &mut EnvStage::default(), None)
    }

    /// [`Analysis::policy`] starting from the env stage kept from the policy's last re-check
    /// when its env files and options are unchanged (see `crate::compile_env`).
    /// With `previous` (the policy's last analysis), its script run resumes where the script
    /// is unchanged (what it reuses is moved out of `previous`, which the caller replaces).
    pub(crate) fn policy_kept(
        ws: &mut Workspace,
        path: &Path,
        stage: &mut EnvStage,
        previous: Option<&mut Analysis>,
    ) -> Option<Analysis> {
        let setup = ws.setup_for(path);
        let input = ws.read(path, MAX_POLICY_BYTES)?;
        Some(Analysis::run(ws, path, input, setup, (stage, previous)))
    }

    /// Checks the `.al` script at `path` as the node runs it with `process`, with the env
    /// files and options of its `elpc.toml` group.
    pub fn script(ws: &mut Workspace, path: &Path) -> Option<Analysis> {
        let setup = ws.setup_for(path);
        let input = ws.read(path, crate::compile_script::MAX_SCRIPT_BYTES)?;
        let mut files = vec![path.to_path_buf()];
        let mut env = Vec::new();
        for p in &setup.env {
            if let Some(input) = ws.read(p, MAX_ENV_BYTES) {
                files.push(p.clone());
                env.push(input);
            }
        }
        let compilation = crate::compile_script::compile_script_files(&input, &env, &setup.options);
        let outline = script_outline(compilation.sources.get(FileId(0)).text());
        Some(Analysis {
            files,
            compilation,
            outputs: Lazy::ready(None),
            script_run: Default::default(),
            outline: outline.into(),
            words: None,
        })
    }

    /// Compiles the deployment a values file or manifest belongs to against an empty policy,
    /// to check it; `None` when no `elpc.toml` group lists it.
    pub fn values_stack(ws: &mut Workspace, yaml: &Path) -> Option<Analysis> {
        let setup = ws.setup_for_values(yaml)?;
        let stub = Input::text("<values check>", ENV_STUB_POLICY);
        Some(Analysis::run(
            ws,
            Path::new("<values check>"),
            Ok(stub),
            setup,
            (&mut EnvStage::default(), None),
        ))
    }

    /// Compiles an env file's stack against an empty policy, to check the env files.
    pub fn env_stack(ws: &mut Workspace, env: &Path) -> Analysis {
        let setup = ws.setup_for_env(env);
        let stub = Input::text("<env check>", ENV_STUB_POLICY);
        let stage = &mut EnvStage::default();
        Analysis::run(ws, Path::new("<env check>"), Ok(stub), setup, (stage, None))
    }

    fn run(
        ws: &Workspace,
        path: &Path,
        policy: Result<Input, Unreadable>,
        setup: Setup,
        (stage, previous): (&mut EnvStage, Option<&mut Analysis>),
    ) -> Analysis {
        let mut files = vec![path.to_path_buf()];
        // File ids follow the order the library adds sources: values, manifests, env files.
        let mut kubernetes = Kubernetes::default();
        for (paths, into) in [
            (&setup.values, &mut kubernetes.values),
            (&setup.manifests, &mut kubernetes.manifests),
        ] {
            for p in paths {
                if let Some(input) = ws.read(p, MAX_ENV_BYTES) {
                    files.push(p.clone());
                    into.push(input);
                }
            }
        }
        let mut env = Vec::new();
        for p in &setup.env {
            if let Some(input) = ws.read(p, MAX_ENV_BYTES) {
                files.push(p.clone());
                env.push(input);
            }
        }
        // Diagnostics never show secret values in the editor (issue 6): `compile_files` masks
        // them unless `show_secrets` is set, which the server never does; hover masks its own
        // output.
        let made_in = previous.as_ref().and_then(|p| p.script_run.1);
        // (Nothing is taken for a compile that cannot resume: it would be diffed, parsed and
        // moved for nothing.)
        let kept = match (previous, &policy) {
            (Some(p), Ok(input)) if EnvStage::resumable(&kubernetes, &setup.options) => {
                p.take_for_recheck(&input.bytes)
            }
            _ => Default::default(),
        };
        let mut resume = Resume {
            previous: kept.previous,
            run: ScriptRun::default(),
            parsed: kept.parsed,
            words: kept.words,
        };
        let inputs = (&policy, env.as_slice());
        let compilation = stage.compile(inputs, &kubernetes, &setup.options, &mut resume, made_in);
        Analysis {
            compilation,
            files,
            outputs: Lazy::default(),
            script_run: (resume.run, Some(stage.generation())),
            outline: std::sync::OnceLock::new(),
            words: resume.words,
        }
    }

    /// An analysis of a compilation made elsewhere (tests compare with a full compile).
    #[cfg(test)]
    pub(crate) fn of(files: Vec<PathBuf>, compilation: Compilation) -> Analysis {
        Analysis {
            files,
            compilation,
            outputs: Lazy::ready(None),
            script_run: Default::default(),
            outline: std::sync::OnceLock::new(),
            words: None,
        }
    }

    /// The source of a file id.
    pub fn file(&self, id: FileId) -> &SourceFile {
        self.compilation.sources.get(id)
    }

    /// The path of a file id: an input's, or the path on this machine of a deployment script
    /// the interpreter read through the path map (the library names those by it).
    pub fn path(&self, id: FileId) -> Option<PathBuf> {
        if let Some(path) = self.files.get(id.0 as usize) {
            return Some(path.clone());
        }
        let source = self.compilation.sources.iter().nth(id.0 as usize)?.1;
        source.node_path().map(|_| PathBuf::from(source.name()))
    }

    /// The id of the file at `path`.
    pub fn id_of(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|p| p == path)
            .map(|i| FileId(i as u32))
    }

    /// `base_configs.env:11`: the file name and 1-based line of a span.
    pub fn short_location(&self, span: Span) -> String {
        let name = self
            .path(span.file)
            .as_deref()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        format!("{name}:{}", self.file(span.file).line_col(span.start).line)
    }

    /// The compiled script lines.
    pub fn lines(&self) -> &[ScriptLine] {
        self.compilation
            .output
            .as_ref()
            .map_or(&[], |o| o.lines.as_slice())
    }

    /// The policy's syntax tree, as the compilation parsed it.
    pub fn tree(&self) -> Option<&Node> {
        self.compilation.syntax.as_ref().map(|parsed| &parsed.root)
    }

    /// The references, keys and script lines of the policy.
    pub fn outline(&self) -> &Outline {
        self.outline.get_or_init(|| {
            let mut outline = Outline::default();
            if let Some(tree) = self.tree() {
                self.walk(tree, 0, false, &mut outline);
            }
            outline
        })
    }

    fn walk(&self, node: &Node, depth: usize, in_script: bool, out: &mut Outline) {
        match &node.kind {
            NodeKind::Object(entries) => {
                for e in entries {
                    out.keys.push(KeySite {
                        key: e.key.clone(),
                        span: e.key_span,
                        depth,
                    });
                    let script = depth == 1 && e.key == "script";
                    self.walk(&e.value, depth + 1, script, out);
                }
            }
            NodeKind::Array(items) => {
                // The list-wrapped form `[{...}]` does not add a level.
                let depth = if depth == 0 { 0 } else { depth + 1 };
                for item in items {
                    self.walk(item, depth, in_script, out);
                }
            }
            NodeKind::Str(lit) => {
                // Script lines are in text order: a binary search keeps big policies linear.
                let line = in_script
                    .then(|| {
                        self.lines()
                            .binary_search_by_key(&node.span.start, |l| l.span.start)
                            .ok()
                    })
                    .flatten()
                    .filter(|&i| self.lines()[i].span == node.span);
                match line {
                    Some(index) => {
                        out.lines.push((node.span, index));
                        for u in &self.lines()[index].refs {
                            let word_span = self.word_at(u.span, node.span);
                            out.refs.push(Site {
                                sigil: u.sigil,
                                name: u.name.to_string(),
                                span: u.span,
                                word: self.file(FileId(0)).slice(word_span).to_string(),
                                word_span,
                                line: Some(index),
                            });
                        }
                    }
                    None => {
                        let word_span = lit.span_of(node.span.file, 0..lit.value.len());
                        for r in references_in(&lit.value) {
                            out.refs.push(Site {
                                sigil: r.sigil,
                                name: r.name,
                                span: lit.span_of(node.span.file, r.range),
                                word: lit.value.to_string(),
                                word_span,
                                line: None,
                            });
                        }
                    }
                }
            }
            NodeKind::BareRef(word) => {
                for r in references_in(word) {
                    out.refs.push(Site {
                        sigil: r.sigil,
                        name: r.name,
                        span: node.span.narrow(r.range),
                        word: word.clone(),
                        word_span: node.span,
                        line: None,
                    });
                }
            }
            _ => {}
        }
    }

    /// The word of a script line that starts at a reference: up to white space or the
    /// string's closing quote.
    fn word_at(&self, reference: Span, string: Span) -> Span {
        let text = self.file(FileId(0)).text();
        let start = reference.start as usize;
        let limit = (string.end as usize).saturating_sub(1).max(start);
        let rest = text.get(start..limit).unwrap_or("");
        let len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '\'' | '"'))
            .unwrap_or(rest.len());
        Span::new(reference.file, start..start + len)
    }
}

/// True for names whose values must not be shown (`*PASSW*`, `*SECRET*`, `*KEY*`, `*TOKEN*`).
pub use crate::secrets::is_secret_name as is_secret;

/// How a masked value is shown.
pub const MASK: &str = "•••••• (secret, masked)";

/// The references written in a script (comment lines skipped), for hover and navigation.
fn script_outline(text: &str) -> Outline {
    let mut out = Outline::default();
    let mut at = 0usize;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        if line.trim_start().starts_with('#') {
            continue;
        }
        let mut offset = 0;
        for word in line.split(|c: char| c.is_whitespace()) {
            let here = start + offset;
            offset += word.len() + 1;
            if word.is_empty() {
                continue;
            }
            let trimmed =
                word.trim_matches(|c| matches!(c, '"' | '\'' | ',' | '(' | ')' | '<' | '>'));
            let lead = word.find(trimmed).unwrap_or(0);
            let word_span = Span::new(FileId(0), here + lead..here + lead + trimmed.len());
            for r in references_in(trimmed) {
                out.refs.push(Site {
                    sigil: r.sigil,
                    name: r.name,
                    span: word_span.narrow(r.range),
                    word: trimmed.to_string(),
                    word_span,
                    line: None,
                });
            }
        }
    }
    out
}
