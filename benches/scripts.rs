//! What `--scripts` costs (issue 10): one compile of the operator example with the node
//! variables derived by interpreting the deployment scripts' `main.al` + `set_params.al`,
//! against the same compile with the built-in profile, timed interleaved in the same run; and
//! a policy whose `process` lines are followed (the Kubernetes sample on the current layout).
//! The scripts are served from memory, so the figures are the interpreter's, not the disk's.
//!
//! Run with `cargo bench --bench scripts`; the `report:` lines give the figures.

use std::collections::HashMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use elpc::{compile, Input, LocalFiles, Mapping, Options, PathMap};

/// The vendored deployment scripts, read once.
struct Mem(HashMap<PathBuf, Vec<u8>>);

impl LocalFiles for Mem {
    fn is_file(&self, path: &Path) -> bool {
        self.0.contains_key(path)
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.0.keys().any(|p| p.starts_with(path) && p != path)
    }
    fn read(&self, path: &Path) -> Option<Vec<u8>> {
        self.0.get(path).cloned()
    }
}

fn load(dir: &Path, into: &mut HashMap<PathBuf, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            load(&path, into);
        } else {
            into.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn input(rel: &str) -> Input {
    Input {
        name: rel.to_string(),
        bytes: std::fs::read(root().join(rel)).unwrap(),
    }
}

fn options(scripts: bool) -> Options {
    let dir = root().join("tests/fixtures/deployment-scripts");
    let mut files = HashMap::new();
    load(&dir, &mut files);
    // Options grows (#[non_exhaustive]): set fields on the default.
    let mut options = Options::default();
    options.path_map = PathMap {
        mappings: vec![Mapping {
            node_dir: "/app/deployment-scripts".into(),
            local_dir: dir,
        }],
        files: Some(Arc::new(Mem(files))),
    };
    options.scripts = scripts.then(|| "/app/deployment-scripts".into());
    options
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Both closures run alternately for `budget`, so both see the same machine load.
fn interleaved(budget: Duration, mut a: impl FnMut(), mut b: impl FnMut()) -> (Duration, Duration) {
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    let start = Instant::now();
    while ta.len() < 5 || start.elapsed() < budget {
        let t = Instant::now();
        a();
        ta.push(t.elapsed());
        let t = Instant::now();
        b();
        tb.push(t.elapsed());
    }
    (median(&mut ta), median(&mut tb))
}

fn scripts(c: &mut Criterion) {
    let env: Vec<Input> = [
        "policies/operator/base_configs.env",
        "policies/operator/advance_configs.env",
        "policies/operator/docker-makefiles.env",
    ]
    .iter()
    .map(|p| input(p))
    .chain([Input::text(
        "current-layout.env",
        "LOCAL_SCRIPTS=/app/deployment-scripts\n",
    )])
    .collect();
    let (plain, derived) = (options(false), options(true));
    let cases = [
        ("operator example", input("policies/operator/policy.policy")),
        (
            "kubernetes sample, current layout",
            input("tests/fixtures/kubernetes/current-layout.policy"),
        ),
    ];
    for (label, policy) in &cases {
        let mut g = c.benchmark_group(format!("scripts/{label}"));
        g.bench_function("compile", |b| {
            b.iter(|| black_box(compile(policy, &env, &plain)))
        });
        g.bench_function("compile --scripts", |b| {
            b.iter(|| black_box(compile(policy, &env, &derived)))
        });
        g.finish();
        let (without, with) = interleaved(
            Duration::from_secs(3),
            || {
                black_box(compile(policy, &env, &plain));
            },
            || {
                black_box(compile(policy, &env, &derived));
            },
        );
        println!(
            "report: scripts/{label}: compile {:.3} ms, with --scripts {:.3} ms: +{:.3} ms per compile, {:.2}x (target: at most +5 ms)",
            without.as_secs_f64() * 1e3,
            with.as_secs_f64() * 1e3,
            (with.as_secs_f64() - without.as_secs_f64()) * 1e3,
            with.as_secs_f64() / without.as_secs_f64(),
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = scripts
}
criterion_main!(benches);
