//! `check --junit FILE`: JUnit XML that CI test reporters (Jenkins, GitLab,
//! GitHub actions such as `mikepenz/action-junit-report`) read.
//!
//! The renderer knows JUnit, not podmortem's rules: `check` decides what
//! fails and hands over ready [`Suite`]s (one per node), [`Case`]s (one per
//! Pod) and [`Failure`]s (one per failing finding). The XML is written with
//! quick-xml, which escapes markup; text is also made XML-1.0-safe here,
//! since control characters are not allowed in XML even as references.
//!
//! Counts follow the JUnit meaning of the attributes: `tests` = test cases,
//! `failures` = test cases that failed (a Pod with two failing findings is one
//! failed test with two `<failure>` elements), `skipped` = test cases with
//! `<skipped>`, `errors` = 0 (podmortem reports input errors by exit code 2).

use quick_xml::events::{BytesCData, BytesDecl, Event};
use quick_xml::Writer;
use std::io;

/// One `<testsuite>`: the Pods of one node.
#[derive(Debug, Clone, Default)]
pub struct Suite {
    /// Suite name (the node, `unknown` when no log names it).
    pub name: String,
    /// One case per Pod.
    pub cases: Vec<Case>,
}

/// One `<testcase>`: one Pod's stop.
#[derive(Debug, Clone, Default)]
pub struct Case {
    /// `classname` (the namespace).
    pub classname: String,
    /// `name` (the Pod name).
    pub name: String,
    /// `time` in seconds (the Pod's delete → exit; 0 when unknown).
    pub time_s: f64,
    /// Failing findings; the case fails when there is at least one.
    pub failures: Vec<Failure>,
    /// Why the case was skipped (e.g. an `--allow` glob); `None` when it ran.
    pub skipped: Option<String>,
    /// Lines for `<system-out>`: warnings and known problems that do not fail.
    pub system_out: Vec<String>,
}

/// One `<failure>`: one failing finding.
#[derive(Debug, Clone, Default)]
pub struct Failure {
    /// `type` (the finding kind, e.g. `sigkill`).
    pub kind: String,
    /// `message` (one sentence).
    pub message: String,
    /// Body: the `path:line` lines that prove it.
    pub evidence: Vec<String>,
}

impl Case {
    /// True when the case counts as failed.
    pub fn failed(&self) -> bool {
        self.skipped.is_none() && !self.failures.is_empty()
    }
}

/// Test-case counts of a set of cases: (tests, failures, skipped, time).
fn counts<'a>(cases: impl Iterator<Item = &'a Case>) -> (usize, usize, usize, f64) {
    cases.fold((0, 0, 0, 0.0), |(t, f, s, time), c| {
        (t + 1, f + usize::from(c.failed()), s + usize::from(c.skipped.is_some()), time + c.time_s)
    })
}

/// Renders the whole document (`<testsuites>` with the given suites).
pub fn render(title: &str, suites: &[Suite]) -> io::Result<String> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let (tests, failures, skipped, time) = counts(suites.iter().flat_map(|s| s.cases.iter()));
    w.create_element("testsuites")
        .with_attribute(("name", xml_text(title).as_str()))
        .with_attribute(("tests", tests.to_string().as_str()))
        .with_attribute(("failures", failures.to_string().as_str()))
        .with_attribute(("errors", "0"))
        .with_attribute(("skipped", skipped.to_string().as_str()))
        .with_attribute(("time", seconds(time).as_str()))
        .write_inner_content(|w| suites.iter().try_for_each(|s| write_suite(w, s)))?;
    let mut out = String::from_utf8(w.into_inner()).map_err(io::Error::other)?;
    out.push('\n');
    Ok(out)
}

fn write_suite(w: &mut Writer<Vec<u8>>, suite: &Suite) -> io::Result<()> {
    let (tests, failures, skipped, time) = counts(suite.cases.iter());
    let name = xml_text(&suite.name);
    w.create_element("testsuite")
        .with_attribute(("name", name.as_str()))
        .with_attribute(("hostname", name.as_str()))
        .with_attribute(("tests", tests.to_string().as_str()))
        .with_attribute(("failures", failures.to_string().as_str()))
        .with_attribute(("errors", "0"))
        .with_attribute(("skipped", skipped.to_string().as_str()))
        .with_attribute(("time", seconds(time).as_str()))
        .write_inner_content(|w| suite.cases.iter().try_for_each(|c| write_case(w, c)))?;
    Ok(())
}

fn write_case(w: &mut Writer<Vec<u8>>, case: &Case) -> io::Result<()> {
    let el = w
        .create_element("testcase")
        .with_attribute(("classname", xml_text(&case.classname).as_str()))
        .with_attribute(("name", xml_text(&case.name).as_str()))
        .with_attribute(("time", seconds(case.time_s).as_str()));
    if case.skipped.is_none() && case.failures.is_empty() && case.system_out.is_empty() {
        el.write_empty()?;
        return Ok(());
    }
    el.write_inner_content(|w| {
        // Order of the JUnit schema: skipped, failure*, system-out.
        if let Some(why) = &case.skipped {
            w.create_element("skipped").with_attribute(("message", xml_text(why).as_str())).write_empty()?;
        } else {
            case.failures.iter().try_for_each(|f| write_failure(w, f))?;
        }
        if !case.system_out.is_empty() {
            let text: Vec<String> = case.system_out.iter().map(|l| xml_text(l)).collect();
            write_cdata(w, "system-out", &text.join("\n"))?;
        }
        Ok(())
    })?;
    Ok(())
}

