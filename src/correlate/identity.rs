//! Who is who: joins container IDs, sandbox IDs, Pod UIDs and names.
//!
//! IDs and UIDs are unique, so facts that name two of them are merged with a
//! union-find. Names are not unique over time (a StatefulSet Pod comes back
//! with the same name and a new UID), so a line that names a Pod only by
//! `namespace/name` is joined to the UID that was live at the line's time.

use crate::event::{Event, EventKind, PodRef};
use crate::time::Instant;
use foldhash::{HashMap, HashMapExt, HashSet};
use std::hash::{Hash, Hasher};

/// A thing that identifies (part of) a Pod.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// A [`Key`] borrowed from the facts: looking one up copies nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyRef<'a> {
    /// Pod UID.
    Uid(&'a str),
    /// Sandbox (pause container) ID.
    Sandbox(&'a str),
    /// App container ID.
    Container(&'a str),
    /// `namespace/name` with no UID known.
    Name(&'a str, &'a str),
}

impl Key {
    /// The key as a borrowed one.
    pub fn as_key_ref(&self) -> KeyRef<'_> {
        match self {
            Key::Uid(u) => KeyRef::Uid(u),
            Key::Sandbox(s) => KeyRef::Sandbox(s),
            Key::Container(c) => KeyRef::Container(c),
            Key::Name(ns, n) => KeyRef::Name(ns, n),
        }
    }
}

impl KeyRef<'_> {
    fn to_key(self) -> Key {
        match self {
            KeyRef::Uid(u) => Key::Uid(u.to_string()),
            KeyRef::Sandbox(s) => Key::Sandbox(s.to_string()),
            KeyRef::Container(c) => Key::Container(c.to_string()),
            KeyRef::Name(ns, n) => Key::Name(ns.to_string(), n.to_string()),
        }
    }
}

// A key hashes as its borrowed form, so either finds it in the index.
impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_key_ref().hash(state);
    }
}

impl hashbrown::Equivalent<Key> for KeyRef<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        *self == key.as_key_ref()
    }
}

/// Keys joined into groups (union-find): one group per Pod.
#[derive(Debug, Default)]
struct Groups {
    keys: hashbrown::HashMap<Key, usize, foldhash::fast::RandomState>,
    parent: Vec<usize>,
}

impl Groups {
    /// Index of a key, created when new.
    fn key(&mut self, k: KeyRef) -> usize {
        if let Some(&i) = self.keys.get(&k) {
            return i;
        }
        let i = self.parent.len();
        self.parent.push(i);
        self.keys.insert(k.to_key(), i);
        i
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: KeyRef, b: KeyRef) {
        let (ia, ib) = (self.key(a), self.key(b));
        let (ra, rb) = (self.find(ia), self.find(ib));
        if ra != rb {
            self.parent[rb] = ra;
        }
    }
}

/// The runtime IDs of a run: which are sandboxes, and the full forms of
/// abbreviated ones.
#[derive(Debug, Default)]
struct RuntimeIds {
    /// Sandbox IDs (never reported as containers).
    sandboxes: HashSet<String>,
    /// Every full-length (64 hex) runtime ID seen, sorted, for abbreviated IDs.
    full_ids: Vec<String>,
}

impl RuntimeIds {
    fn full_id<'a>(&'a self, id: &'a str) -> &'a str {
        if id.len() >= 64 || id.len() < 6 {
            return id;
        }
        let from = self.full_ids.partition_point(|f| f.as_str() < id);
        let mut hits = self.full_ids[from..].iter().take_while(|f| f.starts_with(id));
        match (hits.next(), hits.next()) {
            (Some(one), None) => one,
            _ => id,
        }
    }

    fn key<'a>(&'a self, id: &'a str) -> KeyRef<'a> {
        let id = self.full_id(id);
        if self.sandboxes.contains(id) {
            KeyRef::Sandbox(id)
        } else {
            KeyRef::Container(id)
        }
    }
}

