fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(baocao::cli::main())
}
