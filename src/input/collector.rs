//! Where an input's lines go once read: the prefilter and the parsers, then
//! each fact kept once (the earliest time a log states it), with its node
//! and the year rollover resolved. Lines no parser understood are counted
//! and a few are kept as samples, never dropped unseen.

use super::span::SpanTracker;
use super::{FileResult, InputSpec};
use crate::envelope::{self, JournaldTag};
use crate::event::{Event, EventKind, NodeName, Origin};
use crate::fact_list::FactList;
use crate::parse::{app, ApiState, FactSink, Facts, LineParser, ParsedLine, SourceKind};
use crate::symbols::{Sym, Symbols};
use crate::time::{RolloverTracker, Stamp};
use std::borrow::Cow;
use std::hash::BuildHasher;
use std::sync::Arc;

/// Where facts of one input go: deduplication, node names, year rollover.
pub(super) struct Collector {
    /// What the input gave so far.
    pub(super) res: FileResult,
    /// The node of the input's directory, for lines that name none.
    pub(super) node_hint: Option<NodeName>,
    host_cache: Option<(String, NodeName)>,
    rollover: RolloverTracker,
    /// Facts already stored (by content), with where they are in `res.events`.
    seen_facts: foldhash::HashMap<u64, usize>,
    /// The envelope and source of the previous line, already in `res.formats`.
    last_formats: (Option<envelope::EnvelopeKind>, Option<SourceKind>),
    /// Full timestamps seen (the year anchors that become `res.span`).
    pub(super) span: SpanTracker,
    /// The current line's facts, interned as the parser states them (one
    /// list, reused line after line).
    line_facts: Vec<EventKind<Sym>>,
    /// The ` host ident[pid]: ` of the last journald lines, latest first
    /// (see [`Self::journald_head`]).
    tags: Vec<KnownTag>,
    /// The clock text of the last journald line read, and its time (see [`Self::clock`]).
    last_clock_text: Vec<u8>,
    last_clock: Option<Stamp>,
}

/// Interns the facts a parser states into the input's table as they come,
/// so their borrowed text is copied once, into the table, or not at all.
struct Interner<'c> {
    symbols: &'c mut Symbols,
    facts: &'c mut Vec<EventKind<Sym>>,
}

impl FactSink for Interner<'_> {
    fn fact(&mut self, kind: EventKind<&str>) {
        let symbols = &mut *self.symbols;
        self.facts.push(kind.map_text(&mut |text: &str| symbols.intern(text)));
    }

    fn owned(&mut self, kind: EventKind) {
        self.facts.push(intern_owned(self.symbols, kind));
    }
}

/// A fact with owned text, its text interned into `symbols`.
fn intern_owned(symbols: &mut Symbols, kind: EventKind) -> EventKind<Sym> {
    kind.map_text(&mut |text: String| symbols.intern(&text))
}

impl Collector {
    /// Starts collecting into `res`; lines that name no node get `node_hint`'s.
    pub(super) fn new(res: FileResult, node_hint: Option<NodeName>) -> Self {
        Collector {
            res,
            node_hint,
            host_cache: None,
            rollover: RolloverTracker::default(),
            seen_facts: foldhash::HashMap::default(),
            last_formats: (None, None),
            span: SpanTracker::default(),
            line_facts: Vec::new(),
            tags: Vec::with_capacity(KNOWN_TAGS),
            last_clock_text: Vec::new(),
            last_clock: None,
        }
    }

    /// Makes room for about `facts` facts, so that the first of them are not
    /// copied (or rehashed) as the lists grow; at most a chunk's room of
    /// either (a table of facts seen is touched all over: room for more
    /// would be resident).
    pub(super) fn reserve(&mut self, facts: usize) {
        self.res.events = FactList::with_capacity(facts);
        self.seen_facts.reserve(facts.min(FactList::CHUNK));
    }

