//! Snapshots of `elpc compile` and `elpc check` on every bundled example in `policies/`.
//! Each `.snap` is reviewed like code: it shows exactly what a user sees.

use std::path::Path;
use std::process::Command;

const ENV_FILES: [&str; 3] = [
    "base_configs.env",
    "advance_configs.env",
    "docker-makefiles.env",
];

fn run(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_elpc"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("elpc runs");
    format!(
        "exit code: {}\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout)
    )
}

fn env_args() -> Vec<&'static str> {
    ENV_FILES.iter().flat_map(|f| ["--env", *f]).collect()
}

#[test]
fn every_example_compiles_and_checks_as_snapshotted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("policy.policy").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 5, "examples missing: {names:?}");
    for name in names {
        let dir = root.join(&name);
        let mut compile = vec!["compile", "policy.policy", "-q"];
        compile.extend(env_args());
        insta::assert_snapshot!(format!("{name}-compile"), run(&dir, &compile));
        let mut check = vec!["check", "policy.policy", "--color", "never"];
        check.extend(env_args());
        insta::assert_snapshot!(format!("{name}-check"), run(&dir, &check));
    }
}
