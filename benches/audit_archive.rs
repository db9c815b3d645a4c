//! `audit` over a generated kind archive (`examples/gen_archive.rs`, seeded,
//! mixed outcomes, real line formats), as a directory and as a `.tar.gz`:
//! `cargo bench --bench audit_archive`.
//!
//! `PODMORTEM_BENCH_PODS` sets the size (one node per 600 Pods; default 1,200 Pods,
//! about 53 MB; 6,000 Pods on 10 nodes is the 264 MB archive the README's
//! figures use). `benches/compare.sh` measures the same archive against
//! `rg` and `zcat`, and peak memory.

#[allow(dead_code)]
#[path = "../examples/gen_archive.rs"]
mod gen_archive;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use podmortem::audit::{self, Progress};
use podmortem::pipeline::Options;
use std::path::Path;

/// Bytes of all files under `dir`.
fn size_of(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// `dir` as a gzip-compressed tar next to it.
fn tar_gz(dir: &Path) -> std::path::PathBuf {
    let out = dir.with_extension("tar.gz");
    let file = std::fs::File::create(&out).expect("create tar.gz");
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    tar.append_dir_all(dir.file_name().expect("dir name"), dir).expect("tar");
    tar.into_inner().expect("tar end").finish().expect("gzip end");
    out
}

fn bench(c: &mut Criterion) {
    let pods: usize = std::env::var("PODMORTEM_BENCH_PODS").ok().and_then(|v| v.parse().ok()).unwrap_or(1200);
    let nodes = (pods / 600).clamp(1, 40);
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("kind-archive");
    gen_archive::run(&gen_archive::Args { out: dir.clone(), pods, seed: 7, nodes, gzip: false }).expect("generate the archive");
    let bytes = size_of(&dir);
    let archive = tar_gz(&dir);
    let paths = |p: &Path| vec![p.display().to_string()];

    let mut g = c.benchmark_group("audit");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    g.bench_function(format!("kind_dir_{pods}_pods"), |b| {
        b.iter(|| audit::run(&paths(&dir), &Options::default(), None, &Progress::default()).expect("audit"))
    });
    g.bench_function(format!("kind_tar_gz_{pods}_pods"), |b| {
        b.iter(|| audit::run(&paths(&archive), &Options::default(), None, &Progress::default()).expect("audit"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
