//! `gen_archive` — a seeded, reproducible generator of a `kind export logs`
//! directory, with the ground truth of every Pod stop beside it.
//!
//! ```sh
//! cargo run --release --example gen_archive -- --out /tmp/gen1 --pods 60 --seed 1
//! cargo run --release --example gen_archive -- --out /tmp/big --pods 2000 --seed 7 --nodes 8 --gzip
//! podmortem -o json /tmp/gen1        # then compare with /tmp/gen1.truth.json
//! ```
//!
//! The same arguments always give the same bytes: every random choice comes
//! from one seeded splitmix64 stream, and each Pod simulates with its own
//! sub-stream, so one Pod's details do not depend on the lines of another.
//!
//! # Layout (LOG-FORMATS.md §5.4)
//!
//! ```text
//! OUT.truth.json                                  what really happened (below), beside
//!                                                 the archive so that it is not read as input
//! OUT/kind-version.txt
//! OUT/<node>/kubernetes-version.txt               v1.23.17 or v1.31.0
//! OUT/<node>/kubelet.log                          journald short wrapping klog text
//! OUT/<node>/containerd.log                       journald short wrapping logrus text
//! OUT/<node>/journal.log                          both, plus kernel (OOM killer) and systemd lines
//! OUT/<node>/pods/<ns>_<pod>_<uid>/<container>/<restart>.log   CRI app logs
//! ```
//!
//! With `--gzip` the three journal dumps are written as `*.log.gz`. Every
//! file is in time order; the Pods of a node interleave in it. Nodes log in
//! UTC (as kind nodes do).
//!
//! # Nodes
//!
//! Each node has a Kubernetes version, a kubelet verbosity and a containerd
//! version, and the logs follow LOG-FORMATS.md for each:
//!
//! * **1.23** — klog v2.30 renderings (`podUID=` bare, `event=&{ID:… Type:…
//!   Data:…}`, `pods=[ns/name]`), no `fieldPath` in `Event occurred`, status
//!   patches with `pod=` and `patch=` only; grace arithmetic: preStop runs,
//!   then the override *replaces* what is left (StopContainer timeout = the
//!   full grace, so preStop + grace can run past the deadline).
//! * **1.31** — klog v2.130 renderings (`podUID="…"`, `event={"ID":…}`,
//!   `pods=["ns/name"]`); the override comes first, then whole preStop
//!   seconds are subtracted: timeout = max(2, grace − ⌊preStop⌋).
//! * **verbosity 2** shows SyncLoop ADD/DELETE/REMOVE, PLEG, `Generic (PLEG):
//!   container finished`, `Killing container with a grace period`, `PreStop
//!   hook not completed in grace period`; **verbosity 3** adds the override
//!   line, `Running preStop hook`, `PreStop hook completed`, `Container exited
//!   normally`, status patches, `Pod fully terminated and removed from etcd`,
//!   `Event occurred`. Volume lines are V0.
//! * **containerd 1.7.20** prints no exit event at info; **1.7.24** prints
//!   `received exit event …` (no `exit_status` when 0; one or two spaces
//!   between fields, per node); **2.0.4** adds `TaskExit event in podsandbox
//!   handler …` for every task; **2.1.5** prints `received container exit
//!   event …` and `received sandbox container exit event sandbox_id:… …
//!   monitor_name=criService` (the field is on the sandbox line only, as in
//!   containerd's source and real 2.1 logs).
//!
//! The first four nodes cover every (Kubernetes, verbosity) pair and every
//! containerd version. Node 1's window spans New Year (31 Dec → 1 Jan), node
//! 2's spans 28 Feb → 29 Feb → 1 Mar 2028; on both, some Pod stops straddle
//! midnight. Other nodes log 75–120 minutes on a random day.
//!
//! # Pods
//!
//! Deployment (`web-7b6bd9b949-9csb4`), StatefulSet (`db-0`) and CronJob
//! (`report-28945230-x7k2p`) Pods with one or two containers, a sandbox each,
//! a projected token volume and sometimes a ConfigMap, Secret or CSI volume.
//! A fifth of them were created before the captured window, so their
//! RunPodSandbox / CreateContainer / SyncLoop ADD / ContainerStarted lines
//! are missing. Every scenario appears at least once when `--pods` ≥ 11; see
//! [`Scenario`]. Stop signals follow the image: SIGTERM, SIGQUIT (nginx),
//! SIGINT (postgres). Most apps write a CRI log line when the signal arrives
//! (`received SIGTERM, draining connections`, nginx's `signal 3 (SIGQUIT)
//! received, shutting down`, postgres' `received fast shutdown request`, …).
//! Noise: the kubelet's V0 `Unable to read config path` every 20 s, second
//! StopPodSandbox/RemovePodSandbox rounds of garbage collection, a second
//! `SyncLoop DELETE` before REMOVE, status patches at V3.
//!
//! # OUT.truth.json
//!
//! `{"schema","generator","seed","nodes":[…],"pods":[{namespace, name, uid,
//! node, scenario, grace_period_s, outcome, findings, deletion_reason,
//! created_before_window, containers:[{name, id, exit_code, stop_signal,
//! stop_timeout_s, prestop_s, exited_at, stages}], stages}]}`.
//!
//! * Times are the **real instants of the simulation** (RFC 3339, UTC,
//!   nanoseconds). The logs print them at once or a few ms later; `exited` is
//!   the process' real exit, which the logs can only approximate (within
//!   ~40 ms by `shim disconnected`, within a second by PLEG) when containerd
//!   prints no exit event.
//! * A stage, exit code, signal or timeout is present only if the node's logs
//!   show it at that verbosity and inside the window: no `prestop_*` at v=2,
//!   nothing after the logs end, no `delete_requested` for a Failed (OOM) Pod
//!   that the API deletes at once (the kubelet only sees REMOVE).
//! * Container stages are per container; the Pod's `stages` holds the Pod
//!   stages plus the stages of its main container (the first).
//! * `grace_period_s` is the Pod's grace (its terminationGracePeriodSeconds,
//!   which a plain delete uses) as the kubelet applies it: 1.28+ raises 1 s
//!   to its 2 s minimum (the shared corpus expects 2 for the kueue#4669
//!   log), 1.23 keeps 1 s. `null` when the logs cannot tell it: no
//!   container stopped with it (OOM, running), or only kill lines shortened by
//!   an invisible preStop (1.31 at v=2, probe restarts without an override).
//! * `findings` are the CONTRACT.md kinds, derived from the simulation.
//!   `grace_overrun` means the exit came more than 0.5 s after the deadline
//!   delete + applied grace, where 1.28+ kubelets that subtracted a completed preStop
//!   hook extend the deadline by the fraction of a second they truncated
//!   (grace − ⌊preStop⌋ is their own arithmetic, so 1.31 + preStop + SIGKILL
//!   is no overrun, while 1.23 + preStop + SIGKILL overruns by the preStop
//!   time). The generator never lets an exit land 0.25–1.6 s past that
//!   deadline, so no case depends on the tolerance. `slow_stop` means
//!   StopContainer returned ≥ 5 s after the exit; `stuck_terminating` uses
//!   2 × grace + 60 s.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, TimeZone, Timelike, Utc};
use flate2::write::GzEncoder;
use flate2::Compression;
use serde::ser::SerializeMap;
use serde::Serialize;
use serde_json::{json, Value};

// ───────────────────────────── command line ─────────────────────────────

const USAGE: &str = "usage: gen_archive --out DIR [--pods N] [--seed S] [--nodes K] [--gzip]";

/// What to generate (the command-line arguments; `benches/audit_archive.rs`
/// fills it in directly).
pub struct Args {
    /// The archive directory to write (the truth goes beside it).
    pub out: PathBuf,
    /// Number of Pods.
    pub pods: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// Number of worker nodes.
    pub nodes: usize,
    /// Write the journal dumps as `*.log.gz`.
    pub gzip: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args { out: PathBuf::new(), pods: 40, seed: 1, nodes: 4, gzip: false };
    let mut out = None;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--out" => out = Some(PathBuf::from(value_of(&mut it, "--out")?)),
            "--pods" => args.pods = number(&value_of(&mut it, "--pods")?, "--pods")?,
            "--seed" => args.seed = number(&value_of(&mut it, "--seed")?, "--seed")?,
            "--nodes" => args.nodes = number(&value_of(&mut it, "--nodes")?, "--nodes")?,
            "--gzip" => args.gzip = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    args.out = out.ok_or_else(|| format!("--out is required\n{USAGE}"))?;
    if args.nodes == 0 {
        return Err("--nodes must be at least 1".to_string());
    }
    Ok(args)
}

fn value_of(it: &mut impl Iterator<Item = String>, flag: &str) -> Result<String, String> {
    it.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
}

fn number<T: std::str::FromStr>(s: &str, flag: &str) -> Result<T, String> {
    s.parse().map_err(|_| format!("{flag}: not a number: {s}"))
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&args) {
        eprintln!("gen_archive: {}: {e}", args.out.display());
        std::process::exit(1);
    }
}

/// Plans the nodes and Pods, simulates every Pod, writes the archive.
pub fn run(args: &Args) -> io::Result<()> {
    let mut rng = Rng::new(args.seed);
    let profiles = plan_nodes(&mut rng, args.nodes);
    let pods = plan_pods(&mut rng, &profiles, args.pods);
    let mut logs: Vec<NodeLog> = profiles.iter().cloned().map(NodeLog::new).collect();
    for log in &mut logs {
        let mut noise_rng = Rng::new(rng.next_u64());
        background_noise(log, &mut noise_rng);
    }
    let mut truth_pods = Vec::with_capacity(pods.len());
    for pod in &pods {
        let mut pod_rng = Rng::new(pod.seed);
        let facts = simulate(&mut logs[pod.node], pod, &mut pod_rng);
        truth_pods.push(truth_of(pod, &facts, &profiles[pod.node]));
    }
    let truth = Truth {
        schema: "podmortem-gen-truth/v1",
        generator: format!("gen_archive --pods {} --seed {} --nodes {}", args.pods, args.seed, args.nodes),
        seed: args.seed,
        nodes: profiles.iter().enumerate().map(|(i, p)| truth_node(p, pods.iter().filter(|pod| pod.node == i).count())).collect(),
        pods: truth_pods,
    };
    write_archive(args, &logs, &truth)?;
    print_summary(args, &truth);
    Ok(())
}

fn print_summary(args: &Args, truth: &Truth) {
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &truth.pods {
        *outcomes.entry(p.outcome).or_default() += 1;
    }
    let summary: Vec<String> = outcomes.iter().map(|(k, v)| format!("{k} {v}")).collect();
    println!("{}: {} pods on {} nodes ({})", args.out.display(), truth.pods.len(), truth.nodes.len(), summary.join(", "));
}

// ───────────────────────────── randomness ─────────────────────────────

/// splitmix64: tiny, fast, and plenty for choosing log details.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// A duration uniform between `lo` and `hi` seconds.
    fn ns(&mut self, lo: f64, hi: f64) -> Ns {
        secs(self.range(lo, hi))
    }

    /// An instant uniform in [lo, hi].
    fn between(&mut self, lo: Ns, hi: Ns) -> Ns {
        lo + ((hi - lo).max(0) as f64 * self.unit()) as Ns
    }

    /// Uniform integer in [lo, hi].
    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[(self.next_u64() % items.len() as u64) as usize].clone()
    }

    fn weighted<T: Clone>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut roll = (self.next_u64() % u64::from(total)) as u32;
        for (item, w) in items {
            if roll < *w {
                return item.clone();
            }
            roll -= w;
        }
        items[items.len() - 1].0.clone()
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }

    fn hex(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from_digit((self.next_u64() % 16) as u32, 16).unwrap_or('0')).collect()
    }

    /// A random (version 4) UID, as the API server assigns.
    fn uid(&mut self) -> String {
        let h = self.hex(32);
        let variant = self.pick(&['8', '9', 'a', 'b']);
        format!("{}-{}-4{}-{}{}-{}", &h[0..8], &h[8..12], &h[13..16], variant, &h[17..20], &h[20..32])
    }

    /// Characters of Kubernetes' generated name suffixes (no vowels, no look-alikes).
    fn k8s_chars(&mut self, n: usize) -> String {
        const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        (0..n).map(|_| ALPHABET[(self.next_u64() % ALPHABET.len() as u64) as usize] as char).collect()
    }
}

// ───────────────────────────── time ─────────────────────────────

/// Nanoseconds since the Unix epoch, UTC: the simulation clock.
type Ns = i64;
const SEC: Ns = 1_000_000_000;

fn secs(s: f64) -> Ns {
    (s * SEC as f64).round() as Ns
}

fn to_secs(ns: Ns) -> f64 {
    ns as f64 / SEC as f64
}

fn at(t: Ns) -> DateTime<Utc> {
    DateTime::from_timestamp(t.div_euclid(SEC), t.rem_euclid(SEC) as u32).unwrap_or_default()
}

fn ymd_hms(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Ns {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single().map_or(0, |dt| dt.timestamp() * SEC)
}

/// journald `short`: `Mar 18 10:21:19` (no year).
fn journald_stamp(t: Ns) -> String {
    at(t).format("%b %d %H:%M:%S").to_string()
}

/// klog header time: `0318 10:21:19.149698` (no year).
fn klog_stamp(t: Ns) -> String {
    let d = at(t);
    format!("{:02}{:02} {:02}:{:02}:{:02}.{:06}", d.month(), d.day(), d.hour(), d.minute(), d.second(), d.nanosecond() / 1000)
}

/// containerd's `RFC3339NanoFixed`: always nine digits.
fn nanos_stamp(t: Ns) -> String {
    at(t).format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string()
}

/// Go `RFC3339Nano` as containerd writes CRI logs: trailing zeros trimmed.
fn cri_stamp(t: Ns) -> String {
    let d = at(t);
    let frac = format!("{:09}", d.nanosecond());
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        d.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        format!("{}.{frac}Z", d.format("%Y-%m-%dT%H:%M:%S"))
    }
}

