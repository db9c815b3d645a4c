//! Snapshot tests: the table, the per-Pod view and the JSON of the seed
//! fixture, so any change in what users see is reviewed (`cargo insta review`).

use assert_cmd::Command;

fn run(args: &[&str]) -> String {
    let out = Command::cargo_bin("podmortem")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn seed_article_table() {
    insta::assert_snapshot!(run(&["fixtures/seed-article"]));
}

#[test]
fn seed_article_wide() {
    insta::assert_snapshot!(run(&["-o", "wide", "fixtures/seed-article"]));
}

#[test]
fn seed_article_pod_views() {
    insta::assert_snapshot!(run(&["--pod", "default/term-demo", "--pod", "default/term-demo-ignore", "fixtures/seed-article"]));
}

#[test]
fn seed_article_json() {
    let v: serde_json::Value = serde_json::from_str(&run(&["-o", "json", "fixtures/seed-article"])).unwrap();
    insta::assert_json_snapshot!(v);
}
