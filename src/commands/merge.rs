//! `podmortem merge`: shard results (`audit --shard … -o jsonl`) combined
//! into the statistics of one run over everything.

use super::audit;
use crate::cli::MergeArgs;
use crate::model::PodReport;
use crate::report::RenderOptions;
use crate::stats;
use std::io::BufRead;

/// Runs `merge` and returns the exit code.
pub fn run(args: MergeArgs) -> Result<u8, Box<dyn std::error::Error>> {
    let mut pods = Vec::new();
    for path in &args.files {
        pods.extend(read_jsonl(path)?);
    }
    let pods = once_each(pods);
    let report = crate::audit::combine(vec![crate::model::Report { pods, ..empty() }], Vec::new());
    let stats = stats::compute(&report.pods, args.top);
    let text = audit::render(&report, &stats, args.output, &RenderOptions::default())?;
    super::common::write_output(args.out.as_deref(), &text)?;
    Ok(0)
}

/// One record per Pod UID. Inputs of no node (an API audit log beside the
/// node directories) are read by every shard: the first reports the Pods
/// its own nodes did not, so a Pod of another shard's node can come twice;
/// its node's record (its facts and the node's: more stages, containers,
/// findings, a node) is the one a single run gives.
fn once_each(pods: Vec<PodReport>) -> Vec<PodReport> {
    let mut best: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut keep = vec![true; pods.len()];
    for (i, p) in pods.iter().enumerate() {
        let Some(uid) = &p.uid else { continue };
        match best.get(uid).copied() {
            None => {
                best.insert(uid.clone(), i);
            }
            Some(j) => {
                let rank = |p: &PodReport| (p.stages.len(), p.containers.len(), p.findings.len(), p.node.is_some());
                let (win, lose) = if rank(p) > rank(&pods[j]) { (i, j) } else { (j, i) };
                keep[lose] = false;
                best.insert(uid.clone(), win);
            }
        }
    }
    pods.into_iter().zip(keep).filter_map(|(p, k)| k.then_some(p)).collect()
}

fn empty() -> crate::model::Report {
    crate::audit::combine(Vec::new(), Vec::new())
}

/// Reads Pod records, one JSON object a line; a bad line is an error naming it.
pub fn read_jsonl(path: &str) -> Result<Vec<PodReport>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{path}: cannot read: {}", crate::input::io_reason(&e)))?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| format!("{path}:{}: read error: {}", i + 1, crate::input::io_reason(&e)))?;
        if line.trim().is_empty() {
            continue;
        }
        let pod: PodReport = serde_json::from_str(&line).map_err(|e| format!("{path}:{}: not a podmortem Pod record: {e}", i + 1))?;
        out.push(pod);
    }
    Ok(out)
}
