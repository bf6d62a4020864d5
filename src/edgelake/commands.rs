//! The command catalog: the commands a config policy's `script` list runs, their where-keys
//! with types, and where they exist (§6, §3.5, §2.6, §2.7). Keyword tables follow the
//! `keywords = {name: (type, required, counted, unique)}` dictionaries of the runtime functions
//! named in each entry's `source`.

/// The type a where-clause value must have (`interpreter.process_value`, §3.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgType {
    /// Any text.
    Str,
    /// Digits only (`str.isnumeric()`: no sign, no spaces, no decimals).
    Int,
    /// `true` / `false`, any case.
    Bool,
    /// Exactly two words `N unit`, unit one of `second(s) minute(s) hour(s) day(s)`.
    IntTime,
    /// `N`, `NKB`, `NMB`, `NGB` or `NTB` (unit case-insensitive, no space).
    IntStorage,
    /// `host:port`.
    IpPort,
    /// A date, or a value subtracted from now.
    Date,
    /// A directory that must exist and be writable on the node.
    Dir,
    /// A decimal number.
    Float,
    /// `json` or `table`.
    Format,
    /// A `( key = value and … )` group.
    Nested,
}

impl ArgType {
    /// How the type is written in the catalog and in messages.
    pub fn name(self) -> &'static str {
        match self {
            ArgType::Str => "str",
            ArgType::Int => "int",
            ArgType::Bool => "bool",
            ArgType::IntTime => "int.time",
            ArgType::IntStorage => "int.storage",
            ArgType::IpPort => "ip.port",
            ArgType::Date => "date",
            ArgType::Dir => "dir",
            ArgType::Float => "float",
            ArgType::Format => "format",
            ArgType::Nested => "nested",
        }
    }
}

/// One where-key a command takes.
#[derive(Clone, Copy, Debug)]
pub struct WhereKey {
    /// The key (`time`).
    pub name: &'static str,
    /// The type its value must have.
    pub ty: ArgType,
    /// The command fails without it.
    pub required: bool,
    /// Counts toward "at least one of" (`set buffer threshold`: time, volume, write_immediate).
    pub counted: bool,
    /// May appear once only (otherwise it may repeat, and `(a, b)` lists are allowed).
    pub unique: bool,
    /// Largest value the command accepts (`threads` on `run operator`: 10).
    pub max: Option<u64>,
    /// Accepted but never read, with what happens instead (§2.6, §6).
    pub ignored: Option<&'static str>,
}

/// Where a command exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Availability {
    /// EdgeLake and AnyLog.
    Both,
    /// AnyLog only: EdgeLake answers "not in commands dictionary" (141) or a structure error.
    AnyLogOnly,
}

/// The runtime a policy is compiled for (`--target`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target {
    /// The open-source EdgeLake node (default).
    #[default]
    EdgeLake,
    /// The commercial AnyLog node, which has every EdgeLake command and more.
    AnyLog,
}

impl Target {
    /// The product name.
    pub fn name(self) -> &'static str {
        match self {
            Target::EdgeLake => "EdgeLake",
            Target::AnyLog => "AnyLog",
        }
    }
}

/// How the words after a command's name are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Exactly `positional` words, then `where k = v and …` (required unless `optional`).
    Where {
        /// Words between the name and `where` (`connect dbms <name> where`).
        positional: usize,
        /// The where-clause may be left out entirely.
        optional: bool,
    },
    /// Between `min` and `max` plain words, no where-clause (`set node name X`).
    Words {
        /// Fewest words after the name.
        min: usize,
        /// Most words after the name.
        max: usize,
    },
    /// `process <path>`: one path (words joined with `+`).
    Process,
    /// `schedule k = v and … task <command>`.
    Schedule,
    /// Anything may follow; elpc does not check it.
    Free,
    /// A control-flow word that only works inside `.al` files (§2.7, LINT-12).
    ControlFlow,
}

/// One command of the catalog.
#[derive(Debug)]
pub struct CommandSpec {
    /// The command's words (`run blockchain sync`).
    pub name: &'static str,
    /// What follows the name.
    pub shape: Shape,
    /// The where-keys it takes.
    pub keys: &'static [WhereKey],
    /// Where it exists.
    pub availability: Availability,
    /// Why a second `config from policy` fails on it (LINT-14), when it does.
    pub not_idempotent: Option<&'static str>,
    /// The runtime function that implements it, or what the runtime does with it (shown to
    /// users, e.g. in completion details: it names EdgeLake's own code, nothing else).
    pub source: &'static str,
}

