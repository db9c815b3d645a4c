//! API-side inputs: kubectl JSON documents and watch streams, malformed JSON,
//! kubelet JSON logging lines.

use assert_cmd::Command;
use serde_json::Value;

fn run_json(files: &[&std::path::Path]) -> (Value, String) {
    let out = Command::cargo_bin("podmortem").unwrap().args(["-o", "json"]).args(files).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (serde_json::from_slice(&out.stdout).unwrap(), String::from_utf8_lossy(&out.stderr).into_owned())
}

const POD: &str = r#"{
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {
        "creationTimestamp": "2026-04-16T11:52:34Z",
        "deletionGracePeriodSeconds": 30,
        "deletionTimestamp": "2026-04-16T11:54:10Z",
        "name": "term-demo",
        "namespace": "default",
        "uid": "ca75c98c-070e-44a5-8131-d962bf403345"
    },
    "spec": {
        "nodeName": "kind-control-plane",
        "terminationGracePeriodSeconds": 30
    },
    "status": {
        "phase": "Running"
    }
}
"#;

#[test]
fn kubectl_pod_json_gives_the_delete_request() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("pod.json");
    std::fs::write(&f, POD).unwrap();
    let (v, _) = run_json(&[&f]);
    let p = &v["pods"][0];
    assert_eq!(p["name"], "term-demo");
    assert_eq!(p["deletion"]["at"], "2026-04-16T11:53:40Z", "deletionTimestamp − grace");
    assert_eq!(p["deletion"]["requested_grace_s"], 30);
    assert_eq!(p["stages"][0]["stage"], "delete_requested");
    assert_eq!(v["inputs"][0]["formats"][0], "kubectl-json");
}

#[test]
fn truncated_watch_stream_keeps_earlier_documents_and_says_where() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("watch.json");
    let second = POD.replace("term-demo", "term-demo-2").replace("ca75c98c", "da75c98c");
    let text = format!("{POD}{}", &second[..second.len() / 2]);
    std::fs::write(&f, text).unwrap();
    let (v, stderr) = run_json(&[&f]);
    assert_eq!(v["pods"].as_array().unwrap().len(), 1);
    let w = v["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap().to_string()).collect::<Vec<_>>().join("\n");
    assert!(w.contains("watch.json:") && w.contains("invalid JSON"), "{w}");
    assert!(stderr.contains("invalid JSON"));
    let i = &v["inputs"][0];
    assert_eq!(i["lines"].as_u64().unwrap(), i["recognized"].as_u64().unwrap() + i["skipped"].as_u64().unwrap());
    assert!(i["skipped"].as_u64().unwrap() > 0);
}

#[test]
fn kubelet_json_logging_reads_like_klog() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("kubelet.log");
    let lines = [
        r#"{"ts":1776340420013.712,"caller":"kubelet/kubelet.go:2105","msg":"SyncLoop DELETE","v":2,"source":"api","pods":[{"name":"term-demo","namespace":"default"}]}"#,
        r#"{"ts":1776340423031.953,"caller":"kuberuntime/kuberuntime_container.go:723","msg":"Killing container with a grace period","v":2,"pod":{"name":"term-demo","namespace":"default"},"podUID":"ca75c98c-070e-44a5-8131-d962bf403345","containerName":"app","containerID":"containerd://43a39963b6c9948c738d9cf73fe7f5f927ffc106dfab5d075c40c07807c51a5f","gracePeriod":30}"#,
        r#"{"ts":1776340428450.101,"caller":"pleg/generic.go:290","msg":"Generic (PLEG): container finished","v":2,"podID":"ca75c98c-070e-44a5-8131-d962bf403345","containerID":"43a39963b6c9948c738d9cf73fe7f5f927ffc106dfab5d075c40c07807c51a5f","exitCode":0}"#,
    ];
    std::fs::write(&f, lines.join("\n")).unwrap();
    let (v, _) = run_json(&[&f]);
    let p = &v["pods"][0];
    assert_eq!(p["name"], "term-demo");
    assert_eq!(p["grace_period_s"], 30);
    assert_eq!(p["containers"][0]["exit_code"], 0);
    assert_eq!(p["stages"][0]["at"], "2026-04-16T11:53:40.013712Z");
    assert!(v["inputs"][0]["formats"].as_array().unwrap().iter().any(|f| f == "kubelet-json"));
}
