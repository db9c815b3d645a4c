//! Pod status JSON, as the kubelet prints it in status patches (`Patch
//! status for pod`, `Status for pod updated successfully`) and as `kubectl`
//! prints Pod objects: each container's terminated states.

use super::without_scheme;
use crate::event::{EventKind, PodRef, TerminatedState};
use crate::parse::Facts;
use crate::time::parse_rfc3339_prefix;
use serde_json::Value;

/// States the terminated container states of a status patch
/// (`{"metadata":…,"status":…}`) or a bare status.
pub fn statuses_from_json(text: &str, pod: PodRef<&str>, is_patch: bool, out: &mut Facts) {
    // Status patches are the longest kubelet lines (about 1 KB at -v=3).
    // Reading only the fields used, borrowed, costs a fraction of building
    // a `Value`; a patch of unexpected types is read as a `Value` instead.
    let typed = if is_patch {
        serde_json::from_str::<status_doc::Patch>(text).map(|p| (p.metadata.and_then(|m| m.uid), p.status))
    } else {
        serde_json::from_str::<status_doc::Status>(text).map(|s| (None, Some(s)))
    };
    match typed {
        Ok((uid, status)) => {
            let views = status.iter().flat_map(|s| s.all()).map(status_doc::ContainerStatus::view);
            status_events(pod, uid.as_deref(), views, out);
        }
        Err(_) => statuses_from_value(text, pod, is_patch, out),
    }
}

/// [`statuses_from_json`] for any JSON: absent or mistyped fields are left out.
fn statuses_from_value(text: &str, pod: PodRef<&str>, is_patch: bool, out: &mut Facts) {
    let Ok(v) = serde_json::from_str::<Value>(text) else { return };
    let status = if is_patch { v.get("status") } else { Some(&v) };
    let uid = v.pointer("/metadata/uid").and_then(Value::as_str);
    let lists = ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"];
    let statuses = status.into_iter().flat_map(|s| lists.iter().filter_map(|l| s.get(*l)?.as_array()).flatten());
    status_events(pod, uid, statuses.map(status_view), out);
}

/// The facts of a status: the Pod (with the UID the patch names) and each
/// container's terminated states.
fn status_events<'a>(mut pod: PodRef<&'a str>, uid: Option<&'a str>, statuses: impl Iterator<Item = StatusView<'a>>, out: &mut Facts) {
    if let Some(uid) = uid {
        pod.uid.get_or_insert(uid);
    }
    out.add(EventKind::ContainerOfPod { pod: pod.clone(), container: None, name: None });
    for cs in statuses {
        view_events(&cs, &pod, out);
    }
}

/// What podmortem reads of one container status, however it was parsed.
struct StatusView<'a> {
    name: Option<&'a str>,
    container_id: Option<&'a str>,
    /// `state.terminated` and `lastState.terminated`, when present (even as `null`).
    terminated: [Option<TerminatedView<'a>>; 2],
}

/// The fields of a `terminated` state that podmortem reads.
#[derive(Default)]
struct TerminatedView<'a> {
    container_id: Option<&'a str>,
    exit_code: Option<i64>,
    reason: Option<&'a str>,
    finished_at: Option<&'a str>,
}

/// The view of a container status held as a `Value` (mistyped fields read as absent).
fn status_view(cs: &Value) -> StatusView<'_> {
    fn text<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
        v.get(key).and_then(Value::as_str)
    }
    let terminated = |key: &str| {
        cs.get(key).and_then(|s| s.get("terminated")).map(|t| TerminatedView {
            container_id: text(t, "containerID"),
            exit_code: t.get("exitCode").and_then(Value::as_i64),
            reason: text(t, "reason"),
            finished_at: text(t, "finishedAt"),
        })
    };
    StatusView { name: text(cs, "name"), container_id: text(cs, "containerID"), terminated: [terminated("state"), terminated("lastState")] }
}

/// The `state.terminated` and `lastState.terminated` of one container status.
pub fn terminated_states(cs: &Value, pod: &PodRef) -> Vec<EventKind> {
    crate::parse::collect_facts(|out| view_events(&status_view(cs), &pod.as_text(), out))
}

