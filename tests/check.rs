//! `podmortem check`, the CI gate: every exit code and option, on recorded
//! logs with and without SIGKILLs. The JUnit output is read back with a real
//! JUnit consumer (the `junit-parser` crate), not compared as text.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn bin() -> Command {
    let mut c = Command::cargo_bin("podmortem").unwrap();
    c.env_remove("GITHUB_STEP_SUMMARY").env_remove("NO_COLOR").env("COLUMNS", "200");
    c
}

/// Paths as the tests pass them (relative to the crate, like a CI job's
/// workspace), so evidence `path:line` can be opened from the crate root.
fn fixture(rel: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    assert!(root.join(rel).exists(), "missing fixture {rel}");
    rel.to_string()
}

/// Clean: one Pod, SIGQUIT, exit 0.
fn clean() -> String {
    fixture("fixtures/real/04-aks-nginx-delete-sigquit.log")
}

/// The seed article's kind export: `default/term-demo` graceful,
/// `default/term-demo-ignore` SIGKILLed (sigkill + grace_overrun).
fn seed() -> String {
    fixture("fixtures/seed-article")
}

/// Another node: `default/liveness-exec` SIGKILLed after a liveness probe failure.
fn liveness() -> String {
    fixture("fixtures/real/05-aks-liveness-probe-kill.log")
}

/// `hosted-grafana/hosted-grafana-api-7b6bd9b949-9csb4` exited 1 (nonzero_exit).
fn exit1() -> String {
    fixture("fixtures/real/16-loki-journald-reverse-order-multinode-exit1.log")
}

fn check() -> Command {
    let mut c = bin();
    c.current_dir(env!("CARGO_MANIFEST_DIR")).args(["check", "--color", "never"]);
    c
}

fn stdout_of(c: &mut Command, code: i32) -> String {
    let out = c.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn analyze_json(paths: &[String]) -> Value {
    let out = bin().current_dir(env!("CARGO_MANIFEST_DIR")).args(["analyze", "-o", "json"]).args(paths).output().unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

fn write_json(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    p
}

// ------------------------------------------------------------- exit codes

#[test]
fn clean_logs_exit_0() {
    let out = stdout_of(check().arg(clean()), 0);
    assert!(out.contains("default/nginx"), "{out}");
    assert!(out.contains("check: OK — no failing findings in 1 Pod"), "{out}");
}

#[test]
fn sigkill_exits_1_with_a_verdict_and_the_evidence() {
    let out = stdout_of(check().arg(seed()), 1);
    assert!(out.contains("check: FAILED — 2 failing findings in 1 Pod (sigkill ×1, grace_overrun ×1)"), "{out}");
    assert!(out.contains("FAIL  default/term-demo-ignore  sigkill (app):"), "{out}");
    // The decisive line (Kill container) comes first, then the stop request.
    assert!(out.contains("    evidence: fixtures/seed-article/kind-control-plane/containerd.log:33, "), "{out}");
    assert!(out.contains("fixtures/seed-article/kind-control-plane/containerd.log:31"), "{out}");
    assert!(!out.contains("FAIL  default/term-demo "), "the graceful Pod does not fail: {out}");
}

#[test]
fn missing_input_exits_2_naming_it() {
    check()
        .arg("no/such/kind-logs")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no/such/kind-logs").and(predicate::str::contains("no such file")));
}

#[test]
fn directory_without_logs_exits_2() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("kind-worker")).unwrap();
    check().arg(d.path()).assert().code(2).stdout("").stderr(predicate::str::contains("no log files"));
}

#[test]
fn binary_input_exits_2_even_next_to_a_sigkill() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("core.bin");
    std::fs::write(&f, b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00").unwrap();
    check().arg(seed()).arg(&f).assert().code(2).stderr(predicate::str::contains("core.bin"));
}

#[test]
fn no_path_is_a_usage_error() {
    check().assert().code(2);
}

