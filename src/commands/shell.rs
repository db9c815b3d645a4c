//! `podmortem completions SHELL` and `podmortem man`, generated from the clap definitions.

use crate::cli::Cli;
use clap::CommandFactory;

/// Writes the completion script for `shell` to stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<u8, Box<dyn std::error::Error>> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "podmortem", &mut std::io::stdout());
    Ok(0)
}

/// Writes the man page (roff) to stdout.
pub fn man() -> Result<u8, Box<dyn std::error::Error>> {
    let man = clap_mangen::Man::new(Cli::command());
    let mut out = Vec::new();
    man.render(&mut out)?;
    std::io::Write::write_all(&mut std::io::stdout(), &out)?;
    Ok(0)
}
