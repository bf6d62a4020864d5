//! The servers `config from policy` starts: the exact TCP / REST / broker decision logic of
//! `member_cmd.config_servers` (§2.3–2.5), computed three-valued.
//!
//! A value only the node knows (its IP) is carried as the reference that produces it. Such a
//! value counts as non-empty: the node always has an IP and a host name.

use serde_json::{json, Value as Json};

use crate::resolve::cast::{py_int, py_int_text};
use crate::resolve::policy::{key, KeyValue};
use crate::resolve::value::{Resolved, Value};
use crate::source::Span;

/// A value in a server plan: known now, or the reference the node resolves at boot.
#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    /// Known.
    Known(Value),
    /// Decided at boot; the text is the reference as written (`!external_ip`).
    AtBoot(String),
}

impl Field {
    fn empty() -> Field {
        Field::Known(Value::Str(String::new()))
    }

    /// Python truthiness; a value decided at boot counts as non-empty.
    pub fn truthy(&self) -> bool {
        match self {
            Field::Known(v) => v.is_truthy(),
            Field::AtBoot(_) => true,
        }
    }

    /// The field as JSON: typed when known, the reference text when not.
    pub fn to_json(&self) -> Json {
        match self {
            Field::Known(v) => v.to_json(),
            Field::AtBoot(r) => Json::String(r.clone()),
        }
    }

    /// The field as a command word.
    pub fn to_word(&self) -> String {
        match self {
            Field::Known(Value::Bool(b)) => b.to_string(),
            Field::Known(v) => v.to_python_str(),
            Field::AtBoot(r) => r.clone(),
        }
    }
}

/// Which server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ServerKind {
    /// The TCP server (node-to-node messages).
    Tcp,
    /// The REST server.
    Rest,
    /// The message broker.
    Broker,
}

impl ServerKind {
    /// `tcp`, `rest`, `broker`.
    pub fn as_str(self) -> &'static str {
        match self {
            ServerKind::Tcp => "tcp",
            ServerKind::Rest => "rest",
            ServerKind::Broker => "broker",
        }
    }
}

/// One server the node will start.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerPlan {
    /// Which server.
    pub kind: ServerKind,
    /// The advertised address.
    pub external_ip: Field,
    /// The advertised port.
    pub external_port: Field,
    /// The internal address.
    pub internal_ip: Field,
    /// The port the server listens on.
    pub internal_port: Field,
    /// Whether it binds to one address (else it listens on all interfaces).
    pub bind: Field,
    /// The socket's bind address: the bound host, or `0.0.0.0` for all interfaces.
    pub bind_address: Field,
    /// Worker threads.
    pub threads: Field,
    /// REST request timeout in seconds (REST only; always the built-in 20 s from a policy).
    pub timeout: Option<i64>,
    /// The policy key that enables it (`port`, `rest_port`, `broker_port`).
    pub origin: Span,
}

impl ServerPlan {
    /// The plan as the `servers` JSON object.
    pub fn to_json(&self) -> Json {
        let mut obj = json!({
            "external_ip": self.external_ip.to_json(),
            "external_port": self.external_port.to_json(),
            "internal_ip": self.internal_ip.to_json(),
            "internal_port": self.internal_port.to_json(),
            "bind": self.bind.to_json(),
            "bind_address": self.bind_address.to_json(),
            "threads": self.threads.to_json(),
        });
        if let (Some(t), Some(map)) = (self.timeout, obj.as_object_mut()) {
            map.insert("timeout".into(), json!(t));
        }
        obj
    }

    /// The CLI command that starts the same server (§2.6).
    pub fn command(&self) -> String {
        let verb = match self.kind {
            ServerKind::Tcp => "run tcp server",
            ServerKind::Rest => "run rest server",
            ServerKind::Broker => "run message broker",
        };
        let mut command = format!(
            "{verb} where external_ip = {} and external_port = {} and internal_ip = {} and internal_port = {} and bind = {} and threads = {}",
            self.external_ip.to_word(),
            self.external_port.to_word(),
            self.internal_ip.to_word(),
            self.internal_port.to_word(),
            self.bind.to_word(),
            self.threads.to_word(),
        );
        if let Some(t) = self.timeout {
            command.push_str(&format!(" and timeout = {t}"));
        }
        command
    }
}

