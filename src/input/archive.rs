//! Reading `.tar` and `.tar.gz` archives of node logs as a stream, never
//! unpacked to disk: each entry is read like a file found in a directory,
//! and the entries are handed over one node directory at a time.
//!
//! `analyze` and `check` read every entry of an archive ([`read_all_entries`]);
//! `audit` correlates each node as soon as the stream leaves it
//! ([`read_entries`]).

use super::{io_reason, InputError, InputSpec};
use crate::input::{self, FileResult};
use crate::parse::LineParser;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;

/// True for `.tar`, `.tar.gz` and `.tgz` paths.
pub fn is_archive(path: &Path) -> bool {
    let n = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    n.ends_with(".tar") || n.ends_with(".tar.gz") || n.ends_with(".tgz")
}

/// True when `head` (the first bytes of a decompressed input) starts a tar
/// archive: POSIX and GNU headers carry `ustar` at offset 257.
pub fn is_tar(head: &[u8]) -> bool {
    head.get(257..262) == Some(b"ustar")
}

/// Nodes to read again, with the journal identifiers to skip in each.
pub type Redo = BTreeMap<String, Vec<&'static str>>;

/// One node directory's files, handed over when the stream leaves it.
pub struct NodeBatch {
    /// The node directory's path inside the archive (`""` at the top).
    pub node: String,
    /// The files read, in archive order.
    pub files: Vec<FileResult>,
    /// What its `kubernetes-version.txt` says.
    pub version: Option<String>,
    /// Names of the unit logs (`kubelet.log`, …) seen.
    unit_logs: Vec<String>,
    /// The journal identifiers its journal was read skipping, if it has one.
    pub journal_read_skipping: Option<Vec<&'static str>>,
    /// True once a file shows this is a node's directory (a marker such as
    /// `kubelet.log`, or `pods/`); else its files belong to no node.
    pub is_node: bool,
}

impl NodeBatch {
    fn new(node: String) -> NodeBatch {
        NodeBatch { node, files: Vec::new(), version: None, unit_logs: Vec::new(), journal_read_skipping: None, is_node: false }
    }

    /// The journal identifiers to skip, as far as the files seen so far tell.
    pub fn journal_skips(&self) -> Vec<&'static str> {
        input::journal_skips(|f| self.unit_logs.iter().any(|u| u == f))
    }

    /// True when the node's journal was read skipping other units than its
    /// files show it should have (its reading must be redone).
    pub fn guessed_wrong(&self) -> bool {
        self.journal_read_skipping.as_ref().is_some_and(|read| *read != self.journal_skips())
    }

    /// The node's files, each told the node's Kubernetes version.
    pub fn into_node_files(self) -> Vec<FileResult> {
        let mut files = self.files;
        for f in &mut files {
            f.version_hint = self.version.clone();
        }
        files
    }

    /// Reads the files as belonging to no node (the directory held none).
    pub fn into_node_less(self) -> Vec<FileResult> {
        let mut files = self.files;
        for f in &mut files {
            let hint = f.node_hint.take();
            let is_hint = |node: &str| Some(node) == hint.as_deref();
            f.version_hint = None;
            if f.last_line.as_ref().is_some_and(|(n, _)| is_hint(n)) {
                f.last_line = None;
            }
            for e in f.events.iter_mut() {
                if e.node.as_deref().is_some_and(|n| is_hint(n)) {
                    e.node = None;
                }
            }
        }
        files
    }
}

/// Which entries a pass over an archive reads.
#[derive(Clone, Copy)]
pub struct EntryFilter<'a> {
    /// Only these nodes, each with the journal identifiers to skip (a
    /// second pass); `None` reads every node, guessing journal skips.
    pub only: Option<&'a Redo>,
    /// Nodes whose files are not read (another shard's), by their path in
    /// the archive.
    pub skip_node: &'a (dyn Fn(&str) -> bool + Sync),
}

impl EntryFilter<'_> {
    /// Every entry.
    pub const ALL: EntryFilter<'static> = EntryFilter { only: None, skip_node: &|_| false };
}

