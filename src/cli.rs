//! Command-line definitions (clap) — the CLI half of the contract.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Reconstructs what happened when Kubernetes Pods were stopped, from node logs.
#[derive(Debug, Parser)]
#[command(name = "podmortem", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "Examples:
  podmortem fixtures/seed-article                 table of every Pod stop in a kind export
  podmortem --pod default/term-demo kind-logs/    one Pod's timeline with evidence
  journalctl -u kubelet -u containerd | podmortem -o json
  podmortem -o jsonl node1/ node2/ | jq 'select(.outcome==\"sigkill\")'";

/// Subcommands; `analyze` is the default when none is given.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Per-Pod stop timelines and findings from node logs (the default).
    Analyze(AnalyzeArgs),
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A row per Pod, fitted to the terminal.
    Table,
    /// A row per Pod with IDs and every column.
    Wide,
    /// One JSON document (schema `podmortem/v1`).
    Json,
    /// One JSON Pod object per line.
    Jsonl,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Options of `podmortem analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Log files, directories (searched recursively), `.gz` files, or `-` for stdin (the default).
    pub paths: Vec<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Write the output to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<String>,
    /// Show this Pod's ordered timeline (NS/NAME or UID; repeatable).
    #[arg(long, value_name = "NS/NAME|UID")]
    pub pod: Vec<String>,
    /// Only Pods in this namespace.
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,
    /// Only Pods on this node.
    #[arg(long)]
    pub node: Option<String>,
    /// Only stops that started at or after this time (RFC 3339).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only stops that started at or before this time (RFC 3339).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Year for timestamps that print none (journald, klog), instead of inferring it.
    #[arg(long)]
    pub year: Option<i32>,
    /// Zone of timestamps that print none (UTC, +09:00, Europe/Berlin).
    #[arg(long, default_value = "UTC")]
    pub tz: String,
    /// Colour: auto, always or never (NO_COLOR is honoured).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// No warnings on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also print per-input line counts on stderr.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Parses the command line; a missing subcommand means `analyze`.
pub fn parse_args<I: IntoIterator<Item = std::ffi::OsString>>(args: I) -> Result<Cli, clap::Error> {
    let mut args: Vec<std::ffi::OsString> = args.into_iter().collect();
    let first = args.get(1).and_then(|a| a.to_str()).unwrap_or("");
    let known = ["analyze", "help", "-h", "--help", "-V", "--version"];
    if !known.contains(&first) {
        args.insert(1.min(args.len()), "analyze".into());
    }
    Cli::try_parse_from(args)
}
