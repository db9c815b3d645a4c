//! Throughput of the whole analysis over a node log built from the real
//! excerpts (repeated) plus the kubelet chatter a real node writes between
//! stops: `cargo bench --bench throughput`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use podmortem::input::InputSpec;
use podmortem::pipeline::{self, Options};
use std::io::Write;
use std::path::PathBuf;

/// Writes a log of about `target` bytes; returns its path and size.
fn build_log(dir: &std::path::Path, target: usize) -> (PathBuf, usize) {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/real");
    let mut seed = Vec::new();
    for name in [
        "01-kind-kueue4669-kubelet.log",
        "02-kind-kueue4669-containerd.log",
        "04-aks-nginx-delete-sigquit.log",
        "16-loki-journald-reverse-order-multinode-exit1.log",
    ] {
        seed.extend(std::fs::read(fixtures.join(name)).expect("fixture"));
    }
    // Irrelevant lines dominate real logs; the prefilter must drop them cheaply.
    let noise = "Mar 18 10:21:19 kind-worker kubelet[246]: I0318 10:21:19.151540     246 kubelet_pods.go:1774] \"Generating pod status\" podIsTerminal=false pod=\"kube-system/coredns-7db6d8ff4d-x2x5k\"\n";
    let path = dir.join("node.log");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let mut written = 0;
    while written < target {
        f.write_all(&seed).expect("write");
        written += seed.len();
        for _ in 0..200 {
            f.write_all(noise.as_bytes()).expect("write");
            written += noise.len();
        }
    }
    f.flush().expect("flush");
    (path, written)
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, size) = build_log(dir.path(), 64 * 1024 * 1024);
    let spec = InputSpec {
        display: path.display().to_string(),
        path: Some(path.clone()),
        node_hint: None,
        version_hint: None,
        skip_idents: vec![],
        explicit: true,
    };
    let mut g = c.benchmark_group("analyze");
    g.throughput(Throughput::Bytes(size as u64));
    g.sample_size(10);
    g.bench_function("node_log_64MiB", |b| {
        b.iter(|| pipeline::analyze(std::slice::from_ref(&spec), &Options::default()).expect("analyze"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
