//! Inputs and measuring tools shared by the benchmark groups: the bundled examples, the corpus
//! sample, synthetic policies and env files of a chosen size, the serde_json floor, a peak-memory
//! counter and an interleaved timer for ratios that survive a noisy machine.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use elpc::{compile, Compilation, Input, Options};

/// A global allocator that counts live bytes and remembers the peak, only while
/// [`peak_bytes`] measures: counting every allocation of a timed run (two atomic updates each)
/// made elpc, which allocates a lot, look about twice as slow as it is.
pub struct CountingAlloc;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn grew(by: usize) {
    if COUNTING.load(Ordering::Relaxed) {
        let live = LIVE.fetch_add(by as isize, Ordering::Relaxed) + by as isize;
        PEAK.fetch_max(live, Ordering::Relaxed);
    }
}

fn shrank(by: usize) {
    if COUNTING.load(Ordering::Relaxed) {
        LIVE.fetch_sub(by as isize, Ordering::Relaxed);
    }
}

unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

/// Bytes allocated at the peak of `f`, above what was live when it started (memory freed
/// during `f` that was allocated before it only lowers the count).
pub fn peak_bytes<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LIVE.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let out = f();
    COUNTING.store(false, Ordering::Relaxed);
    (out, PEAK.load(Ordering::Relaxed).max(0) as usize)
}

/// One policy with the env files it is deployed with.
#[derive(Clone)]
pub struct Case {
    /// The policy.
    pub policy: Input,
    /// Its env files, in layering order.
    pub env: Vec<Input>,
}

impl Case {
    /// Input bytes: policy plus env files.
    pub fn bytes(&self) -> usize {
        self.policy.bytes.len() + self.env.iter().map(|e| e.bytes.len()).sum::<usize>()
    }

    /// Compiles with default options.
    pub fn compile(&self) -> Compilation {
        compile(&self.policy, &self.env, &Options::default())
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> Input {
    Input {
        name: path.display().to_string(),
        bytes: std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    }
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().is_some_and(|e| e == ext));
    out.sort();
    out
}

/// The five examples of `policies/`, each with its three env files.
pub fn examples() -> Vec<Case> {
    [
        "generic",
        "kubernetes-operator",
        "master",
        "operator",
        "query",
    ]
    .iter()
    .map(|name| {
        let dir = root().join("policies").join(name);
        Case {
            policy: read(&dir.join("policy.policy")),
            env: [
                "base_configs.env",
                "advance_configs.env",
                "docker-makefiles.env",
            ]
            .iter()
            .map(|f| read(&dir.join(f)))
            .collect(),
        }
    })
    .collect()
}

/// The corpus sample of `benches/corpus/`, each policy with the HEAD operator env files.
pub fn corpus() -> Vec<Case> {
    let dir = root().join("benches/corpus");
    let env: Vec<Input> = [
        "EdgeLake+docker-compose__docker-makefiles__operator-configs__base_configs.env",
        "EdgeLake+docker-compose__docker-makefiles__operator-configs__advance_configs.env",
        "EdgeLake+docker-compose__docker-makefiles__.env",
    ]
    .iter()
    .map(|f| read(&dir.join("env").join(f)))
    .collect();
    files(&dir.join("policies"), "policy")
        .iter()
        .map(|p| Case {
            policy: read(p),
            env: env.clone(),
        })
        .collect()
}

/// The serde_json floor of a case: each of its files written as strict JSON with the same
/// content and layout (see [`json_twin`] and [`env_twin`]); parsing them all is the floor.
/// A policy with syntax errors (some corpus files have them) has no JSON twin; its floor is
/// then the canonical JSON of what elpc recovered, as the earlier benchmarks used.
pub fn floor_texts(case: &Case) -> Vec<String> {
    let text = |i: &Input| String::from_utf8_lossy(&i.bytes).into_owned();
    let mut twin = json_twin(&text(&case.policy));
    if serde_json::from_str::<serde_json::Value>(&twin).is_err() {
        twin = case
            .compile()
            .output
            .map(|o| o.policy.to_string())
            .unwrap_or_else(|| "null".into());
    }
    std::iter::once(twin)
        .chain(case.env.iter().map(|e| env_twin(&text(e))))
        .collect()
}

/// A Python-literal policy rewritten as strict JSON, byte for byte where it can be: strings
/// re-quoted with JSON escapes, `True`/`False`/`None` as `true`/`false`/`null`, bare `!refs`
/// quoted, comments and trailing commas blanked, everything else (layout, numbers, brackets)
/// kept. The same content in the simplest form to parse, so the ratio compares like with like.
pub fn json_twin(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"') => {
                let (value, end) = python_string(text, i, q);
                out.push_str(&serde_json::to_string(&value).unwrap_or_default());
                i = end;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    out.push(' ');
                    i += 1;
                }
            }
            b',' if next_significant(b, i + 1).is_some_and(|c| c == b'}' || c == b']') => {
                out.push(' ');
                i += 1;
            }
            b'!' => {
                let start = i;
                i += 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.')
                {
                    i += 1;
                }
                out.push_str(&serde_json::to_string(&text[start..i]).unwrap_or_default());
            }
            c if c.is_ascii_alphabetic() => {
                let start = i;
                while i < b.len() && b[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                out.push_str(match &text[start..i] {
                    "True" | "true" => "true",
                    "False" | "false" => "false",
                    "None" | "null" => "null",
                    other => other,
                });
            }
            _ => {
                let start = i;
                i += 1;
                while i < b.len()
                    && !matches!(b[i], b'\'' | b'"' | b'#' | b',' | b'!')
                    && !b[i].is_ascii_alphabetic()
                {
                    i += 1;
                }
                out.push_str(&text[start..i]);
            }
        }
    }
    out
}

