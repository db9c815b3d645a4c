//! containerd (CRI plugin) messages → events, for 1.2–2.x.
//!
//! Envelopes understood: logrus text (`time="…" level=info msg="…" k=v`),
//! the terminal form (`INFO[2019-…] msg   k=v`) and JSON. Old builds did not
//! escape quotes inside `msg` (`msg="Finish piping stdout of container "72d4…""`),
//! so the message end is found tolerantly.

use super::klog::{unquote_go, KvIter};
use super::words::{quoted_hex, until_char, Phrase};
use super::Facts;
use crate::event::{EventKind, PodRef};
use crate::time::{parse_offset, parse_rfc3339_prefix, Stamp};
use chrono::{DateTime, Utc};
use nom::bytes::complete::tag;
use nom::character::complete::digit1;
use nom::combinator::opt;
use nom::Parser;
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// A containerd line split into its logrus fields.
#[derive(Debug, Clone)]
pub struct LogrusLine<'a> {
    /// The `time=` value.
    pub stamp: Option<Stamp>,
    /// `info`, `warning`, `error`, …
    pub level: Cow<'a, str>,
    /// The message.
    pub msg: Cow<'a, str>,
    /// The `id=` field (shim lines).
    pub id: Option<Cow<'a, str>>,
}

/// Literals whose presence makes a containerd line worth parsing.
pub const MARKERS: &[&str] = &[
    "RunPodSandbox",
    "CreateContainer",
    "StopContainer",
    "Stop container",
    "Kill container",
    "Container to stop",
    "exit event",
    "TaskExit",
    "SandboxExit",
    "TaskOOM",
    "StopPodSandbox",
    "RemovePodSandbox",
    "TearDown network",
    "shim disconnected",
];

/// Recognises a containerd line in any of its three shapes.
pub fn split(body: &str) -> Option<LogrusLine<'_>> {
    if body.starts_with("time=") {
        return split_text(body);
    }
    if body.starts_with('{') {
        return split_json(body);
    }
    split_tty(body)
}

fn split_text(body: &str) -> Option<LogrusLine<'_>> {
    let (stamp, level) = time_and_level(body);
    let mut rest = body;
    static MSG: LazyLock<Phrase> = LazyLock::new(|| Phrase::new(" msg="));
    let msg_at = MSG.find(rest)? + 5;
    rest = &rest[msg_at..];
    let (msg, after) = if rest.starts_with('"') {
        match unquote_go(rest) {
            Some((m, used)) if rest[used..].is_empty() || rest[used..].starts_with(' ') => (m, &rest[used..]),
            _ => tolerant_msg(rest)?,
        }
    } else {
        let end = rest.find(' ').unwrap_or(rest.len());
        (Cow::Borrowed(&rest[..end]), &rest[end..])
    };
    let id = KvIter::new(after).value_of("id");
    Some(LogrusLine { stamp, level, msg, id })
}

/// The `time="…" level=…` that open a logrus text line. containerd always
/// prints them first and in that shape; anything else is read pair by pair.
fn time_and_level(body: &str) -> (Option<Stamp>, Cow<'_, str>) {
    let fixed = || {
        let t = body.strip_prefix("time=\"")?;
        let close = memchr::memchr(b'"', t.as_bytes())?;
        let (stamp, used) = parse_rfc3339_prefix(&t[..close])?;
        let level = t[close + 1..].strip_prefix(" level=")?;
        let level = &level[..memchr::memchr(b' ', level.as_bytes()).unwrap_or(level.len())];
        (used == close && !level.starts_with('"')).then_some((Some(stamp), Cow::Borrowed(level)))
    };
    if let Some(found) = fixed() {
        return found;
    }
    let mut stamp = None;
    let mut level = Cow::Borrowed("");
    // time and level come first, then msg.
    for (k, v) in KvIter::new(body) {
        match k {
            "time" => stamp = parse_rfc3339_prefix(&v).map(|(s, _)| s),
            "level" => level = v,
            _ => {}
        }
        if k == "level" {
            break;
        }
    }
    (stamp, level)
}

