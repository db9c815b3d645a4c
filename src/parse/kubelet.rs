//! kubelet messages (klog text, 1.19–1.34) → events.
//!
//! The catalogue below is the documentation: each row is a message the
//! kubelet prints, the versions that print it (see LOG-FORMATS §1.4) and
//! the handler that turns it into events. Structured messages match the
//! unquoted message exactly; older unstructured wordings match a pattern.

mod status;

pub use status::{statuses_from_json, terminated_states};

use super::klog::{pleg_event, pod_list, KlogLine};
use super::words::{find_short, quoted};
use super::Facts;
use crate::event::{EventKind, PodRef, StopCause};
use memchr::memmem::Finder;
use nom::bytes::complete::tag;
use nom::Parser;
use regex::Regex;
use serde_json::Value;
use std::borrow::Cow;
use std::sync::LazyLock;

/// How a catalogue entry turns its line into facts.
#[derive(Clone, Copy)]
enum Handler {
    /// States the facts with text borrowed from the line (the messages
    /// every Pod stop prints).
    Borrowed(fn(&KlogLine, &mut Facts)),
    /// Builds the facts with text of their own (rare messages).
    Owned(fn(&KlogLine) -> Vec<EventKind>),
}

use Handler::{Borrowed, Owned};

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
    Entry { msg: "SyncLoop ADD", versions: "1.21+ V2", handler: Borrowed(sync_add) },
    Entry { msg: "SyncLoop DELETE", versions: "1.21+ V2", handler: Borrowed(sync_delete) },
    Entry { msg: "SyncLoop REMOVE", versions: "1.21+ V2", handler: Borrowed(sync_remove) },
    Entry { msg: "Pod fully terminated and removed from etcd", versions: "1.21+ V3", handler: Borrowed(sync_remove) },
    Entry {
        msg: "Killing container with a grace period override",
        versions: "1.21+ V3 (1.21: also the V2 line)",
        handler: Borrowed(kill_override),
    },
    Entry { msg: "Killing container with a grace period", versions: "1.22+ V2", handler: Borrowed(kill_plain) },
    Entry { msg: "Running preStop hook", versions: "1.21+ V3", handler: Borrowed(prestop_started) },
    Entry { msg: "PreStop hook completed", versions: "1.21+ V3", handler: Borrowed(prestop_finished) },
    Entry { msg: "PreStop hook failed", versions: "1.21+ E", handler: Borrowed(prestop_failed) },
    Entry { msg: "PreStop hook not completed in grace period", versions: "1.21+ V2", handler: Borrowed(prestop_timeout) },
    Entry { msg: "Container exited normally", versions: "1.21+ V3", handler: Borrowed(stop_returned) },
    Entry { msg: "Generic (PLEG): container finished", versions: "1.22+ V2", handler: Borrowed(pleg_finished) },
    Entry { msg: "SyncLoop (PLEG): event for pod", versions: "1.21+ V2", handler: Borrowed(pleg_event_line) },
    Entry { msg: "Probe failed", versions: "1.21+ V1", handler: Owned(probe_failed) },
    Entry { msg: "Message for Container of pod", versions: "1.21+ V2", handler: Owned(container_message) },
    Entry { msg: "Event occurred", versions: "V3", handler: Borrowed(event_occurred) },
    Entry { msg: "Patch status for pod", versions: "1.21+ V3", handler: Borrowed(patch_status) },
    Entry { msg: "Status for pod updated successfully", versions: "1.28+ V3 (JSON status)", handler: Borrowed(status_updated) },
    Entry { msg: "All volumes are unmounted for pod", versions: "1.22+ V3", handler: Borrowed(all_volumes_unmounted) },
    Entry { msg: "Evicting pod", versions: "1.23+ V3", handler: Borrowed(evicting) },
    Entry { msg: "Eviction manager: pod is evicted successfully", versions: "1.23+", handler: Borrowed(evicting) },
    Entry { msg: "Shutdown manager killing pod with gracePeriod", versions: "1.23+ V1", handler: Borrowed(shutdown_kill) },
    Entry { msg: "Preempting pod to free up resources", versions: "1.23+", handler: Borrowed(preempting) },
    Entry { msg: "Container termination failed with gracePeriod", versions: "1.21+ E", handler: Borrowed(identity_only) },
    Entry { msg: "Kill container failed", versions: "1.21+ E", handler: Borrowed(identity_only) },
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

