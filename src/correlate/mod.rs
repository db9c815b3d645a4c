//! The correlator: turns a run's events into one timeline per Pod.
//!
//! It knows nothing about log formats: it joins events by the IDs they name
//! ([`identity`]) and files each under its Pod and container, keeping the
//! first (or, where it matters, the last) occurrence of every fact with the
//! line that proves it.

pub mod identity;
mod order;

use crate::event::{Event, EventKind, Origin, StopCause, TerminatedState};
use crate::fact_list::FactList;
use crate::symbols::{Sym, Symbols};
use crate::time::{Instant, Zone};
use identity::{Identity, Key};
use order::InTimeOrder;
use std::collections::HashMap;

/// A fact's time and proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// When.
    pub at: Instant,
    /// Which line.
    pub origin: Origin,
}

/// Everything known about one container instance's stop.
#[derive(Debug, Clone, Default)]
pub struct ContainerTimeline {
    /// Runtime ID.
    pub id: Option<String>,
    /// Container name.
    pub name: Option<String>,
    /// `Killing container with a grace period override` (value, when).
    pub kill_override: Option<(i64, Mark)>,
    /// `Killing container with a grace period` (value, when, ≥1.28 shape).
    pub kill_request: Option<(i64, Mark, Option<bool>)>,
    /// `Running preStop hook`.
    pub prestop_started: Option<Mark>,
    /// `PreStop hook completed`.
    pub prestop_finished: Option<Mark>,
    /// `PreStop hook failed`.
    pub prestop_failed: Option<(Mark, String)>,
    /// `PreStop hook not completed in grace period`.
    pub prestop_timeout: Option<Mark>,
    /// The grace that line states.
    pub prestop_timeout_grace: Option<i64>,
    /// Runtime `StopContainer … with timeout N`.
    pub stop_requested: Option<(i64, Mark)>,
    /// Runtime stop signal.
    pub signal: Option<(String, Mark)>,
    /// Runtime `Kill container`.
    pub kill_sent: Option<Mark>,
    /// Runtime `StopContainer … returns successfully`.
    pub stop_returned: Option<Mark>,
    /// kubelet `Container exited normally` (its StopContainer returned).
    pub kubelet_stop_returned: Option<Mark>,
    /// `Container to stop … current state "CONTAINER_EXITED"`.
    pub already_exited: Option<Mark>,
    /// Runtime exit event: code, exit time, line.
    pub exit_event: Option<(Option<i32>, Option<Instant>, Mark)>,
    /// kubelet `Generic (PLEG): container finished` (code, line).
    pub finished: Option<(Option<i32>, Mark)>,
    /// kubelet PLEG `ContainerDied`.
    pub died: Option<Mark>,
    /// containerd `shim disconnected`.
    pub shim_disconnected: Option<Mark>,
    /// Terminated state from a status patch, with its finish time (boxed:
    /// rare, and a sixth of a container's size inline).
    pub status: Option<Box<(TerminatedState, Option<Instant>, Mark)>>,
    /// OOM evidence (detail, line).
    pub oom: Option<(String, Mark)>,
    /// Probe restart decision (probe, line).
    pub probe_restart: Option<(String, Mark)>,
    /// App lines that mention a stop signal (the first few).
    pub app_signal: Vec<(String, Mark)>,
    /// Earliest time anything mentions this container.
    pub first_seen: Option<Instant>,
}

impl ContainerTimeline {
    /// True when a line other than a PLEG/shim notice speaks of this container.
    pub fn says_more_than_pleg(&self) -> bool {
        self.kill_request.is_some()
            || self.kill_override.is_some()
            || self.stop_requested.is_some()
            || self.signal.is_some()
            || self.kill_sent.is_some()
            || self.finished.is_some()
            || self.exit_event.is_some()
            || self.status.is_some()
            || self.oom.is_some()
            || self.prestop_started.is_some()
            || self.probe_restart.is_some()
    }
}

