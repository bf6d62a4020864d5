//! The EdgeLake profile applied to a scope (§5.4): the mapping table of `edgelake::profile`,
//! then what `main.al` and `set_params.al` decide from several values at once (the node's
//! directories, `dns`, `ledger_conn`, `cluster_name`, `memory`, `msg_dbms`, …), three-valued.
//! The conformance suite (`tests/conformance/set_params.jsonl`) holds it to the real scripts.

use super::{Provenance, Scope, VarValue};
use crate::check::catalog::{DEPLOYMENT_EXITS, NODE_TYPE_MISSING};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::edgelake::{node, profile};
use crate::resolve::env_layers::EnvOrigin;
use crate::resolve::reference::resolve_word;
use crate::resolve::value::Resolved;
use crate::source::Span;

/// A value while the profile is computed: set, unset, or known only on the node.
#[derive(Clone, Debug, PartialEq)]
enum V {
    Set(String),
    Unset,
    Boot(String),
}

impl V {
    /// `$X == true` (the node compares lower-cased strings).
    fn is(&self, word: &str) -> Option<bool> {
        match self {
            V::Set(s) => Some(s.to_lowercase() == word),
            V::Unset => Some(word.is_empty()),
            V::Boot(_) => None,
        }
    }
}

impl Scope {
    pub(super) fn apply_edgelake(&mut self, diags: &mut Diagnostics, env_anchor: Option<Span>) {
        if self.env_known && self.env_value("NODE_TYPE").is_none() {
            if let Some(anchor) = env_anchor {
                diags.push(
                    Diagnostic::new(&NODE_TYPE_MISSING, anchor, "no env file sets `NODE_TYPE`")
                        .help("add `NODE_TYPE=operator` (or master, query, generic) to the first env file")
                        .note("main.al prints an error and runs `exit scripts` without NODE_TYPE: no variable from the env files is set"),
                );
            }
        }
        for mapping in profile::MAPPINGS {
            self.apply_mapping(mapping);
        }
        for (name, value, source) in profile::FIXED {
            self.define(
                name,
                VarValue::Known(value.to_string()),
                Provenance::ScriptDefault { source },
            );
        }
        self.main_al(diags, env_anchor);
        self.set_params_al(diags, env_anchor);
    }

    fn val(&self, name: &str) -> V {
        match self.get(name).map(|v| &v.value) {
            Some(VarValue::Known(s)) => V::Set(s.clone()),
            Some(VarValue::AtBoot(why)) => V::Boot(why.clone()),
            None => V::Unset,
        }
    }

    /// `$KEY` as `if $KEY` and `x = $KEY` read it (dereferenced once more when it starts with
    /// `!`/`$`; empty counts as unset).
    fn env_of(&self, key: &str) -> V {
        if !self.env_known {
            return V::Boot(format!("the env key {key} at boot"));
        }
        match self.env_value(key) {
            Some((raw, ..)) => match raw.starts_with(['!', '$']) {
                false => V::Set(raw),
                true => match resolve_word(&raw, self) {
                    Resolved::Known(v) if v.to_python_str().is_empty() => V::Unset,
                    Resolved::Known(v) => V::Set(v.to_python_str()),
                    Resolved::AtBoot { depends_on } => {
                        V::Boot(format!("computed from {}", depends_on.join(", ")))
                    }
                },
            },
            None => V::Unset,
        }
    }

    fn put(&mut self, name: &str, v: V, source: &'static str) {
        let value = match v {
            V::Set(s) => VarValue::Known(s),
            V::Unset => VarValue::Known(String::new()),
            V::Boot(why) => VarValue::AtBoot(why),
        };
        self.define(name, value, Provenance::ScriptDefault { source });
    }

    /// Where an env key is written, for a diagnostic (the first env file otherwise).
    fn env_span(&self, key: &str, anchor: Option<Span>) -> Option<Span> {
        match self.env.get(key).map(|v| &v.origin) {
            Some(EnvOrigin::File { value_span, .. }) => Some(*value_span),
            _ => anchor,
        }
    }

