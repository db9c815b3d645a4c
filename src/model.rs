//! The finished report: what every renderer reads (contract `podmortem/v1`).

use crate::time::Instant;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Schema identifier written in every JSON report.
pub const SCHEMA: &str = "podmortem/v1";

/// The whole answer for one run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// One entry per input read.
    pub inputs: Vec<InputSummary>,
    /// One entry per Pod.
    pub pods: Vec<PodReport>,
    /// Counts over `pods`.
    pub summary: Summary,
    /// Things the user should know about the input or the answer.
    pub warnings: Vec<String>,
    /// Node directories named otherwise than the host their logs print, as
    /// (directory, host): Pods go by the host, and `--node` finds them by either.
    #[serde(skip)]
    pub node_dirs: Vec<(String, String)>,
}

/// How one input was read.
#[derive(Debug, Clone, Serialize)]
pub struct InputSummary {
    /// Path as given (or found in a directory).
    pub path: String,
    /// Envelopes and sources seen (`journald`, `kubelet`, …).
    pub formats: Vec<&'static str>,
    /// Lines read.
    pub lines: u64,
    /// Lines of a known shape.
    pub recognized: u64,
    /// Lines of unknown shape.
    pub skipped: u64,
    /// A few lines that looked relevant but were not understood (shown with `-v`).
    #[serde(skip)]
    pub samples: Vec<String>,
}

/// Why a Pod stopped, as the contract's `deletion` object.
#[derive(Debug, Clone, Serialize)]
pub struct Deletion {
    /// When the stop was asked for.
    pub at: Option<Instant>,
    /// Who asked (API user), when known.
    pub by: Option<String>,
    /// The requester's user agent, when known.
    pub user_agent: Option<String>,
    /// `delete`, `eviction`, `node_pressure`, `node_shutdown`, `preemption`, `scale_down`, `probe`, `oom`, `unknown`.
    pub reason: &'static str,
    /// Grace period the request asked for, when known.
    pub requested_grace_s: Option<i64>,
}

/// The contract's deletion reasons.
pub const DELETION_REASONS: [&str; 9] =
    ["delete", "eviction", "node_pressure", "node_shutdown", "preemption", "scale_down", "probe", "oom", "unknown"];

/// [`Deletion`] as JSON carries it (owned reason), for reading reports back.
#[derive(Deserialize)]
struct DeletionWire {
    at: Option<Instant>,
    by: Option<String>,
    user_agent: Option<String>,
    reason: String,
    requested_grace_s: Option<i64>,
}

impl<'de> Deserialize<'de> for Deletion {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        DeletionWire::deserialize(d).map(Deletion::from)
    }
}

impl From<DeletionWire> for Deletion {
    fn from(w: DeletionWire) -> Self {
        let reason = DELETION_REASONS.iter().find(|r| **r == w.reason).copied().unwrap_or("unknown");
        Deletion { at: w.at, by: w.by, user_agent: w.user_agent, reason, requested_grace_s: w.requested_grace_s }
    }
}

/// The result of a Pod's stop, most severe first in precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Never finished stopping although the logs go on.
    Stuck,
    /// Killed by the kernel OOM killer.
    OomKilled,
    /// SIGKILLed by the runtime after its stop timeout.
    Sigkill,
    /// Died of the stop signal's default action (e.g. 143).
    SignalExit,
    /// Exited on its own with a non-zero code.
    ErrorExit,
    /// The logs end before the stop finished.
    Incomplete,
    /// Stopped cleanly.
    Graceful,
    /// No stop seen.
    Running,
}

impl Outcome {
    /// The contract name.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Stuck => "stuck",
            Outcome::OomKilled => "oom_killed",
            Outcome::Sigkill => "sigkill",
            Outcome::SignalExit => "signal_exit",
            Outcome::ErrorExit => "error_exit",
            Outcome::Incomplete => "incomplete",
            Outcome::Graceful => "graceful",
            Outcome::Running => "running",
        }
    }
}

/// One container's stop.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContainerReport {
    /// Container name.
    pub name: Option<String>,
    /// Runtime container ID (no scheme).
    pub id: Option<String>,
    /// Signal the runtime sent first (`SIGTERM`, `SIGQUIT`, …).
    pub stop_signal: Option<String>,
    /// How long the preStop hook ran.
    pub prestop_s: Option<f64>,
    /// Timeout the runtime was given (CRI StopContainer).
    pub stop_timeout_s: Option<i64>,
    /// Exit code.
    pub exit_code: Option<i32>,
    /// When the process exited.
    pub exited_at: Option<Instant>,
}

