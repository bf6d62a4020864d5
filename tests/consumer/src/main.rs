//! A dependent of elpc's core, built by CI with `default-features = false`: it must need no
//! more crates than compiling and checking do (`cargo tree -e normal`, at most 40).
//!
//! Usage: `elpc-consumer POLICY [ENV...]`; prints each finding on one line, exits 1 on errors.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((policy, env)) = args.split_first() else {
        eprintln!("usage: elpc-consumer POLICY [ENV...]");
        return ExitCode::from(2);
    };
    let read = |path: &String| match std::fs::read(path) {
        Ok(bytes) => Some(elpc::Input {
            name: path.clone(),
            bytes,
        }),
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            None
        }
    };
    let (Some(policy), Some(env)) = (
        read(policy),
        env.iter().map(read).collect::<Option<Vec<_>>>(),
    ) else {
        return ExitCode::from(2);
    };
    let compilation = elpc::compile(&policy, &env, &elpc::Options::default());
    for d in &compilation.diagnostics {
        let file = compilation.sources.get(d.primary.span.file);
        let at = file.line_col(d.primary.span.start);
        println!(
            "{}:{}:{}: {} {}",
            file.name(),
            at.line,
            at.column,
            d.rule.code,
            d.message
        );
    }
    if compilation.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
