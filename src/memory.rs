//! The allocator the binaries use, and its settings: fast for the many
//! small strings parsing makes, and quick to hand freed memory back, so a
//! long batch run peaks near what is live at one moment (one node's facts),
//! not near everything it ever allocated.

/// The global allocator of both binaries (`#[global_allocator]` there: a
/// library should not choose one for its users).
pub type Allocator = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 3.x (`mi_option_e` in `mimalloc.h`):
/// milliseconds before freed pages go back to the system. The crate version
/// is pinned in `Cargo.toml` because this is a position in a C enum.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed pages stay before going back: long enough to be reused
/// within a node (0 ms doubles the page faults), short enough that one
/// node's pages are gone before the next node's peak. Measured on the 1 GB
/// bench archive (two runs each): 10 ms → 47–48 MB peak, 30 ms → 50–54 MB,
/// 50 ms → 54–57 MB; 1000 ms (mimalloc's default) gave 97 MB on earlier
/// code. The longer delays saved under 5% of CPU time (runs alternated).
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// Applies the settings; call once, first thing in `main`. (Transparent
/// huge pages, which round every touched region up to 2 MiB, are off at
/// build time: the `no_thp` feature in `Cargo.toml`.)
pub fn keep_peak_near_live() {
    // SAFETY: mi_option_set only stores an integer setting.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS) }
}

/// Hands the memory freed so far back to the system now rather than after
/// the purge delay: for when a large block has just been freed and the
/// node's peak is still to come (the correlator freeing a chunk of facts it
/// has applied while the timelines grow). A few calls a node; without
/// them the freed facts stay resident until the node is done.
pub fn return_freed() {
    // SAFETY: mi_collect only returns free memory; it is safe from any
    // thread, whatever allocator the binary chose (mimalloc is linked in).
    unsafe { libmimalloc_sys::mi_collect(true) }
}

#[cfg(test)]
mod tests {
    use super::PURGE_DELAY;

    #[test]
    fn option_number_names_the_purge_delay() {
        // Its documented default identifies the option (nothing in this
        // test process has changed it).
        // SAFETY: mi_option_get only reads a setting.
        let delay = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(delay, 1000, "purge_delay defaults to 1000 ms");
    }
}
