//! `podmortem` binary.

fn main() -> std::process::ExitCode {
    podmortem::main_with_args(std::env::args_os())
}
