//! Source parsers: one module per component that writes logs.
//!
//! [`LineParser`] is the front door: a literal prefilter rejects lines that
//! cannot matter, the envelope is split off, and the body goes to the parser
//! of the component whose shape it has. Parsers know nothing about Pods;
//! they only name the facts a line states.

pub mod app;
pub mod containerd;
pub mod kernel;
pub mod klog;
pub mod kubelet;

use crate::envelope::{self, EnvelopeKind};
use crate::event::EventKind;
use crate::time::Stamp;
use aho_corasick::AhoCorasick;
use regex::Regex;
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
}

impl SourceKind {
    /// The name used in the JSON `inputs[].formats` list.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Kubelet => "kubelet",
            SourceKind::Containerd => "containerd",
            SourceKind::Kernel => "kernel",
            SourceKind::App => "app",
        }
    }
}

/// What one log line said.
#[derive(Debug, Default)]
pub struct ParsedLine<'a> {
    /// The envelope around it.
    pub envelope: Option<EnvelopeKind>,
    /// Host from the envelope.
    pub host: Option<&'a str>,
    /// The component that wrote it, when recognised.
    pub source: Option<SourceKind>,
    /// The best timestamp of the line (most precise).
    pub stamp: Option<Stamp>,
    /// A full timestamp (year and zone) that anchors year inference.
    pub anchor: Option<Stamp>,
    /// The facts.
    pub events: Vec<EventKind>,
}

/// Parses node log lines (kubelet, containerd, kernel) in any envelope.
pub struct LineParser {
    prefilter: AhoCorasick,
}

impl Default for LineParser {
    fn default() -> Self {
        Self::new()
    }
}

impl LineParser {
    /// Builds the prefilter from every parser's marker literals.
    pub fn new() -> Self {
        let markers: Vec<&str> = kubelet::MARKERS.iter().chain(containerd::MARKERS).chain(kernel::MARKERS).copied().collect();
        let prefilter =
            AhoCorasick::builder().kind(Some(aho_corasick::AhoCorasickKind::DFA)).build(markers).expect("marker literals are valid");
        LineParser { prefilter }
    }

    /// Cheap test: can this line matter at all?
    pub fn is_relevant(&self, line: &[u8]) -> bool {
        self.prefilter.is_match(line)
    }

    /// Parses one line (call only for lines that passed [`Self::is_relevant`]).
    pub fn parse<'a>(&self, line: &'a str) -> ParsedLine<'a> {
        let env = envelope::split(line);
        let mut out = ParsedLine { envelope: Some(env.kind), host: env.host, stamp: env.stamp, ..ParsedLine::default() };
        if env.stamp.is_some_and(|s| s.is_complete()) {
            out.anchor = env.stamp;
        }
        let body = env.body.as_ref();
        let ident = env.ident.unwrap_or("");
        if ident == "kernel" || ident == "systemd" || body.starts_with('[') || ident.is_empty() {
            let ev = kernel::parse(body);
            if !ev.is_empty() {
                out.source = Some(SourceKind::Kernel);
                out.events = ev;
                return out;
            }
        }
        if body.starts_with("time=") || body.starts_with('{') || body.get(4..5) == Some("[") {
            if let Some(l) = containerd::split(body) {
                out.source = Some(SourceKind::Containerd);
                if let Some(st) = l.stamp {
                    if st.is_complete() {
                        out.anchor = Some(st);
                    }
                    out.stamp = Some(st);
                }
                out.events = containerd::parse(&l);
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
            out.events = kubelet::parse(&k);
            if out.anchor.is_none() {
                out.anchor = embedded_date(k.rest).or_else(|| embedded_date(&k.msg));
            }
            return out;
        }
        out
    }
}

/// A full date printed inside a kubelet line (status times,
/// `podCreationTimestamp="2025-03-16 04:31:20 +0000 UTC"`): a year anchor.
fn embedded_date(text: &str) -> Option<Stamp> {
    static DATE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b(?:19|20)\d\d-[01]\d-[0-3]\d[T ][0-2]\d:[0-5]\d:[0-5]\d").expect("valid"));
    let m = DATE.find(text)?;
    let (mut st, _) = crate::time::parse_rfc3339_prefix(&text[m.start()..])?;
    st.offset_s.get_or_insert(0);
    Some(st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatches_by_shape() {
        let p = LineParser::new();
        let l = p.parse(r#"Mar 18 10:21:22 kind-worker containerd[110]: time="2025-03-18T10:21:22.521444907Z" level=info msg="StopContainer for \"62e0\" with timeout 2 (s)""#);
        assert_eq!(l.source, Some(SourceKind::Containerd));
        assert_eq!(l.anchor.unwrap().year, Some(2025));
        assert_eq!(l.events.len(), 1);
        let l = p.parse(r#"Mar 18 10:22:16 kind-worker kubelet[246]: I0318 10:22:16.943774     246 kubelet.go:2417] "SyncLoop REMOVE" source="api" pods=["pod-e2e-dx5dg/group-0"]"#);
        assert_eq!(l.source, Some(SourceKind::Kubelet));
        assert_eq!(l.stamp.unwrap().nanos, 943_774_000);
        assert!(p.is_relevant(b"x SyncLoop REMOVE y"));
        assert!(!p.is_relevant(b"Generating pod status"));
    }

    #[test]
    fn kernel_line_in_syslog() {
        let p = LineParser::new();
        let l = p.parse("May 19 18:14:43 aks kernel: [  139.208991] Tasks in /kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-poda5d8fdd1_1369_469e_8a7d_2c1047529435.slice/cri-containerd-9192cb33411ff69d015a3577db136757f5b145064a1703efea3d0e12e8a64987.scope are going to be killed due to memory.oom.group set");
        assert_eq!(l.source, Some(SourceKind::Kernel));
        assert_eq!(l.events.len(), 1);
    }
}
