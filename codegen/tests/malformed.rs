//! Malformed specs: each fixture must fail with exactly the one-line error a user would see
//! (`file: /json/pointer: message`, as `cargo xtask gen` prints it), and generation must
//! never panic and never write anything while there is an error.

mod common;

use common::{error_lines, owned, temp_crate};
use open1688_codegen::{generate_from, sync, Mode};

/// Where every single-file fixture below lives, under the specs dir.
const REL: &str = "com.alibaba.test/alibaba.test.get-1.json";

/// A minimal valid spec at [`REL`], with `extra` keys appended.
fn spec(extra: &str) -> String {
    let base = r#""namespace": "com.alibaba.test", "name": "alibaba.test.get", "version": 1, "access_token": "required""#;
    if extra.is_empty() {
        format!("{{{base}}}")
    } else {
        format!("{{{base}, {extra}}}")
    }
}

/// Asserts that `text` at [`REL`] fails with exactly `line`.
fn assert_error(text: &str, line: &str) {
    assert_errors(&[(REL, text)], &[line]);
}

/// Asserts that `specs` fail with exactly `lines`, in printed order.
fn assert_errors(specs: &[(&str, &str)], lines: &[&str]) {
    assert_eq!(error_lines(specs), lines);
}

/// One `#[test]` per single-file fixture: `name: spec text => expected line;`.
macro_rules! malformed {
    ($($name:ident: $text:expr => $line:expr;)*) => {
        $(
            #[test]
            fn $name() {
                assert_error(&$text, $line);
            }
        )*
        /// How many single-file fixtures this file has.
        const SINGLE_FILE_CASES: usize = [$(stringify!($name)),*].len();
    };
}