/// Reads the archive's entries, handing each node directory's files to
/// `done` when the stream leaves it. A journal met before its node's unit
/// logs is read on a guess of what they hold (the node before's layout,
/// kind's to begin with): [`NodeBatch::guessed_wrong`] says when that
/// reading must be redone. An archive inside the archive (a bundle of
/// per-node archives) is read in turn, its nodes named by their path
/// below it. Returns the number of files read and warnings.
pub fn read_entries<R: Read>(
    mut reader: R,
    display: &str,
    filter: EntryFilter,
    done: &mut dyn FnMut(NodeBatch),
) -> Result<(u32, Vec<String>), InputError> {
    let mut walk = Walk {
        parser: LineParser::new(),
        guess: input::journal_skips(|f| f == "kubelet.log" || f == "containerd.log"),
        filter,
        batch: None,
        files: 0,
        warnings: Vec::new(),
        links: (0, None),
    };
    walk.archive(&mut reader, Path::new(""), display, 0, done)?;
    if let Some(b) = walk.batch.take() {
        done(b);
    }
    if let (n @ 1.., Some(first)) = walk.links {
        let what = super::symbolic_links(n);
        walk.warnings.push(format!(
            "{display}: skipped {what} (first: {first}): links inside an archive are not followed; the files they point to are read when the archive holds them"
        ));
    }
    Ok((walk.files, walk.warnings))
}

/// Reads an archive file's entries as [`read_entries`] does, decompressing
/// on a thread of its own so that the two overlap on two cores;
/// `read_bytes` counts the file's bytes as they are read (for a progress bar).
pub fn read_file_entries(
    path: &Path,
    display: &str,
    read_bytes: Arc<AtomicU64>,
    filter: EntryFilter,
    done: &mut dyn FnMut(NodeBatch),
) -> Result<(u32, Vec<String>), InputError> {
    let (stream, producer) = open_stream(path, display, read_bytes)?;
    let read = read_entries(stream, display, filter, done);
    let _ = producer.join();
    read
}

/// How deep archives inside archives are opened.
const MAX_NESTING: u32 = 3;

/// The state of a pass over an archive and the archives inside it.
struct Walk<'a> {
    parser: LineParser,
    /// The journal identifiers the last node with a journal skipped: the
    /// guess for a node whose journal comes before its unit logs.
    guess: Vec<&'static str>,
    filter: EntryFilter<'a>,
    /// The node directory the stream is in.
    batch: Option<NodeBatch>,
    files: u32,
    warnings: Vec<String>,
    /// Symbolic links met (not followed), with the first one's path and target.
    links: (usize, Option<String>),
}

