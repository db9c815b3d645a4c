//! Source parsers: one module per component that writes logs.
//!
//! [`LineParser`] is the front door: a literal prefilter rejects lines that
//! cannot matter, the envelope is split off, and the body goes to the parser
//! of the component whose shape it has. Parsers know nothing about Pods;
//! they only name the facts a line states, into a [`FactSink`] and with
//! text borrowed from the line, so that a fact's text is copied only where
//! it is kept (the collector's interned table), never once per fact.

pub mod app;
pub mod audit_log;
pub mod containerd;
pub mod crio;
pub mod kernel;
pub mod klog;
pub mod kube_json;
pub mod kubelet;
pub mod literals;
pub mod prefilter;
pub mod words;

pub use kube_json::ApiState;

use crate::envelope::{self, EnvelopeKind};
use crate::event::EventKind;
use crate::time::Stamp;
use literals::Literals;
use prefilter::Prefilter;
use std::borrow::Cow;
use std::sync::LazyLock;

/// Which component wrote a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    /// kubelet klog text.
    Kubelet,
    /// containerd (logrus text, terminal or JSON form).
    Containerd,
    /// Linux kernel or systemd OOM notices.
    Kernel,
    /// Application output in a CRI log file.
    App,
    /// kubelet `--logging-format=json`.
    KubeletJson,
    /// CRI-O and conmon.
    Crio,
    /// kube-apiserver audit log.
    Audit,
    /// kubectl JSON (Pods, Events, EndpointSlices).
    KubeJson,
}

impl SourceKind {
    /// The name used in the JSON `inputs[].formats` list.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Kubelet => "kubelet",
            SourceKind::Containerd => "containerd",
            SourceKind::Kernel => "kernel",
            SourceKind::App => "app",
            SourceKind::KubeletJson => "kubelet-json",
            SourceKind::Crio => "crio",
            SourceKind::Audit => "audit",
            SourceKind::KubeJson => "kubectl-json",
        }
    }
}

/// Where a parser puts the facts a line states, one at a time.
///
/// Facts arrive with their text borrowed from the line (or from the
/// parser's own unquoted copy of it), valid only for the call: the receiver
/// keeps what it needs (the collector interns it at once), so no fact text
/// is copied into strings of its own only to be dropped again.
pub trait FactSink {
    /// A fact whose text is borrowed.
    fn fact(&mut self, kind: EventKind<&str>);
    /// A fact whose text the parser had to build (rare wordings).
    fn owned(&mut self, kind: EventKind);
}

/// Keeps owned copies: how tests, API objects and callers that want a list
/// take a parser's facts.
impl FactSink for Vec<EventKind> {
    fn fact(&mut self, kind: EventKind<&str>) {
        self.push(kind.map_text(&mut str::to_string));
    }

    fn owned(&mut self, kind: EventKind) {
        self.push(kind);
    }
}

/// A [`FactSink`] and how many facts went into it (a parser that stated
/// none lets the next one try).
pub struct Facts<'s> {
    sink: &'s mut dyn FactSink,
    count: usize,
}

impl<'s> Facts<'s> {
    /// Facts into `sink`.
    pub fn new(sink: &'s mut dyn FactSink) -> Self {
        Facts { sink, count: 0 }
    }

    /// States a fact with borrowed text.
    pub fn add(&mut self, kind: EventKind<&str>) {
        self.count += 1;
        self.sink.fact(kind);
    }

    /// States a fact with owned text.
    pub fn add_owned(&mut self, kind: EventKind) {
        self.count += 1;
        self.sink.owned(kind);
    }

    /// States each of some facts with owned text.
    pub fn extend_owned(&mut self, kinds: impl IntoIterator<Item = EventKind>) {
        for k in kinds {
            self.add_owned(k);
        }
    }

    /// Facts stated so far.
    pub fn count(&self) -> usize {
        self.count
    }
}

/// The facts `f` states, as owned copies.
pub fn collect_facts(f: impl FnOnce(&mut Facts)) -> Vec<EventKind> {
    let mut v: Vec<EventKind> = Vec::new();
    f(&mut Facts::new(&mut v));
    v
}

/// What one log line said.
#[derive(Debug, Default)]
pub struct ParsedLine<'a> {
    /// The envelope around it.
    pub envelope: Option<EnvelopeKind>,
    /// Host from the envelope.
    pub host: Option<Cow<'a, str>>,
    /// The component that wrote it, when recognised.
    pub source: Option<SourceKind>,
    /// The best timestamp of the line (most precise).
    pub stamp: Option<Stamp>,
    /// A full timestamp (year and zone) that anchors year inference.
    pub anchor: Option<Stamp>,
    /// The facts (at the line's time), from [`LineParser::parse`]; empty
    /// from [`LineParser::parse_into`], which states them into its sink.
    pub events: Vec<EventKind>,
    /// Facts that carry their own times (API objects).
    pub timed: Vec<kube_json::Timed>,
}

