//! The normalised vocabulary between parsers and the correlator.
//!
//! Every parser turns the lines it understands into [`Event`]s; the
//! correlator sees nothing else. An event says one fact ("the runtime sent
//! SIGKILL to container X", "container X belongs to Pod ns/name uid U"),
//! when the log says it happened, and where the line is.
//!
//! Parsers name the text of a fact (IDs, names, messages) with owned
//! strings; the input's collector keeps each fact with that text interned
//! ([`crate::symbols`]), so that a node's thousands of facts about the same
//! few hundred Pods hold small integers rather than copies of the strings.

use crate::symbols::Sym;
use crate::time::{Instant, Stamp};
use std::sync::Arc;

/// Why the API was asked to stop a Pod (a byte in every fact's room, where
/// the name itself would take 16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeleteReason {
    /// A user or client deleted the Pod.
    Delete,
    /// The Eviction API, taint manager or node controller evicted it.
    Eviction,
    /// The scheduler preempted it for a higher-priority Pod.
    Preemption,
    /// A controller scaled its workload down.
    ScaleDown,
}

impl DeleteReason {
    /// The contract's name of the reason (`stop_reason` in the JSON schema).
    pub fn name(self) -> &'static str {
        match self {
            DeleteReason::Delete => "delete",
            DeleteReason::Eviction => "eviction",
            DeleteReason::Preemption => "preemption",
            DeleteReason::ScaleDown => "scale_down",
        }
    }
}

/// A node's name as facts carry it: one string shared by the facts of a
/// node's logs, behind a thin pointer (8 bytes in each fact; an `Arc<str>`
/// takes 16, and a node's facts number in the hundreds of thousands).
pub type NodeName = Arc<String>;

/// Where a fact came from: an input file (index into the run's inputs) and
/// a 1-based line number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// Index of the input in the run's input list.
    pub file: u32,
    /// 1-based line number within that input.
    pub line: u32,
}

/// What a line says about a Pod, as far as it says it.
///
/// Parsers name it with text borrowed from the line (`PodRef<&str>`, or
/// owned strings, `PodRef<String>`, for the rare wordings they rebuild); a
/// kept fact names it with symbols of its input's table (`PodRef<Sym>`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PodRef<S = String> {
    /// Namespace, when printed.
    pub namespace: Option<S>,
    /// Pod name, when printed.
    pub name: Option<S>,
    /// Pod UID, when printed.
    pub uid: Option<S>,
}

impl<S> Default for PodRef<S> {
    fn default() -> Self {
        PodRef { namespace: None, name: None, uid: None }
    }
}

impl<S> PodRef<S> {
    /// True when nothing identifies the Pod.
    pub fn is_empty(&self) -> bool {
        self.uid.is_none() && self.name.is_none()
    }

    /// The same reference with each string replaced by `f`'s value for it.
    pub fn map_text<T>(self, f: &mut impl FnMut(S) -> T) -> PodRef<T> {
        PodRef { namespace: self.namespace.map(&mut *f), name: self.name.map(&mut *f), uid: self.uid.map(&mut *f) }
    }
}

impl<S: AsRef<str>> PodRef<S> {
    /// Adds a UID to the reference (an empty one is no UID).
    pub fn with_uid(mut self, uid: Option<S>) -> PodRef<S> {
        if uid.as_ref().is_some_and(|u| !u.as_ref().is_empty()) {
            self.uid = uid;
        }
        self
    }

    /// The same reference, its text borrowed (how a parser states a fact
    /// about a Pod it named with text of its own).
    pub fn as_text(&self) -> PodRef<&str> {
        PodRef {
            namespace: self.namespace.as_ref().map(AsRef::as_ref),
            name: self.name.as_ref().map(AsRef::as_ref),
            uid: self.uid.as_ref().map(AsRef::as_ref),
        }
    }
}

