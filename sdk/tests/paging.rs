//! Paged list APIs streamed against the mock gateway over loopback: every item of a multi-page
//! answer exactly once, stopping at the reported total or at an empty page, each page retried
//! like any call.
#![cfg(feature = "trade")]

use futures_util::{StreamExt, TryStreamExt};
use open1688::trade::{TradeGetBuyerOrderListRequest, TradeRefundBuyerQueryOrderRefundListRequest};
use open1688::{Client, Credentials, RetryPolicy};
use open1688_mock::{Fault, MockGateway, Reply, DEFAULT_APP_KEY, DEFAULT_APP_SECRET};
use serde_json::{json, Value};
use std::time::Duration;

const BUYER_ORDERS: &str = "com.alibaba.trade:alibaba.trade.getBuyerOrderList-1";
const REFUNDS: &str = "com.alibaba.trade:alibaba.trade.refund.buyer.queryOrderRefundList-1";

async fn setup() -> (MockGateway, Client) {
    let mock = MockGateway::builder()
        .catalogue(open1688::catalogue::APIS)
        .start()
        .await
        .expect("mock starts");
    let client = Client::builder(Credentials::new(DEFAULT_APP_KEY, DEFAULT_APP_SECRET))
        .base_url(mock.url())
        .retry(RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        })
        .timeout(Duration::from_secs(5))
        .access_token(mock.issue_tokens().access_token)
        .build()
        .unwrap();
    (mock, client)
}

/// A page of buyer orders with these ids (19-digit, as 1688's are), reporting `total`.
fn orders(ids: &[i64], total: i64) -> Value {
    let result: Vec<Value> = ids
        .iter()
        .map(|id| json!({"baseInfo": {"id": id, "idOfStr": id.to_string(), "status": "waitsellersend"}}))
        .collect();
    json!({"result": result, "totalRecord": total})
}

fn page_params(mock: &MockGateway, api: &str, param: &str) -> Vec<String> {
    mock.journal()
        .hits(api)
        .iter()
        .map(|e| e.param(param).unwrap_or("-").to_owned())
        .collect()
}

#[tokio::test]
async fn a_multi_page_list_streams_every_item_once_and_stops_at_the_total() {
    let (mock, client) = setup().await;
    let ids: Vec<i64> = (0..7).map(|i| 3782104562316543210 + i).collect();
    // Page 3 is the last (7 items in total); a page past the end would answer page 3 again, so
    // walking too far would show up as duplicates.
    let pages = vec![
        orders(&ids[0..3], 7),
        orders(&ids[3..6], 7),
        orders(&ids[6..], 7),
    ];
    mock.set_reply(
        BUYER_ORDERS,
        Reply::Pages {
            param: "page".into(),
            pages,
        },
    );

    let request = TradeGetBuyerOrderListRequest::new().page(5).page_size(3); // page is overridden
    let stream = client.trade().trade_get_buyer_order_list_stream(request);
    let got: Vec<i64> = stream
        .map_ok(|order| order.base_info.and_then(|b| b.id).expect("an id"))
        .try_collect()
        .await
        .unwrap();

    assert_eq!(got, ids);
    assert_eq!(page_params(&mock, BUYER_ORDERS, "page"), ["1", "2", "3"]);
    assert_eq!(
        page_params(&mock, BUYER_ORDERS, "pageSize"),
        ["3", "3", "3"]
    );
}

#[tokio::test]
async fn without_a_total_the_stream_ends_at_the_first_empty_page() {
    let (mock, client) = setup().await;
    let refunds = |ids: &[i64]| {
        let models: Vec<Value> = ids
            .iter()
            .map(|id| json!({"id": id, "refundId": format!("TQ{id}")}))
            .collect();
        json!({"success": true, "result": {"opOrderRefundModels": models}})
    };
    let pages = vec![refunds(&[1, 2]), refunds(&[3, 4]), refunds(&[])];
    mock.set_reply(
        REFUNDS,
        Reply::Pages {
            param: "currentPageNum".into(),
            pages,
        },
    );

    let stream = client
        .trade()
        .trade_refund_buyer_query_order_refund_list_stream(
            TradeRefundBuyerQueryOrderRefundListRequest::new(),
        );
    let got: Vec<i64> = stream
        .map_ok(|r| r.id.unwrap())
        .try_collect()
        .await
        .unwrap();

    assert_eq!(got, [1, 2, 3, 4]);
    assert_eq!(
        page_params(&mock, REFUNDS, "currentPageNum"),
        ["1", "2", "3"]
    );
}

#[tokio::test]
async fn each_page_is_retried_like_any_call_and_a_failed_page_ends_the_stream_with_its_error() {
    let (mock, client) = setup().await;
    let pages = vec![orders(&[11, 12], 4), orders(&[13, 14], 4)];
    mock.set_reply(
        BUYER_ORDERS,
        Reply::Pages {
            param: "page".into(),
            pages,
        },
    );
    mock.faults().fail_next(BUYER_ORDERS, 1, Fault::Status(503));

    let request = TradeGetBuyerOrderListRequest::new();
    let got: Vec<i64> = client
        .trade()
        .trade_get_buyer_order_list_stream(request.clone())
        .map_ok(|o| o.base_info.and_then(|b| b.id).unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(got, [11, 12, 13, 14]);
    assert_eq!(
        page_params(&mock, BUYER_ORDERS, "page"),
        ["1", "1", "2"],
        "page 1 retried once"
    );

    // Every attempt fails: the items before the failure, then the error, then the end.
    mock.journal().clear();
    // Page 1 passes (a zero delay is no answer), then each of page 2's three attempts fails.
    let faults = [
        Fault::Delay(Duration::ZERO),
        Fault::Status(503),
        Fault::Status(503),
        Fault::Status(503),
    ];
    mock.faults().script(BUYER_ORDERS, faults);
    let results: Vec<_> = client
        .trade()
        .trade_get_buyer_order_list_stream(request)
        .collect()
        .await;
    let err = results.last().unwrap().as_ref().unwrap_err();
    assert!(err.to_string().contains("503"), "{err}");
    assert_eq!(results.len(), 3, "two items, then the error: {results:?}");
    assert!(results[..2].iter().all(Result::is_ok));
    assert_eq!(
        page_params(&mock, BUYER_ORDERS, "page"),
        ["1", "2", "2", "2"]
    );
}
