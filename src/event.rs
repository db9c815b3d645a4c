//! The normalised vocabulary between parsers and the correlator.
//!
//! Every parser turns the lines it understands into [`Event`]s; the
//! correlator sees nothing else. An event says one fact ("the runtime sent
//! SIGKILL to container X", "container X belongs to Pod ns/name uid U"),
//! when the log says it happened, and where the line is.

use crate::time::{Instant, Stamp};
use std::sync::Arc;

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
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PodRef {
    /// Namespace, when printed.
    pub namespace: Option<String>,
    /// Pod name, when printed.
    pub name: Option<String>,
    /// Pod UID, when printed.
    pub uid: Option<String>,
}

impl PodRef {
    /// A reference from a `namespace/name` string such as klog's `pod=`.
    pub fn from_ns_name(s: &str) -> PodRef {
        match s.split_once('/') {
            Some((ns, name)) if !ns.is_empty() && !name.is_empty() => {
                PodRef { namespace: Some(ns.to_string()), name: Some(name.to_string()), uid: None }
            }
            _ => PodRef::default(),
        }
    }

    /// Adds a UID to the reference.
    pub fn with_uid(mut self, uid: Option<String>) -> PodRef {
        if uid.as_deref().is_some_and(|u| !u.is_empty()) {
            self.uid = uid;
        }
        self
    }