/// `metav1.Time`: RFC 3339, whole seconds.
fn api_stamp(t: Ns) -> String {
    at(t).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Go `time.Time.String()` with its monotonic reading, as in kubelet retry messages.
fn go_time(t: Ns, monotonic: Ns) -> String {
    let d = at(t);
    let frac = format!("{:09}", d.nanosecond());
    let frac = frac.trim_end_matches('0');
    let wall =
        if frac.is_empty() { d.format("%Y-%m-%d %H:%M:%S").to_string() } else { format!("{}.{frac}", d.format("%Y-%m-%d %H:%M:%S")) };
    format!("{wall} +0000 UTC m=+{}.{:09}", monotonic / SEC, monotonic % SEC)
}

/// Go `time.Duration.String()` for the kubelet's whole-millisecond backoffs.
fn go_duration(ms: i64) -> String {
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let (m, s) = (ms / 60_000, (ms % 60_000) / 1000);
    if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

// ───────────────────────────── quoting ─────────────────────────────

/// Go `strconv.Quote` for the ASCII text we print.
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// logrus text formatter: bare when only `[A-Za-z0-9-._/@^+]`, else quoted.
fn logrus_value(s: &str) -> String {
    let bare = !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-._/@^+".contains(c));
    if bare {
        s.to_string()
    } else {
        go_quote(s)
    }
}

// ───────────────────────────── versions ─────────────────────────────

/// The kubelet's Kubernetes version: decides klog renderings, file:line and grace arithmetic.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kube {
    /// v1.23.17 (klog v2.30).
    V123,
    /// v1.31.0 (klog v2.130).
    V131,
}

/// Call sites of the kubelet lines we print (`file.go:NNN`).
#[derive(Clone, Copy)]
enum Site {
    SyncAdd,
    SyncDelete,
    SyncRemove,
    SyncPleg,
    SyncProbe,
    PlegFinished,
    KillOverride,
    Kill,
    ExitedNormally,
    RunPreStop,
    PreStopDone,
    PreStopTimeout,
    MessageForContainer,
    ProbeFailed,
    PatchStatus,
    RemovedFromEtcd,
    DelayingDeletion,
    EventOccurred,
    MountSetUp,
    UnmountStarted,
    TearDownOk,
    VolumeDetached,
    OperationFailed,
    WaitUnmount,
    AllUnmounted,
    CleanedVolumePaths,
    ConfigPath,
}

impl Kube {
    fn version(self) -> &'static str {
        match self {
            Kube::V123 => "v1.23.17",
            Kube::V131 => "v1.31.0",
        }
    }

    /// `file.go:NNN` of a call site (1.31 from real 1.31.0 logs; 1.23 from a 1.23 kind log).
    fn site(self, site: Site) -> &'static str {
        use Site::*;
        let (old, new) = match site {
            SyncAdd => ("kubelet.go:2063", "kubelet.go:2407"),
            SyncDelete => ("kubelet.go:2079", "kubelet.go:2423"),
            SyncRemove => ("kubelet.go:2073", "kubelet.go:2417"),
            SyncPleg => ("kubelet.go:2101", "kubelet.go:2439"),
            SyncProbe => ("kubelet.go:2173", "kubelet.go:2542"),
            PlegFinished => ("generic.go:296", "generic.go:334"),
            KillOverride => ("kuberuntime_container.go:710", "kuberuntime_container.go:787"),
            Kill => ("kuberuntime_container.go:714", "kuberuntime_container.go:808"),
            ExitedNormally => ("kuberuntime_container.go:722", "kuberuntime_container.go:817"),
            RunPreStop => ("kuberuntime_container.go:581", "kuberuntime_container.go:649"),
            PreStopDone => ("kuberuntime_container.go:600", "kuberuntime_container.go:667"),
            PreStopTimeout => ("kuberuntime_container.go:597", "kuberuntime_container.go:665"),
            MessageForContainer => ("kuberuntime_manager.go:692", "kuberuntime_manager.go:1067"),
            ProbeFailed => ("prober.go:116", "prober.go:107"),
            PatchStatus => ("status_manager.go:624", "status_manager.go:872"),
            RemovedFromEtcd => ("status_manager.go:652", "status_manager.go:910"),
            DelayingDeletion => ("status_manager.go:937", "status_manager.go:937"),
            EventOccurred => ("event.go:294", "event.go:389"),
            MountSetUp => ("operation_generator.go:756", "operation_generator.go:637"),
            UnmountStarted => ("reconciler.go:192", "reconciler_common.go:159"),
            TearDownOk => ("operation_generator.go:910", "operation_generator.go:803"),
            VolumeDetached => ("reconciler.go:300", "reconciler_common.go:288"),
            OperationFailed => ("nestedpendingoperations.go:335", "nestedpendingoperations.go:348"),
            WaitUnmount => ("volume_manager.go:446", "volume_manager.go:449"),
            AllUnmounted => ("volume_manager.go:473", "volume_manager.go:478"),
            CleanedVolumePaths => ("kubelet.go:2178", "kubelet.go:2178"),
            ConfigPath => ("file_linux.go:61", "file_linux.go:61"),
        };
        match self {
            Kube::V123 => old,
            Kube::V131 => new,
        }
    }

    /// `pods=` of SyncLoop lines: `[ns/name]` (KObjs, 1.23) or `["ns/name"]` (1.28+).
    fn pods(self, ns: &str, name: &str) -> String {
        match self {
            Kube::V123 => format!("[{ns}/{name}]"),
            Kube::V131 => format!("[\"{ns}/{name}\"]"),
        }
    }

    /// A `types.UID` value: `%+v` (bare) up to 1.27, JSON (quoted) from 1.28.
    fn uid(self, uid: &str) -> String {
        match self {
            Kube::V123 => uid.to_string(),
            Kube::V131 => format!("\"{uid}\""),
        }
    }

    /// A PLEG event: `&{ID:… Type:… Data:…}` up to 1.27, JSON from 1.28.
    fn pleg_event(self, uid: &str, kind: &str, data: &str) -> String {
        match self {
            Kube::V123 => format!("&{{ID:{uid} Type:{kind} Data:{data}}}"),
            Kube::V131 => format!("{{\"ID\":\"{uid}\",\"Type\":\"{kind}\",\"Data\":\"{data}\"}}"),
        }
    }

    /// A `probe.Result` value (a named string type).
    fn probe_result(self, result: &str) -> String {
        match self {
            Kube::V123 => result.to_string(),
            Kube::V131 => format!("\"{result}\""),
        }
    }

    /// A `kubecontainer.ContainerID` value.
    fn container_status_id(self, id: &str) -> String {
        match self {
            Kube::V123 => format!("{{Type:containerd ID:{id}}}"),
            Kube::V131 => format!("{{\"Type\":\"containerd\",\"ID\":\"{id}\"}}"),
        }
    }
}

/// containerd version: decides how (and whether) exits are logged at info.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ctrd {
    /// 1.7.20: `received exit event` is debug, so no exit line at info.
    V1720,
    /// 1.7.24: `received exit event <TaskExit>` at info.
    V1724,
    /// 2.0.4: `received exit event` plus `TaskExit event in podsandbox handler` for every task.
    V204,
    /// 2.1.5: `received container exit event`, `received sandbox container exit event`.
    V215,
}

impl Ctrd {
    const ALL: [Ctrd; 4] = [Ctrd::V1720, Ctrd::V1724, Ctrd::V204, Ctrd::V215];

    fn version(self) -> &'static str {
        match self {
            Ctrd::V1720 => "1.7.20",
            Ctrd::V1724 => "1.7.24",
            Ctrd::V204 => "2.0.4",
            Ctrd::V215 => "2.1.5",
        }
    }

    /// Whether a container's exit is logged at info when it happens.
    fn logs_exit(self) -> bool {
        self != Ctrd::V1720
    }
}

// ───────────────────────────── nodes ─────────────────────────────

/// Everything fixed about one node for the whole run.
#[derive(Clone)]
struct NodeProfile {
    name: String,
    kube: Kube,
    verbosity: u8,
    ctrd: Ctrd,
    /// Separator between protobuf-text fields (one or two spaces, per containerd build).
    sep: &'static str,
    /// The captured window: lines outside it are not in the export.
    start: Ns,
    end: Ns,
    kubelet_pid: u32,
    containerd_pid: u32,
    /// When the kubelet process started (for `m=+…` monotonic readings).
    kubelet_boot: Ns,
    /// Offset of the PLEG relist ticks (every second).
    pleg_phase: Ns,
    /// systemd cgroup driver (kind ≥ 0.20 images) or cgroupfs (older).
    systemd_cgroups: bool,
    /// Midnights inside the window that some Pod stop should straddle.
    midnights: Vec<Ns>,
}

fn node_name(i: usize, k: usize) -> String {
    match (i, k) {
        (_, 1) => "kind-control-plane".to_string(),
        (0, _) => "kind-worker".to_string(),
        _ => format!("kind-worker{}", i + 1),
    }
}

/// Plans the nodes: the first four cover every version/verbosity pairing and
/// containerd version; node 1 spans New Year, node 2 the 2028 leap day.
fn plan_nodes(rng: &mut Rng, k: usize) -> Vec<NodeProfile> {
    let year = 2024 + rng.int(0, 1) as i32;
    let mut ctrds = Ctrd::ALL;
    rng.shuffle(&mut ctrds);
    let pairs = [(Kube::V123, 3), (Kube::V131, 2), (Kube::V131, 3), (Kube::V123, 2)];
    (0..k)
        .map(|i| {
            let (kube, verbosity) = if i < 4 { pairs[i] } else { (rng.pick(&[Kube::V123, Kube::V131]), rng.pick(&[2, 3])) };
            let ctrd = if i < 4 { ctrds[i] } else { rng.pick(&Ctrd::ALL) };
            let (start, end, midnights) = match i {
                0 => new_year_window(rng, year),
                1 => leap_day_window(rng),
                _ => ordinary_window(rng, year + 1),
            };
            NodeProfile {
                name: node_name(i, k),
                kube,
                verbosity,
                ctrd,
                sep: if rng.chance(0.5) { " " } else { "  " },
                start,
                end,
                kubelet_pid: rng.pick(&[202, 228, 246, 251, 708]),
                containerd_pid: rng.pick(&[96, 110, 111, 118]),
                kubelet_boot: start - rng.ns(600.0, 86_400.0),
                pleg_phase: rng.ns(0.0, 1.0),
                systemd_cgroups: kube == Kube::V131,
                midnights,
            }
        })
        .collect()
}

/// 31 Dec ~23:10 → 1 Jan ~00:45.
fn new_year_window(rng: &mut Rng, year: i32) -> (Ns, Ns, Vec<Ns>) {
    let midnight = ymd_hms(year + 1, 1, 1, 0, 0);
    (midnight - rng.ns(2400.0, 3600.0), midnight + rng.ns(1800.0, 3600.0), vec![midnight])
}

/// 28 Feb evening → 1 Mar early morning, 2028 (a leap year).
fn leap_day_window(rng: &mut Rng) -> (Ns, Ns, Vec<Ns>) {
    let feb29 = ymd_hms(2028, 2, 29, 0, 0);
    let mar1 = ymd_hms(2028, 3, 1, 0, 0);
    (feb29 - rng.ns(5400.0, 9000.0), mar1 + rng.ns(3600.0, 7200.0), vec![feb29, mar1])
}

/// 75–120 minutes on a random day.
fn ordinary_window(rng: &mut Rng, year: i32) -> (Ns, Ns, Vec<Ns>) {
    let start = ymd_hms(year, rng.int(2, 11) as u32, rng.int(1, 28) as u32, rng.int(0, 21) as u32, rng.int(0, 59) as u32);
    (start, start + rng.ns(4500.0, 7200.0), Vec::new())
}

// ───────────────────────────── Pods ─────────────────────────────

/// What happens to a Pod; it decides the main container's behaviour.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Scenario {
    /// Deleted; every container drains and exits 0 within its stop timeout.
    Graceful,
    /// Deleted; the main container ignores the stop signal and is SIGKILLed at the timeout.
    Sigkill,
    /// Deleted; the main container has no handler and dies of the signal (128 + n).
    SignalExit,
    /// Deleted; the main container fails while shutting down (exit 1 or 2).
    ErrorExit,
    /// The kernel OOM killer ends the only container of a Job Pod, which is later deleted or left.
    OomKilled,
    /// Deleted; containers stop, a CSI volume never unmounts, the Pod is never removed.
    Stuck,
    /// Deleted; the preStop hook outlives the grace period.
    PrestopTimeout,
    /// Deleted; the process exits at once but containerd's exit handling hangs:
    /// `Kill container` for a dead process, StopContainer returns ~30 s late.
    SlowRuntime,
    /// A liveness probe fails three times; the kubelet restarts the container.
    ProbeKill,
    /// Deleted seconds before the logs end; the stop has not finished.
    Incomplete,
    /// Created and never stopped.
    Running,
}

impl Scenario {
    const ALL: [Scenario; 11] = [
        Scenario::Graceful,
        Scenario::Sigkill,
        Scenario::SignalExit,
        Scenario::ErrorExit,
        Scenario::OomKilled,
        Scenario::Stuck,
        Scenario::PrestopTimeout,
        Scenario::SlowRuntime,
        Scenario::ProbeKill,
        Scenario::Incomplete,
        Scenario::Running,
    ];

    /// How often each scenario is drawn once every one has appeared.
    const WEIGHTS: [(Scenario, u32); 11] = [
        (Scenario::Graceful, 24),
        (Scenario::Sigkill, 12),
        (Scenario::SignalExit, 9),
        (Scenario::ErrorExit, 8),
        (Scenario::OomKilled, 8),
        (Scenario::Stuck, 5),
        (Scenario::PrestopTimeout, 7),
        (Scenario::SlowRuntime, 5),
        (Scenario::ProbeKill, 7),
        (Scenario::Incomplete, 5),
        (Scenario::Running, 6),
    ];

