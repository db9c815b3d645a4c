//! `examples/front_end` (the floor under `audit` in `benches/compare.sh`)
//! reads the same files and lines as `audit`, so its time is a fair floor.

#[allow(dead_code)]
#[path = "../examples/front_end.rs"]
mod front_end;
#[allow(dead_code)]
#[path = "../examples/gen_archive.rs"]
mod gen_archive;

use assert_cmd::Command;
use serde_json::Value;

#[test]
fn front_end_reads_what_audit_reads() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("archive");
    gen_archive::run(&gen_archive::Args { out: out.clone(), pods: 40, seed: 3, nodes: 2, gzip: false }).unwrap();
    let root = out.to_string_lossy().into_owned();
    let stdout = Command::cargo_bin("podmortem").unwrap().args(["audit", "-o", "json", &root]).output().unwrap().stdout;
    let report: Value = serde_json::from_slice(&stdout).unwrap();
    let inputs = report["inputs"].as_array().unwrap();
    let lines: u64 = inputs.iter().map(|i| i["lines"].as_u64().unwrap()).sum();
    let counts = front_end::count(std::slice::from_ref(&root), false).unwrap();
    assert_eq!(counts.files, inputs.len() as u64);
    assert_eq!(counts.lines, lines);
    // The journal's repeats are not counted as relevant; most other lines are.
    assert!(counts.relevant > 0 && counts.relevant < counts.lines, "{counts:?}");
    assert_eq!(counts.facts, 0, "no parsing without --parse");
    // With the parsers: the same lines, and the facts they name are at
    // least the Pods `audit` reports (each one is named by some fact).
    let parsed = front_end::count(&[root], true).unwrap();
    assert_eq!((parsed.files, parsed.lines, parsed.relevant), (counts.files, counts.lines, counts.relevant));
    assert!(parsed.facts >= report["pods"].as_array().unwrap().len() as u64, "{parsed:?}");
}
