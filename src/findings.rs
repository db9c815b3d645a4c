//! The rules: from a Pod's timeline to its stages, numbers, findings and
//! outcome. One function per question; no formatting here.

use crate::correlate::{ContainerTimeline, Mark, PodTimeline};
use crate::event::StopCause;
use crate::model::{ContainerReport, Deletion, Finding, FindingKind, Outcome, Owner, PodReport, Stage, StageReport};
use crate::time::Instant;

/// A container finished its stop later than the exit by at least this much: `slow_stop`.
pub const SLOW_STOP_S: f64 = 5.0;
/// The kubelet truncates preStop time to whole seconds, so an exit up to this
/// much after `delete + grace` is within its own arithmetic.
pub const OVERRUN_TOLERANCE_S: f64 = 0.5;
/// A death this close to the stop timeout counts as "the timeout ran out".
pub const TIMING_TOLERANCE_S: f64 = 0.5;

/// Names `path:line` for evidence.
pub struct Sources<'a> {
    /// Display paths of the run's inputs, by index.
    pub paths: &'a [String],
}

impl Sources<'_> {
    /// `path:line` of a mark.
    pub fn of(&self, m: &Mark) -> String {
        let path = self.paths.get(m.origin.file as usize).map(String::as_str).unwrap_or("?");
        // Not `format!`: every stage and finding names one, and the
        // formatting machinery costs several times the copy.
        let mut line = itoa::Buffer::new();
        let line = line.format(m.origin.line);
        let mut out = String::with_capacity(path.len() + 1 + line.len());
        out.push_str(path);
        out.push(':');
        out.push_str(line);
        out
    }
}

/// What the rules concluded about one container.
#[derive(Debug, Clone, Default)]
struct Derived {
    exit_code: Option<i32>,
    exit_code_mark: Option<Mark>,
    exited: Option<Mark>,
    /// True when the exit time is exact (runtime exit event), not an upper bound.
    exit_exact: bool,
    stop_timeout: Option<i64>,
    stop_mark: Option<Mark>,
    prestop_s: Option<f64>,
    grace: Option<i64>,
}