    fn name(self) -> &'static str {
        match self {
            Scenario::Graceful => "graceful",
            Scenario::Sigkill => "sigkill",
            Scenario::SignalExit => "signal_exit",
            Scenario::ErrorExit => "error_exit",
            Scenario::OomKilled => "oom_killed",
            Scenario::Stuck => "stuck",
            Scenario::PrestopTimeout => "prestop_timeout",
            Scenario::SlowRuntime => "slow_runtime",
            Scenario::ProbeKill => "probe_kill",
            Scenario::Incomplete => "incomplete",
            Scenario::Running => "running",
        }
    }

    /// Scenarios that stop the Pod by an API delete whose whole stop fits the window.
    fn is_complete_delete(self) -> bool {
        matches!(
            self,
            Scenario::Graceful
                | Scenario::Sigkill
                | Scenario::SignalExit
                | Scenario::ErrorExit
                | Scenario::Stuck
                | Scenario::PrestopTimeout
                | Scenario::SlowRuntime
        )
    }
}

/// The stop signal a container's image declares.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Signal {
    Term,
    Quit,
    Int,
}

impl Signal {
    /// Go's `syscall.Signal` string, as containerd prints it.
    fn go_name(self) -> &'static str {
        match self {
            Signal::Term => "terminated",
            Signal::Quit => "quit",
            Signal::Int => "interrupt",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Signal::Term => "SIGTERM",
            Signal::Quit => "SIGQUIT",
            Signal::Int => "SIGINT",
        }
    }

    fn number(self) -> i32 {
        match self {
            Signal::Term => 15,
            Signal::Quit => 3,
            Signal::Int => 2,
        }
    }
}

/// How a container's process answers the stop signal.
#[derive(Clone, Copy, Debug)]
enum Reaction {
    /// Drains for `frac` of the stop timeout, exits 0.
    Drain { frac: f64 },
    /// Exits `code` within 0.05–0.4 s.
    Quick { code: i32 },
    /// Ignores the signal; only SIGKILL ends it (137).
    Ignore,
    /// No handler: dies of the signal's default action (128 + n) within ms.
    Die,
    /// Fails while shutting down: exits `code` within three seconds.
    Fail { code: i32 },
    /// Exits `code` within ms, but containerd's exit handling hangs.
    SlowRuntime { code: i32 },
}

/// What an app writes to its CRI log.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LogStyle {
    Plain,
    Nginx,
    Postgres,
}

/// An application image.
#[derive(Clone, Copy)]
struct App {
    name: &'static str,
    image: &'static str,
    comm: &'static str,
    signal: Signal,
    style: LogStyle,
}

const fn app(name: &'static str, image: &'static str, comm: &'static str, signal: Signal, style: LogStyle) -> App {
    App { name, image, comm, signal, style }
}

const DEPLOYMENT_APPS: &[App] = &[
    app("web", "ghcr.io/example/web:2.8.1", "node", Signal::Term, LogStyle::Plain),
    app("api", "ghcr.io/example/api:1.14.0", "api", Signal::Term, LogStyle::Plain),
    app("checkout", "registry.example.com/shop/checkout:3.2.0", "java", Signal::Term, LogStyle::Plain),
    app("cart", "registry.example.com/shop/cart:1.9.4", "python3", Signal::Term, LogStyle::Plain),
    app("frontend", "registry.example.com/shop/frontend:5.0.2", "node", Signal::Term, LogStyle::Plain),
    app("auth", "ghcr.io/example/auth:0.31.0", "auth-server", Signal::Term, LogStyle::Plain),
    app("search", "registry.example.com/shop/search:2.2.7", "java", Signal::Term, LogStyle::Plain),
    app("orders", "registry.example.com/shop/orders:4.1.0", "java", Signal::Term, LogStyle::Plain),
    app("notifier", "ghcr.io/example/notifier:1.3.3", "python3", Signal::Term, LogStyle::Plain),
    app("nginx", "docker.io/library/nginx:1.27.2", "nginx", Signal::Quit, LogStyle::Nginx),
    app("gateway", "docker.io/library/nginx:1.25.5", "nginx", Signal::Quit, LogStyle::Nginx),
];

const STATEFUL_APPS: &[App] = &[
    app("db", "docker.io/library/postgres:16.4", "postgres", Signal::Int, LogStyle::Postgres),
    app("postgres", "docker.io/library/postgres:15.8", "postgres", Signal::Int, LogStyle::Postgres),
    app("redis", "docker.io/library/redis:7.2.5", "redis-server", Signal::Term, LogStyle::Plain),
    app("kafka", "docker.io/bitnami/kafka:3.7.1", "java", Signal::Term, LogStyle::Plain),
    app("zookeeper", "docker.io/bitnami/zookeeper:3.9.2", "java", Signal::Term, LogStyle::Plain),
    app("etcd", "quay.io/coreos/etcd:v3.5.15", "etcd", Signal::Term, LogStyle::Plain),
];

const JOB_APPS: &[App] = &[
    app("report", "registry.example.com/batch/report:0.9.3", "python3", Signal::Term, LogStyle::Plain),
    app("etl", "registry.example.com/batch/etl:2.0.1", "java", Signal::Term, LogStyle::Plain),
    app("backup", "registry.example.com/batch/backup:1.1.0", "pg_dump", Signal::Term, LogStyle::Plain),
    app("billing-sync", "registry.example.com/batch/billing-sync:3.4.0", "node", Signal::Term, LogStyle::Plain),
];

const SIDECARS: &[(&str, &str)] = &[
    ("envoy", "docker.io/envoyproxy/envoy:v1.31.2"),
    ("log-shipper", "cr.fluentbit.io/fluent/fluent-bit:3.1.9"),
    ("metrics-exporter", "quay.io/prometheus/statsd-exporter:v0.27.1"),
];

const CSI_DRIVERS: &[&str] = &["rook-ceph.rbd.csi.ceph.com", "cstor.csi.openebs.io", "nfs.csi.k8s.io", "hostpath.csi.k8s.io"];