    /// True when nothing identifies the Pod.
    pub fn is_empty(&self) -> bool {
        self.uid.is_none() && self.name.is_none()
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
pub struct TerminatedState {
    /// Container name.
    pub container: String,
    /// Runtime container ID without the `containerd://` scheme, if known.
    pub container_id: Option<String>,
    /// Exit code.
    pub exit_code: Option<i32>,
    /// `Completed`, `Error`, `OOMKilled`, `ContainerStatusUnknown`, …
    pub reason: Option<String>,
    /// When the container finished (seconds precision in the API).
    pub finished_at: Option<Stamp>,
}

/// One fact about a Pod stop.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EventKind {
    // ---- identity ----
    /// The runtime created a sandbox for a Pod (containerd `RunPodSandbox … returns sandbox id`).
    SandboxCreated { sandbox: String, pod: PodRef },
    /// The runtime created a container in a sandbox (`CreateContainer … returns container id`).
    ContainerCreated { sandbox: String, container: String, name: String },
    /// A line tied a container (and perhaps its name) to a Pod.
    ContainerOfPod { pod: PodRef, container: Option<String>, name: Option<String> },
    /// A sandbox ID was named in a sandbox-only line (so it is not an app container).
    SandboxSeen { sandbox: String },
    /// The controller that owns a Pod: the `metadata.ownerReferences` entry
    /// with `controller: true` (a ReplicaSet, StatefulSet, Job, …), which
    /// `audit` groups Pods by.
    PodOwner { pod: PodRef, kind: String, name: String },
    /// The kubelet learned the Pod (`SyncLoop ADD`).
    PodAdded { pod: PodRef },

    // ---- API (audit log, kubectl JSON, events) ----
    /// Someone asked the API to delete or evict the Pod.
    DeletionRequested {
        pod: PodRef,
        /// API user, when the audit log says.
        by: Option<String>,
        /// The requester's user agent.
        user_agent: Option<String>,
        /// Contract reason: `delete`, `eviction`, `scale_down`, `preemption`, `unknown`.
        reason: &'static str,
        /// Grace period the request asked for (or the API applied).
        grace_s: Option<i64>,
    },
    /// An EndpointSlice entry for the Pod changed its conditions.
    EndpointChanged { pod: PodRef, ready: bool, serving: Option<bool>, terminating: Option<bool> },
    /// The Pod's entry left an EndpointSlice.
    EndpointGone { pod: PodRef },

    // ---- kubelet, pod level ----
    /// The kubelet saw the API delete (`SyncLoop DELETE`).
    DeleteSeen { pod: PodRef },
    /// The Pod is gone from the API (`removed from etcd`, `SyncLoop REMOVE`).
    Removed { pod: PodRef },
    /// The kubelet decided to stop the Pod itself (eviction, shutdown, preemption).
    KubeletStop { pod: PodRef, cause: StopCause },

    // ---- kubelet, container level ----
    /// `Killing container with a grace period [override]`.
    KillRequested {
        pod: PodRef,
        container: Option<String>,
        name: Option<String>,
        grace_s: i64,
        is_override: bool,
        /// True for Kubernetes ≥ 1.28 line shapes (JSON-rendered `podUID`).
        modern: Option<bool>,
    },
    /// `Running preStop hook`.
    PreStopStarted { pod: PodRef, container: Option<String>, name: Option<String> },
    /// `PreStop hook completed`.
    PreStopFinished { pod: PodRef, container: Option<String>, name: Option<String> },
    /// `PreStop hook failed` (or a FailedPreStopHook event).
    PreStopFailed { pod: PodRef, container: Option<String>, name: Option<String>, message: String },
    /// `PreStop hook not completed in grace period`.
    PreStopTimedOut { pod: PodRef, container: Option<String>, name: Option<String>, grace_s: Option<i64> },
    /// `Container exited normally`: the kubelet's StopContainer call returned.
    KubeletStopReturned { pod: PodRef, container: Option<String>, name: Option<String> },
    /// `Generic (PLEG): container finished … exitCode=N`.
    ContainerFinished { pod: PodRef, container: String, exit_code: Option<i32> },
    /// `SyncLoop (PLEG) … ContainerDied` for a container or sandbox ID.
    ContainerDied { pod: PodRef, id: String },
    /// A liveness/startup probe failure that leads to a restart.
    ProbeRestart { pod: PodRef, container: Option<String>, name: Option<String>, probe: String },
    /// A probe failure (not yet a restart decision).
    ProbeFailed { pod: PodRef, name: Option<String>, probe: String },
    /// A terminated container state from a status patch or API object.
    /// (Boxed: it is the largest fact and a rare one; every event pays for the largest.)
    StatusTerminated { pod: PodRef, state: Box<TerminatedState> },
    /// `UnmountVolume started`.
    VolumeUnmountStarted { pod: PodRef, volume: String },
    /// `UnmountVolume.TearDown succeeded`.
    VolumeUnmounted { pod: PodRef, volume: String },
    /// `UnmountVolume.TearDown failed`.
    VolumeUnmountFailed { pod: PodRef, volume: String, error: String },
    /// `All volumes are unmounted for pod`.
    AllVolumesUnmounted { pod: PodRef },
    /// A line naming the node a Pod ran on (e.g. `Volume detached … on node`).
    NodeOfPod { pod: PodRef, node: String },

    // ---- runtime ----
    /// `StopContainer for "ID" with timeout N (s)`.
    StopRequested { container: String, timeout_s: i64 },
    /// `Stop container "ID" with signal terminated`.
    SignalSent { container: String, signal: String },
    /// `Kill container "ID"` (SIGKILL).
    KillSent { container: String },
    /// `StopContainer for "ID" returns successfully`.
    StopReturned { container: String },
    /// `Container to stop "ID" must be in running or unknown state, current state "CONTAINER_EXITED"`.
    AlreadyExited { container: String },
    /// A task exit (`received exit event`, `TaskExit event`, kubelet-free).
    Exited { id: String, exit_code: Option<i32>, exited_at: Option<Stamp>, sandbox: bool },
    /// The runtime or kernel reports an OOM kill for a container.
    Oom { container: Option<String>, pod: PodRef, detail: String },
    /// `StopPodSandbox for "ID" returns successfully`.
    SandboxStopped { sandbox: String },
    /// `TearDown network for sandbox "ID" successfully`.
    NetworkTornDown { sandbox: String },
    /// CRI-O `Deleting pod <ns>_<pod> from CNI network`: teardown named by Pod.
    PodNetworkTornDown { pod: PodRef },
    /// `shim disconnected id=ID`.
    ShimDisconnected { id: String },

    // ---- app ----
    /// An application line saying it received a stop signal.
    AppSignalLogged { pod: PodRef, name: String, text: String },
}

impl EventKind {
    /// The Pod the fact names (as far as it names one).
    pub fn pod(&self) -> Option<&PodRef> {
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
    pub fn runtime_id(&self) -> Option<&String> {
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
    pub fn container_name(&self) -> Option<(&String, &String)> {
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

/// One fact with its time and provenance.
#[derive(Debug, Clone)]
pub struct Event {
    /// When the log says it happened, as printed.
    pub stamp: Option<Stamp>,
    /// Resolved instant (filled once years and zones are known).
    pub at: Option<Instant>,
    /// The input line that proves it.
    pub origin: Origin,
    /// The node whose log said it, when known.
    pub node: Option<Arc<str>>,
    /// The fact itself.
    pub kind: EventKind,
}
