//! Who is who: joins container IDs, sandbox IDs, Pod UIDs and names.
//!
//! IDs and UIDs are unique, so facts that name two of them are merged with a
//! union-find. Names are not unique over time (a StatefulSet Pod comes back
//! with the same name and a new UID), so a line that names a Pod only by
//! `namespace/name` is joined to the UID that was live at the line's time.

use crate::event::{Event, EventKind, PodRef};
use crate::time::Instant;
use foldhash::{HashMap, HashMapExt, HashSet};
use std::collections::BTreeSet;
use std::ops::Bound;

/// A thing that identifies (part of) a Pod.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// Pod UID.
    Uid(String),
    /// Sandbox (pause container) ID.
    Sandbox(String),
    /// App container ID.
    Container(String),
    /// `namespace/name` with no UID known.
    Name(String, String),
}

/// The identity index built from all events of a run.
#[derive(Debug, Default)]
pub struct Identity {
    keys: HashMap<Key, usize>,
    parent: Vec<usize>,
    /// Sandbox IDs (never reported as containers).
    pub sandboxes: HashSet<String>,
    /// Names and namespaces of UIDs.
    pub names: HashMap<String, (String, String)>,
    /// UIDs seen per namespace and name, with the time each was first seen.
    by_name: HashMap<String, HashMap<String, Vec<(Instant, String)>>>,
    /// Container names by container ID.
    pub container_names: HashMap<String, String>,
    /// Every full-length (64 hex) runtime ID seen, for abbreviated IDs.
    full_ids: BTreeSet<String>,
}

impl Identity {
    /// Builds the index from time-sorted events.
    pub fn build(events: &[&Event]) -> Identity {
        let mut id = Identity::default();
        for &e in events {
            id.note_sandbox(&e.kind);
            id.note_full_id(&e.kind);
        }
        for &e in events {
            id.learn(e);
        }
        for list in id.by_name.values_mut().flat_map(|names| names.values_mut()) {
            list.sort();
        }
        // Name-only facts (a container known with ns/name but no UID) join the UID of that name.
        let name_keys: Vec<(String, String)> = id
            .keys
            .keys()
            .filter_map(|k| match k {
                Key::Name(ns, n) => Some((ns.clone(), n.clone())),
                _ => None,
            })
            .collect();
        for (ns, n) in name_keys {
            if let Some(list) = id.by_name.get(&ns).and_then(|names| names.get(&n)) {
                if list.len() == 1 {
                    let uid = list[0].1.clone();
                    id.union(Key::Name(ns, n), Key::Uid(uid));
                }
            }
        }
        id
    }

    fn note_sandbox(&mut self, k: &EventKind) {
        let sandbox = match k {
            EventKind::SandboxCreated { sandbox, .. }
            | EventKind::ContainerCreated { sandbox, .. }
            | EventKind::SandboxSeen { sandbox }
            | EventKind::SandboxStopped { sandbox }
            | EventKind::NetworkTornDown { sandbox }
            | EventKind::Exited { id: sandbox, sandbox: true, .. } => sandbox,
            _ => return,
        };
        if !self.sandboxes.contains(sandbox) {
            self.sandboxes.insert(sandbox.clone());
        }
    }

    fn note_full_id(&mut self, k: &EventKind) {
        let id = match k {
            EventKind::SandboxCreated { sandbox, .. } => Some(sandbox),
            EventKind::ContainerCreated { container, .. }
            | EventKind::StopRequested { container, .. }
            | EventKind::SignalSent { container, .. }
            | EventKind::KillSent { container }
            | EventKind::ContainerFinished { container, .. } => Some(container),
            EventKind::KillRequested { container, .. } => container.as_ref(),
            EventKind::Exited { id, .. } | EventKind::ContainerDied { id, .. } => Some(id),
            _ => None,
        };
        if let Some(id) = id.filter(|i| i.len() == 64 && !self.full_ids.contains(*i)) {
            self.full_ids.insert(id.clone());
        }
    }

    /// The full ID an abbreviated one (`c65a36d40905`) stands for, when unique.
    pub fn full_id<'a>(&'a self, id: &'a str) -> &'a str {
        if id.len() >= 64 || id.len() < 6 {
            return id;
        }
        let mut hits = self.full_ids.range::<str, _>((Bound::Included(id), Bound::Unbounded)).take_while(|f| f.starts_with(id));
        match (hits.next(), hits.next()) {
            (Some(one), None) => one,
            _ => id,
        }
    }

