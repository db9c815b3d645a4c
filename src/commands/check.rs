//! `podmortem check`: a CI gate over recorded e2e logs.
//!
//! Reads the logs like `analyze`, then judges every Pod's findings against the
//! policy from the command line: `--fail-on` kinds fail (exit 1), `--warn-on`
//! kinds are reported without failing (they win over `--fail-on`, so
//! `--warn-on grace_overrun` demotes one kind of the default set), a Pod
//! slower than `--max-stop-seconds` from delete to exit fails, `--allow`ed
//! Pods are skipped, and problems already in a `--baseline` report are
//! "known (baseline)" and do not fail. Usage and input errors are exit 2.

use super::common;
use crate::cli::{CheckArgs, CommonArgs, OutputFormat};
use crate::model::{FindingKind, Owner, PodReport, Report, Stage, SCHEMA};
use crate::report::github::{self, Level, Problem};
use crate::report::junit;
use crate::report::{self, delete_to_exit, sanitize, RenderOptions};
use crate::stats::workload;
use crate::time::Instant;
use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::error::Error;
use std::fmt::Write as _;
use std::io::Write as _;

/// The kind `check` reports for a Pod slower than `--max-stop-seconds`
/// (a check of its own, not a finding kind of the contract).
const MAX_STOP: &str = "max_stop_seconds";

/// Runs `check` and returns the exit code: 0 clean, 1 failing findings.
pub fn run(args: CheckArgs) -> Result<u8, Box<dyn Error>> {
    let policy = Policy::from_args(&args)?;
    let report = common::load(&args.paths, &args.common)?;
    let verdict = judge(&report, &policy);
    let line = verdict.line();
    write_report(&report, &verdict, &line, &args.common)?;
    if let Some(path) = &args.junit {
        let xml = junit::render("podmortem check", &junit_suites(&verdict))?;
        std::fs::write(path, xml).map_err(|e| format!("{path}: cannot write: {}", crate::input::io_reason(&e)))?;
    }
    if args.github {
        write_github(&report, &verdict, &line, &args.common)?;
    }
    common::print_warnings(&report, &args.common);
    Ok(u8::from(verdict.failed()))
}

// ---------------------------------------------------------------- policy

/// What fails, what warns, what is forgiven.
struct Policy {
    fail_on: BTreeSet<FindingKind>,
    warn_on: BTreeSet<FindingKind>,
    max_stop_s: Option<f64>,
    allow: Vec<AllowRule>,
    baseline: Option<Baseline>,
}

impl Policy {
    /// Validates the options; every error names the option or file at fault.
    fn from_args(args: &CheckArgs) -> Result<Policy, String> {
        let max_stop_s = match args.max_stop_seconds {
            Some(n) if !n.is_finite() || n < 0.0 => {
                return Err(format!("--max-stop-seconds: expected a number of seconds >= 0, got {n}"));
            }
            other => other,
        };
        let mut allow = args.allow.iter().map(|g| AllowRule::new(g, "--allow")).collect::<Result<Vec<_>, _>>()?;
        if let Some(path) = &args.allow_file {
            allow.extend(read_allow_file(path)?);
        }
        Ok(Policy {
            fail_on: parse_kinds("--fail-on", &args.fail_on)?,
            warn_on: parse_kinds("--warn-on", &args.warn_on)?,
            max_stop_s,
            allow,
            baseline: args.baseline.as_deref().map(Baseline::load).transpose()?,
        })
    }

    /// How a finding of this kind counts (`None`: not checked).
    fn status_of(&self, kind: FindingKind) -> Option<Status> {
        if self.warn_on.contains(&kind) {
            Some(Status::Warn)
        } else if self.fail_on.contains(&kind) {
            Some(Status::Fail)
        } else {
            None
        }
    }

    /// The `--allow` glob that matches the Pod, if any.
    fn allowed_by(&self, p: &PodReport) -> Option<&str> {
        self.allow.iter().find(|r| r.matches(p)).map(|r| r.text.as_str())
    }
}

/// Parses `--fail-on`/`--warn-on` values; empty items are ignored, so
/// `--fail-on ''` fails on nothing.
fn parse_kinds(flag: &str, values: &[String]) -> Result<BTreeSet<FindingKind>, String> {
    let mut kinds = BTreeSet::new();
    for v in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        let kind = FindingKind::ALL.into_iter().find(|k| k.name() == v).ok_or_else(|| {
            let known: Vec<&str> = FindingKind::ALL.iter().map(|k| k.name()).collect();
            format!("{flag}: unknown finding kind {v:?} (known: {})", known.join(", "))
        })?;
        kinds.insert(kind);
    }
    Ok(kinds)
}

