//! Token refresh under stress: many tasks, a short token lifetime, a failing and slow token
//! endpoint, zero and huge `expires_in`, callers cancelled mid-refresh. No panic, and the
//! number of `getToken` calls stays bounded by the minimum refresh interval.

mod common;

use common::*;
use open1688_core::{CallOptions, RefreshingTokens, TokenProvider, TokenSet};
use open1688_mock::{Fault, Scope};
use std::sync::Arc;
use std::time::{Duration, Instant};

const GET_TOKEN: &str = "system.oauth2:getToken-1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_tasks_with_zero_lifetimes_failures_and_cancellations_stay_bounded() {
    // Every token the gateway issues is stale at once for the client (`expires_in` 0).
    let gw = gateway_builder()
        .token_lifetime(Duration::from_secs(3600))
        .start()
        .await
        .unwrap();
    let issued = gw.issue_tokens_with(APP_KEY, Duration::from_secs(3600));
    gw.faults()
        .random(Scope::from(GET_TOKEN), Fault::Status(503), 0.3);
    gw.faults().random(
        Scope::from(GET_TOKEN),
        Fault::Delay(Duration::from_millis(30)),
        0.3,
    );
    gw.faults().random(
        Scope::from(GET_TOKEN),
        Fault::Respond {
            status: 200,
            body: format!(
                r#"{{"access_token":"{}","expires_in":"0"}}"#,
                issued.access_token.expose()
            ),
        },
        0.5,
    );
    let base = client(&gw).build().unwrap();
    let min_interval = Duration::from_millis(100);
    let provider = Shared(Arc::new(
        RefreshingTokens::new(
            base.oauth(),
            TokenSet {
                access_token: issued.access_token.clone(),
                refresh_token: issued.refresh_token.clone().unwrap(),
                expires_at: Instant::now(),
            },
        )
        .renew_before(Duration::ZERO)
        .min_refresh_interval(min_interval),
    ));
    let client = base.with_token_provider(provider.clone());

    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..100u64 {
        let client = client.clone();
        tasks.spawn(async move {
            let mut outcomes = (0, 0, 0);
            let options = CallOptions::new();
            for i in 0..15u64 {
                let call = client.call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &options);
                if (t + i) % 3 == 0 {
                    // Cancelled after a moment: often while a refresh is in flight.
                    match tokio::time::timeout(Duration::from_millis((t + i) % 7), call).await {
                        Ok(Ok(_)) => outcomes.0 += 1,
                        Ok(Err(_)) => outcomes.1 += 1,
                        Err(_) => outcomes.2 += 1,
                    }
                } else {
                    match call.await {
                        Ok(_) => outcomes.0 += 1,
                        Err(_) => outcomes.1 += 1,
                    }
                }
            }
            outcomes
        });
    }
    let (mut ok, mut failed, mut cancelled) = (0, 0, 0);
    while let Some(done) = tasks.join_next().await {
        let (o, f, c) = done.expect("no task panics");
        (ok, failed, cancelled) = (ok + o, failed + f, cancelled + c);
    }
    let elapsed = started.elapsed();
    let get_token = gw.journal().count(GET_TOKEN) as u128;
    let bound = elapsed.as_millis() / min_interval.as_millis() + 2;
    assert!(
        get_token <= bound,
        "{get_token} getToken calls in {elapsed:?}: more than one per {min_interval:?}"
    );
    assert!(get_token >= 1);
    assert!(ok > 0, "ok {ok} failed {failed} cancelled {cancelled}");
    assert_eq!(ok + failed + cancelled, 1500);
}

#[tokio::test]
async fn a_huge_expires_in_is_clamped_not_a_panic() {
    let gw = gateway().await;
    let issued = gw.issue_tokens_with(APP_KEY, Duration::from_secs(3600));
    gw.faults().fail_next(
        GET_TOKEN,
        1,
        Fault::Respond {
            status: 200,
            body: format!(
                r#"{{"access_token":"{}","expires_in":"9223372036854775807","refresh_token":"r"}}"#,
                issued.access_token.expose()
            ),
        },
    );
    let base = client(&gw).build().unwrap();
    let provider = RefreshingTokens::new(
        base.oauth(),
        TokenSet {
            access_token: issued.access_token.clone(),
            refresh_token: issued.refresh_token.clone().unwrap(),
            expires_at: Instant::now(),
        },
    );
    assert!(provider.access_token().await.unwrap().is_some());
    // Renewed once; the clamped expiry keeps it fresh afterwards.
    assert!(provider.access_token().await.unwrap().is_some());
    assert_eq!(provider.refresh_count(), 1);
    assert_eq!(gw.journal().count(GET_TOKEN), 1);
    let from = TokenSet::from_response(
        &serde_json::from_str(r#"{"access_token":"a","refresh_token":"r","expires_in":"-5"}"#)
            .unwrap(),
    )
    .unwrap();
    assert!(from.expires_at <= Instant::now());
}

#[tokio::test]
async fn a_failed_refresh_is_shared_and_backed_off() {
    let gw = gateway().await;
    let issued = gw.issue_tokens_with(APP_KEY, Duration::from_secs(3600));
    gw.faults().random(
        Scope::from(GET_TOKEN),
        Fault::Respond {
            status: 400,
            body: r#"{"error":"invalid_grant","error_description":"refresh token expired"}"#.into(),
        },
        1.0,
    );
    let base = client(&gw).build().unwrap();
    let provider = Arc::new(RefreshingTokens::new(
        base.oauth(),
        TokenSet {
            access_token: issued.access_token.clone(),
            refresh_token: issued.refresh_token.clone().unwrap(),
            expires_at: Instant::now(),
        },
    ));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let provider = provider.clone();
        tasks.spawn(async move { provider.access_token().await });
    }
    while let Some(done) = tasks.join_next().await {
        let err = done.unwrap().unwrap_err();
        assert_eq!(err.code(), Some("invalid_grant"));
    }
    assert_eq!(
        gw.journal().count(GET_TOKEN),
        1,
        "50 waiters share one failed refresh"
    );
}
