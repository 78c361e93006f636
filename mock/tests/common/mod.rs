//! A small hand-written catalogue and helpers shared by the loopback tests.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use open1688_core::{
    ApiDoc, ApiInfo, BoxFuture, Client, ClientBuilder, Credentials, Error, ParamDoc, ParamType,
    RefreshingTokens, RetryPolicy, Secret, TokenMode, TokenProvider,
};
use open1688_mock::{MockGateway, MockGatewayBuilder};
use std::sync::Arc;
use std::time::Duration;

pub const APP_KEY: &str = "7654321";
pub const APP_SECRET: &str = "mock-app-secret-9f2c";

const fn info(
    namespace: &'static str,
    name: &'static str,
    signed: bool,
    access_token: TokenMode,
    idempotent: bool,
) -> ApiInfo<'static> {
    ApiInfo {
        namespace,
        name,
        version: 1,
        protocol: "param2",
        signed,
        access_token,
        idempotent,
    }
}

const fn param(name: &'static str, ty: &'static ParamType, required: bool) -> ParamDoc {
    ParamDoc {
        name,
        ty,
        required,
        doc: "",
    }
}

const fn doc(api: ApiInfo<'static>, params: &'static [ParamDoc], example: &'static str) -> ApiDoc {
    ApiDoc {
        api,
        summary: "",
        doc_url: "",
        method: "",
        params,
        example_response: Some(example),
    }
}

/// Token required, idempotent.
pub static PRODUCT_GET: ApiDoc = doc(
    info(
        "com.alibaba.product",
        "alibaba.product.get",
        true,
        TokenMode::Required,
        true,
    ),
    &[
        param("productID", &ParamType::Long, true),
        param("webSite", &ParamType::String, true),
        param("scene", &ParamType::String, false),
    ],
    r#"{"success":true,"productInfo":{"productID":694567890123,"subject":"连衣裙","status":"published"}}"#,
);

/// Token optional, idempotent.
pub static CATEGORY_GET: ApiDoc = doc(
    info(
        "com.alibaba.product",
        "alibaba.category.get",
        true,
        TokenMode::Optional,
        true,
    ),
    &[param("categoryID", &ParamType::Long, true)],
    r#"{"succes":"true","categoryInfo":[{"categoryID":0,"name":"root","leaf":"false"}]}"#,
);

/// Signed, never takes a token.
pub static SIMILAR_SEARCH: ApiDoc = doc(
    info(
        "com.alibaba.linkplus",
        "alibaba.cross.similar.offer.search",
        true,
        TokenMode::None,
        true,
    ),
    &[param("picUrl", &ParamType::String, true)],
    r#"{"result":{"success":true,"result":[{"offerId":1}]}}"#,
);

/// Unsigned, no token.
pub static TIME: ApiDoc = doc(
    info("system", "currentTimeMillis", false, TokenMode::None, true),
    &[],
    r#"{"result":1700000000000}"#,
);

/// Not idempotent: an order.
pub static FAST_CREATE_ORDER: ApiDoc = doc(
    info(
        "com.alibaba.trade",
        "alibaba.trade.fastCreateOrder",
        true,
        TokenMode::Required,
        false,
    ),
    &[
        param("flow", &ParamType::String, true),
        param("addressParam", &ParamType::Json, true),
        param("cargoParamList", &ParamType::Array(&ParamType::Json), true),
        param("outOrderId", &ParamType::String, false),
    ],
    r#"{"success":true,"result":{"orderId":"3535260697417660107","totalSuccessAmount":1000,"postFee":0}}"#,
);

/// Not idempotent; its replies are configured per test.
pub static TRADE_CANCEL: ApiDoc = doc(
    info(
        "com.alibaba.trade",
        "alibaba.trade.cancel",
        true,
        TokenMode::Required,
        false,
    ),
    &[
        param("webSite", &ParamType::String, true),
        param("tradeID", &ParamType::Long, true),
        param("cancelReason", &ParamType::String, true),
    ],
    r#"{"success":true}"#,
);

/// A binary upload.
pub static PHOTO_ADD: ApiDoc = doc(
    info(
        "com.alibaba.product",
        "alibaba.photobank.photo.add",
        true,
        TokenMode::Required,
        false,
    ),
    &[
        param("imageBytes", &ParamType::File, true),
        param("name", &ParamType::String, true),
    ],
    r#"{"result":{"url":"https://cbu01.alicdn.com/img/ibank/mock.jpg"}}"#,
);

pub fn catalogue() -> Vec<&'static ApiDoc> {
    vec![
        &PRODUCT_GET,
        &CATEGORY_GET,
        &SIMILAR_SEARCH,
        &TIME,
        &FAST_CREATE_ORDER,
        &TRADE_CANCEL,
        &PHOTO_ADD,
    ]
}

/// A gateway builder with the test app and catalogue.
pub fn gateway_builder() -> MockGatewayBuilder {
    MockGateway::builder()
        .app(APP_KEY, APP_SECRET)
        .apis(catalogue())
}

pub async fn gateway() -> MockGateway {
    gateway_builder()
        .start()
        .await
        .expect("mock gateway starts")
}

/// Retries fast enough for tests: 3 attempts, 1–4 ms apart.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(4),
    }
}

/// A client of the test app pointed at `gateway`, with fast retries and a short timeout.
pub fn client(gateway: &MockGateway) -> ClientBuilder {
    Client::builder(Credentials::new(APP_KEY, APP_SECRET))
        .base_url(gateway.url())
        .auth_url(gateway.url())
        .retry(fast_retry())
        .timeout(Duration::from_secs(2))
}

/// Parameters that satisfy [`PRODUCT_GET`].
pub const PRODUCT_PARAMS: [(&str, &str); 2] = [("productID", "694567890123"), ("webSite", "1688")];

/// Parameters that satisfy [`FAST_CREATE_ORDER`].
pub fn order_params() -> Vec<(&'static str, &'static str)> {
    vec![
        ("flow", "general"),
        (
            "addressParam",
            r#"{"fullName":"张三","mobile":"13800000000","cityText":"杭州市"}"#,
        ),
        (
            "cargoParamList",
            r#"[{"offerId":694567890123,"specId":"b266e0726506185beaf205cbae88530d","quantity":2}]"#,
        ),
    ]
}

/// The id the journal files a call under.
pub fn id(doc: &ApiDoc) -> String {
    doc.api.to_string()
}

/// Lets a test keep a handle on the provider it gives the client (to read `refresh_count`).
#[derive(Debug, Clone)]
pub struct Shared(pub Arc<RefreshingTokens>);

impl TokenProvider for Shared {
    fn access_token(&self) -> BoxFuture<'_, Result<Option<Secret>, Error>> {
        self.0.access_token()
    }

    fn refresh<'a>(&'a self, rejected: &'a Secret) -> BoxFuture<'a, Result<bool, Error>> {
        self.0.refresh(rejected)
    }
}
