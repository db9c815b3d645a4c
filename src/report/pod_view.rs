//! `--pod`: one Pod's ordered timeline, with deltas and evidence.

use super::{human_secs, outcome_color, sanitize, RenderOptions};
use crate::model::{PodReport, Report, Stage};
use crate::time::Instant;
use comfy_table::{presets, Cell, ContentArrangement, Table};

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
    out.push_str(&format!(
        "Pod {}  uid {}  node {}\n",
        sanitize(&p.display_name()),
        p.uid.as_deref().unwrap_or("?"),
        sanitize(p.node.as_deref().unwrap_or("?"))
    ));
    let grace = p.grace_period_s.map(|g| format!("{g} s")).unwrap_or_else(|| "unknown".into());
    let reason = p.deletion.as_ref().map(|d| d.reason).unwrap_or("unknown");
    let duration = p.duration_s.map(human_secs).unwrap_or_else(|| "-".into());
    out.push_str(&format!("outcome {outcome}  grace {grace}  stopped by {reason}  duration {duration}\n\n"));

    let zero = p.stage_at(Stage::DeleteRequested).or_else(|| p.stages.first().map(|s| s.at));
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED);
    t.force_no_tty();
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
