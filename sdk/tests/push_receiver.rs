//! The example push receiver (`examples/push_receiver.rs`) over loopback HTTP: real topic
//! bodies, signed with the app secret as 1688 signs them, come out typed; a replay is answered
//! `success` without being handled again; tampered and unsigned pushes get 401; a failing
//! handler gets a non-2xx answer so 1688 pushes again.

#[path = "../examples/push_receiver.rs"]
mod example;

use open1688::push::{MemoryDedupe, Payload, Receiver, TypedMessage, MAX_BODY};
use open1688_mock::push::send_push;
use open1688_mock::PushSignature;
use std::sync::{Arc, Mutex};

const SECRET: &str = "test123";

/// The envelope sample of `ORDER_BUYER_VIEW_ORDER_PAY` as published (shared/reference/push-topics.json,
/// kept verbatim as the topic spec's example).
fn order_pay() -> String {
    let spec: serde_json::Value = serde_json::from_str(include_str!(
        "../../api-specs/_push/ORDER_BUYER_VIEW_ORDER_PAY.json"
    ))
    .unwrap();
    spec["example"].to_string()
}

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}{}", listener.local_addr().unwrap(), example::PATH);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url
}

#[tokio::test]
async fn a_real_order_pay_push_is_typed_and_its_replay_is_not_handled_again() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&log);
    let url = serve(example::app(SECRET, move |line| {
        sink.lock().unwrap().push(line)
    }))
    .await;

    let receipt = send_push(&url, SECRET, &order_pay(), PushSignature::Valid)
        .await
        .unwrap();
    assert_eq!((receipt.status, receipt.body.as_str()), (200, "success"));
    let expected = "7565094247: order 167539019420540000 paid, now waitsellersend (buyer b2b-665170100, seller b2b-1676547900b7bb3)";
    assert_eq!(*log.lock().unwrap(), [expected]);

    // 1688 pushes again (our answer was lost): success again, the handler does not run.
    let replay = send_push(&url, SECRET, &order_pay(), PushSignature::Valid)
        .await
        .unwrap();
    assert_eq!((replay.status, replay.body.as_str()), (200, "success"));
    assert_eq!(log.lock().unwrap().len(), 1, "handled once");

    for how in [
        PushSignature::Tampered,
        PushSignature::WrongSecret,
        PushSignature::Missing,
    ] {
        let receipt = send_push(&url, SECRET, &order_pay(), how).await.unwrap();
        assert_eq!(receipt.status, 401, "{how:?}");
    }
    assert_eq!(log.lock().unwrap().len(), 1, "forgeries are never handled");
}

#[tokio::test]
async fn nested_payloads_are_typed_and_unknown_topics_stay_raw_json() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&log);
    let url = serve(example::app(SECRET, move |line| {
        sink.lock().unwrap().push(line)
    }))
    .await;

    // Numbers as strings, a nested object and list, as the topic's doc describes them.
    let trace = r#"{"msgId":"9001","gmtBorn":1715740467000,"type":"LOGISTICS_BUYER_VIEW_TRACE","userInfo":"b2b-2206512340001","data":{"OrderLogisticsTracingModel":{"logisticsId":"LP00123","cpCode":"STO","mailNo":"773012345678","statusChanged":"TRANSPORT","changeTime":"2024-05-15 10:21:07","orderLogsItems":[{"orderId":"3782104562316543210","orderEntryId":3782104562317543210}]}}}"#;
    let unknown = r#"{"msgId":9002,"type":"SOME_NEW_TOPIC","data":{"anything":[1,2]}}"#;
    for message in [trace, unknown] {
        let receipt = send_push(&url, SECRET, message, PushSignature::Valid)
            .await
            .unwrap();
        assert_eq!(
            (receipt.status, receipt.body.as_str()),
            (200, "success"),
            "{message}"
        );
    }
    assert_eq!(
        *log.lock().unwrap(),
        [
            "9001: waybill 773012345678 is TRANSPORT",
            r#"9002: SOME_NEW_TOPIC (untyped): {"anything":[1,2]}"#
        ]
    );
}

#[tokio::test]
async fn a_failed_handler_is_answered_non_2xx_and_the_redelivery_is_handled() {
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&attempts);
    let receiver = Receiver::new(SECRET, move |m: TypedMessage| {
        let seen = Arc::clone(&seen);
        async move {
            let mut seen = seen.lock().unwrap();
            seen.push(m.message.msg_id);
            let Payload::OrderBuyerViewOrderPay(paid) = m.payload else {
                return Err(format!(
                    "expected a typed order payment, got {:?}",
                    m.payload
                ));
            };
            assert_eq!(paid.order_id, 167539019420540000);
            if seen.len() == 1 {
                return Err("database unavailable".to_owned());
            }
            Ok(())
        }
    })
    .dedupe(MemoryDedupe::new(16));
    let url = serve(receiver.router(example::PATH)).await;

    let first = send_push(&url, SECRET, &order_pay(), PushSignature::Valid)
        .await
        .unwrap();
    assert_eq!(first.status, 500, "not handled: 1688 must push it again");
    let again = send_push(&url, SECRET, &order_pay(), PushSignature::Valid)
        .await
        .unwrap();
    assert_eq!((again.status, again.body.as_str()), (200, "success"));
    let third = send_push(&url, SECRET, &order_pay(), PushSignature::Valid)
        .await
        .unwrap();
    assert_eq!(third.status, 200);
    assert_eq!(
        *attempts.lock().unwrap(),
        [7565094247, 7565094247],
        "no third run"
    );

    // Bodies are bounded.
    let huge = format!(
        r#"{{"msgId":1,"type":"X","data":"{}"}}"#,
        "a".repeat(MAX_BODY)
    );
    let receipt = send_push(&url, SECRET, &huge, PushSignature::Valid)
        .await
        .unwrap();
    assert_eq!(receipt.status, 413);
}
