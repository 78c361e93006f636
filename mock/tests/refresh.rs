//! `RefreshingTokens` against real token expiry: renewal before expiry, one refresh on a 401
//! and a retry, and a single refresh shared by 100 concurrent calls.

mod common;

use common::*;
use open1688_core::{CallOptions, Error, RefreshingTokens, TokenSet};
use open1688_mock::{Fault, MockGateway};
use std::sync::Arc;
use std::time::{Duration, Instant};

const GET_TOKEN: &str = "system.oauth2:getToken-1";

/// A client whose provider holds tokens the gateway issued, with the client believing the
/// access token expires at `expires_at`.
fn refreshing_client(
    gw: &MockGateway,
    expires_at: Instant,
    access_lifetime: Duration,
) -> (open1688_core::Client, Shared, String) {
    let issued = gw.issue_tokens_with(APP_KEY, access_lifetime);
    let base = client(gw).build().unwrap();
    let set = TokenSet {
        access_token: issued.access_token.clone(),
        refresh_token: issued.refresh_token.unwrap(),
        expires_at,
    };
    let provider = Shared(Arc::new(
        RefreshingTokens::new(base.oauth(), set).renew_before(Duration::ZERO),
    ));
    (
        base.with_token_provider(provider.clone()),
        provider,
        issued.access_token.expose().to_owned(),
    )
}

#[tokio::test]
async fn a_token_past_its_expiry_is_renewed_before_the_call() {
    let gw = gateway().await;
    let (client, provider, old) = refreshing_client(&gw, Instant::now(), Duration::from_secs(3600));
    client
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &CallOptions::new())
        .await
        .unwrap();
    client
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &CallOptions::new())
        .await
        .unwrap();

    assert_eq!(provider.0.refresh_count(), 1);
    assert_eq!(gw.journal().count(GET_TOKEN), 1);
    let sent: Vec<_> = gw
        .journal()
        .hits(&id(&PRODUCT_GET))
        .into_iter()
        .map(|h| h.param("access_token").unwrap().to_owned())
        .collect();
    assert_eq!(sent.len(), 2);
    assert!(
        sent.iter().all(|t| *t != old && *t == sent[0]),
        "both calls use the one renewed token"
    );
}

#[tokio::test]
async fn a_401_refreshes_once_and_retries() {
    // The gateway's token lives 30 ms (a sub-second lifetime); the client believes it has an hour.
    let gw = gateway().await;
    let (client, provider, old) = refreshing_client(
        &gw,
        Instant::now() + Duration::from_secs(3600),
        Duration::from_millis(30),
    );
    tokio::time::sleep(Duration::from_millis(40)).await;
    client
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &CallOptions::new())
        .await
        .unwrap();

    let hits = gw.journal().hits(&id(&PRODUCT_GET));
    let seen: Vec<_> = hits
        .iter()
        .map(|h| (h.status, h.param("access_token") == Some(old.as_str())))
        .collect();
    assert_eq!(seen, [(Some(401), true), (Some(200), false)]);
    assert_eq!(hits[0].note.as_deref(), Some("access token is expired"));
    assert_eq!(provider.0.refresh_count(), 1);
    assert_eq!(gw.journal().count(GET_TOKEN), 1);
}

#[tokio::test]
async fn a_non_idempotent_call_is_retried_once_after_a_401() {
    // A 401 means the gateway refused the call before running it: repeating it is safe.
    let gw = gateway().await;
    let (client, provider, old) = refreshing_client(
        &gw,
        Instant::now() + Duration::from_secs(3600),
        Duration::from_secs(3600),
    );
    gw.expire_token(&old);
    let body = client
        .call_raw_with(&FAST_CREATE_ORDER.api, order_params(), &CallOptions::new())
        .await
        .unwrap();
    assert_eq!(body["result"]["orderId"], "3535260697417660107");
    assert_eq!(
        gw.journal()
            .hits(&id(&FAST_CREATE_ORDER))
            .iter()
            .map(|h| h.status)
            .collect::<Vec<_>>(),
        [Some(401), Some(200)]
    );
    assert_eq!(provider.0.refresh_count(), 1);
}

#[tokio::test]
async fn a_rejected_refresh_surfaces_and_is_not_looped() {
    let gw = gateway().await;
    let (client, provider, old) = refreshing_client(
        &gw,
        Instant::now() + Duration::from_secs(3600),
        Duration::from_secs(3600),
    );
    gw.expire_token(&old);
    gw.faults().fail_next(
        GET_TOKEN,
        1,
        Fault::Respond {
            status: 400,
            body: r#"{"error":"invalid_grant","error_description":"refresh token expired"}"#.into(),
        },
    );
    let err = client
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("invalid_grant"), "{err:?}");
    assert!(matches!(err, Error::OAuth { .. }));
    assert_eq!(gw.journal().count(GET_TOKEN), 1);
    assert_eq!(gw.journal().count(&id(&PRODUCT_GET)), 1);
    assert_eq!(provider.0.refresh_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_calls_share_one_refresh() {
    let gw = gateway().await;
    let (client, provider, old) = refreshing_client(&gw, Instant::now(), Duration::from_secs(3600));
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let client = client.clone();
        calls.spawn(async move {
            client
                .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &CallOptions::new())
                .await
        });
    }
    while let Some(result) = calls.join_next().await {
        result.unwrap().unwrap();
    }
    assert_eq!(gw.journal().count(GET_TOKEN), 1);
    assert_eq!(provider.0.refresh_count(), 1);
    let hits = gw.journal().hits(&id(&PRODUCT_GET));
    assert_eq!(hits.len(), 100);
    assert!(hits
        .iter()
        .all(|h| h.status == Some(200) && h.param("access_token") != Some(old.as_str())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_401s_share_one_refresh() {
    let gw = gateway().await;
    let (client, provider, old) = refreshing_client(
        &gw,
        Instant::now() + Duration::from_secs(3600),
        Duration::from_secs(3600),
    );
    gw.expire_token(&old);
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let client = client.clone();
        calls.spawn(async move {
            client
                .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &CallOptions::new())
                .await
        });
    }
    while let Some(result) = calls.join_next().await {
        result.unwrap().unwrap();
    }
    assert_eq!(gw.journal().count(GET_TOKEN), 1);
    assert_eq!(provider.0.refresh_count(), 1);
    let rejected = gw
        .journal()
        .hits(&id(&PRODUCT_GET))
        .iter()
        .filter(|h| h.status == Some(401))
        .count();
    assert_eq!(gw.journal().count(&id(&PRODUCT_GET)), 100 + rejected);
}
