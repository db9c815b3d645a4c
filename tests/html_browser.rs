//! The HTML report (`-o html`) in a real headless Chromium: the page's own
//! script must run without errors, draw what the report says, keep hostile
//! names as text, and stay small and fast for a 2,000-Pod audit.
//!
//! Chromium is required (Debian's `chromium`; `.ci/run` installs it, or set
//! `PODMORTEM_CHROMIUM`): without it these tests fail, they never skip.
//! Screenshots are kept in `target/test-artifacts/`.

use assert_cmd::Command;
use podmortem::model::{ContainerReport, Deletion, Finding, FindingKind, Outcome, PodReport, Report, Stage, StageReport, Summary, SCHEMA};
use podmortem::time::Instant;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant as Clock};

// ------------------------------------------------------------------ Chromium

/// The Chromium binary: `PODMORTEM_CHROMIUM`, else the first of the usual names on the PATH.
fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("PODMORTEM_CHROMIUM") {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "headless Chromium is required for the HTML report tests and was not found on the PATH \
         (tried chromium, chromium-browser, google-chrome, google-chrome-stable): install Debian's `chromium` \
         (`apt-get install chromium`, as .ci/run does) or set PODMORTEM_CHROMIUM=/path/to/chrome"
    );
}

/// One Chromium at a time: the render-time test must not share the CPU with the others.
static CHROMIUM: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs headless Chromium on a local page with `extra` arguments; returns
/// stdout. Fails on any console message (errors, CSP violations, blocked loads).
fn run_chromium(page: &Path, fragment: &str, extra: &[String]) -> String {
    let _one_at_a_time = CHROMIUM.lock().unwrap_or_else(|e| e.into_inner());
    let profile = tempfile::tempdir().expect("temp profile dir");
    let url = format!("file://{}{fragment}", page.canonicalize().expect("page path").display());
    let mut cmd = std::process::Command::new(chromium());
    cmd.args([
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        "--virtual-time-budget=5000",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(extra)
    .arg(url)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium().display()));
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let log = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let started = Clock::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("headless Chromium did not finish within 120 s on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = reader.join().unwrap_or_default();
    let log = log.join().unwrap_or_default();
    let status = child.wait().expect("status");
    assert!(status.success(), "chromium failed ({status}) on {}:\n{log}", page.display());
    // Console messages (script errors, CSP violations, blocked loads) are logged as `…:CONSOLE…`.
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "browser console messages on {}:\n{}", page.display(), console.join("\n"));
    out
}

/// The DOM after the page's script ran.
fn dump_dom(page: &Path) -> String {
    dump_dom_at(page, "")
}

/// The DOM after the page's script ran, opened at `#fragment` (or `""`).
fn dump_dom_at(page: &Path, fragment: &str) -> String {
    let dom = run_chromium(page, fragment, &["--dump-dom".to_string()]);
    assert!(dom.contains("</html>"), "no DOM dumped for {}:\n{dom}", page.display());
    dom
}

/// `target/test-artifacts/`, created.
fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("test-artifacts");
    std::fs::create_dir_all(&dir).expect("artifact dir");
    dir
}

/// A PNG of the page, kept as a test artifact.
fn screenshot(page: &Path, name: &str, width: u32, height: u32) -> PathBuf {
    let png = artifacts().join(name);
    let _ = std::fs::remove_file(&png);
    run_chromium(page, "", &[format!("--screenshot={}", png.display()), format!("--window-size={width},{height}")]);
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot {}: {e}", png.display()));
    assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000, "screenshot {} looks empty", png.display());
    png
}

// ------------------------------------------------------------------ DOM helpers

/// Tags of a serialized document: (name, attribute names), ignoring text and comments.
fn tags(html: &str) -> Vec<(String, Vec<String>)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' || i + 1 >= b.len() || !(b[i + 1].is_ascii_alphabetic()) {
            if b[i..].starts_with(b"<!--") {
                i += html[i..].find("-->").map(|e| e + 3).unwrap_or(b.len() - i);
                continue;
            }
            i += 1;
            continue;
        }
        let (tag, end) = one_tag(html, i + 1);
        let raw_text = matches!(tag.0.as_str(), "script" | "style");
        let name = tag.0.clone();
        out.push(tag);
        i = end;
        if raw_text {
            let close = format!("</{name}");
            i += html[i..].find(&close).unwrap_or(b.len() - i);
        }
    }
    out
}

