//! `-o html`: one self-contained page (inline CSS, JS and SVG; nothing is
//! fetched) with a fleet view on top — outcome counts, a histogram of stop
//! durations, a sortable and filterable Pod table — and, per Pod, a lane
//! chart of its stop against the grace deadline, with hover details and the
//! evidence of every stage and finding.
//!
//! Safety: everything that comes from logs or names is either escaped
//! ([`escape`]) into the static HTML, or embedded as JSON data
//! ([`script_json`]: no `<`, `>`, `&`, U+2028/2029 left in it) that the page's
//! script writes with `textContent`/`setAttribute` only. A Content Security
//! Policy allows exactly the page's own script and style (by SHA-256), no
//! network, so even a missed escape could not run script.

use super::lanes::{self, Chart, LaneKind, Tone, STAGES};
use super::{delete_to_exit, human_secs, sanitize, short_id};
use crate::model::{Outcome, PodReport, Report};
use crate::stats::{FleetStats, GroupStats, Offender, Quantiles};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// Outcomes from the most to the least severe (the contract's precedence).
const OUTCOMES: [Outcome; 8] = [
    Outcome::Stuck,
    Outcome::OomKilled,
    Outcome::Sigkill,
    Outcome::SignalExit,
    Outcome::ErrorExit,
    Outcome::Incomplete,
    Outcome::Graceful,
    Outcome::Running,
];

/// Statistics tables longer than this start folded.
const FOLD_ROWS: usize = 12;

/// Up to this many Pods, every Pod's chart and stage table is drawn at once;
/// above it, a Pod's details are drawn when it comes near the screen and its
/// stage table when opened.
const EAGER_PODS: usize = 100;

/// Renders the self-contained HTML report; `stats` (from `audit`) adds the fleet statistics.
pub fn render(report: &Report, stats: Option<&FleetStats>) -> String {
    let mut body = String::with_capacity(64 * 1024);
    header(&mut body, report);
    fleet(&mut body, report);
    if let Some(s) = stats {
        stats_section(&mut body, s);
    }
    pod_table(&mut body, report);
    charts_section(&mut body);
    inputs_section(&mut body, report);
    let data = script_json(&serde_json::to_string(&PageData::of(report)).unwrap_or_else(|_| "{\"pods\":[]}".into()));
    page(&body, &data)
}

