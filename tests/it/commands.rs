//! The command catalog rules (EL401–EL412): a bad and a good case for each (§6, §3.5, §2.7),
//! the structured `catalog`/`args` of the command list, `--target`, and `--path-map` on the
//! Kubernetes example against a directory laid out like the deployment scripts.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::common::*;
use elpc::{compile, Compilation, Input, LocalFiles, Mapping, Options, PathMap, Target};
use serde_json::json;

/// Compiles one script line for an operator.
fn line(text: &str) -> Compilation {
    compile_with(&policy_with_script(&[text]), &[OPERATOR_ENV])
}

/// The codes of the diagnostics in the 4xx range.
fn codes4(c: &Compilation) -> Vec<&'static str> {
    codes(c)
        .into_iter()
        .filter(|c| c.starts_with("EL4"))
        .collect()
}

fn assert_rule(bad: &str, good: &str, code: &str) {
    let c = line(bad);
    assert!(codes4(&c).contains(&code), "{bad}: {:?}", codes(&c));
    let c = line(good);
    assert!(!codes4(&c).contains(&code), "{good}: {:?}", codes(&c));
}

#[test]
fn s6_unknown_command_with_did_you_mean() {
    assert_rule("run schedular 1", "run scheduler 1", "EL401");
    let c = line("run schedular 1");
    let d = &c.diagnostics[0];
    assert_eq!(d.help.as_deref(), Some("did you mean `run scheduler`?"));
    assert_eq!(
        c.sources.get(d.primary.span.file).slice(d.primary.span),
        "run schedular"
    );
}

#[test]
fn s6_anylog_only_commands_fail_on_edgelake() {
    assert_rule("run data distributor", "run scheduler 1", "EL402");
    for cmd in [
        "run mcp server",
        "set authentication off",
        "set aggregation where dbms=x",
    ] {
        assert!(codes4(&line(cmd)).contains(&"EL402"), "{cmd}");
    }
    let mut opts = Options::default();
    opts.target = Target::AnyLog;
    let c = compile(
        &Input::text("p.policy", policy_with_script(&["run data distributor"])),
        &[],
        &opts,
    );
    assert!(!codes4(&c).contains(&"EL402"));
}

#[test]
fn s8_guarded_lines_fail_only_when_their_condition_holds() {
    let env = format!("{OPERATOR_ENV}ENABLE_HA=false\n");
    let c = compile_with(
        &policy_with_script(&["if !enable_ha == true then run data distributor"]),
        &[&env],
    );
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "EL402")
        .unwrap();
    assert_eq!(d.severity.as_str(), "warning");
    assert!(d.notes.iter().any(|n| n.contains("`!enable_ha == true`")));
    let env = format!("{OPERATOR_ENV}ENABLE_HA=true\n");
    let c = compile_with(
        &policy_with_script(&["if !enable_ha == true then run data distributor"]),
        &[&env],
    );
    assert_eq!(c.diagnostics[0].severity.as_str(), "error");
}

#[test]
fn s3_5_unknown_missing_and_duplicate_where_keys() {
    assert_rule(
        "run blockchain sync where source=master and time=30 seconds and dest=file and conection=1.2.3.4:1",
        "run blockchain sync where source=master and time=30 seconds and dest=file and connection=1.2.3.4:1",
        "EL403",
    );
    assert_rule(
        "run blockchain sync where source=master and time=30 seconds",
        "run blockchain sync where source=master and time=30 seconds and dest=file",
        "EL404",
    );
    assert_rule(
        "run operator where policy=a and threads=3 and threads=4",
        "run operator where policy=a and threads=3",
        "EL405",
    );
    // `dest` may repeat
    assert!(codes4(&line(
        "run blockchain sync where source=master and time=30 seconds and dest=file and dest=dbms"
    ))
    .iter()
    .all(|c| *c != "EL405"));
    assert_rule(
        "set buffer threshold where dbms=x",
        "set buffer threshold where volume=10KB",
        "EL404",
    );
}

#[test]
fn s3_5_values_are_typed() {
    assert_rule(
        "set buffer threshold where time=60 and volume=10KB",
        "set buffer threshold where time=60 seconds and volume=10KB",
        "EL406",
    );
    assert_rule(
        "run operator where policy=a and threads=11",
        "run operator where policy=a and threads=10",
        "EL406",
    );
    for bad in [
        "set buffer threshold where volume=10 KB",
        "run tcp server where external_port=32148 and bind=yes",
        "run operator where policy=a and master_node=10.0.0.1",
        "schedule time=1 week task run scheduler 1",
    ] {
        assert!(codes4(&line(bad)).contains(&"EL406"), "{bad}");
    }
}

#[test]
fn s3_4_undefined_variable_in_a_where_clause_says_the_line_fails() {
    let c = line("run operator where policy=!nope");
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "EL201")
        .unwrap();
    assert!(d.notes.iter().any(|n| n.contains("fails")), "{:?}", d.notes);
    assert!(!codes4(&c).contains(&"EL406"));
}

#[test]
fn s2_7_control_flow_and_ampersand() {
    assert_rule("else process x.al", "if !x then process x.al", "EL408");
    for bad in [
        "goto end",
        "end script",
        "exit scripts",
        "do run scheduler 1",
        "print a & print b",
    ] {
        assert!(codes4(&line(bad)).contains(&"EL408"), "{bad}");
    }
}

