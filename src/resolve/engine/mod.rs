//! The script engine: EdgeLake's interpreter (`member_cmd.process_cmd` and `exec_script`,
//! spec §2.7, §3, §4) run three-valued. A policy's `script` list is a script with no labels;
//! an `.al` file is a script with labels, blocks and `on error`. Both go through [`line::exec`].
//!
//! What only the node can answer (a file's text, whether a directory exists, its IP, its host
//! name, the network, the ledger) goes through one seam the caller provides: the
//! [`PathMap`](crate::path_map::PathMap) and its [`LocalFiles`](crate::path_map::LocalFiles)
//! for files, [`NodeFacts`] for the rest. Anything the seam cannot answer is "decided at
//! boot", never a guess.
//!
//! Control flow that depends on a boot-time value forks the run into boot paths; at the end of
//! a script the paths that end the same way are joined (a variable they disagree on is decided
//! at boot). Paths, steps and `process` nesting are bounded, so every input ends quickly.

mod assign;
mod builtins;
pub(crate) mod line;
mod lints;
pub(crate) mod mark;
pub(crate) mod merge;
mod methods;
mod pyexpr;
pub(crate) mod report;
mod runner;
mod shape;
mod shell;
mod state;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::compile::Options;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::path_map::NodeFile;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax::script_file::{split_script, ScriptFile};

pub use line::exec;
pub(crate) use state::{group, Branch, Ret, State, Tri};

/// Return codes of the node's interpreter (`process_status`), the ones the engine models.
pub mod code {
    /// Success.
    pub const SUCCESS: i32 = 0;
    /// Unrecognized command (ends a script unless `on error ignore`).
    pub const UNRECOGNIZED: i32 = 1;
    /// Command recognized, parameters wrong (ends a script unless `on error ignore`).
    pub const COMMAND_STRUCT: i32 = 2;
    /// Process failure (duplicate label, a failed `python` call).
    pub const PROCESS_FAILURE: i32 = 3;
    /// A REST call failed.
    pub const REST_CALL: i32 = 51;
    /// An error no `on error` handler covered.
    pub const UNCOVERED: i32 = 56;
    /// A shell command failed.
    pub const SYSTEM_CALL: i32 = 61;
    /// A directory that cannot be written.
    pub const DIR_NOT_WRITABLE: i32 = 63;
    /// `process` of a file that does not exist (ends a script unless `on error ignore`).
    pub const MISSING_SCRIPT: i32 = 112;
    /// Not in the command table.
    pub const NOT_A_COMMAND: i32 = 141;
    /// A NIC the node does not have (`set internal ip with`).
    pub const NO_SUCH_NIC: i32 = 21;
    /// Codes above this are control codes, not errors.
    pub const NON_ERROR: i32 = 1000;
    /// `call`.
    pub const CALL: i32 = 1001;
    /// `goto`.
    pub const GOTO: i32 = 1002;
    /// `end script`.
    pub const END_SCRIPT: i32 = 1003;
    /// `return`.
    pub const RETURN: i32 = 1004;
    /// `on error goto`.
    pub const ON_ERROR_GOTO: i32 = 1009;
    /// `on error call`.
    pub const ON_ERROR_CALL: i32 = 1010;
    /// `on error ignore`.
    pub const ON_ERROR_IGNORE: i32 = 1011;
    /// `on error end script`.
    pub const ON_ERROR_END: i32 = 1012;
    /// `else` after a true `if`.
    pub const ELSE_IGNORED: i32 = 1013;
    /// `do` after a false `if`.
    pub const DO_IGNORED: i32 = 1014;
    /// `exit scripts`.
    pub const EXIT_SCRIPTS: i32 = 1017;
    /// Not a node code: the node's Python interpreter raises `RecursionError` (endless `process`).
    pub const CRASH: i32 = -2;
    /// Not a node code: the script never ends (a loop that nothing at boot can leave).
    pub const LOOPS: i32 = -3;

    /// The node's name for a code, for messages.
    pub fn name(code: i32) -> &'static str {
        match code {
            SUCCESS => "success",
            UNRECOGNIZED => "ERR_unrecognized_command (1)",
            COMMAND_STRUCT => "ERR_command_struct (2)",
            PROCESS_FAILURE => "ERR_process_failure (3)",
            NO_SUCH_NIC => "a NIC error (21)",
            REST_CALL => "REST_call_err (51)",
            UNCOVERED => "Uncovered_err (56)",
            SYSTEM_CALL => "System_call_error (61)",
            DIR_NOT_WRITABLE => "Directory_not_writeable (63)",
            MISSING_SCRIPT => "Missing_script (112)",
            NOT_A_COMMAND => "Not_in_commands_dict (141)",
            CALL => "CALL (1001)",
            GOTO => "GOTO (1002)",
            END_SCRIPT => "END_SCRIPT (1003)",
            RETURN => "RETURN (1004)",
            ON_ERROR_GOTO | ON_ERROR_CALL | ON_ERROR_IGNORE | ON_ERROR_END => "an `on error` code",
            ELSE_IGNORED => "ELSE_IGNORED (1013)",
            DO_IGNORED => "DO_IGNORED (1014)",
            EXIT_SCRIPTS => "EXIT_SCRIPTS (1017)",
            CRASH => "a RecursionError of the node's interpreter",
            LOOPS => "an endless loop",
            _ => "an error code",
        }
    }
}