/// States the facts of one kubelet klog line (none when irrelevant).
pub fn parse(line: &KlogLine, out: &mut Facts) {
    if line.structured {
        let msg = line.msg.as_ref();
        if let Some(e) = STRUCTURED.iter().find(|e| e.msg == msg) {
            match e.handler {
                Borrowed(h) => h(line, out),
                Owned(h) => out.extend_owned(h(line)),
            }
            return;
        }
        // Volume messages are quoted sentences with details inside.
        volume_message(msg, out);
        return;
    }
    unstructured(line.msg.as_ref(), out);
}

// ---------- helpers ----------

/// A Pod reference whose text is the line's where it can be.
type Pod<'a> = PodRef<Cow<'a, str>>;

/// The Pod a structured line names (`pod="ns/name"`, `podUID=…`).
fn pod_of<'a>(l: &KlogLine<'a>) -> Pod<'a> {
    let mut p = l.get("pod").map(ns_name).unwrap_or_default();
    if p.name.is_none() {
        if let Some(obj) = l.get("pod").filter(|v| v.starts_with('{')) {
            // JSON-rendered KObj: {"name":"x","namespace":"y"}
            if let Ok(v) = serde_json::from_str::<Value>(&obj) {
                p.name = v.get("name").and_then(Value::as_str).map(|s| Cow::Owned(s.to_string()));
                p.namespace = v.get("namespace").and_then(Value::as_str).map(|s| Cow::Owned(s.to_string()));
            }
        }
    }
    p.with_uid(l.get("podUID").or_else(|| l.get("podID")))
}

/// The owned form of [`pod_of`], for the rare messages.
fn pod_of_owned(l: &KlogLine) -> PodRef {
    pod_of(l).map_text(&mut Cow::into_owned)
}

/// A `namespace/name` reference, borrowed when the text is.
fn ns_name(text: Cow<'_, str>) -> Pod<'_> {
    match text {
        Cow::Borrowed(s) => PodRef::of_ns_name(s).map_text(&mut Cow::Borrowed),
        Cow::Owned(s) => PodRef::from_ns_name(&s).map_text(&mut Cow::Owned),
    }
}

/// A runtime container ID without its `containerd://` scheme.
pub fn strip_scheme(id: &str) -> String {
    without_scheme(id).to_string()
}

/// A runtime container ID without its `containerd://` scheme, borrowed.
pub fn without_scheme(id: &str) -> &str {
    match find_short(id.as_bytes(), b"://") {
        // The separator is ASCII: the text after it starts a character.
        Some(at) => &id[at + 3..],
        None => id,
    }
}

/// A container ID from `containerd://x`, `{"Type":"containerd","ID":"x"}` or `&{Type:containerd ID:x}`.
fn container_id_value(v: Cow<'_, str>) -> Option<Cow<'_, str>> {
    if v.starts_with('{') {
        let j: Value = serde_json::from_str(&v).ok()?;
        return j.get("ID").and_then(Value::as_str).map(|s| Cow::Owned(s.to_string()));
    }
    if let Some(inner) = v.strip_prefix("&{") {
        return inner.split(' ').find_map(|p| p.strip_prefix("ID:")).map(|s| Cow::Owned(s.trim_end_matches('}').to_string()));
    }
    if v.is_empty() {
        return None;
    }
    Some(match v {
        Cow::Borrowed(s) => Cow::Borrowed(without_scheme(s)),
        Cow::Owned(s) => Cow::Owned(strip_scheme(&s)),
    })
}

fn cid<'a>(l: &KlogLine<'a>) -> Option<Cow<'a, str>> {
    l.get("containerID").and_then(container_id_value)
}

fn cname<'a>(l: &KlogLine<'a>) -> Option<Cow<'a, str>> {
    l.get("containerName")
}

/// True for Kubernetes ≥ 1.28 renderings (klog ≥ v2.100 quotes `types.UID`).
fn modern_shape(l: &KlogLine) -> Option<bool> {
    let has = |phrase: &[u8]| find_short(l.rest.as_bytes(), phrase).is_some();
    if has(b" podUID=\"") {
        Some(true)
    } else if has(b" podUID=") {
        Some(false)
    } else {
        None
    }
}

// ---------- structured handlers ----------

/// The Pods of a `pods=[…]` list, each as `fact` states it.
fn pods_of_list(l: &KlogLine, out: &mut Facts, fact: fn(PodRef<&str>) -> EventKind<&str>) -> usize {
    let Some(v) = l.get("pods") else { return 0 };
    let pods = pod_list(&v);
    for s in &pods {
        out.add(fact(PodRef::of_ns_name(s)));
    }
    pods.len()
}

