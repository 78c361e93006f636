//! `open1688-bench`: the loopback throughput bench, and the gateway process it starts; also
//! the generator bench on the system allocator, as `cargo xtask gen` runs (`codegen-bench` is
//! the same on mimalloc). See the library docs and `BENCHMARKS.md`.
//!
//! Runs on the system allocator, as an application using the SDK would.

use clap::{Parser, Subcommand};
use open1688_bench::{codegen, fleet, loopback, serve, soak};
use std::process::ExitCode;

/// Benchmarks of the open1688 SDK; BENCHMARKS.md has the results and the commands.
#[derive(Parser, Debug)]
#[command(name = "open1688-bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Calls per second, latency, CPU and memory of each client against the mock over loopback.
    Loopback(loopback::Args),
    /// The gateway process `loopback` starts (serves until its standard input closes).
    Serve(serve::Args),
    /// Generator speed, on the system allocator.
    Codegen(codegen::Args),
    /// Worker processes sharing one app's QPS budget through a rate limiter.
    Fleet(fleet::Args),
    /// One worker of `fleet`.
    FleetWorker(fleet::WorkerArgs),
    /// What consulting a rate limiter costs per call.
    LimiterCost(fleet::CostArgs),
    /// Concurrent calls against the mock with injected faults: no duplicated writes, none lost.
    Soak(soak::Args),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Loopback(args) => loopback::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Codegen(args) => codegen::run(&args),
        Command::Fleet(args) => fleet::run(&args),
        Command::FleetWorker(args) => fleet::worker(&args),
        Command::LimiterCost(args) => fleet::cost(&args),
        Command::Soak(args) => soak::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn defaults_split_into_lists_and_misspelt_options_are_refused() {
        let Command::Loopback(args) = Cli::try_parse_from(["b", "loopback"]).unwrap().command
        else {
            panic!("not loopback");
        };
        assert_eq!(args.concurrency, [1, 16, 128]);
        assert_eq!(args.clients.len(), 6);
        assert_eq!(
            (args.answer.as_str(), args.seconds, args.repeat),
            ("20k", 5, 1)
        );
        let e = Cli::try_parse_from(["b", "loopback", "--concurency", "1"]).unwrap_err();
        assert!(e.to_string().contains("--concurency"), "{e}");
        assert!(Cli::try_parse_from(["b", "loopback", "--clients", "sdk,nope"]).is_err());
        assert!(Cli::try_parse_from(["b", "soak", "--concurrency", "0"]).is_err());
    }
}