    /// The node a line's host names (one shared name per run of equal
    /// hosts), else the directory's.
    fn node(&mut self, host: Option<&str>) -> Option<NodeName> {
        match host {
            Some(h) => match &self.host_cache {
                Some((name, arc)) if name == h => Some(arc.clone()),
                _ => {
                    let arc: NodeName = Arc::new(h.to_string());
                    self.host_cache = Some((h.to_string(), arc.clone()));
                    Some(arc)
                }
            },
            None => self.node_hint.clone(),
        }
    }

    /// Keeps a fact stated at `stamp` on input line `line`.
    pub(super) fn push(&mut self, stamp: Option<Stamp>, line: u32, node: Option<NodeName>, kind: EventKind) {
        let kind = intern_owned(&mut self.res.symbols, kind);
        self.keep(stamp, line, node, kind);
    }

    /// [`Self::push`] for a fact already interned in this input's table.
    fn keep(&mut self, stamp: Option<Stamp>, line: u32, node: Option<NodeName>, kind: EventKind<Sym>) {
        // The same fact stated again (status patches, retried unmounts,
        // probe failures, duplicated lines) adds nothing but its time: keep
        // one copy with the earliest time, so memory grows with Pods and
        // their facts, not with how long the logs run.
        let origin = Origin { file: 0, line };
        let h = fact_hash(&kind);
        if let Some(&i) = self.seen_facts.get(&h) {
            if let Some(kept) = self.res.events.get_mut(i) {
                if kept.kind == kind {
                    if earlier(stamp.as_ref(), kept.printed()) {
                        kept.when = stamp.into();
                        kept.origin = origin;
                    }
                    return;
                }
            }
        }
        self.seen_facts.insert(h, self.res.events.len());
        self.res.events.push(Event { when: stamp.into(), origin, node, kind });
    }

    /// The node and time of a node log's last line (`bytes`, its start),
    /// read as its facts are: the same envelope, node and year rollover.
    /// Containers' own output is left out: its clock is the runtime's, and a
    /// running container's log says nothing of the node's components.
    pub(super) fn last_line_time(&mut self, bytes: &[u8], parser: &LineParser) -> Option<(NodeName, Stamp)> {
        let text = utf8(bytes);
        let parsed = parser.parse(&text, &mut ApiState::default());
        if parsed.source == Some(SourceKind::App) {
            return None;
        }
        let mut stamp = parsed.stamp?;
        if stamp.year.is_none() {
            stamp.year_offset = self.rollover.observe(stamp.month);
        }
        Some((self.node(parsed.host.as_deref())?, stamp))
    }

    /// Keeps a few lines that looked relevant but were not understood, for `-v`.
    fn sample(&mut self, line: u32, bytes: &[u8], why: &str) {
        if self.res.samples.len() >= MAX_SAMPLES || !looks_relevant(bytes) {
            return;
        }
        let lossy = String::from_utf8_lossy(bytes);
        let text = crate::text::first_chars(&lossy, 240);
        self.res.samples.push(format!("{}:{line}: {why}: {text}", self.res.display));
    }