fn sync_add(l: &KlogLine, out: &mut Facts) {
    pods_of_list(l, out, |pod| EventKind::PodAdded { pod });
}

fn sync_delete(l: &KlogLine, out: &mut Facts) {
    pods_of_list(l, out, |pod| EventKind::DeleteSeen { pod });
}

fn sync_remove(l: &KlogLine, out: &mut Facts) {
    if pods_of_list(l, out, |pod| EventKind::Removed { pod }) == 0 {
        let p = pod_of(l);
        if !p.is_empty() {
            out.add(EventKind::Removed { pod: p.as_text() });
        }
    }
}

fn kill(l: &KlogLine, is_override: bool, out: &mut Facts) {
    let Some(grace_s) = l.get("gracePeriod").and_then(|g| g.parse::<i64>().ok()) else {
        return;
    };
    let (pod, container, name) = (pod_of(l), cid(l), cname(l));
    out.add(EventKind::KillRequested {
        pod: pod.as_text(),
        container: container.as_deref(),
        name: name.as_deref(),
        grace_s,
        is_override,
        modern: modern_shape(l),
    });
}

fn kill_override(l: &KlogLine, out: &mut Facts) {
    kill(l, true, out);
}

fn kill_plain(l: &KlogLine, out: &mut Facts) {
    kill(l, false, out);
}

/// The Pod, container ID and container name a container-level line names.
fn pod_container<'a>(l: &KlogLine<'a>) -> (Pod<'a>, Option<Cow<'a, str>>, Option<Cow<'a, str>>) {
    (pod_of(l), cid(l), cname(l))
}

fn prestop_started(l: &KlogLine, out: &mut Facts) {
    let (pod, c, n) = pod_container(l);
    out.add(EventKind::PreStopStarted { pod: pod.as_text(), container: c.as_deref(), name: n.as_deref() });
}

fn prestop_finished(l: &KlogLine, out: &mut Facts) {
    let (pod, c, n) = pod_container(l);
    out.add(EventKind::PreStopFinished { pod: pod.as_text(), container: c.as_deref(), name: n.as_deref() });
}

fn prestop_failed(l: &KlogLine, out: &mut Facts) {
    let message = l.get("err").unwrap_or_default();
    let (pod, c, n) = pod_container(l);
    out.add(EventKind::PreStopFailed { pod: pod.as_text(), container: c.as_deref(), name: n.as_deref(), message: &message });
}

fn prestop_timeout(l: &KlogLine, out: &mut Facts) {
    let grace_s = l.get("gracePeriod").and_then(|g| g.parse().ok());
    let (pod, c, n) = pod_container(l);
    out.add(EventKind::PreStopTimedOut { pod: pod.as_text(), container: c.as_deref(), name: n.as_deref(), grace_s });
}

fn stop_returned(l: &KlogLine, out: &mut Facts) {
    let (pod, c, n) = pod_container(l);
    out.add(EventKind::KubeletStopReturned { pod: pod.as_text(), container: c.as_deref(), name: n.as_deref() });
}

fn pleg_finished(l: &KlogLine, out: &mut Facts) {
    let Some(container) = cid(l) else { return };
    let exit_code = l.get("exitCode").and_then(|c| c.parse().ok());
    out.add(EventKind::ContainerFinished { pod: pod_of(l).as_text(), container: &container, exit_code });
}

fn pleg_event_line(l: &KlogLine, out: &mut Facts) {
    let Some(event) = l.get("event") else { return };
    let Some((uid, ty, data)) = pleg_event(&event) else { return };
    let pod = pod_of(l);
    let pod = pod.as_text().with_uid(Some(uid.as_ref()));
    match ty.as_ref() {
        "ContainerDied" => out.add(EventKind::ContainerDied { pod, id: &data }),
        "ContainerStarted" => out.add(EventKind::ContainerOfPod { pod, container: Some(&data), name: None }),
        _ => {}
    }
}

fn probe_failed(l: &KlogLine) -> Vec<EventKind> {
    let probe = l.get("probeType").map(|p| p.to_lowercase()).unwrap_or_default();
    vec![EventKind::ProbeFailed { pod: pod_of_owned(l), name: cname(l).map(Cow::into_owned), probe }]
}

fn container_message(l: &KlogLine) -> Vec<EventKind> {
    let msg = l.get("containerMessage").unwrap_or_default();
    let Some(probe) = probe_restart_kind(&msg) else { return vec![] };
    let container = l.get("containerStatusID").and_then(container_id_value).map(Cow::into_owned);
    vec![EventKind::ProbeRestart { pod: pod_of_owned(l), container, name: cname(l).map(Cow::into_owned), probe }]
}

