//! kubelet messages (klog text, 1.19–1.34) → events.
//!
//! The catalogue below is the documentation: each row is a message the
//! kubelet prints, the versions that print it (see LOG-FORMATS §1.4) and
//! the handler that turns it into events. Structured messages match the
//! unquoted message exactly; older unstructured wordings match a pattern.

mod status;

pub use status::{statuses_from_json, terminated_states};

use super::klog::{pleg_event, pod_list, KlogLine};
use super::words::{quoted, Phrase};
use crate::event::{EventKind, PodRef, StopCause};
use nom::bytes::complete::tag;
use nom::Parser;
use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

type Handler = fn(&KlogLine) -> Vec<EventKind>;

/// One structured kubelet message and what it means.
struct Entry {
    /// The message exactly as printed (unquoted).
    msg: &'static str,
    /// Versions that print it, for the reader.
    #[allow(dead_code)]
    versions: &'static str,
    handler: Handler,
}

const STRUCTURED: &[Entry] = &[
    Entry { msg: "SyncLoop ADD", versions: "1.21+ V2", handler: sync_add },
    Entry { msg: "SyncLoop DELETE", versions: "1.21+ V2", handler: sync_delete },
    Entry { msg: "SyncLoop REMOVE", versions: "1.21+ V2", handler: sync_remove },
    Entry { msg: "Pod fully terminated and removed from etcd", versions: "1.21+ V3", handler: sync_remove },
    Entry { msg: "Killing container with a grace period override", versions: "1.21+ V3 (1.21: also the V2 line)", handler: kill_override },
    Entry { msg: "Killing container with a grace period", versions: "1.22+ V2", handler: kill_plain },
    Entry { msg: "Running preStop hook", versions: "1.21+ V3", handler: prestop_started },
    Entry { msg: "PreStop hook completed", versions: "1.21+ V3", handler: prestop_finished },
    Entry { msg: "PreStop hook failed", versions: "1.21+ E", handler: prestop_failed },
    Entry { msg: "PreStop hook not completed in grace period", versions: "1.21+ V2", handler: prestop_timeout },
    Entry { msg: "Container exited normally", versions: "1.21+ V3", handler: stop_returned },
    Entry { msg: "Generic (PLEG): container finished", versions: "1.22+ V2", handler: pleg_finished },
    Entry { msg: "SyncLoop (PLEG): event for pod", versions: "1.21+ V2", handler: pleg_event_line },
    Entry { msg: "Probe failed", versions: "1.21+ V1", handler: probe_failed },
    Entry { msg: "Message for Container of pod", versions: "1.21+ V2", handler: container_message },
    Entry { msg: "Event occurred", versions: "V3", handler: event_occurred },
    Entry { msg: "Patch status for pod", versions: "1.21+ V3", handler: patch_status },
    Entry { msg: "Status for pod updated successfully", versions: "1.28+ V3 (JSON status)", handler: status_updated },
    Entry { msg: "All volumes are unmounted for pod", versions: "1.22+ V3", handler: all_volumes_unmounted },
    Entry { msg: "Evicting pod", versions: "1.23+ V3", handler: evicting },
    Entry { msg: "Eviction manager: pod is evicted successfully", versions: "1.23+", handler: evicting },
    Entry { msg: "Shutdown manager killing pod with gracePeriod", versions: "1.23+ V1", handler: shutdown_kill },
    Entry { msg: "Preempting pod to free up resources", versions: "1.23+", handler: preempting },
    Entry { msg: "Container termination failed with gracePeriod", versions: "1.21+ E", handler: identity_only },
    Entry { msg: "Kill container failed", versions: "1.21+ E", handler: identity_only },
];

/// Literals whose presence makes a kubelet line worth parsing.
pub const MARKERS: &[&str] = &[
    "SyncLoop",
    "Killing container",
    "reStop hook",
    "preStop hook",
    "exited normally",
    "container finished",
    "Probe failed",
    "Message for Container",
    "Event occurred",
    "status for pod",
    "Status for pod updated",
    "UnmountVolume",
    "Volume detached",
    "volumes are unmounted",
    "removed from etcd",
    "vict",
    "Shutdown manager killing",
    "Preempting pod",
    "Destroyed container",
    "termination failed",
    "Kill container failed",
    "podCreationTimestamp",
];