impl Walk<'_> {
    /// Reads one archive's entries; `outer` is its own path inside the
    /// archive that holds it (empty at the top), `display` its name in output.
    fn archive(
        &mut self,
        reader: &mut dyn Read,
        outer: &Path,
        display: &str,
        depth: u32,
        done: &mut dyn FnMut(NodeBatch),
    ) -> Result<(), InputError> {
        let mut archive = tar::Archive::new(reader);
        let entries = archive.entries().map_err(|e| InputError { message: format!("{display}: not a tar archive: {}", io_reason(&e)) })?;
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    self.warnings.push(format!("{display}: archive truncated or corrupt after {} files: {}", self.files, io_reason(&e)));
                    break;
                }
            };
            let kind = entry.header().entry_type();
            if kind.is_symlink() && self.filter.only.is_none() {
                self.note_link(&entry);
            }
            if !kind.is_file() {
                continue;
            }
            // (`tar -C dir .` writes `./kubelet.log`: the `.` is no directory.)
            let inner: PathBuf = match entry.path() {
                Ok(p) => p.components().filter(|c| !matches!(c, Component::CurDir)).collect(),
                Err(_) => continue,
            };
            self.entry(entry, &inner, outer, display, depth, done)?;
        }
        Ok(())
    }

    /// Counts a symbolic link (told once per archive, with the first).
    fn note_link(&mut self, entry: &tar::Entry<'_, &mut dyn Read>) {
        self.links.0 += 1;
        if self.links.1.is_none() {
            let path = entry.path().map(|p| p.display().to_string()).unwrap_or_default();
            let target = entry.link_name().ok().flatten().map(|t| t.display().to_string()).unwrap_or_default();
            self.links.1 = Some(format!("{path} -> {target}"));
        }
    }

    /// Reads one entry: a node's file, a file of no node, or an archive.
    fn entry(
        &mut self,
        mut entry: tar::Entry<'_, &mut dyn Read>,
        inner: &Path,
        outer: &Path,
        display: &str,
        depth: u32,
        done: &mut dyn FnMut(NodeBatch),
    ) -> Result<(), InputError> {
        let name = inner.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let place = place_in_archive(inner);
        let node = match outer.as_os_str().is_empty() {
            true => place.node,
            false => outer.join(&place.node).to_string_lossy().trim_end_matches('/').to_string(),
        };
        let redo_skips = match self.filter.only {
            None => None,
            Some(nodes) => match nodes.get(&node) {
                Some(skips) => Some(skips.clone()),
                // (An archive inside may hold nodes to read again.)
                None if is_archive(inner) => None,
                None => return Ok(()),
            },
        };
        if self.batch.as_ref().is_some_and(|b| b.node != node) {
            if let Some(b) = self.batch.take() {
                if b.journal_read_skipping.is_some() {
                    self.guess = b.journal_skips();
                }
                done(b);
            }
        }
        let b = self.batch.get_or_insert_with(|| NodeBatch::new(node.clone()));
        let node_file = input::is_node_marker(&name) || place.in_node_subdir;
        b.is_node |= node_file;
        // Another shard's node is skipped; a file that may belong to no node
        // is read (every shard needs those).
        if node_file && (self.filter.skip_node)(&node) {
            return Ok(());
        }
        if name == "kubernetes-version.txt" {
            let mut v = String::new();
            let _ = entry.read_to_string(&mut v);
            b.version = Some(v.trim().to_string()).filter(|v| !v.is_empty());
            return Ok(());
        }
        if input::is_not_log(&name) {
            return Ok(());
        }
        if input::is_unit_log(&name) {
            b.unit_logs.push(name.clone());
        }
        let mut spec = InputSpec {
            display: format!("{display}:{}", inner.display()),
            path: Some(inner.to_path_buf()),
            node_hint: Some(node_name(&node).to_string()).filter(|n| !n.is_empty()),
            version_hint: None,
            skip_idents: Vec::new(),
            explicit: false,
        };
        let len = entry.size();
        if input::is_journal(&name) {
            // Which units the journal only repeats depends on the node's other
            // files, and the archive may hold those after it: the first pass
            // guesses from the files seen so far and the node before.
            spec.skip_idents = match redo_skips {
                Some(skips) => skips,
                None => {
                    let mut skips: Vec<&'static str> = self.guess.iter().copied().chain(b.journal_skips()).collect();
                    skips.sort_unstable();
                    skips.dedup();
                    skips
                }
            };
            b.journal_read_skipping = Some(spec.skip_idents.clone());
        }
        // An archive inside is known by its name (so that a second pass,
        // which opens only those, finds the same) and its content.
        let nested = is_archive(inner);
        let opened = input::maybe_gunzip(Box::new(BufReader::with_capacity(input::buffer_size(len), entry)))
            .and_then(|mut r| r.fill_buf().map(|head| nested && is_tar(head)).map(|tar| (r, tar)));
        let (mut reader, tar) = match opened {
            Ok(opened) => opened,
            Err(e) => {
                self.warnings.push(format!("{}: cannot read: {} (skipped)", spec.display, io_reason(&e)));
                return Ok(());
            }
        };
        if tar {
            if depth >= MAX_NESTING {
                self.warnings.push(format!("{}: archives nested deeper than {MAX_NESTING} levels are not opened (skipped)", spec.display));
                return Ok(());
            }
            return self.archive(&mut reader, &outer.join(inner), &spec.display, depth + 1, done);
        }
        if self.filter.only.is_some_and(|nodes| !nodes.contains_key(&node)) {
            // (Opened only to reach the nodes inside; this is no archive.)
            return Ok(());
        }
        match input::read_from(&spec, reader, len, &self.parser) {
            Ok(f) => b.files.push(f),
            Err(e) => self.warnings.push(format!("{e} (skipped)")),
        }
        self.files += 1;
        Ok(())
    }
}

