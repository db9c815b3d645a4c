//! Input discovery: paths, directories, stdin, gzip; kind export layouts.
//!
//! Turns the command line's PATHs into a list of [`InputSpec`]s, each one
//! file (or stdin) with what its location says: the node it belongs to and
//! the Kubernetes version in a sibling `kubernetes-version.txt`.

pub mod archive;
mod collector;
mod lines;
mod read;
mod span;

pub use read::{buffer_size, maybe_gunzip, read_from, read_input, read_input_or_archive, FileResult, FilesRead};

use std::fmt;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One input to read.
#[derive(Debug, Clone)]
pub struct InputSpec {
    /// Path as shown in output (`-` for stdin).
    pub display: String,
    /// File to open; `None` means standard input.
    pub path: Option<PathBuf>,
    /// Node name from the directory layout (`<node>/kubelet.log`).
    pub node_hint: Option<String>,
    /// Kubernetes version from `<node>/kubernetes-version.txt`.
    pub version_hint: Option<String>,
    /// Envelope identifiers to ignore because a dedicated file has them
    /// (kind's `journal.log` repeats `kubelet.log` and `containerd.log`).
    pub skip_idents: Vec<&'static str>,
    /// True when named on the command line (errors are fatal then).
    pub explicit: bool,
}

impl InputSpec {
    /// True when this input's journal lines of identifier `ident` repeat
    /// another file of the node (`ident` in [`Self::skip_idents`]).
    pub fn repeats(&self, ident: &[u8]) -> bool {
        self.skip_idents.iter().any(|s| s.as_bytes() == ident)
    }
}

/// An input problem that stops the run (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// One line naming the path (and line, where it applies).
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InputError {}

/// Files a kind export holds that are not logs.
pub const NOT_LOGS: &[&str] =
    &["kind-version.txt", "kubernetes-version.txt", "docker-info.txt", "inspect.json", "images.log", "alternatives.log"];

/// True for a file name a walk passes over: a known non-log file, a hidden file, a README.
pub fn is_not_log(name: &str) -> bool {
    NOT_LOGS.contains(&name) || name.starts_with('.') || name.ends_with(".md")
}

/// Expands PATHs into inputs. No PATH (or `-`) means stdin.
pub fn discover(paths: &[String]) -> Result<(Vec<InputSpec>, Vec<String>), InputError> {
    let mut specs = Vec::new();
    let mut warnings = Vec::new();
    let mut node_cache = NodeCache::default();
    if paths.is_empty() {
        specs.push(stdin_spec());
    }
    for p in paths {
        if p == "-" {
            specs.push(stdin_spec());
            continue;
        }
        let path = Path::new(p);
        let meta = std::fs::metadata(path).map_err(|e| InputError { message: format!("{p}: cannot read: {}", io_reason(&e)) })?;
        if meta.is_dir() {
            let before = specs.len();
            walk_dir(path, &mut specs, &mut warnings, &mut node_cache);
            if specs.len() == before {
                return Err(InputError { message: format!("{p}: no log files found in this directory") });
            }
        } else {
            let (node_hint, version_hint) = node_of(path, &mut node_cache).unzip();
            specs.push(InputSpec {
                display: p.clone(),
                path: Some(path.to_path_buf()),
                node_hint,
                version_hint: version_hint.flatten(),
                skip_idents: Vec::new(),
                explicit: true,
            });
        }
    }
    Ok((specs, warnings))
}

/// The inputs under one directory, with the walk's warnings; finding none
/// is not an error here (`audit` walks each node directory in its turn).
pub fn discover_dir(root: &Path) -> (Vec<InputSpec>, Vec<String>) {
    let (mut specs, mut warnings) = (Vec::new(), Vec::new());
    walk_dir(root, &mut specs, &mut warnings, &mut NodeCache::default());
    (specs, warnings)
}

