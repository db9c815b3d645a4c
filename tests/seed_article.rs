//! The article's two scenarios (`fixtures/seed-article`, Kubernetes 1.23.4,
//! containerd 1.5.10, kubelet -v=3): what the article's tables say happened.

use assert_cmd::Command;
use serde_json::Value;

fn report() -> Value {
    let out = Command::cargo_bin("podmortem")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["-o", "json", "fixtures/seed-article"])
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

fn pod<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["pods"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap()
}

fn at(p: &Value, stage: &str) -> chrono::DateTime<chrono::Utc> {
    let s = p["stages"].as_array().unwrap().iter().find(|s| s["stage"] == stage).unwrap_or_else(|| panic!("no {stage}"));
    s["at"].as_str().unwrap().parse().unwrap()
}

fn secs(a: chrono::DateTime<chrono::Utc>, b: chrono::DateTime<chrono::Utc>) -> f64 {
    (b - a).num_milliseconds() as f64 / 1000.0
}

fn kinds(p: &Value) -> Vec<&str> {
    p["findings"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect()
}

#[test]
fn graceful_case_matches_the_article() {
    let r = report();
    let p = pod(&r, "term-demo");
    assert_eq!(p["namespace"], "default");
    assert_eq!(p["node"], "kind-control-plane");
    assert_eq!(p["grace_period_s"], 30);
    assert_eq!(p["outcome"], "graceful");
    assert!(kinds(p).is_empty(), "{:?}", kinds(p));
    let c = &p["containers"][0];
    assert_eq!(c["name"], "app");
    assert!(c["id"].as_str().unwrap().starts_with("43a39963"));
    assert_eq!(c["stop_signal"], "SIGTERM");
    assert_eq!(c["exit_code"], 0);
    assert_eq!(c["stop_timeout_s"], 30, "1.23: the StopContainer timeout is the full grace after preStop");
    assert!((c["prestop_s"].as_f64().unwrap() - 3.0).abs() < 0.1);
    let del = at(p, "delete_requested");
    assert!((secs(del, at(p, "signal_sent")) - 3.0).abs() < 0.1, "SIGTERM 3 s after the delete (preStop)");
    assert!((secs(at(p, "signal_sent"), at(p, "exited")) - 5.0).abs() < 0.5, "5 s drain");
    assert!((secs(del, at(p, "removed")) - 19.0).abs() < 0.5, "gone after about 19 s");
    assert!((30.0 - secs(del, at(p, "exited")) - 22.0).abs() < 0.5, "stopped about 22 s before the deadline");
    for s in [
        "prestop_started",
        "prestop_finished",
        "stop_requested",
        "app_signal_logged",
        "network_torn_down",
        "sandbox_stopped",
        "volume_unmounted",
    ] {
        at(p, s);
    }
}

#[test]
fn sigkill_case_matches_the_article() {
    let r = report();
    let p = pod(&r, "term-demo-ignore");
    assert_eq!(p["grace_period_s"], 10);
    assert_eq!(p["outcome"], "sigkill");
    let k = kinds(p);
    assert!(k.contains(&"sigkill") && k.contains(&"grace_overrun"), "{k:?}");
    let c = &p["containers"][0];
    assert!(c["id"].as_str().unwrap().starts_with("71d2a558"));
    assert_eq!(c["exit_code"], 137);
    assert_eq!(c["stop_timeout_s"], 10);
    assert!((c["prestop_s"].as_f64().unwrap() - 2.0).abs() < 0.1);
    let del = at(p, "delete_requested");
    assert!((secs(at(p, "signal_sent"), at(p, "kill_sent")) - 10.0).abs() < 0.1, "Kill container 10 s after SIGTERM");
    assert!((secs(del, at(p, "removed")) - 16.0).abs() < 1.0, "gone after about 16 s");
    assert!(secs(del, at(p, "exited")) > 10.0 + 1.0, "exited past delete + grace");
}
