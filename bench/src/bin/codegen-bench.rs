//! `codegen-bench`: how long generation takes on the real catalogue and on N synthetic specs.
//!
//! Uses mimalloc (syn, quote and prettyplease allocate heavily); `open1688-bench codegen` is the
//! same on the system allocator, which `cargo xtask gen` uses.

use open1688_bench::{codegen, Options};
use std::process::ExitCode;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match codegen::run(&Options(std::env::args().skip(1).collect())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
