//! Reading one input: open it (gzip or not), tell a JSON document from
//! lines, and hand every line to a [`Collector`]; what it gives back is the
//! input's [`FileResult`].

use super::collector::Collector;
use super::lines::{for_each_line, MAX_LINE};
use super::{io_reason, InputError, InputSpec};
use crate::event::{EventKind, NodeName};
use crate::fact_list::FactList;
use crate::parse::{app, ApiState, LineParser, SourceKind};
use crate::symbols::Symbols;
use crate::time::Stamp;
use chrono::{DateTime, Utc};
use flate2::read::MultiGzDecoder;
use std::collections::BTreeSet;
use std::fs::File;
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
    pub events: FactList,
    /// The text the facts name, each string once (the facts hold its symbols).
    pub symbols: Symbols,
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
    pub last_line: Option<(NodeName, Stamp)>,
}

const BUF_SIZE: usize = 256 * 1024;

/// Read buffer for an input of `len` bytes: no larger than the input (most
/// files of a node are small Pod logs), at most 256 KiB.
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

/// Room for the first facts of a node log of `len` bytes, so the list's
/// first chunk is not copied as it grows: about one fact per 320 bytes in
/// the benchmark's kubelet and containerd logs (a noisier log has fewer,
/// but the room is at most a chunk). Small files (Pod logs) and unknown
/// sizes get none.
fn expected_facts(len: u64) -> usize {
    const SMALL: u64 = 64 * 1024;
    if len == u64::MAX || len < SMALL {
        return 0;
    }
    usize::try_from(len / 320).unwrap_or(0)
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
        for e in self.events.iter_mut() {
            e.origin.file = index;
        }
    }

    /// Moves this input's text into the run's table `run`, so that the facts
    /// of all inputs name equal text by one symbol (the first input's table
    /// becomes the run's as it is).
    pub fn join_symbols(&mut self, run: &mut Symbols) {
        if run.is_empty() {
            std::mem::swap(run, &mut self.symbols);
            return;
        }
        let table = run.absorb(&self.symbols);
        self.symbols = Symbols::default();
        for e in self.events.iter_mut() {
            let kind = std::mem::replace(&mut e.kind, EventKind::PodAdded { pod: crate::event::PodRef::default() });
            e.kind = kind.map_text(&mut |s| table.get(s.index()).copied().unwrap_or(s));
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
    let node_hint: Option<NodeName> = spec.node_hint.clone().map(Arc::new);
    let mut col = Collector::new(res, node_hint);
    if document_mode {
        read_documents(spec, reader, &mut col)?;
        col.res.span = col.span.span();
        return Ok(col.res);
    }
    let app_identity = spec.path.as_deref().and_then(app::identity_from_path);
    if app_identity.is_none() && spec.skip_idents.is_empty() {
        col.reserve(expected_facts(len));
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
    Ok(col.res)
}

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
}
