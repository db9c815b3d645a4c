//! Kubernetes API objects as kubectl prints them → events.
//!
//! `kubectl get pod -o json` (a Pod or a `List`), `kubectl get … -w -o json`
//! (concatenated objects, optionally `{"type":…,"object":…}` watch events),
//! `kubectl get events -o json` (core/v1 and events.k8s.io/v1) and
//! `kubectl get endpointslices -o json`. Field names follow the API types
//! exactly (LOG-FORMATS §6). API audit events are handed to
//! [`super::audit_log`].

use super::kubelet::{strip_scheme, terminated_states};
use crate::event::{DeleteReason, EventKind, PodRef, StopCause};
use crate::time::{parse_rfc3339_prefix, Stamp};
use chrono::Duration;
use serde_json::Value;
use std::collections::HashMap;

/// A fact with the time the API object gives it (`None`: the object has none).
pub type Timed = (Option<Stamp>, EventKind);

/// An endpoint's `(ready, serving, terminating)`.
type Conditions = (bool, Option<bool>, Option<bool>);
/// The entries of one EndpointSlice version, by Pod UID (or name).
type SliceEntries = HashMap<String, (PodRef, Conditions)>;

/// What one input's API objects have shown so far: each EndpointSlice's
/// entries, so a later version can tell which endpoints changed or left.
#[derive(Debug, Default)]
pub struct ApiState {
    slices: HashMap<String, SliceEntries>,
    /// Objects that carried no time (watch streams): their facts give order only.
    pub untimed: usize,
}

/// Parses one API object (or list / watch event) into facts.
pub fn parse_object(v: &Value, st: &mut ApiState) -> Vec<Timed> {
    let mut out = Vec::new();
    walk(v, st, &mut out);
    out
}

fn walk(v: &Value, st: &mut ApiState, out: &mut Vec<Timed>) {
    if let (Some(obj), Some(ty)) = (v.get("object"), v.get("type").and_then(Value::as_str)) {
        if ty == "DELETED" && kind(obj) == "EndpointSlice" {
            slice_deleted(obj, st, out);
            return;
        }
        walk(obj, st, out);
        return;
    }
    let k = kind(v);
    if k == "List" || k.ends_with("List") {
        for item in v.get("items").and_then(Value::as_array).into_iter().flatten() {
            walk(item, st, out);
        }
        return;
    }
    let api = v.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    match k {
        "Pod" => pod(v, out),
        "Event" if api.starts_with("audit.k8s.io") => out.extend(super::audit_log::parse(v, st)),
        "Event" => event(v, out),
        "EndpointSlice" => {
            let at = managed_time(v).or_else(|| time_field(v.pointer("/metadata/creationTimestamp")));
            if at.is_none() {
                st.untimed += 1;
            }
            endpoint_slice(v, at, st, out);
        }
        _ => {}
    }
}

fn kind(v: &Value) -> &str {
    v.get("kind").and_then(Value::as_str).unwrap_or("")
}

fn s<'a>(v: &'a Value, ptr: &str) -> Option<&'a str> {
    v.pointer(ptr).and_then(Value::as_str)
}

/// An RFC 3339 API time (`metav1.Time`, `MicroTime`).
pub fn time_field(v: Option<&Value>) -> Option<Stamp> {
    let text = v?.as_str()?;
    parse_rfc3339_prefix(text).map(|(st, _)| st).filter(Stamp::is_complete)
}

/// The Pod an object's `metadata` names.
pub(super) fn pod_ref_of(meta_owner: &Value) -> PodRef {
    PodRef {
        namespace: s(meta_owner, "/metadata/namespace").map(str::to_string),
        name: s(meta_owner, "/metadata/name").map(str::to_string),
        uid: s(meta_owner, "/metadata/uid").map(str::to_string),
    }
}

/// The Pod's managing controller, from a Pod object's
/// `metadata.ownerReferences` (the entry with `controller: true`): a fact
/// about the Pod `pod`.
pub fn owner_of(pod_object: &Value, pod: &PodRef) -> Option<EventKind> {
    let owners = pod_object.pointer("/metadata/ownerReferences")?.as_array()?;
    let owner = owners.iter().find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))?;
    let (kind, name) = (owner.get("kind")?.as_str()?, owner.get("name")?.as_str()?);
    (!kind.is_empty() && !name.is_empty()).then(|| EventKind::PodOwner { pod: pod.clone(), kind: kind.to_string(), name: name.to_string() })
}

