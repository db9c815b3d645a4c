//! `-o markdown`: a report to paste into an issue, a PR or a CI summary.

use super::{delete_to_exit, human_secs, percent};
use crate::model::Report;
use crate::stats::FleetStats;
use std::fmt::Write;

/// Escapes text for a Markdown table cell (pipes, backticks, angle brackets, line breaks).
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in super::sanitize(s).chars() {
        match c {
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The Pod table of a report.
pub fn render(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## podmortem: {} Pods\n", report.summary.pods);
    let outcomes: Vec<String> = report.summary.outcomes.iter().map(|(k, v)| format!("{v} {k}")).collect();
    if !outcomes.is_empty() {
        let _ = writeln!(s, "Outcomes: {}\n", outcomes.join(", "));
    }
    pod_table(&mut s, report);
    if !report.warnings.is_empty() {
        let _ = writeln!(s, "\n### Warnings\n");
        for w in &report.warnings {
            let _ = writeln!(s, "- {}", cell(w));
        }
    }
    s
}

/// Appends the Pod table.
pub fn pod_table(s: &mut String, report: &Report) {
    if report.pods.is_empty() {
        let _ = writeln!(s, "No Pod stops found.");
        return;
    }
    let _ = writeln!(s, "| Pod | Node | Grace | Signal | Delete→exit | Exit | Outcome | Findings |");
    let _ = writeln!(s, "|---|---|---:|---|---:|---:|---|---|");
    for p in &report.pods {
        let signal: Vec<&str> = p.containers.iter().filter_map(|c| c.stop_signal.as_deref()).collect();
        let exit: Vec<String> = p.containers.iter().filter_map(|c| c.exit_code.map(|e| e.to_string())).collect();
        let findings: Vec<&str> = p.findings.iter().map(|f| f.kind.name()).collect();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&p.display_name()),
            cell(p.node.as_deref().unwrap_or("-")),
            p.grace_period_s.map(|g| format!("{g}s")).unwrap_or_else(|| "-".into()),
            if signal.is_empty() { "-".to_string() } else { signal.join(",") },
            delete_to_exit(p).map(human_secs).unwrap_or_else(|| "-".into()),
            if exit.is_empty() { "-".to_string() } else { exit.join(",") },
            p.outcome.name(),
            if findings.is_empty() { "-".to_string() } else { findings.join(", ") },
        );
    }
}

/// Fleet statistics as Markdown (audit, merge).
pub fn render_stats(stats: &FleetStats) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## podmortem audit: {} Pods stopped\n", stats.pods_stopped);
    let outcomes: Vec<String> = stats.outcomes.iter().map(|(k, v)| format!("{v} {k}")).collect();
    let _ = writeln!(s, "Outcomes: {}\n", outcomes.join(", "));
    let q = |q: &crate::stats::Quantiles| -> String {
        let f = |x: Option<f64>| x.map(human_secs).unwrap_or_else(|| "-".into());
        format!("{} | {} | {} | {} | {}", q.count, f(q.p50), f(q.p90), f(q.p99), f(q.max))
    };
    let _ = writeln!(s, "| Duration | n | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|---:|");
    let _ = writeln!(s, "| delete → exit | {} |", q(&stats.delete_to_exit));
    let _ = writeln!(s, "| delete → removed | {} |", q(&stats.delete_to_removed));
    let share = |x: Option<f64>| x.map(percent).unwrap_or_else(|| "-".into());
    let g = &stats.grace_used;
    let _ = writeln!(s, "| grace used | {} | {} | {} | {} | {} |\n", g.count, share(g.p50), share(g.p90), share(g.p99), share(g.max));
    for (title, groups) in [("namespace", &stats.by_namespace), ("workload", &stats.by_workload), ("node", &stats.by_node)] {
        let _ = writeln!(
            s,
            "### By {title}\n\n| {title} | Pods | SIGKILL | stuck | exit p50 | exit p99 | removed p99 | grace used p99 |\n|---|---:|---:|---:|---:|---:|---:|---:|"
        );
        for gs in groups.iter() {
            let f = |x: Option<f64>| x.map(human_secs).unwrap_or_else(|| "-".into());
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                cell(&gs.key),
                gs.pods,
                gs.sigkills,
                gs.stuck,
                f(gs.delete_to_exit.p50),
                f(gs.delete_to_exit.p99),
                f(gs.delete_to_removed.p99),
                share(gs.grace_used.p99)
            );
        }
        let _ = writeln!(s);
    }
    for (title, list, value) in super::stats_table::offender_lists(stats) {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(s, "### {title}\n");
        for o in list.iter() {
            let _ = writeln!(s, "- {}: {}", cell(&o.key), value(o.value));
        }
        let _ = writeln!(s);
    }
    if !stats.recommendations.is_empty() {
        let _ = writeln!(s, "### Recommendations\n");
        for r in &stats.recommendations {
            let _ = writeln!(s, "- **{}**: {}", cell(&r.workload), cell(&r.advice));
        }
    }
    s
}
