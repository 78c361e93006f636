//! Injected faults through core's retry logic: idempotent calls recover, non-idempotent calls
//! are never repeated after an ambiguous failure but are after throttling, and each fault
//! surfaces as the right error.

mod common;

use common::*;
use open1688_core::{CallOptions, Client, Error, RetryPolicy};
use open1688_mock::{Fault, MockGateway, Scope};
use std::time::{Duration, Instant};

async fn setup() -> (MockGateway, Client) {
    let gw = gateway().await;
    let client = client(&gw)
        .access_token(gw.issue_tokens().access_token)
        .build()
        .unwrap();
    (gw, client)
}

fn statuses(gw: &MockGateway, api: &open1688_core::ApiDoc) -> Vec<Option<u16>> {
    gw.journal()
        .hits(&id(api))
        .iter()
        .map(|h| h.status)
        .collect()
}

async fn product_get(client: &Client) -> Result<serde_json::Value, Error> {
    client
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &CallOptions::new())
        .await
}

async fn create_order(client: &Client, options: &CallOptions) -> Result<serde_json::Value, Error> {
    client
        .call_raw_with(&FAST_CREATE_ORDER.api, order_params(), options)
        .await
}

#[tokio::test]
async fn idempotent_calls_recover_from_5xx_throttling_and_drops() {
    let (gw, client) = setup().await;
    gw.faults()
        .script(&PRODUCT_GET.api, [Fault::Status(503), Fault::Throttle]);
    assert_eq!(product_get(&client).await.unwrap()["success"], true);
    assert_eq!(
        statuses(&gw, &PRODUCT_GET),
        [Some(503), Some(429), Some(200)]
    );

    gw.journal().clear();
    gw.faults()
        .script(&PRODUCT_GET.api, [Fault::Drop, Fault::Status(502)]);
    assert_eq!(product_get(&client).await.unwrap()["success"], true);
    assert_eq!(
        statuses(&gw, &PRODUCT_GET),
        [None, Some(502), Some(200)],
        "a dropped connection has no status"
    );
    assert_eq!(gw.faults().pending(&PRODUCT_GET.api), 0);
}

#[tokio::test]
async fn retries_stop_after_the_policys_attempts() {
    let (gw, client) = setup().await;
    gw.faults()
        .fail_next(&PRODUCT_GET.api, 5, Fault::Status(503));
    let err = product_get(&client).await.unwrap_err();
    assert!(
        matches!(&err, Error::Gateway { status: 503, code, .. } if code == "HTTP 503"),
        "{err:?}"
    );
    assert_eq!(gw.journal().count(&id(&PRODUCT_GET)), 3);
    assert_eq!(gw.faults().pending(&PRODUCT_GET.api), 2);
}

#[tokio::test]
async fn an_order_is_never_repeated_after_an_ambiguous_failure() {
    let (gw, client) = setup().await;
    let fast = CallOptions::new().timeout(Duration::from_millis(100));
    for fault in [
        Fault::Status(503),
        Fault::Status(500),
        Fault::Drop,
        Fault::Delay(Duration::from_millis(400)),
    ] {
        gw.journal().clear();
        gw.faults()
            .fail_next(&FAST_CREATE_ORDER.api, 1, fault.clone());
        let err = create_order(&client, &fast).await.unwrap_err();
        match fault {
            Fault::Status(s) => assert!(
                matches!(&err, Error::Gateway { status, .. } if *status == s),
                "{err:?}"
            ),
            Fault::Drop => assert!(
                matches!(&err, Error::Transport { connect: false, .. }),
                "{err:?}"
            ),
            _ => assert!(matches!(&err, Error::Timeout(_)), "{err:?}"),
        }
        assert!(
            err.is_retryable(),
            "retryable in general, but not for an order: {err:?}"
        );
        assert_eq!(
            gw.journal().count(&id(&FAST_CREATE_ORDER)),
            1,
            "{fault:?} must not repeat the order"
        );
    }
}

#[tokio::test]
async fn an_order_is_retried_after_throttling() {
    let (gw, client) = setup().await;
    gw.faults()
        .fail_next(&FAST_CREATE_ORDER.api, 2, Fault::Throttle);
    let body = create_order(&client, &CallOptions::new()).await.unwrap();
    assert_eq!(body["result"]["orderId"], "3535260697417660107");
    assert_eq!(
        statuses(&gw, &FAST_CREATE_ORDER),
        [Some(429), Some(429), Some(200)]
    );
    let throttled = gw.journal().hits(&id(&FAST_CREATE_ORDER))[0]
        .error_code
        .clone();
    assert_eq!(throttled.as_deref(), Some("gw.QosAppFrequencyLimit"));
}

