//! The gateway's QPS limits and the client's rate limiter against them: the mock refuses with
//! the real throttling codes, a client keeping to the same budget is never refused, and every
//! attempt (retries included) asks the limiter first.

mod common;

use common::*;
use open1688_core::{
    BoxFuture, CallOptions, Client, Error, Limits, Rate, RateLimiter, RetryPolicy,
};
use open1688_mock::{Fault, MockGateway};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn product_get(client: &Client) -> Result<serde_json::Value, Error> {
    client
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &CallOptions::new())
        .await
}

fn throttle_codes(results: &[Result<serde_json::Value, Error>]) -> Vec<(u16, String)> {
    results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(|e| (e.status().unwrap_or(0), e.code().unwrap_or("").to_owned()))
        .collect()
}

#[tokio::test]
async fn the_app_budget_is_enforced_with_the_gateway_code() {
    let gw = gateway_builder().app_qps(5).start().await.unwrap();
    let client = client(&gw)
        .access_token(gw.issue_tokens().access_token)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let mut results = Vec::new();
    for _ in 0..8 {
        results.push(product_get(&client).await);
    }
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 5);
    assert_eq!(
        throttle_codes(&results),
        vec![(429, "gw.QosAppFrequencyLimit".to_owned()); 3]
    );
    assert!(results[7].as_ref().unwrap_err().is_throttled());
}

#[tokio::test]
async fn an_api_budget_throttles_that_api_only() {
    let gw = gateway_builder()
        .api_qps(&PRODUCT_GET, 2)
        .start()
        .await
        .unwrap();
    let client = client(&gw)
        .access_token(gw.issue_tokens().access_token)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let mut results = Vec::new();
    for _ in 0..3 {
        results.push(product_get(&client).await);
    }
    assert_eq!(
        throttle_codes(&results),
        vec![(429, "gw.QosAPIFrequencyLimit".to_owned())]
    );
    for _ in 0..3 {
        client
            .call_raw_with(&TIME.api, [("a", "1")], &CallOptions::new())
            .await
            .expect("another API is not limited");
    }
}

#[tokio::test]
async fn a_client_keeping_to_the_budget_is_never_throttled() {
    let gw = gateway_builder().app_qps(20).start().await.unwrap();
    let client = client(&gw)
        .access_token(gw.issue_tokens().access_token)
        .retry(RetryPolicy::none())
        // 5% under the gateway's figure, for the jitter between leaving here and arriving there.
        .rate_limit(Limits::per_app(Rate::per_second(19.0)))
        .build()
        .unwrap();
    let start = Instant::now();
    let calls: Vec<_> = (0..30)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { product_get(&client).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("no call is throttled");
    }
    // 30 calls at 19/s: the last one leaves 29 intervals after the first.
    assert!(
        start.elapsed() >= Duration::from_millis(1500),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(gw.journal().count(&id(&PRODUCT_GET)), 30);
}

#[tokio::test]
async fn a_slot_beyond_the_timeout_fails_fast_without_sending() {
    let gw = gateway().await;
    let client = client(&gw)
        .access_token(gw.issue_tokens().access_token)
        .rate_limit(Limits::default().api(id(&PRODUCT_GET), Rate::per_second(1.0)))
        .build()
        .unwrap();
    product_get(&client).await.unwrap();
    let start = Instant::now();
    let err = client
        .call_raw_with(
            &PRODUCT_GET.api,
            PRODUCT_PARAMS,
            &CallOptions::new().timeout(Duration::from_millis(200)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err}");
    assert!(err.to_string().contains(&id(&PRODUCT_GET)), "{err}");
    assert!(start.elapsed() < Duration::from_millis(100));
    assert_eq!(gw.journal().count(&id(&PRODUCT_GET)), 1);
    // Other APIs are not held back by that API's budget.
    client
        .call_raw_with(&TIME.api, [("a", "1")], &CallOptions::new())
        .await
        .unwrap();
}

/// Counts the slots asked for.
#[derive(Debug, Default)]
struct Counting(AtomicUsize);

impl RateLimiter for Counting {
    fn acquire<'a>(&'a self, _: &'a str, _: Duration) -> BoxFuture<'a, Result<(), Error>> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(()) })
    }
}

#[tokio::test]
async fn every_attempt_retries_included_takes_a_slot() {
    let gw: MockGateway = gateway().await;
    let limiter = Arc::new(Counting::default());
    let client = client(&gw)
        .access_token(gw.issue_tokens().access_token)
        .rate_limiter(limiter.clone())
        .build()
        .unwrap();
    gw.faults().fail_next(&PRODUCT_GET.api, 2, Fault::Throttle);
    product_get(&client).await.unwrap();
    assert_eq!(gw.journal().count(&id(&PRODUCT_GET)), 3);
    assert_eq!(limiter.0.load(Ordering::SeqCst), 3);
}