/// Finds the end of an unescaped quoted message: the first `"` followed by
/// the end of the line or by ` key=`.
fn tolerant_msg(rest: &str) -> Option<(Cow<'_, str>, &str)> {
    static END: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"^ [a-z_]+="#).expect("valid"));
    let b = rest.as_bytes();
    for i in 1..b.len() {
        if b[i] == b'"' {
            let after = &rest[i + 1..];
            if after.is_empty() || END.is_match(after) {
                return Some((Cow::Owned(rest[1..i].replace("\\\"", "\"")), after));
            }
        }
    }
    None
}

fn split_json(body: &str) -> Option<LogrusLine<'_>> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let msg = v.get("msg")?.as_str()?.to_string();
    let stamp = v.get("time").and_then(|t| t.as_str()).and_then(parse_rfc3339_prefix).map(|(s, _)| s);
    let level = v.get("level").and_then(|l| l.as_str()).unwrap_or("").to_string();
    let id = v.get("id").and_then(|i| i.as_str()).map(|s| Cow::Owned(s.to_string()));
    Some(LogrusLine { stamp, level: Cow::Owned(level), msg: Cow::Owned(msg), id })
}

/// `INFO[2019-11-18T13:57:42.642359076+09:00] msg padded   key=value`.
fn split_tty(body: &str) -> Option<LogrusLine<'_>> {
    let clean: Cow<str> = if body.contains('\u{1b}') { Cow::Owned(strip_ansi(body)) } else { Cow::Borrowed(body) };
    let open = clean.find('[')?;
    let level = match &clean[..open] {
        "INFO" => "info",
        "WARN" => "warning",
        "ERRO" => "error",
        "DEBU" => "debug",
        "TRAC" => "trace",
        "FATA" => "fatal",
        "PANI" => "panic",
        _ => return None,
    };
    let close = clean.find("] ")?;
    let stamp = parse_rfc3339_prefix(&clean[open + 1..close]).map(|(s, _)| s);
    let text = &clean[close + 2..];
    static FIELDS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s{2,}[a-z_]+=").expect("valid"));
    let (msg, fields) = match FIELDS.find(text) {
        Some(m) => (text[..m.start()].trim_end(), &text[m.start()..]),
        None => (text.trim_end(), ""),
    };
    let id = KvIter::new(fields.trim_start()).find(|(k, _)| *k == "id").map(|(_, v)| Cow::Owned(v.into_owned()));
    Some(LogrusLine { stamp, level: Cow::Borrowed(level), msg: Cow::Owned(msg.to_string()), id })
}

fn strip_ansi(s: &str) -> String {
    static ANSI: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\x1b\[[0-9;]*[A-Za-z]").expect("valid"));
    ANSI.replace_all(s, "").into_owned()
}

/// `RunPodSandbox for &PodSandboxMetadata{Name:n,Uid:u,Namespace:ns,Attempt:0,} returns sandbox id "<id>"`
/// → (name, uid, namespace, sandbox).
fn run_sandbox(msg: &str) -> Option<(&str, &str, &str, &str)> {
    let (_, (_, name, _, uid, _, ns, _, _, _, _, sandbox)) = (
        tag("RunPodSandbox for &PodSandboxMetadata{Name:"),
        until_char(','),
        tag(",Uid:"),
        until_char(','),
        tag(",Namespace:"),
        until_char(','),
        tag(",Attempt:"),
        digit1,
        opt(tag(",")),
        tag("} returns sandbox id "),
        quoted_hex,
    )
        .parse(msg)
        .ok()?;
    Some((name, uid, ns, sandbox))
}

/// `CreateContainer within sandbox "<sb>" for &ContainerMetadata{Name:n,Attempt:0,} returns container id "<id>"`
/// → (sandbox, name, container).
fn create_container(msg: &str) -> Option<(&str, &str, &str)> {
    let (_, (_, sandbox, _, name, _, _, _, _, container)) = (
        tag("CreateContainer within sandbox "),
        quoted_hex,
        tag(" for &ContainerMetadata{Name:"),
        until_char(','),
        tag(",Attempt:"),
        digit1,
        opt(tag(",")),
        tag("} returns container id "),
        quoted_hex,
    )
        .parse(msg)
        .ok()?;
    Some((sandbox, name, container))
}

/// The ID in `<head>"<id>"<tail>`, where the message starts with `head` and the ID is followed by `tail`.
fn id_between<'a>(msg: &'a str, head: &str, tail: &str) -> Option<&'a str> {
    let (_, (_, id, _)) = (tag(head), quoted_hex, tag(tail)).parse(msg).ok()?;
    Some(id)
}

