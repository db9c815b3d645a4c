//! `check --github`: GitHub Actions workflow commands (annotations that point
//! at the log line proving each problem) and the Markdown job summary.
//!
//! Like the JUnit renderer, this knows the format, not the rules: `check`
//! hands over [`Problem`]s already classified.

use super::markdown::{cell, pod_table};
use crate::model::Report;
use std::fmt::Write as _;
use std::io::Write as _;

/// How a problem is annotated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// A failing finding (`::error`).
    Error,
    /// A `--warn-on` finding (`::warning`).
    Warning,
    /// A failing kind already in the baseline (`::notice`): known, does not fail.
    Notice,
}

impl Level {
    /// The workflow command name.
    fn command(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        }
    }

    /// The word shown in the summary table.
    fn label(self) -> &'static str {
        match self {
            Level::Error => "**fail**",
            Level::Warning => "warn",
            Level::Notice => "known (baseline)",
        }
    }
}

/// One problem to annotate and list in the summary.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Error, warning or known.
    pub level: Level,
    /// The Pod (`namespace/name`).
    pub pod: String,
    /// Finding kind (`sigkill`, …, or `max_stop_seconds`).
    pub kind: String,
    /// One sentence (container included where it applies).
    pub message: String,
    /// `path:line` of the proving lines; the first one anchors the annotation.
    pub evidence: Vec<String>,
}

/// The workflow command for one problem, e.g.
/// `::error file=kind-logs/n/containerd.log,line=33,title=podmortem sigkill::…`.
pub fn annotation(p: &Problem) -> String {
    let mut props = Vec::new();
    if let Some((file, line)) = p.evidence.first().map(|e| split_location(e)) {
        props.push(format!("file={}", escape_property(file)));
        if let Some(line) = line {
            props.push(format!("line={line}"));
        }
    }
    let known = if p.level == Level::Notice { " (known, baseline)" } else { "" };
    props.push(format!("title={}", escape_property(&format!("podmortem {}{known}", p.kind))));
    let mut message = format!("{}: {}", p.pod, p.message);
    if !p.evidence.is_empty() {
        let _ = write!(message, "\nevidence: {}", p.evidence.join(", "));
    }
    format!("::{} {}::{}", p.level.command(), props.join(","), escape_data(&message))
}

/// Splits an evidence `path:line` into the file and the line number (none
/// when the text after the last `:` is not a number).
pub fn split_location(evidence: &str) -> (&str, Option<u64>) {
    match evidence.rsplit_once(':') {
        Some((file, line)) if !file.is_empty() => match line.parse::<u64>() {
            Ok(n) => (file, Some(n)),
            Err(_) => (evidence, None),
        },
        _ => (evidence, None),
    }
}

/// Escapes a command's message (`%`, CR, LF), as `@actions/core` does; other
/// control characters are shown as `\u{…}` so the log cannot be restyled.
pub fn escape_data(s: &str) -> String {
    let escaped = s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    super::sanitize(&escaped)
}

/// Escapes a command property (`file=`, `title=`): as [`escape_data`], plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The Markdown job summary: the verdict, the problems, and the Pod table.
pub fn summary(verdict: &str, problems: &[Problem], report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## podmortem check\n\n**{}**\n", cell(verdict));
    if !problems.is_empty() {
        let _ = writeln!(s, "| Status | Pod | Finding | Message | Evidence |\n|---|---|---|---|---|");
        for p in problems {
            let evidence: Vec<String> = p.evidence.iter().map(|e| format!("`{}`", cell(e))).collect();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                p.level.label(),
                cell(&p.pod),
                cell(&p.kind),
                cell(&p.message),
                evidence.join("<br>")
            );
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "<details><summary>{} Pods</summary>\n", report.summary.pods);
    pod_table(&mut s, report);
    let _ = writeln!(s, "\n</details>\n");
    s
}

/// Appends `text` to the file named by `$GITHUB_STEP_SUMMARY` (created if
/// missing; earlier steps' summaries are kept).
pub fn append_summary(path: &str, text: &str) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("{path}: cannot append the GitHub step summary: {}", crate::input::io_reason(&e));
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(fail)?;
    f.write_all(text.as_bytes()).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(level: Level, evidence: &[&str]) -> Problem {
        Problem {
            level,
            pod: "default/web".into(),
            kind: "sigkill".into(),
            message: "100% killed\nagain".into(),
            evidence: evidence.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn error_points_at_the_first_evidence_line() {
        let a = annotation(&problem(Level::Error, &["logs/n1,a:b/containerd.log:33", "logs/kubelet.log:9"]));
        assert_eq!(
            a,
            "::error file=logs/n1%2Ca%3Ab/containerd.log,line=33,title=podmortem sigkill::default/web: 100%25 killed%0Aagain\
             %0Aevidence: logs/n1,a:b/containerd.log:33, logs/kubelet.log:9"
        );
    }

    #[test]
    fn warning_and_notice_and_no_evidence() {
        assert!(annotation(&problem(Level::Warning, &[])).starts_with("::warning title=podmortem sigkill::"));
        let n = annotation(&problem(Level::Notice, &["-:4"]));
        assert!(n.starts_with("::notice file=-,line=4,title=podmortem sigkill (known%2C baseline)::"), "{n}");
    }

    #[test]
    fn locations_split_on_the_last_colon() {
        assert_eq!(split_location("a/b.log:12"), ("a/b.log", Some(12)));
        assert_eq!(split_location("C:/x.log:7"), ("C:/x.log", Some(7)));
        assert_eq!(split_location("x.log"), ("x.log", None));
        assert_eq!(split_location("x.log:abc"), ("x.log:abc", None));
    }

    #[test]
    fn terminal_escapes_are_neutralised() {
        assert_eq!(escape_data("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
    }
}
