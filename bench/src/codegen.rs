//! How long generation takes (in this process, release build: no compiling of xtask): the real
//! catalogue, and N synthetic specs made from it and written to a temporary directory.

use open1688_codegen::{generate_from, read_specs};
use std::path::Path;
use std::time::{Duration, Instant};

/// Copies of the real specs under new names: `com.alibaba.bench<k>` namespaces of 100 APIs,
/// each API `bench<i>.<original name>`. The global `_types.json` is copied as is; each
/// synthetic namespace gets every real namespace's shared types (their names are distinct),
/// so every copy finds the types it refers to.
fn synthesize(real: &[(String, String)], count: usize, dir: &Path) -> Result<(), String> {
    let parse =
        |text: &str| serde_json::from_str::<serde_json::Value>(text).map_err(|e| e.to_string());
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut bases = Vec::new();
    let mut namespace_types = serde_json::Map::new();
    for (path, text) in real {
        if let Some(topic) = path.strip_prefix("_push/") {
            // Push topics are not APIs: copied as they are, so the output has the push module.
            let push_dir = dir.join("_push");
            std::fs::create_dir_all(&push_dir).map_err(|e| e.to_string())?;
            std::fs::write(push_dir.join(topic), text).map_err(|e| e.to_string())?;
            continue;
        }
        match path.rsplit_once('/') {
            None if path == "_types.json" => {
                std::fs::write(dir.join(path), text).map_err(|e| e.to_string())?
            }
            Some((_, "_types.json")) => {
                if let Some(types) = parse(text)?["types"].as_object() {
                    namespace_types.extend(types.clone());
                }
            }
            _ => bases.push(parse(text)?),
        }
    }
    let shared = serde_json::json!({ "types": namespace_types }).to_string();
    for i in 0..count {
        let mut spec = bases[i % bases.len()].clone();
        let namespace = format!("com.alibaba.bench{}", i / 100);
        let name = format!("bench{i}.{}", spec["name"].as_str().unwrap_or("api"));
        let version = spec["version"].as_u64().unwrap_or(1);
        spec["namespace"] = namespace.clone().into();
        spec["name"] = name.clone().into();
        let ns_dir = dir.join(&namespace);
        if !ns_dir.exists() {
            std::fs::create_dir_all(&ns_dir).map_err(|e| e.to_string())?;
            std::fs::write(ns_dir.join("_types.json"), &shared).map_err(|e| e.to_string())?;
        }
        let text = serde_json::to_string_pretty(&spec).map_err(|e| e.to_string())?;
        std::fs::write(ns_dir.join(format!("{name}-{version}.json")), text)
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

struct Timing {
    read: Duration,
    generate: Vec<Duration>,
    apis: usize,
    files: usize,
    bytes: usize,
    lines: usize,
    /// A digest of every path and text: equal across runs and thread counts.
    digest: u64,
}

fn time(dir: &Path, label: &str, runs: usize) -> Result<Timing, String> {
    let started = Instant::now();
    let specs = read_specs(dir).map_err(|d| d.to_string())?;
    let read = started.elapsed();
    let mut generate = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let generated = generate_from(label, &specs).map_err(|d| d.to_string())?;
        generate.push(started.elapsed());
        last = Some(generated);
    }
    let generated = last.ok_or("no run")?;
    generate.sort();
    Ok(Timing {
        read,
        generate,
        apis: generated.apis,
        files: generated.files.len(),
        bytes: generated.files.values().map(String::len).sum(),
        lines: generated.files.values().map(|f| f.lines().count()).sum(),
        digest: {
            let mut hasher = std::hash::DefaultHasher::new();
            std::hash::Hash::hash(&generated.files, &mut hasher);
            std::hash::Hasher::finish(&hasher)
        },
    })
}

fn report(label: &str, t: &Timing) {
    let best = t.generate[0];
    let median = t.generate[t.generate.len() / 2];
    println!(
        "| {label} | {} | {} | {:.1} | {:.0} | {:.0} | {:.2} | {} | {:.0} | {:016x} |",
        t.apis,
        t.files,
        t.bytes as f64 / 1e6,
        t.read.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3 / t.apis as f64,
        best.as_millis(),
        t.lines as f64 / t.apis as f64,
        t.digest,
    );
}

/// Options of `codegen` (and of `codegen-bench`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// How many synthetic specs to generate.
    #[arg(long, default_value_t = 2000)]
    pub apis: usize,
    /// Runs of each generation; the median is reported.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..))]
    pub runs: u16,
}

/// Times generation of the real catalogue and of `--apis` synthetic specs.
pub fn run(args: &Args) -> Result<(), String> {
    let (count, runs) = (args.apis, usize::from(args.runs));
    let specs_dir = crate::workspace_root().join("api-specs");
    let real_specs = read_specs(&specs_dir).map_err(|d| d.to_string())?;
    let dir = std::env::temp_dir().join(format!("open1688-bench-specs-{}", std::process::id()));
    synthesize(&real_specs, count, &dir)?;
    println!(
        "generation in-process ({} threads available), median of {runs} runs",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!("| specs | APIs | files | MB out | read ms | generate ms | ms/API | best ms | lines/API | digest |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    let real = time(&specs_dir, "api-specs", runs);
    let synthetic = time(&dir, "synthetic", runs);
    let _ = std::fs::remove_dir_all(&dir);
    report("api-specs (real)", &real?);
    report(&format!("{count} synthetic"), &synthetic?);
    Ok(())
}