/// Turns one kubelet klog line into events (empty when irrelevant).
pub fn parse(line: &KlogLine) -> Vec<EventKind> {
    if line.structured {
        let msg = line.msg.as_ref();
        if let Some(e) = STRUCTURED.iter().find(|e| e.msg == msg) {
            return (e.handler)(line);
        }
        // Volume messages are quoted sentences with details inside.
        return volume_message(msg).into_iter().collect();
    }
    unstructured(line.msg.as_ref())
}

// ---------- helpers ----------

/// The Pod a structured line names (`pod="ns/name"`, `podUID=…`).
fn pod_of(l: &KlogLine) -> PodRef {
    let mut p = l.get("pod").map(|p| PodRef::from_ns_name(&p)).unwrap_or_default();
    if p.name.is_none() {
        if let Some(obj) = l.get("pod").filter(|v| v.starts_with('{')) {
            // JSON-rendered KObj: {"name":"x","namespace":"y"}
            if let Ok(v) = serde_json::from_str::<Value>(&obj) {
                p.name = v.get("name").and_then(Value::as_str).map(str::to_string);
                p.namespace = v.get("namespace").and_then(Value::as_str).map(str::to_string);
            }
        }
    }
    p.with_uid(l.get("podUID").or_else(|| l.get("podID")).map(|u| u.into_owned()))
}

/// A runtime container ID without its `containerd://` scheme.
pub fn strip_scheme(id: &str) -> String {
    match id.split_once("://") {
        Some((_, rest)) => rest.to_string(),
        None => id.to_string(),
    }
}

/// A container ID from `containerd://x`, `{"Type":"containerd","ID":"x"}` or `&{Type:containerd ID:x}`.
fn container_id_value(v: &str) -> Option<String> {
    if v.starts_with('{') {
        let j: Value = serde_json::from_str(v).ok()?;
        return j.get("ID").and_then(Value::as_str).map(str::to_string);
    }
    if let Some(inner) = v.strip_prefix("&{") {
        return inner.split(' ').find_map(|p| p.strip_prefix("ID:")).map(|s| s.trim_end_matches('}').to_string());
    }
    (!v.is_empty()).then(|| strip_scheme(v))
}

fn cid(l: &KlogLine) -> Option<String> {
    l.get("containerID").and_then(|v| container_id_value(&v))
}

fn cname(l: &KlogLine) -> Option<String> {
    l.get("containerName").map(|v| v.into_owned())
}

/// True for Kubernetes ≥ 1.28 renderings (klog ≥ v2.100 quotes `types.UID`).
fn modern_shape(l: &KlogLine) -> Option<bool> {
    if l.rest.contains(" podUID=\"") {
        Some(true)
    } else if l.rest.contains(" podUID=") {
        Some(false)
    } else {
        None
    }
}

// ---------- structured handlers ----------

fn sync_add(l: &KlogLine) -> Vec<EventKind> {
    pods_of_list(l).into_iter().map(|pod| EventKind::PodAdded { pod }).collect()
}

fn sync_delete(l: &KlogLine) -> Vec<EventKind> {
    pods_of_list(l).into_iter().map(|pod| EventKind::DeleteSeen { pod }).collect()
}

fn sync_remove(l: &KlogLine) -> Vec<EventKind> {
    let mut pods = pods_of_list(l);
    if pods.is_empty() {
        let p = pod_of(l);
        if !p.is_empty() {
            pods.push(p);
        }
    }
    pods.into_iter().map(|pod| EventKind::Removed { pod }).collect()
}

fn pods_of_list(l: &KlogLine) -> Vec<PodRef> {
    l.get("pods").map(|v| pod_list(&v)).unwrap_or_default().iter().map(|s| PodRef::from_ns_name(s)).collect()
}

fn kill(l: &KlogLine, is_override: bool) -> Vec<EventKind> {
    let Some(grace_s) = l.get("gracePeriod").and_then(|g| g.parse::<i64>().ok()) else {
        return vec![];
    };
    vec![EventKind::KillRequested { pod: pod_of(l), container: cid(l), name: cname(l), grace_s, is_override, modern: modern_shape(l) }]
}

fn kill_override(l: &KlogLine) -> Vec<EventKind> {
    kill(l, true)
}

fn kill_plain(l: &KlogLine) -> Vec<EventKind> {
    kill(l, false)
}

fn prestop_started(l: &KlogLine) -> Vec<EventKind> {
    vec![EventKind::PreStopStarted { pod: pod_of(l), container: cid(l), name: cname(l) }]
}