    /// `main.al` before `process …/set_params.al`: the debug flag, `set anylog home`, the
    /// local scripts directory.
    fn main_al(&mut self, diags: &mut Diagnostics, anchor: Option<Span>) {
        let traceback = self.env_of("ENABLE_TRACEBACK").is("true");
        let level = self.env_of("TRACE_LEVEL");
        let traced = ["1", "2", "3"].iter().any(|l| level.is(l) == Some(true));
        match traceback {
            None => self.put(
                "debug_mode",
                V::Boot("ENABLE_TRACEBACK/TRACE_LEVEL at boot".into()),
                "main.al:17-30",
            ),
            Some(t) if t || traced => {
                self.put("debug_mode", V::Set("true".into()), "main.al:17-30")
            }
            Some(_) => {}
        }
        // `set anylog home !anylog_path`: params.set_directory_locations on the new home, when
        // the image has that directory; else they stay where params.init put them
        // ($EDGELAKE_HOME, or the image's working directory /app).
        let exists = |d: &str| {
            let d = d.trim_end_matches('/');
            let d = if d.is_empty() { "/" } else { d };
            node::IMAGE_DIRS.contains(&d) || node::IMAGE_SCRIPTS.contains(&d)
        };
        let path_under_home = self
            .env_value("ANYLOG_PATH")
            .or_else(|| self.env_value("EDGELAKE_PATH"))
            .is_some_and(|(raw, ..)| raw.starts_with("$HOME") || raw.starts_with('~'));
        let home = match self.val("anylog_path") {
            V::Set(h) if exists(&h) => V::Set(h),
            V::Boot(why) if !path_under_home => V::Boot(why),
            _ => match self.env_of("EDGELAKE_HOME") {
                V::Unset => V::Set("/app".into()),
                other => other,
            },
        };
        for (name, sub) in node::DIRECTORIES {
            if matches!(*name, "local_scripts" | "test_dir") {
                continue; // main.al sets both right after
            }
            let v = match &home {
                V::Set(h) if h.contains(['$', '~']) => V::Boot(format!("{h} expanded on the node")),
                V::Set(h) => {
                    let h = h.trim_end_matches(['/', '\\']);
                    V::Set(if sub.is_empty() {
                        h.to_string()
                    } else {
                        format!("{h}/{sub}")
                    })
                }
                other => other.clone(),
            };
            self.put(name, v, "main.al:54 (set anylog home)");
        }
        // `is_dir = file test !local_scripts`; without it main.al exits. A path under $HOME is
        // never where the image has the scripts, whoever the user is.
        let written = self
            .env_value("LOCAL_SCRIPTS")
            .or_else(|| self.env_value("ANYLOG_PATH"));
        let under_home =
            written.is_some_and(|(raw, ..)| raw.starts_with("$HOME") || raw.starts_with('~'));
        let local_scripts = match self.val("local_scripts") {
            V::Boot(_) if under_home => V::Set("$HOME/…".into()),
            other => other,
        };
        match local_scripts {
            V::Set(dir) => {
                let exists = node::IMAGE_SCRIPTS.contains(&dir.trim_end_matches('/'));
                self.put(
                    "is_dir",
                    V::Set(if exists { "True" } else { "False" }.into()),
                    "main.al:61",
                );
                if !exists {
                    let key = if self.env_value("LOCAL_SCRIPTS").is_some() {
                        "LOCAL_SCRIPTS"
                    } else {
                        "ANYLOG_PATH"
                    };
                    if let Some(span) = self.env_span(key, anchor) {
                        diags.push(
                            Diagnostic::new(&DEPLOYMENT_EXITS, span, format!("main.al finds no deployment scripts at `{dir}`"))
                                .label("not a directory of the EdgeLake image")
                                .help("the image clones the scripts to /app/deployment-scripts: set LOCAL_SCRIPTS=/app/deployment-scripts (or ANYLOG_PATH=/app)")
                                .note("`file test !local_scripts` is false: main.al prints \"missing local scripts directory\" and runs `exit scripts`; no config policy is applied"),
                        );
                    }
                }
            }
            other => self.put("is_dir", other, "main.al:61"),
        }
    }

