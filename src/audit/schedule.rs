//! How the nodes of a directory are read and correlated: every reader
//! thread takes the next input from one queue of all the nodes' inputs, in
//! node order, and the reader that reads a node's last input correlates
//! that node while the others go on reading.
//!
//! Reading nodes side by side, one per thread, held two whole nodes' facts
//! at once from the start of their reading to the end of their
//! correlation. Here the readers share one node's inputs, so a node is
//! read in about half the time and its facts are held that much less; while
//! one reader correlates a node, the other starts the next.
//!
//! Unless the nodes are large: while the nodes in hand (opened, not yet
//! correlated) hold `bytes_cap` bytes of input or more, only the first
//! input of the next node (its largest node log, the longest read) is
//! read; its other inputs wait for the correlation before to end. Two
//! nodes of 4,500 Pods, one correlated while the other was read whole,
//! peaked 15–25 MB higher than one at a time; below the cap the overlap
//! costs little memory and keeps both cores busy.

use super::NodeInputs;
use crate::input::{self, FilesRead, InputError, InputSpec};
use crate::parse::LineParser;
use crate::pipeline;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

/// A node's inputs as read: its name, and its files with the warnings of
/// reading them (or the error that stops the run).
pub(super) type NodeRead = (String, Result<FilesRead, InputError>);

/// Input bytes of the nodes in hand (opened, not yet correlated) from
/// which a node's inputs after its first wait for the nodes before it to
/// be correlated. A generated node of 4,500 Pods has 234 MB of logs: read
/// beside the correlation of the one before, it peaked at 72–82 MB, and
/// with only its kubelet log read meanwhile at 58–63 MB. Nodes of 2,750
/// Pods (120 MB) and the benchmark archives' (26 MB) overlap freely.
pub(super) const BYTES_CAP: u64 = 128 << 20;

