//! Kubernetes deployments (issue 12): Helm values and rendered manifests as env sources, the
//! `kubernetes` plan of `elpc compile`, and the rules that compare it with the policy.

use std::path::{Path, PathBuf};
use std::process::Command;

use elpc::{compile_deployment, Compilation, Input, Kubernetes, Options};
use serde_json::{json, Value as Json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn input(path: &Path) -> Input {
    Input {
        name: path
            .strip_prefix(root())
            .unwrap_or(path)
            .display()
            .to_string(),
        bytes: std::fs::read(path).unwrap(),
    }
}

const EXAMPLE: &str = "policies/kubernetes-operator";

/// `elpc compile` of the Kubernetes sample policy with these values files, as JSON.
fn compile_cli(policy: &str, args: &[&str]) -> Json {
    let out = Command::new(env!("CARGO_BIN_EXE_elpc"))
        .current_dir(root().join(EXAMPLE))
        .arg("compile")
        .arg(policy)
        .args(args)
        .args(["--quiet"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

/// What a reviewer reads in a snapshot: typed ports, servers, the plan, and every finding of
/// the Kubernetes rules and EL105 with where it points.
fn summary(doc: &Json) -> Json {
    let findings: Vec<Json> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            let code = d["code"].as_str().unwrap();
            code.starts_with("EL6") || code == "EL105"
        })
        .map(|d| {
            json!(format!(
                "{} {}:{}:{} {}",
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap_or(""),
                d["line"],
                d["column"],
                d["message"].as_str().unwrap()
            ))
        })
        .collect();
    let resolved = &doc["resolved"]["config"];
    json!({
        "ports": {
            "port": resolved["port"],
            "rest_port": resolved["rest_port"],
            "broker_port": resolved["broker_port"],
        },
        "servers": doc["servers"],
        "kubernetes": doc["kubernetes"],
        "findings": findings,
    })
}

#[test]
fn chart_values_then_mqtt_example_give_three_typed_ports_and_the_nodeport_plan() {
    let doc = compile_cli(
        "policy.policy",
        &["--values", "values.yaml", "--values", "mqtt-ingestion.yaml"],
    );
    let resolved = &doc["resolved"]["config"];
    assert_eq!(resolved["port"], 32148);
    assert_eq!(resolved["rest_port"], 32149);
    assert_eq!(resolved["broker_port"], 32150);
    let service = &doc["kubernetes"]["services"][0];
    assert_eq!(service["type"], "NodePort");
    assert_eq!(service["namespace"], "edgelake-iot");
    assert_eq!(service["ports"].as_array().unwrap().len(), 3);
    assert_eq!(
        doc["kubernetes"]["container_ports"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let legacy = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "EL105")
        .expect("the legacy LOCAL_SCRIPTS finding");
    assert_eq!(legacy["file"], "values.yaml");
    insta::assert_json_snapshot!(summary(&doc));
}

#[test]
fn chart_values_alone_neither_start_nor_expose_the_broker() {
    let doc = compile_cli("policy.policy", &["--values", "values.yaml"]);
    assert_eq!(doc["servers"]["broker"], Json::Null);
    let ports = doc["kubernetes"]["services"][0]["ports"]
        .as_array()
        .unwrap();
    assert!(
        ports.iter().all(|p| p["name"] != "mqtt-broker"),
        "{ports:?}"
    );
    insta::assert_json_snapshot!(summary(&doc));
}

fn compile_texts(policy: &str, values: &[&str], kube: impl FnOnce(&mut Kubernetes)) -> Compilation {
    let mut k = Kubernetes {
        values: vec![Ok(input(&root().join(EXAMPLE).join("values.yaml")))],
        ..Kubernetes::default()
    };
    for (i, v) in values.iter().enumerate() {
        k.values
            .push(Ok(Input::text(format!("override{i}.yaml"), *v)));
    }
    kube(&mut k);
    compile_deployment(
        Ok(Input::text("node.policy", policy)),
        &[],
        &k,
        &Options::default(),
    )
}

const PORTS_FROM_ENV: &str = "{'config': {'ip': '!external_ip', 'port': '!anylog_server_port.int', 'rest_port': '!anylog_rest_port.int'}}";

#[test]
fn node_ports_outside_the_range_are_errors_with_the_range() {
    let values = "metadata:\n  service_type: NodePort\nnode_configs:\n  networking:\n    ANYLOG_SERVER_PORT: 2048\n";
    let c = compile_texts(PORTS_FROM_ENV, &[values], |_| {});
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "EL606")
        .expect("node-port-out-of-range");
    assert!(d.message.contains("30000-32767"), "{}", d.message);
    assert_eq!(
        c.sources.get(d.primary.span.file).slice(d.primary.span),
        "2048"
    );
    // A cluster configured for low ports accepts it.
    let c = compile_texts(PORTS_FROM_ENV, &[values], |k| {
        k.node_port_range = (1024, 32767)
    });
    assert!(c.diagnostics.iter().all(|d| d.rule.code != "EL606"));
}

#[test]
fn a_literal_broker_port_the_service_does_not_expose_is_an_error() {
    let policy = "{'config': {'ip': '!external_ip', 'port': '!anylog_server_port.int', 'rest_port': '!anylog_rest_port.int', 'broker_port': 32150}}";
    let c = compile_texts(policy, &[], |_| {});
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "EL604")
        .expect("port-not-exposed");
    assert!(d.message.contains("32150"), "{}", d.message);
    // With the broker port set in the values, the Service exposes it.
    let values = "node_configs:\n  networking:\n    ANYLOG_BROKER_PORT: 32150\n";
    let c = compile_texts(policy, &[values], |_| {});
    assert!(c.diagnostics.iter().all(|d| d.rule.code != "EL604"));
}

fn corpus_values() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/k8s/values"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn every_corpus_values_file_is_read_and_non_values_files_get_one_finding() {
    let chart_values = Ok(input(
        &root().join("tests/k8s/edgelake-operator/values.yaml"),
    ));
    let mut report = String::new();
    for path in corpus_values() {
        let file = Ok(input(&path));
        // Alone, and after the chart's own values.yaml (Helm's order).
        for values in [vec![file.clone()], vec![chart_values.clone(), file.clone()]] {
            let k = Kubernetes {
                values,
                ..Kubernetes::default()
            };
            let c = compile_deployment(
                Ok(Input::text("p.policy", PORTS_FROM_ENV)),
                &[],
                &k,
                &Options::default(),
            );
            // One clear finding at most for a file elpc cannot use: not a values file (EL602),
            // or not YAML at all (EL601, which Helm refuses too).
            let unusable: Vec<_> = c
                .diagnostics
                .iter()
                .filter(|d| matches!(d.rule.code, "EL601" | "EL602"))
                .collect();
            assert!(unusable.len() <= 1, "{}: {unusable:?}", path.display());
        }
        let k = Kubernetes {
            values: vec![chart_values.clone(), file.clone()],
            ..Kubernetes::default()
        };
        let c = compile_deployment(
            Ok(Input::text("p.policy", PORTS_FROM_ENV)),
            &[],
            &k,
            &Options::default(),
        );
        let name = path.file_name().unwrap().to_string_lossy();
        let codes: Vec<&str> = c
            .diagnostics
            .iter()
            .filter(|d| d.rule.code.starts_with("EL6"))
            .map(|d| d.rule.code)
            .collect();
        let env = c.scope.env_layers();
        report.push_str(&format!(
            "{name}\n  NODE_NAME={:?} ANYLOG_SERVER_PORT={:?} ANYLOG_BROKER_PORT={:?}\n  findings: {codes:?}\n",
            env.get("NODE_NAME").map(|v| v.value.as_str()),
            env.get("ANYLOG_SERVER_PORT").map(|v| v.value.as_str()),
            env.get("ANYLOG_BROKER_PORT").map(|v| v.value.as_str()),
        ));
        for d in c
            .diagnostics
            .iter()
            .filter(|d| matches!(d.rule.code, "EL601" | "EL602" | "EL603"))
        {
            report.push_str(&format!("  {}: {}\n", d.rule.code, d.message));
        }
    }
    insta::assert_snapshot!(report);
}

