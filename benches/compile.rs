//! elpc benchmarks: `throughput`, `corpus_like`, `end_to_end`, `scaling`, `fleet`, `editor`
//! (issues 6, 13) and `kubernetes` (issue 12).
//!
//! Criterion times each case; after each group a `report:` line gives the figures that matter
//! as ratios to a baseline timed in the same run, interleaved with elpc so both see the same
//! machine load. Run with `cargo bench --bench compile` (or `-- throughput` for one group);
//! `benches/README.md` records the figures.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use elpc::render::human;
use elpc::{compile, compile_deployment, ChartFiles, Input, Kubernetes, Options};

mod support;
use support::{
    corpus, corpus_script_lines, examples, floor_texts, human_bytes, interleaved, json_twin,
    peak_bytes, run_process, synthetic_env, synthetic_policy, write_inputs, write_on_disk, Case,
    CountingAlloc,
};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn parse_floor(texts: &[String]) {
    for t in texts {
        black_box(serde_json::from_str::<serde_json::Value>(t).ok());
    }
}

/// Says so when a JSON twin does not parse (the floor would then be too cheap to mean much).
fn check_floors(label: &str, texts: &[String]) {
    for t in texts {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(t) {
            println!("report: {label}: WARNING a JSON twin does not parse ({e}); the floor is understated");
        }
    }
}

/// Whether a group runs: criterion filters only its own benchmark functions, so the report
/// code of each group asks here (`cargo bench --bench compile -- corpus_like` runs that group).
fn selected(group: &str) -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    filters.is_empty()
        || filters
            .iter()
            .any(|f| group.contains(f.as_str()) || f.starts_with(group))
}

fn compile_all(cases: &[Case]) {
    for c in cases {
        black_box(c.compile());
    }
}

/// Every example and corpus policy with its env files, against serde_json on the same content.
fn throughput(c: &mut Criterion) {
    if !selected("throughput") {
        return;
    }
    for (label, cases) in [("examples", examples()), ("corpus", corpus())] {
        let bytes: usize = cases.iter().map(Case::bytes).sum();
        let floors: Vec<String> = cases.iter().flat_map(floor_texts).collect();
        check_floors(label, &floors);
        let floor_bytes: usize = floors.iter().map(String::len).sum();
        let mut g = c.benchmark_group(format!("throughput/{label}"));
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function("elpc compile", |b| b.iter(|| compile_all(&cases)));
        g.throughput(Throughput::Bytes(floor_bytes as u64));
        g.bench_function("serde_json floor", |b| b.iter(|| parse_floor(&floors)));
        g.finish();
        let (elpc, floor) = interleaved(
            Duration::from_secs(3),
            || compile_all(&cases),
            || parse_floor(&floors),
        );
        let secs = elpc.as_secs_f64();
        println!(
            "report: throughput/{label}: {} policies, {} input; elpc {:.3} ms = {:.1} MB/s, {:.0} policies/s; serde_json floor {:.3} ms on {}; elpc = {:.1}x floor (target <= 5x)",
            cases.len(),
            human_bytes(bytes),
            secs * 1e3,
            bytes as f64 / secs / 1e6,
            cases.len() as f64 / secs,
            floor.as_secs_f64() * 1e3,
            human_bytes(floor_bytes),
            secs / floor.as_secs_f64(),
        );
    }
}

