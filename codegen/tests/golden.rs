//! Golden tests. The fixture specs in `codegen/tests/fixtures/specs/` are generated into the
//! `open1688-golden` crate (`codegen/golden/src/generated/`, committed, so every generator
//! change is a reviewable diff); `fresh.rs` checks that output is up to date and building the
//! golden crate (clippy `-D warnings`; all features, each alone, none) is its compile test.
//!
//! This file keeps the fixtures honest: they must go on covering everything the generator
//! has to get right, and the output must show the decisions made for each case.

mod common;

use common::{fixture_specs, generate_fixtures};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// The fixtures, parsed.
fn fixtures() -> Vec<(String, Value)> {
    fixture_specs()
        .into_iter()
        .map(|(path, text)| {
            let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
            (path, value)
        })
        .collect()
}

/// Every field object (params, response, named-type fields) of every fixture.
fn fields(specs: &[(String, Value)]) -> Vec<&Value> {
    let mut out = Vec::new();
    for (_, spec) in specs {
        for key in ["params", "response"] {
            out.extend(spec[key].as_array().into_iter().flatten());
        }
        for def in spec["types"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
        {
            out.extend(def["fields"].as_array().into_iter().flatten());
        }
    }
    out
}

fn strings<'a>(values: impl IntoIterator<Item = &'a Value>) -> BTreeSet<&'a str> {
    values.into_iter().filter_map(Value::as_str).collect()
}

#[test]
fn fixtures_cover_every_type() {
    let specs = fixtures();
    let types = strings(fields(&specs).iter().map(|f| &f["type"]));
    for builtin in [
        "string", "boolean", "int", "long", "double", "decimal", "date", "json", "file",
    ] {
        assert!(
            types.contains(builtin),
            "no fixture field of type {builtin}"
        );
    }
    for container in ["array<", "map<", "array<map<", "map<array<"] {
        assert!(
            types.iter().any(|t| t.starts_with(container)),
            "no fixture field of type {container}..>"
        );
    }
    let defs: Vec<&Value> = specs
        .iter()
        .flat_map(|(_, s)| s["types"].as_object().into_iter().flat_map(|m| m.values()))
        .collect();
    assert!(
        defs.iter().any(|d| d.get("fields").is_some()),
        "no named struct"
    );
    assert!(
        defs.iter().any(|d| d.get("enum").is_some()),
        "no named enum"
    );
    let enum_values = strings(
        defs.iter()
            .flat_map(|d| d["enum"].as_array().into_iter().flatten()),
    );
    for value in ["1688", "alibaba", "WAIT_BUYER_PAY", "self", ""] {
        assert!(enum_values.contains(value), "no enum value {value:?}");
    }
    let type_names: BTreeSet<&str> = specs
        .iter()
        .flat_map(|(_, s)| s["types"].as_object().into_iter().flat_map(|m| m.keys()))
        .map(String::as_str)
        .collect();
    for std_name in ["Result", "Option"] {
        assert!(
            type_names.contains(std_name),
            "no type named like std's {std_name}"
        );
    }
}

