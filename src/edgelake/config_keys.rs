//! The config-policy keys `config from policy` reads (§2.2), and the ones people write that it
//! ignores (§2.2, §8 LINT-07).

/// What the runtime does with a key it reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRole {
    /// `id`: required, never resolved.
    Id,
    /// `name`: shown by `get config policies`.
    Name,
    /// `script`: the command list.
    Script,
    /// A server's address (`ip`, `local_ip`, `rest_ip`, `broker_ip`).
    Address,
    /// A server's port (`int()` is applied).
    Port,
    /// A bind flag (`get_value_if_available` unconditionally, then `== "true"`).
    Bind,
    /// A thread count (`!` references resolved, then `int()`).
    Threads,
}

/// A key `config from policy` reads.
#[derive(Debug)]
pub struct ConfigKey {
    /// The key.
    pub name: &'static str,
    /// What it does.
    pub role: KeyRole,
    /// The value used when the key is absent, as the runtime documents it (shown by the
    /// language server).
    #[cfg_attr(not(feature = "lsp"), allow(dead_code))]
    pub default: &'static str,
}

/// Every key the runtime reads (§2.2). Everything else in a config policy is ignored.
pub static READ_KEYS: &[ConfigKey] = &[
    ConfigKey {
        name: "id",
        role: KeyRole::Id,
        default: "required",
    },
    ConfigKey {
        name: "name",
        role: KeyRole::Name,
        default: "\"\"",
    },
    ConfigKey {
        name: "script",
        role: KeyRole::Script,
        default: "no script",
    },
    ConfigKey {
        name: "ip",
        role: KeyRole::Address,
        default: "\"\"",
    },
    ConfigKey {
        name: "port",
        role: KeyRole::Port,
        default: "\"\"",
    },
    ConfigKey {
        name: "local_ip",
        role: KeyRole::Address,
        default: "\"\"",
    },
    ConfigKey {
        name: "local_port",
        role: KeyRole::Port,
        default: "\"\"",
    },
    ConfigKey {
        name: "rest_ip",
        role: KeyRole::Address,
        default: "\"\"",
    },
    ConfigKey {
        name: "rest_port",
        role: KeyRole::Port,
        default: "no REST server",
    },
    ConfigKey {
        name: "broker_ip",
        role: KeyRole::Address,
        default: "\"\"",
    },
    ConfigKey {
        name: "broker_port",
        role: KeyRole::Port,
        default: "no broker",
    },
    ConfigKey {
        name: "tcp_bind",
        role: KeyRole::Bind,
        default: "true when only one of `ip`, `local_ip` is set (binds to it); false when both are (listens on all interfaces)",
    },
    ConfigKey {
        name: "rest_bind",
        role: KeyRole::Bind,
        default: "true when `rest_ip` is set (binds to it); else false (listens on all interfaces)",
    },
    ConfigKey {
        name: "broker_bind",
        role: KeyRole::Bind,
        default: "true when `broker_ip` is set (binds to it); else false (listens on all interfaces)",
    },
    ConfigKey {
        name: "tcp_threads",
        role: KeyRole::Threads,
        default: "6",
    },
    ConfigKey {
        name: "rest_threads",
        role: KeyRole::Threads,
        default: "8",
    },
    ConfigKey {
        name: "msg_threads",
        role: KeyRole::Threads,
        default: "6",
    },
];

/// Keys that are not read by `config from policy` but used to find a policy
/// (`blockchain get config where company = ...`), or added by the node itself.
pub static LOOKUP_KEYS: &[&str] = &["company", "node_type", "version", "date", "ledger"];

/// A key people write that the runtime ignores.
#[derive(Debug)]
pub struct IgnoredKey {
    /// The key as written.
    pub name: &'static str,
    /// The key the runtime reads instead, if there is one.
    pub instead: Option<&'static str>,
    /// What to do about it.
    pub advice: &'static str,
}

/// Keys found in sample policies that `config from policy` ignores (§2.2, corpus README).
pub static IGNORED_KEYS: &[IgnoredKey] = &[
    IgnoredKey {
        name: "threads",
        instead: Some("tcp_threads"),
        advice: "the TCP server reads `tcp_threads`; with `threads` it runs the default 6 threads",
    },
    IgnoredKey {
        name: "broker_threads",
        instead: Some("msg_threads"),
        advice: "the message broker reads `msg_threads`; with `broker_threads` it runs the default 6 threads",
    },
    IgnoredKey {
        name: "rest_timeout",
        instead: None,
        advice: "a policy cannot set the REST timeout (it is always 20 s); add `set rest timeout N seconds` to `script` instead",
    },
    IgnoredKey {
        name: "scripts",
        instead: Some("script"),
        advice: "the runtime runs the list under `script`; a list under `scripts` never runs",
    },
    IgnoredKey {
        name: "external_ip",
        instead: Some("ip"),
        advice: "the advertised TCP address is `ip` (the bind address is `local_ip`)",
    },
    IgnoredKey {
        name: "proxy_ip",
        instead: None,
        advice: "no EdgeLake component reads `proxy_ip` from a config policy",
    },
    IgnoredKey {
        name: "node_name",
        instead: None,
        advice: "the node name is set by `set node name` in a script, not by a config policy key",
    },
];

/// The key the runtime reads with this name, if any.
pub fn read_key(name: &str) -> Option<&'static ConfigKey> {
    READ_KEYS.iter().find(|k| k.name == name)
}

/// The ignored-key entry for this name, if it is a known one.
pub fn ignored_key(name: &str) -> Option<&'static IgnoredKey> {
    IGNORED_KEYS.iter().find(|k| k.name == name)
}