fn prestop_finished(l: &KlogLine) -> Vec<EventKind> {
    vec![EventKind::PreStopFinished { pod: pod_of(l), container: cid(l), name: cname(l) }]
}

fn prestop_failed(l: &KlogLine) -> Vec<EventKind> {
    let message = l.get("err").map(|e| e.into_owned()).unwrap_or_default();
    vec![EventKind::PreStopFailed { pod: pod_of(l), container: cid(l), name: cname(l), message }]
}

fn prestop_timeout(l: &KlogLine) -> Vec<EventKind> {
    let grace_s = l.get("gracePeriod").and_then(|g| g.parse().ok());
    vec![EventKind::PreStopTimedOut { pod: pod_of(l), container: cid(l), name: cname(l), grace_s }]
}

fn stop_returned(l: &KlogLine) -> Vec<EventKind> {
    vec![EventKind::KubeletStopReturned { pod: pod_of(l), container: cid(l), name: cname(l) }]
}

fn pleg_finished(l: &KlogLine) -> Vec<EventKind> {
    let Some(container) = cid(l) else { return vec![] };
    let exit_code = l.get("exitCode").and_then(|c| c.parse().ok());
    vec![EventKind::ContainerFinished { pod: pod_of(l), container, exit_code }]
}

fn pleg_event_line(l: &KlogLine) -> Vec<EventKind> {
    let Some((uid, ty, data)) = l.get("event").and_then(|e| pleg_event(&e)) else { return vec![] };
    let pod = pod_of(l).with_uid(Some(uid));
    match ty.as_str() {
        "ContainerDied" => vec![EventKind::ContainerDied { pod, id: data }],
        "ContainerStarted" => vec![EventKind::ContainerOfPod { pod, container: Some(data), name: None }],
        _ => vec![],
    }
}

fn probe_failed(l: &KlogLine) -> Vec<EventKind> {
    let probe = l.get("probeType").map(|p| p.to_lowercase()).unwrap_or_default();
    vec![EventKind::ProbeFailed { pod: pod_of(l), name: cname(l), probe }]
}

fn container_message(l: &KlogLine) -> Vec<EventKind> {
    let msg = l.get("containerMessage").unwrap_or_default();
    let Some(probe) = probe_restart_kind(&msg) else { return vec![] };
    let container = l.get("containerStatusID").and_then(|v| container_id_value(&v));
    vec![EventKind::ProbeRestart { pod: pod_of(l), container, name: cname(l), probe }]
}

/// `Container c failed liveness probe, will be restarted` → `liveness`.
fn probe_restart_kind(msg: &str) -> Option<String> {
    if !msg.contains("will be restarted") {
        return None;
    }
    ["liveness", "startup"].iter().find(|p| msg.contains(&format!("failed {p} probe"))).map(|p| p.to_string())
}

fn event_occurred(l: &KlogLine) -> Vec<EventKind> {
    let pod = l.get("object").map(|o| PodRef::from_ns_name(&o)).unwrap_or_default();
    let reason = l.get("reason").unwrap_or_default();
    let message = l.get("message").map(|m| m.into_owned()).unwrap_or_default();
    let name = l.get("fieldPath").and_then(|f| f.strip_prefix("spec.containers{").map(|s| s.trim_end_matches('}').to_string()));
    match reason.as_ref() {
        "Killing" => match probe_restart_kind(&message) {
            Some(probe) => {
                let name = name.or_else(|| message.strip_prefix("Container ").and_then(|m| m.split(' ').next()).map(str::to_string));
                vec![EventKind::ProbeRestart { pod, container: None, name, probe }]
            }
            None => vec![],
        },
        "FailedPreStopHook" => vec![EventKind::PreStopFailed { pod, container: None, name, message }],
        "Evicted" => vec![EventKind::KubeletStop { pod, cause: StopCause::NodePressure }],
        "Preempting" => vec![EventKind::KubeletStop { pod, cause: StopCause::Preemption }],
        _ => vec![],
    }
}

fn patch_status(l: &KlogLine) -> Vec<EventKind> {
    let pod = pod_of(l);
    if let Some(patch) = l.get("patch") {
        return statuses_from_json(&patch, pod, true);
    }
    if let Some(bytes) = l.get("patchBytes") {
        // 1.21: the JSON patch printed as a list of decimal byte values.
        let raw: Vec<u8> = bytes.trim_matches(|c| c == '[' || c == ']').split(' ').filter_map(|b| b.parse::<u8>().ok()).collect();
        return statuses_from_json(&String::from_utf8_lossy(&raw), pod, true);
    }
    vec![]
}