/// Turns a timeline into the Pod's report.
pub fn assess(tl: &PodTimeline, src: &Sources) -> PodReport {
    let derived: Vec<Derived> = tl.containers.iter().map(|c| derive(c, tl)).collect();
    let mut findings = Vec::new();
    let mut stages = Vec::new();
    let stop_start = stop_start(tl);

    if let Some(d) = delete_mark(tl) {
        stages.push(stage(Stage::DeleteRequested, d, None, src));
    }
    endpoint_stages(tl, src, &mut stages);
    for (c, d) in tl.containers.iter().zip(&derived) {
        container_stages(c, d, src, &mut stages);
        container_findings(tl, c, d, src, &mut findings);
    }
    pod_findings(tl, &derived, src, &mut findings);
    traffic_after_signal(tl, src, &mut findings);
    if let Some(m) = tl.sandbox_stopped.filter(|m| after_stop(m, stop_start)) {
        stages.push(stage(Stage::SandboxStopped, m, None, src));
    }
    if let Some(m) = tl.network_torn_down.filter(|m| after_stop(m, stop_start)) {
        stages.push(stage(Stage::NetworkTornDown, m, None, src));
    }
    // Volumes count as unmounted only when none is left failing.
    let volume_left = tl.volume_failures.iter().any(|(_, v, _)| !tl.volumes_ok.contains(v));
    if let Some(m) = tl.volume_unmounted.or(tl.all_volumes_unmounted).filter(|_| !volume_left) {
        stages.push(stage(Stage::VolumeUnmounted, m, None, src));
    }
    if let Some(m) = tl.removed {
        stages.push(stage(Stage::Removed, m, None, src));
    }
    stages.sort_by(|a, b| a.at.cmp(&b.at).then(a.stage.cmp(&b.stage)));

    let grace = derived.iter().filter(|d| d.stop_mark.is_some()).find_map(|d| d.grace).or_else(|| derived.iter().find_map(|d| d.grace));
    let outcome = outcome(tl, &derived, &findings);
    let last_exit = derived.iter().filter_map(|d| d.exited.map(|m| m.at)).max();
    let duration_s = stop_start.and_then(|s| tl.removed.map(|r| r.at).or(last_exit).map(|end| round3(s.secs_until(&end))));
    findings.sort_by(|a, b| a.severity.cmp(&b.severity).then(a.kind.cmp(&b.kind)));

    PodReport {
        namespace: tl.namespace.clone(),
        name: tl.name.clone(),
        uid: tl.uid.clone(),
        node: tl.node.clone(),
        owner: tl.owner.as_ref().map(|(kind, name)| Owner { kind: kind.clone(), name: name.clone() }),
        grace_period_s: grace,
        deletion: deletion(tl),
        outcome,
        duration_s,
        logs_end: tl.logs_end,
        containers: tl
            .containers
            .iter()
            .zip(&derived)
            .map(|(c, d)| ContainerReport {
                name: c.name.clone(),
                id: c.id.clone(),
                stop_signal: c.signal.as_ref().map(|s| s.0.clone()),
                prestop_s: d.prestop_s,
                stop_timeout_s: d.stop_timeout,
                exit_code: d.exit_code,
                exited_at: d.exited.map(|m| m.at),
            })
            .collect(),
        stages,
        findings,
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn stage(stage: Stage, m: Mark, container: Option<&String>, src: &Sources) -> StageReport {
    StageReport { stage, at: m.at, container: container.cloned(), source: src.of(&m), detail: None }
}

fn with_detail(mut s: StageReport, detail: String) -> StageReport {
    s.detail = Some(detail);
    s
}

/// When the Pod's stop began: the delete, the kubelet's own decision, or the first kill request.
fn stop_start(tl: &PodTimeline) -> Option<Instant> {
    let first_kill = tl
        .containers
        .iter()
        .filter_map(|c| {
            [c.prestop_started, c.kill_override.map(|k| k.1), c.kill_request.map(|k| k.1), c.stop_requested.map(|s| s.1)]
                .into_iter()
                .flatten()
                .map(|m| m.at)
                .min()
        })
        .min();
    [delete_mark(tl).map(|m| m.at), tl.kubelet_stop.map(|k| k.1.at), first_kill].into_iter().flatten().min()
}

fn after_stop(m: &Mark, start: Option<Instant>) -> bool {
    start.is_none_or(|s| m.at >= s)
}

/// Exit code and time, stop timeout, preStop duration and grace of one container.
fn derive(c: &ContainerTimeline, tl: &PodTimeline) -> Derived {
    let mut d = Derived::default();
    // Exit code: runtime exit event, then the kubelet's PLEG, then the status
    // (a `ContainerStatusUnknown` 137 is a placeholder, not an exit code).
    let status = c.status.as_deref().filter(|(s, _, _)| s.reason.as_deref() != Some("ContainerStatusUnknown"));
    if let Some((Some(code), _, m)) = c.exit_event {
        d.exit_code = Some(code);
        d.exit_code_mark = Some(m);
    } else if let Some((Some(code), m)) = c.finished {
        d.exit_code = Some(code);
        d.exit_code_mark = Some(m);
    } else if let Some((s, _, m)) = status {
        d.exit_code = s.exit_code;
        d.exit_code_mark = s.exit_code.map(|_| *m);
    }
    // Exit time: exact from the runtime, else the first sign of death,
    // corrected by the API's finishedAt when the signs came late.
    if let Some((_, Some(at), m)) = c.exit_event {
        d.exited = Some(Mark { at, origin: m.origin });
        d.exit_exact = true;
    } else {
        let observed = [
            c.shim_disconnected,
            c.stop_returned,
            c.kubelet_stop_returned,
            c.finished.map(|f| f.1),
            c.died,
            c.already_exited,
            c.exit_event.map(|e| e.2),
        ]
        .into_iter()
        .flatten()
        .filter(|m| c.stop_requested.is_none_or(|(_, s)| m.at >= s.at) || c.kill_request.is_none())
        .min_by_key(|m| m.at);
        let finished = status.and_then(|(_, f, m)| f.map(|at| Mark { at, origin: m.origin }));
        d.exited = match (observed, finished) {
            (Some(o), Some(f)) if f.at.secs_until(&o.at) > 1.0 => Some(f),
            (Some(o), _) => Some(o),
            (None, f) => f,
        };
    }
    // The stop: runtime timeout, else the kubelet's.
    // (1.21 at -v=2 prints only the "override" wording, even for ordinary kills.)
    let kubelet_kill = c.kill_request.map(|k| (k.0, k.1)).or(c.kill_override);
    d.stop_timeout = c.stop_requested.map(|s| s.0).or(kubelet_kill.map(|k| k.0));
    d.stop_mark = c.stop_requested.map(|s| s.1).or(kubelet_kill.map(|k| k.1));
    d.prestop_s = prestop_seconds(c, tl);
    d.grace = grace(c, tl, &d);
    d
}

/// How long preStop ran: from its own lines, else inferred from the gap
/// between the delete and the kubelet's post-preStop kill line.
fn prestop_seconds(c: &ContainerTimeline, tl: &PodTimeline) -> Option<f64> {
    if let Some(start) = c.prestop_started {
        let end = c
            .prestop_finished
            .or(c.prestop_timeout)
            .or(c.prestop_failed.as_ref().map(|f| f.0))
            .or(c.kill_request.map(|k| k.1))
            .or(c.stop_requested.map(|s| s.1))?;
        return Some(round3(start.at.secs_until(&end.at).max(0.0)));
    }
    if c.prestop_finished.is_some() {
        return None;
    }
    // No preStop lines (kubelet below -v=3): the V2 kill line comes after
    // preStop, so a gap of a second or more after the override line (≥1.28)
    // or the delete is the hook's run time.
    let (_, kill, _) = c.kill_request?;
    let from = c.kill_override.map(|k| k.1).filter(|o| o.at <= kill.at).or(tl.delete)?;
    let gap = from.at.secs_until(&kill.at);
    (1.0..3600.0).contains(&gap).then(|| round3(gap))
}

/// True when the node runs Kubernetes ≥ 1.28 (preStop subtracted from the timeout).
fn is_modern(c: &ContainerTimeline, tl: &PodTimeline) -> Option<bool> {
    if let Some(v) = &tl.version {
        let v = v.trim_start_matches('v');
        let mut parts = v.split('.');
        let major: u32 = parts.next()?.parse().ok()?;
        let minor: u32 = parts.next()?.split(|ch: char| !ch.is_ascii_digit()).next()?.parse().ok()?;
        return Some(major > 1 || minor >= 28);
    }
    c.kill_request.and_then(|k| k.2)
}

/// The effective grace period the kubelet applied (LOG-FORMATS §1.5).
fn grace(c: &ContainerTimeline, tl: &PodTimeline, d: &Derived) -> Option<i64> {
    // A timed-out preStop hook prints the grace it was given.
    if let Some(g) = c.prestop_timeout_grace {
        return Some(g);
    }
    let prestop_whole = d.prestop_s.map(|p| p.trunc() as i64).unwrap_or(0);
    let v2 = c.kill_request.map(|k| k.0);
    // A Pod deletion passes the kubelet an override (1.22+); a probe restart does not.
    let deletion = c.probe_restart.is_none() && (tl.delete.is_some() || tl.api_delete.is_some() || tl.kubelet_stop.is_some());
    match (is_modern(c, tl).unwrap_or(false), c.kill_override.map(|k| k.0), v2) {
        // ≥1.28: the override is the grace (the kubelet gives at least 2 s).
        (true, Some(ov), _) => Some(ov.max(2)),
        // ≤1.27: the override replaces whatever preStop left: it is the grace.
        (false, Some(ov), _) => Some(ov),
        // ≤1.27 deletion at -v=2: the override (not logged) is the logged value.
        (false, None, Some(v)) if deletion => Some(v),
        // Otherwise the logged value is what preStop left of the grace.
        (_, None, Some(v)) => Some(v + prestop_whole),
        (_, None, None) => c.stop_requested.map(|s| s.0),
    }
}

fn container_stages(c: &ContainerTimeline, d: &Derived, src: &Sources, out: &mut Vec<StageReport>) {
    let name = c.name.as_ref();
    if let Some(m) = c.prestop_started {
        out.push(stage(Stage::PrestopStarted, m, name, src));
    }
    if let Some(m) = c.prestop_finished {
        let took = c.prestop_started.map(|s| format!("after {:.1} s", s.at.secs_until(&m.at))).unwrap_or_default();
        out.push(with_detail(stage(Stage::PrestopFinished, m, name, src), took));
    }
    if let Some(m) = d.stop_mark {
        let t = d.stop_timeout.map(|t| format!("timeout {t} s")).unwrap_or_default();
        out.push(with_detail(stage(Stage::StopRequested, m, name, src), t));
    }
    if let Some((sig, m)) = &c.signal {
        out.push(with_detail(stage(Stage::SignalSent, *m, name, src), sig.clone()));
    }
    // The app's first signal line at or after the stop signal (a clock
    // second of slack: app logs are often stamped by the app itself).
    let signalled = c.signal.as_ref().map(|s| s.1).or(d.stop_mark);
    if let Some(sig) = signalled {
        if let Some((text, m)) = c.app_signal.iter().find(|(_, m)| sig.at.secs_until(&m.at) >= -1.0) {
            out.push(with_detail(stage(Stage::AppSignalLogged, *m, name, src), crate::text::first_chars(text, 60).to_string()));
        }
    }
    if let Some(m) = c.kill_sent {
        out.push(with_detail(stage(Stage::KillSent, m, name, src), "SIGKILL".into()));
    }
    if let Some(m) = d.exited {
        let code = d.exit_code.map(|c| format!("exit {c}")).unwrap_or_else(|| "exit code unknown".into());
        let how = if d.exit_exact { "" } else { " (first sign of exit)" };
        out.push(with_detail(stage(Stage::Exited, m, name, src), format!("{code}{how}")));
    }
}

fn finding(kind: FindingKind, container: Option<&String>, message: String, evidence: Vec<String>) -> Finding {
    // A few sources at most: each kept once, in order, without copies.
    let mut kept: Vec<String> = Vec::with_capacity(evidence.len());
    for e in evidence {
        if !kept.contains(&e) {
            kept.push(e);
        }
    }
    Finding { kind, severity: kind.severity(), container: container.cloned(), message, evidence: kept }
}

/// 128 + signal number for the signals a stop uses.
fn signal_exit_code(signal: &str) -> Option<i32> {
    Some(
        128 + match signal {
            "SIGHUP" => 1,
            "SIGINT" => 2,
            "SIGQUIT" => 3,
            "SIGUSR1" => 10,
            "SIGUSR2" => 12,
            "SIGTERM" => 15,
            "SIGWINCH" => 28,
            _ => return None,
        },
    )
}

fn container_findings(tl: &PodTimeline, c: &ContainerTimeline, d: &Derived, src: &Sources, out: &mut Vec<Finding>) {
    let name = c.name.as_ref();
    let label = name.map(|n| format!("container {n}")).unwrap_or_else(|| "the container".into());
    let ev = |marks: &[Option<Mark>]| -> Vec<String> { marks.iter().flatten().map(|m| src.of(m)).collect() };
    let oom = c.oom.as_ref().map(|o| o.1).or_else(|| c.status.as_ref().filter(|s| s.0.reason.as_deref() == Some("OOMKilled")).map(|s| s.2));
    let stopped = d.stop_mark.is_some() || c.signal.is_some() || c.kill_sent.is_some();
    let oom = oom.or_else(|| {
        // Exit 137 with no stop request and no kill from the runtime: the kernel killed it.
        (d.exit_code == Some(137) && !stopped).then_some(d.exit_code_mark).flatten()
    });
    let mut killed = false;

    if let Some(m) = oom {
        let detail = c.oom.as_ref().map(|o| o.0.clone()).unwrap_or_else(|| "exit 137 without a stop request".into());
        out.push(finding(
            FindingKind::OomKilled,
            name,
            format!("{label} was killed by the OOM killer ({detail})"),
            ev(&[Some(m), d.exit_code_mark]),
        ));
    } else if let Some(k) = c.kill_sent {
        let exited_before = d.exit_exact && d.exited.is_some_and(|e| e.at < k.at);
        let other_code = d.exit_code.is_some_and(|code| code != 137);
        if exited_before || other_code {
            let code = d.exit_code.map(|c| format!(" with exit code {c}")).unwrap_or_default();
            let when = d.exited.filter(|_| d.exit_exact).map(|e| format!(" {:.3} s before it", e.at.secs_until(&k.at))).unwrap_or_default();
            out.push(finding(
                FindingKind::KillAfterExit,
                name,
                format!("the runtime sent SIGKILL to {label}, but the process had already exited{code}{when}: not a real SIGKILL"),
                ev(&[Some(k), d.exited, d.exit_code_mark]),
            ));
        } else {
            killed = true;
            let timeout = d.stop_timeout.map(|t| format!(" after its {t} s stop timeout")).unwrap_or_default();
            out.push(finding(
                FindingKind::Sigkill,
                name,
                format!(
                    "{label} did not stop on the stop signal and was SIGKILLed{timeout} (exit {})",
                    d.exit_code.map(|c| c.to_string()).unwrap_or_else(|| "unknown".into())
                ),
                ev(&[Some(k), d.stop_mark, d.exit_code_mark]),
            ));
        }
    } else if let (Some(stop), Some(timeout)) = (d.stop_mark, d.stop_timeout) {
        // No runtime log: a kill proven by timing (the timeout ran out, then it died).
        let runtime_logged = c.stop_requested.is_some() || c.signal.is_some();
        let death = [c.finished.map(|f| f.1), c.died, c.kubelet_stop_returned, c.stop_returned].into_iter().flatten().min_by_key(|m| m.at);
        if !runtime_logged && d.exit_code.is_none_or(|code| code == 137) && !d.exit_exact {
            if let Some(death) = death {
                let waited = stop.at.secs_until(&death.at);
                if timeout > 0 && waited >= timeout as f64 - TIMING_TOLERANCE_S {
                    killed = true;
                    out.push(finding(FindingKind::Sigkill, name, format!("{label} was still running when its {timeout} s stop timeout ran out (died {waited:.1} s after the stop request): SIGKILL, proven by timing"), ev(&[Some(stop), Some(death)])));
                }
            }
        } else if d.exit_code == Some(137) && stopped {
            killed = true;
            out.push(finding(
                FindingKind::Sigkill,
                name,
                format!("{label} exited 137 (SIGKILL) after a stop request"),
                ev(&[Some(stop), d.exit_code_mark]),
            ));
        }
    }

    if oom.is_none() && !killed {
        if let Some(code) = d.exit_code.filter(|c| *c != 0) {
            let signal = c.signal.as_ref().map(|s| s.0.as_str()).unwrap_or("SIGTERM");
            if stopped && signal_exit_code(signal) == Some(code) {
                out.push(finding(
                    FindingKind::SignalExit,
                    name,
                    format!("{label} died of {signal}'s default action (exit {code}): no graceful drain"),
                    ev(&[c.signal.as_ref().map(|s| s.1).or(d.stop_mark), d.exit_code_mark]),
                ));
            } else if code != 137 || stopped {
                out.push(finding(FindingKind::NonzeroExit, name, format!("{label} exited with code {code}"), ev(&[d.exit_code_mark])));
            }
        }
    }

    // Grace overrun: exit (or the kill) later than delete + grace.
    if let (Some(del), Some(g)) = (delete_mark(tl), d.grace.filter(|_| d.stop_mark.is_some())) {
        let end = d.exited.or(c.kill_sent);
        if let Some(end) = end {
            // ≥1.28 drops the fraction of a second of preStop time it subtracts:
            // that lateness is the kubelet's own arithmetic, not an overrun.
            let dropped = if is_modern(c, tl).unwrap_or(false) { d.prestop_s.map(|p| p.fract()).unwrap_or(0.0) } else { 0.0 };
            let over = del.at.secs_until(&end.at) - g as f64;
            if over - dropped > OVERRUN_TOLERANCE_S {
                out.push(finding(
                    FindingKind::GraceOverrun,
                    name,
                    format!("{label} exited {over:.1} s after the grace period ({g} s) ran out"),
                    ev(&[Some(del), Some(end)]),
                ));
            }
        }
    }
    if let Some(m) = c.prestop_timeout {
        out.push(finding(
            FindingKind::PrestopTimeout,
            name,
            format!("the preStop hook of {label} did not complete within the grace period"),
            ev(&[c.prestop_started, Some(m)]),
        ));
    } else if let (Some(start), None, Some(g)) = (c.prestop_started, c.prestop_finished, d.grace) {
        if c.prestop_failed.is_none() {
            if let Some(stop) = d.stop_mark {
                if start.at.secs_until(&stop.at) >= g as f64 - TIMING_TOLERANCE_S {
                    out.push(finding(
                        FindingKind::PrestopTimeout,
                        name,
                        format!("the preStop hook of {label} ran the whole grace period ({g} s) without completing"),
                        ev(&[Some(start), Some(stop)]),
                    ));
                }
            }
        }
    }
    if let Some((m, msg)) = &c.prestop_failed {
        let why = if msg.is_empty() { String::new() } else { format!(": {}", crate::text::first_chars(msg, 160)) };
        out.push(finding(FindingKind::PrestopFailed, name, format!("the preStop hook of {label} failed{why}"), ev(&[Some(*m)])));
    }
    let returned = c.stop_returned.or(c.kubelet_stop_returned);
    if let (Some(r), Some(e)) = (returned, d.exited) {
        let lag = e.at.secs_until(&r.at);
        if lag >= SLOW_STOP_S {
            out.push(finding(
                FindingKind::SlowStop,
                name,
                format!("the stop call returned {lag:.1} s after {label} had exited (runtime or kubelet delay)"),
                ev(&[Some(e), Some(r)]),
            ));
        }
    }
    if let Some((probe, m)) = &c.probe_restart {
        out.push(finding(
            FindingKind::ProbeKill,
            name,
            format!("{label} was restarted because its {probe} probe failed, not because the Pod was deleted"),
            ev(&[Some(*m), d.stop_mark]),
        ));
    }
}

fn pod_findings(tl: &PodTimeline, derived: &[Derived], src: &Sources, out: &mut Vec<Finding>) {
    for (m, volume, error) in &tl.volume_failures {
        let why = if error.is_empty() { String::new() } else { format!(": {}", crate::text::first_chars(error, 160)) };
        out.push(finding(FindingKind::VolumeUnmountFailed, None, format!("unmounting volume {volume} failed{why}"), vec![src.of(m)]));
    }
    if let (Some(del), None, Some(end)) = (delete_mark(tl), tl.removed, tl.logs_end) {
        let grace = derived.iter().find_map(|d| d.grace).unwrap_or(30);
        let limit = 2 * grace + 60;
        let waited = del.at.secs_until(&end);
        if waited > limit as f64 {
            out.push(finding(
                FindingKind::StuckTerminating,
                None,
                format!("the Pod was not removed {waited:.0} s after its deletion although the logs go on (limit {limit} s)"),
                vec![src.of(&del)],
            ));
        }
    }
}

fn outcome(tl: &PodTimeline, derived: &[Derived], findings: &[Finding]) -> Outcome {
    let has = |k: FindingKind| findings.iter().any(|f| f.kind == k);
    let volume_stuck =
        !tl.volume_failures.is_empty() && tl.removed.is_none() && tl.volume_failures.iter().all(|(_, v, _)| !tl.volumes_ok.contains(v));
    if has(FindingKind::StuckTerminating) || volume_stuck {
        return Outcome::Stuck;
    }
    if has(FindingKind::OomKilled) {
        return Outcome::OomKilled;
    }
    if has(FindingKind::Sigkill) {
        return Outcome::Sigkill;
    }
    if has(FindingKind::SignalExit) {
        return Outcome::SignalExit;
    }
    if has(FindingKind::NonzeroExit) {
        return Outcome::ErrorExit;
    }
    let stop_seen = delete_mark(tl).is_some() || tl.kubelet_stop.is_some() || derived.iter().any(|d| d.stop_mark.is_some());
    let all_exited = derived.iter().filter(|d| d.stop_mark.is_some()).all(|d| d.exited.is_some());
    if stop_seen && tl.removed.is_none() && !all_exited {
        return Outcome::Incomplete;
    }
    if stop_seen || tl.removed.is_some() || derived.iter().any(|d| d.exited.is_some()) {
        return Outcome::Graceful;
    }
    Outcome::Running
}

fn deletion(tl: &PodTimeline) -> Option<Deletion> {
    if let Some(api) = &tl.api_delete {
        return Some(Deletion {
            at: Some(api.mark.at),
            by: api.by.clone(),
            user_agent: api.user_agent.clone(),
            reason: api.reason,
            requested_grace_s: api.grace_s,
        });
    }
    let probe = tl.containers.iter().find_map(|c| c.probe_restart.as_ref().map(|p| p.1));
    let (reason, at) = if let Some((cause, m)) = tl.kubelet_stop {
        let reason = match cause {
            StopCause::NodePressure => "node_pressure",
            StopCause::NodeShutdown => "node_shutdown",
            StopCause::Preemption => "preemption",
        };
        let first_kill = tl.containers.iter().filter_map(|c| c.kill_request.map(|k| k.1.at)).min();
        (reason, Some(first_kill.map_or(m.at, |k| k.min(m.at))))
    } else if let Some(d) = tl.delete {
        ("delete", Some(d.at))
    } else if let Some(p) = probe {
        ("probe", Some(p.at))
    } else if tl.containers.iter().any(|c| c.oom.is_some()) {
        ("oom", tl.containers.iter().find_map(|c| c.oom.as_ref().map(|o| o.1.at)))
    } else {
        return None;
    };
    Some(Deletion { at, by: None, user_agent: None, reason, requested_grace_s: None })
}

/// The delete request: the API's own record when there is one (it comes
/// first), else the kubelet's `SyncLoop DELETE`.
fn delete_mark(tl: &PodTimeline) -> Option<Mark> {
    match (tl.api_delete.as_ref().map(|a| a.mark), tl.delete) {
        (Some(a), Some(k)) => Some(if a.at <= k.at { a } else { k }),
        (a, k) => a.or(k),
    }
}

/// When the endpoint stopped taking new traffic: the first `ready: false`
/// from a second before the delete on.
fn endpoint_not_ready(tl: &PodTimeline) -> Option<Mark> {
    let from = delete_mark(tl).map(|d| d.at);
    tl.endpoint_changes
        .iter()
        .find(|(st, m)| !st.ready && (st.terminating == Some(true) || from.is_some_and(|f| f.secs_until(&m.at) >= -1.0)))
        .map(|(_, m)| *m)
}

fn endpoint_removed(tl: &PodTimeline) -> Option<Mark> {
    let from = delete_mark(tl).map(|d| d.at);
    tl.endpoint_gone.iter().find(|m| from.is_none_or(|f| f.secs_until(&m.at) >= -1.0)).copied()
}

fn endpoint_stages(tl: &PodTimeline, src: &Sources, out: &mut Vec<StageReport>) {
    if let Some(m) = endpoint_not_ready(tl) {
        let st = tl.endpoint_changes.iter().find(|(_, x)| *x == m).map(|(s, _)| *s);
        let detail =
            st.map(|s| format!("ready:{} serving:{} terminating:{}", s.ready, opt(s.serving), opt(s.terminating))).unwrap_or_default();
        out.push(with_detail(stage(Stage::EndpointNotReady, m, None, src), detail));
    }
    if let Some(m) = endpoint_removed(tl) {
        out.push(stage(Stage::EndpointRemoved, m, None, src));
    }
}

fn opt(b: Option<bool>) -> String {
    b.map(|b| b.to_string()).unwrap_or_else(|| "-".into())
}

/// `traffic_after_sigterm`: the endpoint was still ready when the stop signal went out.
fn traffic_after_signal(tl: &PodTimeline, src: &Sources, out: &mut Vec<Finding>) {
    if tl.endpoint_changes.is_empty() && tl.endpoint_gone.is_empty() {
        return;
    }
    let signal = tl.containers.iter().filter_map(|c| c.signal.as_ref().map(|s| s.1).or(c.stop_requested.map(|s| s.1))).min_by_key(|m| m.at);
    let Some(sig) = signal else { return };
    let not_ready = endpoint_not_ready(tl).or_else(|| endpoint_removed(tl));
    let ready_at_signal = tl.endpoint_changes.iter().take_while(|(_, m)| m.at <= sig.at).last().map(|(s, _)| s.ready);
    match not_ready {
        Some(n) if n.at > sig.at => {
            let lag = sig.at.secs_until(&n.at);
            out.push(finding(
                FindingKind::TrafficAfterSigterm,
                None,
                format!("the endpoint was still ready {lag:.3} s after the stop signal was sent: requests could reach a stopping Pod (add or lengthen a preStop sleep)"),
                vec![src.of(&sig), src.of(&n)],
            ));
        }
        None if ready_at_signal == Some(true) => {
            out.push(finding(
                FindingKind::TrafficAfterSigterm,
                None,
                "the endpoint was ready when the stop signal was sent and no later change is recorded".into(),
                vec![src.of(&sig)],
            ));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Origin;
    use crate::time::Instant;

    #[test]
    fn sources_name_path_and_line() {
        let paths = vec!["kind-worker/kubelet.log".to_string()];
        let src = Sources { paths: &paths };
        let at = Instant { utc: chrono::DateTime::UNIX_EPOCH, digits: 0 };
        let of = |file, line| src.of(&Mark { at, origin: Origin { file, line } });
        assert_eq!(of(0, 1), "kind-worker/kubelet.log:1");
        assert_eq!(of(0, 4_294_967_295), "kind-worker/kubelet.log:4294967295");
        assert_eq!(of(0, 0), "kind-worker/kubelet.log:0");
        assert_eq!(of(7, 120), "?:120");
    }
}
