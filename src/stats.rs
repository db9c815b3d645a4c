//! Fleet statistics over many Pods' reports (`audit`, `merge`).
//!
//! Everything is computed from the per-Pod records themselves, so shard
//! results merged by concatenating their records give exactly the numbers of
//! one run over everything (quantiles included: the raw durations merge).

use crate::model::{FindingKind, Outcome, Owner, PodReport, Stage};
use crate::report::delete_to_exit;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// Quantiles of a set of durations (nearest-rank).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Quantiles {
    /// Number of values.
    pub count: usize,
    /// Median.
    pub p50: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// 99th percentile.
    pub p99: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
}

impl Quantiles {
    /// Quantiles of `values` (any order).
    pub fn of(values: &[f64]) -> Quantiles {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        // Values equal in the total order are the same bits: no order among
        // them to keep, so the faster unstable sort gives the same list.
        v.sort_unstable_by(f64::total_cmp);
        let rank = |q: f64| -> Option<f64> {
            if v.is_empty() {
                return None;
            }
            let i = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
            Some(round3(v[i]))
        };
        Quantiles { count: v.len(), p50: rank(0.50), p90: rank(0.90), p99: rank(0.99), max: v.last().copied().map(round3) }
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Statistics of one group (a namespace, workload or node).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GroupStats {
    /// Namespace, `namespace/workload`, or node name.
    pub key: String,
    /// Pods stopped.
    pub pods: usize,
    /// Pods per outcome.
    pub outcomes: BTreeMap<&'static str, usize>,
    /// Pods with a `sigkill` finding.
    pub sigkills: usize,
    /// Pods that ended `stuck`.
    pub stuck: usize,
    /// Stop request → last container exit, of the Pods something asked to
    /// stop (see [`crate::report::delete_to_exit`]).
    pub delete_to_exit: Quantiles,
    /// Delete → removal from the API.
    pub delete_to_removed: Quantiles,
    /// Share of the grace period used before the exit.
    pub grace_used: Quantiles,
}

/// A grace-period recommendation for one workload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    /// `namespace/workload`.
    pub workload: String,
    /// The grace period its Pods had (largest seen).
    pub grace_period_s: Option<i64>,
    /// p99 of observed preStop + drain (delete → exit), seconds.
    pub observed_p99_s: Option<f64>,
    /// `terminationGracePeriodSeconds` that covers that p99 with a margin.
    pub suggested_grace_s: Option<i64>,
    /// True when its Pods ran no preStop hook.
    pub prestop_missing: bool,
    /// p99 of delete → endpoint removal, when the API showed it.
    pub endpoint_lag_p99_s: Option<f64>,
    /// One sentence for people.
    pub advice: String,
}

/// An entry in a top-offenders list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Offender {
    /// Pod (`namespace/name`) or workload.
    pub key: String,
    /// The number it is ranked by (count or seconds).
    pub value: f64,
}

/// The whole fleet picture.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FleetStats {
    /// Pods whose stop was seen (outcome other than `running`).
    pub pods_stopped: usize,
    /// All Pods.
    pub pods: usize,
    /// Pods per outcome.
    pub outcomes: BTreeMap<&'static str, usize>,
    /// Findings per kind.
    pub findings: BTreeMap<&'static str, usize>,
    /// Stop request → last container exit, of the Pods something asked to
    /// stop: containers that exited on their own add no sample
    /// (see [`crate::report::delete_to_exit`]).
    pub delete_to_exit: Quantiles,
    /// Delete → removal from the API.
    pub delete_to_removed: Quantiles,
    /// Share of the grace period used before the exit (1.0 = all of it).
    pub grace_used: Quantiles,
    /// Per namespace.
    pub by_namespace: Vec<GroupStats>,
    /// Per workload (Deployment/StatefulSet/CronJob/…, from the owning
    /// controller where an API object named it, else from the Pod name).
    pub by_workload: Vec<GroupStats>,
    /// Per node.
    pub by_node: Vec<GroupStats>,
    /// Workloads with the most SIGKILLs.
    pub top_sigkill: Vec<Offender>,
    /// Pods with the longest stops.
    pub top_longest: Vec<Offender>,
    /// Pods stuck terminating, longest first: seconds from the stop request
    /// to the end of their node's logs, still not removed.
    pub top_stuck: Vec<Offender>,
    /// Grace-period and preStop advice per workload.
    pub recommendations: Vec<Recommendation>,
}