/// Everything known about one Pod's stop.
#[derive(Debug, Clone, Default)]
pub struct PodTimeline {
    /// UID.
    pub uid: Option<String>,
    /// Namespace.
    pub namespace: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Node.
    pub node: Option<String>,
    /// The controller that owns the Pod (kind, name), when an API object said.
    pub owner: Option<(String, String)>,
    /// Kubernetes version of the node, when a version file says it.
    pub version: Option<String>,
    /// First `SyncLoop DELETE`.
    pub delete: Option<Mark>,
    /// Removal from the API.
    pub removed: Option<Mark>,
    /// Kubelet-initiated stop.
    pub kubelet_stop: Option<(StopCause, Mark)>,
    /// Containers, in order of first appearance.
    pub containers: Vec<ContainerTimeline>,
    /// First `StopPodSandbox … returns successfully`.
    pub sandbox_stopped: Option<Mark>,
    /// First `TearDown network … successfully`.
    pub network_torn_down: Option<Mark>,
    /// Last `UnmountVolume.TearDown succeeded`.
    pub volume_unmounted: Option<Mark>,
    /// `All volumes are unmounted for pod`.
    pub all_volumes_unmounted: Option<Mark>,
    /// Failed volume teardowns (line, volume, error).
    pub volume_failures: Vec<(Mark, String, String)>,
    /// Volumes whose teardown succeeded.
    pub volumes_ok: Vec<String>,
    /// A probe failure without a container ID.
    pub probe_failed: Option<(String, Mark)>,
    /// Last log time of the Pod's node, any line of its node logs (for "stuck" judgements).
    pub logs_end: Option<Instant>,
    /// True when anything beyond identity was seen.
    pub has_lifecycle: bool,
    /// The first API delete/eviction request (boxed: only API inputs give
    /// one, and it is a sixth of a Pod's size inline).
    pub api_delete: Option<Box<ApiDelete>>,
    /// EndpointSlice condition changes, in time order (the first few).
    pub endpoint_changes: Vec<(EndpointState, Mark)>,
    /// The first time the Pod's entry left an EndpointSlice.
    pub endpoint_gone: Vec<Mark>,
}

/// An API request to delete or evict a Pod.
#[derive(Debug, Clone)]
pub struct ApiDelete {
    /// When and where.
    pub mark: Mark,
    /// API user.
    pub by: Option<String>,
    /// User agent.
    pub user_agent: Option<String>,
    /// Contract reason.
    pub reason: &'static str,
    /// Requested grace.
    pub grace_s: Option<i64>,
}

/// Conditions of an EndpointSlice entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointState {
    /// `ready`.
    pub ready: bool,
    /// `serving`.
    pub serving: Option<bool>,
    /// `terminating`.
    pub terminating: Option<bool>,
}

/// What the correlator needs besides events.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Zone for zone-less stamps inside events (status times are always full).
    pub zone: Zone,
    /// Kubernetes version per node from version files.
    pub node_versions: HashMap<String, String>,
    /// Last log time per node (and `""` for unknown nodes).
    pub logs_end: HashMap<String, Instant>,
}

