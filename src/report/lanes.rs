//! Lane geometry of one Pod's stop, shared by the HTML chart (`-o html`) and
//! the text chart of `--pod`: which stage goes on which lane, the bars
//! between stages, the time axis (seconds from the delete, or from the first
//! stage when no delete was seen), the grace deadline and the verdict.
//!
//! Nothing here formats for a medium: renderers map seconds to pixels or
//! columns themselves.

use super::{delete_to_exit, human_secs};
use crate::model::{ContainerReport, PodReport, Stage};
use crate::time::Instant;

/// The rows of a lane chart, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LaneKind {
    /// The delete request (or whatever started the stop).
    Delete,
    /// EndpointSlice: not ready → removed.
    Endpoint,
    /// The preStop hook.
    PreStop,
    /// StopContainer, the stop signal and the exit.
    Stop,
    /// The runtime's SIGKILL.
    Kill,
    /// Sandbox stop and CNI teardown.
    Teardown,
    /// Volume unmounts.
    Volumes,
    /// Removal from the API.
    Removed,
}

impl LaneKind {
    /// Every lane, top to bottom.
    pub const ALL: [LaneKind; 8] = [
        LaneKind::Delete,
        LaneKind::Endpoint,
        LaneKind::PreStop,
        LaneKind::Stop,
        LaneKind::Kill,
        LaneKind::Teardown,
        LaneKind::Volumes,
        LaneKind::Removed,
    ];

    /// What people read at the left of the lane.
    pub fn label(self) -> &'static str {
        match self {
            LaneKind::Delete => "delete",
            LaneKind::Endpoint => "endpoint",
            LaneKind::PreStop => "preStop",
            LaneKind::Stop => "signal → exit",
            LaneKind::Kill => "SIGKILL",
            LaneKind::Teardown => "sandbox/network",
            LaneKind::Volumes => "volumes",
            LaneKind::Removed => "removal",
        }
    }

    /// A short ASCII key (CSS class names, data attributes).
    pub fn key(self) -> &'static str {
        match self {
            LaneKind::Delete => "delete",
            LaneKind::Endpoint => "endpoint",
            LaneKind::PreStop => "prestop",
            LaneKind::Stop => "stop",
            LaneKind::Kill => "kill",
            LaneKind::Teardown => "teardown",
            LaneKind::Volumes => "volumes",
            LaneKind::Removed => "removed",
        }
    }

    /// The lane a stage is drawn on.
    pub fn of(stage: Stage) -> LaneKind {
        match stage {
            Stage::DeleteRequested => LaneKind::Delete,
            Stage::EndpointNotReady | Stage::EndpointRemoved => LaneKind::Endpoint,
            Stage::PrestopStarted | Stage::PrestopFinished => LaneKind::PreStop,
            Stage::StopRequested | Stage::SignalSent | Stage::AppSignalLogged | Stage::Exited => LaneKind::Stop,
            Stage::KillSent => LaneKind::Kill,
            Stage::SandboxStopped | Stage::NetworkTornDown => LaneKind::Teardown,
            Stage::VolumeUnmounted => LaneKind::Volumes,
            Stage::Removed => LaneKind::Removed,
        }
    }

    /// True for the lanes drawn once per container when a Pod has several.
    fn per_container(self) -> bool {
        matches!(self, LaneKind::PreStop | LaneKind::Stop)
    }
}

/// Every stage, in lifecycle order (index = position in this list).
pub const STAGES: [Stage; 14] = [
    Stage::DeleteRequested,
    Stage::EndpointNotReady,
    Stage::PrestopStarted,
    Stage::PrestopFinished,
    Stage::StopRequested,
    Stage::SignalSent,
    Stage::AppSignalLogged,
    Stage::KillSent,
    Stage::Exited,
    Stage::SandboxStopped,
    Stage::NetworkTornDown,
    Stage::VolumeUnmounted,
    Stage::EndpointRemoved,
    Stage::Removed,
];

