//! The shared token store on a real Redis, refreshing through the mock gateway's OAuth: one
//! refresh for a whole fleet, a crashed refresher's lock expiring, a stalled one fenced off,
//! rotated refresh tokens written back, and Redis being unreachable.

mod common;

use common::*;
use open1688_core::{Client, Credentials, Error, RetryPolicy, Secret, TokenProvider, TokenSet};
use open1688_mock::{Fault, MockGateway};
use open1688_redis::{Redis, RedisTokens, TokenStore};
use std::sync::Arc;
use std::time::{Duration, Instant};

const GET_TOKEN: &str = "system.oauth2:getToken-1";
const SELLER: &str = "seller-42";

struct Fleet {
    gw: MockGateway,
    client: Client,
    url: String,
    app: String,
    _server: Option<RedisServer>,
}

/// A gateway with its own app key (so tests sharing a Redis do not meet), a client, and a
/// seller whose tokens in Redis have `left` to live.
async fn fleet(left: Duration) -> (Fleet, TokenSet) {
    let (url, server) = redis();
    let app = unique("app");
    let gw = MockGateway::builder()
        .app(app.clone(), "fleet-secret")
        .start()
        .await
        .unwrap();
    let client = Client::builder(Credentials::new(app.clone(), "fleet-secret"))
        .base_url(gw.url())
        .auth_url(gw.url())
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let issued = gw.issue_tokens();
    let tokens = TokenSet {
        access_token: issued.access_token,
        refresh_token: issued.refresh_token.unwrap(),
        expires_at: Instant::now() + left,
    };
    TokenStore::new(Redis::new(&url).unwrap(), &app)
        .put(SELLER, &tokens)
        .await
        .unwrap();
    let fleet = Fleet {
        gw,
        client,
        url,
        app,
        _server: server,
    };
    (fleet, tokens)
}

impl Fleet {
    /// One worker's provider, on a connection of its own.
    fn worker(&self) -> RedisTokens {
        RedisTokens::new(
            Redis::new(&self.url).unwrap(),
            self.client.oauth(),
            &self.app,
            SELLER,
        )
        .renew_before(Duration::from_secs(60))
    }

    fn store(&self) -> TokenStore {
        TokenStore::new(Redis::new(&self.url).unwrap(), &self.app)
    }

    async fn call(&self, worker: Arc<RedisTokens>) -> Result<(), Error> {
        self.client
            .with_token_provider(worker)
            .call_raw(
                "com.alibaba.product",
                "alibaba.product.get",
                1,
                [("productID", "624531232145"), ("webSite", "1688")],
            )
            .await
            .map(drop)
    }
}