/// Reads one start tag from just after its `<`; returns it and the index after its `>`.
fn one_tag(html: &str, start: usize) -> ((String, Vec<String>), usize) {
    let b = html.as_bytes();
    let mut i = start;
    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    let name = html[start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    while i < b.len() && b[i] != b'>' {
        if b[i].is_ascii_whitespace() || b[i] == b'/' {
            i += 1;
            continue;
        }
        let s = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'>' {
            i += 1;
        }
        attrs.push(html[s..i].to_ascii_lowercase());
        if i < b.len() && b[i] == b'=' {
            i += 1;
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                i += 1;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                i += 1;
            } else {
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
            }
        }
    }
    ((name, attrs), (i + 1).min(b.len()))
}

/// The value of `attr="…"` on the element with `id="…"`.
fn attr_of_id(dom: &str, id: &str, attr: &str) -> Option<String> {
    let at = dom.find(&format!("id=\"{id}\""))?;
    let open = dom[..at].rfind('<')?;
    let close = open + dom[open..].find('>')?;
    let tag = &dom[open..close];
    let key = format!(" {attr}=\"");
    let v = tag.find(&key)? + key.len();
    Some(tag[v..v + tag[v..].find('"')?].to_string())
}

/// The serialized `<section class="pod …">` of the Pod with this index.
fn pod_section(dom: &str, i: usize) -> &str {
    let start = dom.find(&format!("id=\"pod-{i}\"")).unwrap_or_else(|| panic!("no section pod-{i}"));
    let start = dom[..start].rfind("<section").unwrap_or(start);
    let end = start + dom[start..].find("</section>").unwrap_or(dom.len() - start);
    &dom[start..end]
}

/// Asserts the page's script finished and caught no error.
fn assert_ran_cleanly(dom: &str) {
    assert!(dom.contains("data-ready=\"1\""), "the page's script did not finish");
    let errs = dom.find("id=\"js-errors\"").map(|i| &dom[i..i + dom[i..].find("</div>").unwrap_or(0)]).unwrap_or("");
    assert!(errs.contains("hidden") && !errs.contains("<div"), "JavaScript errors on the page: {errs}");
}

fn write_report(args: &[&str], dir: &Path) -> PathBuf {
    let page = dir.join("report.html");
    Command::cargo_bin("podmortem")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .args(["-o", "html", "--out"])
        .arg(&page)
        .args(args)
        .assert()
        .success();
    page
}

// ------------------------------------------------------------------ tests

#[test]
fn seed_article_report_shows_both_scenarios() {
    let dir = tempfile::tempdir().expect("tmp");
    let page = write_report(&["fixtures/seed-article"], dir.path());
    let dom = dump_dom(&page);
    assert_ran_cleanly(&dom);
    assert!(dom.contains("<title>podmortem: 2 Pods</title>"));
    assert_eq!(dom.matches("<tr data-i=").count(), 2, "two rows in the Pod table");
    assert!(dom.contains("2 of 2 Pods shown"));

    let graceful = pod_section(&dom, 0);
    assert!(graceful.contains("data-outcome=\"graceful\""), "{graceful}");
    let margin: f64 = attr_value(graceful, "data-margin").parse().expect("margin");
    assert!((margin - 22.0).abs() < 0.5, "stopped about 22 s before the deadline: {margin}");
    assert!(graceful.contains("21.6s before the 30s grace deadline"));
    assert!(graceful.contains("exited 21.6s before the deadline"));
    assert!(graceful.contains("data-lanes=\"8\""));
    assert_eq!(graceful.matches("data-stage=\"kill_sent\"").count(), 0);
    assert!(graceful.contains("no findings"));

    let killed = pod_section(&dom, 1);
    assert!(killed.contains("data-outcome=\"sigkill\""));
    assert_eq!(attr_value(killed, "data-deadline"), "10");
    let margin: f64 = attr_value(killed, "data-margin").parse().expect("margin");
    assert!((-2.5..-1.5).contains(&margin), "killed about 2 s past the deadline: {margin}");
    assert!(killed.contains("still running at the 10s grace deadline: SIGKILLed at +12.0s, 2.0s past it"));
    assert!(killed.contains("exited 2.0s after the deadline"));
    assert_eq!(killed.matches("data-stage=\"kill_sent\"").count(), 1, "one SIGKILL mark");
    let kill_mark = killed.split("data-stage=\"kill_sent\"").nth(1).unwrap_or("");
    assert!(kill_mark.contains("SIGKILL sent · +12.0s") && kill_mark.contains("containerd.log:33"), "hover details of the kill");
    for kind in ["sigkill", "grace_overrun"] {
        assert!(killed.contains(&format!("data-kind=\"{kind}\"")), "finding {kind} listed");
    }
    assert!(killed.contains("kind-control-plane/containerd.log:33</code>"), "finding evidence path:line");
    assert!(killed.contains("class=\"deadline\""));
    assert!(dom.contains("id=\"histogram\""));

    let png = screenshot(&page, "seed-article.png", 1400, 2200);
    eprintln!("screenshot: {}", png.display());
}