/// Words an app line about a stop signal contains (for Loki exports that mix app output in).
const APP_MARKERS: &[&str] = &["SIGTERM", "SIGINT", "SIGQUIT", "sigterm", "Shutting down", "shutting down"];

/// Kinds of API objects printed one per line (`kubectl get … -o json | jq -c`).
const API_OBJECT_MARKERS: &[&str] = &["\"EndpointSlice\"", "\"Pod\"", "\"Event\""];

/// Every literal the prefilter looks for: a node log line that holds none of
/// them is counted, not parsed. Public so that a benchmark can have `rg`
/// search for exactly these (`examples/prefilter_markers`).
pub fn markers() -> Vec<&'static str> {
    kubelet::MARKERS
        .iter()
        .chain(containerd::MARKERS)
        .chain(kernel::MARKERS)
        .chain(crio::MARKERS)
        .chain(audit_log::MARKERS)
        .chain(APP_MARKERS)
        .chain(API_OBJECT_MARKERS)
        .copied()
        .collect()
}

/// Parses node log lines (kubelet, containerd, CRI-O, kernel, app) and JSON lines in any envelope.
pub struct LineParser {
    prefilter: Prefilter,
}

impl Default for LineParser {
    fn default() -> Self {
        Self::new()
    }
}

impl LineParser {
    /// Builds the prefilter from every parser's marker literals.
    pub fn new() -> Self {
        LineParser { prefilter: Prefilter::new(&markers()) }
    }

    /// Cheap test: can this line matter at all?
    pub fn is_relevant(&self, line: &[u8]) -> bool {
        self.prefilter.is_match(line)
    }

    /// Parses one line (call only for lines that passed [`Self::is_relevant`]),
    /// its facts as owned copies in `events`. `api` carries what earlier API
    /// objects of the same input showed.
    pub fn parse<'a>(&self, line: &'a str, api: &mut ApiState) -> ParsedLine<'a> {
        let mut events: Vec<EventKind> = Vec::new();
        let mut parsed = self.parse_into(line, api, &mut Facts::new(&mut events));
        parsed.events = events;
        parsed
    }

    /// [`Self::parse`], stating the line's facts into `facts` with their text
    /// borrowed (`events` stays empty): how `audit` and `analyze` read.
    pub fn parse_into<'a>(&self, line: &'a str, api: &mut ApiState, facts: &mut Facts) -> ParsedLine<'a> {
        self.parse_enveloped(envelope::split(line), api, facts)
    }

    /// [`Self::parse_into`] for a line already split into its envelope and body.
    pub fn parse_enveloped<'a>(&self, env: envelope::Envelope<'a>, api: &mut ApiState, facts: &mut Facts) -> ParsedLine<'a> {
        let mut out = ParsedLine { envelope: Some(env.kind), host: env.host.clone(), stamp: env.stamp, ..ParsedLine::default() };
        if env.stamp.is_some_and(|s| s.is_complete()) {
            out.anchor = env.stamp;
        }
        let body = env.body.as_ref();
        let ident = env.ident.as_deref().unwrap_or("");
        if let Some(app) = &env.app {
            // A Loki entry labelled with a Pod that is not a node component: app output.
            if !matches!(ident, "kubelet" | "containerd" | "crio" | "kernel" | "conmon") {
                out.source = Some(SourceKind::App);
                facts.extend_owned(app::parse(app, body));
                return out;
            }
        }
        if ident == "conmon" || body.starts_with("conmon ") {
            let ev = crio::parse_conmon(body);
            if !ev.is_empty() {
                out.source = Some(SourceKind::Crio);
                facts.extend_owned(ev);
                return out;
            }
        }
        if ident == "kernel" || ident == "systemd" || body.starts_with('[') || ident.is_empty() {
            let ev = kernel::parse(body);
            if !ev.is_empty() {
                out.source = Some(SourceKind::Kernel);
                facts.extend_owned(ev);
                return out;
            }
        }
        if body.starts_with('{') {
            return self.parse_json(body, out, api, facts);
        }
        if body.starts_with("time=") || body.get(4..5) == Some("[") {
            if let Some(l) = containerd::split(body) {
                self.runtime_line(&l, &mut out, facts);
                return out;
            }
        }
        if let Some(k) = klog::find(body) {
            out.source = Some(SourceKind::Kubelet);
            let mut st = k.stamp;
            // A year or zone from the envelope applies to the header too.
            if let Some(env_st) = env.stamp {
                if env_st.month == st.month {
                    st.year = env_st.year;
                    st.offset_s = env_st.offset_s;
                }
            }
            out.stamp = Some(st);
            kubelet::parse(&k, facts);
            // Lines that print a full date (status times, creation stamps, retry
            // deadlines) anchor the year; a literal check avoids the regex elsewhere.
            // (The hints are plain words: as written, quoted or not, they read the same.)
            if out.anchor.is_none() && may_hold_date_hint(k.written.as_bytes()) && DATE_HINTS.is_match(k.written.as_bytes()) {
                out.anchor = embedded_date(k.rest).or_else(|| embedded_date(&k.msg));
            }
            return out;
        }
        out
    }

    /// A containerd or CRI-O logrus line (same envelope, different messages).
    fn runtime_line(&self, l: &containerd::LogrusLine, out: &mut ParsedLine, facts: &mut Facts) {
        if let Some(st) = l.stamp {
            if st.is_complete() {
                out.anchor = Some(st);
            }
            out.stamp = Some(st);
        }
        let before = facts.count();
        containerd::parse(l, facts);
        if facts.count() > before {
            out.source = Some(SourceKind::Containerd);
            return;
        }
        let ev = crio::parse(&l.msg);
        out.source = Some(if ev.is_empty() { SourceKind::Containerd } else { SourceKind::Crio });
        facts.extend_owned(ev);
    }

    /// One JSON object on a line: kubelet JSON logging, containerd/CRI-O
    /// JSON, an audit event, or a single API object.
    fn parse_json<'a>(&self, body: &str, mut out: ParsedLine<'a>, api: &mut ApiState, facts: &mut Facts) -> ParsedLine<'a> {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else { return out };
        if v.get("ts").is_some() && v.get("msg").is_some() {
            if let Some(k) = klog::KlogLine::from_json(v, body) {
                out.source = Some(SourceKind::KubeletJson);
                out.stamp = Some(k.stamp);
                out.anchor = Some(k.stamp);
                kubelet::parse(&k, facts);
            }
            return out;
        }
        if v.get("msg").is_some() && (v.get("level").is_some() || v.get("time").is_some()) {
            if let Some(l) = containerd::split(body) {
                self.runtime_line(&l, &mut out, facts);
            }
            return out;
        }
        if v.get("kind").is_some() {
            let is_audit = v.get("apiVersion").and_then(|a| a.as_str()).is_some_and(|a| a.starts_with("audit.k8s.io"));
            out.source = Some(if is_audit { SourceKind::Audit } else { SourceKind::KubeJson });
            out.timed = kube_json::parse_object(&v, api);
            out.anchor = out.timed.iter().find_map(|(st, _)| *st);
        }
        out
    }
}

