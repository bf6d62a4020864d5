//! The pipeline: source → syntax → resolve → check → emit, in one direction.
//!
//! [`compile`] takes bytes the caller read (the library never touches the file system) and
//! returns every output plus every diagnostic; it never panics on any input.

use serde_json::{json, Value as Json};

use crate::check::catalog::INVALID_INPUT;
use crate::check::{self, suppress, CheckContext};
use crate::config::LintLevels;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::edgelake::commands::Target;
use crate::edgelake::node::IMAGE_ENVIRONMENT;
use crate::emit::commands::{command_list, Command};
use crate::emit::json::{default_json, map_node, stored_json};
use crate::emit::servers::{self, ServerSet};
use crate::kubernetes::{Kubernetes, NodePod};
use crate::path_map::PathMap;
use crate::resolve::engine::{Engine, NodeFacts};
use crate::resolve::env_layers::EnvLayers;
use crate::resolve::policy::{self, KeyValue};
use crate::resolve::reference::resolve_word;
use crate::resolve::scope::{Profile, Scope};
use crate::resolve::script::{run_script, LineOutcome, ScriptLine};
use crate::resolve::script_resume::{run_script_resuming, Resume};
use crate::resolve::value::Resolved;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax::env::parse_env;
use crate::syntax::policy::{parse_policy, Node, NodeKind, ParsedPolicy};

/// Largest policy file elpc reads (real policies are a few kilobytes).
pub const MAX_POLICY_BYTES: usize = 16 * 1024 * 1024;
/// Largest env file elpc reads (a generated fleet file can hold a million keys).
pub const MAX_ENV_BYTES: usize = 64 * 1024 * 1024;

/// One input file, as bytes read by the caller.
#[derive(Clone, Debug)]
pub struct Input {
    /// Display name (usually the path).
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

impl Input {
    /// An input from text.
    pub fn text(name: impl Into<String>, text: impl Into<String>) -> Input {
        Input {
            name: name.into(),
            bytes: text.into().into_bytes(),
        }
    }
}

/// A file a front end refused to read (see `elpc::disk`): compiled as a finding (EL004), never
/// as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// Display name (usually the path).
    pub name: String,
    /// Why it was not read.
    pub reason: UnreadableReason,
}

/// Why a file was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnreadableReason {
    /// Not a regular file: `"a directory"`, `"a FIFO"`, `"a character device"`, ...
    NotRegular(&'static str),
    /// Larger than the limit; `size` is the size on disk when it was known before reading.
    TooLarge {
        /// The file's size, when the file system told it.
        size: Option<u64>,
        /// The limit in bytes.
        limit: u64,
    },
    /// Opening or reading failed.
    Io(std::io::ErrorKind, String),
}

/// How to compile. New fields may be added (`#[non_exhaustive]`): start from the default and
/// set what you need.
///
/// ```
/// use elpc::{Options, Target};
///
/// let mut options = Options::default();
/// options.target = Target::AnyLog; // `run data distributor` exists there
/// options.sets.push(("external_ip".into(), "203.0.113.10".into()));
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Options {
    /// The env → variable mapping.
    pub profile: Profile,
    /// `--set NAME=VALUE` pairs, applied last (highest precedence).
    pub sets: Vec<(String, String)>,
    /// Rule levels (`--deny`, `--warn`, `--allow`, `[lint]` in elpc.toml).
    pub levels: LintLevels,
    /// The runtime the policy is for (`--target`): decides which commands exist.
    pub target: Target,
    /// Where node directories live on this machine (`--path-map`, `--scripts`): `process`
    /// paths are checked, and the files they name read and interpreted.
    pub path_map: PathMap,
    /// The node directory of the deployment scripts whose `main.al` derives the node variables
    /// (`--scripts`: `/app/deployment-scripts`, mapped in `path_map`); `None` uses the built-in
    /// profile.
    pub scripts: Option<String>,
    /// What is known about the node itself (IP, host name, network); unknown facts are
    /// decided at boot.
    pub node: NodeFacts,
    /// Show the values of secret env keys (`*PASSW*`, `*SECRET*`, `*KEY*`, `*TOKEN*`) in
    /// diagnostics and in the env files' text (`--show-secrets`). Off by default: they are
    /// printed as `***`, as the CLI and the language server do.
    pub show_secrets: bool,
}

