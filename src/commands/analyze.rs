//! `podmortem analyze`: read, correlate, filter, render.

use super::common;
use crate::cli::{AnalyzeArgs, OutputFormat};
use crate::report::{self, RenderOptions};

/// Runs `analyze` and returns the exit code.
pub fn run(args: AnalyzeArgs) -> Result<u8, Box<dyn std::error::Error>> {
    let c = &args.common;
    let report = common::load(&args.paths, c)?;
    let ropts = common::render_options(c);
    let text = match c.output {
        OutputFormat::Json => report::json::render(&report)?,
        OutputFormat::Jsonl => report::json::render_lines(&report)?,
        OutputFormat::Table | OutputFormat::Wide if !c.pod.is_empty() => report::pod_view::render(&report, &ropts),
        OutputFormat::Table => report::table::render(&report, false, &ropts),
        OutputFormat::Wide => report::table::render(&report, true, &RenderOptions { width: None, ..ropts }),
        OutputFormat::Markdown => report::markdown::render(&report),
        OutputFormat::Html => report::html::render(&report, None),
    };
    common::write_output(c.out.as_deref(), &text)?;
    common::print_warnings(&report, c);
    Ok(0)
}
