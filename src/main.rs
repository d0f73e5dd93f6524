//! The `vitrine` command. Thin on purpose: parse arguments, run, map the outcome
//! to an exit code (0 ok, 1 a check or validation failed, 2 any other error).

use std::process::ExitCode;

fn main() -> ExitCode {
    vitrine::cmd::main()
}
