//! Subcommands: each turns parsed arguments into output and an exit code.

mod analyze;

use crate::cli::{Cli, Command};

/// Runs a parsed command line; `Ok(code)` is the process exit code.
pub fn run(cli: Cli) -> Result<u8, Box<dyn std::error::Error>> {
    match cli.command {
        Command::Analyze(args) => analyze::run(args),
    }
}
