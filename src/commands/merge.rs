//! `podmortem merge` (being written).

/// Runs `merge`.
pub fn run(_args: crate::cli::MergeArgs) -> Result<u8, Box<dyn std::error::Error>> {
    Err("podmortem merge is not implemented yet".into())
}
