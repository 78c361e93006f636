//! Named types that several APIs of a namespace define identically are generated once.

use open1688_codegen::generate_from;
use std::path::Path;

fn spec(name: &str, sku_doc: &str) -> (String, String) {
    let text = format!(
        r#"{{"namespace": "com.alibaba.shop", "name": "{name}", "version": 1, "access_token": "required",
            "response": [{{"name": "info", "type": "Info"}}],
            "types": {{
              "Info": {{"fields": [{{"name": "skus", "type": "array<Sku>"}}, {{"name": "site", "type": "Site"}}]}},
              "Sku": {{"doc": "{sku_doc}", "fields": [{{"name": "skuId", "type": "long"}}]}},
              "Site": {{"enum": ["1688", "alibaba"]}}
            }}}}"#
    );
    (format!("com.alibaba.shop/{name}-1.json"), text)
}

#[test]
fn identical_types_are_shared_and_re_exported() {
    let generated = generate_from(
        "api-specs",
        &[
            spec("alibaba.a.get", "a sku"),
            spec("alibaba.b.get", "a sku"),
        ],
    )
    .unwrap();
    let file = |p: &str| generated.files[Path::new(p)].as_str();
    let shared = file("src/generated/shop/types.rs");
    for item in ["pub struct Info {", "pub struct Sku {", "pub enum Site {"] {
        assert!(shared.contains(item), "{item} in types.rs:\n{shared}");
    }
    for api in ["a_get", "b_get"] {
        let code = file(&format!("src/generated/shop/{api}.rs"));
        assert!(
            code.contains("pub use super::types::{Info, Site, Sku};"),
            "{code}"
        );
        assert!(!code.contains("pub struct Info {"));
    }
    assert!(file("src/generated/shop/mod.rs").contains("pub mod types;"));
}

#[test]
fn a_type_that_differs_stays_local_and_so_do_types_that_use_it() {
    let generated = generate_from(
        "api-specs",
        &[
            spec("alibaba.a.get", "a sku"),
            spec("alibaba.b.get", "another sku"),
        ],
    )
    .unwrap();
    let file = |p: &str| generated.files[Path::new(p)].as_str();
    // `Sku` differs, so `Info` (which holds it) cannot be shared either; `Site` can.
    let shared = file("src/generated/shop/types.rs");
    assert!(
        shared.contains("pub enum Site {")
            && !shared.contains("pub struct Info {")
            && !shared.contains("pub struct Sku {")
    );
    let a = file("src/generated/shop/a_get.rs");
    assert!(
        a.contains("pub use super::types::{Site};") || a.contains("pub use super::types::Site;"),
        "{a}"
    );
    assert!(a.contains("pub struct Info {") && a.contains("pub struct Sku {"));
}