/// The outputs of a policy that parsed.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CompiledPolicy {
    /// Canonical strict JSON of the policy, references intact.
    pub policy: Json,
    /// The policy with every statically known reference replaced by its typed value.
    pub resolved: Json,
    /// The servers the node starts.
    pub servers: ServerSet,
    /// The commands the node runs, in order.
    pub commands: Vec<Command>,
    /// The script lines with what happens to each.
    pub lines: Vec<ScriptLine>,
}

/// Everything one compilation produced.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Compilation {
    /// The policy (file 0) and env files (then in order).
    pub sources: SourceMap,
    /// Every finding, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The outputs, when the policy text had a usable structure.
    pub output: Option<CompiledPolicy>,
    /// The variables the policy was resolved in (before its script ran).
    pub scope: Scope,
    /// The policy's syntax tree, when any structure could be recovered (for tools such as the
    /// language server, so they do not parse the text again).
    pub syntax: Option<ParsedPolicy>,
    /// The node's pod, Services and ports, when Helm values or manifests were given.
    pub kubernetes: Option<NodePod>,
    /// For an `.al` script ([`crate::compile_script`]): what running it does.
    pub script: Option<crate::compile_script::ScriptRun>,
}

impl Compilation {
    /// The document `elpc compile --format json` prints: `policy`, `resolved`, `servers`,
    /// `commands` (each with its origin) and `diagnostics` (as [`crate::render::json`] writes
    /// them); the outputs are `null` / empty when the policy had no usable structure.
    ///
    /// ```
    /// use elpc::{compile, Input, Options};
    ///
    /// let c = compile(&Input::text("p.policy", "{'config': {'port': '32148'}}"), &[], &Options::default());
    /// let doc = c.to_json();
    /// assert_eq!(doc["policy"]["config"]["port"], "32148");
    /// assert!(doc["diagnostics"].is_array());
    /// ```
    pub fn to_json(&self) -> Json {
        let diagnostics = crate::render::json::diagnostics_json(&self.sources, &self.diagnostics);
        output_json(self, diagnostics)
    }

    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == crate::diagnostic::Severity::Error)
    }
}

/// Compiles a policy against env files layered in order (later wins). Never panics: input that
/// is not text, too large or malformed becomes diagnostics.
///
/// ```
/// use elpc::{compile, Input, Options, Severity};
///
/// let policy = Input::text("node.policy", "{'config': {'script': ['set start = !start_data']}}");
/// let env = Input::text("base_configs.env", "NODE_TYPE=operator\nSTART_DATE=30\n");
/// let c = compile(&policy, &[env], &Options::default());
///
/// let typo = c.diagnostics.iter().find(|d| d.rule.name == "undefined-variable").unwrap();
/// assert_eq!(typo.severity, Severity::Error);
/// assert_eq!(typo.help.as_deref(), Some("did you mean `start_date`?"));
/// assert_eq!(c.sources.get(typo.primary.span.file).name(), "node.policy");
/// ```
pub fn compile(policy: &Input, env_files: &[Input], options: &Options) -> Compilation {
    compile_sources(
        Ok(policy),
        env_files.iter().map(Ok),
        &Kubernetes::default(),
        options,
        Build::Everything,
    )
}

/// [`compile`] for a front end that may have refused some files (a FIFO, a device, a file past
/// the size limit): each refusal becomes an EL004 finding on that file, and the rest is
/// compiled as usual.
///
/// ```
/// use elpc::{compile_files, Input, Options, Unreadable, UnreadableReason};
///
/// let policy = Ok(Input::text("node.policy", "{'config': {'port': 32148}}"));
/// let refused = Err(Unreadable {
///     name: "base_configs.env".into(),
///     reason: UnreadableReason::NotRegular("a FIFO"),
/// });
/// let c = compile_files(&policy, &[refused], &Options::default());
/// assert!(c.diagnostics.iter().any(|d| d.rule.code == "EL004"));
/// ```
pub fn compile_files(
    policy: &Result<Input, Unreadable>,
    env_files: &[Result<Input, Unreadable>],
    options: &Options,
) -> Compilation {
    compile_deployment(policy, env_files, &Kubernetes::default(), options)
}