/// `Container c failed liveness probe, will be restarted` → `liveness`.
fn probe_restart_kind(msg: &str) -> Option<String> {
    if !msg.contains("will be restarted") {
        return None;
    }
    ["liveness", "startup"].iter().find(|p| msg.contains(&format!("failed {p} probe"))).map(|p| p.to_string())
}

fn event_occurred(l: &KlogLine, out: &mut Facts) {
    // Only these reasons say something about a stop; most events are others.
    let reason = l.get("reason").unwrap_or_default();
    if !matches!(reason.as_ref(), "Killing" | "FailedPreStopHook" | "Evicted" | "Preempting") {
        return;
    }
    let pod = l.get("object").map(|o| PodRef::from_ns_name(&o)).unwrap_or_default();
    let message = l.get("message").map(|m| m.into_owned()).unwrap_or_default();
    let name = l.get("fieldPath").and_then(|f| f.strip_prefix("spec.containers{").map(|s| s.trim_end_matches('}').to_string()));
    match reason.as_ref() {
        "Killing" => {
            if let Some(probe) = probe_restart_kind(&message) {
                let name = name.or_else(|| message.strip_prefix("Container ").and_then(|m| m.split(' ').next()).map(str::to_string));
                out.add_owned(EventKind::ProbeRestart { pod, container: None, name, probe });
            }
        }
        "FailedPreStopHook" => out.add_owned(EventKind::PreStopFailed { pod, container: None, name, message }),
        "Evicted" => out.add_owned(EventKind::KubeletStop { pod, cause: StopCause::NodePressure }),
        "Preempting" => out.add_owned(EventKind::KubeletStop { pod, cause: StopCause::Preemption }),
        _ => {}
    }
}

fn patch_status(l: &KlogLine, out: &mut Facts) {
    let pod = pod_of(l);
    if let Some(patch) = l.get("patch") {
        statuses_from_json(&patch, pod.as_text(), true, out);
        return;
    }
    if let Some(bytes) = l.get("patchBytes") {
        // 1.21: the JSON patch printed as a list of decimal byte values.
        let raw: Vec<u8> = bytes.trim_matches(|c| c == '[' || c == ']').split(' ').filter_map(|b| b.parse::<u8>().ok()).collect();
        statuses_from_json(&String::from_utf8_lossy(&raw), pod.as_text(), true, out);
    }
}

fn status_updated(l: &KlogLine, out: &mut Facts) {
    if let Some(s) = l.get("status").filter(|s| s.starts_with("{\"")) {
        statuses_from_json(&s, pod_of(l).as_text(), false, out);
    }
}

fn all_volumes_unmounted(l: &KlogLine, out: &mut Facts) {
    out.add(EventKind::AllVolumesUnmounted { pod: pod_of(l).as_text() });
}

fn evicting(l: &KlogLine, out: &mut Facts) {
    out.add(EventKind::KubeletStop { pod: pod_of(l).as_text(), cause: StopCause::NodePressure });
}

fn shutdown_kill(l: &KlogLine, out: &mut Facts) {
    out.add(EventKind::KubeletStop { pod: pod_of(l).as_text(), cause: StopCause::NodeShutdown });
}

fn preempting(l: &KlogLine, out: &mut Facts) {
    out.add(EventKind::KubeletStop { pod: pod_of(l).as_text(), cause: StopCause::Preemption });
}