#[test]
fn unknown_kinds_exit_2_naming_them() {
    let out = check().args(["--fail-on", "sigkill,sigkil", &seed()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--fail-on: unknown finding kind \"sigkil\""), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    check()
        .args(["--warn-on", "oom", &clean()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--warn-on: unknown finding kind \"oom\""));
}

// ------------------------------------------------------------- --fail-on / --warn-on

#[test]
fn fail_on_narrows_and_widens_the_gate() {
    stdout_of(check().args(["--fail-on", "oom_killed", &seed()]), 0);
    stdout_of(check().args(["--fail-on", "grace_overrun", &seed()]), 1);
    stdout_of(check().args(["--fail-on", "", &seed()]), 0);
    // nonzero_exit is not in the default set …
    stdout_of(check().arg(exit1()), 0);
    // … but can be added.
    let out = stdout_of(check().args(["--fail-on", "sigkill,nonzero_exit", &exit1()]), 1);
    assert!(out.contains("(nonzero_exit ×1)"), "{out}");
}

#[test]
fn warn_on_reports_without_failing_and_wins_over_fail_on() {
    let out = stdout_of(check().args(["--warn-on", "sigkill,grace_overrun", &seed()]), 0);
    assert!(out.contains("WARN  default/term-demo-ignore  sigkill (app)"), "{out}");
    assert!(out.contains("check: OK — no failing findings in 2 Pods; 2 warnings"), "{out}");
    let out = stdout_of(check().args(["--warn-on", "grace_overrun", &seed()]), 1);
    assert!(out.contains("check: FAILED — 1 failing finding in 1 Pod (sigkill ×1); 1 warning"), "{out}");
}

// ------------------------------------------------------------- --allow / --allow-file

#[test]
fn allow_silences_a_known_offender() {
    let out = stdout_of(check().args(["--allow", "default/term-demo-ignore", &seed()]), 0);
    assert!(out.contains("allowed  default/term-demo-ignore (--allow default/term-demo-ignore): sigkill (app)"), "{out}");
    assert!(out.contains("1 Pod allowed"), "{out}");
    stdout_of(check().args(["--allow", "default/*", &seed()]), 0);
    stdout_of(check().args(["--allow", "term-demo-*", &seed()]), 0);
    stdout_of(check().args(["--allow", "kube-system/*", "--allow", "other/term-demo-ignore", &seed()]), 1);
    // The allowed Pod is exempt, the other offender still fails.
    let out = stdout_of(check().args(["--allow", "default/term-demo-*", &seed(), &liveness()]), 1);
    assert!(out.contains("1 failing finding in 1 Pod (sigkill ×1)"), "{out}");
}

#[test]
fn allow_file_with_comments() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("allow.txt");
    std::fs::write(&f, "# known offenders, see issue 12\n\nkube-system/*\ndefault/term-demo-ignore   # ignores SIGTERM on purpose\n")
        .unwrap();
    stdout_of(check().arg("--allow-file").arg(&f).arg(seed()), 0);
    std::fs::write(&f, "kube-system/*\n").unwrap();
    stdout_of(check().arg("--allow-file").arg(&f).arg(seed()), 1);
}

#[test]
fn bad_allow_inputs_exit_2() {
    check().args(["--allow", "default/[", &seed()]).assert().code(2).stderr(predicate::str::contains("--allow: invalid glob"));
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("allow.txt");
    std::fs::write(&f, "# ok\ndefault/{a,b\n").unwrap();
    check().arg("--allow-file").arg(&f).arg(seed()).assert().code(2).stderr(predicate::str::contains("allow.txt:2: invalid glob"));
    check()
        .arg("--allow-file")
        .arg(d.path().join("missing.txt"))
        .arg(seed())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.txt"));
}

// ------------------------------------------------------------- --max-stop-seconds

#[test]
fn max_stop_seconds_fails_slow_pods() {
    // nginx: delete → exit 0.1 s.
    let out = stdout_of(check().args(["--max-stop-seconds", "0.05", &clean()]), 1);
    assert!(out.contains("FAIL  default/nginx  max_stop_seconds:"), "{out}");
    assert!(out.contains("(max_stop_seconds ×1)"), "{out}");
    stdout_of(check().args(["--max-stop-seconds", "5", &clean()]), 0);
    // term-demo 8.4 s, term-demo-ignore 12.0 s, with the findings out of the way.
    let out = stdout_of(check().args(["--fail-on", "", "--max-stop-seconds", "10", &seed()]), 1);
    assert!(out.contains("1 failing finding in 1 Pod (max_stop_seconds ×1)"), "{out}");
    assert!(out.contains("default/term-demo-ignore  max_stop_seconds"), "{out}");
    stdout_of(check().args(["--fail-on", "", "--max-stop-seconds", "13", &seed()]), 0);
    let out = stdout_of(check().args(["--fail-on", "", "--max-stop-seconds", "5", &seed()]), 1);
    assert!(out.contains("2 failing findings in 2 Pods (max_stop_seconds ×2)"), "{out}");
}

