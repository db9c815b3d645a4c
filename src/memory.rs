//! Process-wide allocator settings that keep the peak memory of a long
//! batch run close to what is live at any moment.
//!
//! glibc's allocator raises its mmap threshold each time a large block is
//! freed, so after the first node of an audit the next nodes' event lists
//! come from the heap and their freed pages stay resident: the peak then
//! grows with the number of nodes, not with the largest one. A fixed
//! threshold keeps large blocks in their own mappings, returned on free, and
//! a low trim threshold gives back the top of the heap between nodes.

/// Blocks at least this large get their own mapping (and leave on free).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 128 * 1024;

/// Free memory above this at the top of the heap goes back to the system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_THRESHOLD: libc::c_int = 128 * 1024;

/// Applies the settings; call once, before any work. Does nothing where the
/// allocator is not glibc's.
pub fn keep_peak_near_live() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; it is called
    // before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
    }
}
