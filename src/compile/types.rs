//! What the pipeline takes and gives: inputs as bytes, options, and the compilation.

use serde_json::Value as Json;

use crate::config::LintLevels;
use crate::diagnostic::Diagnostic;
use crate::edgelake::commands::Target;
use crate::emit::commands::Command;
use crate::emit::servers::ServerSet;
use crate::kubernetes::NodePod;
use crate::path_map::PathMap;
use crate::resolve::engine::NodeFacts;
use crate::resolve::scope::{Profile, Scope};
use crate::resolve::script::ScriptLine;
use crate::source::SourceMap;
use crate::syntax::policy::ParsedPolicy;

use super::output_json;

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
    /// Leave [`CompiledPolicy::policy`] and [`CompiledPolicy::resolved`] `null` instead of
    /// building them. For a front end that prints the output document and nothing else
    /// (`elpc compile`, `elpc check`): [`Compilation::to_json`] and
    /// [`crate::render::output::compile_document`] still give them in full, written from the
    /// syntax tree. The two trees copy every string of the policy (about 330 bytes a script
    /// line, a tenth of a large policy's memory).
    pub skip_json_trees: bool,
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
