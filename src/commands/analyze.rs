//! `podmortem analyze`: read, correlate, filter, render.

use crate::cli::{AnalyzeArgs, ColorChoice, OutputFormat};
use crate::input;
use crate::model::{PodReport, Report, Summary};
use crate::pipeline::{self, Options};
use crate::report::{self, RenderOptions};
use crate::time::{parse_rfc3339_prefix, Instant, Zone};
use std::io::{IsTerminal, Write};

/// Runs `analyze` and returns the exit code.
pub fn run(args: AnalyzeArgs) -> Result<u8, Box<dyn std::error::Error>> {
    let zone = Zone::parse(&args.tz).map_err(|e| format!("--tz: {e}"))?;
    let since = parse_bound("--since", args.since.as_deref(), &zone)?;
    let until = parse_bound("--until", args.until.as_deref(), &zone)?;
    let (specs, mut warnings) = input::discover(&args.paths)?;
    let opts = Options { year: args.year, zone };
    let mut report = pipeline::analyze(&specs, &opts)?;
    warnings.append(&mut report.warnings);
    report.warnings = warnings;
    filter(&mut report, &args, since, until);
    if !args.pod.is_empty() && report.pods.is_empty() {
        report.warnings.push(format!("no Pod matches --pod {}", args.pod.join(", ")));
    }

    let to_terminal = args.out.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let ropts = RenderOptions { color, width: if to_terminal { terminal_width() } else { None } };
    let text = match args.output {
        OutputFormat::Json => report::json::render(&report)?,
        OutputFormat::Jsonl => report::json::render_lines(&report)?,
        OutputFormat::Table if !args.pod.is_empty() => report::pod_view::render(&report, &ropts),
        OutputFormat::Wide if !args.pod.is_empty() => report::pod_view::render(&report, &ropts),
        OutputFormat::Table => report::table::render(&report, false, &ropts),
        OutputFormat::Wide => report::table::render(&report, true, &RenderOptions { width: None, ..ropts }),
    };
    match &args.out {
        Some(path) => std::fs::write(path, text.as_bytes()).map_err(|e| format!("{path}: cannot write: {}", input::io_reason(&e)))?,
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (e.g. `| head`) is not an error worth reporting.
            let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
        }
    }
    if !args.quiet {
        let mut err = std::io::stderr().lock();
        for w in &report.warnings {
            let _ = writeln!(err, "podmortem: warning: {}", report::sanitize(w));
        }
        if args.verbose {
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
    Ok(0)
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

fn matches_pod(p: &PodReport, sel: &str) -> bool {
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

fn filter(report: &mut Report, args: &AnalyzeArgs, since: Option<Instant>, until: Option<Instant>) {
    report.pods.retain(|p| {
        let start = p.stages.first().map(|s| s.at);
        (args.pod.is_empty() || args.pod.iter().any(|s| matches_pod(p, s)))
            && args.namespace.as_ref().is_none_or(|n| p.namespace.as_ref() == Some(n))
            && args.node.as_ref().is_none_or(|n| p.node.as_ref() == Some(n))
            && since.is_none_or(|s| start.is_some_and(|t| t >= s))
            && until.is_none_or(|u| start.is_some_and(|t| t <= u))
    });
    report.summary = Summary::of(&report.pods);
}

fn terminal_width() -> Option<u16> {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())
}
