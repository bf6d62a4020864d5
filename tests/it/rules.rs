//! Every rule, tested on its own cases: `tests/cases/<rule-name>/bad-*.policy` must raise the
//! rule, `good-*.policy` must not. A case may have an env file beside it (`<case>.env`), or be
//! a directory with `policy.policy`, env files and `env.list` (their layering order). A
//! `bad-*.al` / `good-*.al` case is a script, checked as `elpc check FILE.al` does. A
//! `<case>.toml` beside a case is its `elpc.toml`: its `[lint]` levels apply. The findings of
//! each rule's cases are snapshotted.
//!
//! Kubernetes cases: `<case>.values.yaml` is a Helm values file given after the chart's own
//! `tests/k8s/edgelake-operator/values.yaml` (Helm always reads that first), and
//! `<case>.manifest.yaml` a rendered manifest.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use elpc::config::Config;
use elpc::disk::DiskFiles;
use elpc::{
    compile_deployment, Compilation, Input, Kubernetes, LintLevels, Mapping, Options, PathMap,
};

struct Case {
    name: String,
    policy: PathBuf,
    env: Vec<PathBuf>,
    path_map: Vec<Mapping>,
    values: Option<PathBuf>,
    manifest: Option<PathBuf>,
}

fn path_map_of(policy: &Path) -> Vec<Mapping> {
    let dir = policy.parent().unwrap();
    std::fs::read_to_string(policy.with_extension("pathmap"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut m = Mapping::parse(l).unwrap();
            m.local_dir = dir.join(&m.local_dir);
            m
        })
        .collect()
}

fn input(root: &Path, path: &Path) -> Input {
    Input {
        name: path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string(),
        bytes: std::fs::read(path).unwrap(),
    }
}

fn cases(dir: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() && path.join("policy.policy").exists() {
            let list = std::fs::read_to_string(path.join("env.list")).unwrap_or_default();
            out.push(Case {
                name,
                policy: path.join("policy.policy"),
                env: list
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(|l| path.join(l))
                    .collect(),
                path_map: Vec::new(),
                values: None,
                manifest: None,
            });
        } else if path.extension().is_some_and(|e| e == "policy" || e == "al") {
            let env = path.with_extension("env");
            let beside = |ext: &str| Some(path.with_extension(ext)).filter(|p| p.exists());
            out.push(Case {
                values: beside("values.yaml"),
                manifest: beside("manifest.yaml"),
                name,
                path_map: path_map_of(&path),
                policy: path.clone(),
                env: if env.exists() { vec![env] } else { vec![] },
            });
        }
    }
    out
}

/// The `[lint]` levels of `<case>.toml` (an `elpc.toml` for that case), if there is one.
fn levels_of(root: &Path, policy: &Path) -> LintLevels {
    let toml = policy.with_extension("toml");
    match std::fs::read_to_string(&toml) {
        Ok(text) => {
            Config::parse(&text, toml.strip_prefix(root).unwrap())
                .unwrap()
                .lint
        }
        Err(_) => LintLevels::default(),
    }
}

fn run(root: &Path, case: &Case) -> Compilation {
    let env: Vec<Input> = case.env.iter().map(|p| input(root, p)).collect();
    let mut options = Options::default();
    options.path_map = PathMap {
        mappings: case.path_map.clone(),
        files: Some(Arc::new(DiskFiles)),
    };
    options.levels = levels_of(root, &case.policy);
    let main = input(root, &case.policy);
    if elpc::is_script(&main.name) {
        return elpc::compile_script(&main, &env, &options);
    }
    let mut kubernetes = Kubernetes::default();
    if let Some(values) = &case.values {
        let chart = root.join("../k8s/edgelake-operator/values.yaml");
        kubernetes.values = vec![Ok(input(root, &chart)), Ok(input(root, values))];
    }
    kubernetes
        .manifests
        .extend(case.manifest.iter().map(|m| Ok(input(root, m))));
    let env: Vec<_> = env.into_iter().map(Ok).collect();
    compile_deployment(Ok(main), &env, &kubernetes, &options)
}

#[test]
fn every_rule_fires_on_its_bad_cases_and_only_there() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut covered = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let rule_name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let rule = elpc::find_rule(&rule_name)
            .unwrap_or_else(|| panic!("tests/cases/{rule_name}: no such rule"));
        covered.push(rule.code);
        let mut report = String::new();
        let (mut bad, mut good) = (0, 0);
        for case in cases(&dir) {
            let c = run(&root, &case);
            let fired = c.diagnostics.iter().any(|d| d.rule.name == rule.name);
            if case.name.starts_with("bad") {
                bad += 1;
                assert!(
                    fired,
                    "{rule_name}/{}: expected {}, got {:?}",
                    case.name,
                    rule.code,
                    codes(&c)
                );
            } else {
                good += 1;
                assert!(
                    !fired,
                    "{rule_name}/{}: {} fired on a good case",
                    case.name, rule.code
                );
            }
            writeln!(report, "## {}", case.name).unwrap();
            for d in &c.diagnostics {
                let file = c.sources.get(d.primary.span.file);
                let at = file.line_col(d.primary.span.start);
                // A script read through the path map is named by its path here.
                let name = Path::new(file.name())
                    .strip_prefix(&root)
                    .map_or(file.name().to_string(), |p| p.display().to_string());
                writeln!(
                    report,
                    "{} {} {}:{}:{} {}",
                    d.rule.code,
                    d.severity.as_str(),
                    name,
                    at.line,
                    at.column,
                    d.message
                )
                .unwrap();
                if let Some(h) = &d.help {
                    writeln!(report, "    help: {h}").unwrap();
                }
            }
        }
        assert!(
            bad >= 1 && good >= 1,
            "{rule_name}: needs at least one bad and one good case"
        );
        insta::assert_snapshot!(rule_name, report);
    }
    for rule in elpc::rules() {
        assert!(
            covered.contains(&rule.code),
            "{} ({}) has no cases in tests/cases",
            rule.name,
            rule.code
        );
    }
}

fn codes(c: &Compilation) -> Vec<&str> {
    c.diagnostics.iter().map(|d| d.rule.code).collect()
}
