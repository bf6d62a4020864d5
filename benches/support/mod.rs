//! Inputs and measuring tools shared by the benchmark groups: the bundled examples, the corpus
//! sample, synthetic policies and env files of a chosen size, the serde_json floor, a peak-memory
//! counter and an interleaved timer for ratios that survive a noisy machine.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use elpc::render::to_ascii_json;
use elpc::{compile, Compilation, Input, Options};

/// A global allocator that counts live bytes and remembers the peak since the last reset.
pub struct CountingAlloc;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let grow = new_size - layout.size();
                let live = LIVE.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

/// Bytes allocated at the peak of `f`, above what was live when it started.
pub fn peak_bytes<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(base))
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

/// The serde_json floor for a compiled case: the canonical JSON of its policy plus its env as
/// one JSON object per file, i.e. the same information in the simplest form to parse.
pub fn floor_text(c: &Compilation) -> String {
    let policy = c
        .output
        .as_ref()
        .map(|o| to_ascii_json(&o.policy, false))
        .unwrap_or_else(|| "null".into());
    let env: serde_json::Map<String, serde_json::Value> = c
        .scope
        .env_layers()
        .iter()
        .map(|v| (v.name.clone(), serde_json::Value::String(v.value.clone())))
        .collect();
    format!(
        "{{\"policy\":{policy},\"env\":{}}}",
        serde_json::Value::Object(env)
    )
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

/// Times `a` and `b` alternately (so both see the same machine load) until `budget` has
/// passed, at least 3 rounds; returns the median time of each.
pub fn interleaved(
    budget: Duration,
    mut a: impl FnMut(),
    mut b: impl FnMut(),
) -> (Duration, Duration) {
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    let start = Instant::now();
    while ta.len() < 3 || start.elapsed() < budget {
        let t = Instant::now();
        a();
        ta.push(t.elapsed());
        let t = Instant::now();
        b();
        tb.push(t.elapsed());
    }
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