fn identity_only(l: &KlogLine, out: &mut Facts) {
    let (pod, c, n) = pod_container(l);
    out.add(EventKind::ContainerOfPod { pod: pod.as_text(), container: c.as_deref(), name: n.as_deref() });
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

/// States the fact of a volume message; false when `msg` is not one.
fn volume_message(msg: &str, out: &mut Facts) -> bool {
    match volume_fact(msg) {
        Some(fact) => {
            out.add(fact);
            true
        }
        None => false,
    }
}

fn volume_fact(msg: &str) -> Option<EventKind<&str>> {
    // Literal looks first: most messages are about something else, and each
    // wording is told apart by a fixed phrase before any regex runs. Both
    // phrases found anywhere in a message start with `UnmountVolume`: one
    // search finds the first of each.
    static UNMOUNT_VOLUME: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("UnmountVolume"));
    let mut teardown_failed = None;
    for at in UNMOUNT_VOLUME.find_iter(msg.as_bytes()) {
        // `UnmountVolume` is ASCII: its end is a character boundary.
        let rest = &msg[at + UNMOUNT_VOLUME.needle().len()..];
        if let Some(after) = rest.strip_prefix(" started for volume ") {
            // `… for volume "<name>" (UniqueName: …) pod "…" (UID: "<uid>")`: the last UID mention.
            let (rest, volume) = quoted(after).ok()?;
            let rest = rest.strip_prefix(' ')?;
            // From the end, by its `(` (a vector search; `memmem` searches
            // backwards a byte at a time). The mention starts with its only
            // `(`, so no two overlap: these are the positions `rfind_iter` gives.
            let mentions =
                memchr::memrchr_iter(b'(', rest.as_bytes()).filter(|&i| rest.as_bytes()[i..].starts_with(UID_MENTION.as_bytes()));
            let (uid, _) = uid_followed_by(rest, mentions, "\")")?;
            return Some(EventKind::VolumeUnmountStarted { pod: uid_pod(uid), volume });
        }
        if teardown_failed.is_none() {
            teardown_failed = rest.strip_prefix(".TearDown failed for volume ");
        }
    }
    if let Some(after) = teardown_failed {
        // `… for volume "<name>" (UniqueName: …) pod "…" (UID: "<uid>") : <error>`: the first UID mention.
        let (rest, volume) = quoted(after).ok()?;
        let rest = rest.strip_prefix(' ')?;
        static FIRST_UID: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(UID_MENTION));
        let (uid, error) = uid_followed_by(rest, FIRST_UID.find_iter(rest.as_bytes()), "\") : ")?;
        return Some(EventKind::VolumeUnmountFailed { pod: uid_pod(uid), volume, error });
    }
    if msg.starts_with("operationExecutor.UnmountVolume failed") {
        let c = UNMOUNT_FAILED.captures(msg)?;
        let (volume, uid) = (c.get(1)?.as_str(), c.get(2)?.as_str());
        return Some(EventKind::VolumeUnmountFailed { pod: uid_pod(uid), volume, error: "" });
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
        return Some(EventKind::VolumeUnmounted { pod: uid_pod(uid), volume });
    }
    if msg.starts_with("Volume detached") {
        let (_, (_, _, _, unique, _, node)) =
            (tag("Volume detached for volume "), quoted, tag(" (UniqueName: "), quoted, tag(") on node "), quoted).parse(msg).ok()?;
        return Some(EventKind::NodeOfPod { pod: uid_pod(pod_uid_of_volume(unique)?), node });
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
fn uid_followed_by<'a>(text: &'a str, mut mentions: impl Iterator<Item = usize>, suffix: &str) -> Option<(&'a str, &'a str)> {
    mentions.find_map(|i| {
        // The mention is ASCII: its end is a character boundary.
        let v = text.get(i + UID_MENTION.len()..)?;
        let close = memchr::memchr(b'"', v.as_bytes())?;
        v[close..].strip_prefix(suffix).map(|after| (&v[..close], after))
    })
}

fn uid_pod<S>(uid: S) -> PodRef<S> {
    PodRef { uid: Some(uid), namespace: None, name: None }
}

/// `name_namespace(uid)` as printed by `format.Pod` (≤1.20).
fn old_pod(s: &str) -> PodRef {
    static P: LazyLock<Regex> = LazyLock::new(|| re(r"^(.+)_([^_()]+)\(([0-9a-f-]+)\)"));
    match P.captures(s) {
        Some(c) => PodRef { namespace: Some(c[2].to_string()), name: Some(c[1].to_string()), uid: Some(c[3].to_string()) },
        None => PodRef::default(),
    }
}

/// States the facts of an unstructured (≤1.20 or sentence-shaped) message.
fn unstructured(msg: &str, out: &mut Facts) {
    if !volume_message(msg, out) {
        out.extend_owned(old_wordings(msg));
    }
}

/// The facts of the ≤1.20 wordings.
fn old_wordings(msg: &str) -> Vec<EventKind> {
    // The remaining wordings all start with one of these words.
    let first = msg.split(' ').next().unwrap_or("");
    if !matches!(first, "Destroyed" | "SyncLoop" | "Killing" | "Container" | "Running" | "preStop" | "eviction") {
        return vec![];
    }
    if let Some(c) = DESTROYED.captures(msg) {
        let path = &c[1];
        if let (Some(uid), Some(container)) = (uid_in_cgroup(path), container_in_cgroup(path)) {
            return vec![EventKind::ContainerOfPod { pod: uid_pod(uid), container: Some(container), name: None }];
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
        let l = klog::parse(line).expect("klog header");
        super::super::collect_facts(|out| parse(&l, out))
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
