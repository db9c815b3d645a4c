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
//! the prefilter, and splits the envelope of the lines that pass (checking
//! their UTF-8 first). It parses no message, makes no fact and correlates
//! nothing. Its time is a floor under `audit`'s: `benches/compare.sh` sets
//! it beside `rg` and `audit` to show how much of the gap to `rg` is this
//! front end and how much is parsing and correlating.
//!
//! Prints `lines`, `relevant` (passed the prefilter) and `files` read;
//! `tests/front_end.rs` checks that these are the files and lines `audit` reads.

use podmortem::envelope;
use podmortem::input::{self, InputSpec};
use podmortem::parse::LineParser;
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
    /// Files read.
    pub files: u64,
}

impl Counts {
    fn add(self, o: Counts) -> Counts {
        Counts { lines: self.lines + o.lines, relevant: self.relevant + o.relevant, files: self.files + o.files }
    }
}

thread_local! {
    /// One read buffer per thread, reused for every file.
    static BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

fn main() -> ExitCode {
    podmortem::memory::keep_peak_near_live();
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: front_end DIR...");
        return ExitCode::from(2);
    }
    match count(&paths) {
        Ok(c) => {
            println!("lines {} relevant {} files {}", c.lines, c.relevant, c.files);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("front_end: {e}");
            ExitCode::from(2)
        }
    }
}

/// Reads `paths` as `audit` would and counts what the front end saw.
pub fn count(paths: &[String]) -> Result<Counts, String> {
    let parser = LineParser::new();
    let mut total = Counts::default();
    for p in paths {
        let counts = match input::node_dirs_of(Path::new(p)) {
            Some(nodes) => nodes.par_iter().map(|d| read_specs(&input::discover_dir(d).0, &parser)).reduce(Counts::default, Counts::add),
            None => read_specs(&input::discover(std::slice::from_ref(p)).map_err(|e| e.to_string())?.0, &parser),
        };
        total = total.add(counts);
    }
    Ok(total)
}

/// Reads a node's files in parallel, as `audit` does.
fn read_specs(specs: &[InputSpec], parser: &LineParser) -> Counts {
    specs.par_iter().map(|s| read_one(s, parser)).reduce(Counts::default, Counts::add)
}

fn read_one(spec: &InputSpec, parser: &LineParser) -> Counts {
    let Some(path) = &spec.path else { return Counts::default() };
    BUF.with_borrow_mut(|buf| {
        buf.clear();
        let read = std::fs::File::open(path).and_then(|mut f| f.read_to_end(buf));
        if let Err(e) = read {
            eprintln!("front_end: {}: {e}", spec.display);
            return Counts::default();
        }
        let mut counts = Counts { files: 1, ..Counts::default() };
        let mut start = 0;
        let ends = memchr::memchr_iter(b'\n', buf).chain((buf.last() != Some(&b'\n') && !buf.is_empty()).then_some(buf.len()));
        for end in ends {
            let line = &buf[start..end];
            start = end + 1;
            counts.lines += 1;
            let repeated = !spec.skip_idents.is_empty()
                && envelope::journald_ident(line).is_some_and(|(ident, _)| spec.skip_idents.iter().any(|s| s.as_bytes() == ident));
            if repeated || !parser.is_relevant(line) {
                continue;
            }
            counts.relevant += 1;
            // The same UTF-8 check as `audit`'s (SIMD, borrowed when valid).
            let text = match simdutf8::basic::from_utf8(line) {
                Ok(s) => std::borrow::Cow::Borrowed(s),
                Err(_) => String::from_utf8_lossy(line),
            };
            std::hint::black_box(envelope::split(&text));
        }
        counts
    })
}