/// Every file of an archive, for `analyze` and `check`: the nodes' files
/// with their node names and versions, and files of no node. A node whose
/// journal was read on a wrong guess is read again from the file (from a
/// stream that cannot be read again, the guess's reading is kept with a
/// warning). `reader` is the decompressed archive.
pub fn read_all_entries(spec: &InputSpec, reader: Box<dyn BufRead + Send + '_>) -> Result<input::FilesRead, InputError> {
    let mut files = Vec::new();
    let mut redo = Redo::new();
    let mut unsure = Vec::new();
    let (count, mut warnings) = read_entries(reader, &spec.display, EntryFilter::ALL, &mut |b| {
        if !b.is_node {
            files.extend(b.into_node_less());
            return;
        }
        if b.guessed_wrong() {
            if spec.path.is_some() {
                redo.insert(b.node.clone(), b.journal_skips());
                return;
            }
            unsure.push(b.node.clone());
        }
        files.extend(b.into_node_files());
    })?;
    if count == 0 {
        return Err(InputError { message: format!("{}: no log files found in this archive", spec.display) });
    }
    if let (false, Some(path)) = (redo.is_empty(), &spec.path) {
        let filter = EntryFilter { only: Some(&redo), skip_node: &|_| false };
        let (_, again) = read_file_entries(path, &spec.display, Arc::default(), filter, &mut |b| files.extend(b.into_node_files()))?;
        warnings.extend(again);
    }
    for node in unsure {
        warnings.push(format!(
            "{}: {node}: its journal came before its other logs in a stream that cannot be read twice and was read \
             on a wrong guess of which units they repeat: some of its facts may be missing or doubled (give the archive as a file)",
            spec.display
        ));
    }
    // The order a walk of the unpacked archive would give.
    files.sort_by(|a, b| Path::new(&a.display).cmp(Path::new(&b.display)));
    Ok((files, warnings))
}

/// Where a path inside an archive lies: the node it belongs to, and
/// whether it is under that node's `pods/`, `containers/` or `var/`.
pub struct ArchivePlace {
    /// The node directory's path inside the archive.
    pub node: String,
    /// True under the node's `pods/`, `containers/` or `var/`.
    pub in_node_subdir: bool,
}

/// A node's name from its directory's path inside an archive (its last
/// component), as a directory of node directories names it.
pub fn node_name(node: &str) -> &str {
    node.rsplit('/').next().unwrap_or(node)
}

/// Directories that only a node's directory holds.
const NODE_SUBDIRS: [&str; 3] = ["pods", "containers", "var"];

/// The node a path inside an archive belongs to: the directory before
/// `pods/`, `containers/` or `var/`, else the file's directory.
pub fn place_in_archive(path: &Path) -> ArchivePlace {
    let comps: Vec<String> = path.iter().map(|c| c.to_string_lossy().into_owned()).collect();
    let dirs = &comps[..comps.len().saturating_sub(1)];
    let (node, in_node_subdir) = match dirs.iter().position(|c| NODE_SUBDIRS.contains(&c.as_str())) {
        Some(i) if i > 0 => (&comps[..i], true),
        _ => (dirs, false),
    };
    // A component's directory (`kubelet/`, `var_log/`) is part of its parent's
    // node: the rule the directory walk marks node directories by.
    let node: PathBuf = node.iter().collect();
    ArchivePlace { node: super::marked_node(&node).to_string_lossy().into_owned(), in_node_subdir }
}

