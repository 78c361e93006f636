//! The generated catalogue is what the mock gateway serves: every fixture API answers a call
//! with its required parameters, with its example or, for the spec that has only the required
//! keys (no params, no response, no example), the catalogue's default answer, which its typed
//! call decodes.
#![cfg(all(feature = "catalog", feature = "order", feature = "system_auth"))]

use open1688_core::{CallOptions, Credentials, FileParam, ParamType, Params, DEFAULT_BASE_URL};
use open1688_golden::order::OrderMinimalRequest;
use open1688_golden::{catalogue, Client};
use open1688_mock::{MockGateway, DEFAULT_APP_KEY, DEFAULT_APP_SECRET};

/// A value of a parameter's type that the gateway accepts as present.
fn sample(ty: &ParamType) -> String {
    match ty {
        ParamType::Long | ParamType::Int | ParamType::Double | ParamType::Decimal => "1".into(),
        ParamType::Boolean => "true".into(),
        ParamType::Date => "20240102030405000+0800".into(),
        ParamType::Array(_) => "[]".into(),
        ParamType::Enum(e) => e.values.first().copied().unwrap_or_default().into(),
        ParamType::String | ParamType::File => "x".into(),
        ParamType::Json | ParamType::Map(_) | ParamType::Struct(_) => "{}".into(),
    }
}

async fn setup() -> (MockGateway, Client) {
    let mock = MockGateway::builder()
        .catalogue(catalogue::APIS)
        .start()
        .await
        .unwrap();
    assert_ne!(mock.url(), DEFAULT_BASE_URL);
    let token = mock.issue_tokens().access_token;
    let client =
        open1688_core::Client::builder(Credentials::new(DEFAULT_APP_KEY, DEFAULT_APP_SECRET))
            .base_url(mock.url())
            .access_token(token)
            .build()
            .unwrap();
    (mock, Client::from(client))
}

#[tokio::test]
async fn a_spec_with_only_the_required_keys_is_served_and_decodes() {
    let (mock, client) = setup().await;
    let doc = &catalogue::order::ORDER_MINIMAL_DOC;
    assert_eq!((doc.params.len(), doc.example_response), (0, None));
    client
        .order()
        .order_minimal(OrderMinimalRequest::new())
        .await
        .unwrap();
    let raw = client
        .execute(&doc.api, Params::new(), &CallOptions::new())
        .await
        .unwrap();
    assert_eq!(raw.body, doc.default_response().as_bytes());
    assert_eq!(
        mock.journal()
            .count("com.alibaba.order:alibaba.order.minimal"),
        2
    );
}

#[tokio::test]
async fn every_api_of_the_catalogue_is_served() {
    let (mock, client) = setup().await;
    for doc in catalogue::APIS {
        let mut params = Params::new();
        for p in doc.params.iter().filter(|p| p.required) {
            if *p.ty == ParamType::File {
                params.put_file(p.name, Some(&FileParam::new("a.jpg", vec![1, 2, 3])));
            } else {
                params.put(p.name, &sample(p.ty));
            }
        }
        let raw = client
            .execute(&doc.api, params, &CallOptions::new())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", doc.api));
        let served: serde_json::Value = serde_json::from_slice(&raw.body).unwrap();
        let expected: serde_json::Value = serde_json::from_str(doc.default_response()).unwrap();
        assert_eq!(served, expected, "{}", doc.api);
    }
    assert_eq!(mock.journal().entries().len(), catalogue::APIS.len());
}
