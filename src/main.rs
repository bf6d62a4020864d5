//! `elpc`: the command-line front end. Reads files, calls the library, renders, exits.
//!
//! Exit codes: 0 no errors, 1 errors found, 2 usage or I/O problem.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use elpc::check::catalog;
use elpc::compile::{compile, output_json, Compilation, Input, Options};
use elpc::emit::commands::to_al_script;
use elpc::emit::json::to_ascii_json;
use elpc::render::{human, json::diagnostics_json, json::FORMAT_VERSION};
use elpc::resolve::scope::Profile;
use elpc::secrets::hide_secrets;

/// The EdgeLake policy compiler: checks and compiles node config policies against their env files.
#[derive(Parser)]
#[command(name = "elpc", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile a policy: normalized JSON, the servers it starts and the commands the node runs.
    Compile {
        /// The policy file.
        policy: PathBuf,
        #[command(flatten)]
        inputs: InputArgs,
        /// Output format: the JSON document, or the command list as an `.al` script.
        #[arg(long, value_enum, default_value_t = CompileFormat::Json)]
        format: CompileFormat,
        /// Write the output to this file (atomically; nothing is written when there are errors).
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Do not print diagnostics to standard error (they stay in the JSON output).
        #[arg(short, long)]
        quiet: bool,
        #[command(flatten)]
        color: ColorArg,
    },
    /// Check policies and print diagnostics only.
    Check {
        /// The policy files.
        #[arg(required = true)]
        policies: Vec<PathBuf>,
        #[command(flatten)]
        inputs: InputArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        #[command(flatten)]
        color: ColorArg,
    },
    /// Explain a diagnostic code or name (`elpc explain EL201`); without one, list every rule.
    Explain {
        /// A code such as EL201 or a name such as undefined-variable.
        rule: Option<String>,
    },
}

#[derive(clap::Args)]
struct InputArgs {
    /// An env file (docker compose dialect); repeat to layer them, later files win.
    #[arg(short, long = "env", value_name = "FILE")]
    env: Vec<PathBuf>,
    /// Set a node variable directly (highest precedence), e.g. --set ip=10.0.0.5
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
    sets: Vec<(String, String)>,
    /// How env keys become node variables.
    #[arg(long, value_enum, default_value_t = ProfileArg::Edgelake)]
    profile: ProfileArg,
    /// Show values of secret env keys (*PASSW*, *SECRET*, *KEY*, *TOKEN*) in diagnostics;
    /// by default they are printed as `***`.
    #[arg(long)]
    show_secrets: bool,
}

#[derive(clap::Args)]
struct ColorArg {
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Clone, Copy, ValueEnum)]
enum CompileFormat {
    /// One JSON document: policy, resolved, servers, commands, diagnostics.
    Json,
    /// The command list as an `.al` script.
    Al,
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    /// Rendered diagnostics with source snippets.
    Human,
    /// A versioned JSON document.
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ProfileArg {
    /// The EdgeLake deployment scripts' mapping (ANYLOG_SERVER_PORT → anylog_server_port, defaults, ...).
    Edgelake,
    /// Each env key becomes its lower-cased name, nothing else.
    Plain,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_set(s: &str) -> Result<(String, String), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not NAME=VALUE"))?;
    let name = name.trim().trim_start_matches('!');
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!(
            "`{name}` is not a variable name (letters, digits, _)"
        ));
    }
    Ok((name.to_string(), value.to_string()))
}

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
            let compilation = compile_file(&policy, &inputs)?;
            let use_color = color.color.enabled(std::io::stderr().is_terminal());
            if !quiet {
                print_human(&compilation, use_color, &mut std::io::stderr());
            }
            let text = match format {
                CompileFormat::Json => {
                    let diags = diagnostics_json(&compilation.sources, &compilation.diagnostics);
                    let mut t = to_ascii_json(&output_json(&compilation, diags), true);
                    t.push('\n');
                    t
                }
                CompileFormat::Al => match &compilation.output {
                    Some(out) => to_al_script(
                        &out.commands,
                        &compilation.sources,
                        &policy.display().to_string(),
                    ),
                    None => String::new(),
                },
            };
            let failed = compilation.has_errors();
            match output {
                Some(path) if failed => {
                    eprintln!("elpc: errors found; {} was not written", path.display());
                }
                Some(path) => write_atomically(&path, text.as_bytes())?,
                None => print_stdout(&text)?,
            }
            Ok(exit_for(failed))
        }
        Command::Check {
            policies,
            inputs,
            format,
            color,
        } => {
            let use_color = color.color.enabled(std::io::stdout().is_terminal());
            let mut failed = false;
            let mut documents = Vec::new();
            let mut stdout = std::io::stdout();
            for policy in &policies {
                let compilation = compile_file(policy, &inputs)?;
                failed |= compilation.has_errors();
                match format {
                    CheckFormat::Human => {
                        print_human(&compilation, use_color, &mut stdout);
                        let _ = writeln!(
                            stdout,
                            "{}: {}",
                            policy.display(),
                            human::summary(&compilation.diagnostics)
                        );
                    }
                    CheckFormat::Json => documents.extend(
                        diagnostics_json(&compilation.sources, &compilation.diagnostics)
                            .as_array()
                            .cloned()
                            .unwrap_or_default(),
                    ),
                }
            }
            if let CheckFormat::Json = format {
                let doc =
                    serde_json::json!({ "version": FORMAT_VERSION, "diagnostics": documents });
                print_stdout(&format!("{}\n", to_ascii_json(&doc, true)))?;
            }
            Ok(exit_for(failed))
        }
        Command::Explain { rule } => explain(rule.as_deref()),
    }
}

fn explain(rule: Option<&str>) -> Result<ExitCode, UsageError> {
    let Some(name) = rule else {
        let mut text = String::new();
        for r in catalog::ALL {
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
    let Some(r) = catalog::find(name) else {
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

impl ColorChoice {
    fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none(),
        }
    }
}

fn exit_for(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn read(path: &Path) -> Result<Input, UsageError> {
    std::fs::read(path)
        .map(|bytes| Input {
            name: path.display().to_string(),
            bytes,
        })
        .map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))
}

fn compile_file(policy: &Path, inputs: &InputArgs) -> Result<Compilation, UsageError> {
    let policy = read(policy)?;
    let env: Vec<Input> = inputs
        .env
        .iter()
        .map(|p| read(p))
        .collect::<Result<_, _>>()?;
    let options = Options {
        profile: match inputs.profile {
            ProfileArg::Edgelake => Profile::EdgeLake,
            ProfileArg::Plain => Profile::Plain,
        },
        sets: inputs.sets.clone(),
    };
    let mut compilation = compile(&policy, &env, &options);
    if !inputs.show_secrets {
        hide_secrets(&mut compilation);
    }
    Ok(compilation)
}

fn print_human(compilation: &Compilation, color: bool, out: &mut dyn Write) {
    for d in &compilation.diagnostics {
        let _ = write!(out, "{}", human::render(&compilation.sources, d, color));
    }
}

fn print_stdout(text: &str) -> Result<(), UsageError> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        // A closed pipe (`elpc ... | head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(UsageError(format!("cannot write output: {e}"))),
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`: readers see
/// the old file or the whole new one, never half of it.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), UsageError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| UsageError(format!("cannot write {}: {e}", path.display()));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
