//! Real gateway answers (sdk/tests/fixtures/real, provenance in SOURCES.md beside them), served
//! by the mock and read through each API's typed method: each decodes, or is the error it is.

use open1688::{Client, Credentials, Error};
use open1688_mock::{MockGateway, Reply, DEFAULT_APP_KEY, DEFAULT_APP_SECRET};

fn fixture(file: &str) -> String {
    let path = format!("{}/tests/fixtures/real/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A mock that answers `api` with `body`, and a client of it.
async fn serving(api: &str, body: String) -> (MockGateway, Client) {
    let mock = MockGateway::builder()
        .reply(api, Reply::status(200, body))
        .start()
        .await
        .unwrap();
    let client = Client::builder(Credentials::new(DEFAULT_APP_KEY, DEFAULT_APP_SECRET))
        .base_url(mock.url())
        .access_token(mock.issue_tokens().access_token)
        .build()
        .unwrap();
    (mock, client)
}

async fn serving_fixture(file: &str) -> (MockGateway, Client) {
    let api = file.split("__").take(2).collect::<Vec<_>>().join(":");
    serving(&api, fixture(file)).await
}

#[tokio::test]
async fn legacy_order_detail_decodes_with_its_string_numbers_dates_and_long_ids() {
    let (_mock, client) =
        serving_fixture("cn.alibaba.open__trade.order.detail.get-1__1.json").await;
    let order = client
        .open()
        .trade_order_detail_get(open1688::open::TradeOrderDetailGetRequest::new(
            271523654409255893,
        ))
        .await
        .unwrap()
        .order_model
        .unwrap();
    assert_eq!(order.status.as_deref(), Some("WAIT_BUYER_RECEIVE"));
    assert_eq!((order.sum_payment, order.carriage), (Some(5000), Some(0)));
    assert_eq!(order.buyer_rate_status, Some(5));
    assert!(order.gmt_create.is_some(), "`…+0800` dates decode");
}

#[tokio::test]
async fn one_garbage_optional_value_costs_only_its_field() {
    let body = fixture("cn.alibaba.open__trade.order.detail.get-1__1.json").replacen(
        "\"sumPayment\": 5000",
        "\"sumPayment\": \"five thousand\"",
        1,
    );
    assert!(body.contains("five thousand"));
    let (_mock, client) = serving("cn.alibaba.open:trade.order.detail.get-1", body).await;
    let order = client
        .open()
        .trade_order_detail_get(open1688::open::TradeOrderDetailGetRequest::new(1))
        .await
        .unwrap()
        .order_model
        .unwrap();
    assert_eq!(order.sum_payment, None);
    assert_eq!(
        order.status.as_deref(),
        Some("WAIT_BUYER_RECEIVE"),
        "the rest decodes"
    );
}

#[tokio::test]
async fn buy_offer_keeps_a_blank_feature_and_its_category_ids() {
    let (_mock, client) =
        serving_fixture("cn.alibaba.open__caigou.api.buyOffer.getBuyOfferById-1__1.json").await;
    let offer = client
        .open()
        .caigou_api_buy_offer_get_buy_offer_by_id(
            open1688::open::CaigouApiBuyOfferGetBuyOfferByIdRequest::new("297650670727"),
        )
        .await
        .unwrap()
        .buy_offer
        .unwrap();
    assert_eq!(offer.purchase_note_id, Some(297650670727));
    let item = &offer.purchase_note_items[0];
    assert_eq!(item.product_feature.as_deref(), Some(" "));
    assert_eq!(
        item.category.as_ref().unwrap().categorylist,
        [130822002, 10037, 1036642]
    );
}

#[tokio::test]
async fn quotations_read_a_string_tax_rate_and_a_float_count() {
    let (_mock, client) = serving_fixture(
        "cn.alibaba.open__caigou.api.quotation.buyerGetQuotationListByBuyOfferId-1__1.json",
    )
    .await;
    let list = client
        .open()
        .caigou_api_quotation_buyer_get_quotation_list_by_buy_offer_id(
            open1688::open::CaigouApiQuotationBuyerGetQuotationListByBuyOfferIdRequest::new(
                "297650670727",
            ),
        )
        .await
        .unwrap()
        .quotation_list;
    let items = &list[0].supply_note_items;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].tax_rate.as_deref(), Some("3"));
    assert_eq!(items[1].item_count, Some(20.0));
}