/// What makes `config_servers` fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// A port `int()` cannot convert (221).
    Port,
    /// A thread count `int()` cannot convert (235).
    Threads,
    /// A bind flag that is not a string (TypeError).
    Bind,
    /// A REST or broker port without any IP (2).
    MissingIp,
}

/// Why the node stops configuring servers (the script then does not run either).
#[derive(Clone, Debug, PartialEq)]
pub struct ServerFailure {
    /// What fails.
    pub kind: FailureKind,
    /// The key whose value fails.
    pub span: Span,
    /// What the node reports.
    pub reason: String,
}

/// Every server the policy starts, in the runtime's order, and where configuration stops.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServerSet {
    /// TCP server, if started.
    pub tcp: Option<ServerPlan>,
    /// REST server, if started.
    pub rest: Option<ServerPlan>,
    /// Message broker, if started.
    pub broker: Option<ServerPlan>,
    /// Set when `config_servers` returns an error: nothing after it starts and the script does not run.
    pub failure: Option<ServerFailure>,
}

impl ServerSet {
    /// The started servers in start order.
    pub fn plans(&self) -> impl Iterator<Item = &ServerPlan> {
        [&self.tcp, &self.rest, &self.broker].into_iter().flatten()
    }

    /// The `servers` JSON object.
    pub fn to_json(&self) -> Json {
        let one = |p: &Option<ServerPlan>| p.as_ref().map_or(Json::Null, ServerPlan::to_json);
        json!({ "tcp": one(&self.tcp), "rest": one(&self.rest), "broker": one(&self.broker) })
    }
}

/// A server key as `config_servers` reads it: known, decided at boot, or `""` when absent.
pub(crate) fn field(keys: &[KeyValue], name: &str) -> Field {
    match key(keys, name).and_then(|k| k.value.as_ref()) {
        Some(Resolved::Known(v)) => Field::Known(v.clone()),
        Some(Resolved::AtBoot { .. }) => {
            let written = key(keys, name)
                .and_then(|k| k.entry.value.as_str().map(str::to_string))
                .unwrap_or_default();
            Field::AtBoot(written)
        }
        None => Field::empty(),
    }
}

/// Python `int(value)` on a resolved value; `None` when the runtime's `int()` raises. Python's
/// int has no size limit: a value past `i64` (`1e20`, `"99999999999999999999"`) saturates here,
/// which keeps its sign and its being out of any port or thread range; [`int_text`] gives its
/// exact digits for messages.
pub fn int_of(field: &Field) -> Option<Field> {
    match field {
        Field::Known(Value::Int(i)) => Some(Field::Known(Value::Int(*i))),
        Field::Known(Value::Bool(b)) => Some(Field::Known(Value::Int(i64::from(*b)))),
        Field::Known(Value::Float(f)) if f.is_finite() => {
            Some(Field::Known(Value::Int(f.trunc() as i64)))
        }
        Field::Known(Value::Float(_)) => None,
        Field::Known(Value::Str(s)) => py_int(s)
            .or_else(|| {
                py_int_text(s).map(|t| {
                    if t.starts_with('-') {
                        i64::MIN
                    } else {
                        i64::MAX
                    }
                })
            })
            .map(|i| Field::Known(Value::Int(i))),
        Field::AtBoot(r) => Some(Field::AtBoot(r.clone())),
    }
}