/// What a directory of node directories holds (kind's export layout, or
/// one archive per node).
#[derive(Debug, Default)]
pub struct NodeDirs {
    /// The node directories, by name.
    pub dirs: Vec<PathBuf>,
    /// `.tar`/`.tar.gz` archives beside them, by name.
    pub archives: Vec<PathBuf>,
}

/// The node directories and archives of `dir` when it holds nothing else
/// that could hold logs (kind's export layout: node directories beside
/// `kind-version.txt`; or an archive per node); `None` for any other shape.
pub fn node_dirs_of(dir: &Path) -> Option<NodeDirs> {
    if has_node_markers(dir) {
        return None;
    }
    let mut found = NodeDirs::default();
    for entry in std::fs::read_dir(dir).ok()? {
        let entry = entry.ok()?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() && has_node_markers(&path) {
            found.dirs.push(path);
        } else if path.is_file() && archive::is_archive(&path) {
            found.archives.push(path);
        } else if !(path.is_file() && is_not_log(&name)) {
            return None;
        }
    }
    found.dirs.sort();
    found.archives.sort();
    (!found.dirs.is_empty() || !found.archives.is_empty()).then_some(found)
}

fn stdin_spec() -> InputSpec {
    InputSpec { display: "-".into(), path: None, node_hint: None, version_hint: None, skip_idents: Vec::new(), explicit: true }
}

/// A short reason for an I/O error, without Rust's `(os error N)` suffix.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}

/// What each directory looked at so far says: its node name and version, if it is a node directory.
type NodeCache = foldhash::HashMap<std::ffi::OsString, Option<(String, Option<String>)>>;

/// The units a node's `journal.log` repeats, each with the files that hold
/// it on their own (sorted by unit, so lists made from it are sorted too).
const REPEATED_UNITS: [(&str, &[&str]); 3] = [
    ("containerd", &["containerd.log", "containerd.log.gz", "containerd-log.txt"]),
    ("crio", &["crio.log", "crio.log.gz"]),
    ("kubelet", &["kubelet.log", "kubelet.log.gz"]),
];

/// True for a node's whole journal (`journal.log`, plain or gzipped).
pub fn is_journal(name: &str) -> bool {
    name == "journal.log" || name == "journal.log.gz"
}

/// True for a file that holds one unit of the journal on its own
/// (`kubelet.log`, `containerd.log`, plain or gzipped).
pub fn is_unit_log(name: &str) -> bool {
    REPEATED_UNITS.iter().any(|(_, files)| files.contains(&name))
}

/// The journal identifiers whose lines a node's journal only repeats, given
/// which files the node holds: a unit whose own file is there is read from
/// it. Sorted.
pub fn journal_skips(holds: impl Fn(&str) -> bool) -> Vec<&'static str> {
    REPEATED_UNITS.iter().filter(|(_, files)| files.iter().any(|f| holds(f))).map(|(unit, _)| *unit).collect()
}

/// Files whose presence marks a node directory (kind's export layout).
const NODE_MARKERS: &[&str] = &[
    "kubernetes-version.txt",
    "kubelet.log",
    "containerd.log",
    "crio.log",
    "journal.log",
    "kubelet.log.gz",
    "containerd.log.gz",
    "crio.log.gz",
    "journal.log.gz",
    "containerd-log.txt",
];

/// True for a file whose presence marks a node directory (`kubelet.log`, …).
pub fn is_node_marker(name: &str) -> bool {
    NODE_MARKERS.contains(&name)
}

/// Directories in which support bundles keep one component's logs inside a
/// node's directory (EKS's log collector: `kubelet/kubelet.log`,
/// `containerd/containerd-log.txt`, `var_log/pods/…`): the node is their parent.
const COMPONENT_DIRS: &[&str] = &["kubelet", "containerd", "crio", "cri-o", "var_log"];

/// True for a directory that holds one component's logs of a node
/// (`kubelet`, `containerd`, `crio`, `cri-o`, `var_log`).
pub fn is_component_dir(name: &str) -> bool {
    COMPONENT_DIRS.contains(&name)
}