fn attr_value<'a>(html: &'a str, attr: &str) -> &'a str {
    let key = format!("{attr}=\"");
    let start = html.find(&key).unwrap_or_else(|| panic!("no {attr}")) + key.len();
    &html[start..start + html[start..].find('"').unwrap_or(0)]
}

#[test]
fn hostile_names_render_as_text_and_run_no_script() {
    let dir = tempfile::tempdir().expect("tmp");
    let page = write_report(&["fixtures/hostile-names"], dir.path());
    let raw = std::fs::read_to_string(&page).expect("report");
    assert_eq!(raw.matches("<script").count(), 2, "only the page's data block and its own script");
    assert!(!raw.contains("<img") && !raw.contains("<svg onload") && !raw.contains("</title><svg"), "payload copied raw into the page");

    let dom = dump_dom(&page);
    assert_ran_cleanly(&dom);
    assert!(dom.contains("<title>podmortem: 2 Pods</title>"), "document.title set by the page only (an injected handler sets it to 1)");
    assert!(!dom.contains("data-pwned"), "an injected handler ran");
    let allowed = [
        "html", "head", "meta", "title", "style", "body", "div", "noscript", "p", "code", "header", "h1", "h2", "h3", "h4", "span", "main",
        "section", "button", "b", "figure", "svg", "line", "text", "g", "rect", "input", "select", "option", "table", "thead", "tbody",
        "tr", "th", "td", "a", "circle", "path", "ul", "li", "details", "summary", "script", "ol", "colgroup", "col",
    ];
    let all = tags(&dom);
    for (name, attrs) in &all {
        assert!(allowed.contains(&name.as_str()), "unexpected element <{name}> in the DOM (injected?)");
        assert!(!attrs.iter().any(|a| a.starts_with("on")), "event handler attribute on <{name}>: {attrs:?}");
    }
    assert_eq!(all.iter().filter(|(n, _)| n == "script").count(), 2);
    for text in [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "x\"'&gt;&lt;img/src=x/onerror=alert(2)&gt;&amp;amp;&lt;/svg&gt;",
        "app&lt;/title&gt;&lt;svg onload=alert(3)&gt;",
        "\\u{1b}[31m&lt;/svg&gt;&lt;img src=x onerror=document.title=1&gt;",
    ] {
        assert!(dom.contains(text), "payload not shown as text: {text}");
    }
    let png = screenshot(&page, "hostile-names.png", 1400, 1900);
    eprintln!("screenshot: {}", png.display());
}

// ------------------------------------------------------------------ 2,000 Pods

fn at(base: &Instant, secs: f64) -> Instant {
    Instant { utc: base.utc + chrono::Duration::microseconds((secs * 1e6) as i64), digits: 6 }
}

fn stage(base: &Instant, stage: Stage, t: f64, container: Option<&str>, src: String, detail: Option<&str>) -> StageReport {
    StageReport { stage, at: at(base, t), container: container.map(str::to_string), source: src, detail: detail.map(str::to_string) }
}