/// States the facts of one containerd message (none when irrelevant).
pub fn parse(line: &LogrusLine, out: &mut Facts) {
    let msg = line.msg.as_ref();
    // A literal look at the first word picks the one pattern worth trying.
    let first = &msg[..memchr::memchr(b' ', msg.as_bytes()).unwrap_or(msg.len())];
    match first {
        "StopContainer" => {
            let timeout = (tag("StopContainer for "), quoted_hex, tag(" with timeout "), digit1, tag(" (s)")).parse(msg);
            if let Ok((_, (_, id, _, secs, _))) = timeout {
                out.add(EventKind::StopRequested { container: id, timeout_s: secs.parse().unwrap_or(0) });
            } else if let Some(id) = id_between(msg, "StopContainer for ", " returns successfully") {
                out.add(EventKind::StopReturned { container: id });
            }
        }
        "Stop" => {
            if let Ok((signal, (_, id, _))) = (tag("Stop container "), quoted_hex, tag(" with signal ")).parse(msg) {
                if !signal.is_empty() {
                    out.add(EventKind::SignalSent { container: id, signal: &signal_name(signal) });
                }
            }
        }
        "Kill" => {
            if let Some(id) = id_between(msg, "Kill container ", "") {
                out.add(EventKind::KillSent { container: id });
            }
        }
        "Container" => {
            if let Some(id) =
                id_between(msg, "Container to stop ", r#" must be in running or unknown state, current state "CONTAINER_EXITED""#)
            {
                out.add(EventKind::AlreadyExited { container: id });
            }
        }
        "TearDown" => {
            if let Some(id) = id_between(msg, "TearDown network for sandbox ", " successfully") {
                out.add(EventKind::NetworkTornDown { sandbox: id });
            }
        }
        "StopPodSandbox" => {
            if let Ok((rest, (_, sandbox))) = (tag("StopPodSandbox for "), quoted_hex).parse(msg) {
                out.add(if rest.starts_with(" returns successfully") {
                    EventKind::SandboxStopped { sandbox }
                } else {
                    EventKind::SandboxSeen { sandbox }
                });
            }
        }
        "RemovePodSandbox" => {
            if let Ok((_, (_, _, id))) = (tag("RemovePodSandbox "), opt(tag("for ")), quoted_hex).parse(msg) {
                out.add(EventKind::SandboxSeen { sandbox: id });
            }
        }
        "RunPodSandbox" => {
            if let Some((name, uid, ns, sandbox)) = run_sandbox(msg) {
                let pod = PodRef { namespace: Some(ns), name: Some(name), uid: Some(uid) };
                out.add(EventKind::SandboxCreated { sandbox, pod });
            }
        }
        "CreateContainer" => {
            if let Some((sandbox, name, container)) = create_container(msg) {
                out.add(EventKind::ContainerCreated { sandbox, name, container });
            }
        }
        "shim" if msg == "shim disconnected" => {
            if let Some(id) = &line.id {
                out.add(EventKind::ShimDisconnected { id });
            }
        }
        _ => {
            let w = &*TASK_WORDS;
            if w.task_oom.is_in(msg) {
                if let Some(id) = task_field(msg, &w.container_id, &w.container_id_gogo) {
                    out.add(EventKind::Oom { container: Some(id), pod: PodRef::default(), detail: "containerd TaskOOM event" });
                }
            } else if w.exit_event.is_in(msg) || w.task_exit_event.is_in(msg) || w.sandbox_exit_event.is_in(msg) {
                if let Some(exit) = task_exit(msg) {
                    out.add(exit);
                }
            }
        }
    }
}

/// Maps Go's `syscall.Signal` strings to signal names.
pub fn signal_name(go: &str) -> Cow<'static, str> {
    let s = match go.trim() {
        "terminated" => "SIGTERM",
        "quit" => "SIGQUIT",
        "interrupt" => "SIGINT",
        "hangup" => "SIGHUP",
        "killed" => "SIGKILL",
        "user defined signal 1" => "SIGUSR1",
        "user defined signal 2" => "SIGUSR2",
        "window changed" => "SIGWINCH",
        "alarm clock" => "SIGALRM",
        "broken pipe" => "SIGPIPE",
        "continued" => "SIGCONT",
        "stopped (signal)" => "SIGSTOP",
        other => return Cow::Owned(other.to_uppercase()),
    };
    Cow::Borrowed(s)
}