/// What elpc knows about the node itself, beyond its files. Every `None` is decided at boot.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeFacts {
    /// `socket.gethostname()` (`get hostname`, and the `hostname` the runtime pre-sets).
    pub hostname: Option<String>,
    /// The local IP (`ip`).
    pub ip: Option<String>,
    /// The public IP (`external_ip`).
    pub external_ip: Option<String>,
    /// The user whose home the node runs in (`db_user` = `<user>@127.0.0.1:demo`).
    pub home_user: Option<String>,
    /// Whether the node runs in a VM (`is_vm`, before `IS_VM`).
    pub is_vm: Option<bool>,
    /// The reverse-DNS name of the public IP, when it has one (`external_dns`); `Some(None)`
    /// when it has none.
    pub external_dns: Option<Option<String>>,
    /// The network interfaces and their addresses (`set internal ip with <nic>`).
    pub nics: Option<Vec<(String, String)>>,
    /// Network calls (`rest get`, ipinfo.io) fail at once.
    pub offline: bool,
    /// Directories that exist and are writable on the node, besides mapped ones.
    pub dirs: Vec<String>,
    /// Paths no mapping covers and `dirs` does not list do not exist (a fully described node,
    /// as in the conformance recordings); otherwise they are decided at boot.
    pub closed_world: bool,
}

/// One command a script runs, in order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Emitted {
    /// The command, with the references elpc knows replaced.
    pub text: String,
    /// The script line it is on.
    pub origin: Span,
    /// The `process` lines that led there, outermost first (a policy line, then `.al` lines).
    pub via: Vec<Span>,
    /// `Some(why)` when it runs only on some boot paths.
    pub condition: Option<String>,
}

/// Where a script's words point, for editors: a label, or a file `process` reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// `goto x` / `call x` / `on error goto x`: the label's definition.
    Label(Span),
    /// `process <path>`: the file, as read (its source in the map).
    File(FileId),
}

/// What one script run leaves for the caller besides the variables.
#[derive(Clone, Debug, Default)]
pub struct RunInfo {
    /// The files read, by node path.
    pub files: Vec<(String, FileId)>,
    /// Words that point somewhere (for go to definition).
    pub links: Vec<(Span, Link)>,
}

/// The node facts of `options`, with those given as `--set` over them.
fn facts_of(options: &Options) -> NodeFacts {
    let mut facts = options.node.clone();
    for (name, value) in &options.sets {
        match name.as_str() {
            "ip" => facts.ip = Some(value.clone()),
            "external_ip" => facts.external_ip = Some(value.clone()),
            "hostname" => facts.hostname = Some(value.clone()),
            "is_vm" => facts.is_vm = Some(value.eq_ignore_ascii_case("true")),
            "external_dns" => facts.external_dns = Some(Some(value.clone())),
            _ => {}
        }
    }
    facts
}

/// Bounds that keep every run short.
pub(crate) const MAX_DEPTH: usize = 24;
pub(crate) const MAX_PATHS: usize = 48;
pub(crate) const MAX_STEPS: usize = 200_000;