fn next_significant(b: &[u8], mut i: usize) -> Option<u8> {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    b.get(i).copied()
}

/// A Python string literal at `start` (quote `q`): its value and the offset after it.
fn python_string(text: &str, start: usize, q: u8) -> (String, usize) {
    let mut value = String::new();
    let mut chars = text[start + 1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c as u32 == u32::from(q) => return (value, start + 1 + i + 1),
            '\\' => match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, 'r')) => value.push('\r'),
                Some((_, e @ ('\\' | '\'' | '"' | '/'))) => value.push(e),
                Some((_, e)) => {
                    value.push('\\');
                    value.push(e);
                }
                None => value.push('\\'),
            },
            c => value.push(c),
        }
    }
    (value, text.len())
}

/// An env file as one JSON object per file: every `KEY=value` line, value as written.
pub fn env_twin(text: &str) -> String {
    let map: serde_json::Map<String, serde_json::Value> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().to_string(),
                serde_json::Value::String(v.trim().to_string()),
            )
        })
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// The distinct script lines of the corpus sample's policies, in sorted order.
pub fn corpus_script_lines() -> Vec<String> {
    let mut lines = std::collections::BTreeSet::new();
    for case in corpus() {
        let c = case.compile();
        let Some(out) = c.output else { continue };
        let inner = out.policy.as_object().and_then(|o| o.values().next());
        let script = inner
            .and_then(|i| i.get("script"))
            .and_then(|s| s.as_array());
        for line in script.into_iter().flatten() {
            if let Some(l) = line.as_str() {
                lines.insert(l.to_string());
            }
        }
    }
    lines.into_iter().collect()
}

/// A corpus-like policy of `lines` lines: the usual server keys, then a script cycling
/// through the corpus sample's distinct script lines (each quoted as Python would), compiled
/// with the corpus operator env files.
pub fn corpus_like(lines: usize, script: &[String]) -> Case {
    let mut text = String::from(
        "{'config': {'name': '!node_name', 'company': '!company_name',\n    'ip': '!external_ip', 'local_ip': '!ip', 'port': '!anylog_server_port.int',\n    'rest_port': '!anylog_rest_port.int', 'broker_port': '!anylog_broker_port.int',\n    'script': [\n",
    );
    for i in 0..lines.saturating_sub(5) {
        let line = &script[i % script.len()];
        if line.contains(['\'', '\\']) {
            text.push_str(&format!(
                "        {},\n",
                serde_json::Value::from(line.as_str())
            ));
        } else {
            text.push_str(&format!("        '{line}',\n"));
        }
    }
    text.push_str("        'run scheduler 1'\n]}}\n");
    Case {
        policy: Input::text(format!("corpus-like-{lines}.policy"), text),
        env: corpus().swap_remove(0).env,
    }
}