/// What Python prints for `int(value)`, exact past 64 bits (`int(-1e20)` is
/// `-100000000000000000000`, not a saturated `-9223372036854775808`).
pub fn int_text(value: &Value) -> String {
    match value {
        Value::Float(f) if f.is_finite() && f.trunc() != 0.0 => format!("{:.0}", f.trunc()),
        Value::Float(f) if f.is_finite() => "0".to_string(),
        Value::Str(s) => py_int_text(s).unwrap_or_else(|| s.clone()),
        Value::Bool(b) => i64::from(*b).to_string(),
        other => other.to_python_str(),
    }
}

/// A bind flag as the runtime reads it: a bool as is, otherwise true only for exactly `"true"`.
/// `None` when the runtime crashes on it (a JSON bool or number written in the policy).
pub fn bind_of(kv: &KeyValue) -> Option<Field> {
    use crate::syntax::policy::NodeKind;
    if matches!(
        kv.entry.value.kind,
        NodeKind::Bool(_) | NodeKind::Number(_) | NodeKind::Null
    ) {
        return None;
    }
    Some(match &kv.value {
        Some(Resolved::Known(Value::Bool(b))) => Field::Known(Value::Bool(*b)),
        Some(Resolved::Known(v)) => Field::Known(Value::Bool(v.to_python_str() == "true")),
        Some(Resolved::AtBoot { .. }) => {
            Field::AtBoot(kv.entry.value.as_str().unwrap_or("").to_string())
        }
        None => Field::Known(Value::Bool(false)),
    })
}

/// A thread count as `get_threads_from_ploicy` reads it: `int()`, 0 means the default.
pub fn threads_of(keys: &[KeyValue], name: &str, default: i64) -> Result<Field, Span> {
    let Some(kv) = key(keys, name) else {
        return Ok(Field::Known(Value::Int(default)));
    };
    match int_of(&field(keys, name)) {
        Some(Field::Known(Value::Int(0))) => Ok(Field::Known(Value::Int(default))),
        Some(f) => Ok(f),
        None => Err(kv.entry.value.span),
    }
}

fn port_of(keys: &[KeyValue], name: &str) -> Result<Field, ServerFailure> {
    int_of(&field(keys, name)).ok_or_else(|| ServerFailure {
        kind: FailureKind::Port,
        span: key(keys, name).map_or(Span::new(crate::source::FileId(0), 0..0), |k| {
            k.entry.value.span
        }),
        reason: format!("`{name}` is not an integer: the node stops with Wrong_port_value (221)"),
    })
}

fn bind_key(keys: &[KeyValue], name: &str) -> Result<Option<Field>, ServerFailure> {
    match key(keys, name) {
        None => Ok(None),
        Some(kv) => bind_of(kv).map(Some).ok_or_else(|| ServerFailure {
            kind: FailureKind::Bind,
            span: kv.entry.value.span,
            reason: format!("`{name}` is not a string: config_servers crashes with a TypeError"),
        }),
    }
}

fn all_interfaces() -> Field {
    Field::Known(Value::Str("0.0.0.0".into()))
}

fn bind_address(bind: &Field, host: &Field) -> Field {
    match bind {
        Field::Known(Value::Bool(true)) => host.clone(),
        Field::AtBoot(r) => Field::AtBoot(format!("{} if {r} else 0.0.0.0", host.to_word())),
        _ => all_interfaces(),
    }
}

/// Plans the servers of a policy from its resolved keys (§2.3–2.5).
pub fn plan(keys: &[KeyValue], body_span: Span) -> ServerSet {
    let mut set = ServerSet::default();
    if let Err(failure) = plan_into(keys, body_span, &mut set) {
        set.failure = Some(failure);
    }
    set
}

