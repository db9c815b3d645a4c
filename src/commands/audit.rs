//! `podmortem audit`: fleet statistics over many nodes' archives.

use super::common;
use crate::audit::{self, Progress, Shard};
use crate::cli::{AuditArgs, OutputFormat};
use crate::model::Report;
use crate::report;
use crate::stats::{self, FleetStats, PodDigest};
use serde::Serialize;
use std::io::IsTerminal;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Runs `audit` and returns the exit code.
pub fn run(args: AuditArgs) -> Result<u8, Box<dyn std::error::Error>> {
    let c = &args.common;
    let shard = args.shard.as_deref().map(Shard::parse).transpose()?;
    if let Some(j) = args.jobs {
        // Only the first configuration of the global pool counts; fine for a CLI run.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(j.max(1)).build_global();
    }
    let opts = common::options(c)?;
    // Sizing the inputs walks every directory: only worth it for a visible bar.
    let wants_bar = !c.quiet && std::io::stderr().is_terminal();
    let total = if wants_bar { audit::total_bytes(&args.paths) } else { 0 };
    let progress = Progress { total, ..Progress::default() };
    let bar = show_progress(c.quiet, &progress);
    let select = common::report_filter(c)?;
    // Statistics alone need only a digest of each Pod: keep that, not the
    // reports, so memory does not grow with the fleet.
    let stats_only = matches!(c.output, OutputFormat::Table | OutputFormat::Wide | OutputFormat::Markdown);
    let result = if stats_only {
        audit::run_keeping(&args.paths, &opts, shard, &progress, &|mut r: Report| {
            select(&mut r);
            // Taken, not drained: the reports' buffer goes too.
            let digests = PodDigest::of_all(&std::mem::take(&mut r.pods));
            if !c.verbose {
                // Per-input line counts are shown only with -v (one per Pod log file, thousands).
                r.inputs = Vec::new();
            }
            (r, digests)
        })
        .map(|(parts, warnings)| {
            // Kept in their nodes' lists: one list of all would be a copy of them.
            let (reports, digests): (Vec<Report>, Vec<Vec<PodDigest>>) = parts.into_iter().unzip();
            (audit::combine(reports, warnings), digests)
        })
    } else {
        audit::run(&args.paths, &opts, shard, &progress).map(|mut r| {
            select(&mut r);
            (r, Vec::new())
        })
    };
    if let Some((bar, handle)) = bar {
        bar.finish_and_clear();
        let _ = handle.join();
    }
    let (mut report, digests) = result?;
    let stats = if stats_only { stats::compute_digests(&digests, args.top) } else { stats::compute(&report.pods, args.top) };
    if let Some(s) = shard {
        report.warnings.push(format!("shard {}/{}: only the nodes this shard owns are included", s.index, s.count));
    }
    let text = render(&report, &stats, c.output, &common::render_options(c))?;
    common::write_output(c.out.as_deref(), &text)?;
    common::print_warnings(&report, c);
    Ok(0)
}

/// `audit -o json`: the report (every Pod) plus the fleet statistics.
#[derive(Serialize)]
struct AuditJson<'a> {
    #[serde(flatten)]
    report: &'a Report,
    stats: &'a FleetStats,
}

/// Renders the audit in the chosen format.
pub fn render(
    report: &Report,
    stats: &FleetStats,
    format: OutputFormat,
    ropts: &report::RenderOptions,
) -> Result<String, Box<dyn std::error::Error>> {
    Ok(match format {
        OutputFormat::Json => {
            let mut s = serde_json::to_string_pretty(&AuditJson { report, stats })?;
            s.push('\n');
            s
        }
        OutputFormat::Jsonl => report::json::render_lines(report)?,
        OutputFormat::Markdown => report::markdown::render_stats(stats),
        OutputFormat::Html => report::html::render(report, Some(stats)),
        OutputFormat::Table | OutputFormat::Wide => report::stats_table::render(stats, ropts),
    })
}

/// A progress bar on stderr while reading, only when stderr is a terminal.
fn show_progress(quiet: bool, p: &Progress) -> Option<(indicatif::ProgressBar, std::thread::JoinHandle<()>)> {
    if quiet || !std::io::stderr().is_terminal() || p.total == 0 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(p.total);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} reading {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let (b, done) = (bar.clone(), p.done.clone());
    let handle = std::thread::spawn(move || {
        while !b.is_finished() {
            b.set_position(done.load(Ordering::Relaxed));
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    Some((bar, handle))
}