/// Writes a case and its JSON twins under `target/bench-inputs/`, for timing the CLI on the
/// same inputs (`benches/README.md`).
pub fn write_inputs(case: &Case) {
    let dir = root().join("target/bench-inputs");
    let _ = std::fs::create_dir_all(&dir);
    let name = Path::new(&case.policy.name)
        .file_name()
        .map(|n| n.to_owned());
    if let Some(name) = name {
        let _ = std::fs::write(dir.join(&name), &case.policy.bytes);
        let twin = json_twin(&String::from_utf8_lossy(&case.policy.bytes));
        let _ = std::fs::write(dir.join(name).with_extension("json"), twin);
    }
}

/// A synthetic policy of about `bytes` bytes: the usual server keys and a script of plain
/// commands, `if` lines and assignments, one per line.
pub fn synthetic_policy(bytes: usize) -> String {
    let mut text = String::from(
        "{'config': {\n  'name': 'synthetic', 'company': '!company_name',\n  'ip': '!external_ip', 'local_ip': '!ip',\n  'port': '!anylog_server_port.int', 'rest_port': '!anylog_rest_port.int',\n  'script': [\n",
    );
    let mut i = 0usize;
    while text.len() + 8 < bytes {
        let line = match i % 4 {
            0 => format!("    'run scheduler {}',\n", i % 7 + 1),
            1 => format!(
                "    'if !enable_ha == true then run data distributor where cluster_id = c{i}',\n"
            ),
            2 => format!("    'v{i} = !company_name',\n"),
            _ => format!(
                "    \"set buffer threshold where time={} seconds and volume=10KB\",\n",
                i % 60
            ),
        };
        text.push_str(&line);
        i += 1;
    }
    text.push_str("  ]\n}}\n");
    text
}

/// A synthetic env file with `keys` keys (the operator basics first, then `KEY_n=value_n` with
/// some `$KEY` interpolation and comments).
pub fn synthetic_env(keys: usize) -> String {
    let mut text = String::from(
        "NODE_TYPE=operator\nCOMPANY_NAME=New Company\nANYLOG_SERVER_PORT=32148\nANYLOG_REST_PORT=32149\n",
    );
    for i in 4..keys.max(4) {
        match i % 5 {
            0 => text.push_str(&format!("# key {i}\nKEY_{i}=value_{i}\n")),
            1 => text.push_str(&format!("KEY_{i}=\"quoted $KEY_{} value\"\n", i - 1)),
            _ => text.push_str(&format!("KEY_{i}=value_{i}\n")),
        }
    }
    text
}

/// Runs `a` and `b` alternately (so both see the same machine load) until `budget` has
/// passed, at least `rounds` times each; returns what each run gave, in order.
pub fn alternately<R>(
    budget: Duration,
    rounds: usize,
    mut a: impl FnMut() -> R,
    mut b: impl FnMut() -> R,
) -> (Vec<R>, Vec<R>) {
    let (mut ra, mut rb) = (Vec::new(), Vec::new());
    let start = Instant::now();
    while ra.len() < rounds || start.elapsed() < budget {
        ra.push(a());
        rb.push(b());
    }
    (ra, rb)
}

/// Times `a` and `b` alternately ([`alternately`]) until `budget` has passed, at least 3
/// rounds; returns the median time of each.
pub fn interleaved(
    budget: Duration,
    mut a: impl FnMut(),
    mut b: impl FnMut(),
) -> (Duration, Duration) {
    let timed = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        t.elapsed()
    };
    let (mut ta, mut tb) = alternately(budget, 3, || timed(&mut a), || timed(&mut b));
    (median(&mut ta), median(&mut tb))
}

/// The median of some durations.
pub fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Formats bytes as MiB/KiB for the report.
pub fn human_bytes(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64)
    } else {
        format!("{:.1} KiB", n as f64 / 1024.0)
    }
}

/// The variable that turns the bench binary into the serde_json floor process (see
/// [`json_floor_process`]).
pub const FLOOR_PROCESS: &str = "ELPC_BENCH_JSON_FLOOR";

/// The floor of the end-to-end group as a process of its own: reads each file named on the
/// command line and parses it with serde_json, as `elpc compile -q` reads and compiles its
/// inputs. Like elpc, it leaves the parsed trees to the process's exit instead of freeing them.
/// Exits 1 if a file does not read or parse (a floor that parsed nothing would flatter elpc).
pub fn json_floor_process() -> ! {
    for path in std::env::args_os().skip(1) {
        let parsed = std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|b| {
                serde_json::from_slice::<serde_json::Value>(&b).map_err(|e| e.to_string())
            });
        match parsed {
            Ok(value) => std::mem::forget(black_box(value)),
            Err(e) => {
                eprintln!("{}: {e}", Path::new(&path).display());
                std::process::exit(1);
            }
        }
    }
    std::process::exit(0)
}