/// A CSI volume handle as each driver shapes it (hostpath's is a bare UUID,
/// which looks like a Pod UID but is not one).
fn csi_handle(rng: &mut Rng, driver: &str, pv: &str) -> String {
    match driver {
        "rook-ceph.rbd.csi.ceph.com" => format!("0001-0009-rook-ceph-0000000000000002-{}", rng.uid()),
        "cstor.csi.openebs.io" => pv.to_string(),
        "nfs.csi.k8s.io" => format!("nfs-server.storage.svc.cluster.local#exports#{pv}#"),
        _ => rng.uid(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Workload {
    Deployment,
    StatefulSet,
    Job,
}

/// One container of a Pod.
struct Container {
    name: String,
    id: String,
    image: &'static str,
    comm: &'static str,
    pid: u32,
    signal: Signal,
    style: LogStyle,
    /// Seconds the preStop hook runs (`exec: sleep N` plus exec overhead).
    prestop: Option<f64>,
    reaction: Reaction,
    /// Whether the app writes lines to its CRI log.
    app_logs: bool,
    /// ID of the container a probe restart creates.
    restart_id: String,
}

/// One volume of a Pod.
struct Volume {
    outer: String,
    inner: String,
    unique: String,
    plugin: &'static str,
    /// TearDown fails for ever (busy device).
    stuck: bool,
}

/// A Pod and its fate, planned before any line is written.
struct Pod {
    ns: String,
    name: String,
    uid: String,
    node: usize,
    seed: u64,
    scenario: Scenario,
    grace: i64,
    sandbox: String,
    sandbox_pid: u32,
    containers: Vec<Container>,
    volumes: Vec<Volume>,
    created: Ns,
    /// The API delete, the OOM kill or the third failed probe.
    trigger: Ns,
    /// OOM-killed Job Pods: when the API deletes the Failed Pod (at once, grace 0).
    delete_after_oom: Option<Ns>,
    before_window: bool,
}

/// Hands out unique Pod names per namespace.
#[derive(Default)]
struct NameBook {
    taken: HashSet<String>,
    ordinals: BTreeMap<String, u32>,
}

impl NameBook {
    fn name(&mut self, rng: &mut Rng, workload: Workload, ns: &str, app: &str) -> String {
        loop {
            let name = match workload {
                Workload::Deployment => format!("{app}-{}-{}", rng.k8s_chars(10), rng.k8s_chars(5)),
                Workload::StatefulSet => {
                    let ordinal = self.ordinals.entry(format!("{ns}/{app}")).or_insert(0);
                    *ordinal += 1;
                    format!("{app}-{}", *ordinal - 1)
                }
                Workload::Job => format!("{app}-{}-{}", rng.int(28_000_000, 28_999_999), rng.k8s_chars(5)),
            };
            if self.taken.insert(format!("{ns}/{name}")) {
                return name;
            }
        }
    }
}

/// Plans every Pod: one of each scenario first (in a seeded order), then
/// weighted draws; Pods go round-robin over the nodes.
fn plan_pods(rng: &mut Rng, nodes: &[NodeProfile], n: usize) -> Vec<Pod> {
    let mut scenarios: Vec<Scenario> = Scenario::ALL.to_vec();
    rng.shuffle(&mut scenarios);
    scenarios.truncate(n);
    while scenarios.len() < n {
        scenarios.push(rng.weighted(&Scenario::WEIGHTS));
    }
    let mut names = NameBook::default();
    let mut pods: Vec<Pod> =
        scenarios.into_iter().enumerate().map(|(i, s)| plan_pod(rng, &nodes[i % nodes.len()], i % nodes.len(), s, &mut names)).collect();
    straddle_midnights(rng, nodes, &mut pods);
    pods
}

/// Moves one deleted Pod per midnight so that its stop crosses the date line.
fn straddle_midnights(rng: &mut Rng, nodes: &[NodeProfile], pods: &mut [Pod]) {
    for (ni, node) in nodes.iter().enumerate() {
        let mut candidates = pods.iter_mut().filter(|p| p.node == ni && p.scenario.is_complete_delete() && p.scenario != Scenario::Stuck);
        for &midnight in &node.midnights {
            let Some(pod) = candidates.next() else { break };
            pod.trigger = midnight - rng.ns(0.3, 1.5);
            if !pod.before_window {
                pod.created = pod.trigger - rng.ns(60.0, 540.0);
            }
        }
    }
}

fn plan_pod(rng: &mut Rng, node: &NodeProfile, node_index: usize, scenario: Scenario, names: &mut NameBook) -> Pod {
    let workload = match scenario {
        Scenario::OomKilled => Workload::Job,
        Scenario::Stuck => Workload::StatefulSet,
        _ if rng.chance(0.25) => Workload::StatefulSet,
        _ => Workload::Deployment,
    };
    let app = pick_app(rng, workload, scenario);
    let ns = match workload {
        Workload::Deployment => rng.pick(&["default", "shop", "payments", "web"]),
        Workload::StatefulSet => rng.pick(&["data", "shop", "monitoring"]),
        Workload::Job => rng.pick(&["batch", "data"]),
    };
    let name = names.name(rng, workload, ns, app.name);
    let uid = rng.uid();
    let grace = pick_grace(rng, scenario);
    let mut containers = vec![main_container(rng, &app, scenario, grace)];
    if !matches!(scenario, Scenario::OomKilled | Scenario::ProbeKill) && rng.chance(0.3) {
        containers.push(sidecar(rng));
    }
    let volumes = plan_volumes(rng, &uid, workload, scenario);
    let timing = schedule(rng, node, scenario, grace, containers[0].prestop);
    Pod {
        ns: ns.to_string(),
        name,
        uid,
        node: node_index,
        seed: rng.next_u64(),
        scenario,
        grace,
        sandbox: rng.hex(64),
        sandbox_pid: rng.int(1500, 60_000) as u32,
        containers,
        volumes,
        created: timing.created,
        trigger: timing.trigger,
        delete_after_oom: timing.delete_after_oom,
        before_window: timing.before_window,
    }
}

fn pick_app(rng: &mut Rng, workload: Workload, scenario: Scenario) -> App {
    let apps = match workload {
        Workload::Deployment => DEPLOYMENT_APPS,
        Workload::StatefulSet => STATEFUL_APPS,
        Workload::Job => JOB_APPS,
    };
    loop {
        let a = rng.pick(apps);
        // nginx handles SIGQUIT gracefully: it never "dies of the signal".
        if !(matches!(scenario, Scenario::SignalExit) && a.signal == Signal::Quit) {
            return a;
        }
    }
}

/// The Pod's terminationGracePeriodSeconds, within what the scenario needs.
fn pick_grace(rng: &mut Rng, scenario: Scenario) -> i64 {
    match scenario {
        Scenario::Incomplete => rng.pick(&[30, 45, 60]),
        Scenario::SlowRuntime => rng.pick(&[5, 10, 15, 20]),
        Scenario::PrestopTimeout => rng.pick(&[2, 5, 10, 15, 30]),
        // A 1 s grace with a SIGKILL would overrun by the kubelet's 2 s minimum: borderline, avoided.
        Scenario::Sigkill | Scenario::ProbeKill | Scenario::Stuck => {
            rng.weighted(&[(30, 6), (10, 2), (15, 1), (20, 1), (45, 1), (60, 1), (5, 1), (2, 1)])
        }
        _ => rng.weighted(&[(30, 6), (10, 2), (15, 1), (20, 1), (45, 1), (60, 1), (5, 1), (2, 1), (1, 1)]),
    }
}

/// The preStop hook of the main container, if any.
fn pick_prestop(rng: &mut Rng, scenario: Scenario, grace: i64) -> Option<f64> {
    match scenario {
        Scenario::PrestopTimeout => Some(grace as f64 + rng.range(5.0, 600.0)),
        Scenario::OomKilled | Scenario::Running | Scenario::SlowRuntime | Scenario::Incomplete => None,
        // `sleep k` plus exec overhead, or a drain script that takes k.x seconds.
        _ if grace >= 4 && rng.chance(0.35) => Some(rng.int(2, (grace - 2).min(15)) as f64 + rng.range(0.02, 0.95)),
        _ => None,
    }
}

fn main_container(rng: &mut Rng, app: &App, scenario: Scenario, grace: i64) -> Container {
    let reaction = match scenario {
        Scenario::Graceful | Scenario::Stuck | Scenario::OomKilled | Scenario::Running => Reaction::Drain { frac: rng.range(0.05, 0.85) },
        Scenario::Sigkill | Scenario::Incomplete => Reaction::Ignore,
        Scenario::SignalExit => Reaction::Die,
        Scenario::ErrorExit => Reaction::Fail { code: rng.pick(&[1, 1, 2]) },
        Scenario::PrestopTimeout if rng.chance(0.5) => Reaction::Quick { code: 0 },
        Scenario::PrestopTimeout => Reaction::Ignore,
        Scenario::SlowRuntime => Reaction::SlowRuntime { code: rng.pick(&[1, 2]) },
        Scenario::ProbeKill => match rng.int(0, 2) {
            0 => Reaction::Drain { frac: rng.range(0.05, 0.7) },
            1 if app.signal != Signal::Quit => Reaction::Die,
            _ => Reaction::Ignore,
        },
    };
    Container {
        name: app.name.to_string(),
        id: rng.hex(64),
        image: app.image,
        comm: app.comm,
        pid: rng.int(1500, 60_000) as u32,
        signal: app.signal,
        style: app.style,
        prestop: pick_prestop(rng, scenario, grace),
        reaction,
        app_logs: app.style != LogStyle::Plain || rng.chance(0.6),
        restart_id: rng.hex(64),
    }
}

fn sidecar(rng: &mut Rng) -> Container {
    let (name, image) = rng.pick(SIDECARS);
    Container {
        name: name.to_string(),
        id: rng.hex(64),
        image,
        comm: name,
        pid: rng.int(1500, 60_000) as u32,
        signal: Signal::Term,
        style: LogStyle::Plain,
        prestop: None,
        reaction: Reaction::Quick { code: 0 },
        app_logs: false,
        restart_id: rng.hex(64),
    }
}

fn plan_volumes(rng: &mut Rng, uid: &str, workload: Workload, scenario: Scenario) -> Vec<Volume> {
    let plain = |outer: String, plugin: &'static str| Volume {
        unique: format!("{plugin}/{uid}-{outer}"),
        inner: outer.clone(),
        outer,
        plugin,
        stuck: false,
    };
    let mut volumes = vec![plain(format!("kube-api-access-{}", rng.k8s_chars(5)), "kubernetes.io/projected")];
    if rng.chance(0.4) {
        volumes.push(plain("config".to_string(), "kubernetes.io/configmap"));
    }
    if rng.chance(0.25) {
        volumes.push(plain("tls-certs".to_string(), "kubernetes.io/secret"));
    }
    if workload == Workload::StatefulSet {
        let pv = format!("pvc-{}", rng.uid());
        let driver = rng.pick(CSI_DRIVERS);
        let handle = csi_handle(rng, driver, &pv);
        volumes.push(Volume {
            outer: "data".to_string(),
            unique: format!("kubernetes.io/csi/{driver}^{handle}"),
            inner: pv,
            plugin: "kubernetes.io/csi",
            stuck: scenario == Scenario::Stuck,
        });
    }
    volumes
}

/// When a Pod is created and when its fate strikes.
struct Timing {
    created: Ns,
    trigger: Ns,
    delete_after_oom: Option<Ns>,
    before_window: bool,
}

/// Places the Pod's events in its node's window, leaving room for the stop
/// to finish (or, for `Incomplete`, not).
fn schedule(rng: &mut Rng, node: &NodeProfile, scenario: Scenario, grace: i64, prestop: Option<f64>) -> Timing {
    let g = grace as f64;
    let hook = prestop.map_or(0.0, |p| p.min(g));
    let tail = match scenario {
        Scenario::Stuck => 2.0 * g + 180.0 + hook,
        Scenario::SlowRuntime => g + 120.0,
        _ => hook + g + 90.0,
    };
    let earliest = node.start + secs(600.0);
    let trigger = match scenario {
        Scenario::Incomplete => node.end - rng.ns(2.5, g - 3.0),
        Scenario::OomKilled => rng.between(earliest, node.end - secs(300.0)),
        Scenario::Running => rng.between(node.start + secs(60.0), node.end - secs(120.0)),
        _ => rng.between(earliest, node.end - secs(tail)),
    };
    let before_window = scenario != Scenario::Running && rng.chance(0.2);
    let created = if scenario == Scenario::Running {
        trigger
    } else if before_window {
        node.start - rng.ns(60.0, 7200.0)
    } else if scenario == Scenario::ProbeKill {
        trigger - rng.ns(120.0, 540.0)
    } else {
        trigger - rng.ns(60.0, 540.0)
    };
    let delete_after_oom = if scenario == Scenario::OomKilled && rng.chance(0.6) {
        Some(trigger + rng.ns(30.0, 240.0)).filter(|d| *d < node.end - secs(10.0))
    } else {
        None
    };
    Timing { created, trigger, delete_after_oom, before_window }
}

// ───────────────────────────── log sinks ─────────────────────────────

/// One output line, ordered by time then by the order it was produced.
struct Line {
    t: Ns,
    seq: u64,
    text: String,
}

/// Everything one node writes.
struct NodeLog {
    p: NodeProfile,
    seq: u64,
    kubelet: Vec<Line>,
    containerd: Vec<Line>,
    /// kernel and systemd: only in `journal.log`.
    system: Vec<Line>,
    /// CRI logs, by path relative to the node directory.
    apps: BTreeMap<String, Vec<Line>>,
}

impl NodeLog {
    fn new(p: NodeProfile) -> NodeLog {
        NodeLog { p, seq: 0, kubelet: Vec::new(), containerd: Vec::new(), system: Vec::new(), apps: BTreeMap::new() }
    }

    fn in_window(&self, t: Ns) -> bool {
        t >= self.p.start && t <= self.p.end
    }

    /// Whether a kubelet line at verbosity `v` and time `t` is in the export.
    fn shows(&self, t: Ns, v: u8) -> bool {
        self.in_window(t) && self.p.verbosity >= v
    }

    fn line(&mut self, t: Ns, text: String) -> Line {
        self.seq += 1;
        Line { t, seq: self.seq, text }
    }

    fn journald(&self, t: Ns, ident: &str, pid: Option<u32>) -> String {
        match pid {
            Some(pid) => format!("{} {} {ident}[{pid}]: ", journald_stamp(t), self.p.name),
            None => format!("{} {} {ident}: ", journald_stamp(t), self.p.name),
        }
    }

    /// A kubelet klog line (`level` I/W/E) printed at verbosity `v`.
    fn klog(&mut self, t: Ns, v: u8, level: char, site: Site, body: &str) {
        if !self.shows(t, v) {
            return;
        }
        let pid = self.p.kubelet_pid;
        let text =
            format!("{}{level}{} {pid:>7} {}] {body}", self.journald(t, "kubelet", Some(pid)), klog_stamp(t), self.p.kube.site(site));
        let line = self.line(t, text);
        self.kubelet.push(line);
    }

    /// A containerd logrus line; `fields` are sorted as logrus does.
    fn ctrd(&mut self, t: Ns, level: &str, msg: &str, fields: &[(&str, &str)]) {
        if !self.in_window(t) {
            return;
        }
        let mut text = format!(
            "{}time=\"{}\" level={level} msg={}",
            self.journald(t, "containerd", Some(self.p.containerd_pid)),
            nanos_stamp(t),
            logrus_value(msg)
        );
        let mut fields = fields.to_vec();
        fields.sort();
        for (k, v) in fields {
            text.push_str(&format!(" {k}={}", logrus_value(v)));
        }
        let line = self.line(t, text);
        self.containerd.push(line);
    }

    fn kernel(&mut self, t: Ns, msg: &str) {
        if self.in_window(t) {
            let text = format!("{}{msg}", self.journald(t, "kernel", None));
            let line = self.line(t, text);
            self.system.push(line);
        }
    }

    fn systemd(&mut self, t: Ns, msg: &str) {
        if self.in_window(t) {
            let text = format!("{}{msg}", self.journald(t, "systemd", Some(1)));
            let line = self.line(t, text);
            self.system.push(line);
        }
    }

    /// A CRI log line of a container (files hold everything up to the export).
    fn app(&mut self, pod: &Pod, container: &str, restart: u32, t: Ns, stream: &str, msg: &str) -> bool {
        if t > self.p.end {
            return false;
        }
        let path = format!("pods/{}_{}_{}/{container}/{restart}.log", pod.ns, pod.name, pod.uid);
        let line = self.line(t, format!("{} {stream} F {msg}", cri_stamp(t)));
        self.apps.entry(path).or_default().push(line);
        true
    }

    /// The first PLEG relist after `t` (every second).
    fn pleg_after(&self, t: Ns, rng: &mut Rng) -> Ns {
        let k = (t - self.p.pleg_phase).div_euclid(SEC) + 1;
        self.p.pleg_phase + k * SEC + rng.ns(0.0002, 0.003)
    }
}

/// Lines every kind kubelet prints whatever happens (V0, every 20 s).
fn background_noise(log: &mut NodeLog, rng: &mut Rng) {
    let mut t = log.p.start + rng.ns(0.0, 20.0);
    while t <= log.p.end {
        log.klog(
            t,
            0,
            'E',
            Site::ConfigPath,
            "\"Unable to read config path\" err=\"path does not exist, ignoring\" path=\"/etc/kubernetes/manifests\"",
        );
        t += rng.ns(19.98, 20.02);
    }
}

// ───────────────────────────── facts (the truth, as simulated) ─────────────────────────────

/// Stages of CONTRACT.md, in lifecycle order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Stage {
    DeleteRequested,
    PrestopStarted,
    PrestopFinished,
    StopRequested,
    SignalSent,
    AppSignalLogged,
    KillSent,
    Exited,
    SandboxStopped,
    NetworkTornDown,
    VolumeUnmounted,
    Removed,
}

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Stage::DeleteRequested => "delete_requested",
            Stage::PrestopStarted => "prestop_started",
            Stage::PrestopFinished => "prestop_finished",
            Stage::StopRequested => "stop_requested",
            Stage::SignalSent => "signal_sent",
            Stage::AppSignalLogged => "app_signal_logged",
            Stage::KillSent => "kill_sent",
            Stage::Exited => "exited",
            Stage::SandboxStopped => "sandbox_stopped",
            Stage::NetworkTornDown => "network_torn_down",
            Stage::VolumeUnmounted => "volume_unmounted",
            Stage::Removed => "removed",
        }
    }
}

/// Stage instants; serialises as a JSON object in lifecycle order.
#[derive(Default, Clone)]
struct StageTimes(BTreeMap<Stage, Ns>);

impl StageTimes {
    /// Records a stage that really happened at `real`, if the line proving it
    /// (at `line`, verbosity `v`) is in the export. The first record wins.
    fn mark(&mut self, log: &NodeLog, stage: Stage, real: Ns, line: Ns, v: u8) {
        if log.shows(line, v) {
            self.0.entry(stage).or_insert(real);
        }
    }
}

impl Serialize for StageTimes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (stage, t) in &self.0 {
            map.serialize_entry(stage.name(), &nanos_stamp(*t))?;
        }
        map.end()
    }
}

/// What the logs can show about one container's stop.
#[derive(Default, Clone)]
struct ContainerFacts {
    started: Option<Ns>,
    signal: Option<Signal>,
    timeout: Option<i64>,
    /// How long the kubelet spent on the preStop hook.
    prestop_s: Option<f64>,
    prestop_timed_out: bool,
    /// The logs show the Pod's grace for this stop (an override line, or a
    /// kill line the preStop time did not shorten, or the hook's timeout).
    grace_shown: bool,
    /// Seconds a 1.28+ kubelet's truncation of preStop time adds to the deadline.
    deadline_slack: f64,
    exit_code: Option<i32>,
    exited: Option<Ns>,
    /// The real end, known to the simulation even when the logs end first.
    real_exit: Option<(Ns, i32)>,
    killed_alive: bool,
    kill_after_exit: bool,
    oom: bool,
    stop_returned: Option<Ns>,
    stages: StageTimes,
}

/// What the logs can show about one Pod.
#[derive(Default)]
struct Facts {
    stages: StageTimes,
    containers: Vec<ContainerFacts>,
    /// The API delete the kubelet saw (real instant).
    deleted: Option<Ns>,
    removed: Option<Ns>,
    volume_failed: bool,
    probe: bool,
}

// ───────────────────────────── the simulation ─────────────────────────────

/// Runs one Pod's life on its node; returns what the logs can show.
fn simulate(log: &mut NodeLog, pod: &Pod, rng: &mut Rng) -> Facts {
    let mut f = Facts { containers: vec![ContainerFacts::default(); pod.containers.len()], ..Facts::default() };
    start_pod(log, pod, rng, &mut f);
    match pod.scenario {
        Scenario::Running => {}
        Scenario::OomKilled => oom_kill(log, pod, rng, &mut f),
        Scenario::ProbeKill => probe_kill(log, pod, rng, &mut f),
        _ => delete_pod(log, pod, rng, &mut f),
    }
    f
}

fn sync_loop(log: &mut NodeLog, t: Ns, op: &str, pod: &Pod) {
    let body = format!("\"SyncLoop {op}\" source=\"api\" pods={}", log.p.kube.pods(&pod.ns, &pod.name));
    let site = match op {
        "ADD" => Site::SyncAdd,
        "DELETE" => Site::SyncDelete,
        _ => Site::SyncRemove,
    };
    log.klog(t, 2, 'I', site, &body);
}

fn pleg_event(log: &mut NodeLog, t: Ns, pod: &Pod, kind: &str, id: &str) {
    let body =
        format!("\"SyncLoop (PLEG): event for pod\" pod=\"{}/{}\" event={}", pod.ns, pod.name, log.p.kube.pleg_event(&pod.uid, kind, id));
    log.klog(t, 2, 'I', Site::SyncPleg, &body);
}

/// PLEG noticing a dead container (with its exit code) or sandbox (without).
fn pleg_died(log: &mut NodeLog, t: Ns, pod: &Pod, id: &str, exit_code: Option<i32>) {
    if let Some(code) = exit_code {
        let body =
            format!("\"Generic (PLEG): container finished\" podID={} containerID=\"{id}\" exitCode={code}", log.p.kube.uid(&pod.uid));
        log.klog(t, 2, 'I', Site::PlegFinished, &body);
    }
    pleg_event(log, t + 30_000, pod, "ContainerDied", id);
}