/// The position of a stage in [`STAGES`].
pub fn stage_index(stage: Stage) -> usize {
    STAGES.iter().position(|s| *s == stage).unwrap_or(0)
}

/// A few words naming a stage for people.
pub fn stage_label(stage: Stage) -> &'static str {
    match stage {
        Stage::DeleteRequested => "delete requested",
        Stage::EndpointNotReady => "endpoint not ready",
        Stage::PrestopStarted => "preStop started",
        Stage::PrestopFinished => "preStop finished",
        Stage::StopRequested => "StopContainer",
        Stage::SignalSent => "stop signal sent",
        Stage::AppSignalLogged => "app logged the signal",
        Stage::KillSent => "SIGKILL sent",
        Stage::Exited => "process gone",
        Stage::SandboxStopped => "sandbox stopped",
        Stage::NetworkTornDown => "network torn down",
        Stage::VolumeUnmounted => "volume unmounted",
        Stage::EndpointRemoved => "endpoint removed",
        Stage::Removed => "removed from the API",
    }
}

/// A bar on a lane, in seconds on the chart's axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    /// Where it starts.
    pub from: f64,
    /// Where it ends.
    pub to: f64,
    /// True when no end was seen: the bar runs to the end of the axis.
    pub open: bool,
}

/// One row of the chart.
#[derive(Debug, Clone)]
pub struct Lane {
    /// Which row.
    pub kind: LaneKind,
    /// The container, for per-container lanes of a Pod with several.
    pub container: Option<String>,
    /// Indices into the Pod's `stages` drawn as points on this lane.
    pub marks: Vec<usize>,
    /// Bars between stages.
    pub spans: Vec<Span>,
    /// A few words at the end of the lane (`3.0s`, `SIGTERM → exit 0 after 5.4s`).
    pub summary: String,
}

impl Lane {
    /// The lane's label, with the container when the lane is per container.
    pub fn label(&self) -> String {
        match &self.container {
            Some(c) => format!("{} {c}", self.kind.label()),
            None => self.kind.label().to_string(),
        }
    }

    /// True when nothing was seen on this lane.
    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }

    /// How the lane should read: the stop lane is good on exit 0, bad on
    /// SIGKILL (137), a warning on another non-zero exit; other lanes plain.
    pub fn tone(&self, p: &PodReport) -> Tone {
        if self.kind != LaneKind::Stop {
            return Tone::Plain;
        }
        let codes = p.containers.iter().filter(|c| self.container.is_none() || c.name == self.container).filter_map(|c| c.exit_code);
        match codes.max_by_key(|c| (*c != 0, *c == 137)) {
            Some(137) => Tone::Bad,
            Some(0) => Tone::Good,
            Some(_) => Tone::Warn,
            None => Tone::Plain,
        }
    }
}

/// How a lane reads at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Nothing to judge.
    Plain,
    /// Ended well (exit 0).
    Good,
    /// Ended on its own with a non-zero code.
    Warn,
    /// Killed.
    Bad,
}

/// A Pod's stop laid out on lanes against one time axis.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Time 0 of the axis.
    pub zero: Instant,
    /// True when time 0 is the delete; false when it is the first stage.
    pub from_delete: bool,
    /// Every stage's time, seconds from `zero` (same order as the Pod's stages).
    pub times: Vec<f64>,
    /// Left end of the axis (≤ 0).
    pub start: f64,
    /// Right end of the axis (≥ every stage and the deadline).
    pub end: f64,
    /// The grace deadline (delete + grace period), when both are known.
    pub deadline: Option<f64>,
    /// Delete (or first stage) → last container exit.
    pub exit: Option<f64>,
    /// Rows, top to bottom.
    pub lanes: Vec<Lane>,
}

