//! Without a catalogue of its own, the gateway serves every API in `api-specs/`.

use open1688_core::{ApiInfo, CallOptions, Client, Credentials};
use open1688_mock::{MockGateway, CATALOGUE, DEFAULT_APP_KEY, DEFAULT_APP_SECRET};

#[tokio::test]
async fn the_built_in_catalogue_is_every_spec() {
    assert!(CATALOGUE.len() >= 60, "{} APIs", CATALOGUE.len());
    let gateway = MockGateway::builder().start().await.unwrap();
    let token = gateway.issue_tokens().access_token;
    let client = Client::builder(Credentials::new(DEFAULT_APP_KEY, DEFAULT_APP_SECRET))
        .base_url(gateway.url())
        .access_token(token)
        .build()
        .unwrap();
    let get = CATALOGUE
        .iter()
        .find(|d| d.api.name == "alibaba.product.get")
        .expect("alibaba.product.get is in api-specs/");
    let body = client
        .call_raw_with(
            &get.api,
            [("productID", "1"), ("webSite", "1688")],
            &CallOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(
        body,
        serde_json::from_str::<serde_json::Value>(get.example_response.unwrap()).unwrap()
    );
    let unknown = client
        .call_raw_with(
            &ApiInfo::raw("com.alibaba.product", "alibaba.product.nope", 1),
            [("a", "1")],
            &CallOptions::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Some("gw.APIUnsupported"));
}