    /// Stores what a parsed line said: its facts (`self.line_facts`, which
    /// this empties) and the facts with times of their own.
    fn take(&mut self, parsed: ParsedLine, line: u32) {
        // Lines of a file mostly share their envelope and source: look the
        // names up only when they change.
        if self.last_formats != (parsed.envelope, parsed.source) {
            self.last_formats = (parsed.envelope, parsed.source);
            if let Some(e) = parsed.envelope {
                self.res.formats.insert(e.name());
            }
            if let Some(s) = parsed.source {
                self.res.formats.insert(s.name());
            }
        }
        if let Some(a) = parsed.anchor {
            self.span.observe(&a);
        }
        let mut stamp = parsed.stamp;
        if let Some(st) = stamp.as_mut() {
            if st.year.is_none() {
                st.year_offset = self.rollover.observe(st.month);
            }
        }
        if self.line_facts.is_empty() && parsed.timed.is_empty() {
            return;
        }
        let node = self.node(parsed.host.as_deref());
        let mut facts = std::mem::take(&mut self.line_facts);
        for kind in facts.drain(..) {
            self.keep(stamp, line, node.clone(), kind);
        }
        self.line_facts = facts;
        for (st, kind) in parsed.timed {
            self.push(st, line, node.clone(), kind);
        }
    }
    /// One line of a Pod's CRI log file (`pods/<ns>_<pod>_<uid>/<container>/0.log`).
    pub(super) fn app_line(&mut self, id: &app::AppLogIdentity, bytes: &[u8], line_no: u32) {
        let text = utf8(bytes);
        match envelope::parse_cri(&text) {
            Some(cri) => {
                self.res.recognized += 1;
                self.res.formats.insert("cri");
                if let Some(st) = cri.envelope.stamp {
                    self.span.observe(&st);
                    if let Some(kind) = app::parse(id, &cri.envelope.body) {
                        let node = self.node_hint.clone();
                        self.push(Some(st), line_no, node, kind);
                    }
                }
            }
            None if text.trim().is_empty() => self.res.recognized += 1,
            None => self.res.skipped += 1,
        }
    }

    /// One line of a node log (kubelet, containerd, CRI-O, kernel, journal, API JSON).
    pub(super) fn node_line(&mut self, bytes: &[u8], line_no: u32, spec: &InputSpec, parser: &LineParser, api: &mut ApiState) {
        // The markers are words of a component's message: a journald
        // envelope (time, host, `ident[pid]:`) is not searched.
        let head = self.journald_head(bytes, spec);
        let message = match head {
            Some((start, true, _)) => return self.skip_repeated(bytes, &bytes[start..]),
            Some((start, false, _)) => &bytes[start..],
            None => {
                let repeated = envelope::journald_ident(bytes).filter(|(ident, _)| spec.repeats(ident));
                if let Some((_, body)) = repeated {
                    return self.skip_repeated(bytes, body);
                }
                bytes
            }
        };
        if !parser.is_relevant(message) {
            if looks_known(bytes) {
                self.res.recognized += 1;
            } else {
                self.res.skipped += 1;
                self.sample(line_no, bytes, "unknown line shape");
            }
            return;
        }
        let text = utf8(bytes);
        // A tag read before gives the envelope without reading it again.
        let known = match (&text, head) {
            (Cow::Borrowed(line), Some((start, _, Some(tag)))) => {
                let clock_end = start - tag.len;
                self.clock(line, clock_end).and_then(|stamp| tag.split_at_stamp(line, clock_end, stamp))
            }
            _ => None,
        };
        let env = known.unwrap_or_else(|| envelope::split(&text));
        let mut sink = Interner { symbols: &mut self.res.symbols, facts: &mut self.line_facts };
        let parsed = parser.parse_enveloped(env, api, &mut Facts::new(&mut sink));
        if parsed.source.is_none() && parsed.envelope == Some(envelope::EnvelopeKind::Bare) && !looks_known(bytes) {
            self.line_facts.clear();
            self.res.skipped += 1;
            self.sample(line_no, bytes, "unknown line shape");
            return;
        }
        if self.line_facts.is_empty() && parsed.timed.is_empty() {
            self.sample(line_no, bytes, "no parser understood it");
        }
        self.res.recognized += 1;
        self.take(parsed, line_no);
    }

