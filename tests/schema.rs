//! The published JSON Schema (`docs/schema/podmortem-v1.json`) against every
//! JSON output the test suite can produce: `-o json` and `-o jsonl` over each
//! fixture directory and each fixture file, all of them together, stdin,
//! `--out`, filters, `check` and `audit`, and the JSON snapshots; plus broken
//! documents that must be rejected. Validation is the `jsonschema` crate's
//! (draft 2020-12, `format` checked), never hand checks.

use assert_cmd::Command;
use jsonschema::Validator;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The schema as published.
fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("docs/schema/podmortem-v1.json")).expect("docs/schema/podmortem-v1.json");
        serde_json::from_str(&text).expect("the schema is JSON")
    })
}

fn build(schema: &Value) -> Validator {
    jsonschema::draft202012::options().should_validate_formats(true).build(schema).expect("the schema compiles")
}

/// Validator of a whole `-o json` document.
fn document() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| build(schema()))
}

/// Validator of one `-o jsonl` line: the schema's `#/$defs/pod`.
fn pod_line() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| build(&json!({ "$schema": schema()["$schema"], "$defs": schema()["$defs"], "$ref": "#/$defs/pod" })))
}

/// Every error, with where it is, or `Ok`.
fn check(v: &Validator, instance: &Value) -> Result<(), String> {
    let errors: Vec<String> = v.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

fn podmortem(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("podmortem").unwrap().current_dir(root()).env("NO_COLOR", "1").args(args).output().unwrap()
}

/// Runs podmortem (exit 0, or `ok_codes`) and returns stdout.
fn stdout_of(args: &[&str], ok_codes: &[i32]) -> String {
    let out = podmortem(args);
    let code = out.status.code().unwrap_or(-1);
    assert!(code == 0 || ok_codes.contains(&code), "podmortem {args:?} exited {code}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Validates `-o json` and `-o jsonl` of `args`; returns how many Pods the document had.
fn validate_run(args: &[&str], ok_codes: &[i32]) -> usize {
    let mut json_args = vec!["-o", "json"];
    json_args.extend(args);
    let text = stdout_of(&json_args, ok_codes);
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{json_args:?}: not JSON: {e}"));
    if let Err(e) = check(document(), &doc) {
        panic!("podmortem {json_args:?} does not match the schema:\n{e}");
    }
    let mut line_args = vec!["-o", "jsonl"];
    line_args.extend(args);
    let lines = stdout_of(&line_args, ok_codes);
    for (i, line) in lines.lines().enumerate() {
        let pod: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line_args:?} line {}: not JSON: {e}", i + 1));
        if let Err(e) = check(pod_line(), &pod) {
            panic!("podmortem {line_args:?} line {} does not match #/$defs/pod:\n{e}", i + 1);
        }
    }
    let pods = doc["pods"].as_array().map_or(0, Vec::len);
    assert_eq!(lines.lines().count(), pods, "{args:?}: one jsonl line per Pod");
    pods
}

/// Every fixture directory (`fixtures/*/`).
fn fixture_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.strip_prefix(root()).unwrap().to_path_buf())
        .collect();
    dirs.sort();
    assert!(dirs.iter().any(|d| d.ends_with("real")) && dirs.iter().any(|d| d.ends_with("seed-article")));
    dirs
}