impl Chart {
    /// Lays out a Pod's stages; `None` when it has none.
    pub fn of(p: &PodReport) -> Option<Chart> {
        let delete = p.stage_at(Stage::DeleteRequested);
        let zero = delete.or_else(|| p.stages.iter().map(|s| s.at).min())?;
        let times: Vec<f64> = p.stages.iter().map(|s| zero.secs_until(&s.at)).collect();
        let deadline = p.grace_period_s.filter(|_| delete.is_some()).map(|g| g as f64);
        let first = times.iter().copied().fold(0.0_f64, f64::min);
        let last = times.iter().copied().chain(deadline).fold(0.0_f64, f64::max);
        let end = if last - first < 1.0 { first + 1.0 } else { last };
        let mut chart =
            Chart { zero, from_delete: delete.is_some(), times, start: first, end, deadline, exit: delete_to_exit(p), lanes: Vec::new() };
        chart.lanes = chart.build_lanes(p);
        Some(chart)
    }

    /// Deadline minus exit: positive when the Pod stopped in time.
    pub fn margin(&self) -> Option<f64> {
        Some(self.deadline? - self.exit?)
    }

    /// Axis ticks (multiples of a round step) covering `start..=end`, about `target` of them.
    pub fn ticks(&self, target: usize) -> Vec<f64> {
        let step = nice_step((self.end - self.start) / target.max(1) as f64);
        let mut t = (self.start / step).ceil() * step;
        let mut out = Vec::new();
        while t <= self.end + step * 1e-9 && out.len() < 1000 {
            out.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
            t += step;
        }
        out
    }

    fn build_lanes(&self, p: &PodReport) -> Vec<Lane> {
        let containers = lane_containers(p);
        let mut lanes = Vec::new();
        for kind in LaneKind::ALL {
            if kind.per_container() && containers.len() > 1 {
                for c in &containers {
                    lanes.push(self.lane(p, kind, Some(c.as_str())));
                }
            } else {
                lanes.push(self.lane(p, kind, None));
            }
        }
        lanes
    }

    fn lane(&self, p: &PodReport, kind: LaneKind, container: Option<&str>) -> Lane {
        let marks: Vec<usize> = p
            .stages
            .iter()
            .enumerate()
            .filter(|(_, s)| LaneKind::of(s.stage) == kind && container.is_none_or(|c| s.container.as_deref() == Some(c)))
            .map(|(i, _)| i)
            .collect();
        let at = |stage: Stage| marks.iter().copied().find(|&i| p.stages[i].stage == stage).map(|i| self.times[i]);
        let spans = match kind {
            LaneKind::PreStop => self.bar(at(Stage::PrestopStarted), at(Stage::PrestopFinished)),
            LaneKind::Stop => self.bar(at(Stage::SignalSent).or(at(Stage::StopRequested)), at(Stage::Exited)),
            LaneKind::Kill => self.kill_bar(p, &marks),
            LaneKind::Endpoint => closed_bar(at(Stage::EndpointNotReady), at(Stage::EndpointRemoved)),
            _ => self.extent(&marks),
        };
        let summary = self.summary(p, kind, container, &marks);
        Lane { kind, container: container.map(str::to_string), marks, spans, summary }
    }

    /// A bar from `from` to `to`; open to the end of the axis when only `from` was seen.
    fn bar(&self, from: Option<f64>, to: Option<f64>) -> Vec<Span> {
        match (from, to) {
            (Some(f), Some(t)) if t >= f => vec![Span { from: f, to: t, open: false }],
            (Some(f), None) => vec![Span { from: f, to: self.end, open: true }],
            _ => Vec::new(),
        }
    }

    /// From each SIGKILL to the exit of its container.
    fn kill_bar(&self, p: &PodReport, marks: &[usize]) -> Vec<Span> {
        marks
            .iter()
            .filter_map(|&i| {
                let c = p.stages[i].container.as_deref();
                let exit = p.stages.iter().position(|s| s.stage == Stage::Exited && s.container.as_deref() == c)?;
                closed_bar(Some(self.times[i]), Some(self.times[exit])).into_iter().next()
            })
            .collect()
    }

