//! Batch analysis over many nodes' logs: directories of kind exports and
//! `.tar`/`.tar.gz` archives of them, read as streams (never unpacked to
//! disk), correlated one node at a time so memory follows a node's Pods,
//! not the size of the fleet. `--shard I/N` keeps a stable share of nodes.

mod rejoin;
mod schedule;
mod shared;

use crate::input::archive::{self, EntryFilter, NodeBatch, Redo};
use crate::input::{self, FileResult, InputError, InputSpec};
use crate::model::{PodReport, Report, Summary, SCHEMA};
use crate::pipeline::{self, Options};
use rayon::prelude::*;
use rejoin::{NodeSource, Sourced};
use shared::SharedFacts;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;

/// A stable share of the nodes: shard `index` of `count` (0-based, like
/// a Kubernetes Indexed Job's `JOB_COMPLETION_INDEX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, `0..count`.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

impl Shard {
    /// Parses `I/N`.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (i, n) = s.split_once('/').ok_or_else(|| format!("--shard: expected I/N such as 0/4, got {s:?}"))?;
        let index: u64 = i.trim().parse().map_err(|_| format!("--shard: {i:?} is not a number"))?;
        let count: u64 = n.trim().parse().map_err(|_| format!("--shard: {n:?} is not a number"))?;
        if count == 0 || index >= count {
            return Err(format!("--shard: I must be in 0..N (got {index}/{count}); shards are 0-based like JOB_COMPLETION_INDEX"));
        }
        Ok(Shard { index, count })
    }

    /// True when this shard owns the node.
    pub fn owns(&self, node: &str) -> bool {
        fnv1a(node.as_bytes()) % self.count == self.index
    }
}

/// FNV-1a: a hash that is the same on every machine and every run.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// Byte counter shared with the progress bar.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// Input bytes read so far (compressed bytes for archives).
    pub done: Arc<AtomicU64>,
    /// Total input bytes, when known.
    pub total: u64,
}

/// Total size of the inputs, for the progress bar.
pub fn total_bytes(paths: &[String]) -> u64 {
    let mut total = 0;
    for p in paths {
        for e in walkdir::WalkDir::new(p).follow_links(true).into_iter().flatten() {
            if e.file_type().is_file() {
                total += e.metadata().map(|m| m.len()).unwrap_or(0);
            }
        }
    }
    total
}

/// A node's report, or its files when they carry no year of their own
/// (built at the end, with the years the other nodes showed).
enum NodeOutcome<T> {
    Done(T, Option<Span>),
    Deferred(Vec<FileResult>, Vec<String>),
    /// Inputs of no node, reported last (for the Pods no node reported).
    NodeLess(SharedFacts),
}

/// A node's inputs: files already found, and node directories to walk when
/// its turn comes (nodes of the same name in two PATHs are one node, as before).
#[derive(Default, Clone)]
struct NodeInputs {
    found: Vec<InputSpec>,
    dirs: Vec<PathBuf>,
}

impl NodeInputs {
    /// Every input of the node (its directories walked now), with the walks' warnings.
    fn specs(self) -> (Vec<InputSpec>, Vec<String>) {
        let (mut specs, mut warnings) = (self.found, Vec::new());
        for d in &self.dirs {
            let (s, w) = input::discover_dir(d);
            specs.extend(s);
            warnings.extend(w);
        }
        (specs, warnings)
    }
}

/// What the caller keeps of each node's report, made as soon as the node is
/// correlated (the report itself can be dropped then).
pub type Keep<'a, T> = &'a (dyn Fn(Report) -> T + Sync);

type Span = (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>);

fn node_outcome<T>(
    mut files: Vec<FileResult>,
    warnings: Vec<String>,
    opts: &Options,
    shared: &[&SharedFacts],
    keep: Keep<T>,
) -> NodeOutcome<T> {
    for facts in shared {
        let joined = facts.for_node(&files);
        files.extend(joined);
    }
    match pipeline::span_of(&files) {
        Some(span) => NodeOutcome::Done(node_report(files, opts, warnings, shared, keep), Some(span)),
        None if opts.year.is_some() => NodeOutcome::Done(node_report(files, opts, warnings, shared, keep), None),
        None => NodeOutcome::Deferred(files, warnings),
    }
}

/// A node's report, as the caller keeps it; its Pods are claimed from the
/// node-less facts.
fn node_report<T>(files: Vec<FileResult>, opts: &Options, warnings: Vec<String>, shared: &[&SharedFacts], keep: Keep<T>) -> T {
    let report = pipeline::build_report(files, opts, warnings);
    for facts in shared {
        facts.claim(&report.pods);
    }
    keep(report)
}

