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

#[cfg(unix)]
#[test]
fn output_files_keep_their_mode_and_only_regular_files_are_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir("output-file");
    std::fs::write(dir.join("p.policy"), POLICY).unwrap();
    std::fs::write(dir.join("a.env"), "NODE_TYPE=operator\nCOMPANY_NAME=Co\n").unwrap();
    let compile = |out: &str| {
        elpc(
            &dir,
            &["compile", "p.policy", "--env", "a.env", "-q", "-o", out],
        )
    };

    // The mode of an existing file is kept (it became 0600 before).
    std::fs::write(dir.join("out.json"), "old").unwrap();
    std::fs::set_permissions(dir.join("out.json"), std::fs::Permissions::from_mode(0o640)).unwrap();
    assert_eq!(compile("out.json").status.code(), Some(0));
    let meta = std::fs::metadata(dir.join("out.json")).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o640);
    assert!(std::fs::read_to_string(dir.join("out.json"))
        .unwrap()
        .contains("\"policy\""));

    // A symbolic link (such as /dev/stdout), a FIFO and the inputs themselves are refused,
    // untouched, before anything is compiled.
    std::os::unix::fs::symlink("out.json", dir.join("link.json")).unwrap();
    let fifo = std::ffi::CString::new(dir.join("fifo.json").to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    for (target, why) in [
        ("link.json", "symbolic link"),
        ("/dev/stdout", "symbolic link"),
        ("fifo.json", "a FIFO"),
        ("p.policy", "names the input p.policy"),
        ("./a.env", "names the input a.env"),
    ] {
        let out = elpc_within(
            &dir,
            &["compile", "p.policy", "--env", "a.env", "-q", "-o", target],
            Duration::from_secs(10),
        );
        assert_eq!(out.status.code(), Some(2), "{target}");
        assert!(stderr(&out).contains(why), "{target}: {}", stderr(&out));
    }
    assert!(std::fs::symlink_metadata(dir.join("link.json"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_to_string(dir.join("p.policy")).unwrap(),
        POLICY
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        5,
        "no temporary file is left"
    );
}

#[cfg(unix)]
#[test]
fn an_interrupted_output_leaves_no_temporary_file() {
    let dir = tempdir("output-signal");
    std::fs::write(dir.join("p.policy"), POLICY).unwrap();
    for signal in [libc::SIGTERM, libc::SIGINT] {
        use std::os::unix::process::CommandExt;
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_elpc"));
        command
            .current_dir(&dir)
            .args(["compile", "p.policy", "-q", "-o", "out.json"])
            .env(elpc::disk::PAUSE_ENV, "20000");
        // elpc keeps a signal its parent ignores ignored (as `nohup` expects), and a shell
        // ignores SIGINT for the commands it starts in the background: the child gets the
        // default actions, whatever this test was started from.
        // SAFETY: `signal` is async-signal-safe, as code between fork and exec must be.
        unsafe {
            command.pre_exec(|| {
                libc::signal(libc::SIGINT, libc::SIG_DFL);
                libc::signal(libc::SIGTERM, libc::SIG_DFL);
                Ok(())
            });
        }
        let mut child = command.spawn().unwrap();
        // Wait until the temporary file is there, then stop elpc.
        let deadline = Instant::now() + Duration::from_secs(20);
        while !std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        {
            assert!(Instant::now() < deadline, "no temporary file appeared");
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
        let status = child.wait().unwrap();
        assert!(!status.success());
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left, ["p.policy"], "after signal {signal}");
    }
}

#[test]
fn surrogate_pairs_round_trip_through_the_canonical_output() {
    let dir = tempdir("surrogates");
    // The issue's case: compiled to " smile" before. The id is the node's, recorded with the
    // oracle's policy_id op for this text (EdgeLake faba50d).
    let escaped = r#"{"config": {"name": "\ud83d\ude00 smile"}}"#;
    std::fs::write(dir.join("escaped.policy"), escaped).unwrap();
    std::fs::write(
        dir.join("raw.policy"),
        "{\"config\": {\"name\": \"😀 smile\"}}",
    )
    .unwrap();
    let policy = |file: &str| -> serde_json::Value {
        let out = elpc(&dir, &["compile", file, "-q"]);
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["policy"].clone()
    };
    let first = policy("escaped.policy");
    assert_eq!(first["config"]["name"], "😀 smile");
    assert_eq!(first["config"]["id"], "54d765dee20b2d0677eea89e9d93c9be");
    assert_eq!(policy("raw.policy"), first);
    // elpc's own output, compiled again: same policy, same id.
    let out = elpc(&dir, &["compile", "escaped.policy", "-q", "-o", "out.json"]);
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(dir.join("out.json")).unwrap();
    assert!(text.is_ascii() && text.contains(r"\ud83d\ude00"), "{text}");
    let inner =
        &text[text.find("\"policy\": ").unwrap() + 10..text.find(",\n  \"resolved\"").unwrap()];
    std::fs::write(dir.join("again.policy"), inner).unwrap();
    assert_eq!(policy("again.policy"), first);
}

#[test]
fn duplicate_keys_keep_the_last_value_as_the_node_does_and_are_reported() {
    // Recorded with the oracle's policy_id op (EdgeLake faba50d): the node stores
    // {'config': {'script': ['b'], 'name': 2}} with this id.
    let dir = tempdir("duplicate-keys");
    std::fs::write(
        dir.join("p.policy"),
        r#"{"config": {"script": ["a"], "script": ["b"], "name": 1, "name": 2}}"#,
    )
    .unwrap();
    let out = elpc(&dir, &["compile", "p.policy", "-q"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["policy"],
        serde_json::json!({"config": {"script": ["b"], "name": 2, "id": "b6963d2f53e21245de273c53b86ba305"}})
    );
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(
        codes.iter().filter(|c| **c == "EL013").count(),
        2,
        "{codes:?}"
    );
}

#[test]
fn numbers_past_64_bits_are_shown_as_python_shows_them() {
    // Python's int() has no size limit: int("99999999999999999999") and int(-1e20) (exactly
    // -100000000000000000000) were printed as a saturated 9223372036854775807 or "not an
    // integer". Integers past 64 bits in the policy text become floats in the node (orjson;
    // recorded with the oracle: 123456789012345678901234567890 -> 1.2345678901234568e+29).
    let dir = tempdir("numbers");
    std::fs::write(
        dir.join("p.policy"),
        r#"{"config": {"ip": "1.2.3.4", "port": "99999999999999999999", "tcp_threads": -1e20, "serial": 123456789012345678901234567890, "limit": 1e999999}}"#,
    )
    .unwrap();
    let out = elpc(&dir, &["check", "p.policy", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    for expected in [
        "`port` is 99999999999999999999, outside the port range",
        "`tcp_threads` is -100000000000000000000: the server starts with no worker threads",
        "the float 1.2345678901234568e+29",
        "`1e999999` is beyond the largest float",
    ] {
        assert!(
            messages.iter().any(|m| m.contains(expected)),
            "{expected}: {messages:#?}"
        );
    }
    assert!(
        !messages.iter().any(|m| m.contains("922337203685477")),
        "{messages:#?}"
    );
}
