//! The mock gateway serves every API of the catalogue, and each namespace answers a typed call.

use open1688::fenxiao_crossborder::product_search_keyword_query::KeywordQueryParam;
use open1688::system_oauth2::get_token::GrantType;
use open1688::{CallOptions, Client, Credentials, FileParam, ParamType};
use open1688_mock::{MockGateway, DEFAULT_APP_KEY, DEFAULT_APP_SECRET};

async fn setup() -> (MockGateway, Client) {
    let mock = MockGateway::builder()
        .catalogue(open1688::catalogue::APIS)
        .start()
        .await
        .unwrap();
    let token = mock.issue_tokens().access_token;
    let client = Client::builder(Credentials::new(DEFAULT_APP_KEY, DEFAULT_APP_SECRET))
        .base_url(mock.url())
        .access_token(token)
        .build()
        .unwrap();
    (mock, client)
}

/// A value of a parameter's type that the gateway accepts as present.
fn sample(ty: &ParamType) -> String {
    match ty {
        ParamType::Long | ParamType::Int | ParamType::Double | ParamType::Decimal => "1".into(),
        ParamType::Boolean => "true".into(),
        ParamType::Date => "20240102030405000+0800".into(),
        ParamType::Array(_) => "[]".into(),
        ParamType::String | ParamType::File => "x".into(),
        ParamType::Enum(e) => e.values.first().copied().unwrap_or_default().into(),
        ParamType::Json | ParamType::Map(_) | ParamType::Struct(_) => "{}".into(),
    }
}

#[tokio::test]
async fn every_api_in_the_catalogue_is_served() {
    let (mock, client) = setup().await;
    let apis = open1688::catalogue::APIS;
    assert!(apis.len() >= 60, "{} APIs", apis.len());
    // The token endpoints check real credentials and codes; the OAuth tests cover them.
    for doc in apis.iter().filter(|d| d.api.namespace != "system.oauth2") {
        let mut params = open1688::Params::new();
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
        let example: serde_json::Value = serde_json::from_str(doc.default_response()).unwrap();
        assert_eq!(served, example, "{} serves its example_response", doc.api);
    }
    assert!(mock
        .journal()
        .entries()
        .iter()
        .all(|e| e.status == Some(200)));
}

#[tokio::test]
async fn one_typed_call_per_namespace() {
    let (mock, client) = setup().await;
    let account = client
        .account()
        .account_basic(open1688::account::AccountBasicRequest::new())
        .await
        .unwrap();
    assert!(account.result.is_some());
    client
        .agent()
        .newtoncloud_task_get(open1688::agent::NewtoncloudTaskGetRequest::new("task-1"))
        .await
        .unwrap();
    client
        .fenxiao()
        .fenxiao_product_info_get(
            open1688::fenxiao::FenxiaoProductInfoGetRequest::new().offer_id(694567890123),
        )
        .await
        .unwrap();
    let query = KeywordQueryParam::new("连衣裙", 1, 20, "en");
    client
        .fenxiao_crossborder()
        .product_search_keyword_query(
            open1688::fenxiao_crossborder::ProductSearchKeywordQueryRequest::new(query),
        )
        .await
        .unwrap();
    client
        .linkplus()
        .cross_similar_offer_search(open1688::linkplus::CrossSimilarOfferSearchRequest::new(
            "https://cbu01.alicdn.com/img/a.jpg",
            1,
        ))
        .await
        .unwrap();
    client
        .logistics()
        .logistics_op_query_logistic_company_list(
            open1688::logistics::LogisticsOpQueryLogisticCompanyListRequest::new(),
        )
        .await
        .unwrap();
    client
        .open()
        .push_query_message_list(open1688::open::PushQueryMessageListRequest::new())
        .await
        .unwrap();
    client
        .product()
        .cross_product_info(open1688::product::CrossProductInfoRequest::new(
            694567890123,
        ))
        .await
        .unwrap();
    client
        .product_push()
        .cross_sync_product_list_pushed(
            open1688::product_push::CrossSyncProductListPushedRequest::new(vec![694567890123]),
        )
        .await
        .unwrap();
    client
        .system()
        .current_time_millis(open1688::system::CurrentTimeMillisRequest::new())
        .await
        .unwrap();
    client
        .trade()
        .trade_get_buyer_order_list(open1688::trade::TradeGetBuyerOrderListRequest::new())
        .await
        .unwrap();

    let refresh = mock.issue_tokens().refresh_token.unwrap();
    let request = open1688::system_oauth2::GetTokenRequest::new(
        GrantType::RefreshToken,
        DEFAULT_APP_KEY,
        DEFAULT_APP_SECRET,
    )
    .refresh_token(refresh.expose());
    // One type per answer: the generated API returns core's `TokenResponse`, as `OAuth` does.
    let tokens: open1688::TokenResponse = client.system_oauth2().get_token(request).await.unwrap();
    let access = tokens.access_token.clone();
    assert!(
        !format!("{tokens:?}").contains(access.expose()),
        "token responses never show tokens in Debug"
    );

    // Sent with the typed request's JSON-encoded object param, and every call signed correctly.
    let search = mock
        .journal()
        .last("com.alibaba.fenxiao.crossborder:product.search.keywordQuery")
        .unwrap();
    assert!(search
        .param("offerQueryParam")
        .unwrap()
        .contains(r#""keyword":"连衣裙""#));
    assert_eq!(
        mock.journal()
            .entries()
            .iter()
            .filter(|e| e.status == Some(200))
            .count(),
        12
    );
}