#[test]
fn s4_2_if_without_then() {
    assert_rule(
        "if !x != true goto missing",
        "if !x != true then goto missing",
        "EL409",
    );
    let c = line("if !x != true process a.al");
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "EL409")
        .unwrap();
    assert_eq!(
        c.sources.get(d.primary.span.file).slice(d.primary.span),
        "process"
    );
}

#[test]
fn s2_6_ignored_parameters() {
    assert_rule(
        "run tcp server where external_ip=1.2.3.4 and external_port=32148 and threads=3",
        "run tcp server where external_ip=1.2.3.4 and external_port=32148",
        "EL410",
    );
    assert_rule(
        "set buffer threshold where dbms=x and time=60 seconds",
        "set buffer threshold where time=60 seconds",
        "EL410",
    );
}

#[test]
fn s2_7_not_idempotent_is_one_note() {
    let c = compile_with(
        &policy_with_script(&["run scheduler 1", "run streamer", "print x"]),
        &[OPERATOR_ENV],
    );
    assert_eq!(codes4(&c), ["EL411"]);
    assert_eq!(c.diagnostics[0].severity.as_str(), "note");
    assert_eq!(c.diagnostics[0].secondary.len(), 1);
    assert!(codes4(&line("print x")).is_empty());
}

#[test]
fn s2_7_not_idempotent_lists_a_few_places_and_counts_the_rest() {
    let script: Vec<&str> = std::iter::repeat_n("run scheduler 1", 20).collect();
    let c = compile_with(&policy_with_script(&script), &[OPERATOR_ENV]);
    assert_eq!(codes4(&c), ["EL411"]);
    let d = &c.diagnostics[0];
    // The first command is the finding's place; eight more are shown, eleven counted.
    assert_eq!(d.secondary.len(), 8);
    assert!(
        d.notes.iter().any(|n| n == "11 more commands like these"),
        "{:?}",
        d.notes
    );
}

#[test]
fn s6_command_structure() {
    assert_rule(
        "run operator policy=a",
        "run operator where policy=a",
        "EL412",
    );
    assert_rule("set node name a b", "set node name a", "EL412");
    assert_rule("run scheduler one", "run scheduler 1", "EL412");
}

#[test]
fn commands_carry_catalog_and_typed_args() {
    let c = line("run blockchain sync where source=master and time=30 seconds and dest=file and connection=!ledger_conn");
    let out = c.output.unwrap();
    let cmd = out.commands.last().unwrap();
    assert_eq!(cmd.catalog, Some("run blockchain sync"));
    assert_eq!(
        cmd.args,
        json!({"source": "master", "time": {"value": 30, "unit": "seconds"}, "dest": ["file"], "connection": "!ledger_conn"})
    );
    let c = line("x = 5");
    assert_eq!(
        c.output.unwrap().commands.last().unwrap().catalog,
        Some("assignment")
    );
    let c = line("frobnicate now");
    assert_eq!(c.output.unwrap().commands.last().unwrap().catalog, None);
}

/// The file system of a temporary directory.
struct RealFiles;
impl LocalFiles for RealFiles {
    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
}

/// A directory laid out like EdgeLake/deployment-scripts (empty files, names from the corpus).
fn deployment_scripts() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let list =
        std::fs::read_to_string(root.join("tests/corpus/deployment-scripts-files.txt")).unwrap();
    for rel in list.lines().filter(|l| !l.is_empty()) {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "").unwrap();
    }
    dir
}

fn kubernetes(path_map: PathMap) -> Compilation {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies/kubernetes-operator");
    let read = |f: &str| Input {
        name: f.to_string(),
        bytes: std::fs::read(dir.join(f)).unwrap(),
    };
    let env: Vec<Input> = [
        "base_configs.env",
        "advance_configs.env",
        "docker-makefiles.env",
    ]
    .iter()
    .map(|f| read(f))
    .collect();
    let mut options = Options::default();
    options.path_map = path_map;
    compile(&read("policy.policy"), &env, &options)
}

#[test]
fn s8_kubernetes_sample_with_path_map() {
    let scripts = deployment_scripts();
    let mapping = Mapping::parse(&format!(
        "/app/deployment-scripts={}",
        scripts.path().display()
    ))
    .unwrap();
    let c = kubernetes(PathMap {
        mappings: vec![mapping],
        files: Some(Arc::new(RealFiles)),
    });
    let messages: Vec<String> = c
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.rule.code, d.message))
        .collect();
    let has = |s: &str| messages.iter().any(|m| m.contains(s));
    assert!(
        has("EL402 `run data distributor` exists on AnyLog"),
        "{messages:#?}"
    );
    assert!(has("EL402 `run data consumer` exists on AnyLog"));
    assert!(has("EL201 `!start_data` is not defined"));
    assert!(has("EL407 `/app/deployment-scripts/node-deployment/policies/config_threashold.al` does not exist"));
    let typo = c
        .diagnostics
        .iter()
        .find(|d| d.message.contains("deployment-scrpts"))
        .expect("the directory typo is reported");
    assert!(typo
        .help
        .as_deref()
        .unwrap()
        .contains("/app/deployment-scripts"));
    assert_eq!(typo.suggestions[0].replacement, "deployment-scripts");
    assert_eq!(
        c.sources
            .get(typo.suggestions[0].span.file)
            .slice(typo.suggestions[0].span),
        "deployment-scrpts"
    );
    // files that exist are not reported
    assert!(!has("deploy_database.al"));
    // without --path-map nothing is checked
    let c = kubernetes(PathMap::default());
    assert!(!codes(&c).contains(&"EL407"));
}
