//! `elpc`: the command-line front end. Reads files, calls the library, renders, exits.
//!
//! Exit codes: 0 no errors, 1 errors found, 2 usage or I/O problem.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

mod cli {
    pub mod affected;
    pub mod args;
    pub mod plan;
    pub mod read;
}

use cli::args::{CheckFormat, Cli, Command, CompileFormat};
use cli::plan::Plan;

use elpc::disk;
use elpc::render::sarif::{sarif, SarifInput};
use elpc::render::{github, human, to_al_script, to_ascii_json};
use elpc::Compilation;

/// What `elpc lsp` says when a person starts it on a terminal.
const LSP_BANNER: &str =
    "elpc lsp: the elpc language server, speaking the Language Server Protocol \
on standard input and output. An editor starts it for you: the VS Code extension \
(editors/vscode), Neovim (editors/nvim) or Helix (editors/helix), see \"In the editor\" in the \
README. It is now waiting for an LSP client on this terminal; press Ctrl-D to quit.";

/// A failure that is the user's environment, not the policy: exit code 2.
struct UsageError(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(UsageError(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, UsageError> {
    match cli.command {
        Command::Compile {
            policy,
            inputs,
            format,
            output,
            quiet,
            color,
        } => {
            if elpc::is_script(&policy.display().to_string()) {
                return Err(UsageError(format!(
                    "{} is a script: check it with `elpc check {}`",
                    policy.display(),
                    policy.display()
                )));
            }
            // `-o -` is standard output, asked for by name.
            let to_stdout = output.as_deref() == Some(Path::new("-"));
            let output = output.filter(|_| !to_stdout);
            let plan = Plan::for_policy(&policy, &inputs, None)?;
            let read: Vec<&Path> = std::iter::once(policy.as_path())
                .chain(plan.env.iter().map(PathBuf::as_path))
                .collect();
            // Refused before compiling, so a wrong -o is said at once, errors or not.
            if let Some(why) = output
                .as_deref()
                .and_then(|o| disk::refuse_output(o, &read))
            {
                return Err(UsageError(why));
            }
            let compilation = plan.compile(&policy)?;
            let use_color = color.color.enabled(std::io::stderr().is_terminal());
            if !quiet {
                print_human(
                    &compilation,
                    use_color,
                    inputs.notes,
                    &mut std::io::stderr(),
                );
                let summary = human::summary(&compilation.diagnostics);
                eprintln!("{}: {summary}", policy.display());
            }
            // The `.al` script is small and made whole; the JSON document (about four times
            // the policy's size) is written as it is serialised, to standard output or to
            // `-o`'s temporary file.
            let al_text = match format {
                CompileFormat::Al => Some(match &compilation.output {
                    Some(out) => to_al_script(
                        &out.commands,
                        &compilation.sources,
                        &policy.display().to_string(),
                    ),
                    None => String::new(),
                }),
                CompileFormat::Json => None,
            };
            let write_document = |out: &mut dyn Write| match &al_text {
                Some(text) => out.write_all(text.as_bytes()),
                None => {
                    elpc::render::output::write_compile_document(&compilation, out)?;
                    out.write_all(b"\n")
                }
            };
            let failed = compilation.has_errors();
            match output {
                Some(path) if failed => {
                    eprintln!("elpc: errors found; {} was not written", path.display());
                }
                Some(path) => {
                    disk::write_output(&path, &read, write_document).map_err(UsageError)?
                }
                // On a terminal the document would scroll the findings away: it is printed only
                // when asked for (`-o -`), or when standard output is a pipe or a file.
                None if !to_stdout && std::io::stdout().is_terminal() => {
                    eprintln!(
                        "elpc: the compiled {} is not printed on a terminal: -o - prints it, \
                         -o FILE writes it (when there are no errors)",
                        match format {
                            CompileFormat::Json => "JSON",
                            CompileFormat::Al => ".al script",
                        }
                    );
                }
                None => print_with(write_document)?,
            }
            exit_without_freeing((compilation, al_text));
            Ok(exit_for(failed))
        }
        Command::Check {
            policies,
            inputs,
            env_sets,
            format,
            color,
        } => {
            let use_color = color.color.enabled(std::io::stdout().is_terminal());
            let affected = cli::affected::expand(&policies).map_err(UsageError)?;
            for note in &affected.notes {
                eprintln!("elpc: {note}");
            }
            let policies = affected.policies;
            let mut failed = false;
            let mut runs: Vec<(Option<String>, Compilation)> = Vec::new();
            for policy in &policies {
                let sets: Vec<Option<&(String, Vec<PathBuf>)>> = if env_sets.is_empty() {
                    vec![None]
                } else {
                    env_sets.iter().map(Some).collect()
                };
                for set in sets {
                    let plan = Plan::for_policy(policy, &inputs, set.map(|s| s.1.as_slice()))?;
                    let compilation = plan.compile(policy)?;
                    failed |= compilation.has_errors();
                    runs.push((set.map(|s| s.0.clone()), compilation));
                }
            }
            let mut out = String::new();
            match format {
                CheckFormat::Human => {
                    for ((set, c), policy) in runs.iter().zip(
                        policies
                            .iter()
                            .flat_map(|p| std::iter::repeat_n(p, env_sets.len().max(1))),
                    ) {
                        let mut buf = Vec::new();
                        print_human(c, use_color, inputs.notes, &mut buf);
                        out.push_str(&String::from_utf8_lossy(&buf));
                        let label = match set {
                            Some(s) => format!("{} [{s}]", policy.display()),
                            None => policy.display().to_string(),
                        };
                        out.push_str(&format!("{label}: {}\n", human::summary(&c.diagnostics)));
                    }
                }
                CheckFormat::Json => {
                    out =
                        elpc::render::json::check_document(runs.iter().map(|(set, c)| {
                            (set.as_deref(), &c.sources, c.diagnostics.as_slice())
                        }));
                    out.push('\n');
                }
                CheckFormat::Sarif => {
                    let inputs: Vec<SarifInput> = runs
                        .iter()
                        .map(|(set, c)| SarifInput {
                            sources: &c.sources,
                            diagnostics: &c.diagnostics,
                            env_set: set.as_deref(),
                        })
                        .collect();
                    let root = std::env::current_dir().ok();
                    let log = sarif(&inputs, root.as_deref());
                    out = format!("{}\n", to_ascii_json(&log, true));
                }
                CheckFormat::Github => {
                    for (set, c) in &runs {
                        let shown: Vec<_> = c
                            .diagnostics
                            .iter()
                            .filter(|d| inputs.notes || d.severity != elpc::Severity::Note)
                            .cloned()
                            .collect();
                        out.push_str(&github::annotations(&c.sources, &shown, set.as_deref()));
                    }
                }
            }
            print_stdout(&out)?;
            exit_without_freeing(runs);
            Ok(exit_for(failed))
        }
        Command::Explain { rule } => explain(rule.as_deref()),
        Command::Lsp => {
            // Started by hand, the server would sit silently waiting for JSON-RPC: say what it is.
            let by_hand = std::io::stdin().is_terminal();
            if by_hand {
                eprintln!("{LSP_BANNER}");
            }
            match elpc::lsp::run_stdio() {
                Ok(()) => Ok(ExitCode::SUCCESS),
                Err(message) => {
                    eprintln!("elpc lsp: {message}");
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

fn explain(rule: Option<&str>) -> Result<ExitCode, UsageError> {
    let Some(name) = rule else {
        let mut text = String::new();
        for r in elpc::rules() {
            text.push_str(&format!(
                "{}  {:<26} {:<8} {}\n",
                r.code,
                r.name,
                r.severity.as_str(),
                r.summary
            ));
        }
        print_stdout(&text)?;
        return Ok(ExitCode::SUCCESS);
    };
    let Some(r) = elpc::find_rule(name) else {
        return Err(UsageError(format!(
            "no rule is called `{name}`; `elpc explain` lists them all"
        )));
    };
    print_stdout(&format!(
        "{} {} ({} by default)\n\n{}\n\n{}",
        r.code,
        r.name,
        r.severity.as_str(),
        r.summary,
        r.explain
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn exit_for(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Leaves what the process computed to the operating system, which takes it back at exit at
/// once: freeing a large compilation piece by piece (and glibc then consolidating the freed
/// chunks when stdout's buffer is released) was about 15% of compiling 100,000 lines.
fn exit_without_freeing<T>(computed: T) {
    std::mem::forget(computed);
}

fn print_human(compilation: &Compilation, color: bool, notes: bool, out: &mut dyn Write) {
    let shown = compilation
        .diagnostics
        .iter()
        .filter(|d| notes || d.severity != elpc::Severity::Note);
    let _ = write!(
        out,
        "{}",
        human::render_all(&compilation.sources, shown, color)
    );
}

fn print_stdout(text: &str) -> Result<(), UsageError> {
    print_with(|out| out.write_all(text.as_bytes()))
}

/// Standard output written by `write`, then flushed.
fn print_with(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), UsageError> {
    let mut stdout = std::io::stdout().lock();
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`elpc ... | head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(UsageError(format!("cannot write output: {e}"))),
    }
}