    /// What `set_params.al` decides from several values (the rest is the mapping table).
    fn set_params_al(&mut self, diags: &mut Diagnostics, anchor: Option<Span>) {
        let node_type = self.val("node_type");
        let raw_type = self.env_of("NODE_TYPE");
        let master = ["master-operator", "master-publisher", "master"]
            .iter()
            .map(|t| raw_type.is(t))
            .try_fold(false, |acc, b| b.map(|b| acc || b));
        let flag = |b: Option<bool>, why: &str| match b {
            Some(true) => V::Set("true".into()),
            Some(false) => V::Set("false".into()),
            None => V::Boot(why.to_string()),
        };
        self.put(
            "master_configs",
            flag(master, "NODE_TYPE at boot"),
            "set_params.al:33",
        );
        // `!node_type != operator and $IS_HIDDEN == true …` (right to left: A and (B or …)).
        let hidden = node_type
            .is("operator")
            .map(|o| !o)
            .zip(self.env_of("IS_HIDDEN").is("true"));
        self.put(
            "is_hidden",
            flag(hidden.map(|(a, b)| a && b), "NODE_TYPE/IS_HIDDEN at boot"),
            "set_params.al:34",
        );
        // The NIC names the node's address; an overlay address is read only without one.
        let nic = self.env_of("NIC_TYPE");
        match &nic {
            V::Set(name) => self.put(
                "ip",
                V::Boot(format!("the address of network interface {name}")),
                "set_params.al:79-83",
            ),
            V::Boot(why) => self.put("ip", V::Boot(why.clone()), "set_params.al:79-83"),
            V::Unset => {}
        }
        let overlay = match (&nic, self.env_of("OVERLAY_IP")) {
            (V::Unset, o) => o,
            (V::Set(_), _) => V::Unset,
            (V::Boot(why), _) => V::Boot(why.clone()),
        };
        if overlay != V::Unset {
            self.put("overlay_ip", overlay, "set_params.al:121");
        }
        // `else if $DNS_DOMAIN then dns = !hostname.$DNS_DOMAIN`
        if self.env_of("DNS") == V::Unset && self.env_of("DNS_DOMAIN") != V::Unset {
            let v = match resolve_word("!hostname.$DNS_DOMAIN", self) {
                Resolved::Known(v) => V::Set(v.to_python_str()),
                Resolved::AtBoot { depends_on } => {
                    V::Boot(format!("computed from {}", depends_on.join(", ")))
                }
            };
            self.put("dns", v, "set_params.al:88");
        }
        self.ledger(master);
        // :sql-database:
        match self.env_of("DB_TYPE") {
            V::Set(t) if !matches!(t.to_lowercase().as_str(), "psql" | "sqlite") => {
                if let Some(span) = self.env_span("DB_TYPE", anchor) {
                    diags.push(
                        Diagnostic::new(&DEPLOYMENT_EXITS, span, format!("`DB_TYPE={t}` makes set_params.al exit"))
                            .label("only psql or sqlite")
                            .help("set DB_TYPE=sqlite or DB_TYPE=psql")
                            .note("set_params.al jumps to :invalid-sql-database:, prints an error and runs `exit scripts`: no config policy is applied"),
                    );
                }
            }
            _ => {}
        }
        let query = node_type
            .is("query")
            .zip(self.env_of("SYSTEM_QUERY").is("true"));
        let system_query = query.map(|(a, b)| a || b);
        self.put(
            "system_query",
            flag(system_query, "NODE_TYPE/SYSTEM_QUERY at boot"),
            "set_params.al:178",
        );
        let memory_off = system_query
            .zip(self.env_of("MEMORY").is("false"))
            .map(|(a, b)| a && b);
        self.put(
            "memory",
            flag(memory_off.map(|off| !off), "MEMORY at boot"),
            "set_params.al:179",
        );
        let db = self.env_of("SYSTEM_QUERY_DB");
        let sq_db = match &db {
            V::Set(t) if matches!(t.to_lowercase().as_str(), "psql" | "sqlite") => db.clone(),
            V::Boot(_) => db.clone(),
            _ => V::Set("sqlite".into()),
        };
        self.put("system_query_db", sq_db, "set_params.al:183-184");
        let storage = self.env_of("BLOBS_STORAGE").is("true");
        let folder = storage
            .zip(self.env_of("BLOBS_FOLDER").is("true"))
            .map(|(s, f)| !s || f);
        self.put(
            "blobs_folder",
            flag(folder, "BLOBS_STORAGE/BLOBS_FOLDER at boot"),
            "set_params.al:200-205",
        );
        let source = self.val("blockchain_source");
        let relay = node_type
            .is("master")
            .zip(source.is("master"))
            .map(|(m, s)| m && !s);
        self.put(
            "is_relay",
            flag(relay, "NODE_TYPE/BLOCKCHAIN_SOURCE at boot"),
            "set_params.al:243",
        );
        self.cluster_name();
        let archive_sql = self
            .env_of("ARCHIVE_SQL")
            .is("true")
            .zip(self.env_of("ARCHIVE").is("true"));
        self.put(
            "archive_sql",
            flag(archive_sql.map(|(a, b)| a || b), "ARCHIVE at boot"),
            "set_params.al:486",
        );
        // :mqtt: `msg_dbms` keeps its demo value unless MQTT is on.
        let msg_dbms = match self.val("enable_mqtt").is("true") {
            Some(true) => match (self.env_of("DEFAULT_DBMS"), self.env_of("MSG_DBMS")) {
                (V::Unset, V::Unset) => V::Set("bring [dbms]".into()),
                (V::Unset, m) => m,
                (d, _) => d,
            },
            Some(false) => V::Set("bring [dbms]".into()),
            None => V::Boot("ENABLE_MQTT at boot".into()),
        };
        self.put("msg_dbms", msg_dbms, "set_params.al:313,329-330");
        self.put(
            "loc_info",
            V::Boot("ipinfo.io's answer at boot".into()),
            "set_params.al:46",
        );
    }