fn status_updated(l: &KlogLine) -> Vec<EventKind> {
    match l.get("status") {
        Some(s) if s.starts_with("{\"") => statuses_from_json(&s, pod_of(l), false),
        _ => vec![],
    }
}

fn all_volumes_unmounted(l: &KlogLine) -> Vec<EventKind> {
    vec![EventKind::AllVolumesUnmounted { pod: pod_of(l) }]
}

fn evicting(l: &KlogLine) -> Vec<EventKind> {
    vec![EventKind::KubeletStop { pod: pod_of(l), cause: StopCause::NodePressure }]
}

fn shutdown_kill(l: &KlogLine) -> Vec<EventKind> {
    vec![EventKind::KubeletStop { pod: pod_of(l), cause: StopCause::NodeShutdown }]
}

fn preempting(l: &KlogLine) -> Vec<EventKind> {
    vec![EventKind::KubeletStop { pod: pod_of(l), cause: StopCause::Preemption }]
}

fn identity_only(l: &KlogLine) -> Vec<EventKind> {
    vec![EventKind::ContainerOfPod { pod: pod_of(l), container: cid(l), name: cname(l) }]
}

// ---------- sentence-shaped messages (volumes, cgroups, ≤1.20 wordings) ----------

static UNMOUNT_FAILED: LazyLock<Regex> =
    LazyLock::new(|| re(r#"^operationExecutor\.UnmountVolume failed .*?for volume "([^"]*)".*?\(UID: "([^"]*)"\)"#));
static DESTROYED: LazyLock<Regex> = LazyLock::new(|| re(r#"^Destroyed container: "([^"]*)""#));
static OLD_SYNCLOOP: LazyLock<Regex> = LazyLock::new(|| re(r#"^SyncLoop \((ADD|DELETE|REMOVE), "[^"]*"\): "(.*)"$"#));
static OLD_KILL: LazyLock<Regex> =
    LazyLock::new(|| re(r#"^Killing container "(?:\w+://)?([0-9a-f]+)" with a? ?(\d+) second grace period"#));
static OLD_KILL_OVERRIDE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"^Killing container \{"\w+" "([0-9a-f]+)"\}, but using a (\d+) second grace period override"#));
static OLD_EXITED: LazyLock<Regex> = LazyLock::new(|| re(r#"^Container "(?:\w+://)?([0-9a-f]+)" exited normally"#));
static OLD_PRESTOP_RUN: LazyLock<Regex> = LazyLock::new(|| re(r#"^Running preStop hook for container "(?:\w+://)?([0-9a-f]+)""#));
static OLD_PRESTOP_DONE: LazyLock<Regex> = LazyLock::new(|| re(r#"^preStop hook for container \{"\w+" "([0-9a-f]+)"\} completed"#));
static OLD_PRESTOP_TIMEOUT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"^preStop hook for container \{"\w+" "([0-9a-f]+)"\} did not complete in (\d+) seconds"#));
static OLD_PRESTOP_FAILED: LazyLock<Regex> = LazyLock::new(|| re(r#"^preStop hook for container "([^"]+)" failed: (.*)$"#));
static OLD_EVICTED: LazyLock<Regex> = LazyLock::new(|| re(r#"^eviction manager: pod (\S+) is evicted successfully"#));

fn re(s: &str) -> Regex {
    Regex::new(s).expect("catalogue patterns are valid")
}

/// Pod UID from a volume/cgroup path or line: `pod<uid>` with `-` or `_`.
pub fn uid_in_cgroup(path: &str) -> Option<String> {
    static POD: LazyLock<Regex> = LazyLock::new(|| re(r"pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})"));
    POD.captures(path).map(|c| c[1].replace('_', "-"))
}

/// Container ID from a cgroup path: `cri-containerd-<id>.scope`, `crio-<id>.scope`, `docker-<id>.scope` or `/<id>`.
pub fn container_in_cgroup(path: &str) -> Option<String> {
    static CID: LazyLock<Regex> = LazyLock::new(|| re(r"(?:cri-containerd-|crio-|docker-|/)([0-9a-f]{64})(?:\.scope)?(?:/|,|$)"));
    CID.captures(path).map(|c| c[1].to_string())
}

fn volume_message(msg: &str) -> Option<EventKind> {
    // Literal looks first: most messages are about something else, and each
    // wording is told apart by a fixed phrase before any regex runs.
    static STARTED: LazyLock<Phrase> = LazyLock::new(|| Phrase::new("UnmountVolume started for volume "));
    static TEARDOWN_FAILED: LazyLock<Phrase> = LazyLock::new(|| Phrase::new("UnmountVolume.TearDown failed for volume "));
    if let Some(after) = STARTED.after(msg) {
        // `… for volume "<name>" (UniqueName: …) pod "…" (UID: "<uid>")`: the last UID mention.
        let (rest, volume) = quoted(after).ok()?;
        let rest = rest.strip_prefix(' ')?;
        let (uid, _) = uid_followed_by(rest, rest.rmatch_indices(UID_MENTION), "\")")?;
        return Some(EventKind::VolumeUnmountStarted { pod: uid_pod(uid), volume: volume.to_string() });
    }
    if let Some(after) = TEARDOWN_FAILED.after(msg) {
        // `… for volume "<name>" (UniqueName: …) pod "…" (UID: "<uid>") : <error>`: the first UID mention.
        let (rest, volume) = quoted(after).ok()?;
        let rest = rest.strip_prefix(' ')?;
        let (uid, error) = uid_followed_by(rest, rest.match_indices(UID_MENTION), "\") : ")?;
        return Some(EventKind::VolumeUnmountFailed { pod: uid_pod(uid), volume: volume.to_string(), error: error.to_string() });
    }
    if msg.starts_with("operationExecutor.UnmountVolume failed") {
        let c = UNMOUNT_FAILED.captures(msg)?;
        return Some(EventKind::VolumeUnmountFailed { pod: uid_pod(&c[2]), volume: c[1].to_string(), error: String::new() });
    }
    if msg.starts_with("UnmountVolume.TearDown succeeded") {
        let (_, (_, _, _, volume, _, _, _, uid, _)) = (
            tag("UnmountVolume.TearDown succeeded for volume "),
            quoted,
            tag(" (OuterVolumeSpecName: "),
            quoted,
            tag(") pod "),
            quoted,
            tag(" (UID: "),
            quoted,
            tag(")"),
        )
            .parse(msg)
            .ok()?;
        return Some(EventKind::VolumeUnmounted { pod: uid_pod(uid), volume: volume.to_string() });
    }
    if msg.starts_with("Volume detached") {
        let (_, (_, _, _, unique, _, node)) =
            (tag("Volume detached for volume "), quoted, tag(" (UniqueName: "), quoted, tag(") on node "), quoted).parse(msg).ok()?;
        return Some(EventKind::NodeOfPod { pod: uid_pod(pod_uid_of_volume(unique)?), node: node.to_string() });
    }
    None
}

/// The Pod UID in a pod-scoped plugin's volume name
/// (`kubernetes.io/projected/<uid>-<name>`); a CSI handle or PVC UUID is not one.
fn pod_uid_of_volume(unique: &str) -> Option<&str> {
    let rest = unique.strip_prefix("kubernetes.io/")?;
    let (plugin, rest) = rest.split_once('/')?;
    if !matches!(plugin, "secret" | "projected" | "configmap" | "empty-dir" | "downward-api") {
        return None;
    }
    let uid = rest.get(..36)?;
    let dashes_at = |i: usize| matches!(i, 8 | 13 | 18 | 23);
    let shaped =
        uid.bytes().enumerate().all(|(i, b)| if dashes_at(i) { b == b'-' } else { b.is_ascii_digit() || (b'a'..=b'f').contains(&b) });
    (shaped && rest[36..].starts_with('-')).then_some(uid)
}

/// How kubelet names a Pod UID inside a volume message.
const UID_MENTION: &str = "(UID: \"";

/// The UID of the first of `mentions` (positions of [`UID_MENTION`] in
/// `text`, in the order to try) whose closing quote is followed by `suffix`,
/// with the text after that suffix.
fn uid_followed_by<'a, 'm>(
    text: &'a str,
    mut mentions: impl Iterator<Item = (usize, &'m str)>,
    suffix: &str,
) -> Option<(&'a str, &'a str)> {
    mentions.find_map(|(i, _)| {
        let v = &text[i + UID_MENTION.len()..];
        let close = v.find('"')?;
        v[close..].strip_prefix(suffix).map(|after| (&v[..close], after))
    })
}

fn uid_pod(uid: &str) -> PodRef {
    PodRef { uid: Some(uid.to_string()), ..PodRef::default() }
}

/// `name_namespace(uid)` as printed by `format.Pod` (≤1.20).
fn old_pod(s: &str) -> PodRef {
    static P: LazyLock<Regex> = LazyLock::new(|| re(r"^(.+)_([^_()]+)\(([0-9a-f-]+)\)"));
    match P.captures(s) {
        Some(c) => PodRef { namespace: Some(c[2].to_string()), name: Some(c[1].to_string()), uid: Some(c[3].to_string()) },
        None => PodRef::default(),
    }
}

fn unstructured(msg: &str) -> Vec<EventKind> {
    if let Some(e) = volume_message(msg) {
        return vec![e];
    }
    // The remaining wordings all start with one of these words.
    let first = msg.split(' ').next().unwrap_or("");
    if !matches!(first, "Destroyed" | "SyncLoop" | "Killing" | "Container" | "Running" | "preStop" | "eviction") {
        return vec![];
    }
    if let Some(c) = DESTROYED.captures(msg) {
        let path = &c[1];
        if let (Some(uid), Some(container)) = (uid_in_cgroup(path), container_in_cgroup(path)) {
            return vec![EventKind::ContainerOfPod { pod: uid_pod(&uid), container: Some(container), name: None }];
        }
        return vec![];
    }
    if let Some(c) = OLD_SYNCLOOP.captures(msg) {
        let pods: Vec<PodRef> = c[2].split(", ").map(|p| old_pod(p.split(':').next().unwrap_or(p))).filter(|p| !p.is_empty()).collect();
        return pods
            .into_iter()
            .filter_map(|pod| match &c[1] {
                "DELETE" => Some(EventKind::DeleteSeen { pod }),
                "REMOVE" => Some(EventKind::Removed { pod }),
                "ADD" => Some(EventKind::PodAdded { pod }),
                _ => None,
            })
            .collect();
    }
    let id_only = |id: &str| (PodRef::default(), Some(id.to_string()));
    for (pattern, is_override) in [(&*OLD_KILL_OVERRIDE, true), (&*OLD_KILL, false)] {
        if let Some(c) = pattern.captures(msg) {
            let (pod, container) = id_only(&c[1]);
            let grace_s = c[2].parse().unwrap_or(0);
            return vec![EventKind::KillRequested { pod, container, name: None, grace_s, is_override, modern: Some(false) }];
        }
    }
    if let Some(c) = OLD_EXITED.captures(msg) {
        let (pod, container) = id_only(&c[1]);
        return vec![EventKind::KubeletStopReturned { pod, container, name: None }];
    }
    if let Some(c) = OLD_PRESTOP_RUN.captures(msg) {
        let (pod, container) = id_only(&c[1]);
        return vec![EventKind::PreStopStarted { pod, container, name: None }];
    }
    if let Some(c) = OLD_PRESTOP_DONE.captures(msg) {
        let (pod, container) = id_only(&c[1]);
        return vec![EventKind::PreStopFinished { pod, container, name: None }];
    }
    if let Some(c) = OLD_PRESTOP_TIMEOUT.captures(msg) {
        let (pod, container) = id_only(&c[1]);
        return vec![EventKind::PreStopTimedOut { pod, container, name: None, grace_s: c[2].parse().ok() }];
    }
    if let Some(c) = OLD_PRESTOP_FAILED.captures(msg) {
        return vec![EventKind::PreStopFailed {
            pod: PodRef::default(),
            container: None,
            name: Some(c[1].to_string()),
            message: c[2].to_string(),
        }];
    }
    if let Some(c) = OLD_EVICTED.captures(msg) {
        return vec![EventKind::KubeletStop { pod: old_pod(&c[1]), cause: StopCause::NodePressure }];
    }
    vec![]
}

#[cfg(test)]
mod tests {
    use super::super::klog;
    use super::*;

    fn events(line: &str) -> Vec<EventKind> {
        parse(&klog::parse(line).expect("klog header"))
    }

    #[test]
    fn unmount_started_takes_volume_and_last_uid() {
        // fixtures/real/08 (kubelet 1.28, CSI volume).
        let e = events(
            r#"I1223 17:18:22.555027   17565 reconciler_common.go:172] "operationExecutor.UnmountVolume started for volume \"plex-config-lib-vol\" (UniqueName: \"kubernetes.io/csi/cstor.csi.openebs.io^pvc-fc6ec633-d0e1-420c-b64b-cfefe3a425bd\") pod \"bcdfe2c7-9b1a-41ed-a9dc-0d944af88e5e\" (UID: \"bcdfe2c7-9b1a-41ed-a9dc-0d944af88e5e\") ""#,
        );
        match e.as_slice() {
            [EventKind::VolumeUnmountStarted { pod, volume }] => {
                assert_eq!(volume, "plex-config-lib-vol");
                assert_eq!(pod.uid.as_deref(), Some("bcdfe2c7-9b1a-41ed-a9dc-0d944af88e5e"));
            }
            other => panic!("{other:?}"),
        }
        // No UID: not an unmount this tool can place.
        assert!(events(r#"I1223 17:18:22.555027   17565 reconciler_common.go:172] "operationExecutor.UnmountVolume started for volume \"v\" (UniqueName: \"x\") ""#).is_empty());
    }

    #[test]
    fn kill_lines_1_31_and_1_26() {
        let e = events(
            r#"I0318 10:21:22.519778     246 kuberuntime_container.go:787] "Killing container with a grace period override" pod="pod-e2e-dx5dg/group-0" podUID="8bb7de3e-72f0-4102-adbd-53897040775e" containerName="c" containerID="containerd://62e04a72b1c5bb855056e55b44513a36a9f338baa5ee997b5ea20858b61fa058" gracePeriod=1"#,
        );
        match &e[0] {
            EventKind::KillRequested { pod, container, grace_s, is_override, modern, .. } => {
                assert_eq!(pod.name.as_deref(), Some("group-0"));
                assert_eq!(pod.uid.as_deref(), Some("8bb7de3e-72f0-4102-adbd-53897040775e"));
                assert!(container.as_deref().unwrap().starts_with("62e04a72"));
                assert_eq!((*grace_s, *is_override, *modern), (1, true, Some(true)));
            }
            other => panic!("{other:?}"),
        }
        let e = events(
            r#"I1012 19:34:45.000152    2480 kuberuntime_container.go:709] "Killing container with a grace period" pod="default/nginx" podUID=27aff94d-e0d9-43d1-84d6-9ab000aa57e2 containerName="nginx" containerID="containerd://4296b9e2377fddb0e7e42d20223c36771268cb7a1828315331405b66f0030add" gracePeriod=30"#,
        );
        assert!(matches!(&e[0], EventKind::KillRequested { modern: Some(false), grace_s: 30, .. }));
    }

    #[test]
    fn pleg_finished_and_died() {
        let e = events(
            r#"I0618 00:01:37.088931  391617 generic.go:358] "Generic (PLEG): container finished" podID="1e53a7ad-acc8-4bb3-b6b4-af1b06bfd435" containerID="c6a5c9ea95e7674f67a4cccab573f533ac148039033b3b845a32607fb305b363" exitCode=0"#,
        );
        assert!(matches!(&e[0], EventKind::ContainerFinished { exit_code: Some(0), .. }));
        let e = events(
            r#"I1012 19:34:45.357018    2480 kubelet.go:2231] "SyncLoop (PLEG): event for pod" pod="default/nginx" event=&{ID:27aff94d-e0d9-43d1-84d6-9ab000aa57e2 Type:ContainerDied Data:4296b9e2}"#,
        );
        assert!(matches!(&e[0], EventKind::ContainerDied { id, .. } if id == "4296b9e2"));
    }

    #[test]
    fn volume_lines() {
        let e = events(
            r#"I0618 00:01:36.685055  391617 operation_generator.go:780] UnmountVolume.TearDown succeeded for volume "kubernetes.io/projected/1e53a7ad-acc8-4bb3-b6b4-af1b06bfd435-kube-api-access-4rpzn" (OuterVolumeSpecName: "kube-api-access-4rpzn") pod "1e53a7ad-acc8-4bb3-b6b4-af1b06bfd435" (UID: "1e53a7ad-acc8-4bb3-b6b4-af1b06bfd435"). InnerVolumeSpecName "kube-api-access-4rpzn". PluginName "kubernetes.io/projected", VolumeGIDValue """#,
        );
        assert!(matches!(&e[0], EventKind::VolumeUnmounted { volume, .. } if volume == "kube-api-access-4rpzn"));
        let e = events(
            r#"E1223 17:18:22.558786   17565 nestedpendingoperations.go:348] Operation for "{volumeName:kubernetes.io/csi/cstor.csi.openebs.io^pvc-fc6ec633-d0e1-420c-b64b-cfefe3a425bd podName:bcdfe2c7-9b1a-41ed-a9dc-0d944af88e5e nodeName:}" failed. No retries permitted until 2023-12-23 17:20:24.558747541 -0700 MST m=+8817894.563114988 (durationBeforeRetry 2m2s). Error: UnmountVolume.TearDown failed for volume "plex-config-lib-vol" (UniqueName: "kubernetes.io/csi/cstor.csi.openebs.io^pvc-fc6ec633-d0e1-420c-b64b-cfefe3a425bd") pod "bcdfe2c7-9b1a-41ed-a9dc-0d944af88e5e" (UID: "bcdfe2c7-9b1a-41ed-a9dc-0d944af88e5e") : kubernetes.io/csi: Unmounter.TearDownAt failed to clean mount dir"#,
        );
        assert!(
            matches!(&e[0], EventKind::VolumeUnmountFailed { volume, pod, .. } if volume == "plex-config-lib-vol" && pod.uid.as_deref() == Some("bcdfe2c7-9b1a-41ed-a9dc-0d944af88e5e"))
        );
    }

    #[test]
    fn status_patch_terminated() {
        let line = r#"I0318 10:22:16.781294     246 status_manager.go:872] "Patch status for pod" pod="pod-e2e-dx5dg/group-0" podUID="8bb7de3e-72f0-4102-adbd-53897040775e" patch="{\"metadata\":{\"uid\":\"8bb7de3e-72f0-4102-adbd-53897040775e\"},\"status\":{\"containerStatuses\":[{\"containerID\":\"containerd://62e0\",\"name\":\"c\",\"state\":{\"terminated\":{\"containerID\":\"containerd://62e0\",\"exitCode\":2,\"finishedAt\":\"2025-03-18T10:21:22Z\",\"reason\":\"Error\",\"startedAt\":\"2025-03-18T10:21:21Z\"}}}],\"phase\":\"Failed\"}}""#;
        let e = events(line);
        let t = e.iter().find_map(|e| match e {
            EventKind::StatusTerminated { state, .. } => Some(state.clone()),
            _ => None,
        });
        let t = t.unwrap();
        assert_eq!(t.exit_code, Some(2));
        assert_eq!(t.container_id.as_deref(), Some("62e0"));
        assert_eq!(t.reason.as_deref(), Some("Error"));
    }

    #[test]
    fn probe_restart_message() {
        let e = events(
            r#"I0516 18:34:49.885576    4052 kuberuntime_manager.go:1027] "Message for Container of pod" containerName="liveness" containerStatusID={"Type":"containerd","ID":"05657a9c"} pod="default/liveness-exec" containerMessage="Container liveness failed liveness probe, will be restarted""#,
        );
        assert!(matches!(&e[0], EventKind::ProbeRestart { container: Some(c), probe, .. } if c == "05657a9c" && probe == "liveness"));
    }

    #[test]
    fn old_wordings() {
        let e = events(
            r#"I0615 00:03:53.000000    1234 kubelet.go:1915] SyncLoop (DELETE, "api"): "nginx_default(5da5612b-9738-493c-af51-a213072997f6)""#,
        );
        assert!(matches!(&e[0], EventKind::DeleteSeen { pod } if pod.name.as_deref() == Some("nginx")));
        let e = events(
            r#"I0615 00:03:53.000000    1234 kuberuntime_container.go:635] Killing container "containerd://abc123" with a 30 second grace period"#,
        );
        assert!(matches!(&e[0], EventKind::KillRequested { grace_s: 30, .. }));
    }

    #[test]
    fn cgroup_paths() {
        let p =
            "/kubepods/besteffort/podde8d5097-67d1-4cfa-8648-2a2e1c050c3f/72d440531d468f757ce628deac966828b405df842b0a84f4e737d1d464cdd4ab";
        assert_eq!(uid_in_cgroup(p).as_deref(), Some("de8d5097-67d1-4cfa-8648-2a2e1c050c3f"));
        assert!(container_in_cgroup(p).unwrap().starts_with("72d44053"));
        let s = "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-poda5d8fdd1_1369_469e_8a7d_2c1047529435.slice/cri-containerd-9192cb33411ff69d015a3577db136757f5b145064a1703efea3d0e12e8a64987.scope";
        assert_eq!(uid_in_cgroup(s).as_deref(), Some("a5d8fdd1-1369-469e-8a7d-2c1047529435"));
        assert!(container_in_cgroup(s).unwrap().starts_with("9192cb33"));
    }
}
