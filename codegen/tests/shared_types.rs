//! Shared types (`_types.json`, `<namespace>/_types.json`) are generated once and re-exported
//! by every API module that uses them; local copies fold into them, local variants shadow them.

mod common;

use common::owned;
use open1688_codegen::{generate_from, Generated};
use std::path::Path;

const GLOBAL: &str = r#"{"$schema": "./types.schema.json", "types": {
  "WebSite": {"doc": "Which site.", "enum": ["1688", "alibaba"]},
  "Money": {"fields": [{"name": "amount", "type": "decimal", "required": true}, {"name": "currency", "type": "string"}]},
  "Unused": {"enum": ["x"]}
}}"#;

const SHOP: &str = r#"{"$schema": "../types.schema.json", "types": {
  "Info": {"doc": "An item.", "fields": [{"name": "skus", "type": "array<Sku>"}, {"name": "site", "type": "WebSite"}, {"name": "price", "type": "Money"}]},
  "Sku": {"fields": [{"name": "skuId", "type": "long"}]}
}}"#;

/// A spec of `com.alibaba.shop` answering an `Info`, with `extra` keys.
fn spec(name: &str, extra: &str) -> (String, String) {
    let text = format!(
        r#"{{"namespace": "com.alibaba.shop", "name": "{name}", "version": 1, "access_token": "required",
            "response": [{{"name": "info", "type": "Info"}}]{extra}}}"#
    );
    (format!("com.alibaba.shop/{name}-1.json"), text)
}

fn generate(specs: Vec<(String, String)>) -> Generated {
    let mut all = owned(&[
        ("_types.json", GLOBAL),
        ("com.alibaba.shop/_types.json", SHOP),
    ]);
    all.extend(specs);
    generate_from("api-specs", &all).unwrap_or_else(|d| panic!("{d}"))
}

fn file<'a>(generated: &'a Generated, path: &str) -> &'a str {
    generated
        .files
        .get(Path::new(path))
        .unwrap_or_else(|| panic!("{path} not generated: {:?}", generated.files.keys()))
}

#[test]
fn shared_types_are_generated_once_and_re_exported() {
    let generated = generate(vec![
        spec("alibaba.a.get", ""),
        spec(
            "alibaba.b.get",
            r#", "params": [{"name": "site", "type": "WebSite", "required": true}]"#,
        ),
    ]);
    let shop = file(&generated, "src/generated/shop/types.rs");
    assert!(shop.contains("pub struct Info {") && shop.contains("pub struct Sku {"));
    assert!(
        shop.contains("use super::super::types::{Money, WebSite};"),
        "{shop}"
    );
    let global = file(&generated, "src/generated/types.rs");
    assert!(global.contains("pub struct Money {") && global.contains("pub enum WebSite {"));
    // Compiled only with a namespace that uses it.
    assert!(
        global.contains("#[cfg(any(feature = \"shop\"))]"),
        "{global}"
    );
    for api in ["a_get", "b_get"] {
        let code = file(&generated, &format!("src/generated/shop/{api}.rs"));
        assert!(
            code.contains("pub use super::super::types::{Money, WebSite};"),
            "{code}"
        );
        assert!(
            code.contains("pub use super::types::{Info, Sku};"),
            "{code}"
        );
        assert!(!code.contains("pub struct Info {") && !code.contains("pub enum WebSite"));
    }
    assert!(file(&generated, "src/generated/mod.rs").contains("pub mod types;"));
    assert!(file(&generated, "src/generated/shop/mod.rs").contains("pub mod types;"));
    // Only response types: `Info` is decoded, never built, so it gets no constructor.
    assert!(!shop.contains("impl Info"));
}

#[test]
fn a_shared_type_reached_from_params_gets_a_constructor() {
    let generated = generate(vec![spec(
        "alibaba.a.get",
        r#", "params": [{"name": "price", "type": "Money", "required": true}]"#,
    )]);
    let global = file(&generated, "src/generated/types.rs");
    assert!(
        global.contains("impl Money {") && global.contains("pub fn new("),
        "{global}"
    );
}

#[test]
fn an_unused_shared_type_is_noted_and_left_out() {
    let generated = generate(vec![spec("alibaba.a.get", "")]);
    assert!(!file(&generated, "src/generated/types.rs").contains("Unused"));
    let notes: Vec<String> = generated.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [
            r#"api-specs/_types.json: /types/Unused: shared type "Unused" is used by no API, so it is not generated"#
        ]
    );
}

