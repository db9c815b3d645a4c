//! `--pod`: one Pod's ordered timeline, with deltas and evidence.

use super::lanes::{self, Chart, Lane, LaneKind, Tone};
use super::{human_secs, outcome_color, sanitize, RenderOptions};
use crate::model::{Outcome, PodReport, Report, Stage};
use crate::time::Instant;
use comfy_table::{Cell, ContentArrangement, Table};

/// Renders the timeline of every Pod in the report.
pub fn render(report: &Report, opts: &RenderOptions) -> String {
    if report.pods.is_empty() {
        return "no matching Pod\n".to_string();
    }
    report.pods.iter().map(|p| pod(p, opts)).collect::<Vec<_>>().join("\n")
}

fn pod(p: &PodReport, opts: &RenderOptions) -> String {
    let mut out = String::new();
    let outcome = if opts.color {
        let code = match outcome_color(p.outcome) {
            comfy_table::Color::Red => "31",
            comfy_table::Color::Yellow => "33",
            comfy_table::Color::Green => "32",
            _ => "0",
        };
        format!("\x1b[{code}m{}\x1b[0m", p.outcome.name())
    } else {
        p.outcome.name().to_string()
    };
    let owner = p.owner.as_ref().map(|o| format!("  owner {}/{}", sanitize(&o.kind), sanitize(&o.name))).unwrap_or_default();
    out.push_str(&format!(
        "Pod {}  uid {}  node {}{owner}\n",
        sanitize(&p.display_name()),
        p.uid.as_deref().unwrap_or("?"),
        sanitize(p.node.as_deref().unwrap_or("?"))
    ));
    let grace = p.grace_period_s.map(|g| format!("{g} s")).unwrap_or_else(|| "unknown".into());
    let reason = match &p.deletion {
        Some(_) => sanitize(&super::stopped_by(p)),
        None => "unknown".to_string(),
    };
    let duration = p.duration_s.map(human_secs).unwrap_or_else(|| "-".into());
    out.push_str(&format!("outcome {outcome}  grace {grace}  stopped by {reason}  duration {duration}\n"));
    out.push_str(&format!("{}\n\n", paint_text(&sanitize(&lanes::verdict(p)), verdict_color(p), opts)));
    if let Some(chart) = Chart::of(p) {
        out.push_str(&lane_chart(p, &chart, opts));
        out.push('\n');
    }

    let zero = p.stage_at(Stage::DeleteRequested).or_else(|| p.stages.first().map(|s| s.at));
    let mut t = super::new_table(&RenderOptions { color: false, ..*opts });
    t.set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(vec!["TIME (UTC)", "+DELETE", "STAGE", "CONTAINER", "DETAIL", "EVIDENCE"]);
    let deadline = zero.zip(p.grace_period_s).filter(|_| p.stage_at(Stage::DeleteRequested).is_some());
    let mut deadline_shown = false;
    let deadline_row = |t: &mut Table, z: &Instant, g: i64| {
        let at = Instant { utc: z.utc + chrono::Duration::seconds(g), digits: z.digits };
        t.add_row(vec![
            Cell::new(at.to_string()),
            Cell::new(format!("{:+.3}s", g as f64)),
            Cell::new("── grace deadline"),
            Cell::new(""),
            Cell::new(format!("{g} s")),
            Cell::new(""),
        ]);
    };
    for s in &p.stages {
        if let Some((z, g)) = deadline {
            if !deadline_shown && z.secs_until(&s.at) > g as f64 {
                deadline_row(&mut t, &z, g);
                deadline_shown = true;
            }
        }
        let delta = zero.map(|z| format!("{:+.3}s", z.secs_until(&s.at))).unwrap_or_default();
        t.add_row(vec![
            Cell::new(s.at.to_string()),
            Cell::new(delta),
            Cell::new(s.stage.name()),
            Cell::new(sanitize(s.container.as_deref().unwrap_or(""))),
            Cell::new(sanitize(s.detail.as_deref().unwrap_or(""))),
            Cell::new(sanitize(&s.source)),
        ]);
    }
    if let (Some((z, g)), false) = (deadline, deadline_shown) {
        deadline_row(&mut t, &z, g);
    }
    out.push_str(&t.to_string());
    out.push('\n');
    for c in &p.containers {
        out.push_str(&format!(
            "container {}  id {}  signal {}  preStop {}  timeout {}  exit {}\n",
            sanitize(c.name.as_deref().unwrap_or("?")),
            c.id.as_deref().map(super::short_id).unwrap_or("?"),
            c.stop_signal.as_deref().unwrap_or("?"),
            c.prestop_s.map(human_secs).unwrap_or_else(|| "-".into()),
            c.stop_timeout_s.map(|t| format!("{t}s")).unwrap_or_else(|| "-".into()),
            c.exit_code.map(|e| e.to_string()).unwrap_or_else(|| "?".into()),
        ));
    }
    if !p.findings.is_empty() {
        out.push_str("\nfindings:\n");
        for f in &p.findings {
            out.push_str(&format!("  {:<8} {:<22} {}\n", format!("{:?}", f.severity).to_lowercase(), f.kind.name(), sanitize(&f.message)));
            for e in &f.evidence {
                out.push_str(&format!("{:>33}{}\n", "", sanitize(e)));
            }
        }
    }
    out
}

