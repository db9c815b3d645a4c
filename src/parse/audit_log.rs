//! kube-apiserver audit log (audit.k8s.io/v1 `Event`, one JSON object a
//! line) → who asked for a Pod's deletion, when and why; EndpointSlice
//! updates with their times; the kubelet's final delete (removal).

use super::kube_json::{endpoint_slice, owner_of, pod_ref_of, slice_deleted, time_field, ApiState, Timed};
use crate::event::{DeleteReason, EventKind, PodRef};
use serde_json::Value;

/// Literals that make an audit line worth parsing.
pub const MARKERS: &[&str] = &["\"resource\":\"pods\"", "\"resource\":\"endpointslices\""];

/// Parses one audit `Event` (only its `ResponseComplete` stage counts).
pub fn parse(v: &Value, st: &mut ApiState) -> Vec<Timed> {
    let mut out = Vec::new();
    if v.get("stage").and_then(Value::as_str) != Some("ResponseComplete") {
        return out;
    }
    let code = v.pointer("/responseStatus/code").and_then(Value::as_i64).unwrap_or(200);
    if !(200..300).contains(&code) {
        return out;
    }
    let Some(obj) = v.get("objectRef") else { return out };
    let field = |k: &str| obj.get(k).and_then(Value::as_str);
    let verb = v.get("verb").and_then(Value::as_str).unwrap_or("");
    let user = v.pointer("/user/username").and_then(Value::as_str).map(str::to_string);
    let user_agent = v.get("userAgent").and_then(Value::as_str).map(str::to_string);
    let received = time_field(v.get("requestReceivedTimestamp"));
    let done = time_field(v.get("stageTimestamp")).or(received);
    let req = v.get("requestObject");
    let resp = v.get("responseObject");
    if field("resource") == Some("pods") && field("subresource").is_none() {
        // A Pod in the request or response (level RequestResponse) names its controller.
        if let Some(object) = [resp, req].into_iter().flatten().find(|o| o.get("kind").and_then(Value::as_str) == Some("Pod")) {
            let mut pod = pod_ref_of(object);
            pod.namespace = pod.namespace.or_else(|| field("namespace").map(str::to_string));
            pod.name = pod.name.or_else(|| field("name").map(str::to_string));
            out.extend(owner_of(object, &pod).map(|owner| (done, owner)));
        }
    }

    match (field("resource"), field("subresource"), verb) {
        (Some("pods"), None, "delete") => {
            let pod = PodRef {
                namespace: field("namespace").map(str::to_string),
                name: field("name").map(str::to_string),
                uid: req
                    .and_then(|r| r.pointer("/preconditions/uid"))
                    .or_else(|| obj.get("uid"))
                    .or_else(|| resp.and_then(|r| r.pointer("/metadata/uid")))
                    .and_then(Value::as_str)
                    .map(str::to_string),
            };
            let grace = req
                .and_then(|r| r.get("gracePeriodSeconds"))
                .and_then(Value::as_i64)
                .or_else(|| resp.and_then(|r| r.pointer("/metadata/deletionGracePeriodSeconds")).and_then(Value::as_i64));
            let is_node = user.as_deref().is_some_and(|u| u.starts_with("system:node:"));
            if is_node || grace == Some(0) {
                // The kubelet's final delete (grace 0, UID precondition): the Pod leaves etcd.
                out.push((done, EventKind::Removed { pod: pod.clone() }));
            }
            if !is_node {
                let reason = reason_for(user.as_deref());
                out.push((received, EventKind::DeletionRequested { pod, by: user, user_agent, reason, grace_s: grace }));
            }
        }
        (Some("pods"), Some("eviction"), "create") => {
            let pod = PodRef { namespace: field("namespace").map(str::to_string), name: field("name").map(str::to_string), uid: None };
            let grace = req.and_then(|r| r.pointer("/deleteOptions/gracePeriodSeconds")).and_then(Value::as_i64);
            out.push((
                received,
                EventKind::DeletionRequested { pod, by: user, user_agent, reason: DeleteReason::Eviction, grace_s: grace },
            ));
        }
        (Some("endpointslices"), None, "create" | "update" | "patch") => {
            let slice = [resp, req].into_iter().flatten().find(|o| o.get("kind").and_then(Value::as_str) == Some("EndpointSlice"));
            if let Some(slice) = slice {
                endpoint_slice(slice, done, st, &mut out);
            }
        }
        (Some("endpointslices"), None, "delete") => {
            let stub = serde_json::json!({"metadata": {"namespace": field("namespace"), "name": field("name")}});
            slice_deleted(&stub, st, &mut out);
            for (at, _) in out.iter_mut() {
                *at = done;
            }
        }
        _ => {}
    }
    out
}

