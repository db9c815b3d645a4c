//! Reading one input: stream its lines, prefilter, parse, count.

use super::span::SpanTracker;
use super::{io_reason, InputError, InputSpec};
use crate::envelope;
use crate::event::{Event, EventKind, Origin};
use crate::parse::{app, ApiState, LineParser, ParsedLine, SourceKind};
use crate::time::{RolloverTracker, Stamp};
use chrono::{DateTime, Utc};
use flate2::read::MultiGzDecoder;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fs::File;
use std::hash::BuildHasher;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::Arc;

/// What reading one input produced.
#[derive(Debug, Default, Clone)]
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
    /// Node from the directory layout.
    pub node_hint: Option<String>,
    /// Kubernetes version from the layout.
    pub version_hint: Option<String>,
    /// Problems worth telling the user (malformed documents, untimed objects).
    pub warnings: Vec<String>,
    /// A few lines that looked relevant (an ID, a stop word) but were not understood.
    pub samples: Vec<String>,
    /// True for a node-less input's facts joined to a node's for context
    /// (`audit`): summarised and warned about once, not with every node.
    pub joined: bool,
    /// The node and time of the input's last line: that node's logs go on
    /// until then even when the line (noise, a retry already noted) adds no
    /// fact, which `stuck_terminating` needs to know.
    pub last_line: Option<(Arc<str>, Stamp)>,
}

const BUF_SIZE: usize = 256 * 1024;

/// Read buffer for an input of `len` bytes: no larger than the input (most
/// files of a node are small Pod logs), at most [`BUF_SIZE`].
pub fn buffer_size(len: u64) -> usize {
    usize::try_from(len).unwrap_or(BUF_SIZE).saturating_add(1).clamp(4096, BUF_SIZE)
}

/// Opens the input, transparently decompressing gzip; also says how many
/// bytes the file holds (`u64::MAX` for stdin).
fn open(spec: &InputSpec) -> Result<(Box<dyn BufRead + Send>, u64), InputError> {
    let err = |e: io::Error| InputError { message: format!("{}: cannot read: {}", spec.display, io_reason(&e)) };
    let (raw, len): (Box<dyn Read + Send>, u64) = match &spec.path {
        Some(p) => {
            let f = File::open(p).map_err(err)?;
            let len = f.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
            (Box::new(f), len)
        }
        None => (Box::new(io::stdin()), u64::MAX),
    };
    let mut br = BufReader::with_capacity(buffer_size(len), raw);
    let head = br.fill_buf().map_err(err)?;
    if head.starts_with(&[0x1f, 0x8b]) {
        return Ok((Box::new(BufReader::with_capacity(BUF_SIZE, MultiGzDecoder::new(br))), len));
    }
    Ok((Box::new(br), len))
}

/// Room for the facts of a node log of `len` bytes, so the list is not
/// copied as it grows: about one fact per 320 bytes in kubelet and
/// containerd logs. Small files (Pod logs) and unknown sizes get none.
fn expected_facts(len: u64) -> usize {
    const SMALL: u64 = 64 * 1024;
    if len == u64::MAX || len < SMALL {
        return 0;
    }
    usize::try_from(len / 320).unwrap_or(0).min(1 << 20)
}

/// Where facts of one input go: deduplication, node names, year rollover.
struct Collector {
    res: FileResult,
    node_hint: Option<Arc<str>>,
    host_cache: Option<(String, Arc<str>)>,
    rollover: RolloverTracker,
    /// Facts already stored (by content), with where they are in `res.events`.
    seen_facts: foldhash::HashMap<u64, usize>,
    /// The envelope and source of the previous line, already in `res.formats`.
    last_formats: (Option<envelope::EnvelopeKind>, Option<SourceKind>),
    /// Full timestamps seen (the year anchors that become `res.span`).
    span: SpanTracker,
}