#[test]
fn a_local_copy_with_other_docs_is_the_shared_type() {
    let copy = r#", "types": {
        "Info": {"doc": "Reworded.", "fields": [{"name": "skus", "type": "array<Sku>", "doc": "x"}, {"name": "site", "type": "WebSite"}, {"name": "price", "type": "Money"}]},
        "Sku": {"fields": [{"name": "skuId", "type": "long"}]},
        "WebSite": {"enum": ["1688", "alibaba"]}
    }"#;
    let generated = generate(vec![spec("alibaba.a.get", copy)]);
    let code = file(&generated, "src/generated/shop/a_get.rs");
    assert!(!code.contains("pub struct Info {") && !code.contains("pub enum WebSite"));
    assert!(
        code.contains("pub use super::types::{Info, Sku};"),
        "{code}"
    );
    // The shared file's doc wins.
    let shop = file(&generated, "src/generated/shop/types.rs");
    assert!(shop.contains("/// An item.") && !shop.contains("Reworded"));
    assert!(generated.notes.iter().all(|n| !n.file.contains("a.get")));
}

#[test]
fn a_local_type_of_another_structure_shadows_the_shared_one_for_that_api_only() {
    // `Sku` differs, so `Info` (which holds it) is this API's own too; `WebSite` is shared.
    let variant = r#", "types": {
        "Info": {"fields": [{"name": "skus", "type": "array<Sku>"}, {"name": "site", "type": "WebSite"}, {"name": "price", "type": "Money"}]},
        "Sku": {"fields": [{"name": "skuId", "type": "string"}]}
    }"#;
    let generated = generate(vec![
        spec("alibaba.a.get", variant),
        spec("alibaba.b.get", ""),
    ]);
    let a = file(&generated, "src/generated/shop/a_get.rs");
    assert!(a.contains("pub struct Info {") && a.contains("pub struct Sku {"));
    assert!(
        a.contains("pub use super::super::types::{Money, WebSite};"),
        "{a}"
    );
    assert!(!a.contains("pub use super::types"), "{a}");
    let b = file(&generated, "src/generated/shop/b_get.rs");
    assert!(b.contains("pub use super::types::{Info, Sku};"), "{b}");
    let notes: Vec<String> = generated.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [
            r#"api-specs/_types.json: /types/Unused: shared type "Unused" is used by no API, so it is not generated"#,
            "api-specs/com.alibaba.shop/alibaba.a.get-1.json: /types/Info: type \"Info\" differs from the shared one in api-specs/com.alibaba.shop/_types.json /types/Info, so this API gets its own `Info`; make it identical to use the shared type, or rename it",
            "api-specs/com.alibaba.shop/alibaba.a.get-1.json: /types/Sku: type \"Sku\" differs from the shared one in api-specs/com.alibaba.shop/_types.json /types/Sku, so this API gets its own `Sku`; make it identical to use the shared type, or rename it",
        ]
    );
}

#[test]
fn a_namespace_copy_of_a_global_type_is_the_global_type() {
    let mut specs = owned(&[
        ("_types.json", GLOBAL),
        (
            "com.alibaba.shop/_types.json",
            r#"{"types": {"WebSite": {"doc": "Other words.", "enum": ["1688", "alibaba"]}}}"#,
        ),
    ]);
    specs.push((
        "com.alibaba.shop/alibaba.a.get-1.json".into(),
        r#"{"namespace": "com.alibaba.shop", "name": "alibaba.a.get", "version": 1, "access_token": "required",
            "response": [{"name": "site", "type": "WebSite"}]}"#
            .into(),
    ));
    let generated = generate_from("api-specs", &specs).unwrap_or_else(|d| panic!("{d}"));
    // The namespace's `types` module only re-exports the global type.
    let shop = file(&generated, "src/generated/shop/types.rs");
    assert!(shop.contains("pub use super::super::types::WebSite;") && !shop.contains("pub enum"));
    let global = file(&generated, "src/generated/types.rs");
    assert!(global.contains("/// Which site."));
}

#[test]
fn the_model_resolves_a_name_as_the_api_sees_it() {
    let mut all = owned(&[
        ("_types.json", GLOBAL),
        ("com.alibaba.shop/_types.json", SHOP),
    ]);
    all.push(spec(
        "alibaba.a.get",
        r#", "params": [{"name": "site", "type": "WebSite"}], "types": {"Sku": {"fields": [{"name": "id", "type": "string"}]}}"#,
    ));
    let model = open1688_codegen::model("api-specs", &all).unwrap_or_else(|d| panic!("{d}"));
    let ns = &model.namespaces["shop"];
    let api = &ns.apis["a_get"];
    let wire = |name: &str| model.type_of(ns, api, name).map(|t| t.wire.as_str());
    assert_eq!(wire("WebSite"), Some("WebSite"));
    assert_eq!(wire("Info"), Some("Info"));
    // `Sku` is this API's own (it shadows the shared one), with its own fields.
    let sku = model.type_of(ns, api, "Sku").unwrap();
    assert!(matches!(&sku.kind, open1688_codegen::ir::TypeIrKind::Struct(f) if f[0].wire == "id"));
    assert!(model.type_of(ns, api, "Unused").is_none());
}