/// The workload a Pod belongs to, from its name: ReplicaSet Pods
/// (`web-7b6bd9b949-9csb4`) lose both hashes, CronJob Pods
/// (`report-28945230-x7k2p`) the Job's scheduled minute and their suffix,
/// StatefulSet Pods (`db-0`) their ordinal, Job/DaemonSet Pods (`x-5d8f2`)
/// their suffix.
pub fn workload_of(name: &str) -> String {
    let parts: Vec<&str> = name.split('-').collect();
    let n = parts.len();
    if n >= 3 && is_pod_suffix(parts[n - 1]) && (is_schedule_minutes(parts[n - 2]) || is_template_hash(parts[n - 2])) {
        return parts[..n - 2].join("-");
    }
    if n >= 2 && !parts[n - 1].is_empty() && parts[n - 1].bytes().all(|b| b.is_ascii_digit()) {
        return parts[..n - 1].join("-");
    }
    if n >= 2 && is_pod_suffix(parts[n - 1]) {
        return parts[..n - 1].join("-");
    }
    name.to_string()
}

/// The workload a Pod's owning controller stands for: a ReplicaSet's
/// Deployment (its name without the pod-template hash), a Job's CronJob (its
/// name without the scheduled minute), else the controller itself
/// (StatefulSet, DaemonSet, a Job of its own, a custom controller).
pub fn workload_of_owner(owner: &Owner) -> String {
    let strip_last = |keep: fn(&str) -> bool| match owner.name.rsplit_once('-') {
        Some((workload, last)) if !workload.is_empty() && keep(last) => workload.to_string(),
        _ => owner.name.clone(),
    };
    match owner.kind.as_str() {
        "ReplicaSet" => strip_last(is_template_hash),
        "Job" => strip_last(is_schedule_minutes),
        _ => owner.name.clone(),
    }
}

/// Generated names use Kubernetes' "safe" alphabet (no vowels, no 0/1/3),
/// so `web-proxy` is not mistaken for a generated part.
fn is_safe_alphabet(s: &str) -> bool {
    s.bytes().all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b))
}

/// A ReplicaSet's `pod-template-hash` (`7b6bd9b949`).
fn is_template_hash(s: &str) -> bool {
    (6..=10).contains(&s.len()) && is_safe_alphabet(s)
}

/// The random suffix of a generated Pod name (`9csb4`).
fn is_pod_suffix(s: &str) -> bool {
    s.len() == 5 && is_safe_alphabet(s)
}

/// The number a CronJob puts after its name in each Job's: the scheduled
/// time in minutes since the epoch (`getTimeHashInMinutes`, 8 digits from
/// 1989 to 2160).
fn is_schedule_minutes(s: &str) -> bool {
    s.len() >= 8 && s.bytes().all(|b| b.is_ascii_digit())
}