impl PartialEq for CommandSpec {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl CommandSpec {
    /// The where-key called `name`.
    pub fn key(&self, name: &str) -> Option<&'static WhereKey> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// The words of the name.
    pub fn words(&self) -> impl Iterator<Item = &'static str> {
        self.name.split(' ')
    }
}

const fn key(name: &'static str, ty: ArgType) -> WhereKey {
    WhereKey {
        name,
        ty,
        required: false,
        counted: false,
        unique: true,
        max: None,
        ignored: None,
    }
}

const fn req(name: &'static str, ty: ArgType) -> WhereKey {
    WhereKey {
        required: true,
        ..key(name, ty)
    }
}

const fn multi(name: &'static str, ty: ArgType) -> WhereKey {
    WhereKey {
        unique: false,
        ..key(name, ty)
    }
}

const fn counted(name: &'static str, ty: ArgType) -> WhereKey {
    WhereKey {
        counted: true,
        ..key(name, ty)
    }
}

use ArgType::*;

const TCP_IGNORED_THREADS: &str =
    "the node reads a key named `workers` instead and always starts 6 threads; only a policy's `tcp_threads`/`msg_threads` changes the count";

/// `run tcp server` and `run message broker` (`net_utils.get_config_server_params`, §2.6).
const SERVER_KEYS: [WhereKey; 6] = [
    key("internal_ip", Str),
    key("internal_port", Int),
    key("external_ip", Str),
    key("external_port", Int),
    key("bind", Bool),
    WhereKey {
        ignored: Some(TCP_IGNORED_THREADS),
        ..key("threads", Int)
    },
];

macro_rules! commands {
    ($($name:literal: $shape:expr, $avail:ident, [$($key:expr),* $(,)?], $idem:expr, $source:literal;)*) => {
        /// Every command elpc knows, longest names first within a first word.
        pub static COMMANDS: &[CommandSpec] = &[
            $(CommandSpec {
                name: $name,
                shape: $shape,
                keys: &[$($key),*],
                availability: Availability::$avail,
                not_idempotent: $idem,
                source: $source,
            },)*
        ];
    };
}

const WHERE: Shape = Shape::Where {
    positional: 0,
    optional: false,
};
const OPT_WHERE: Shape = Shape::Where {
    positional: 0,
    optional: true,
};
const fn words(min: usize, max: usize) -> Shape {
    Shape::Words { min, max }
}

