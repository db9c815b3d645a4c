//! `-o json` (one document) and `-o jsonl` (one Pod per line).

use crate::model::Report;

/// The whole report as pretty JSON.
pub fn render(report: &Report) -> serde_json::Result<String> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}

/// One compact JSON Pod object per line.
pub fn render_lines(report: &Report) -> serde_json::Result<String> {
    let mut s = String::new();
    for p in &report.pods {
        s.push_str(&serde_json::to_string(p)?);
        s.push('\n');
    }
    Ok(s)
}