/// One `--allow` glob: `NS/NAME` globs match `namespace/name`, a glob without
/// `/` matches the Pod name in any namespace.
struct AllowRule {
    text: String,
    matcher: GlobMatcher,
    name_only: bool,
}

impl AllowRule {
    fn new(glob: &str, origin: &str) -> Result<AllowRule, String> {
        let matcher = Glob::new(glob).map_err(|e| format!("{origin}: invalid glob {glob:?}: {}", e.kind()))?.compile_matcher();
        Ok(AllowRule { text: glob.to_string(), matcher, name_only: !glob.contains('/') })
    }

    fn matches(&self, p: &PodReport) -> bool {
        if self.name_only {
            p.name.as_deref().is_some_and(|n| self.matcher.is_match(n))
        } else {
            self.matcher.is_match(p.display_name())
        }
    }
}

/// Reads an allow file: one glob a line, `#` starts a comment, blank lines ignored.
fn read_allow_file(path: &str) -> Result<Vec<AllowRule>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: cannot read: {}", crate::input::io_reason(&e)))?;
    let mut rules = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let glob = line.split('#').next().unwrap_or("").trim();
        if !glob.is_empty() {
            rules.push(AllowRule::new(glob, &format!("{path}:{}", i + 1))?);
        }
    }
    Ok(rules)
}

// ---------------------------------------------------------------- baseline

/// Who a problem belongs to across e2e runs: Pod names change between runs
/// (ReplicaSet hashes, Job suffixes), so the namespace and the workload
/// ([`workload`]: the owning controller's, else the one the name shows)
/// identify it. Unnamed Pods fall back to their UID or
/// container ID, which only match the same run.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PodKey {
    namespace: Option<String>,
    workload: String,
}

impl PodKey {
    fn new(namespace: Option<&str>, owner: Option<&Owner>, name: Option<&str>, uid: Option<&str>, container_id: Option<&str>) -> PodKey {
        let workload = match (workload(owner, name), uid, container_id) {
            (Some(w), _, _) => w,
            (None, Some(u), _) => format!("uid:{u}"),
            (None, None, Some(id)) => format!("container:{}", report::short_id(id)),
            _ => "?".to_string(),
        };
        PodKey { namespace: namespace.map(str::to_string), workload }
    }

    fn of(p: &PodReport) -> PodKey {
        let cid = p.containers.iter().find_map(|c| c.id.as_deref());
        PodKey::new(p.namespace.as_deref(), p.owner.as_ref(), p.name.as_deref(), p.uid.as_deref(), cid)
    }
}

/// The problems of a previous `podmortem -o json` report.
struct Baseline {
    /// (Pod, container, finding kind) of every finding in it.
    findings: HashSet<(PodKey, Option<String>, String)>,
    /// The slowest delete → exit per Pod, for `--max-stop-seconds`.
    stop_s: HashMap<PodKey, f64>,
}

/// The parts of a `podmortem/v1` report the baseline needs.
#[derive(Deserialize)]
struct BaselineDoc {
    schema: String,
    pods: Vec<BaselinePod>,
}

#[derive(Deserialize)]
struct BaselinePod {
    namespace: Option<String>,
    #[serde(default)]
    owner: Option<Owner>,
    name: Option<String>,
    uid: Option<String>,
    #[serde(default)]
    containers: Vec<BaselineContainer>,
    #[serde(default)]
    stages: Vec<BaselineStage>,
    #[serde(default)]
    findings: Vec<BaselineFinding>,
}

#[derive(Deserialize)]
struct BaselineContainer {
    id: Option<String>,
    exited_at: Option<Instant>,
}

#[derive(Deserialize)]
struct BaselineStage {
    stage: String,
    at: Instant,
}

#[derive(Deserialize)]
struct BaselineFinding {
    kind: String,
    container: Option<String>,
}

