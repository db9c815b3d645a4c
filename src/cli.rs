//! Command-line definitions (clap) — the CLI half of the contract.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Reconstructs what happened when Kubernetes Pods were stopped, from node logs.
#[derive(Debug, Parser)]
#[command(name = "podmortem", version = crate::VERSION, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "Examples:
  podmortem fixtures/seed-article                 table of every Pod stop in a kind export
  podmortem --pod default/term-demo kind-logs/    one Pod's timeline with evidence
  journalctl -u kubelet -u containerd | podmortem -o json
  podmortem audit -o markdown logs-*.tar.gz       fleet statistics over node archives
  podmortem check --junit report.xml kind-logs/   CI gate: exit 1 on SIGKILLs and friends";

/// Subcommands; `analyze` is the default when none is given.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Per-Pod stop timelines and findings from node logs (the default).
    #[command(after_help = "Examples:
  podmortem analyze kind-logs/
  podmortem analyze -o wide node1/kubelet.log node1/containerd.log.gz
  podmortem analyze --pod default/web-0 --since 2026-04-16T11:00:00Z kind-logs/")]
    Analyze(AnalyzeArgs),
    /// Fleet statistics over many nodes' log archives (directories, .tar, .tar.gz).
    #[command(after_help = "Examples:
  podmortem audit kind-logs/
  podmortem audit -j 2 -o markdown bundles/*.tar.gz
  podmortem audit --shard 1/4 -o jsonl --out shard-1.jsonl bundles/")]
    Audit(AuditArgs),
    /// Combine `audit --shard … -o jsonl` results into the statistics of one run.
    #[command(after_help = "Example:
  podmortem merge shard-*.jsonl")]
    Merge(MergeArgs),
    /// CI gate over recorded e2e logs: exit 1 when a failing finding is present.
    #[command(after_help = "Examples:
  podmortem check kind-logs/
  podmortem check --fail-on sigkill,oom_killed --junit podmortem.xml --github kind-logs/
  podmortem check --baseline last-green.json --allow 'kube-system/*' kind-logs/")]
    Check(CheckArgs),
    /// Print a shell completion script (bash, zsh, fish, …).
    #[command(
        after_help = "Examples:\n  podmortem completions bash > ~/.local/share/bash-completion/completions/podmortem\n  podmortem completions zsh > ~/.zfunc/_podmortem"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    #[command(after_help = "Examples:\n  man -l <(podmortem man)\n  podmortem man > ~/.local/share/man/man1/podmortem.1")]
    Man,
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
    /// A Markdown report.
    Markdown,
    /// A self-contained HTML report.
    Html,
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

/// Options shared by every subcommand that reads logs.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
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
    /// Only Pods on this node (its name, or the name of its log directory).
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
    /// Also print per-input line counts and samples of skipped lines on stderr.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Options of `podmortem analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Log files, directories (searched recursively), `.gz` files, `.tar` / `.tar.gz` archives, or `-` for stdin (the default).
    pub paths: Vec<String>,
    /// Options shared with the other subcommands.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Options of `podmortem audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Node directories, directories of node directories, .tar / .tar.gz / .tgz archives of them, or directories of such archives.
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Options shared with the other subcommands.
    #[command(flatten)]
    pub common: CommonArgs,
    /// Worker threads (default: one per core).
    #[arg(short, long)]
    pub jobs: Option<usize>,
    /// Take only shard I of N (by node, stable), for runs spread over machines.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// How many top offenders to list per category.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
}

/// Options of `podmortem merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// `audit --shard … -o jsonl` outputs.
    #[arg(required = true)]
    pub files: Vec<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Write the output to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<String>,
    /// How many top offenders to list per category.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
}

/// Options of `podmortem check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Recorded logs (same inputs as `analyze`).
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Options shared with the other subcommands.
    #[command(flatten)]
    pub common: CommonArgs,
    /// Finding kinds that fail the check (comma-separated).
    #[arg(long, value_name = "KIND,…", value_delimiter = ',', default_value = crate::commands::DEFAULT_FAIL_ON)]
    pub fail_on: Vec<String>,
    /// Finding kinds reported as warnings without failing (comma-separated).
    #[arg(long, value_name = "KIND,…", value_delimiter = ',')]
    pub warn_on: Vec<String>,
    /// Fail when a Pod took longer than this from delete to exit.
    #[arg(long, value_name = "N")]
    pub max_stop_seconds: Option<f64>,
    /// Known offenders to ignore: NS/NAME glob (repeatable), e.g. `kube-system/*`.
    #[arg(long, value_name = "NS/NAME-GLOB")]
    pub allow: Vec<String>,
    /// A file of --allow globs, one per line (`#` comments).
    #[arg(long, value_name = "FILE")]
    pub allow_file: Option<String>,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<String>,
    /// Print GitHub Actions annotations and append a summary to $GITHUB_STEP_SUMMARY.
    #[arg(long)]
    pub github: bool,
    /// A previous `-o json` report: fail only on problems that are new since it.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<String>,
}

/// Parses the command line; a missing subcommand means `analyze`.
pub fn parse_args<I: IntoIterator<Item = std::ffi::OsString>>(args: I) -> Result<Cli, clap::Error> {
    let mut args: Vec<std::ffi::OsString> = args.into_iter().collect();
    let first = args.get(1).and_then(|a| a.to_str()).unwrap_or("");
    let known = ["analyze", "audit", "merge", "check", "completions", "man", "help", "-h", "--help", "-V", "--version"];
    if !known.contains(&first) {
        args.insert(1.min(args.len()), "analyze".into());
    }
    Cli::try_parse_from(args)
}
