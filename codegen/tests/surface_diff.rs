//! What `cargo xtask gen` and `cargo xtask diff` report: a fixture pair of spec trees
//! (`fixtures/diff/old` → `fixtures/diff/new`) against the expected text and Markdown, and the
//! gen path, which compares with the surface manifest of the crate on disk.

mod common;

use common::{owned, temp_crate, workspace_root};
use open1688_codegen::surface::{diff, to_markdown, to_text, Surface, SURFACE_FILE};
use open1688_codegen::{changes_on_disk, generate_from, model, read_specs, sync, Mode};
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    workspace_root()
        .join("codegen/tests/fixtures/diff")
        .join(name)
}

fn surface(tree: &str) -> Surface {
    let specs = read_specs(&fixture(tree)).unwrap_or_else(|d| panic!("{d}"));
    Surface::of(&model(tree, &specs).unwrap_or_else(|d| panic!("{d}")))
}

/// Compares with a golden file; `UPDATE_GOLDEN=1` rewrites it instead.
fn golden(name: &str, actual: &str) {
    let path = fixture(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("write golden file");
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        actual,
        expected,
        "{} differs (UPDATE_GOLDEN=1 rewrites it)",
        path.display()
    );
}

#[test]
fn the_fixture_pair_gives_the_golden_report() {
    let changes = diff(&surface("old"), &surface("new"));
    golden("expected.txt", &to_text(&changes));
    golden("expected.md", &to_markdown(&changes, "old", "new"));
}

#[test]
fn identical_trees_have_no_changes() {
    assert_eq!(diff(&surface("new"), &surface("new")), []);
}

#[test]
fn the_manifest_reads_back_as_written() {
    let surface = surface("new");
    assert_eq!(Surface::from_jsonl(&surface.to_jsonl()), Ok(surface));
    let err = Surface::from_jsonl("{\"api\": 1}\n").unwrap_err();
    assert!(err.starts_with("line 1: "), "{err}");
}

/// What a user does in a clone: retype a response field, run `cargo xtask gen`.
#[test]
fn gen_reports_a_retyped_field_against_the_crate_on_disk() {
    let spec = |ty: &str| {
        format!(
            r#"{{"namespace": "com.alibaba.shop", "name": "alibaba.shop.get", "version": 1, "access_token": "required",
                "response": [{{"name": "weightGrams", "type": "{ty}"}}]}}"#
        )
    };
    let rel = "com.alibaba.shop/alibaba.shop.get-1.json";
    let dir = temp_crate();
    let first = generate_from("api-specs", &owned(&[(rel, &spec("int"))])).unwrap();
    assert!(first.files.contains_key(&PathBuf::from(SURFACE_FILE)));
    assert!(
        changes_on_disk(dir.path(), &first).is_none(),
        "no manifest yet"
    );
    sync(dir.path(), &first, Mode::Write).unwrap();
    let second = generate_from("api-specs", &owned(&[(rel, &spec("string"))])).unwrap();
    let changes = changes_on_disk(dir.path(), &second).unwrap().unwrap();
    let text = to_text(&changes);
    assert_eq!(
        text,
        "  breaking: com.alibaba.shop:alibaba.shop.get-1: response field `weightGrams` retyped int → string\n"
    );
}
