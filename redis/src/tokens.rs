//! A seller's tokens shared by a fleet: every worker uses the one token in Redis, and one
//! worker at a time refreshes it.

use crate::connection::is_redis_error;
use crate::store::{StoredTokens, TokenStore};
use open1688_core::{BoxFuture, Error, OAuth, Secret, TokenProvider};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The access token this process last read, and when it expires by the local clock (derived
/// from the remaining lifetime Redis reported, so clock differences do not matter).
struct Cached {
    access_token: Secret,
    expires_at: Instant,
}

/// A [`TokenProvider`] for one seller whose tokens live in Redis, shared by every worker.
///
/// Each process keeps the token it read until it nears expiry or the gateway rejects it, then
/// reads Redis again. A renewal takes the seller's lock (with an expiry, so a crashed worker
/// cannot wedge the others, and a fencing token, so a stalled one cannot overwrite a newer
/// token), refreshes, writes the new access token and any rotated refresh token back, and
/// releases the lock; the others wait for that write and use it. Within a process, concurrent
/// calls share one read or renewal.
///
/// When Redis is unreachable, a token read earlier is used while it is valid (logged once);
/// with none, the call fails at once with a transport error rather than hanging.
///
/// ```no_run
/// # async fn demo(client: open1688_core::Client, tokens: open1688_core::TokenSet) -> Result<(), open1688_core::Error> {
/// use open1688_redis::{Redis, RedisTokens, TokenStore};
/// let redis = Redis::new("redis://127.0.0.1:6379")?;
/// // Once, when the seller authorizes the app:
/// TokenStore::new(redis.clone(), "1000000").put("seller-42", &tokens).await?;
/// // In every worker:
/// let seller = client.with_token_provider(RedisTokens::new(redis, client.oauth(), "1000000", "seller-42"));
/// # Ok(()) }
/// ```
pub struct RedisTokens {
    store: TokenStore,
    oauth: OAuth,
    seller: String,
    margin: Duration,
    lock_ttl: Duration,
    poll: Duration,
    cache: tokio::sync::Mutex<Option<Cached>>,
    refreshes: AtomicU64,
    down: AtomicBool,
}

impl fmt::Debug for RedisTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisTokens")
            .field("store", &self.store)
            .field("seller", &self.seller)
            .field("margin", &self.margin)
            .field("lock_ttl", &self.lock_ttl)
            .field("refreshes", &self.refresh_count())
            .finish_non_exhaustive()
    }
}

impl RedisTokens {
    /// The tokens of `seller` (any name unique within the app, e.g. the member id) of
    /// `app_key`, refreshed through `oauth`. Renews five minutes before expiry; a refresh
    /// lock lives 10 s.
    pub fn new(redis: crate::Redis, oauth: OAuth, app_key: &str, seller: &str) -> RedisTokens {
        RedisTokens {
            store: TokenStore::new(redis, app_key),
            oauth,
            seller: seller.to_owned(),
            margin: Duration::from_secs(300),
            lock_ttl: Duration::from_secs(10),
            poll: Duration::from_millis(25),
            cache: tokio::sync::Mutex::new(None),
            refreshes: AtomicU64::new(0),
            down: AtomicBool::new(false),
        }
    }