    /// The key for a runtime ID: sandbox or container (abbreviated IDs expanded).
    pub fn runtime_key(&self, id: &str) -> Key {
        let id = self.full_id(id);
        if self.sandboxes.contains(id) {
            Key::Sandbox(id.to_string())
        } else {
            Key::Container(id.to_string())
        }
    }

    fn learn(&mut self, e: &Event) {
        let at = e.at;
        if let Some((c, n)) = e.kind.container_name() {
            if !self.container_names.contains_key(c) {
                self.container_names.insert(c.clone(), n.clone());
            }
        }
        let (pod, id): (Option<&PodRef>, Option<Key>) = match &e.kind {
            EventKind::SandboxCreated { sandbox, pod } => (Some(pod), Some(Key::Sandbox(sandbox.clone()))),
            EventKind::ContainerCreated { sandbox, container, .. } => {
                self.union(Key::Container(container.clone()), Key::Sandbox(sandbox.clone()));
                (None, None)
            }
            kind => (kind.pod(), kind.runtime_id().map(|c| self.runtime_key(c))),
        };
        let Some(pod) = pod else { return };
        if let (Some(uid), Some(ns), Some(name)) = (&pod.uid, &pod.namespace, &pod.name) {
            if !self.names.contains_key(uid) {
                self.names.insert(uid.clone(), (ns.clone(), name.clone()));
            }
            if let Some(t) = at {
                let names = match self.by_name.get_mut(ns) {
                    Some(names) => names,
                    None => self.by_name.entry(ns.clone()).or_default(),
                };
                let list = match names.get_mut(name) {
                    Some(list) => list,
                    None => names.entry(name.clone()).or_default(),
                };
                match list.iter_mut().find(|(_, u)| u == uid) {
                    Some(entry) => entry.0 = entry.0.min(t),
                    None => list.push((t, uid.clone())),
                }
            }
        }
        let anchor = match (&pod.uid, &pod.namespace, &pod.name) {
            (Some(u), _, _) => Some(Key::Uid(u.clone())),
            (None, Some(ns), Some(n)) if id.is_some() => Some(Key::Name(ns.clone(), n.clone())),
            _ => None,
        };
        if let Some(a) = anchor {
            match id {
                Some(k) => self.union(a, k),
                None => {
                    self.key(a);
                }
            }
        }
    }

    /// Resolves a name-only reference to the UID live at `at`.
    pub fn uid_for_name(&self, ns: &str, name: &str, at: Option<Instant>) -> Option<String> {
        let list = self.by_name.get(ns)?.get(name)?;
        if list.len() == 1 {
            return Some(list[0].1.clone());
        }
        let chosen = at.and_then(|t| list.iter().rev().find(|(first, _)| first.utc <= t.utc + chrono::Duration::seconds(1)));
        Some(chosen.unwrap_or(&list[0]).1.clone())
    }

    /// The key a Pod reference stands for at a given time.
    pub fn pod_key(&self, pod: &PodRef, at: Option<Instant>) -> Option<Key> {
        if let Some(u) = &pod.uid {
            return Some(Key::Uid(u.clone()));
        }
        let (ns, name) = (pod.namespace.as_ref()?, pod.name.as_ref()?);
        Some(match self.uid_for_name(ns, name, at) {
            Some(u) => Key::Uid(u),
            None => Key::Name(ns.clone(), name.clone()),
        })
    }

    /// Index of a key, created when new.
    pub fn key(&mut self, k: Key) -> usize {
        if let Some(&i) = self.keys.get(&k) {
            return i;
        }
        let i = self.parent.len();
        self.parent.push(i);
        self.keys.insert(k, i);
        i
    }

    /// The group a key belongs to (created on first use).
    pub fn group(&mut self, k: Key) -> usize {
        let i = self.key(k);
        self.find(i)
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: Key, b: Key) {
        let (ia, ib) = (self.key(a), self.key(b));
        let (ra, rb) = (self.find(ia), self.find(ib));
        if ra != rb {
            self.parent[rb] = ra;
        }
    }

    /// All keys of a group.
    pub fn members(&mut self) -> HashMap<usize, Vec<Key>> {
        let keys: Vec<(Key, usize)> = self.keys.iter().map(|(k, i)| (k.clone(), *i)).collect();
        let mut out: HashMap<usize, Vec<Key>> = HashMap::new();
        for (k, i) in keys {
            let r = self.find(i);
            out.entry(r).or_default().push(k);
        }
        out
    }
}