/// [`compile_files`] for a deployment that may be on Kubernetes: the env the pod gets from
/// Helm values or manifests comes first, env files layer on top of it (later wins).
pub fn compile_deployment(
    policy: &Result<Input, Unreadable>,
    env_files: &[Result<Input, Unreadable>],
    kubernetes: &Kubernetes,
    options: &Options,
) -> Compilation {
    compile_sources(
        policy.as_ref(),
        env_files.iter().map(Result::as_ref),
        kubernetes,
        options,
        Build::Everything,
    )
}

/// What a compilation builds besides its findings, sources, syntax tree and script lines.
#[cfg_attr(not(feature = "lsp"), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Build {
    /// Every output ([`compile`] and the other public entry points).
    Everything,
    /// No `policy`, `resolved` nor `commands` (left `null` / empty): the language server
    /// publishes findings after every keystroke and builds these on first use with
    /// [`editor_outputs`], from what the compilation keeps.
    Findings,
}

/// [`compile_deployment`] for the language server: the same findings, sources, syntax tree,
/// servers and script lines, without the outputs [`Build::Findings`] leaves out.
#[cfg_attr(not(feature = "lsp"), allow(dead_code))]
pub(crate) fn compile_for_editor(
    policy: &Result<Input, Unreadable>,
    env_files: &[Result<Input, Unreadable>],
    kubernetes: &Kubernetes,
    options: &Options,
) -> Compilation {
    compile_sources(
        policy.as_ref(),
        env_files.iter().map(Result::as_ref),
        kubernetes,
        options,
        Build::Findings,
    )
}

/// The `policy` and `resolved` outputs of a compilation made with [`Build::Findings`], built
/// from its syntax tree, scope and script lines exactly as [`compile_document`] builds them
/// (the scope is the one the policy was resolved in; masking secrets never touches it).
#[cfg_attr(not(feature = "lsp"), allow(dead_code))]
pub(crate) fn editor_outputs(compilation: &Compilation) -> Option<(Json, Json)> {
    let root = &compilation.syntax.as_ref()?.root;
    let lines = &compilation.output.as_ref()?.lines;
    let scope = &compilation.scope;
    // Its findings were reported when the compilation was made.
    let document = policy::document(root, &mut Diagnostics::new())?;
    let keys = policy::server_keys(document.body, scope);
    let object = policy_object(root);
    Some((
        with_computed_id(stored_json(object, scope)),
        resolved_json(object, &keys, lines, scope),
    ))
}

/// The policy object: the first item of a list of policies.
fn policy_object(root: &Node) -> &Node {
    match &root.kind {
        NodeKind::Array(items) => items.first().unwrap_or(root),
        _ => root,
    }
}

fn compile_sources<'a>(
    policy: Result<&Input, &Unreadable>,
    env_files: impl ExactSizeIterator<Item = Result<&'a Input, &'a Unreadable>>,
    kubernetes: &Kubernetes,
    options: &Options,
    build: Build,
) -> Compilation {
    let prepared = prepare(policy, MAX_POLICY_BYTES, env_files, kubernetes, options);
    compile_prepared(prepared, options, build, None)
}

