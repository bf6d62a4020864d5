//! Regression tests for the disagreements with EdgeLake's interpreter that the conformance
//! suite found (issue 9). Each expected value is what the recorded runtime does (EdgeLake
//! faba50d, deployment-scripts 45b830b; `tests/conformance/`).

use elpc::{Profile, VarValue};

use crate::common::{codes, compile_opts, policy_with_script, resolved, script_commands};

const OPERATOR: &str =
    "NODE_TYPE=operator\nCOMPANY_NAME=New Company\nLOCAL_SCRIPTS=/app/deployment-scripts\n";

fn args_of(c: &elpc::Compilation, starts: &str) -> serde_json::Value {
    let out = c.output.as_ref().expect("compiled");
    let command = out
        .commands
        .iter()
        .find(|c| c.command.starts_with(starts))
        .unwrap_or_else(|| panic!("no command starting with {starts}"));
    command.args.clone()
}

#[test]
fn typed_if_comparisons_the_runtime_rejects_stop_the_list_with_el208() {
    // condition.jsonl: a `.bool` against a number, an `.int` against a word: result "error".
    for line in [
        "if !flag.bool <= 9 then run scheduler 2",
        "if !n.int == abc then run scheduler 2",
    ] {
        let policy = policy_with_script(&[line, "run scheduler 1"]);
        let c = compile_opts(
            &policy,
            &[],
            &[("flag", "true"), ("n", "5")],
            Profile::Plain,
        );
        assert!(codes(&c).contains(&"EL208"), "{line}: {:?}", codes(&c));
        assert!(
            !codes(&c).contains(&"EL204"),
            "{line}: not a string comparison"
        );
        assert_eq!(script_commands(&c), [line], "{line}: the list stops there");
    }
    // childfrom of numbers crashes the node even before an `or` (a -1 error would not).
    let policy = policy_with_script(&["if !n.int childfrom 5 or true then run scheduler 2"]);
    let c = compile_opts(&policy, &[], &[("n", "5")], Profile::Plain);
    assert!(codes(&c).contains(&"EL208"), "{:?}", codes(&c));
    // An error before `or` is skipped by the node: the next group decides.
    let policy = policy_with_script(&["if !n.int == abc or true then run scheduler 2"]);
    let c = compile_opts(&policy, &[], &[("n", "5")], Profile::Plain);
    assert_eq!(script_commands(&c), ["run scheduler 2"]);
}

#[test]
fn name_equals_value_without_spaces_is_an_assignment() {
    // assignment.jsonl: `x=5` stores "5"; `run scheduler !x` is still refused by the node,
    // whose `_scheduler` tests `isdecimal()` on the word as written (checked against faba50d).
    let policy = policy_with_script(&["x=5", "if !x == 5 then print five", "run scheduler !x"]);
    let c = compile_opts(&policy, &[], &[], Profile::Plain);
    assert_eq!(
        script_commands(&c),
        ["x=5", "print five", "run scheduler !x"]
    );
    assert!(codes(&c).contains(&"EL412"));
    let out = c.output.as_ref().unwrap();
    assert_eq!(out.commands[0].catalog, Some("assignment"));
}

#[test]
fn a_cast_on_a_literal_word_is_applied() {
    // reference.jsonl: get_value_if_available("32148.int") is the int 32148.
    let policy = "{'config': {'name': 'n', 'ip': '10.0.0.5', 'port': '32148.int', 'script': ['y = 32148.int', 'if !y == 32148 then print yes']}}";
    let c = compile_opts(policy, &[], &[], Profile::Plain);
    assert_eq!(resolved(&c, "port"), serde_json::json!(32148));
    assert_eq!(script_commands(&c), ["y = 32148.int", "print yes"]);
}

