//! The whole analysis as a library call: inputs in, [`Report`] out.

use crate::correlate::{self, Context};
use crate::event::{NodeName, When};
use crate::fact_list::FactList;
use crate::findings::{self, Sources};
use crate::input::{self, FileResult, InputError, InputSpec};
use crate::model::{InputSummary, PodReport, Report, Summary, SCHEMA};
use crate::parse::LineParser;
use crate::symbols::Symbols;
use crate::time::{Instant, YearResolver, Zone};
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// How to read times.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--year`: the year of year-less stamps.
    pub year: Option<i32>,
    /// `--tz`: the zone of zone-less stamps.
    pub zone: Zone,
    /// Full timestamps seen in other inputs of the run (audit reads nodes
    /// one at a time): the last resort for year-less stamps.
    pub fallback_span: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// Reads every input (in parallel), correlates and judges.
pub fn analyze(specs: &[InputSpec], opts: &Options) -> Result<Report, InputError> {
    let (files, warnings) = read_all(specs)?;
    Ok(build_report(files, opts, warnings))
}

/// Reads every input in parallel; an unreadable input named on the command
/// line is an error, one found in a directory a warning.
pub fn read_all(specs: &[InputSpec]) -> Result<(Vec<FileResult>, Vec<String>), InputError> {
    let parser = LineParser::new();
    // One task per input: split only as rayon's halving goes, a node's
    // first quarter (its kubelet, containerd and journal logs, read first)
    // was one task, read one file after another while the other thread had
    // only Pod logs to take.
    let mut results: Vec<(usize, Result<input::FilesRead, InputError>)> =
        read_order(specs).into_par_iter().with_max_len(1).map(|i| (i, input::read_input_or_archive(&specs[i], &parser))).collect();
    results.sort_unstable_by_key(|(i, _)| *i);
    gather(specs, results.into_iter().map(|(_, r)| r).collect())
}

/// The files and warnings of inputs read, given in the inputs' order: an
/// unreadable input named on the command line is an error, one found in a
/// directory a warning.
pub(crate) fn gather(
    specs: &[InputSpec],
    results: Vec<Result<input::FilesRead, InputError>>,
) -> Result<(Vec<FileResult>, Vec<String>), InputError> {
    let mut files = Vec::with_capacity(specs.len());
    let mut warnings = Vec::new();
    for (r, spec) in results.into_iter().zip(specs) {
        match r {
            Ok((mut read, mut w)) => {
                files.append(&mut read);
                warnings.append(&mut w);
            }
            Err(e) if spec.explicit => return Err(e),
            Err(e) => warnings.push(format!("{e} (skipped)")),
        }
    }
    Ok((files, warnings))
}

/// The order inputs are read in (their results keep the given order): node
/// logs (`kubelet.log`, …) first, journals that mostly repeat them next,
/// then the rest (Pod logs). A node log is one task of thousands of lines;
/// started first, it is not the last task left while the other threads
/// have nothing to take.
pub(crate) fn read_order(specs: &[InputSpec]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..specs.len()).collect();
    order.sort_by_cached_key(|&i| (!is_node_log(&specs[i]), !specs[i].skip_idents.is_empty()));
    order
}

/// True for a node's own log (`kubelet.log`, `containerd.log`, …), read first.
pub(crate) fn is_node_log(spec: &InputSpec) -> bool {
    spec.path.as_deref().and_then(|p| p.file_name()).and_then(|n| n.to_str()).is_some_and(input::is_node_marker)
}

/// The span of full timestamps over some inputs.
pub fn span_of(files: &[FileResult]) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    files.iter().filter_map(|f| f.span).reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
}

