//! Renderers: each reads a finished [`Report`](crate::model::Report) and
//! writes one format. None computes anything another needs.

pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod lanes;
pub mod markdown;
pub mod pod_view;
pub mod spool;
pub mod stats_table;
pub mod table;

use crate::model::{Outcome, PodReport, Stage};

/// How terminal output should look.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Use colour.
    pub color: bool,
    /// Fit tables to this many columns.
    pub width: Option<u16>,
}

/// A table in the house style: condensed UTF-8 borders, colour only when asked.
pub fn new_table(opts: &RenderOptions) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    if opts.color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t
}

/// Makes untrusted text safe for a terminal: control characters (escape
/// sequences included) are shown as `\u{1b}` instead of being interpreted.
pub fn sanitize(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars().map(|c| if c.is_control() { c.escape_unicode().to_string() } else { c.to_string() }).collect()
}

/// The first 12 characters of a runtime ID, as `crictl` shows them.
pub fn short_id(id: &str) -> &str {
    match id.char_indices().nth(12) {
        Some((i, _)) => &id[..i],
        None => id,
    }
}

/// Why and by whom a Pod was stopped: `delete by alice (kubectl/v1.31.0 …)`.
pub fn stopped_by(p: &PodReport) -> String {
    let Some(d) = &p.deletion else { return "-".into() };
    let mut s = d.reason.to_string();
    if let Some(by) = &d.by {
        s.push_str(" by ");
        s.push_str(by);
    }
    if let Some(ua) = &d.user_agent {
        let short = crate::text::first_chars(ua.split_whitespace().next().unwrap_or(ua), 40);
        s.push_str(&format!(" ({short})"));
    }
    s
}

/// Seconds as a short human string (`5.0s`, `1m05s`, `27h55m51s`).
pub fn human_secs(s: f64) -> String {
    if s.abs() < 60.0 {
        return format!("{s:.1}s");
    }
    let total = s.round() as i64;
    let (sign, t) = if total < 0 { ("-", -total) } else { ("", total) };
    if t < 3600 {
        return format!("{sign}{}m{:02}s", t / 60, t % 60);
    }
    // Stuck Pods wait for hours: 27h55m51s, not 1675m51s.
    format!("{sign}{}h{:02}m{:02}s", t / 3600, t / 60 % 60, t % 60)
}

/// A share (1.0 = all) as a whole percentage (`48%`), as the grace period used is shown.
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// From the stop request to the last container exit: the delete, or, for a
/// stop the kubelet began itself (eviction, probe restart), the first stage
/// when it comes before the exit in the lifecycle (preStop, StopContainer, the
/// signal, …). None when nothing asked the Pod to stop: containers that
/// exited on their own (an OOM kill, a crash, a finished Job) took no
/// stopping, and a 0 s stop would pull every statistic of stop times down.
/// Likewise when the containers had exited before the request (a finished
/// Job's Pod deleted later): there was nothing left to stop. An exit printed
/// in whole seconds (API `finishedAt`) that falls in the request's second
/// took no measurable time: 0 s, not a negative one.
pub fn delete_to_exit(p: &PodReport) -> Option<f64> {
    let first_before_exit = || p.stages.first().filter(|s| s.stage < Stage::Exited).map(|s| s.at);
    let start = p.stage_at(Stage::DeleteRequested).or_else(first_before_exit)?;
    let exit = p.containers.iter().filter_map(|c| c.exited_at).max()?;
    let took = start.secs_until(&exit);
    if took >= 0.0 {
        return Some(took);
    }
    // The exit happened somewhere in the span its printed digits leave open.
    let resolution = 10f64.powi(-i32::from(exit.digits));
    (-took < resolution).then_some(0.0)
}

/// ANSI colour for an outcome (only used when colour is on).
pub fn outcome_color(o: Outcome) -> comfy_table::Color {
    match o {
        Outcome::Stuck | Outcome::OomKilled | Outcome::Sigkill => comfy_table::Color::Red,
        Outcome::SignalExit | Outcome::ErrorExit | Outcome::Incomplete => comfy_table::Color::Yellow,
        Outcome::Graceful => comfy_table::Color::Green,
        Outcome::Running => comfy_table::Color::Reset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Pod deleted at 10:00:00.6 whose last container exited at `exit`.
    fn deleted_at_600ms_exited(exit: &str) -> PodReport {
        serde_json::from_str(&format!(
            r#"{{"namespace":"ns","name":"p","uid":null,"node":null,"grace_period_s":30,"deletion":null,"outcome":"graceful",
                "duration_s":null,"findings":[],
                "containers":[{{"name":"c","id":null,"stop_signal":null,"prestop_s":null,"stop_timeout_s":null,"exit_code":0,"exited_at":"{exit}"}}],
                "stages":[{{"stage":"delete_requested","at":"2025-03-16T10:00:00.600000Z","container":null,"source":"kubelet.log:1"}}]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn stop_time_runs_from_the_request_to_the_exit_and_is_never_negative() {
        assert_eq!(delete_to_exit(&deleted_at_600ms_exited("2025-03-16T10:00:02.100000Z")), Some(1.5));
        // finishedAt prints whole seconds: 10:00:00Z is an exit within that second.
        assert_eq!(delete_to_exit(&deleted_at_600ms_exited("2025-03-16T10:00:00Z")), Some(0.0));
        // Exited before the delete came: nothing was left to stop.
        assert_eq!(delete_to_exit(&deleted_at_600ms_exited("2025-03-16T09:59:59Z")), None);
        assert_eq!(delete_to_exit(&deleted_at_600ms_exited("2025-03-16T10:00:00.500000Z")), None);
        assert_eq!(delete_to_exit(&deleted_at_600ms_exited("2025-03-16T09:00:00.600000Z")), None);
    }

    #[test]
    fn escapes_terminal_sequences() {
        assert_eq!(sanitize("pod\u{1b}[31mred"), "pod\\u{1b}[31mred");
        assert_eq!(sanitize("plain"), "plain");
    }

    #[test]
    fn human_durations() {
        assert_eq!(human_secs(5.04), "5.0s");
        assert_eq!(human_secs(65.0), "1m05s");
        assert_eq!(human_secs(3599.4), "59m59s");
        assert_eq!(human_secs(100_551.4), "27h55m51s");
        assert_eq!(human_secs(-3600.0), "-1h00m00s");
        assert_eq!(human_secs(-65.0), "-1m05s");
    }
}
