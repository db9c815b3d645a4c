//! One test per real excerpt in `fixtures/real/` (copied from the shared
//! corpus with its attribution, `fixtures/real/SOURCES.md`): each asserts
//! what really happened according to that file's notes.

use assert_cmd::Command;
use serde_json::Value;

fn analyze(prefixes: &[&str]) -> Value {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/real");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures/real exists")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    let files: Vec<String> = prefixes
        .iter()
        .map(|p| {
            let n = names.iter().find(|n| n.starts_with(&format!("{p}-"))).unwrap_or_else(|| panic!("no fixture {p}"));
            dir.join(n).display().to_string()
        })
        .collect();
    let out = Command::cargo_bin("podmortem").unwrap().arg("analyze").arg("-o").arg("json").args(&files).output().unwrap();
    assert!(out.status.success(), "exit {:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn pod_by_uid<'a>(out: &'a Value, uid: &str) -> &'a Value {
    out["pods"].as_array().unwrap().iter().find(|p| p["uid"] == uid).unwrap_or_else(|| panic!("no pod with uid {uid}"))
}

fn pod_by_container<'a>(out: &'a Value, prefix: &str) -> &'a Value {
    out["pods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| container(p, prefix).is_some())
        .unwrap_or_else(|| panic!("no pod with container {prefix}"))
}

fn container<'a>(p: &'a Value, prefix: &str) -> Option<&'a Value> {
    p["containers"].as_array()?.iter().find(|c| c["id"].as_str().is_some_and(|i| i.starts_with(prefix)))
}

fn kinds(p: &Value) -> Vec<String> {
    p["findings"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap().to_string()).collect()
}

fn stages(p: &Value) -> Vec<String> {
    p["stages"].as_array().unwrap().iter().map(|s| s["stage"].as_str().unwrap().to_string()).collect()
}

fn stage_at(p: &Value, name: &str) -> String {
    p["stages"].as_array().unwrap().iter().find(|s| s["stage"] == name).map(|s| s["at"].as_str().unwrap().to_string()).unwrap_or_default()
}

const KILLS: [&str; 4] = ["sigkill", "oom_killed", "grace_overrun", "signal_exit"];

fn no_kill_findings(p: &Value) {
    let k = kinds(p);
    for bad in KILLS {
        assert!(!k.iter().any(|x| x == bad), "unexpected {bad} in {k:?}");
    }
}

#[test]
fn r01_kind_kubelet_exit2_slow_stop() {
    let o = analyze(&["01"]);
    let p = pod_by_uid(&o, "8bb7de3e-72f0-4102-adbd-53897040775e");
    assert_eq!(p["namespace"], "pod-e2e-dx5dg");
    assert_eq!(p["name"], "group-0");
    assert_eq!(p["grace_period_s"], 2, "override 1 raised to the 2 s minimum");
    assert_eq!(container(p, "62e04a72").unwrap()["exit_code"], 2);
    let k = kinds(p);
    assert!(!k.contains(&"sigkill".to_string()));
    assert!(k.contains(&"slow_stop".to_string()));
    assert!(stages(p).contains(&"removed".to_string()));
    assert!(stage_at(p, "delete_requested").starts_with("2025-03-18T10:21:21.676696"));
    assert!(stage_at(p, "removed").starts_with("2025-03-18T10:22:16.943"));
}

#[test]
fn r02_containerd_kill_after_exit() {
    let o = analyze(&["02"]);
    let p = pod_by_container(&o, "62e04a72");
    assert_eq!(p["name"], "group-0", "named by RunPodSandbox");
    let c = container(p, "62e04a72").unwrap();
    assert_eq!(c["exit_code"], 2);
    assert_eq!(c["stop_timeout_s"], 2);
    assert_eq!(c["stop_signal"], "SIGTERM");
    let k = kinds(p);
    assert!(k.contains(&"kill_after_exit".to_string()), "{k:?}");
    assert!(!k.contains(&"sigkill".to_string()));
    assert_eq!(stage_at(p, "exited"), "2025-03-18T10:21:22.547387052Z");
    assert_eq!(stage_at(p, "kill_sent"), "2025-03-18T10:21:24.541039858Z");
    assert!(stages(p).contains(&"network_torn_down".to_string()));
}