    /// :ledger-config: `LEDGER_CONN` as is unless its host is 127.0.0.1; else built from the
    /// node's DNS name, overlay address or IP. `config_version` is read only in the second case.
    fn ledger(&mut self, master: Option<bool>) {
        const SRC: &str = "set_params.al:126-141";
        let env = self.env_of("LEDGER_CONN");
        let start = match &env {
            V::Set(conn) => {
                self.put("env_ledger", env.clone(), SRC);
                let host = conn.split(':').next().unwrap_or("").to_string();
                self.put("env_ledger_start", V::Set(host.clone()), SRC);
                V::Set(host)
            }
            other => other.clone(),
        };
        let verbatim = match (&start, &env) {
            (V::Boot(why), _) | (_, V::Boot(why)) => {
                return self.put("ledger_conn", V::Boot(why.clone()), SRC)
            }
            (V::Set(host), V::Set(_)) => host.to_lowercase() != "127.0.0.1",
            _ => false,
        };
        if verbatim {
            return self.put("ledger_conn", env, SRC);
        }
        let Some(master) = master else {
            return self.put("ledger_conn", V::Boot("NODE_TYPE at boot".into()), SRC);
        };
        let port = if master {
            "!anylog_server_port"
        } else {
            "32048"
        };
        let host = match (self.val("enable_dns").is("true"), self.val("overlay_ip")) {
            (Some(true), _) => "!external_dns",
            (Some(false), V::Set(_)) => "!overlay_ip",
            (Some(false), V::Boot(_)) | (None, _) => {
                return self.put(
                    "ledger_conn",
                    V::Boot("ENABLE_DNS/OVERLAY_IP at boot".into()),
                    SRC,
                )
            }
            (Some(false), V::Unset) => "!ip",
        };
        let value = match self.evaluate_words(&[host, ":", port]) {
            VarValue::Known(v) => V::Set(v),
            VarValue::AtBoot(why) => V::Boot(why),
        };
        self.put("ledger_conn", value, SRC);
        let version = "the deployment scripts' setup.cfg, read by a shell command at boot";
        self.put(
            "config_version",
            V::Boot(version.into()),
            "set_params.al:143",
        );
    }

    /// `cluster_name = !company_name.name + -cluster- + !hostname.name` unless CLUSTER_NAME is
    /// set to something other than the shipped placeholders.
    fn cluster_name(&mut self) {
        const SRC: &str = "set_params.al:266-267";
        let env = self.env_of("CLUSTER_NAME");
        let placeholder = match &env {
            V::Set(c) => matches!(c.to_lowercase().as_str(), "nc-cluster" | "new-cluster"),
            V::Unset => true,
            V::Boot(why) => return self.put("cluster_name", V::Boot(why.clone()), SRC),
        };
        if !placeholder {
            return self.put("cluster_name", env, SRC);
        }
        let value =
            match self.evaluate_words(&["!company_name.name", "-cluster-", "!hostname.name"]) {
                VarValue::Known(v) => V::Set(v),
                VarValue::AtBoot(why) => V::Boot(why),
            };
        self.put("cluster_name", value, SRC);
    }
}