/// Corpus-like policies of 1,000, 10,000 and 100,000 lines (the corpus sample's distinct script
/// lines, cycled) with the corpus operator env files: compile against serde_json parsing the
/// same files as strict JSON, peak heap against the input size, and `check` (compile plus the
/// human rendering of every diagnostic) against compile alone.
fn corpus_like(c: &mut Criterion) {
    if !selected("corpus_like") {
        return;
    }
    let script = corpus_script_lines();
    let mut g = c.benchmark_group("corpus_like");
    g.sample_size(10).warm_up_time(Duration::from_millis(500));
    for lines in [1_000usize, 10_000, 100_000] {
        let case = support::corpus_like(lines, &script);
        write_inputs(&case);
        let floors = floor_texts(&case);
        check_floors("corpus_like", &floors);
        let bytes = case.bytes();
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_with_input(BenchmarkId::new("elpc compile", lines), &case, |b, c| {
            b.iter(|| c.compile())
        });
        g.bench_with_input(
            BenchmarkId::new("serde_json floor", lines),
            &floors,
            |b, f| b.iter(|| parse_floor(f)),
        );
        let budget = Duration::from_secs(if lines >= 100_000 { 8 } else { 3 });
        let (elpc, floor) = interleaved(
            budget,
            || compile_all(std::slice::from_ref(&case)),
            || parse_floor(&floors),
        );
        let (compiled, peak) = peak_bytes(|| case.compile());
        let findings = compiled.diagnostics.len();
        drop(compiled);
        println!(
            "report: corpus_like/{lines}: {} input, {findings} findings; elpc compile {:.1} ms = {:.0} lines/s; serde_json floor {:.2} ms; elpc = {:.1}x floor; peak heap {} = {:.1}x input",
            human_bytes(bytes),
            elpc.as_secs_f64() * 1e3,
            lines as f64 / elpc.as_secs_f64(),
            floor.as_secs_f64() * 1e3,
            elpc.as_secs_f64() / floor.as_secs_f64(),
            human_bytes(peak),
            peak as f64 / bytes as f64,
        );
        // Human rendering was quadratic in the file (issue 13); a 100,000-line check is timed
        // once rather than in a loop.
        let rounds = if lines >= 100_000 { 1 } else { 3 };
        let (mut checks, mut compiles) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            let t = Instant::now();
            black_box(check_one(&case));
            checks.push(t.elapsed());
            let t = Instant::now();
            black_box(case.compile());
            compiles.push(t.elapsed());
        }
        let (check, compile) = (support::median(&mut checks), support::median(&mut compiles));
        println!(
            "report: corpus_like/{lines}: check (compile + human rendering) {:.1} ms = {:.1}x compile",
            check.as_secs_f64() * 1e3,
            check.as_secs_f64() / compile.as_secs_f64(),
        );
    }
    g.finish();
}

/// The issue 13 measure: whole processes, as a user runs them. `elpc compile -q` of the
/// corpus-like policies (1,000, 10,000 and 100,000 lines, with their env files) against a
/// process that reads the same files as strict JSON and parses them with serde_json (this
/// bench binary, re-run as [`support::json_floor_process`]). Both read their files, build their
/// trees and leave them to the exit. Criterion times the wall clock; the report gives CPU time
/// (user + system, the kernel's accounting of each child) and wall time, medians of runs taken
/// alternately, and each side's largest peak RSS.
/// `ELPC_BENCH_ELPC=path` times another elpc binary instead of this build's.
fn end_to_end(c: &mut Criterion) {
    // `elpc compile` exits 1 when it reports an error (the corpus-like policies have some).
    const ELPC_CODES: &[i32] = &[0, 1];
    if !selected("end_to_end") {
        return;
    }
    let script = corpus_script_lines();
    let this = std::env::current_exe().expect("the bench binary's path");
    // Another build can be timed in the same harness (an older commit, for a before/after).
    let bin =
        std::env::var_os("ELPC_BENCH_ELPC").unwrap_or_else(|| env!("CARGO_BIN_EXE_elpc").into());
    println!("report: end_to_end: timing {}", Path::new(&bin).display());
    let mut g = c.benchmark_group("end_to_end");
    g.sample_size(10).warm_up_time(Duration::from_millis(500));
    for lines in [1_000usize, 10_000, 100_000] {
        let case = support::corpus_like(lines, &script);
        let files = write_on_disk(&case, &lines.to_string());
        let elpc = || {
            let mut cmd = std::process::Command::new(&bin);
            cmd.args(&files.elpc_args);
            cmd
        };
        let floor = || {
            let mut cmd = std::process::Command::new(&this);
            cmd.env(support::FLOOR_PROCESS, "1").args(&files.twins);
            cmd
        };
        g.throughput(Throughput::Bytes(case.bytes() as u64));
        g.bench_function(BenchmarkId::new("elpc compile -q", lines), |b| {
            b.iter(|| run_process(&mut elpc(), ELPC_CODES))
        });
        g.bench_function(BenchmarkId::new("serde_json floor process", lines), |b| {
            b.iter(|| run_process(&mut floor(), &[0]))
        });
        let budget = Duration::from_secs(if lines >= 100_000 { 10 } else { 4 });
        let (elpc_runs, floor_runs) = support::alternately(
            budget,
            5,
            || run_process(&mut elpc(), ELPC_CODES),
            || run_process(&mut floor(), &[0]),
        );
        let median = |runs: &[support::Run], cpu: bool| {
            let mut times: Vec<Duration> = runs
                .iter()
                .map(|r| if cpu { r.cpu } else { r.wall })
                .collect();
            support::median(&mut times).as_secs_f64() * 1e3
        };
        let (elpc_cpu, floor_cpu) = (median(&elpc_runs, true), median(&floor_runs, true));
        let (elpc_wall, floor_wall) = (median(&elpc_runs, false), median(&floor_runs, false));
        let rss = |runs: &[support::Run], target: &str| match runs
            .iter()
            .map(|r| r.peak_rss)
            .collect::<Option<Vec<u64>>>()
        {
            Some(peaks) => peaks.into_iter().max().map_or(String::new(), |peak| {
                format!(
                    "{} = {:.1}x input{target}",
                    human_bytes(peak as usize),
                    peak as f64 / case.bytes() as f64
                )
            }),
            None => "not measurable (below the bench's own)".to_string(),
        };
        let rss = format!(
            "; peak RSS elpc {}, floor {}",
            rss(&elpc_runs, " (target <= 20x)"),
            rss(&floor_runs, "")
        );
        println!(
            "report: end_to_end/{lines}: {} input, {} alternating runs each; elpc compile -q {elpc_cpu:.1} ms CPU ({elpc_wall:.1} ms wall); serde_json floor process {floor_cpu:.2} ms CPU ({floor_wall:.2} ms wall); elpc = {:.1}x floor CPU, {:.1}x wall (target <= 15x at 100,000 lines){rss}",
            human_bytes(case.bytes()),
            elpc_runs.len(),
            elpc_cpu / floor_cpu,
            elpc_wall / floor_wall,
        );
    }
    g.finish();
}