/// The document around the body: CSP, style, data and script.
fn page(body: &str, data: &str) -> String {
    let csp = format!(
        "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}'; img-src data:; base-uri 'none'; form-action 'none'",
        base64(&sha256(SCRIPT.as_bytes())),
        base64(&sha256(STYLE.as_bytes()))
    );
    let mut out = String::with_capacity(body.len() + data.len() + SCRIPT.len() + STYLE.len() + 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(out, "<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"generator\" content=\"podmortem\">\n<title>podmortem report</title>\n");
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    out.push_str("<div id=\"js-errors\" role=\"alert\" hidden></div>\n");
    out.push_str(
        "<noscript><p class=\"noscript\">The Pod table and the charts are drawn by the page's inline script; \
                  <code>podmortem -o table</code> or <code>--pod</code> show the same in a terminal.</p></noscript>\n",
    );
    out.push_str(body);
    out.push_str("<div id=\"tip\" role=\"tooltip\" hidden></div>\n");
    let _ = writeln!(out, "<script type=\"application/json\" id=\"pm-data\">{data}</script>");
    let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>");
    out
}

/// Escapes text for HTML text and attribute values (`& < > " '`); control
/// characters (terminal escapes) are shown as `\u{1b}`, as in the terminal views.
pub fn escape(s: &str) -> String {
    let s = sanitize(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Makes serialized JSON safe inside a `<script>` element: `<`, `>`, `&`
/// and U+2028/U+2029 become `\uXXXX` escapes (they can only occur inside
/// JSON strings, so the JSON means the same), so no `</script>` or `<!--`
/// can appear.
pub fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------- static parts

fn header(out: &mut String, report: &Report) {
    let pods = report.summary.pods;
    let _ = write!(
        out,
        "<header class=\"top\"><h1>podmortem</h1><p class=\"sub\">How {pods} Pod{} stopped, reconstructed from {} input{} \
         <span class=\"muted\">· {}</span> <span id=\"render-ms\" class=\"muted\"></span></p></header>\n<main>\n",
        plural(pods),
        report.inputs.len(),
        plural(report.inputs.len()),
        escape(report.schema)
    );
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Outcome cards, finding chips and the histogram of stop durations.
fn fleet(out: &mut String, report: &Report) {
    out.push_str("<section id=\"fleet\"><h2>Fleet</h2><div class=\"fleet\"><div>\n<div class=\"cards\">");
    let _ = write!(out, "<button type=\"button\" class=\"card all\" data-outcome=\"\"><b>{}</b>Pods</button>", report.summary.pods);
    for o in OUTCOMES {
        if let Some(n) = report.summary.outcomes.get(o.name()).filter(|n| **n > 0) {
            let name = o.name();
            let _ = write!(out, "<button type=\"button\" class=\"card o-{name}\" data-outcome=\"{name}\"><b>{n}</b>{name}</button>");
        }
    }
    out.push_str("</div>\n<div class=\"chips\">");
    let found: Vec<(&&str, &usize)> = report.summary.findings.iter().filter(|(_, n)| **n > 0).collect();
    if found.is_empty() {
        out.push_str("<span class=\"muted\">no findings</span>");
    }
    for (kind, n) in found {
        let k = escape(kind);
        let _ = write!(out, "<button type=\"button\" class=\"chip\" data-find=\"{k}\">{k} <b>{n}</b></button>");
    }
    out.push_str("</div></div>\n<figure class=\"hist\">");
    histogram(out, report);
    out.push_str("</figure></div></section>\n");
}

/// Bins of delete → exit durations, stacked by outcome.
struct Bins {
    /// Width of a bin, seconds.
    step: f64,
    /// Per bin, Pods per outcome.
    counts: Vec<BTreeMap<Outcome, usize>>,
    /// True when the last bin holds everything from its start up (outliers).
    overflow: bool,
    /// Pods plotted.
    total: usize,
}

impl Bins {
    fn of(values: &[(f64, Outcome)]) -> Bins {
        let mut v: Vec<f64> = values.iter().map(|(x, _)| *x).collect();
        v.sort_by(f64::total_cmp);
        let max = v.last().copied().unwrap_or(0.0);
        let p95 = v.get(((v.len() as f64 * 0.95).ceil() as usize).saturating_sub(1)).copied().unwrap_or(max);
        let overflow = v.len() >= 20 && max > 3.0 * p95 && p95 > 0.0;
        let hi = if overflow { p95 } else { max };
        let step = lanes::nice_step((hi / 20.0).max(0.1));
        let n = ((hi / step).floor() as usize + 1).clamp(1, 200);
        let mut counts = vec![BTreeMap::new(); n];
        for (x, o) in values {
            let i = ((x / step).floor().max(0.0) as usize).min(n - 1);
            *counts[i].entry(*o).or_insert(0) += 1;
        }
        Bins { step, counts, overflow, total: values.len() }
    }
}

fn histogram(out: &mut String, report: &Report) {
    let values: Vec<(f64, Outcome)> = report
        .pods
        .iter()
        .filter(|p| p.outcome != Outcome::Running)
        .filter_map(|p| delete_to_exit(p).map(|x| (x.max(0.0), p.outcome)))
        .collect();
    if values.is_empty() {
        out.push_str("<p class=\"muted\">No delete → exit durations to plot.</p>");
        return;
    }
    let bins = Bins::of(&values);
    let (w, h, x0, y0, y1) = (560.0, 200.0, 44.0, 16.0, 160.0);
    let bw = (w - x0 - 10.0) / bins.counts.len() as f64;
    let top = bins.counts.iter().map(|c| c.values().sum::<usize>()).max().unwrap_or(1).max(1);
    let _ = write!(out, "<svg id=\"histogram\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"histogram of delete to exit durations\">");
    let _ = write!(out, "<line class=\"axis\" x1=\"{x0}\" x2=\"{}\" y1=\"{y1}\" y2=\"{y1}\"/>", w - 10.0);
    let _ = write!(
        out,
        "<text class=\"ylab\" x=\"{}\" y=\"{}\">{top}</text><text class=\"ylab\" x=\"{}\" y=\"{y1}\">0</text>",
        x0 - 6.0,
        y0 + 4.0,
        x0 - 6.0
    );
    for (i, c) in bins.counts.iter().enumerate() {
        histogram_bar(out, &bins, i, c, (x0 + i as f64 * bw, bw, y0, y1, top));
    }
    let every = bins.counts.len().div_ceil(8).max(1);
    for i in (0..=bins.counts.len()).step_by(every) {
        let x = x0 + i as f64 * bw;
        let label = lanes::tick_label(i as f64 * bins.step);
        let _ = write!(out, "<text class=\"xlab\" x=\"{x:.1}\" y=\"{}\">{label}</text>", y1 + 16.0);
    }
    let more = if bins.overflow { " (last bar: that long or longer)" } else { "" };
    let _ = write!(
        out,
        "<text class=\"cap\" x=\"{x0}\" y=\"{}\">delete → last container exit, {} Pod{}{more}; click a bar to filter</text></svg>",
        h - 6.0,
        bins.total,
        plural(bins.total)
    );
}

fn histogram_bar(out: &mut String, bins: &Bins, i: usize, c: &BTreeMap<Outcome, usize>, geo: (f64, f64, f64, f64, usize)) {
    let (x, bw, y0, y1, top) = geo;
    let lo = i as f64 * bins.step;
    let last = i + 1 == bins.counts.len();
    let hi = if last && bins.overflow { f64::MAX } else { lo + bins.step };
    let n: usize = c.values().sum();
    let range = if hi == f64::MAX {
        format!("≥ {}", lanes::tick_label(lo))
    } else {
        format!("{}–{}", lanes::tick_label(lo), lanes::tick_label(hi))
    };
    let parts: Vec<String> = OUTCOMES.iter().filter_map(|o| c.get(o).map(|k| format!("{k} {}", o.name()))).collect();
    let hi_attr = if hi == f64::MAX { "inf".to_string() } else { format!("{hi}") };
    let _ = write!(
        out,
        "<g class=\"bin\" data-lo=\"{lo}\" data-hi=\"{hi_attr}\"><title>{range}: {n} Pod{} ({})</title>",
        plural(n),
        parts.join(", ")
    );
    let _ = write!(out, "<rect class=\"hit\" x=\"{x:.1}\" y=\"{y0}\" width=\"{bw:.1}\" height=\"{}\"/>", y1 - y0);
    let mut y = y1;
    for o in OUTCOMES.iter().rev() {
        if let Some(k) = c.get(o) {
            let bh = (y1 - y0) * *k as f64 / top as f64;
            y -= bh;
            let _ = write!(
                out,
                "<rect class=\"bar o-{}\" x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\"/>",
                o.name(),
                x + 1.0,
                (bw - 2.0).max(1.0)
            );
        }
    }
    out.push_str("</g>");
}

/// The fleet statistics of `audit`: quantiles, offenders, recommendations, groups.
fn stats_section(out: &mut String, s: &FleetStats) {
    let _ = write!(
        out,
        "<section id=\"stats\"><h2>Fleet statistics <span class=\"muted\">({} of {} Pods stopped)</span></h2>",
        s.pods_stopped, s.pods
    );
    out.push_str("<div class=\"grid2\"><div><h3>Stop durations</h3><table class=\"q\"><thead><tr><th></th><th class=\"num\">n</th><th class=\"num\">p50</th><th class=\"num\">p90</th><th class=\"num\">p99</th><th class=\"num\">max</th></tr></thead><tbody>");
    quantile_row(out, "delete → exit", &s.delete_to_exit, false);
    quantile_row(out, "delete → removed", &s.delete_to_removed, false);
    quantile_row(out, "grace period used", &s.grace_used, true);
    out.push_str("</tbody></table></div><div><h3>Top offenders</h3>");
    offenders(out, "most SIGKILLs (workloads)", &s.top_sigkill, false);
    offenders(out, "longest stops (Pods)", &s.top_longest, true);
    offenders(out, "stuck terminating", &s.top_stuck, true);
    out.push_str("</div></div>");
    recommendations(out, s);
    groups(out, "By namespace", &s.by_namespace);
    groups(out, "By workload", &s.by_workload);
    groups(out, "By node", &s.by_node);
    out.push_str("</section>\n");
}

fn quantile_row(out: &mut String, label: &str, q: &Quantiles, share: bool) {
    let f = |x: Option<f64>| match x {
        Some(v) if share => format!("{:.0}%", v * 100.0),
        Some(v) => human_secs(v),
        None => "–".into(),
    };
    let _ = write!(
        out,
        "<tr><th>{label}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        q.count,
        f(q.p50),
        f(q.p90),
        f(q.p99),
        f(q.max)
    );
}

fn offenders(out: &mut String, title: &str, list: &[Offender], secs: bool) {
    let _ = write!(out, "<h4>{title}</h4>");
    if list.is_empty() {
        out.push_str("<p class=\"muted\">none</p>");
        return;
    }
    out.push_str("<ol class=\"offenders\">");
    for o in list {
        let v = if secs { human_secs(o.value) } else { format!("{}", o.value) };
        let _ = write!(out, "<li><span>{}</span> <b>{v}</b></li>", escape(&o.key));
    }
    out.push_str("</ol>");
}

fn recommendations(out: &mut String, s: &FleetStats) {
    if s.recommendations.is_empty() {
        out.push_str("<h3>Recommendations</h3><p class=\"muted\">none: every workload stopped within its grace period</p>");
        return;
    }
    let open = if s.recommendations.len() <= FOLD_ROWS { " open" } else { "" };
    let _ = write!(
        out,
        "<details class=\"groups\"{open}><summary>Recommendations ({})</summary><div class=\"scroll\">",
        s.recommendations.len()
    );
    out.push_str("<table class=\"sortable recs\"><thead><tr><th>workload</th><th>grace</th><th>p99 delete → exit</th><th>suggested grace</th><th>advice</th></tr></thead><tbody>");
    for r in &s.recommendations {
        let g = r.grace_period_s.map(|g| format!("{g}s")).unwrap_or_else(|| "–".into());
        let p99 = r.observed_p99_s.map(human_secs).unwrap_or_else(|| "–".into());
        let sg = r.suggested_grace_s.map(|g| format!("{g}s")).unwrap_or_else(|| "–".into());
        let _ = write!(out, "<tr><td>{}<td>{g}<td>{p99}<td>{sg}<td>{}</tr>", escape(&r.workload), escape(&r.advice));
    }
    out.push_str("</tbody></table></div></details>");
}

fn groups(out: &mut String, title: &str, list: &[GroupStats]) {
    let open = if list.len() <= FOLD_ROWS { " open" } else { "" };
    let _ = write!(out, "<details class=\"groups\"{open}><summary>{title} ({})</summary><div class=\"scroll\">", list.len());
    out.push_str("<table class=\"sortable grp\"><thead><tr><th>name</th><th>Pods</th><th>outcomes</th><th>SIGKILLs</th><th>stuck</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr></thead><tbody>");
    let f = |x: Option<f64>| x.map(human_secs).unwrap_or_else(|| "–".into());
    for g in list {
        let outcomes: Vec<String> = g.outcomes.iter().map(|(k, v)| format!("{v} {k}")).collect();
        let q = &g.delete_to_exit;
        let _ = write!(
            out,
            "<tr><td>{}<td>{}<td>{}<td>{}<td>{}<td>{}<td>{}<td>{}<td>{}</tr>",
            escape(&g.key),
            g.pods,
            escape(&outcomes.join(", ")),
            g.sigkills,
            g.stuck,
            f(q.p50),
            f(q.p90),
            f(q.p99),
            f(q.max)
        );
    }
    out.push_str("</tbody></table></div></details>");
}

/// The Pod table's frame and controls; the page's script fills the rows.
fn pod_table(out: &mut String, report: &Report) {
    out.push_str("<section id=\"pods\"><h2>Pods</h2><div class=\"controls\">");
    out.push_str("<input id=\"q\" type=\"search\" placeholder=\"filter by name, node, outcome, finding…\" aria-label=\"filter Pods\">");
    out.push_str("<select id=\"outcome\" aria-label=\"outcome\"><option value=\"\">every outcome</option>");
    for o in OUTCOMES {
        if report.summary.outcomes.get(o.name()).is_some_and(|n| *n > 0) {
            let _ = write!(out, "<option value=\"{0}\">{0}</option>", o.name());
        }
    }
    out.push_str(
        "</select><button type=\"button\" id=\"range\" class=\"chip\" hidden></button><span id=\"shown\" class=\"muted\"></span></div>",
    );
    out.push_str("<div class=\"table-wrap\" id=\"table-wrap\"><table id=\"pod-table\"><colgroup>");
    out.push_str("<col><col class=\"w-node\"><col class=\"w-o\"><col class=\"w-n\"><col class=\"w-n\"><col class=\"w-n2\"><col class=\"w-n2\"><col class=\"w-fk\">");
    out.push_str("</colgroup><thead><tr>");
    let cols = [
        ("n", "Pod", ""),
        ("node", "Node", ""),
        ("o", "Outcome", ""),
        ("g", "Grace", "num"),
        ("pre", "preStop", "num"),
        ("dx", "Delete → exit", "num"),
        ("mg", "To deadline", "num"),
        ("fk", "Findings", ""),
    ];
    for (key, label, class) in cols {
        let _ = write!(out, "<th data-key=\"{key}\" class=\"{class}\" title=\"sort\">{label}</th>");
    }
    out.push_str("</tr></thead><tbody id=\"pod-rows\"></tbody></table></div></section>\n");
}

fn charts_section(out: &mut String) {
    out.push_str(
        "<section id=\"stops\"><h2>Each stop against its deadline</h2>\
         <p class=\"legend\"><span class=\"lg dot\"></span>a stage (hover for time and evidence) \
         <span class=\"lg bar\"></span>between stages <span class=\"lg open\"></span>no end seen \
         <span class=\"lg kill\"></span>SIGKILL <span class=\"lg dl\"></span>grace deadline (delete + grace period) \
         <span class=\"lg past\"></span>past the deadline</p><div id=\"charts\"></div></section>\n",
    );
}

fn inputs_section(out: &mut String, report: &Report) {
    out.push_str("<section id=\"inputs\"><h2>Inputs and warnings</h2>");
    if report.warnings.is_empty() {
        out.push_str("<p class=\"muted\">no warnings</p>");
    } else {
        out.push_str("<ul class=\"warnings\">");
        for w in &report.warnings {
            let _ = write!(out, "<li>{}</li>", escape(w));
        }
        out.push_str("</ul>");
    }
    let _ = write!(out, "<details><summary>{} input{}</summary><table><thead><tr><th>path</th><th>formats</th><th class=\"num\">lines</th><th class=\"num\">recognized</th><th class=\"num\">skipped</th></tr></thead><tbody>", report.inputs.len(), plural(report.inputs.len()));
    for i in &report.inputs {
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&i.path),
            escape(&i.formats.join(", ")),
            i.lines,
            i.recognized,
            i.skipped
        );
    }
    out.push_str("</tbody></table></details></section>\n</main>\n");
}

// ---------------------------------------------------------------- page data

/// What the page's script draws from, with short keys (a 2,000-Pod audit
/// must stay small). Every string from logs is [`sanitize`]d.
#[derive(Serialize)]
struct PageData {
    /// Per stage index: contract name, label.
    stages: Vec<(&'static str, &'static str)>,
    /// Per lane kind: key, label.
    lanes: Vec<(&'static str, &'static str)>,
    /// Paths of evidence files, referred to by index.
    files: Vec<String>,
    /// Draw everything at once up to this many Pods.
    eager: usize,
    pods: Vec<PodData>,
}

/// `[stage, seconds, time, container, file, line, detail]`.
type StageRow = (usize, f64, String, Option<String>, usize, u64, Option<String>);
/// `[lane kind, container, [[from, to, open]], [stage rows], summary, tone]`.
type LaneRow = (usize, Option<String>, Vec<(f64, f64, u8)>, Vec<usize>, String, &'static str);
/// `[name, short id, signal, preStop s, stop timeout s, exit code]`.
type ContainerRow = (Option<String>, Option<String>, Option<String>, Option<f64>, Option<i64>, Option<i32>);
/// `[kind, severity, container, message, [[file, line]]]`.
type FindingRow = (&'static str, &'static str, Option<String>, String, Vec<(usize, u64)>);

#[derive(Serialize)]
struct PodData {
    n: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    ns: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    node: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uid: Option<String>,
    o: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    g: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dur: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dx: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mg: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pre: Option<f64>,
    fk: Vec<&'static str>,
    v: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    z: Option<String>,
    zd: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    ax: Option<(f64, f64)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dl: Option<f64>,
    tk: Vec<f64>,
    st: Vec<StageRow>,
    ln: Vec<LaneRow>,
    ct: Vec<ContainerRow>,
    fd: Vec<FindingRow>,
}

/// Evidence files, each path stored once.
#[derive(Default)]
struct Files {
    index: HashMap<String, usize>,
    paths: Vec<String>,
}

impl Files {
    /// `path:line` as (file index, line); a source without a line number keeps it whole with line 0.
    fn source(&mut self, src: &str) -> (usize, u64) {
        let (path, line) = match src.rsplit_once(':') {
            Some((p, l)) if !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) => (p, l.parse().unwrap_or(0)),
            _ => (src, 0),
        };
        if let Some(i) = self.index.get(path) {
            return (*i, line);
        }
        self.paths.push(sanitize(path));
        self.index.insert(path.to_string(), self.paths.len() - 1);
        (self.paths.len() - 1, line)
    }
}

impl PageData {
    fn of(report: &Report) -> PageData {
        let mut files = Files::default();
        let pods = report.pods.iter().map(|p| PodData::of(p, &mut files)).collect();
        PageData {
            stages: STAGES.iter().map(|s| (s.name(), lanes::stage_label(*s))).collect(),
            lanes: LaneKind::ALL.iter().map(|l| (l.key(), l.label())).collect(),
            files: files.paths,
            eager: EAGER_PODS,
            pods,
        }
    }
}

/// Rounds to milliseconds (what the chart can show), keeping the JSON short.
fn ms(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn opt_s(s: Option<&String>) -> Option<String> {
    s.map(|x| sanitize(x))
}

impl PodData {
    fn of(p: &PodReport, files: &mut Files) -> PodData {
        let chart = Chart::of(p);
        let st = stage_rows(p, chart.as_ref(), files);
        let ln = chart.as_ref().map(|c| lane_rows(p, c)).unwrap_or_default();
        PodData {
            n: sanitize(&p.display_name()),
            ns: opt_s(p.namespace.as_ref()),
            node: opt_s(p.node.as_ref()),
            uid: opt_s(p.uid.as_ref()),
            o: p.outcome.name(),
            g: p.grace_period_s,
            why: p.deletion.as_ref().map(|d| d.reason),
            by: p.deletion.as_ref().and_then(|d| opt_s(d.by.as_ref())),
            dur: p.duration_s.map(ms),
            dx: delete_to_exit(p).map(ms),
            mg: chart.as_ref().and_then(Chart::margin).map(ms),
            pre: p.containers.iter().filter_map(|c| c.prestop_s).reduce(f64::max).map(ms),
            fk: p.findings.iter().map(|f| f.kind.name()).collect(),
            v: sanitize(&lanes::verdict(p)),
            z: chart.as_ref().map(|c| c.zero.to_string()),
            zd: u8::from(chart.as_ref().is_some_and(|c| c.from_delete)),
            ax: chart.as_ref().map(|c| (ms(c.start), ms(c.end))),
            dl: chart.as_ref().and_then(|c| c.deadline),
            tk: chart.as_ref().map(|c| c.ticks(8).into_iter().map(ms).collect()).unwrap_or_default(),
            st,
            ln,
            ct: p.containers.iter().map(container_row).collect(),
            fd: p.findings.iter().map(|f| finding_row(f, files)).collect(),
        }
    }
}

fn stage_rows(p: &PodReport, chart: Option<&Chart>, files: &mut Files) -> Vec<StageRow> {
    p.stages
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (file, line) = files.source(&s.source);
            let t = chart.and_then(|c| c.times.get(i)).copied().unwrap_or(0.0);
            (lanes::stage_index(s.stage), ms(t), s.at.to_string(), opt_s(s.container.as_ref()), file, line, opt_s(s.detail.as_ref()))
        })
        .collect()
}

fn lane_rows(p: &PodReport, chart: &Chart) -> Vec<LaneRow> {
    chart
        .lanes
        .iter()
        .map(|l| {
            let kind = LaneKind::ALL.iter().position(|k| *k == l.kind).unwrap_or(0);
            let spans = l.spans.iter().map(|s| (ms(s.from), ms(s.to), u8::from(s.open))).collect();
            let tone = match l.tone(p) {
                Tone::Good => "good",
                Tone::Warn => "warn",
                Tone::Bad => "bad",
                Tone::Plain => "",
            };
            (kind, opt_s(l.container.as_ref()), spans, l.marks.clone(), sanitize(&l.summary), tone)
        })
        .collect()
}

fn container_row(c: &crate::model::ContainerReport) -> ContainerRow {
    (
        opt_s(c.name.as_ref()),
        c.id.as_deref().map(|id| sanitize(short_id(id))),
        opt_s(c.stop_signal.as_ref()),
        c.prestop_s.map(ms),
        c.stop_timeout_s,
        c.exit_code,
    )
}

fn finding_row(f: &crate::model::Finding, files: &mut Files) -> FindingRow {
    let severity = match f.severity {
        crate::model::Severity::Error => "error",
        crate::model::Severity::Warning => "warning",
        crate::model::Severity::Info => "info",
    };
    let evidence = f.evidence.iter().map(|e| files.source(e)).collect();
    (f.kind.name(), severity, opt_s(f.container.as_ref()), sanitize(&f.message), evidence)
}

// ---------------------------------------------------------------- CSP hashes

/// SHA-256 (FIPS 180-4), for the CSP hashes of the page's own script and style.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h: [u32; 8] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_be_bytes());
    for block in msg.chunks_exact(64) {
        sha256_block(&mut h, block);
    }
    let mut out = [0u8; 32];
    for (i, word) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    out
}

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
    0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
    0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
    0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
    0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
    0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

