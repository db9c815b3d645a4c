//! Kernel OOM-killer lines and systemd's OOM notice → events.
//!
//! The victim's container and Pod come from the cgroup path in
//! `oom-kill:…,task_memcg=<path>` or `Tasks in <path> are going to be killed`
//! (LOG-FORMATS §4); systemd adds `cri-containerd-<id>.scope: A process of
//! this unit has been killed by the OOM killer.`

use super::kubelet::{container_in_cgroup, uid_in_cgroup};
use crate::event::{EventKind, PodRef};

/// Literals whose presence makes a kernel/systemd line worth parsing.
pub const MARKERS: &[&str] = &["oom-kill:", "memory.oom.group", "killed by the OOM killer"];

/// Turns one kernel or systemd line into events.
pub fn parse(body: &str) -> Vec<EventKind> {
    let text = strip_uptime(body);
    if let Some(i) = text.find("task_memcg=") {
        let rest = &text[i + 11..];
        let path = &rest[..rest.find(',').unwrap_or(rest.len())];
        let task = field(text, "task=").unwrap_or("?");
        let pid = field(text, "pid=").unwrap_or("?");
        return oom_for_path(path, format!("kernel OOM killer: killed process {pid} ({task})"));
    }
    if let Some(rest) = text.strip_prefix("Tasks in ") {
        if let Some(end) = rest.find(" are going to be killed due to memory.oom.group set") {
            return oom_for_path(&rest[..end], "kernel OOM killer: memory.oom.group kills every task of the container".into());
        }
    }
    if text.ends_with(": A process of this unit has been killed by the OOM killer.") {
        let unit = &text[..text.find(':').unwrap_or(0)];
        if let Some(id) = container_in_cgroup(&format!("/{unit}")) {
            return vec![EventKind::Oom {
                container: Some(id),
                pod: PodRef::default(),
                detail: "systemd: a process of the container's scope was killed by the OOM killer".into(),
            }];
        }
    }
    vec![]
}

fn oom_for_path(path: &str, detail: String) -> Vec<EventKind> {
    let container = container_in_cgroup(path);
    let uid = uid_in_cgroup(path);
    if container.is_none() && uid.is_none() {
        return vec![];
    }
    let pod = PodRef { uid, ..PodRef::default() };
    vec![EventKind::Oom { container, pod, detail }]
}

fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let i = text.find(key)? + key.len();
    let rest = &text[i..];
    Some(&rest[..rest.find(',').unwrap_or(rest.len())])
}

/// Removes a `[  139.201253] ` uptime prefix.
fn strip_uptime(body: &str) -> &str {
    if body.starts_with('[') {
        if let Some(end) = body.find("] ") {
            if body[1..end].trim().bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                return &body[end + 2..];
            }
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oom_kill_summary_line() {
        let e = parse("[  139.201465] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-9192cb33411ff69d015a3577db136757f5b145064a1703efea3d0e12e8a64987.scope,mems_allowed=0,oom_memcg=/kubepods.slice,task_memcg=/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-poda5d8fdd1_1369_469e_8a7d_2c1047529435.slice/cri-containerd-9192cb33411ff69d015a3577db136757f5b145064a1703efea3d0e12e8a64987.scope,task=bash,pid=7788,uid=0");
        match &e[0] {
            EventKind::Oom { container, pod, detail } => {
                assert!(container.as_deref().unwrap().starts_with("9192cb33"));
                assert_eq!(pod.uid.as_deref(), Some("a5d8fdd1-1369-469e-8a7d-2c1047529435"));
                assert!(detail.contains("7788 (bash)"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn systemd_scope_notice() {
        let e = parse("cri-containerd-9192cb33411ff69d015a3577db136757f5b145064a1703efea3d0e12e8a64987.scope: A process of this unit has been killed by the OOM killer.");
        assert!(matches!(&e[0], EventKind::Oom { container: Some(_), .. }));
    }
}