/// `1 symbolic link`, `3 symbolic links`: how skipped links are counted in
/// warnings (the walk's dangling ones, an archive's unfollowed ones).
fn symbolic_links(n: usize) -> String {
    if n == 1 {
        "1 symbolic link".to_string()
    } else {
        format!("{n} symbolic links")
    }
}

/// The node directory a marker file in `dir` marks: `dir`, or its parent
/// when `dir` only holds one component's logs.
fn marked_node(dir: &Path) -> &Path {
    // (The parent is looked up only for a component's directory: this runs
    // for every directory above every file.)
    if !dir.file_name().and_then(|n| n.to_str()).is_some_and(is_component_dir) {
        return dir;
    }
    match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => dir,
    }
}

fn walk_dir(root: &Path, specs: &mut Vec<InputSpec>, warnings: &mut Vec<String>, cache: &mut NodeCache) {
    // One pass over the tree; node directories are known from the listing
    // itself, so no file needs a `stat` of its siblings (archives hold
    // thousands of Pod log files).
    let mut files: Vec<(Vec<u8>, PathBuf, String)> = Vec::new();
    // Directories holding a node marker file (node directories), with the markers each holds.
    let mut node_dirs: foldhash::HashMap<std::ffi::OsString, Vec<&'static str>> = foldhash::HashMap::default();
    let mut problems: Vec<(PathBuf, String)> = Vec::new();
    // Links to files that are not there (`/var/log/containers/*.log` copied
    // without their targets): told as one count, not one warning each.
    let mut broken_links: Vec<PathBuf> = Vec::new();
    // Unsorted: the walk's order is fixed afterwards, by path.
    for entry in WalkDir::new(root).follow_links(true) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e.path().map_or_else(|| root.to_path_buf(), Path::to_path_buf);
                let dangling = e.io_error().is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) && at.is_symlink();
                if dangling {
                    broken_links.push(at);
                    continue;
                }
                let why = if e.loop_ancestor().is_some() {
                    "symlink loop".to_string()
                } else {
                    e.io_error().map(io_reason).unwrap_or_else(|| e.to_string())
                };
                problems.push((at, why));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.into_path();
        if let (Some(&marker), Some(dir)) = (NODE_MARKERS.iter().find(|m| **m == name), path.parent()) {
            node_dirs.entry(marked_node(dir).as_os_str().to_owned()).or_default().push(marker);
        }
        if is_not_log(&name) {
            continue;
        }
        files.push((walk_key(&path), path, name));
    }
    // The order a walk with each directory's entries sorted by name would
    // give (input numbers, and so ties in the timeline, depend on it).
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    problems.sort_by_cached_key(|(at, _)| walk_key(at));
    warnings.extend(problems.into_iter().map(|(at, why)| format!("{}: skipped: {why}", at.display())));
    if let Some(first) = broken_links.iter().min_by_key(|p| walk_key(p)) {
        let what = symbolic_links(broken_links.len());
        warnings.push(format!("{}: skipped {what} to files that do not exist here (first: {})", root.display(), first.display()));
    }
    let has = |dir: &Path, f: &str| node_dirs.get(dir.as_os_str()).is_some_and(|markers| markers.contains(&f));
    for (_, path, name) in files {
        let (node_hint, version_hint) = nearest_node(&path, cache, |d| node_dirs.contains_key(d.as_os_str()), false).unzip();
        let skip_idents = match path.parent() {
            Some(dir) if is_journal(&name) => journal_skips(|f| has(marked_node(dir), f)),
            _ => Vec::new(),
        };
        specs.push(InputSpec {
            display: display_of(&path),
            path: Some(path),
            node_hint,
            version_hint: version_hint.flatten(),
            skip_idents,
            explicit: false,
        });
    }
}

/// A path as shown in output: its text when it is UTF-8 (nearly always;
/// no formatting pass is needed then), else what `Path::display` shows.
fn display_of(path: &Path) -> String {
    path.to_str().map_or_else(|| path.display().to_string(), str::to_owned)
}