fn view_events(cs: &StatusView, pod: &PodRef<&str>, out: &mut Facts) {
    let Some(name) = cs.name else { return };
    let status_id = cs.container_id.map(without_scheme);
    if status_id.is_some() {
        out.add(EventKind::ContainerOfPod { pod: pod.clone(), container: status_id, name: Some(name) });
    }
    for (t, default_id) in cs.terminated.iter().zip([status_id, None]) {
        let Some(t) = t else { continue };
        let state = TerminatedState {
            container: name,
            container_id: t.container_id.map(without_scheme).or(default_id),
            exit_code: t.exit_code.map(|c| c as i32),
            reason: t.reason,
            finished_at: t.finished_at.and_then(parse_rfc3339_prefix).map(|(st, _)| st),
        };
        out.add(EventKind::StatusTerminated { pod: pod.clone(), state: Box::new(state) });
    }
}

/// The parts of a status patch podmortem reads, as typed, borrowed fields;
/// serde skips the rest without building it.
mod status_doc {
    use super::{StatusView, TerminatedView};
    use serde::{Deserialize, Deserializer};
    use std::borrow::Cow;

    /// `{"metadata":{"uid":…},"status":{…}}`.
    #[derive(Deserialize)]
    pub(super) struct Patch<'a> {
        #[serde(borrow)]
        pub(super) metadata: Option<Metadata<'a>>,
        #[serde(borrow)]
        pub(super) status: Option<Status<'a>>,
    }

    #[derive(Deserialize)]
    pub(super) struct Metadata<'a> {
        #[serde(borrow)]
        pub(super) uid: Option<Cow<'a, str>>,
    }

    #[derive(Deserialize)]
    pub(super) struct Status<'a> {
        #[serde(borrow, rename = "containerStatuses")]
        containers: Option<Vec<ContainerStatus<'a>>>,
        #[serde(borrow, rename = "initContainerStatuses")]
        init: Option<Vec<ContainerStatus<'a>>>,
        #[serde(borrow, rename = "ephemeralContainerStatuses")]
        ephemeral: Option<Vec<ContainerStatus<'a>>>,
    }

    impl<'a> Status<'a> {
        /// Every container status, in the order the lists are read.
        pub(super) fn all(&self) -> impl Iterator<Item = &ContainerStatus<'a>> {
            [&self.containers, &self.init, &self.ephemeral].into_iter().flatten().flatten()
        }
    }

    #[derive(Deserialize)]
    pub(super) struct ContainerStatus<'a> {
        #[serde(borrow)]
        name: Option<Cow<'a, str>>,
        #[serde(borrow, rename = "containerID")]
        container_id: Option<Cow<'a, str>>,
        #[serde(borrow)]
        state: Option<State<'a>>,
        #[serde(borrow, rename = "lastState")]
        last_state: Option<State<'a>>,
    }

    #[derive(Deserialize)]
    struct State<'a> {
        /// `Some(None)` for `"terminated": null`, which counts as present.
        #[serde(borrow, default, deserialize_with = "present")]
        terminated: Option<Option<Terminated<'a>>>,
    }

    #[derive(Deserialize)]
    struct Terminated<'a> {
        #[serde(borrow, rename = "containerID")]
        container_id: Option<Cow<'a, str>>,
        #[serde(rename = "exitCode")]
        exit_code: Option<i64>,
        #[serde(borrow)]
        reason: Option<Cow<'a, str>>,
        #[serde(borrow, rename = "finishedAt")]
        finished_at: Option<Cow<'a, str>>,
    }

    /// A field that is present, whatever its value (`null` included).
    fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }

    impl ContainerStatus<'_> {
        pub(super) fn view(&self) -> StatusView<'_> {
            fn terminated<'s>(s: &'s Option<State>) -> Option<TerminatedView<'s>> {
                let t = s.as_ref()?.terminated.as_ref()?;
                Some(t.as_ref().map_or_else(TerminatedView::default, |t| TerminatedView {
                    container_id: t.container_id.as_deref(),
                    exit_code: t.exit_code,
                    reason: t.reason.as_deref(),
                    finished_at: t.finished_at.as_deref(),
                }))
            }
            StatusView {
                name: self.name.as_deref(),
                container_id: self.container_id.as_deref(),
                terminated: [terminated(&self.state), terminated(&self.last_state)],
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::collect_facts;

    /// The facts of a patch as the typed reader states them, owned.
    fn typed_facts(text: &str, pod: &PodRef, is_patch: bool) -> Vec<EventKind> {
        collect_facts(|out| statuses_from_json(text, pod.as_text(), is_patch, out))
    }

    /// The facts of a patch as the general JSON reader states them, owned.
    fn value_facts(text: &str, pod: &PodRef, is_patch: bool) -> Vec<EventKind> {
        collect_facts(|out| statuses_from_value(text, pod.as_text(), is_patch, out))
    }

    #[test]
    fn typed_status_patches_read_as_the_general_json_reader_does() {
        // The shape of a kubelet 1.31 patch (the generator's and fixtures/real's),
        // with a terminated state, a `lastState`, a `null` terminated state,
        // a status without an ID and an init container.
        let patch = r#"{"metadata":{"uid":"d18826d4-9d06-45bf-9eb8-14b87f4e6ab7"},"status":{"conditions":[{"type":"Ready","status":"False"}],
            "containerStatuses":[{"containerID":"containerd://2d59c7ac","name":"etcd","lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"2026-07-05T14:40:02Z"}},
            "state":{"terminated":{"containerID":"containerd://2d59c7ac","exitCode":137,"reason":"Error","finishedAt":"2026-07-05T14:43:50Z","startedAt":"2026-07-05T14:43:19Z"}}},
            {"name":"sidecar","state":{"terminated":null}},{"name":"waiting","state":{"waiting":{"reason":"ContainerCreating"}}}],
            "initContainerStatuses":[{"containerID":"containerd://77aa","name":"init","state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}}"#;
        let pod = PodRef::from_ns_name("monitoring/etcd-40");
        assert!(serde_json::from_str::<status_doc::Patch>(patch).is_ok(), "read by the typed reader, not the fallback");
        let typed = typed_facts(patch, &pod, true);
        assert_eq!(typed, value_facts(patch, &pod, true));
        let exits: Vec<(String, Option<String>, Option<i32>)> = typed
            .iter()
            .filter_map(|e| match e {
                EventKind::StatusTerminated { state, .. } => Some((state.container.clone(), state.container_id.clone(), state.exit_code)),
                _ => None,
            })
            .collect();
        let id = |s: &str| Some(s.to_string());
        assert_eq!(
            exits,
            [
                ("etcd".to_string(), id("2d59c7ac"), Some(137)),
                ("etcd".to_string(), None, Some(1)),
                ("sidecar".to_string(), None, None),
                ("init".to_string(), id("77aa"), Some(0)),
            ]
        );
        assert!(typed.iter().all(|e| e.pod().is_some_and(|p| p.uid.as_deref() == Some("d18826d4-9d06-45bf-9eb8-14b87f4e6ab7"))));
        // A mistyped field (a float exit code, a numeric name) leaves only that field or status out.
        let odd =
            r#"{"status":{"containerStatuses":[{"name":7},{"name":"app","state":{"terminated":{"exitCode":137.0,"reason":"Error"}}}]}}"#;
        assert!(serde_json::from_str::<status_doc::Patch>(odd).is_err(), "left to the fallback");
        let read = typed_facts(odd, &pod, true);
        assert_eq!(read, value_facts(odd, &pod, true));
        assert!(matches!(&read[..], [EventKind::ContainerOfPod { .. }, EventKind::StatusTerminated { state, .. }]
            if state.container == "app" && state.exit_code.is_none() && state.reason.as_deref() == Some("Error")));
        // A bare status (`Status for pod updated`).
        let bare = r#"{"containerStatuses":[{"name":"app","containerID":"cri-o://abc","state":{"terminated":{"exitCode":0}}}]}"#;
        assert_eq!(typed_facts(bare, &pod, false), value_facts(bare, &pod, false));
    }
}
