//! Helpers shared by the generator's integration tests.
#![allow(dead_code)] // each test crate uses its own subset

use open1688_codegen::{generate_from, read_specs, Generated, FEATURES_BEGIN, FEATURES_END};
use std::path::{Path, PathBuf};

/// Where the fixture specs live, relative to the workspace root.
pub const FIXTURES: &str = "codegen/tests/fixtures/specs";

/// The workspace root (this crate is `codegen/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen/ has a parent")
        .to_path_buf()
}

/// The fixture specs, as `(path under the specs dir, text)`.
pub fn fixture_specs() -> Vec<(String, String)> {
    read_specs(&workspace_root().join(FIXTURES)).unwrap_or_else(|d| panic!("{d}"))
}

/// Borrowed `(path, text)` pairs as the owned pairs `generate_from` takes.
pub fn owned(specs: &[(&str, &str)]) -> Vec<(String, String)> {
    specs
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

/// Generates the fixtures, failing the test on any diagnostic.
pub fn generate_fixtures() -> Generated {
    generate_from(FIXTURES, &fixture_specs()).unwrap_or_else(|d| panic!("{d}"))
}

/// Every diagnostic line for `specs` (under a specs dir displayed as `api-specs`), in the
/// order they are printed, without the closing summary line. Fails the test if generation
/// succeeds.
pub fn error_lines(specs: &[(&str, &str)]) -> Vec<String> {
    match generate_from("api-specs", &owned(specs)) {
        Ok(_) => panic!("expected errors, but generation succeeded"),
        Err(diags) => {
            let text = diags.to_string();
            let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
            let summary = lines.pop().unwrap_or_default();
            assert!(
                summary.ends_with("in the specs; nothing was written"),
                "summary line: {summary}"
            );
            assert_eq!(lines.len(), diags.0.len(), "one line per diagnostic");
            lines
        }
    }
}

/// A temporary crate directory with a `Cargo.toml` holding the feature markers, as the
/// generator expects of its target crates.
pub fn temp_crate() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!("[package]\nname = \"t\"\n\n[features]\n{FEATURES_BEGIN}\n{FEATURES_END}\n"),
    )
    .expect("write Cargo.toml");
    dir
}

/// Every file under `dir`, relative to it, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                out.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}
