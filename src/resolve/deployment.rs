//! `--scripts`: the node variables derived from the deployment scripts themselves. The node's
//! dictionary starts as `params.init` leaves it, then the image's `main.al` runs against the
//! env layering, up to and including its `process …/set_params.al` line — what the node does at
//! boot before it looks for its config policy.

use crate::edgelake::node::{directory_variables, DEFAULT_HOME, MAIN_SCRIPT};
use crate::resolve::engine::{Engine, State};
use crate::resolve::env_layers::EnvLayers;
use crate::resolve::scope::{Provenance, Scope, VarValue};
use crate::resolve::value::{Lookup, Variables};

/// The dictionary before any script runs (`params.init`, spec §5.5), from the node facts the
/// caller gives; what they do not give is decided at boot.
fn runtime_init(eng: &Engine, scope: &mut Scope) {
    // A node fact given with --set is what the node measures at start (as with the built-in
    // profile); the engine merged them with the options' facts.
    let facts = &eng.facts;
    let node = |source| Provenance::Node { source };
    let known = |v: &str| VarValue::Known(v.to_string());
    let boot = |why: &str| VarValue::AtBoot(why.to_string());
    let is_vm = match scope.env("IS_VM") {
        Lookup::Defined(v) if v.eq_ignore_ascii_case("true") => known("True"),
        _ => match facts.is_vm {
            Some(b) => known(if b { "True" } else { "False" }),
            None => boot("whether the node runs in a VM"),
        },
    };
    scope.define("is_vm", is_vm, node("IS_VM or auto-detection"));
    let fact = |v: &Option<String>, why: &str| match v {
        Some(v) => known(v),
        None => boot(why),
    };
    let external_ip = fact(&facts.external_ip, "the node's public IP address");
    scope.define(
        "external_ip",
        external_ip,
        node("api.ipify.org, else the local IP"),
    );
    let ip = fact(&facts.ip, "the node's local IP address");
    scope.define("ip", ip, node("the node's local IP address"));
    scope.define("anylog_server_port", known("2048"), node("params.init"));
    scope.define("anylog_rest_port", known("2148"), node("params.init"));
    let dns = match &facts.hostname {
        Some(h) => known(&format!("{h}.local")),
        None => boot("the host name + \".local\""),
    };
    scope.define("dns", dns, node("the host name + \".local\""));
    match &facts.external_dns {
        Some(Some(d)) => scope.define(
            "external_dns",
            known(d),
            node("reverse DNS of the external IP"),
        ),
        Some(None) => {}
        None => scope.define(
            "external_dns",
            boot("reverse DNS of the external IP, when it has one"),
            node("reverse DNS of the external IP"),
        ),
    }
    scope.define("io_buff_size", known("2048"), node("a runtime constant"));
    let db_user = match &facts.home_user {
        Some(u) => known(&format!("{u}@127.0.0.1:demo")),
        None => boot("<the node's user>@127.0.0.1:demo"),
    };
    scope.define("db_user", db_user, node("params.init"));
    scope.define("db_port", known("5432"), node("params.init"));
    let home = match scope.env("EDGELAKE_HOME") {
        Lookup::Defined(h) => Some(h.into_owned()),
        Lookup::Undefined => Some(DEFAULT_HOME.to_string()),
        Lookup::AtBoot => None,
    };
    for (name, value) in directory_variables(home.as_deref().unwrap_or(DEFAULT_HOME)) {
        let value = match &home {
            Some(_) => VarValue::Known(value),
            None => boot("under EDGELAKE_HOME"),
        };
        scope.define(
            &name,
            value,
            node("params.set_directory_locations(EDGELAKE_HOME)"),
        );
    }
}

/// The scope after the deployment scripts under `scripts_dir` ran on `env`, then `sets`.
/// `Err` gives the env layers back when `main.al` cannot be read there.
pub fn derive(
    eng: &mut Engine,
    scripts_dir: &str,
    env: EnvLayers,
    env_known: bool,
    sets: &[(String, String)],
) -> Result<Scope, EnvLayers> {
    let entry = format!("{}/{MAIN_SCRIPT}", scripts_dir.trim_end_matches('/'));
    match eng.script(&entry) {
        Ok(Some(_)) => {}
        _ => return Err(env),
    }
    let mut scope = Scope::bare(env, env_known);
    runtime_init(eng, &mut scope);
    eng.stop_after = Some("set_params.al");
    eng.deployment = true;
    let outcomes = eng.run_path(&entry, State::new(scope.clone()));
    eng.stop_after = None;
    eng.deployment = false;
    let mut joined: Option<State> = None;
    for (_, st) in outcomes {
        joined = Some(match joined {
            Some(j) => j.join(st),
            None => st,
        });
    }
    let mut scope = joined.map_or(scope, |s| s.scope);
    let is_fact = |name: &str| crate::edgelake::node::NODE_FACTS.contains(&name);
    for (name, value) in sets.iter().filter(|(n, _)| !is_fact(n)) {
        scope.define(
            name,
            VarValue::Known(value.clone()),
            Provenance::CommandLine,
        );
    }
    Ok(scope)
}