commands! {
    "process": Shape::Process, Both, [], None, "member_cmd._process_script";
    "run scheduler": words(0, 1), Both, [], Some("a second `run scheduler` with the same id fails with Process_already_running (136)"), "member_cmd._scheduler";
    "run streamer": OPT_WHERE, Both, [key("prep_dir", Str), key("watch_dir", Str), key("err_dir", Str)], Some("a second `run streamer` fails (\"Duplicate call to initiate Streamer process\")"), "member_cmd._run_streamer";
    "run operator": WHERE, Both, [
        req("policy", Str),
        WhereKey { max: Some(10), ..key("threads", Int) },
        key("create_table", Str), key("update_tsd_info", Bool),
        key("compress_json", Bool), key("compress_sql", Bool), key("archive_json", Bool), key("archive_sql", Bool),
        key("distributor", Bool), key("flush_streaming", Bool),
        key("master_node", IpPort), key("blockchain", Str), key("company", Str),
        multi("file_type", Str), multi("limit_tables", Str),
        key("watch_dir", Dir), key("err_dir", Dir), key("distr_dir", Dir),
    ], Some("a second `run operator` fails (\"Duplicate call\")"), "member_cmd._run_operator";
    "run blockchain sync": WHERE, Both, [
        req("source", Str), req("time", IntTime), WhereKey { unique: false, ..req("dest", Str) },
        key("connection", IpPort), key("platform", Str), key("file", Str), key("trace", Bool),
    ], Some("a second `run blockchain sync` fails with Process_already_running (136)"), "member_cmd._blockchain_sync";
    "run blobs archiver": WHERE, Both, [
        key("bwatch_dir", Str), key("blobs_dir", Str), key("dbms", Bool), key("folder", Bool), key("compress", Bool), key("reuse_blobs", Bool),
    ], Some("a second `run blobs archiver` fails (\"Duplicate call to initiate archiver process\")"), "member_cmd._run_archiver";
    "run msg client": WHERE, Both, [
        req("broker", Str), WhereKey { unique: false, ..req("topic", Nested) }, key("port", Int),
        key("user", Str), key("password", Str), key("client_id", Str), key("project_id", Str), key("private_key", Str), key("location", Str),
        key("log", Bool), key("only_log", Bool), key("log_error", Bool),
        key("prep_dir", Str), key("watch_dir", Str), key("err_dir", Str), key("blobs_dir", Str), key("bwatch_dir", Str), key("user-agent", Str),
        key("master_node", IpPort), key("blockchain", Str),
    ], None, "member_cmd._run_msg_client";
    "run kafka consumer": WHERE, Both, [
        req("ip", Str), req("port", Str), WhereKey { unique: false, ..req("topic", Nested) }, key("threads", Int), key("reset", Str),
    ], None, "member_cmd._run_kafka_consumer";
    "run tcp server": WHERE, Both, [
        SERVER_KEYS[0], SERVER_KEYS[1], SERVER_KEYS[2], SERVER_KEYS[3], SERVER_KEYS[4], SERVER_KEYS[5],
    ], None, "net_utils.get_config_server_params";
    "run message broker": WHERE, Both, [
        SERVER_KEYS[0], SERVER_KEYS[1], SERVER_KEYS[2], SERVER_KEYS[3], SERVER_KEYS[4], SERVER_KEYS[5],
    ], None, "net_utils.get_config_server_params";
    "run rest server": WHERE, Both, [
        key("internal_ip", Str), key("internal_port", Int), key("external_ip", Str), key("external_port", Int),
        key("timeout", Int), key("threads", Int), key("ssl", Bool), key("ca_org", Str), key("server_org", Str), key("bind", Bool),
    ], None, "member_cmd._run_rest_server";
    "run data distributor": OPT_WHERE, AnyLogOnly, [], None, "not in EdgeLake's command table (deployment-scripts node-deployment/policies/config_policy.al runs it when !enable_ha is true)";
    "run data consumer": OPT_WHERE, AnyLogOnly, [key("start_date", Date)], None, "not in EdgeLake's command table (deployment-scripts node-deployment/policies/config_policy.al runs it when !enable_ha is true)";
    "run mcp server": Shape::Free, AnyLogOnly, [], None, "not in EdgeLake's command table: EdgeLake serves MCP through its REST server at /mcp/sse (http_server.py)";
    "run opcua client": Shape::Free, Both, [], None, "member_cmd (run opcua client)";
    "run plc client": Shape::Free, Both, [], None, "member_cmd (run plc client)";
    "set buffer threshold": WHERE, Both, [
        WhereKey { ignored: Some("the node reads `dbms_name`, so this threshold applies to every database"), ..key("dbms", Str) },
        WhereKey { ignored: Some("the node reads `table_name`, so this threshold applies to every table"), ..key("table", Str) },
        counted("time", IntTime), counted("volume", IntStorage), counted("write_immediate", Bool),
    ], None, "streaming_data.set_thresholds";
    "set node name": words(1, 1), Both, [], None, "member_cmd.set_current_node_name";
    "set echo queue": words(1, 1), Both, [], None, "member_cmd.set_echo_queue";
    "set rest timeout": words(1, 2), Both, [], None, "http_server.set_rest_timeout";
    "set monitored nodes": WHERE, Both, [req("topic", Str), WhereKey { unique: false, ..req("nodes", Str) }], None, "member_cmd.set_monitored_nodes";
    "set msg rule": Shape::Free, Both, [], None, "member_cmd.set_msg_rule";
    "set policy": Shape::Free, Both, [], None, "member_cmd.set_policy";
    "set authentication": Shape::Free, AnyLogOnly, [], None, "not a method of `set` in EdgeLake's command table";
    "set aggregation": Shape::Free, AnyLogOnly, [], None, "not a method of `set` in EdgeLake's command table (deployment-scripts data-generator/vessel_aggregation_demo.al uses it)";
    "schedule": Shape::Schedule, Both, [
        req("time", IntTime), key("name", Str), key("scheduler", Int), key("start", Date),
    ], Some("re-applying the policy schedules the task again; a task with the same `name` fails"), "member_cmd._schedule";
    "delete archive": WHERE, Both, [req("days", Int)], None, "member_cmd.delete_archive";
    "drop partition": Shape::Free, Both, [], None, "member_cmd (drop partition)";
    "connect dbms": Shape::Where { positional: 1, optional: false }, Both, [
        req("type", Str), key("user", Str), key("ip", Str), key("port", Str), key("password", Str), key("connection", Str),
        key("memory", Bool), key("autocommit", Bool), key("unlog", Bool),
        key("provider", Str), key("network_id", Str), key("access_key", Str), key("secret_key", Str), key("region", Str), key("endpoint", Str),
    ], None, "member_cmd._connect_dbms";
    "create table": Shape::Where { positional: 1, optional: false }, Both, [req("dbms", Str)], None, "member_cmd._create_table";
    "create policy": Shape::Free, Both, [], None, "member_cmd (create policy)";
    "partition": Shape::Free, Both, [], None, "member_cmd._partition_data";
    "config from policy": WHERE, Both, [req("id", Str)], None, "member_cmd.config_from_policy";
    "blockchain": Shape::Free, Both, [], None, "member_cmd._blockchain_methods";
    "test": Shape::Free, Both, [], None, "member_cmd._test_methods";
    "print": Shape::Free, Both, [], None, "member_cmd (print)";
    "echo": Shape::Free, Both, [], None, "member_cmd (echo)";
    "system": Shape::Free, Both, [], None, "member_cmd (system: runs a shell command)";
    "get": Shape::Free, Both, [], None, "member_cmd._get_methods";
    "sql": Shape::Free, Both, [], None, "member_cmd (sql)";
    "file": Shape::Free, Both, [], None, "member_cmd._file_methods";
    "wait": Shape::Free, Both, [], None, "member_cmd (wait)";
    "trace level": Shape::Free, Both, [], None, "member_cmd (trace level)";
    "else": Shape::ControlFlow, Both, [], None, "member_cmd._process_do_else: ELSE_IGNORED (1013) after a true `if`";
    "do": Shape::ControlFlow, Both, [], None, "member_cmd._process_do_else: DO_IGNORED (1014) after a false `if`";
    "goto": Shape::ControlFlow, Both, [], None, "member_cmd._return_goto: GOTO (1002), followed by member_cmd.exec_script";
    "call": Shape::ControlFlow, Both, [], None, "member_cmd._return_goto: CALL (1001), followed by member_cmd.exec_script";
    "return": Shape::ControlFlow, Both, [], None, "member_cmd._return_from_call";
    "end script": Shape::ControlFlow, Both, [], None, "member_cmd._end_script: END_SCRIPT (1003)";
    "exit": Shape::ControlFlow, Both, [], None, "member_cmd._exit: EXIT_SCRIPTS (1017)";
    "on error": Shape::ControlFlow, Both, [], None, "member_cmd._return_goto: ON_ERROR_GOTO, _CALL, _IGNORE or _END_SCRIPT, kept by member_cmd.exec_script";
}