impl Collector {
    fn node(&mut self, host: Option<&str>) -> Option<Arc<str>> {
        match host {
            Some(h) => match &self.host_cache {
                Some((name, arc)) if name == h => Some(arc.clone()),
                _ => {
                    let arc: Arc<str> = Arc::from(h);
                    self.host_cache = Some((h.to_string(), arc.clone()));
                    Some(arc)
                }
            },
            None => self.node_hint.clone(),
        }
    }

    fn push(&mut self, stamp: Option<Stamp>, line: u32, node: Option<Arc<str>>, kind: EventKind) {
        // The same fact stated again (status patches, retried unmounts,
        // probe failures, duplicated lines) adds nothing but its time: keep
        // one copy with the earliest time, so memory grows with Pods and
        // their facts, not with how long the logs run.
        let origin = Origin { file: 0, line };
        let h = fact_hash(&kind);
        if let Some(&i) = self.seen_facts.get(&h) {
            if let Some(kept) = self.res.events.get_mut(i) {
                if kept.kind == kind {
                    if earlier(stamp.as_ref(), kept.stamp.as_ref()) {
                        kept.stamp = stamp;
                        kept.origin = origin;
                    }
                    return;
                }
            }
        }
        self.seen_facts.insert(h, self.res.events.len());
        self.res.events.push(Event { stamp, at: None, origin, node, kind });
    }

    /// The node and time of a node log's last line (`bytes`, its start),
    /// read as its facts are: the same envelope, node and year rollover.
    /// Containers' own output is left out: its clock is the runtime's, and a
    /// running container's log says nothing of the node's components.
    fn last_line_time(&mut self, bytes: &[u8], parser: &LineParser) -> Option<(Arc<str>, Stamp)> {
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
        let text: String = String::from_utf8_lossy(bytes).chars().take(240).collect();
        self.res.samples.push(format!("{}:{line}: {why}: {text}", self.res.display));
    }

    /// Stores what a parsed line said.
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
        if parsed.events.is_empty() && parsed.timed.is_empty() {
            return;
        }
        let node = self.node(parsed.host.as_deref());
        for kind in parsed.events {
            self.push(stamp, line, node.clone(), kind);
        }
        for (st, kind) in parsed.timed {
            self.push(st, line, node.clone(), kind);
        }
    }
    /// One line of a Pod's CRI log file (`pods/<ns>_<pod>_<uid>/<container>/0.log`).
    fn app_line(&mut self, id: &app::AppLogIdentity, bytes: &[u8], line_no: u32) {
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
    fn node_line(&mut self, bytes: &[u8], line_no: u32, spec: &InputSpec, parser: &LineParser, api: &mut ApiState) {
        if !spec.skip_idents.is_empty() && self.skip_repeated(bytes, &spec.skip_idents) {
            return;
        }
        if !parser.is_relevant(bytes) {
            if looks_known(bytes) {
                self.res.recognized += 1;
            } else {
                self.res.skipped += 1;
                self.sample(line_no, bytes, "unknown line shape");
            }
            return;
        }
        let text = utf8(bytes);
        let parsed = parser.parse(&text, api);
        if parsed.source.is_none() && parsed.envelope == Some(envelope::EnvelopeKind::Bare) && !looks_known(bytes) {
            self.res.skipped += 1;
            self.sample(line_no, bytes, "unknown line shape");
            return;
        }
        if parsed.events.is_empty() && parsed.timed.is_empty() {
            self.sample(line_no, bytes, "no parser understood it");
        }
        self.res.recognized += 1;
        self.take(parsed, line_no);
    }

    /// True (and counted) when another file of the node has this line: kind's
    /// `journal.log` repeats `kubelet.log` and `containerd.log`. Only its full
    /// timestamp is of use, as a year anchor.
    fn skip_repeated(&mut self, bytes: &[u8], skip_idents: &[&str]) -> bool {
        let Some((ident, body)) = envelope::journald_ident(bytes) else { return false };
        if !skip_idents.iter().any(|s| s.as_bytes() == ident) {
            return false;
        }
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
        true
    }
}

