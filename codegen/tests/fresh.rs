//! Staleness: the committed generated code (the SDK's, the mock's catalogue and the golden
//! crate's) must be exactly
//! what the generator makes of the committed specs, so that plain `cargo test` catches a spec
//! or generator change whose output was not regenerated. `cargo xtask check` does the same.

mod common;

use open1688_codegen::{generate, sync, targets, Mode};

#[test]
fn generated_code_is_fresh() {
    let root = common::workspace_root();
    let mut problems = String::new();
    for (label, target) in targets() {
        let generated = match generate(&root, &target) {
            Ok(g) => g,
            Err(diags) => {
                problems.push_str(&format!("{label}: the specs do not generate:\n{diags}\n"));
                continue;
            }
        };
        let crate_dir = root.join(&target.crate_dir);
        match sync(&crate_dir, &generated, Mode::Check) {
            Ok(report) if report.is_clean() => {}
            Ok(report) => problems.push_str(&format!(
                "{label}: generated code in {} is out of date:\n{report}",
                target.crate_dir.display()
            )),
            Err(e) => problems.push_str(&format!("{label}: {e}\n")),
        }
    }
    assert!(
        problems.is_empty(),
        "{problems}run `cargo xtask gen` and commit"
    );
}

/// The targets are where `cargo xtask` and this test look: the catalogue crate (read by the
/// SDK, the mock gateway and the CLI), the SDK and the golden crate.
#[test]
fn targets_are_the_catalogue_the_sdk_and_the_golden_crate() {
    let root = common::workspace_root();
    let targets = targets();
    let labels: Vec<&str> = targets.iter().map(|(l, _)| *l).collect();
    assert_eq!(labels, ["catalogue", "sdk", "golden"]);
    for (label, target) in &targets {
        assert!(
            root.join(&target.specs).is_dir(),
            "{label}: {}",
            target.specs.display()
        );
        assert!(
            root.join(&target.crate_dir).join("Cargo.toml").is_file(),
            "{label}: {}",
            target.crate_dir.display()
        );
    }
    assert_eq!(
        targets[1].1.specs, targets[0].1.specs,
        "the catalogue describes exactly the SDK's APIs"
    );
    assert_eq!(targets[2].1.specs, std::path::Path::new(common::FIXTURES));
}