/// A case written to disk for the end-to-end group: the `elpc compile -q` arguments (env
/// files, then the policy) and the JSON twins the floor process parses.
pub struct OnDisk {
    /// `compile -q -e ENV... POLICY`.
    pub elpc_args: Vec<std::ffi::OsString>,
    /// The policy's and env files' JSON twins ([`floor_texts`]).
    pub twins: Vec<PathBuf>,
}

/// Writes a case and its JSON twins under `target/bench-inputs/end_to_end/`.
pub fn write_on_disk(case: &Case, label: &str) -> OnDisk {
    let dir = root().join("target/bench-inputs/end_to_end").join(label);
    std::fs::create_dir_all(&dir).expect("target/bench-inputs is writable");
    let write = |name: String, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("target/bench-inputs is writable");
        path
    };
    let mut elpc_args: Vec<std::ffi::OsString> = vec!["compile".into(), "-q".into()];
    for (i, env) in case.env.iter().enumerate() {
        elpc_args.push("-e".into());
        elpc_args.push(write(format!("{i}.env"), &env.bytes).into());
    }
    elpc_args.push(write("policy.policy".into(), &case.policy.bytes).into());
    let twins = floor_texts(case)
        .iter()
        .enumerate()
        .map(|(i, t)| write(format!("twin-{i}.json"), t.as_bytes()))
        .collect();
    OnDisk { elpc_args, twins }
}

/// One process run: its wall time, CPU time (user + system) and peak resident memory.
#[derive(Clone, Copy)]
pub struct Run {
    /// From spawning to reaping.
    pub wall: Duration,
    /// User + system CPU time, the kernel's accounting (wall time where there is none).
    pub cpu: Duration,
    /// Peak resident set size in bytes, where the platform reports it and it is the child's
    /// own (above the bench's own peak, which a spawned child's count starts from).
    pub peak_rss: Option<u64>,
}

/// Runs a process to its end with its output discarded and measures it ([`Run`]).
/// Panics unless it exits with one of `codes`: a failing run would be timed as a fast one.
pub fn run_process(cmd: &mut std::process::Command, codes: &[i32]) -> Run {
    let start = Instant::now();
    let child = cmd
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the process starts");
    let (code, cpu, peak_rss) = reap(child);
    let wall = start.elapsed();
    assert!(
        code.is_some_and(|c| codes.contains(&c)),
        "{cmd:?} failed: exit code {code:?}"
    );
    Run {
        wall,
        cpu: cpu.unwrap_or(wall),
        peak_rss,
    }
}

/// Waits for a child with `wait4`, which gives that child's own resource usage: its exit code,
/// CPU time and peak RSS.
#[cfg(unix)]
fn reap(child: std::process::Child) -> (Option<i32>, Option<Duration>, Option<u64>) {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 writes only the status and the
    // struct it is given. The child is reaped here, so `Child::wait` is never called after.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = loop {
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r != -1 || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            break r;
        }
    };
    assert_eq!(
        reaped,
        pid,
        "wait4 failed: {}",
        std::io::Error::last_os_error()
    );
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    // Linux reports ru_maxrss in KiB. A child spawned with vfork (as std does) starts its
    // count from this process's own peak, so only a peak above ours is the child's own.
    let rss = u64::try_from(usage.ru_maxrss)
        .ok()
        .filter(|&kib| kib > own_peak_rss_kib())
        .map(|kib| kib * 1024);
    (code, Some(time(usage.ru_utime) + time(usage.ru_stime)), rss)
}

/// This process's own peak RSS in KiB.
#[cfg(unix)]
fn own_peak_rss_kib() -> u64 {
    // SAFETY: as in `reap`.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return u64::MAX;
    }
    u64::try_from(usage.ru_maxrss).unwrap_or(u64::MAX)
}

/// Without `wait4`: the exit code only (wall time stands in for CPU time).
#[cfg(not(unix))]
fn reap(mut child: std::process::Child) -> (Option<i32>, Option<Duration>, Option<u64>) {
    let status = child.wait().expect("the process is waited for");
    (status.code(), None, None)
}