/// Synthetic policies of 1 KB, 100 KB and 10 MB, env files of 10, 1,000 and 100,000 keys.
fn scaling(c: &mut Criterion) {
    if !selected("scaling") {
        return;
    }
    let env = Input::text("base.env", synthetic_env(10));
    let mut g = c.benchmark_group("scaling/policy");
    g.sample_size(10).warm_up_time(Duration::from_millis(500));
    let mut rows = Vec::new();
    for size in [1_000usize, 100_000, 10_000_000] {
        let policy = Input::text("synthetic.policy", synthetic_policy(size));
        let envs = std::slice::from_ref(&env);
        g.throughput(Throughput::Bytes(policy.bytes.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(size), &policy, |b, p| {
            b.iter(|| compile(p, envs, &Options::default()))
        });
        rows.push(measure(&policy, envs, size));
    }
    g.finish();
    report_scaling("policy bytes", &rows);

    let policy = Input::text("p.policy", synthetic_policy(1_000));
    let mut g = c.benchmark_group("scaling/env");
    g.sample_size(10).warm_up_time(Duration::from_millis(500));
    let mut rows = Vec::new();
    for keys in [10usize, 1_000, 100_000] {
        let env = [Input::text("base.env", synthetic_env(keys))];
        g.throughput(Throughput::Elements(keys as u64));
        g.bench_with_input(BenchmarkId::from_parameter(keys), &env, |b, e| {
            b.iter(|| compile(&policy, e, &Options::default()))
        });
        rows.push(measure(&policy, &env, keys));
    }
    g.finish();
    report_scaling("env keys", &rows);
    hostile();
}

/// Hostile sizes, timed once each (too slow for criterion's repetitions): a million env keys,
/// a 10 MB single-line value, a 10 MB script line and a 100 MB policy.
fn hostile() {
    let policy = Input::text("p.policy", synthetic_policy(1_000));
    let cases = [
        (
            "1,000,000 env keys",
            policy.clone(),
            synthetic_env(1_000_000),
        ),
        (
            "10 MB single-line policy value",
            Input::text(
                "long.policy",
                format!("{{'config': {{'name': '{}'}}}}", "a".repeat(10 << 20)),
            ),
            synthetic_env(10),
        ),
        (
            "10 MB script line",
            Input::text(
                "long.policy",
                format!(
                    "{{'config': {{'script': ['run scheduler {}']}}}}",
                    "1".repeat(10 << 20)
                ),
            ),
            synthetic_env(10),
        ),
        (
            "100 MB policy (refused)",
            Input {
                name: "huge.policy".into(),
                bytes: vec![b' '; 100 << 20],
            },
            synthetic_env(10),
        ),
    ];
    for (what, policy, env) in cases {
        let env = [Input::text("base.env", env)];
        let t = Instant::now();
        let (c, peak) = peak_bytes(|| compile(&policy, &env, &Options::default()));
        println!(
            "report: hostile: {what}: {:.3} s, peak heap {}, {} diagnostics",
            t.elapsed().as_secs_f64(),
            human_bytes(peak),
            c.diagnostics.len()
        );
    }
}

/// (size, median time, peak heap bytes) of one input.
fn measure(policy: &Input, env: &[Input], size: usize) -> (usize, Duration, usize) {
    let mut times = Vec::new();
    let start = Instant::now();
    let mut peak = 0;
    while times.len() < 3 || (start.elapsed() < Duration::from_secs(2) && times.len() < 50) {
        let t = Instant::now();
        let (_, p) = peak_bytes(|| black_box(compile(policy, env, &Options::default())));
        times.push(t.elapsed());
        peak = peak.max(p);
    }
    (size, support::median(&mut times), peak)
}

fn report_scaling(what: &str, rows: &[(usize, Duration, usize)]) {
    for w in rows.windows(2) {
        let ((s0, t0, m0), (s1, t1, m1)) = (w[0], w[1]);
        let grow = s1 as f64 / s0 as f64;
        println!(
            "report: scaling/{what}: {s0} -> {s1} (x{grow:.0}): time {:.3} ms -> {:.3} ms (x{:.1}, {:.2} of linear), peak heap {} -> {} (x{:.1}, {:.2} of linear)",
            t0.as_secs_f64() * 1e3,
            t1.as_secs_f64() * 1e3,
            t1.as_secs_f64() / t0.as_secs_f64(),
            t1.as_secs_f64() / t0.as_secs_f64() / grow,
            human_bytes(m0),
            human_bytes(m1),
            m1 as f64 / m0 as f64,
            m1 as f64 / m0 as f64 / grow,
        );
    }
}

/// What `elpc check` does per policy: compile, render the diagnostics for people.
fn check_one(case: &Case) -> usize {
    let c = case.compile();
    c.diagnostics
        .iter()
        .map(|d| human::render(&c.sources, d, false).len())
        .sum()
}

fn fleet_run(pairs: &[Case], threads: usize) -> usize {
    let chunk = pairs.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = pairs
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(check_one).sum::<usize>()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    })
}