/// The Pods known only from inputs of no node (no node reported them),
/// reported once: by the first shard when sharded (`merge` keeps a node's
/// record of a Pod over these).
fn node_less_report<T>(shared: SharedFacts, opts: &Options, shard: Option<Shard>, keep: Keep<T>) -> T {
    let (files, claimed) = shared.into_files();
    let mut report = pipeline::build_report(files, opts, Vec::new());
    if shard.is_none_or(|s| s.index == 0) {
        report.pods.retain(|p| SharedFacts::unclaimed(&claimed, p));
    } else {
        report = combine(Vec::new(), Vec::new());
    }
    keep(report)
}

/// Runs the batch analysis; the report holds every Pod of the owned nodes.
pub fn run(paths: &[String], opts: &Options, shard: Option<Shard>, progress: &Progress) -> Result<Report, InputError> {
    let (parts, warnings) = run_keeping(paths, opts, shard, progress, &|r| r)?;
    Ok(combine(parts, warnings))
}

/// Runs the batch analysis, keeping of each node only what `keep` makes of
/// its report (with the run's own warnings beside): memory then follows
/// what is kept, not the number of Pods in the fleet.
pub fn run_keeping<T: Send>(
    paths: &[String],
    opts: &Options,
    shard: Option<Shard>,
    progress: &Progress,
    keep: Keep<T>,
) -> Result<(Vec<T>, Vec<String>), InputError> {
    let (archive_paths, plain): (Vec<&String>, Vec<&String>) = paths.iter().partition(|p| archive::is_archive(Path::new(p.as_str())));
    let mut archives: Vec<PathBuf> = archive_paths.iter().map(PathBuf::from).collect();
    let mut warnings = Vec::new();
    let mut outcomes: Vec<Sourced<T>> = Vec::new();
    let mut shared = SharedFacts::new(Vec::new());
    // The node directories of each name, should an archive hold more of that node.
    let mut dir_nodes: BTreeMap<String, NodeInputs> = BTreeMap::new();
    if !plain.is_empty() {
        // A directory of node directories (kind's layout) is walked one node
        // at a time, in that node's task; anything else is walked up front.
        let mut groups: BTreeMap<String, NodeInputs> = BTreeMap::new();
        let mut rest: Vec<String> = Vec::new();
        for p in &plain {
            match input::node_dirs_of(Path::new(p.as_str())) {
                Some(found) => {
                    archives.extend(found.archives);
                    for d in found.dirs {
                        let name = d.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                        groups.entry(name).or_default().dirs.push(d);
                    }
                }
                None => rest.push(p.to_string()),
            }
        }
        let mut node_less = Vec::new();
        if !rest.is_empty() {
            let (specs, w) = input::discover(&rest)?;
            warnings.extend(w);
            for s in specs {
                match &s.node_hint {
                    Some(node) => groups.entry(node.clone()).or_default().found.push(s),
                    None => node_less.push(s),
                }
            }
        }
        if groups.is_empty() && !node_less.is_empty() {
            // No node layout at all: the inputs are read together, as `analyze` does.
            groups.entry(String::new()).or_default().found = std::mem::take(&mut node_less);
        } else if !node_less.is_empty() {
            // Inputs of no node (an API audit log, kubectl output beside the
            // node directories): every node's Pods may need their facts.
            let (files, w) = pipeline::read_all(&node_less)?;
            warnings.extend(w);
            shared = SharedFacts::new(files);
        }
        groups.retain(|node, _| shard.is_none_or(|sh| sh.owns(node)));
        let lazy_only = rest.is_empty() && shard.is_none();
        let found = std::sync::atomic::AtomicUsize::new(0);
        dir_nodes = groups.iter().filter(|(name, _)| !name.is_empty()).map(|(n, i)| (n.clone(), i.clone())).collect();
        let shared = &shared;
        let correlate = |(name, read): schedule::NodeRead| {
            read.map(|(files, w)| {
                let source = (!name.is_empty()).then_some((name, NodeSource::Dirs));
                (source, node_outcome(files, w, opts, &[shared], keep))
            })
        };
        let bytes_read = (progress.total > 0).then_some(&*progress.done);
        let readers = rayon::current_num_threads();
        let results: Vec<Result<Sourced<T>, InputError>> =
            schedule::read_and_correlate(groups.into_iter().collect(), readers, schedule::BYTES_CAP, &found, bytes_read, &correlate);
        for r in results {
            outcomes.push(r?);
        }
        if lazy_only && found.load(Ordering::Relaxed) == 0 && archives.len() == archive_paths.len() {
            return Err(InputError { message: format!("{}: no log files found in this directory", plain[0]) });
        }
    }
    let archive_results: Vec<Result<Vec<Sourced<T>>, InputError>> =
        archives.par_iter().map(|a| read_archive(a, &ArchiveRun { opts, shard, shared: &shared, keep }, progress)).collect();
    for (i, r) in archive_results.into_iter().enumerate() {
        match r {
            Ok(o) => outcomes.extend(o),
            // An archive named on the command line must be read; one found
            // in a directory is skipped with a warning, as a file there is.
            Err(e) if i >= archive_paths.len() => warnings.push(format!("{e} (skipped)")),
            Err(e) => return Err(e),
        }
    }
    // A node whose files two PATHs hold (a directory and an archive, two
    // archives) is one node, as two directories of one name are.
    let mut outcomes = rejoin::split_nodes(outcomes, dir_nodes, &shared, opts, keep)?;
    if !shared.is_empty() {
        outcomes.push(NodeOutcome::NodeLess(shared));
    }
    // Year-less nodes take their years from everything else that was read.
    let span = outcomes
        .iter()
        .filter_map(|o| match o {
            NodeOutcome::Done(_, s) => *s,
            NodeOutcome::Deferred(..) | NodeOutcome::NodeLess(_) => None,
        })
        .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)));
    let late = Options { fallback_span: span, ..opts.clone() };
    // Node-less inputs come last: every node has claimed its Pods by then.
    let mut node_less = Vec::new();
    let mut deferred = Vec::new();
    let mut parts: Vec<T> = Vec::new();
    for o in outcomes {
        match o {
            NodeOutcome::Done(r, _) => parts.push(r),
            NodeOutcome::Deferred(files, w) => deferred.push((files, w)),
            NodeOutcome::NodeLess(facts) => node_less.push(facts),
        }
    }
    let claimants: Vec<&SharedFacts> = node_less.iter().collect();
    for (files, w) in deferred {
        // (Their node-less facts were joined when they were read.)
        parts.push(node_report(files, &late, w, &claimants, keep));
    }
    for facts in node_less {
        parts.push(node_less_report(facts, &late, shard, keep));
    }
    Ok((parts, warnings))
}