/// `pod=… podUID=… containerName=… containerID=…` of the kill path.
fn kill_keys(log: &NodeLog, pod: &Pod, c: &Container) -> String {
    format!(
        "pod=\"{}/{}\" podUID={} containerName=\"{}\" containerID=\"containerd://{}\"",
        pod.ns,
        pod.name,
        log.p.kube.uid(&pod.uid),
        c.name,
        c.id
    )
}

/// `Event occurred` (V3): the kubelet's own events echoed into its log.
fn event(log: &mut NodeLog, t: Ns, pod: &Pod, container: &str, kind: &str, reason: &str, message: &str) {
    let field_path = match log.p.kube {
        Kube::V123 => String::new(),
        Kube::V131 => format!(" fieldPath=\"spec.containers{{{container}}}\""),
    };
    let body = format!(
        "\"Event occurred\" object=\"{}/{}\"{field_path} kind=\"Pod\" apiVersion=\"v1\" type=\"{kind}\" reason=\"{reason}\" message={}",
        pod.ns,
        pod.name,
        go_quote(message)
    );
    log.klog(t, 3, 'I', Site::EventOccurred, &body);
}

/// Creation: SyncLoop ADD, RunPodSandbox, CreateContainer/StartContainer, PLEG ContainerStarted.
fn start_pod(log: &mut NodeLog, pod: &Pod, rng: &mut Rng, f: &mut Facts) {
    let t0 = pod.created;
    sync_loop(log, t0, "ADD", pod);
    for (i, v) in pod.volumes.iter().enumerate() {
        let text = format!(
            "MountVolume.SetUp succeeded for volume \"{}\" (UniqueName: \"{}\") pod \"{}\" (UID: \"{}\") ",
            v.outer, v.unique, pod.name, pod.uid
        );
        let body = format!("{} pod=\"{}/{}\"", go_quote(&text), pod.ns, pod.name);
        log.klog(t0 + secs(0.05 + 0.02 * i as f64), 3, 'I', Site::MountSetUp, &body);
    }
    let meta = format!("&PodSandboxMetadata{{Name:{},Uid:{},Namespace:{},Attempt:0,}}", pod.name, pod.uid, pod.ns);
    let t_run = t0 + rng.ns(0.1, 0.3);
    log.ctrd(t_run, "info", &format!("RunPodSandbox for {meta}"), &[]);
    let t_sandbox = t_run + rng.ns(0.1, 0.6);
    log.ctrd(t_sandbox, "info", &format!("RunPodSandbox for {meta} returns sandbox id \"{}\"", pod.sandbox), &[]);
    let mut t = t_sandbox + rng.ns(0.005, 0.02);
    for (i, c) in pod.containers.iter().enumerate() {
        let started = create_container(log, pod, c, &c.id, 0, t, rng);
        f.containers[i].started = Some(started);
        t = started + rng.ns(0.001, 0.01);
    }
    let tick = log.pleg_after(t, rng);
    for (i, c) in pod.containers.iter().enumerate() {
        pleg_event(log, tick + 40_000 * i as Ns, pod, "ContainerStarted", &c.id);
    }
    pleg_event(log, tick + 40_000 * pod.containers.len() as Ns, pod, "ContainerStarted", &pod.sandbox);
    let statuses: Vec<Value> = pod
        .containers
        .iter()
        .zip(&f.containers)
        .map(|(c, cf)| {
            container_status(c, &c.id, 0, json!({"running": {"startedAt": api_stamp(cf.started.unwrap_or(t))}}), json!({}), true)
        })
        .collect();
    status_patch(log, tick + rng.ns(0.01, 0.05), pod, "Running", &[("Ready", "True", None)], statuses);
}

/// CreateContainer + StartContainer of one container; returns when it started.
fn create_container(log: &mut NodeLog, pod: &Pod, c: &Container, id: &str, attempt: u32, t: Ns, rng: &mut Rng) -> Ns {
    let meta = format!("&ContainerMetadata{{Name:{},Attempt:{attempt},}}", c.name);
    log.ctrd(t, "info", &format!("CreateContainer within sandbox \"{}\" for container {meta}", pod.sandbox), &[]);
    let t_id = t + rng.ns(0.01, 0.05);
    log.ctrd(t_id, "info", &format!("CreateContainer within sandbox \"{}\" for {meta} returns container id \"{id}\"", pod.sandbox), &[]);
    log.ctrd(t_id + rng.ns(0.001, 0.002), "info", &format!("StartContainer for \"{id}\""), &[]);
    let started = t_id + rng.ns(0.05, 0.5);
    if log.p.systemd_cgroups {
        log.systemd(started - rng.ns(0.005, 0.02), &format!("Started cri-containerd-{id}.scope - libcontainer container {id}."));
    }
    log.ctrd(started, "info", &format!("StartContainer for \"{id}\" returns successfully"), &[]);
    event(
        log,
        t - rng.ns(0.001, 0.005),
        pod,
        &c.name,
        "Normal",
        "Pulled",
        &format!("Container image \"{}\" already present on machine", c.image),
    );
    event(log, t_id + rng.ns(0.0003, 0.001), pod, &c.name, "Normal", "Created", &format!("Created container {}", c.name));
    event(log, started + rng.ns(0.0003, 0.001), pod, &c.name, "Normal", "Started", &format!("Started container {}", c.name));
    if c.app_logs {
        let msg = match c.style {
            LogStyle::Plain => format!("{} listening on :8080 (pid 1)", c.name),
            LogStyle::Nginx => format!("{} [notice] 1#1: start worker processes", nginx_time(started)),
            LogStyle::Postgres => format!("{} UTC [1] LOG:  database system is ready to accept connections", pg_time(started)),
        };
        let stream = if c.style == LogStyle::Nginx { "stderr" } else { "stdout" };
        log.app(pod, &c.name, attempt, started + rng.ns(0.01, 0.3), stream, &msg);
    }
    started
}

fn nginx_time(t: Ns) -> String {
    at(t).format("%Y/%m/%d %H:%M:%S").to_string()
}

fn pg_time(t: Ns) -> String {
    at(t).format("%Y-%m-%d %H:%M:%S%.3f").to_string()
}

/// An API delete: SyncLoop DELETE, every container stopped in parallel,
/// the sandbox stopped, volumes unmounted, the Pod removed.
fn delete_pod(log: &mut NodeLog, pod: &Pod, rng: &mut Rng, f: &mut Facts) {
    let requested = pod.trigger;
    let seen = requested + rng.ns(0.002, 0.04);
    sync_loop(log, seen, "DELETE", pod);
    f.stages.mark(log, Stage::DeleteRequested, requested, seen, 2);
    if log.shows(seen, 2) {
        f.deleted = Some(requested);
    }
    let t_kill = seen + rng.ns(0.0003, 0.05);
    let mut returned = t_kill;
    let mut died = t_kill;
    for i in 0..pod.containers.len() {
        let stop = stop_container(log, pod, i, t_kill, Some(requested), rng, f);
        returned = returned.max(stop.returned);
        died = died.max(stop.pleg);
    }
    let sandbox_died = stop_sandbox(log, pod, returned + rng.ns(0.001, 0.004), rng, f);
    let terminal = sandbox_died.max(died) + rng.ns(0.01, 0.05);
    if log.p.kube == Kube::V131 {
        delaying_deletion(log, pod, t_kill + rng.ns(0.08, 0.15), terminal, rng);
    }
    terminal_status(log, pod, terminal, f);
    if let Some(unmounted) = unmount_volumes(log, pod, terminal + rng.ns(0.001, 0.01), rng, f) {
        let delay = match log.p.kube {
            Kube::V123 => rng.ns(1.0, 10.0),
            Kube::V131 => rng.ns(0.05, 0.4),
        };
        remove_pod(log, pod, unmounted + delay, true, rng, f);
    }
}

/// 1.27+ at V3: the status manager refuses to delete while the phase is not terminal.
fn delaying_deletion(log: &mut NodeLog, pod: &Pod, from: Ns, until: Ns, rng: &mut Rng) {
    let body = format!(
        "\"Delaying pod deletion as the phase is non-terminal\" phase=\"Running\" localPhase=\"Running\" pod=\"{}/{}\" podUID={}",
        pod.ns,
        pod.name,
        log.p.kube.uid(&pod.uid)
    );
    let mut t = from;
    while t < until {
        log.klog(t, 3, 'I', Site::DelayingDeletion, &body);
        t += rng.ns(9.99, 10.01);
    }
}

/// How one container's process ended.
struct Ending {
    exit: Ns,
    code: i32,
    kill: Option<Ns>,
    runtime_hang: bool,
}

/// What the kubelet saw of one container stop.
struct Stopped {
    /// StopContainer returned.
    returned: Ns,
    /// PLEG noticed the death.
    pleg: Ns,
}

/// The kubelet's `killContainer`: preStop, grace arithmetic, StopContainer,
/// the process' answer, and what containerd and PLEG log about it.
/// `requested` is the API delete (with its grace override); `None` for a
/// probe restart (no override).
fn stop_container(log: &mut NodeLog, pod: &Pod, i: usize, t_kill: Ns, requested: Option<Ns>, rng: &mut Rng, f: &mut Facts) -> Stopped {
    let c = &pod.containers[i];
    let kube = log.p.kube;
    let g = pod.grace;
    let keys = kill_keys(log, pod, c);
    let message = match requested {
        Some(_) => format!("Stopping container {}", c.name),
        None => format!("Container {} failed liveness probe, will be restarted", c.name),
    };
    event(log, t_kill + rng.ns(0.0002, 0.001), pod, &c.name, "Normal", "Killing", &message);
    let with_override = requested.is_some();
    if with_override && kube == Kube::V131 {
        log.klog(t_kill, 3, 'I', Site::KillOverride, &format!("\"Killing container with a grace period override\" {keys} gracePeriod={g}"));
    }
    let mut t = t_kill + rng.ns(0.00002, 0.0002);
    let (hook_end, elapsed) = run_prestop(log, pod, i, t, rng, f);
    t = hook_end;
    // 1.28+: grace − whole preStop seconds, at least 2. Up to 1.27 the same,
    // but then an override (every Pod deletion passes one) replaces it.
    let remaining = (g - elapsed).max(2);
    let timeout = if with_override && kube == Kube::V123 { g } else { remaining };
    t += rng.ns(0.00005, 0.0003);
    if with_override && kube == Kube::V123 {
        log.klog(t, 3, 'I', Site::KillOverride, &format!("\"Killing container with a grace period override\" {keys} gracePeriod={g}"));
        t += rng.ns(0.00005, 0.0002);
    }
    log.klog(t, 2, 'I', Site::Kill, &format!("\"Killing container with a grace period\" {keys} gracePeriod={timeout}"));
    f.containers[i].grace_shown = grace_shown(log, c, g, (elapsed, timeout), with_override, [t_kill, hook_end, t]);
    let t_stop = t + rng.ns(0.0005, 0.0015);
    log.ctrd(t_stop, "info", &format!("StopContainer for \"{}\" with timeout {timeout} (s)", c.id), &[]);
    let t_signal = t_stop + rng.ns(0.0002, 0.0006);
    log.ctrd(t_signal, "info", &format!("Stop container \"{}\" with signal {}", c.id, c.signal.go_name()), &[]);
    {
        let cf = &mut f.containers[i];
        cf.stages.mark(log, Stage::StopRequested, t_stop, t_stop, 0);
        cf.stages.mark(log, Stage::SignalSent, t_signal, t_signal, 0);
        if log.in_window(t_stop) {
            cf.timeout = Some(timeout);
        }
        if log.in_window(t_signal) {
            cf.signal = Some(c.signal);
        }
    }
    let slack = truncated_prestop(kube, c, g);
    f.containers[i].deadline_slack = slack;
    let deadline = requested.map(|r| r + secs(applied_grace(kube, g) as f64 + slack));
    let ending = resolve_ending(c, t_signal, timeout, deadline, rng);
    app_stop_lines(log, pod, i, t_signal, &ending, rng, f);
    if let Some(k) = ending.kill {
        log.ctrd(k, "info", &format!("Kill container \"{}\"", c.id), &[]);
        let cf = &mut f.containers[i];
        cf.stages.mark(log, Stage::KillSent, k, k, 0);
        if log.in_window(k) {
            if ending.exit > k {
                cf.killed_alive = true;
            } else {
                cf.kill_after_exit = true;
            }
        }
    }
    let seen = if ending.runtime_hang {
        hung_exit(log, &c.id, c.pid, ending.exit, ending.code, rng)
    } else {
        let seen = container_exit(log, &c.id, c.pid, ending.exit, ending.code, rng);
        ExitSeen { returned: seen.handled + rng.ns(0.005, 0.02), ..seen }
    };
    log.ctrd(seen.returned, "info", &format!("StopContainer for \"{}\" returns successfully", c.id), &[]);
    log.klog(seen.returned + rng.ns(0.0002, 0.001), 3, 'I', Site::ExitedNormally, &format!("\"Container exited normally\" {keys}"));
    let pleg = log.pleg_after(seen.handled, rng);
    pleg_died(log, pleg, pod, &c.id, Some(ending.code));
    let cf = &mut f.containers[i];
    cf.real_exit = Some((ending.exit, ending.code));
    cf.stages.mark(log, Stage::Exited, ending.exit, seen.evidence, 0);
    if log.in_window(seen.evidence) {
        cf.exited = Some(ending.exit);
        cf.exit_code = Some(ending.code);
    }
    if log.in_window(seen.returned) {
        cf.stop_returned = Some(seen.returned);
    }
    Stopped { returned: seen.returned, pleg }
}