impl<'a> PodRef<&'a str> {
    /// A reference from a `namespace/name` string such as klog's `pod=`, borrowing it.
    pub fn of_ns_name(s: &'a str) -> PodRef<&'a str> {
        // (`memchr`: `split_once` with a char pattern is slower on every line.)
        match memchr::memchr(b'/', s.as_bytes()).map(|i| (&s[..i], &s[i + 1..])) {
            Some((ns, name)) if !ns.is_empty() && !name.is_empty() => PodRef { namespace: Some(ns), name: Some(name), uid: None },
            _ => PodRef::default(),
        }
    }
}

impl PodRef {
    /// A reference from a `namespace/name` string such as klog's `pod=`.
    pub fn from_ns_name(s: &str) -> PodRef {
        PodRef::of_ns_name(s).map_text(&mut str::to_string)
    }
}

/// Who or what initiated a stop, as far as node logs can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StopCause {
    /// Kubelet eviction under node pressure.
    NodePressure,
    /// Graceful node shutdown.
    NodeShutdown,
    /// Kubelet admission preemption.
    Preemption,
}

/// Which API status field a terminated state came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TerminatedState<S = String> {
    /// Container name.
    pub container: S,
    /// Runtime container ID without the `containerd://` scheme, if known.
    pub container_id: Option<S>,
    /// Exit code.
    pub exit_code: Option<i32>,
    /// `Completed`, `Error`, `OOMKilled`, `ContainerStatusUnknown`, …
    pub reason: Option<S>,
    /// When the container finished (seconds precision in the API).
    pub finished_at: Option<Stamp>,
}

impl<S> TerminatedState<S> {
    /// The same state with each string replaced by `f`'s value for it.
    pub fn map_text<T>(self, f: &mut impl FnMut(S) -> T) -> TerminatedState<T> {
        TerminatedState {
            container: f(self.container),
            container_id: self.container_id.map(&mut *f),
            exit_code: self.exit_code,
            reason: self.reason.map(&mut *f),
            finished_at: self.finished_at,
        }
    }
}