#[test]
fn max_stop_seconds_must_be_a_duration() {
    check().args(["--max-stop-seconds=-1", &seed()]).assert().code(2).stderr(predicate::str::contains("--max-stop-seconds"));
    check().args(["--max-stop-seconds", "soon", &seed()]).assert().code(2);
}

// ------------------------------------------------------------- output formats

#[test]
fn json_output_is_the_plain_report_and_the_verdict_goes_to_stderr() {
    let out = check().args(["-o", "json", &seed()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got, analyze_json(&[seed()]), "check -o json adds nothing to the podmortem/v1 report");
    assert!(String::from_utf8_lossy(&out.stderr).contains("check: FAILED"));
}

#[test]
fn out_file_gets_the_report_and_stderr_the_verdict() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("check.txt");
    check().arg("--out").arg(&f).arg(seed()).assert().code(1).stdout("").stderr(predicate::str::contains("check: FAILED"));
    assert!(std::fs::read_to_string(&f).unwrap().contains("check: FAILED — 2 failing findings"));
}

// ------------------------------------------------------------- --junit

fn junit(args: &[&str], code: i32) -> (junit_parser::TestSuites, String) {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("podmortem.xml");
    check().arg("--junit").arg(&f).args(args).assert().code(code);
    let xml = std::fs::read_to_string(&f).unwrap();
    let doc = junit_parser::from_reader(std::io::Cursor::new(xml.as_bytes())).expect("junit-parser reads the report");
    (doc, xml)
}

fn case<'a>(doc: &'a junit_parser::TestSuites, name: &str) -> &'a junit_parser::TestCase {
    doc.suites.iter().flat_map(|s| s.cases.iter()).find(|c| c.original_name == name).unwrap_or_else(|| panic!("no testcase {name}"))
}

/// The attribute counts agree with what the consumer finds in the cases.
fn assert_counts_consistent(doc: &junit_parser::TestSuites) {
    let mut total = (0, 0, 0);
    for s in &doc.suites {
        let tests = s.cases.len() as u64;
        let failures = s.cases.iter().filter(|c| c.status.is_failure()).count() as u64;
        let skipped = s.cases.iter().filter(|c| c.status.is_skipped()).count() as u64;
        assert_eq!((s.tests, s.failures, s.skipped, s.errors), (tests, failures, skipped, 0), "suite {}", s.name);
        total = (total.0 + tests, total.1 + failures, total.2 + skipped);
    }
    assert_eq!((doc.tests, doc.failures, doc.skipped, doc.errors), (total.0, total.1, total.2, 0));
}

/// `(type, body)` of every `<failure>` of a test case, read with an XML parser
/// (the consumer above keeps one status per case).
fn failures_of(xml: &str, testcase: &str) -> Vec<(String, String)> {
    use quick_xml::events::Event;
    use quick_xml::XmlVersion;
    let mut r = quick_xml::Reader::from_str(xml);
    let (mut inside, mut current, mut found) = (false, None::<(String, String)>, Vec::new());
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) if e.name().as_ref() == b"testcase" => {
                inside =
                    e.try_get_attribute("name").unwrap().is_some_and(|a| a.normalized_value(XmlVersion::Implicit1_0).unwrap() == testcase);
            }
            Event::Start(e) if inside && e.name().as_ref() == b"failure" => {
                let kind = e.try_get_attribute("type").unwrap().unwrap().normalized_value(XmlVersion::Implicit1_0).unwrap().to_string();
                current = Some((kind, String::new()));
            }
            Event::Text(t) => {
                if let Some((_, body)) = current.as_mut() {
                    body.push_str(&t.decode().unwrap());
                }
            }
            Event::CData(t) => {
                if let Some((_, body)) = current.as_mut() {
                    body.push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, body)) = current.as_mut() {
                    let name = r.decode().unwrap();
                    body.push_str(quick_xml::escape::resolve_predefined_entity(&name).unwrap_or("?"));
                }
            }
            Event::End(e) if e.name().as_ref() == b"failure" => found.extend(current.take()),
            Event::End(e) if e.name().as_ref() == b"testcase" => inside = false,
            Event::Eof => break,
            _ => {}
        }
    }
    found
}

