//! Reading one input: stream its lines, prefilter, parse, count.

use super::{io_reason, InputError, InputSpec};
use crate::envelope;
use crate::event::{Event, EventKind, Origin};
use crate::parse::{app, LineParser, SourceKind};
use crate::time::{RolloverTracker, Stamp, Zone};
use chrono::{DateTime, Utc};
use flate2::read::MultiGzDecoder;
use std::collections::{BTreeSet, HashSet};
use std::fs::File;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, BufRead, BufReader, Read};
use std::sync::Arc;

/// What reading one input produced.
#[derive(Debug, Default)]
pub struct FileResult {
    /// Path as shown in output.
    pub display: String,
    /// Lines read.
    pub lines: u64,
    /// Lines whose shape was understood.
    pub recognized: u64,
    /// Lines of unknown shape.
    pub skipped: u64,
    /// Envelope and source names seen.
    pub formats: BTreeSet<&'static str>,
    /// The facts, in line order.
    pub events: Vec<Event>,
    /// Earliest and latest full timestamps (year anchors), UTC.
    pub span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Latest time of any line, once resolved (filled by the caller).
    pub last_seen: Option<DateTime<Utc>>,
    /// Node from the directory layout.
    pub node_hint: Option<String>,
    /// Kubernetes version from the layout.
    pub version_hint: Option<String>,
    /// Stamps of lines that produced no event, for `last_seen` (only the latest kept).
    pub latest_stamp: Option<Stamp>,
}

const BUF_SIZE: usize = 256 * 1024;

/// Opens the input, transparently decompressing gzip.
fn open(spec: &InputSpec) -> Result<Box<dyn BufRead + Send>, InputError> {
    let err = |e: io::Error| InputError { message: format!("{}: cannot read: {}", spec.display, io_reason(&e)) };
    let raw: Box<dyn Read + Send> = match &spec.path {
        Some(p) => Box::new(File::open(p).map_err(err)?),
        None => Box::new(io::stdin()),
    };
    let mut br = BufReader::with_capacity(BUF_SIZE, raw);
    let head = br.fill_buf().map_err(err)?;
    if head.starts_with(&[0x1f, 0x8b]) {
        return Ok(Box::new(BufReader::with_capacity(BUF_SIZE, MultiGzDecoder::new(br))));
    }
    Ok(Box::new(br))
}