/// Bytes the decompressing thread hands over at a time.
const CHUNK: usize = 256 << 10;

/// Opens an archive file for a pass over it: decompression (when gzipped)
/// runs on its own thread, feeding the returned reader through a bounded
/// channel. `done` counts the file's bytes as they are read. Join the
/// thread after reading.
fn open_stream(path: &Path, display: &str, done: Arc<AtomicU64>) -> Result<(ChannelReader, std::thread::JoinHandle<()>), InputError> {
    let err = |e: io::Error| InputError { message: format!("{display}: cannot read: {}", io_reason(&e)) };
    let file = File::open(path).map_err(err)?;
    let mut head = BufReader::with_capacity(1 << 20, CountingReader { inner: file, done });
    let gz = head.fill_buf().map_err(err)?.starts_with(&[0x1f, 0x8b]);
    // Chunks the reader is done with come back for reuse: no fresh pages
    // to fault in for every megabyte of the archive.
    let (tx, rx) = mpsc::sync_channel::<io::Result<Vec<u8>>>(4);
    let (recycle, recycled) = mpsc::channel::<Vec<u8>>();
    let producer = std::thread::spawn(move || {
        let mut src: Box<dyn Read> = if gz { Box::new(flate2::read::MultiGzDecoder::new(head)) } else { Box::new(head) };
        loop {
            let mut chunk = recycled.try_recv().unwrap_or_default();
            chunk.resize(CHUNK, 0);
            match src.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    chunk.truncate(n);
                    if tx.send(Ok(chunk)).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(e));
                    break;
                }
            }
        }
    });
    Ok((ChannelReader { rx, recycle, buf: Vec::new(), pos: 0 }, producer))
}

struct CountingReader<R> {
    inner: R,
    done: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Reads the decompressed chunks the producer thread of `open_stream` sends.
pub struct ChannelReader {
    rx: mpsc::Receiver<io::Result<Vec<u8>>>,
    /// Where read chunks go back to the decompressing thread.
    recycle: mpsc::Sender<Vec<u8>>,
    buf: Vec<u8>,
    pos: usize,
}

impl Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.buf.len() {
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    let used = std::mem::replace(&mut self.buf, chunk);
                    if used.capacity() > 0 {
                        let _ = self.recycle.send(used);
                    }
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_of_archive_paths() {
        let node = |p: &str| place_in_archive(Path::new(p)).node;
        assert_eq!(node("logs/kind-worker/kubelet.log"), "logs/kind-worker");
        assert_eq!(node("logs/kind-worker/pods/ns_p_u/c/0.log"), "logs/kind-worker");
        assert_eq!(node("kubelet.log"), "");
        assert!(place_in_archive(Path::new("logs/kind-worker/pods/ns_p_u/c/0.log")).in_node_subdir);
        assert!(!place_in_archive(Path::new("logs/kind-worker/kubelet.log")).in_node_subdir);
        // Laid out by component, as support bundles are.
        assert_eq!(node("eks_i-0aaa/kubelet/kubelet.log"), "eks_i-0aaa");
        assert_eq!(node("eks_i-0aaa/containerd/containerd-log.txt"), "eks_i-0aaa");
        assert_eq!(node("eks_i-0aaa/var_log/pods/ns_p_u/c/0.log"), "eks_i-0aaa");
        assert_eq!(node("kubelet/kubelet.log"), "kubelet");
    }

    #[test]
    fn tar_headers_are_recognised() {
        let mut header = tar::Header::new_gnu();
        header.set_path("kind-worker/kubelet.log").unwrap();
        assert!(is_tar(header.as_bytes()));
        let mut ustar = tar::Header::new_ustar();
        ustar.set_path("kind-worker/kubelet.log").unwrap();
        assert!(is_tar(ustar.as_bytes()));
        assert!(!is_tar(b"Nov 08 10:07:02 kind-worker6 kubelet[246]: I1108 10:07:02.082890     246 kubelet.go:2470]"));
    }
}
