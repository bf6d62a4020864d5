//! The command line: subcommands, their arguments and how the simple ones parse.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use elpc::Mapping;

/// The EdgeLake policy compiler: checks and compiles node config policies against their env files.
#[derive(Parser)]
#[command(name = "elpc", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
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
pub(crate) struct InputArgs {
    /// An env file (docker compose dialect); repeat to layer them, later files win.
    #[arg(short, long = "env", value_name = "FILE")]
    pub(crate) env: Vec<PathBuf>,
    /// Set a node variable directly (highest precedence), e.g. --set enable_ha=true; the node's
    /// facts (ip, external_ip, hostname, is_vm, external_dns) come before the deployment scripts
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
    pub(crate) sets: Vec<(String, String)>,
    /// How env keys become node variables.
    #[arg(long, value_enum)]
    pub(crate) profile: Option<ProfileArg>,
    /// Report these rules (codes or names, comma-separated) as errors; `warnings` for all warnings.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub(crate) deny: Vec<String>,
    /// Report these rules as warnings.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub(crate) warn: Vec<String>,
    /// Do not report these rules.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub(crate) allow: Vec<String>,
    /// Also show note-level findings in human and GitHub output.
    #[arg(long)]
    pub(crate) notes: bool,
    /// Show values of secret env keys (*PASSW*, *SECRET*, *KEY*, *TOKEN*) in diagnostics;
    /// by default they are printed as `***`.
    #[arg(long)]
    pub(crate) show_secrets: bool,
    /// The runtime the policy is for: decides which commands exist.
    #[arg(long, value_enum)]
    pub(crate) target: Option<TargetArg>,
    /// Where a node directory lives on this machine, to check `process` paths, e.g.
    /// --path-map /app/deployment-scripts=./deployment-scripts (repeatable)
    #[arg(long = "path-map", value_name = "NODE_DIR=LOCAL_DIR", value_parser = Mapping::parse)]
    pub(crate) path_map: Vec<Mapping>,
    /// A deployment-scripts checkout: elpc runs its node-deployment/main.al (up to
    /// set_params.al) on the env files to derive the node variables, and interprets the
    /// scripts `process` lines name (mapped at /app/deployment-scripts).
    #[arg(long, value_name = "DIR")]
    pub(crate) scripts: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) kubernetes: KubernetesArgs,
}

/// Kubernetes inputs: the node's env from Helm values or rendered manifests.
#[derive(clap::Args)]
pub(crate) struct KubernetesArgs {
    /// A Helm values file (repeat in Helm's order: the chart's values.yaml first, then each
    /// `-f` file; later files win, maps merge key by key).
    #[arg(long = "values", value_name = "FILE")]
    pub(crate) values: Vec<PathBuf>,
    /// Rendered Kubernetes manifests (multi-document YAML, e.g. `helm template` output); `-`
    /// reads standard input.
    #[arg(long = "manifest", value_name = "FILE|-")]
    pub(crate) manifests: Vec<PathBuf>,
    /// The Helm chart's directory: its `values.yaml` comes first, and its own templates
    /// (ConfigMap, Service, Deployment) are rendered instead of elpc's built-in data of the
    /// two known EdgeLake charts.
    #[arg(long = "chart", value_name = "DIR")]
    pub(crate) chart: Option<PathBuf>,
    /// The cluster's NodePort range, when its API server is not on the default 30000-32767.
    #[arg(long = "node-port-range", value_name = "LOW-HIGH", value_parser = parse_port_range)]
    pub(crate) node_port_range: Option<(u16, u16)>,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum TargetArg {
    /// The open-source EdgeLake node.
    Edgelake,
    /// The AnyLog node (has every EdgeLake command and more).
    Anylog,
}

#[derive(clap::Args)]
pub(crate) struct ColorArg {
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum CompileFormat {
    /// One JSON document: policy, resolved, servers, commands, diagnostics.
    Json,
    /// The command list as an `.al` script.
    Al,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CheckFormat {
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
pub(crate) enum ProfileArg {
    /// The EdgeLake deployment scripts' mapping (ANYLOG_SERVER_PORT → anylog_server_port, defaults, ...).
    Edgelake,
    /// Each env key becomes its lower-cased name, nothing else.
    Plain,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub(crate) fn parse_env_set(s: &str) -> Result<(String, Vec<PathBuf>), String> {
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

pub(crate) fn parse_port_range(s: &str) -> Result<(u16, u16), String> {
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

pub(crate) fn parse_set(s: &str) -> Result<(String, String), String> {
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

impl ColorChoice {
    pub(crate) fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none(),
        }
    }
}