/// Keys and words that come with a full date in kubelet lines.
const DATE_HINT_WORDS: &[&str] =
    &["Timestamp", "finishedAt", "lastTransitionTime", "startedAt", "retries permitted until", "deletionTimestamp"];

/// The search for [`DATE_HINT_WORDS`].
static DATE_HINTS: LazyLock<Literals> = LazyLock::new(|| Literals::new(DATE_HINT_WORDS));

/// False when `text` holds none of [`DATE_HINT_WORDS`], told cheaply: each
/// of them holds an `A`, a `T` or `retries` (a test checks it), and about
/// half of all kubelet lines hold none of those, so the literal search is
/// skipped for them.
fn may_hold_date_hint(text: &[u8]) -> bool {
    static RETRIES: LazyLock<memchr::memmem::Finder<'static>> = LazyLock::new(|| memchr::memmem::Finder::new("retries"));
    memchr::memchr2(b'A', b'T', text).is_some() || RETRIES.find(text).is_some()
}

/// A full date printed inside a kubelet line (status times,
/// `podCreationTimestamp="2025-03-16 04:31:20 +0000 UTC"`): a year anchor.
fn embedded_date(text: &str) -> Option<Stamp> {
    let start = date_start(text)?;
    let (mut st, _) = crate::time::parse_rfc3339_prefix(&text[start..])?;
    st.offset_s.get_or_insert(0);
    Some(st)
}

