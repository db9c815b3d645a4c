//! Any line through the full line parser (envelope sniffing + every source parser).
#![no_main]
use libfuzzer_sys::fuzz_target;
use podmortem::parse::{ApiState, LineParser};
use std::sync::LazyLock;

static PARSER: LazyLock<LineParser> = LazyLock::new(LineParser::new);

fuzz_target!(|data: &[u8]| {
    let line = String::from_utf8_lossy(data);
    let _ = PARSER.is_relevant(data);
    let _ = PARSER.parse(&line, &mut ApiState::default());
});