/// What the statistics need of one Pod: about two hundred bytes instead of
/// a whole report, so `audit` can keep every Pod of a large fleet in memory.
/// The namespace, workload and node are shared with the other Pods of its
/// node ([`PodDigest::of_all`]), and nothing else owns a separate allocation
/// but the name: digests outlive their node's other memory, and each small
/// allocation of theirs would keep a page of it resident.
#[derive(Debug, Clone, PartialEq)]
pub struct PodDigest {
    /// `namespace/name` (or the report's fallback name).
    pub display_name: Box<str>,
    /// Namespace, `?` when unknown.
    pub namespace: Arc<str>,
    /// `namespace/workload`.
    pub workload: Arc<str>,
    /// Node, `?` when unknown.
    pub node: Arc<str>,
    /// How the Pod ended.
    pub outcome: Outcome,
    /// The kinds of its findings (one entry per finding).
    pub findings: Box<[FindingKind]>,
    /// Its grace period.
    pub grace_period_s: Option<i64>,
    /// Stop request → last container exit; none when nothing asked the Pod to stop.
    pub delete_to_exit: Option<f64>,
    /// Delete → removal from the API.
    pub delete_to_removed: Option<f64>,
    /// Delete → endpoint not ready (or removed).
    pub endpoint_lag: Option<f64>,
    /// True when a delete request was seen.
    pub deleted: bool,
    /// True when any container ran a preStop hook.
    pub prestop_seen: bool,
    /// The longest preStop hook of its containers.
    pub prestop_max_s: Option<f64>,
    /// How long the Pod had been terminating, unremoved, when its node's
    /// logs end: from the stop request (or its first stage) to the logs'
    /// last line. None when it was removed or either end is unknown.
    pub unremoved_s: Option<f64>,
}

impl PodDigest {
    /// The digest of one Pod's report.
    pub fn of(p: &PodReport) -> PodDigest {
        PodDigest::with_names(p, &mut HashSet::new())
    }

    /// The digests of some Pods' reports (a node's), sharing their
    /// namespaces, workloads and node names.
    pub fn of_all(pods: &[PodReport]) -> Vec<PodDigest> {
        let mut names = HashSet::new();
        pods.iter().map(|p| PodDigest::with_names(p, &mut names)).collect()
    }

    /// The digest of one Pod's report, its shared names taken from `names`.
    fn with_names(p: &PodReport, names: &mut HashSet<Arc<str>>) -> PodDigest {
        let mut shared = |text: &str| match names.get(text) {
            Some(a) => a.clone(),
            None => {
                let a: Arc<str> = Arc::from(text);
                names.insert(a.clone());
                a
            }
        };
        let delete = p.stage_at(Stage::DeleteRequested);
        let since_delete = |stage: Option<crate::time::Instant>| Some(delete?.secs_until(&stage?));
        let prestop_max_s = p.containers.iter().filter_map(|c| c.prestop_s).reduce(f64::max);
        PodDigest {
            display_name: p.display_name().into_boxed_str(),
            namespace: shared(p.namespace.as_deref().unwrap_or("?")),
            workload: shared(&workload_key(p)),
            node: shared(p.node.as_deref().unwrap_or("?")),
            outcome: p.outcome,
            findings: p.findings.iter().map(|f| f.kind).collect(),
            grace_period_s: p.grace_period_s,
            delete_to_exit: delete_to_exit(p),
            delete_to_removed: since_delete(p.stage_at(Stage::Removed)),
            endpoint_lag: since_delete(p.stage_at(Stage::EndpointNotReady).or(p.stage_at(Stage::EndpointRemoved))),
            deleted: delete.is_some(),
            prestop_seen: prestop_max_s.is_some() || p.stage_at(Stage::PrestopStarted).is_some(),
            prestop_max_s,
            unremoved_s: unremoved(p),
        }
    }

    fn has(&self, k: FindingKind) -> bool {
        self.findings.contains(&k)
    }
}

/// The workload a Pod belongs to: its owning controller's where an API
/// object named it, else the one its name shows; `None` for a Pod known by
/// no name.
pub fn workload(owner: Option<&Owner>, name: Option<&str>) -> Option<String> {
    match (owner, name) {
        (Some(owner), _) => Some(workload_of_owner(owner)),
        (None, Some(name)) => Some(workload_of(name)),
        (None, None) => None,
    }
}