/// One fact about a Pod stop.
///
/// Parsers state it with text borrowed from the line (`EventKind<&str>`,
/// handed to a [`crate::parse::FactSink`] while the line is at hand), or
/// with owned strings (`EventKind<String>`) for the rare wordings whose text
/// they rebuild; a kept fact holds symbols of its input's table instead
/// (`EventKind<Sym>`): see [`crate::symbols`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EventKind<S = String> {
    // ---- identity ----
    /// The runtime created a sandbox for a Pod (containerd `RunPodSandbox … returns sandbox id`).
    SandboxCreated { sandbox: S, pod: PodRef<S> },
    /// The runtime created a container in a sandbox (`CreateContainer … returns container id`).
    ContainerCreated { sandbox: S, container: S, name: S },
    /// A line tied a container (and perhaps its name) to a Pod.
    ContainerOfPod { pod: PodRef<S>, container: Option<S>, name: Option<S> },
    /// A sandbox ID was named in a sandbox-only line (so it is not an app container).
    SandboxSeen { sandbox: S },
    /// The controller that owns a Pod: the `metadata.ownerReferences` entry
    /// with `controller: true` (a ReplicaSet, StatefulSet, Job, …), which
    /// `audit` groups Pods by.
    PodOwner { pod: PodRef<S>, kind: S, name: S },
    /// The kubelet learned the Pod (`SyncLoop ADD`).
    PodAdded { pod: PodRef<S> },

    // ---- API (audit log, kubectl JSON, events) ----
    /// Someone asked the API to delete or evict the Pod.
    DeletionRequested {
        pod: PodRef<S>,
        /// API user, when the audit log says.
        by: Option<S>,
        /// The requester's user agent.
        user_agent: Option<S>,
        /// Why, as the contract names it.
        reason: DeleteReason,
        /// Grace period the request asked for (or the API applied).
        grace_s: Option<i64>,
    },
    /// An EndpointSlice entry for the Pod changed its conditions.
    EndpointChanged { pod: PodRef<S>, ready: bool, serving: Option<bool>, terminating: Option<bool> },
    /// The Pod's entry left an EndpointSlice.
    EndpointGone { pod: PodRef<S> },

    // ---- kubelet, pod level ----
    /// The kubelet saw the API delete (`SyncLoop DELETE`).
    DeleteSeen { pod: PodRef<S> },
    /// The Pod is gone from the API (`removed from etcd`, `SyncLoop REMOVE`).
    Removed { pod: PodRef<S> },
    /// The kubelet decided to stop the Pod itself (eviction, shutdown, preemption).
    KubeletStop { pod: PodRef<S>, cause: StopCause },

    // ---- kubelet, container level ----
    /// `Killing container with a grace period [override]`.
    KillRequested {
        pod: PodRef<S>,
        container: Option<S>,
        name: Option<S>,
        grace_s: i64,
        is_override: bool,
        /// True for Kubernetes ≥ 1.28 line shapes (JSON-rendered `podUID`).
        modern: Option<bool>,
    },
    /// `Running preStop hook`.
    PreStopStarted { pod: PodRef<S>, container: Option<S>, name: Option<S> },
    /// `PreStop hook completed`.
    PreStopFinished { pod: PodRef<S>, container: Option<S>, name: Option<S> },
    /// `PreStop hook failed` (or a FailedPreStopHook event).
    PreStopFailed { pod: PodRef<S>, container: Option<S>, name: Option<S>, message: S },
    /// `PreStop hook not completed in grace period`.
    PreStopTimedOut { pod: PodRef<S>, container: Option<S>, name: Option<S>, grace_s: Option<i64> },
    /// `Container exited normally`: the kubelet's StopContainer call returned.
    KubeletStopReturned { pod: PodRef<S>, container: Option<S>, name: Option<S> },
    /// `Generic (PLEG): container finished … exitCode=N`.
    ContainerFinished { pod: PodRef<S>, container: S, exit_code: Option<i32> },
    /// `SyncLoop (PLEG) … ContainerDied` for a container or sandbox ID.
    ContainerDied { pod: PodRef<S>, id: S },
    /// A liveness/startup probe failure that leads to a restart.
    ProbeRestart { pod: PodRef<S>, container: Option<S>, name: Option<S>, probe: S },
    /// A probe failure (not yet a restart decision).
    ProbeFailed { pod: PodRef<S>, name: Option<S>, probe: S },
    /// A terminated container state from a status patch or API object.
    /// (Boxed: it is the largest fact and a rare one; every event pays for the largest.)
    StatusTerminated { pod: PodRef<S>, state: Box<TerminatedState<S>> },
    /// `UnmountVolume started`.
    VolumeUnmountStarted { pod: PodRef<S>, volume: S },
    /// `UnmountVolume.TearDown succeeded`.
    VolumeUnmounted { pod: PodRef<S>, volume: S },
    /// `UnmountVolume.TearDown failed`.
    VolumeUnmountFailed { pod: PodRef<S>, volume: S, error: S },
    /// `All volumes are unmounted for pod`.
    AllVolumesUnmounted { pod: PodRef<S> },
    /// A line naming the node a Pod ran on (e.g. `Volume detached … on node`).
    NodeOfPod { pod: PodRef<S>, node: S },

    // ---- runtime ----
    /// `StopContainer for "ID" with timeout N (s)`.
    StopRequested { container: S, timeout_s: i64 },
    /// `Stop container "ID" with signal terminated`.
    SignalSent { container: S, signal: S },
    /// `Kill container "ID"` (SIGKILL).
    KillSent { container: S },
    /// `StopContainer for "ID" returns successfully`.
    StopReturned { container: S },
    /// `Container to stop "ID" must be in running or unknown state, current state "CONTAINER_EXITED"`.
    AlreadyExited { container: S },
    /// A task exit (`received exit event`, `TaskExit event`, kubelet-free).
    Exited { id: S, exit_code: Option<i32>, exited_at: Option<Stamp>, sandbox: bool },
    /// The runtime or kernel reports an OOM kill for a container.
    Oom { container: Option<S>, pod: PodRef<S>, detail: S },
    /// `StopPodSandbox for "ID" returns successfully`.
    SandboxStopped { sandbox: S },
    /// `TearDown network for sandbox "ID" successfully`.
    NetworkTornDown { sandbox: S },
    /// CRI-O `Deleting pod <ns>_<pod> from CNI network`: teardown named by Pod.
    PodNetworkTornDown { pod: PodRef<S> },
    /// `shim disconnected id=ID`.
    ShimDisconnected { id: S },

    // ---- app ----
    /// An application line saying it received a stop signal.
    AppSignalLogged { pod: PodRef<S>, name: S, text: S },
}

