//! The Kubernetes sample (`policies/kubernetes-operator/`) with `--scripts` on the vendored
//! deployment scripts (EdgeLake/deployment-scripts 45b830b), in both env layerings:
//!
//! - as shipped, `LOCAL_SCRIPTS` is the legacy `…/node-deployment` directory: interpreting
//!   `main.al` finds the stop (`Missing_script` for `!local_scripts/node-deployment/set_params.al`)
//!   at the `main.al` line and at the env line that set `LOCAL_SCRIPTS`;
//! - with `LOCAL_SCRIPTS` at the root of the checkout, the sample's own `process
//!   !local_scripts/policies/…` paths no longer exist, and elpc names the path that does;
//! - a policy whose paths resolve lists the commands its processed scripts run, each with its
//!   `.al` file and line as origin.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use elpc::disk::DiskFiles;
use elpc::{compile, Compilation, Input, Mapping, Options, PathMap};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn input(rel: &str) -> Input {
    Input {
        name: rel.rsplit('/').next().unwrap().to_string(),
        bytes: std::fs::read(root().join(rel)).unwrap(),
    }
}

fn with_scripts(policy: &str, extra_env: &[&str]) -> Compilation {
    let mut env: Vec<Input> = [
        "policies/kubernetes-operator/base_configs.env",
        "policies/kubernetes-operator/advance_configs.env",
        "policies/kubernetes-operator/docker-makefiles.env",
    ]
    .iter()
    .map(|p| input(p))
    .collect();
    env.extend(extra_env.iter().map(|p| input(p)));
    let scripts = root().join("tests/fixtures/deployment-scripts");
    // Options grows (#[non_exhaustive]): set fields on the default.
    let mut options = Options::default();
    options.path_map = PathMap {
        mappings: vec![Mapping {
            node_dir: "/app/deployment-scripts".into(),
            local_dir: scripts,
        }],
        files: Some(Arc::new(DiskFiles)),
    };
    options.scripts = Some("/app/deployment-scripts".into());
    compile(&input(policy), &env, &options)
}

/// Findings above notes, with where they point, their labels and help.
fn report(c: &Compilation) -> String {
    let mut out = String::new();
    let place = |span: elpc::Span| {
        let f = c.sources.get(span.file);
        let at = f.line_col(span.start);
        // Scripts read through the path map are named by their path here: show it from the
        // repository root, so the snapshot holds on every machine.
        let root = format!("{}/", root().display());
        let name = f.name().strip_prefix(root.as_str()).unwrap_or(f.name());
        format!("{name}:{}:{}", at.line, at.column)
    };
    for d in &c.diagnostics {
        if d.severity == elpc::Severity::Note || d.rule.code == "EL104" {
            continue;
        }
        writeln!(
            out,
            "{} {} {} {}",
            d.rule.code,
            d.severity.as_str(),
            place(d.primary.span),
            d.message
        )
        .unwrap();
        for l in &d.secondary {
            writeln!(out, "    also {}: {}", place(l.span), l.message).unwrap();
        }
        if let Some(h) = &d.help {
            writeln!(out, "    help: {h}").unwrap();
        }
    }
    out
}

#[test]
fn shipped_layering_stops_in_main_al_at_the_legacy_local_scripts() {
    let c = with_scripts("policies/kubernetes-operator/policy.policy", &[]);
    let stop = c
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "EL501")
        .expect("the stop in main.al");
    // Named by the file on this machine; the node's path stays on the file.
    let main_al = c.sources.get(stop.primary.span.file);
    assert_eq!(
        Path::new(main_al.name()),
        root().join("tests/fixtures/deployment-scripts/node-deployment/main.al")
    );
    assert!(Path::new(main_al.name()).is_file());
    assert_eq!(
        main_al.node_path(),
        Some("/app/deployment-scripts/node-deployment/main.al")
    );
    assert!(stop.notes.iter().any(
        |n| n == "the node runs this file as `/app/deployment-scripts/node-deployment/main.al`"
    ));
    assert!(stop
        .secondary
        .iter()
        .any(|l| c.sources.get(l.span.file).name() == "advance_configs.env"));
    insta::assert_snapshot!(report(&c));
}

#[test]
fn current_layout_reports_the_samples_legacy_process_paths() {
    let c = with_scripts(
        "policies/kubernetes-operator/policy.policy",
        &["tests/fixtures/kubernetes/current-layout.env"],
    );
    assert!(!c.diagnostics.iter().any(|d| d.rule.code == "EL501"));
    insta::assert_snapshot!(report(&c));
}

#[test]
fn a_policy_on_the_current_layout_lists_its_processed_scripts_commands() {
    let c = with_scripts(
        "tests/fixtures/kubernetes/current-layout.policy",
        &["tests/fixtures/kubernetes/current-layout.env"],
    );
    let out = c.output.as_ref().unwrap();
    let mut listing = String::new();
    for cmd in &out.commands {
        let f = c.sources.get(cmd.origin.file);
        let at = f.line_col(cmd.origin.start);
        let via = cmd.via.map(|v| {
            let at = c.sources.get(v.file).line_col(v.start);
            format!(" (via policy line {})", at.line)
        });
        writeln!(
            listing,
            "{}:{}{}{} | {}",
            f.name().rsplit('/').next().unwrap(),
            at.line,
            via.unwrap_or_default(),
            if cmd.condition.is_some() {
                " [some boot paths]"
            } else {
                ""
            },
            cmd.command
        )
        .unwrap();
    }
    assert!(out.commands.iter().any(|c2| c
        .sources
        .get(c2.origin.file)
        .name()
        .ends_with("node-deployment/policies/cluster_policy.al")));
    insta::assert_snapshot!(format!("{listing}\n{}", report(&c)));
}