/// A plausible stopped Pod: every seventh is SIGKILLed past its deadline.
fn synthetic_pod(i: usize) -> PodReport {
    let base = Instant { utc: chrono::DateTime::from_timestamp(1_776_340_000 + i as i64 * 7, 0).unwrap_or_default(), digits: 6 };
    let node = format!("ip-10-0-{}-{}.eu-west-1.compute.internal", i % 13, i % 97);
    let kubelet = |line: usize| format!("nodes/{node}/kubelet.log:{}", 1000 + i * 40 + line);
    let containerd = |line: usize| format!("nodes/{node}/containerd.log:{}", 200 + i * 20 + line);
    let killed = i % 7 == 3;
    let grace = if i % 5 == 0 { 60 } else { 30 };
    let prestop = 2.0 + (i % 4) as f64;
    let drain = if killed { grace as f64 - prestop + 0.03 } else { 1.0 + (i % 17) as f64 };
    let exit = prestop + drain;
    let app = Some("app");
    let mut stages = vec![
        stage(&base, Stage::DeleteRequested, 0.0, None, kubelet(1), None),
        stage(&base, Stage::EndpointNotReady, 0.4, None, format!("audit/audit-{}.log:{}", i % 3, 50 + i), Some("ready:false")),
        stage(&base, Stage::PrestopStarted, 0.002, app, kubelet(4), None),
        stage(&base, Stage::PrestopFinished, prestop, app, kubelet(9), Some("after 3.0 s")),
        stage(&base, Stage::StopRequested, prestop + 0.001, app, containerd(1), Some("timeout 30 s")),
        stage(&base, Stage::SignalSent, prestop + 0.002, app, containerd(2), Some("SIGTERM")),
    ];
    if killed {
        stages.push(stage(&base, Stage::KillSent, exit - 0.02, app, containerd(3), Some("SIGKILL")));
    }
    stages.extend([
        stage(&base, Stage::Exited, exit, app, containerd(4), Some(if killed { "exit 137" } else { "exit 0" })),
        stage(&base, Stage::NetworkTornDown, exit + 0.13, None, containerd(12), None),
        stage(&base, Stage::SandboxStopped, exit + 0.14, None, containerd(13), None),
        stage(&base, Stage::VolumeUnmounted, exit + 0.4, None, kubelet(30), None),
        stage(&base, Stage::Removed, exit + 2.5, None, kubelet(38), None),
    ]);
    let findings = if killed {
        vec![
            Finding {
                kind: FindingKind::Sigkill,
                severity: FindingKind::Sigkill.severity(),
                container: Some("app".into()),
                message: format!(
                    "container app did not stop on the stop signal and was SIGKILLed after its {grace} s stop timeout (exit 137)"
                ),
                evidence: vec![containerd(1), containerd(3), kubelet(20)],
            },
            Finding {
                kind: FindingKind::GraceOverrun,
                severity: FindingKind::GraceOverrun.severity(),
                container: Some("app".into()),
                message: format!("container app exited {:.1} s after the grace period ({grace} s) ran out", exit - grace as f64),
                evidence: vec![kubelet(1), containerd(4)],
            },
        ]
    } else {
        Vec::new()
    };
    PodReport {
        namespace: Some(format!("team-{}", i % 11)),
        name: Some(format!("web-{}-7b6bd9b949-{:05x}", i % 50, i * 7919 % 0xfffff)),
        uid: Some(format!("{:08x}-c432-40fc-8024-{:012x}", i * 2654435761 % 0xffff_ffff, i)),
        node: Some(node.clone()),
        owner: None,
        grace_period_s: Some(grace),
        deletion: Some(Deletion { at: Some(base), by: None, user_agent: None, reason: "scale_down", requested_grace_s: None }),
        outcome: if killed { Outcome::Sigkill } else { Outcome::Graceful },
        duration_s: Some(exit + 2.5),
        logs_end: None,
        containers: vec![ContainerReport {
            name: Some("app".into()),
            id: Some(format!("{:064x}", i as u128 * 0x9e37_79b9_7f4a_7c15)),
            stop_signal: Some("SIGTERM".into()),
            prestop_s: Some(prestop),
            stop_timeout_s: Some(grace),
            exit_code: Some(if killed { 137 } else { 0 }),
            exited_at: Some(at(&base, exit)),
        }],
        stages,
        findings,
    }
}