fn pod(v: &Value, out: &mut Vec<Timed>) {
    let pod = pod_ref_of(v);
    if pod.is_empty() {
        return;
    }
    let created = time_field(v.pointer("/metadata/creationTimestamp"));
    out.push((created, EventKind::ContainerOfPod { pod: pod.clone(), container: None, name: None }));
    if let Some(owner) = owner_of(v, &pod) {
        out.push((created, owner));
    }
    if let Some(node) = s(v, "/spec/nodeName") {
        out.push((created, EventKind::NodeOfPod { pod: pod.clone(), node: node.to_string() }));
    }
    for list in ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"] {
        for cs in v.pointer(&format!("/status/{list}")).and_then(Value::as_array).into_iter().flatten() {
            for kind in terminated_states(cs, &pod) {
                let at = match &kind {
                    EventKind::StatusTerminated { state, .. } => state.finished_at,
                    _ => created,
                };
                out.push((at, kind));
            }
        }
    }
    let disruption = v
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c.get("type").and_then(Value::as_str) == Some("DisruptionTarget")));
    // deletionTimestamp = request time + grace (LOG-FORMATS §6.1).
    if let Some(deadline) = time_field(v.pointer("/metadata/deletionTimestamp")) {
        let grace = v.pointer("/metadata/deletionGracePeriodSeconds").and_then(Value::as_i64);
        let at = deadline.resolve(0, &Default::default()).map(|i| Stamp::from_utc(i.utc - Duration::seconds(grace.unwrap_or(0)), 0));
        // (The kubelet's own stops are no API request: none.)
        let reason = match disruption.and_then(|c| c.get("reason")).and_then(Value::as_str) {
            Some("EvictionByEvictionAPI") | Some("DeletionByTaintManager") => Some(DeleteReason::Eviction),
            Some("PreemptionByScheduler") | Some("PreemptionByKubeScheduler") => Some(DeleteReason::Preemption),
            Some("TerminationByKubelet") => None,
            _ => Some(DeleteReason::Delete),
        };
        match reason {
            None => out.push((at, EventKind::KubeletStop { pod: pod.clone(), cause: StopCause::NodePressure })),
            Some(reason) => {
                out.push((at, EventKind::DeletionRequested { pod: pod.clone(), by: None, user_agent: None, reason, grace_s: grace }))
            }
        }
    } else if s(v, "/status/reason") == Some("Evicted") {
        let at = disruption.and_then(|c| time_field(c.get("lastTransitionTime")));
        out.push((at, EventKind::KubeletStop { pod, cause: StopCause::NodePressure }));
    }
}

/// core/v1 and events.k8s.io/v1 Events about Pods.
fn event(v: &Value, out: &mut Vec<Timed>) {
    let obj = v.get("involvedObject").or_else(|| v.get("regarding"));
    let Some(obj) = obj else { return };
    let reason = v.get("reason").and_then(Value::as_str).unwrap_or("");
    let message = v.get("message").or_else(|| v.get("note")).and_then(Value::as_str).unwrap_or("");
    let at = ["lastTimestamp", "deprecatedLastTimestamp", "eventTime", "firstTimestamp", "deprecatedFirstTimestamp"]
        .iter()
        .find_map(|k| time_field(v.get(*k)))
        .or_else(|| time_field(v.pointer("/metadata/creationTimestamp")));
    let ns = obj.get("namespace").and_then(Value::as_str).map(str::to_string);
    let by = v
        .pointer("/source/component")
        .or_else(|| v.get("reportingController"))
        .or_else(|| v.get("reportingComponent"))
        .and_then(Value::as_str)
        .filter(|x| !x.is_empty())
        .map(str::to_string);
    let obj_kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    if obj_kind != "Pod" {
        // A controller deleting one of its Pods: `SuccessfulDelete` "Deleted pod: web-…".
        if reason == "SuccessfulDelete" {
            if let Some(name) =
                message.strip_prefix("Deleted pod: ").or_else(|| message.strip_prefix("delete Pod ").and_then(|m| m.split(' ').next()))
            {
                let pod = PodRef { namespace: ns, name: Some(name.trim().to_string()), uid: None };
                out.push((at, EventKind::DeletionRequested { pod, by, user_agent: None, reason: DeleteReason::ScaleDown, grace_s: None }));
            }
        }
        return;
    }
    let pod = PodRef {
        namespace: ns,
        name: obj.get("name").and_then(Value::as_str).map(str::to_string),
        uid: obj.get("uid").and_then(Value::as_str).filter(|u| !u.is_empty()).map(str::to_string),
    };
    let container = obj
        .get("fieldPath")
        .and_then(Value::as_str)
        .and_then(|f| f.strip_prefix("spec.containers{").or_else(|| f.strip_prefix("spec.initContainers{")))
        .map(|f| f.trim_end_matches('}').to_string());
    let kind = match reason {
        "Killing" if message.contains("will be restarted") && (message.contains("liveness probe") || message.contains("startup probe")) => {
            let probe = if message.contains("startup probe") { "startup" } else { "liveness" };
            EventKind::ProbeRestart { pod, container: None, name: container, probe: probe.into() }
        }
        "FailedPreStopHook" => EventKind::PreStopFailed { pod, container: None, name: container, message: message.to_string() },
        "Evicted" => EventKind::KubeletStop { pod, cause: StopCause::NodePressure },
        "Preempting" => EventKind::KubeletStop { pod, cause: StopCause::Preemption },
        "Preempted" => EventKind::DeletionRequested { pod, by, user_agent: None, reason: DeleteReason::Preemption, grace_s: None },
        "TaintManagerEviction" if message.starts_with("Marking for deletion") => {
            EventKind::DeletionRequested { pod, by, user_agent: None, reason: DeleteReason::Eviction, grace_s: None }
        }
        _ => EventKind::ContainerOfPod { pod, container: None, name: container },
    };
    out.push((at, kind));
}