/// Whether a reader of these logs can know the Pod's grace `g` from this
/// stop: 1.23 prints it as the override in the V2 kill line; 1.31 prints the
/// override at V3 only, and its V2 line shows `g` unless preStop seconds were
/// subtracted or the 2 s minimum raised it. A timed-out hook prints `g` at
/// V2; a completed one lets V3 readers add its whole seconds back, unless the
/// 2 s minimum hid them. `(elapsed, timeout)`: whole preStop seconds and the
/// StopContainer timeout; `times`: the kill started, the hook ended, the V2
/// kill line.
fn grace_shown(log: &NodeLog, c: &Container, g: i64, (elapsed, timeout): (i64, i64), with_override: bool, times: [Ns; 3]) -> bool {
    let [t_kill, hook_end, t_line] = times;
    let hook_timed_out = c.prestop.is_some_and(|p| p >= g as f64);
    let kill_line = log.shows(t_line, 2);
    let override_line = with_override
        && match log.p.kube {
            Kube::V123 => kill_line,
            Kube::V131 => log.shows(t_kill, 3),
        };
    let unshortened = c.prestop.is_none() && timeout == applied_grace(log.p.kube, g) && kill_line;
    let hook_says = hook_timed_out && log.shows(hook_end, 2);
    let hook_adds_up = c.prestop.is_some() && !hook_timed_out && g - elapsed >= 2 && kill_line && log.shows(t_kill, 3);
    override_line || unshortened || hook_says || hook_adds_up
}

