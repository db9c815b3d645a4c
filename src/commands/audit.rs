//! `podmortem audit`: fleet statistics over many nodes' archives.

use super::common;
use crate::audit::{self, Progress, Shard};
use crate::cli::{AuditArgs, CommonArgs, OutputFormat};
use crate::input;
use crate::model::{Report, Summary};
use crate::report::{self, spool::Spool, spool::Spooled};
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
    // JSON prints every Pod: each node's are written to a spool as it is
    // done. (Without a temporary file, every report is kept in memory.)
    let json = matches!(c.output, OutputFormat::Json);
    let mut no_spool = None;
    let spool = match c.output {
        OutputFormat::Json | OutputFormat::Jsonl => Spool::new()
            .map_err(|e| {
                no_spool = Some(format!(
                    "cannot create a temporary file in {} ({}); every Pod's report was kept in memory (set TMPDIR to change the directory)",
                    std::env::temp_dir().display(),
                    input::io_reason(&e)
                ));
            })
            .ok(),
        _ => None,
    };
    let result = if let Some(spool) = &spool {
        audit::run_keeping(&args.paths, &opts, shard, &progress, &|r: Report| spool_node(r, &select, spool, json, c.verbose))
            .map(|(parts, warnings)| join_spooled(parts, warnings))
    } else if stats_only {
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
            Ok((audit::combine(reports, warnings), digests, None))
        })
    } else {
        audit::run(&args.paths, &opts, shard, &progress).map(|mut r| {
            select(&mut r);
            Ok((r, Vec::new(), None))
        })
    };
    if let Some((bar, handle)) = bar {
        bar.finish_and_clear();
        let _ = handle.join();
    }
    let (mut report, digests, spooled) = result?.map_err(|e| format!("temporary file: cannot write: {}", input::io_reason(&e)))?;
    let stats =
        if stats_only || spooled.is_some() { stats::compute_digests(&digests, args.top) } else { stats::compute(&report.pods, args.top) };
    report.warnings.extend(no_spool);
    if let Some(s) = shard {
        report.warnings.push(format!("shard {}/{}: only the nodes this shard owns are included", s.index, s.count));
    }
    match (&spool, spooled) {
        (Some(spool), Some(records)) => write_spooled(&report, &stats, spool, &records, c)?,
        _ => {
            let text = render(&report, &stats, c.output, &common::render_options(c))?;
            common::write_output(c.out.as_deref(), &text)?;
        }
    }
    common::print_warnings(&report, c);
    Ok(0)
}

/// What is kept of a node's report for `json`/`jsonl`: the report without
/// its Pods (their count in its summary), their digests for the statistics
/// (`json` only), and where the spool holds their records.
type SpooledNode = (Report, Vec<PodDigest>, std::io::Result<Vec<Spooled>>);

/// Writes a node's Pods (those selected) to the spool as `json` or `jsonl`
/// records, keeping the rest of its report.
fn spool_node(mut r: Report, select: &(dyn Fn(&mut Report) + Sync), spool: &Spool, json: bool, verbose: bool) -> SpooledNode {
    select(&mut r);
    let pods = std::mem::take(&mut r.pods);
    r.summary = Summary::of(&pods);
    if !json && !verbose {
        // `jsonl` prints no inputs; per-input counts are shown only with -v.
        r.inputs = Vec::new();
    }
    let digests = if json { PodDigest::of_all(&pods) } else { Vec::new() };
    let placed = spool.put(&pods, |p| {
        // In the document a Pod is an element of `pods`, four spaces in.
        Ok(if json { serde_json::to_string_pretty(p)?.replace('\n', "\n    ") } else { serde_json::to_string(p)? })
    });
    (r, digests, placed)
}

/// What `audit` keeps of the whole run: the report (its Pods in the spool
/// when it has one), the digests, and the spooled records in node order.
type Kept = (Report, Vec<Vec<PodDigest>>, Option<Vec<Spooled>>);

/// Joins the nodes' spooled parts into one report of no Pods whose summary
/// counts them all, their digests, and their records in output order.
fn join_spooled(parts: Vec<SpooledNode>, warnings: Vec<String>) -> std::io::Result<Kept> {
    let mut summary = Summary::of(&[]);
    let (mut reports, mut digests, mut records) = (Vec::new(), Vec::new(), Vec::new());
    for (r, d, placed) in parts {
        summary.add(&r.summary);
        records.extend(placed?);
        reports.push(r);
        digests.push(d);
    }
    let mut report = audit::combine(reports, warnings);
    report.summary = summary;
    Spool::sort(&mut records);
    Ok((report, digests, Some(records)))
}

/// Writes `json` or `jsonl` with the Pods' records taken from the spool.
fn write_spooled(report: &Report, stats: &FleetStats, spool: &Spool, records: &[Spooled], c: &CommonArgs) -> Result<(), String> {
    if !matches!(c.output, OutputFormat::Json) {
        return common::write_output_with(c.out.as_deref(), &|w| spool.write(records, w, "\n", "\n"));
    }
    // The document of no Pods, its empty `pods` filled from the spool
    // (a top-level key is the only line to start with two spaces and a quote).
    let doc = render(report, stats, OutputFormat::Json, &report::RenderOptions::default()).map_err(|e| e.to_string())?;
    const EMPTY: &str = "\n  \"pods\": []";
    let cut = doc.find(EMPTY).map(|i| i + EMPTY.len() - 1).ok_or("internal error: no pods in the JSON document")?;
    let (head, tail) = doc.split_at(cut);
    common::write_output_with(c.out.as_deref(), &|w| {
        w.write_all(head.as_bytes())?;
        if !records.is_empty() {
            w.write_all(b"\n    ")?;
            spool.write(records, w, ",\n    ", "\n  ")?;
        }
        w.write_all(tail.as_bytes())
    })
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
