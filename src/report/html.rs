//! `-o html` (being written).

/// Renders the self-contained HTML report.
pub fn render(_report: &crate::model::Report, _stats: Option<&crate::stats::FleetStats>) -> String {
    String::new()
}