/// A line as text: borrowed when it is valid UTF-8 (almost always), repaired otherwise.
fn utf8(bytes: &[u8]) -> Cow<'_, str> {
    // SIMD validation: every relevant line is checked, and almost all pass.
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Calls `f` with every line of `r` (line ending removed) and whether it
/// was cut at `cap` bytes. Lines are handed out from the reader's buffer;
/// only a line that straddles two buffers is copied. `last` ends up holding
/// the start of the last line (copied once per buffer, not per line).
fn for_each_line(r: &mut dyn BufRead, cap: usize, last: &mut Vec<u8>, mut f: impl FnMut(&[u8], bool)) -> io::Result<()> {
    let mut carry: Vec<u8> = Vec::new();
    let mut carry_cut = false;
    let mut pending = false;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            if pending {
                keep_start(last, trim_line_end(&carry));
                f(trim_line_end(&carry), carry_cut);
            }
            return Ok(());
        }
        let len = chunk.len();
        let mut start = 0;
        let mut last_piece = None;
        for nl in memchr::memchr_iter(b'\n', chunk) {
            let piece = &chunk[start..nl];
            if pending {
                append_capped(&mut carry, &mut carry_cut, piece, cap);
                keep_start(last, trim_line_end(&carry));
                f(trim_line_end(&carry), carry_cut);
                carry.clear();
                carry_cut = false;
                pending = false;
            } else {
                if piece.len() > cap {
                    f(&piece[..cap], true);
                } else {
                    f(trim_line_end(piece), false);
                }
                if !is_blank(piece) {
                    last_piece = Some(piece);
                }
            }
            start = nl + 1;
        }
        if let Some(piece) = last_piece {
            keep_start(last, trim_line_end(piece));
        }
        if start < len {
            append_capped(&mut carry, &mut carry_cut, &chunk[start..], cap);
            pending = true;
        }
        r.consume(len);
    }
}

/// How much of the last line is kept: enough for any envelope's and
/// component's timestamp, which come first.
const LAST_LINE_KEPT: usize = 512;

/// True for a line of nothing but white space (looked at from its start,
/// so almost every line is told by its first byte).
fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// Keeps the start of `line` as the last line seen, unless it is blank.
fn keep_start(last: &mut Vec<u8>, line: &[u8]) {
    if is_blank(line) {
        return;
    }
    last.clear();
    last.extend_from_slice(&line[..line.len().min(LAST_LINE_KEPT)]);
}

/// Appends to a straddling line, keeping at most `cap` bytes of it.
fn append_capped(carry: &mut Vec<u8>, cut: &mut bool, piece: &[u8], cap: usize) {
    let room = cap.saturating_sub(carry.len());
    if piece.len() > room {
        *cut = true;
    }
    carry.extend_from_slice(&piece[..piece.len().min(room)]);
}

/// A line without its trailing `\r`s (CRLF files).
fn trim_line_end(mut line: &[u8]) -> &[u8] {
    while let [rest @ .., b'\r'] = line {
        line = rest;
    }
    line
}

/// Reads one input to the end. Its facts cite it as input 0 until
/// `pipeline::build_report` numbers them by their place in its list.
pub fn read_input(spec: &InputSpec, parser: &LineParser) -> Result<FileResult, InputError> {
    let (reader, len) = open(spec)?;
    read_from(spec, reader, len, parser)
}

/// The files one input gave (an archive gives many), with warnings about it.
pub type FilesRead = (Vec<FileResult>, Vec<String>);