    /// Where the message of a journald line starts, and whether the line
    /// is one another file of the node has ([`InputSpec::repeats`]); `None`
    /// for lines of other shapes. The lines of a file
    /// share a few hosts and tags: those seen last are tried first, byte
    /// for byte, before the envelope is read.
    fn journald_head(&mut self, line: &[u8], spec: &InputSpec) -> Option<(usize, bool, Option<JournaldTag>)> {
        let clock_end = envelope::journald_clock_end(line)?;
        let after_clock = &line[clock_end..];
        if let Some(known) = self.tags.iter().find(|k| after_clock.get(..k.bytes.len()).is_some_and(|head| same_bytes(head, &k.bytes))) {
            return Some((clock_end + known.bytes.len(), known.repeated, known.read));
        }
        let tag = envelope::journald_tag(after_clock)?;
        let repeated = envelope::journald_ident(line).is_some_and(|(ident, _)| spec.repeats(ident));
        let read = std::str::from_utf8(line).ok().and_then(|text| JournaldTag::read(text, clock_end, tag.len()));
        if self.tags.len() == KNOWN_TAGS {
            self.tags.pop();
        }
        self.tags.insert(0, KnownTag { bytes: tag.to_vec(), repeated, read });
        Some((clock_end + tag.len(), repeated, read))
    }

    /// The time of a journald line whose clock ends at `clock_end`
    /// ([`envelope::journald_clock`]); lines of the same second as the last
    /// one read take its time without reading the clock again.
    fn clock(&mut self, line: &str, clock_end: usize) -> Option<Stamp> {
        let clock = &line.as_bytes()[..clock_end];
        if let Some(stamp) = self.last_clock.filter(|_| same_bytes(&self.last_clock_text, clock)) {
            return Some(stamp);
        }
        let stamp = envelope::journald_clock(line, clock_end)?;
        self.last_clock_text.clear();
        self.last_clock_text.extend_from_slice(clock);
        self.last_clock = Some(stamp);
        Some(stamp)
    }

    /// Counts a journal line that another file of the node has (kind's
    /// `journal.log` repeats `kubelet.log` and `containerd.log`; `body` is
    /// its message). Only its full timestamp is of use, as a year anchor.
    fn skip_repeated(&mut self, bytes: &[u8], body: &[u8]) {
        self.res.recognized += 1;
        // A short-iso envelope carries the year itself; a containerd line has it in `time="…"`.
        let anchor = if bytes.first().is_some_and(u8::is_ascii_digit) {
            envelope::split(&utf8(bytes)).stamp.filter(Stamp::is_complete)
        } else if body.starts_with(b"time=\"") {
            embedded_time(body)
        } else {
            None
        };
        if let Some(st) = anchor {
            self.span.observe(&st);
        }
    }
}

/// A journald line's ` host ident[pid]: `, as seen on an earlier line.
struct KnownTag {
    bytes: Vec<u8>,
    /// Whether its lines repeat another file of the node.
    repeated: bool,
    /// How the envelope reads it (`None` if it is not read as a tag).
    read: Option<JournaldTag>,
}

/// How many journald hosts and tags a collector remembers (a journal's
/// lines mostly come from two or three units of one host).
const KNOWN_TAGS: usize = 4;

/// A line as text: borrowed when it is valid UTF-8 (almost always), repaired otherwise.
fn utf8(bytes: &[u8]) -> Cow<'_, str> {
    // SIMD validation: every relevant line is checked, and almost all pass.
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// `a == b` for the short texts compared on every line (journald clocks
/// and tags): their first and last eight bytes are compared as two words
/// before any call, which tells most different tags apart (they differ in
/// the identifier and PID, at the end) and settles clocks outright.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a == b;
    }
    let word = |s: &[u8], at: usize| {
        let mut w = [0; 8];
        w.copy_from_slice(&s[at..at + 8]);
        u64::from_ne_bytes(w)
    };
    word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8) && (n <= 16 || a[8..n - 8] == b[8..n - 8])
}

/// The full `time="…"` of a containerd line, as a year anchor.
fn embedded_time(body: &[u8]) -> Option<Stamp> {
    let t = body.strip_prefix(b"time=\"")?;
    let t = &t[..memchr::memchr(b'"', t)?];
    crate::time::parse_rfc3339_prefix_bytes(t).map(|(s, _)| s).filter(Stamp::is_complete)
}
/// How many not-understood lines per input are kept for `-v`.
const MAX_SAMPLES: usize = 5;