/// `namespace/workload`.
fn workload_key(p: &PodReport) -> String {
    let ns = p.namespace.as_deref().unwrap_or("?");
    format!("{ns}/{}", workload(p.owner.as_ref(), p.name.as_deref()).as_deref().unwrap_or("?"))
}

/// How long a Pod not removed had been terminating when its node's logs end.
fn unremoved(p: &PodReport) -> Option<f64> {
    if p.stage_at(Stage::Removed).is_some() {
        return None;
    }
    let start = p.stage_at(Stage::DeleteRequested).or_else(|| p.stages.first().map(|s| s.at))?;
    Some(start.secs_until(&p.logs_end?)).filter(|s| *s >= 0.0)
}

/// Delete → exit, delete → removed and the share of the grace period used, of `pods`.
fn durations(pods: &[&PodDigest]) -> (Quantiles, Quantiles, Quantiles) {
    let (mut d_exit, mut d_removed, mut used) = (Vec::new(), Vec::new(), Vec::new());
    for p in pods {
        if let Some(x) = p.delete_to_exit {
            d_exit.push(x);
            if let Some(g) = p.grace_period_s.filter(|g| *g > 0) {
                used.push(x / g as f64);
            }
        }
        if let Some(r) = p.delete_to_removed {
            d_removed.push(r);
        }
    }
    (Quantiles::of(&d_exit), Quantiles::of(&d_removed), Quantiles::of(&used))
}

fn group(key: String, pods: &[&PodDigest]) -> GroupStats {
    let mut g = GroupStats { key, pods: pods.len(), ..GroupStats::default() };
    for p in pods {
        *g.outcomes.entry(p.outcome.name()).or_default() += 1;
        g.sigkills += usize::from(p.has(FindingKind::Sigkill));
        g.stuck += usize::from(p.outcome == Outcome::Stuck);
    }
    (g.delete_to_exit, g.delete_to_removed, g.grace_used) = durations(pods);
    g
}

fn groups_by<'a>(pods: &[&'a PodDigest], key: impl Fn(&'a PodDigest) -> &'a str) -> Vec<GroupStats> {
    let mut m: BTreeMap<&str, Vec<&PodDigest>> = BTreeMap::new();
    for p in pods {
        m.entry(key(p)).or_default().push(p);
    }
    m.into_iter().map(|(k, v)| group(k.to_string(), &v)).collect()
}

/// Fleet statistics of full Pod reports (`merge`, `analyze`-sized inputs).
pub fn compute(all: &[PodReport], top: usize) -> FleetStats {
    compute_digests(&[PodDigest::of_all(all)], top)
}

