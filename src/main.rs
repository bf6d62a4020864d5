//! `elpc`: the command-line front end. Reads files, calls the library, renders, exits.
//!
//! Exit codes: 0 no errors, 1 errors found, 2 usage or I/O problem.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

mod cli {
    pub mod affected;
}

use elpc::config::Config;
use elpc::disk;
use elpc::render::sarif::{sarif, SarifInput};
use elpc::render::{github, human, to_al_script, to_ascii_json};
use elpc::{
    compile_deployment, ChartFiles, Compilation, Input, Kubernetes, LintLevels, LocalFiles,
    Mapping, Options, PathMap, Profile, Target, Unreadable, UnreadableReason, MAX_ENV_BYTES,
    MAX_POLICY_BYTES,
};

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
        /// Write the output to this file (atomically; nothing is written when there are errors);
        /// `-o -` prints it. Without -o it is printed unless standard output is a terminal.
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Do not print diagnostics to standard error (they stay in the JSON output).
        #[arg(short, long)]
        quiet: bool,
        #[command(flatten)]
        color: ColorArg,
    },
    /// Check policies (and `.al` scripts) and print diagnostics only.
    Check {
        /// The policy files. An env file or elpc.toml stands for the policies it affects (the
        /// policies of the elpc.toml groups listing the env file; every policy below elpc.toml).
        /// A `.al` file is checked as a script the node runs with `process`, and re-checks the
        /// policies of the elpc.toml groups that read it (`scripts`, `path_map`).
        #[arg(required = true)]
        policies: Vec<PathBuf>,
        #[command(flatten)]
        inputs: InputArgs,
        /// Check against a named env layering, e.g. operator=base.env,advance.env; repeat to
        /// check each policy against several layerings in one run.
        #[arg(long = "env-set", value_name = "NAME=FILE[,FILE...]", value_parser = parse_env_set)]
        env_sets: Vec<(String, Vec<PathBuf>)>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        #[command(flatten)]
        color: ColorArg,
    },
    /// Run the language server on standard input and output (for editors).
    Lsp,
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
    /// Set a node variable directly (highest precedence), e.g. --set enable_ha=true; the node's
    /// facts (ip, external_ip, hostname, is_vm, external_dns) come before the deployment scripts
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
    sets: Vec<(String, String)>,
    /// How env keys become node variables.
    #[arg(long, value_enum)]
    profile: Option<ProfileArg>,
    /// Report these rules (codes or names, comma-separated) as errors; `warnings` for all warnings.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    deny: Vec<String>,
    /// Report these rules as warnings.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    warn: Vec<String>,
    /// Do not report these rules.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    allow: Vec<String>,
    /// Also show note-level findings in human and GitHub output.
    #[arg(long)]
    notes: bool,
    /// Show values of secret env keys (*PASSW*, *SECRET*, *KEY*, *TOKEN*) in diagnostics;
    /// by default they are printed as `***`.
    #[arg(long)]
    show_secrets: bool,
    /// The runtime the policy is for: decides which commands exist.
    #[arg(long, value_enum)]
    target: Option<TargetArg>,
    /// Where a node directory lives on this machine, to check `process` paths, e.g.
    /// --path-map /app/deployment-scripts=./deployment-scripts (repeatable)
    #[arg(long = "path-map", value_name = "NODE_DIR=LOCAL_DIR", value_parser = Mapping::parse)]
    path_map: Vec<Mapping>,
    /// A deployment-scripts checkout: elpc runs its node-deployment/main.al (up to
    /// set_params.al) on the env files to derive the node variables, and interprets the
    /// scripts `process` lines name (mapped at /app/deployment-scripts).
    #[arg(long, value_name = "DIR")]
    scripts: Option<PathBuf>,
    #[command(flatten)]
    kubernetes: KubernetesArgs,
}

