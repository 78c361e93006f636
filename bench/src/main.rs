//! `open1688-bench`: the loopback throughput bench, and the gateway process it starts; also
//! the generator bench on the system allocator, as `cargo xtask gen` runs (`codegen-bench` is
//! the same on mimalloc). See the library docs and `BENCHMARKS.md`.
//!
//! Runs on the system allocator, as an application using the SDK would.

use open1688_bench::{codegen, fleet, loopback, serve, soak, Options};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let options = Options(args.collect());
    let result = match command.as_str() {
        "loopback" => loopback::run(&options),
        "serve" => serve::run(&options),
        "codegen" => codegen::run(&options),
        "fleet" => fleet::run(&options),
        "fleet-worker" => fleet::worker(&options),
        "limiter-cost" => fleet::cost(&options),
        "soak" => soak::run(&options),
        _ => Err(format!(
            "usage: open1688-bench <loopback|serve|codegen|fleet|fleet-worker|limiter-cost|soak> [options] (unknown command {command:?}); see BENCHMARKS.md"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
