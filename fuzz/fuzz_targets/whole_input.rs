//! A whole input file (line mode or document mode, gzip sniffing) through
//! reading, time resolution, correlation, findings and every renderer.
#![no_main]
use libfuzzer_sys::fuzz_target;
use podmortem::input::{read_from, InputSpec};
use podmortem::parse::LineParser;
use podmortem::pipeline::{build_report, Options};
use std::sync::LazyLock;

static PARSER: LazyLock<LineParser> = LazyLock::new(LineParser::new);

fuzz_target!(|data: &[u8]| {
    let spec = InputSpec { display: "fuzz".into(), path: None, node_hint: None, version_hint: None, skip_idents: vec![], explicit: true };
    let reader: Box<dyn std::io::BufRead> = Box::new(std::io::Cursor::new(data.to_vec()));
    if let Ok(f) = read_from(&spec, reader, 0, &PARSER) {
        let report = build_report(vec![f], &Options { year: Some(2026), ..Options::default() }, vec![]);
        let _ = podmortem::report::json::render(&report);
        let _ = podmortem::report::table::render(&report, true, &Default::default());
        let _ = podmortem::report::pod_view::render(&report, &Default::default());
        let _ = podmortem::report::markdown::render(&report);
        let _ = podmortem::stats::compute(&report.pods, 5);
    }
});