#[test]
fn fixtures_cover_every_api_shape() {
    let mut specs = fixtures();
    let shared = specs
        .iter()
        .filter(|(p, _)| p.ends_with("_types.json"))
        .count();
    assert_eq!(shared, 2, "a global and a namespace shared-types file");
    specs.retain(|(p, _)| !p.ends_with("_types.json"));
    let tokens = strings(specs.iter().map(|(_, s)| &s["access_token"]));
    assert_eq!(tokens, BTreeSet::from(["none", "optional", "required"]));
    let any = |pred: &dyn Fn(&Value) -> bool| specs.iter().any(|(_, s)| pred(s));
    assert!(any(&|s| s["signed"] == false), "an unsigned API");
    assert!(any(&|s| s["protocol"] == "http"), "an http-protocol API");
    assert!(any(&|s| s["idempotent"] == true), "an idempotent API");
    assert!(
        any(&|s| s["idempotent"] == false),
        "an explicitly non-idempotent API"
    );
    assert!(any(&|s| s["version"] == 2), "a version-2 API");
    assert!(any(&|s| s.get("params").is_none()), "an API without params");
    assert!(
        any(&|s| s.get("response").is_none()),
        "an API with an empty response"
    );
    assert!(
        any(&|s| s["params"].as_array().is_some_and(|p| p
            .iter()
            .filter(|f| f["required"] == true)
            .count()
            > 7)),
        "an API with more than 7 required params"
    );
    // One spec has only the required keys: it must generate, compile and be served too.
    let minimal = |s: &Value| {
        s.as_object().is_some_and(|o| {
            let mut keys: Vec<&str> = o.keys().map(String::as_str).collect();
            keys.sort_unstable();
            keys == ["access_token", "name", "namespace", "version"]
        })
    };
    assert!(any(&minimal), "a spec with only the required keys");
    for (path, spec) in specs.iter().filter(|(_, s)| !minimal(s)) {
        assert!(
            spec.get("example_response").is_some(),
            "{path}: no example_response"
        );
        assert!(
            spec["$schema"]
                .as_str()
                .is_some_and(|s| s.ends_with("api-specs/spec.schema.json")),
            "{path}: no $schema"
        );
        let depth = path.matches('/').count() + common::FIXTURES.matches('/').count() + 1;
        assert_eq!(
            spec["$schema"].as_str().unwrap().matches("../").count(),
            depth,
            "{path}: $schema must reach the workspace root's api-specs/spec.schema.json"
        );
    }
    let namespaces = strings(specs.iter().map(|(_, s)| &s["namespace"]));
    assert!((2..=4).contains(&namespaces.len()), "{namespaces:?}");
}

#[test]
fn fixtures_cover_awkward_names() {
    let specs = fixtures();
    let fields = fields(&specs);
    let names = strings(fields.iter().map(|f| &f["name"]));
    for name in [
        "type",
        "self",
        "match",
        "crate",
        "async",
        "Self",
        "productID",
        "offerIDs",
        "URLPath",
    ] {
        assert!(names.contains(name), "no field named {name}");
    }
    assert!(
        fields.iter().any(|f| f.get("rust_name").is_some()),
        "no rust_name"
    );
}