/// Everything a run shares: the caller's seam, the sources files are added to, diagnostics.
pub struct Engine<'a> {
    pub(crate) options: &'a Options,
    pub(crate) sources: &'a mut SourceMap,
    pub(crate) diags: &'a mut Diagnostics,
    files: HashMap<String, Option<(FileId, Arc<ScriptFile>)>>,
    reported: HashSet<(&'static str, Span)>,
    /// `process` nesting: the files being run with the state fingerprint they started from.
    pub(crate) stack: Vec<(FileId, u64)>,
    /// The `process` lines that led to the current line.
    pub(crate) via: Vec<Span>,
    pub(crate) steps: usize,
    /// Stop the entry script after the line that processes a file whose path ends like this
    /// (the point where the oracle stops main.al: after `set_params.al`).
    pub(crate) stop_after: Option<&'static str>,
    /// The links and files seen.
    pub info: RunInfo,
    /// Why the last line failed (taken by whoever decides what the failure does).
    pub(crate) cause: Option<report::Cause>,
    /// The path of the last `process` whose file does not exist.
    pub(crate) missing: Option<String>,
    /// How many files `process` has run so far.
    pub(crate) files_run: usize,
    /// When `Some`, the file lines run, in order, with the code each returned (the first
    /// 10,000; for tests).
    pub trace: Option<Vec<(FileId, String, i32)>>,
    /// Running the deployment scripts for `--scripts`: a stop in the entry file means the node
    /// never reaches its config policy.
    pub(crate) deployment: bool,
    /// What is known about the node: the options' facts, with the node facts given as `--set`
    /// (`ip`, `hostname`, …) over them.
    pub(crate) facts: NodeFacts,
    /// The node's file system is the EdgeLake image's (`--scripts`): its directories
    /// ([`crate::edgelake::node::IMAGE_DIRS`]) and the mapped ones exist, nothing else.
    pub(crate) image: bool,
}

impl<'a> Engine<'a> {
    /// An engine over `sources` (files read are added there) reporting into `diags`.
    pub fn new(
        options: &'a Options,
        sources: &'a mut SourceMap,
        diags: &'a mut Diagnostics,
    ) -> Engine<'a> {
        Engine {
            options,
            sources,
            diags,
            files: HashMap::new(),
            reported: HashSet::new(),
            stack: Vec::new(),
            via: Vec::new(),
            steps: 0,
            stop_after: None,
            info: RunInfo::default(),
            cause: None,
            missing: None,
            files_run: 0,
            trace: None,
            deployment: false,
            image: options.scripts.is_some(),
            facts: facts_of(options),
        }
    }

    /// Whether paths no mapping covers and no known directory lists do not exist.
    pub(crate) fn closed_world(&self) -> bool {
        self.facts.closed_world || self.image
    }

    /// The directories the node is known to have, besides mapped ones.
    pub(crate) fn known_dirs(&self) -> Vec<String> {
        let mut dirs = self.facts.dirs.clone();
        if self.image {
            dirs.extend(
                crate::edgelake::node::IMAGE_DIRS
                    .iter()
                    .map(|d| d.to_string()),
            );
        }
        dirs
    }

    /// Reports a diagnostic once per rule and place (a line runs on several boot paths).
    pub(crate) fn report(&mut self, d: Diagnostic) {
        if self.reported.insert((d.rule.code, d.primary.span)) {
            self.diags.push(d);
        }
    }

    /// The node file at `path`, split into lines: `Ok(Some)` read, `Ok(None)` missing,
    /// `Err(())` unknown (only the node knows).
    pub(crate) fn script(&mut self, path: &str) -> Result<Option<(FileId, Arc<ScriptFile>)>, ()> {
        if let Some(cached) = self.files.get(path) {
            return Ok(cached.clone());
        }
        let found = match self.options.path_map.read(path) {
            NodeFile::Read(bytes, local) => {
                // Named by its path on this machine, so every finding in it opens there; the
                // node's path stays on the file. A file that is already an input (`elpc check
                // main.al --scripts DIR`, an editor's buffer) is the same file: reuse it.
                let local = local.to_string_lossy();
                let id = match self.sources.find_local(&local) {
                    Some(id) => {
                        self.sources.set_node_path(id, path);
                        id
                    }
                    None => {
                        let text = String::from_utf8_lossy(&bytes).into_owned();
                        let file = SourceFile::new(local, text).with_node_path(path);
                        self.sources.add(file)
                    }
                };
                let parsed = Arc::new(split_script(id, self.sources.get(id).text()));
                self.info.files.push((path.to_string(), id));
                Some((id, parsed))
            }
            NodeFile::Missing(_) => None,
            NodeFile::Unknown if self.closed_world() => None,
            NodeFile::Unknown => return Err(()),
        };
        self.files.insert(path.to_string(), found.clone());
        Ok(found)
    }

    /// Runs a script the caller already has in `sources` (an `.al` input) from `state`.
    pub fn run_source(&mut self, id: FileId, state: State) -> Vec<(Ret, State)> {
        let parsed = Arc::new(split_script(id, self.sources.get(id).text()));
        let name = self.sources.get(id).name().to_string();
        self.files.insert(name, Some((id, parsed.clone())));
        runner::run_file(self, id, &parsed, state)
    }

    /// Runs the node file `path` (`process <path>`) from `state`.
    pub fn run_path(&mut self, path: &str, state: State) -> Vec<(Ret, State)> {
        builtins::process_path(self, path, None, state)
            .into_iter()
            .map(|b| (b.ret, b.state))
            .collect()
    }
}

pub use report::script_rules;

#[cfg(test)]
mod conformance_tests;
