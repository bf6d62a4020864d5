//! One test (or a few) per runtime semantic elpc implements; each name cites its section of
//! `edgelake-semantics.md` (§) and the issue point it belongs to.

use crate::common::*;
use elpc::resolve::env_layers::EnvOrigin;
use elpc::resolve::scope::{Provenance, VarValue};
use elpc::Profile;
use serde_json::json;

// ---- 1. Inputs: policy text (§1.3) -------------------------------------------------------

#[test]
fn s1_3_python_literal_forms_parse_to_canonical_json() {
    let c = compile_with(
        "# a comment\n{'config': {'name': 'a' \"b\",  # adjacent strings join\n 'on': True, 'off': False, 'none': None, 'n': 1.50,\n 'script': ['run scheduler 1',],},}",
        &[OPERATOR_ENV],
    );
    assert!(!c.has_errors(), "{:?}", codes(&c));
    assert_eq!(
        without_id(c.output.unwrap().policy),
        json!({"config": {"name": "ab", "on": true, "off": false, "none": null, "n": 1.5, "script": ["run scheduler 1"]}})
    );
}

#[test]
fn s1_3_strict_json_and_list_wrapped_display_form() {
    let strict = compile_with(
        r#"{"config": {"name": "x", "port": "!anylog_server_port.int"}}"#,
        &[OPERATOR_ENV],
    );
    let wrapped = compile_with(
        r#"[{'config': {'name': 'x', 'port': '!anylog_server_port.int'}}]"#,
        &[OPERATOR_ENV],
    );
    assert_eq!(
        strict.output.as_ref().unwrap().policy,
        wrapped.output.as_ref().unwrap().policy
    );
    assert_eq!(resolved(&wrapped, "port"), json!(32148));
}

#[test]
fn s1_3_duplicate_keys_last_value_wins_at_first_position() {
    let c = compile_with("{'config': {'a': 1, 'b': 2, 'a': 3}}", &[]);
    let policy = without_id(c.output.unwrap().policy);
    assert_eq!(policy, json!({"config": {"a": 3, "b": 2}}));
    let keys: Vec<&String> = policy["config"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["a", "b"]);
}

fn without_id(mut policy: serde_json::Value) -> serde_json::Value {
    policy["config"].as_object_mut().unwrap().remove("id");
    policy
}

#[test]
fn s1_5_compile_adds_the_id_the_node_computes_at_the_end() {
    let c = compile_with(
        r#"{"config": {"name": "operator-new_company-configs", "company": "New Company", "node_type": "operator", "port": "!anylog_server_port.int", "script": ["run scheduler 1"]}}"#,
        &[OPERATOR_ENV],
    );
    let policy = c.output.unwrap().policy;
    let keys: Vec<&String> = policy["config"].as_object().unwrap().keys().collect();
    assert_eq!(keys.last().unwrap().as_str(), "id");
    assert_eq!(policy["config"]["id"], "80555cc8b3467cade31eb5b2fd8d744f");
}

