//! The command line as a user meets it: inputs, exit codes, output formats.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;

fn bin() -> Command {
    Command::cargo_bin("podmortem").unwrap()
}

fn real(name_prefix: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/real");
    let mut hits: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(name_prefix))
        .collect();
    hits.sort();
    hits.remove(0)
}

fn json_of(cmd: &mut Command) -> Value {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn missing_file_is_exit_2_naming_it() {
    bin()
        .arg("no/such/kubelet.log")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/kubelet.log").and(predicate::str::contains("no such file")));
}

#[test]
fn empty_directory_is_exit_2() {
    let d = tempfile::tempdir().unwrap();
    bin().arg(d.path()).assert().code(2).stderr(predicate::str::contains("no log files"));
}

#[test]
fn binary_input_is_exit_2() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("core.bin");
    std::fs::write(&f, b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00").unwrap();
    bin().arg(&f).assert().code(2).stderr(predicate::str::contains("core.bin").and(predicate::str::contains("binary")));
}

#[test]
fn usage_error_is_exit_2() {
    bin().args(["-o", "yaml", "x"]).assert().code(2);
    bin().args(["--tz", "Mars/Olympus", "x"]).assert().code(2).stderr(predicate::str::contains("--tz"));
}

#[test]
fn stdin_is_read_when_no_path() {
    let text = std::fs::read(real("04")).unwrap();
    let v = json_of(bin().args(["-o", "json"]).write_stdin(text));
    assert_eq!(v["inputs"][0]["path"], "-");
    assert!(v["pods"].as_array().unwrap().iter().any(|p| p["name"] == "nginx"));
}

#[test]
fn gzip_and_directories_are_read() {
    let d = tempfile::tempdir().unwrap();
    let node = d.path().join("kind-worker");
    std::fs::create_dir_all(&node).unwrap();
    std::fs::write(node.join("kubernetes-version.txt"), "v1.31.0\n").unwrap();
    let gz = std::fs::File::create(node.join("kubelet.log.gz")).unwrap();
    let mut enc = flate2::write::GzEncoder::new(gz, flate2::Compression::default());
    enc.write_all(&std::fs::read(real("01")).unwrap()).unwrap();
    enc.finish().unwrap();
    std::fs::copy(real("02"), node.join("containerd.log")).unwrap();
    let v = json_of(bin().arg("-o").arg("json").arg(d.path()));
    let pods: Vec<&Value> = v["pods"].as_array().unwrap().iter().filter(|p| p["name"] == "group-0").collect();
    assert_eq!(pods.len(), 1);
    assert_eq!(pods[0]["node"], "kind-worker");
    assert_eq!(v["inputs"].as_array().unwrap().len(), 2);
}

#[test]
fn jsonl_is_one_pod_per_line() {
    let out = bin().args(["-o", "jsonl"]).arg(real("04")).arg(real("05")).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    for l in lines {
        let p: Value = serde_json::from_str(l).unwrap();
        assert!(p["outcome"].is_string());
    }
}

#[test]
fn pod_view_shows_ordered_stages_with_evidence() {
    let out = bin().args(["--pod", "pod-e2e-dx5dg/group-0", "--color", "never"]).arg(real("01")).arg(real("02")).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let order = ["delete_requested", "stop_requested", "signal_sent", "exited", "kill_sent", "network_torn_down", "removed"];
    let mut last = 0;
    for s in order {
        let at = text.find(s).unwrap_or_else(|| panic!("{s} missing in\n{text}"));
        assert!(at >= last, "{s} out of order in\n{text}");
        last = at;
    }
    assert!(text.contains("02-kind-kueue4669-containerd.log:8"), "evidence file:line of Kill container");
    assert!(text.contains("kill_after_exit"));
}

#[test]
fn pod_selected_by_uid() {
    let v = json_of(bin().args(["-o", "json", "--pod", "93e17ecc-ab55-461a-b526-29248d2554ad"]).arg(real("05")).arg(real("04")));
    assert_eq!(v["pods"].as_array().unwrap().len(), 1);
    assert_eq!(v["pods"][0]["name"], "liveness-exec");
}

#[test]
fn filters_by_namespace_node_and_time() {
    let files = [real("04"), real("07"), real("16")];
    let v = json_of(bin().args(["-o", "json", "-n", "image-converter"]).args(&files));
    assert_eq!(v["pods"].as_array().unwrap().len(), 1);
    let v = json_of(bin().args(["-o", "json", "--node", "aks-np2-39852331-vmss000000"]).args(&files));
    assert!(v["pods"].as_array().unwrap().iter().all(|p| p["node"] == "aks-np2-39852331-vmss000000"));
    let v = json_of(bin().args(["-o", "json", "--since", "2024-05-07T11:59:00Z", "--until", "2024-05-07T12:00:00Z"]).args(&files));
    let names: Vec<&str> = v["pods"].as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names, vec!["hosted-grafana-api-7b6bd9b949-9csb4"]);
    assert_eq!(v["summary"]["pods"], 1);
}