/// The compilation of a policy once its sources, env findings and scope are ready; with
/// `resume`, its script run resumes the previous one (`crate::resolve::script_resume`).
pub(crate) fn compile_prepared(
    prepared: Prepared,
    options: &Options,
    build: Build,
    resume: Option<&mut Resume>,
) -> Compilation {
    let Prepared {
        mut sources,
        mut diags,
        scope,
        main: (policy_id, policy_usable),
        pod,
    } = prepared;

    let root = if policy_usable {
        parse_policy(policy_id, sources.get(policy_id).text(), &mut diags)
    } else {
        None // unreadable input, already reported
    };
    if let Some(pod) = &pod {
        crate::check::run_kubernetes_env(pod, &scope, &mut diags);
    }
    let output = root.as_ref().and_then(|parsed| {
        compile_document(
            parsed,
            &scope,
            &mut sources,
            options,
            pod.as_ref(),
            &mut diags,
            (build, resume),
        )
    });
    finish(
        sources,
        diags,
        Finished {
            output,
            scope,
            syntax: root,
            kubernetes: pod,
            script: None,
        },
        options,
    )
}

/// The sources, findings so far and scope, before the main input is interpreted.
pub(crate) struct Prepared {
    pub(crate) sources: SourceMap,
    pub(crate) diags: Diagnostics,
    pub(crate) scope: Scope,
    /// The main input (file 0), and whether it is usable text.
    pub(crate) main: (FileId, bool),
    /// The node's pod, when Helm values or manifests were given.
    pub(crate) pod: Option<NodePod>,
}

/// Reads the main input (file 0, up to `max_bytes`), the Kubernetes inputs and the env
/// files, runs the env checks and builds the scope (the built-in profile, or the deployment
/// scripts with `scripts`).
pub(crate) fn prepare<'a>(
    main: Result<&Input, &Unreadable>,
    max_bytes: usize,
    env_files: impl ExactSizeIterator<Item = Result<&'a Input, &'a Unreadable>>,
    kubernetes: &Kubernetes,
    options: &Options,
) -> Prepared {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let main = add_source(&mut sources, main, max_bytes, &mut diags);
    let (scope, pod) = prepare_env(&mut sources, &mut diags, env_files, kubernetes, options);
    Prepared {
        sources,
        diags,
        scope,
        main,
        pod,
    }
}

/// The env stage of [`prepare`], after the main input (file 0): Kubernetes inputs, env files,
/// env checks, scope. It reads nothing of file 0 (`crate::compile_env` keeps its result
/// between keystrokes on that basis; what it reads of `options` is in that module's key).
pub(crate) fn prepare_env<'a>(
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
    env_files: impl ExactSizeIterator<Item = Result<&'a Input, &'a Unreadable>>,
    kubernetes: &Kubernetes,
    options: &Options,
) -> (Scope, Option<NodePod>) {
    let mut layers = EnvLayers::new();
    if options.profile == Profile::EdgeLake {
        for (name, value) in IMAGE_ENVIRONMENT {
            layers.set_base(name, value, "the EdgeLake Docker image");
        }
    }
    // Where `node-type-missing` points; none when an env file could not be read at all, since
    // its NODE_TYPE is then unknown rather than missing.
    let mut env_anchor = None;
    let mut all_env_usable = true;
    let mut parsed_env = Vec::new();
    let has_env_files = env_files.len() > 0;
    let mut pod = crate::kubernetes::load(sources, kubernetes, diags);
    if let Some(pod) = &mut pod {
        pod.secrets_shown = options.show_secrets;
    }
    if let Some(pod) = &pod {
        env_anchor = Some(pod.anchor);
        for var in &pod.env {
            layers.define(
                &var.name,
                var.value.clone(),
                var.origin.clone(),
                var.overrides.clone(),
            );
        }
    }
    for input in env_files {
        let (id, usable) = add_source(sources, input, MAX_ENV_BYTES, diags);
        env_anchor.get_or_insert(Span::new(id, 0..0));
        all_env_usable &= usable;
        if usable {
            let file = parse_env(id, sources.get(id).text(), diags);
            layers.add_file(&file, diags);
            parsed_env.push(file);
        }
    }
    crate::check::run_env(
        &crate::check::EnvContext {
            sources,
            env_files: &parsed_env,
            layers: &layers,
            profile: options.profile,
        },
        diags,
    );
    let env_known = has_env_files || pod.is_some();
    let derived = match &options.scripts {
        Some(dir) if options.profile == Profile::EdgeLake => {
            let mut engine = Engine::new(options, sources, diags);
            crate::resolve::deployment::derive(&mut engine, dir, layers, env_known, &options.sets)
        }
        _ => Err(layers),
    };
    let scope = derived.unwrap_or_else(|layers| {
        Scope::build(
            options.profile,
            layers,
            env_known,
            &options.sets,
            diags,
            env_anchor.filter(|_| all_env_usable),
        )
    });
    (scope, pod)
}