/// Runs the container's preStop hook, if any; returns when the kubelet moves
/// on and the whole seconds it subtracts.
fn run_prestop(log: &mut NodeLog, pod: &Pod, i: usize, t: Ns, rng: &mut Rng, f: &mut Facts) -> (Ns, i64) {
    let c = &pod.containers[i];
    let Some(p) = c.prestop else { return (t, 0) };
    let keys = kill_keys(log, pod, c);
    let g = pod.grace;
    log.klog(t, 3, 'I', Site::RunPreStop, &format!("\"Running preStop hook\" {keys}"));
    let cf = &mut f.containers[i];
    cf.stages.mark(log, Stage::PrestopStarted, t, t, 3);
    if p < g as f64 {
        let done = t + secs(p);
        log.klog(done, 3, 'I', Site::PreStopDone, &format!("\"PreStop hook completed\" {keys}"));
        let cf = &mut f.containers[i];
        cf.stages.mark(log, Stage::PrestopFinished, done, done, 3);
        if log.in_window(t) {
            cf.prestop_s = Some(round3(p));
        }
        (done, p as i64)
    } else {
        let gave_up = t + secs(g as f64) + rng.ns(0.0001, 0.002);
        log.klog(gave_up, 2, 'I', Site::PreStopTimeout, &format!("\"PreStop hook not completed in grace period\" {keys} gracePeriod={g}"));
        let cf = &mut f.containers[i];
        if log.in_window(t) {
            cf.prestop_s = Some(round3(to_secs(gave_up - t)));
        }
        if log.shows(gave_up, 2) {
            cf.prestop_timed_out = true;
        }
        (gave_up, g)
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The grace the kubelet applies: 1.28+ raises anything below its 2 s
/// minimum (a 1 s override becomes a 2 s stop, as in the kueue#4669 log);
/// 1.23's override replaces the minimum, so 1 s stays 1 s.
fn applied_grace(kube: Kube, g: i64) -> i64 {
    match kube {
        Kube::V123 => g,
        Kube::V131 => g.max(2),
    }
}

/// The fraction of a second a 1.28+ kubelet drops when it subtracts a
/// completed preStop hook's whole seconds from the grace (0 otherwise).
fn truncated_prestop(kube: Kube, c: &Container, g: i64) -> f64 {
    match (kube, c.prestop) {
        (Kube::V131, Some(p)) if p < g as f64 => p.fract(),
        _ => 0.0,
    }
}

/// Decides when and how the process ends after the stop signal. `deadline`
/// (delete + grace, see [`truncated_prestop`]) lets drains step out of the
/// grey zone.
fn resolve_ending(c: &Container, t_signal: Ns, timeout: i64, deadline: Option<Ns>, rng: &mut Rng) -> Ending {
    let after = |d: f64| t_signal + secs(d);
    let kill_at = t_signal + secs(timeout as f64) + rng.ns(0.001, 0.012);
    let exit_in = |code: i32, d: f64| Ending { exit: after(d), code, kill: None, runtime_hang: false };
    match c.reaction {
        Reaction::Ignore => Ending { exit: kill_at + rng.ns(0.002, 0.02), code: 137, kill: Some(kill_at), runtime_hang: false },
        Reaction::Die => exit_in(128 + c.signal.number(), rng.range(0.001, 0.03)),
        Reaction::Quick { code } => exit_in(code, rng.range(0.02, 0.1)),
        Reaction::Fail { code } => {
            let d = out_of_grey_zone(t_signal, rng.range(0.05, (0.8 * timeout as f64).min(3.0)), timeout, deadline);
            exit_in(code, d)
        }
        Reaction::Drain { frac } => exit_in(0, out_of_grey_zone(t_signal, (frac * timeout as f64).max(0.05), timeout, deadline)),
        Reaction::SlowRuntime { code } => Ending { exit: after(rng.range(0.015, 0.05)), code, kill: Some(kill_at), runtime_hang: true },
    }
}

/// Shifts a drain of `d` seconds by 1.5 s when the exit would land 0.25–1.6 s
/// past the deadline, so that `grace_overrun` never depends on a tolerance.
fn out_of_grey_zone(t_signal: Ns, d: f64, timeout: i64, deadline: Option<Ns>) -> f64 {
    let Some(deadline) = deadline else { return d };
    let over = to_secs(t_signal + secs(d) - deadline);
    if !(0.25..=1.6).contains(&over) {
        d
    } else if d - 1.5 > 0.05 {
        d - 1.5
    } else if d + 1.5 < timeout as f64 - 0.3 {
        d + 1.5
    } else {
        d
    }
}

/// The app's own lines about the stop signal (and its last words).
fn app_stop_lines(log: &mut NodeLog, pod: &Pod, i: usize, t_signal: Ns, ending: &Ending, rng: &mut Rng, f: &mut Facts) {
    let c = &pod.containers[i];
    if !c.app_logs || matches!(c.reaction, Reaction::Die) {
        return;
    }
    let sig = c.signal;
    let t_seen = t_signal + rng.ns(0.0005, 0.02);
    let (stream, said) = match (c.style, c.reaction) {
        (LogStyle::Nginx, _) => {
            ("stderr", format!("{} [notice] 1#1: signal {} ({}) received, shutting down", nginx_time(t_seen), sig.number(), sig.name()))
        }
        (LogStyle::Postgres, _) => ("stdout", format!("{} UTC [1] LOG:  received fast shutdown request", pg_time(t_seen))),
        (_, Reaction::Ignore) => ("stdout", format!("{} received, ignoring", sig.name())),
        (_, Reaction::Drain { .. } | Reaction::Quick { .. }) => ("stdout", format!("received {}, draining connections", sig.name())),
        _ => ("stdout", format!("received {}, shutting down", sig.name())),
    };
    if t_seen < ending.exit && log.app(pod, &c.name, 0, t_seen, stream, &said) {
        f.containers[i].stages.mark(log, Stage::AppSignalLogged, t_seen, t_seen, 0);
    }
    let last = ending.exit - rng.ns(0.0002, 0.002);
    let last_words = match (c.style, c.reaction) {
        (_, Reaction::Ignore) => None,
        (LogStyle::Postgres, Reaction::Fail { .. } | Reaction::SlowRuntime { .. }) => Some((
            "stdout",
            format!("{} UTC [1] FATAL:  could not write to file \"pg_wal/xlogtemp.1\": No space left on device", pg_time(last)),
        )),
        (_, Reaction::Fail { code } | Reaction::SlowRuntime { code }) => {
            Some(("stderr", format!("error: failed to flush pending writes: connection reset by peer; exiting with status {code}")))
        }
        (LogStyle::Nginx, _) => Some(("stderr", format!("{} [notice] 1#1: exit", nginx_time(last)))),
        (LogStyle::Postgres, _) => Some(("stdout", format!("{} UTC [1] LOG:  database system is shut down", pg_time(last)))),
        _ => Some(("stdout", "shutdown complete".to_string())),
    };
    if let Some((stream, msg)) = last_words {
        if last > t_seen {
            log.app(pod, &c.name, 0, last, stream, &msg);
        }
    }
}

/// Where the logs show an exit.
struct ExitSeen {
    /// First line that shows the exit (exit event, else `shim disconnected`).
    evidence: Ns,
    /// containerd finished handling the exit (the runtime now reports it).
    handled: Ns,
    /// StopContainer returned (meaningful for the hung path).
    returned: Ns,
}

/// `container_id:"…" id:"…" pid:N exit_status:N exited_at:{seconds:S nanos:N}`,
/// proto3 zero values omitted.
fn task_exit(id: &str, pid: u32, code: i32, exited: Ns, sep: &str) -> String {
    let mut parts = vec![format!("container_id:\"{id}\""), format!("id:\"{id}\""), format!("pid:{pid}")];
    if code != 0 {
        parts.push(format!("exit_status:{code}"));
    }
    parts.push(format!("exited_at:{{{}}}", proto_timestamp(exited, sep)));
    parts.join(sep)
}

fn proto_timestamp(t: Ns, sep: &str) -> String {
    let (s, n) = (t.div_euclid(SEC), t.rem_euclid(SEC));
    if n == 0 {
        format!("seconds:{s}")
    } else {
        format!("seconds:{s}{sep}nanos:{n}")
    }
}

/// containerd's lines for a container exit that is handled at once.
fn container_exit(log: &mut NodeLog, id: &str, pid: u32, exit: Ns, code: i32, rng: &mut Rng) -> ExitSeen {
    let te = task_exit(id, pid, code, exit, log.p.sep);
    let t_event = exit + rng.ns(0.0002, 0.002);
    match log.p.ctrd {
        Ctrd::V1720 => {}
        Ctrd::V1724 => log.ctrd(t_event, "info", &format!("received exit event {te}"), &[]),
        Ctrd::V204 => {
            log.ctrd(t_event, "info", &format!("received exit event {te}"), &[]);
            log.ctrd(t_event + rng.ns(0.00002, 0.0003), "info", &format!("TaskExit event in podsandbox handler {te}"), &[]);
        }
        Ctrd::V215 => log.ctrd(t_event, "info", &format!("received container exit event {te}"), &[]),
    }
    scope_deactivated(log, id, exit, rng);
    let shim = exit + rng.ns(0.008, 0.04);
    shim_disconnected(log, id, shim, rng);
    let evidence = if log.p.ctrd.logs_exit() { t_event } else { shim };
    ExitSeen { evidence, handled: shim, returned: shim }
}

/// The exit handling times out (fixture 02): an error 10 s later, a retried
/// `TaskExit event`, and StopContainer returning half a minute late.
fn hung_exit(log: &mut NodeLog, id: &str, pid: u32, exit: Ns, code: i32, rng: &mut Rng) -> ExitSeen {
    let te = task_exit(id, pid, code, exit, log.p.sep);
    let t_event = exit + rng.ns(0.0002, 0.002);
    match log.p.ctrd {
        Ctrd::V1720 => {}
        Ctrd::V1724 | Ctrd::V204 => log.ctrd(t_event, "info", &format!("received exit event {te}"), &[]),
        Ctrd::V215 => log.ctrd(t_event, "info", &format!("received container exit event {te}"), &[]),
    }
    if log.p.ctrd == Ctrd::V204 {
        log.ctrd(t_event + rng.ns(0.00002, 0.0003), "info", &format!("TaskExit event in podsandbox handler {te}"), &[]);
    }
    scope_deactivated(log, id, exit, rng);
    let failed = exit + secs(10.0) + rng.ns(0.005, 0.02);
    let error = "failed to stop container: failed to delete task: context deadline exceeded: unknown";
    log.ctrd(failed, "error", &format!("failed to handle container TaskExit event {te}"), &[("error", error)]);
    let retried = failed + rng.ns(15.0, 25.0);
    log.ctrd(retried, "info", &format!("TaskExit event {te}"), &[]);
    log.ctrd(retried + rng.ns(2.0, 2.01), "error", &format!("get state for {id}"), &[("error", "context deadline exceeded: unknown")]);
    let shim = retried + rng.ns(4.0, 8.0);
    shim_disconnected(log, id, shim, rng);
    log.ctrd(shim + rng.ns(0.03, 0.06), "info", &format!("Ensure that container {id} in task-service has been cleanup successfully"), &[]);
    let evidence = if log.p.ctrd.logs_exit() { t_event } else { failed };
    let returned = shim + rng.ns(0.06, 0.07);
    ExitSeen { evidence, handled: returned, returned }
}

fn scope_deactivated(log: &mut NodeLog, id: &str, exit: Ns, rng: &mut Rng) {
    if log.p.systemd_cgroups {
        log.systemd(exit + rng.ns(0.001, 0.005), &format!("cri-containerd-{id}.scope: Deactivated successfully."));
    }
}

fn shim_disconnected(log: &mut NodeLog, id: &str, t: Ns, rng: &mut Rng) {
    log.ctrd(t, "info", "shim disconnected", &[("id", id), ("namespace", "k8s.io")]);
    log.ctrd(t + rng.ns(0.00003, 0.0002), "warning", "cleaning up after shim disconnected", &[("id", id), ("namespace", "k8s.io")]);
    if log.p.ctrd != Ctrd::V1720 {
        log.ctrd(t + rng.ns(0.0002, 0.0004), "info", "cleaning up dead shim", &[("namespace", "k8s.io")]);
    }
}

/// StopPodSandbox: the pause process is SIGKILLed (exit 137), the network
/// torn down; returns when PLEG sees the sandbox die.
fn stop_sandbox(log: &mut NodeLog, pod: &Pod, t: Ns, rng: &mut Rng, f: &mut Facts) -> Ns {
    let sb = pod.sandbox.as_str();
    log.ctrd(t, "info", &format!("StopPodSandbox for \"{sb}\""), &[]);
    for c in &pod.containers {
        let msg = format!("Container to stop \"{}\" must be in running or unknown state, current state \"CONTAINER_EXITED\"", c.id);
        log.ctrd(t + rng.ns(0.00003, 0.0001), "info", &msg, &[]);
    }
    let paused = t + rng.ns(0.002, 0.012);
    let t_event = paused + rng.ns(0.0005, 0.003);
    let sep = log.p.sep;
    match log.p.ctrd {
        Ctrd::V1720 => {}
        Ctrd::V1724 => log.ctrd(t_event, "info", &format!("received exit event {}", task_exit(sb, pod.sandbox_pid, 137, paused, sep)), &[]),
        Ctrd::V204 => log.ctrd(
            t_event,
            "info",
            &format!("TaskExit event in podsandbox handler {}", task_exit(sb, pod.sandbox_pid, 137, paused, sep)),
            &[],
        ),
        Ctrd::V215 => {
            let text = format!("sandbox_id:\"{sb}\"{sep}exit_status:137{sep}exited_at:{{{}}}", proto_timestamp(paused, sep));
            log.ctrd(t_event, "info", &format!("received sandbox container exit event {text}"), &[("monitor_name", "criService")]);
        }
    }
    scope_deactivated(log, sb, paused, rng);
    shim_disconnected(log, sb, paused + rng.ns(0.015, 0.05), rng);
    let torn_down = paused + rng.ns(0.055, 0.12);
    log.ctrd(torn_down, "info", &format!("TearDown network for sandbox \"{sb}\" successfully"), &[]);
    let stopped = torn_down + rng.ns(0.00002, 0.0002);
    log.ctrd(stopped, "info", &format!("StopPodSandbox for \"{sb}\" returns successfully"), &[]);
    f.stages.mark(log, Stage::NetworkTornDown, torn_down, torn_down, 0);
    f.stages.mark(log, Stage::SandboxStopped, stopped, stopped, 0);
    let tick = log.pleg_after(paused + secs(0.03), rng);
    pleg_died(log, tick, pod, sb, None);
    tick
}

/// The volume manager unmounts every volume; returns the last successful
/// TearDown, or `None` when a volume never unmounts (retries until the logs end).
fn unmount_volumes(log: &mut NodeLog, pod: &Pod, t0: Ns, rng: &mut Rng, f: &mut Facts) -> Option<Ns> {
    let who = format!("pod=\"{}/{}\"", pod.ns, pod.name);
    log.klog(t0, 3, 'I', Site::WaitUnmount, &format!("\"Waiting for volumes to unmount for pod\" {who}"));
    let mut t = t0 + rng.ns(0.05, 1.0);
    let mut last_ok = None;
    let mut last_detached = t;
    let mut stuck = false;
    for v in &pod.volumes {
        t += rng.ns(0.0005, 0.004);
        unmount_started(log, pod, v, t);
        if v.stuck {
            teardown_fails_forever(log, pod, v, t, rng, f);
            stuck = true;
            continue;
        }
        let ok = t + rng.ns(0.002, 0.03);
        let text = format!(
            "UnmountVolume.TearDown succeeded for volume \"{}\" (OuterVolumeSpecName: \"{}\") pod \"{}\" (UID: \"{}\"). InnerVolumeSpecName \"{}\". PluginName \"{}\", VolumeGidValue \"\"",
            v.unique, v.outer, pod.uid, pod.uid, v.inner, v.plugin
        );
        log.klog(ok, 0, 'I', Site::TearDownOk, &text);
        let detached = ok + rng.ns(0.08, 0.12);
        let text =
            format!("Volume detached for volume \"{}\" (UniqueName: \"{}\") on node \"{}\" DevicePath \"\"", v.outer, v.unique, log.p.name);
        log.klog(detached, 0, 'I', Site::VolumeDetached, &go_quote(&text));
        last_ok = last_ok.max(Some(ok));
        last_detached = last_detached.max(detached);
    }
    if stuck {
        return None;
    }
    let all = last_detached + rng.ns(0.001, 0.05);
    log.klog(all, 3, 'I', Site::AllUnmounted, &format!("\"All volumes are unmounted for pod\" {who}"));
    if log.p.kube == Kube::V131 {
        let body = format!("\"Pod termination cleaned up volume paths\" {who} podUID={}", log.p.kube.uid(&pod.uid));
        log.klog(all + rng.ns(0.00003, 0.0002), 3, 'I', Site::CleanedVolumePaths, &body);
    }
    let last_ok = last_ok.unwrap_or(t);
    f.stages.mark(log, Stage::VolumeUnmounted, last_ok, last_ok, 0);
    Some(all)
}

fn unmount_started(log: &mut NodeLog, pod: &Pod, v: &Volume, t: Ns) {
    let text = format!(
        "operationExecutor.UnmountVolume started for volume \"{}\" (UniqueName: \"{}\") pod \"{}\" (UID: \"{}\") ",
        v.outer, v.unique, pod.uid, pod.uid
    );
    log.klog(t, 0, 'I', Site::UnmountStarted, &go_quote(&text));
}

/// `UnmountVolume.TearDown failed` with the kubelet's exponential backoff
/// (500 ms doubling up to 2m2s), until the logs end.
fn teardown_fails_forever(log: &mut NodeLog, pod: &Pod, v: &Volume, mut t: Ns, rng: &mut Rng, f: &mut Facts) {
    let dir = format!("/var/lib/kubelet/pods/{}/volumes/kubernetes.io~csi/{}/mount", pod.uid, v.inner);
    let cause = format!("kubernetes.io/csi: Unmounter.TearDownAt failed to clean mount dir [{dir}]: kubernetes.io/csi: failed to remove dir [{dir}]: remove {dir}: device or resource busy");
    let mut backoff_ms: i64 = 500;
    loop {
        let failed = t + rng.ns(0.003, 0.03);
        let next = failed + backoff_ms * 1_000_000;
        let text = format!(
            "Operation for \"{{volumeName:{} podName:{} nodeName:}}\" failed. No retries permitted until {} (durationBeforeRetry {}). Error: UnmountVolume.TearDown failed for volume \"{}\" (UniqueName: \"{}\") pod \"{}\" (UID: \"{}\") : {cause}",
            v.unique,
            pod.uid,
            go_time(next, next - log.p.kubelet_boot),
            go_duration(backoff_ms),
            v.outer,
            v.unique,
            pod.uid,
            pod.uid
        );
        log.klog(failed, 0, 'E', Site::OperationFailed, &text);
        if log.in_window(failed) {
            f.volume_failed = true;
        }
        if next > log.p.end {
            return;
        }
        t = next + rng.ns(0.05, 0.2);
        unmount_started(log, pod, v, t);
        backoff_ms = (backoff_ms * 2).min(122_000);
    }
}

/// The Pod leaves the API. `by_kubelet`: the kubelet's own final delete
/// (DELETE echo, `Pod fully terminated and removed from etcd`, REMOVE);
/// otherwise the API deleted it outright (grace 0) and the kubelet only
/// sees REMOVE. Then containerd's garbage collection.
fn remove_pod(log: &mut NodeLog, pod: &Pod, t: Ns, by_kubelet: bool, rng: &mut Rng, f: &mut Facts) {
    if by_kubelet {
        sync_loop(log, t - rng.ns(0.02, 0.13), "DELETE", pod);
        log.klog(
            t + 100_000,
            3,
            'I',
            Site::RemovedFromEtcd,
            &format!("\"Pod fully terminated and removed from etcd\" pod=\"{}/{}\"", pod.ns, pod.name),
        );
    }
    let seen = t + rng.ns(0.0002, 0.02);
    sync_loop(log, seen, "REMOVE", pod);
    f.stages.mark(log, Stage::Removed, t, seen, 2);
    if log.shows(seen, 2) {
        f.removed = Some(t);
    }
    let mut g = t + rng.ns(0.05, 0.3);
    for c in &pod.containers {
        log.ctrd(g, "info", &format!("RemoveContainer for \"{}\"", c.id), &[]);
        g += rng.ns(0.01, 0.15);
        log.ctrd(g, "info", &format!("RemoveContainer for \"{}\" returns successfully", c.id), &[]);
        g += rng.ns(0.001, 0.01);
    }
    // Sandbox garbage collection: a second stop, the network again, removal.
    let sb = pod.sandbox.as_str();
    let mut g = t + rng.ns(20.0, 60.0);
    let mut step = |log: &mut NodeLog, msg: String, rng: &mut Rng| {
        log.ctrd(g, "info", &msg, &[]);
        g += rng.ns(0.0002, 0.03);
    };
    step(log, format!("StopPodSandbox for \"{sb}\""), rng);
    step(log, format!("TearDown network for sandbox \"{sb}\" successfully"), rng);
    step(log, format!("StopPodSandbox for \"{sb}\" returns successfully"), rng);
    step(log, format!("RemovePodSandbox for \"{sb}\""), rng);
    step(log, format!("Forcibly stopping sandbox \"{sb}\""), rng);
    step(log, format!("TearDown network for sandbox \"{sb}\" successfully"), rng);
    step(log, format!("RemovePodSandbox \"{sb}\" returns successfully"), rng);
}

/// The kernel OOM killer ends the container; with `restartPolicy: Never` the
/// kubelet then stops the sandbox and unmounts the volumes on its own. The
/// Failed Pod may later be deleted by the API (at once: grace 0).
fn oom_kill(log: &mut NodeLog, pod: &Pod, rng: &mut Rng, f: &mut Facts) {
    let c = &pod.containers[0];
    let t = pod.trigger;
    kernel_oom(log, pod, c, t, rng);
    let exit = t + rng.ns(0.003, 0.02);
    log.ctrd(t + rng.ns(0.04, 0.2), "info", &format!("TaskOOM event container_id:\"{}\"", c.id), &[]);
    let seen = container_exit(log, &c.id, c.pid, exit, 137, rng);
    let pleg = log.pleg_after(seen.handled, rng);
    pleg_died(log, pleg, pod, &c.id, Some(137));
    let cf = &mut f.containers[0];
    cf.real_exit = Some((exit, 137));
    cf.stages.mark(log, Stage::Exited, exit, seen.evidence, 0);
    if log.in_window(seen.evidence) {
        cf.exited = Some(exit);
        cf.exit_code = Some(137);
        cf.oom = true;
    }
    let started = cf.started.unwrap_or(pod.created);
    let state = json!({"terminated": terminated(&c.id, 137, "OOMKilled", started, exit)});
    let statuses = vec![container_status(c, &c.id, 0, state, json!({}), false)];
    status_patch(log, pleg + rng.ns(0.01, 0.05), pod, "Failed", &[("Ready", "False", Some("PodFailed"))], statuses);
    let sandbox_died = stop_sandbox(log, pod, pleg + rng.ns(0.05, 0.8), rng, f);
    unmount_volumes(log, pod, sandbox_died + rng.ns(0.001, 0.01), rng, f);
    if let Some(d) = pod.delete_after_oom {
        remove_pod(log, pod, d, false, rng, f);
    }
}

/// The kernel's OOM-killer report (journal only) and systemd's note on the scope.
fn kernel_oom(log: &mut NodeLog, pod: &Pod, c: &Container, t: Ns, rng: &mut Rng) {
    let limit_kb = rng.pick(&[262_144u64, 524_288, 1_048_576]);
    let anon = limit_kb - rng.int(200, 2000) as u64;
    let (cgroup, cpuset) = if log.p.systemd_cgroups {
        let uid = pod.uid.replace('-', "_");
        (
            format!("/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-pod{uid}.slice/cri-containerd-{}.scope", c.id),
            format!("cri-containerd-{}.scope", c.id),
        )
    } else {
        (format!("/kubelet/kubepods/burstable/pod{}/{}", pod.uid, c.id), c.id.clone())
    };
    let adj = rng.pick(&[-997, 968, 984, 1000]);
    let lines = [
        format!("{} invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj={adj}", c.comm),
        format!("memory: usage {limit_kb}kB, limit {limit_kb}kB, failcnt {}", rng.int(1, 4000)),
        format!(
            "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset={cpuset},mems_allowed=0,oom_memcg={cgroup},task_memcg={cgroup},task={},pid={},uid=0",
            c.comm, c.pid
        ),
        format!(
            "Memory cgroup out of memory: Killed process {} ({}) total-vm:{}kB, anon-rss:{anon}kB, file-rss:{}kB, shmem-rss:0kB, UID:0 pgtables:{}kB oom_score_adj:{adj}",
            c.pid,
            c.comm,
            anon + rng.int(100_000, 3_000_000) as u64,
            rng.int(100, 30_000),
            rng.int(400, 8000)
        ),
    ];
    for (k, line) in lines.iter().enumerate() {
        log.kernel(t + 4_000 * k as Ns, line);
    }
    if log.p.systemd_cgroups {
        log.systemd(
            t + rng.ns(0.002, 0.008),
            &format!("cri-containerd-{}.scope: A process of this unit has been killed by the OOM killer.", c.id),
        );
    }
}

/// A liveness probe fails three times; the container is killed without a
/// grace override and restarted (`1.log`). The Pod keeps running.
fn probe_kill(log: &mut NodeLog, pod: &Pod, rng: &mut Rng, f: &mut Facts) {
    let c = &pod.containers[0];
    let kube = log.p.kube;
    let t = pod.trigger;
    let output = "HTTP probe failed with statuscode: 500";
    for k in (0..3).rev() {
        let failed = t - secs(10.0 * k as f64) - rng.ns(0.001, 0.005);
        let body = format!(
            "\"Probe failed\" probeType=\"Liveness\" pod=\"{}/{}\" podUID={} containerName=\"{}\" probeResult={} output={}",
            pod.ns,
            pod.name,
            kube.uid(&pod.uid),
            c.name,
            kube.probe_result("failure"),
            go_quote(output)
        );
        log.klog(failed, 1, 'I', Site::ProbeFailed, &body);
        event(log, failed + rng.ns(0.0002, 0.001), pod, &c.name, "Warning", "Unhealthy", &format!("Liveness probe failed: {output}"));
    }
    let who = format!("pod=\"{}/{}\"", pod.ns, pod.name);
    log.klog(t + 50_000, 1, 'I', Site::SyncProbe, &format!("\"SyncLoop (probe)\" probe=\"liveness\" status=\"unhealthy\" {who}"));
    let body = format!(
        "\"Message for Container of pod\" containerName=\"{}\" containerStatusID={} {who} containerMessage=\"Container {} failed liveness probe, will be restarted\"",
        c.name,
        kube.container_status_id(&c.id),
        c.name
    );
    log.klog(t + 300_000, 2, 'I', Site::MessageForContainer, &body);
    f.probe = log.shows(t + 50_000, 1);
    let stop = stop_container(log, pod, 0, t + rng.ns(0.0004, 0.002), None, rng, f);
    let restarted = create_container(log, pod, c, &c.restart_id, 1, stop.pleg + rng.ns(0.01, 0.08), rng);
    let tick = log.pleg_after(restarted, rng);
    pleg_event(log, tick, pod, "ContainerStarted", &c.restart_id);
    if let Some((exit, code)) = f.containers[0].real_exit {
        let started = f.containers[0].started.unwrap_or(pod.created);
        let reason = if code == 0 { "Completed" } else { "Error" };
        let last = json!({"terminated": terminated(&c.id, code, reason, started, exit)});
        let state = json!({"running": {"startedAt": api_stamp(restarted)}});
        let statuses = vec![container_status(c, &c.restart_id, 1, state, last, true)];
        status_patch(log, tick + rng.ns(0.01, 0.05), pod, "Running", &[("Ready", "True", None)], statuses);
    }
}

// ───────────────────────────── status patches ─────────────────────────────

fn terminated(id: &str, code: i32, reason: &str, started: Ns, finished: Ns) -> Value {
    json!({
        "containerID": format!("containerd://{id}"),
        "exitCode": code,
        "finishedAt": api_stamp(finished),
        "reason": reason,
        "startedAt": api_stamp(started),
    })
}

fn container_status(c: &Container, id: &str, restarts: u32, state: Value, last: Value, ready: bool) -> Value {
    json!({
        "containerID": format!("containerd://{id}"),
        "image": c.image,
        "imageID": format!("{}@sha256:{}", c.image.split(':').next().unwrap_or(c.image), &c.id[..64]),
        "lastState": last,
        "name": c.name,
        "ready": ready,
        "restartCount": restarts,
        "started": ready,
        "state": state,
    })
}

/// `Patch status for pod` (V3): 1.23 prints `pod= patch=`, 1.26+ adds `podUID=`.
fn status_patch(log: &mut NodeLog, t: Ns, pod: &Pod, phase: &str, conditions: &[(&str, &str, Option<&str>)], statuses: Vec<Value>) {
    let conds: Vec<Value> = conditions
        .iter()
        .map(|(kind, status, reason)| {
            let mut c = json!({"lastTransitionTime": api_stamp(t), "status": status, "type": kind});
            if let Some(r) = reason {
                c["reason"] = json!(r);
            }
            c
        })
        .collect();
    let order: Vec<Value> = ["Initialized", "Ready", "ContainersReady", "PodScheduled"].iter().map(|k| json!({"type": k})).collect();
    let patch = json!({
        "metadata": {"uid": pod.uid},
        "status": {"$setElementOrder/conditions": order, "conditions": conds, "containerStatuses": statuses, "phase": phase},
    });
    let text = go_quote(&patch.to_string());
    let body = match log.p.kube {
        Kube::V123 => format!("\"Patch status for pod\" pod=\"{}/{}\" patch={text}", pod.ns, pod.name),
        Kube::V131 => format!("\"Patch status for pod\" pod=\"{}/{}\" podUID={} patch={text}", pod.ns, pod.name, log.p.kube.uid(&pod.uid)),
    };
    log.klog(t, 3, 'I', Site::PatchStatus, &body);
}

/// The terminal status patch after a deletion stopped every container.
fn terminal_status(log: &mut NodeLog, pod: &Pod, t: Ns, f: &Facts) {
    let mut failed = false;
    let statuses: Vec<Value> = pod
        .containers
        .iter()
        .zip(&f.containers)
        .map(|(c, cf)| {
            let (exit, code) = cf.real_exit.unwrap_or((t, 137));
            failed |= code != 0;
            let reason = if code == 0 { "Completed" } else { "Error" };
            let state = json!({"terminated": terminated(&c.id, code, reason, cf.started.unwrap_or(pod.created), exit)});
            container_status(c, &c.id, 0, state, json!({}), false)
        })
        .collect();
    let (phase, reason) = if failed { ("Failed", "PodFailed") } else { ("Succeeded", "PodCompleted") };
    status_patch(log, t, pod, phase, &[("Ready", "False", Some(reason)), ("ContainersReady", "False", Some(reason))], statuses);
}

// ───────────────────────────── truth ─────────────────────────────

#[derive(Serialize)]
struct Truth {
    schema: &'static str,
    generator: String,
    seed: u64,
    nodes: Vec<TruthNode>,
    pods: Vec<TruthPod>,
}

#[derive(Serialize)]
struct TruthNode {
    name: String,
    kubernetes_version: &'static str,
    kubelet_verbosity: u8,
    containerd_version: &'static str,
    /// Whether containerd logs container exits at info (else `exited` is approximate).
    exit_events_at_info: bool,
    protobuf_separator: &'static str,
    window_start: String,
    window_end: String,
    pods: usize,
}

#[derive(Serialize)]
struct TruthPod {
    namespace: String,
    name: String,
    uid: String,
    node: String,
    scenario: &'static str,
    grace_period_s: Option<i64>,
    outcome: &'static str,
    findings: Vec<&'static str>,
    deletion_reason: Option<&'static str>,
    created_before_window: bool,
    containers: Vec<TruthContainer>,
    stages: StageTimes,
}

#[derive(Serialize)]
struct TruthContainer {
    name: String,
    id: String,
    exit_code: Option<i32>,
    stop_signal: Option<&'static str>,
    stop_timeout_s: Option<i64>,
    prestop_s: Option<f64>,
    exited_at: Option<String>,
    stages: StageTimes,
}

fn truth_node(p: &NodeProfile, pods: usize) -> TruthNode {
    TruthNode {
        name: p.name.clone(),
        kubernetes_version: p.kube.version(),
        kubelet_verbosity: p.verbosity,
        containerd_version: p.ctrd.version(),
        exit_events_at_info: p.ctrd.logs_exit(),
        protobuf_separator: if p.sep.len() == 2 { "two spaces" } else { "one space" },
        window_start: nanos_stamp(p.start),
        window_end: nanos_stamp(p.end),
        pods,
    }
}

/// CONTRACT.md finding kinds, in its table order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Finding {
    Sigkill,
    KillAfterExit,
    GraceOverrun,
    OomKilled,
    PrestopTimeout,
    SignalExit,
    NonzeroExit,
    StuckTerminating,
    VolumeUnmountFailed,
    SlowStop,
    ProbeKill,
}

impl Finding {
    fn name(self) -> &'static str {
        match self {
            Finding::Sigkill => "sigkill",
            Finding::KillAfterExit => "kill_after_exit",
            Finding::GraceOverrun => "grace_overrun",
            Finding::OomKilled => "oom_killed",
            Finding::PrestopTimeout => "prestop_timeout",
            Finding::SignalExit => "signal_exit",
            Finding::NonzeroExit => "nonzero_exit",
            Finding::StuckTerminating => "stuck_terminating",
            Finding::VolumeUnmountFailed => "volume_unmount_failed",
            Finding::SlowStop => "slow_stop",
            Finding::ProbeKill => "probe_kill",
        }
    }
}