/// Builds per-Pod timelines from resolved events, given as one list per
/// input (in any order), whose text is in `symbols`.
pub fn correlate(lists: Vec<FactList>, symbols: &Symbols, ctx: &Context) -> Vec<PodTimeline> {
    let events = InTimeOrder::new(lists);
    let mut ident = Identity::build(events.iter(), symbols);
    // Timelines, the group each is of and where that group's first fact is
    // in time order; `slot[group]` is a group's place in those lists.
    let mut timelines: Vec<PodTimeline> = Vec::new();
    let mut group_of: Vec<usize> = Vec::new();
    let mut first_fact: Vec<usize> = Vec::new();
    let mut slot: Vec<usize> = Vec::new();
    // Facts of no time (which container a Pod log is, an owner) sort first:
    // a group's wait, copied, for its first timed fact, so that its
    // timeline is made only then, while the facts before it are being
    // freed, rather than every timeline at the start (a node's timelines
    // and its facts are the two largest parts of its peak).
    let mut waiting: HashMap<usize, (usize, Vec<Event>)> = HashMap::new();
    let mut place = 0;
    // Each chunk of facts is freed once applied: the facts shrink as the
    // timelines grow.
    events.apply_each(|e| {
        place += 1;
        let Some(g) = ident.group_of(e) else { return };
        if slot.len() <= g {
            slot.resize(g + 1, usize::MAX);
        }
        if slot[g] == usize::MAX {
            if e.at().is_none() {
                waiting.entry(g).or_insert_with(|| (place, Vec::new())).1.push(e.clone());
                return;
            }
            let (first, early) = waiting.remove(&g).unwrap_or((place, Vec::new()));
            slot[g] = start(&mut timelines, &early, &ident, ctx);
            group_of.push(g);
            first_fact.push(first);
        }
        apply_fact(&mut timelines[slot[g]], e, &ident, ctx);
    });
    // Groups of untimed facts only.
    let mut untimed: Vec<(usize, usize, Vec<Event>)> = waiting.into_iter().map(|(g, (first, early))| (first, g, early)).collect();
    untimed.sort_unstable_by_key(|u| u.0);
    for (first, g, early) in untimed {
        start(&mut timelines, &early, &ident, ctx);
        group_of.push(g);
        first_fact.push(first);
    }
    // In order of first appearance, which the reports keep where they tie.
    if !first_fact.is_sorted() {
        let mut by_first: Vec<usize> = (0..timelines.len()).collect();
        by_first.sort_unstable_by_key(|&i| first_fact.get(i).copied());
        let mut unordered = std::mem::take(&mut timelines);
        timelines = by_first.iter().filter_map(|&i| unordered.get_mut(i).map(std::mem::take)).collect();
        group_of = by_first.iter().filter_map(|&i| group_of.get(i).copied()).collect();
    }
    let members = ident.members();
    // In place: a second list of the timelines would hold them twice.
    let mut groups = group_of.into_iter();
    timelines.retain_mut(|tl| {
        // (`retain_mut` visits the timelines once each, in order.)
        let keys = groups.next().and_then(|g| members.get(&g)).map_or(&[][..], Vec::as_slice);
        fill(tl, keys, &ident, symbols, ctx)
    });
    timelines
}

/// Makes a Pod's timeline from the facts that came before its first timed
/// one; gives its place.
fn start(timelines: &mut Vec<PodTimeline>, early: &[Event], ident: &Identity, ctx: &Context) -> usize {
    let mut tl = PodTimeline::default();
    for e in early {
        apply_fact(&mut tl, e, ident, ctx);
    }
    timelines.push(tl);
    timelines.len() - 1
}

/// Applies one fact to its Pod's timeline.
fn apply_fact(tl: &mut PodTimeline, e: &Event, ident: &Identity, ctx: &Context) {
    if tl.node.is_none() {
        tl.node = e.node.as_deref().cloned();
    }
    apply(tl, e, ident, ctx);
}

/// Completes a timeline whose facts are all applied: identity from its
/// group's keys, container names, version and log end. False for a Pod
/// named only by identity facts (a UID seen in a volume name, a cgroup)
/// and nothing else: no Pod stop.
fn fill(tl: &mut PodTimeline, keys: &[Key], ident: &Identity, symbols: &Symbols, ctx: &Context) -> bool {
    let text = |s: Sym| symbols.get(s).to_string();
    let mut uid = None;
    for k in keys {
        match *k {
            Key::Uid(u) => {
                uid = uid.or(Some(u));
            }
            Key::Name(ns, n) => {
                tl.namespace.get_or_insert_with(|| text(ns));
                tl.name.get_or_insert_with(|| text(n));
            }
            _ => {}
        }
    }
    if let Some(u) = uid {
        tl.uid = Some(text(u));
        if let Some((ns, n)) = ident.name_of(u) {
            tl.namespace = Some(text(ns));
            tl.name = Some(text(n));
        }
    }
    for c in &mut tl.containers {
        if c.name.is_none() {
            c.name = c.id.as_deref().and_then(|i| symbols.find(i)).and_then(|i| ident.container_name(i)).map(text);
        }
    }
    // The kubelet's PLEG also reports sandbox (pause) IDs; an unnamed ID
    // with nothing but PLEG/shim lines is one of those, not an app container.
    tl.containers.retain(|c| c.name.is_some() || c.says_more_than_pleg());
    if let Some(n) = &tl.node {
        tl.version = ctx.node_versions.get(n).cloned();
    }
    tl.logs_end = tl.node.as_ref().and_then(|n| ctx.logs_end.get(n)).or_else(|| ctx.logs_end.get("")).copied();
    tl.has_lifecycle || tl.name.is_some()
}

