//! One node in two PATHs: a node directory and an archive, or two archives
//! (a day's logs each), hold parts of the same node's logs. Directories of
//! one name are walked as one node from the start; archives are streams,
//! so their nodes are correlated as they come and a name met in more than
//! one place is read again at the end, all its parts together, as
//! `analyze` reads them.

use super::{node_outcome, pipeline, InputError, Keep, NodeInputs, NodeOutcome, Options, SharedFacts};
use crate::input::archive::{self, EntryFilter, Redo};
use crate::input::FileResult;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

/// Where a node's files were read.
pub(super) enum NodeSource {
    /// Node directories of that name.
    Dirs,
    /// A node directory inside an archive.
    Archive {
        /// The archive.
        archive: PathBuf,
        /// The node directory's path in it.
        node: String,
        /// The journal identifiers its journal was read skipping.
        skips: Vec<&'static str>,
    },
}

/// A node's outcome with its name and where it was read (`None` for
/// outcomes of no node: warnings, node-less inputs).
pub(super) type Sourced<T> = (Option<(String, NodeSource)>, NodeOutcome<T>);

/// The outcomes, with every node that more than one place held correlated
/// again from all of them together (its separate outcomes are dropped).
pub(super) fn split_nodes<T: Send>(
    outcomes: Vec<Sourced<T>>,
    mut dir_nodes: BTreeMap<String, NodeInputs>,
    shared: &SharedFacts,
    opts: &Options,
    keep: Keep<T>,
) -> Result<Vec<NodeOutcome<T>>, InputError> {
    let mut places: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, _) in outcomes.iter().filter_map(|(s, _)| s.as_ref()) {
        *places.entry(name.as_str()).or_default() += 1;
    }
    let split: BTreeSet<String> = places.into_iter().filter(|(_, n)| *n > 1).map(|(name, _)| name.to_string()).collect();
    if split.is_empty() {
        return Ok(outcomes.into_iter().map(|(_, o)| o).collect());
    }
    let mut kept = Vec::new();
    let mut in_archives: BTreeMap<PathBuf, Redo> = BTreeMap::new();
    for (source, outcome) in outcomes {
        match source {
            Some((name, NodeSource::Archive { archive, node, skips })) if split.contains(&name) => {
                in_archives.entry(archive).or_default().insert(node, skips);
            }
            Some((name, NodeSource::Dirs)) if split.contains(&name) => {}
            _ => kept.push(outcome),
        }
    }
    // Each node's files: its directories', then each archive's parts.
    let mut files: BTreeMap<String, (Vec<FileResult>, Vec<String>)> = BTreeMap::new();
    for name in &split {
        let entry = files.entry(name.clone()).or_default();
        if let Some(inputs) = dir_nodes.remove(name) {
            let (specs, w) = inputs.specs();
            entry.1.extend(w);
            let (read, w) = pipeline::read_all(&specs)?;
            entry.0.extend(read);
            entry.1.extend(w);
        }
    }
    for (path, nodes) in &in_archives {
        let display = path.display().to_string();
        let filter = EntryFilter { only: Some(nodes), skip_node: &|_| false };
        archive::read_file_entries(path, &display, Arc::default(), filter, &mut |b| {
            let name = archive::node_name(&b.node).to_string();
            files.entry(name).or_default().0.extend(b.into_node_files());
        })?;
    }
    // Joined to every node-less input the run read, as `analyze` would.
    let node_less: Vec<&SharedFacts> = std::iter::once(shared)
        .chain(kept.iter().filter_map(|o| match o {
            NodeOutcome::NodeLess(facts) => Some(facts),
            _ => None,
        }))
        .collect();
    let mut rejoined = Vec::new();
    for (_, (node_files, warnings)) in files {
        rejoined.push(node_outcome(node_files, warnings, opts, &node_less, keep));
    }
    kept.extend(rejoined);
    Ok(kept)
}