fn sha256_block(h: &mut [u32; 8], block: &[u8]) {
    let mut w = [0u32; 64];
    for (i, c) in block.chunks_exact(4).enumerate() {
        w[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
    }
    for i in 16..64 {
        let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
        let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
    }
    let mut v = *h;
    for i in 0..64 {
        let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
        let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
        let t1 = v[7].wrapping_add(s1).wrapping_add(ch).wrapping_add(K[i]).wrapping_add(w[i]);
        let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
        let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
        let t2 = s0.wrapping_add(maj);
        v = [t1.wrapping_add(t2), v[0], v[1], v[2], v[3].wrapping_add(t1), v[4], v[5], v[6]];
    }
    for (a, b) in h.iter_mut().zip(v) {
        *a = a.wrapping_add(b);
    }
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

// ---------------------------------------------------------------- style and script

/// The page's whole style sheet.
const STYLE: &str = r##"
:root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--panel:#f8fafc;--good:#15803d;--bad:#dc2626;--warn:#b45309}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:#fff}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
header.top{display:flex;align-items:baseline;gap:18px;padding:16px 28px 12px;border-bottom:1px solid var(--line);background:var(--panel)}
header.top h1{margin:0;font-size:22px;letter-spacing:-.01em}
header.top .sub{margin:0;color:#374151}
main{padding:0 28px 48px;max-width:1440px}
h2{font-size:17px;margin:26px 0 10px}
h3{font-size:15px;margin:14px 0 6px}
h4{font-size:13px;margin:10px 0 4px;color:var(--muted);font-weight:600}
.muted{color:var(--muted)}
.good{color:var(--good)}.bad{color:var(--bad)}.warn{color:var(--warn)}
.noscript,#js-errors{margin:0;padding:10px 28px;background:#fee2e2;color:#7f1d1d;font-family:ui-monospace,monospace;white-space:pre-wrap}
.o-stuck{--c:#7f1d1d}.o-oom_killed{--c:#9333ea}.o-sigkill{--c:#dc2626}.o-signal_exit{--c:#ea580c}
.o-error_exit{--c:#d97706}.o-incomplete{--c:#64748b}.o-graceful{--c:#16a34a}.o-running{--c:#94a3b8}
.badge{display:inline-block;padding:1px 9px;border-radius:10px;background:var(--c);color:#fff;font-size:12px;font-weight:600;vertical-align:1px}
.fleet{display:flex;gap:28px;flex-wrap:wrap;align-items:flex-start}
.cards{display:flex;gap:10px;flex-wrap:wrap}
.card{font:inherit;text-align:left;min-width:112px;padding:8px 14px;border:1px solid var(--line);border-left:6px solid var(--c,#334155);border-radius:7px;background:#fff;cursor:pointer;color:var(--fg)}
.card b{display:block;font-size:24px;line-height:1.1}
.card:hover,.chip:hover{background:var(--panel)}
.card.on{outline:2px solid var(--c,#334155)}
.chips{display:flex;gap:6px;flex-wrap:wrap;margin-top:12px;max-width:520px}
.chip{font:inherit;font-size:12.5px;padding:2px 10px;border:1px solid var(--line);border-radius:12px;background:#fff;cursor:pointer;color:var(--fg)}
figure.hist{margin:0;flex:1;min-width:420px;max-width:640px}
#histogram{width:100%;height:auto;display:block}
#histogram .bar{fill:var(--c)}
#histogram .hit{fill:transparent;cursor:pointer}
#histogram .bin:hover .hit{fill:#f1f5f9}
#histogram .axis{stroke:#9ca3af}
#histogram text{font-size:11px;fill:var(--muted)}
#histogram .ylab{text-anchor:end}
#histogram .xlab{text-anchor:middle}
#histogram .cap{font-size:11.5px;fill:#374151}
.grid2{display:grid;grid-template-columns:minmax(320px,1fr) minmax(320px,1fr);gap:28px}
table{border-collapse:collapse;width:100%}
th,td{padding:4px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:var(--panel);font-weight:600;font-size:12.5px;color:#374151;position:sticky;top:0}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
ol.offenders{margin:0;padding-left:22px}
ol.offenders b{font-variant-numeric:tabular-nums}
details.groups{margin:10px 0}
details.groups .scroll{max-height:340px;overflow:auto;border:1px solid var(--line);border-radius:6px;margin-top:6px}
details>summary{cursor:pointer;font-weight:600}
.controls{display:flex;gap:10px;align-items:center;margin:4px 0 8px;flex-wrap:wrap}
.controls input{font:inherit;padding:5px 9px;width:320px;border:1px solid #cbd5e1;border-radius:6px}
.controls select{font:inherit;padding:4px 6px;border:1px solid #cbd5e1;border-radius:6px;background:#fff}
.table-wrap{max-height:560px;overflow:auto;border:1px solid var(--line);border-radius:6px}
#pod-table{table-layout:fixed}
#pod-table td{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;height:30px;padding-top:0;padding-bottom:0;vertical-align:middle}
#pod-table tr.pad td{padding:0;border:0}
#pod-table .w-node{width:19%}#pod-table .w-o{width:106px}#pod-table .w-n{width:82px}#pod-table .w-n2{width:126px}#pod-table .w-fk{width:16%}
#pod-table th[data-key]{cursor:pointer;user-select:none;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
th[aria-sort=ascending]::after{content:" ▲";font-size:10px}
th[aria-sort=descending]::after{content:" ▼";font-size:10px}
table.sortable th{cursor:pointer;user-select:none}
table.grp td:nth-child(2),table.grp td:nth-child(n+4),table.grp th:nth-child(2),table.grp th:nth-child(n+4){text-align:right;font-variant-numeric:tabular-nums}
table.recs td:nth-child(n+2):nth-child(-n+4),table.recs th:nth-child(n+2):nth-child(-n+4){text-align:right;font-variant-numeric:tabular-nums}
#pod-table tbody tr:hover{background:#f8fafc}
#pod-table a{color:#1d4ed8;text-decoration:none;font-weight:600}
#pod-table a:hover{text-decoration:underline}
.fk{font-size:12.5px}
.legend{color:#374151;font-size:12.5px}
.lg{display:inline-block;width:18px;height:10px;margin:0 4px 0 14px;vertical-align:0}
.lg:first-child{margin-left:0}
.lg.dot{width:10px;border-radius:50%;background:#0d9488}
.lg.bar{background:#0d9488;border-radius:3px}
.lg.open{background:#99f6e4;border:1px dashed #0d9488;border-radius:3px}
.lg.kill{width:10px;background:#dc2626;transform:rotate(45deg)}
.lg.dl{width:0;height:14px;border-left:2px dashed #dc2626;vertical-align:-2px}
.lg.past{background:#fee2e2}
section.pod{margin:14px 0;padding:12px 16px 10px;border:1px solid var(--line);border-left:6px solid var(--c);border-radius:8px;content-visibility:auto;contain-intrinsic-size:auto 440px}
section.pod:target{box-shadow:0 0 0 3px #bfdbfe}
section.pod.pending{min-height:420px}
.pod h3{margin:0 0 2px;font-size:16px;display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
.pod h3 .anchor{color:#cbd5e1;text-decoration:none;font-weight:400}
.pod .meta{margin:0;color:var(--muted);font-size:12.5px}
.pod .verdict{margin:6px 0 4px;font-size:15px;font-weight:600}
svg.chart{display:block;width:100%;max-width:1180px;height:auto;margin:4px 0}
svg.chart text{font-size:12px;fill:#374151}
svg.chart .band{fill:#f8fafc}
svg.chart .lane-label{font-weight:600;fill:#1f2937}
svg.chart .summary{fill:#374151}
svg.chart .empty{fill:#9ca3af;font-weight:400;font-style:italic}
svg.chart .grid{stroke:#e5e7eb}
svg.chart .grid.zero{stroke:#94a3b8}
svg.chart .tick{text-anchor:middle;fill:var(--muted);font-size:11px}
svg.chart .past{fill:#fee2e2;opacity:.7}
svg.chart .deadline{stroke:#dc2626;stroke-width:2;stroke-dasharray:6 3}
svg.chart .dl-label{fill:#b91c1c;font-weight:700}
svg.chart .axis-cap{fill:var(--muted);font-size:11px}
.k-delete{--k:#475569}.k-endpoint{--k:#7c3aed}.k-prestop{--k:#2563eb}.k-stop{--k:#0d9488}
.k-kill{--k:#dc2626}.k-teardown{--k:#64748b}.k-volumes{--k:#a16207}.k-removed{--k:#334155}
.t-good{--k:#16a34a}.t-warn{--k:#d97706}.t-bad{--k:#dc2626}
svg.chart .span{fill:var(--k)}
svg.chart .span.open{fill:var(--k);fill-opacity:.25;stroke:var(--k);stroke-dasharray:4 2}
svg.chart .mk{fill:var(--k);stroke:#fff;stroke-width:1.5;cursor:pointer}
svg.chart .mk.app{fill:#fff;stroke:var(--k);stroke-width:2}
svg.chart .mk:hover{stroke:#111827;stroke-width:2}
svg.chart .mg line{stroke-width:2}
svg.chart .mg.good line{stroke:#16a34a}
svg.chart .mg.bad line{stroke:#dc2626}
svg.chart .mg.good text{fill:#15803d;font-weight:700}
svg.chart .mg.bad text{fill:#b91c1c;font-weight:700}
.pod .containers{margin:2px 0;font-size:12.5px;color:#374151}
ul.findings{list-style:none;margin:6px 0;padding:0}
ul.findings li{margin:4px 0;padding:4px 10px;border-radius:6px;background:var(--panel)}
ul.findings .sev{display:inline-block;min-width:58px;font-size:11.5px;font-weight:700;text-transform:uppercase}
.sev-error .sev{color:#b91c1c}.sev-warning .sev{color:#b45309}.sev-info .sev{color:#475569}
ul.findings .kind{font-weight:700;margin-right:8px}
ul.findings .evidence code{display:inline-block;margin:2px 10px 0 0;color:#1e3a8a}
details.stages{margin-top:6px;font-size:12.5px}
details.stages table td{padding:2px 8px}
#tip{position:fixed;z-index:20;max-width:600px;padding:8px 11px;border-radius:7px;background:#111827;color:#f9fafb;font-size:12.5px;line-height:1.45;pointer-events:none;box-shadow:0 6px 18px rgba(0,0,0,.25)}
#tip b{color:#fff}
#tip .t{color:#cbd5e1}
#tip code{color:#93c5fd;word-break:break-all}
"##;

/// The page's whole script: reads `#pm-data`, fills the Pod table and the
/// charts, wires sorting, filtering and the tooltip. It writes text with
/// `textContent` and attributes with `setAttribute` only (never HTML).
const SCRIPT: &str = r##"
(function () {
  'use strict';
  var errs = document.getElementById('js-errors');
  function fail(m) { errs.hidden = false; var d = document.createElement('div'); d.textContent = String(m); errs.appendChild(d); }
  window.addEventListener('error', function (e) { fail((e.message || 'error') + ' (line ' + e.lineno + ')'); });
  window.addEventListener('unhandledrejection', function (e) { fail('unhandled rejection: ' + e.reason); });
  var t0 = performance.now();
  var SVG = 'http://www.w3.org/2000/svg';
  var RANK = { stuck: 0, oom_killed: 1, sigkill: 2, signal_exit: 3, error_exit: 4, incomplete: 5, graceful: 6, running: 7 };
  var W = 1000, LX = 10, PX0 = 168, PX1 = 742, SX = 758, TOP = 46, LH = 24;
  var D, rows = [], sections = [], sortKey = null, sortDir = 1, range = null;


  function main() {
    D = JSON.parse(document.getElementById('pm-data').textContent);
    var n = D.pods.length;
    document.title = 'podmortem: ' + n + (n === 1 ? ' Pod' : ' Pods');
    var t1 = performance.now();
    buildTable();
    var t2 = performance.now();
    buildCharts();
    wire();
    apply();
    var t3 = performance.now();
    phase('data-parse-ms', t1 - t0);
    phase('data-table-ms', t2 - t1);
    phase('data-charts-ms', t3 - t2);
    jumpToHash();
    window.addEventListener('hashchange', jumpToHash);
    window.addEventListener('beforeprint', function () { sections.forEach(draw); });
    if (observer) setTimeout(ready, 3000); else ready();
  }
  function jumpToHash() {
    var id = '';
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    var target = id ? document.getElementById(id) : null;
    if (target && target.classList.contains('pod')) { draw(target); target.scrollIntoView(); }
  }
  function phase(name, ms) { document.getElementById('render-ms').setAttribute(name, ms.toFixed(1)); }
  // Called once what is on screen is drawn (and laid out).
  function ready() {
    if (document.body.hasAttribute('data-ready')) return;
    void document.body.offsetHeight;
    var done = performance.now();
    phase('data-script-ms', done - t0);
    phase('data-page-ms', done);
    document.getElementById('render-ms').textContent = '· drawn in ' + Math.round(done) + ' ms';
    document.body.setAttribute('data-ready', '1');
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function sv(tag, attrs, cls) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (cls) e.setAttribute('class', cls);
    return e;
  }
  function svText(parent, attrs, cls, text) { var t = sv('text', attrs, cls); t.textContent = text; parent.appendChild(t); return t; }
  function secs(x) {
    if (x == null) return '–';
    var a = Math.abs(x), sign = x < 0 ? '-' : '';
    if (a < 60) return sign + a.toFixed(1) + 's';
    var t = Math.round(a);
    return sign + Math.floor(t / 60) + 'm' + String(t % 60).padStart(2, '0') + 's';
  }
  function plus(x) { return (x < 0 ? '' : '+') + secs(x); }
  function tick(t) {
    var a = Math.abs(t), sign = t < 0 ? '-' : '';
    if (a >= 60) { var s = Math.round(a), r = s % 60; return sign + Math.floor(s / 60) + 'm' + (r ? String(r).padStart(2, '0') + 's' : ''); }
    return sign + String(Math.round(a * 100) / 100) + 's';
  }
  function src(e) { return D.files[e[0]] + (e[1] ? ':' + e[1] : ''); }
  function badge(o) { return el('span', 'badge o-' + o, o); }
  function marginText(p) {
    if (p.mg == null) return null;
    return p.mg >= 0 ? secs(p.mg) + ' to spare' : secs(-p.mg) + ' past it';
  }

  // ------------------------------------------------------------ table
  // The table is virtual: only the rows in (and near) its scroll window are
  // in the DOM, so 2,000 Pods cost what 60 do; sorting and filtering work on
  // \`rows\`, the window shows \`view\`.
  var view = [], rowH = 30, padTop = null, padBottom = null, pendingScroll = false;
  function buildTable() {
    D.pods.forEach(function (p, i) {
      var hay = [p.n, p.node || '', p.uid || '', p.o, p.fk.join(' ')].join(' ').toLowerCase();
      rows.push({ tr: null, i: i, p: p, hay: hay });
    });
    padTop = padRow();
    padBottom = padRow();
  }
  function padRow() {
    var tr = el('tr', 'pad'), td = el('td');
    td.setAttribute('colspan', '8');
    tr.appendChild(td);
    return tr;
  }
  function rowEl(r) {
    if (r.tr) return r.tr;
    var p = r.p, tr = el('tr');
    tr.setAttribute('data-i', r.i);
    var a = el('a', null, p.n);
    a.setAttribute('href', '#pod-' + r.i);
    cell(tr, a).setAttribute('title', p.n);
    cell(tr, p.node || '–').setAttribute('title', p.node || '');
    cell(tr, badge(p.o));
    cell(tr, p.g == null ? '–' : p.g + 's', 'num');
    cell(tr, secs(p.pre), 'num');
    cell(tr, secs(p.dx), 'num');
    var m = cell(tr, marginText(p) || '–', 'num');
    if (p.mg != null) m.classList.add(p.mg >= 0 ? 'good' : 'bad');
    cell(tr, p.fk.length ? p.fk.join(', ') : '–', 'fk').setAttribute('title', p.fk.join(', '));
    r.tr = tr;
    return tr;
  }
  function renderRows() {
    pendingScroll = false;
    var wrap = document.getElementById('table-wrap'), body = document.getElementById('pod-rows');
    var h = Math.max(wrap.clientHeight, 560), top = wrap.scrollTop;
    var first = Math.max(0, Math.floor(top / rowH) - 15);
    var last = Math.min(view.length, first + Math.ceil(h / rowH) + 30);
    var frag = document.createDocumentFragment();
    padTop.firstChild.style.height = first * rowH + 'px';
    padBottom.firstChild.style.height = (view.length - last) * rowH + 'px';
    if (first > 0) frag.appendChild(padTop);
    for (var k = first; k < last; k++) frag.appendChild(rowEl(view[k]));
    if (last < view.length) frag.appendChild(padBottom);
    body.textContent = '';
    body.appendChild(frag);
    var t = document.getElementById('pod-table');
    t.setAttribute('data-rows', view.length);
    t.setAttribute('data-rendered', last - first);
    if (last > first) {
      var measured = rowEl(view[first]).getBoundingClientRect().height;
      if (measured > 0 && Math.abs(measured - rowH) > 0.5) { rowH = measured; renderRows(); }
    }
  }
  function cell(tr, content, cls) {
    var td = el('td', cls);
    if (typeof content === 'string') td.textContent = content; else td.appendChild(content);
    tr.appendChild(td);
    return td;
  }
  function sortValue(p, key) {
    if (key === 'o') return RANK[p.o];
    if (key === 'fk') return p.fk.length ? p.fk.join(',') : null;
    if (key === 'n' || key === 'node') return p[key] == null ? null : String(p[key]).toLowerCase();
    return p[key] == null ? null : p[key];
  }
  function sortBy(key) {
    sortDir = sortKey === key ? -sortDir : 1;
    sortKey = key;
    rows.sort(function (a, b) {
      var x = sortValue(a.p, key), y = sortValue(b.p, key);
      if (x == null && y == null) return a.i - b.i;
      if (x == null) return 1;
      if (y == null) return -1;
      if (x < y) return -sortDir;
      if (x > y) return sortDir;
      return a.i - b.i;
    });
    var charts = document.getElementById('charts'), frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(sections[r.i]); });
    charts.appendChild(frag);
    apply();
    document.querySelectorAll('#pod-table th[data-key]').forEach(function (th) {
      if (th.getAttribute('data-key') === key) th.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    });
  }
  function apply() {
    var q = document.getElementById('q').value.trim().toLowerCase();
    var o = document.getElementById('outcome').value, shown = 0;
    view = [];
    rows.forEach(function (r) {
      var ok = (!q || r.hay.indexOf(q) >= 0) && (!o || r.p.o === o) &&
        (!range || (r.p.dx != null && r.p.o !== 'running' && Math.max(r.p.dx, 0) >= range[0] && Math.max(r.p.dx, 0) < range[1]));
      if (sections[r.i].hidden === ok) sections[r.i].hidden = !ok;
      if (ok) view.push(r);
    });
    shown = view.length;
    renderRows();
    document.getElementById('shown').textContent = shown + ' of ' + rows.length + ' Pods shown';
    document.querySelectorAll('.card').forEach(function (c) { c.classList.toggle('on', c.getAttribute('data-outcome') === o && o !== ''); });
  }
  function wire() {
    document.getElementById('q').addEventListener('input', apply);
    document.getElementById('table-wrap').addEventListener('scroll', function () {
      if (!pendingScroll) { pendingScroll = true; requestAnimationFrame(renderRows); }
    });
    document.getElementById('outcome').addEventListener('change', apply);
    document.querySelectorAll('#pod-table th[data-key]').forEach(function (th) {
      th.addEventListener('click', function () { sortBy(th.getAttribute('data-key')); });
    });
    document.querySelectorAll('.card').forEach(function (c) {
      c.addEventListener('click', function () {
        var sel = document.getElementById('outcome'), v = c.getAttribute('data-outcome');
        sel.value = sel.value === v ? '' : v;
        apply();
      });
    });
    document.querySelectorAll('.chip[data-find]').forEach(function (c) {
      c.addEventListener('click', function () { document.getElementById('q').value = c.getAttribute('data-find'); apply(); });
    });
    document.querySelectorAll('#histogram .bin').forEach(function (g) {
      g.addEventListener('click', function () {
        var hi = g.getAttribute('data-hi');
        range = [parseFloat(g.getAttribute('data-lo')), hi === 'inf' ? Infinity : parseFloat(hi)];
        var chip = document.getElementById('range');
        chip.textContent = 'delete → exit ' + tick(range[0]) + (range[1] === Infinity ? ' and longer' : '–' + tick(range[1])) + ' ✕';
        chip.hidden = false;
        apply();
      });
    });
    document.getElementById('range').addEventListener('click', function () {
      range = null; document.getElementById('range').hidden = true; apply();
    });
    document.querySelectorAll('table.sortable').forEach(sortableTable);
    var charts = document.getElementById('charts');
    charts.addEventListener('mouseover', hover);
    charts.addEventListener('mousemove', moveTip);
    charts.addEventListener('mouseout', function (e) { if (e.target.getAttribute && e.target.hasAttribute('data-s')) hideTip(); });
  }

  // The statistics tables: click a header to sort (largest first), again to reverse.
  function sortableTable(t) {
    var heads = t.querySelectorAll('thead th');
    heads.forEach(function (th, col) {
      th.addEventListener('click', function () {
        var dir = th.getAttribute('aria-sort') === 'descending' ? 1 : -1;
        heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
        var body = t.tBodies[0], list = Array.prototype.slice.call(body.rows), frag = document.createDocumentFragment();
        list.sort(function (a, b) {
          var x = cellValue(a.cells[col]), y = cellValue(b.cells[col]);
          if (typeof x !== typeof y) return (typeof x === 'number' ? -1 : 1) * dir;
          return (x < y ? -1 : x > y ? 1 : 0) * dir;
        });
        list.forEach(function (r) { frag.appendChild(r); });
        body.appendChild(frag);
      });
    });
  }
  // A cell as a number (`12`, `3.5s`, `1m05s`, `40%`) or lower-case text.
  function cellValue(td) {
    var s = td ? td.textContent.trim() : '';
    var m = /^(-?)(?:(\d+)m)?(\d+(?:\.\d+)?)(s|%)?$/.exec(s);
    if (m) return (m[1] ? -1 : 1) * ((+m[2] || 0) * 60 + parseFloat(m[3]));
    return s === '–' ? -Infinity : s.toLowerCase();
  }

  // ------------------------------------------------------------ charts
  // Small reports are drawn at once; large ones draw each Pod when it comes
  // near the screen.
  var observer = null;
  function buildCharts() {
    var box = document.getElementById('charts'), frag = document.createDocumentFragment();
    var lazy = D.pods.length > D.eager && 'IntersectionObserver' in window;
    if (lazy) observer = new IntersectionObserver(seen, { rootMargin: '1500px 0px' });
    D.pods.forEach(function (p, i) {
      var s = podShell(p, i);
      sections.push(s);
      frag.appendChild(s);
      if (observer) observer.observe(s); else podBody(s, p);
    });
    box.appendChild(frag);
  }
  function seen(entries) {
    entries.forEach(function (e) { if (e.isIntersecting) draw(e.target); });
    ready();
  }
  function draw(s) {
    if (!s.classList.contains('pending')) return;
    if (observer) observer.unobserve(s);
    podBody(s, D.pods[+s.getAttribute('data-i')]);
  }
  // The section itself (the link target) exists from the start; its content
  // is drawn at once for small reports, near the screen for large ones.
  function podShell(p, i) {
    var s = el('section', 'pod pending o-' + p.o);
    s.id = 'pod-' + i;
    s.setAttribute('data-i', i);
    s.setAttribute('data-outcome', p.o);
    if (p.mg != null) s.setAttribute('data-margin', p.mg);
    if (p.dl != null) s.setAttribute('data-deadline', p.dl);
    return s;
  }
  function podBody(s, p) {
    s.classList.remove('pending');
    var i = +s.getAttribute('data-i'), h = el('h3');
    h.appendChild(el('span', 'pod-name', p.n));
    h.appendChild(badge(p.o));
    var a = el('a', 'anchor', '#');
    a.setAttribute('href', '#pod-' + i);
    h.appendChild(a);
    s.appendChild(h);
    s.appendChild(el('p', 'meta', meta(p)));
    var v = el('p', 'verdict', p.v);
    if (p.mg != null) v.classList.add(p.mg >= 0 && RANK[p.o] > 2 ? 'good' : p.mg >= 0 ? 'warn' : 'bad');
    else if (RANK[p.o] <= 2) v.classList.add('bad');
    s.appendChild(v);
    if (p.ln.length) s.appendChild(chart(p)); else s.appendChild(el('p', 'muted', 'no stages seen'));
    containers(s, p);
    findings(s, p);
    stages(s, p);
  }
  function meta(p) {
    var parts = [];
    if (p.node) parts.push('node ' + p.node);
    if (p.uid) parts.push('uid ' + p.uid);
    parts.push('grace ' + (p.g == null ? 'unknown' : p.g + 's'));
    if (p.why) parts.push('stopped by ' + p.why + (p.by ? ' (' + p.by + ')' : ''));
    if (p.dur != null) parts.push('duration ' + secs(p.dur));
    if (p.z) parts.push('0s = ' + (p.zd ? 'delete seen at ' : 'first stage at ') + p.z);
    return parts.join(' · ');
  }
  function chart(p) {
    var lanes = p.ln, bottom = TOP + lanes.length * LH, H = bottom + 34;
    var svg = sv('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'data-lanes': lanes.length }, 'chart');
    svg.setAttribute('aria-label', 'lane chart of ' + p.n + ': ' + p.v);
    var a0 = p.ax[0], a1 = p.ax[1], pad = (a1 - a0) * 0.02;
    a0 -= pad; a1 += pad;
    function x(t) { return +(PX0 + (t - a0) / (a1 - a0) * (PX1 - PX0)).toFixed(1); }
    lanes.forEach(function (ln, k) { if (k % 2 === 0) svg.appendChild(sv('rect', { x: 0, y: TOP + k * LH, width: W, height: LH }, 'band')); });
    if (p.dl != null) svg.appendChild(sv('rect', { x: x(p.dl), y: TOP - 6, width: Math.max(PX1 - x(p.dl), 0), height: bottom - TOP + 6 }, 'past'));
    p.tk.forEach(function (t) {
      var xx = x(t);
      svg.appendChild(sv('line', { x1: xx, x2: xx, y1: TOP - 6, y2: bottom }, 'grid' + (t === 0 ? ' zero' : '')));
      svText(svg, { x: xx, y: TOP - 11 }, 'tick', tick(t));
    });
    svText(svg, { x: LX, y: TOP - 11 }, 'axis-cap', p.zd ? 'seconds from the delete' : 'seconds from the first stage');
    lanes.forEach(function (ln, k) { lane(svg, p, ln, TOP + k * LH, x, k); });
    if (p.dl != null) deadline(svg, p, x, bottom);
    marginBar(svg, p, x, bottom + 20);
    return svg;
  }
  function lane(svg, p, ln, y, x, k) {
    var key = D.lanes[ln[0]][0], tone = ln[5] ? ' t-' + ln[5] : '', empty = !ln[3].length;
    svText(svg, { x: LX, y: y + 16 }, 'lane-label' + (empty ? ' empty' : ''), D.lanes[ln[0]][1] + (ln[1] != null ? ' · ' + ln[1] : ''));
    ln[2].forEach(function (s) {
      var x0 = x(s[0]), x1 = Math.max(x(s[1]), x0 + 3);
      svg.appendChild(sv('rect', { x: x0, y: y + 7, width: +(x1 - x0).toFixed(1), height: 10, rx: 3, 'data-l': k }, 'span k-' + key + tone + (s[2] ? ' open' : '')));
    });
    ln[3].forEach(function (si) { svg.appendChild(mark(p, si, x(p.st[si][1]), y + 12, key, tone)); });
    svText(svg, { x: SX, y: y + 16 }, 'summary' + (empty ? ' empty' : ''), ln[4]);
  }
  function mark(p, si, cx, cy, key, tone) {
    var st = p.st[si], name = D.stages[st[0]][0], m;
    if (name === 'kill_sent') {
      m = sv('path', { d: 'M' + cx + ' ' + (cy - 7) + 'l7 7-7 7-7-7z' }, 'mk k-kill');
    } else {
      m = sv('circle', { cx: cx, cy: cy, r: name === 'app_signal_logged' ? 4 : 5.5 }, 'mk k-' + key + tone + (name === 'app_signal_logged' ? ' app' : ''));
    }
    m.setAttribute('data-s', si);
    m.setAttribute('data-stage', name);
    m.setAttribute('aria-label', [D.stages[st[0]][1], plus(st[1]), st[2], st[3] || '', st[6] || '', src([st[4], st[5]])].filter(Boolean).join(' · '));
    return m;
  }
  function deadline(svg, p, x, bottom) {
    var dx = x(p.dl);
    svg.appendChild(sv('line', { x1: dx, x2: dx, y1: 6, y2: bottom + 4 }, 'deadline'));
    var right = dx > (PX0 + PX1) / 2;
    svText(svg, { x: right ? dx - 6 : dx + 6, y: 14, 'text-anchor': right ? 'end' : 'start' }, 'dl-label', 'grace deadline +' + tick(p.dl));
  }
  function marginBar(svg, p, x, y) {
    if (p.mg == null || p.dl == null) return;
    var exit = p.dl - p.mg, xe = x(exit), xd = x(p.dl), good = p.mg >= 0;
    var g = sv('g', {}, 'mg ' + (good ? 'good' : 'bad'));
    var lo = Math.min(xe, xd), hi = Math.max(xe, xd);
    g.appendChild(sv('line', { x1: lo, x2: hi, y1: y, y2: y }));
    g.appendChild(sv('line', { x1: lo, x2: lo, y1: y - 5, y2: y + 5 }));
    g.appendChild(sv('line', { x1: hi, x2: hi, y1: y - 5, y2: y + 5 }));
    var text = good ? 'exited ' + secs(p.mg) + ' before the deadline' : 'exited ' + secs(-p.mg) + ' after the deadline';
    var anchor = hi > PX1 - 120 ? 'end' : 'start', tx = anchor === 'end' ? lo - 8 : hi + 8;
    if (hi - lo > 260) { anchor = 'middle'; tx = (lo + hi) / 2; y -= 6; }
    svText(g, { x: tx, y: y + 4, 'text-anchor': anchor }, 'mg-label', text);
    svText(svg, { x: LX, y: y + 4 }, 'lane-label', 'margin');
    svg.appendChild(g);
  }
  function containers(s, p) {
    p.ct.forEach(function (c) {
      var parts = ['container ' + (c[0] || '?')];
      if (c[1]) parts.push('id ' + c[1]);
      if (c[2]) parts.push('signal ' + c[2]);
      parts.push('preStop ' + (c[3] == null ? '–' : secs(c[3])));
      parts.push('stop timeout ' + (c[4] == null ? '–' : c[4] + 's'));
      parts.push('exit ' + (c[5] == null ? '?' : c[5]));
      s.appendChild(el('p', 'containers', parts.join(' · ')));
    });
  }
  function findings(s, p) {
    if (!p.fd.length) { s.appendChild(el('p', 'muted findings-none', 'no findings')); return; }
    var ul = el('ul', 'findings');
    p.fd.forEach(function (f) {
      var li = el('li', 'sev-' + f[1]);
      li.setAttribute('data-kind', f[0]);
      li.appendChild(el('span', 'sev', f[1]));
      li.appendChild(el('span', 'kind', f[0]));
      li.appendChild(el('span', 'msg', f[3]));
      var ev = el('div', 'evidence');
      f[4].forEach(function (e) { ev.appendChild(el('code', null, src(e))); });
      li.appendChild(ev);
      ul.appendChild(li);
    });
    s.appendChild(ul);
  }
  function stages(s, p) {
    if (!p.st.length) return;
    var d = el('details', 'stages');
    d.appendChild(el('summary', null, 'every stage with its evidence (' + p.st.length + ')'));
    s.appendChild(d);
    if (!observer) stageTable(d, p);
    else d.addEventListener('toggle', function () { if (d.open && d.children.length < 2) stageTable(d, p); });
  }
  function stageTable(d, p) {
    var t = el('table'), head = el('tr');
    ['+t', 'time (UTC)', 'stage', 'container', 'detail', 'evidence'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    var th = el('thead'); th.appendChild(head); t.appendChild(th);
    var tb = el('tbody');
    p.st.forEach(function (st) {
      var tr = el('tr');
      cell(tr, plus(st[1]), 'num');
      cell(tr, st[2]);
      cell(tr, D.stages[st[0]][0]);
      cell(tr, st[3] || '');
      cell(tr, st[6] || '');
      cell(tr, el('code', null, src([st[4], st[5]])));
      tb.appendChild(tr);
    });
    t.appendChild(tb);
    d.appendChild(t);
  }

  // ------------------------------------------------------------ tooltip
  var tip = document.getElementById('tip');
  function hover(e) {
    var t = e.target;
    if (!t.getAttribute) return;
    var sec = t.closest ? t.closest('section.pod') : null;
    if (!sec) return;
    var p = D.pods[+sec.getAttribute('data-i')];
    if (t.hasAttribute('data-s')) showStage(p, p.st[+t.getAttribute('data-s')]);
    else if (t.hasAttribute('data-l')) showLane(p, p.ln[+t.getAttribute('data-l')]);
    else return;
    moveTip(e);
  }
  function tipLine(cls, text, tag) { var d = el(tag || 'div', cls, text); tip.appendChild(d); return d; }
  function showStage(p, st) {
    tip.textContent = '';
    var head = el('div');
    head.appendChild(el('b', null, D.stages[st[0]][1]));
    head.appendChild(document.createTextNode(' ' + plus(st[1])));
    tip.appendChild(head);
    tipLine('t', st[2]);
    if (st[3]) tipLine(null, 'container ' + st[3]);
    if (st[6]) tipLine(null, st[6]);
    var c = el('div'); c.appendChild(el('code', null, src([st[4], st[5]]))); tip.appendChild(c);
    tip.hidden = false;
  }
  function showLane(p, ln) {
    tip.textContent = '';
    tipLine(null, D.lanes[ln[0]][1] + (ln[1] != null ? ' · ' + ln[1] : ''), 'b');
    tipLine(null, ln[4]);
    ln[2].forEach(function (s) { tipLine('t', plus(s[0]) + ' → ' + (s[2] ? 'no end seen' : plus(s[1]))); });
    tip.hidden = false;
  }
  function moveTip(e) {
    if (tip.hidden) return;
    var w = tip.offsetWidth, h = tip.offsetHeight, x = e.clientX + 14, y = e.clientY + 16;
    if (x + w > window.innerWidth - 8) x = Math.max(8, e.clientX - w - 14);
    if (y + h > window.innerHeight - 8) y = Math.max(8, e.clientY - h - 12);
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  }
  function hideTip() { tip.hidden = true; }

  try { main(); } catch (e) { fail(e && e.stack ? e.stack : e); }
})();
"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(escape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(escape("a\"b'c&d"), "a&quot;b&#39;c&amp;d");
        assert_eq!(escape("x\u{1b}[31m"), "x\\u{1b}[31m");
    }

    #[test]
    fn json_cannot_close_the_script() {
        let j = serde_json::to_string(&"</script><!-- & \u{2028}").unwrap_or_default();
        let s = script_json(&j);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&') && !s.contains('\u{2028}'), "{s}");
        let back: String = serde_json::from_str(&s).unwrap_or_default();
        assert_eq!(back, "</script><!-- & \u{2028}");
    }

    #[test]
    fn sha256_and_base64_known_answers() {
        assert_eq!(base64(&sha256(b"abc")), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
        assert_eq!(base64(&sha256(b"")), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"a"), "YQ==");
        let long = vec![b'a'; 1000];
        assert_eq!(base64(&sha256(&long)), "Qe3s5C1j6Nm/UVqbppMuHCDLyfWl0TRkWttdsblzfqM=");
    }

    #[test]
    fn sources_split_into_file_and_line() {
        let mut f = Files::default();
        assert_eq!(f.source("node/kubelet.log:557"), (0, 557));
        assert_eq!(f.source("node/kubelet.log:3810"), (0, 3810));
        assert_eq!(f.source("C:\\logs\\x.log"), (1, 0));
        assert_eq!(f.paths, vec!["node/kubelet.log".to_string(), "C:\\logs\\x.log".to_string()]);
    }
}