/// A field of a TaskExit/TaskOOM rendering: `container_id:"x"` (1.7+) or
/// `ContainerID:x,` (1.2–1.6). `proto` and `gogo` are the field names with
/// their separators: `container_id:"` and `ContainerID:`.
fn task_field<'m>(msg: &'m str, proto: &Phrase, gogo: &Phrase) -> Option<&'m str> {
    if let Some(i) = find_field(msg, proto) {
        let rest = &msg[i + proto.byte_len()..];
        return memchr::memchr(b'"', rest.as_bytes()).map(|e| &rest[..e]);
    }
    let i = find_field(msg, gogo)?;
    let rest = &msg[i + gogo.byte_len()..];
    let end = memchr::memchr2(b',', b'}', rest.as_bytes()).unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// Position of `name` as a whole field (not the tail of a longer name).
fn find_field(msg: &str, name: &Phrase) -> Option<usize> {
    let b = msg.as_bytes();
    name.find_all(msg).find(|&at| at == 0 || matches!(b[at - 1], b' ' | b'{' | b','))
}

/// The phrases and field names of containerd's task event renderings, each
/// searched for in every exit event line: built once.
struct TaskWords {
    task_oom: Phrase,
    exit_event: Phrase,
    task_exit_event: Phrase,
    sandbox_exit_event: Phrase,
    handle_sandbox_exit: Phrase,
    sandbox_container_exit: Phrase,
    sandbox_exit: Phrase,
    sandbox_id_any: Phrase,
    container_id: Phrase,
    container_id_gogo: Phrase,
    sandbox_id: Phrase,
    sandbox_id_gogo: Phrase,
    id: Phrase,
    id_gogo: Phrase,
    exit_status: Phrase,
    exit_status_gogo: Phrase,
    exited_at: Phrase,
    exited_at_gogo: Phrase,
    seconds: Phrase,
    nanos: Phrase,
}

static TASK_WORDS: LazyLock<TaskWords> = LazyLock::new(|| TaskWords {
    task_oom: Phrase::new("TaskOOM event"),
    exit_event: Phrase::new("exit event"),
    task_exit_event: Phrase::new("TaskExit event"),
    sandbox_exit_event: Phrase::new("SandboxExit event"),
    handle_sandbox_exit: Phrase::new("handle sandbox TaskExit"),
    sandbox_container_exit: Phrase::new("sandbox container exit event"),
    sandbox_exit: Phrase::new("SandboxExit"),
    sandbox_id_any: Phrase::new("sandbox_id:"),
    container_id: Phrase::new("container_id:\""),
    container_id_gogo: Phrase::new("ContainerID:"),
    sandbox_id: Phrase::new("sandbox_id:\""),
    sandbox_id_gogo: Phrase::new("SandboxID:"),
    id: Phrase::new("id:\""),
    id_gogo: Phrase::new("ID:"),
    exit_status: Phrase::new("exit_status:"),
    exit_status_gogo: Phrase::new("ExitStatus:"),
    exited_at: Phrase::new("exited_at:{"),
    exited_at_gogo: Phrase::new("ExitedAt:"),
    seconds: Phrase::new("seconds:"),
    nanos: Phrase::new("nanos:"),
});

/// Parses a TaskExit/SandboxExit rendering into an `Exited` event.
fn task_exit(msg: &str) -> Option<EventKind<&str>> {
    // "TaskExit event in podsandbox handler" (2.0.0–2.1.4) logs every task's
    // exit, app containers included: only these wordings name a sandbox.
    let w = &*TASK_WORDS;
    let sandbox_msg =
        w.handle_sandbox_exit.is_in(msg) || w.sandbox_container_exit.is_in(msg) || w.sandbox_exit.is_in(msg) || w.sandbox_id_any.is_in(msg);
    let container =
        task_field(msg, &w.container_id, &w.container_id_gogo).or_else(|| task_field(msg, &w.sandbox_id, &w.sandbox_id_gogo))?;
    // An exec'd process exit has id != container_id: not the container's end.
    if let Some(id) = task_field(msg, &w.id, &w.id_gogo) {
        if id != container {
            return None;
        }
    }
    let proto = w.container_id.is_in(msg) || w.sandbox_id.is_in(msg);
    let exit_code = match task_field_num(msg, &w.exit_status, &w.exit_status_gogo) {
        Some(c) => Some(c as i32),
        // proto3 text omits zero values: no exit_status means 0.
        None if proto => Some(0),
        None => None,
    };
    let exited_at = exited_at(msg);
    Some(EventKind::Exited { id: container, exit_code, exited_at, sandbox: sandbox_msg })
}

