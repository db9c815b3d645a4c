//! `-o table` and `-o wide`: a row per Pod.
//!
//! `table` fits the width in [`RenderOptions::width`] (the terminal's, or
//! `COLUMNS`): first by hiding the least telling columns, then by wrapping
//! the Pod names and findings. `wide` is never fitted.

use super::{delete_to_exit, human_secs, outcome_color, sanitize, RenderOptions};
use crate::model::{ContainerReport, PodReport, Report};
use comfy_table::{Cell, ColumnConstraint, ContentArrangement, Table};

/// Columns of `-o table`.
const HEADER: [&str; 9] = ["POD", "NODE", "GRACE", "PRESTOP", "SIGNAL", "DELETE→EXIT", "EXIT", "OUTCOME", "FINDINGS"];

/// Columns hidden one by one, in this order, when the table is too wide.
const DROP_ORDER: [&str; 4] = ["NODE", "PRESTOP", "SIGNAL", "GRACE"];

/// Columns that are never wrapped (short values that would be unreadable split).
const NO_WRAP: [&str; 2] = ["DELETE→EXIT", "OUTCOME"];

/// Renders the Pod table (and a one-line summary).
pub fn render(report: &Report, wide: bool, opts: &RenderOptions) -> String {
    if report.pods.is_empty() {
        return "no Pod stops found\n".to_string();
    }
    let grid = Grid::of(report, wide);
    let (table, hidden) = match opts.width.filter(|_| !wide) {
        Some(width) => grid.fitted(width, opts),
        None => (grid.table(&grid.all_columns(), opts), Vec::new()),
    };
    let mut out = table.to_string();
    out.push('\n');
    let outcomes: Vec<String> = report.summary.outcomes.iter().map(|(k, v)| format!("{v} {k}")).collect();
    out.push_str(&format!("{} Pods: {}\n", report.summary.pods, outcomes.join(", ")));
    if !hidden.is_empty() {
        out.push_str(&format!("(hidden to fit: {}; -o wide shows all)\n", hidden.join(", ")));
    }
    out
}

/// The table's text before layout: a header and one row of strings per Pod.
struct Grid<'a> {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    pods: &'a [PodReport],
}