#[test]
fn year_and_zone_can_be_forced() {
    let v = json_of(bin().args(["-o", "json", "--year", "2031"]).arg(real("07")));
    let at = v["pods"][0]["stages"][0]["at"].as_str().unwrap().to_string();
    assert!(at.starts_with("2031-06-18T00:01:36"), "{at}");
    let v = json_of(bin().args(["-o", "json", "--year", "2031", "--tz", "+09:00"]).arg(real("07")));
    let at = v["pods"][0]["stages"][0]["at"].as_str().unwrap().to_string();
    assert!(at.starts_with("2031-06-17T15:01:36"), "{at}");
}

#[test]
fn year_rollover_inside_a_file() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("kubelet.log");
    let lines = [
        r#"Dec 31 23:59:59 n kubelet[1]: I1231 23:59:59.100000       1 kubelet.go:2449] "SyncLoop DELETE" source="api" pods=["default/web-1"]"#,
        r#"Dec 31 23:59:59 n kubelet[1]: I1231 23:59:59.200000       1 kuberuntime_container.go:770] "Killing container with a grace period" pod="default/web-1" podUID="0f5c1a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b" containerName="web" containerID="containerd://aaaa000000000000000000000000000000000000000000000000000000000001" gracePeriod=30"#,
        r#"Jan 01 00:00:02 n containerd[2]: time="2027-01-01T00:00:02.000000000Z" level=info msg="StopContainer for \"aaaa000000000000000000000000000000000000000000000000000000000001\" returns successfully""#,
        r#"Jan 01 00:00:03 n kubelet[1]: I0101 00:00:03.000000       1 kubelet.go:2443] "SyncLoop REMOVE" source="api" pods=["default/web-1"]"#,
    ];
    std::fs::write(&f, lines.join("\n")).unwrap();
    let v = json_of(bin().args(["-o", "json"]).arg(&f));
    let p = &v["pods"][0];
    let del =
        p["stages"].as_array().unwrap().iter().find(|s| s["stage"] == "delete_requested").unwrap()["at"].as_str().unwrap().to_string();
    let rem = p["stages"].as_array().unwrap().iter().find(|s| s["stage"] == "removed").unwrap()["at"].as_str().unwrap().to_string();
    assert!(del.starts_with("2026-12-31T23:59:59.1"), "{del}");
    assert!(rem.starts_with("2027-01-01T00:00:03"), "{rem}");
    assert!((p["duration_s"].as_f64().unwrap() - 3.9).abs() < 0.01);
}

#[test]
fn unrecognised_lines_are_counted() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("mixed.log");
    std::fs::write(&f, "hello world\nthis is not a log line\nMar 18 10:21:19 n kubelet[1]: I0318 10:21:19.1 1 x.go:1] \"ok\"\n").unwrap();
    let v = json_of(bin().args(["-o", "json"]).arg(&f));
    assert_eq!(v["inputs"][0]["lines"], 3);
    assert_eq!(v["inputs"][0]["skipped"], 2);
    assert_eq!(v["inputs"][0]["recognized"], 1);
}

#[test]
fn terminal_escapes_in_names_are_neutralised() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("kubelet.log");
    let line = "Mar 18 10:21:21 n kubelet[1]: I0318 10:21:21.676696     246 kubelet.go:2423] \"SyncLoop DELETE\" source=\"api\" pods=[\"default/evil\\u001b[2Jname\"]\n";
    std::fs::write(&f, line).unwrap();
    let out = bin().arg(&f).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "raw escape reached the terminal: {text:?}");
    assert!(text.contains("\\u{1b}"));
}

#[test]
fn table_is_the_default_output() {
    bin().arg(real("04")).assert().success().stdout(
        predicate::str::contains("default/nginx").and(predicate::str::contains("SIGQUIT")).and(predicate::str::contains("graceful")),
    );
}

#[test]
fn abbreviated_container_ids_join_the_full_one() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("node.log");
    let full = "c65a36d4090569f70b6badb5b6127ad773ebd7e5ce18d3872b8e93ee4fb52cab";
    let lines = [
        format!(r#"Nov 29 18:20:18 n kubelet[2775]: I1129 18:20:18.242970    2775 kuberuntime_container.go:770] "Killing container with a grace period" pod="default/nginx" podUID="5da5612b-9738-493c-af51-a213072997f6" containerName="nginx" containerID="containerd://{full}" gracePeriod=30"#),
        r#"Nov 29 18:20:18 n containerd[2506]: time="2024-11-29T18:20:18.243705450Z" level=info msg="Stop container \"c65a36d40905\" with signal quit""#.to_string(),
    ];
    std::fs::write(&f, lines.join("\n")).unwrap();
    let v = json_of(bin().args(["-o", "json"]).arg(&f));
    assert_eq!(v["pods"].as_array().unwrap().len(), 1);
    assert_eq!(v["pods"][0]["containers"][0]["stop_signal"], "SIGQUIT");
    assert_eq!(v["pods"][0]["containers"][0]["id"], full);
}
