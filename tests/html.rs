//! `-o html` without a browser: one self-contained file, its CSP matching its
//! own script and style, hostile names kept as data; and the text lane chart
//! of `--pod`. (`tests/html_browser.rs` runs the page in Chromium.)

use assert_cmd::Command;
use podmortem::model::{Report, Summary, SCHEMA};
use podmortem::report::html;
use serde_json::Value;

fn podmortem(args: &[&str]) -> String {
    let out = Command::cargo_bin("podmortem")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .args(args)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The text between `open` and the next `close`.
fn between<'a>(s: &'a str, open: &str, close: &str) -> &'a str {
    let start = s.find(open).unwrap_or_else(|| panic!("no {open}")) + open.len();
    &s[start..start + s[start..].find(close).unwrap_or_else(|| panic!("no {close} after {open}"))]
}

fn csp_hash(text: &str) -> String {
    format!("'{}'", html::csp_source(text))
}

#[test]
fn html_report_is_one_self_contained_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("report.html");
    let printed = podmortem(&["-o", "html", "--out", out.to_str().expect("path"), "fixtures/seed-article"]);
    assert!(printed.is_empty(), "--out writes the file, not stdout");
    let page = std::fs::read_to_string(&out).expect("report written");
    assert!(page.starts_with("<!DOCTYPE html>"));
    for external in ["<link", "<iframe", "<img", "@import", "url(", " src=", "href=\"http", "https://"] {
        assert!(!page.contains(external), "the page refers to something outside itself: {external}");
    }
    let http: Vec<&str> = page.match_indices("http://").map(|(i, _)| &page[i..i + 26]).collect();
    assert!(http.iter().all(|h| *h == "http://www.w3.org/2000/svg"), "only the SVG namespace name: {http:?}");

    let csp = between(&page, "<meta http-equiv=\"Content-Security-Policy\" content=\"", "\"");
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    let script = between(&page, "<script>", "</script>");
    let style = between(&page, "<style>", "</style>");
    assert!(csp.contains(&format!("script-src {}", csp_hash(script))), "CSP does not allow the page's own script");
    assert!(csp.contains(&format!("style-src {}", csp_hash(style))), "CSP does not allow the page's own style");

    let data: Value = serde_json::from_str(between(&page, "<script type=\"application/json\" id=\"pm-data\">", "</script>")).expect("data");
    let pods = data["pods"].as_array().expect("pods");
    assert_eq!(pods.len(), 2);
    assert_eq!(pods[0]["n"], "default/term-demo");
    assert_eq!(pods[0]["o"], "graceful");
    assert_eq!(pods[0]["dl"], 30.0);
    assert!((pods[0]["mg"].as_f64().unwrap_or(0.0) - 21.575).abs() < 0.01);
    assert_eq!(pods[1]["o"], "sigkill");
    assert_eq!(pods[1]["ln"].as_array().map(Vec::len), Some(8), "eight lanes");
}

#[test]
fn html_goes_to_stdout_without_out() {
    let page = podmortem(&["-o", "html", "fixtures/seed-article"]);
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
}

#[test]
fn hostile_names_stay_data() {
    let page = podmortem(&["-o", "html", "fixtures/hostile-names"]);
    let block = between(&page, "<script type=\"application/json\" id=\"pm-data\">", "</script>");
    assert!(!block.contains('<') && !block.contains('>') && !block.contains('&'), "raw markup characters in the data block");
    assert!(!block.contains('\u{2028}') && !block.contains('\u{2029}'));
    let data: Value = serde_json::from_str(block).expect("data parses");
    let names: Vec<&str> = data["pods"].as_array().expect("pods").iter().filter_map(|p| p["n"].as_str()).collect();
    assert_eq!(names, vec!["default/<script>alert(1)</script>", "default/x\"'><img/src=x/onerror=alert(2)>&amp;</svg>"]);
    let text = serde_json::to_string(&data).expect("json");
    assert!(text.contains("\\\\u{1b}[31m</svg><img src=x onerror=document.title=1>"), "terminal escapes shown, payload kept as text");
    assert!(!text.contains("\\u001b"), "no raw escape characters reach the page");
    assert!(text.contains("app</title><svg onload=alert(3)>"));
    // Outside the data block the payloads only appear escaped.
    let outside = page.replace(block, "");
    for raw in ["<script>alert", "<img", "<svg onload", "onerror=alert"] {
        assert!(!outside.contains(raw), "{raw} copied raw into the page");
    }
}