#[test]
fn s1_5_integers_beyond_64_bits_become_floats_and_non_ascii_is_escaped() {
    let c = compile_with("{'config': {'big': 18446744073709551616, 'u': 'é'}}", &[]);
    let out = c.output.unwrap();
    assert_eq!(out.policy["config"]["big"], json!(1.8446744073709552e19));
    let text = elpc::render::to_ascii_json(&out.policy, false);
    assert!(text.contains(r#""u":"\u00e9""#), "{text}");
}

// ---- 1. Inputs: env files and layering (§5.1, §5.2) ---------------------------------------

#[test]
fn s5_1_compose_dialect_values_reach_variables() {
    let env = "export NODE_TYPE=operator\r\nCOMPANY_NAME = New Company # inline comment\r\nLOCAL_SCRIPTS='/opt/$NOT_INTERPOLATED'\nANYLOG_PATH=\"/srv\"\nTEST_DIR=${ANYLOG_PATH}/t\nMQTT_PASSWD=pa$$word";
    let c = compile_with(
        "{'config': {'a': '!company_name', 'b': '!local_scripts', 'c': '!test_dir'}}",
        &[env],
    );
    assert_eq!(resolved(&c, "a"), json!("New Company"));
    assert_eq!(resolved(&c, "b"), json!("/opt/$NOT_INTERPOLATED"));
    assert_eq!(resolved(&c, "c"), json!("/srv/t"));
}

#[test]
fn s5_2_later_env_files_win_and_keep_the_chain_they_override() {
    let c = compile_with(
        "{'config': {'port': '!anylog_server_port.int'}}",
        &[
            "NODE_TYPE=operator\nANYLOG_SERVER_PORT=1111\n",
            "ANYLOG_SERVER_PORT=2222\n",
            "ANYLOG_SERVER_PORT=3333\n",
        ],
    );
    assert_eq!(resolved(&c, "port"), json!(3333));
    let var = c.scope.get("anylog_server_port").unwrap();
    let Provenance::Env {
        key,
        origin,
        overrides,
        ..
    } = &var.provenance
    else {
        panic!("{var:?}")
    };
    assert_eq!(key, "ANYLOG_SERVER_PORT");
    let file_of = |o: &EnvOrigin| match o {
        EnvOrigin::File { key_span, .. } => c.sources.get(key_span.file).name().to_string(),
        EnvOrigin::Base { label } => label.to_string(),
    };
    assert_eq!(file_of(origin), "layer2.env");
    assert_eq!(
        overrides.iter().map(file_of).collect::<Vec<_>>(),
        ["layer0.env", "layer1.env"]
    );
}

#[test]
fn s5_2_set_has_the_highest_precedence() {
    let c = compile_opts(
        "{'config': {'port': '!anylog_server_port.int', 'ip': '!ip'}}",
        &[OPERATOR_ENV],
        &[("anylog_server_port", "4000"), ("ip", "10.0.0.5")],
        Profile::EdgeLake,
    );
    assert_eq!(resolved(&c, "port"), json!(4000));
    assert_eq!(resolved(&c, "ip"), json!("10.0.0.5"));
}

// ---- 2. The EdgeLake profile (§5.3, §5.4, §5.5) --------------------------------------------

#[test]
fn s5_4_default_ports_by_node_type() {
    for (node_type, tcp, rest) in [
        ("master", 32048, 32049),
        ("operator", 32148, 32149),
        ("query", 32348, 32349),
        ("publisher", 32248, 32249),
        ("generic", 32548, 32549),
    ] {
        let c = compile_with(
            "{'config': {'port': '!anylog_server_port.int', 'rest_port': '!anylog_rest_port.int'}}",
            &[&format!("NODE_TYPE={node_type}\n")],
        );
        assert_eq!(
            (resolved(&c, "port"), resolved(&c, "rest_port")),
            (json!(tcp), json!(rest)),
            "{node_type}"
        );
    }
}

#[test]
fn s5_4_master_operator_is_an_operator() {
    let c = compile_with(
        "{'config': {'t': '!node_type'}}",
        &["NODE_TYPE=master-operator"],
    );
    assert_eq!(resolved(&c, "t"), json!("operator"));
}

#[test]
fn s5_4_tcp_threads_below_one_or_not_a_number_become_one() {
    for (raw, expected) in [
        ("0", "1"),
        ("-3", "1"),
        ("abc", "1"),
        ("6.5", "1"),
        ("8", "8"),
    ] {
        let c = compile_with(
            "{'config': {'t': '!tcp_threads'}}",
            &[&format!("NODE_TYPE=operator\nTCP_THREADS={raw}")],
        );
        assert_eq!(resolved(&c, "t"), json!(expected), "TCP_THREADS={raw}");
    }
}

#[test]
fn s5_4_renamed_keys_location_destination_local_scripts() {
    let c = compile_with(
        "{'config': {'loc': '!loc', 'dest': '!blockchain_destination', 'ls': '!local_scripts'}}",
        &["NODE_TYPE=operator\nLOCATION=1.0, 2.0\nBLOCKCHAIN_DESTINATION=dbms\nLOCAL_SCRIPTS=/scripts"],
    );
    assert_eq!(resolved(&c, "loc"), json!("1.0, 2.0"));
    // BLOCKCHAIN_DESTINATION is not read: the script default stays.
    assert_eq!(resolved(&c, "dest"), json!("file"));
    assert_eq!(resolved(&c, "ls"), json!("/scripts"));
    let c = compile_with(
        "{'config': {'dest': '!blockchain_destination'}}",
        &["NODE_TYPE=operator\nDESTINATION=dbms"],
    );
    assert_eq!(resolved(&c, "dest"), json!("dbms"));
}

#[test]
fn s5_3_any_casing_of_true_is_true_and_nothing_else() {
    for (raw, expected) in [
        ("TRUE", "true"),
        ("True", "true"),
        ("yes", "false"),
        ("1", "false"),
        ("on", "false"),
    ] {
        let c = compile_with(
            "{'config': {'b': '!tcp_bind'}}",
            &[&format!("NODE_TYPE=operator\nTCP_BIND={raw}")],
        );
        assert_eq!(resolved(&c, "b"), json!(expected), "TCP_BIND={raw}");
    }
}

#[test]
fn s5_6_env_value_starting_with_bang_counts_as_unset() {
    let c = compile_with(
        "{'config': {'c': '!company_name'}}",
        &["NODE_TYPE=operator\nCOMPANY_NAME=!acme"],
    );
    assert_eq!(resolved(&c, "c"), json!("New Company"));
}

#[test]
fn s5_5_node_variables_stay_symbolic_unless_set() {
    let policy = "{'config': {'ip': '!external_ip', 'local_ip': '!ip', 'port': 32148}}";
    let c = compile_with(policy, &[OPERATOR_ENV]);
    assert_eq!(servers(&c)["tcp"]["external_ip"], json!("!external_ip"));
    assert_eq!(servers(&c)["tcp"]["internal_ip"], json!("!ip"));
    assert!(!c.has_errors());
    let c = compile_opts(
        policy,
        &[OPERATOR_ENV],
        &[("external_ip", "203.0.113.9")],
        Profile::EdgeLake,
    );
    assert_eq!(servers(&c)["tcp"]["external_ip"], json!("203.0.113.9"));
}

#[test]
fn s5_4_plain_profile_maps_each_key_to_its_lower_case_name_only() {
    let c = compile_opts(
        "{'config': {'a': '!anylog_server_port', 'b': '!company_name'}}",
        &["ANYLOG_SERVER_PORT=1234"],
        &[],
        Profile::Plain,
    );
    assert_eq!(resolved(&c, "a"), json!("1234"));
    // no profile defaults under `plain`
    assert_eq!(resolved(&c, "b"), json!(""));
}

#[test]
fn s5_6_missing_node_type_is_reported() {
    let c = compile_with("{'config': {'name': 'x'}}", &["COMPANY_NAME=x"]);
    assert_eq!(codes(&c), ["EL103"]);
}

// ---- 3. Resolution (§3) -----------------------------------------------------------------

#[test]
fn s3_2_casts() {
    let env = "NODE_TYPE=operator\nCOMPANY_NAME=New Company\nANYLOG_SERVER_PORT= 32148 \nTCP_BIND=false\n";
    let c = compile_with(
        "{'config': {'i': '!anylog_server_port.int', 's': '!anylog_server_port.str', 'b': '!tcp_bind.bool', 'f': '!anylog_server_port.float', 'l': '!company_name.len', 'n': '!company_name.name', 'bad': '!company_name.int', 'lit': '32148.int'}}",
        &[env],
    );
    assert_eq!(resolved(&c, "i"), json!(32148));
    // compose trims unquoted values, so `.str` sees "32148"
    assert_eq!(resolved(&c, "s"), json!("32148"));
    assert_eq!(resolved(&c, "b"), json!(false));
    assert_eq!(resolved(&c, "f"), json!(32148.0));
    assert_eq!(resolved(&c, "l"), json!(11));
    assert_eq!(resolved(&c, "n"), json!("new_company"));
    assert_eq!(resolved(&c, "bad"), json!(""));
}

#[test]
fn s3_3_path_joins_env_references_and_undefined_pieces() {
    let c = compile_opts(
        "{'config': {'p': '!local_scripts/a.al', 'h': '!hostname.$DNS_DOMAIN', 'e': '$ANYLOG_PATH/x', 'u': '!nope/x'}}",
        &["NODE_TYPE=operator\nLOCAL_SCRIPTS=/app/deployment-scripts\nANYLOG_PATH=/app\nDNS_DOMAIN=example.com"],
        &[("hostname", "node1")],
        Profile::EdgeLake,
    );
    assert_eq!(resolved(&c, "p"), json!("/app/deployment-scripts/a.al"));
    assert_eq!(resolved(&c, "h"), json!("node1.example.com"));
    assert_eq!(resolved(&c, "e"), json!("/app/x"));
    assert_eq!(resolved(&c, "u"), json!(""));
}

#[test]
fn s3_1_double_bang_and_slices() {
    let c = compile_with(
        "{'config': {'d': '!!company_name', 's': '!company_name[0:3]', 'whole': '!company_name[0:0]'}}",
        &[OPERATOR_ENV],
    );
    assert_eq!(resolved(&c, "d"), json!("!company_name"));
    assert_eq!(resolved(&c, "s"), json!("New"));
    assert_eq!(resolved(&c, "whole"), json!("New Company"));
}

// ---- 4. Script lines (§4, §3.6) ------------------------------------------------------------

#[test]
fn s4_5_if_folds_true_false_and_keeps_boot_time_conditions() {
    let policy = policy_with_script(&[
        "if !enable_ha == true then run data distributor",
        "if !enable_ha == FALSE then run scheduler 1",
        "if !ip then run streamer",
        "if !external_ip == 10.0.0.1 then run streamer",
    ]);
    let c = compile_with(&policy, &["NODE_TYPE=operator\nENABLE_HA=false"]);
    assert_eq!(
        script_commands(&c),
        // `!ip` is set by the node at boot: both lines that test node values stay as written
        [
            "run scheduler 1",
            "if !ip then run streamer",
            "if !external_ip == 10.0.0.1 then run streamer"
        ]
    );
}

#[test]
fn s4_3_numbers_written_in_a_line_compare_as_strings() {
    let policy = policy_with_script(&[
        "if !tcp_threads > 9 then run a",
        "if !tcp_threads.int > 9 then run b",
    ]);
    let c = compile_with(&policy, &["NODE_TYPE=operator\nTCP_THREADS=10"]);
    // "10" > "9" is false as strings; 10 > 9 as integers.
    assert_eq!(script_commands(&c), ["run b"]);
}

#[test]
fn s4_4_and_or_associate_to_the_right_without_parentheses() {
    // A and B or C == A and (B or C): with A false the whole is false even though C is true.
    let policy = policy_with_script(&["if !a == 1 and !b == 1 or !c == 1 then run x"]);
    let c = compile_opts(
        &policy,
        &[OPERATOR_ENV],
        &[("a", "0"), ("b", "0"), ("c", "1")],
        Profile::EdgeLake,
    );
    assert_eq!(script_commands(&c), Vec::<String>::new());
}

#[test]
fn s4_4_parenthesised_scan_stops_at_the_first_decisive_group() {
    // (A) and (B) or (C) == A and B: C never matters.
    let policy = policy_with_script(&["if (!a == 1) and (!b == 1) or (!c == 1) then run x"]);
    let c = compile_opts(
        &policy,
        &[OPERATOR_ENV],
        &[("a", "1"), ("b", "0"), ("c", "1")],
        Profile::EdgeLake,
    );
    assert_eq!(script_commands(&c), Vec::<String>::new());
}

#[test]
fn s3_6_assignments_change_the_scope_for_later_lines() {
    let policy = policy_with_script(&[
        "x = 5",
        "if !x == 5 then print a",
        "y = !company_name.name + - + !x",
        "if !y == new_company-5 then print b",
        "set z = $UNSET_VAR",
        "if !z == None then print c",
        "w = 60 seconds",
        "if !w == \"60 seconds\" then print d",
    ]);
    let c = compile_with(&policy, &[OPERATOR_ENV]);
    let cmds = script_commands(&c);
    for expected in ["print a", "print b", "print c", "print d"] {
        assert!(
            cmds.contains(&expected.to_string()),
            "{expected} missing from {cmds:?}"
        );
    }
}

#[test]
fn s3_4_undefined_assignment_deletes_the_variable() {
    let policy = policy_with_script(&["x = 1", "x = !undefined_thing", "if !x then run a"]);
    let c = compile_with(&policy, &[OPERATOR_ENV]);
    assert_eq!(script_commands(&c), ["x = 1", "x = !undefined_thing"]);
}

#[test]
fn s4_then_part_references_are_resolved_in_the_command() {
    let policy = policy_with_script(&[
        "process !local_scripts/policies/a.al",
        "run blockchain sync where source=!blockchain_source and time=!blockchain_sync and dest=file",
        "schedule name=x and time=1 day and task delete archive where days = !archive_delete",
    ]);
    let c = compile_with(
        &policy,
        &["NODE_TYPE=operator\nLOCAL_SCRIPTS=/app/deployment-scripts"],
    );
    assert_eq!(
        script_commands(&c),
        [
            "process /app/deployment-scripts/policies/a.al",
            "run blockchain sync where source=master and time=\"30 seconds\" and dest=file",
            // after `task` the command runs later: kept as written
            "schedule name=x and time=1 day and task delete archive where days = !archive_delete",
        ]
    );
}

// ---- 5. Servers (§2.2–2.6) -----------------------------------------------------------------

const USUAL: &str = "{'config': {'ip': '!external_ip', 'local_ip': '!ip', 'port': '!anylog_server_port.int', 'rest_port': '!anylog_rest_port.int', 'broker_port': '!anylog_broker_port.int', 'tcp_bind': '!tcp_bind', 'rest_bind': '!rest_bind', 'broker_bind': '!broker_bind', 'tcp_threads': '!tcp_threads.int', 'rest_threads': '!rest_threads.int', 'msg_threads': 3}}";

#[test]
fn s2_3_usual_deployment_listens_on_all_interfaces() {
    let c = compile_with(
        USUAL,
        &["NODE_TYPE=operator\nANYLOG_BROKER_PORT=32150\nTCP_THREADS=4"],
    );
    let s = servers(&c);
    assert_eq!(
        s["tcp"],
        json!({"external_ip": "!external_ip", "external_port": 32148, "internal_ip": "!ip", "internal_port": 32148, "bind": false, "bind_address": "0.0.0.0", "threads": 4})
    );
    assert_eq!(s["rest"]["internal_ip"], json!("!external_ip")); // §2.4: REST never uses local_ip
    assert_eq!(s["rest"]["timeout"], json!(20));
    assert_eq!(s["rest"]["threads"], json!(6)); // REST_THREADS default 6 from the scripts
    assert_eq!(s["broker"]["threads"], json!(3)); // msg_threads
    assert_eq!(s["broker"]["external_port"], json!(32150));
    assert_eq!(
        commands(&c)[0],
        "run tcp server where external_ip = !external_ip and external_port = 32148 and internal_ip = !ip and internal_port = 32148 and bind = false and threads = 4"
    );
}

#[test]
fn s2_3_tcp_bind_true_binds_local_ip() {
    let c = compile_with(USUAL, &["NODE_TYPE=operator\nTCP_BIND=true"]);
    let tcp = &servers(&c)["tcp"];
    assert_eq!(tcp["bind"], json!(true));
    assert_eq!(tcp["bind_address"], json!("!ip"));
}

#[test]
fn s2_3_only_one_ip_binds_to_it_and_empty_port_disables_tcp() {
    let c = compile_with(
        "{'config': {'local_ip': '10.0.0.2', 'local_port': 5000, 'port': 5000}}",
        &[],
    );
    assert_eq!(servers(&c)["tcp"]["bind"], json!(true));
    assert_eq!(servers(&c)["tcp"]["bind_address"], json!("10.0.0.2"));
    let c = compile_with(
        "{'config': {'ip': '!external_ip', 'port': '!undefined_port_var.int'}}",
        &[OPERATOR_ENV],
    );
    assert_eq!(servers(&c)["tcp"], json!(null));
}

#[test]
fn s2_4_rest_ip_binds_and_rest_threads_default_is_eight() {
    let c = compile_with(
        "{'config': {'ip': '!external_ip', 'rest_ip': '10.1.1.1', 'rest_port': 8080}}",
        &[],
    );
    let rest = &servers(&c)["rest"];
    assert_eq!(rest["bind"], json!(true));
    assert_eq!(rest["bind_address"], json!("10.1.1.1"));
    assert_eq!(rest["threads"], json!(8));
}

#[test]
fn s2_2_threads_key_is_ignored_in_favour_of_tcp_threads() {
    let c = compile_with(
        "{'config': {'ip': '!external_ip', 'port': 32148, 'threads': 12}}",
        &[],
    );
    assert_eq!(servers(&c)["tcp"]["threads"], json!(6));
    assert_eq!(codes(&c), ["EL306"]);
}

#[test]
fn s2_1_a_failing_server_key_stops_the_script() {
    let c = compile_with(
        "{'config': {'ip': '!external_ip', 'port': 'abc', 'script': ['run scheduler 1']}}",
        &[],
    );
    assert!(commands(&c).is_empty());
    // the not-idempotent note is about the policy text, whether or not the script runs
    assert_eq!(codes(&c), ["EL301", "EL411"]);
}

// ---- 7. First diagnostics -----------------------------------------------------------------

#[test]
fn diagnostic_undefined_variable_with_did_you_mean_and_fix() {
    let c = compile_with(
        &policy_with_script(&["run data consumer where start_date=!start_data"]),
        &[OPERATOR_ENV],
    );
    // (`run data consumer` itself is reported too: EdgeLake does not have it)
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "EL201")
        .expect("undefined-variable reported");
    assert_eq!((d.rule.code, d.rule.name), ("EL201", "undefined-variable"));
    assert_eq!(d.help.as_deref(), Some("did you mean `start_date`?"));
    assert_eq!(d.suggestions[0].replacement, "!start_date");
    assert_eq!(
        c.sources.get(d.primary.span.file).slice(d.primary.span),
        "!start_data"
    );
}

#[test]
fn diagnostic_undefined_variable_tested_alone_in_if_is_legitimate() {
    let c = compile_with(
        &policy_with_script(&["if !operator_id then run operator where policy=!operator_id"]),
        &[OPERATOR_ENV],
    );
    // only the not-idempotent note remains
    assert_eq!(codes(&c), ["EL411"]);
}

#[test]
fn diagnostic_ports_out_of_range_not_integer_and_conflicting() {
    let c = compile_with(
        "{'config': {'ip': '!external_ip', 'port': 70000, 'rest_port': '32148.0'}}",
        &[],
    );
    assert_eq!(codes(&c), ["EL301", "EL301"]);
    let c = compile_with(USUAL, &["NODE_TYPE=operator\nANYLOG_REST_PORT=32148"]);
    assert_eq!(codes(&c), ["EL302"]);
    assert_eq!(c.diagnostics[0].secondary.len(), 1);
}

#[test]
fn diagnostic_thread_counts() {
    let c = compile_with(
        "{'config': {'ip': 'x', 'port': 1, 'tcp_threads': 'six', 'rest_threads': -2}}",
        &[],
    );
    assert_eq!(codes(&c), ["EL303", "EL303"]);
}

#[test]
fn diagnostic_bind_flags_json_boolean_and_casing() {
    let c = compile_with("{'config': {'ip': 'x', 'port': 1, 'tcp_bind': False, 'rest_bind': 'True', 'rest_port': 2}}", &[]);
    assert_eq!(codes(&c), ["EL304", "EL305"]);
    assert_eq!(c.diagnostics[0].suggestions[0].replacement, "\"false\"");
}

#[test]
fn diagnostic_ignored_keys_name_the_key_that_is_read() {
    let c = compile_with("{'config': {'threads': 1, 'broker_threads': 2, 'rest_timeout': 3, 'scripts': [], 'rest_prot': 1}}", &[]);
    let helps: Vec<String> = c
        .diagnostics
        .iter()
        .map(|d| d.help.as_deref().unwrap_or_default().to_string())
        .collect();
    assert_eq!(codes(&c), ["EL306"; 5]);
    assert_eq!(
        helps,
        [
            "rename it to `tcp_threads`",
            "rename it to `msg_threads`",
            "remove it",
            "rename it to `script`",
            "did you mean `rest_port`?"
        ]
    );
}

#[test]
fn diagnostic_syntax_errors_recover_at_entries_and_items() {
    let c = compile_with(
        "{'config': {'a': 'x' 'y' z, 'b': 1, 'script': ['print ok', 'bro'ken', 'print fine'], 'c': }}",
        &[],
    );
    assert_eq!(codes(&c), ["EL001", "EL001", "EL001"]);
    // what parsed is still compiled
    assert_eq!(c.output.unwrap().policy["config"]["b"], json!(1));
}

#[test]
fn diagnostic_env_syntax_errors_recover_per_line() {
    let c = compile_with(
        "{'config': {}}",
        &["NODE_TYPE=operator\nBAD KEY=1\nset X=1\nGOOD=1"],
    );
    let syntax: Vec<_> = codes(&c).into_iter().filter(|c| *c == "EL002").collect();
    assert_eq!(syntax, ["EL002", "EL002"]);
    assert!(c.scope.env_layers().get("GOOD").is_some());
}

#[test]
fn diagnostic_script_syntax_error_points_into_the_line() {
    let c = compile_with(
        &policy_with_script(&["print a", "if !x == \"open then run b"]),
        &[OPERATOR_ENV],
    );
    assert_eq!(codes(&c), ["EL003"]);
    let d = &c.diagnostics[0];
    // the policy is JSON text, so the quote is written `\"`: the span starts at the escape
    assert!(c
        .sources
        .get(d.primary.span.file)
        .slice(d.primary.span)
        .starts_with("\\\""));
}

#[test]
fn every_rule_has_an_explain_page_with_bad_and_good_examples() {
    for rule in elpc::rules() {
        assert!(
            rule.explain.contains("Bad:") && rule.explain.contains("Good:"),
            "{}",
            rule.name
        );
        assert!(
            rule.code.starts_with("EL")
                && rule
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-')
        );
    }
}

#[test]
fn scope_records_node_variables_as_decided_at_boot() {
    let c = compile_with("{'config': {}}", &[OPERATOR_ENV]);
    assert!(matches!(
        c.scope.get("ip").unwrap().value,
        VarValue::AtBoot(_)
    ));
    assert_eq!(
        c.scope.get("io_buff_size").unwrap().value,
        VarValue::Known("2048".into())
    );
}

#[test]
fn note_level_env_findings_are_capped_per_file_with_a_count() {
    let env: String = (0..80).map(|i| format!("CUSTOM_KEY_{i}=x\n")).collect();
    let c = compile_with("{'config': {}}", &[&format!("NODE_TYPE=operator\n{env}")]);
    let unread: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.rule.code == "EL104")
        .collect();
    assert_eq!(unread.len(), 51, "50 listed and one closing count");
    assert!(
        unread.last().unwrap().message.starts_with("30 more keys"),
        "{}",
        unread.last().unwrap().message
    );
}