#[test]
fn junit_one_suite_per_node_one_case_per_pod() {
    let (doc, xml) = junit(&[&seed()], 1);
    assert_counts_consistent(&doc);
    assert_eq!((doc.tests, doc.failures, doc.errors, doc.skipped), (2, 1, 0, 0));
    assert_eq!(doc.suites.len(), 1);
    assert_eq!(doc.suites[0].name, "kind-control-plane");
    let ok = case(&doc, "term-demo");
    assert!(ok.status.is_success());
    assert_eq!(ok.classname.as_deref(), Some("default"));
    assert!((ok.time - 8.4).abs() < 0.1, "time is delete → exit: {}", ok.time);
    let bad = case(&doc, "term-demo-ignore");
    assert!(bad.status.is_failure());
    assert_eq!(bad.classname.as_deref(), Some("default"));
    let failures = failures_of(&xml, "term-demo-ignore");
    let kinds: Vec<&str> = failures.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["sigkill", "grace_overrun"]);
    assert!(failures[0].1.contains("fixtures/seed-article/kind-control-plane/containerd.log:33"), "{}", failures[0].1);
    assert!(failures[1].1.contains("fixtures/seed-article/kind-control-plane/kubelet.log:3810"), "{}", failures[1].1);
}

#[test]
fn junit_several_nodes_with_allowed_and_warning_pods() {
    let (doc, _) = junit(&["--warn-on", "probe_kill", "--allow", "default/term-demo-ignore", &seed(), &liveness(), &clean()], 1);
    assert_counts_consistent(&doc);
    assert_eq!((doc.tests, doc.failures, doc.errors, doc.skipped), (4, 1, 0, 1));
    let mut nodes: Vec<&str> = doc.suites.iter().map(|s| s.name.as_str()).collect();
    nodes.sort();
    assert_eq!(nodes, ["aks-nodepool1-29985679-vmss00000A", "aks-np2-39852331-vmss000000", "kind-control-plane"]);
    assert!(case(&doc, "term-demo-ignore").status.is_skipped());
    let live = case(&doc, "liveness-exec");
    assert_eq!(live.status.failure_as_ref().failure_type, "sigkill");
    assert!(live.system_out.as_deref().unwrap_or("").contains("WARN: probe_kill"), "{:?}", live.system_out);
    assert!(case(&doc, "nginx").status.is_success());
}

#[test]
fn junit_clean_run() {
    let (doc, _) = junit(&[&clean()], 0);
    assert_counts_consistent(&doc);
    assert_eq!((doc.tests, doc.failures, doc.skipped), (1, 0, 0));
}