/// Reads one input to the end. `index` is its position in the run's inputs.
pub fn read_input(spec: &InputSpec, index: u32, parser: &LineParser) -> Result<FileResult, InputError> {
    let mut reader = open(spec)?;
    {
        let head = reader.fill_buf().map_err(|e| InputError { message: format!("{}: cannot read: {}", spec.display, io_reason(&e)) })?;
        let probe = &head[..head.len().min(8192)];
        if memchr::memchr(0, probe).is_some() {
            return Err(InputError { message: format!("{}: binary input (NUL bytes), not a log", spec.display) });
        }
    }
    let mut res = FileResult {
        display: spec.display.clone(),
        node_hint: spec.node_hint.clone(),
        version_hint: spec.version_hint.clone(),
        ..FileResult::default()
    };
    let app_identity = spec.path.as_deref().and_then(app::identity_from_path);
    let node_hint: Option<Arc<str>> = spec.node_hint.as_deref().map(Arc::from);
    let mut host_cache: Option<(String, Arc<str>)> = None;
    let mut rollover = RolloverTracker::default();
    let mut buf = Vec::with_capacity(4096);
    let mut seen_facts: HashSet<u64> = HashSet::new();
    let read_err =
        |e: io::Error, line: u64| InputError { message: format!("{}:{}: read error: {}", spec.display, line + 1, io_reason(&e)) };

    if let Some(id) = &app_identity {
        res.formats.insert(SourceKind::App.name());
        res.events.push(Event {
            stamp: None,
            at: None,
            origin: Origin { file: index, line: 0 },
            node: node_hint.clone(),
            kind: EventKind::ContainerOfPod { pod: id.pod.clone(), container: id.container_id.clone(), name: Some(id.container.clone()) },
        });
    }

    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(|e| read_err(e, res.lines))?;
        if n == 0 {
            break;
        }
        res.lines += 1;
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        let line_no = res.lines as u32;
        let origin = Origin { file: index, line: line_no };

        if let Some(id) = &app_identity {
            let text = String::from_utf8_lossy(&buf);
            match envelope::parse_cri(&text) {
                Some(cri) => {
                    res.recognized += 1;
                    res.formats.insert("cri");
                    if let Some(st) = cri.envelope.stamp {
                        widen(&mut res.span, &st);
                        if let Some(kind) = app::parse(id, &cri.envelope.body) {
                            res.events.push(Event { stamp: Some(st), at: None, origin, node: node_hint.clone(), kind });
                        }
                    }
                }
                None if text.trim().is_empty() => res.recognized += 1,
                None => res.skipped += 1,
            }
            continue;
        }

        if !parser.is_relevant(&buf) {
            if looks_known(&buf) {
                res.recognized += 1;
            } else {
                res.skipped += 1;
            }
            continue;
        }
        let text = String::from_utf8_lossy(&buf);
        let parsed = parser.parse(&text);
        if parsed.source.is_none() && parsed.envelope == Some(envelope::EnvelopeKind::Bare) && !looks_known(&buf) {
            res.skipped += 1;
            continue;
        }
        res.recognized += 1;
        if !spec.skip_idents.is_empty() {
            let env = envelope::split(&text);
            if env.ident.is_some_and(|i| spec.skip_idents.contains(&i)) {
                continue;
            }
        }
        if let Some(e) = parsed.envelope {
            res.formats.insert(e.name());
        }
        if let Some(s) = parsed.source {
            res.formats.insert(s.name());
        }
        if let Some(a) = parsed.anchor {
            widen(&mut res.span, &a);
        }
        let mut stamp = parsed.stamp;
        if let Some(st) = stamp.as_mut() {
            if st.year.is_none() {
                st.year_offset = rollover.observe(st.month);
            }
        }
        if parsed.events.is_empty() {
            continue;
        }
        let node = match parsed.host {
            Some(h) => match &host_cache {
                Some((name, arc)) if name == h => Some(arc.clone()),
                _ => {
                    let arc: Arc<str> = Arc::from(h);
                    host_cache = Some((h.to_string(), arc.clone()));
                    Some(arc)
                }
            },
            None => node_hint.clone(),
        };
        for kind in parsed.events {
            // Repeated statements of the same fact (status patches, probe
            // failures, identity) add nothing: keep the first, so memory
            // grows with Pods, not with how long they run.
            if is_repeatable(&kind) && !seen_facts.insert(fact_hash(&kind)) {
                continue;
            }
            res.events.push(Event { stamp, at: None, origin, node: node.clone(), kind });
        }
    }
    Ok(res)
}

/// Facts that logs restate over and over and whose first statement suffices.
fn is_repeatable(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::ContainerOfPod { .. }
            | EventKind::PodAdded { .. }
            | EventKind::ProbeFailed { .. }
            | EventKind::StatusTerminated { .. }
            | EventKind::NodeOfPod { .. }
    )
}

fn fact_hash(kind: &EventKind) -> u64 {
    let mut h = DefaultHasher::new();
    format!("{kind:?}").hash(&mut h);
    h.finish()
}

fn widen(span: &mut Option<(DateTime<Utc>, DateTime<Utc>)>, st: &Stamp) {
    if let Some(i) = st.resolve(0, &Zone::default()) {
        *span = Some(match *span {
            None => (i.utc, i.utc),
            Some((lo, hi)) => (lo.min(i.utc), hi.max(i.utc)),
        });
    }
}

/// Cheap shape test for lines the prefilter dropped: is this a log line of
/// a known envelope or component (so it counts as recognised, not skipped)?
fn looks_known(b: &[u8]) -> bool {
    if b.iter().all(u8::is_ascii_whitespace) {
        return true;
    }
    let month = b.len() > 4 && b[3] == b' ' && b[0].is_ascii_uppercase() && b[1].is_ascii_lowercase() && b[2].is_ascii_lowercase();
    let iso = b.len() > 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-';
    let klog = b.len() > 6 && matches!(b[0], b'I' | b'W' | b'E' | b'F') && b[1..5].iter().all(u8::is_ascii_digit) && b[5] == b' ';
    let logrus = b.starts_with(b"time=") || (b.len() > 5 && b[4] == b'[' && b[..4].iter().all(u8::is_ascii_uppercase));
    let pri = b.len() > 2 && b[0] == b'<' && b[1].is_ascii_digit();
    month || iso || klog || logrus || pri || b[0] == b'{' || b.starts_with(b"-- ")
}