#[test]
fn rendered_manifests_give_the_same_env_and_plan_as_the_values_files() {
    let policy = Ok(input(&root().join(EXAMPLE).join("policy.policy")));
    let example = root().join(EXAMPLE);
    let from_values = compile_deployment(
        policy.clone(),
        &[],
        &Kubernetes {
            values: vec![
                Ok(input(&example.join("values.yaml"))),
                Ok(input(&example.join("mqtt-ingestion.yaml"))),
            ],
            ..Kubernetes::default()
        },
        &Options::default(),
    );
    let from_manifest = compile_deployment(
        policy.clone(),
        &[],
        &Kubernetes {
            manifests: vec![Ok(input(
                &root().join("tests/k8s/rendered-mqtt-ingestion.yaml"),
            ))],
            ..Kubernetes::default()
        },
        &Options::default(),
    );
    let env = |c: &Compilation| -> Vec<(String, String)> {
        let mut v: Vec<_> = c
            .scope
            .env_layers()
            .iter()
            .map(|v| (v.name.clone(), v.value.clone()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(env(&from_values), env(&from_manifest));
    let plan = plan_without_provenance;
    assert_eq!(plan(&from_values), plan(&from_manifest));
    let servers = |c: &Compilation| c.output.as_ref().unwrap().servers.to_json();
    assert_eq!(servers(&from_values), servers(&from_manifest));
}

#[test]
fn secrets_in_manifests_are_env_and_stay_masked() {
    let manifest = "apiVersion: v1\nkind: Secret\nmetadata: {name: node-secrets}\ndata:\n  MQTT_PASSWD: bXF0dC1wYXNzd29yZA==\n---\nkind: ConfigMap\nmetadata: {name: cm}\ndata:\n  NODE_TYPE: operator\n  DB_PASSWD: hunter2\n---\nkind: Deployment\nspec:\n  template:\n    metadata: {labels: {app: n}}\n    spec:\n      containers:\n      - name: n\n        envFrom:\n        - configMapRef: {name: cm}\n        - secretRef: {name: node-secrets}\n---\nkind: Service\nmetadata: {name: other}\nspec:\n  selector: {app: elsewhere}\n  ports: [{port: 32148}]\n";
    let k = Kubernetes {
        manifests: vec![Ok(Input::text("rendered.yaml", manifest))],
        ..Kubernetes::default()
    };
    let c = compile_deployment(
        Ok(Input::text("p.policy", PORTS_FROM_ENV)),
        &[],
        &k,
        &Options::default(),
    );
    assert_eq!(
        c.scope.env_layers().get("MQTT_PASSWD").unwrap().value,
        "mqtt-password"
    );
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.rule.code).collect();
    // The ConfigMap's password is a finding, the Secret's is not; the Service selects nothing.
    assert_eq!(
        codes.iter().filter(|c| **c == "EL609").count(),
        1,
        "{codes:?}"
    );
    assert!(codes.contains(&"EL610"), "{codes:?}");
    // compile_deployment masked them already: Options::show_secrets is off by default.
    let text = c
        .sources
        .iter()
        .map(|(_, f)| f.text().to_string())
        .collect::<String>();
    assert!(!text.contains("bXF0dC1wYXNzd29yZA") && !text.contains("hunter2"));
}

fn chart_files() -> elpc::ChartFiles {
    let dir = root().join("tests/k8s/edgelake-operator");
    let mut templates: Vec<PathBuf> = std::fs::read_dir(dir.join("templates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    templates.sort();
    elpc::ChartFiles {
        chart_yaml: Some(Ok(input(&dir.join("Chart.yaml")))),
        templates: templates.iter().map(|p| Ok(input(p))).collect(),
    }
}

/// The built-in data of the edgelake-operator chart is pinned to the chart's own templates:
/// for the chart's values and every corpus values file written for it, rendering the
/// templates (`--chart`) and applying the data give the same env, servers and plan.
#[test]
fn built_in_chart_data_matches_rendering_the_chart_templates() {
    let chart_values = Ok(input(
        &root().join("tests/k8s/edgelake-operator/values.yaml"),
    ));
    let policy = Ok(input(&root().join(EXAMPLE).join("policy.policy")));
    let mut compared = 0;
    for path in corpus_values() {
        let values = vec![chart_values.clone(), Ok(input(&path))];
        let builtin = Kubernetes {
            values: values.clone(),
            ..Kubernetes::default()
        };
        let rendered = Kubernetes {
            values,
            chart: Some(chart_files()),
            ..Kubernetes::default()
        };
        let a = compile_deployment(policy.clone(), &[], &builtin, &Options::default());
        let b = compile_deployment(policy.clone(), &[], &rendered, &Options::default());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let unusable = |c: &Compilation| {
            c.diagnostics
                .iter()
                .any(|d| matches!(d.rule.code, "EL601" | "EL602"))
        };
        if unusable(&a) {
            assert!(unusable(&b), "{name}");
            continue;
        }
        let env = |c: &Compilation| -> Vec<(String, String)> {
            let mut v: Vec<_> = c
                .scope
                .env_layers()
                .iter()
                .map(|v| (v.name.clone(), v.value.clone()))
                .collect();
            v.sort();
            v
        };
        assert_eq!(env(&a), env(&b), "{name}");
        let plan = plan_without_provenance;
        assert_eq!(plan(&a), plan(&b), "{name}");
        let codes = |c: &Compilation| {
            let mut v: Vec<&str> = c.diagnostics.iter().map(|d| d.rule.code).collect();
            v.sort();
            v
        };
        assert_eq!(codes(&a), codes(&b), "{name}");
        compared += 1;
    }
    assert!(compared >= 6, "{compared}");
}

/// `values = [...]` in an `elpc.toml` group, and hostile values files through the CLI: an
/// alias bomb and deep nesting are one EL601 each, not a blow-up.
#[test]
fn elpc_toml_values_and_hostile_values_files() {
    let dir = tempfile::tempdir().unwrap();
    let chart = std::fs::read_to_string(root().join(EXAMPLE).join("values.yaml")).unwrap();
    std::fs::write(dir.path().join("values.yaml"), chart).unwrap();
    std::fs::write(
        dir.path().join("node.yaml"),
        "metadata:\n  service_type: NodePort\nnode_configs:\n  networking:\n    ANYLOG_SERVER_PORT: 2048\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("elpc.toml"),
        "[[policies]]\nfiles = [\"*.policy\"]\nvalues = [\"values.yaml\", \"node.yaml\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("node.policy"), PORTS_FROM_ENV).unwrap();
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let items = vec![format!("*a{}", i - 1); 10].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    std::fs::write(dir.path().join("bomb.yaml"), bomb).unwrap();
    let deep = (0..200)
        .map(|i| format!("{}k:\n", "  ".repeat(i)))
        .collect::<String>();
    std::fs::write(dir.path().join("deep.yaml"), deep).unwrap();
    let check = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_elpc"))
            .current_dir(dir.path())
            .args(["check", "node.policy", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        let doc: Json = serde_json::from_slice(&out.stdout).unwrap();
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(check(&[]).contains(&"EL606".to_string()));
    for hostile in ["bomb.yaml", "deep.yaml"] {
        let codes = check(&["--values", "values.yaml", "--values", hostile]);
        assert_eq!(
            codes.iter().filter(|c| *c == "EL601").count(),
            1,
            "{hostile}: {codes:?}"
        );
    }
}

/// The `kubernetes` plan without what differs by design between the ways in: which chart
/// data or file gave it, and where each env value was written (a values line, a manifest
/// line, a template line). What the container gets and the Service must not differ.
fn plan_without_provenance(c: &Compilation) -> Json {
    let mut p = c.to_json()["kubernetes"].clone();
    let map = p.as_object_mut().unwrap();
    map.remove("chart");
    map.remove("derived_from");
    for var in map["env"].as_array_mut().unwrap() {
        let var = var.as_object_mut().unwrap();
        var.remove("set_at");
        var.remove("overrides");
    }
    p
}

/// The help of EL105 (`local-scripts-legacy-layout`) for the compilation's finding.
fn legacy_layout_help(c: &Compilation) -> String {
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "EL105")
        .expect("local-scripts-legacy-layout");
    d.help.as_deref().unwrap_or_default().to_string()
}

#[test]
fn the_legacy_local_scripts_fix_is_written_in_the_words_of_the_file_that_set_it() {
    // The chart's values.yaml: the values key path, not the env-file form.
    let c = compile_texts(PORTS_FROM_ENV, &[], |_| {});
    assert_eq!(
        legacy_layout_help(&c),
        "set `node_configs.directories.LOCAL_SCRIPTS: /app/deployment-scripts` (the root of the deployment-scripts repository)"
    );
    // A later values file in flow style wins, and the help names its key path.
    let flow = "node_configs: {directories: {LOCAL_SCRIPTS: /opt/scripts/node-deployment/}}\n";
    let c = compile_texts(PORTS_FROM_ENV, &[flow], |_| {});
    assert!(
        legacy_layout_help(&c)
            .starts_with("set `node_configs.directories.LOCAL_SCRIPTS: /opt/scripts`"),
        "{}",
        legacy_layout_help(&c)
    );
    // A rendered manifest: the container's `env` entry.
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: node\nspec:\n  template:\n    spec:\n      containers:\n        - name: node\n          env:\n            - name: NODE_TYPE\n              value: operator\n            - name: LOCAL_SCRIPTS\n              value: /app/deployment-scripts/node-deployment\n";
    let c = compile_deployment(
        Ok(Input::text("node.policy", PORTS_FROM_ENV)),
        &[],
        &Kubernetes {
            manifests: vec![Ok(Input::text("node.yaml", manifest))],
            ..Kubernetes::default()
        },
        &Options::default(),
    );
    assert!(
        legacy_layout_help(&c).starts_with(
            "set `spec.template.spec.containers[0].env[1].value: /app/deployment-scripts`"
        ),
        "{}",
        legacy_layout_help(&c)
    );
    // An env file keeps the env-file form.
    let c = compile_deployment(
        Ok(Input::text("node.policy", PORTS_FROM_ENV)),
        &[Ok(Input::text(
            "advance_configs.env",
            "NODE_TYPE=operator\nLOCAL_SCRIPTS=/app/deployment-scripts/node-deployment\n",
        ))],
        &Kubernetes::default(),
        &Options::default(),
    );
    assert!(
        legacy_layout_help(&c).starts_with("set LOCAL_SCRIPTS=/app/deployment-scripts "),
        "{}",
        legacy_layout_help(&c)
    );
}

#[test]
fn manifests_on_standard_input_reach_every_policy_checked() {
    // `--manifest -` with two policies: standard input is read once and both get the pod's
    // env (a second read found it empty and reported EL602 "no workload" on the second).
    use std::io::Write as _;
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let policy = std::fs::read(root().join(EXAMPLE).join("policy.policy")).unwrap();
    for name in ["a.policy", "b.policy"] {
        std::fs::write(dir.path().join(name), &policy).unwrap();
    }
    let manifest = std::fs::read(root().join("tests/k8s/rendered-mqtt-ingestion.yaml")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_elpc"))
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "json",
            "--manifest",
            "-",
            "a.policy",
            "b.policy",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&manifest).unwrap();
    let out = child.wait_with_output().unwrap();
    let doc: Json = serde_json::from_slice(&out.stdout).unwrap();
    let codes = |file: &str| -> Vec<String> {
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"] == file)
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(!codes("a.policy").is_empty(), "{doc}");
    assert!(!codes("b.policy").contains(&"EL602".to_string()), "{doc}");
    assert_eq!(codes("a.policy"), codes("b.policy"));
}