#[test]
fn escaping_covers_text_and_attributes() {
    assert_eq!(html::escape("<a href=\"x\" title='y'>&</a>"), "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    assert_eq!(html::script_json("\"</script>\u{2029}\""), "\"\\u003c/script\\u003e\\u2029\"");
}

#[test]
fn an_empty_report_still_renders() {
    let report = Report {
        schema: SCHEMA,
        inputs: Vec::new(),
        pods: Vec::new(),
        summary: Summary::of(&[]),
        warnings: vec!["no input".into()],
        node_dirs: Vec::new(),
    };
    let page = html::render(&report, None);
    assert!(page.contains("How 0 Pods stopped") && page.contains("No delete → exit durations to plot.") && page.contains("no input"));
}

// ------------------------------------------------------------------ --pod text chart

fn lane<'a>(view: &'a str, label: &str) -> &'a str {
    view.lines().find(|l| l.starts_with(label)).unwrap_or_else(|| panic!("no lane {label} in\n{view}"))
}

#[test]
fn pod_view_draws_a_lane_chart_against_the_deadline() {
    let view = podmortem(&["--color", "never", "--pod", "default/term-demo-ignore", "fixtures/seed-article"]);
    assert!(!view.contains('\u{1b}'), "no colour with --color never");
    assert!(view.contains("still running at the 10s grace deadline: SIGKILLed at +12.0s, 2.0s past it"));
    let lanes = ["delete", "endpoint", "preStop", "signal → exit", "SIGKILL", "sandbox/network", "volumes", "removal"];
    let rows: Vec<&str> = lanes.iter().map(|l| lane(&view, l)).collect();
    let deadline: Vec<usize> = rows.iter().map(|r| r.chars().position(|c| c == '|').expect("deadline column")).collect();
    assert!(deadline.windows(2).all(|w| w[0] == w[1]), "one deadline column: {deadline:?}");
    let kill = rows[4].chars().position(|c| c == '✕').expect("SIGKILL mark");
    assert!(kill > deadline[0], "SIGKILL after the deadline:\n{view}");
    assert!(rows[3].contains('━') && rows[3].ends_with("SIGTERM → exit 137 after 10.0s"));
    assert!(rows[1].ends_with("not seen"));
    let plot = rows[0].chars().count() - "delete, grace 10s".len();
    assert!(plot <= 17 + 60 + 2, "axis about 60 columns wide:\n{view}");
    assert!(view.contains("| = grace deadline (+10.0s)"));

    let graceful = podmortem(&["--color", "never", "--pod", "default/term-demo", "fixtures/seed-article"]);
    assert!(graceful.contains("stopped 8.4s after the delete, 21.6s before the 30s grace deadline"));
    let exit: Vec<char> = lane(&graceful, "signal → exit").chars().collect();
    let bar = exit.iter().position(|c| *c == '|').expect("deadline");
    let last_mark = exit[..bar].iter().rposition(|c| *c == '●').expect("exit mark");
    assert!(bar - last_mark > 30, "the exit well before the deadline (22 of 30 s):\n{graceful}");
}

#[test]
fn pod_view_colours_only_when_asked_and_never_passes_escapes() {
    let coloured = podmortem(&["--color", "always", "--pod", "default/term-demo-ignore", "fixtures/seed-article"]);
    assert!(coloured.contains("\u{1b}[31m|\u{1b}[0m"), "red deadline");
    assert!(coloured.contains("\u{1b}[31mstill running"), "red verdict");
    let hostile = podmortem(&["--color", "never", "--pod", "default/<script>alert(1)</script>", "fixtures/hostile-names"]);
    assert!(!hostile.contains('\u{1b}') && !hostile.contains('\u{7}'), "escape sequences from the log reached the terminal");
    assert!(hostile.contains("\\u{1b}[31m</svg>"), "shown escaped instead");
    assert!(lane(&hostile, "signal → exit").contains('○'), "the app's own line is marked");
}