/// Words and shapes that make an unread line worth showing: a parser gap.
fn looks_relevant(b: &[u8]) -> bool {
    static WORDS: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["kill", "stopcontainer", "stop container", "exit", "oom", "prestop", "teardown", "sigterm", "grace"])
            .expect("valid patterns")
    });
    WORDS.is_match(b) || has_hex_run(b, 64)
}

/// True when `b` holds `len` (> 0) hex digits in a row (a container ID).
/// Looks at the last byte of each window first: a non-digit there rules
/// out every run ending inside the window, so most bytes are never read.
fn has_hex_run(b: &[u8], len: usize) -> bool {
    let mut end = len - 1;
    while end < b.len() {
        if !b[end].is_ascii_hexdigit() {
            end += len;
            continue;
        }
        // Digits run back from `end` to `start`.
        let start = (end + 1 - len..end).rev().find(|&i| !b[i].is_ascii_hexdigit()).map_or(end + 1 - len, |i| i + 1);
        if end + 1 - start >= len {
            return true;
        }
        end = start + len - 1;
    }
    false
}
/// True when stamp `a` is earlier than `b` (within one input; no stamp is latest).
fn earlier(a: Option<&Stamp>, b: Option<&Stamp>) -> bool {
    let key = |s: &Stamp| (s.year.unwrap_or(0) + i32::from(s.year_offset), s.month, s.day, s.hour, s.minute, s.second, s.nanos);
    match (a, b) {
        (Some(a), Some(b)) => key(a) < key(b),
        (Some(_), None) => true,
        _ => false,
    }
}

fn fact_hash(kind: &EventKind<Sym>) -> u64 {
    // Fixed seed: the same fact hashes alike in every input of the run.
    foldhash::fast::FixedState::default().hash_one(kind)
}

/// True for a kernel ring buffer line (`dmesg`): `[  139.201465] ` uptime first.
fn has_kernel_uptime(b: &[u8]) -> bool {
    let Some(inner) = b.strip_prefix(b"[") else { return false };
    let Some(close) = memchr::memchr(b']', inner) else { return false };
    let stamp = inner[..close].trim_ascii_start();
    stamp.contains(&b'.') && stamp.iter().all(|c| c.is_ascii_digit() || *c == b'.') && inner.get(close + 1) == Some(&b' ')
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
    month || iso || klog || logrus || pri || has_kernel_uptime(b) || b[0] == b'{' || b.starts_with(b"-- ")
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn same_bytes_is_slice_equality(a in proptest::collection::vec(proptest::sample::select(b"ab".to_vec()), 0..40), flip in proptest::option::of(0usize..40), cut in 0usize..2) {
            // `b` is `a`, or `a` with one byte changed, or `a` one byte shorter.
            let mut b = a.clone();
            if let Some(i) = flip.filter(|&i| i < b.len()) {
                b[i] = if b[i] == b'a' { b'b' } else { b'a' };
            }
            b.truncate(b.len().saturating_sub(cut));
            proptest::prop_assert_eq!(same_bytes(&a, &b), a == b);
        }

        #[test]
        fn hex_runs_are_found_as_a_byte_by_byte_count_finds_them(b in proptest::collection::vec(proptest::sample::select(b"a0f9x-".to_vec()), 0..80), len in 1usize..8) {
            let mut run = 0;
            let counted = b.iter().any(|c| {
                run = if c.is_ascii_hexdigit() { run + 1 } else { 0 };
                run >= len
            });
            proptest::prop_assert_eq!(has_hex_run(&b, len), counted);
        }
    }

    #[test]
    fn dmesg_lines_are_a_known_shape() {
        assert!(looks_known(b"[    0.000000] Linux version 6.8.0"));
        assert!(looks_known(b"[  139.201465] eth0: link up"));
        assert!(!looks_known(b"[INFO] starting"));
        assert!(!looks_known(b"[1] not an uptime"));
    }
}