/// Columns of the text chart's time axis (fewer when the terminal is narrow, down to [`PLOT_MIN`]).
const PLOT_WIDTH: usize = 60;

/// The narrowest time axis.
const PLOT_MIN: usize = 24;

/// Widest lane label shown (longer ones, with a container name, are cut).
const LABEL_MAX: usize = 24;

/// One cell of the text chart: a glyph and its ANSI colour (`None` = plain).
type Glyph = (char, Option<&'static str>);

/// A chart mapped onto `width` columns.
struct Plot<'a> {
    chart: &'a Chart,
    width: usize,
}

impl Plot<'_> {
    /// The column of a time on the axis.
    fn column(&self, t: f64) -> usize {
        let span = (self.chart.end - self.chart.start).max(1e-9);
        let x = ((t - self.chart.start) / span * (self.width - 1) as f64).round();
        (x.max(0.0) as usize).min(self.width - 1)
    }
}

/// The compact lane chart: a time axis of about 60 columns, one
/// row per lane, `|` at the grace deadline, each lane's summary at its right.
pub fn lane_chart(p: &PodReport, chart: &Chart, opts: &RenderOptions) -> String {
    let labels: Vec<String> = chart.lanes.iter().map(|l| cut(&sanitize(&l.label()), LABEL_MAX)).collect();
    let summaries: Vec<String> = chart.lanes.iter().map(|l| sanitize(&l.summary)).collect();
    let pad = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) + 2;
    let widest = summaries.iter().map(|s| s.chars().count()).max().unwrap_or(0);
    let width = match opts.width {
        Some(w) => usize::from(w).saturating_sub(pad + 2 + widest).clamp(PLOT_MIN, PLOT_WIDTH),
        None => PLOT_WIDTH,
    };
    let plot = Plot { chart, width };
    let deadline = chart.deadline.map(|d| plot.column(d));
    let mut out = String::new();
    let (tick_labels, axis) = axis_rows(&plot, deadline);
    out.push_str(&format!("{:pad$}{}\n", "", tick_labels.trim_end()));
    out.push_str(&format!("{:pad$}{}\n", "", paint(&axis, opts)));
    for ((lane, label), summary) in chart.lanes.iter().zip(&labels).zip(&summaries) {
        let row = lane_row(p, &plot, lane, deadline);
        let gap = pad - label.chars().count();
        out.push_str(&format!("{label}{:gap$}{}  {summary}\n", "", paint(&row, opts)));
    }
    let zero = if chart.from_delete { "the delete" } else { "the first stage (no delete seen)" };
    let legend = match chart.deadline {
        Some(d) => format!("seconds from {zero}; | = grace deadline ({})", lanes::plus(d)),
        None => format!("seconds from {zero}; grace deadline unknown"),
    };
    out.push_str(&format!("{:pad$}{legend}\n", ""));
    out
}