impl<S> EventKind<S> {
    /// The same fact with each string replaced by `f`'s value for it: how a
    /// parser's fact becomes a kept one ([`crate::symbols::Symbols::intern`]),
    /// and how a kept fact moves to another table.
    pub fn map_text<T>(self, f: &mut impl FnMut(S) -> T) -> EventKind<T> {
        use EventKind::*;
        match self {
            SandboxCreated { sandbox, pod } => SandboxCreated { sandbox: f(sandbox), pod: pod.map_text(f) },
            ContainerCreated { sandbox, container, name } => {
                ContainerCreated { sandbox: f(sandbox), container: f(container), name: f(name) }
            }
            ContainerOfPod { pod, container, name } => {
                ContainerOfPod { pod: pod.map_text(f), container: container.map(&mut *f), name: name.map(&mut *f) }
            }
            SandboxSeen { sandbox } => SandboxSeen { sandbox: f(sandbox) },
            PodOwner { pod, kind, name } => PodOwner { pod: pod.map_text(f), kind: f(kind), name: f(name) },
            PodAdded { pod } => PodAdded { pod: pod.map_text(f) },
            DeletionRequested { pod, by, user_agent, reason, grace_s } => {
                DeletionRequested { pod: pod.map_text(f), by: by.map(&mut *f), user_agent: user_agent.map(&mut *f), reason, grace_s }
            }
            EndpointChanged { pod, ready, serving, terminating } => EndpointChanged { pod: pod.map_text(f), ready, serving, terminating },
            EndpointGone { pod } => EndpointGone { pod: pod.map_text(f) },
            DeleteSeen { pod } => DeleteSeen { pod: pod.map_text(f) },
            Removed { pod } => Removed { pod: pod.map_text(f) },
            KubeletStop { pod, cause } => KubeletStop { pod: pod.map_text(f), cause },
            KillRequested { pod, container, name, grace_s, is_override, modern } => KillRequested {
                pod: pod.map_text(f),
                container: container.map(&mut *f),
                name: name.map(&mut *f),
                grace_s,
                is_override,
                modern,
            },
            PreStopStarted { pod, container, name } => {
                PreStopStarted { pod: pod.map_text(f), container: container.map(&mut *f), name: name.map(&mut *f) }
            }
            PreStopFinished { pod, container, name } => {
                PreStopFinished { pod: pod.map_text(f), container: container.map(&mut *f), name: name.map(&mut *f) }
            }
            PreStopFailed { pod, container, name, message } => {
                PreStopFailed { pod: pod.map_text(f), container: container.map(&mut *f), name: name.map(&mut *f), message: f(message) }
            }
            PreStopTimedOut { pod, container, name, grace_s } => {
                PreStopTimedOut { pod: pod.map_text(f), container: container.map(&mut *f), name: name.map(&mut *f), grace_s }
            }
            KubeletStopReturned { pod, container, name } => {
                KubeletStopReturned { pod: pod.map_text(f), container: container.map(&mut *f), name: name.map(&mut *f) }
            }
            ContainerFinished { pod, container, exit_code } => {
                ContainerFinished { pod: pod.map_text(f), container: f(container), exit_code }
            }
            ContainerDied { pod, id } => ContainerDied { pod: pod.map_text(f), id: f(id) },
            ProbeRestart { pod, container, name, probe } => {
                ProbeRestart { pod: pod.map_text(f), container: container.map(&mut *f), name: name.map(&mut *f), probe: f(probe) }
            }
            ProbeFailed { pod, name, probe } => ProbeFailed { pod: pod.map_text(f), name: name.map(&mut *f), probe: f(probe) },
            StatusTerminated { pod, state } => StatusTerminated { pod: pod.map_text(f), state: Box::new(state.map_text(f)) },
            VolumeUnmountStarted { pod, volume } => VolumeUnmountStarted { pod: pod.map_text(f), volume: f(volume) },
            VolumeUnmounted { pod, volume } => VolumeUnmounted { pod: pod.map_text(f), volume: f(volume) },
            VolumeUnmountFailed { pod, volume, error } => VolumeUnmountFailed { pod: pod.map_text(f), volume: f(volume), error: f(error) },
            AllVolumesUnmounted { pod } => AllVolumesUnmounted { pod: pod.map_text(f) },
            NodeOfPod { pod, node } => NodeOfPod { pod: pod.map_text(f), node: f(node) },
            StopRequested { container, timeout_s } => StopRequested { container: f(container), timeout_s },
            SignalSent { container, signal } => SignalSent { container: f(container), signal: f(signal) },
            KillSent { container } => KillSent { container: f(container) },
            StopReturned { container } => StopReturned { container: f(container) },
            AlreadyExited { container } => AlreadyExited { container: f(container) },
            Exited { id, exit_code, exited_at, sandbox } => Exited { id: f(id), exit_code, exited_at, sandbox },
            Oom { container, pod, detail } => Oom { container: container.map(&mut *f), pod: pod.map_text(f), detail: f(detail) },
            SandboxStopped { sandbox } => SandboxStopped { sandbox: f(sandbox) },
            NetworkTornDown { sandbox } => NetworkTornDown { sandbox: f(sandbox) },
            PodNetworkTornDown { pod } => PodNetworkTornDown { pod: pod.map_text(f) },
            ShimDisconnected { id } => ShimDisconnected { id: f(id) },
            AppSignalLogged { pod, name, text } => AppSignalLogged { pod: pod.map_text(f), name: f(name), text: f(text) },
        }
    }
    /// The Pod the fact names (as far as it names one).
    pub fn pod(&self) -> Option<&PodRef<S>> {
        use EventKind::*;
        match self {
            SandboxCreated { pod, .. }
            | ContainerOfPod { pod, .. }
            | PodAdded { pod }
            | PodOwner { pod, .. }
            | DeletionRequested { pod, .. }
            | EndpointChanged { pod, .. }
            | EndpointGone { pod }
            | DeleteSeen { pod }
            | Removed { pod }
            | KubeletStop { pod, .. }
            | KillRequested { pod, .. }
            | PreStopStarted { pod, .. }
            | PreStopFinished { pod, .. }
            | PreStopFailed { pod, .. }
            | PreStopTimedOut { pod, .. }
            | KubeletStopReturned { pod, .. }
            | ContainerFinished { pod, .. }
            | ContainerDied { pod, .. }
            | ProbeRestart { pod, .. }
            | ProbeFailed { pod, .. }
            | StatusTerminated { pod, .. }
            | VolumeUnmountStarted { pod, .. }
            | VolumeUnmounted { pod, .. }
            | VolumeUnmountFailed { pod, .. }
            | AllVolumesUnmounted { pod }
            | NodeOfPod { pod, .. }
            | Oom { pod, .. }
            | PodNetworkTornDown { pod }
            | AppSignalLogged { pod, .. } => Some(pod),
            ContainerCreated { .. }
            | SandboxSeen { .. }
            | StopRequested { .. }
            | SignalSent { .. }
            | KillSent { .. }
            | StopReturned { .. }
            | AlreadyExited { .. }
            | Exited { .. }
            | SandboxStopped { .. }
            | NetworkTornDown { .. }
            | ShimDisconnected { .. } => None,
        }
    }

