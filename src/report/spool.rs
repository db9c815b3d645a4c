//! Pod records kept on disk until a batch run is over.
//!
//! `audit -o json` and `-o jsonl` print every Pod of the fleet, sorted by
//! node, start and name, and the order is only known at the end. Holding
//! every Pod's report until then made memory grow with the fleet (163 MB
//! for `jsonl` over 1 GB of logs). Instead each node's Pods are rendered as
//! soon as the node is done and appended to an unnamed temporary file (in
//! `$TMPDIR`, gone when the run ends, even on a crash); only where each
//! record lies and what it sorts by stay in memory, about a hundred bytes a
//! Pod. The output is then written from the file, sorted, byte for byte
//! what rendering the whole report at once gives.

use crate::model::{FleetOrder, PodReport};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::{Mutex, PoisonError};

/// Where one Pod's record lies in the spool, and what it sorts by.
#[derive(Debug, Clone)]
pub struct Spooled {
    order: FleetOrder,
    at: u64,
    len: usize,
}

/// The temporary file of Pod records.
pub struct Spool {
    file: Mutex<(File, u64)>,
}

impl Spool {
    /// Creates the spool's file (unnamed, in the system's temporary directory).
    pub fn new() -> io::Result<Spool> {
        Ok(Spool { file: Mutex::new((tempfile::tempfile()?, 0)) })
    }

    /// Renders each Pod with `render` and appends the records, a batch of
    /// about a megabyte at a time (a node's records at once were tens of
    /// megabytes in `json`); gives where each lies, in the Pods' order.
    pub fn put(&self, pods: &[PodReport], render: impl Fn(&PodReport) -> io::Result<String>) -> io::Result<Vec<Spooled>> {
        self.put_in_batches(pods, render, 1 << 20)
    }

    /// [`Spool::put`], in batches of at least `batch` bytes.
    fn put_in_batches(
        &self,
        pods: &[PodReport],
        render: impl Fn(&PodReport) -> io::Result<String>,
        batch_bytes: usize,
    ) -> io::Result<Vec<Spooled>> {
        let mut placed = Vec::with_capacity(pods.len());
        let mut batch = Vec::new();
        // Records of the batch start here in `placed`.
        let mut first = 0;
        for (i, p) in pods.iter().enumerate() {
            let record = render(p)?;
            placed.push(Spooled { order: p.fleet_order(), at: batch.len() as u64, len: record.len() });
            batch.extend_from_slice(record.as_bytes());
            if batch.len() >= batch_bytes || i + 1 == pods.len() {
                let at = self.append(&batch)?;
                for s in &mut placed[first..] {
                    s.at += at;
                }
                batch.clear();
                first = placed.len();
            }
        }
        Ok(placed)
    }

    /// Appends bytes to the file; gives where they start.
    fn append(&self, bytes: &[u8]) -> io::Result<u64> {
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        let (f, end) = &mut *file;
        f.write_all(bytes)?;
        let at = *end;
        *end += bytes.len() as u64;
        Ok(at)
    }

    /// Puts records in the order a whole report's Pods take: given in the
    /// order their nodes' reports would be joined, sorted stably.
    pub fn sort(records: &mut [Spooled]) {
        records.sort_by(|a, b| a.order.cmp(&b.order));
    }

    /// Writes the records to `out` in the order given, each followed by
    /// `between`, the last by `last`.
    pub fn write(&self, records: &[Spooled], out: &mut dyn Write, between: &str, last: &str) -> io::Result<()> {
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        let f = &mut file.0;
        f.flush()?;
        let mut record = Vec::new();
        for (i, s) in records.iter().enumerate() {
            f.seek(SeekFrom::Start(s.at))?;
            record.resize(s.len, 0);
            f.read_exact(&mut record)?;
            out.write_all(&record)?;
            out.write_all(if i + 1 == records.len() { last } else { between }.as_bytes())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Report;
    use crate::{audit, input, pipeline, report::json};

    #[test]
    fn records_come_back_in_the_order_of_one_joined_report() {
        let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/real");
        let (specs, _) = input::discover(&[real.to_string_lossy().into_owned()]).unwrap();
        let whole = pipeline::analyze(&specs, &pipeline::Options::default()).unwrap();
        let nodes: std::collections::BTreeSet<_> = whole.pods.iter().map(|p| p.node.clone()).collect();
        assert!(whole.pods.len() >= 10 && nodes.len() >= 5, "Pods of many nodes");
        // Parts of three Pods, the later ones first: nodes done out of order.
        let parts: Vec<Report> =
            whole.pods.chunks(3).rev().map(|pods| Report { pods: pods.to_vec(), inputs: Vec::new(), ..whole.clone() }).collect();
        let expected = json::render_lines(&audit::combine(parts.clone(), Vec::new())).unwrap();
        let spool = Spool::new().unwrap();
        let mut records = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            // Every other part one record a batch, the others in one batch.
            let batch = if i % 2 == 0 { 1 } else { 1 << 20 };
            records.extend(spool.put_in_batches(&part.pods, |p| Ok(serde_json::to_string(p)?), batch).unwrap());
        }
        Spool::sort(&mut records);
        let mut out = Vec::new();
        spool.write(&records, &mut out, "\n", "\n").unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}