/// A number field (`exit_status:137` or `ExitStatus:137`); names with their `:`.
fn task_field_num(msg: &str, proto: &Phrase, gogo: &Phrase) -> Option<i64> {
    for name in [proto, gogo] {
        if let Some(i) = find_field(msg, name) {
            let rest = &msg[i + name.byte_len()..];
            let end = rest.bytes().position(|c| !c.is_ascii_digit()).unwrap_or(rest.len());
            return rest[..end].parse().ok();
        }
    }
    None
}

/// `exited_at:{seconds:1742293282 nanos:547387052}` or `ExitedAt:2019-11-18 13:57:42.618338639 +0900 UTC`.
fn exited_at(msg: &str) -> Option<Stamp> {
    let w = &*TASK_WORDS;
    if let Some(i) = w.exited_at.find(msg) {
        let rest = &msg[i + w.exited_at.byte_len()..];
        let body = &rest[..memchr::memchr(b'}', rest.as_bytes())?];
        let secs = task_field_num(body, &w.seconds, &w.seconds).unwrap_or(0);
        let nanos = task_field_num(body, &w.nanos, &w.nanos).unwrap_or(0);
        let t = DateTime::<Utc>::from_timestamp(secs, nanos as u32)?;
        return Some(Stamp::from_utc(t, 9));
    }
    let i = w.exited_at_gogo.find(msg)?;
    let rest = &msg[i + w.exited_at_gogo.byte_len()..];
    let (mut stamp, used) = parse_rfc3339_prefix(rest)?;
    // Go's time.Time text: "2019-11-18 13:57:42.618338639 +0900 UTC": the
    // numeric offset is the truth, the zone name may be wrong.
    let after = rest[used..].trim_start();
    let off = after.split(' ').next().and_then(parse_offset);
    stamp.offset_s = off.or(Some(0));
    Some(stamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(body: &str) -> Vec<EventKind> {
        let line = split(body).expect("containerd line");
        super::super::collect_facts(|out| parse(&line, out))
    }

    #[test]
    fn stop_signal_kill() {
        let e = events(
            r#"time="2025-03-18T10:21:22.521444907Z" level=info msg="StopContainer for \"62e04a72b1c5bb855056e55b44513a36a9f338baa5ee997b5ea20858b61fa058\" with timeout 2 (s)""#,
        );
        assert!(matches!(&e[0], EventKind::StopRequested { timeout_s: 2, .. }));
        let e = events(
            r#"time="2024-11-29T18:20:18.243705450Z" level=info msg="Stop container \"c65a36d4090569f70b6badb5b6127ad773ebd7e5ce18d3872b8e93ee4fb52cab\" with signal quit""#,
        );
        assert!(matches!(&e[0], EventKind::SignalSent { signal, .. } if signal == "SIGQUIT"));
        let e = events(
            r#"time="2025-03-18T10:21:24.541039858Z" level=info msg="Kill container \"62e04a72b1c5bb855056e55b44513a36a9f338baa5ee997b5ea20858b61fa058\"""#,
        );
        assert!(matches!(&e[0], EventKind::KillSent { .. }));
    }

    #[test]
    fn exit_events_by_version() {
        let e = events(
            r#"time="2025-03-18T10:21:52.551980894Z" level=info msg="TaskExit event container_id:\"62e0\" id:\"62e0\" pid:4020 exit_status:2 exited_at:{seconds:1742293282 nanos:547387052}""#,
        );
        match &e[0] {
            EventKind::Exited { exit_code, exited_at, sandbox, .. } => {
                assert_eq!(*exit_code, Some(2));
                assert!(!sandbox);
                let i = exited_at.unwrap().resolve(0, &Default::default()).unwrap();
                assert_eq!(i.to_string(), "2025-03-18T10:21:22.547387052Z");
            }
            other => panic!("{other:?}"),
        }
        // exit_status omitted when 0, two spaces between fields.
        let e = events(
            r#"time="2025-05-16T18:02:43.754610904Z" level=info msg="received exit event container_id:\"f512\"  id:\"f512\"  pid:219567  exited_at:{seconds:1747396843  nanos:754293507}""#,
        );
        assert!(matches!(&e[0], EventKind::Exited { exit_code: Some(0), .. }));
        // exec exit: not the container's end.
        let e = events(
            r#"time="2025-05-16T18:02:43.754610904Z" level=info msg="received exit event container_id:\"f512\" id:\"793f\" pid:1 exit_status:1 exited_at:{seconds:1 nanos:2}""#,
        );
        assert!(e.is_empty());
    }

    #[test]
    fn containerd_2x_exit_wordings() {
        let e = events(
            r#"time="2025-06-01T10:00:00.100000000Z" level=info msg="TaskExit event in podsandbox handler container_id:\"aaaa\" id:\"aaaa\" pid:42 exit_status:143 exited_at:{seconds:1748772000 nanos:50000000}""#,
        );
        assert!(matches!(&e[0], EventKind::Exited { sandbox: false, exit_code: Some(143), .. }));
        let e = events(
            r#"time="2025-06-01T10:00:00.100000000Z" level=info msg="received container exit event container_id:\"aaaa\" id:\"aaaa\" pid:42 exit_status:137 exited_at:{seconds:1748772000 nanos:50000000}" monitor_name=criService"#,
        );
        assert!(matches!(&e[0], EventKind::Exited { sandbox: false, exit_code: Some(137), .. }));
        let e = events(
            r#"time="2025-06-01T10:00:00.100000000Z" level=info msg="received sandbox container exit event sandbox_id:\"bbbb\" exit_status:137 exited_at:{seconds:1748772000 nanos:50000000}" monitor_name=criService"#,
        );
        assert!(matches!(&e[0], EventKind::Exited { sandbox: true, .. }));
    }

    #[test]
    fn old_unescaped_quotes_and_gogo_taskexit() {
        let l = split(r##"time="2019-11-18T13:57:42.617846445+09:00" level=info msg="Finish piping stdout of container "72d4"""##).unwrap();
        assert_eq!(l.msg, "Finish piping stdout of container \"72d4\"");
        let e = events(
            r#"time="2019-11-18T13:57:42.642359076+09:00" level=info msg="TaskExit event &TaskExit{ContainerID:72d4,ID:72d4,Pid:31408,ExitStatus:0,ExitedAt:2019-11-18 13:57:42.618338639 +0900 UTC,}""#,
        );
        match &e[0] {
            EventKind::Exited { exit_code, exited_at, .. } => {
                assert_eq!(*exit_code, Some(0));
                let i = exited_at.unwrap().resolve(0, &Default::default()).unwrap();
                assert_eq!(i.to_string(), "2019-11-18T04:57:42.618338639Z");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn identity_lines() {
        let e = events(
            r#"time="2025-03-18T10:21:20.821903619Z" level=info msg="RunPodSandbox for &PodSandboxMetadata{Name:group-0,Uid:8bb7de3e-72f0-4102-adbd-53897040775e,Namespace:pod-e2e-dx5dg,Attempt:0,} returns sandbox id \"86c8\"""#,
        );
        assert!(matches!(&e[0], EventKind::SandboxCreated { pod, .. } if pod.name.as_deref() == Some("group-0")));
        let e = events(
            r#"time="2025-03-18T10:21:20.870562025Z" level=info msg="CreateContainer within sandbox \"86c8\" for &ContainerMetadata{Name:c,Attempt:0,} returns container id \"62e0\"""#,
        );
        assert!(matches!(&e[0], EventKind::ContainerCreated { name, .. } if name == "c"));
    }

    #[test]
    fn tty_and_json_shapes() {
        let l = split("INFO[2019-11-18T13:57:42.642359076+09:00] shim disconnected                            id=abc namespace=k8s.io")
            .unwrap();
        assert_eq!(l.msg, "shim disconnected");
        assert_eq!(l.id.as_deref(), Some("abc"));
        let l =
            split(r#"{"id":"abc","level":"info","msg":"shim disconnected","namespace":"k8s.io","time":"2025-03-18T10:21:59.165037793Z"}"#)
                .unwrap();
        assert_eq!(l.msg, "shim disconnected");
        assert!(l.stamp.is_some());
    }
}
