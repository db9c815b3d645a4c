//! Facts that belong to no node: an API server audit log, `kubectl get -o
//! json` output or a log of unknown origin beside the node directories.
//! Any node's Pods may need them, so each node is correlated together with
//! the ones about its own Pods, and what is left (Pods known only from
//! them) is reported once at the end: the answers `analyze` gives when it
//! reads everything at once.

use crate::event::Event;
use crate::input::FileResult;
use crate::model::PodReport;
use crate::symbols::{Sym, Symbols};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// The node-less inputs of a run, indexed by the Pods and containers their
/// facts name.
pub struct SharedFacts {
    files: Vec<FileResult>,
    /// Key → (file, fact) of every fact that names it.
    by_key: HashMap<String, Vec<(usize, usize)>>,
    /// Pods some node reported (see [`SharedFacts::claim`]), shared with
    /// the larger sets [`SharedFacts::grown`] makes.
    claimed: Arc<Mutex<HashSet<String>>>,
    /// Keys of the facts some node took (see [`SharedFacts::for_node`]),
    /// shared like `claimed`.
    taken: Arc<Mutex<HashSet<String>>>,
}

/// The keys a fact is joined by: its Pod's UID, its Pod's `namespace/name`
/// and the runtime ID it names (its text from its input's `symbols`).
fn keys_of(e: &Event, symbols: &Symbols) -> Vec<String> {
    let text = |s: &Sym| symbols.get(*s);
    let mut keys = Vec::new();
    if let Some(pod) = e.kind.pod() {
        if let Some(uid) = &pod.uid {
            keys.push(format!("uid {}", text(uid)));
        }
        if let (Some(ns), Some(name)) = (&pod.namespace, &pod.name) {
            keys.push(format!("pod {}/{}", text(ns), text(name)));
        }
    }
    if let Some(id) = e.kind.runtime_id() {
        keys.push(format!("id {}", text(id)));
    }
    // The correlator joins a container to its sandbox by this fact: so must the join here.
    if let crate::event::EventKind::ContainerCreated { sandbox, .. } = &e.kind {
        keys.push(format!("id {}", text(sandbox)));
    }
    keys
}

/// The keys a reported Pod is known by: its UID and its `namespace/name`.
fn pod_keys(p: &PodReport) -> (Option<String>, Option<String>) {
    let uid = p.uid.as_ref().map(|u| format!("uid {u}"));
    let name = p.namespace.as_ref().zip(p.name.as_ref()).map(|(ns, n)| format!("pod {ns}/{n}"));
    (uid, name)
}

impl SharedFacts {
    /// Indexes the facts of node-less inputs (read in full).
    pub fn new(files: Vec<FileResult>) -> SharedFacts {
        let mut by_key: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (f, file) in files.iter().enumerate() {
            for (i, e) in file.events.iter().enumerate() {
                for k in keys_of(e, &file.symbols) {
                    by_key.entry(k).or_default().push((f, i));
                }
            }
        }
        SharedFacts { files, by_key, claimed: Arc::default(), taken: Arc::default() }
    }

    /// These facts and `more` (found later in an archive's stream), with the
    /// same record of claimed Pods and taken facts.
    pub fn grown(&self, more: Vec<FileResult>) -> SharedFacts {
        let mut files = self.files.clone();
        files.extend(more);
        SharedFacts { claimed: self.claimed.clone(), taken: self.taken.clone(), ..SharedFacts::new(files) }
    }

    /// True when there are no node-less inputs.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The facts about the Pods of a node's files (named by a key of one of
    /// its facts, or through other such facts), as extra inputs to append to
    /// `node_files`, marked as joined (summarised and warned about once, not
    /// per node).
    pub fn for_node(&self, node_files: &[FileResult]) -> Vec<FileResult> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut seen: HashSet<String> = HashSet::new();
        let mut frontier: Vec<String> = Vec::new();
        for (e, symbols) in node_files.iter().flat_map(|f| f.events.iter().map(|e| (e, &f.symbols))) {
            for k in keys_of(e, symbols) {
                if self.by_key.contains_key(&k) && seen.insert(k.clone()) {
                    frontier.push(k);
                }
            }
        }
        let mut picked: Vec<Vec<bool>> = self.files.iter().map(|f| vec![false; f.events.len()]).collect();
        while let Some(k) = frontier.pop() {
            for &(f, i) in self.by_key.get(&k).into_iter().flatten() {
                if std::mem::replace(&mut picked[f][i], true) {
                    continue;
                }
                let file = &self.files[f];
                for k in file.events.get(i).map_or_else(Vec::new, |e| keys_of(e, &file.symbols)) {
                    if seen.insert(k.clone()) {
                        frontier.push(k);
                    }
                }
            }
        }
        // Every fact with one of these keys is now part of this node's answer:
        // the facts left for the Pods no node reported are the others.
        if let Ok(mut taken) = self.taken.lock() {
            taken.extend(seen);
        }
        let mut out = Vec::new();
        for (file, picks) in self.files.iter().zip(&picked) {
            if !picks.contains(&true) {
                continue;
            }
            let events = file.events.iter().zip(picks).filter(|(_, &p)| p).map(|(e, _)| e.clone()).collect();
            out.push(FileResult {
                display: file.display.clone(),
                lines: file.lines,
                span: file.span,
                last_line: file.last_line.clone(),
                events,
                symbols: file.symbols.clone(),
                joined: true,
                ..FileResult::default()
            });
        }
        out
    }

    /// Notes the Pods a node reported: they are not reported again from the
    /// node-less facts alone.
    pub fn claim(&self, pods: &[PodReport]) {
        if self.is_empty() {
            return;
        }
        if let Ok(mut claimed) = self.claimed.lock() {
            for (uid, name) in pods.iter().map(pod_keys) {
                claimed.extend(uid.into_iter().chain(name));
            }
        }
    }

    /// The node-less facts no node took (see [`SharedFacts::for_node`]), to
    /// be correlated on their own once every node is done;
    /// [`SharedFacts::unclaimed`] then keeps the Pods no node reported.
    /// (Facts a node took form no Pod of their own here: those without a
    /// UID or name, a sandbox's teardown say, would be reported twice.)
    pub fn into_files(self) -> (Vec<FileResult>, HashSet<String>) {
        let copy = |set: &Mutex<HashSet<String>>| match set.lock() {
            Ok(set) => set.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        let (claimed, taken) = (copy(&self.claimed), copy(&self.taken));
        let files = self
            .files
            .into_iter()
            .map(|mut f| {
                let symbols = &f.symbols;
                f.events.retain(|e| !keys_of(e, symbols).iter().any(|k| taken.contains(k)));
                f
            })
            .collect();
        (files, claimed)
    }

    /// True when no node reported this Pod of the node-less report (known
    /// by its UID, or by its name when it has none).
    pub fn unclaimed(claimed: &HashSet<String>, p: &PodReport) -> bool {
        match pod_keys(p) {
            (Some(uid), _) => !claimed.contains(&uid),
            (None, Some(name)) => !claimed.contains(&name),
            (None, None) => true,
        }
    }
}