/// Keeps the first owner the API objects name (a Pod's controller does not change).
fn note_owner(tl: &mut PodTimeline, kind: &str, name: &str) {
    if tl.owner.is_none() {
        tl.owner = Some((kind.to_string(), name.to_string()));
    }
}

fn first(slot: &mut Option<Mark>, m: Mark) {
    if slot.is_none() {
        *slot = Some(m);
    }
}

/// Finds (or creates) the container an event is about (abbreviated IDs expanded).
fn container_mut<'a>(
    tl: &'a mut PodTimeline,
    ident: &Identity,
    id: Option<&Sym>,
    name: Option<&Sym>,
    at: Option<Instant>,
) -> Option<&'a mut ContainerTimeline> {
    let full = id.map(|i| ident.full_id(*i));
    if let Some(id) = full {
        if ident.is_sandbox(id) {
            return None;
        }
        let id_text = ident.text(id);
        let pos = match tl.containers.iter().position(|c| c.id.as_deref() == Some(id_text)) {
            Some(p) => p,
            None => {
                // A name-only entry for the same container becomes this one.
                let named = name.copied().or_else(|| ident.container_name(id)).map(|n| ident.text(n));
                match tl.containers.iter().position(|c| c.id.is_none() && named.is_some() && c.name.as_deref() == named) {
                    Some(p) => {
                        tl.containers[p].id = Some(id_text.to_string());
                        p
                    }
                    None => {
                        // Most Pods have one or two containers: room for one more, not four.
                        tl.containers.reserve_exact(1);
                        tl.containers.push(ContainerTimeline {
                            id: Some(id_text.to_string()),
                            first_seen: at,
                            ..ContainerTimeline::default()
                        });
                        tl.containers.len() - 1
                    }
                }
            }
        };
        let c = &mut tl.containers[pos];
        if c.name.is_none() {
            c.name = name.copied().or_else(|| ident.container_name(id)).map(|n| ident.text(n).to_string());
        }
        return Some(c);
    }
    let name = ident.text(*name?);
    // The latest instance of that name that existed by then.
    let pos = tl
        .containers
        .iter()
        .rposition(|c| c.name.as_deref() == Some(name) && c.first_seen.zip(at).is_none_or(|(f, t)| f <= t))
        .or_else(|| tl.containers.iter().position(|c| c.name.as_deref() == Some(name)));
    let pos = match pos {
        Some(p) => p,
        None => {
            tl.containers.reserve_exact(1);
            tl.containers.push(ContainerTimeline { name: Some(name.to_string()), first_seen: at, ..ContainerTimeline::default() });
            tl.containers.len() - 1
        }
    };
    Some(&mut tl.containers[pos])
}