/// Joins per-node reports into one (inputs, Pods, warnings, summary).
pub fn combine(parts: Vec<Report>, mut warnings: Vec<String>) -> Report {
    let mut inputs = Vec::new();
    let mut pods: Vec<PodReport> = Vec::new();
    let mut node_dirs = Vec::new();
    for mut p in parts {
        node_dirs.append(&mut p.node_dirs);
        inputs.append(&mut p.inputs);
        pods.append(&mut p.pods);
        warnings.append(&mut p.warnings);
    }
    // (Stable: Pods of equal keys keep their nodes' order.)
    pods.sort_by_cached_key(PodReport::fleet_order);
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    node_dirs.sort();
    node_dirs.dedup();
    let summary = Summary::of(&pods);
    Report { schema: SCHEMA, inputs, pods, summary, warnings, node_dirs }
}

/// Reads a `.tar`/`.tar.gz` as a stream; a node's files are correlated as
/// soon as the archive moves on to another node. A journal that comes
/// before its node's unit logs is read on a guess (the node before's
/// layout); a node guessed wrong is read again in a second pass over the
/// archive, which reads nothing else. A kind export needs none.
fn read_archive<T: Send>(path: &Path, run: &ArchiveRun<T>, progress: &Progress) -> Result<Vec<Sourced<T>>, InputError> {
    let PassResult { outcomes: mut out, redo, own } = read_archive_pass(path, run, progress, Pass::First)?;
    if !redo.is_empty() {
        // Nodes read on a wrong guess are read again, now that their files
        // and the archive's node-less inputs are known (their first reading
        // was dropped).
        let quiet = Progress::default();
        let again = read_archive_pass(path, run, &quiet, Pass::Redo(&redo, &own))?;
        out.extend(again.outcomes);
    }
    if !own.is_empty() {
        let own = Arc::try_unwrap(own).unwrap_or_else(|still_shared| still_shared.grown(Vec::new()));
        out.push((None, NodeOutcome::NodeLess(own)));
    }
    Ok(out)
}

/// What every pass over an archive is given alike.
struct ArchiveRun<'a, T> {
    opts: &'a Options,
    shard: Option<Shard>,
    /// Node-less inputs from outside the archive (other PATHs).
    shared: &'a SharedFacts,
    keep: Keep<'a, T>,
}

/// Which nodes a pass over an archive reads, and how.
#[derive(Clone, Copy)]
enum Pass<'a> {
    /// Every node; a journal met before the node's unit logs (`kubelet.log`,
    /// `containerd.log`) is read on a guess of which of them the node holds,
    /// and a node is joined to the archive's node-less inputs read so far.
    First,
    /// Only these nodes, each with the journal identifiers its unit logs
    /// hold, joined to all the archive's node-less inputs.
    Redo(&'a Redo, &'a Arc<SharedFacts>),
}