impl Baseline {
    fn load(path: &str) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: cannot read: {}", crate::input::io_reason(&e)))?;
        let doc: BaselineDoc = serde_json::from_str(&text).map_err(|e| format!("{path}: not a `podmortem -o json` report: {e}"))?;
        if doc.schema != SCHEMA {
            return Err(format!("{path}: baseline schema is {:?}, expected {SCHEMA:?}", doc.schema));
        }
        Ok(Baseline::of(&doc.pods))
    }

    fn of(pods: &[BaselinePod]) -> Baseline {
        let mut b = Baseline { findings: HashSet::new(), stop_s: HashMap::new() };
        for p in pods {
            let cid = p.containers.iter().find_map(|c| c.id.as_deref());
            let key = PodKey::new(p.namespace.as_deref(), p.owner.as_ref(), p.name.as_deref(), p.uid.as_deref(), cid);
            for f in &p.findings {
                b.findings.insert((key.clone(), f.container.clone(), f.kind.clone()));
            }
            if let Some(d) = baseline_stop_s(p) {
                let slowest = b.stop_s.entry(key).or_insert(d);
                *slowest = slowest.max(d);
            }
        }
        b
    }

    fn knows(&self, pod: &PodKey, container: Option<&str>, kind: &str) -> bool {
        self.findings.contains(&(pod.clone(), container.map(str::to_string), kind.to_string()))
    }

    fn was_slower_than(&self, pod: &PodKey, limit_s: f64) -> bool {
        self.stop_s.get(pod).is_some_and(|d| *d > limit_s)
    }
}

/// Delete → last exit of a baseline Pod, as [`delete_to_exit`] computes it.
fn baseline_stop_s(p: &BaselinePod) -> Option<f64> {
    let start = p.stages.iter().find(|s| s.stage == Stage::DeleteRequested.name()).or(p.stages.first())?.at;
    let exit = p.containers.iter().filter_map(|c| c.exited_at).max()?;
    Some(start.secs_until(&exit))
}

// ---------------------------------------------------------------- verdict

/// How one problem counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Fails the check.
    Fail,
    /// `--warn-on`: reported, does not fail.
    Warn,
    /// A failing kind already in the baseline: reported, does not fail.
    Known,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Fail => "FAIL",
            Status::Warn => "WARN",
            Status::Known => "known (baseline)",
        }
    }
}

/// One judged problem of a Pod.
struct Item {
    kind: String,
    container: Option<String>,
    message: String,
    evidence: Vec<String>,
    status: Status,
}

impl Item {
    /// `kind (container)` for people.
    fn what(&self) -> String {
        match &self.container {
            Some(c) => format!("{} ({c})", self.kind),
            None => self.kind.clone(),
        }
    }
}

/// One Pod, judged.
struct PodVerdict<'a> {
    pod: &'a PodReport,
    /// The `--allow` glob that exempts it.
    allowed_by: Option<String>,
    items: Vec<Item>,
}

impl PodVerdict<'_> {
    /// The problems that count (none for an allowed Pod).
    fn counted(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(move |_| self.allowed_by.is_none())
    }

    fn failing(&self) -> impl Iterator<Item = &Item> {
        self.counted().filter(|i| i.status == Status::Fail)
    }
}

/// Every Pod, judged.
struct Verdict<'a> {
    pods: Vec<PodVerdict<'a>>,
}

fn judge<'a>(report: &'a Report, policy: &Policy) -> Verdict<'a> {
    Verdict { pods: report.pods.iter().map(|p| judge_pod(p, policy)).collect() }
}

fn judge_pod<'a>(p: &'a PodReport, policy: &Policy) -> PodVerdict<'a> {
    let key = PodKey::of(p);
    let known = |container: Option<&str>, kind: &str| policy.baseline.as_ref().is_some_and(|b| b.knows(&key, container, kind));
    let mut items = Vec::new();
    for f in &p.findings {
        let Some(mut status) = policy.status_of(f.kind) else { continue };
        if status == Status::Fail && known(f.container.as_deref(), f.kind.name()) {
            status = Status::Known;
        }
        items.push(Item {
            kind: f.kind.name().to_string(),
            container: f.container.clone(),
            message: f.message.clone(),
            evidence: f.evidence.clone(),
            status,
        });
    }
    if let Some(item) = max_stop_item(p, policy, &key) {
        items.push(item);
    }
    PodVerdict { pod: p, allowed_by: policy.allowed_by(p).map(str::to_string), items }
}