/// Stage names in lifecycle order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// API delete (or the kubelet's own decision to stop).
    DeleteRequested,
    /// EndpointSlice marked the endpoint not ready.
    EndpointNotReady,
    /// preStop hook started.
    PrestopStarted,
    /// preStop hook finished.
    PrestopFinished,
    /// Runtime StopContainer.
    StopRequested,
    /// Stop signal sent.
    SignalSent,
    /// App logged that it got the signal.
    AppSignalLogged,
    /// SIGKILL sent.
    KillSent,
    /// Process exited.
    Exited,
    /// Sandbox stopped.
    SandboxStopped,
    /// CNI teardown done.
    NetworkTornDown,
    /// Volumes unmounted.
    VolumeUnmounted,
    /// Endpoint removed from the slice.
    EndpointRemoved,
    /// Pod removed from the API.
    Removed,
}

impl Stage {
    /// The contract name.
    pub fn name(self) -> &'static str {
        match self {
            Stage::DeleteRequested => "delete_requested",
            Stage::EndpointNotReady => "endpoint_not_ready",
            Stage::PrestopStarted => "prestop_started",
            Stage::PrestopFinished => "prestop_finished",
            Stage::StopRequested => "stop_requested",
            Stage::SignalSent => "signal_sent",
            Stage::AppSignalLogged => "app_signal_logged",
            Stage::KillSent => "kill_sent",
            Stage::Exited => "exited",
            Stage::SandboxStopped => "sandbox_stopped",
            Stage::NetworkTornDown => "network_torn_down",
            Stage::VolumeUnmounted => "volume_unmounted",
            Stage::EndpointRemoved => "endpoint_removed",
            Stage::Removed => "removed",
        }
    }
}

/// One step of a Pod's stop, with its proof.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StageReport {
    /// Which step.
    pub stage: Stage,
    /// When.
    pub at: Instant,
    /// Container name for container-level steps.
    pub container: Option<String>,
    /// `path:line` of the line that proves it.
    pub source: String,
    /// A few words for people (`timeout 30 s`, `exit 0`); not part of the JSON contract.
    #[serde(skip, default)]
    pub detail: Option<String>,
}

/// Finding kinds (contract table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Runtime SIGKILLed a running container.
    Sigkill,
    /// `Kill container` after the process had already exited.
    KillAfterExit,
    /// Exit later than delete + grace.
    GraceOverrun,
    /// Kernel OOM killer.
    OomKilled,
    /// preStop did not complete within the grace period.
    PrestopTimeout,
    /// preStop returned an error.
    PrestopFailed,
    /// Died of the stop signal's default action.
    SignalExit,
    /// Exited on its own with another non-zero code.
    NonzeroExit,
    /// Never removed although the logs go on.
    StuckTerminating,
    /// Volume teardown failed.
    VolumeUnmountFailed,
    /// Stop returned far later than the exit.
    SlowStop,
    /// The stop came from a failed probe.
    ProbeKill,
    /// Endpoint still ready after the stop signal.
    TrafficAfterSigterm,
}

impl FindingKind {
    /// The contract name.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::Sigkill => "sigkill",
            FindingKind::KillAfterExit => "kill_after_exit",
            FindingKind::GraceOverrun => "grace_overrun",
            FindingKind::OomKilled => "oom_killed",
            FindingKind::PrestopTimeout => "prestop_timeout",
            FindingKind::PrestopFailed => "prestop_failed",
            FindingKind::SignalExit => "signal_exit",
            FindingKind::NonzeroExit => "nonzero_exit",
            FindingKind::StuckTerminating => "stuck_terminating",
            FindingKind::VolumeUnmountFailed => "volume_unmount_failed",
            FindingKind::SlowStop => "slow_stop",
            FindingKind::ProbeKill => "probe_kill",
            FindingKind::TrafficAfterSigterm => "traffic_after_sigterm",
        }
    }

    /// The contract severity.
    pub fn severity(self) -> Severity {
        match self {
            FindingKind::Sigkill
            | FindingKind::GraceOverrun
            | FindingKind::OomKilled
            | FindingKind::PrestopTimeout
            | FindingKind::StuckTerminating
            | FindingKind::VolumeUnmountFailed => Severity::Error,
            FindingKind::PrestopFailed
            | FindingKind::SignalExit
            | FindingKind::NonzeroExit
            | FindingKind::SlowStop
            | FindingKind::TrafficAfterSigterm => Severity::Warning,
            FindingKind::KillAfterExit | FindingKind::ProbeKill => Severity::Info,
        }
    }

    /// Every kind, in contract order.
    pub const ALL: [FindingKind; 13] = [
        FindingKind::Sigkill,
        FindingKind::KillAfterExit,
        FindingKind::GraceOverrun,
        FindingKind::OomKilled,
        FindingKind::PrestopTimeout,
        FindingKind::PrestopFailed,
        FindingKind::SignalExit,
        FindingKind::NonzeroExit,
        FindingKind::StuckTerminating,
        FindingKind::VolumeUnmountFailed,
        FindingKind::SlowStop,
        FindingKind::ProbeKill,
        FindingKind::TrafficAfterSigterm,
    ];
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Something went wrong.
    Error,
    /// Worth a look.
    Warning,
    /// For the record.
    Info,
}