/// Why a user or controller deletes a Pod.
fn reason_for(user: Option<&str>) -> DeleteReason {
    let u = user.unwrap_or("");
    const SCALERS: [&str; 6] = [
        "replicaset-controller",
        "statefulset-controller",
        "job-controller",
        "daemon-set-controller",
        "cronjob-controller",
        "deployment-controller",
    ];
    if SCALERS.iter().any(|c| u.ends_with(c)) {
        DeleteReason::ScaleDown
    } else if u == "system:kube-scheduler" {
        DeleteReason::Preemption
    } else if u.ends_with(":node-controller") {
        DeleteReason::Eviction
    } else {
        DeleteReason::Delete
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn audit(verb: &str, user: &str, sub: Option<&str>, extra: &str) -> Value {
        let sub = sub.map(|s| format!(r#","subresource":"{s}""#)).unwrap_or_default();
        serde_json::from_str(&format!(
            r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"a","stage":"ResponseComplete","verb":"{verb}","user":{{"username":"{user}"}},"userAgent":"kubectl/v1.23.4 (linux/amd64) kubernetes/e6c093d","objectRef":{{"resource":"pods","namespace":"default","name":"term-demo"{sub}}},"responseStatus":{{"code":200}},"requestReceivedTimestamp":"2026-04-16T11:53:40.001000Z","stageTimestamp":"2026-04-16T11:53:40.009000Z"{extra}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn user_delete_and_eviction() {
        let out = parse(&audit("delete", "alice", None, ""), &mut ApiState::default());
        assert!(matches!(&out[0].1, EventKind::DeletionRequested { reason: DeleteReason::Delete, by: Some(b), .. } if b == "alice"));
        assert_eq!(out[0].0.unwrap().nanos, 1_000_000);
        let out = parse(&audit("create", "bob", Some("eviction"), ""), &mut ApiState::default());
        assert!(matches!(&out[0].1, EventKind::DeletionRequested { reason: DeleteReason::Eviction, .. }));
    }

    #[test]
    fn kubelet_final_delete_is_removal() {
        let out = parse(
            &audit(
                "delete",
                "system:node:kind-control-plane",
                None,
                r#","requestObject":{"kind":"DeleteOptions","apiVersion":"meta.k8s.io/v1","gracePeriodSeconds":0,"preconditions":{"uid":"u1"}}"#,
            ),
            &mut ApiState::default(),
        );
        assert_eq!(out.len(), 1);
        assert!(matches!(&out[0].1, EventKind::Removed { pod } if pod.uid.as_deref() == Some("u1")));
    }

    #[test]
    fn controller_scale_down() {
        let out = parse(&audit("delete", "system:serviceaccount:kube-system:replicaset-controller", None, ""), &mut ApiState::default());
        assert!(matches!(&out[0].1, EventKind::DeletionRequested { reason: DeleteReason::ScaleDown, .. }));
    }

    #[test]
    fn a_deleted_pods_object_names_its_controller() {
        let v = audit(
            "delete",
            "system:serviceaccount:kube-system:replicaset-controller",
            None,
            r#","responseObject":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"term-demo","namespace":"default","uid":"u1","ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"term-demo-6b7c9d8f5c","uid":"r1","controller":true,"blockOwnerDeletion":true}]}}"#,
        );
        let out = parse(&v, &mut ApiState::default());
        let (at, owner) = out.iter().find(|(_, k)| matches!(k, EventKind::PodOwner { .. })).expect("an owner fact");
        assert!(
            matches!(owner, EventKind::PodOwner { pod, kind, name } if kind == "ReplicaSet" && name == "term-demo-6b7c9d8f5c" && pod.uid.as_deref() == Some("u1") && pod.name.as_deref() == Some("term-demo"))
        );
        assert_eq!(at.unwrap().nanos, 9_000_000, "known once the response is complete");
        assert!(out.iter().any(|(_, k)| matches!(k, EventKind::DeletionRequested { reason: DeleteReason::ScaleDown, .. })));
    }

    #[test]
    fn only_response_complete_counts() {
        let mut v = audit("delete", "alice", None, "");
        v["stage"] = "RequestReceived".into();
        assert!(parse(&v, &mut ApiState::default()).is_empty());
    }
}