fn apply(tl: &mut PodTimeline, e: &Event, ident: &Identity, ctx: &Context) {
    let text = |s: &Sym| ident.text(*s).to_string();
    let Some(at) = e.at() else {
        // Identity-only facts without a time (e.g. a log file's path) still name containers and owners.
        match &e.kind {
            EventKind::ContainerOfPod { container, name, .. } => {
                let _ = container_mut(tl, ident, container.as_ref(), name.as_ref(), None);
            }
            EventKind::PodOwner { kind, name, .. } => note_owner(tl, ident.text(*kind), ident.text(*name)),
            _ => {}
        }
        return;
    };
    let m = Mark { at, origin: e.origin };
    let mut lifecycle = true;
    match &e.kind {
        EventKind::SandboxCreated { .. } | EventKind::SandboxSeen { .. } | EventKind::PodAdded { .. } => lifecycle = false,
        EventKind::PodOwner { kind, name, .. } => {
            note_owner(tl, ident.text(*kind), ident.text(*name));
            lifecycle = false;
        }
        EventKind::ContainerCreated { container, name, .. } => {
            let _ = container_mut(tl, ident, Some(container), Some(name), Some(at));
            lifecycle = false;
        }
        EventKind::ContainerOfPod { container, name, .. } => {
            if container.is_some() || name.is_some() {
                let _ = container_mut(tl, ident, container.as_ref(), name.as_ref(), Some(at));
            }
            lifecycle = false;
        }
        EventKind::DeleteSeen { .. } => first(&mut tl.delete, m),
        EventKind::Removed { .. } => first(&mut tl.removed, m),
        EventKind::KubeletStop { cause, .. } => {
            if tl.kubelet_stop.is_none() {
                tl.kubelet_stop = Some((*cause, m));
            }
        }
        EventKind::KillRequested { container, name, grace_s, is_override, modern, .. } => {
            if let Some(c) = container_mut(tl, ident, container.as_ref(), name.as_ref(), Some(at)) {
                if *is_override {
                    if c.kill_override.is_none() {
                        c.kill_override = Some((*grace_s, m));
                    } else if c.kill_request.is_none() {
                        // 1.21 prints the override wording for the ordinary line too.
                        c.kill_request = Some((*grace_s, m, *modern));
                    }
                } else if c.kill_request.is_none() {
                    c.kill_request = Some((*grace_s, m, *modern));
                }
            }
        }
        EventKind::PreStopStarted { container, name, .. } => {
            if let Some(c) = container_mut(tl, ident, container.as_ref(), name.as_ref(), Some(at)) {
                first(&mut c.prestop_started, m);
            }
        }
        EventKind::PreStopFinished { container, name, .. } => {
            if let Some(c) = container_mut(tl, ident, container.as_ref(), name.as_ref(), Some(at)) {
                first(&mut c.prestop_finished, m);
            }
        }
        EventKind::PreStopFailed { container, name, message, .. } => {
            if let Some(c) = container_mut(tl, ident, container.as_ref(), name.as_ref(), Some(at)) {
                if c.prestop_failed.is_none() {
                    c.prestop_failed = Some((m, text(message)));
                }
            }
        }
        EventKind::PreStopTimedOut { container, name, grace_s, .. } => {
            if let Some(c) = container_mut(tl, ident, container.as_ref(), name.as_ref(), Some(at)) {
                first(&mut c.prestop_timeout, m);
                c.prestop_timeout_grace = c.prestop_timeout_grace.or(*grace_s);
            }
        }
        EventKind::KubeletStopReturned { container, name, .. } => {
            if let Some(c) = container_mut(tl, ident, container.as_ref(), name.as_ref(), Some(at)) {
                first(&mut c.kubelet_stop_returned, m);
            }
        }
        EventKind::ContainerFinished { container, exit_code, .. } => {
            if let Some(c) = container_mut(tl, ident, Some(container), None, Some(at)) {
                if c.finished.is_none() {
                    c.finished = Some((*exit_code, m));
                }
            }
        }
        EventKind::ContainerDied { id, .. } => {
            if let Some(c) = container_mut(tl, ident, Some(id), None, Some(at)) {
                first(&mut c.died, m);
            }
        }
        EventKind::ProbeRestart { container, name, probe, .. } => {
            if let Some(c) = container_mut(tl, ident, container.as_ref(), name.as_ref(), Some(at)) {
                if c.probe_restart.is_none() {
                    c.probe_restart = Some((text(probe), m));
                }
            }
        }
        EventKind::ProbeFailed { probe, .. } => {
            if tl.probe_failed.is_none() {
                tl.probe_failed = Some((text(probe), m));
            }
            lifecycle = false;
        }
        EventKind::StatusTerminated { state, .. } => {
            let finished = state.finished_at.and_then(|s| s.resolve(0, &ctx.zone));
            let placeholder = state.reason.is_some_and(|r| ident.text(r) == "ContainerStatusUnknown");
            if let Some(c) = container_mut(tl, ident, state.container_id.as_ref(), Some(&state.container), Some(at)) {
                if c.status.is_none()
                    || (c.status.as_deref().is_some_and(|(s, _, _)| s.reason.as_deref() == Some("ContainerStatusUnknown")) && !placeholder)
                {
                    c.status = Some(Box::new((TerminatedState::clone(state).map_text(&mut |s| text(&s)), finished, m)));
                }
            }
        }
        EventKind::VolumeUnmountStarted { .. } => {}
        EventKind::VolumeUnmounted { volume, .. } => {
            tl.volume_unmounted = Some(m);
            tl.volumes_ok.push(text(volume));
        }
        EventKind::VolumeUnmountFailed { volume, error, .. } => {
            // One failure stated in two files (a unit's log and the whole
            // journal or syslog) is one failure, at its earliest statement.
            let (volume, error) = (ident.text(*volume), ident.text(*error));
            match tl.volume_failures.iter_mut().find(|(_, v, e)| v == volume && e == error) {
                Some((kept, _, _)) => {
                    if m.at < kept.at {
                        *kept = m;
                    }
                }
                None => tl.volume_failures.push((m, volume.to_string(), error.to_string())),
            }
        }
        EventKind::AllVolumesUnmounted { .. } => first(&mut tl.all_volumes_unmounted, m),
        EventKind::NodeOfPod { node, .. } => {
            if tl.node.is_none() {
                tl.node = Some(text(node));
            }
            lifecycle = false;
        }
        EventKind::StopRequested { container, timeout_s } => {
            if let Some(c) = container_mut(tl, ident, Some(container), None, Some(at)) {
                if c.stop_requested.is_none() {
                    c.stop_requested = Some((*timeout_s, m));
                }
            }
        }
        EventKind::SignalSent { container, signal } => {
            if let Some(c) = container_mut(tl, ident, Some(container), None, Some(at)) {
                if c.signal.is_none() {
                    c.signal = Some((text(signal), m));
                }
            }
        }
        EventKind::KillSent { container } => {
            if let Some(c) = container_mut(tl, ident, Some(container), None, Some(at)) {
                first(&mut c.kill_sent, m);
            }
        }
        EventKind::StopReturned { container } => {
            if let Some(c) = container_mut(tl, ident, Some(container), None, Some(at)) {
                first(&mut c.stop_returned, m);
            }
        }
        EventKind::AlreadyExited { container } => {
            if let Some(c) = container_mut(tl, ident, Some(container), None, Some(at)) {
                first(&mut c.already_exited, m);
            }
        }
        EventKind::Exited { id, exit_code, exited_at, sandbox } => {
            if *sandbox || ident.is_sandbox(*id) {
                lifecycle = false;
            } else if let Some(c) = container_mut(tl, ident, Some(id), None, Some(at)) {
                if c.exit_event.is_none() {
                    let when = exited_at.and_then(|s| s.resolve(0, &ctx.zone));
                    c.exit_event = Some((*exit_code, when, m));
                }
            }
        }
        EventKind::Oom { container, detail, .. } => {
            let target = match container {
                Some(_) => container_mut(tl, ident, container.as_ref(), None, Some(at)),
                // A Pod-level OOM: the only container, if there is one.
                None if tl.containers.len() == 1 => tl.containers.first_mut(),
                None => None,
            };
            if let Some(c) = target {
                if c.oom.is_none() {
                    c.oom = Some((text(detail), m));
                }
            }
        }
        EventKind::SandboxStopped { .. } => first(&mut tl.sandbox_stopped, m),
        EventKind::NetworkTornDown { .. } | EventKind::PodNetworkTornDown { .. } => first(&mut tl.network_torn_down, m),
        EventKind::DeletionRequested { by, user_agent, reason, grace_s, .. } => {
            let new = ApiDelete {
                mark: m,
                by: by.as_ref().map(text),
                user_agent: user_agent.as_ref().map(text),
                reason: reason.name(),
                grace_s: *grace_s,
            };
            // The audit log (who, exact time) beats a time derived from a
            // Pod's seconds-precision deletionTimestamp for the same request.
            match &tl.api_delete {
                None => tl.api_delete = Some(Box::new(new)),
                Some(old) if same_instant(&old.mark, &m) && (old.by.is_none() && new.by.is_some() || m.at.digits > old.mark.at.digits) => {
                    tl.api_delete = Some(Box::new(ApiDelete { grace_s: new.grace_s.or(old.grace_s), ..new }));
                }
                Some(_) => {}
            }
        }
        EventKind::EndpointChanged { ready, serving, terminating, .. } => {
            let st = EndpointState { ready: *ready, serving: *serving, terminating: *terminating };
            let len = tl.endpoint_changes.len();
            match tl.endpoint_changes.last_mut() {
                // The same change seen again (watch and audit log): keep the more precise time.
                Some((last, mark)) if *last == st && same_instant(mark, &m) && m.at.digits > mark.at.digits => *mark = m,
                Some((last, _)) if *last == st => {}
                _ if len < 32 => tl.endpoint_changes.push((st, m)),
                _ => {}
            }
        }
        EventKind::EndpointGone { .. } => {
            if tl.endpoint_gone.len() < 8 {
                tl.endpoint_gone.push(m);
            }
        }
        EventKind::ShimDisconnected { id } => {
            lifecycle = false;
            if let Some(c) = container_mut(tl, ident, Some(id), None, Some(at)) {
                first(&mut c.shim_disconnected, m);
            }
        }
        EventKind::AppSignalLogged { name, text: line, .. } => {
            if let Some(c) = container_mut(tl, ident, None, Some(name), Some(at)) {
                if c.app_signal.len() < 16 {
                    c.app_signal.push((text(line), m));
                }
            }
        }
    }
    if lifecycle {
        tl.has_lifecycle = true;
    }
}