/// What a compilation produced besides its sources and findings.
pub(crate) struct Finished {
    pub(crate) output: Option<CompiledPolicy>,
    pub(crate) scope: Scope,
    pub(crate) syntax: Option<ParsedPolicy>,
    pub(crate) kubernetes: Option<NodePod>,
    pub(crate) script: Option<crate::compile_script::ScriptRun>,
}

/// The compilation: suppressions and rule levels applied, findings sorted by place and
/// duplicates dropped, secrets hidden unless asked for.
pub(crate) fn finish(
    mut sources: SourceMap,
    mut diags: Diagnostics,
    done: Finished,
    options: &Options,
) -> Compilation {
    if let Some(origin) = &options.levels.origin {
        let id = sources.add(SourceFile::new(origin.name.clone(), origin.text.clone()));
        check::unknown_rule_name::check(&sources, id, &options.levels, &mut diags);
    }
    let mut diagnostics = suppress::apply(&sources, diags.into_vec(), &options.levels);
    diagnostics.sort_by_key(|d| {
        (
            d.primary.span.file,
            d.primary.span.start,
            d.primary.span.end,
        )
    });
    diagnostics.dedup();
    // The same finding from two runs over one file (the deployment scripts' run and the run
    // of the script checked, when that is one of them) is shown once, the first with its notes.
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| seen.insert((d.rule.code, d.primary.span, d.message.clone())));
    // A finding in a deployment script elpc read through the path map is shown at the file on
    // this machine (its name); the node's path for it stays visible here.
    for d in &mut diagnostics {
        if let Some(node) = sources.get(d.primary.span.file).node_path() {
            d.notes.push(format!("the node runs this file as `{node}`"));
        }
    }
    let mut compilation = Compilation {
        sources,
        diagnostics,
        output: done.output,
        scope: done.scope,
        syntax: done.syntax,
        kubernetes: done.kubernetes,
        script: done.script,
    };
    if !options.show_secrets {
        crate::secrets::hide_secrets(&mut compilation);
    }
    compilation
}

fn compile_document(
    parsed: &ParsedPolicy,
    scope: &Scope,
    sources: &mut SourceMap,
    options: &Options,
    pod: Option<&NodePod>,
    diags: &mut Diagnostics,
    (build, resume): (Build, Option<&mut Resume>),
) -> Option<CompiledPolicy> {
    let root = &parsed.root;
    let document = policy::document(root, diags)?;
    let keys = policy::server_keys(document.body, scope);
    let servers = servers::plan(&keys, document.body.span);
    let mut script_scope = scope.clone();
    let lines = match document.body.get("script") {
        Some(entry) => {
            let mut engine = Engine::new(options, sources, diags);
            match resume {
                Some(r) => {
                    let previous = r.previous.take();
                    let (lines, run) =
                        run_script_resuming(&entry.value, &mut script_scope, &mut engine, previous);
                    r.run = run;
                    lines
                }
                None => run_script(&entry.value, &mut script_scope, &mut engine),
            }
        }
        None => Vec::new(),
    };
    check::run(
        &CheckContext {
            sources,
            trailing_commas: &parsed.trailing_commas,
            document: &document,
            keys: &keys,
            scope,
            lines: &lines,
            servers: &servers,
            options,
        },
        diags,
    );
    if let Some(pod) = pod {
        check::run_kubernetes(pod, &servers, &keys, scope, diags);
    }
    crate::resolve::script::report_unexplained_stops(&lines, diags);
    if build == Build::Findings {
        return Some(CompiledPolicy {
            policy: Json::Null,
            resolved: Json::Null,
            servers,
            commands: Vec::new(),
            lines,
        });
    }
    let object = policy_object(root);
    let commands = command_list(&servers, &lines, scope, options.target);
    Some(CompiledPolicy {
        policy: with_computed_id(stored_json(object, scope)),
        resolved: resolved_json(object, &keys, &lines, scope),
        servers,
        commands,
        lines,
    })
}

