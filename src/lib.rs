//! podmortem reconstructs what happened when Kubernetes Pods were stopped,
//! from the logs a node and the API left behind.
//!
//! Data flows one way:
//! `input` (files, dirs, stdin, gzip) → `envelope` (journald, syslog, CRI,
//! JSON) → `parse` (kubelet, containerd, kernel, app) → [`event::Event`] →
//! `correlate` (per-Pod timelines) → `findings` (rules) → `report` (table,
//! JSON, per-Pod view).

/// `podmortem --version`: the package version and the git revision it was built from.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (git ", env!("PODMORTEM_GIT_REV"), ")");

pub mod audit;
pub mod cli;
pub mod commands;
pub mod correlate;
pub mod envelope;
pub mod event;
pub mod fact_list;
pub mod findings;
pub mod input;
pub mod memory;
pub mod model;
pub mod parse;
pub mod pipeline;
pub mod report;
pub mod stats;
pub mod symbols;
pub mod text;
pub mod time;

/// The whole program: parse arguments, run, map errors to exit codes
/// (0 ran, 1 `check` failed, 2 usage or input error). Shared by the
/// `podmortem` and `kubectl-podmortem` binaries.
pub fn main_with_args<I: IntoIterator<Item = std::ffi::OsString>>(args: I) -> std::process::ExitCode {
    memory::keep_peak_near_live();
    let cli = match cli::parse_args(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return std::process::ExitCode::from(code);
        }
    };
    match commands::run(cli) {
        Ok(code) => std::process::ExitCode::from(code),
        Err(e) => {
            eprintln!("podmortem: {}", report::sanitize(&e.to_string()));
            std::process::ExitCode::from(2)
        }
    }
}
