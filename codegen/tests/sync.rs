//! Writing: `sync` rewrites only files whose contents changed, removes generated files whose
//! spec is gone, splices the features region, leaves hand-written files alone, and in check
//! mode reports stale, missing and extra files without touching anything.

mod common;

use common::{files_under, owned, temp_crate};
use open1688_codegen::{generate_from, sync, Generated, Mode, Report};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

fn api(namespace: &str, name: &str, summary: &str) -> (String, String) {
    let text = format!(
        r#"{{"namespace": "{namespace}", "name": "{name}", "version": 1, "access_token": "required",
            "summary": "{summary}", "params": [{{"name": "productID", "type": "long", "required": true}}],
            "response": [{{"name": "total", "type": "int"}}]}}"#
    );
    (format!("{namespace}/{name}-1.json"), text)
}

fn generate(specs: &[(String, String)]) -> Generated {
    generate_from("api-specs", specs).unwrap_or_else(|d| panic!("{d}"))
}

fn paths(list: &[&str]) -> Vec<PathBuf> {
    list.iter().map(PathBuf::from).collect()
}

/// Sets every file's modification time to a fixed point in the past, so a rewrite shows.
fn age_files(dir: &Path) -> SystemTime {
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    for rel in files_under(dir) {
        let file = std::fs::File::options()
            .write(true)
            .open(dir.join(&rel))
            .expect("open");
        file.set_modified(old).expect("set mtime");
    }
    old
}

fn rewritten_since(dir: &Path, old: SystemTime) -> Vec<PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|rel| {
            std::fs::metadata(dir.join(rel))
                .and_then(|m| m.modified())
                .expect("mtime")
                != old
        })
        .collect()
}

fn product_and_trade() -> Vec<(String, String)> {
    vec![
        api(
            "com.alibaba.product",
            "alibaba.product.get",
            "Get a product",
        ),
        api(
            "com.alibaba.product",
            "alibaba.product.list",
            "List products",
        ),
        api("com.alibaba.trade", "alibaba.trade.get", "Get an order"),
    ]
}

#[test]
fn first_write_creates_everything_and_keeps_hand_written_files() {
    let dir = temp_crate();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), "// hand-written\n").unwrap();
    let generated = generate(&product_and_trade());

    let report = sync(dir.path(), &generated, Mode::Write).unwrap();
    assert_eq!(
        report.missing,
        paths(&[
            "src/generated/catalogue.rs",
            "src/generated/mod.rs",
            "src/generated/product/mod.rs",
            "src/generated/product/product_get.rs",
            "src/generated/product/product_list.rs",
            "src/generated/surface.jsonl",
            "src/generated/trade/mod.rs",
            "src/generated/trade/trade_get.rs",
        ])
    );
    assert_eq!(report.changed, paths(&["Cargo.toml"]));
    assert!(report.extra.is_empty());
    for (rel, content) in &generated.files {
        assert_eq!(
            &std::fs::read_to_string(dir.path().join(rel)).unwrap(),
            content
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap(),
        "// hand-written\n"
    );
    let cargo_toml = std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
    assert_eq!(
        cargo_toml,
        format!(
            "[package]\nname = \"t\"\n\n[features]\n{}\ndefault = [\"product\", \"trade\"]\nproduct = []\ntrade = []\n{}\n",
            open1688_codegen::FEATURES_BEGIN,
            open1688_codegen::FEATURES_END
        )
    );
}

#[test]
fn an_unchanged_run_writes_nothing() {
    let dir = temp_crate();
    let generated = generate(&product_and_trade());
    sync(dir.path(), &generated, Mode::Write).unwrap();
    let old = age_files(dir.path());

    let report = sync(dir.path(), &generated, Mode::Write).unwrap();
    assert!(report.is_clean(), "{report}");
    assert_eq!(
        report.unchanged,
        generated.files.len() + 1,
        "files + Cargo.toml"
    );
    assert_eq!(rewritten_since(dir.path(), old), Vec::<PathBuf>::new());
}

