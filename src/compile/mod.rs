//! The pipeline: source → syntax → resolve → check → emit, in one direction.
//!
//! [`compile`] takes bytes the caller read (the library never touches the file system) and
//! returns every output plus every diagnostic; it never panics on any input.

use std::borrow::Cow;

use serde_json::Value as Json;

use crate::check::{self, suppress, CheckContext};
use crate::diagnostic::Diagnostics;
use crate::edgelake::node::IMAGE_ENVIRONMENT;
use crate::emit::commands::command_list;
use crate::emit::json::stored_json;
use crate::emit::servers;
use crate::kubernetes::{Kubernetes, NodePod};
use crate::resolve::engine::Engine;
use crate::resolve::env_layers::EnvLayers;
use crate::resolve::policy;
use crate::resolve::scope::{Profile, Scope};
use crate::resolve::script::run_script;
use crate::resolve::script_resume::{run_script_resuming, Resume};
use crate::secrets::PolicyWords;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax::env::parse_env;
use crate::syntax::policy::{parse_shared, Node, NodeKind, ParsedPolicy};

mod dedup;
mod output;
mod sources;
mod types;

pub use output::output_json;
pub(crate) use output::{output_views, trees_skipped};
use output::{resolved_json, with_computed_id};
pub(crate) use sources::{add_input, add_source};
pub use types::*;

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
        Ok(Cow::Borrowed(policy)),
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
    compile_sources(
        policy.as_ref().map(Cow::Borrowed),
        env_files.iter().map(Result::as_ref),
        &Kubernetes::default(),
        options,
        Build::Everything,
    )
}

/// [`compile_files`] for a deployment that may be on Kubernetes: the env the pod gets from
/// Helm values or manifests comes first, env files layer on top of it (later wins). The
/// policy is given, not lent: its text is kept as the compilation's source without a copy
/// (a front end that read a 10 MB policy holds it once).
pub fn compile_deployment(
    policy: Result<Input, Unreadable>,
    env_files: &[Result<Input, Unreadable>],
    kubernetes: &Kubernetes,
    options: &Options,
) -> Compilation {
    let refused;
    let policy = match policy {
        Ok(input) => Ok(Cow::Owned(input)),
        Err(why) => {
            refused = why;
            Err(&refused)
        }
    };
    compile_sources(
        policy,
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
        policy.as_ref().map(Cow::Borrowed),
        env_files.iter().map(Result::as_ref),
        kubernetes,
        options,
        Build::Findings,
    )
}

/// The `policy` and `resolved` outputs of a compilation made with [`Build::Findings`], built
/// from its syntax tree, scope and script lines exactly as [`compile_document`] builds them
/// (the scope is the one the policy was resolved in; masking secrets never touches it).
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
    policy: Result<Cow<'_, Input>, &Unreadable>,
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

    let mut resume = resume;
    let root = if policy_usable {
        // A language server's re-check may bring the parse made from the previous one.
        match resume.as_mut().and_then(|r| r.parsed.take()) {
            Some(parsed) => Some(parsed),
            None => parse_shared(policy_id, sources.get(policy_id).shared_text(), &mut diags),
        }
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
            (build, resume.as_deref_mut()),
        )
    });
    // A language server keeps the policy's words for the secret list (and may bring them).
    let words = resume.as_mut().and_then(|r| match r.words.take() {
        Some(words) => Some(words),
        None => root.as_ref().map(|p| PolicyWords::of(&p.root)),
    });
    let mut compilation = finish(
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
        words.as_ref(),
    );
    if let Some(r) = resume {
        r.words = words;
    }
    // The JSON trees are built once the findings are final: a suggestion that would write a
    // secret (EL007's, a whole canonical policy) is dropped by then, and is not held with them.
    if build == Build::Everything && !options.skip_json_trees {
        if let Some((policy, resolved)) = editor_outputs(&compilation) {
            if let Some(out) = &mut compilation.output {
                out.policy = policy;
                out.resolved = resolved;
            }
        }
    }
    compilation
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
    main: Result<Cow<'_, Input>, &Unreadable>,
    max_bytes: usize,
    env_files: impl ExactSizeIterator<Item = Result<&'a Input, &'a Unreadable>>,
    kubernetes: &Kubernetes,
    options: &Options,
) -> Prepared {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let main = add_input(&mut sources, main, max_bytes, &mut diags);
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
    words: Option<&PolicyWords>,
) -> Compilation {
    if let Some(origin) = &options.levels.origin {
        let id = sources.add(SourceFile::new(origin.name.clone(), origin.text.clone()));
        check::unknown_rule_name::check(&sources, id, &options.levels, &mut diags);
    }
    let mut diagnostics = suppress::apply(&sources, diags.into_vec(), &options.levels);
    dedup::sort_by_place(&mut diagnostics);
    diagnostics.dedup();
    // The same finding from two runs over one file (the deployment scripts' run and the run
    // of the script checked, when that is one of them) is shown once, the first with its notes.
    let mut first = dedup::first_of_each(&diagnostics).into_iter();
    diagnostics.retain(|_| first.next().unwrap_or(true));
    // A finding in a deployment script elpc read through the path map is shown at the file on
    // this machine (its name); the node's path for it stays visible here.
    for d in &mut diagnostics {
        if let Some(node) = sources.get(d.primary.span.file).node_path() {
            d.notes
                .push(format!("the node runs this file as `{node}`").into());
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
        crate::secrets::hide_secrets(&mut compilation, words);
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
    let commands = command_list(&servers, &lines, scope, options.target);
    Some(CompiledPolicy {
        // Built by `compile_prepared` after the findings (or, with `skip_json_trees`, written
        // from the syntax tree when printed).
        policy: Json::Null,
        resolved: Json::Null,
        servers,
        commands,
        lines,
    })
}