/// Where the first `YYYY-MM-DD[T ]hh:mm:ss` starts (19xx or 20xx, at a word
/// boundary); found from the dashes, which are rare, rather than by regex.
fn date_start(text: &str) -> Option<usize> {
    // Each digit is the largest allowed at its place; `T` also stands for a space.
    const SHAPE: &[u8; 19] = b"2999-19-39T29:59:59";
    let b = text.as_bytes();
    let fits = |y: usize| {
        b.get(y..y + SHAPE.len()).is_some_and(|s| {
            s.iter().zip(SHAPE).all(|(&c, &m)| match m {
                b'0'..=b'9' => c.is_ascii_digit() && c <= m,
                b'T' => c == b'T' || c == b' ',
                _ => c == m,
            })
        })
    };
    memchr::memchr_iter(b'-', b).filter_map(|dash| dash.checked_sub(4)).find(|&y| {
        // `y` starts with an ASCII digit, so it is a character boundary.
        matches!(&b[y..y + 2], b"19" | b"20") && text[..y].chars().next_back().is_none_or(|c| !(c.is_alphanumeric() || c == '_')) && fits(y)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatches_by_shape() {
        let p = LineParser::new();
        let l = p.parse(r#"Mar 18 10:21:22 kind-worker containerd[110]: time="2025-03-18T10:21:22.521444907Z" level=info msg="StopContainer for \"62e0\" with timeout 2 (s)""#, &mut ApiState::default());
        assert_eq!(l.source, Some(SourceKind::Containerd));
        assert_eq!(l.anchor.unwrap().year, Some(2025));
        assert_eq!(l.events.len(), 1);
        let l = p.parse(r#"Mar 18 10:22:16 kind-worker kubelet[246]: I0318 10:22:16.943774     246 kubelet.go:2417] "SyncLoop REMOVE" source="api" pods=["pod-e2e-dx5dg/group-0"]"#, &mut ApiState::default());
        assert_eq!(l.source, Some(SourceKind::Kubelet));
        assert_eq!(l.stamp.unwrap().nanos, 943_774_000);
        assert!(p.is_relevant(b"x SyncLoop REMOVE y"));
        assert!(!p.is_relevant(b"Generating pod status"));
    }

    #[test]
    fn every_marker_and_only_a_marker_passes_the_prefilter() {
        let p = LineParser::new();
        let markers = markers();
        assert!(markers.len() > 40, "every parser's literals, not a few");
        for m in &markers {
            assert!(p.is_relevant(format!("x {m} y").as_bytes()), "{m:?} passes");
            // The same words with one letter changed are not relevant.
            let changed: String = m.chars().enumerate().map(|(i, c)| if i == m.len() / 2 { '#' } else { c }).collect();
            assert!(!p.is_relevant(changed.as_bytes()) || markers.iter().any(|o| changed.contains(o)), "{changed:?} fails");
        }
    }

    #[test]
    fn every_date_hint_passes_the_cheap_check() {
        for w in DATE_HINT_WORDS {
            assert!(may_hold_date_hint(w.as_bytes()), "{w:?}");
        }
        assert!(!may_hold_date_hint(br#""Killing container with a grace period" pod="a/b" gracePeriod=30"#));
        assert!(may_hold_date_hint(br#"err="retries left""#));
    }

    #[test]
    fn embedded_dates_as_the_pattern_reads_them() {
        let at = |t: &str| date_start(t);
        assert_eq!(at(r#"podCreationTimestamp="2025-03-16 04:31:20 +0000 UTC""#), Some(22));
        assert_eq!(at("finishedAt:2024-12-31T23:59:59Z"), Some(11));
        assert_eq!(at("x=12025-03-16 04:31:20"), None, "no word boundary before the year");
        assert_eq!(at("é2025-03-16 04:31:20"), None, "a letter is a word character");
        assert_eq!(at("2025-23-16 04:31:20"), None, "month tens digit is 0 or 1");
        assert_eq!(at("2025-13-16 04:31:20"), Some(0), "the shape fits; the parse then refuses it");
        assert!(embedded_date("2025-13-16 04:31:20").is_none());
        assert_eq!(at("1999-01-02T03:04:05 and 2025-03-16 04:31:20"), Some(0));
        assert_eq!(at("2125-03-16 04:31:20 then 2025-03-16 04:31:20"), Some(25));
        assert_eq!(at("-2025-03-16 04:31:2"), None);
        let st = embedded_date("retries permitted until 2025-03-16 04:31:20.5 +0000 UTC").unwrap();
        assert_eq!((st.year, st.month, st.second, st.offset_s), (Some(2025), 3, 20, Some(0)));
    }

    #[test]
    fn kernel_line_in_syslog() {
        let p = LineParser::new();
        let l = p.parse("May 19 18:14:43 aks kernel: [  139.208991] Tasks in /kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-poda5d8fdd1_1369_469e_8a7d_2c1047529435.slice/cri-containerd-9192cb33411ff69d015a3577db136757f5b145064a1703efea3d0e12e8a64987.scope are going to be killed due to memory.oom.group set", &mut ApiState::default());
        assert_eq!(l.source, Some(SourceKind::Kernel));
        assert_eq!(l.events.len(), 1);
    }
}