#[test]
fn a_changed_spec_rewrites_only_its_files() {
    let dir = temp_crate();
    let mut specs = product_and_trade();
    sync(dir.path(), &generate(&specs), Mode::Write).unwrap();
    let old = age_files(dir.path());

    specs[2] = api(
        "com.alibaba.trade",
        "alibaba.trade.get",
        "Get an order, changed",
    );
    let report = sync(dir.path(), &generate(&specs), Mode::Write).unwrap();
    // The API's own file, its namespace's module (the accessor method's doc) and the catalogue
    // (its summary).
    let expected = paths(&[
        "src/generated/catalogue.rs",
        "src/generated/trade/mod.rs",
        "src/generated/trade/trade_get.rs",
    ]);
    assert_eq!(report.changed, expected);
    assert!(report.missing.is_empty() && report.extra.is_empty());
    assert_eq!(rewritten_since(dir.path(), old), expected);
}

#[test]
fn a_removed_spec_removes_its_files() {
    let dir = temp_crate();
    let specs = product_and_trade();
    sync(dir.path(), &generate(&specs), Mode::Write).unwrap();

    // Remove one API of product, and trade's only API.
    let fewer = vec![specs[0].clone()];
    let report = sync(dir.path(), &generate(&fewer), Mode::Write).unwrap();
    assert_eq!(
        report.extra,
        paths(&[
            "src/generated/product/product_list.rs",
            "src/generated/trade/mod.rs",
            "src/generated/trade/trade_get.rs",
        ])
    );
    assert_eq!(
        files_under(dir.path()),
        paths(&[
            "Cargo.toml",
            "src/generated/catalogue.rs",
            "src/generated/mod.rs",
            "src/generated/product/mod.rs",
            "src/generated/product/product_get.rs",
            "src/generated/surface.jsonl",
        ])
    );
    assert!(
        !dir.path().join("src/generated/trade").exists(),
        "the emptied namespace directory is removed"
    );
    let cargo_toml = std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
    assert!(cargo_toml.contains("default = [\"product\"]\nproduct = []\n# END"));
    assert!(!cargo_toml.contains("trade"));
}

#[test]
fn check_mode_reports_stale_missing_and_extra_without_writing() {
    let dir = temp_crate();
    let generated = generate(&product_and_trade());
    sync(dir.path(), &generated, Mode::Write).unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("src/generated/product/product_get.rs"),
        "// edited by hand\n",
    )
    .unwrap();
    std::fs::remove_file(root.join("src/generated/trade/trade_get.rs")).unwrap();
    std::fs::write(
        root.join("src/generated/trade/old_api.rs"),
        "// spec gone\n",
    )
    .unwrap();
    let snapshot: Vec<(PathBuf, Vec<u8>)> = files_under(root)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(root.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect();

    let report = sync(root, &generated, Mode::Check).unwrap();
    assert_eq!(
        report,
        Report {
            changed: paths(&["src/generated/product/product_get.rs"]),
            missing: paths(&["src/generated/trade/trade_get.rs"]),
            extra: paths(&["src/generated/trade/old_api.rs"]),
            unchanged: generated.files.len() + 1 - 2,
        }
    );
    assert!(!report.is_clean());
    assert_eq!(
        report.to_string(),
        "  stale: src/generated/product/product_get.rs\n  missing: src/generated/trade/trade_get.rs\n  extra: src/generated/trade/old_api.rs\n"
    );
    let after: Vec<(PathBuf, Vec<u8>)> = files_under(root)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(root.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect();
    assert_eq!(after, snapshot, "check mode must not write");

    // And a write repairs all three.
    sync(root, &generated, Mode::Write).unwrap();
    assert!(sync(root, &generated, Mode::Check).unwrap().is_clean());
}

#[test]
fn check_mode_sees_a_stale_features_region() {
    let dir = temp_crate();
    let generated = generate(&product_and_trade());
    sync(dir.path(), &generated, Mode::Write).unwrap();
    let path = dir.path().join("Cargo.toml");
    let edited = std::fs::read_to_string(&path)
        .unwrap()
        .replace("trade = []\n", "");
    std::fs::write(&path, &edited).unwrap();
    let report = sync(dir.path(), &generated, Mode::Check).unwrap();
    assert_eq!(report.changed, paths(&["Cargo.toml"]));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);
}

#[test]
fn missing_feature_markers_are_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"t\"\n").unwrap();
    let generated = generate(&owned(&[(
        "com.alibaba.t/t.get-1.json",
        r#"{"namespace": "com.alibaba.t", "name": "t.get", "version": 1, "access_token": "none"}"#,
    )]));
    let err = sync(dir.path(), &generated, Mode::Write).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("Cargo.toml"), "{message}");
    assert!(message.contains("not found"), "{message}");
    assert!(!dir.path().join("src").exists(), "nothing written");
}
