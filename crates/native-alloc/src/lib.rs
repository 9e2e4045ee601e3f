//! The allocator of the native binaries (the CLI and the bench), and the one process setting it
//! needs, so both measure and run the same way.

/// The engine allocates many small strings and JSON nodes; mimalloc handles that pattern far
/// better than glibc's allocator (measured with `cargo xtask bench`).
pub type Allocator = mimalloc::MiMalloc;

/// Opts this process out of transparent huge pages. Where the kernel is set to back every
/// anonymous mapping with 2 MiB pages (`/sys/kernel/mm/transparent_hugepage/enabled` =
/// `always`, as on this project's CI machines), each fresh huge page is zeroed whole and
/// compaction runs to find one: on the 100 MB bundle that was 8.4 s of system time against
/// 2.0 s with ordinary pages, for the same 12.6 s of user time. Call it first thing in `main`;
/// the kernel checks the flag at each page fault, so memory touched afterwards is affected.
pub fn tune() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes no pointers; it sets one flag on this process.
    // Failure (an old kernel) leaves the default, which is only slower.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
