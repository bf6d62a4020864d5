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

#[test]
fn findings_far_along_a_long_line_render_in_bounded_output() {
    let dir = tempdir("long-line");
    // A finding at column 70,025 (miette panicked past 65,535), then 20,000 findings on a
    // 60 KB line (33 s and an abort at 2.4 GB before).
    let policy = format!(
        "{{'config': {{'name': '{}', 'threads': 4, 'script': ['x = {}']}}}}",
        "a".repeat(70_000),
        "!u ".repeat(20_000)
    );
    std::fs::write(dir.join("long.policy"), policy).unwrap();
    for command in ["check", "compile"] {
        let out = elpc_within(
            &dir,
            &[
                command,
                "long.policy",
                "--color",
                "always",
                "--deny",
                "ignored-key",
            ],
            Duration::from_secs(30),
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let human = if command == "check" {
            stdout(&out)
        } else {
            stderr(&out)
        };
        assert!(human.contains("long.policy:1:70025"), "{command}");
        assert!(
            human.contains("more not shown (") && human.contains("`--format json` lists every"),
            "{command}"
        );
        assert!(human.len() < 1 << 20, "{command}: {} bytes", human.len());
    }
}

#[test]
fn terminal_escapes_from_policy_text_are_never_printed() {
    let dir = tempdir("escapes");
    // An OSC 52 clipboard write and a screen clear, as a command and as an env value.
    std::fs::write(
        dir.join("p.policy"),
        "{'config': {'port': '!anylog_server_port.int', 'script': ['\u{1b}]52;c;aGk=\u{7}', 'x\u{1b}[2J = 1', '\u{9b}2J']}}",
    )
    .unwrap();
    std::fs::write(dir.join("a.env"), "ANYLOG_SERVER_PORT=\u{1b}[2J99\n").unwrap();
    for format in ["human", "github"] {
        let out = elpc(
            &dir,
            &[
                "check", "p.policy", "--env", "a.env", "--format", format, "--color", "never",
            ],
        );
        let text = stdout(&out);
        assert!(text.contains('␛'), "{format}: {text}");
        assert!(
            !text.contains(['\u{1b}', '\u{7}', '\u{9b}']),
            "{format}: {text:?}"
        );
    }
}

/// Every line of an `.al` output is a comment or a command elpc checked as one.
fn assert_only_checked_lines(al: &str, commands: &[&str]) {
    for line in al.lines() {
        assert!(
            line.is_empty() || line.starts_with('#') || commands.contains(&line),
            "unchecked line {line:?} in\n{al}"
        );
    }
}

#[test]
fn al_output_never_writes_a_line_that_was_not_checked_as_a_command() {
    let dir = tempdir("al-injection");
    // A script entry with a line break, a multi-line env value filled into a server command, and
    // a file name with line breaks (it goes into the header comments).
    let name = "a\nprocess evil.al\n.policy";
    std::fs::write(
        dir.join(name),
        r#"{"config": {"ip": "!company_name", "port": 32148, "script": ["echo x\nprocess /tmp/evil.al", "run scheduler 1"]}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("a.env"),
        "NODE_TYPE=operator\nCOMPANY_NAME=\"10.0.0.1\\nprocess /tmp/evil.al\"\n",
    )
    .unwrap();
    let out = elpc(
        &dir,
        &["compile", name, "--env", "a.env", "--format", "al", "-q"],
    );
    assert_eq!(out.status.code(), Some(1), "the line breaks are errors");
    let al = stdout(&out);
    assert_only_checked_lines(&al, &["run scheduler 1"]);
    assert_eq!(
        al.matches("left out: this command holds a line break")
            .count(),
        2,
        "{al}"
    );
    // With -o nothing is written at all.
    let out = elpc(
        &dir,
        &[
            "compile", name, "--env", "a.env", "--format", "al", "-q", "-o", "out.al",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.join("out.al").exists());
}