/// Kubernetes inputs: the node's env from Helm values or rendered manifests.
#[derive(clap::Args)]
struct KubernetesArgs {
    /// A Helm values file (repeat in Helm's order: the chart's values.yaml first, then each
    /// `-f` file; later files win, maps merge key by key).
    #[arg(long = "values", value_name = "FILE")]
    values: Vec<PathBuf>,
    /// Rendered Kubernetes manifests (multi-document YAML, e.g. `helm template` output); `-`
    /// reads standard input.
    #[arg(long = "manifest", value_name = "FILE|-")]
    manifests: Vec<PathBuf>,
    /// The Helm chart's directory: its `values.yaml` comes first, and its own templates
    /// (ConfigMap, Service, Deployment) are rendered instead of elpc's built-in data of the
    /// two known EdgeLake charts.
    #[arg(long = "chart", value_name = "DIR")]
    chart: Option<PathBuf>,
    /// The cluster's NodePort range, when its API server is not on the default 30000-32767.
    #[arg(long = "node-port-range", value_name = "LOW-HIGH", value_parser = parse_port_range)]
    node_port_range: Option<(u16, u16)>,
}

#[derive(Clone, Copy, ValueEnum)]
enum TargetArg {
    /// The open-source EdgeLake node.
    Edgelake,
    /// The AnyLog node (has every EdgeLake command and more).
    Anylog,
}

/// Answers the library's file-existence questions with the real file system.
struct RealFiles;

impl LocalFiles for RealFiles {
    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }
    fn read(&self, path: &Path) -> Option<Vec<u8>> {
        disk::read_bounded(path, elpc::MAX_SCRIPT_BYTES).ok()
    }
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

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    /// Rendered diagnostics with source snippets.
    Human,
    /// A versioned JSON document.
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
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

fn parse_env_set(s: &str) -> Result<(String, Vec<PathBuf>), String> {
    let (name, files) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not NAME=FILE[,FILE...]"))?;
    let files: Vec<PathBuf> = files
        .split(',')
        .filter(|f| !f.is_empty())
        .map(PathBuf::from)
        .collect();
    if name.is_empty() || files.is_empty() {
        return Err(format!("`{s}` needs a name and at least one file"));
    }
    Ok((name.to_string(), files))
}