#[test]
fn two_thousand_pods_stay_small_and_render_fast() {
    let pods: Vec<PodReport> = (0..2000).map(synthetic_pod).collect();
    let stats = podmortem::stats::compute(&pods, 10);
    let report =
        Report { schema: SCHEMA, inputs: Vec::new(), summary: Summary::of(&pods), pods, warnings: Vec::new(), node_dirs: Vec::new() };
    let html = podmortem::report::html::render(&report, Some(&stats));
    let size = html.len();
    assert!(size < 5_000_000, "2,000-Pod report is {size} bytes (limit 5 MB)");

    let page = artifacts().join("audit-2000-pods.html");
    std::fs::write(&page, &html).expect("write");
    let started = Clock::now();
    let dom = dump_dom(&page);
    let wall = started.elapsed();
    assert_ran_cleanly(&dom);
    assert_eq!(dom.matches("<section class=\"pod ").count(), 2000, "every Pod's chart");
    assert_eq!(attr_of_id(&dom, "pod-table", "data-rows").as_deref(), Some("2000"), "every Pod in the table");
    let rendered: usize = attr_of_id(&dom, "pod-table", "data-rendered").and_then(|v| v.parse().ok()).unwrap_or(0);
    assert!((15..200).contains(&rendered), "only the table's scroll window is in the DOM: {rendered} rows");
    assert_eq!(dom.matches("<tr data-i=").count(), rendered);
    assert!(dom.contains("2000 of 2000 Pods shown"));
    assert!(dom.contains("id=\"stats\""), "fleet statistics shown");
    let page_ms: f64 = attr_of_id(&dom, "render-ms", "data-page-ms").and_then(|v| v.parse().ok()).expect("render time written by the page");
    let script_ms: f64 = attr_of_id(&dom, "render-ms", "data-script-ms").and_then(|v| v.parse().ok()).expect("script time");
    eprintln!(
        "2,000 Pods: {:.2} MB, page drawn {page_ms:.0} ms after navigation (script {script_ms:.0} ms), chromium run {:.1} s",
        size as f64 / 1e6,
        wall.as_secs_f64()
    );
    assert!(page_ms < 2000.0, "the 2,000-Pod page took {page_ms:.0} ms to draw (limit 2 s)");

    // A Pod's link (`#pod-N`) draws that Pod's chart when the page opens there.
    let dom = dump_dom_at(&page, "#pod-1500");
    assert_ran_cleanly(&dom);
    let linked = pod_section(&dom, 1500);
    assert!(linked.contains("class=\"chart\"") && linked.contains("data-lanes=\"8\""), "chart of the linked Pod drawn");
    assert!(dom.matches("class=\"chart\"").count() < 200, "far-away Pods are not drawn up front");
    screenshot(&page, "audit-2000-pods.png", 1400, 2000);
}

// ------------------------------------------------------------------ terminal view

/// Terminal output as a page: ANSI colours (SGR) become spans, text is escaped.
fn terminal_page(text: &str) -> String {
    let mut body = String::new();
    let mut open = false;
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}[") {
        body.push_str(&escape_text(&rest[..at]));
        let end = rest[at..].find('m').map(|e| at + e).expect("SGR sequence ends with m");
        if open {
            body.push_str("</span>");
            open = false;
        }
        let color = match &rest[at + 2..end] {
            "1" => Some("#ffffff;font-weight:bold"),
            "31" => Some("#f87171"),
            "32" => Some("#4ade80"),
            "33" => Some("#facc15"),
            "34" => Some("#60a5fa"),
            "35" => Some("#c084fc"),
            "36" => Some("#22d3ee"),
            _ => None,
        };
        if let Some(c) = color {
            body.push_str(&format!("<span style=\"color:{c}\">"));
            open = true;
        }
        rest = &rest[end + 1..];
    }
    body.push_str(&escape_text(rest));
    format!(
        "<!DOCTYPE html><meta charset=\"utf-8\"><body style=\"margin:0;background:#0f172a\"><pre style=\"margin:0;padding:16px 20px;\
         color:#e2e8f0;font:13px/1.35 'DejaVu Sans Mono',monospace\">{body}</pre>"
    )
}

fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[test]
fn pod_view_terminal_screenshot() {
    let out = Command::cargo_bin("podmortem")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("COLUMNS", "240")
        .args(["--color", "always", "--pod", "default/term-demo", "--pod", "default/term-demo-ignore", "fixtures/seed-article"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(text.matches("\u{1b}[").count() % 2, 0, "every colour is reset");
    let dir = tempfile::tempdir().expect("tmp");
    let page = dir.path().join("pod-view.html");
    std::fs::write(&page, terminal_page(&text)).expect("write");
    let png = screenshot(&page, "pod-view-terminal.png", 2050, 1300);
    eprintln!("screenshot: {}", png.display());
}