    /// From the first to the last mark, when they differ.
    fn extent(&self, marks: &[usize]) -> Vec<Span> {
        let t: Vec<f64> = marks.iter().map(|&i| self.times[i]).collect();
        let (lo, hi) = (t.iter().copied().reduce(f64::min), t.iter().copied().reduce(f64::max));
        closed_bar(lo, hi).into_iter().filter(|s| s.to > s.from).collect()
    }

    fn summary(&self, p: &PodReport, kind: LaneKind, container: Option<&str>, marks: &[usize]) -> String {
        let first = marks.first().map(|&i| self.times[i]);
        match kind {
            LaneKind::Delete => delete_summary(p, self.from_delete),
            LaneKind::PreStop => self.prestop_summary(p, marks),
            LaneKind::Stop => self.stop_summary(p, container, marks),
            LaneKind::Kill => first.map(|t| format!("SIGKILL at {}", plus(t))).unwrap_or_else(|| "none".into()),
            _ => first.map(plus).unwrap_or_else(|| "not seen".into()),
        }
    }

    fn prestop_summary(&self, p: &PodReport, marks: &[usize]) -> String {
        let (mut start, mut end) = (None, None);
        for &i in marks {
            match p.stages[i].stage {
                Stage::PrestopStarted => start = start.or(Some(self.times[i])),
                _ => end = end.or(Some(self.times[i])),
            }
        }
        match (start, end) {
            (Some(s), Some(e)) => human_secs(e - s),
            (Some(_), None) => "no end seen".into(),
            (None, Some(e)) => format!("finished at {}", plus(e)),
            (None, None) => "none".into(),
        }
    }

    fn stop_summary(&self, p: &PodReport, container: Option<&str>, marks: &[usize]) -> String {
        let find = |stage: Stage| marks.iter().copied().find(|&i| p.stages[i].stage == stage);
        let c = container_of(p, container);
        let signal = find(Stage::SignalSent)
            .and_then(|i| p.stages[i].detail.clone())
            .or_else(|| c.and_then(|c| c.stop_signal.clone()))
            .unwrap_or_else(|| "stop".into());
        let code = c.and_then(|c| c.exit_code).map(|e| format!("exit {e}")).unwrap_or_else(|| "exit".into());
        let from = find(Stage::SignalSent).or(find(Stage::StopRequested)).map(|i| self.times[i]);
        match (from, find(Stage::Exited).map(|i| self.times[i])) {
            (Some(f), Some(x)) => format!("{signal} → {code} after {}", human_secs(x - f)),
            (Some(_), None) => format!("{signal}, no exit seen"),
            (None, Some(x)) => format!("{code} at {}", plus(x)),
            (None, None) => "not seen".into(),
        }
    }
}

/// A closed bar when both ends are known and in order.
fn closed_bar(from: Option<f64>, to: Option<f64>) -> Vec<Span> {
    match (from, to) {
        (Some(f), Some(t)) if t >= f => vec![Span { from: f, to: t, open: false }],
        _ => Vec::new(),
    }
}

/// Names of the containers that have container-level stages, in order of appearance.
fn lane_containers(p: &PodReport) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in p.stages.iter().filter(|s| LaneKind::of(s.stage).per_container()) {
        if let Some(c) = &s.container {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
    }
    out
}

/// The container report of a lane (by name), or the only one.
fn container_of<'a>(p: &'a PodReport, name: Option<&str>) -> Option<&'a ContainerReport> {
    match name {
        Some(n) => p.containers.iter().find(|c| c.name.as_deref() == Some(n)),
        None if p.containers.len() == 1 => p.containers.first(),
        None => None,
    }
}

