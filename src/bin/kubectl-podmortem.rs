//! `kubectl-podmortem`: the same program under the name kubectl looks for,
//! so `kubectl podmortem …` works once it is on the PATH.

/// See [`podmortem::memory`].
#[global_allocator]
static ALLOCATOR: podmortem::memory::Allocator = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    podmortem::main_with_args(std::env::args_os())
}