/// Reads one input to the end; a `.tar` or `.tar.gz` (known by its content,
/// not its name) gives each of its files, with the archive's warnings.
/// (Facts are numbered as [`read_input`] says.)
pub fn read_input_or_archive(spec: &InputSpec, parser: &LineParser) -> Result<FilesRead, InputError> {
    let (mut reader, len) = open(spec)?;
    let head = reader.fill_buf().map_err(|e| InputError { message: format!("{}: cannot read: {}", spec.display, io_reason(&e)) })?;
    if super::archive::is_tar(head) {
        return super::archive::read_all_entries(spec, reader);
    }
    Ok((vec![read_from(spec, reader, len, parser)?], Vec::new()))
}

impl FileResult {
    /// Makes this the run's input number `index` (its facts cite it so).
    pub fn renumber(&mut self, index: u32) {
        for e in &mut self.events {
            e.origin.file = index;
        }
    }
}

/// Wraps a reader, transparently decompressing gzip (a `.gz` log inside an archive).
pub fn maybe_gunzip<'a>(mut r: Box<dyn BufRead + 'a>) -> io::Result<Box<dyn BufRead + 'a>> {
    if r.fill_buf()?.starts_with(&[0x1f, 0x8b]) {
        return Ok(Box::new(BufReader::with_capacity(BUF_SIZE, MultiGzDecoder::new(r))));
    }
    Ok(r)
}

/// Reads one input from an already opened reader (a file, stdin, an archive
/// entry) of `len` bytes (`u64::MAX` when unknown). (Facts are numbered
/// as [`read_input`] says.)
pub fn read_from(spec: &InputSpec, mut reader: Box<dyn BufRead + '_>, len: u64, parser: &LineParser) -> Result<FileResult, InputError> {
    let document_mode = {
        let head = reader.fill_buf().map_err(|e| InputError { message: format!("{}: cannot read: {}", spec.display, io_reason(&e)) })?;
        let probe = &head[..head.len().min(8192)];
        if memchr::memchr(0, probe).is_some() {
            return Err(InputError { message: format!("{}: binary input (NUL bytes), not a log", spec.display) });
        }
        is_json_document(head)
    };
    let res = FileResult {
        display: spec.display.clone(),
        node_hint: spec.node_hint.clone(),
        version_hint: spec.version_hint.clone(),
        ..FileResult::default()
    };
    let node_hint: Option<Arc<str>> = spec.node_hint.as_deref().map(Arc::from);
    let mut col = Collector {
        res,
        node_hint,
        host_cache: None,
        rollover: RolloverTracker::default(),
        seen_facts: foldhash::HashMap::default(),
        last_formats: (None, None),
        span: SpanTracker::default(),
    };
    if document_mode {
        read_documents(spec, reader, &mut col)?;
        col.res.span = col.span.span();
        return Ok(col.res);
    }
    let app_identity = spec.path.as_deref().and_then(app::identity_from_path);
    if app_identity.is_none() && spec.skip_idents.is_empty() {
        let facts = expected_facts(len);
        col.res.events.reserve(facts);
        col.seen_facts.reserve(facts);
    }
    if let Some(id) = &app_identity {
        col.res.formats.insert(SourceKind::App.name());
        let kind = EventKind::ContainerOfPod { pod: id.pod.clone(), container: id.container_id.clone(), name: Some(id.container.clone()) };
        let node = col.node_hint.clone();
        col.push(None, 0, node, kind);
    }
    let mut api = ApiState::default();
    let mut long_lines = 0u64;
    let mut last_line = Vec::new();
    let outcome = for_each_line(&mut *reader, MAX_LINE, &mut last_line, |bytes, truncated| {
        long_lines += u64::from(truncated);
        col.res.lines += 1;
        let line_no = col.res.lines as u32;
        match &app_identity {
            Some(id) => col.app_line(id, bytes, line_no),
            None => col.node_line(bytes, line_no, spec, parser, &mut api),
        }
    });
    if let Err(e) = outcome {
        if col.res.lines == 0 {
            return Err(InputError { message: format!("{}:1: read error: {}", spec.display, io_reason(&e)) });
        }
        // A truncated .gz or a failing disk: keep what was read, say where it stopped.
        col.res.warnings.push(format!(
            "{}:{}: read error: {} (the lines before it were read)",
            spec.display,
            col.res.lines + 1,
            io_reason(&e)
        ));
    }
    if api.untimed > 0 {
        col.res.warnings.push(untimed_warning(&spec.display, api.untimed));
    }
    if long_lines > 0 {
        col.res.warnings.push(format!(
            "{}: {long_lines} lines longer than {} MiB were read only up to that length",
            spec.display,
            MAX_LINE >> 20
        ));
    }
    if app_identity.is_none() {
        col.res.last_line = col.last_line_time(&last_line, parser);
    }
    col.res.span = col.span.span();
    // The node's facts wait here until all its files are read: no growth slack.
    col.res.events.shrink_to_fit();
    Ok(col.res)
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
    if WORDS.is_match(b) {
        return true;
    }
    // A 64-hex container ID.
    let mut run = 0;
    for c in b {
        run = if c.is_ascii_hexdigit() { run + 1 } else { 0 };
        if run >= 64 {
            return true;
        }
    }
    false
}