/// The findings the simulated facts call for (CONTRACT.md rules).
fn findings(pod: &Pod, f: &Facts, node: &NodeProfile) -> BTreeSet<Finding> {
    let mut out = BTreeSet::new();
    for cf in &f.containers {
        if cf.killed_alive {
            out.insert(Finding::Sigkill);
        }
        if cf.kill_after_exit {
            out.insert(Finding::KillAfterExit);
        }
        if cf.oom {
            out.insert(Finding::OomKilled);
        }
        if cf.prestop_timed_out {
            out.insert(Finding::PrestopTimeout);
        }
        if let Some(code) = cf.exit_code.filter(|c| *c != 0 && !cf.oom && !cf.killed_alive) {
            match cf.signal {
                Some(sig) if code == 128 + sig.number() => out.insert(Finding::SignalExit),
                _ => out.insert(Finding::NonzeroExit),
            };
        }
        if let (Some(deleted), Some(exited), Some(_)) = (f.deleted, cf.exited, cf.timeout) {
            if to_secs(exited - deleted) - applied_grace(node.kube, pod.grace) as f64 - cf.deadline_slack > 0.5 {
                out.insert(Finding::GraceOverrun);
            }
        }
        if let (Some(returned), Some(exited)) = (cf.stop_returned, cf.exited) {
            if to_secs(returned - exited) >= 5.0 {
                out.insert(Finding::SlowStop);
            }
        }
    }
    if f.probe {
        out.insert(Finding::ProbeKill);
    }
    if f.volume_failed {
        out.insert(Finding::VolumeUnmountFailed);
    }
    if let (Some(deleted), None) = (f.deleted, f.removed) {
        if to_secs(node.end - deleted) > (2 * applied_grace(node.kube, pod.grace) + 60) as f64 {
            out.insert(Finding::StuckTerminating);
        }
    }
    out
}

/// CONTRACT.md: the first of stuck, oom_killed, sigkill, signal_exit,
/// error_exit, incomplete, graceful, running.
fn outcome(f: &Facts, found: &BTreeSet<Finding>) -> &'static str {
    let stopped = f.deleted.is_some() || f.containers.iter().any(|c| c.timeout.is_some());
    if found.contains(&Finding::StuckTerminating) {
        "stuck"
    } else if found.contains(&Finding::OomKilled) {
        "oom_killed"
    } else if found.contains(&Finding::Sigkill) {
        "sigkill"
    } else if found.contains(&Finding::SignalExit) {
        "signal_exit"
    } else if found.contains(&Finding::NonzeroExit) {
        "error_exit"
    } else if stopped && f.removed.is_none() && f.containers.iter().any(|c| c.exited.is_none()) {
        "incomplete"
    } else if stopped || f.removed.is_some() || f.containers.iter().any(|c| c.exited.is_some()) {
        "graceful"
    } else {
        "running"
    }
}

fn truth_of(pod: &Pod, f: &Facts, node: &NodeProfile) -> TruthPod {
    let found = findings(pod, f, node);
    let outcome = outcome(f, &found);
    // A probe restart reports only the container it killed, not its successor.
    let shown = if pod.scenario == Scenario::ProbeKill { 1 } else { pod.containers.len() };
    let containers: Vec<TruthContainer> = pod
        .containers
        .iter()
        .zip(&f.containers)
        .take(shown)
        .map(|(c, cf)| TruthContainer {
            name: c.name.clone(),
            id: c.id.clone(),
            exit_code: cf.exit_code,
            stop_signal: cf.signal.map(Signal::name),
            stop_timeout_s: cf.timeout,
            prestop_s: cf.prestop_s,
            exited_at: cf.exited.map(nanos_stamp),
            stages: cf.stages.clone(),
        })
        .collect();
    let mut stages = f.stages.clone();
    if let Some(main) = f.containers.first() {
        for (stage, t) in &main.stages.0 {
            stages.0.entry(*stage).or_insert(*t);
        }
    }
    let deletion_reason = match pod.scenario {
        Scenario::Running => None,
        Scenario::OomKilled if f.containers[0].oom => Some("oom"),
        Scenario::ProbeKill if f.probe => Some("probe"),
        _ if f.deleted.is_some() => Some("delete"),
        _ => None,
    };
    TruthPod {
        namespace: pod.ns.clone(),
        name: pod.name.clone(),
        uid: pod.uid.clone(),
        node: node.name.clone(),
        scenario: pod.scenario.name(),
        grace_period_s: f.containers.iter().any(|c| c.grace_shown).then_some(applied_grace(node.kube, pod.grace)),
        outcome,
        findings: found.iter().map(|k| k.name()).collect(),
        deletion_reason,
        created_before_window: pod.before_window,
        containers,
        stages,
    }
}

// ───────────────────────────── writing ─────────────────────────────

fn write_archive(args: &Args, logs: &[NodeLog], truth: &Truth) -> io::Result<()> {
    fs::create_dir_all(&args.out)?;
    fs::write(args.out.join("kind-version.txt"), "kind v0.24.0 go1.22.6 linux/amd64")?;
    for log in logs {
        let dir = args.out.join(&log.p.name);
        fs::create_dir_all(&dir)?;
        fs::write(dir.join("kubernetes-version.txt"), log.p.kube.version())?;
        let journal: Vec<&Line> = log.kubelet.iter().chain(&log.containerd).chain(&log.system).collect();
        write_log(&dir, "kubelet.log", log.kubelet.iter().collect(), args.gzip)?;
        write_log(&dir, "containerd.log", log.containerd.iter().collect(), args.gzip)?;
        write_log(&dir, "journal.log", journal, args.gzip)?;
        for (path, lines) in &log.apps {
            let file = dir.join(path);
            if let Some(parent) = file.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(file, render(lines.iter().collect()))?;
        }
    }
    let mut text = serde_json::to_string_pretty(truth).map_err(io::Error::other)?;
    text.push('\n');
    fs::write(truth_path(&args.out), text)
}

/// `OUT.truth.json`, next to the archive directory (inside it, every run
/// over the archive would read it as a kubectl JSON document).
fn truth_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "archive".into());
    name.push(".truth.json");
    out.with_file_name(name)
}

/// Lines in time order (ties keep the order they were produced in).
fn render(mut lines: Vec<&Line>) -> String {
    lines.sort_by_key(|l| (l.t, l.seq));
    let mut out = String::with_capacity(lines.iter().map(|l| l.text.len() + 1).sum());
    for l in lines {
        out.push_str(&l.text);
        out.push('\n');
    }
    out
}

fn write_log(dir: &Path, name: &str, lines: Vec<&Line>, gzip: bool) -> io::Result<()> {
    let text = render(lines);
    if gzip {
        let file = fs::File::create(dir.join(format!("{name}.gz")))?;
        let mut gz = GzEncoder::new(file, Compression::default());
        gz.write_all(text.as_bytes())?;
        gz.finish()?;
        Ok(())
    } else {
        fs::write(dir.join(name), text)
    }
}