/// The `--max-stop-seconds` problem of a Pod, when it was slower.
fn max_stop_item(p: &PodReport, policy: &Policy, key: &PodKey) -> Option<Item> {
    let limit = policy.max_stop_s?;
    let took = delete_to_exit(p)?;
    if took <= limit {
        return None;
    }
    let start = p.stages.iter().find(|s| s.stage == Stage::DeleteRequested).or(p.stages.first());
    let exit = p.stages.iter().filter(|s| s.stage == Stage::Exited).max_by_key(|s| s.at);
    let known = policy.baseline.as_ref().is_some_and(|b| b.was_slower_than(key, limit));
    Some(Item {
        kind: MAX_STOP.to_string(),
        container: None,
        message: format!("delete → exit took {took:.1} s, more than --max-stop-seconds {limit}"),
        evidence: start.into_iter().chain(exit).map(|s| s.source.clone()).collect(),
        status: if known { Status::Known } else { Status::Fail },
    })
}

impl Verdict<'_> {
    fn failed(&self) -> bool {
        self.pods.iter().any(|p| p.failing().next().is_some())
    }

    fn count(&self, status: Status) -> usize {
        self.pods.iter().flat_map(|p| p.counted()).filter(|i| i.status == status).count()
    }

    /// Failing problems per kind, in contract order (`max_stop_seconds` last).
    fn failing_kinds(&self) -> Vec<(String, usize)> {
        let mut by_kind: BTreeMap<usize, (String, usize)> = BTreeMap::new();
        for i in self.pods.iter().flat_map(|p| p.failing()) {
            let rank = FindingKind::ALL.iter().position(|k| k.name() == i.kind).unwrap_or(FindingKind::ALL.len());
            by_kind.entry(rank).or_insert_with(|| (i.kind.clone(), 0)).1 += 1;
        }
        by_kind.into_values().collect()
    }

    /// The one-line answer, e.g.
    /// `check: FAILED — 2 failing findings in 1 Pod (sigkill ×1, grace_overrun ×1)`.
    fn line(&self) -> String {
        let failing = self.count(Status::Fail);
        let mut extras = Vec::new();
        let warn = self.count(Status::Warn);
        if warn > 0 {
            extras.push(plural(warn, "warning", "warnings"));
        }
        let known = self.count(Status::Known);
        if known > 0 {
            extras.push(format!("{known} known (baseline)"));
        }
        let allowed = self.pods.iter().filter(|p| p.allowed_by.is_some()).count();
        if allowed > 0 {
            extras.push(format!("{} allowed", plural(allowed, "Pod", "Pods")));
        }
        let extras = if extras.is_empty() { String::new() } else { format!("; {}", extras.join(", ")) };
        if failing == 0 {
            return format!("check: OK — no failing findings in {}{extras}", plural(self.pods.len(), "Pod", "Pods"));
        }
        let pods = self.pods.iter().filter(|p| p.failing().next().is_some()).count();
        let kinds: Vec<String> = self.failing_kinds().iter().map(|(k, n)| format!("{k} ×{n}")).collect();
        format!(
            "check: FAILED — {} in {} ({}){extras}",
            plural(failing, "failing finding", "failing findings"),
            plural(pods, "Pod", "Pods"),
            kinds.join(", ")
        )
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

// ---------------------------------------------------------------- output

/// True when the main output is a machine format on stdout, which the
/// verdict and annotations must not corrupt.
fn machine_stdout(c: &CommonArgs) -> bool {
    c.out.is_none() && matches!(c.output, OutputFormat::Json | OutputFormat::Jsonl | OutputFormat::Html)
}

/// Writes the report as `-o` says; text formats end with the problem list
/// and the verdict, machine formats get the verdict on stderr.
fn write_report(report: &Report, verdict: &Verdict, line: &str, c: &CommonArgs) -> Result<(), Box<dyn Error>> {
    let ropts = common::render_options(c);
    let text = match c.output {
        OutputFormat::Json => report::json::render(report)?,
        OutputFormat::Jsonl => report::json::render_lines(report)?,
        OutputFormat::Table | OutputFormat::Wide if !c.pod.is_empty() => {
            with_verdict(report::pod_view::render(report, &ropts), verdict, line, &ropts)
        }
        OutputFormat::Table => with_verdict(report::table::render(report, false, &ropts), verdict, line, &ropts),
        OutputFormat::Wide => {
            with_verdict(report::table::render(report, true, &RenderOptions { width: None, ..ropts }), verdict, line, &ropts)
        }
        OutputFormat::Markdown => format!("{}\n**{}**\n", report::markdown::render(report), report::markdown::cell(line)),
        OutputFormat::Html => report::html::render(report, None),
    };
    common::write_output(c.out.as_deref(), &text)?;
    if c.out.is_some() || machine_stdout(c) {
        eprintln!("podmortem: {line}");
    }
    Ok(())
}

/// Appends the problem list and the verdict line to a terminal rendering.
fn with_verdict(mut text: String, verdict: &Verdict, line: &str, ropts: &RenderOptions) -> String {
    text.push('\n');
    for pv in &verdict.pods {
        problem_lines(&mut text, pv);
    }
    let (on, off) = match (ropts.color, verdict.failed()) {
        (false, _) => ("", ""),
        (true, true) => ("\u{1b}[1;31m", "\u{1b}[0m"),
        (true, false) => ("\u{1b}[1;32m", "\u{1b}[0m"),
    };
    let _ = writeln!(text, "{on}{line}{off}");
    text
}

/// The lines for one Pod: a line per problem with its evidence, or one line
/// saying which `--allow` glob exempted it.
fn problem_lines(text: &mut String, pv: &PodVerdict) {
    let pod = sanitize(&pv.pod.display_name());
    if let Some(glob) = &pv.allowed_by {
        let kinds: Vec<String> = pv.items.iter().map(Item::what).collect();
        let what = if kinds.is_empty() { String::new() } else { format!(": {}", kinds.join(", ")) };
        let _ = writeln!(text, "allowed  {pod} (--allow {}){}", sanitize(glob), sanitize(&what));
        return;
    }
    for i in &pv.items {
        let _ = writeln!(text, "{}  {pod}  {}: {}", i.status.label(), sanitize(&i.what()), sanitize(&i.message));
        if !i.evidence.is_empty() {
            let _ = writeln!(text, "    evidence: {}", sanitize(&i.evidence.join(", ")));
        }
    }
}

/// The JUnit suites: one per node, one case per Pod.
fn junit_suites(verdict: &Verdict) -> Vec<junit::Suite> {
    let mut by_node: BTreeMap<String, Vec<junit::Case>> = BTreeMap::new();
    for pv in &verdict.pods {
        let node = pv.pod.node.clone().unwrap_or_else(|| "unknown".to_string());
        let cases = by_node.entry(node).or_default();
        let mut case = junit_case(pv);
        if cases.iter().any(|c| c.classname == case.classname && c.name == case.name) {
            // The same Pod name stopped twice (StatefulSets): keep test names unique.
            case.name = format!("{} ({})", case.name, pv.pod.uid.as_deref().unwrap_or("again"));
        }
        cases.push(case);
    }
    by_node.into_iter().map(|(name, cases)| junit::Suite { name, cases }).collect()
}

fn junit_case(pv: &PodVerdict) -> junit::Case {
    let p = pv.pod;
    let note = |i: &Item| format!("{}: {}: {} [{}]", i.status.label(), i.what(), i.message, i.evidence.join(", "));
    let mut case = junit::Case {
        classname: p.namespace.clone().unwrap_or_else(|| "unknown".to_string()),
        name: p.name.clone().unwrap_or_else(|| p.display_name()),
        time_s: delete_to_exit(p).or(p.duration_s).unwrap_or(0.0),
        ..junit::Case::default()
    };
    if let Some(glob) = &pv.allowed_by {
        case.skipped = Some(format!("allowed by --allow {glob}"));
        case.system_out = pv.items.iter().map(note).collect();
        return case;
    }
    for i in &pv.items {
        match i.status {
            Status::Fail => {
                case.failures.push(junit::Failure { kind: i.kind.clone(), message: i.message.clone(), evidence: i.evidence.clone() })
            }
            Status::Warn | Status::Known => case.system_out.push(note(i)),
        }
    }
    case
}

/// Prints the annotations and appends the step summary when `$GITHUB_STEP_SUMMARY` is set.
fn write_github(report: &Report, verdict: &Verdict, line: &str, c: &CommonArgs) -> Result<(), String> {
    let problems = github_problems(verdict);
    let mut text = String::new();
    for p in &problems {
        text.push_str(&github::annotation(p));
        text.push('\n');
    }
    // Workflow commands are read on stdout and stderr alike; keep JSON on stdout parseable.
    if machine_stdout(c) {
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    } else {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
    }
    match std::env::var("GITHUB_STEP_SUMMARY") {
        Ok(path) if !path.is_empty() => github::append_summary(&path, &github::summary(line, &problems, report)),
        _ => Ok(()),
    }
}

fn github_problems(verdict: &Verdict) -> Vec<Problem> {
    let mut problems = Vec::new();
    for pv in &verdict.pods {
        for i in pv.counted() {
            let level = match i.status {
                Status::Fail => Level::Error,
                Status::Warn => Level::Warning,
                Status::Known => Level::Notice,
            };
            // Finding messages already name their container.
            let (pod, kind, message, evidence) = (pv.pod.display_name(), i.kind.clone(), i.message.clone(), i.evidence.clone());
            problems.push(Problem { level, pod, kind, message, evidence });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_and_unknown_ones_are_named() {
        let ok = parse_kinds("--fail-on", &["sigkill".into(), " oom_killed".into(), "".into()]).unwrap();
        assert_eq!(ok.into_iter().collect::<Vec<_>>(), vec![FindingKind::Sigkill, FindingKind::OomKilled]);
        let err = parse_kinds("--warn-on", &["sigkil".into()]).unwrap_err();
        assert!(err.starts_with("--warn-on: unknown finding kind \"sigkil\""), "{err}");
        assert!(!err.contains('\n'));
    }

    #[test]
    fn default_fail_on_is_all_known_kinds() {
        let v: Vec<String> = crate::commands::DEFAULT_FAIL_ON.split(',').map(str::to_string).collect();
        assert_eq!(parse_kinds("--fail-on", &v).unwrap().len(), v.len());
    }

    #[test]
    fn workload_identity_survives_new_replicaset_hashes() {
        let a = PodKey::new(Some("web"), None, Some("api-7b6bd9b949-9csb4"), Some("u1"), None);
        let b = PodKey::new(Some("web"), None, Some("api-5d4f8c7b9d-x2k7q"), Some("u2"), None);
        let c = PodKey::new(Some("other"), None, Some("api-5d4f8c7b9d-x2k7q"), Some("u2"), None);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(PodKey::new(None, None, None, Some("u1"), None).workload, "uid:u1");
        // A named controller decides, also for names the API server cut short.
        let rs = Owner { kind: "ReplicaSet".into(), name: "payments-reconciliation-worker-europe-west1-canary-blue-6b7c9d8f5c".into() };
        let cut = PodKey::new(Some("shop"), Some(&rs), Some("payments-reconciliation-worker-europe-west1-canary-blue-6bk2x9p"), None, None);
        assert_eq!(cut.workload, "payments-reconciliation-worker-europe-west1-canary-blue");
    }

    fn pod(ns: &str, name: &str) -> PodReport {
        PodReport {
            namespace: Some(ns.into()),
            name: Some(name.into()),
            uid: None,
            node: None,
            owner: None,
            grace_period_s: None,
            deletion: None,
            outcome: crate::model::Outcome::Graceful,
            duration_s: None,
            logs_end: None,
            containers: vec![],
            stages: vec![],
            findings: vec![],
        }
    }

    #[test]
    fn pods_without_node_go_to_the_unknown_suite_with_unique_names() {
        let (a, b) = (pod("default", "web-0"), PodReport { uid: Some("u2".into()), ..pod("default", "web-0") });
        let verdict = Verdict { pods: [&a, &b].into_iter().map(|p| PodVerdict { pod: p, allowed_by: None, items: vec![] }).collect() };
        let suites = junit_suites(&verdict);
        assert_eq!(suites.len(), 1);
        assert_eq!(suites[0].name, "unknown");
        let names: Vec<&str> = suites[0].cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["web-0", "web-0 (u2)"]);
    }

    #[test]
    fn allow_globs() {
        assert!(AllowRule::new("kube-system/*", "--allow").unwrap().matches(&pod("kube-system", "coredns-1")));
        assert!(!AllowRule::new("kube-system/*", "--allow").unwrap().matches(&pod("default", "coredns-1")));
        assert!(AllowRule::new("coredns-*", "--allow").unwrap().matches(&pod("default", "coredns-1")));
        assert!(AllowRule::new("default/[", "--allow").is_err());
    }
}