impl<'a> Grid<'a> {
    /// The cells of every Pod.
    fn of(report: &'a Report, wide: bool) -> Grid<'a> {
        let mut header = HEADER.to_vec();
        if wide {
            header.splice(1..1, ["UID", "CONTAINERS"]);
            header.extend(["TIMEOUT", "DURATION", "STOPPED BY"]);
        }
        let rows = report.pods.iter().map(|p| row(p, wide)).collect();
        Grid { header, rows, pods: &report.pods }
    }

    /// Indices of every column.
    fn all_columns(&self) -> Vec<usize> {
        (0..self.header.len()).collect()
    }

    /// A table of the given columns, laid out at its natural width.
    fn table(&self, columns: &[usize], opts: &RenderOptions) -> Table {
        let mut t = super::new_table(opts);
        t.set_content_arrangement(ContentArrangement::Disabled);
        t.set_header(columns.iter().map(|&c| self.header[c]));
        for (cells, pod) in self.rows.iter().zip(self.pods) {
            t.add_row(columns.iter().map(|&c| self.cell(c, &cells[c], pod, opts)));
        }
        t
    }

    /// A cell, coloured by outcome in the OUTCOME column when colour is on.
    fn cell(&self, column: usize, text: &str, pod: &PodReport, opts: &RenderOptions) -> Cell {
        let cell = Cell::new(text);
        if opts.color && self.header[column] == "OUTCOME" {
            cell.fg(outcome_color(pod.outcome))
        } else {
            cell
        }
    }

    /// The table fitted to `width`: columns hidden in [`DROP_ORDER`] until it
    /// fits, then wrapped. Returns the names of the hidden columns.
    fn fitted(&self, width: u16, opts: &RenderOptions) -> (Table, Vec<&'static str>) {
        let mut columns = self.all_columns();
        let mut hidden = Vec::new();
        for name in DROP_ORDER {
            if natural_width(&self.table(&columns, opts)) <= usize::from(width) {
                return (self.table(&columns, opts), hidden);
            }
            columns.retain(|&c| self.header[c] != name);
            hidden.push(name);
        }
        let t = self.table(&columns, opts);
        if natural_width(&t) <= usize::from(width) {
            return (t, hidden);
        }
        let wrapped = self.wrapped(&columns, width, true, opts);
        if natural_width(&wrapped) <= usize::from(width) {
            return (wrapped, hidden);
        }
        (self.wrapped(&columns, width, false, opts), hidden)
    }

    /// The table wrapped to `width`, keeping [`NO_WRAP`] columns whole when `keep_short`.
    fn wrapped(&self, columns: &[usize], width: u16, keep_short: bool, opts: &RenderOptions) -> Table {
        let mut t = self.table(columns, opts);
        t.set_width(width);
        t.set_content_arrangement(ContentArrangement::Dynamic);
        for (i, &c) in columns.iter().enumerate() {
            if keep_short && NO_WRAP.contains(&self.header[c]) {
                if let Some(col) = t.column_mut(i) {
                    col.set_constraint(ColumnConstraint::ContentWidth);
                }
            }
        }
        t
    }
}

/// Display width of a table laid out without wrapping (its top border is one
/// box-drawing character per column of the terminal).
fn natural_width(t: &Table) -> usize {
    t.to_string().lines().next().map_or(0, |l| l.chars().count())
}

/// The cells of one Pod, in header order.
fn row(p: &PodReport, wide: bool) -> Vec<String> {
    let join = |f: &dyn Fn(&ContainerReport) -> Option<String>| -> String {
        let mut v: Vec<String> = p.containers.iter().filter_map(f).collect();
        v.dedup();
        if v.is_empty() {
            "-".into()
        } else {
            v.join(",")
        }
    };
    let mut kinds: Vec<&str> = p.findings.iter().map(|f| f.kind.name()).collect();
    kinds.dedup();
    let mut row = vec![
        sanitize(&p.display_name()),
        sanitize(p.node.as_deref().unwrap_or("-")),
        p.grace_period_s.map(|g| format!("{g}s")).unwrap_or_else(|| "-".into()),
        join(&|c| c.prestop_s.map(human_secs)),
        sanitize(&join(&|c| c.stop_signal.clone())),
        delete_to_exit(p).map(human_secs).unwrap_or_else(|| "-".into()),
        join(&|c| c.exit_code.map(|e| e.to_string())),
        p.outcome.name().to_string(),
        if kinds.is_empty() { "-".to_string() } else { kinds.join(", ") },
    ];
    if wide {
        let ids = join(&|c| c.id.as_ref().map(|i| format!("{}:{}", c.name.as_deref().unwrap_or("?"), super::short_id(i))));
        row.splice(1..1, [sanitize(p.uid.as_deref().unwrap_or("-")), sanitize(&ids)]);
        row.push(join(&|c| c.stop_timeout_s.map(|t| format!("{t}s"))));
        row.push(p.duration_s.map(human_secs).unwrap_or_else(|| "-".into()));
        row.push(sanitize(&super::stopped_by(p)));
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Outcome, Summary};

    fn pod(name: &str) -> PodReport {
        PodReport {
            namespace: Some("default".into()),
            name: Some(name.into()),
            uid: None,
            node: Some("kind-control-plane".into()),
            owner: None,
            grace_period_s: Some(30),
            deletion: None,
            outcome: Outcome::Graceful,
            duration_s: None,
            logs_end: None,
            containers: Vec::new(),
            stages: Vec::new(),
            findings: Vec::new(),
        }
    }

    fn report(pods: Vec<PodReport>) -> Report {
        let summary = Summary::of(&pods);
        Report { schema: crate::model::SCHEMA, inputs: Vec::new(), pods, summary, warnings: Vec::new(), node_dirs: Vec::new() }
    }

    fn widest(text: &str) -> usize {
        text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
    }

    #[test]
    fn fits_the_width_by_hiding_then_wrapping() {
        let r = report(vec![pod("a-rather-long-pod-name-from-a-statefulset-0"), pod("web-0")]);
        for width in [30u16, 50, 70, 90, 120] {
            let text = render(&r, false, &RenderOptions { color: false, width: Some(width) });
            let table: String = text.lines().take_while(|l| !l.contains("Pods:")).collect::<Vec<_>>().join("\n");
            assert!(widest(&table) <= usize::from(width), "width {width}:\n{text}");
            assert!(text.contains("graceful"), "{text}");
        }
    }

    #[test]
    fn says_which_columns_are_hidden() {
        let r = report(vec![pod("web-0")]);
        let text = render(&r, false, &RenderOptions { color: false, width: Some(60) });
        assert!(text.contains("NODE") && text.contains("hidden to fit: NODE"), "{text}");
        let full = render(&r, false, &RenderOptions { color: false, width: Some(300) });
        assert!(!full.contains("hidden"), "{full}");
    }

    #[test]
    fn wide_ignores_the_width() {
        let r = report(vec![pod("web-0")]);
        let text = render(&r, true, &RenderOptions { color: false, width: Some(40) });
        assert!(widest(&text) > 40 && text.contains("UID") && !text.contains("hidden"));
    }

    #[test]
    fn colour_only_when_asked() {
        let r = report(vec![pod("web-0")]);
        assert!(render(&r, false, &RenderOptions { color: true, width: None }).contains('\u{1b}'));
        assert!(!render(&r, false, &RenderOptions { color: false, width: None }).contains('\u{1b}'));
    }
}
