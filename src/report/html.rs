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
use super::{delete_to_exit, human_secs, percent, sanitize, short_id};
use crate::model::{Outcome, PodReport, Report};
use crate::stats::{FleetStats, GroupStats, Offender, Quantiles};
use base64::Engine as _;
use serde::Serialize;
use sha2::{Digest, Sha256};
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
        "default-src 'none'; script-src '{}'; style-src '{}'; img-src data:; base-uri 'none'; form-action 'none'",
        csp_source(SCRIPT),
        csp_source(STYLE)
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
    let values: Vec<(f64, Outcome)> =
        report.pods.iter().filter(|p| p.outcome != Outcome::Running).filter_map(|p| delete_to_exit(p).map(|x| (x, p.outcome))).collect();
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
    // The lists and how their values read are the terminal's; the titles are the page's own.
    let titles = ["most SIGKILLs (workloads)", "longest stops (Pods)", "stuck terminating, when the logs end"];
    for ((_, list, value), title) in super::stats_table::offender_lists(s).into_iter().zip(titles) {
        offenders(out, title, list, value);
    }
    out.push_str("</div></div>");
    recommendations(out, s);
    groups(out, "By namespace", &s.by_namespace);
    groups(out, "By workload", &s.by_workload);
    groups(out, "By node", &s.by_node);
    out.push_str("</section>\n");
}

fn quantile_row(out: &mut String, label: &str, q: &Quantiles, share: bool) {
    let f = |x: Option<f64>| match x {
        Some(v) if share => percent(v),
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

fn offenders(out: &mut String, title: &str, list: &[Offender], value: fn(f64) -> String) {
    let _ = write!(out, "<h4>{title}</h4>");
    if list.is_empty() {
        out.push_str("<p class=\"muted\">none</p>");
        return;
    }
    out.push_str("<ol class=\"offenders\">");
    for o in list {
        let _ = write!(out, "<li><span>{}</span> <b>{}</b></li>", escape(&o.key), value(o.value));
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
    out.push_str("<table class=\"sortable grp\"><thead><tr><th>name</th><th>Pods</th><th>outcomes</th><th>SIGKILLs</th><th>stuck</th><th>exit p50</th><th>exit p90</th><th>exit p99</th><th>exit max</th><th>removed p99</th><th>grace used p99</th></tr></thead><tbody>");
    let f = |x: Option<f64>| x.map(human_secs).unwrap_or_else(|| "–".into());
    for g in list {
        let outcomes: Vec<String> = g.outcomes.iter().map(|(k, v)| format!("{v} {k}")).collect();
        let q = &g.delete_to_exit;
        let _ = write!(
            out,
            "<tr><td>{}<td>{}<td>{}<td>{}<td>{}<td>{}<td>{}<td>{}<td>{}<td>{}<td>{}</tr>",
            escape(&g.key),
            g.pods,
            escape(&outcomes.join(", ")),
            g.sigkills,
            g.stuck,
            f(q.p50),
            f(q.p90),
            f(q.p99),
            f(q.max),
            f(g.delete_to_removed.p99),
            g.grace_used.p99.map(percent).unwrap_or_else(|| "–".into())
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

/// The Content-Security-Policy source that allows exactly `text` as an
/// inline script or style (`sha256-<base64 of its SHA-256>`), so the page
/// runs its own code and nothing injected into it.
pub fn csp_source(text: &str) -> String {
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes())))
}

// ---------------------------------------------------------------- style and script

/// The page's whole style sheet.
const STYLE: &str = include_str!("assets/report.css");

/// The page's whole script: reads `#pm-data`, fills the Pod table and the
/// charts, wires sorting, filtering and the tooltip. It writes text with
/// `textContent` and attributes with `setAttribute` only (never HTML).
const SCRIPT: &str = include_str!("assets/report.js");

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
    fn csp_sources_are_standard_sha256_in_padded_base64() {
        // FIPS 180-4 test vectors, as browsers compare them.
        assert_eq!(csp_source("abc"), "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
        assert_eq!(csp_source(""), "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
        assert_eq!(csp_source(&"a".repeat(1000)), "sha256-Qe3s5C1j6Nm/UVqbppMuHCDLyfWl0TRkWttdsblzfqM=");
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