/// A key that orders paths under one root as a depth-first walk that
/// visits each directory's entries by name does: component by component,
/// which is the paths' bytes with the separator below every other byte.
fn walk_key(p: &Path) -> Vec<u8> {
    p.as_os_str().as_encoded_bytes().iter().map(|&c| if std::path::is_separator(char::from(c)) { 0 } else { c }).collect()
}

/// The node directory a file lives in: the nearest ancestor that `is_node`
/// (judged from a walk's listing, or by looking), with its version file.
/// Node directories are remembered in `cache`; other directories only when
/// `remember_misses` (worth it when `is_node` looks on disk, not when it
/// looks in a listing: every Pod log has directories of its own).
fn nearest_node(
    path: &Path,
    cache: &mut NodeCache,
    is_node: impl Fn(&Path) -> bool,
    remember_misses: bool,
) -> Option<(String, Option<String>)> {
    let mut dir = path.parent();
    for _ in 0..6 {
        let d = dir?;
        // (`marked_node` gives `d` itself or a shorter path, its parent.)
        if marked_node(d).as_os_str().len() != d.as_os_str().len() {
            // (A component's directory: its markers mark its parent.)
            dir = d.parent();
            continue;
        }
        if let Some(hit) = cache.get(d.as_os_str()) {
            if hit.is_some() {
                return hit.clone();
            }
        } else {
            let found = if is_node(d) { node_named(d) } else { None };
            if found.is_some() || remember_misses {
                cache.insert(d.as_os_str().to_owned(), found.clone());
            }
            if found.is_some() {
                return found;
            }
        }
        dir = d.parent();
    }
    None
}

/// A node directory's name and the version its `kubernetes-version.txt` gives.
fn node_named(d: &Path) -> Option<(String, Option<String>)> {
    let name = d.file_name().map(|n| n.to_string_lossy().into_owned())?;
    let version = std::fs::read_to_string(d.join("kubernetes-version.txt")).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    Some((name, version))
}

/// The node directory a file lives in (kind layout), with its version file.
fn node_of(path: &Path, cache: &mut NodeCache) -> Option<(String, Option<String>)> {
    nearest_node(path, cache, has_node_markers, true)
}

/// True when `d` holds one of the files that mark a node directory, itself
/// or in a component's directory inside it (looked up on disk).
fn has_node_markers(d: &Path) -> bool {
    let holds = |d: &Path| NODE_MARKERS.iter().any(|f| d.join(f).is_file());
    holds(d) || COMPONENT_DIRS.iter().any(|c| holds(&d.join(c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_component_directory_is_its_parents_node_when_it_has_one() {
        let is_node = |d: &Path| d == Path::new("bundle") || d == Path::new("kubelet");
        let node = |p: &str| nearest_node(Path::new(p), &mut NodeCache::default(), is_node, true).map(|(name, _)| name);
        assert_eq!(node("bundle/kubelet/kubelet.log").as_deref(), Some("bundle"));
        assert_eq!(node("bundle/var_log/pods/ns_p_u/c/0.log").as_deref(), Some("bundle"));
        // A relative path that starts at the component's directory names no parent: it is the node, as the walk marks it.
        assert_eq!(marked_node(Path::new("kubelet")), Path::new("kubelet"));
        assert_eq!(node("kubelet/kubelet.log").as_deref(), Some("kubelet"));
    }

    #[test]
    fn walk_key_orders_as_a_walk_sorted_by_name() {
        let dir = tempfile::tempdir().unwrap();
        // `-` and `.` sort below `/` as bytes but after it as components.
        for f in ["a/b.log", "a-b/c.log", "a.log", "a/a/z.log", "a0.log", "b/x.log", "a-b.log"] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "x").unwrap();
        }
        let walked: Vec<PathBuf> = WalkDir::new(dir.path())
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        let mut keyed = walked.clone();
        keyed.reverse();
        keyed.sort_by_cached_key(|p| walk_key(p));
        assert_eq!(keyed, walked);
    }
}