/// The full-length (64 hex) runtime ID a fact names, if any.
fn full_id_of(k: &EventKind) -> Option<&str> {
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
    id.map(String::as_str).filter(|i| i.len() == 64)
}

/// UIDs seen per namespace and name, with the time each was first seen.
type UidsByName = HashMap<String, HashMap<String, Vec<(Instant, String)>>>;

/// The identity index built from all events of a run.
#[derive(Debug, Default)]
pub struct Identity {
    groups: Groups,
    ids: RuntimeIds,
    /// Names and namespaces of UIDs.
    pub names: HashMap<String, (String, String)>,
    by_name: UidsByName,
    /// Container names by container ID.
    pub container_names: HashMap<String, String>,
}

impl Identity {
    /// Builds the index from time-sorted events.
    pub fn build(events: &[&Event]) -> Identity {
        let mut id = Identity::default();
        let mut full_ids: HashSet<&str> = HashSet::default();
        for &e in events {
            id.note_sandbox(&e.kind);
            if let Some(full) = full_id_of(&e.kind) {
                full_ids.insert(full);
            }
        }
        id.ids.full_ids = full_ids.into_iter().map(str::to_string).collect();
        id.ids.full_ids.sort_unstable();
        for &e in events {
            id.learn(e);
        }
        for list in id.by_name.values_mut().flat_map(|names| names.values_mut()) {
            list.sort();
        }
        // Name-only facts (a container known with ns/name but no UID) join the UID of that name.
        let joins: Vec<(String, String, String)> = id
            .groups
            .keys
            .keys()
            .filter_map(|k| match k {
                Key::Name(ns, n) => match id.by_name.get(ns).and_then(|names| names.get(n)) {
                    Some(list) if list.len() == 1 => Some((ns.clone(), n.clone(), list[0].1.clone())),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        for (ns, n, uid) in &joins {
            id.groups.union(KeyRef::Name(ns, n), KeyRef::Uid(uid));
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
        if !self.ids.sandboxes.contains(sandbox) {
            self.ids.sandboxes.insert(sandbox.clone());
        }
    }

    /// The full ID an abbreviated one (`c65a36d40905`) stands for, when unique.
    pub fn full_id<'a>(&'a self, id: &'a str) -> &'a str {
        self.ids.full_id(id)
    }

    /// True when `id` names a sandbox (pause container) rather than an app container.
    pub fn is_sandbox(&self, id: &str) -> bool {
        self.ids.sandboxes.contains(id)
    }

    fn learn(&mut self, e: &Event) {
        let at = e.at;
        if let Some((c, n)) = e.kind.container_name() {
            if !self.container_names.contains_key(c) {
                self.container_names.insert(c.clone(), n.clone());
            }
        }
        let (pod, id): (Option<&PodRef>, Option<KeyRef>) = match &e.kind {
            EventKind::SandboxCreated { sandbox, pod } => (Some(pod), Some(KeyRef::Sandbox(sandbox))),
            EventKind::ContainerCreated { sandbox, container, .. } => {
                self.groups.union(KeyRef::Container(container), KeyRef::Sandbox(sandbox));
                (None, None)
            }
            kind => (kind.pod(), kind.runtime_id().map(|c| self.ids.key(c))),
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
            (Some(u), _, _) => Some(KeyRef::Uid(u)),
            (None, Some(ns), Some(n)) if id.is_some() => Some(KeyRef::Name(ns, n)),
            _ => None,
        };
        if let Some(a) = anchor {
            match id {
                Some(k) => self.groups.union(a, k),
                None => {
                    self.groups.key(a);
                }
            }
        }
    }

    /// The group (one per Pod) an event files under: the Pod's UID, else
    /// the container or sandbox it names, else the Pod's name at that time;
    /// `None` for facts that name none of these.
    pub fn group_of(&mut self, e: &Event) -> Option<usize> {
        let key = match &e.kind {
            EventKind::SandboxCreated { sandbox, .. } | EventKind::ContainerCreated { sandbox, .. } => KeyRef::Sandbox(sandbox),
            EventKind::SandboxSeen { .. } => return None,
            kind => match (kind.pod(), kind.runtime_id()) {
                (Some(PodRef { uid: Some(u), .. }), _) => KeyRef::Uid(u),
                (_, Some(id)) => self.ids.key(id),
                (Some(pod), None) => pod_key(&self.by_name, pod, e.at)?,
                (None, None) => return None,
            },
        };
        let i = self.groups.key(key);
        Some(self.groups.find(i))
    }

    /// All keys of a group.
    pub fn members(&mut self) -> HashMap<usize, Vec<Key>> {
        let keys: Vec<(Key, usize)> = self.groups.keys.iter().map(|(k, i)| (k.clone(), *i)).collect();
        let mut out: HashMap<usize, Vec<Key>> = HashMap::new();
        for (k, i) in keys {
            let r = self.groups.find(i);
            out.entry(r).or_default().push(k);
        }
        out
    }
}

/// Resolves a name-only reference to the UID live at `at`.
fn uid_for_name<'a>(by_name: &'a UidsByName, ns: &str, name: &str, at: Option<Instant>) -> Option<&'a str> {
    let list = by_name.get(ns)?.get(name)?;
    if list.len() == 1 {
        return Some(&list[0].1);
    }
    let chosen = at.and_then(|t| list.iter().rev().find(|(first, _)| first.utc <= t.utc + chrono::Duration::seconds(1)));
    Some(&chosen.unwrap_or(&list[0]).1)
}

/// The key a Pod reference stands for at a given time.
fn pod_key<'a>(by_name: &'a UidsByName, pod: &'a PodRef, at: Option<Instant>) -> Option<KeyRef<'a>> {
    if let Some(u) = &pod.uid {
        return Some(KeyRef::Uid(u));
    }
    let (ns, name) = (pod.namespace.as_ref()?, pod.name.as_ref()?);
    Some(match uid_for_name(by_name, ns, name, at) {
        Some(u) => KeyRef::Uid(u),
        None => KeyRef::Name(ns, name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(full: &[&str]) -> RuntimeIds {
        let mut full_ids: Vec<String> = full.iter().map(|s| s.to_string()).collect();
        full_ids.sort_unstable();
        RuntimeIds { sandboxes: HashSet::default(), full_ids }
    }

    #[test]
    fn abbreviated_ids_expand_only_when_one_full_id_fits() {
        let a = format!("c65a36d40905{}", "a".repeat(52));
        let b = format!("c65a36d40905{}", "b".repeat(52));
        let c = format!("0f1e2d3c4b5a{}", "c".repeat(52));
        let only_a = ids(&[&a, &c]);
        assert_eq!(only_a.full_id("c65a36d40905"), a);
        assert_eq!(only_a.full_id("0f1e2d"), c);
        assert_eq!(only_a.full_id("0f1e2"), "0f1e2", "under six characters stays as written");
        assert_eq!(only_a.full_id("ffffff"), "ffffff", "no full ID starts so");
        let both = ids(&[&a, &b, &c]);
        assert_eq!(both.full_id("c65a36d40905"), "c65a36d40905", "two candidates: ambiguous");
        assert_eq!(both.full_id(&b[..13]), b);
    }

    #[test]
    fn borrowed_keys_find_owned_ones() {
        let mut groups = Groups::default();
        let uid = groups.key(KeyRef::Uid("u1"));
        assert_eq!(groups.key(Key::Uid("u1".into()).as_key_ref()), uid);
        assert_ne!(groups.key(KeyRef::Container("u1")), uid, "the kind of key is part of it");
        groups.union(KeyRef::Uid("u1"), KeyRef::Name("web", "api-0"));
        let name = groups.key(KeyRef::Name("web", "api-0"));
        assert_eq!(groups.find(name), groups.find(uid));
        assert_eq!(groups.keys.len(), 3);
    }
}
