//! `audit -o table`: the fleet statistics for a terminal.

use super::{human_secs, percent, sanitize, RenderOptions};
use crate::stats::{FleetStats, GroupStats, Offender, Quantiles};
use comfy_table::{Cell, ContentArrangement, Table};
use std::fmt::Write;

fn table(opts: &RenderOptions) -> Table {
    let mut t = super::new_table(opts);
    t.set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(w) = opts.width {
        t.set_width(w);
    }
    t
}

fn secs(x: Option<f64>) -> String {
    x.map(human_secs).unwrap_or_else(|| "-".into())
}

fn share(x: Option<f64>) -> String {
    x.map(percent).unwrap_or_else(|| "-".into())
}

fn quantile_row(name: &str, q: &Quantiles, f: fn(Option<f64>) -> String) -> Vec<Cell> {
    vec![Cell::new(name), Cell::new(q.count), Cell::new(f(q.p50)), Cell::new(f(q.p90)), Cell::new(f(q.p99)), Cell::new(f(q.max))]
}

fn groups(title: &str, gs: &[GroupStats], opts: &RenderOptions) -> String {
    let mut t = table(opts);
    t.set_header(vec![title, "PODS", "SIGKILL", "STUCK", "EXIT P50", "EXIT P99", "EXIT MAX", "REMOVED P99", "GRACE USED P99"]);
    for g in gs {
        t.add_row(vec![
            Cell::new(sanitize(&g.key)),
            Cell::new(g.pods),
            Cell::new(g.sigkills),
            Cell::new(g.stuck),
            Cell::new(secs(g.delete_to_exit.p50)),
            Cell::new(secs(g.delete_to_exit.p99)),
            Cell::new(secs(g.delete_to_exit.max)),
            Cell::new(secs(g.delete_to_removed.p99)),
            Cell::new(share(g.grace_used.p99)),
        ]);
    }
    t.to_string()
}

/// A top-offender list: its title, its entries and how a value reads.
pub(super) type OffenderList<'a> = (&'static str, &'a [Offender], fn(f64) -> String);

/// The three top-offender lists with their titles, and how each shows its
/// value: a count as it is, seconds as the tables show durations (`1m14s`,
/// `27h55m51s`; the JSON keeps them exact).
pub(super) fn offender_lists(s: &FleetStats) -> [OffenderList<'_>; 3] {
    [
        ("Most SIGKILLs", &s.top_sigkill, |n| n.to_string()),
        ("Longest stops", &s.top_longest, human_secs),
        ("Stuck, longest first (terminating, not removed, when the logs end)", &s.top_stuck, human_secs),
    ]
}

/// Renders the statistics as terminal tables.
pub fn render(s: &FleetStats, opts: &RenderOptions) -> String {
    let mut out = String::new();
    let outcomes: Vec<String> = s.outcomes.iter().map(|(k, v)| format!("{v} {k}")).collect();
    let _ = writeln!(out, "{} Pods stopped ({} seen): {}\n", s.pods_stopped, s.pods, outcomes.join(", "));
    let mut t = table(opts);
    t.set_header(vec!["", "N", "P50", "P90", "P99", "MAX"]);
    t.add_row(quantile_row("delete → exit", &s.delete_to_exit, secs));
    t.add_row(quantile_row("delete → removed", &s.delete_to_removed, secs));
    t.add_row(quantile_row("grace used", &s.grace_used, share));
    let _ = writeln!(out, "{t}\n");
    let _ = writeln!(out, "{}\n", groups("NAMESPACE", &s.by_namespace, opts));
    let _ = writeln!(out, "{}\n", groups("WORKLOAD", &s.by_workload, opts));
    let _ = writeln!(out, "{}\n", groups("NODE", &s.by_node, opts));
    for (title, list, value) in offender_lists(s) {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{title}:");
        for o in list {
            let _ = writeln!(out, "  {:<50} {}", sanitize(&o.key), value(o.value));
        }
        out.push('\n');
    }
    if !s.recommendations.is_empty() {
        let _ = writeln!(out, "Recommendations:");
        for r in &s.recommendations {
            let _ = writeln!(out, "  {}: {}", sanitize(&r.workload), sanitize(&r.advice));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offender_lists_read_as_counts_and_durations() {
        let stats = FleetStats {
            top_sigkill: vec![Offender { key: "shop/gateway".into(), value: 32.0 }],
            top_longest: vec![Offender { key: "shop/api-0".into(), value: 73.581 }],
            top_stuck: vec![Offender { key: "data/db-67 on kind-worker2".into(), value: 100551.404 }],
            ..FleetStats::default()
        };
        let out = render(&stats, &RenderOptions::default());
        let line = |key: &str| out.lines().find(|l| l.contains(key)).map(|l| l.split_whitespace().last().unwrap_or("").to_string());
        assert_eq!(line("shop/gateway").as_deref(), Some("32"));
        assert_eq!(line("shop/api-0").as_deref(), Some("1m14s"));
        assert_eq!(line("kind-worker2").as_deref(), Some("27h55m51s"), "{out}");
        let md = super::super::markdown::render_stats(&stats);
        assert!(md.contains("- data/db-67 on kind-worker2: 27h55m51s"), "{md}");
    }
}
