//! Write: bring the crate on disk in line with a [`Generated`], touching only what changed;
//! or, in check mode, list what differs without writing anything.

use crate::{Generated, Region, GENERATED_DIR};
use std::collections::BTreeSet;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Write the files, or only compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Rewrite changed files, delete stale ones.
    Write,
    /// Compare only.
    Check,
}

/// What a sync did (or, in check mode, would do).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Files whose contents differ (written in write mode).
    pub changed: Vec<PathBuf>,
    /// Files that did not exist (written in write mode).
    pub missing: Vec<PathBuf>,
    /// Generated files whose spec is gone (removed in write mode).
    pub extra: Vec<PathBuf>,
    /// Files already up to date.
    pub unchanged: usize,
}

impl Report {
    /// Whether everything was already up to date.
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (what, list) in [
            ("stale", &self.changed),
            ("missing", &self.missing),
            ("extra", &self.extra),
        ] {
            for p in list {
                writeln!(f, "  {what}: {}", p.display())?;
            }
        }
        Ok(())
    }
}

fn existing_files(dir: &Path, out: &mut BTreeSet<PathBuf>) -> io::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            existing_files(&path, out)?;
        } else {
            out.insert(path);
        }
    }
    Ok(())
}

/// Splices `region` into `text`, or explains why the markers are unusable.
fn splice(text: &str, region: &Region) -> Result<String, String> {
    let begin = text
        .find(region.begin)
        .ok_or_else(|| format!("marker line {:?} not found", region.begin))?;
    let after_begin = begin + region.begin.len();
    let end = text[after_begin..]
        .find(region.end)
        .map(|i| after_begin + i)
        .ok_or_else(|| {
            format!(
                "marker line {:?} not found after the begin marker",
                region.end
            )
        })?;
    Ok(format!(
        "{}\n{}{}",
        &text[..after_begin],
        region.content,
        &text[end..]
    ))
}

/// Syncs `generated` into `crate_dir`. Paths in the report are relative to `crate_dir`.
pub fn sync(crate_dir: &Path, generated: &Generated, mode: Mode) -> io::Result<Report> {
    let mut report = Report::default();
    let mut wanted: Vec<(PathBuf, String)> = generated
        .files
        .iter()
        .map(|(p, c)| (p.clone(), c.clone()))
        .collect();
    for region in &generated.regions {
        let path = crate_dir.join(&region.file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let spliced = splice(&text, region).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: {e}", path.display()),
            )
        })?;
        wanted.push((region.file.clone(), spliced));
    }
    let mut on_disk = BTreeSet::new();
    existing_files(&crate_dir.join(GENERATED_DIR), &mut on_disk)?;
    for (rel, content) in &wanted {
        let path = crate_dir.join(rel);
        on_disk.remove(&path);
        match std::fs::read(&path) {
            Ok(current) if current == content.as_bytes() => report.unchanged += 1,
            Ok(_) => report.changed.push(rel.clone()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => report.missing.push(rel.clone()),
            Err(e) => return Err(e),
        }
    }
    report.extra = on_disk
        .iter()
        .map(|p| p.strip_prefix(crate_dir).unwrap_or(p).to_path_buf())
        .collect();
    if mode == Mode::Write {
        for (rel, content) in &wanted {
            if report.changed.contains(rel) || report.missing.contains(rel) {
                let path = crate_dir.join(rel);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&path, content)?;
            }
        }
        for rel in &report.extra {
            std::fs::remove_file(crate_dir.join(rel))?;
        }
        remove_empty_dirs(&crate_dir.join(GENERATED_DIR))?;
    }
    Ok(report)
}

fn remove_empty_dirs(dir: &Path) -> io::Result<bool> {
    if !dir.is_dir() {
        return Ok(false);
    }
    let mut empty = true;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if !(path.is_dir() && remove_empty_dirs(&path)?) {
            empty = false;
        }
    }
    if empty {
        std::fs::remove_dir(dir)?;
    }
    Ok(empty)
}