#[tokio::test]
async fn an_order_with_an_idempotency_key_may_opt_into_retries() {
    let (gw, client) = setup().await;
    gw.faults()
        .fail_next(&FAST_CREATE_ORDER.api, 1, Fault::Drop);
    let mut params = order_params();
    params.push(("outOrderId", "isv-order-0001"));
    let opts = CallOptions::new().retry_ambiguous(true);
    client
        .call_raw_with(&FAST_CREATE_ORDER.api, params, &opts)
        .await
        .unwrap();
    let hits = gw.journal().hits(&id(&FAST_CREATE_ORDER));
    assert_eq!(
        hits.iter().map(|h| h.status).collect::<Vec<_>>(),
        [None, Some(200)]
    );
    assert!(hits
        .iter()
        .all(|h| h.param("outOrderId") == Some("isv-order-0001")));
}

#[tokio::test]
async fn a_timeout_fires_and_an_idempotent_call_recovers() {
    let (gw, client) = setup().await;
    let opts = CallOptions::new().timeout(Duration::from_millis(80));
    gw.faults()
        .fail_next(&PRODUCT_GET.api, 3, Fault::Delay(Duration::from_secs(5)));
    let started = Instant::now();
    let err = client
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &opts)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(80)),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "three 80 ms attempts, not the 5 s delay: {:?}",
        started.elapsed()
    );
    assert_eq!(gw.journal().count(&id(&PRODUCT_GET)), 3);

    gw.faults()
        .fail_next(&PRODUCT_GET.api, 1, Fault::Delay(Duration::from_secs(5)));
    client
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &opts)
        .await
        .unwrap();
    // A delay shorter than the timeout is just a slow answer.
    gw.faults()
        .fail_next(&PRODUCT_GET.api, 1, Fault::Delay(Duration::from_millis(10)));
    client
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &opts)
        .await
        .unwrap();
    assert_eq!(
        gw.journal()
            .last(&id(&PRODUCT_GET))
            .unwrap()
            .fault
            .as_deref(),
        Some("Delay(10ms)")
    );
}

#[tokio::test]
async fn broken_bodies_are_decode_errors() {
    let (gw, client) = setup().await;
    gw.faults()
        .script(&PRODUCT_GET.api, [Fault::TruncatedJson, Fault::NonJson]);
    for expected in ["EOF", "expected value"] {
        let err = product_get(&client).await.unwrap_err();
        assert!(
            matches!(&err, Error::Decode { status: 200, message, .. } if message.contains(expected)),
            "{err:?}"
        );
    }
    assert_eq!(
        gw.journal().count(&id(&PRODUCT_GET)),
        2,
        "decode errors are not retried"
    );
}

#[tokio::test]
async fn a_qps_limit_throttles_the_excess() {
    let gw = gateway().await;
    let client = client(&gw).retry(RetryPolicy::none()).build().unwrap();
    gw.faults().qps_limit(Scope::All, 3);
    let mut results = Vec::new();
    for _ in 0..4 {
        results.push(
            client
                .call_raw_with(
                    &TIME.api,
                    Vec::<(String, String)>::new(),
                    &CallOptions::new(),
                )
                .await,
        );
    }
    assert!(results[..3].iter().all(Result::is_ok));
    let err = results.pop().unwrap().unwrap_err();
    assert!(err.is_throttled() && err.status() == Some(429), "{err:?}");
}

#[tokio::test]
async fn global_scripts_hit_the_next_call_of_any_api() {
    let (gw, client) = setup().await;
    gw.faults().fail_next("*", 1, Fault::Status(504));
    let err = client
        .call_raw_with(&FAST_CREATE_ORDER.api, order_params(), &CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(504));
    product_get(&client).await.unwrap();
    assert_eq!(gw.journal().len(), 2);
}

#[tokio::test]
async fn random_faults_replay_with_the_same_seed() {
    async fn run(seed: u64) -> Vec<Option<u16>> {
        let gw = gateway_builder().seed(seed).start().await.unwrap();
        gw.faults().random(&TIME.api, Fault::Status(503), 0.4);
        let client = client(&gw).retry(RetryPolicy::none()).build().unwrap();
        for _ in 0..20 {
            let _ = client
                .call_raw_with(
                    &TIME.api,
                    Vec::<(String, String)>::new(),
                    &CallOptions::new(),
                )
                .await;
        }
        statuses(&gw, &TIME)
    }
    let (a, b) = (run(11).await, run(11).await);
    assert_eq!(a, b);
    assert!(a.contains(&Some(503)) && a.contains(&Some(200)), "{a:?}");
}
