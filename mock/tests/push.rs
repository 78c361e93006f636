//! Pushes from the mock to a tiny receiver that verifies them with `open1688_core::push`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use open1688_core::PushMessage;
use open1688_mock::{send_push, MockGateway, PushSignature, DEFAULT_APP_SECRET};
use std::sync::{Arc, Mutex};

type Received = Arc<Mutex<Vec<PushMessage>>>;

/// The app's push endpoint: verifies, records, acks with `success`; 401 on a bad signature.
async fn receive(State(received): State<Received>, body: Bytes) -> (StatusCode, String) {
    match open1688_core::push::verify_form(DEFAULT_APP_SECRET, &body) {
        Ok(message) => {
            received.lock().unwrap().push(message);
            (StatusCode::OK, "success".into())
        }
        Err(e) => (StatusCode::UNAUTHORIZED, e.to_string()),
    }
}

async fn receiver() -> (String, Received) {
    let received = Received::default();
    let app = Router::new()
        .route("/1688/push", post(receive))
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/1688/push", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

const ORDER_PAID: &str = r#"{"msgId":80012345678,"gmtBorn":1700000000000,"type":"ORDER_BUYER_VIEW_ORDER_PAY","userInfo":"b2b-2200000001","data":{"orderId":3535260697417660107,"currentStatus":"waitsellersend","msgSendTime":"2018-05-30 19:34:27","buyerMemberId":"b2b-2200000001","sellerMemberId":"b2b-1000000"}}"#;

#[tokio::test]
async fn a_signed_push_verifies_and_decodes() {
    let gw = MockGateway::builder().start().await.unwrap();
    let (url, received) = receiver().await;
    let receipt = gw
        .push(&url, ORDER_PAID, PushSignature::Valid)
        .await
        .unwrap();
    assert_eq!((receipt.status, receipt.body.as_str()), (200, "success"));
    let messages = received.lock().unwrap().clone();
    assert_eq!(messages.len(), 1);
    assert_eq!(
        (messages[0].msg_id, messages[0].topic.as_str()),
        (80012345678, "ORDER_BUYER_VIEW_ORDER_PAY")
    );
    assert_eq!(messages[0].data["orderId"], 3535260697417660107i64);
}

#[tokio::test]
async fn tampered_foreign_and_unsigned_pushes_are_rejected() {
    let (url, received) = receiver().await;
    for (how, why) in [
        (PushSignature::Tampered, "signature mismatch"),
        (PushSignature::WrongSecret, "signature mismatch"),
        (PushSignature::Missing, "no _aop_signature"),
    ] {
        let receipt = send_push(&url, DEFAULT_APP_SECRET, ORDER_PAID, how)
            .await
            .unwrap();
        assert_eq!(receipt.status, 401, "{how:?}");
        assert!(receipt.body.contains(why), "{how:?}: {}", receipt.body);
    }
    assert!(received.lock().unwrap().is_empty());
}