/// What a pass over an archive gives: its nodes' outcomes, the nodes to
/// read again, and the archive's node-less inputs.
struct PassResult<T> {
    outcomes: Vec<Sourced<T>>,
    redo: Redo,
    own: Arc<SharedFacts>,
}

/// One pass over an archive: decompression on its own thread, entries read
/// and parsed on this one, nodes correlated on a third.
fn read_archive_pass<T: Send>(path: &Path, run: &ArchiveRun<T>, progress: &Progress, pass: Pass) -> Result<PassResult<T>, InputError> {
    let ArchiveRun { opts, shard, shared, keep } = *run;
    let display = &path.display().to_string();
    // A node whose files have all been read is correlated on its own thread
    // while the stream moves on to the next node (one node waits at most).
    let mut redo = Redo::new();
    // The archive's node-less inputs read so far, and how many times they grew.
    let mut own = match pass {
        Pass::First => Arc::new(SharedFacts::new(Vec::new())),
        Pass::Redo(_, own) => own.clone(),
    };
    let mut growth = 0;
    // Each node sent to be correlated: its name, journal skips, and `growth` then.
    let mut sent: Vec<(String, Vec<&'static str>, usize)> = Vec::new();
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<(NodeBatch, Arc<SharedFacts>)>(1);
        let builder = scope.spawn(move || rx.into_iter().map(|(b, own)| finish(b, opts, &[shared, &own], keep)).collect::<Vec<_>>());
        // A node belongs to the shard its name gives, as in a directory.
        let skip_node = |node: &str| shard.is_some_and(|s| !s.owns(archive::node_name(node)));
        let only = match pass {
            Pass::First => None,
            Pass::Redo(nodes, _) => Some(nodes),
        };
        let filter = EntryFilter { only, skip_node: &skip_node };
        let read = archive::read_file_entries(path, display, progress.done.clone(), filter, &mut |b| {
            if !b.is_node {
                // (A directory of no logs, e.g. holding only kind-version.txt, adds nothing.)
                if matches!(pass, Pass::First) && !b.files.is_empty() {
                    own = Arc::new(own.grown(b.into_node_less()));
                    growth += 1;
                }
                return;
            }
            if skip_node(&b.node) {
                return;
            }
            // A journal read on a wrong guess: the node is read again later.
            let skips = b.journal_skips();
            if b.guessed_wrong() {
                redo.insert(b.node, skips);
                return;
            }
            sent.push((b.node.clone(), skips, growth));
            let _ = tx.send((b, own.clone()));
        });
        drop(tx);
        let built = builder.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        // Nodes correlated before the archive's last node-less input was read
        // lack its facts: they are read again.
        let mut out = Vec::new();
        for ((node, skips, seen), outcome) in sent.into_iter().zip(built) {
            if seen < growth {
                redo.insert(node, skips);
            } else {
                // (Files at an archive's top name no node: nothing to join them to.)
                let name = archive::node_name(&node).to_string();
                let source = (!name.is_empty()).then(|| (name, NodeSource::Archive { archive: path.to_path_buf(), node, skips }));
                out.push((source, outcome));
            }
        }
        let (files, warnings) = read?;
        if let Pass::Redo(..) = pass {
            // The first pass said all there was to say about the archive itself.
            return Ok(PassResult { outcomes: out, redo, own });
        }
        if files == 0 && out.is_empty() && redo.is_empty() && own.is_empty() && shard.is_none() {
            return Err(InputError { message: format!("{display}: no log files found in this archive") });
        }
        if !warnings.is_empty() {
            out.push((None, NodeOutcome::Done(keep(combine(Vec::new(), warnings)), None)));
        }
        Ok(PassResult { outcomes: out, redo, own })
    })
}

/// Correlates one node's files (or defers them when they carry no year).
fn finish<T>(b: NodeBatch, opts: &Options, shared: &[&SharedFacts], keep: Keep<T>) -> NodeOutcome<T> {
    node_outcome(b.into_node_files(), Vec::new(), opts, shared, keep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_nodes() {
        let nodes: Vec<String> = (0..100).map(|i| format!("kind-worker{i}")).collect();
        let shards: Vec<Shard> = (0..4).map(|i| Shard { index: i, count: 4 }).collect();
        for n in &nodes {
            assert_eq!(shards.iter().filter(|s| s.owns(n)).count(), 1);
        }
        assert!(Shard::parse("4/4").is_err());
        assert_eq!(Shard::parse("1/4"), Ok(Shard { index: 1, count: 4 }));
    }
}
