//! `cargo xtask gen` regenerates the SDK (and the generator's golden fixtures) from their
//! specs; `cargo xtask check` fails when anything committed is stale.

use open1688_codegen::{generate, sync, targets, Mode};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// syn, quote and prettyplease allocate millions of small blocks per run; mimalloc generates
// the catalogue about twice as fast as the system allocator (see BENCHMARKS.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn run(mode: Mode) -> Result<bool, String> {
    let root = workspace_root();
    let mut clean = true;
    for (label, target) in targets() {
        let start = std::time::Instant::now();
        let generated = generate(&root, &target).map_err(|d| d.to_string())?;
        if mode == Mode::Write {
            for note in &generated.notes {
                println!("note: {note}");
            }
        }
        let report = sync(&root.join(&target.crate_dir), &generated, mode)
            .map_err(|e| format!("{label}: {e}"))?;
        let ms = start.elapsed().as_millis();
        match mode {
            Mode::Write => println!(
                "{label}: {} APIs in {} namespaces: {} files written, {} unchanged, {} removed ({ms} ms)",
                generated.apis,
                generated.namespaces,
                report.changed.len() + report.missing.len(),
                report.unchanged,
                report.extra.len()
            ),
            Mode::Check if report.is_clean() => println!("{label}: {} APIs up to date", generated.apis),
            Mode::Check => {
                clean = false;
                eprintln!("{label}: generated code is out of date:\n{report}");
            }
        }
    }
    if !clean {
        eprintln!("run `cargo xtask gen` and commit");
    }
    Ok(clean)
}

fn main() -> ExitCode {
    let mode = match std::env::args().nth(1).as_deref() {
        Some("gen") => Mode::Write,
        Some("check") => Mode::Check,
        other => {
            eprintln!(
                "usage: cargo xtask <gen|check>{}",
                other
                    .map(|o| format!(" (unknown command {o:?})"))
                    .unwrap_or_default()
            );
            return ExitCode::from(2);
        }
    };
    match run(mode) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
