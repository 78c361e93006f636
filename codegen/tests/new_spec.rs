//! "A new spec file dropped into `api-specs/` followed by `cargo xtask gen` compiles and is
//! callable without touching any other file": generating the real `api-specs/` plus one new
//! file must add the API everywhere it needs to be (its module, the namespace's re-exports,
//! accessor method and catalogue, and for a new namespace the root module, the client
//! accessor and the cargo feature) and change nothing else. That the generated shape
//! compiles is what the golden crate (`codegen/golden`) proves for every construct.

mod common;

use common::workspace_root;
use open1688_codegen::{generate_from, read_specs, Generated};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn sdk_specs() -> Vec<(String, String)> {
    read_specs(&workspace_root().join("api-specs")).unwrap_or_else(|d| panic!("{d}"))
}

fn generate(specs: &[(String, String)]) -> Generated {
    generate_from("api-specs", specs).unwrap_or_else(|d| panic!("{d}"))
}

/// The files whose contents differ between two generations (added ones included).
fn changed(before: &Generated, after: &Generated) -> BTreeSet<PathBuf> {
    let mut out: BTreeSet<PathBuf> = after
        .files
        .iter()
        .filter(|(p, c)| before.files.get(*p) != Some(c))
        .map(|(p, _)| p.clone())
        .collect();
    out.extend(
        before
            .files
            .keys()
            .filter(|p| !after.files.contains_key(*p))
            .cloned(),
    );
    out
}

fn file<'a>(g: &'a Generated, path: &str) -> &'a str {
    g.files
        .get(&PathBuf::from(path))
        .unwrap_or_else(|| panic!("{path} was not generated"))
}

fn assert_contains(text: &str, needle: &str, what: &str) {
    assert!(text.contains(needle), "{what} lacks {needle:?}:\n{text}");
}

#[test]
fn a_new_api_in_an_existing_namespace() {
    let before = sdk_specs();
    assert!(
        before
            .iter()
            .any(|(p, _)| p.starts_with("com.alibaba.product/")),
        "api-specs/ has a product namespace"
    );
    let new = (
        "com.alibaba.product/alibaba.product.zzNewThing-1.json".to_string(),
        r#"{
            "$schema": "../spec.schema.json",
            "namespace": "com.alibaba.product",
            "name": "alibaba.product.zzNewThing",
            "version": 1,
            "access_token": "required",
            "summary": "A brand-new API",
            "params": [{"name": "productID", "type": "long", "required": true}],
            "response": [{"name": "thing", "type": "Thing"}],
            "types": {"Thing": {"fields": [{"name": "thingID", "type": "long"}]}},
            "example_response": {"thing": {"thingID": 7}}
        }"#
        .to_string(),
    );
    let base = generate(&before);
    let mut after_specs = before.clone();
    after_specs.push(new);
    let after = generate(&after_specs);

    assert_eq!(after.apis, base.apis + 1);
    assert_eq!(after.namespaces, base.namespaces);
    assert_eq!(
        changed(&base, &after),
        BTreeSet::from([
            PathBuf::from("src/generated/catalogue.rs"),
            PathBuf::from("src/generated/mod.rs"),
            PathBuf::from("src/generated/product/mod.rs"),
            PathBuf::from("src/generated/product/product_zz_new_thing.rs"),
            PathBuf::from("src/generated/surface.jsonl"),
        ]),
        "only the catalogue, the new API's module, its namespace's module, the root module and the surface manifest change"
    );
    let (old_root, new_root) = (
        file(&base, "src/generated/mod.rs"),
        file(&after, "src/generated/mod.rs"),
    );
    let differing: Vec<(&str, &str)> = old_root
        .lines()
        .zip(new_root.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(old_root.lines().count(), new_root.lines().count());
    assert_eq!(
        differing.len(),
        1,
        "the root module changes in one line: {differing:?}"
    );
    assert!(
        differing[0].0.contains("The `com.alibaba.product` APIs (")
            && differing[0].1.contains(" in all)."),
        "only the accessor's API count: {differing:?}"
    );
    assert_eq!(after.regions, base.regions, "no new feature");

    let api = file(&after, "src/generated/product/product_zz_new_thing.rs");
    assert_contains(
        api,
        "pub struct ProductZzNewThingRequest {",
        "the API module",
    );
    assert_contains(api, "pub fn new(product_id: i64) -> Self", "the API module");
    assert_contains(
        api,
        "impl ::open1688_core::Request for ProductZzNewThingRequest {",
        "the API module",
    );
    assert_contains(
        api,
        "type Response = ProductZzNewThingResponse;",
        "the API module",
    );
    assert_contains(api, "pub struct Thing {", "the API module");
    assert_contains(
        api,
        "const API: ::open1688_core::ApiInfo<'static> = crate::generated::catalogue::product::PRODUCT_ZZ_NEW_THING;",
        "the API module",
    );
    let catalogue = file(&after, "src/generated/catalogue.rs");
    assert_contains(
        catalogue,
        "pub static PRODUCT_ZZ_NEW_THING_DOC: ::open1688_core::ApiDoc",
        "the catalogue",
    );
    assert_contains(
        catalogue,
        "&product::PRODUCT_ZZ_NEW_THING_DOC,",
        "the catalogue",
    );
    assert_contains(api, "fn example_response_decodes()", "the API module");

    let ns = file(&after, "src/generated/product/mod.rs");
    assert_contains(ns, "pub mod product_zz_new_thing;", "product/mod.rs");
    assert_contains(
        ns,
        "pub use product_zz_new_thing::{ProductZzNewThingRequest, ProductZzNewThingResponse};",
        "product/mod.rs",
    );
    assert_contains(
        ns,
        "#[inline]\n    pub fn product_zz_new_thing(",
        "product/mod.rs",
    );
    assert_contains(ns, "request: ProductZzNewThingRequest,", "product/mod.rs");
}