/// 10,000 policy x env-set pairs checked in one process on every core.
fn fleet(c: &mut Criterion) {
    if !selected("fleet") {
        return;
    }
    let policies: Vec<Input> = examples()
        .into_iter()
        .chain(corpus())
        .map(|c| c.policy)
        .collect();
    let env_sets: Vec<Vec<Input>> = examples().into_iter().map(|c| c.env).collect();
    let pairs: Vec<Case> = (0..10_000)
        .map(|i| Case {
            policy: policies[i % policies.len()].clone(),
            env: env_sets[(i / policies.len()) % env_sets.len()].clone(),
        })
        .collect();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut g = c.benchmark_group("fleet");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.bench_function(format!("check 10000 pairs, {cores} threads"), |b| {
        b.iter(|| fleet_run(&pairs, cores))
    });
    g.finish();
    let (many, one) = interleaved(
        Duration::from_secs(1),
        || {
            black_box(fleet_run(&pairs, cores));
        },
        || {
            black_box(fleet_run(&pairs, 1));
        },
    );
    println!(
        "report: fleet: 10000 pairs on {cores} threads {:.2} s = {:.0} policies/s; 1 thread {:.2} s = {:.0} policies/s; speed-up x{:.2}",
        many.as_secs_f64(),
        1e4 / many.as_secs_f64(),
        one.as_secs_f64(),
        1e4 / one.as_secs_f64(),
        one.as_secs_f64() / many.as_secs_f64(),
    );
}

/// A 10,000-line policy re-checked after a one-character edit.
fn editor(c: &mut Criterion) {
    if !selected("editor") {
        return;
    }
    let mut text = String::from("{'config': {'port': '!anylog_server_port.int', 'script': [\n");
    for i in 0..9_998 {
        text.push_str(&format!("    'run scheduler {}',\n", i % 9 + 1));
    }
    text.push_str("]}}\n");
    let env = examples().swap_remove(3).env;
    // The edit: `scheduler 1` becomes `scheduler 2` in the middle of the file.
    let at = text.len() / 2;
    let at = at + text[at..].find("scheduler ").unwrap_or(0) + "scheduler ".len();
    let mut edited = text.clone().into_bytes();
    edited[at] = if edited[at] == b'2' { b'3' } else { b'2' };
    let edited = Input {
        name: "big.policy".into(),
        bytes: edited,
    };
    let floor = json_twin(&String::from_utf8_lossy(&edited.bytes));
    let mut g = c.benchmark_group("editor");
    g.sample_size(20);
    g.bench_function("recheck 10000 lines after one edit", |b| {
        b.iter(|| compile(&edited, &env, &Options::default()))
    });
    g.finish();
    let (elpc, serde) = interleaved(
        Duration::from_secs(2),
        || {
            black_box(compile(&edited, &env, &Options::default()));
        },
        || parse_floor(std::slice::from_ref(&floor)),
    );
    println!(
        "report: editor: 10000-line policy ({}) re-check {:.1} ms; serde_json floor {:.2} ms; elpc = {:.1}x floor",
        human_bytes(edited.bytes.len()),
        elpc.as_secs_f64() * 1e3,
        serde.as_secs_f64() * 1e3,
        elpc.as_secs_f64() / serde.as_secs_f64(),
    );
}

