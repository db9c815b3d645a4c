//! Application logs: CRI container log files under `/var/log/pods`.
//!
//! The path names the Pod (`pods/<ns>_<pod>_<uid>/<container>/<n>.log`) or
//! the container (`containers/<pod>_<ns>_<container>-<id>.log`); the lines
//! themselves only matter when the app says it got a stop signal.

use crate::event::{EventKind, PodRef};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use std::path::Path;
use std::sync::LazyLock;

/// What an app log's path says about its container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppLogIdentity {
    /// The Pod.
    pub pod: PodRef,
    /// Container name.
    pub container: String,
    /// Runtime container ID (only `containers/…-<id>.log` names carry it).
    pub container_id: Option<String>,
}

/// Reads the Pod and container from a CRI log path, if it has that shape.
pub fn identity_from_path(path: &Path) -> Option<AppLogIdentity> {
    // The last four components, read from the end (no list is built).
    let mut back = path.iter().rev().map(|c| c.to_str());
    let file = back.next()??;
    if !file.contains(".log") {
        return None;
    }
    let (parent, grandparent, great) = (back.next().flatten(), back.next().flatten(), back.next().flatten());
    if let (Some(container), Some(pod_dir), Some("pods")) = (parent, grandparent, great) {
        let mut parts = pod_dir.splitn(3, '_');
        let (ns, name, uid) = (parts.next()?, parts.next()?, parts.next()?);
        let stem = file.split('.').next()?;
        if !stem.bytes().all(|b| b.is_ascii_digit()) || uid.len() < 32 {
            return None;
        }
        return Some(AppLogIdentity {
            pod: PodRef { namespace: Some(ns.into()), name: Some(name.into()), uid: Some(uid.into()) },
            container: container.to_string(),
            container_id: None,
        });
    }
    if parent == Some("containers") {
        let stem = file.strip_suffix(".log")?;
        let (rest, id) = stem.rsplit_once('-')?;
        if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut parts = rest.splitn(3, '_');
        let (name, ns, container) = (parts.next()?, parts.next()?, parts.next()?);
        return Some(AppLogIdentity {
            pod: PodRef { namespace: Some(ns.into()), name: Some(name.into()), uid: None },
            container: container.to_string(),
            container_id: Some(id.to_string()),
        });
    }
    None
}

static SIGNAL_WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build([
            "sigterm",
            "sigint",
            "sigquit",
            "sighup",
            "received signal",
            "caught signal",
            "got signal",
            "signal received",
            "shutting down",
            "graceful shutdown",
            "gracefully",
            "shutdown request",
            "terminating on signal",
            "exiting on signal",
        ])
        .expect("valid patterns")
});

/// An event when the app's line says it received a stop signal.
pub fn parse(identity: &AppLogIdentity, text: &str) -> Option<EventKind> {
    if !SIGNAL_WORDS.is_match(text) {
        return None;
    }
    Some(EventKind::AppSignalLogged {
        pod: identity.pod.clone(),
        name: identity.container.clone(),
        text: crate::text::first_chars(text, 200).to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_log_path() {
        let id = identity_from_path(Path::new("kind-control-plane/pods/default_term-demo_0f5c1a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b/app/0.log"))
            .unwrap();
        assert_eq!(id.pod.name.as_deref(), Some("term-demo"));
        assert_eq!(id.container, "app");
        assert!(identity_from_path(Path::new("node/kubelet.log")).is_none());
    }

    #[test]
    fn container_log_symlink_name() {
        let p = format!("n/containers/term-demo_default_app-{}.log", "a".repeat(64));
        let id = identity_from_path(Path::new(&p)).unwrap();
        assert_eq!(id.pod.namespace.as_deref(), Some("default"));
        assert_eq!(id.container_id.as_deref().map(str::len), Some(64));
    }

    #[test]
    fn signal_lines() {
        let id = identity_from_path(Path::new("pods/default_p_0f5c1a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b/app/0.log")).unwrap();
        assert!(parse(&id, "[11:53:43] received SIGTERM, draining...").is_some());
        assert!(parse(&id, "GET /healthz 200").is_none());
        assert!(parse(&id, "2026-04-16 11:53:43.401 UTC [1] LOG:  received fast shutdown request").is_some());
    }
}