/// The tick labels row and the axis row.
fn axis_rows(plot: &Plot, deadline: Option<usize>) -> (String, Vec<Glyph>) {
    let mut labels = vec![' '; plot.width + 8];
    let mut axis: Vec<Glyph> = vec![('─', None); plot.width];
    let mut free = 0;
    for t in plot.chart.ticks((plot.width / 10).max(2)) {
        let c = plot.column(t);
        axis[c] = ('┬', None);
        let text: Vec<char> = lanes::tick_label(t).chars().collect();
        if c >= free && c + text.len() <= labels.len() {
            labels[c..c + text.len()].copy_from_slice(&text);
            free = c + text.len() + 1;
        }
    }
    if let Some(d) = deadline {
        axis[d] = ('|', Some("31"));
    }
    (labels.into_iter().collect(), axis)
}

/// One lane's cells: bars, then the deadline, then the stage marks on top.
fn lane_row(p: &PodReport, plot: &Plot, lane: &Lane, deadline: Option<usize>) -> Vec<Glyph> {
    let color = lane_color(p, lane);
    let mut row: Vec<Glyph> = vec![(' ', None); plot.width];
    for s in &lane.spans {
        let glyph = if s.open { '┄' } else { '━' };
        let (from, to) = (plot.column(s.from), plot.column(s.to));
        for cell in &mut row[from..=to.max(from)] {
            *cell = (glyph, Some(color));
        }
    }
    if let Some(d) = deadline {
        row[d] = ('|', Some("31"));
    }
    // The app's own line is drawn first, so a stage at the same column wins.
    let (app, others): (Vec<usize>, Vec<usize>) = lane.marks.iter().partition(|&&i| p.stages[i].stage == Stage::AppSignalLogged);
    for i in app.into_iter().chain(others) {
        let glyph = match p.stages[i].stage {
            Stage::KillSent => '✕',
            Stage::AppSignalLogged => '○',
            _ => '●',
        };
        row[plot.column(plot.chart.times[i])] = (glyph, Some(color));
    }
    row
}

/// ANSI colour of a lane: the stop lane is red when killed, yellow on another non-zero exit.
fn lane_color(p: &PodReport, lane: &Lane) -> &'static str {
    match lane.kind {
        LaneKind::Delete | LaneKind::Removed => "1",
        LaneKind::Endpoint => "35",
        LaneKind::PreStop => "34",
        LaneKind::Kill => "31",
        LaneKind::Teardown | LaneKind::Volumes => "36",
        LaneKind::Stop => match lane.tone(p) {
            Tone::Bad => "31",
            Tone::Warn => "33",
            Tone::Good | Tone::Plain => "32",
        },
    }
}

/// The verdict's colour: green when the Pod stopped in time, red when killed or late.
fn verdict_color(p: &PodReport) -> Option<&'static str> {
    let margin = Chart::of(p).and_then(|c| c.margin());
    match (p.outcome, margin) {
        (Outcome::Stuck | Outcome::OomKilled | Outcome::Sigkill, _) => Some("31"),
        (_, Some(m)) if m < 0.0 => Some("31"),
        (Outcome::Graceful, _) => Some("32"),
        _ => None,
    }
}

/// Text in one ANSI colour when colour is on.
fn paint_text(text: &str, color: Option<&str>, opts: &RenderOptions) -> String {
    match color.filter(|_| opts.color) {
        Some(c) => format!("\x1b[{c}m{text}\x1b[0m"),
        None => text.to_string(),
    }
}

/// Cells as text, with ANSI colours only when colour is on.
fn paint(cells: &[Glyph], opts: &RenderOptions) -> String {
    let mut out = String::new();
    let mut current: Option<&str> = None;
    for &(glyph, color) in cells {
        let want = if opts.color && glyph != ' ' { color } else { None };
        if want != current {
            if current.is_some() {
                out.push_str("\x1b[0m");
            }
            if let Some(c) = want {
                out.push_str(&format!("\x1b[{c}m"));
            }
            current = want;
        }
        out.push(glyph);
    }
    if current.is_some() {
        out.push_str("\x1b[0m");
    }
    out
}

/// At most `max` characters, with `…` when cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out = crate::text::first_chars(s, max - 1).to_string();
    out.push('…');
    out
}
