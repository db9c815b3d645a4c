//! `front_end` — how fast any line-by-line analysis of a directory can be
//! here: the part of `podmortem audit` that every design must keep, and
//! nothing else.
//!
//! ```sh
//! cargo run --release --example front_end -- /tmp/podmortem-compare/archive
//! ```
//!
//! It walks the inputs as `audit` does (a directory of node directories one
//! node per task, in parallel), reads every file, splits it into lines,
//! drops the journal lines that `kubelet.log`/`containerd.log` repeat, runs
//! the prefilter (on a journald line's message), and splits the envelope of the lines that pass (checking
//! their UTF-8 first). It parses no message, makes no fact and correlates
//! nothing. Its time is a floor under `audit`'s: `benches/compare.sh` sets
//! it beside `rg` and `audit` to show how much of the gap to `rg` is this
//! front end and how much is parsing and correlating.
//!
//! With `--parse` it also hands every relevant line to the parsers (as
//! `audit` does) and counts the facts they name, keeping none: front end
//! plus parsing, without deduplication, correlation or judgement. The
//! three times (`front_end`, `front_end --parse`, `audit`) show where the
//! gap to `rg` lies.
//!
//! Prints `lines`, `relevant` (passed the prefilter), `facts` (named by the
//! parsers; 0 without `--parse`) and `files` read; `tests/front_end.rs`
//! checks that these are the files and lines `audit` reads.

use podmortem::envelope;
use podmortem::event::EventKind;
use podmortem::input::{self, InputSpec};
use podmortem::parse::{ApiState, FactSink, Facts, LineParser};
use rayon::prelude::*;
use std::cell::RefCell;
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: podmortem::memory::Allocator = mimalloc::MiMalloc;

/// Counts of one file or of many.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    /// Lines read (counted as `audit` counts them: a last line without a
    /// newline is one, a trailing newline adds none).
    pub lines: u64,
    /// Lines that passed the prefilter (after the journal's repeats).
    pub relevant: u64,
    /// Facts the parsers named (with `--parse`; repeats counted each time).
    pub facts: u64,
    /// Files read.
    pub files: u64,
}

impl Counts {
    fn add(self, o: Counts) -> Counts {
        Counts {
            lines: self.lines + o.lines,
            relevant: self.relevant + o.relevant,
            facts: self.facts + o.facts,
            files: self.files + o.files,
        }
    }
}

/// Takes the parsers' facts and keeps none (they are only counted).
struct Dropped;

impl FactSink for Dropped {
    fn fact(&mut self, kind: EventKind<&str>) {
        std::hint::black_box(kind);
    }

    fn owned(&mut self, kind: EventKind) {
        std::hint::black_box(kind);
    }
}

thread_local! {
    /// One read buffer per thread, reused for every file (256 KiB, as `audit`'s largest).
    static BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

fn main() -> ExitCode {
    podmortem::memory::keep_peak_near_live();
    let (flags, paths): (Vec<String>, Vec<String>) = std::env::args().skip(1).partition(|a| a.starts_with("--"));
    let parse = match flags.as_slice() {
        [] => false,
        [f] if f == "--parse" => true,
        _ => {
            eprintln!("usage: front_end [--parse] DIR...");
            return ExitCode::from(2);
        }
    };
    if paths.is_empty() {
        eprintln!("usage: front_end [--parse] DIR...");
        return ExitCode::from(2);
    }
    match count(&paths, parse) {
        Ok(c) => {
            println!("lines {} relevant {} facts {} files {}", c.lines, c.relevant, c.facts, c.files);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("front_end: {e}");
            ExitCode::from(2)
        }
    }
}

/// Reads `paths` as `audit` would and counts what the front end saw (and,
/// with `parse`, the facts the parsers named).
pub fn count(paths: &[String], parse: bool) -> Result<Counts, String> {
    let parser = LineParser::new();
    let mut total = Counts::default();
    for p in paths {
        let counts = match input::node_dirs_of(Path::new(p)) {
            Some(nodes) => {
                nodes.dirs.par_iter().map(|d| read_specs(&input::discover_dir(d).0, &parser, parse)).reduce(Counts::default, Counts::add)
            }
            None => read_specs(&input::discover(std::slice::from_ref(p)).map_err(|e| e.to_string())?.0, &parser, parse),
        };
        total = total.add(counts);
    }
    Ok(total)
}

/// Reads a node's files in parallel, as `audit` does.
fn read_specs(specs: &[InputSpec], parser: &LineParser, parse: bool) -> Counts {
    specs.par_iter().map(|s| read_one(s, parser, parse)).reduce(Counts::default, Counts::add)
}

fn read_one(spec: &InputSpec, parser: &LineParser, parse: bool) -> Counts {
    let Some(path) = &spec.path else { return Counts::default() };
    let mut counts = Counts { files: 1, ..Counts::default() };
    let mut api = ApiState::default();
    let mut on_line = |line: &[u8]| {
        counts.lines += 1;
        let repeated = !spec.skip_idents.is_empty() && envelope::journald_ident(line).is_some_and(|(ident, _)| spec.repeats(ident));
        // As `audit`: the prefilter reads a journald line's message, not its envelope.
        let message_start = envelope::journald_clock_end(line)
            .and_then(|clock_end| envelope::journald_tag(&line[clock_end..]).map(|tag| clock_end + tag.len()))
            .unwrap_or(0);
        if repeated || !parser.is_relevant(&line[message_start..]) {
            return;
        }
        counts.relevant += 1;
        // The same UTF-8 check as `audit`'s (SIMD, borrowed when valid).
        let text = match simdutf8::basic::from_utf8(line) {
            Ok(s) => std::borrow::Cow::Borrowed(s),
            Err(_) => String::from_utf8_lossy(line),
        };
        if parse {
            // Facts stated with borrowed text, as `audit` takes them, and dropped.
            let mut sink = Dropped;
            let mut facts = Facts::new(&mut sink);
            let parsed = parser.parse_into(&text, &mut api, &mut facts);
            counts.facts += (facts.count() + parsed.timed.len()) as u64;
        } else {
            std::hint::black_box(envelope::split(&text));
        }
    };
    let read = BUF.with_borrow_mut(|buf| for_each_line(path, buf, &mut on_line));
    if let Err(e) = read {
        eprintln!("front_end: {}: {e}", spec.display);
    }
    counts
}

/// Calls `f` with every line of the file, read in blocks into `buf` (kept
/// between files, as a thread's buffer): a line cut by the block's end is
/// moved to the front and completed by the next read.
fn for_each_line(path: &Path, buf: &mut Vec<u8>, f: &mut dyn FnMut(&[u8])) -> std::io::Result<()> {
    const BLOCK: usize = 256 * 1024;
    let mut file = std::fs::File::open(path)?;
    buf.resize(BLOCK, 0);
    let mut filled = 0;
    loop {
        if filled == buf.len() {
            // A line longer than the buffer: let it grow.
            buf.resize(buf.len() * 2, 0);
        }
        let n = file.read(&mut buf[filled..])?;
        if n == 0 {
            if filled > 0 {
                f(&buf[..filled]);
            }
            return Ok(());
        }
        let end = filled + n;
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', &buf[filled..end]) {
            f(&buf[start..filled + nl]);
            start = filled + nl + 1;
        }
        buf.copy_within(start..end, 0);
        filled = end - start;
    }
}
