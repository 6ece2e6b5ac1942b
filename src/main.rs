//! The `nimbus` binary: everything happens in `app::cli`.

fn main() -> std::process::ExitCode {
    nimbus::app::cli::main()
}
