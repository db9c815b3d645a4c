//! Steps ① and ② of the stop from the API side, and the same stops seen
//! through CRI-O and kubelet JSON logging (fixtures/seed-article-api,
//! fixtures/rollout-no-prestop, fixtures/seed-article-crio-json; each
//! fixture's README gives the expected answers checked here).

use assert_cmd::Command;
use serde_json::Value;

fn report(dirs: &[&str]) -> Value {
    let out =
        Command::cargo_bin("podmortem").unwrap().current_dir(env!("CARGO_MANIFEST_DIR")).arg("-o").arg("json").args(dirs).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn pod<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["pods"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("no pod {name}"))
}

fn stage(p: &Value, name: &str) -> Option<(String, String)> {
    p["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage"] == name)
        .map(|s| (s["at"].as_str().unwrap().to_string(), s["source"].as_str().unwrap().to_string()))
}

fn order(p: &Value) -> Vec<String> {
    p["stages"].as_array().unwrap().iter().map(|s| s["stage"].as_str().unwrap().to_string()).collect()
}

fn kinds(p: &Value) -> Vec<&str> {
    p["findings"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect()
}

#[test]
fn graceful_case_shows_all_five_steps_in_order() {
    let r = report(&["fixtures/seed-article", "fixtures/seed-article-api"]);
    let p = pod(&r, "term-demo");
    let d = &p["deletion"];
    assert_eq!(d["by"], "alice");
    assert_eq!(d["reason"], "delete");
    assert!(d["user_agent"].as_str().unwrap().starts_with("kubectl/v1.23.4"));
    let (del, src) = stage(p, "delete_requested").unwrap();
    assert!(src.ends_with("audit.log:2"), "the audit log is the source: {src}");
    assert!(del.starts_with("2026-04-16T11:53:40.004"), "{del}");
    assert_eq!(stage(p, "endpoint_not_ready").unwrap().0, "2026-04-16T11:53:40.058921Z");
    assert!(stage(p, "endpoint_removed").is_some());
    // ① delete → ③ preStop, SIGTERM → exit → ⑤ teardown, unmount, removal; ② runs in
    // parallel with ③ (the article's point) and must land before SIGTERM.
    let (nr, sig) = (stage(p, "endpoint_not_ready").unwrap().0, stage(p, "signal_sent").unwrap().0);
    assert!(nr < sig, "endpoint not ready ({nr}) before SIGTERM ({sig})");
    let want = [
        "delete_requested",
        "prestop_started",
        "prestop_finished",
        "signal_sent",
        "exited",
        "network_torn_down",
        "volume_unmounted",
        "endpoint_removed",
        "removed",
    ];
    let got = order(p);
    let mut at = 0;
    for w in want {
        let i = got.iter().position(|g| g == w).unwrap_or_else(|| panic!("{w} missing in {got:?}"));
        assert!(i >= at, "{w} out of order in {got:?}");
        at = i;
    }
    assert!(!kinds(p).contains(&"traffic_after_sigterm"), "a 3 s preStop covers the endpoint update");
}

#[test]
fn eviction_is_told_apart_from_delete() {
    let r = report(&["fixtures/seed-article", "fixtures/seed-article-api"]);
    let p = pod(&r, "term-demo-ignore");
    assert_eq!(p["deletion"]["reason"], "eviction");
    assert_eq!(p["deletion"]["by"], "bob");
    assert_eq!(p["outcome"], "sigkill");
}

#[test]
fn rollout_without_prestop_is_traffic_after_sigterm() {
    let r = report(&["fixtures/rollout-no-prestop"]);
    let p = pod(&r, "web-6b7c9d8f5c-k2x9p");
    assert_eq!(p["deletion"]["reason"], "scale_down");
    assert!(p["deletion"]["by"].as_str().unwrap().ends_with("replicaset-controller"));
    assert!(kinds(p).contains(&"traffic_after_sigterm"), "{:?}", kinds(p));
    let (sig, _) = stage(p, "signal_sent").unwrap();
    let (nr, _) = stage(p, "endpoint_not_ready").unwrap();
    assert!(nr > sig, "endpoint not ready ({nr}) after SIGTERM ({sig})");
    assert_eq!(p["outcome"], "graceful");
}

#[test]
fn crio_and_kubelet_json_give_the_same_answers_as_containerd_and_klog() {
    let a = report(&["fixtures/seed-article"]);
    let b = report(&["fixtures/seed-article-crio-json"]);
    for name in ["term-demo", "term-demo-ignore"] {
        let (p, q) = (pod(&a, name), pod(&b, name));
        for k in ["namespace", "uid", "node", "grace_period_s", "outcome", "findings"] {
            if k == "findings" {
                assert_eq!(kinds(p), kinds(q), "{name}");
            } else {
                assert_eq!(p[k], q[k], "{name}: {k}");
            }
        }
        let (c, d) = (&p["containers"][0], &q["containers"][0]);
        for k in ["name", "id", "exit_code", "stop_timeout_s"] {
            assert_eq!(c[k], d[k], "{name}: {k}");
        }
        assert!((c["prestop_s"].as_f64().unwrap() - d["prestop_s"].as_f64().unwrap()).abs() < 0.05);
        // Same instants (kubelet JSON `ts` is float milliseconds: within a millisecond).
        for s in ["delete_requested", "prestop_started", "prestop_finished", "stop_requested", "removed"] {
            let t =
                |v: &Value| -> chrono::DateTime<chrono::Utc> { stage(v, s).unwrap_or_else(|| panic!("{name}: no {s}")).0.parse().unwrap() };
            let diff = (t(p) - t(q)).num_microseconds().unwrap().abs();
            assert!(diff <= 1000, "{name}: {s} differs by {diff} µs");
        }
    }
    let formats: Vec<String> = b["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["formats"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()))
        .collect();
    assert!(formats.contains(&"crio".to_string()) && formats.contains(&"kubelet-json".to_string()), "{formats:?}");
}

#[test]
fn requester_shows_in_wide_table_and_pod_view() {
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("podmortem").unwrap().current_dir(env!("CARGO_MANIFEST_DIR")).args(args).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let wide = run(&["-o", "wide", "fixtures/seed-article", "fixtures/seed-article-api"]);
    assert!(wide.contains("delete by alice") && wide.contains("eviction by bob"), "{wide}");
    let view = run(&["--pod", "default/term-demo", "fixtures/seed-article", "fixtures/seed-article-api"]);
    assert!(view.contains("stopped by delete by alice (kubectl/v1.23.4)"), "{view}");
}
