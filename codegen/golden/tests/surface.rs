//! The golden output is usable as users would use it: requests build from their required
//! params and chain setters, parameters go out under their wire names, responses decode
//! leniently, enums keep unknown values, and every API hangs off the client.
#![cfg(all(feature = "catalog", feature = "order", feature = "system_auth"))]

use open1688_core::{Credentials, FileParam, Params, Request, TokenMode};
use open1688_golden::catalog::catalog_category_get::{Attribute, AttributeGroup, Category};
use open1688_golden::catalog::{CatalogCategoryGetResponse, CatalogPhotoUploadRequest};
use open1688_golden::order::order_create::{AddressParam, CargoParam, OrderMatch, OrderStatus};
use open1688_golden::order::{OrderCancelRequest, OrderCreateRequest};
use open1688_golden::system_auth::{CurrentTimeMillisRequest, GetTokenRequest, GetTokenResponse};

fn wire(request: &impl Request) -> Vec<(String, String)> {
    let mut params = Params::new();
    request.write_params(&mut params);
    assert!(params.error().is_none(), "{:?}", params.error());
    params
        .text()
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[test]
fn keywords_and_rust_names_go_out_under_their_wire_names() {
    let request = OrderCreateRequest::new(
        "general",
        true,
        AddressParam::new("Zhang San").r#type("home").self_(false),
        vec![CargoParam::new(694567890123, 2.0)],
    )
    .r#match(OrderMatch::Exact)
    .crate_(7)
    .r#async(true)
    .order_flow("fenxiao")
    .option(open1688_golden::order::order_create::Option::SelfValue);
    let wire = wire(&request);
    let get = |k: &str| {
        wire.iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("type"), Some("general"));
    assert_eq!(get("self"), Some("true"));
    assert_eq!(get("match"), Some("exact"));
    assert_eq!(get("crate"), Some("7"));
    assert_eq!(get("async"), Some("true"));
    assert_eq!(get("flow"), Some("fenxiao"));
    assert_eq!(get("option"), Some("self"));
    assert_eq!(
        get("addressParam"),
        Some(r#"{"type":"home","self":false,"fullName":"Zhang San"}"#)
    );
    assert_eq!(
        get("cargoParamList"),
        Some(r#"[{"offerId":694567890123,"quantity":2.0}]"#)
    );
}

#[test]
fn absent_optionals_are_not_sent() {
    let wire = wire(&OrderCancelRequest::new(
        1,
        open1688_golden::order::order_cancel::CancelReason::Empty,
    ));
    assert_eq!(
        wire,
        [
            ("orderId".to_string(), "1".to_string()),
            ("cancelReason".to_string(), String::new())
        ]
    );
    assert!(self::wire(&CurrentTimeMillisRequest::new()).is_empty());
    assert_eq!(
        CurrentTimeMillisRequest::new(),
        CurrentTimeMillisRequest::default()
    );
}

#[test]
fn files_are_parts_not_text() {
    let request = CatalogPhotoUploadRequest::new(3, FileParam::new("a.jpg", vec![1, 2, 3]));
    let mut params = Params::new();
    request.write_params(&mut params);
    let files: Vec<&str> = params.files().iter().map(|(k, _)| k.as_ref()).collect();
    assert_eq!(
        files,
        ["imageBytes"],
        "the absent optional file is not sent"
    );
    assert_eq!(params.text().len(), 1, "albumID only");
}

#[test]
fn identity_of_each_api() {
    let token = GetTokenRequest::API;
    assert_eq!(
        (token.signed, token.protocol, token.access_token),
        (false, "http", TokenMode::None)
    );
    assert_eq!(
        <OrderCreateRequest as Request>::API.to_string(),
        "com.alibaba.order:alibaba.order.create-1"
    );
    let idempotent = [OrderCreateRequest::API, OrderCancelRequest::API].map(|a| a.idempotent);
    assert_eq!(idempotent, [false, true]);
    let all = open1688_golden::catalogue::APIS;
    assert_eq!(all.len(), 9);
    assert!(all.iter().all(|d| d.method.starts_with("client.")));
    // The request's identity is the catalogue's, and the catalogue's types are structured.
    let create = &open1688_golden::catalogue::order::ORDER_CREATE_DOC;
    assert_eq!(create.api, OrderCreateRequest::API);
    let Some(open1688_core::ParamType::Enum(matching)) = create.param("match").map(|p| p.ty) else {
        panic!("`match` is an enum param");
    };
    assert_eq!(
        (matching.name, matching.values),
        ("OrderMatch", &["exact", "fuzzy"][..])
    );
    let Some(open1688_core::ParamType::Struct(address)) =
        create.param("addressParam").map(|p| p.ty)
    else {
        panic!("`addressParam` is an object param");
    };
    assert!(address
        .fields
        .iter()
        .any(|f| f.name == "match" && *f.ty == open1688_core::ParamType::String));
}

#[test]
fn recursive_types_build_and_decode() {
    let group = AttributeGroup::new(9).primary(Attribute::new(5, Box::new(AttributeGroup::new(9))));
    let attribute = Attribute::new(5, Box::new(group));
    let tree = Category::new(2)
        .parent(Category::new(1))
        .attributes(vec![attribute]);
    let json = serde_json::to_string(&tree).unwrap();
    let back: Category = serde_json::from_str(&json).unwrap();
    assert_eq!(back, tree);
    assert_eq!(back.parent.as_ref().map(|p| p.category_id), Some(1));

    let response: CatalogCategoryGetResponse = open1688_core::de::from_str(
        r#"{"categoryInfo": [{"categoryID": "3", "unknownField": 1}], "succes": "true"}"#,
    )
    .unwrap();
    assert_eq!(
        response.category_info[0].category_id, 3,
        "numbers as strings"
    );
    assert_eq!(
        response.success,
        Some(true),
        "rust_name, booleans as strings"
    );
}

#[test]
fn enums_keep_values_they_do_not_know() {
    let known: OrderStatus = serde_json::from_str(r#""WAIT_BUYER_PAY""#).unwrap();
    assert_eq!(known, OrderStatus::WaitBuyerPay);
    let new: OrderStatus = serde_json::from_str(r#""WAIT_SOMETHING_NEW""#).unwrap();
    assert_eq!(new, OrderStatus::Unknown("WAIT_SOMETHING_NEW".into()));
    assert_eq!(new.as_str(), "WAIT_SOMETHING_NEW");
}

#[test]
fn lenient_numbers_in_responses() {
    let response: GetTokenResponse =
        open1688_core::de::from_str(r#"{"access_token": "t", "expires_in": "36000", "aliId": 8}"#)
            .unwrap();
    assert_eq!(response.expires_in, Some(36000));
    assert_eq!(response.ali_id, Some(8));
}

#[test]
fn every_api_is_a_method_on_its_namespace() {
    let core = open1688_core::Client::builder(Credentials::new("1000000", "secret"))
        .build()
        .unwrap();
    let client = open1688_golden::Client::from(core);
    // Futures, never awaited: what matters is that each call type-checks.
    drop(
        client
            .system_auth()
            .current_time_millis(CurrentTimeMillisRequest::new()),
    );
    drop(client.order().order_cancel(OrderCancelRequest::new(
        1,
        open1688_golden::order::order_cancel::CancelReason::Other,
    )));
    drop(client.call(&CurrentTimeMillisRequest::new()));
}

/// A shared type is one Rust type, whichever module it is named through.
#[test]
fn shared_types_are_one_type_across_apis_and_namespaces() {
    use open1688_golden::catalog::catalog_item_get::{Shop, WebSite};
    let site: open1688_golden::types::WebSite = WebSite::V1688;
    let same: open1688_golden::order::order_cancel::WebSite = site.clone();
    let request = open1688_golden::order::OrderCancelRequest::new(
        1,
        open1688_golden::order::order_cancel::CancelReason::Empty,
    )
    .web_site(same);
    assert!(wire(&request).contains(&("webSite".to_string(), "1688".to_string())));
    let shop: Shop =
        open1688_core::de::from_str(r#"{"shopName":"s","site":"alibaba","status":"auditing"}"#)
            .expect("decodes");
    let via_search: open1688_golden::catalog::catalog_item_search_v2::Shop = shop;
    assert_eq!(via_search.site, Some(WebSite::Alibaba));
    assert_eq!(
        via_search.status,
        Some(open1688_golden::catalog::types::ItemStatus::Auditing)
    );
}