#[test]
fn a_new_api_in_a_new_namespace() {
    let before = sdk_specs();
    let new = (
        "com.alibaba.zznew/alibaba.zznew.ping-1.json".to_string(),
        r#"{
            "$schema": "../spec.schema.json",
            "namespace": "com.alibaba.zznew",
            "name": "alibaba.zznew.ping",
            "version": 1,
            "access_token": "none",
            "response": [{"name": "pong", "type": "boolean", "required": true}],
            "example_response": {"pong": true}
        }"#
        .to_string(),
    );
    let base = generate(&before);
    let mut after_specs = before.clone();
    after_specs.push(new);
    let after = generate(&after_specs);

    assert_eq!(after.namespaces, base.namespaces + 1);
    assert_eq!(
        changed(&base, &after),
        BTreeSet::from([
            PathBuf::from("src/generated/catalogue.rs"),
            PathBuf::from("src/generated/mod.rs"),
            PathBuf::from("src/generated/zznew/mod.rs"),
            PathBuf::from("src/generated/zznew/zznew_ping.rs"),
            PathBuf::from("src/generated/surface.jsonl"),
        ]),
    );

    let root = file(&after, "src/generated/mod.rs");
    assert_contains(
        root,
        "#[cfg(feature = \"zznew\")]\npub mod zznew;",
        "the root module",
    );
    assert_contains(
        root,
        "pub fn zznew(&self) -> zznew::ZznewApi<'_> {",
        "the client accessor",
    );
    let catalogue = file(&after, "src/generated/catalogue.rs");
    assert_contains(catalogue, "pub mod zznew {", "the catalogue");
    assert_contains(catalogue, "&zznew::ZZNEW_PING_DOC,", "the catalogue");
    let ns = file(&after, "src/generated/zznew/mod.rs");
    assert_contains(ns, "#[inline]\n    pub fn zznew_ping(", "zznew/mod.rs");

    assert_eq!(after.regions.len(), 1);
    let features = &after.regions[0].content;
    assert!(
        features.contains("\"zznew\", \"push\"]\n"),
        "default features (namespaces, then push): {features}"
    );
    assert!(
        features.contains("\nzznew = []\n"),
        "the feature: {features}"
    );
    let base_features = &base.regions[0].content;
    assert_eq!(
        features
            .lines()
            .filter(|l| *l != "zznew = []")
            .skip(1)
            .collect::<Vec<_>>(),
        base_features.lines().skip(1).collect::<Vec<_>>(),
        "the other features are unchanged"
    );
}
