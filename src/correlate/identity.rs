//! Who is who: joins container IDs, sandbox IDs, Pod UIDs and names.
//!
//! IDs and UIDs are unique, so facts that name two of them are merged with a
//! union-find. Names are not unique over time (a StatefulSet Pod comes back
//! with the same name and a new UID), so a line that names a Pod only by
//! `namespace/name` is joined to the UID that was live at the line's time.

use crate::event::{Event, EventKind, PodRef};
use crate::time::Instant;
use foldhash::{HashMap, HashMapExt, HashSet};

/// A thing that identifies (part of) a Pod, borrowed from the facts that
/// name it: the index copies no string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key<'a> {
    /// Pod UID.
    Uid(&'a str),
    /// Sandbox (pause container) ID.
    Sandbox(&'a str),
    /// App container ID.
    Container(&'a str),
    /// `namespace/name` with no UID known.
    Name(&'a str, &'a str),
}

/// Keys joined into groups (union-find): one group per Pod.
#[derive(Debug, Default)]
struct Groups<'a> {
    keys: HashMap<Key<'a>, usize>,
    parent: Vec<usize>,
}

impl<'a> Groups<'a> {
    /// Index of a key, created when new.
    fn key(&mut self, k: Key<'a>) -> usize {
        let next = self.parent.len();
        let i = *self.keys.entry(k).or_insert(next);
        if i == next {
            self.parent.push(i);
        }
        i
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: Key<'a>, b: Key<'a>) {
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
struct RuntimeIds<'a> {
    /// Sandbox IDs (never reported as containers).
    sandboxes: HashSet<&'a str>,
    /// Every full-length (64 hex) runtime ID seen, sorted, for abbreviated IDs.
    full_ids: Vec<&'a str>,
}

impl<'a> RuntimeIds<'a> {
    fn full_id<'b>(&self, id: &'b str) -> &'b str
    where
        'a: 'b,
    {
        if id.len() >= 64 || id.len() < 6 {
            return id;
        }
        let from = self.full_ids.partition_point(|f| *f < id);
        let mut hits = self.full_ids[from..].iter().take_while(|f| f.starts_with(id));
        match (hits.next(), hits.next()) {
            (Some(one), None) => one,
            _ => id,
        }
    }

    fn key(&self, id: &'a str) -> Key<'a> {
        let id = self.full_id(id);
        if self.sandboxes.contains(id) {
            Key::Sandbox(id)
        } else {
            Key::Container(id)
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
type UidsByName<'a> = HashMap<&'a str, HashMap<&'a str, Vec<(Instant, &'a str)>>>;

/// The identity index built from all events of a run. It borrows every
/// name and ID from the events, which outlive it.
#[derive(Debug, Default)]
pub struct Identity<'a> {
    groups: Groups<'a>,
    ids: RuntimeIds<'a>,
    /// Namespace and name of each UID.
    names: HashMap<&'a str, (&'a str, &'a str)>,
    by_name: UidsByName<'a>,
    /// Container names by container ID.
    container_names: HashMap<&'a str, &'a str>,
}

impl<'a> Identity<'a> {
    /// Builds the index from time-sorted events.
    pub fn build(events: &[&'a Event]) -> Identity<'a> {
        let mut id = Identity::default();
        let mut full_ids: HashSet<&'a str> = HashSet::default();
        for &e in events {
            id.note_sandbox(&e.kind);
            if let Some(full) = full_id_of(&e.kind) {
                full_ids.insert(full);
            }
        }
        id.ids.full_ids = full_ids.into_iter().collect();
        id.ids.full_ids.sort_unstable();
        for &e in events {
            id.learn(e);
        }
        for list in id.by_name.values_mut().flat_map(|names| names.values_mut()) {
            list.sort();
        }
        // Name-only facts (a container known with ns/name but no UID) join the UID of that name.
        let joins: Vec<(Key<'a>, Key<'a>)> = id
            .groups
            .keys
            .keys()
            .filter_map(|k| match *k {
                Key::Name(ns, n) => match id.by_name.get(ns).and_then(|names| names.get(n)) {
                    Some(list) if list.len() == 1 => Some((*k, Key::Uid(list[0].1))),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        for (name, uid) in joins {
            id.groups.union(name, uid);
        }
        id
    }

    fn note_sandbox(&mut self, k: &'a EventKind) {
        let sandbox = match k {
            EventKind::SandboxCreated { sandbox, .. }
            | EventKind::ContainerCreated { sandbox, .. }
            | EventKind::SandboxSeen { sandbox }
            | EventKind::SandboxStopped { sandbox }
            | EventKind::NetworkTornDown { sandbox }
            | EventKind::Exited { id: sandbox, sandbox: true, .. } => sandbox,
            _ => return,
        };
        self.ids.sandboxes.insert(sandbox);
    }

    /// The full ID an abbreviated one (`c65a36d40905`) stands for, when unique.
    pub fn full_id<'b>(&self, id: &'b str) -> &'b str
    where
        'a: 'b,
    {
        self.ids.full_id(id)
    }

    /// True when `id` names a sandbox (pause container) rather than an app container.
    pub fn is_sandbox(&self, id: &str) -> bool {
        self.ids.sandboxes.contains(id)
    }

    /// Namespace and name of a UID, when a fact printed them together.
    pub fn name_of(&self, uid: &str) -> Option<(&'a str, &'a str)> {
        self.names.get(uid).copied()
    }

    /// The name of a container, when a fact printed it with the ID.
    pub fn container_name(&self, id: &str) -> Option<&'a str> {
        self.container_names.get(id).copied()
    }

    fn learn(&mut self, e: &'a Event) {
        let at = e.at;
        if let Some((c, n)) = e.kind.container_name() {
            self.container_names.entry(c).or_insert(n);
        }
        let (pod, id): (Option<&'a PodRef>, Option<Key<'a>>) = match &e.kind {
            EventKind::SandboxCreated { sandbox, pod } => (Some(pod), Some(Key::Sandbox(sandbox))),
            EventKind::ContainerCreated { sandbox, container, .. } => {
                self.groups.union(Key::Container(container), Key::Sandbox(sandbox));
                (None, None)
            }
            kind => (kind.pod(), kind.runtime_id().map(|c| self.ids.key(c))),
        };
        let Some(pod) = pod else { return };
        if let (Some(uid), Some(ns), Some(name)) = (&pod.uid, &pod.namespace, &pod.name) {
            self.names.entry(uid).or_insert((ns, name));
            if let Some(t) = at {
                let list = self.by_name.entry(ns).or_default().entry(name).or_default();
                match list.iter_mut().find(|(_, u)| u == uid) {
                    Some(entry) => entry.0 = entry.0.min(t),
                    None => list.push((t, uid)),
                }
            }
        }
        let anchor = match (&pod.uid, &pod.namespace, &pod.name) {
            (Some(u), _, _) => Some(Key::Uid(u)),
            (None, Some(ns), Some(n)) if id.is_some() => Some(Key::Name(ns, n)),
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
    pub fn group_of(&mut self, e: &'a Event) -> Option<usize> {
        let key = match &e.kind {
            EventKind::SandboxCreated { sandbox, .. } | EventKind::ContainerCreated { sandbox, .. } => Key::Sandbox(sandbox),
            EventKind::SandboxSeen { .. } => return None,
            kind => match (kind.pod(), kind.runtime_id()) {
                (Some(PodRef { uid: Some(u), .. }), _) => Key::Uid(u),
                (_, Some(id)) => self.ids.key(id),
                (Some(pod), None) => pod_key(&self.by_name, pod, e.at)?,
                (None, None) => return None,
            },
        };
        let i = self.groups.key(key);
        Some(self.groups.find(i))
    }

    /// All keys of a group.
    pub fn members(&mut self) -> HashMap<usize, Vec<Key<'a>>> {
        let keys: Vec<(Key<'a>, usize)> = self.groups.keys.iter().map(|(k, i)| (*k, *i)).collect();
        let mut out: HashMap<usize, Vec<Key<'a>>> = HashMap::new();
        for (k, i) in keys {
            let r = self.groups.find(i);
            out.entry(r).or_default().push(k);
        }
        out
    }
}

/// Resolves a name-only reference to the UID live at `at`.
fn uid_for_name<'a>(by_name: &UidsByName<'a>, ns: &str, name: &str, at: Option<Instant>) -> Option<&'a str> {
    let list = by_name.get(ns)?.get(name)?;
    if list.len() == 1 {
        return Some(list[0].1);
    }
    let chosen = at.and_then(|t| list.iter().rev().find(|(first, _)| first.utc <= t.utc + chrono::Duration::seconds(1)));
    Some(chosen.unwrap_or(&list[0]).1)
}

/// The key a Pod reference stands for at a given time.
fn pod_key<'a>(by_name: &UidsByName<'a>, pod: &'a PodRef, at: Option<Instant>) -> Option<Key<'a>> {
    if let Some(u) = &pod.uid {
        return Some(Key::Uid(u));
    }
    let (ns, name) = (pod.namespace.as_ref()?, pod.name.as_ref()?);
    Some(match uid_for_name(by_name, ns, name, at) {
        Some(u) => Key::Uid(u),
        None => Key::Name(ns, name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids<'a>(full: &[&'a str]) -> RuntimeIds<'a> {
        let mut full_ids: Vec<&str> = full.to_vec();
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
    fn keys_are_found_by_kind_and_text() {
        let mut groups = Groups::default();
        let uid = groups.key(Key::Uid("u1"));
        let owned = String::from("u1");
        assert_eq!(groups.key(Key::Uid(&owned)), uid, "the same text from another string");
        assert_ne!(groups.key(Key::Container("u1")), uid, "the kind of key is part of it");
        groups.union(Key::Uid("u1"), Key::Name("web", "api-0"));
        let name = groups.key(Key::Name("web", "api-0"));
        assert_eq!(groups.find(name), groups.find(uid));
        assert_eq!(groups.keys.len(), 3);
        assert_eq!(groups.parent.len(), 3, "a key found again adds no slot");
    }
}
