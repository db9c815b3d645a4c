//! `podmortem` binary.

/// See [`podmortem::memory`].
#[global_allocator]
static ALLOCATOR: podmortem::memory::Allocator = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    podmortem::main_with_args(std::env::args_os())
}