/// The time the endpointslice controller (or, failing that, anyone) last wrote the object.
fn managed_time(v: &Value) -> Option<Stamp> {
    let fields = v.pointer("/metadata/managedFields")?.as_array()?;
    let mut best: Option<(bool, Stamp)> = None;
    for f in fields {
        let Some(t) = time_field(f.get("time")) else { continue };
        let controller = f.get("manager").and_then(Value::as_str).is_some_and(|m| m.contains("endpointslice"));
        let later = |b: &Stamp| t.resolve(0, &Default::default()) > b.resolve(0, &Default::default());
        best = match best {
            None => Some((controller, t)),
            Some((bc, b)) if (controller && !bc) || (controller == bc && later(&b)) => Some((controller, t)),
            keep => keep,
        };
    }
    best.map(|(_, t)| t)
}

fn slice_key(v: &Value) -> String {
    format!("{}/{}", s(v, "/metadata/namespace").unwrap_or(""), s(v, "/metadata/name").unwrap_or(""))
}

/// Endpoint conditions of one EndpointSlice version, diffed against the previous one.
pub fn endpoint_slice(v: &Value, at: Option<Stamp>, st: &mut ApiState, out: &mut Vec<Timed>) {
    let key = slice_key(v);
    let mut now: SliceEntries = HashMap::new();
    for ep in v.get("endpoints").and_then(Value::as_array).into_iter().flatten() {
        let Some(tr) = ep.get("targetRef") else { continue };
        if tr.get("kind").and_then(Value::as_str) != Some("Pod") {
            continue;
        }
        let pod = PodRef {
            namespace: tr.get("namespace").and_then(Value::as_str).map(str::to_string),
            name: tr.get("name").and_then(Value::as_str).map(str::to_string),
            uid: tr.get("uid").and_then(Value::as_str).map(str::to_string),
        };
        let c = ep.get("conditions");
        let flag = |k: &str| c.and_then(|c| c.get(k)).and_then(Value::as_bool);
        // API semantics: nil ready ⇒ ready; nil serving ⇒ ready; nil terminating ⇒ false.
        let ready = flag("ready").unwrap_or(true);
        let cond = (ready, flag("serving").or(Some(ready)), flag("terminating").or(Some(false)));
        let id = pod.uid.clone().or_else(|| pod.name.clone()).unwrap_or_default();
        now.insert(id, (pod, cond));
    }
    let before = st.slices.remove(&key).unwrap_or_default();
    for (id, (pod, cond)) in &now {
        if before.get(id).map(|b| b.1) != Some(*cond) {
            out.push((at, EventKind::EndpointChanged { pod: pod.clone(), ready: cond.0, serving: cond.1, terminating: cond.2 }));
        }
    }
    for (id, (pod, _)) in &before {
        if !now.contains_key(id) {
            out.push((at, EventKind::EndpointGone { pod: pod.clone() }));
        }
    }
    st.slices.insert(key, now);
}

/// A deleted EndpointSlice: every entry it had is gone.
pub fn slice_deleted(v: &Value, st: &mut ApiState, out: &mut Vec<Timed>) {
    let at = managed_time(v);
    if let Some(before) = st.slices.remove(&slice_key(v)) {
        for (pod, _) in before.into_values() {
            out.push((at, EventKind::EndpointGone { pod }));
        }
    }
}

