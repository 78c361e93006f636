//! `codegen-bench`: how long generation takes on the real catalogue and on N synthetic specs.
//!
//! Uses mimalloc (syn, quote and prettyplease allocate heavily); `open1688-bench codegen` is the
//! same on the system allocator, which `cargo xtask gen` uses.

use clap::Parser;
use open1688_bench::codegen;
use std::process::ExitCode;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Times `cargo xtask gen`'s generation on the real catalogue and on synthetic specs.
#[derive(Parser, Debug)]
#[command(name = "codegen-bench")]
struct Cli {
    #[command(flatten)]
    args: codegen::Args,
}

fn main() -> ExitCode {
    match codegen::run(&Cli::parse().args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