    /// The runtime ID (container or sandbox) the fact is about, if it names one.
    pub fn runtime_id(&self) -> Option<&S> {
        use EventKind::*;
        match self {
            SandboxCreated { sandbox, .. } | SandboxSeen { sandbox } | SandboxStopped { sandbox } | NetworkTornDown { sandbox } => {
                Some(sandbox)
            }
            ContainerCreated { container, .. }
            | ContainerFinished { container, .. }
            | StopRequested { container, .. }
            | SignalSent { container, .. }
            | KillSent { container }
            | StopReturned { container }
            | AlreadyExited { container } => Some(container),
            ContainerDied { id, .. } | Exited { id, .. } | ShimDisconnected { id } => Some(id),
            ContainerOfPod { container, .. }
            | KillRequested { container, .. }
            | PreStopStarted { container, .. }
            | PreStopFinished { container, .. }
            | PreStopFailed { container, .. }
            | PreStopTimedOut { container, .. }
            | KubeletStopReturned { container, .. }
            | ProbeRestart { container, .. }
            | Oom { container, .. } => container.as_ref(),
            StatusTerminated { state, .. } => state.container_id.as_ref(),
            _ => None,
        }
    }

    /// A container ID together with the container name the fact gives it.
    pub fn container_name(&self) -> Option<(&S, &S)> {
        use EventKind::*;
        match self {
            ContainerCreated { container, name, .. } => Some((container, name)),
            StatusTerminated { state, .. } => state.container_id.as_ref().map(|c| (c, &state.container)),
            ContainerOfPod { container, name, .. }
            | KillRequested { container, name, .. }
            | PreStopStarted { container, name, .. }
            | PreStopFinished { container, name, .. }
            | PreStopFailed { container, name, .. }
            | PreStopTimedOut { container, name, .. }
            | KubeletStopReturned { container, name, .. }
            | ProbeRestart { container, name, .. } => container.as_ref().zip(name.as_ref()),
            _ => None,
        }
    }
}