/// Something notable about a Pod's stop, with its proof.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    /// What.
    pub kind: FindingKind,
    /// How bad.
    pub severity: Severity,
    /// Which container, when container-level.
    pub container: Option<String>,
    /// One sentence for people.
    pub message: String,
    /// `path:line` of the lines that prove it.
    pub evidence: Vec<String>,
}

/// A Pod's managing controller (its `ownerReferences` entry with `controller: true`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    /// `ReplicaSet`, `StatefulSet`, `DaemonSet`, `Job`, or a custom controller's kind.
    pub kind: String,
    /// The controller's name (a ReplicaSet's carries its Deployment's name and a hash).
    pub name: String,
}

/// Everything known about one Pod's stop.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PodReport {
    /// Namespace.
    pub namespace: Option<String>,
    /// Name (`null` when only an ID identifies the Pod).
    pub name: Option<String>,
    /// UID.
    pub uid: Option<String>,
    /// Node.
    pub node: Option<String>,
    /// The controller that owns the Pod, when kubectl JSON or the audit log said.
    #[serde(default)]
    pub owner: Option<Owner>,
    /// Effective grace period the kubelet applied.
    pub grace_period_s: Option<i64>,
    /// Why it stopped, when anything says so.
    pub deletion: Option<Deletion>,
    /// How it ended.
    pub outcome: Outcome,
    /// From the stop request to removal (or the last exit).
    pub duration_s: Option<f64>,
    /// When the logs of the Pod's node end (their last line): how far they
    /// could see. A Pod still not removed then has been terminating at
    /// least this long since its delete, which ranks the stuck ones.
    #[serde(default)]
    pub logs_end: Option<Instant>,
    /// Per container.
    pub containers: Vec<ContainerReport>,
    /// Steps in time order.
    pub stages: Vec<StageReport>,
    /// What stands out.
    pub findings: Vec<Finding>,
}

/// Where a Pod goes in a report of many nodes (`audit`): by node, first
/// stage, then name.
pub type FleetOrder = (Option<String>, Option<Instant>, String);

impl PodReport {
    /// This Pod's [`FleetOrder`] key.
    pub fn fleet_order(&self) -> FleetOrder {
        (self.node.clone(), self.stages.first().map(|s| s.at), self.display_name())
    }

    /// `namespace/name`, or the UID or first container ID when unnamed.
    pub fn display_name(&self) -> String {
        match (&self.namespace, &self.name) {
            (Some(ns), Some(n)) => format!("{ns}/{n}"),
            (None, Some(n)) => n.clone(),
            _ => match (&self.uid, self.containers.iter().find_map(|c| c.id.as_ref())) {
                (Some(u), _) => format!("uid:{u}"),
                (None, Some(id)) => format!("container:{}", crate::report::short_id(id)),
                _ => "?".to_string(),
            },
        }
    }

    /// The time of the first occurrence of a stage.
    pub fn stage_at(&self, stage: Stage) -> Option<Instant> {
        self.stages.iter().find(|s| s.stage == stage).map(|s| s.at)
    }
}

/// Counts over the Pods of a report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Number of Pods.
    pub pods: usize,
    /// Pods per outcome.
    pub outcomes: BTreeMap<&'static str, usize>,
    /// Findings per kind (every kind listed, zero included).
    pub findings: BTreeMap<&'static str, usize>,
}

impl Summary {
    /// Counts the Pods.
    pub fn of(pods: &[PodReport]) -> Summary {
        let mut s = Summary { pods: pods.len(), ..Summary::default() };
        for k in FindingKind::ALL {
            s.findings.insert(k.name(), 0);
        }
        for p in pods {
            *s.outcomes.entry(p.outcome.name()).or_default() += 1;
            for f in &p.findings {
                *s.findings.entry(f.kind.name()).or_default() += 1;
            }
        }
        s
    }
    /// Adds another part's counts (a node's, in `audit`).
    pub fn add(&mut self, other: &Summary) {
        self.pods += other.pods;
        for (k, n) in &other.outcomes {
            *self.outcomes.entry(k).or_default() += n;
        }
        for (k, n) in &other.findings {
            *self.findings.entry(k).or_default() += n;
        }
    }
}