/// Adds the `id` the node computes (§1.5) when the policy has none, at the end of the inner
/// object where `blockchain insert` puts it, so `policy` is what the node would store (minus
/// the `date` and `ledger` it adds at insert time). No id when an unquoted reference's value
/// (hashed with the rest) is known only on the node.
fn with_computed_id((mut policy, complete): (Json, bool)) -> Json {
    let has_id = |p: &Json| {
        p.as_object()
            .and_then(|o| o.values().next())
            .and_then(Json::as_object)
            .is_none_or(|inner| inner.contains_key("id"))
    };
    if !complete || has_id(&policy) {
        return policy; // a written id stays; no md5 of the whole policy to throw away
    }
    let id = crate::emit::policy_id::compute_id(&policy);
    if let (Some(id), Some(inner)) = (
        id,
        policy
            .as_object_mut()
            .and_then(|o| o.values_mut().next())
            .and_then(|v| v.as_object_mut()),
    ) {
        inner.insert("id".into(), Json::String(id));
    }
    policy
}

/// The policy with known references replaced: server keys by their typed values, script lines
/// by the command they run, other `!`/`$` strings by their resolved value.
fn resolved_json(object: &Node, keys: &[KeyValue], lines: &[ScriptLine], scope: &Scope) -> Json {
    // Looked up once per script string: a scan per string would be quadratic in the lines; a
    // sorted list (the lines come in order) is searched without hashing every span twice.
    let mut outcomes: Vec<(Span, &LineOutcome)> =
        lines.iter().map(|l| (l.span, &l.outcome)).collect();
    outcomes.sort_by_key(|(span, _)| *span); // (each list item has its own span)
    map_node(object, &mut |path, node| {
        if let [_, key] = path {
            if let Some(kv) = policy::key(keys, key) {
                return match &kv.value {
                    Some(Resolved::Known(v)) => v.to_json(),
                    _ => default_json(node),
                };
            }
        }
        if let [_, "script"] = path {
            if let NodeKind::Str(lit) = &node.kind {
                let found = outcomes
                    .binary_search_by_key(&node.span, |(span, _)| *span)
                    .ok()
                    .map(|i| outcomes[i].1);
                return match found {
                    Some(LineOutcome::Runs(text)) => Json::String(text.clone()),
                    _ => Json::String(lit.value.clone()),
                };
            }
        }
        match &node.kind {
            NodeKind::Str(s) if s.value.starts_with('!') || s.value.starts_with('$') => {
                match resolve_word(&s.value, scope) {
                    Resolved::Known(v) => v.to_json(),
                    Resolved::AtBoot { .. } => default_json(node),
                }
            }
            _ => default_json(node),
        }
    })
}

/// Adds an input to the map, reporting input that is not usable text (then `false`). Unusable
/// input keeps only its valid prefix, so the diagnostic can point where the problem starts.
pub(crate) fn add_source(
    sources: &mut SourceMap,
    input: Result<&Input, &Unreadable>,
    max_bytes: usize,
    diags: &mut Diagnostics,
) -> (FileId, bool) {
    let input = match input {
        Ok(input) => input,
        Err(refused) => return add_refused(sources, refused, diags),
    };
    let bytes = &input.bytes;
    let problem = if bytes.len() > max_bytes {
        Some((
            0,
            format!(
                "`{}` is {} MiB; elpc reads files up to {} MiB",
                input.name,
                bytes.len() / (1024 * 1024),
                max_bytes / (1024 * 1024)
            ),
            "check that this is the file you meant",
        ))
    } else if let Some(at) = bytes
        .contains(&0) // memchr; the position only when there is one
        .then(|| bytes.iter().position(|&b| b == 0))
        .flatten()
    {
        Some((
            at,
            format!(
                "`{}` is a binary file (NUL byte at offset {at})",
                input.name
            ),
            "give a policy or env text file",
        ))
    } else if let Err(e) = std::str::from_utf8(bytes) {
        Some((
            e.valid_up_to(),
            format!(
                "`{}` is not UTF-8 text (invalid byte at offset {})",
                input.name,
                e.valid_up_to()
            ),
            "save the file as UTF-8",
        ))
    } else {
        None
    };
    match problem {
        None => (
            sources.add(SourceFile::new(
                &input.name,
                // Validated above: copied without decoding it a second time.
                std::str::from_utf8(bytes).unwrap_or_default().to_owned(),
            )),
            true,
        ),
        Some((at, message, help)) => {
            let keep = at.min(bytes.len()).min(64 * 1024);
            let prefix = String::from_utf8_lossy(&bytes[..keep]).into_owned();
            let len = prefix.len();
            let id = sources.add(SourceFile::new(&input.name, prefix));
            diags
                .push(Diagnostic::new(&INVALID_INPUT, Span::new(id, len..len), message).help(help));
            (id, false)
        }
    }
}