/// Reads the nodes' inputs with `readers` tasks, correlating each node as
/// soon as its inputs are read; gives `correlate`'s results in node order.
/// While the nodes in hand hold `bytes_cap` bytes of input or more, only
/// the first input of a node after them is read. `found` counts the inputs
/// found, and `bytes_read` (for a progress bar) their bytes as they are read.
pub(super) fn read_and_correlate<R: Send>(
    nodes: Vec<(String, NodeInputs)>,
    readers: usize,
    bytes_cap: u64,
    found: &AtomicUsize,
    bytes_read: Option<&AtomicU64>,
    correlate: &(dyn Fn(NodeRead) -> R + Sync),
) -> Vec<R> {
    let count = nodes.len();
    let run = Run {
        queue: Mutex::new(Queue { unopened: nodes.into_iter().enumerate(), open: None, in_hand: 0 }),
        bytes_cap,
        correlated: Condvar::new(),
        parser: LineParser::new(),
        found,
        bytes_read,
    };
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..count).map(|_| None).collect());
    // One long task a reader, on rayon's threads.
    rayon::scope(|scope| {
        for _ in 0..readers.max(1) {
            let (run, results) = (&run, &results);
            scope.spawn(move |_| loop {
                match run.step() {
                    Step::Read => {}
                    Step::NodeDone(i, node, bytes) => {
                        let r = correlate(node);
                        run.release(bytes);
                        results.lock().unwrap_or_else(PoisonError::into_inner)[i] = Some(r);
                    }
                    Step::Finished => break,
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(PoisonError::into_inner).into_iter().flatten().collect()
}

/// What the readers share.
struct Run<'a> {
    queue: Mutex<Queue>,
    bytes_cap: u64,
    /// Signalled (under `queue`'s lock) when a node's correlation ends.
    correlated: Condvar,
    parser: LineParser,
    found: &'a AtomicUsize,
    bytes_read: Option<&'a AtomicU64>,
}

/// The nodes not walked yet, and the node whose inputs are being handed
/// out with the place in its `order` of the next one.
struct Queue {
    unopened: std::iter::Enumerate<std::vec::IntoIter<(String, NodeInputs)>>,
    open: Option<(Arc<NodeWork>, usize)>,
    /// Input bytes of the nodes opened and not yet correlated.
    in_hand: u64,
}

/// What a reader did.
enum Step {
    /// Read an input.
    Read,
    /// Read the last input of a node (or opened a node of none): the node
    /// at this place in the list, to be correlated, and its input bytes.
    NodeDone(usize, NodeRead, u64),
    /// Found nothing left to read.
    Finished,
}

/// One input's files and warnings, or the error that stops the run.
type InputRead = Result<FilesRead, InputError>;

/// What has been read of a node: each input's result, by its place in the
/// node's inputs, and the warnings of walking its directories.
#[derive(Default)]
struct Slots {
    reads: Vec<Option<InputRead>>,
    walk_warnings: Vec<String>,
}

/// A node being read.
struct NodeWork {
    /// Its place in the list of nodes.
    index: usize,
    name: String,
    specs: Vec<InputSpec>,
    /// The order its inputs are handed out in (`pipeline::read_order`).
    order: Vec<usize>,
    /// What has been read of it.
    slots: Mutex<Slots>,
    /// Inputs not read yet.
    unread: AtomicUsize,
    /// The size of each input, and of all of them.
    sizes: Vec<u64>,
    bytes: u64,
}

impl Run<'_> {
    /// Reads the queue's next input, walking the next node when the open
    /// one has none left to hand out. One node is open at a time, and a
    /// reader correlates the node it completes before it reads again: the
    /// nodes in memory are about one a reader. (The walk holds the queue; a
    /// reader done meanwhile waits for it. Walking outside the lock was
    /// 1% faster but let the next node start sooner, for 5–10 MB more at
    /// the peak on nodes of 4,500 Pods.) While the nodes in hand are at the
    /// cap, a reader waits rather than read an input of the open node after
    /// its first.
    fn step(&self) -> Step {
        let (node, place) = {
            let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                let in_hand = queue.in_hand;
                if let Some((node, next)) = &mut queue.open {
                    if *next < node.order.len() {
                        // (The open node is in hand; it is alone when no node before it is.)
                        let alone = in_hand == node.bytes;
                        if *next == 0 || alone || in_hand < self.bytes_cap {
                            *next += 1;
                            break (node.clone(), *next - 1);
                        }
                        // Woken when a node's correlation ends.
                        queue = self.correlated.wait(queue).unwrap_or_else(PoisonError::into_inner);
                        continue;
                    }
                }
                let Some((index, (name, inputs))) = queue.unopened.next() else { return Step::Finished };
                let node = NodeWork::open(index, name, inputs);
                queue.in_hand += node.bytes;
                self.found.fetch_add(node.specs.len(), Ordering::Relaxed);
                if node.specs.is_empty() {
                    // (A node directory of no logs is a node of no facts, as before.)
                    queue.open = None;
                    return node.done();
                }
                queue.open = Some((Arc::new(node), 0));
            }
        };
        let i = node.order[place];
        let spec = &node.specs[i];
        let read = input::read_input_or_archive(spec, &self.parser);
        if let Some(bytes) = self.bytes_read {
            bytes.fetch_add(node.sizes[i], Ordering::Relaxed);
        }
        node.slots.lock().unwrap_or_else(PoisonError::into_inner).reads[i] = Some(read);
        if node.unread.fetch_sub(1, Ordering::AcqRel) == 1 {
            node.done()
        } else {
            Step::Read
        }
    }

    /// A node of `bytes` bytes of input is correlated: a reader waiting for
    /// the nodes in hand to shrink may go on.
    fn release(&self, bytes: u64) {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        queue.in_hand -= bytes;
        self.correlated.notify_all();
    }
}

impl NodeWork {
    /// Walks a node's directories and sizes its inputs.
    fn open(index: usize, name: String, inputs: NodeInputs) -> NodeWork {
        let (specs, walk_warnings) = inputs.specs();
        let slots = Slots { reads: (0..specs.len()).map(|_| None).collect(), walk_warnings };
        let unread = AtomicUsize::new(specs.len());
        let sizes: Vec<u64> = specs.iter().map(|s| s.path.as_ref().and_then(|p| p.metadata().ok()).map_or(0, |m| m.len())).collect();
        let bytes = sizes.iter().sum();
        // Of the node logs, which come first, the largest first: the
        // longest read starts first (and alone, after a large node).
        let mut order = pipeline::read_order(&specs);
        let node_logs = order.iter().take_while(|&&i| pipeline::is_node_log(&specs[i])).count();
        order[..node_logs].sort_by_key(|&i| std::cmp::Reverse(sizes[i]));
        NodeWork { index, name, specs, order, slots: Mutex::new(slots), unread, sizes, bytes }
    }

    /// The node's files, once every input is read, in the inputs' order.
    fn done(&self) -> Step {
        let Slots { reads, walk_warnings } = std::mem::take(&mut *self.slots.lock().unwrap_or_else(PoisonError::into_inner));
        let read = pipeline::gather(&self.specs, reads.into_iter().flatten().collect()).map(|(files, mut warnings)| {
            warnings.splice(0..0, walk_warnings);
            (files, warnings)
        });
        Step::NodeDone(self.index, (self.name.clone(), read), self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    /// Copies a fixture node directory under `root` as node `name`.
    fn node_from(fixture: &Path, root: &Path, name: &str) -> PathBuf {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(fixture).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
            }
        }
        dir
    }

    #[test]
    fn nodes_come_back_in_their_order_with_their_inputs_in_theirs() {
        let root = tempfile::tempdir().unwrap();
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let sources = [fixtures.join("seed-article/kind-control-plane"), fixtures.join("rollout-no-prestop/kind-worker")];
        // Nodes of different sizes, one of no inputs at all, so that they
        // are done out of order on more than one reader.
        let mut nodes = Vec::new();
        for i in 0..7 {
            let name = format!("node-{i}");
            let dir = if i == 3 {
                let empty = root.path().join(&name);
                std::fs::create_dir_all(&empty).unwrap();
                empty
            } else {
                node_from(&sources[i % 2], root.path(), &name)
            };
            nodes.push((name, NodeInputs { found: Vec::new(), dirs: vec![dir] }));
        }
        // What each node's inputs give when read by themselves, in order.
        let expected: Vec<(String, Vec<String>)> = nodes
            .iter()
            .map(|(name, inputs)| {
                let (specs, _) = inputs.clone().specs();
                let (files, _) = pipeline::read_all(&specs).unwrap();
                (name.clone(), files.iter().map(|f| f.display.clone()).collect())
            })
            .collect();
        let found = AtomicUsize::new(0);
        let correlate = |(name, read): NodeRead| {
            // A slow correlation on every other node: later nodes finish first.
            if name.ends_with(['0', '2', '4', '6']) {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            (name, read.unwrap().0.iter().map(|f| f.display.clone()).collect::<Vec<_>>())
        };
        for readers in [1, 2, 3] {
            let got = read_and_correlate(nodes.clone(), readers, BYTES_CAP, &found, None, &correlate);
            assert_eq!(got, expected, "{readers} readers");
        }
        let inputs: usize = expected.iter().map(|(_, files)| files.len()).sum();
        assert_eq!(found.load(Ordering::Relaxed), 3 * inputs);
        // With a cap of one byte only a node's first input is read while
        // another node is in hand: of nodes of two inputs or more, never
        // two correlations at once, and the same answers. (A node of no
        // inputs is done by the reader that opens it, beside any other.)
        let (now, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let one_at_a_time = |node: NodeRead| {
            let has_inputs = node.1.as_ref().is_ok_and(|(files, _)| !files.is_empty());
            if has_inputs {
                most.fetch_max(now.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
            }
            let r = correlate(node);
            if has_inputs {
                now.fetch_sub(1, Ordering::SeqCst);
            }
            r
        };
        for _ in 0..5 {
            let got = read_and_correlate(nodes.clone(), 3, 1, &found, None, &one_at_a_time);
            assert_eq!(got, expected, "capped");
        }
        assert_eq!(most.load(Ordering::SeqCst), 1, "one node with inputs in hand at a time");
        assert!(expected[3].1.is_empty() && !expected[0].1.is_empty());
    }
}