/// Fleet statistics of Pod digests, given in parts (a node's each: they
/// are not copied into one list); `top` bounds the offender lists.
pub fn compute_digests(parts: &[Vec<PodDigest>], top: usize) -> FleetStats {
    let all = || parts.iter().flatten();
    let stopped: Vec<&PodDigest> = all().filter(|p| p.outcome != Outcome::Running).collect();
    let mut s = FleetStats { pods: all().count(), pods_stopped: stopped.len(), ..FleetStats::default() };
    for k in FindingKind::ALL {
        s.findings.insert(k.name(), 0);
    }
    for p in &stopped {
        *s.outcomes.entry(p.outcome.name()).or_default() += 1;
        for f in &p.findings {
            *s.findings.entry(f.name()).or_default() += 1;
        }
    }
    // The fleet's quantiles and its three groupings are independent: each
    // takes a core (this runs after every node is read, on one thread otherwise).
    let ((fleet, by_namespace), (by_workload, by_node)) = rayon::join(
        || rayon::join(|| durations(&stopped), || groups_by(&stopped, |p| &p.namespace)),
        || rayon::join(|| groups_by(&stopped, |p| &p.workload), || groups_by(&stopped, |p| &p.node)),
    );
    (s.delete_to_exit, s.delete_to_removed, s.grace_used) = fleet;
    (s.by_namespace, s.by_workload, s.by_node) = (by_namespace, by_workload, by_node);

    let mut sig: Vec<Offender> =
        s.by_workload.iter().filter(|g| g.sigkills > 0).map(|g| Offender { key: g.key.clone(), value: g.sigkills as f64 }).collect();
    sig.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.key.cmp(&b.key)));
    sig.truncate(top);
    s.top_sigkill = sig;
    // Names are copied for the few offenders kept, not for every Pod.
    let mut longest: Vec<(f64, &str)> = stopped.iter().filter_map(|p| Some((round3(p.delete_to_exit?), &*p.display_name))).collect();
    longest.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    longest.truncate(top);
    s.top_longest = longest.into_iter().map(|(value, key)| Offender { key: key.to_string(), value }).collect();
    // Longest terminating first; a Pod whose wait cannot be timed comes last.
    let mut stuck: Vec<(Option<f64>, String)> = stopped
        .iter()
        .filter(|p| p.outcome == Outcome::Stuck)
        .map(|p| (p.unremoved_s.map(round3), format!("{} on {}", p.display_name, p.node)))
        .collect();
    stuck.sort_by(|a, b| b.0.unwrap_or(f64::NEG_INFINITY).total_cmp(&a.0.unwrap_or(f64::NEG_INFINITY)).then(a.1.cmp(&b.1)));
    stuck.truncate(top);
    let stuck: Vec<Offender> = stuck.into_iter().map(|(value, key)| Offender { key, value: value.unwrap_or(0.0) }).collect();
    s.top_stuck = stuck;
    s.recommendations = recommendations(&stopped);
    s
}

const MARGIN: f64 = 1.25;
const MARGIN_MIN_S: f64 = 5.0;