#[tokio::test]
async fn a_fleet_renews_an_expiring_token_once_and_all_use_it() {
    // 30 s left, renewed 60 s before expiry: every worker finds it due.
    let (fleet, old) = fleet(Duration::from_secs(30)).await;
    let workers: Vec<_> = (0..5).map(|_| Arc::new(fleet.worker())).collect();
    let fleet = Arc::new(fleet);
    let calls: Vec<_> = (0..40)
        .map(|i| {
            let (fleet, worker) = (fleet.clone(), workers[i % 5].clone());
            tokio::spawn(async move { fleet.call(worker).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("every call succeeds");
    }
    assert_eq!(fleet.gw.journal().count(GET_TOKEN), 1);
    assert_eq!(workers.iter().map(|w| w.refresh_count()).sum::<u64>(), 1);
    let stored = fleet.store().get(SELLER).await.unwrap().unwrap();
    assert_ne!(stored.access_token, old.access_token);
    assert!(stored.expires_in > Duration::from_secs(35_000));
    let sent: std::collections::HashSet<String> = fleet
        .gw
        .journal()
        .hits("com.alibaba.product:alibaba.product.get")
        .iter()
        .map(|h| h.param("access_token").unwrap().to_owned())
        .collect();
    assert_eq!(sent.len(), 1, "all 40 calls used the one new token");
    assert!(sent.contains(stored.access_token.expose()));
}

#[tokio::test]
async fn a_rejected_token_is_renewed_by_one_worker_and_the_others_read_it() {
    let (fleet, old) = fleet(Duration::from_secs(3600)).await;
    let (a, b) = (Arc::new(fleet.worker()), Arc::new(fleet.worker()));
    fleet.call(a.clone()).await.unwrap();
    fleet.call(b.clone()).await.unwrap();
    // Both now hold the old token; the gateway revokes it.
    assert!(fleet.gw.revoke_token(old.access_token.expose()));
    fleet.call(a.clone()).await.expect("401, refresh, retry");
    fleet
        .call(b.clone())
        .await
        .expect("401, reads a's token, retry");
    assert_eq!(fleet.gw.journal().count(GET_TOKEN), 1);
    assert_eq!((a.refresh_count(), b.refresh_count()), (1, 0));
}

#[tokio::test]
async fn a_crashed_refreshers_lock_expires_and_another_worker_refreshes() {
    let (fleet, old) = fleet(Duration::ZERO).await;
    // A worker took the lock and died: it never writes, never unlocks.
    let crashed = fleet
        .store()
        .try_lock(SELLER, Duration::from_millis(400))
        .await
        .unwrap();
    assert!(crashed.is_some());
    assert_eq!(
        fleet
            .store()
            .try_lock(SELLER, Duration::from_secs(1))
            .await
            .unwrap(),
        None
    );

    let worker = fleet.worker().lock_ttl(Duration::from_millis(400));
    let start = Instant::now();
    let token = worker.access_token().await.unwrap().unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert_ne!(token, old.access_token);
    assert_eq!(worker.refresh_count(), 1);
}

#[tokio::test]
async fn a_stalled_refresher_cannot_overwrite_a_newer_token() {
    let (fleet, old) = fleet(Duration::ZERO).await;
    let store = fleet.store();
    let stalled = store
        .try_lock(SELLER, Duration::from_millis(100))
        .await
        .unwrap()
        .unwrap();
    // The stalled refresher got its answer from the gateway, but too late.
    let late = fleet
        .client
        .oauth()
        .refresh(&old.refresh_token)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;

    let worker = fleet.worker();
    let newer = worker.access_token().await.unwrap().unwrap();
    assert!(!store.write(SELLER, stalled, &late).await.unwrap());
    let stored = store.get(SELLER).await.unwrap().unwrap();
    assert_eq!(stored.access_token, newer);
    // Nor can it release the lock a later holder has.
    let holder = store
        .try_lock(SELLER, Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert!(holder > stalled);
    store.unlock(SELLER, stalled).await.unwrap();
    assert_eq!(
        store
            .try_lock(SELLER, Duration::from_secs(5))
            .await
            .unwrap(),
        None
    );
    store.unlock(SELLER, holder).await.unwrap();
}

#[tokio::test]
async fn a_rotated_refresh_token_is_written_back() {
    let (fleet, old) = fleet(Duration::ZERO).await;
    // The token endpoint answers with a new refresh token this time.
    fleet.gw.faults().fail_next(
        GET_TOKEN,
        1,
        Fault::Respond {
            status: 200,
            body: r#"{"access_token":"rotated-access","refresh_token":"rotated-refresh","expires_in":"36000"}"#.into(),
        },
    );
    let worker = fleet.worker();
    assert_eq!(
        worker.access_token().await.unwrap().unwrap(),
        Secret::new("rotated-access")
    );
    let stored = fleet.store().get(SELLER).await.unwrap().unwrap();
    assert_eq!(stored.refresh_token, Secret::new("rotated-refresh"));

    // An answer without one keeps the stored refresh token.
    let fence = fleet
        .store()
        .try_lock(SELLER, Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    let answer = fleet
        .client
        .oauth()
        .refresh(&old.refresh_token)
        .await
        .unwrap();
    assert!(answer.refresh_token.is_none());
    assert!(fleet.store().write(SELLER, fence, &answer).await.unwrap());
    let stored = fleet.store().get(SELLER).await.unwrap().unwrap();
    assert_eq!(stored.refresh_token, Secret::new("rotated-refresh"));
    assert_eq!(stored.access_token, answer.access_token);
}

#[tokio::test]
async fn unreachable_redis_fails_fast_and_a_token_read_earlier_keeps_working() {
    let mut server = RedisServer::start();
    let app = unique("down");
    let gw = MockGateway::builder()
        .app(app.clone(), "s")
        .start()
        .await
        .unwrap();
    let client = Client::builder(Credentials::new(app.clone(), "s"))
        .base_url(gw.url())
        .build()
        .unwrap();
    let issued = gw.issue_tokens();
    let tokens = TokenSet {
        access_token: issued.access_token.clone(),
        refresh_token: issued.refresh_token.unwrap(),
        expires_at: Instant::now() + Duration::from_secs(3600),
    };
    let redis = Redis::new(&server.url()).unwrap();
    TokenStore::new(redis.clone(), &app)
        .put(SELLER, &tokens)
        .await
        .unwrap();
    let worker = RedisTokens::new(redis, client.oauth(), &app, SELLER);
    assert_eq!(
        worker.access_token().await.unwrap().unwrap(),
        issued.access_token
    );

    server.kill();
    assert_eq!(
        worker.access_token().await.unwrap().unwrap(),
        issued.access_token
    );
    let start = Instant::now();
    let err = worker.refresh(&issued.access_token).await.unwrap_err();
    assert!(err.to_string().contains("Redis"), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );

    // A worker that never read a token cannot make one up.
    let fresh = RedisTokens::new(
        Redis::new(&server.url()).unwrap(),
        client.oauth(),
        &app,
        SELLER,
    );
    let start = Instant::now();
    let err = fresh.access_token().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    assert!(!format!("{err} {fresh:?}").contains(issued.access_token.expose()));
}

#[tokio::test]
async fn a_seller_without_tokens_is_named() {
    let (url, _server) = redis();
    let gw = MockGateway::builder().start().await.unwrap();
    let client = Client::builder(Credentials::new("1000000", "test123"))
        .base_url(gw.url())
        .build()
        .unwrap();
    let worker = RedisTokens::new(
        Redis::new(&url).unwrap(),
        client.oauth(),
        &unique("none"),
        "nobody",
    );
    let err = worker.access_token().await.unwrap_err();
    assert!(err.to_string().contains("`nobody`"), "{err}");
}