#[test]
fn r01_r02_together_join_into_one_pod() {
    let o = analyze(&["01", "02"]);
    let named: Vec<&Value> = o["pods"].as_array().unwrap().iter().filter(|p| p["name"] == "group-0").collect();
    assert_eq!(named.len(), 1);
    let p = named[0];
    assert_eq!(container(p, "62e04a72").unwrap()["exit_code"], 2);
    let k = kinds(p);
    assert!(k.contains(&"kill_after_exit".to_string()) && !k.contains(&"sigkill".to_string()));
    let s = stages(p);
    for st in ["stop_requested", "network_torn_down", "removed", "delete_requested", "kill_sent", "exited"] {
        assert!(s.contains(&st.to_string()), "missing {st} in {s:?}");
    }
    assert_eq!(p["node"], "kind-worker");
}

#[test]
fn r03_grace30_exit0_slow() {
    let o = analyze(&["03"]);
    let p = pod_by_uid(&o, "4ba4f666-f410-4d32-a8c5-f961e3332096");
    assert_eq!(p["name"], "lws-1");
    assert_eq!(p["grace_period_s"], 30);
    assert_eq!(container(p, "0782dd0d").unwrap()["exit_code"], 0);
    let k = kinds(p);
    assert!(!k.contains(&"sigkill".to_string()) && !k.contains(&"grace_overrun".to_string()));
    assert!(k.contains(&"slow_stop".to_string()));
    assert!(stages(p).contains(&"removed".to_string()));
    assert_eq!(p["containers"].as_array().unwrap().len(), 1, "the sandbox ID from PLEG is not a container");
}

#[test]
fn r04_sigquit_graceful() {
    let o = analyze(&["04"]);
    let p = pod_by_uid(&o, "5da5612b-9738-493c-af51-a213072997f6");
    assert_eq!(p["name"], "nginx");
    let c = container(p, "c65a36d4").unwrap();
    assert_eq!(c["stop_signal"], "SIGQUIT");
    assert_eq!(c["exit_code"], 0);
    assert_eq!(p["outcome"], "graceful");
    assert!(kinds(p).is_empty(), "{:?}", kinds(p));
    assert!(stages(p).contains(&"network_torn_down".to_string()));
    assert_eq!(p["grace_period_s"], 30);
}

#[test]
fn r05_liveness_probe_sigkill_by_timing() {
    let o = analyze(&["05"]);
    let p = pod_by_uid(&o, "93e17ecc-ab55-461a-b526-29248d2554ad");
    assert_eq!(p["name"], "liveness-exec");
    let k = kinds(p);
    assert!(k.contains(&"probe_kill".to_string()));
    assert!(k.contains(&"sigkill".to_string()));
    let msg = p["findings"].as_array().unwrap().iter().find(|f| f["kind"] == "sigkill").unwrap()["message"].as_str().unwrap().to_string();
    assert!(msg.contains("timing"), "{msg}");
    let s = stages(p);
    assert!(!s.contains(&"delete_requested".to_string()) && !s.contains(&"removed".to_string()));
    assert_eq!(p["deletion"]["reason"], "probe");
}

#[test]
fn r06_oom_is_not_sigkill() {
    let o = analyze(&["06"]);
    let p = pod_by_container(&o, "9192cb33");
    assert_eq!(p["uid"], "a5d8fdd1-1369-469e-8a7d-2c1047529435");
    assert_eq!(container(p, "9192cb33").unwrap()["exit_code"], 137);
    let k = kinds(p);
    assert!(k.contains(&"oom_killed".to_string()));
    assert!(!k.contains(&"sigkill".to_string()));
    assert!(!stages(p).contains(&"delete_requested".to_string()));
    assert_eq!(p["outcome"], "oom_killed");
}