/// The catalog entry whose name the words start with (longest name wins).
pub fn lookup<'a>(
    words: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<&'static CommandSpec> {
    // Every line looks its command up (three times): only the entries that share its first
    // word are compared, each with its name already split, longest name first: the first
    // match is the answer (names are unique, so two matches never have one length).
    type Entries = Vec<(&'static CommandSpec, Box<[&'static str]>)>;
    type Index = std::collections::HashMap<&'static str, Entries, foldhash::fast::FixedState>;
    static BY_FIRST_WORD: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    let index = BY_FIRST_WORD.get_or_init(|| {
        let mut index = Index::default();
        for spec in COMMANDS {
            let words: Box<[&str]> = spec.words().collect();
            if let Some(&first) = words.first() {
                index.entry(first).or_default().push((spec, words));
            }
        }
        for entries in index.values_mut() {
            entries.sort_by_key(|(_, name)| std::cmp::Reverse(name.len()));
        }
        index
    });
    let first = words.clone().into_iter().next()?;
    index.get(first)?.iter().find_map(|(spec, name)| {
        let mut given = words.clone().into_iter();
        name.iter()
            .all(|w| given.next() == Some(*w))
            .then_some(*spec)
    })
}

/// Time units `int.time` accepts (`utils_data.time_to_sec_`, case-sensitive).
pub const TIME_UNITS: [&str; 8] = [
    "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days",
];

#[cfg(test)]
mod tests {
    /// [`super::lookup`] takes the first longest match: it relies on every name being unique.
    #[test]
    fn catalog_names_are_unique() {
        let mut names: Vec<&str> = super::COMMANDS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before);
    }
}
