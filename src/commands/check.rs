//! `podmortem check` (being written).

/// Runs `check`.
pub fn run(_args: crate::cli::CheckArgs) -> Result<u8, Box<dyn std::error::Error>> {
    Err("podmortem check is not implemented yet".into())
}