#[test]
fn r07_volume_unmount_graceful() {
    let o = analyze(&["07"]);
    let p = pod_by_uid(&o, "1e53a7ad-acc8-4bb3-b6b4-af1b06bfd435");
    assert_eq!(p["name"], "image-converter-backend-8bc77f4c4-v8w7m");
    assert_eq!(container(p, "c6a5c9ea").unwrap()["exit_code"], 0);
    assert!(stages(p).contains(&"volume_unmounted".to_string()));
    assert!(kinds(p).is_empty(), "{:?}", kinds(p));
    assert!(o["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().contains("year")), "no year in the input is said");
}

#[test]
fn r08_stuck_csi_unmount() {
    let o = analyze(&["08"]);
    let p = pod_by_uid(&o, "bcdfe2c7-9b1a-41ed-a9dc-0d944af88e5e");
    assert!(kinds(p).contains(&"volume_unmount_failed".to_string()));
    assert_eq!(p["outcome"], "stuck");
    assert!(p["name"].is_null());
}

#[test]
fn r16_reverse_order_multinode_exit1() {
    let o = analyze(&["16"]);
    let p = pod_by_uid(&o, "25cb986c-3d6c-4ed0-abf3-ee59ed6175f9");
    assert_eq!(p["name"], "hosted-grafana-api-7b6bd9b949-9csb4");
    assert_eq!(container(p, "c91436db").unwrap()["exit_code"], 1);
    assert_eq!(p["grace_period_s"], 30);
    let k = kinds(p);
    assert!(!k.contains(&"sigkill".to_string()));
    let s = stages(p);
    for st in ["network_torn_down", "volume_unmounted", "removed"] {
        assert!(s.contains(&st.to_string()), "missing {st}");
    }
    assert!(container(p, "c6da2382").is_none());
    assert_eq!(stage_at(p, "removed"), "2024-05-07T11:59:35.029584Z");
    assert_eq!(p["node"], "ip-10-60-2-58.us-east-2.compute.internal");
}

#[test]
fn r21_eviction_node_pressure() {
    let o = analyze(&["21"]);
    let p = pod_by_uid(&o, "27aff94d-e0d9-43d1-84d6-9ab000aa57e2");
    assert_eq!(p["name"], "nginx");
    assert_eq!(p["grace_period_s"], 30);
    assert_eq!(p["deletion"]["reason"], "node_pressure");
    no_kill_findings(p);
}

#[test]
fn r22_exit0_with_omitted_exit_status() {
    let o = analyze(&["22"]);
    let p = pod_by_container(&o, "f5126739");
    assert_eq!(container(p, "f5126739").unwrap()["exit_code"], 0);
    let s = stages(p);
    for st in ["stop_requested", "delete_requested", "signal_sent"] {
        assert!(!s.contains(&st.to_string()));
    }
    no_kill_findings(p);
}

#[test]
fn r25_placeholder_137_is_no_kill() {
    let o = analyze(&["25"]);
    let p = pod_by_uid(&o, "6066b861-eabc-41d9-bcd5-2c90f9a0433b");
    assert_eq!(p["name"], "sts-0");
    no_kill_findings(p);
    assert!(stages(p).contains(&"removed".to_string()));
    assert!(p["containers"].as_array().unwrap().iter().all(|c| c["exit_code"].is_null()), "137 ContainerStatusUnknown is not an exit code");
}

#[test]
fn r26_crash_exit1_no_stop() {
    let o = analyze(&["26"]);
    let p = pod_by_uid(&o, "7e5b1126-3a4b-4310-9637-41e061a0de48");
    assert_eq!(p["name"], "job-0-2tk5q");
    assert_eq!(container(p, "8beba762").unwrap()["exit_code"], 1);
    assert!(kinds(p).contains(&"nonzero_exit".to_string()));
    let s = stages(p);
    for st in ["stop_requested", "delete_requested", "signal_sent"] {
        assert!(!s.contains(&st.to_string()));
    }
    no_kill_findings(p);
    assert_eq!(p["outcome"], "error_exit");
}

#[test]
fn r29_old_containerd_quoting_and_cgroupfs_uid() {
    let o = analyze(&["29"]);
    let p = pod_by_container(&o, "72d44053");
    assert_eq!(p["uid"], "de8d5097-67d1-4cfa-8648-2a2e1c050c3f");
    let c = container(p, "72d44053").unwrap();
    assert_eq!(c["exit_code"], 0);
    assert_eq!(c["exited_at"], "2019-11-18T04:57:42.618338639Z", "+0900 offset honoured although labelled UTC");
    no_kill_findings(p);
}

#[test]
fn every_excerpt_reads_without_unknown_lines_lost() {
    let all = ["01", "02", "03", "04", "05", "06", "07", "08", "16", "21", "22", "25", "26", "29"];
    let o = analyze(&all);
    for i in o["inputs"].as_array().unwrap() {
        let (lines, rec, skip) = (i["lines"].as_u64().unwrap(), i["recognized"].as_u64().unwrap(), i["skipped"].as_u64().unwrap());
        assert_eq!(lines, rec + skip, "{i}");
        assert!(lines > 0);
    }
}
