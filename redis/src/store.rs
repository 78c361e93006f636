//! The tokens of an app's sellers in Redis, and the fenced lock that lets one refresher at a
//! time renew them. [`crate::RedisTokens`] builds on it; its pieces are public for tools that
//! manage tokens themselves (seeding after authorization, inspecting, tests).

use crate::connection::Redis;
use open1688_core::{Error, Secret, TokenResponse, TokenSet};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

static READ: LazyLock<redis::Script> =
    LazyLock::new(|| redis::Script::new(include_str!("tokens_read.lua")));
static PUT: LazyLock<redis::Script> =
    LazyLock::new(|| redis::Script::new(include_str!("tokens_put.lua")));
static LOCK: LazyLock<redis::Script> =
    LazyLock::new(|| redis::Script::new(include_str!("tokens_lock.lua")));
static WRITE: LazyLock<redis::Script> =
    LazyLock::new(|| redis::Script::new(include_str!("tokens_write.lua")));
static UNLOCK: LazyLock<redis::Script> =
    LazyLock::new(|| redis::Script::new(include_str!("tokens_unlock.lua")));

/// The access token lifetime 1688 documents, for answers without `expires_in`.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(36_000);

/// A seller's tokens as stored.
#[derive(Clone, Debug)]
pub struct StoredTokens {
    /// The access token.
    pub access_token: Secret,
    /// The refresh token.
    pub refresh_token: Secret,
    /// How long the access token has left, by the Redis server's clock (zero once expired).
    pub expires_in: Duration,
    /// Bumped by every write: a refresh happened when it changed.
    pub version: u64,
}

/// Proof of holding a seller's refresh lock: a number that grows with each holder, so a
/// write by an earlier holder is refused once a later one has begun.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fence(pub u64);

/// The tokens of one app's sellers in Redis.
#[derive(Clone, Debug)]
pub struct TokenStore {
    redis: Redis,
    app_key: String,
}

struct Keys {
    tokens: String,
    lock: String,
    fence: String,
}

impl TokenStore {
    /// The store of `app_key`'s sellers.
    pub fn new(redis: Redis, app_key: &str) -> TokenStore {
        TokenStore {
            redis,
            app_key: app_key.to_owned(),
        }
    }

    fn keys(&self, seller: &str) -> Keys {
        let tag = format!("{}/{seller}", self.app_key);
        Keys {
            tokens: self.redis.key(&tag, "tokens"),
            lock: self.redis.key(&tag, "tokens:lock"),
            fence: self.redis.key(&tag, "tokens:fence"),
        }
    }

    /// Stores a seller's tokens unconditionally, e.g. right after they authorized the app.
    pub async fn put(&self, seller: &str, tokens: &TokenSet) -> Result<u64, Error> {
        let keys = self.keys(seller);
        let lifetime = tokens.expires_at.saturating_duration_since(Instant::now());
        let args = [
            tokens.access_token.expose().to_owned(),
            tokens.refresh_token.expose().to_owned(),
            lifetime.as_millis().to_string(),
        ];
        Ok(self.redis.run(&PUT, &[&keys.tokens], &args).await?)
    }

    /// A seller's tokens, or `None` when none are stored.
    pub async fn get(&self, seller: &str) -> Result<Option<StoredTokens>, Error> {
        let keys = self.keys(seller);
        let (access, refresh, expires_at, version, now): (
            Option<String>,
            Option<String>,
            u64,
            u64,
            u64,
        ) = self.redis.run(&READ, &[&keys.tokens], &[]).await?;
        Ok(access.map(|access| StoredTokens {
            access_token: Secret::new(access),
            refresh_token: Secret::new(refresh.unwrap_or_default()),
            expires_in: Duration::from_millis(expires_at.saturating_sub(now)),
            version,
        }))
    }

    /// Takes the seller's refresh lock for `ttl` unless another process holds it. A holder
    /// that crashes loses it when `ttl` runs out.
    pub async fn try_lock(&self, seller: &str, ttl: Duration) -> Result<Option<Fence>, Error> {
        let keys = self.keys(seller);
        let ttl = ttl.as_millis().max(1).to_string();
        let fence: u64 = self
            .redis
            .run(&LOCK, &[&keys.lock, &keys.fence], &[ttl])
            .await?;
        Ok((fence > 0).then_some(Fence(fence)))
    }

    /// Stores the tokens a refresh under `fence` obtained, keeping the stored refresh token
    /// when the answer rotated none, and releases the lock. `Ok(false)`: a later refresher
    /// has begun since, and its tokens win; nothing was written.
    pub async fn write(
        &self,
        seller: &str,
        fence: Fence,
        answer: &TokenResponse,
    ) -> Result<bool, Error> {
        let keys = self.keys(seller);
        let lifetime = answer
            .expires_in
            .map_or(DEFAULT_LIFETIME, |s| Duration::from_secs(s.max(0) as u64));
        let args = [
            fence.0.to_string(),
            answer.access_token.expose().to_owned(),
            answer
                .refresh_token
                .as_ref()
                .map(|r| r.expose().to_owned())
                .unwrap_or_default(),
            lifetime.as_millis().to_string(),
        ];
        let version: u64 = self
            .redis
            .run(&WRITE, &[&keys.tokens, &keys.fence, &keys.lock], &args)
            .await?;
        Ok(version > 0)
    }

    /// Releases the lock if `fence` still holds it (after a failed refresh).
    pub async fn unlock(&self, seller: &str, fence: Fence) -> Result<(), Error> {
        let keys = self.keys(seller);
        let _: i64 = self
            .redis
            .run(&UNLOCK, &[&keys.lock], &[fence.0.to_string()])
            .await?;
        Ok(())
    }
}
