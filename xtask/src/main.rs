//! `cargo xtask gen` regenerates the SDK (and the generator's golden fixtures) from their
//! specs and prints what changed in their public surface; `cargo xtask check` fails when
//! anything committed is stale; `cargo xtask diff <git-ref>` prints the SDK's API changes
//! since `<git-ref>` as Markdown, for a pull-request description.

use open1688_codegen::surface::{self, Surface};
use open1688_codegen::{changes_on_disk, generate, model, read_specs, sync, targets, Mode};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

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
        let crate_dir = root.join(&target.crate_dir);
        // Compared before writing: the manifest on disk describes the code being replaced.
        let changes = match mode {
            Mode::Write => changes_on_disk(&crate_dir, &generated),
            Mode::Check => None,
        };
        let report = sync(&crate_dir, &generated, mode).map_err(|e| format!("{label}: {e}"))?;
        let ms = start.elapsed().as_millis();
        match mode {
            Mode::Write => {
                for note in &generated.notes {
                    println!("note: {note}");
                }
                println!(
                    "{label}: {} APIs in {} namespaces: {} files written, {} unchanged, {} removed ({ms} ms)",
                    generated.apis,
                    generated.namespaces,
                    report.changed.len() + report.missing.len(),
                    report.unchanged,
                    report.extra.len()
                );
                match changes {
                    Some(Ok(changes)) if !changes.is_empty() => {
                        let breaking = changes.iter().filter(|c| c.breaking).count();
                        println!(
                            "{label}: public API changes ({} breaking):\n{}",
                            breaking,
                            surface::to_text(&changes).trim_end()
                        );
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => println!("{label}: API changes not computed: {e}"),
                    None if generated.surface.is_some() => println!(
                        "{label}: API changes not computed: no {} to compare with (now written)",
                        surface::SURFACE_FILE
                    ),
                    None => {}
                }
            }
            Mode::Check if report.is_clean() => {
                println!("{label}: {} APIs up to date", generated.apis)
            }
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

/// The SDK's specs as they were at `reference`, as `(path under the specs dir, text)`.
fn specs_at(root: &Path, reference: &str, dir: &str) -> Result<Vec<(String, String)>, String> {
    let git = |args: &[&str]| -> Result<Vec<u8>, String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if out.status.success() {
            Ok(out.stdout)
        } else {
            Err(format!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    };
    let listing = git(&["ls-tree", "-r", "--name-only", reference, "--", dir])?;
    let mut specs = Vec::new();
    for path in String::from_utf8_lossy(&listing).lines() {
        if !path.ends_with(".json") || path.ends_with(".schema.json") {
            continue;
        }
        let text = git(&["show", &format!("{reference}:{path}")])?;
        let text = String::from_utf8(text).map_err(|_| format!("{reference}:{path}: not UTF-8"))?;
        let rel = path
            .strip_prefix(dir)
            .map(|r| r.trim_start_matches('/'))
            .unwrap_or(path);
        specs.push((rel.to_owned(), text));
    }
    Ok(specs)
}

/// `cargo xtask diff <ref>`: the SDK's surface from the specs at `reference` against the
/// working tree's, as Markdown.
fn diff(reference: &str) -> Result<String, String> {
    let root = workspace_root();
    let (_, sdk) = targets()
        .into_iter()
        .find(|(label, _)| *label == "sdk")
        .ok_or("no sdk target")?;
    let dir = sdk.specs.to_string_lossy().into_owned();
    let old = specs_at(&root, reference, &dir)?;
    let old = model(&format!("{reference}:{dir}"), &old).map_err(|d| d.to_string())?;
    let new = read_specs(&root.join(&sdk.specs)).map_err(|d| d.to_string())?;
    let new = model(&dir, &new).map_err(|d| d.to_string())?;
    let changes = surface::diff(&Surface::of(&old), &Surface::of(&new));
    Ok(surface::to_markdown(&changes, reference, "working tree"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["gen"] => run(Mode::Write),
        ["check"] => run(Mode::Check),
        ["diff", reference] => diff(reference).map(|markdown| {
            print!("{markdown}");
            true
        }),
        _ => {
            let got = if args.is_empty() {
                String::new()
            } else {
                format!(" (got {:?})", args.join(" "))
            };
            eprintln!("usage: cargo xtask <gen|check|diff <git-ref>>{got}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