fn recommendations(stopped: &[&PodDigest]) -> Vec<Recommendation> {
    let mut by: BTreeMap<&str, Vec<&PodDigest>> = BTreeMap::new();
    for p in stopped.iter().filter(|p| p.deleted) {
        by.entry(&p.workload).or_default().push(p);
    }
    let mut out = Vec::new();
    for (workload, pods) in by {
        // A Pod that was SIGKILLed tells only that it needed more than its grace.
        let drains: Vec<f64> = pods.iter().filter_map(|p| p.delete_to_exit).collect();
        let q = Quantiles::of(&drains);
        let grace = pods.iter().filter_map(|p| p.grace_period_s).max();
        let killed = pods.iter().filter(|p| p.has(FindingKind::Sigkill) || p.has(FindingKind::GraceOverrun)).count();
        let prestop_missing = pods.iter().all(|p| !p.prestop_seen);
        let lags: Vec<f64> = pods.iter().filter_map(|p| p.endpoint_lag).collect();
        let lag = Quantiles::of(&lags).p99;
        let suggested = q.p99.map(|p99| {
            let need = (p99 * MARGIN).max(p99 + MARGIN_MIN_S).ceil() as i64;
            if killed > 0 {
                need.max(grace.unwrap_or(0) * 2)
            } else {
                need
            }
        });
        let prestop_short = pods.iter().filter_map(|p| p.prestop_max_s).reduce(f64::max);
        let mut advice = Vec::new();
        if let (Some(sg), Some(g)) = (suggested, grace) {
            if sg > g {
                // Say where the number comes from: a SIGKILLed Pod shows only
                // that it needed more than its grace, not how much more.
                let why = match q.p99 {
                    Some(p99) if killed == 0 || sg > g * 2 => format!("p99 of preStop + drain {p99:.1} s, with a margin"),
                    _ => format!(
                        "{killed} of its {} deleted Pods ran out of their grace period; what they needed is unknown, so twice the grace",
                        pods.len()
                    ),
                };
                advice.push(format!("raise terminationGracePeriodSeconds from {g} to at least {sg} ({why})"));
            }
        }
        if prestop_missing && lag.is_some() {
            advice.push(format!(
                "add a preStop sleep of at least {:.0} s (endpoint removal lags the delete by up to {:.1} s)",
                lag.unwrap_or(0.0).ceil() + 1.0,
                lag.unwrap_or(0.0)
            ));
        } else if prestop_missing {
            advice.push("add a preStop sleep so endpoints stop sending traffic before SIGTERM".to_string());
        } else if let (Some(ps), Some(l)) = (prestop_short, lag) {
            if ps < l {
                advice.push(format!("lengthen the preStop hook ({ps:.1} s) past the endpoint removal lag ({l:.1} s)"));
            }
        }
        if advice.is_empty() {
            continue;
        }
        out.push(Recommendation {
            workload: workload.to_string(),
            grace_period_s: grace,
            observed_p99_s: q.p99,
            suggested_grace_s: suggested,
            prestop_missing,
            endpoint_lag_p99_s: lag,
            advice: advice.join("; "),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workload_names() {
        assert_eq!(workload_of("hosted-grafana-api-7b6bd9b949-9csb4"), "hosted-grafana-api");
        assert_eq!(workload_of("db-0"), "db");
        assert_eq!(workload_of("fluentd-x7k2p"), "fluentd");
        assert_eq!(workload_of("nginx"), "nginx");
        assert_eq!(workload_of("web-proxy"), "web-proxy");
        assert_eq!(workload_of("web-6b7c9d8f5c-k2x9p"), "web");
        // CronJob Pods: every run groups under the CronJob, whatever digits its minute has.
        assert_eq!(workload_of("report-28945230-x7k2p"), "report");
        assert_eq!(workload_of("billing-sync-28727647-7pw9s"), "billing-sync");
        assert_eq!(workload_of("billing-sync-28074331-t8qqk"), "billing-sync");
        assert_eq!(workload_of("etl-28847925-nlpt9"), "etl");
        assert_eq!(workload_of("backup-1234567-x7k2p"), "backup-1234567", "7 digits: not a scheduled minute");
    }

    #[test]
    fn the_owner_decides_the_workload_where_an_api_object_named_it() {
        // The API server cuts a generated name's base to 58 bytes: a long
        // Deployment name leaves only "6b" of its ReplicaSet's hash, glued to
        // the Pod's random suffix, and the name alone no longer shows the workload.
        let pod = |owner: &str| -> PodReport {
            serde_json::from_str(&format!(
                r#"{{"namespace":"shop","name":"payments-reconciliation-worker-europe-west1-canary-blue-6bk2x9p","uid":null,"node":null,"owner":{owner},
                    "grace_period_s":null,"deletion":null,"outcome":"graceful","duration_s":null,"containers":[],"stages":[],"findings":[]}}"#
            ))
            .unwrap()
        };
        let rs = r#"{"kind":"ReplicaSet","name":"payments-reconciliation-worker-europe-west1-canary-blue-6b7c9d8f5c"}"#;
        assert_eq!(workload_key(&pod(rs)), "shop/payments-reconciliation-worker-europe-west1-canary-blue");
        assert_eq!(workload_key(&pod("null")), "shop/payments-reconciliation-worker-europe-west1-canary-blue-6bk2x9p");
    }

    #[test]
    fn a_nodes_digests_share_their_names_and_read_as_one_by_one() {
        let pod = |name: &str, node: &str| -> PodReport {
            serde_json::from_str(&format!(
                r#"{{"namespace":"shop","name":"{name}","uid":null,"node":"{node}","owner":null,"grace_period_s":30,"deletion":null,
                    "outcome":"sigkill","duration_s":null,"containers":[],"stages":[],"findings":[]}}"#
            ))
            .unwrap()
        };
        let pods = [pod("web-6b7c9d8f5c-k2x9p", "kind-worker"), pod("web-6b7c9d8f5c-q8z7w", "kind-worker"), pod("db-0", "kind-worker2")];
        let all = PodDigest::of_all(&pods);
        let alone: Vec<PodDigest> = pods.iter().map(PodDigest::of).collect();
        assert_eq!(all, alone, "sharing changes no value");
        assert!(Arc::ptr_eq(&all[0].node, &all[1].node) && Arc::ptr_eq(&all[0].workload, &all[1].workload));
        assert!(Arc::ptr_eq(&all[0].namespace, &all[2].namespace));
        assert_eq!((&*all[1].workload, &*all[2].node), ("shop/web", "kind-worker2"));
        // Statistics of digests given in parts are those of one list.
        let (parts, whole) = (compute_digests(&[all[..1].to_vec(), all[1..].to_vec()], 5), compute_digests(std::slice::from_ref(&all), 5));
        assert_eq!(serde_json::to_value(&parts).unwrap(), serde_json::to_value(&whole).unwrap());
        assert_eq!((whole.pods, whole.by_node.len(), whole.by_workload.len()), (3, 2, 2));
    }

    #[test]
    fn workloads_of_owners() {
        let owner = |kind: &str, name: &str| Owner { kind: kind.into(), name: name.into() };
        assert_eq!(workload_of_owner(&owner("ReplicaSet", "web-6b7c9d8f5c")), "web");
        assert_eq!(workload_of_owner(&owner("ReplicaSet", "frontend")), "frontend", "a ReplicaSet of its own");
        assert_eq!(workload_of_owner(&owner("Job", "report-28945230")), "report");
        assert_eq!(workload_of_owner(&owner("Job", "db-migrate")), "db-migrate");
        assert_eq!(workload_of_owner(&owner("StatefulSet", "db")), "db");
        assert_eq!(workload_of_owner(&owner("DaemonSet", "fluentd-6b7c9d8f5c")), "fluentd-6b7c9d8f5c", "only ReplicaSets carry a hash");
        assert_eq!(workload_of_owner(&owner("ReplicaSet", "-6b7c9d8f5c")), "-6b7c9d8f5c");
    }

    #[test]
    fn grace_advice_says_where_its_number_comes_from() {
        let pod = |workload: &str, drain: f64, killed: bool| PodDigest {
            display_name: "".into(),
            namespace: "shop".into(),
            workload: workload.into(),
            node: "kind-worker".into(),
            outcome: if killed { Outcome::Sigkill } else { Outcome::Graceful },
            findings: if killed { Box::new([FindingKind::Sigkill]) } else { Box::new([]) },
            grace_period_s: Some(30),
            delete_to_exit: Some(drain),
            delete_to_removed: None,
            endpoint_lag: None,
            deleted: true,
            prestop_seen: true,
            prestop_max_s: None,
            unremoved_s: None,
        };
        let pods = [pod("shop/api", 28.0, false), pod("shop/api", 29.0, false), pod("shop/db", 30.2, true), pod("shop/db", 12.0, false)];
        let advice: Vec<(String, Option<i64>, String)> =
            recommendations(&pods.iter().collect::<Vec<_>>()).into_iter().map(|r| (r.workload, r.suggested_grace_s, r.advice)).collect();
        assert_eq!(
            advice,
            [
                (
                    "shop/api".to_string(),
                    Some(37),
                    "raise terminationGracePeriodSeconds from 30 to at least 37 (p99 of preStop + drain 29.0 s, with a margin)".to_string()
                ),
                (
                    "shop/db".to_string(),
                    Some(60),
                    "raise terminationGracePeriodSeconds from 30 to at least 60 (1 of its 2 deleted Pods ran out of their grace period; \
                     what they needed is unknown, so twice the grace)"
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn nearest_rank_quantiles() {
        let q = Quantiles::of(&[5.0, 1.0, 3.0, 2.0, 4.0]);
        assert_eq!((q.count, q.p50, q.p90, q.max), (5, Some(3.0), Some(5.0), Some(5.0)));
        assert_eq!(Quantiles::of(&[]).p50, None);
    }
}
