//! Subcommands: each turns parsed arguments into output and an exit code.

mod analyze;
mod audit;
mod check;
pub mod common;
mod merge;
mod shell;

use crate::cli::{Cli, Command};

/// The finding kinds that fail `check` unless `--fail-on` says otherwise (contract).
pub const DEFAULT_FAIL_ON: &str = "sigkill,grace_overrun,oom_killed,stuck_terminating,prestop_failed,prestop_timeout,volume_unmount_failed";

/// Runs a parsed command line; `Ok(code)` is the process exit code.
pub fn run(cli: Cli) -> Result<u8, Box<dyn std::error::Error>> {
    match cli.command {
        Command::Analyze(args) => analyze::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Check(args) => check::run(args),
        Command::Completions { shell } => shell::completions(shell),
        Command::Man => shell::man(),
    }
}