/// The Kubernetes sample three ways (issue 12): Helm values through the built-in chart data,
/// the chart's own templates rendered (`--chart`), and rendered manifests, each as a ratio to
/// the same policy with its docker-compose env files; then an alias-bomb values file once.
fn kubernetes(c: &mut Criterion) {
    if !selected("kubernetes") {
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &std::path::Path| {
        Ok(Input {
            name: p.display().to_string(),
            bytes: std::fs::read(p).unwrap(),
        })
    };
    let example = root.join("policies/kubernetes-operator");
    let policy = read(&example.join("policy.policy"));
    let env: Vec<_> = [
        "base_configs.env",
        "advance_configs.env",
        "docker-makefiles.env",
    ]
    .iter()
    .map(|f| read(&example.join(f)))
    .collect();
    let values = vec![
        read(&example.join("values.yaml")),
        read(&example.join("mqtt-ingestion.yaml")),
    ];
    let chart_dir = root.join("tests/k8s/edgelake-operator");
    let mut templates: Vec<_> = std::fs::read_dir(chart_dir.join("templates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    templates.sort();
    let chart = ChartFiles {
        chart_yaml: Some(read(&chart_dir.join("Chart.yaml"))),
        templates: templates.iter().map(|p| read(p)).collect(),
    };
    let with_values = Kubernetes {
        values: values.clone(),
        ..Kubernetes::default()
    };
    let with_chart = Kubernetes {
        values,
        chart: Some(chart),
        ..Kubernetes::default()
    };
    let with_manifest = Kubernetes {
        manifests: vec![read(&root.join("tests/k8s/rendered-mqtt-ingestion.yaml"))],
        ..Kubernetes::default()
    };
    let options = Options::default();
    let run = |k: &Kubernetes, env: &[Result<Input, elpc::Unreadable>]| {
        black_box(compile_deployment(policy.clone(), env, k, &options));
    };
    let mut g = c.benchmark_group("kubernetes");
    g.bench_function("env files", |b| {
        b.iter(|| run(&Kubernetes::default(), &env))
    });
    g.bench_function("values, built-in chart data", |b| {
        b.iter(|| run(&with_values, &[]))
    });
    g.bench_function("values, chart templates rendered", |b| {
        b.iter(|| run(&with_chart, &[]))
    });
    g.bench_function("rendered manifest", |b| b.iter(|| run(&with_manifest, &[])));
    g.finish();
    let mut line = String::from("report: kubernetes:");
    for (label, k) in [
        ("built-in data", &with_values),
        ("chart rendered", &with_chart),
        ("manifest", &with_manifest),
    ] {
        let (t, base) = interleaved(
            Duration::from_secs(2),
            || run(k, &[]),
            || run(&Kubernetes::default(), &env),
        );
        line.push_str(&format!(
            " {label} {:.3} ms = {:.2}x env files ({:.3} ms);",
            t.as_secs_f64() * 1e3,
            t.as_secs_f64() / base.as_secs_f64(),
            base.as_secs_f64() * 1e3
        ));
    }
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let items = vec![format!("*a{}", i - 1); 10].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    let hostile = Kubernetes {
        values: vec![Ok(Input::text("bomb.yaml", bomb))],
        ..Kubernetes::default()
    };
    let start = Instant::now();
    let given = policy.clone(); // outside the count: the caller's own bytes
    let (c, peak) = peak_bytes(|| compile_deployment(given, &[], &hostile, &options));
    line.push_str(&format!(
        " alias bomb (10^12 nodes expanded) refused in {:.0} ms, peak heap {}, {} diagnostics",
        start.elapsed().as_secs_f64() * 1e3,
        human_bytes(peak),
        c.diagnostics.len()
    ));
    println!("{line}");
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = throughput, corpus_like, end_to_end, scaling, fleet, editor, kubernetes
}

fn main() {
    // The end-to-end group runs this binary again as its serde_json floor process.
    if std::env::var_os(support::FLOOR_PROCESS).is_some() {
        support::json_floor_process();
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