/// When a fact happened: as its line printed it, until the run knows the
/// years and zones to resolve it (one field, not two: a node holds tens of
/// thousands of facts, and neither form is needed once the other is).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum When {
    /// The line gave no time.
    Untimed,
    /// As printed, not yet resolved.
    Printed(Stamp),
    /// Resolved to an instant.
    At(Instant),
    /// Printed, but no such date exists in the inferred year.
    Unresolvable,
}

impl From<Option<Stamp>> for When {
    /// A time as a line gave it: printed, or none.
    fn from(stamp: Option<Stamp>) -> When {
        stamp.map_or(When::Untimed, When::Printed)
    }
}

/// One fact with its time and provenance.
#[derive(Debug, Clone)]
pub struct Event {
    /// When the log says it happened.
    pub when: When,
    /// The input line that proves it.
    pub origin: Origin,
    /// The node whose log said it, when known.
    pub node: Option<NodeName>,
    /// The fact itself, its text as symbols of its input's table
    /// (`FileResult::symbols`).
    pub kind: EventKind<Sym>,
}

impl Event {
    /// The instant it happened, once resolved.
    pub fn at(&self) -> Option<Instant> {
        match self.when {
            When::At(at) => Some(at),
            _ => None,
        }
    }

    /// The time as printed, while not yet resolved.
    pub fn printed(&self) -> Option<&Stamp> {
        match &self.when {
            When::Printed(st) => Some(st),
            _ => None,
        }
    }
}