malformed! {
    // --- not JSON, not an object ---
    invalid_json: r#"{"namespace": "com.alibaba.test","# =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /: invalid JSON: EOF while parsing a value at line 1 column 33"#;
    invalid_json_trailing_comma: "{\n  \"namespace\": \"com.alibaba.test\",\n}" =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /: invalid JSON: trailing comma at line 3 column 1"#;
    empty_file: "" =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /: invalid JSON: EOF while parsing a value at line 1 column 0"#;
    not_an_object: r#"["com.alibaba.test", "alibaba.test.get"]"# =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /: expected an API spec (a JSON object), found an array"#;

    // --- a bare-value response ---
    response_value_of_unknown_type: spec(r#""response": "lnog""#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /response: unknown type "lnog" (did you mean "long"?)"#;
    response_value_file: spec(r#""response": "file""#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /response: "file" is only allowed as the type of a top-level param, not a response"#;
    response_value_example_of_wrong_type: spec(r#""response": "long", "example_response": "soon""#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /example_response: example value "soon" does not fit type "long""#;

    // --- paging ---
    paging_page_not_a_param: spec(r#""params": [{"name": "pageNo", "type": "int"}], "response": [{"name": "list", "type": "array<long>"}], "paging": {"page": "page", "items": "/list"}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /paging/page: "page" is not a param of this API (params: pageNo)"#;
    paging_page_not_an_integer: spec(r#""params": [{"name": "page", "type": "string"}], "response": [{"name": "list", "type": "array<long>"}], "paging": {"page": "page", "items": "/list"}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /paging/page: the page param "page" must be an int or long, found string"#;
    paging_items_field_missing: spec(r#""params": [{"name": "page", "type": "int"}], "response": [{"name": "result", "type": "Page"}], "types": {"Page": {"fields": [{"name": "list", "type": "array<long>"}]}}, "paging": {"page": "page", "items": "/result/lsit"}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /paging/items: "/result/lsit": type Page has no field "lsit" (fields: list)"#;
    paging_items_not_a_list: spec(r#""params": [{"name": "page", "type": "int"}], "response": [{"name": "total", "type": "long"}], "paging": {"page": "page", "items": "/total"}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /paging/items: "/total" must point at a list (array<..>)"#;
    paging_total_not_a_pointer: spec(r#""params": [{"name": "page", "type": "int"}], "response": [{"name": "list", "type": "array<long>"}, {"name": "total", "type": "long"}], "paging": {"page": "page", "items": "/list", "total": "total"}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /paging/total: "total" must be a JSON pointer into the response, like "/result/list""#;
    paging_unknown_key: spec(r#""params": [{"name": "page", "type": "int"}], "response": [{"name": "list", "type": "array<long>"}], "paging": {"page": "page", "items": "/list", "size": "pageSize"}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /paging/size: unknown key "size" in paging (expected one of: page, items, total, first)"#;

    // --- required keys ---
    missing_namespace: r#"{"name": "alibaba.test.get", "version": 1, "access_token": "required"}"# =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /: missing key "namespace""#;
    missing_name: r#"{"namespace": "com.alibaba.test", "version": 1, "access_token": "required"}"# =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /: missing key "name""#;
    missing_version: r#"{"namespace": "com.alibaba.test", "name": "alibaba.test.get", "access_token": "required"}"# =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /: missing key "version""#;
    missing_access_token: r#"{"namespace": "com.alibaba.test", "name": "alibaba.test.get", "version": 1}"# =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /: missing key "access_token""#;
    empty_namespace: spec("").replace(r#""namespace": "com.alibaba.test""#, r#""namespace": """#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /namespace: "namespace" must not be empty"#;
    missing_param_type: spec(r#""params": [{"name": "productID", "required": true}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/0: missing key "type""#;

    // --- unknown keys: typos must not pass ---
    unknown_top_level_key_typo: spec(r#""sumary": "Get a thing""#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /sumary: unknown key "sumary" in an API spec (did you mean "summary"? expected one of: $schema, namespace, name, version, access_token, signed, idempotent, protocol, summary, doc, doc_url, params, response, types, example_response, paging)"#;
    unknown_top_level_key: spec(r#""owner": "me""#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /owner: unknown key "owner" in an API spec (expected one of: $schema, namespace, name, version, access_token, signed, idempotent, protocol, summary, doc, doc_url, params, response, types, example_response, paging)"#;
    unknown_param_key: spec(r#""params": [{"name": "productID", "type": "long", "requried": true}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/0/requried: unknown key "requried" in a param (did you mean "required"? expected one of: name, type, required, doc, rust_name)"#;
    unknown_type_key: spec(r#""types": {"Sku": {"fields": [], "docs": "a SKU"}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/Sku/docs: unknown key "docs" in a type definition (did you mean "doc"? expected one of: fields, enum, doc)"#;

    // --- wrong JSON types ---
    namespace_not_a_string: spec("").replace(r#""com.alibaba.test""#, "5") =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /namespace: "namespace" must be a string, found a number"#;
    signed_not_a_boolean: spec(r#""signed": "false""#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /signed: "signed" must be true or false, found a string"#;
    required_not_a_boolean: spec(r#""params": [{"name": "productID", "type": "long", "required": "true"}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/0/required: "required" must be true or false, found a string"#;
    summary_not_a_string: spec(r#""summary": ["Get", "a thing"]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /summary: "summary" must be a string, found an array"#;
    params_not_an_array: spec(r#""params": {"productID": "long"}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params: "params" must be an array of fields, found an object"#;
    param_not_an_object: spec(r#""params": ["productID"]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/0: expected a param (a JSON object), found a string"#;
    types_not_an_object: spec(r#""types": [{"Sku": {"fields": []}}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types: "types" must be an object of named types, found an array"#;
    type_not_an_object: spec(r#""types": {"Sku": "long"}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/Sku: expected a type definition (a JSON object), found a string"#;
    enum_not_an_array: spec(r#""types": {"WebSite": {"enum": "1688,alibaba"}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/WebSite/enum: "enum" must be an array of strings, found a string"#;
    enum_value_not_a_string: spec(r#""types": {"WebSite": {"enum": [1688]}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/WebSite/enum/0: enum values must be strings, found a number"#;

    // --- bad values ---
    bad_access_token: spec("").replace(r#""access_token": "required""#, r#""access_token": "yes""#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /access_token: "access_token" must be "required", "optional" or "none", found "yes""#;
    version_zero: spec("").replace(r#""version": 1"#, r#""version": 0"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /version: "version" must be a positive integer, found 0"#;
    version_string: spec("").replace(r#""version": 1"#, r#""version": "1""#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /version: "version" must be a positive integer, found "1""#;
    version_negative: spec("").replace(r#""version": 1"#, r#""version": -1"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /version: "version" must be a positive integer, found -1"#;
    version_fraction: spec("").replace(r#""version": 1"#, r#""version": 1.5"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /version: "version" must be a positive integer, found 1.5"#;
    bad_protocol: spec(r#""protocol": "json2""#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /protocol: "protocol" must be "param2", "http" or "param", found "json2""#;
    bad_doc_url: spec(r#""doc_url": "open.1688.com/api/apidocdetail.htm""#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /doc_url: "doc_url" must be an http(s) URL, found "open.1688.com/api/apidocdetail.htm""#;

    // --- types ---
    unknown_type: spec(r#""params": [{"name": "sku", "type": "Sku"}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/0/type: unknown type "Sku""#;
    misspelt_builtin_type: spec(r#""params": [{"name": "productID", "type": "lnog"}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/0/type: unknown type "lnog" (did you mean "long"?)"#;
    misspelt_named_type: spec(r#""response": [{"name": "skus", "type": "array<SkuInfos>"}], "types": {"SkuInfo": {"fields": []}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /response/0/type: unknown type "SkuInfos" (did you mean "SkuInfo"?)"#;
    unclosed_array: spec(r#""params": [{"name": "offerIDs", "type": "array<long"}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/0/type: "array<long" is missing its closing '>'"#;
    not_a_type_expression: spec(r#""params": [{"name": "offerIDs", "type": "list of long"}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/0/type: "list of long" is not a type: expected one of string, boolean, int, long, double, decimal, date, json, file, array<T>, map<T> or a name from "types""#;
    empty_type: spec(r#""params": [{"name": "offerIDs", "type": ""}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/0/type: empty type"#;
    file_in_response: spec(r#""response": [{"name": "image", "type": "file"}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /response/0/type: "file" is only allowed as the type of a top-level param, not in a response field"#;
    file_in_named_type: spec(r#""params": [{"name": "photo", "type": "Photo"}], "types": {"Photo": {"fields": [{"name": "bytes", "type": "file"}]}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/Photo/fields/0/type: "file" is only allowed as the type of a top-level param, not in a field"#;
    array_of_file_in_params: spec(r#""params": [{"name": "photos", "type": "array<file>"}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/0/type: "file" is only allowed as the type of a top-level param, not in a param container"#;
    type_name_not_a_name: spec(r#""types": {"Sku-Info": {"fields": []}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/Sku-Info: type name "Sku-Info" must be a name like "SkuInfo", not a built-in type or expression"#;
    type_named_like_a_builtin: spec(r#""types": {"long": {"fields": []}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/long: type name "long" must be a name like "SkuInfo", not a built-in type or expression"#;
    type_with_fields_and_enum: spec(r#""types": {"WebSite": {"fields": [], "enum": ["1688"]}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/WebSite: type "WebSite" has both "fields" and "enum"; a type is one or the other"#;
    type_with_neither: spec(r#""params": [{"name": "webSite", "type": "WebSite"}], "types": {"WebSite": {"doc": "which site"}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/WebSite: type "WebSite" needs "fields" (a structure) or "enum" (a list of values)"#;
    enum_without_values: spec(r#""types": {"WebSite": {"enum": []}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/WebSite/enum: enum "WebSite" has no values"#;
    duplicate_enum_values: spec(r#""types": {"WebSite": {"enum": ["1688", "alibaba", "1688"]}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/WebSite/enum/2: duplicate enum value "1688" (also at index 0)"#;

    // --- duplicates ---
    duplicate_param_names: spec(r#""params": [{"name": "productID", "type": "long"}, {"name": "productID", "type": "string"}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/1/name: duplicate param "productID" (also at /params/0)"#;
    duplicate_field_names_in_a_type: spec(r#""types": {"Sku": {"fields": [{"name": "skuId", "type": "long"}, {"name": "price", "type": "decimal"}, {"name": "skuId", "type": "string"}]}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/Sku/fields/2/name: duplicate field "skuId" (also at /types/Sku/fields/0)"#;
    empty_param_name: spec(r#""params": [{"name": "", "type": "long"}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/0/name: param name must not be empty"#;

    // --- names that collide or cannot be Rust ---
    two_params_one_identifier: spec(r#""params": [{"name": "productId", "type": "long"}, {"name": "productID", "type": "long"}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/1: param "productID" and "productId" (/params/0) both map to the Rust name `product_id`; set "rust_name" on one of them"#;
    rust_name_collides_with_a_field: spec(r#""response": [{"name": "total", "type": "long"}, {"name": "totalCount", "type": "long", "rust_name": "total"}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /response/1: response field "totalCount" and "total" (/response/0) both map to the Rust name `total`; set "rust_name" on one of them"#;
    two_types_one_identifier: spec(r#""types": {"webSite": {"enum": ["1688"]}, "WebSite": {"enum": ["alibaba"]}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/webSite: type "webSite" and "WebSite" (/types/WebSite) both map to the Rust name `WebSite`; rename one of the types"#;
    type_named_like_the_request: spec(r#""types": {"TestGetRequest": {"fields": []}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/TestGetRequest: type "TestGetRequest" and the generated request type both map to the Rust name `TestGetRequest`; rename the type"#;
    type_named_self: spec(r#""types": {"Self": {"fields": []}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/Self: type "Self" maps to `Self`, a Rust keyword; rename the type"#;
    enum_values_collide_after_camel_case: spec(r#""types": {"Status": {"enum": ["WAIT_BUYER_PAY", "waitBuyerPay"]}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/Status/enum/1: enum value "waitBuyerPay" and "WAIT_BUYER_PAY" (/types/Status/enum/0) both map to the Rust name `WaitBuyerPay`; remove one of them (a value not listed still decodes, as `Unknown(..)`)"#;
    enum_value_unknown: spec(r#""types": {"Status": {"enum": ["success", "unknown"]}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/Status/enum/1: enum value "unknown" and the fallback for values not in the spec both map to the Rust name `Unknown`; remove the value (it still decodes, as `Unknown(..)`)"#;
    rust_name_not_an_identifier: spec(r#""params": [{"name": "2fast", "type": "long", "rust_name": "2fast"}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/0/rust_name: "rust_name" must be a snake_case Rust identifier (like "order_flow" or "r#type"), found "2fast""#;
    rust_name_a_bare_keyword: spec(r#""params": [{"name": "kind", "type": "string", "rust_name": "type"}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/0/rust_name: "rust_name" must be a snake_case Rust identifier (like "order_flow" or "r#type"), found "type""#;
    rust_name_not_snake_case: spec(r#""params": [{"name": "flow", "type": "string", "rust_name": "OrderFlow"}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/0/rust_name: "rust_name" must be a snake_case Rust identifier (like "order_flow" or "r#type"), found "OrderFlow""#;
    name_without_letters: spec(r#""response": [{"name": "$", "type": "string"}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /response/0/name: response field "$" has no letters or digits to make a Rust name from; set "rust_name""#;
    optional_param_named_new: spec(r#""params": [{"name": "new", "type": "boolean"}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/0: optional param "new" would get a setter `new`, which is the constructor; set "rust_name""#;

    // --- example_response ---
    example_missing_a_required_field: spec(r#""response": [{"name": "total", "type": "long", "required": true}], "example_response": {"totle": 1}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /example_response: example is missing required field "total""#;
    example_missing_a_nested_required_field: spec(r#""response": [{"name": "sku", "type": "Sku"}], "types": {"Sku": {"fields": [{"name": "skuId", "type": "long", "required": true}]}}, "example_response": {"sku": {"price": 1}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /example_response/sku: example is missing required field "skuId""#;
    example_value_of_the_wrong_type: spec(r#""response": [{"name": "total", "type": "long"}], "example_response": {"total": "many"}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /example_response/total: example value "many" does not fit type "long""#;
    example_list_item_of_the_wrong_type: spec(r#""response": [{"name": "skus", "type": "array<map<decimal>>"}], "example_response": {"skus": [{"S": 9.9}, {"M": true}]}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /example_response/skus/1/M: example value true does not fit type "decimal""#;
    example_pointer_is_escaped: spec(r#""response": [{"name": "prices", "type": "map<long>"}], "example_response": {"prices": {"S/M~L": "cheap"}}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /example_response/prices/S~1M~0L: example value "cheap" does not fit type "long""#;
    example_enum_not_a_string: spec(r#""response": [{"name": "site", "type": "WebSite"}], "types": {"WebSite": {"enum": ["1688"]}}, "example_response": {"site": 1688}"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /example_response/site: example value 1688 does not fit type "WebSite""#;
    example_not_an_object: spec(r#""response": [{"name": "total", "type": "long"}], "example_response": [{"total": 1}]"#) =>
        r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /example_response: "example_response" must be a JSON object, like the API's response"#;
}

// --- the file's path must agree with what it declares ---

#[test]
fn path_disagrees_with_namespace() {
    assert_errors(
        &[("com.alibaba.other/alibaba.test.get-1.json", &spec(""))],
        &[
            r#"api-specs/com.alibaba.other/alibaba.test.get-1.json: /: the file's path must be api-specs/com.alibaba.test/alibaba.test.get-1.json to match its namespace, name and version"#,
        ],
    );
}

#[test]
fn path_disagrees_with_name() {
    assert_errors(
        &[("com.alibaba.test/alibaba.test.list-1.json", &spec(""))],
        &[
            r#"api-specs/com.alibaba.test/alibaba.test.list-1.json: /: the file's path must be api-specs/com.alibaba.test/alibaba.test.get-1.json to match its namespace, name and version"#,
        ],
    );
}

#[test]
fn path_disagrees_with_version() {
    assert_errors(
        &[("com.alibaba.test/alibaba.test.get-2.json", &spec(""))],
        &[
            r#"api-specs/com.alibaba.test/alibaba.test.get-2.json: /: the file's path must be api-specs/com.alibaba.test/alibaba.test.get-1.json to match its namespace, name and version"#,
        ],
    );
}

#[test]
fn namespace_with_an_empty_word() {
    let text = spec("").replace("com.alibaba.test", "com.alibaba..test");
    assert_errors(
        &[("com.alibaba..test/alibaba.test.get-1.json", &text)],
        &[
            r#"api-specs/com.alibaba..test/alibaba.test.get-1.json: /namespace: "namespace" must be dot-separated words of letters, digits and '_', found "com.alibaba..test""#,
        ],
    );
}

#[test]
fn namespace_without_letters() {
    let text = spec("").replace("com.alibaba.test", "_");
    assert_errors(
        &[("_/alibaba.test.get-1.json", &text)],
        &[
            r#"api-specs/_/alibaba.test.get-1.json: /namespace: namespace "_" has no letters or digits to make a module name from"#,
        ],
    );
}

#[test]
fn api_name_without_letters() {
    let text = spec("").replace("alibaba.test.get", "_");
    assert_errors(
        &[("com.alibaba.test/_-1.json", &text)],
        &[
            r#"api-specs/com.alibaba.test/_-1.json: /name: API name "_" has no letters or digits to make a method name from"#,
        ],
    );
}

// --- problems between files ---

#[test]
fn namespace_that_shadows_a_client_method() {
    let text = r#"{"namespace": "com.alibaba.call", "name": "alibaba.x.get", "version": 1, "access_token": "required"}"#;
    assert_errors(
        &[("com.alibaba.call/alibaba.x.get-1.json", text)],
        &[
            r#"api-specs/com.alibaba.call/alibaba.x.get-1.json: /namespace: namespace "com.alibaba.call" maps to the accessor `client.call()`, which the client already has for itself"#,
        ],
    );
}

#[test]
fn duplicate_api_across_two_files() {
    let first = spec(r#""summary": "first""#);
    let second = spec(r#""summary": "second""#);
    assert_errors(
        &[(REL, &first), (REL, &second)],
        &[
            r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /: duplicate API com.alibaba.test:alibaba.test.get-1 (also defined in api-specs/com.alibaba.test/alibaba.test.get-1.json)"#,
        ],
    );
}

#[test]
fn two_apis_one_method() {
    let dotted = spec("");
    let short = spec("").replace("alibaba.test.get", "test.get");
    assert_errors(
        &[(REL, &dotted), ("com.alibaba.test/test.get-1.json", &short)],
        &[
            r#"api-specs/com.alibaba.test/test.get-1.json: /name: APIs com.alibaba.test:test.get-1 and com.alibaba.test:alibaba.test.get-1 both map to the method `test_get`"#,
        ],
    );
}

#[test]
fn two_namespaces_one_module() {
    let com = spec("");
    let cn = spec("").replace("com.alibaba.test", "cn.alibaba.test");
    assert_errors(
        &[
            (REL, &com),
            ("cn.alibaba.test/alibaba.test.get-1.json", &cn),
        ],
        &[
            r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /namespace: namespaces "com.alibaba.test" and "cn.alibaba.test" (api-specs/cn.alibaba.test/alibaba.test.get-1.json) both map to the module `test`"#,
        ],
    );
}

// --- shared-types files ---

/// A spec at [`REL`] whose response field is of type `ty`.
fn uses(ty: &str) -> String {
    spec(&format!(r#""response": [{{"name": "x", "type": "{ty}"}}]"#))
}

#[test]
fn a_shared_type_of_another_namespace_is_not_in_scope() {
    let other = r#"{"types": {"Money": {"fields": [{"name": "amount", "type": "decimal"}]}}}"#;
    assert_errors(
        &[
            ("com.alibaba.shop/_types.json", other),
            (REL, &uses("array<Money>")),
        ],
        &[
            r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /response/0/type: unknown type "Money": it is defined in api-specs/com.alibaba.shop/_types.json /types/Money, which only namespace com.alibaba.shop sees; to share it across namespaces move it to api-specs/_types.json"#,
        ],
    );
}

#[test]
fn a_namespace_and_the_global_file_disagree_on_a_type() {
    let global = r#"{"types": {"WebSite": {"enum": ["1688", "alibaba"]}}}"#;
    let ns = r#"{"types": {"WebSite": {"enum": ["1688"]}}}"#;
    assert_errors(
        &[
            ("_types.json", global),
            ("com.alibaba.test/_types.json", ns),
            (REL, &uses("WebSite")),
        ],
        &[
            r#"api-specs/com.alibaba.test/_types.json: /types/WebSite: type "WebSite" is also defined in api-specs/_types.json /types/WebSite with another structure; a shared name means one structure in every scope: make them identical or rename one"#,
        ],
    );
}

#[test]
fn a_global_type_sees_only_global_types() {
    let global = r#"{"types": {"Info": {"fields": [{"name": "sku", "type": "Sku"}]}}}"#;
    let ns = r#"{"types": {"Sku": {"fields": [{"name": "id", "type": "long"}]}}}"#;
    assert_errors(
        &[
            ("_types.json", global),
            ("com.alibaba.test/_types.json", ns),
            (REL, &uses("Info")),
        ],
        &[
            r#"api-specs/_types.json: /types/Info/fields/0/type: unknown type "Sku": it is defined in api-specs/com.alibaba.test/_types.json /types/Sku, which only namespace com.alibaba.test sees; to share it across namespaces move it to api-specs/_types.json"#,
        ],
    );
}

#[test]
fn malformed_shared_types_files() {
    assert_errors(
        &[
            (
                "_types.json",
                r#"{"types": {"A": {"fields": [{"name": "f", "type": "lnog"}], "enum": ["x"]}, "B": {"fields": [{"name": "up", "type": "file"}]}}, "typse": 1}"#,
            ),
            ("com.alibaba.test/_types.json", "{"),
            ("com.alibaba.x/deeper/_types.json", r#"{"types": {}}"#),
            ("com.alibaba.y/_types.json", r#"{"doc": "no types"}"#),
        ],
        &[
            r#"api-specs/_types.json: /types/A: type "A" has both "fields" and "enum"; a type is one or the other"#,
            r#"api-specs/_types.json: /types/A/fields/0/type: unknown type "lnog" (did you mean "long"?)"#,
            r#"api-specs/_types.json: /types/B/fields/0/type: "file" is only allowed as the type of a top-level param, not in a field"#,
            r#"api-specs/_types.json: /typse: unknown key "typse" in a shared-types file (did you mean "types"? expected one of: $schema, doc, types)"#,
            r#"api-specs/com.alibaba.test/_types.json: /: invalid JSON: EOF while parsing an object at line 1 column 1"#,
            r#"api-specs/com.alibaba.x/deeper/_types.json: /: a shared-types file must be api-specs/_types.json (every namespace) or api-specs/<namespace>/_types.json"#,
            r#"api-specs/com.alibaba.y/_types.json: /: missing key "types""#,
        ],
    );
}

#[test]
fn a_shared_type_and_a_local_type_with_one_rust_name() {
    let global = r#"{"types": {"WebSite": {"enum": ["1688"]}}}"#;
    let text = spec(
        r#""response": [{"name": "a", "type": "WebSite"}, {"name": "b", "type": "webSite"}], "types": {"webSite": {"enum": ["x"]}}"#,
    );
    assert_errors(
        &[("_types.json", global), (REL, &text)],
        &[
            r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/webSite: type "webSite" and the shared type "WebSite" of api-specs/_types.json both map to the Rust name `WebSite`; rename one of the types"#,
        ],
    );
}

// --- every error is reported, and nothing is written ---

#[test]
fn every_problem_in_a_file_is_reported() {
    let text = r#"{
        "namespace": "com.alibaba.test",
        "name": "alibaba.test.get",
        "version": 1,
        "access_token": "always",
        "sumary": "typo",
        "params": [
            {"name": "productID", "type": "lnog", "required": true},
            {"name": "productID", "type": "long"},
            {"name": "photos", "type": "array<file>"}
        ],
        "response": [{"name": "sku", "type": "Sku"}],
        "types": {
            "Sku": {"fields": [{"name": "skuId", "type": "long", "required": true}]},
            "Status": {"enum": []}
        },
        "example_response": {"sku": {}}
    }"#;
    let other = spec("").replace("alibaba.test.get", "alibaba.test.list");
    assert_errors(
        &[
            (REL, text),
            ("com.alibaba.test/alibaba.test.list-2.json", &other),
        ],
        &[
            r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /access_token: "access_token" must be "required", "optional" or "none", found "always""#,
            r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /example_response/sku: example is missing required field "skuId""#,
            r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/0/type: unknown type "lnog" (did you mean "long"?)"#,
            r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/1/name: duplicate param "productID" (also at /params/0)"#,
            r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /params/2/type: "file" is only allowed as the type of a top-level param, not in a param container"#,
            r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /sumary: unknown key "sumary" in an API spec (did you mean "summary"? expected one of: $schema, namespace, name, version, access_token, signed, idempotent, protocol, summary, doc, doc_url, params, response, types, example_response, paging)"#,
            r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /types/Status/enum: enum "Status" has no values"#,
            r#"api-specs/com.alibaba.test/alibaba.test.list-2.json: /: the file's path must be api-specs/com.alibaba.test/alibaba.test.list-1.json to match its namespace, name and version"#,
        ],
    );
}

#[test]
fn every_missing_key_is_reported() {
    assert_errors(
        &[(REL, r#"{"doc": "nothing else"}"#)],
        &[
            r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /: missing key "access_token""#,
            r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /: missing key "name""#,
            r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /: missing key "namespace""#,
            r#"api-specs/com.alibaba.test/alibaba.test.get-1.json: /: missing key "version""#,
        ],
    );
}

#[test]
fn the_summary_line_counts_the_errors() {
    let diags = generate_from("api-specs", &owned(&[(REL, "[]"), ("b/c-1.json", "{")]))
        .expect_err("two broken files");
    let text = diags.to_string();
    assert_eq!(
        text.lines().last(),
        Some("2 errors in the specs; nothing was written")
    );
}

#[test]
fn nothing_is_written_when_any_spec_is_broken() {
    let dir = temp_crate();
    let good = spec(r#""params": [{"name": "productID", "type": "long", "required": true}]"#);
    let good = generate_from("api-specs", &owned(&[(REL, &good)])).expect("a valid spec");
    sync(dir.path(), &good, Mode::Write).expect("first write");
    let before = common::files_under(dir.path());
    let cargo_toml = std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();

    // What `cargo xtask gen` does: generate, and only on success, sync.
    let broken = spec(r#""params": [{"name": "productID", "type": "lnog"}]"#);
    let other = spec("").replace("alibaba.test.get", "alibaba.test.list");
    let result = generate_from(
        "api-specs",
        &owned(&[
            (REL, &broken),
            ("com.alibaba.test/alibaba.test.list-1.json", &other),
        ]),
    );
    assert!(result.is_err(), "a broken spec must fail the whole run");
    assert_eq!(common::files_under(dir.path()), before);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap(),
        cargo_toml
    );
}

// At least 25 single-file fixtures (checked when compiling).
const _: () = assert!(SINGLE_FILE_CASES >= 25);

/// No input makes the generator panic: every spec in this file, and some hostile ones.
#[test]
fn hostile_input_does_not_panic() {
    let hostile = [
        "null",
        "0",
        "\"spec\"",
        "{\"namespace\": null, \"name\": {}, \"version\": [], \"access_token\": 1}",
        &spec(r#""params": null, "response": 1, "types": null"#),
        &spec(r#""params": [null, 1, [], {}]"#),
        &spec(r#""types": {"": {"fields": []}, "A": {"enum": [null, {}, ""]}}"#),
        &spec(r#""params": [{"name": "价格", "type": "map<array<map<long>>>"}]"#),
        &spec(r#""response": [{"name": "-", "type": "long"}, {"name": "_", "type": "long"}]"#),
        &spec(r#""example_response": {"a": [[[[]]]]}"#),
    ];
    for text in hostile {
        let result =
            std::panic::catch_unwind(|| generate_from("api-specs", &owned(&[(REL, text)])));
        assert!(result.is_ok(), "panicked on {text}");
    }
}
