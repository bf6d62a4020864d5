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
    INVALID_INPUT = "EL004", "invalid-input", Error, "input that is not UTF-8 text, is too large, or is not a regular file";
    /// A command whose text holds a line break (one command to the node, two `.al` lines).
    COMMAND_LINE_BREAK = "EL012", "command-line-break", Error, "command holding a line break: one command to the node, two lines in an `.al` script";
    /// A key written twice in one object of the policy (the node keeps the last).
    DUPLICATE_POLICY_KEY = "EL013", "duplicate-policy-key", Warning, "key written twice in one object of the policy; the node keeps only the last value";
    /// A number the node reads as something else: an integer past 64 bits, a float past the range.
    NUMBER_OUT_OF_RANGE = "EL014", "number-out-of-range", Error, "number the node cannot keep as written: an integer past 64 bits becomes a float, a float past the range becomes inf";
    /// A `\uD800`–`\uDFFF` escape without the other half of its pair.
    LONE_SURROGATE = "EL015", "lone-surrogate", Error, "string escape that is half of a UTF-16 surrogate pair: the node keeps it, elpc cannot";
    /// Nesting beyond the bound elpc accepts.
    NESTING_TOO_DEEP = "EL005", "nesting-too-deep", Error, "brackets nested deeper than any policy needs";
    /// The document is not one object with one policy type.
    POLICY_SHAPE = "EL006", "policy-shape", Error, "policy that is not one object with one root key holding an object";
    /// Text `blockchain prepare/insert` would refuse or corrupt (§1.2–1.4).
    RUNTIME_REJECTS_TEXT = "EL007", "runtime-rejects-text", Warning, "policy text the node refuses or corrupts at `blockchain insert` (use the canonical JSON)";
    /// An `id` that is not the one the node computes for the content (§1.5).
    ID_MISMATCH = "EL008", "id-mismatch", Warning, "policy `id` that is not the md5 the node computes for its content";
    /// The root key is not `config`.
    POLICY_TYPE_NOT_CONFIG = "EL009", "policy-type-not-config", Warning, "policy whose root key is not `config`";
    /// `# elpc: ignore[...]` that silences nothing.
    UNUSED_SUPPRESSION = "EL010", "unused-suppression", Warning, "suppression comment that silences nothing";
    /// `# elpc: ignore[...]` without a reason.
    SUPPRESSION_WITHOUT_REASON = "EL011", "suppression-without-reason", Error, "suppression comment without a reason";
    /// A name in `[lint]` of `elpc.toml` that names no rule.
    UNKNOWN_RULE_NAME = "EL030", "unknown-rule-name", Error, "rule name in `elpc.toml` that names no rule";
    /// `$VAR` in an env file whose variable is not set.
    ENV_UNSET_INTERPOLATION = "EL101", "env-unset-interpolation", Warning, "`$VAR` in an env value that no earlier line or file sets";
    /// The same key twice in one env file.
    ENV_DUPLICATE_KEY = "EL102", "env-duplicate-key", Warning, "env key defined twice in one file; the last one wins";
    /// The env layering sets no `NODE_TYPE`: the deployment scripts stop before setting anything.
    NODE_TYPE_MISSING = "EL103", "node-type-missing", Error, "env files without `NODE_TYPE` (the deployment scripts stop early)";
    /// An env key no deployment script reads.
    ENV_KEY_UNREAD = "EL104", "env-key-unread", Warning, "env key that no deployment script reads";
    /// `LOCAL_SCRIPTS` pointing at the legacy `node-deployment` layout (§5.6, LINT-28).
    LOCAL_SCRIPTS_LEGACY_LAYOUT = "EL105", "local-scripts-legacy-layout", Error, "`LOCAL_SCRIPTS` set to the legacy `.../node-deployment` directory";
    /// A password-like env value starting with `!` or `$` (LINT-29).
    SECRET_DEREFERENCED = "EL106", "secret-dereferenced", Warning, "secret env value starting with `!` or `$`, which the node dereferences";
    /// A thread count or port in an env file that is not an integer (LINT-30).
    ENV_NOT_INTEGER = "EL107", "env-not-integer", Warning, "thread count or port in an env file that is not a whole number";
    /// A duration or size env value the commands cannot read (LINT-31).
    ENV_BAD_DURATION_OR_SIZE = "EL108", "env-bad-duration-or-size", Warning, "duration not `N unit` or size not `N[KB|MB|GB|TB]`";
    /// A quoted env value or `KEY = value` that other env-file readers treat differently (LINT-22).
    ENV_NOT_PORTABLE = "EL109", "env-not-portable", Note, "env line that `docker run --env-file` or compose v1 reads differently";
    /// A key the Makefile reads from one file, set in another (LINT-23).
    MAKEFILE_KEY_MOVED = "EL110", "makefile-key-moved", Warning, "key the docker-compose Makefile reads from a specific env file, set elsewhere";
    /// A `!name` no env file, `--set`, node or earlier line defines.
    UNDEFINED_VARIABLE = "EL201", "undefined-variable", Error, "reference to a variable that nothing defines";
    /// The same, inside an `if` comparison, where it only makes the condition false.
    UNDEFINED_IN_CONDITION = "EL202", "undefined-in-condition", Warning, "`if` compares a variable that nothing defines";
    /// A literal value ending in a cast suffix, which the node casts (LINT-04).
    LITERAL_CAST_SUFFIX = "EL203", "literal-cast-suffix", Warning, "literal value ending in `.int`, `.name`, ... that the node casts";
    /// `if !a > 9`: compared as strings although a number was meant (§4.3).
    COMPARISON_AS_STRING = "EL204", "comparison-as-string", Warning, "`if` that compares numbers as strings";
    /// `and` and `or` in one condition (§4.4, LINT-19).
    MIXED_AND_OR = "EL205", "mixed-and-or", Warning, "`if` condition that mixes `and` and `or`";
    /// `set x = $UNSET` stores the string "None" (LINT-15).
    SET_UNSET_ENV = "EL206", "set-unset-env", Warning, "`set x = $VAR` with VAR unset stores the string \"None\"";
    /// `x = if ...` stores "True"/"False" (LINT-16).
    IF_RESULT_STRING = "EL207", "if-result-string", Warning, "`x = if ...` stores \"True\"/\"False\", and \"False\".bool is true";
    /// An `if` the node's evaluation rejects (or crashes on): the list stops there.
    CONDITION_FAILS = "EL208", "condition-fails", Error, "`if` condition the node rejects (a `.bool` or `.int` compared with a value of another type)";
    /// An assignment line the node fails: the list stops there.
    ASSIGNMENT_FAILS = "EL209", "assignment-fails", Error, "assignment the node fails (a dangling `+`, several words after `set x =`)";
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
    /// A port that resolves to nothing: the server silently does not start (LINT-08).
    PORT_RESOLVES_EMPTY = "EL308", "port-resolves-empty", Error, "server port that resolves to an empty value, so the server silently does not start";
    /// A bind flag that can be true without the server's own IP: binds the public `ip` (LINT-09).
    BIND_TO_PUBLIC_IP = "EL309", "bind-to-public-ip", Warning, "`rest_bind`/`broker_bind` true without `rest_ip`/`broker_ip`";
    /// `ip`/`local_ip`/`rest_ip`/`broker_ip` that is not a string.
    ADDRESS_NOT_STRING = "EL310", "address-not-string", Error, "server address that is not a string";
    /// `local_port` without `port` (221).
    LOCAL_PORT_WITHOUT_PORT = "EL311", "local-port-without-port", Error, "`local_ip`/`local_port` without `port`";
    /// `port` without `ip` (and no local pair): no TCP server, silently.
    TCP_PORT_WITHOUT_IP = "EL312", "tcp-port-without-ip", Error, "`port` set without `ip` (and no `local_ip`/`local_port` pair): the node silently starts no TCP server";
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
    /// Env values that make main.al or set_params.al run `exit scripts` before any policy.
    DEPLOYMENT_EXITS = "EL413", "deployment-exits", Error, "env values that make the deployment scripts exit before any config policy is applied";
    /// A script line that ends the script at boot (an error no `on error` handler covers).
    SCRIPT_STOPS = "EL501", "script-stops", Error, "script line that fails on the node and ends the script there";
    /// A script line that fails at boot but whose error an `on error` handler covers.
    SCRIPT_ERROR_HANDLED = "EL502", "script-error-handled", Warning, "script line that fails on the node; `on error` lets the script carry on";
    /// `exit scripts` reached in a processed file.
    SCRIPT_EXITS = "EL503", "script-exits", Error, "`exit scripts` in a processed file stops every running script";
    /// A label defined twice: the file does not run.
    DUPLICATE_LABEL = "EL504", "duplicate-label", Error, "label defined twice: the node refuses to run the script";
    /// A `:name` line without its closing colon that a jump names.
    LABEL_WITHOUT_COLON = "EL505", "label-without-colon", Warning, "`:name` line without the closing colon: not a label";
    /// A loop or `process` recursion the node never leaves.
    ENDLESS_LOOP = "EL506", "endless-loop", Error, "script that loops or processes itself forever";
    /// An `if` inside a `do` whose result the next `do`/`else` lines read (§4.5).
    IF_RESULT_OVERWRITTEN = "EL507", "if-result-overwritten", Warning, "`if` inside `do`/`then` that changes what the next `do`/`else` lines test";
    /// elpc stops following a script (too many paths or lines): later values decided at boot.
    SCRIPT_NOT_FOLLOWED = "EL508", "script-not-followed", Note, "script elpc stops following: what it sets from there on is decided at boot";
    /// A `<` block or dictionary the file never closes.
    UNCLOSED_BLOCK = "EL509", "unclosed-block", Warning, "`<` block (or dictionary) the file never closes: it never runs";
    /// A policy `process` line whose script returns a code that stops the policy's list.
    SCRIPT_LIST_STOPS = "EL510", "script-list-stops", Error, "processed script that returns a non-zero code, stopping the policy's script list";
    /// YAML (a values file, a manifest) that cannot be read, or that exceeds elpc's bounds.
    YAML_SYNTAX = "EL601", "yaml-syntax", Error, "YAML that Helm or kubectl cannot read, or that grows past elpc's bounds";
    /// A values file or manifest that is not for an EdgeLake node.
    NOT_EDGELAKE_VALUES = "EL602", "not-edgelake-values", Error, "values file or manifest that does not describe an EdgeLake node";
    /// A chart template that Helm cannot render with these values, or that elpc cannot render.
    CHART_RENDER = "EL603", "chart-render", Error, "chart template that Helm fails on with these values (or that elpc cannot render)";
    /// A server the policy starts on a port the Service does not expose.
    PORT_NOT_EXPOSED = "EL604", "port-not-exposed", Error, "server started on a port the Kubernetes Service does not expose";
    /// A Service port no server listens on.
    SERVICE_PORT_UNUSED = "EL605", "service-port-unused", Warning, "Kubernetes Service port that no server of the node listens on";
    /// A NodePort outside the cluster's node-port range.
    NODE_PORT_OUT_OF_RANGE = "EL606", "node-port-out-of-range", Error, "NodePort outside the cluster's node-port range (30000-32767 by default)";
    /// An address that changes when the pod restarts, published or pinned.
    POD_ADDRESS_PUBLISHED = "EL607", "pod-address-published", Warning, "address that changes when the pod restarts, published in the node's policy";
    /// An env key the chart sets that no deployment script reads.
    CHART_KEY_UNREAD = "EL608", "chart-key-unread", Note, "env key the Helm chart sets that no deployment script reads";
    /// A secret rendered into a ConfigMap.
    SECRET_IN_CONFIGMAP = "EL609", "secret-in-configmap", Warning, "password or key in a ConfigMap, readable by anyone who may read ConfigMaps";
    /// A Service whose selector matches no pod.
    SERVICE_SELECTS_NOTHING = "EL610", "service-selects-nothing", Warning, "Kubernetes Service whose selector matches no pod of the deployment";
}

/// The rule code or name (or `warnings`) closest to a misspelt `written`, for "did you mean".
pub fn closest(written: &str) -> Option<&'static str> {
    let names = ALL.iter().map(|r| r.name).chain(["warnings"]);
    crate::diagnostic::did_you_mean(&written.to_ascii_lowercase(), names).or_else(|| {
        crate::diagnostic::did_you_mean(&written.to_ascii_uppercase(), ALL.iter().map(|r| r.code))
    })
}

/// The rule with this code (`EL201`) or name (`undefined-variable`), case-insensitive.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| {
        r.code.eq_ignore_ascii_case(code_or_name) || r.name.eq_ignore_ascii_case(code_or_name)
    })
}
