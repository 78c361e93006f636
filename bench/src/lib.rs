//! Benchmarks of the open1688 SDK that criterion cannot express: loopback throughput against
//! the mock gateway (in a separate process), generator speed, and peak memory. Results and
//! the exact commands: `BENCHMARKS.md` at the workspace root.
//!
//! Options are parsed by clap: an unknown or misspelt option is an error, and `--help` lists
//! each command's options with their defaults.
//!
//! ```text
//! cargo run --release -p open1688-bench -- loopback [--answer 20k|example] [--seconds 5] [--warmup 1] [--concurrency 1,16,128] [--clients trivial,bare,bare_value,bare_decode,sdk,python] [--repeat 1] [--pin]
//! cargo run --release -p open1688-bench -- fleet --workers 8 --qps 200 --seconds 10 [--redis redis://127.0.0.1:6379] [--concurrency 4] [--headroom 0.93]
//! cargo run --release -p open1688-bench -- limiter-cost [--redis redis://127.0.0.1:6379] [--calls 5000]
//! cargo run --release -p open1688-bench --bin codegen-bench -- [--apis 2000] [--runs 3]
//! cargo run --release -p open1688-bench -- soak [--calls 20000] [--concurrency 32] [--seed 1]
//! ```

pub mod codegen;
pub mod fleet;
pub mod loopback;
mod proc;
pub mod serve;
pub mod soak;

#[path = "../../sdk/benches/common/product_get.rs"]
mod fixture;

use std::path::{Path, PathBuf};

/// The app the gateway knows and the clients sign for.
pub(crate) const APP_KEY: &str = open1688_mock::DEFAULT_APP_KEY;
/// Its secret.
pub(crate) const APP_SECRET: &str = open1688_mock::DEFAULT_APP_SECRET;

/// The workspace root (for `api-specs/`, `target/`, `bench/python/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The names `--answer` takes.
pub(crate) const ANSWERS: [&str; 2] = ["20k", "example"];

/// The `alibaba.product.get` answer every loopback call gets: `20k` (the default, ~20 KB
/// grown from the spec's example) or `example` (the spec's example itself, ~2 KB).
pub(crate) fn product_get_body(answer: &str) -> Result<String, String> {
    let example = open1688::catalogue::product::PRODUCT_GET_DOC
        .example_response
        .expect("alibaba.product.get has an example response");
    match answer {
        "20k" => Ok(fixture::product_get_body(example, 20 * 1024)),
        "example" => Ok(example.to_owned()),
        other => Err(format!("--answer is 20k or example, not {other:?}")),
    }
}
