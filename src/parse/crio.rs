//! CRI-O and conmon messages → events (LOG-FORMATS §3).
//!
//! CRI-O logs through logrus like containerd (its `time=` used a space
//! instead of `T` up to 1.31), so lines arrive already split by
//! [`super::containerd::split`]. CRI-O prints no stop signal and no exit
//! code at info; conmon reports non-zero exits to syslog with a 20-character
//! container ID prefix, joined to the full ID by the correlator.

use crate::event::{EventKind, PodRef};
use regex::Regex;
use std::sync::LazyLock;

/// Literals whose presence makes a CRI-O/conmon line worth parsing.
pub const MARKERS: &[&str] = &[
    "Stopping container",
    "Stopped container",
    "Stop container",
    "pod sandbox",
    "from CNI network",
    "Removed container",
    "exited with status",
    "OOM received",
    "OOM event received",
];

fn re(s: &str) -> Regex {
    Regex::new(s).expect("catalogue patterns are valid")
}

static STOPPING: LazyLock<Regex> = LazyLock::new(|| re(r"^Stopping container: ([0-9a-f]+) \(timeout: (\d+)s\)"));
static STOPPED: LazyLock<Regex> = LazyLock::new(|| re(r"^Stopped container ([0-9a-f]+): ([^/\s]+)/([^/\s]+)/(\S+)"));
static REMOVED: LazyLock<Regex> = LazyLock::new(|| re(r"^Removed container ([0-9a-f]+): ([^/\s]+)/([^/\s]+)/(\S+)"));
static TIMED_OUT: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"^(?:Stop container "([0-9a-f]+)" timed out|Stopping container ([0-9a-f]+) with stop signal(?:\([A-Z0-9]+\))? timed out)"#)
});
static SANDBOX: LazyLock<Regex> = LazyLock::new(|| re(r"^(Stopping|Stopped) pod sandbox(?: \(already stopped\))?: ([0-9a-f]+)"));
static CNI_DELETE: LazyLock<Regex> = LazyLock::new(|| re(r#"^Deleting pod ([^_\s]+)_(\S+) from CNI network"#));
static CONMON_EXIT: LazyLock<Regex> = LazyLock::new(|| re(r"^conmon ([0-9a-f]{1,64}) <[a-z]+>: container \d+ exited with status (\d+)"));
static CONMON_OOM: LazyLock<Regex> = LazyLock::new(|| re(r"^conmon ([0-9a-f]{1,64}) <[a-z]+>: (?:OOM received|OOM event received)"));

/// Turns one CRI-O message into events (empty when irrelevant).
pub fn parse(msg: &str) -> Vec<EventKind> {
    let first = msg.split(' ').next().unwrap_or("");
    if !matches!(first, "Stopping" | "Stopped" | "Stop" | "Removed" | "Deleting") {
        return vec![];
    }
    if let Some(c) = STOPPING.captures(msg) {
        return vec![EventKind::StopRequested { container: c[1].to_string(), timeout_s: c[2].parse().unwrap_or(0) }];
    }
    if let Some(c) = STOPPED.captures(msg) {
        let pod = PodRef { namespace: Some(c[2].to_string()), name: Some(c[3].to_string()), uid: None };
        let id = c[1].to_string();
        return vec![
            EventKind::ContainerOfPod { pod, container: Some(id.clone()), name: Some(c[4].to_string()) },
            EventKind::StopReturned { container: id },
        ];
    }
    if let Some(c) = REMOVED.captures(msg) {
        let pod = PodRef { namespace: Some(c[2].to_string()), name: Some(c[3].to_string()), uid: None };
        return vec![EventKind::ContainerOfPod { pod, container: Some(c[1].to_string()), name: Some(c[4].to_string()) }];
    }
    if let Some(c) = TIMED_OUT.captures(msg) {
        let id = c.get(1).or(c.get(2)).map(|m| m.as_str().to_string()).unwrap_or_default();
        return vec![EventKind::KillSent { container: id }];
    }
    if let Some(c) = SANDBOX.captures(msg) {
        let sandbox = c[2].to_string();
        return vec![if &c[1] == "Stopped" { EventKind::SandboxStopped { sandbox } } else { EventKind::SandboxSeen { sandbox } }];
    }
    if let Some(c) = CNI_DELETE.captures(msg) {
        let pod = PodRef { namespace: Some(c[1].to_string()), name: Some(c[2].to_string()), uid: None };
        return vec![EventKind::PodNetworkTornDown { pod }];
    }
    vec![]
}

/// Turns one conmon syslog message into events.
pub fn parse_conmon(msg: &str) -> Vec<EventKind> {
    if let Some(c) = CONMON_EXIT.captures(msg) {
        return vec![EventKind::Exited { id: c[1].to_string(), exit_code: c[2].parse().ok(), exited_at: None, sandbox: false }];
    }
    if let Some(c) = CONMON_OOM.captures(msg) {
        return vec![EventKind::Oom { container: Some(c[1].to_string()), pod: PodRef::default(), detail: "conmon: OOM received".into() }];
    }
    vec![]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_and_timeout_wordings() {
        assert!(matches!(&parse("Stopping container: 43a39963b6c9 (timeout: 30s)")[0], EventKind::StopRequested { timeout_s: 30, .. }));
        let e = parse("Stopped container 43a39963b6c9: default/term-demo/app");
        assert!(matches!(&e[0], EventKind::ContainerOfPod { name: Some(n), .. } if n == "app"));
        assert!(matches!(&e[1], EventKind::StopReturned { .. }));
        for w in [
            "Stopping container 71d2a558 with stop signal timed out: context deadline exceeded",
            "Stopping container 71d2a558 with stop signal timed out. Killing",
            "Stopping container 71d2a558 with stop signal(SIGTERM) timed out. Killing...",
            "Stop container \"71d2a558\" timed out: x",
        ] {
            assert!(matches!(&parse(w)[0], EventKind::KillSent { container } if container == "71d2a558"), "{w}");
        }
        assert!(matches!(&parse("Stopped pod sandbox: 4c08f481")[0], EventKind::SandboxStopped { .. }));
        assert!(matches!(
            &parse("Deleting pod default_term-demo from CNI network \"kindnet\" (type=ptp)")[0],
            EventKind::PodNetworkTornDown { .. }
        ));
    }

    #[test]
    fn conmon_exit() {
        let e = parse_conmon("conmon 71d2a55816a99898922 <ninfo>: container 4242 exited with status 137");
        assert!(matches!(&e[0], EventKind::Exited { exit_code: Some(137), .. }));
    }
}