#[test]
fn typed_args_and_command_text_come_from_one_resolution() {
    let policy = policy_with_script(&[
        "run blockchain sync where source = master and time = 30 seconds and dest = file and connection = !ledger_conn",
    ]);
    let c = compile_opts(&policy, &[], &[("ledger_conn", "false")], Profile::Plain);
    let out = c.output.as_ref().unwrap();
    let command = &out.commands.last().unwrap().command;
    assert!(command.ends_with("connection = false"), "{command}");
    assert_eq!(args_of(&c, "run blockchain sync")["connection"], "false");
    // An `if` only the node decides shows its then command resolved, like its args.
    let policy = policy_with_script(&["if !ip == 10.0.0.9 then run blockchain sync where source = master and time = 30 seconds and dest = file and connection = !ledger_conn"]);
    let c = compile_opts(
        &policy,
        &[],
        &[("ledger_conn", "10.0.0.1:32048")],
        Profile::Plain,
    );
    let command = &c.output.as_ref().unwrap().commands.last().unwrap().command;
    assert!(command.starts_with("if !ip == 10.0.0.9 then"), "{command}");
    assert!(
        command.ends_with("connection = 10.0.0.1:32048"),
        "{command}"
    );
    assert_eq!(args_of(&c, "if !ip")["connection"], "10.0.0.1:32048");
}

fn var(c: &elpc::Compilation, name: &str) -> Option<VarValue> {
    c.scope.get(name).map(|v| v.value.clone())
}

fn known(s: &str) -> Option<VarValue> {
    Some(VarValue::Known(s.to_string()))
}

#[test]
fn the_profile_derives_what_set_params_derives_from_ip_and_host_name() {
    // set_params.jsonl (the real main.al + set_params.al), node IP 10.0.0.5, host "Edge Node".
    let env = format!("{OPERATOR}LEDGER_CONN=127.0.0.1:32048\nIS_HIDDEN=true\nMEMORY=false\n");
    let sets = [("ip", "10.0.0.5"), ("hostname", "Edge Node")];
    let c = compile_opts("{'config': {}}", &[&env], &sets, Profile::EdgeLake);
    assert_eq!(var(&c, "ledger_conn"), known("10.0.0.5:32048"));
    assert_eq!(
        var(&c, "cluster_name"),
        known("new_company-cluster-edge_node")
    );
    assert_eq!(var(&c, "node_name"), known("Edge Node operator"));
    assert_eq!(var(&c, "dns"), known("Edge Node.local"));
    assert_eq!(
        var(&c, "memory"),
        known("true"),
        "read only on a query node"
    );
    assert_eq!(var(&c, "msg_dbms"), known("bring [dbms]"), "MQTT is off");
    assert_eq!(
        var(&c, "is_hidden"),
        known("false"),
        "an operator is never hidden"
    );
    assert!(matches!(
        var(&c, "config_version"),
        Some(VarValue::AtBoot(_))
    ));
    // A query node reads MEMORY; a master builds ledger_conn from its own port; MQTT on takes
    // DEFAULT_DBMS.
    let env = "NODE_TYPE=master\nMEMORY=False\nSYSTEM_QUERY=true\nENABLE_MQTT=true\nDEFAULT_DBMS=d1\nMSG_DBMS=d2\nIS_HIDDEN=TRUE\nLOCAL_SCRIPTS=/app/deployment-scripts\n";
    let c = compile_opts("{'config': {}}", &[env], &sets, Profile::EdgeLake);
    assert_eq!(var(&c, "ledger_conn"), known("10.0.0.5:32048"));
    assert_eq!(var(&c, "memory"), known("false"));
    assert_eq!(var(&c, "msg_dbms"), known("d1"));
    assert_eq!(var(&c, "is_hidden"), known("true"));
    // LEDGER_CONN on another host is taken as is, and setup.cfg is never read.
    let env = format!("{OPERATOR}LEDGER_CONN=10.1.1.1:32048\n");
    let c = compile_opts("{'config': {}}", &[&env], &sets, Profile::EdgeLake);
    assert_eq!(var(&c, "ledger_conn"), known("10.1.1.1:32048"));
    assert_eq!(var(&c, "config_version"), None);
}

#[test]
fn env_values_that_make_the_scripts_exit_are_el413() {
    let sets = [("ip", "10.0.0.5"), ("hostname", "edge")];
    for extra in ["DB_TYPE=mysql", "LOCAL_SCRIPTS=/home/me/deployment-scripts"] {
        let env = format!("{OPERATOR}{extra}\n");
        let c = compile_opts("{'config': {}}", &[&env], &sets, Profile::EdgeLake);
        assert!(codes(&c).contains(&"EL413"), "{extra}: {:?}", codes(&c));
    }
}
