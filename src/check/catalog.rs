//! Every rule elpc knows, with its stable code and name. Output formats, `elpc explain` and
//! configuration read this list; nothing else invents a code.

use crate::diagnostic::{Rule, Severity};

macro_rules! rules {
    ($( $(#[$doc:meta])* $ident:ident = $code:literal, $name:literal, $sev:ident, $summary:literal; )*) => {
        $(
            $(#[$doc])*
            pub static $ident: Rule = Rule {
                code: $code,
                name: $name,
                severity: Severity::$sev,
                summary: $summary,
                explain: include_str!(concat!("explain/", $name, ".md")),
            };
        )*
        /// All rules, in code order.
        pub static ALL: &[&Rule] = &[$(&$ident),*];
    };
}

rules! {
    /// Policy text that does not parse.
    POLICY_SYNTAX = "EL001", "policy-syntax", Error, "policy text that is not a Python-literal or JSON dictionary";
    /// Env file text that does not parse.
    ENV_SYNTAX = "EL002", "env-syntax", Error, "env file line that docker compose cannot read";
    /// A script line that does not tokenize or whose `if` does not parse.
    SCRIPT_SYNTAX = "EL003", "script-syntax", Error, "script line the node cannot parse";
    /// Input that is not text at all, or too large to handle.
    INVALID_INPUT = "EL004", "invalid-input", Error, "input that is not UTF-8 text, or is too large";
    /// Nesting beyond the bound elpc accepts.
    NESTING_TOO_DEEP = "EL005", "nesting-too-deep", Error, "brackets nested deeper than any policy needs";
    /// The document is not one object with one policy type.
    POLICY_SHAPE = "EL006", "policy-shape", Error, "policy that is not one object with one root key holding an object";
    /// `$VAR` in an env file whose variable is not set.
    ENV_UNSET_INTERPOLATION = "EL101", "env-unset-interpolation", Warning, "`$VAR` in an env value that no earlier line or file sets";
    /// The same key twice in one env file.
    ENV_DUPLICATE_KEY = "EL102", "env-duplicate-key", Warning, "env key defined twice in one file; the last one wins";
    /// The env layering sets no `NODE_TYPE`: the deployment scripts stop before setting anything.
    NODE_TYPE_MISSING = "EL103", "node-type-missing", Error, "env files without `NODE_TYPE` (the deployment scripts stop early)";
    /// A `!name` no env file, `--set`, node or earlier line defines.
    UNDEFINED_VARIABLE = "EL201", "undefined-variable", Error, "reference to a variable that nothing defines";
    /// The same, inside an `if` comparison, where it only makes the condition false.
    UNDEFINED_IN_CONDITION = "EL202", "undefined-in-condition", Warning, "`if` compares a variable that nothing defines";
    /// A port that is not an integer in 1–65535.
    INVALID_PORT = "EL301", "invalid-port", Error, "server port that is not an integer from 1 to 65535";
    /// Two servers on the same port.
    PORT_CONFLICT = "EL302", "port-conflict", Error, "two servers configured on the same port";
    /// A thread count that is not an integer of at least 1.
    INVALID_THREAD_COUNT = "EL303", "invalid-thread-count", Error, "thread count that is not an integer of at least 1";
    /// A bind flag written as a JSON boolean or number: the runtime crashes on it.
    BIND_FLAG_NOT_STRING = "EL304", "bind-flag-not-string", Error, "bind flag that is a JSON boolean or number (crashes the node)";
    /// A bind flag that is a string other than exactly `"true"`/`"false"`.
    BIND_FLAG_CASING = "EL305", "bind-flag-casing", Warning, "bind flag string other than lower-case \"true\" (the node reads it as false)";
    /// A REST or broker port with neither its own IP nor `ip`.
    SERVER_MISSING_IP = "EL307", "server-missing-ip", Error, "REST or broker port set without `rest_ip`/`broker_ip` or `ip`";
    /// A policy key the runtime never reads.
    IGNORED_KEY = "EL306", "ignored-key", Warning, "policy key that `config from policy` never reads";
    /// A script command the node does not have.
    UNKNOWN_COMMAND = "EL401", "unknown-command", Error, "script line that names no command the node knows";
    /// A command that exists on AnyLog only, in a policy for EdgeLake.
    COMMAND_NOT_ON_TARGET = "EL402", "command-not-on-target", Error, "command that the target runtime (EdgeLake by default) does not have";
    /// A where-key the command does not take.
    UNKNOWN_WHERE_KEY = "EL403", "unknown-where-key", Error, "where-clause key the command does not take";
    /// A required where-key left out.
    MISSING_WHERE_KEY = "EL404", "missing-where-key", Error, "required where-clause key left out";
    /// A where-key given twice that may appear once.
    DUPLICATE_WHERE_KEY = "EL405", "duplicate-where-key", Error, "where-clause key given twice that the command takes once";
    /// A where-clause value of the wrong type or out of range.
    INVALID_WHERE_VALUE = "EL406", "invalid-where-value", Error, "where-clause value of the wrong type (`time = 60` without a unit) or out of range";
    /// A `process`ed file that does not exist under a `--path-map` directory.
    MISSING_SCRIPT_FILE = "EL407", "missing-script-file", Error, "`process` of a file that does not exist (checked with --path-map)";
    /// Control flow that works only inside `.al` files.
    MULTI_LINE_CONTROL_FLOW = "EL408", "multi-line-control-flow", Error, "`else`, `do`, `goto`, labels, `<…>` blocks or `&` in a script list";
    /// An `if` without `then` that runs on into a command.
    IF_WITHOUT_THEN = "EL409", "if-without-then", Error, "`if` without `then` followed by a command";
    /// A where-key the command accepts and never reads.
    IGNORED_PARAMETER = "EL410", "ignored-parameter", Warning, "command parameter the node accepts and ignores";
    /// A command that fails when the policy is applied a second time.
    NOT_IDEMPOTENT = "EL411", "not-idempotent", Note, "command that fails when the policy is applied again";
    /// Command words in a layout the node rejects.
    COMMAND_STRUCTURE = "EL412", "command-structure", Error, "command words in a layout the node rejects (no `where`, a key without a value)";
}

/// The rule with this code (`EL201`) or name (`undefined-variable`), case-insensitive.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| {
        r.code.eq_ignore_ascii_case(code_or_name) || r.name.eq_ignore_ascii_case(code_or_name)
    })
}