fn plan_into(keys: &[KeyValue], body_span: Span, set: &mut ServerSet) -> Result<(), ServerFailure> {
    let origin = |name: &str| key(keys, name).map_or(body_span, |k| k.entry.key_span);
    let threads = |name: &str, default: i64| {
        threads_of(keys, name, default).map_err(|span| ServerFailure {
            kind: FailureKind::Threads,
            span,
            reason: format!("`{name}` is not an integer: the node stops with Config_Error (235)"),
        })
    };

    // TCP (§2.3)
    let (ip, port, local_ip, mut local_port) = (
        field(keys, "ip"),
        field(keys, "port"),
        field(keys, "local_ip"),
        field(keys, "local_port"),
    );
    if (ip.truthy() && port.truthy()) || (local_ip.truthy() && local_port.truthy()) {
        let is_bind = match bind_key(keys, "tcp_bind")? {
            Some(b) => b,
            None => Field::Known(Value::Bool(!ip.truthy() || !local_ip.truthy())),
        };
        let bound = matches!(is_bind, Field::Known(Value::Bool(true)));
        let url_bind = if bound {
            if local_ip.truthy() {
                local_ip.clone()
            } else {
                ip.clone()
            }
        } else {
            if !local_port.truthy() {
                local_port = port.clone();
            }
            Field::empty()
        };
        let main_port = port_of(keys, "port")?;
        let second_port = if local_port.truthy() {
            int_of(&local_port).ok_or_else(|| ServerFailure {
                kind: FailureKind::Port,
                span: key(keys, "local_port").map_or(body_span, |k| k.entry.value.span),
                reason:
                    "`local_port` is not an integer: the node stops with Wrong_port_value (221)"
                        .into(),
            })?
        } else {
            Field::empty()
        };
        let mut host = if bound && url_bind.truthy() {
            url_bind
        } else {
            ip.clone()
        };
        if !host.truthy() {
            host = local_ip.clone();
        }
        let listen_port = if second_port.truthy() {
            second_port
        } else {
            main_port.clone()
        };
        set.tcp = Some(ServerPlan {
            kind: ServerKind::Tcp,
            external_ip: ip.clone(),
            external_port: main_port,
            internal_ip: if local_ip.truthy() {
                local_ip.clone()
            } else {
                ip.clone()
            },
            internal_port: listen_port,
            bind_address: bind_address(&is_bind, &host),
            bind: is_bind,
            threads: threads("tcp_threads", 6)?,
            timeout: None,
            origin: origin("port"),
        });
    }

    // REST (§2.4) and broker (§2.5) share one logic.
    for (kind, prefix, threads_key, default_threads) in [
        (ServerKind::Rest, "rest", "rest_threads", 8),
        (ServerKind::Broker, "broker", "msg_threads", 6),
    ] {
        let port_key = format!("{prefix}_port");
        let port = field(keys, &port_key);
        if !port.truthy() {
            continue;
        }
        let own_ip = field(keys, &format!("{prefix}_ip"));
        let (address, mut is_bind) = if own_ip.truthy() {
            (own_ip, Field::Known(Value::Bool(true)))
        } else if ip.truthy() {
            (ip.clone(), Field::Known(Value::Bool(false)))
        } else {
            let what = if kind == ServerKind::Rest {
                "REST Server"
            } else {
                "Message Broker"
            };
            return Err(ServerFailure {
                kind: FailureKind::MissingIp,
                span: origin(&port_key),
                reason: format!("neither `{prefix}_ip` nor `ip` is set: the node stops with \"Missing IP to configure {what}\""),
            });
        };
        if let Some(b) = bind_key(keys, &format!("{prefix}_bind"))? {
            is_bind = b;
        }
        let port = port_of(keys, &port_key)?;
        let plan = ServerPlan {
            kind,
            external_ip: address.clone(),
            external_port: port.clone(),
            internal_ip: address.clone(),
            internal_port: port,
            bind_address: bind_address(&is_bind, &address),
            bind: is_bind,
            threads: threads(threads_key, default_threads)?,
            timeout: (kind == ServerKind::Rest).then_some(20),
            origin: origin(&port_key),
        };
        match kind {
            ServerKind::Rest => set.rest = Some(plan),
            _ => set.broker = Some(plan),
        }
    }
    Ok(())
}
