//! `-o table` and `-o wide`: a row per Pod.

use super::{delete_to_exit, human_secs, outcome_color, sanitize, RenderOptions};
use crate::model::Report;
use comfy_table::{presets, Cell, ContentArrangement, Table};

/// Renders the Pod table (and a one-line summary).
pub fn render(report: &Report, wide: bool, opts: &RenderOptions) -> String {
    if report.pods.is_empty() {
        return "no Pod stops found\n".to_string();
    }
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED);
    if !opts.color {
        t.force_no_tty();
    } else {
        t.enforce_styling();
    }
    match opts.width {
        Some(w) if !wide => {
            t.set_width(w);
            t.set_content_arrangement(ContentArrangement::Dynamic);
        }
        _ => {
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    let mut header = vec!["POD", "NODE", "GRACE", "PRESTOP", "SIGNAL", "DELETE→EXIT", "EXIT", "OUTCOME", "FINDINGS"];
    if wide {
        header.splice(1..1, ["UID", "CONTAINERS"]);
        header.push("TIMEOUT");
        header.push("DURATION");
    }
    t.set_header(header);
    for p in &report.pods {
        let join = |f: &dyn Fn(&crate::model::ContainerReport) -> Option<String>| -> String {
            let v: Vec<String> = p.containers.iter().filter_map(f).collect();
            let mut dedup = v.clone();
            dedup.dedup();
            if dedup.is_empty() {
                "-".into()
            } else {
                dedup.join(",")
            }
        };
        let prestop = join(&|c| c.prestop_s.map(human_secs));
        let signal = join(&|c| c.stop_signal.clone());
        let exit = join(&|c| c.exit_code.map(|e| e.to_string()));
        let mut kinds: Vec<&str> = p.findings.iter().map(|f| f.kind.name()).collect();
        kinds.dedup();
        let findings = if kinds.is_empty() { "-".to_string() } else { kinds.join(", ") };
        let mut outcome = Cell::new(p.outcome.name());
        if opts.color {
            outcome = outcome.fg(outcome_color(p.outcome));
        }
        let mut row = vec![
            Cell::new(sanitize(&p.display_name())),
            Cell::new(sanitize(p.node.as_deref().unwrap_or("-"))),
            Cell::new(p.grace_period_s.map(|g| format!("{g}s")).unwrap_or_else(|| "-".into())),
            Cell::new(prestop),
            Cell::new(signal),
            Cell::new(delete_to_exit(p).map(human_secs).unwrap_or_else(|| "-".into())),
            Cell::new(exit),
            outcome,
            Cell::new(findings),
        ];
        if wide {
            let ids = join(&|c| c.id.as_ref().map(|i| format!("{}:{}", c.name.as_deref().unwrap_or("?"), super::short_id(i))));
            row.splice(1..1, [Cell::new(p.uid.as_deref().unwrap_or("-")), Cell::new(sanitize(&ids))]);
            row.push(Cell::new(join(&|c| c.stop_timeout_s.map(|t| format!("{t}s")))));
            row.push(Cell::new(p.duration_s.map(human_secs).unwrap_or_else(|| "-".into())));
        }
        t.add_row(row);
    }
    let mut out = t.to_string();
    out.push('\n');
    let outcomes: Vec<String> = report.summary.outcomes.iter().map(|(k, v)| format!("{v} {k}")).collect();
    out.push_str(&format!("{} Pods: {}\n", report.summary.pods, outcomes.join(", ")));
    out
}