/// Every log file under `dir`, recursively (documentation and version files left out).
fn log_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root().join(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if !matches!(p.extension().and_then(|x| x.to_str()), Some("md" | "txt")) {
                out.push(p.strip_prefix(root()).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_schema_is_a_valid_draft_2020_12_schema() {
    assert_eq!(schema()["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::meta::validate(schema()).unwrap_or_else(|e| panic!("not a valid JSON Schema: {e}"));
}

#[test]
fn every_fixture_directory_matches() {
    let mut total = 0;
    for dir in fixture_dirs() {
        total += validate_run(&[s(&dir)], &[]);
    }
    assert!(total > 0, "the fixtures produce Pods");
}

#[test]
fn every_fixture_file_on_its_own_matches() {
    let files: Vec<PathBuf> = fixture_dirs().iter().flat_map(|d| log_files(d)).collect();
    assert!(files.len() >= 14, "{files:?}");
    std::thread::scope(|scope| {
        for chunk in files.chunks(files.len().div_ceil(4)) {
            scope.spawn(move || {
                for f in chunk {
                    validate_run(&[s(f)], &[]);
                }
            });
        }
    });
}

#[test]
fn all_real_excerpts_together_and_all_fixtures_together_match() {
    let real: Vec<PathBuf> = log_files(Path::new("fixtures/real"));
    let args: Vec<&str> = real.iter().map(|p| s(p)).collect();
    assert!(validate_run(&args, &[]) > 0);
    assert!(validate_run(&["fixtures"], &[]) > 0);
}

#[test]
fn stdin_filters_and_options_match() {
    let text = std::fs::read(root().join(&log_files(Path::new("fixtures/real"))[0])).unwrap();
    let out = Command::cargo_bin("podmortem").unwrap().args(["-o", "json", "-"]).write_stdin(text).output().unwrap();
    assert!(out.status.success());
    check(document(), &serde_json::from_slice(&out.stdout).unwrap()).unwrap();
    for args in [
        &["--pod", "default/term-demo", "fixtures/seed-article"][..],
        &["--pod", "no/such-pod", "fixtures/seed-article"],
        &["-n", "default", "--tz", "+09:00", "--year", "2026", "fixtures/seed-article"],
        &["--since", "2026-04-16T11:53:50Z", "fixtures/seed-article"],
    ] {
        validate_run(args, &[]);
    }
}

#[test]
fn out_file_matches() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("report.json");
    stdout_of(&["-o", "json", "--out", s(&f), "fixtures/seed-article"], &[]);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    check(document(), &doc).unwrap();
}

#[test]
fn check_and_audit_json_match() {
    for dir in fixture_dirs() {
        let mut args = vec!["check", "-o", "json", s(&dir)];
        check(document(), &serde_json::from_str(&stdout_of(&args, &[1])).unwrap()).unwrap_or_else(|e| panic!("{args:?}:\n{e}"));
        args[0] = "audit";
        check(document(), &serde_json::from_str(&stdout_of(&args, &[])).unwrap()).unwrap_or_else(|e| panic!("{args:?}:\n{e}"));
        args[2] = "jsonl";
        for line in stdout_of(&args, &[]).lines() {
            check(pod_line(), &serde_json::from_str(line).unwrap()).unwrap_or_else(|e| panic!("{args:?}:\n{e}"));
        }
    }
}

#[test]
fn json_snapshots_match() {
    let dir = root().join("tests/snapshots");
    let mut seen = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        // An insta snapshot: a `---` header, then the value.
        let Some(body) = text.splitn(3, "---\n").nth(2) else { continue };
        let Ok(v) = serde_json::from_str::<Value>(body) else { continue };
        if v.get("schema").is_some() {
            check(document(), &v).unwrap_or_else(|e| panic!("{}:\n{e}", p.display()));
            seen += 1;
        }
    }
    assert!(seen >= 1, "the seed JSON snapshot is checked");
}

/// A real document to break.
fn seed_document() -> Value {
    serde_json::from_str(&stdout_of(&["-o", "json", "fixtures/seed-article"], &[])).unwrap()
}

#[test]
fn broken_documents_are_rejected() {
    let good = seed_document();
    check(document(), &good).unwrap();
    type Break = fn(&mut Value);
    let breaks: [(&str, Break); 14] = [
        ("other schema version", |d| d["schema"] = json!("podmortem/v2")),
        ("missing summary", |d| drop(d.as_object_mut().unwrap().remove("summary"))),
        ("unknown top-level field", |d| d["extra"] = json!(1)),
        ("unknown stage", |d| d["pods"][0]["stages"][0]["stage"] = json!("deleted")),
        ("unknown outcome", |d| d["pods"][0]["outcome"] = json!("killed")),
        ("unknown finding kind", |d| d["pods"][1]["findings"][0]["kind"] = json!("sig_kill")),
        ("severity that is not the kind's", |d| d["pods"][1]["findings"][0]["severity"] = json!("info")),
        ("unknown deletion reason", |d| d["pods"][0]["deletion"]["reason"] = json!("drain")),
        ("time with an offset instead of UTC", |d| d["pods"][0]["stages"][0]["at"] = json!("2026-04-16T20:53:40+09:00")),
        ("time that is no date", |d| d["pods"][0]["stages"][0]["at"] = json!("2026-13-45T11:53:40Z")),
        ("missing nullable field", |d| drop(d["pods"][0].as_object_mut().unwrap().remove("uid"))),
        ("null where a value is required", |d| d["pods"][0]["outcome"] = Value::Null),
        ("source without a line", |d| d["pods"][0]["stages"][0]["source"] = json!("kubelet.log")),
        ("summary without a finding kind", |d| drop(d["summary"]["findings"].as_object_mut().unwrap().remove("sigkill"))),
    ];
    for (what, f) in breaks {
        let mut doc = good.clone();
        f(&mut doc);
        assert!(check(document(), &doc).is_err(), "accepted a document with {what}");
    }
}

#[test]
fn broken_jsonl_lines_are_rejected() {
    let good = seed_document()["pods"][0].clone();
    check(pod_line(), &good).unwrap();
    let mut bad = good.clone();
    bad["grace_period_s"] = json!("30s");
    assert!(check(pod_line(), &bad).is_err());
    assert!(check(pod_line(), &json!({"name": "web-0"})).is_err());
    assert!(check(pod_line(), &seed_document()).is_err(), "a whole document is not a Pod line");
}
