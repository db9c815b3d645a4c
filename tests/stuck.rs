//! `stuck_terminating` follows the node's logs, not only the facts in them:
//! a Pod is stuck when it was never removed although the node's logs go on
//! past the limit (2 × grace + 60 s), whether the later lines are retries of
//! a fact already noted (kept once, at its first time) or lines that state
//! no fact at all.
//!
//! The lines are kubelet's wordings as the real corpus has them
//! (`fixtures/real/08-kubespray-csi-unmount-stuck.log` for the unmount
//! retry, `01-kind-lws-e2e-grace-override.log` for the delete and kill), on
//! a kind node's journal (`journalctl -u kubelet`).

use assert_cmd::Command;
use serde_json::Value;

const UID: &str = "4ba4f666-f410-4d32-a8c5-f961e3332096";
const VOLUME: &str = "kubernetes.io/csi/cstor.csi.openebs.io^pvc-fc6ec633-d0e1-420c-b64b-cfefe3a425bd";

/// A kubelet line of node `kind-worker` at `04:MM:SS.micros` on 16 March.
fn line(clock: &str, level: char, site: &str, text: &str) -> String {
    format!("Mar 16 04:{clock} kind-worker kubelet[202]: {level}0316 04:{clock}     202 {site}] {text}\n")
}

fn delete_and_kill() -> String {
    line("31:23.611176", 'I', "kubelet.go:2490", r#""SyncLoop DELETE" source="api" pods=["shop/db-0"]"#)
        + &line(
            "31:23.671891",
            'I',
            "kuberuntime_container.go:809",
            &format!(
                r#""Killing container with a grace period" pod="shop/db-0" podUID="{UID}" containerName="db" containerID="containerd://0782dd0d297258a8f747621ef2b2e349c72bbede25c0d2740eb3eea125d0dbd7" gracePeriod=30"#
            ),
        )
}

/// One round of the volume manager: unmount started, then TearDown failed
/// with the retry time the kubelet prints.
fn unmount_attempt(started: &str, failed: &str, retry_at: &str) -> String {
    let dir = format!("/var/lib/kubelet/pods/{UID}/volumes/kubernetes.io~csi/pvc-fc6ec633-d0e1-420c-b64b-cfefe3a425bd/mount");
    line(
        started,
        'I',
        "reconciler_common.go:172",
        &format!(
            r#""operationExecutor.UnmountVolume started for volume \"data\" (UniqueName: \"{VOLUME}\") pod \"{UID}\" (UID: \"{UID}\") ""#
        ),
    ) + &line(
        failed,
        'E',
        "nestedpendingoperations.go:348",
        &format!(
            r#"Operation for "{{volumeName:{VOLUME} podName:{UID} nodeName:}}" failed. No retries permitted until 2025-03-16 04:{retry_at} +0000 UTC m=+8817894.563114988 (durationBeforeRetry 2m2s). Error: UnmountVolume.TearDown failed for volume "data" (UniqueName: "{VOLUME}") pod "{UID}" (UID: "{UID}") : kubernetes.io/csi: Unmounter.TearDownAt failed to clean mount dir [{dir}]: kubernetes.io/csi: failed to remove dir [{dir}]: remove {dir}: directory not empty"#
        ),
    )
}

/// A kubelet line that states no fact about any Pod.
fn noise(clock: &str) -> String {
    line(
        clock,
        'E',
        "file_linux.go:61",
        r#""Unable to read config path" err="path does not exist, ignoring" path="/etc/kubernetes/manifests""#,
    )
}

/// The Pod's findings as `(kind, message)`, analysing `log` as a kind node's `kubelet.log`.
fn findings(log: &str) -> Vec<(String, String)> {
    findings_of(&[("kubelet.log", log)])
}

/// The Pod's findings as `(kind, message)`, analysing a kind node directory holding `files`.
fn findings_of(files: &[(&str, &str)]) -> Vec<(String, String)> {
    let d = tempfile::tempdir().unwrap();
    let node = d.path().join("kind-worker");
    std::fs::create_dir(&node).unwrap();
    for (name, text) in files {
        std::fs::write(node.join(name), text).unwrap();
    }
    let out = Command::cargo_bin("podmortem").unwrap().args(["analyze", "-o", "json"]).arg(d.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let pods = v["pods"].as_array().unwrap();
    let pod = pods.iter().find(|p| p["uid"] == UID).unwrap_or_else(|| panic!("no Pod {UID} in {pods:?}"));
    assert_eq!(pod["name"], "db-0");
    pod["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["kind"].as_str().unwrap().to_string(), f["message"].as_str().unwrap().to_string()))
        .collect()
}

fn stuck_message(findings: &[(String, String)]) -> Option<&str> {
    findings.iter().find(|(k, _)| k == "stuck_terminating").map(|(_, m)| m.as_str())
}

#[test]
fn retries_of_a_noted_failure_count_as_the_logs_going_on() {
    // Grace 30 s: the limit is 120 s after the delete at 04:31:23.6. The
    // second attempt (04:33:56) repeats the first one's facts word for word.
    let log = delete_and_kill()
        + &unmount_attempt("31:54.555027", "31:54.558786", "33:56.558747541")
        + &unmount_attempt("33:56.602231", "33:56.605118", "35:58.605100112");
    let f = findings(&log);
    assert!(f.iter().any(|(k, _)| k == "volume_unmount_failed"), "{f:?}");
    let message = stuck_message(&f).unwrap_or_else(|| panic!("not stuck: {f:?}"));
    assert!(message.contains("not removed 153 s after its deletion"), "{message}");
    assert!(message.contains("limit 120 s"), "{message}");
}

#[test]
fn lines_of_no_fact_count_as_the_logs_going_on() {
    let log = delete_and_kill() + &unmount_attempt("31:54.555027", "31:54.558786", "33:56.558747541") + &noise("40:00.001234");
    let f = findings(&log);
    let message = stuck_message(&f).unwrap_or_else(|| panic!("not stuck: {f:?}"));
    assert!(message.contains("not removed 516 s after its deletion"), "{message}");
}

#[test]
fn logs_that_end_before_the_limit_say_nothing_of_being_stuck() {
    let log = delete_and_kill() + &unmount_attempt("31:54.555027", "31:54.558786", "33:56.558747541") + &noise("33:20.000001");
    let f = findings(&log);
    assert!(f.iter().any(|(k, _)| k == "volume_unmount_failed"), "{f:?}");
    assert_eq!(stuck_message(&f), None, "117 s after the delete is within the limit");
}

#[test]
fn a_failure_stated_in_two_files_is_one_failure() {
    // A node's syslog (`messages`) repeats the kubelet unit's own log: the
    // failed unmount is one finding, as with the unit's log alone.
    let log = delete_and_kill() + &unmount_attempt("31:54.555027", "31:54.558786", "33:56.558747541") + &noise("40:00.001234");
    let alone = findings(&log);
    let both = findings_of(&[("kubelet.log", &log), ("messages", &log)]);
    assert_eq!(both.iter().filter(|(k, _)| k == "volume_unmount_failed").count(), 1, "{both:?}");
    assert_eq!(both, alone);
}
