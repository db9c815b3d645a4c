//! Bad inputs and what podmortem does with each: never a panic, a hang or
//! unbounded memory; a clear message naming the file (and line); either
//! carry on (exit 0, warning) or stop (exit 2).
//!
//! | input | behaviour |
//! |---|---|
//! | empty file | exit 0, warning `FILE: empty input` |
//! | binary file (NUL bytes at the start) | exit 2, `FILE: binary input`; found in a directory: skipped with that warning |
//! | invalid UTF-8 inside a line | read as lossy UTF-8, the line still counts |
//! | NUL bytes later in a file | read like any byte; output stays printable |
//! | CRLF line ends | same answers as LF |
//! | a 100 MB line | read up to 4 MiB, the rest skipped; exit 0, warning |
//! | truncated `.gz` | the lines before the cut are used; exit 0, warning `FILE:LINE: read error` |
//! | truncated `.tar.gz` (audit) | the files before the cut are used; exit 0, warning |
//! | directory with a symlink loop | the loop is skipped with a warning; exit 0 |
//! | directory with links to files not there | skipped, one warning counting them; exit 0 |
//! | unreadable file named on the command line | exit 2 naming it |
//! | directory with no logs | exit 2 naming it |
//! | a clock that jumps backwards | events are ordered by time; answers unchanged |
//! | a Pod that never finishes in a long log | repeated facts kept once: memory follows facts |
//! | terminal escapes in names/messages | shown as `\u{1b}`, never interpreted |

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

fn bin() -> Command {
    Command::cargo_bin("podmortem").unwrap()
}

fn real(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/real").join(name)
}