#[test]
fn junit_unwritable_file_exits_2() {
    check()
        .args(["--junit", "no/such/dir/podmortem.xml", &seed()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/dir/podmortem.xml"));
}

// ------------------------------------------------------------- --github

/// `(level, file, line, title, message)` of each workflow command in `out`.
fn annotations(out: &str) -> Vec<(String, String, usize, String, String)> {
    out.lines()
        .filter_map(|l| l.strip_prefix("::"))
        .map(|l| {
            let (head, message) = l.split_once("::").unwrap();
            let (level, props) = head.split_once(' ').unwrap();
            let prop = |k: &str| props.split(',').find_map(|p| p.strip_prefix(&format!("{k}="))).unwrap_or("").to_string();
            let line = prop("line").parse().unwrap_or(0);
            (level.to_string(), prop("file"), line, prop("title"), message.replace("%0A", "\n").replace("%25", "%"))
        })
        .collect()
}

fn line_of(file: &str, n: usize) -> String {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    text.lines().nth(n - 1).unwrap_or_else(|| panic!("{file} has no line {n}")).to_string()
}

#[test]
fn github_annotations_point_at_the_evidence_lines() {
    let out = stdout_of(check().args(["--github", &seed()]), 1);
    let anns = annotations(&out);
    assert_eq!(anns.len(), 2, "{out}");
    for (level, file, line, title, message) in &anns {
        assert_eq!(level, "error");
        assert!(message.contains(&format!("{file}:{line}")), "anchored at one of its evidence lines: {message}");
        assert!(message.starts_with("default/term-demo-ignore: container app"), "{message}");
        assert!(title.starts_with("podmortem "), "{title}");
        // Every evidence line it lists is a real line of the input about this container or Pod.
        let evidence = message.split("evidence: ").nth(1).unwrap();
        for ev in evidence.split(", ") {
            let (f, n) = ev.rsplit_once(':').unwrap();
            let text = line_of(f, n.parse().unwrap());
            assert!(text.contains("71d2a55816a9") || text.contains("term-demo-ignore"), "{ev}: {text}");
        }
    }
    let (_, file, line, title, message) = &anns[0];
    assert_eq!(title, "podmortem sigkill");
    // The annotation sits on the decisive line: Kill container.
    assert_eq!((file.as_str(), *line), ("fixtures/seed-article/kind-control-plane/containerd.log", 33));
    assert!(line_of(file, *line).contains("Kill container"), "{}", line_of(file, *line));
    let stop = message.split("evidence: ").nth(1).unwrap().split(", ").nth(1).unwrap();
    assert_eq!(stop, "fixtures/seed-article/kind-control-plane/containerd.log:31");
    assert!(line_of("fixtures/seed-article/kind-control-plane/containerd.log", 31).contains("StopContainer for \\\"71d2a55816a9"));
    let (_, file, line, title, _) = &anns[1];
    assert_eq!(title, "podmortem grace_overrun");
    assert!(line_of(file, *line).contains("SyncLoop DELETE"), "{}", line_of(file, *line));
}

#[test]
fn github_warnings_and_known_problems() {
    let out = stdout_of(check().args(["--github", "--warn-on", "probe_kill", &liveness()]), 1);
    let levels: Vec<String> = annotations(&out).into_iter().map(|a| format!("{} {}", a.0, a.3)).collect();
    assert_eq!(levels, ["error podmortem sigkill", "warning podmortem probe_kill"], "{out}");
    let d = tempfile::tempdir().unwrap();
    let base = write_json(d.path(), "base.json", &analyze_json(&[liveness()]));
    let out = stdout_of(check().args(["--github", "--baseline", base.to_str().unwrap(), &liveness()]), 0);
    let a = annotations(&out);
    assert_eq!((a[0].0.as_str(), a[0].3.as_str()), ("notice", "podmortem sigkill (known%2C baseline)"));
}

#[test]
fn github_with_json_output_keeps_stdout_parseable() {
    let out = check().args(["--github", "-o", "json", &seed()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    serde_json::from_slice::<Value>(&out.stdout).expect("stdout is only the JSON report");
    assert_eq!(annotations(&String::from_utf8_lossy(&out.stderr)).len(), 2);
}

#[test]
fn github_step_summary_is_appended() {
    let d = tempfile::tempdir().unwrap();
    let summary = d.path().join("step_summary.md");
    std::fs::write(&summary, "# e2e\n\nearlier step's summary\n").unwrap();
    for _ in 0..2 {
        check().env("GITHUB_STEP_SUMMARY", &summary).args(["--github", &seed()]).assert().code(1);
    }
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("# e2e\n\nearlier step's summary\n"), "{md}");
    assert_eq!(md.matches("## podmortem check").count(), 2, "{md}");
    assert!(md.contains("**check: FAILED — 2 failing findings in 1 Pod (sigkill ×1, grace_overrun ×1)**"), "{md}");
    assert!(md.contains("| **fail** | default/term-demo-ignore | sigkill |"), "{md}");
    assert!(md.contains("| default/term-demo | kind-control-plane |"), "the Pod table: {md}");
}

#[test]
fn no_step_summary_without_github() {
    let d = tempfile::tempdir().unwrap();
    let summary = d.path().join("step_summary.md");
    check().env("GITHUB_STEP_SUMMARY", &summary).arg(seed()).assert().code(1).stdout(predicate::str::contains("::error").not());
    assert!(!summary.exists());
}

// ------------------------------------------------------------- --baseline

#[test]
fn baseline_passes_on_old_problems_and_fails_on_a_new_one() {
    let d = tempfile::tempdir().unwrap();
    let base = write_json(d.path(), "last-green.json", &analyze_json(&[seed()]));
    let base = base.to_str().unwrap();
    let out = stdout_of(check().args(["--baseline", base, &seed()]), 0);
    assert!(out.contains("known (baseline)  default/term-demo-ignore  sigkill (app)"), "{out}");
    assert!(out.contains("check: OK — no failing findings in 2 Pods; 2 known (baseline)"), "{out}");
    // A new SIGKILL on another node fails; the old ones stay known.
    let out = stdout_of(check().args(["--baseline", base, &seed(), &liveness()]), 1);
    assert!(out.contains("check: FAILED — 1 failing finding in 1 Pod (sigkill ×1); 2 known (baseline)"), "{out}");
    assert!(out.contains("FAIL  default/liveness-exec  sigkill"), "{out}");
    // A new kind on a known Pod fails too.
    let mut v = analyze_json(&[seed()]);
    let findings =
        v["pods"].as_array_mut().unwrap().iter_mut().find(|p| p["name"] == "term-demo-ignore").unwrap()["findings"].as_array_mut().unwrap();
    findings.retain(|f| f["kind"] != "grace_overrun");
    let base2 = write_json(d.path(), "older.json", &v);
    let out = stdout_of(check().arg("--baseline").arg(&base2).arg(seed()), 1);
    assert!(out.contains("(grace_overrun ×1); 1 known (baseline)"), "{out}");
}

#[test]
fn baseline_matches_workloads_across_replicaset_hashes() {
    let d = tempfile::tempdir().unwrap();
    let mut v = analyze_json(&[exit1()]);
    assert_eq!(v["pods"][0]["name"], "hosted-grafana-api-7b6bd9b949-9csb4");
    // The previous e2e run had another ReplicaSet hash and Pod suffix.
    v["pods"][0]["name"] = "hosted-grafana-api-5d4f8c7b9d-x2k7q".into();
    v["pods"][0]["uid"] = "00000000-0000-0000-0000-000000000000".into();
    let base = write_json(d.path(), "renamed.json", &v);
    let args = ["--fail-on", "nonzero_exit", "--baseline", base.to_str().unwrap()];
    stdout_of(check().args(args).arg(exit1()), 0);
    // Same workload in another namespace is another workload.
    v["pods"][0]["namespace"] = "staging".into();
    let base = write_json(d.path(), "other-ns.json", &v);
    stdout_of(check().args(["--fail-on", "nonzero_exit", "--baseline", base.to_str().unwrap()]).arg(exit1()), 1);
    // Another container of the same workload is another problem.
    v["pods"][0]["namespace"] = "hosted-grafana".into();
    v["pods"][0]["findings"][0]["container"] = "sidecar".into();
    let base = write_json(d.path(), "other-container.json", &v);
    stdout_of(check().args(["--fail-on", "nonzero_exit", "--baseline", base.to_str().unwrap()]).arg(exit1()), 1);
}

#[test]
fn baseline_covers_max_stop_seconds() {
    let d = tempfile::tempdir().unwrap();
    let base = write_json(d.path(), "base.json", &analyze_json(&[seed()]));
    let base = base.to_str().unwrap();
    // Both Pods were over 5 s in the baseline too (8.4 s and 12.0 s): known.
    let out = stdout_of(check().args(["--max-stop-seconds", "5", "--baseline", base, &seed()]), 0);
    assert!(out.contains("known (baseline)  default/term-demo  max_stop_seconds"), "{out}");
    assert!(out.contains("4 known (baseline)"), "{out}");
    // nginx (0.1 s) was not in the baseline: new.
    let out = stdout_of(check().args(["--max-stop-seconds", "0.05", "--baseline", base, &seed(), &clean()]), 1);
    assert!(out.contains("1 failing finding in 1 Pod (max_stop_seconds ×1); 4 known (baseline)"), "{out}");
    assert!(out.contains("FAIL  default/nginx  max_stop_seconds"), "{out}");
}

#[test]
fn bad_baselines_exit_2() {
    let d = tempfile::tempdir().unwrap();
    check().args(["--baseline", "no/such/base.json", &seed()]).assert().code(2).stderr(predicate::str::contains("no/such/base.json"));
    let f = d.path().join("base.json");
    std::fs::write(&f, "not json").unwrap();
    check().arg("--baseline").arg(&f).arg(seed()).assert().code(2).stderr(predicate::str::contains("not a `podmortem -o json` report"));
    std::fs::write(&f, r#"{"schema":"podmortem/v0","pods":[]}"#).unwrap();
    check().arg("--baseline").arg(&f).arg(seed()).assert().code(2).stderr(predicate::str::contains("podmortem/v0"));
}