/// Longest line read whole; the rest of a longer line is skipped (memory stays bounded).
pub const MAX_LINE: usize = 4 << 20;

fn untimed_warning(path: &str, n: usize) -> String {
    format!("{path}: {n} API objects carry no time (a `kubectl get -w` stream without managedFields): their endpoint changes give order only and are not placed on the timeline")
}

/// True when the input starts with a pretty-printed JSON document (kubectl
/// output) rather than JSON lines or text: its first line is the start of a
/// JSON value but not a whole one. A line that breaks JSON syntax is text,
/// even when it opens with a bracket (`dmesg`'s `[    0.000000] Linux …`).
fn is_json_document(head: &[u8]) -> bool {
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    if !matches!(head.get(start), Some(b'{') | Some(b'[')) {
        return false;
    }
    let rest = &head[start..];
    let (first_line, whole) = match memchr::memchr(b'\n', rest) {
        Some(e) => (&rest[..e], false),
        None => (rest, true),
    };
    match serde_json::from_slice::<serde::de::IgnoredAny>(first_line) {
        // One complete value per line is JSON lines; a file that is one value is a document.
        Ok(_) => whole,
        Err(e) => e.is_eof(),
    }
}

/// Reads concatenated JSON documents (`kubectl get -o json`, `-w` streams).
fn read_documents(spec: &InputSpec, mut reader: Box<dyn BufRead + '_>, col: &mut Collector) -> Result<(), InputError> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|e| InputError { message: format!("{}: read error: {}", spec.display, io_reason(&e)) })?;
    let total_lines = bytes.iter().filter(|b| **b == b'\n').count() as u64 + u64::from(!bytes.ends_with(b"\n") && !bytes.is_empty());
    col.res.lines = total_lines;
    col.res.formats.insert(SourceKind::KubeJson.name());
    let mut api = ApiState::default();
    let mut stream = serde_json::Deserializer::from_slice(&bytes).into_iter::<serde_json::Value>();
    let mut line = 1u32;
    let mut scanned = 0usize;
    let mut good_end = 0usize;
    loop {
        // The document starts at the next non-blank byte.
        let start = bytes[scanned..].iter().position(|b| !b.is_ascii_whitespace()).map(|p| scanned + p);
        let Some(start) = start else { break };
        line += bytes[scanned..start].iter().filter(|b| **b == b'\n').count() as u32;
        scanned = start;
        match stream.next() {
            None => break,
            Some(Ok(v)) => {
                let end = stream.byte_offset();
                let items: Vec<serde_json::Value> = match v {
                    serde_json::Value::Array(a) => a,
                    other => vec![other],
                };
                for item in items {
                    let timed = crate::parse::kube_json::parse_object(&item, &mut api);
                    for (st, kind) in timed {
                        if let Some(s) = &st {
                            col.span.observe(s);
                        }
                        let node = col.node_hint.clone();
                        col.push(st, line, node, kind);
                    }
                }
                line += bytes[scanned..end].iter().filter(|b| **b == b'\n').count() as u32;
                scanned = end;
                good_end = end;
            }
            Some(Err(e)) => {
                col.res.warnings.push(format!(
                    "{}:{}:{}: invalid JSON ({}); the documents before it were read",
                    spec.display,
                    e.line(),
                    e.column(),
                    e.to_string().split(" at line").next().unwrap_or("syntax error")
                ));
                break;
            }
        }
    }
    let good_lines = bytes[..good_end].iter().filter(|b| **b == b'\n').count() as u64 + u64::from(good_end > 0);
    col.res.recognized = good_lines.min(total_lines);
    col.res.skipped = total_lines - col.res.recognized;
    if api.untimed > 0 {
        col.res.warnings.push(untimed_warning(&spec.display, api.untimed));
    }
    Ok(())
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

fn fact_hash(kind: &EventKind) -> u64 {
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

    #[test]
    fn json_documents_are_told_from_json_lines_and_bracketed_text() {
        assert!(is_json_document(b"{\n  \"apiVersion\": \"v1\",\n"));
        assert!(is_json_document(b"[\n  {\"kind\": \"Pod\"}\n]\n"));
        assert!(is_json_document(b"{\"kind\":\"List\",\"items\":["), "one value with no newline in sight");
        assert!(!is_json_document(b"{\"ts\":1,\"msg\":\"a\"}\n{\"ts\":2,\"msg\":\"b\"}\n"), "JSON lines");
        assert!(!is_json_document(b"[    0.000000] Linux version 6.8.0 (buildd@lcy02)\n[    0.000000] Command line: ro\n"), "dmesg");
        assert!(!is_json_document(b"[  139.201465] oom-kill:constraint=CONSTRAINT_MEMCG"), "dmesg, one line");
        assert!(!is_json_document(b"Mar 18 10:21:22 kind-worker kubelet[246]: I0318\n"));
    }

    /// The lines `for_each_line` hands out and the last line it keeps, read
    /// through a buffer of `cap` bytes.
    fn lines_and_last(text: &str, cap: usize) -> (Vec<String>, String) {
        let mut r = BufReader::with_capacity(cap, text.as_bytes());
        let (mut lines, mut last) = (Vec::new(), Vec::new());
        for_each_line(&mut r, MAX_LINE, &mut last, |l, _| lines.push(String::from_utf8_lossy(l).into_owned())).unwrap();
        (lines, String::from_utf8(last).unwrap())
    }

    #[test]
    fn the_last_line_is_kept_whatever_the_buffer_size() {
        let text = "first line\nsecond, a longer line\r\nthird\n\n  \n";
        for cap in [1, 2, 5, 7, 16, 1024] {
            let (lines, last) = lines_and_last(text, cap);
            assert_eq!(lines, ["first line", "second, a longer line", "third", "", "  "], "buffer {cap}");
            assert_eq!(last, "third", "blank lines are not the last line (buffer {cap})");
            let (_, last) = lines_and_last("a\nno newline at the end", cap);
            assert_eq!(last, "no newline at the end", "buffer {cap}");
        }
        let long = format!("x\n{}\n", "y".repeat(2000));
        assert_eq!(lines_and_last(&long, 64).1, "y".repeat(LAST_LINE_KEPT), "only the start of a long line");
        assert_eq!(lines_and_last("", 8).1, "");
    }

    #[test]
    fn dmesg_lines_are_a_known_shape() {
        assert!(looks_known(b"[    0.000000] Linux version 6.8.0"));
        assert!(looks_known(b"[  139.201465] eth0: link up"));
        assert!(!looks_known(b"[INFO] starting"));
        assert!(!looks_known(b"[1] not an uptime"));
    }
}
