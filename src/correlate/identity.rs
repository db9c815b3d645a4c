//! Who is who: joins container IDs, sandbox IDs, Pod UIDs and names.
//!
//! IDs and UIDs are unique, so facts that name two of them are merged with a
//! union-find. Names are not unique over time (a StatefulSet Pod comes back
//! with the same name and a new UID), so a line that names a Pod only by
//! `namespace/name` is joined to the UID that was live at the line's time.

use crate::event::{Event, EventKind, PodRef};
use crate::symbols::{Sym, Symbols};
use crate::time::Instant;
use foldhash::{HashMap, HashMapExt, HashSet};

/// A thing that identifies (part of) a Pod, by the symbols of its text:
/// keys hash and compare as integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// Pod UID.
    Uid(Sym),
    /// Sandbox (pause container) ID.
    Sandbox(Sym),
    /// App container ID.
    Container(Sym),
    /// `namespace/name` with no UID known.
    Name(Sym, Sym),
}

/// Keys joined into groups (union-find): one group per Pod.
#[derive(Debug, Default)]
struct Groups {
    keys: HashMap<Key, usize>,
    parent: Vec<usize>,
}

impl Groups {
    /// Index of a key, created when new.
    fn key(&mut self, k: Key) -> usize {
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

    fn union(&mut self, a: Key, b: Key) {
        let (ia, ib) = (self.key(a), self.key(b));
        let (ra, rb) = (self.find(ia), self.find(ib));
        if ra != rb {
            self.parent[rb] = ra;
        }
    }
}

/// The runtime IDs of a run: which are sandboxes, and the full forms of
/// abbreviated ones.
#[derive(Debug)]
struct RuntimeIds<'a> {
    symbols: &'a Symbols,
    /// Sandbox IDs (never reported as containers).
    sandboxes: HashSet<Sym>,
    /// Every full-length (64 hex) runtime ID seen, sorted by text, for abbreviated IDs.
    full_ids: Vec<(&'a str, Sym)>,
}

impl RuntimeIds<'_> {
    fn full_id(&self, id: Sym) -> Sym {
        let text = self.symbols.get(id);
        if text.len() >= 64 || text.len() < 6 {
            return id;
        }
        let from = self.full_ids.partition_point(|(f, _)| *f < text);
        let mut hits = self.full_ids[from..].iter().take_while(|(f, _)| f.starts_with(text));
        match (hits.next(), hits.next()) {
            (Some((_, one)), None) => *one,
            _ => id,
        }
    }

    fn key(&self, id: Sym) -> Key {
        let id = self.full_id(id);
        if self.sandboxes.contains(&id) {
            Key::Sandbox(id)
        } else {
            Key::Container(id)
        }
    }
}

/// The full-length (64 hex) runtime ID a fact names, if any.
fn full_id_of(k: &EventKind<Sym>, symbols: &Symbols) -> Option<Sym> {
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
    id.copied().filter(|i| symbols.get(*i).len() == 64)
}

/// UIDs seen per namespace and name, with the time each was first seen.
type UidsByName = HashMap<Sym, HashMap<Sym, Vec<(Instant, Sym)>>>;

/// The identity index built from all events of a run, whose text is in
/// `symbols`.
#[derive(Debug)]
pub struct Identity<'a> {
    groups: Groups,
    ids: RuntimeIds<'a>,
    /// Namespace and name of each UID.
    names: HashMap<Sym, (Sym, Sym)>,
    by_name: UidsByName,
    /// Container names by container ID.
    container_names: HashMap<Sym, Sym>,
}