/// Adds an empty file for input a front end refused to read, with the finding that says why.
fn add_refused(
    sources: &mut SourceMap,
    refused: &Unreadable,
    diags: &mut Diagnostics,
) -> (FileId, bool) {
    let name = &refused.name;
    let (message, help) = match &refused.reason {
        UnreadableReason::NotRegular(kind) => (
            format!("`{name}` is {kind}, not a regular file; elpc reads only regular files"),
            "give the path of a policy or env file (write a stream to a file first)".to_string(),
        ),
        UnreadableReason::TooLarge {
            size: Some(size),
            limit,
        } => (
            format!(
                "`{name}` is {} MiB; elpc reads files up to {} MiB",
                size >> 20,
                limit >> 20
            ),
            "check that this is the file you meant".to_string(),
        ),
        UnreadableReason::TooLarge { size: None, limit } => (
            format!(
                "`{name}` is larger than {} MiB, the most elpc reads",
                limit >> 20
            ),
            "check that this is the file you meant".to_string(),
        ),
        UnreadableReason::Io(_, why) => (
            format!("cannot read `{name}`: {why}"),
            "check the path and its permissions".to_string(),
        ),
    };
    let id = sources.add(SourceFile::new(name, String::new()));
    diags.push(Diagnostic::new(&INVALID_INPUT, Span::new(id, 0..0), message).help(help));
    (id, false)
}

/// The output document of `elpc compile`: policy, resolved, servers, commands, diagnostics,
/// and `kubernetes` (the network plan) when Helm values or manifests were given.
pub fn output_json(compilation: &Compilation, diagnostics: Json) -> Json {
    let mut doc = output_document(compilation, diagnostics);
    if let (Some(pod), Some(map)) = (&compilation.kubernetes, doc.as_object_mut()) {
        map.insert(
            "kubernetes".into(),
            crate::kubernetes::plan::to_json(pod, &compilation.sources, pod.secrets_shown),
        );
    }
    doc
}

fn output_document(compilation: &Compilation, diagnostics: Json) -> Json {
    let sources = &compilation.sources;
    match &compilation.output {
        Some(out) => json!({
            "policy": out.policy,
            "resolved": out.resolved,
            "servers": out.servers.to_json(),
            "commands": out.commands.iter().map(|c| {
                let mut j = json!({
                    "command": c.command,
                    "origin": sources.location(c.origin),
                    "catalog": c.catalog,
                    "args": c.args,
                });
                if let Some(node) = sources.node_location(c.origin) {
                    j["node_origin"] = json!(node);
                }
                if let Some(via) = c.via {
                    j["via"] = json!(sources.location(via));
                }
                if let Some(why) = &c.condition {
                    j["condition"] = json!(why);
                }
                j
            }).collect::<Vec<_>>(),
            "diagnostics": diagnostics,
        }),
        None => json!({
            "policy": null,
            "resolved": null,
            "servers": {"tcp": null, "rest": null, "broker": null},
            "commands": [],
            "diagnostics": diagnostics,
        }),
    }
}