/// True when two marks name the same moment up to the coarser one's precision.
fn same_instant(a: &Mark, b: &Mark) -> bool {
    a.at.secs_until(&b.at).abs() < 1.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{PodRef, When};
    use chrono::{TimeZone, Utc};

    fn at(s: i64) -> When {
        When::At(Instant { utc: Utc.timestamp_opt(1_700_000_000 + s, 0).unwrap(), digits: 0 })
    }

    fn fact(file: u32, line: u32, when: When, kind: EventKind<Sym>) -> Event {
        Event { when, origin: Origin { file, line }, node: None, kind }
    }

    #[test]
    fn pods_come_in_order_of_first_fact_even_when_it_has_no_time() {
        // Pods `a` and `c` are first named by their Pod logs (no time), pod
        // `b` is the first with a timed fact: `a` and `c` still come first,
        // `a` with what its Pod log said; `c`, named only by its Pod log,
        // is kept as a named Pod with no stop.
        let mut t = Symbols::default();
        let [ns, a, b, c, ua, ub, uc, app] = ["default", "a", "b", "c", "uid-a", "uid-b", "uid-c", "app"].map(|s| t.intern(s));
        let pod = |name, uid| PodRef { namespace: Some(ns), name: Some(name), uid: Some(uid) };
        let of_pod = |name, uid| EventKind::ContainerOfPod { pod: pod(name, uid), container: None, name: Some(app) };
        let lists: Vec<FactList> = vec![
            vec![fact(0, 1, When::Untimed, of_pod(a, ua))].into(),
            vec![
                fact(1, 1, at(10), EventKind::DeleteSeen { pod: pod(b, ub) }),
                fact(1, 2, at(20), EventKind::DeleteSeen { pod: pod(a, ua) }),
                fact(1, 3, at(30), EventKind::Removed { pod: pod(a, ua) }),
            ]
            .into(),
            vec![fact(2, 1, When::Untimed, of_pod(c, uc))].into(),
        ];
        let timelines = correlate(lists, &t, &Context::default());
        let names: Vec<_> = timelines.iter().map(|tl| tl.name.as_deref()).collect();
        assert_eq!(names, [Some("a"), Some("c"), Some("b")]);
        let first = &timelines[0];
        assert_eq!(first.containers.iter().map(|c| c.name.as_deref()).collect::<Vec<_>>(), [Some("app")]);
        assert!(first.delete.is_some() && first.removed.is_some());
        assert!(timelines[1].delete.is_none() && timelines[1].containers.len() == 1);
    }
}