#[tokio::test]
async fn supplier_profile_keeps_a_java_date_range_as_text() {
    let (_mock, client) =
        serving_fixture("cn.alibaba.open__caigou.api.supplier.getSupplier-1__1.json").await;
    let supplier = client
        .open()
        .caigou_api_supplier_get_supplier(open1688::open::CaigouApiSupplierGetSupplierRequest::new(
            "b2b-2248624086",
        ))
        .await
        .unwrap()
        .supplier
        .unwrap();
    let icr = supplier.company_info.unwrap().icr_info.unwrap();
    assert!(icr.business_term.unwrap().starts_with("Thu Sep 09"));
}

#[tokio::test]
async fn receive_notes_decode_with_their_packed_attributes() {
    let (_mock, client) = serving_fixture(
        "com.alibaba.logistics__alibaba.bulksettlement.OpBulkSettlementQueryReceiveNoteListByIds-1__1.json",
    )
    .await;
    let notes = client
        .logistics()
        .bulksettlement_op_bulk_settlement_query_receive_note_list_by_ids(
            open1688::logistics::BulksettlementOpBulkSettlementQueryReceiveNoteListByIdsRequest::new(
                serde_json::json!([199012010]),
            ),
        )
        .await
        .unwrap()
        .result
        .unwrap()
        .model_list;
    assert_eq!(notes[0].order_id, Some(271523654409255893));
    let entry = &notes[0].receive_entrylist[0];
    assert!(entry.attributes.as_deref().unwrap().contains("http#3B//"));
}

#[tokio::test]
async fn quotation_order_create_reads_its_commit_results() {
    let (_mock, client) =
        serving_fixture("com.alibaba.trade__alibaba.trade.quotationOrder.create-1__1.json").await;
    let result = client
        .trade()
        .trade_quotation_order_create(open1688::trade::TradeQuotationOrderCreateRequest::new(
            serde_json::json!({"receiveAddressGroup": {"areaCode": "330108"}}),
            serde_json::json!({"quoteItemIds": [1495899150727_i64]}),
        ))
        .await
        .unwrap()
        .order_result
        .unwrap();
    assert_eq!(result.success, Some(true));
    assert_eq!(result.commit_results[0].order_id, Some(271525574350255893));
}

#[tokio::test]
async fn prepare_pay_refusal_is_a_business_error() {
    let (_mock, client) =
        serving_fixture("com.alibaba.trade__alibaba.trade.pay.protocolPay.preparePay-1__1.json")
            .await;
    use open1688::trade::trade_pay_protocol_pay_prepare_pay::PreparePayParam;
    let err = client
        .trade()
        .trade_pay_protocol_pay_prepare_pay(
            open1688::trade::TradePayProtocolPayPreparePayRequest::new(PreparePayParam::new(1)),
        )
        .await
        .unwrap_err();
    match err {
        Error::Business { code, message } => {
            assert_eq!(code.as_deref(), Some("500"));
            assert_eq!(message, "不是自己的订单");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn no_trace_yet_is_a_success_with_a_message_and_no_steps() {
    let (_mock, client) = serving_fixture(
        "com.alibaba.logistics__alibaba.trade.getLogisticsTraceInfo.buyerView-1__2.json",
    )
    .await;
    use open1688::logistics::trade_get_logistics_trace_info_buyer_view::WebSite;
    let answer = client
        .logistics()
        .trade_get_logistics_trace_info_buyer_view(
            open1688::logistics::TradeGetLogisticsTraceInfoBuyerViewRequest::new(1, WebSite::V1688),
        )
        .await
        .unwrap();
    assert!(answer.logistics_trace.is_empty());
    assert_eq!(
        answer.error_message.as_deref(),
        Some("该订单没有物流跟踪信息。")
    );
}

#[test]
fn every_fixture_has_a_test_and_a_source() {
    let here = include_str!("real_answers.rs");
    let sources = fixture("SOURCES.md");
    let dir = format!("{}/tests/fixtures/real", env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".json") {
            n += 1;
            assert!(here.contains(&name), "{name} has no test");
            assert!(sources.contains(&name), "{name} has no provenance");
        }
    }
    assert_eq!(n, 8);
}