    /// How long before expiry to renew (default 5 minutes).
    pub fn renew_before(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// How long a refresher holds the lock at most (default 10 s): longer than a refresh
    /// takes, short enough that the others do not wait long after a crash.
    pub fn lock_ttl(mut self, ttl: Duration) -> Self {
        self.lock_ttl = ttl;
        self
    }

    /// How many refreshes this process ran.
    pub fn refresh_count(&self) -> u64 {
        self.refreshes.load(Ordering::Relaxed)
    }

    /// The store underneath.
    pub fn store(&self) -> &TokenStore {
        &self.store
    }

    fn cache(&self, cache: &mut Option<Cached>, stored: &StoredTokens) -> Secret {
        *cache = Some(Cached {
            access_token: stored.access_token.clone(),
            expires_at: Instant::now() + stored.expires_in,
        });
        stored.access_token.clone()
    }

    async fn read(&self) -> Result<StoredTokens, Error> {
        self.store
            .get(&self.seller)
            .await?
            .ok_or_else(|| Error::InvalidInput {
                param: "seller".into(),
                message: format!(
                    "no tokens in Redis for seller `{}`: store them first (TokenStore::put)",
                    self.seller
                ),
            })
    }

    /// Renews the tokens unless someone already replaced version `seen`; returns the tokens
    /// to use. Waits for another worker's renewal at most twice the lock lifetime.
    async fn renew(&self, seen: u64) -> Result<StoredTokens, Error> {
        let give_up = Instant::now() + self.lock_ttl * 2;
        loop {
            if let Some(fence) = self.store.try_lock(&self.seller, self.lock_ttl).await? {
                let current = self.read().await?;
                if current.version != seen {
                    self.store.unlock(&self.seller, fence).await?;
                    return Ok(current);
                }
                let answer = match self.oauth.refresh(&current.refresh_token).await {
                    Ok(answer) => answer,
                    Err(e) => {
                        // Let another worker try at once rather than after the lock expires.
                        let _ = self.store.unlock(&self.seller, fence).await;
                        return Err(e);
                    }
                };
                if self.store.write(&self.seller, fence, &answer).await? {
                    self.refreshes.fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(seller = %self.seller, "access token refreshed and shared");
                } else {
                    tracing::debug!(seller = %self.seller, "a later refresher took over; using its tokens");
                }
            } else {
                tokio::time::sleep(self.poll).await;
            }
            let current = self.read().await?;
            if current.version != seen {
                return Ok(current);
            }
            if Instant::now() >= give_up {
                return Err(Error::Timeout(self.lock_ttl * 2));
            }
        }
    }

    /// A usable cached token while Redis is unreachable; the error otherwise.
    fn unreachable(&self, cache: &Option<Cached>, error: Error) -> Result<Option<Secret>, Error> {
        if !self.down.swap(true, Ordering::Relaxed) {
            tracing::warn!(seller = %self.seller, "shared token store unavailable ({error}); using the token read last while it is valid");
        }
        match cache {
            Some(c) if Instant::now() < c.expires_at => Ok(Some(c.access_token.clone())),
            _ => Err(error),
        }
    }

    fn reachable(&self) {
        if self.down.swap(false, Ordering::Relaxed) {
            tracing::info!(seller = %self.seller, "shared token store reachable again");
        }
    }

    async fn fresh(&self, cache: &mut Option<Cached>) -> Result<Secret, Error> {
        let stored = self.read().await?;
        let stored = if stored.expires_in > self.margin {
            stored
        } else {
            self.renew(stored.version).await?
        };
        Ok(self.cache(cache, &stored))
    }
}

impl TokenProvider for RedisTokens {
    fn access_token(&self) -> BoxFuture<'_, Result<Option<Secret>, Error>> {
        Box::pin(async move {
            let mut cache = self.cache.lock().await;
            if let Some(c) = cache.as_ref() {
                if Instant::now() + self.margin < c.expires_at {
                    return Ok(Some(c.access_token.clone()));
                }
            }
            match self.fresh(&mut cache).await {
                Ok(token) => {
                    self.reachable();
                    Ok(Some(token))
                }
                Err(e) if is_redis_error(&e) => self.unreachable(&cache, e),
                Err(e) => Err(e),
            }
        })
    }

    fn refresh<'a>(&'a self, rejected: &'a Secret) -> BoxFuture<'a, Result<bool, Error>> {
        Box::pin(async move {
            let mut cache = self.cache.lock().await;
            let stored = self.read().await?;
            self.reachable();
            let stored = if &stored.access_token != rejected {
                // Another worker (or call) already replaced it.
                stored
            } else {
                self.renew(stored.version).await?
            };
            self.cache(&mut cache, &stored);
            Ok(true)
        })
    }
}