fn json(args: &[&std::ffi::OsStr]) -> (Value, String) {
    let out = bin().arg("-o").arg("json").args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (serde_json::from_slice(&out.stdout).unwrap(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn warnings(v: &Value) -> String {
    v["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap().to_string()).collect::<Vec<_>>().join("\n")
}

const NGINX: &str = "04-aks-nginx-delete-sigquit.log";

#[test]
fn empty_file_warns() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("empty.log");
    std::fs::write(&f, "").unwrap();
    let (v, _) = json(&[f.as_os_str()]);
    assert!(warnings(&v).contains("empty.log: empty input"));
}

#[test]
fn binary_file_is_rejected() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("blob.bin");
    std::fs::write(&f, [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    bin().arg(&f).assert().code(2).stderr(predicate::str::contains("blob.bin: binary input"));
}

#[test]
fn binary_file_in_a_directory_is_skipped_and_changes_no_answer() {
    // The binary file sorts first: the files after it must still be cited
    // by their own names and lines.
    let d = tempfile::tempdir().unwrap();
    for dir in ["plain", "with-blob"] {
        std::fs::create_dir(d.path().join(dir)).unwrap();
        std::fs::copy(real(NGINX), d.path().join(dir).join(NGINX)).unwrap();
    }
    std::fs::write(d.path().join("with-blob/00-blob.bin"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    let (plain, _) = json(&[d.path().join("plain").as_os_str()]);
    let (with_blob, stderr) = json(&[d.path().join("with-blob").as_os_str()]);
    assert!(stderr.contains("00-blob.bin: binary input"), "{stderr}");
    let pods = |v: &Value| v["pods"].to_string().replace("/plain/", "/").replace("/with-blob/", "/");
    assert!(pods(&plain).contains(&format!("{NGINX}:")), "stages cite the log");
    assert_eq!(pods(&with_blob), pods(&plain));
}

#[test]
fn invalid_utf8_and_late_nul_bytes_are_read() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("mixed.log");
    let mut bytes = std::fs::read(real(NGINX)).unwrap();
    bytes.extend_from_slice(b"Nov 29 18:20:19 node kubelet[1]: \xff\xfe broken \x00 bytes\n");
    let mut big = vec![b'x'; 9000];
    big.push(b'\n');
    let mut all = big;
    all.extend_from_slice(&bytes);
    std::fs::write(&f, &all).unwrap();
    let (v, _) = json(&[f.as_os_str()]);
    assert!(v["pods"].as_array().unwrap().iter().any(|p| p["name"] == "nginx"));
    let i = &v["inputs"][0];
    assert_eq!(i["lines"].as_u64().unwrap(), i["recognized"].as_u64().unwrap() + i["skipped"].as_u64().unwrap());
}

#[test]
fn crlf_gives_the_same_answers() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("crlf.log");
    let text = std::fs::read_to_string(real(NGINX)).unwrap().replace('\n', "\r\n");
    std::fs::write(&f, text).unwrap();
    let (a, _) = json(&[f.as_os_str()]);
    let (b, _) = json(&[real(NGINX).as_os_str()]);
    assert_eq!(a["pods"][0]["stages"].as_array().unwrap().len(), b["pods"][0]["stages"].as_array().unwrap().len());
    assert_eq!(a["pods"][0]["containers"], b["pods"][0]["containers"]);
}

#[test]
fn huge_line_is_cut_not_swallowed() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("huge.log");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&f).unwrap());
    w.write_all(b"Nov 29 18:20:18 node kubelet[1]: I1129 18:20:18.000001    1 x.go:1] \"SyncLoop DELETE\" source=\"api\" pods=[\"")
        .unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..100 {
        w.write_all(&chunk).unwrap();
    }
    w.write_all(b"\"]\n").unwrap();
    w.write_all(&std::fs::read(real(NGINX)).unwrap()).unwrap();
    w.flush().unwrap();
    drop(w);
    let (v, _) = json(&[f.as_os_str()]);
    assert!(warnings(&v).contains("longer than 4 MiB"), "{}", warnings(&v));
    assert!(v["pods"].as_array().unwrap().iter().any(|p| p["name"] == "nginx"), "lines after the long one are read");
}

#[test]
fn truncated_gzip_keeps_what_was_read() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("kubelet.log.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&std::fs::read(real(NGINX)).unwrap()).unwrap();
    let full = enc.finish().unwrap();
    std::fs::write(&f, &full[..full.len() * 2 / 3]).unwrap();
    let (v, _) = json(&[f.as_os_str()]);
    assert!(warnings(&v).contains("kubelet.log.gz:"), "{}", warnings(&v));
    assert!(warnings(&v).contains("read error"));
    assert!(v["inputs"][0]["lines"].as_u64().unwrap() > 0);
}

#[test]
fn truncated_tar_gz_keeps_what_was_read() {
    let d = tempfile::tempdir().unwrap();
    let node = d.path().join("logs/node-a");
    std::fs::create_dir_all(&node).unwrap();
    std::fs::copy(real(NGINX), node.join("kubelet.log")).unwrap();
    let other = d.path().join("logs/node-b");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::copy(real("16-loki-journald-reverse-order-multinode-exit1.log"), other.join("kubelet.log")).unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    {
        let mut tar = tar::Builder::new(&mut enc);
        tar.append_dir_all("logs", d.path().join("logs")).unwrap();
        tar.finish().unwrap();
    }
    let full = enc.finish().unwrap();
    let f = d.path().join("bundle.tar.gz");
    std::fs::write(&f, &full[..full.len() * 3 / 4]).unwrap();
    let out = bin().args(["audit", "-o", "json"]).arg(&f).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(warnings(&v).contains("bundle.tar.gz"), "{}", warnings(&v));
    assert!(!v["pods"].as_array().unwrap().is_empty(), "Pods from before the cut");
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_skipped() {
    let d = tempfile::tempdir().unwrap();
    let node = d.path().join("node");
    std::fs::create_dir_all(&node).unwrap();
    std::fs::copy(real(NGINX), node.join("kubelet.log")).unwrap();
    std::os::unix::fs::symlink(d.path(), node.join("loop")).unwrap();
    let (v, _) = json(&[d.path().as_os_str()]);
    assert!(warnings(&v).contains("symlink loop"), "{}", warnings(&v));
    assert!(v["pods"].as_array().unwrap().iter().any(|p| p["name"] == "nginx"));
}

#[cfg(unix)]
#[test]
fn broken_links_are_counted_in_one_warning() {
    // `/var/log/containers/*.log` copied as links whose targets stayed on the node.
    let d = tempfile::tempdir().unwrap();
    let node = d.path().join("node");
    std::fs::create_dir_all(node.join("containers")).unwrap();
    std::fs::copy(real(NGINX), node.join("kubelet.log")).unwrap();
    for i in 0..5 {
        let link = node.join(format!("containers/app-{i}_default_app-0123.log"));
        std::os::unix::fs::symlink(format!("/nonexistent/var/log/pods/default_app-{i}/app/0.log"), link).unwrap();
    }
    let (v, _) = json(&[d.path().as_os_str()]);
    let w = warnings(&v);
    assert_eq!(w.matches("symbolic link").count(), 1, "{w}");
    assert!(w.contains("5 symbolic links") && w.contains("app-0_default_app-0123.log"), "{w}");
    assert!(v["pods"].as_array().unwrap().iter().any(|p| p["name"] == "nginx"));
}

#[test]
fn links_inside_an_archive_are_counted_in_one_warning() {
    // A bundle packed with its `/var/log/containers/*.log` links: tar keeps
    // them as links, which the stream cannot follow.
    let d = tempfile::tempdir().unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    {
        let mut tar = tar::Builder::new(&mut enc);
        tar.append_path_with_name(real(NGINX), "node/kubelet.log").unwrap();
        for i in 0..3 {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_size(0);
            let target = format!("/var/log/pods/default_app-{i}/app/0.log");
            tar.append_link(&mut h, format!("node/containers/app-{i}_default_app-0123.log"), target).unwrap();
        }
        tar.finish().unwrap();
    }
    let f = d.path().join("bundle.tar.gz");
    std::fs::write(&f, enc.finish().unwrap()).unwrap();
    for cmd in ["analyze", "audit"] {
        let out = bin().args([cmd, "-o", "json"]).arg(&f).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let w = warnings(&v);
        assert_eq!(w.matches("symbolic link").count(), 1, "{cmd}: {w}");
        assert!(w.contains("3 symbolic links") && w.contains("app-0_default_app-0123.log -> /var/log/pods/"), "{cmd}: {w}");
        assert!(v["pods"].as_array().unwrap().iter().any(|p| p["name"] == "nginx"), "{cmd}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn unreadable_named_file_is_exit_2() {
    // /proc/self/mem cannot be read from offset 0 (EIO), even as root.
    bin().arg("/proc/self/mem").assert().code(2).stderr(predicate::str::contains("/proc/self/mem"));
}

#[test]
fn directory_without_logs_is_exit_2() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("kind-version.txt"), "kind v0.20.0").unwrap();
    bin().arg(d.path()).assert().code(2).stderr(predicate::str::contains("no log files"));
}

#[test]
fn clock_jumping_backwards_keeps_answers() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("jumpy.log");
    let mut lines: Vec<String> = std::fs::read_to_string(real(NGINX)).unwrap().lines().map(str::to_string).collect();
    lines.reverse();
    std::fs::write(&f, lines.join("\n")).unwrap();
    let (a, _) = json(&[f.as_os_str()]);
    let (b, _) = json(&[real(NGINX).as_os_str()]);
    let stages = |v: &Value| v["pods"][0]["stages"].as_array().unwrap().iter().map(|s| s["at"].clone()).collect::<Vec<_>>();
    assert_eq!(stages(&a), stages(&b));
}

fn write_stuck_log(path: &Path, repeats: usize) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let head = std::fs::read(real("08-kubespray-csi-unmount-stuck.log")).unwrap();
    w.write_all(&head).unwrap();
    for i in 0..repeats {
        let (m, s) = ((i / 60) % 60, i % 60);
        writeln!(w, "Dec 23 18:{m:02}:{s:02} nd kubelet[17565]: E1223 18:{m:02}:{s:02}.558786   17565 nestedpendingoperations.go:348] Operation for \"{{volumeName:kubernetes.io/csi/cstor.csi.openebs.io^pvc-fc6ec633-d0e1-420c-b64b-cfefe3a425bd podName:bcdfe2c7-9b1a-41ed-a9dc-0d944af88e5e nodeName:}}\" failed. No retries permitted until 2023-12-23 18:{m:02}:{s:02}.558747541 -0700 MST m=+8817894.563114988 (durationBeforeRetry 2m2s). Error: UnmountVolume.TearDown failed for volume \"plex-config-lib-vol\" (UniqueName: \"kubernetes.io/csi/cstor.csi.openebs.io^pvc-fc6ec633-d0e1-420c-b64b-cfefe3a425bd\") pod \"bcdfe2c7-9b1a-41ed-a9dc-0d944af88e5e\" (UID: \"bcdfe2c7-9b1a-41ed-a9dc-0d944af88e5e\") : kubernetes.io/csi: Unmounter.TearDownAt failed to clean mount dir [/var/lib/kubelet/pods/bcdfe2c7-9b1a-41ed-a9dc-0d944af88e5e/volumes/kubernetes.io~csi/pvc-fc6ec633-d0e1-420c-b64b-cfefe3a425bd/mount]: kubernetes.io/csi: failed to remove dir [/var/lib/kubelet/pods/bcdfe2c7-9b1a-41ed-a9dc-0d944af88e5e/volumes/kubernetes.io~csi/pvc-fc6ec633-d0e1-420c-b64b-cfefe3a425bd/mount]: remove /var/lib/kubelet/pods/bcdfe2c7-9b1a-41ed-a9dc-0d944af88e5e/volumes/kubernetes.io~csi/pvc-fc6ec633-d0e1-420c-b64b-cfefe3a425bd/mount: directory not empty").unwrap();
    }
}

#[test]
fn never_finishing_pod_keeps_facts_not_lines() {
    let d = tempfile::tempdir().unwrap();
    let (small, large) = (d.path().join("small.log"), d.path().join("large.log"));
    write_stuck_log(&small, 100);
    write_stuck_log(&large, 20_000);
    let parser = podmortem::parse::LineParser::new();
    let read = |p: &Path| {
        let (specs, _) = podmortem::input::discover(&[p.display().to_string()]).unwrap();
        podmortem::input::read_input(&specs[0], &parser).unwrap()
    };
    let (a, b) = (read(&small), read(&large));
    assert!(b.lines > 100 * a.lines / 2);
    assert_eq!(a.events.len(), b.events.len(), "200× the lines, the same facts");
    let (v, _) = json(&[large.as_os_str()]);
    let p = &v["pods"][0];
    assert!(p["findings"].as_array().unwrap().iter().any(|f| f["kind"] == "volume_unmount_failed"));
}