fn delete_summary(p: &PodReport, from_delete: bool) -> String {
    if !from_delete {
        return "not seen (0 = first stage)".into();
    }
    let reason = p.deletion.as_ref().map(|d| d.reason).unwrap_or("delete");
    let by = p.deletion.as_ref().and_then(|d| d.by.as_deref()).map(|b| format!(" by {b}")).unwrap_or_default();
    match p.grace_period_s {
        Some(g) => format!("{reason}{by}, grace {g}s"),
        None => format!("{reason}{by}"),
    }
}

/// `+3.0s`, `-0.2s`, `+1m05s`.
pub fn plus(t: f64) -> String {
    if t < 0.0 {
        format!("-{}", human_secs(-t))
    } else {
        format!("+{}", human_secs(t))
    }
}

/// A round step (1, 2 or 5 × 10ⁿ, or a whole number of minutes) no smaller than `raw`.
pub fn nice_step(raw: f64) -> f64 {
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    if raw > 60.0 {
        for m in [60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0] {
            if raw <= m {
                return m;
            }
        }
        return (raw / 3600.0).ceil() * 3600.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|f| f * mag).find(|s| *s >= raw * (1.0 - 1e-9)).unwrap_or(10.0 * mag)
}

/// A tick label: `0s`, `2.5s`, `30s`, `2m`, `1m30s`.
pub fn tick_label(t: f64) -> String {
    let a = t.abs();
    let sign = if t < 0.0 { "-" } else { "" };
    if a >= 60.0 {
        let s = a.round() as i64;
        return match s % 60 {
            0 => format!("{sign}{}m", s / 60),
            r => format!("{sign}{}m{r:02}s", s / 60),
        };
    }
    let text = format!("{a:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{sign}{text}s")
}

