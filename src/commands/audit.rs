//! `podmortem audit` (being written).

/// Runs `audit`.
pub fn run(_args: crate::cli::AuditArgs) -> Result<u8, Box<dyn std::error::Error>> {
    Err("podmortem audit is not implemented yet".into())
}