/// The decisions the generator made for each awkward case, as they appear in the golden
/// output. (The whole output is compared by `fresh.rs`; this names what matters.)
#[test]
fn golden_output_shows_each_decision() {
    let generated = generate_fixtures();
    let file = |path: &str| -> &str {
        generated
            .files
            .get(Path::new(path))
            .unwrap_or_else(|| panic!("{path} not generated"))
    };
    let order = file("src/generated/order/order_create.rs");
    let catalog_item = file("src/generated/catalog/catalog_item_get.rs");
    let category = file("src/generated/catalog/catalog_category_get.rs");
    let search = file("src/generated/catalog/catalog_item_search_v2.rs");
    let upload = file("src/generated/catalog/catalog_photo_upload.rs");
    let cancel = file("src/generated/order/order_cancel.rs");
    let token = file("src/generated/system_auth/get_token.rs");
    let time = file("src/generated/system_auth/current_time_millis.rs");
    let catalogue = file("src/generated/catalogue.rs");
    let global = file("src/generated/types.rs");
    let catalog_types = file("src/generated/catalog/types.rs");
    let root = file("src/generated/mod.rs");
    let checks: &[(&str, &str, &str)] = &[
        // keywords: raw identifiers, or a trailing `_` where raw is impossible
        (order, "pub r#type: ::std::string::String,", "raw `type`"),
        (order, "pub self_: bool,", "`self` → `self_`"),
        (order, "pub r#match: ::std::option::Option<OrderMatch>,", "raw `match`"),
        (order, "pub crate_: ::std::option::Option<i64>,", "`crate` → `crate_`"),
        (order, "pub r#async: ::std::option::Option<bool>,", "raw `async`"),
        (order, "params.put(\"self\", &self.self_);", "wire name kept"),
        (order, "#[wire(\"self\")]\n        pub self_:", "wire name of `self_`"),
        (order, "pub self_upper:", "rust_name on a field named `Self`"),
        // rust_name
        (order, "pub order_flow: ::std::option::Option<::std::string::String>,", "rust_name"),
        (order, "params.put(\"flow\", &self.order_flow);", "rust_name keeps the wire name"),
        (category, "#[wire(\"succes\")]\n        pub success:", "rust_name in a response keeps the wire name"),
        // acronyms
        (catalog_item, "pub product_id: i64,", "productID"),
        (catalog_item, "pub offer_ids: ::std::option::Option<::std::vec::Vec<i64>>,", "offerIDs"),
        (catalog_item, "pub url_path: ::std::option::Option<::std::string::String>,", "URLPath"),
        (catalog_item, "#[wire(\"imageURLs\")]", "imageURLs"),
        (catalog_item, "pub image_urls:", "imageURLs"),
        // every type
        (catalog_item, "pub weight: ::std::option::Option<f64>,", "double"),
        (catalog_item, "pub price: ::std::option::Option<::open1688_core::Decimal>,", "decimal"),
        (catalog_item, "pub create_time: ::std::option::Option<::open1688_core::Date>,", "date"),
        (catalog_item, "pub extra: ::std::option::Option<::serde_json::Value>,", "json"),
        (catalog_item, "pub quantity: ::std::option::Option<i32>,", "int"),
        (
            catalog_item,
            "#[wire(\"skuPrices\", decimal)]\n        pub sku_prices: ::std::vec::Vec<\n            ::std::collections::BTreeMap<\n                ::open1688_core::CompactString,\n                ::open1688_core::Decimal,\n            >,\n        >,",
            "array<map<decimal>>, empty when absent",
        ),
        // text: `CompactString` in what is only decoded, `String` in what callers build
        (catalog_item, "pub subject: ::open1688_core::CompactString,", "response text"),
        (catalog_item, "pub image_urls: ::std::vec::Vec<::open1688_core::CompactString>,", "response list of text"),
        (catalog_types, "pub shop_name: ::std::option::Option<::open1688_core::CompactString>,", "text of a response-only type"),
        (order, "pub full_name: ::std::string::String,", "text of a type callers build"),
        (upload, "pub image_bytes: ::open1688_core::FileParam,", "required file"),
        (upload, "params.put_file(\"imageBytes\", ::std::option::Option::Some(&self.image_bytes));", "required file upload"),
        (upload, "params.put_file(\"thumbnail\", self.thumbnail.as_ref());", "optional file upload"),
        (search, "params.put_json(\"priceBands\", &self.price_bands);", "containers go as JSON"),
        (search, "params.put(\"since\", &self.since);", "dates go as text"),
        // enums
        (global, "V1688 = \"1688\"", "a value starting with a digit"),
        (order, "WaitBuyerPay = \"WAIT_BUYER_PAY\"", "an upper-case value"),
        (order, "SelfValue = \"self\"", "the value `self`"),
        (cancel, "Empty = \"\"", "the empty value"),
        (order, "pub enum Option {", "a type named like std's Option"),
        (order, "pub struct Result {", "a type named like std's Result"),
        // recursion: direct fields are boxed, lists and maps are not
        (category, "pub parent: ::std::option::Option<::std::boxed::Box<Category>>,", "self-reference"),
        (category, "pub children: ::std::vec::Vec<Category>,", "self-reference in a list"),
        (category, "pub fn new(attr_id: i64, group: ::std::boxed::Box<AttributeGroup>) -> Self", "required boxed field"),
        (category, "pub primary: ::std::option::Option<::std::boxed::Box<Attribute>>,", "mutual recursion"),
        // API identity: the request's is the catalogue's
        (token, "const API: ::open1688_core::ApiInfo<'static> = crate::generated::catalogue::system_auth::GET_TOKEN;", "identity from the catalogue"),
        (catalogue, "signed: false,", "unsigned"),
        (catalogue, "protocol: \"http\",", "protocol http"),
        (catalogue, "access_token: ::open1688_core::TokenMode::None,", "no token"),
        (catalogue, "access_token: ::open1688_core::TokenMode::Optional,", "optional token"),
        (catalogue, "access_token: ::open1688_core::TokenMode::Required,", "required token"),
        (catalogue, "idempotent: true,", "idempotent"),
        (catalogue, "idempotent: false,", "not idempotent"),
        (catalogue, "version: 2u32,", "version 2"),
        // the catalogue: structured types, enum values, object fields
        (catalogue, "ty: &::open1688_core::ParamType::Enum(&ORDER_CREATE__OrderMatch),", "an enum param"),
        (catalogue, "values: &[\"exact\", \"fuzzy\"],", "enum values"),
        (catalogue, "ty: &::open1688_core::ParamType::Struct(&ORDER_CREATE__AddressParam),", "an object param"),
        (catalogue, "ty: &::open1688_core::ParamType::File,", "a file param"),
        (catalogue, "example_response: ::std::option::Option::None,", "no example"),
        (search, "pub struct CatalogItemSearchV2Request {", "version suffix"),
        (search, "#[allow(clippy::too_many_arguments)]", "more than 7 required params"),
        // no params, empty response
        (time, "#[derive(Clone, Debug, Default, PartialEq)]", "new() without arguments has Default"),
        (time, "fn write_params(&self, _params: &mut ::open1688_core::Params) {}", "no params"),
        (time, "pub type CurrentTimeMillisResponse = i64;", "a bare-value response is its type"),
        (cancel, "pub struct OrderCancelResponse {}", "empty response"),
        (cancel, "::open1688_core::wire_struct! {\n    /// The response of `com.alibaba.order:alibaba.order.cancel-1`.\n    #[derive(Clone, Debug, PartialEq)]\n    #[non_exhaustive]\n    pub struct OrderCancelResponse {}\n}\n", "a decoded struct, even empty, wrapped in wire_struct!"),
        (search, "#[wire(\"total\", required)]", "a required response field"),
        // shared types: once each, re-exported where used, global ones behind their users' features
        (root, "pub mod types;", "the crate-wide shared types module"),
        (global, "#[cfg(any(feature = \"catalog\", feature = \"order\"))]\n::open1688_core::string_enum! {", "a global type behind the features that use it"),
        (global, "/// Which site: 1688.com or alibaba.com.", "the shared file's doc"),
        (catalog_types, "use super::super::types::WebSite;", "a namespace type holding a global one"),
        (catalog_types, "pub struct Shop {", "a namespace shared type"),
        (catalog_item, "pub use super::super::types::WebSite;\npub use super::types::{ItemStatus, Shop};", "re-exports"),
        (search, "pub use super::types::{ItemStatus, Shop};", "re-exported through a field of a shared type"),
        (cancel, "pub use super::super::types::WebSite;", "a global type in a second namespace"),
        // docs
        (catalog_item, "Get an item \\[with every response type\\]", "brackets escaped in docs"),
        (catalog_item, "&lt;string&gt;", "angle brackets escaped in docs"),
        (category, "[Documentation](https://open.1688.com/api/apidocdetail.htm?id=com.alibaba.catalog:alibaba.catalog.category.get-1)", "doc link"),
    ];
    assert!(
        !search.contains("pub enum WebSite") && !search.contains("a local copy"),
        "a local copy of a shared type is folded into it"
    );
    let mut missing = Vec::new();
    for (text, needle, what) in checks {
        if !text.contains(needle) {
            missing.push(format!("{what}: {needle:?}"));
        }
    }
    assert!(
        missing.is_empty(),
        "golden output lacks:\n{}",
        missing.join("\n")
    );
}

/// The golden crate's `Cargo.toml` gets one feature per fixture namespace.
#[test]
fn golden_features() {
    let generated = generate_fixtures();
    assert_eq!(generated.apis, 9);
    assert_eq!(generated.regions.len(), 1);
    assert_eq!(
        generated.regions[0].content,
        "default = [\"catalog\", \"order\", \"system_auth\"]\ncatalog = []\norder = []\nsystem_auth = []\n"
    );
}

/// Only types a caller builds (reachable from the params) get a constructor and setters;
/// response-only types are decoded, so they carry no code to build them.
#[test]
fn response_only_types_have_no_constructor() {
    let generated = generate_fixtures();
    let file = |path: &str| generated.files[Path::new(path)].clone();
    let item = file("src/generated/catalog/catalog_item_get.rs");
    assert!(item.contains("pub struct ItemInfo {") && !item.contains("impl ItemInfo {"));
    let category = file("src/generated/catalog/catalog_category_get.rs");
    assert!(
        category.contains("impl Category {"),
        "a param type keeps its constructor"
    );
}