fn parse_port_range(s: &str) -> Result<(u16, u16), String> {
    let (low, high) = s
        .split_once('-')
        .ok_or_else(|| format!("`{s}` is not LOW-HIGH, e.g. 30000-32767"))?;
    let port = |p: &str| {
        p.trim()
            .parse::<u16>()
            .map_err(|_| format!("`{p}` is not a port number"))
    };
    let (low, high) = (port(low)?, port(high)?);
    if low > high {
        return Err(format!("{low} is above {high}"));
    }
    Ok((low, high))
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
            let text = match format {
                CompileFormat::Json => {
                    let mut t = elpc::render::output::compile_document(&compilation);
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
                Some(path) => {
                    disk::write_output(&path, text.as_bytes(), &read).map_err(UsageError)?
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
                None => print_stdout(&text)?,
            }
            exit_without_freeing((compilation, text));
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

/// Reads an input through [`elpc::disk::read_bounded`]: a missing or unreadable path is a usage
/// error; a special file or one past the limit goes on to the compiler, which reports it (EL004).
fn read(path: &Path, max_bytes: usize) -> Result<Result<Input, Unreadable>, UsageError> {
    match elpc::disk::read_input(path, max_bytes) {
        Err(Unreadable {
            reason: UnreadableReason::Io(_, why),
            ..
        }) => Err(UsageError(format!("cannot read {}: {why}", path.display()))),
        other => Ok(other),
    }
}

/// `path` relative to the working directory when it lies below it, as people type paths.
fn display_path(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

/// A chart directory's `Chart.yaml` and `templates/*` (`.yaml`, `.yml`, `.tpl`, by name),
/// each through the bounded reader.
fn read_chart(dir: &Path) -> Result<ChartFiles, UsageError> {
    let templates_dir = dir.join("templates");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&templates_dir)
        .map_err(|e| UsageError(format!("cannot read {}: {e}", templates_dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "yaml" || x == "yml" || x == "tpl")
        })
        .collect();
    names.sort();
    names.truncate(elpc::kubernetes::template::MAX_TEMPLATES);
    let chart_yaml = dir.join("Chart.yaml");
    Ok(ChartFiles {
        chart_yaml: if chart_yaml.exists() {
            Some(read(&chart_yaml, MAX_ENV_BYTES)?)
        } else {
            None
        },
        templates: names
            .iter()
            .map(|p| read(p, MAX_ENV_BYTES))
            .collect::<Result<_, _>>()?,
    })
}

/// A file, or standard input for `-` (read up to one byte past the env limit, so the library
/// reports an oversized input instead of this reading without end).
fn read_or_stdin(path: &Path) -> Result<Result<Input, Unreadable>, UsageError> {
    if path != Path::new("-") {
        return read(path, MAX_ENV_BYTES);
    }
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_ENV_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| UsageError(format!("cannot read standard input: {e}")))?;
    Ok(Ok(Input {
        name: "<stdin>".into(),
        bytes,
    }))
}

/// What one policy is compiled with: env files, `--set` values, profile and rule levels, from
/// the command line and the nearest `elpc.toml`.
struct Plan {
    env: Vec<PathBuf>,
    values: Vec<PathBuf>,
    manifests: Vec<PathBuf>,
    chart: Option<PathBuf>,
    node_port_range: (u16, u16),
    options: Options,
}

impl Plan {
    fn for_policy(
        policy: &Path,
        inputs: &InputArgs,
        env_set: Option<&[PathBuf]>,
    ) -> Result<Plan, UsageError> {
        let found = Config::discover(policy).map_err(|e| UsageError(e.to_string()))?;
        let mut levels = LintLevels::default();
        let mut env = inputs.env.clone();
        let mut values = inputs.kubernetes.values.clone();
        if let Some(dir) = &inputs.kubernetes.chart {
            // Helm reads the chart's own values.yaml before every -f file.
            values.insert(0, dir.join("values.yaml"));
        }
        let mut manifests = inputs.kubernetes.manifests.clone();
        let mut sets: Vec<(String, String)> = Vec::new();
        let mut profile = None;
        let mut target = None;
        let mut group_path_map: Vec<Mapping> = Vec::new();
        let mut group_scripts: Option<PathBuf> = None;
        if let Some((path, config)) = &found {
            levels = config.lint.clone();
            if let Some(origin) = &mut levels.origin {
                origin.name = display_path(path);
            }
            let parent = path.parent().unwrap_or(Path::new("."));
            let absolute = std::path::absolute(policy).unwrap_or_else(|_| policy.to_path_buf());
            let relative = absolute
                .strip_prefix(std::path::absolute(parent).unwrap_or_else(|_| parent.to_path_buf()))
                .unwrap_or(policy);
            // Files elpc.toml names (env files, scripts) are shown from the working directory
            // when below it, as the policies are: annotations and SARIF need repository paths.
            let root = &PathBuf::from(display_path(parent));
            if let Some(group) = config.group_for(relative) {
                if env.is_empty() && env_set.is_none() {
                    env = group.env.iter().map(|e| root.join(e)).collect();
                }
                if values.is_empty() && manifests.is_empty() && env_set.is_none() {
                    values = group.values.iter().map(|e| root.join(e)).collect();
                    manifests = group.manifests.iter().map(|e| root.join(e)).collect();
                }
                sets.extend(group.set.iter().map(|(k, v)| (k.clone(), v.clone())));
                let bad = |e: String| UsageError(format!("{}: {e}", path.display()));
                profile = group.profile().map_err(bad)?;
                target = group.target().map_err(bad)?;
                group_path_map = group.path_map(root).map_err(bad)?;
                group_scripts = group.scripts.as_ref().map(|s| root.join(s));
            }
        }
        if let Some(files) = env_set {
            env = files.to_vec();
        }
        // Command-line levels override the configuration file for the rules they name.
        let named_on_cli: Vec<&String> = inputs
            .deny
            .iter()
            .chain(&inputs.warn)
            .chain(&inputs.allow)
            .collect();
        for list in [&mut levels.deny, &mut levels.warn, &mut levels.allow] {
            list.retain(|r| !named_on_cli.iter().any(|c| c.eq_ignore_ascii_case(r)));
        }
        levels.deny.extend(inputs.deny.iter().cloned());
        levels.warn.extend(inputs.warn.iter().cloned());
        levels.allow.extend(inputs.allow.iter().cloned());
        // Unknown names in elpc.toml are findings there (EL030, reported by the library with
        // line and column); those on the command line are usage errors.
        let mut named = LintLevels::default();
        named.deny.clone_from(&inputs.deny);
        named.warn.clone_from(&inputs.warn);
        named.allow.clone_from(&inputs.allow);
        let unknown = named.unknown_rule_names();
        if !unknown.is_empty() {
            return Err(UsageError(format!(
                "unknown rule{} {}; `elpc explain` lists them",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.join(", ")
            )));
        }
        sets.extend(inputs.sets.iter().cloned());
        let mut mappings = if inputs.path_map.is_empty() {
            group_path_map
        } else {
            inputs.path_map.clone()
        };
        let scripts = inputs.scripts.clone().or(group_scripts);
        if let Some(dir) = &scripts {
            if !dir.join(elpc::MAIN_SCRIPT).is_file() {
                return Err(UsageError(format!(
                    "--scripts {}: no {} there (give the root of a deployment-scripts checkout)",
                    dir.display(),
                    elpc::MAIN_SCRIPT
                )));
            }
            if !mappings.iter().any(|m| m.node_dir == elpc::SCRIPTS_DIR) {
                mappings.push(Mapping {
                    node_dir: elpc::SCRIPTS_DIR.to_string(),
                    local_dir: dir.clone(),
                });
            }
        }
        let profile = match inputs.profile {
            Some(ProfileArg::Edgelake) => Profile::EdgeLake,
            Some(ProfileArg::Plain) => Profile::Plain,
            None => profile.unwrap_or_default(),
        };
        Ok(Plan {
            env,
            values,
            manifests,
            chart: inputs.kubernetes.chart.clone(),
            node_port_range: inputs
                .kubernetes
                .node_port_range
                .unwrap_or(elpc::kubernetes::DEFAULT_NODE_PORT_RANGE),
            options: {
                // Options grows (#[non_exhaustive]): set fields on the default.
                let mut options = Options::default();
                options.show_secrets = inputs.show_secrets;
                options.profile = profile;
                options.sets = sets;
                options.levels = levels;
                options.target = match inputs.target {
                    Some(TargetArg::Edgelake) => Target::EdgeLake,
                    Some(TargetArg::Anylog) => Target::AnyLog,
                    None => target.unwrap_or_default(),
                };
                options.path_map = PathMap {
                    mappings,
                    files: Some(Arc::new(RealFiles)),
                };
                options.scripts = scripts.map(|_| elpc::SCRIPTS_DIR.to_string());
                options
            },
        })
    }

    fn compile(&self, policy: &Path) -> Result<Compilation, UsageError> {
        if elpc::is_script(&policy.display().to_string()) {
            let script = read(policy, elpc::MAX_SCRIPT_BYTES)?;
            let env: Vec<_> = self
                .env
                .iter()
                .map(|p| read(p, MAX_ENV_BYTES))
                .collect::<Result<_, _>>()?;
            return Ok(elpc::compile_script_files(&script, &env, &self.options));
        }
        let policy = read(policy, MAX_POLICY_BYTES)?;
        let env: Vec<_> = self
            .env
            .iter()
            .map(|p| read(p, MAX_ENV_BYTES))
            .collect::<Result<_, _>>()?;
        let kubernetes = Kubernetes {
            values: self
                .values
                .iter()
                .map(|p| read(p, MAX_ENV_BYTES))
                .collect::<Result<_, _>>()?,
            manifests: self
                .manifests
                .iter()
                .map(|p| read_or_stdin(p))
                .collect::<Result<_, _>>()?,
            chart: match &self.chart {
                Some(dir) => Some(read_chart(dir)?),
                None => None,
            },
            node_port_range: self.node_port_range,
        };
        Ok(compile_deployment(
            &policy,
            &env,
            &kubernetes,
            &self.options,
        ))
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