/// A runtime container ID from an API `containerID` (`containerd://…`).
pub fn api_container_id(v: &str) -> String {
    strip_scheme(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_deletion_from_deletion_timestamp() {
        let v: Value = serde_json::from_str(
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"term-demo","namespace":"default","uid":"u1","deletionTimestamp":"2026-04-16T11:54:10Z","deletionGracePeriodSeconds":30},"spec":{"nodeName":"kind-control-plane"},"status":{"phase":"Running"}}"#,
        )
        .unwrap();
        let out = parse_object(&v, &mut ApiState::default());
        let (at, k) = out.iter().find(|(_, k)| matches!(k, EventKind::DeletionRequested { .. })).unwrap();
        assert_eq!(at.unwrap().resolve(0, &Default::default()).unwrap().to_string(), "2026-04-16T11:53:40Z");
        assert!(matches!(k, EventKind::DeletionRequested { grace_s: Some(30), reason: DeleteReason::Delete, .. }));
    }

    #[test]
    fn pod_owner_is_the_controller_reference() {
        let pod = |owners: &str| -> Vec<Timed> {
            let v: Value = serde_json::from_str(&format!(
                r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"web-6b7c9d8f5c-k2x9p","namespace":"default","uid":"u1","creationTimestamp":"2026-04-20T09:10:00Z","ownerReferences":{owners}}},"spec":{{"nodeName":"kind-worker"}}}}"#
            ))
            .unwrap();
            parse_object(&v, &mut ApiState::default())
        };
        let owners = |out: &[Timed]| -> Vec<(String, String)> {
            out.iter()
                .filter_map(|(_, k)| match k {
                    EventKind::PodOwner { pod, kind, name } if pod.uid.as_deref() == Some("u1") => Some((kind.clone(), name.clone())),
                    _ => None,
                })
                .collect()
        };
        let rs = r#"{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-6b7c9d8f5c","uid":"r1","controller":true,"blockOwnerDeletion":true}"#;
        let other = r#"{"apiVersion":"v1","kind":"ConfigMap","name":"web-config","uid":"c1"}"#;
        assert_eq!(owners(&pod(&format!("[{other},{rs}]"))), [("ReplicaSet".to_string(), "web-6b7c9d8f5c".to_string())]);
        assert!(owners(&pod(&format!("[{other}]"))).is_empty(), "an owner that is not the controller does not manage the Pod");
        assert!(owners(&pod("[]")).is_empty());
    }

    #[test]
    fn endpoint_slice_versions_are_diffed() {
        let mut st = ApiState::default();
        let mk = |ready: bool, with: bool, t: &str| -> Value {
            let eps = if with {
                format!(
                    r#"[{{"addresses":["10.244.0.5"],"conditions":{{"ready":{ready},"serving":true,"terminating":{}}},"targetRef":{{"kind":"Pod","namespace":"default","name":"term-demo","uid":"u1"}}}}]"#,
                    !ready
                )
            } else {
                "null".into()
            };
            serde_json::from_str(&format!(
                r#"{{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{{"name":"term-demo-abcde","namespace":"default","managedFields":[{{"manager":"kube-controller-manager","time":"{t}"}}]}},"endpoints":{eps}}}"#
            ))
            .unwrap()
        };
        assert!(matches!(
            parse_object(&mk(true, true, "2026-04-16T11:52:40Z"), &mut st)[0].1,
            EventKind::EndpointChanged { ready: true, .. }
        ));
        assert!(matches!(
            parse_object(&mk(false, true, "2026-04-16T11:53:40Z"), &mut st)[0].1,
            EventKind::EndpointChanged { ready: false, terminating: Some(true), .. }
        ));
        let gone = parse_object(&mk(false, false, "2026-04-16T11:53:59Z"), &mut st);
        assert!(matches!(gone[0].1, EventKind::EndpointGone { .. }));
    }

    #[test]
    fn scale_down_event() {
        let v: Value = serde_json::from_str(r#"{"apiVersion":"v1","kind":"Event","involvedObject":{"kind":"ReplicaSet","namespace":"default","name":"web-6b7c9d8f5c"},"reason":"SuccessfulDelete","message":"Deleted pod: web-6b7c9d8f5c-k2x9p","source":{"component":"replicaset-controller"},"lastTimestamp":"2026-04-16T12:00:00Z"}"#).unwrap();
        let out = parse_object(&v, &mut ApiState::default());
        assert!(
            matches!(&out[0].1, EventKind::DeletionRequested { reason: DeleteReason::ScaleDown, pod, .. } if pod.name.as_deref() == Some("web-6b7c9d8f5c-k2x9p"))
        );
    }
}
