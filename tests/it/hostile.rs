//! Hostile input at the command line (issue 13): special files and huge files are refused
//! before they are read, long lines and many findings render in bounded output, and `-o`
//! never damages what it writes over. Each test is one reproducer from the issue.

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use crate::common::{elpc, tempdir};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs elpc and fails the test (instead of hanging it) when it takes longer than `bound`.
fn elpc_within(dir: &Path, args: &[&str], bound: Duration) -> Output {
    let start = Instant::now();
    let out = elpc(dir, args);
    let took = start.elapsed();
    assert!(took < bound, "elpc {args:?} took {took:?}");
    out
}

const POLICY: &str = "{'config': {'name': '!company_name'}}";

#[test]
fn special_files_are_findings_not_reads() {
    let dir = tempdir("special-files");
    std::fs::write(dir.join("p.policy"), POLICY).unwrap();
    let mut cases = vec![("/dev/zero", "a character device"), ("/tmp", "a directory")];
    #[cfg(unix)]
    {
        let fifo = dir.join("fifo.env");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        cases.push(("fifo.env", "a FIFO"));
    }
    for (env, kind) in cases {
        let out = elpc_within(
            &dir,
            &["check", "p.policy", "--env", env, "--format", "json"],
            Duration::from_secs(10),
        );
        assert_eq!(out.status.code(), Some(1), "{env}: {}", stderr(&out));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let d = &doc["diagnostics"][0];
        assert_eq!(d["code"], "EL004", "{env}: {doc}");
        assert!(
            d["message"].as_str().unwrap().contains(kind),
            "{env}: {}",
            d["message"]
        );
    }
    // The policy itself, too; and `/dev/stdin` is never read (it would wait for input).
    let out = elpc_within(
        &dir,
        &["compile", "/dev/stdin", "-q"],
        Duration::from_secs(10),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("not a regular file"),
        "{}",
        stdout(&out)
    );
    // A path that does not exist stays a usage error.
    let out = elpc(&dir, &["check", "p.policy", "--env", "missing.env"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_sparse_huge_env_file_is_refused_from_its_size() {
    let dir = tempdir("sparse-env");
    std::fs::write(dir.join("p.policy"), POLICY).unwrap();
    let file = std::fs::File::create(dir.join("big.env")).unwrap();
    file.set_len(3 << 30).unwrap(); // 3 GiB of holes: costs no disk, would cost 3 GiB of memory
    let out = elpc_within(
        &dir,
        &["check", "p.policy", "--env", "big.env"],
        Duration::from_secs(10),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("`big.env` is 3072 MiB; elpc reads files up to 64 MiB"),
        "{}",
        stdout(&out)
    );
}