/// Resolves times, correlates and judges already-read inputs.
pub fn build_report(mut files: Vec<FileResult>, opts: &Options, mut warnings: Vec<String>) -> Report {
    // Facts cite their input by its place in this list, wherever the list
    // was put together (an archive gives many files, an unreadable file
    // none, node-less facts are appended to a node's).
    // Likewise their text, by the symbols of one table for the run.
    let mut symbols = Symbols::default();
    for (i, f) in files.iter_mut().enumerate() {
        f.renumber(i as u32);
        f.join_symbols(&mut symbols);
    }
    let node_dirs = name_nodes_by_host(&mut files);
    let mut resolver = YearResolver::new(opts.year);
    resolver.add_span(opts.fallback_span);
    // Files of one node share their year anchors (a kubelet.log at -v=2
    // prints no year; its node's containerd.log does).
    let mut node_spans: HashMap<String, (DateTime<Utc>, DateTime<Utc>)> = HashMap::new();
    for f in &files {
        resolver.add_span(f.span);
        if let (Some(n), Some((lo, hi))) = (&f.node_hint, f.span) {
            let e = node_spans.entry(n.clone()).or_insert((lo, hi));
            *e = (e.0.min(lo), e.1.max(hi));
        }
    }
    let mut needs_year = false;
    let mut unresolved = 0usize;
    let mut ctx = Context { zone: opts.zone.clone(), ..Context::default() };
    for f in &mut files {
        if let (Some(n), Some(v)) = (&f.node_hint, &f.version_hint) {
            ctx.node_versions.insert(n.clone(), v.clone());
        }
        let spans = [f.span, f.node_hint.as_ref().and_then(|n| node_spans.get(n)).copied()];
        // Facts of one input almost always name one node: keep its latest
        // time here and file it when the node changes.
        let mut latest: Option<(Option<&str>, Instant)> = None;
        for e in f.events.iter_mut() {
            if let When::Printed(st) = e.when {
                needs_year |= st.year.is_none();
                e.when = match resolver.resolve_in(&st, &spans, &opts.zone) {
                    Some(at) => When::At(at),
                    None => {
                        unresolved += 1;
                        When::Unresolvable
                    }
                };
            }
            if let Some(at) = e.at() {
                let node = e.node.as_deref().map(String::as_str);
                match &mut latest {
                    Some((n, t)) if *n == node => *t = (*t).max(at),
                    _ => {
                        if let Some((n, t)) = latest {
                            note_end(&mut ctx.logs_end, n, t);
                        }
                        latest = Some((node, at));
                    }
                }
            }
        }
        if let Some((n, t)) = latest {
            note_end(&mut ctx.logs_end, n, t);
        }
        // A node's logs go on to their last line, fact or not.
        if let Some((node, st)) = &f.last_line {
            if let Some(at) = resolver.resolve_in(st, &spans, &opts.zone) {
                note_end(&mut ctx.logs_end, Some(node), at);
            }
        }
    }
    let events: Vec<FactList> = files.iter_mut().map(|f| std::mem::take(&mut f.events)).collect();
    if needs_year && resolver.is_unanchored() {
        warnings.push(format!(
            "no input line carries a year; assumed {} for journald/klog times (use --year to set it)",
            chrono::Datelike::year(&chrono::Utc::now())
        ));
    }
    if unresolved > 0 {
        warnings.push(format!("{unresolved} timestamps name dates that do not exist in the inferred year; those lines were not used"));
    }
    let global_end: Option<Instant> = ctx.logs_end.values().max().copied();
    if let Some(end) = global_end {
        ctx.logs_end.entry(String::new()).or_insert(end);
    }
    let paths: Vec<String> = files.iter().map(|f| f.display.clone()).collect();
    let timelines = correlate::correlate(events, &symbols, &ctx);
    let src = Sources { paths: &paths };
    // Each timeline goes as its report is made.
    let mut pods: Vec<PodReport> = timelines.into_iter().map(|t| findings::assess(&t, &src)).collect();
    pods.sort_by_cached_key(sort_key);
    // Inputs joined from elsewhere (`audit`'s node-less facts) are reported there.
    files.retain(|f| !f.joined);
    for f in &mut files {
        warnings.append(&mut f.warnings);
    }
    for f in &files {
        if f.lines == 0 {
            warnings.push(format!("{}: empty input", f.display));
        }
    }
    let inputs = files
        .iter()
        .map(|f| InputSummary {
            path: f.display.clone(),
            formats: f.formats.iter().copied().collect(),
            lines: f.lines,
            recognized: f.recognized,
            skipped: f.skipped,
            samples: f.samples.clone(),
        })
        .collect();
    let summary = Summary::of(&pods);
    Report { schema: SCHEMA, inputs, pods, summary, warnings, node_dirs }
}

/// One node, one name. A node directory's files name their node twice: by
/// the directory (Pod logs, plain klog files) and by the host their journald
/// lines print. kind names directories after the host; support bundles often
/// use an instance ID or address, and the Pods of one node would then be
/// split between two "nodes" with different log ends (and the version file
/// would apply to only one). When a directory's files print exactly one
/// host, the directory's facts, version and time span go under that host,
/// the name the node's own logs (and the API) use. Gives the directories so
/// renamed, with their hosts.
fn name_nodes_by_host(files: &mut [FileResult]) -> Vec<(String, String)> {
    let mut hosts: HashMap<String, Vec<NodeName>> = HashMap::new();
    for f in files.iter() {
        let Some(dir) = &f.node_hint else { continue };
        let seen = hosts.entry(dir.clone()).or_default();
        let mut last: Option<&NodeName> = None;
        for n in f.events.iter().filter_map(|e| e.node.as_ref()).chain(f.last_line.as_ref().map(|(n, _)| n)) {
            // Facts of a file mostly share one name: compare each run once.
            if last.is_some_and(|l| Arc::ptr_eq(l, n)) {
                continue;
            }
            last = Some(n);
            if **n != **dir && !seen.contains(n) {
                seen.push(n.clone());
            }
        }
    }
    let host_of: HashMap<String, NodeName> = hosts
        .into_iter()
        .filter_map(|(dir, named)| match named.as_slice() {
            [host] => Some((dir, host.clone())),
            _ => None,
        })
        .collect();
    if host_of.is_empty() {
        return Vec::new();
    }
    for f in files.iter_mut() {
        let Some(host) = f.node_hint.as_ref().and_then(|d| host_of.get(d)) else { continue };
        let Some(dir) = f.node_hint.replace(host.to_string()) else { continue };
        for e in f.events.iter_mut() {
            if e.node.as_deref() == Some(&dir) {
                e.node = Some(host.clone());
            }
        }
        if let Some((n, _)) = &mut f.last_line {
            if **n == *dir {
                *n = host.clone();
            }
        }
    }
    let mut renamed: Vec<(String, String)> = host_of.into_iter().map(|(dir, host)| (dir, host.to_string())).collect();
    renamed.sort();
    renamed
}

/// Keeps the latest log time of a node (`""` for facts of no known node).
fn note_end(ends: &mut HashMap<String, Instant>, node: Option<&str>, at: Instant) {
    let node = node.unwrap_or("");
    match ends.get_mut(node) {
        Some(slot) => *slot = (*slot).max(at),
        None => {
            ends.insert(node.to_string(), at);
        }
    }
}

fn sort_key(p: &PodReport) -> (Option<Instant>, String) {
    (p.stages.first().map(|s| s.at), p.display_name())
}