impl<'a> Identity<'a> {
    /// Builds the index from time-sorted events, whose symbols are of `symbols`.
    pub fn build<'e>(events: impl Iterator<Item = &'e Event> + Clone, symbols: &'a Symbols) -> Identity<'a> {
        let mut id = Identity {
            groups: Groups::default(),
            ids: RuntimeIds { symbols, sandboxes: HashSet::default(), full_ids: Vec::new() },
            names: HashMap::new(),
            by_name: HashMap::new(),
            container_names: HashMap::new(),
        };
        let mut full_ids: HashSet<Sym> = HashSet::default();
        for e in events.clone() {
            id.note_sandbox(&e.kind);
            if let Some(full) = full_id_of(&e.kind, symbols) {
                full_ids.insert(full);
            }
        }
        id.ids.full_ids = full_ids.into_iter().map(|s| (symbols.get(s), s)).collect();
        id.ids.full_ids.sort_unstable();
        for e in events {
            id.learn(e);
        }
        for list in id.by_name.values_mut().flat_map(|names| names.values_mut()) {
            list.sort_by(|a, b| (a.0, symbols.get(a.1)).cmp(&(b.0, symbols.get(b.1))));
        }
        // Name-only facts (a container known with ns/name but no UID) join the UID of that name.
        let joins: Vec<(Key, Key)> = id
            .groups
            .keys
            .keys()
            .filter_map(|k| match *k {
                Key::Name(ns, n) => match id.by_name.get(&ns).and_then(|names| names.get(&n)) {
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

    fn note_sandbox(&mut self, k: &EventKind<Sym>) {
        let sandbox = match k {
            EventKind::SandboxCreated { sandbox, .. }
            | EventKind::ContainerCreated { sandbox, .. }
            | EventKind::SandboxSeen { sandbox }
            | EventKind::SandboxStopped { sandbox }
            | EventKind::NetworkTornDown { sandbox }
            | EventKind::Exited { id: sandbox, sandbox: true, .. } => sandbox,
            _ => return,
        };
        self.ids.sandboxes.insert(*sandbox);
    }

    /// The text of a symbol of the run.
    pub fn text(&self, s: Sym) -> &'a str {
        self.ids.symbols.get(s)
    }

    /// The full ID an abbreviated one (`c65a36d40905`) stands for, when unique.
    pub fn full_id(&self, id: Sym) -> Sym {
        self.ids.full_id(id)
    }

    /// True when `id` names a sandbox (pause container) rather than an app container.
    pub fn is_sandbox(&self, id: Sym) -> bool {
        self.ids.sandboxes.contains(&id)
    }

    /// Namespace and name of a UID, when a fact printed them together.
    pub fn name_of(&self, uid: Sym) -> Option<(Sym, Sym)> {
        self.names.get(&uid).copied()
    }

    /// The name of a container, when a fact printed it with the ID.
    pub fn container_name(&self, id: Sym) -> Option<Sym> {
        self.container_names.get(&id).copied()
    }

    fn learn(&mut self, e: &Event) {
        let at = e.at();
        if let Some((c, n)) = e.kind.container_name() {
            self.container_names.entry(*c).or_insert(*n);
        }
        let (pod, id): (Option<&PodRef<Sym>>, Option<Key>) = match &e.kind {
            EventKind::SandboxCreated { sandbox, pod } => (Some(pod), Some(Key::Sandbox(*sandbox))),
            EventKind::ContainerCreated { sandbox, container, .. } => {
                self.groups.union(Key::Container(*container), Key::Sandbox(*sandbox));
                (None, None)
            }
            kind => (kind.pod(), kind.runtime_id().map(|c| self.ids.key(*c))),
        };
        let Some(pod) = pod else { return };
        if let (Some(uid), Some(ns), Some(name)) = (pod.uid, pod.namespace, pod.name) {
            self.names.entry(uid).or_insert((ns, name));
            if let Some(t) = at {
                let list = self.by_name.entry(ns).or_default().entry(name).or_default();
                match list.iter_mut().find(|(_, u)| *u == uid) {
                    Some(entry) => entry.0 = entry.0.min(t),
                    None => list.push((t, uid)),
                }
            }
        }
        let anchor = match (pod.uid, pod.namespace, pod.name) {
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
    pub fn group_of(&mut self, e: &Event) -> Option<usize> {
        let key = match &e.kind {
            EventKind::SandboxCreated { sandbox, .. } | EventKind::ContainerCreated { sandbox, .. } => Key::Sandbox(*sandbox),
            EventKind::SandboxSeen { .. } => return None,
            kind => match (kind.pod(), kind.runtime_id()) {
                (Some(PodRef { uid: Some(u), .. }), _) => Key::Uid(*u),
                (_, Some(id)) => self.ids.key(*id),
                (Some(pod), None) => pod_key(&self.by_name, pod, e.at())?,
                (None, None) => return None,
            },
        };
        let i = self.groups.key(key);
        Some(self.groups.find(i))
    }

    /// All keys of a group.
    pub fn members(&mut self) -> HashMap<usize, Vec<Key>> {
        let keys: Vec<(Key, usize)> = self.groups.keys.iter().map(|(k, i)| (*k, *i)).collect();
        let mut out: HashMap<usize, Vec<Key>> = HashMap::new();
        for (k, i) in keys {
            let r = self.groups.find(i);
            out.entry(r).or_default().push(k);
        }
        out
    }
}

/// Resolves a name-only reference to the UID live at `at`.
fn uid_for_name(by_name: &UidsByName, ns: Sym, name: Sym, at: Option<Instant>) -> Option<Sym> {
    let list = by_name.get(&ns)?.get(&name)?;
    if list.len() == 1 {
        return Some(list[0].1);
    }
    let chosen = at.and_then(|t| list.iter().rev().find(|(first, _)| first.utc <= t.utc + chrono::Duration::seconds(1)));
    Some(chosen.unwrap_or(&list[0]).1)
}

/// The key a Pod reference stands for at a given time.
fn pod_key(by_name: &UidsByName, pod: &PodRef<Sym>, at: Option<Instant>) -> Option<Key> {
    if let Some(u) = pod.uid {
        return Some(Key::Uid(u));
    }
    let (ns, name) = (pod.namespace?, pod.name?);
    Some(match uid_for_name(by_name, ns, name, at) {
        Some(u) => Key::Uid(u),
        None => Key::Name(ns, name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids<'a>(symbols: &'a Symbols, full: &[Sym]) -> RuntimeIds<'a> {
        let mut full_ids: Vec<(&str, Sym)> = full.iter().map(|s| (symbols.get(*s), *s)).collect();
        full_ids.sort_unstable();
        RuntimeIds { symbols, sandboxes: HashSet::default(), full_ids }
    }

    #[test]
    fn abbreviated_ids_expand_only_when_one_full_id_fits() {
        let (a_text, b_text) = (format!("c65a36d40905{}", "a".repeat(52)), format!("c65a36d40905{}", "b".repeat(52)));
        let mut t = Symbols::default();
        let a = t.intern(&a_text);
        let b = t.intern(&b_text);
        let c = t.intern(&format!("0f1e2d3c4b5a{}", "c".repeat(52)));
        let [short, short_c, too_short, unknown, b_13] = ["c65a36d40905", "0f1e2d", "0f1e2", "ffffff", &b_text[..13]].map(|s| t.intern(s));
        let only_a = ids(&t, &[a, c]);
        assert_eq!(only_a.full_id(short), a);
        assert_eq!(only_a.full_id(short_c), c);
        assert_eq!(only_a.full_id(too_short), too_short, "under six characters stays as written");
        assert_eq!(only_a.full_id(unknown), unknown, "no full ID starts so");
        let both = ids(&t, &[a, b, c]);
        assert_eq!(both.full_id(short), short, "two candidates: ambiguous");
        assert_eq!(both.full_id(b_13), b);
    }

    #[test]
    fn keys_are_found_by_kind_and_text() {
        let mut t = Symbols::default();
        let [u1, web, api] = ["u1", "web", "api-0"].map(|s| t.intern(s));
        let mut groups = Groups::default();
        let uid = groups.key(Key::Uid(u1));
        assert_eq!(groups.key(Key::Uid(t.intern(&String::from("u1")))), uid, "the same text from another string");
        assert_ne!(groups.key(Key::Container(u1)), uid, "the kind of key is part of it");
        groups.union(Key::Uid(u1), Key::Name(web, api));
        let name = groups.key(Key::Name(web, api));
        assert_eq!(groups.find(name), groups.find(uid));
        assert_eq!(groups.keys.len(), 3);
        assert_eq!(groups.parent.len(), 3, "a key found again adds no slot");
    }
}
