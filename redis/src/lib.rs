//! A rate limiter and token store that a fleet of open1688 clients shares through Redis.
//!
//! 1688 throttles per app (`gw.QosAppFrequencyLimit`) and per API, and each seller authorises
//! an app once; so when many processes call for one app, they must share one budget and each
//! seller's one token:
//!
//! - [`RedisLimiter`]: per-app and per-API budgets kept by a GCRA Lua script on the Redis
//!   server's clock; a [`WhenDown`] policy for Redis being down or slow;
//! - [`RedisTokens`]: a seller's tokens in Redis, refreshed by one worker at a time under a
//!   lock with expiry and a fencing token ([`TokenStore`] underneath).
//!
//! Both share one [`Redis`] handle: a lazily connected, self-reconnecting multiplexed
//! connection with a timeout on every operation.
//!
//! ```no_run
//! # async fn demo(tokens: open1688_core::TokenSet) -> Result<(), open1688_core::Error> {
//! use open1688_core::{Client, Credentials, Limits, Rate};
//! use open1688_redis::{Redis, RedisLimiter, RedisTokens, TokenStore};
//! let redis = Redis::new("redis://127.0.0.1:6379")?;
//! let app = Client::builder(Credentials::new("1000000", "app-secret"))
//!     .rate_limiter(RedisLimiter::new(redis.clone(), "1000000", Limits::per_app(Rate::per_second(190.0)))?)
//!     .build()?;
//! TokenStore::new(redis.clone(), "1000000").put("seller-42", &tokens).await?;
//! let seller = app.with_token_provider(RedisTokens::new(redis, app.oauth(), "1000000", "seller-42"));
//! # Ok(()) }
//! ```

mod connection;
mod limiter;
mod store;
mod tokens;

pub use connection::Redis;
pub use limiter::{RedisLimiter, WhenDown};
pub use store::{Fence, StoredTokens, TokenStore};
pub use tokens::RedisTokens;