fn write_failure(w: &mut Writer<Vec<u8>>, f: &Failure) -> io::Result<()> {
    let mut body = vec![xml_text(&f.message)];
    if !f.evidence.is_empty() {
        body.push("evidence:".to_string());
        body.extend(f.evidence.iter().map(|e| xml_text(e)));
    }
    w.create_element("failure")
        .with_attribute(("type", xml_text(&f.kind).as_str()))
        .with_attribute(("message", xml_text(&f.message).as_str()))
        .write_inner_content(|w| cdata(w, &body.join("\n")))?;
    Ok(())
}

/// `<name><![CDATA[text]]></name>`: bodies as CDATA, which every consumer
/// reads verbatim (some drop entity references in element text).
fn write_cdata(w: &mut Writer<Vec<u8>>, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name).write_inner_content(|w| cdata(w, text))?;
    Ok(())
}

/// CDATA sections for `text` (a `]]>` inside is split over two sections, as XML requires).
fn cdata(w: &mut Writer<Vec<u8>>, text: &str) -> io::Result<()> {
    BytesCData::escaped(text).try_for_each(|c| w.write_event(Event::CData(c)))
}

/// Seconds as JUnit writes them (`12.034`), never negative or non-finite.
fn seconds(s: f64) -> String {
    let s = if s.is_finite() { s.max(0.0) } else { 0.0 };
    format!("{s:.3}")
}

/// Untrusted text made legal in XML 1.0: control characters (the terminal's
/// escape sequences too) are shown as `\u{…}`, as on the terminal, and the
/// non-characters U+FFFE/U+FFFF are replaced. Markup is escaped by quick-xml.
fn xml_text(s: &str) -> String {
    super::sanitize(s).chars().map(|c| if matches!(c, '\u{fffe}' | '\u{ffff}') { '\u{fffd}' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(xml: &str) -> junit_parser::TestSuites {
        junit_parser::from_reader(io::Cursor::new(xml.as_bytes())).expect("a JUnit consumer reads it")
    }

    fn case(name: &str, failures: Vec<Failure>) -> Case {
        Case { classname: "default".into(), name: name.into(), time_s: 1.5, failures, ..Case::default() }
    }

    #[test]
    fn counts_are_test_cases_and_the_consumer_agrees() {
        let two = vec![
            Failure { kind: "sigkill".into(), message: "killed".into(), evidence: vec!["a.log:3".into()] },
            Failure { kind: "grace_overrun".into(), message: "late".into(), evidence: vec![] },
        ];
        let skipped = Case { skipped: Some("allowed by --allow default/*".into()), ..case("c", vec![]) };
        let suites = [
            Suite { name: "node-a".into(), cases: vec![case("a", two), case("b", vec![]), skipped] },
            Suite { name: "unknown".into(), cases: vec![case("d", vec![])] },
        ];
        let doc = parse(&render("podmortem check", &suites).unwrap());
        assert_eq!((doc.tests, doc.failures, doc.errors, doc.skipped), (4, 1, 0, 1));
        assert_eq!((doc.suites[0].tests, doc.suites[0].failures, doc.suites[0].skipped), (3, 1, 1));
        assert_eq!(doc.suites[1].name, "unknown");
        assert!(doc.suites[0].cases[0].status.is_failure());
        assert!(doc.suites[0].cases[1].status.is_success());
        assert!(doc.suites[0].cases[2].status.is_skipped());
        assert!((doc.time - 6.0).abs() < 1e-9);
    }

    #[test]
    fn hostile_text_stays_well_formed() {
        let evil = "<x a=\"1\">&amp; ]]> \u{1b}[31m\u{0}\u{ffff}\n";
        let f = Failure { kind: "sigkill".into(), message: evil.into(), evidence: vec![format!("{evil}:7")] };
        let c = Case { system_out: vec![evil.into()], ..case(evil, vec![f]) };
        let doc = parse(&render(evil, &[Suite { name: evil.into(), cases: vec![c] }]).unwrap());
        let tc = &doc.suites[0].cases[0];
        assert!(tc.original_name.starts_with("<x a=\"1\">&amp; ]]> \\u{1b}[31m"), "{}", tc.original_name);
        assert!(tc.status.failure_as_ref().message.contains("]]>"));
        assert!(tc.status.failure_as_ref().text.starts_with("<x a=\"1\">&amp; ]]"), "{}", tc.status.failure_as_ref().text);
        assert!(tc.system_out.as_deref().unwrap_or("").contains("<x a="));
    }

    #[test]
    fn negative_or_nan_time_is_zero() {
        assert_eq!(seconds(-0.6), "0.000");
        assert_eq!(seconds(f64::NAN), "0.000");
        assert_eq!(seconds(12.0346), "12.035");
    }
}