/// One sentence on how the stop ended against its deadline, e.g.
/// `stopped 8.4s after the delete, 21.6s before the 30s grace deadline`.
pub fn verdict(p: &PodReport) -> String {
    let Some(chart) = Chart::of(p) else {
        return "no stop seen".into();
    };
    let from = if chart.from_delete { "the delete" } else { "the first stage" };
    let kill = p.stages.iter().position(|s| s.stage == Stage::KillSent).map(|i| chart.times[i]);
    match (chart.exit, chart.deadline) {
        (Some(x), Some(g)) if x <= g => {
            format!("stopped {} after {from}, {} before the {g}s grace deadline", human_secs(x), human_secs(g - x))
        }
        (Some(x), Some(g)) => match kill {
            Some(k) => {
                format!("still running at the {g}s grace deadline: SIGKILLed at {}, {} past it", plus(k), human_secs(x - g))
            }
            None => format!("stopped {} after {from}, {} past the {g}s grace deadline", human_secs(x), human_secs(x - g)),
        },
        (Some(x), None) => format!("stopped {} after {from}", human_secs(x)),
        (None, Some(g)) => format!("no exit seen ({g}s grace period)"),
        (None, None) => "no exit seen".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Outcome, StageReport};

    fn at(s: f64) -> Instant {
        let base = chrono::DateTime::parse_from_rfc3339("2026-04-16T12:04:42Z").map(|t| t.with_timezone(&chrono::Utc));
        let base = base.unwrap_or_default();
        Instant { utc: base + chrono::Duration::milliseconds((s * 1000.0) as i64), digits: 3 }
    }

    fn stage(stage: Stage, t: f64, c: Option<&str>) -> StageReport {
        StageReport { stage, at: at(t), container: c.map(str::to_string), source: format!("k.log:{}", (t * 10.0) as i64), detail: None }
    }

    fn pod(stages: Vec<StageReport>, grace: Option<i64>) -> PodReport {
        PodReport {
            namespace: Some("default".into()),
            name: Some("term-demo-ignore".into()),
            uid: None,
            node: None,
            owner: None,
            grace_period_s: grace,
            deletion: None,
            outcome: Outcome::Sigkill,
            duration_s: None,
            logs_end: None,
            containers: vec![ContainerReport {
                name: Some("app".into()),
                id: None,
                stop_signal: Some("SIGTERM".into()),
                prestop_s: Some(2.0),
                stop_timeout_s: Some(10),
                exit_code: Some(137),
                exited_at: Some(at(12.04)),
            }],
            stages,
            findings: Vec::new(),
        }
    }

    fn killed() -> PodReport {
        let app = Some("app");
        pod(
            vec![
                stage(Stage::DeleteRequested, 0.0, None),
                stage(Stage::PrestopStarted, 0.0, app),
                stage(Stage::PrestopFinished, 2.0, app),
                stage(Stage::SignalSent, 2.0, app),
                stage(Stage::KillSent, 12.0, app),
                stage(Stage::Exited, 12.04, app),
                stage(Stage::Removed, 15.3, None),
            ],
            Some(10),
        )
    }

    #[test]
    fn lanes_of_a_killed_pod() {
        let c = Chart::of(&killed()).unwrap_or_else(|| panic!("chart"));
        assert_eq!(c.deadline, Some(10.0));
        assert_eq!((c.start, c.end), (0.0, 15.3));
        let kinds: Vec<LaneKind> = c.lanes.iter().map(|l| l.kind).collect();
        assert_eq!(kinds, LaneKind::ALL.to_vec());
        let prestop = &c.lanes[2];
        assert_eq!(prestop.spans, vec![Span { from: 0.0, to: 2.0, open: false }]);
        assert_eq!(prestop.summary, "2.0s");
        let stop = &c.lanes[3];
        assert_eq!(stop.summary, "SIGTERM → exit 137 after 10.0s");
        assert_eq!(c.lanes[4].summary, "SIGKILL at +12.0s");
        assert_eq!(c.lanes[4].spans.len(), 1);
        assert!(c.lanes[1].is_empty());
        assert!((c.margin().unwrap_or(0.0) + 2.04).abs() < 1e-6);
        assert_eq!(verdict(&killed()), "still running at the 10s grace deadline: SIGKILLed at +12.0s, 2.0s past it");
    }

    #[test]
    fn open_bars_and_per_container_lanes() {
        let p = pod(
            vec![
                stage(Stage::DeleteRequested, 0.0, None),
                stage(Stage::SignalSent, 1.0, Some("a")),
                stage(Stage::SignalSent, 1.0, Some("b")),
                stage(Stage::Exited, 3.0, Some("b")),
            ],
            Some(30),
        );
        let c = Chart::of(&p).unwrap_or_else(|| panic!("chart"));
        let stops: Vec<&Lane> = c.lanes.iter().filter(|l| l.kind == LaneKind::Stop).collect();
        assert_eq!(stops.len(), 2);
        assert_eq!(stops[0].label(), "signal → exit a");
        assert_eq!(stops[0].spans, vec![Span { from: 1.0, to: 30.0, open: true }]);
        assert_eq!(stops[1].spans, vec![Span { from: 1.0, to: 3.0, open: false }]);
    }

    #[test]
    fn no_delete_means_first_stage_and_no_deadline() {
        let p = pod(vec![stage(Stage::Exited, 5.0, Some("app")), stage(Stage::SignalSent, 4.0, Some("app"))], Some(30));
        let c = Chart::of(&p).unwrap_or_else(|| panic!("chart"));
        assert!(!c.from_delete);
        assert_eq!(c.deadline, None);
        assert_eq!(c.times, vec![1.0, 0.0]);
        assert!(Chart::of(&pod(Vec::new(), None)).is_none());
    }

    #[test]
    fn round_steps_and_labels() {
        assert_eq!(nice_step(4.1), 5.0);
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(nice_step(90.0), 120.0);
        assert_eq!(tick_label(2.5), "2.5s");
        assert_eq!(tick_label(30.0), "30s");
        assert_eq!(tick_label(90.0), "1m30s");
        assert_eq!(tick_label(-5.0), "-5s");
    }
}
