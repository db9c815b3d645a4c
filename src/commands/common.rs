//! What every log-reading subcommand does the same way: read and filter,
//! decide on colour, write the output, report warnings.

use crate::cli::{ColorChoice, CommonArgs};
use crate::input::{self, InputSpec};
use crate::model::{PodReport, Report, Summary};
use crate::pipeline::{self, Options};
use crate::report::{self, RenderOptions};
use crate::time::{parse_rfc3339_prefix, Instant, Zone};
use std::io::{IsTerminal, Write};

/// Time-reading options from `--year` and `--tz`.
pub fn options(common: &CommonArgs) -> Result<Options, String> {
    let zone = Zone::parse(&common.tz).map_err(|e| format!("--tz: {e}"))?;
    Ok(Options { year: common.year, zone })
}

/// Reads the inputs and applies the Pod filters.
pub fn load(paths: &[String], common: &CommonArgs) -> Result<Report, Box<dyn std::error::Error>> {
    let opts = options(common)?;
    let (specs, warnings) = input::discover(paths)?;
    load_specs(&specs, warnings, common, &opts)
}

/// Like [`load`], for inputs already discovered.
pub fn load_specs(
    specs: &[InputSpec],
    mut warnings: Vec<String>,
    common: &CommonArgs,
    opts: &Options,
) -> Result<Report, Box<dyn std::error::Error>> {
    let since = parse_bound("--since", common.since.as_deref(), &opts.zone)?;
    let until = parse_bound("--until", common.until.as_deref(), &opts.zone)?;
    let mut report = pipeline::analyze(specs, opts)?;
    warnings.append(&mut report.warnings);
    report.warnings = warnings;
    filter(&mut report, common, since, until);
    if !common.pod.is_empty() && report.pods.is_empty() {
        report.warnings.push(format!("no Pod matches --pod {}", common.pod.join(", ")));
    }
    Ok(report)
}

/// True when output goes to a terminal (and not to `--out`).
pub fn to_terminal(common: &CommonArgs) -> bool {
    common.out.is_none() && std::io::stdout().is_terminal()
}

/// Colour and width for terminal renderers.
pub fn render_options(common: &CommonArgs) -> RenderOptions {
    let tty = to_terminal(common);
    let color = match common.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    RenderOptions { color, width: if tty { terminal_width() } else { None } }
}

/// Writes the rendered output to `--out` or stdout.
pub fn write_output(out: Option<&str>, text: &str) -> Result<(), String> {
    match out {
        Some(path) => std::fs::write(path, text.as_bytes()).map_err(|e| format!("{path}: cannot write: {}", input::io_reason(&e))),
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (e.g. `| head`) is not an error worth reporting.
            let _ = stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush());
            Ok(())
        }
    }
}

/// Prints warnings (and with `-v` per-input counts) on stderr.
pub fn print_warnings(report: &Report, common: &CommonArgs) {
    if common.quiet {
        return;
    }
    let mut err = std::io::stderr().lock();
    for w in &report.warnings {
        let _ = writeln!(err, "podmortem: warning: {}", report::sanitize(w));
    }
    if common.verbose {
        for i in &report.inputs {
            let _ = writeln!(
                err,
                "podmortem: {}: {} lines, {} recognized, {} skipped [{}]",
                report::sanitize(&i.path),
                i.lines,
                i.recognized,
                i.skipped,
                i.formats.join(", ")
            );
        }
    }
}

fn parse_bound(flag: &str, v: Option<&str>, zone: &Zone) -> Result<Option<Instant>, String> {
    let Some(v) = v else { return Ok(None) };
    let (st, used) =
        parse_rfc3339_prefix(v).ok_or_else(|| format!("{flag}: expected an RFC 3339 time such as 2026-04-16T11:53:40Z, got {v:?}"))?;
    if used != v.len() {
        return Err(format!("{flag}: unexpected text after the time in {v:?}"));
    }
    st.resolve(0, zone).map(Some).ok_or_else(|| format!("{flag}: {v:?} is not a valid time"))
}

/// True when `sel` (NS/NAME, NAME, UID or a container ID prefix) names the Pod.
pub fn matches_pod(p: &PodReport, sel: &str) -> bool {
    if p.uid.as_deref() == Some(sel) {
        return true;
    }
    match sel.split_once('/') {
        Some((ns, name)) => p.namespace.as_deref() == Some(ns) && p.name.as_deref() == Some(name),
        None => {
            p.name.as_deref() == Some(sel)
                || p.containers.iter().any(|c| c.id.as_deref().is_some_and(|id| id.starts_with(sel) && sel.len() >= 6))
        }
    }
}

fn filter(report: &mut Report, common: &CommonArgs, since: Option<Instant>, until: Option<Instant>) {
    report.pods.retain(|p| {
        let start = p.stages.first().map(|s| s.at);
        (common.pod.is_empty() || common.pod.iter().any(|s| matches_pod(p, s)))
            && common.namespace.as_ref().is_none_or(|n| p.namespace.as_ref() == Some(n))
            && common.node.as_ref().is_none_or(|n| p.node.as_ref() == Some(n))
            && since.is_none_or(|s| start.is_some_and(|t| t >= s))
            && until.is_none_or(|u| start.is_some_and(|t| t <= u))
    });
    report.summary = Summary::of(&report.pods);
}

fn terminal_width() -> Option<u16> {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())
}
