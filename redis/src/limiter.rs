//! The fleet's rate limiter: GCRA in one Lua script on Redis, with a policy for when Redis is
//! down or slow.

use crate::connection::{Redis, RedisError};
use open1688_core::{BoxFuture, Budget, Error, Limits, LocalLimiter, RateLimiter};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

static GCRA: LazyLock<redis::Script> =
    LazyLock::new(|| redis::Script::new(include_str!("gcra.lua")));

/// What a [`RedisLimiter`] does when Redis does not answer in time.
#[derive(Clone, Debug, PartialEq)]
pub enum WhenDown {
    /// Keep to these budgets in this process alone until Redis is back, e.g. the fleet's
    /// budgets divided by the number of workers.
    Local(Limits),
    /// Fail the call with [`Error::RateLimited`] (it is not sent).
    Fail,
}

/// A rate limiter every worker of a fleet shares: the per-app and per-API budgets live in
/// Redis, and one Lua script reserves a slot on all of a call's budgets atomically, on the
/// server's clock. Each call costs one round trip to Redis; a worker then sleeps until its slot.
///
/// When Redis fails or exceeds its timeout, the [`WhenDown`] policy applies (logged once per
/// outage), and Redis is left alone for `retry_after` (default 1 s) before it is tried again,
/// so an outage costs one timeout, not one per call.
///
/// ```no_run
/// # fn demo() -> Result<(), open1688_core::Error> {
/// use open1688_core::{Client, Credentials, Limits, Rate};
/// use open1688_redis::{Redis, RedisLimiter, WhenDown};
/// let redis = Redis::new("redis://127.0.0.1:6379")?;
/// let limits = Limits::per_app(Rate::per_second(190.0));
/// let limiter = RedisLimiter::new(redis, "1000000", limits.clone())?
///     .when_down(WhenDown::Local(Limits::per_app(Rate::per_second(190.0 / 8.0))))?;
/// let client = Client::builder(Credentials::new("1000000", "app-secret"))
///     .rate_limiter(limiter)
///     .build()?;
/// # Ok(()) }
/// ```
pub struct RedisLimiter {
    redis: Redis,
    app_key: String,
    limits: Limits,
    fallback: Option<LocalLimiter>,
    retry_after: Duration,
    /// While Redis is considered down: until when it is not asked.
    down_until: Mutex<Option<Instant>>,
    down: AtomicBool,
}

impl fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimiter")
            .field("redis", &self.redis)
            .field("app_key", &self.app_key)
            .field("limits", &self.limits)
            .field(
                "fallback",
                &self.fallback.as_ref().map(LocalLimiter::limits),
            )
            .field("down", &self.is_down())
            .finish()
    }
}

impl RedisLimiter {
    /// A limiter for `app_key`'s calls keeping to `limits` across every process that uses the
    /// same Redis and app key. When Redis is down each process falls back to the same `limits`
    /// on its own (change that with [`RedisLimiter::when_down`]). Fails on a rate that is not
    /// positive.
    pub fn new(redis: Redis, app_key: &str, limits: Limits) -> Result<RedisLimiter, Error> {
        let fallback = LocalLimiter::new(limits.clone())?;
        Ok(RedisLimiter {
            redis,
            app_key: app_key.to_owned(),
            limits,
            fallback: Some(fallback),
            retry_after: Duration::from_secs(1),
            down_until: Mutex::new(None),
            down: AtomicBool::new(false),
        })
    }

    /// What to do while Redis is down or slow.
    pub fn when_down(mut self, policy: WhenDown) -> Result<RedisLimiter, Error> {
        self.fallback = match policy {
            WhenDown::Local(limits) => Some(LocalLimiter::new(limits)?),
            WhenDown::Fail => None,
        };
        Ok(self)
    }

    /// How long Redis is left alone after a failure before it is tried again (default 1 s).
    pub fn retry_after(mut self, pause: Duration) -> RedisLimiter {
        self.retry_after = pause;
        self
    }

    /// Whether the last attempt to reach Redis failed (the policy is in force).
    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::Relaxed)
    }

    /// The Redis key of a budget's state.
    fn budget_key(&self, budget: &Budget) -> String {
        match budget {
            Budget::App => self.redis.key(&self.app_key, "rate:app"),
            Budget::Api(id) => self.redis.key(&self.app_key, &format!("rate:api:{id}")),
        }
    }

    /// Reserves a slot in Redis: `Ok(Ok(wait))`, `Ok(Err(wait))` when too far, or Redis failed.
    async fn reserve(
        &self,
        api_id: &str,
        max_wait: Duration,
    ) -> Result<Result<Duration, Duration>, RedisError> {
        let budgets = self.limits.budgets_for(api_id);
        if budgets.is_empty() {
            return Ok(Ok(Duration::ZERO));
        }
        let keys: Vec<String> = budgets.iter().map(|(b, _)| self.budget_key(b)).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let mut args = vec![micros(max_wait).to_string()];
        for (_, rate) in &budgets {
            args.push(micros(rate.interval()).to_string());
            args.push(micros(rate.tolerance()).to_string());
        }
        let (reserved, wait): (i64, i64) = self.redis.run(&GCRA, &keys, &args).await?;
        let wait = Duration::from_micros(wait.max(0) as u64);
        Ok(if reserved == 1 { Ok(wait) } else { Err(wait) })
    }

    fn skip_redis(&self) -> bool {
        let down_until = self.down_until.lock().unwrap_or_else(|e| e.into_inner());
        down_until.is_some_and(|until| Instant::now() < until)
    }

    fn mark_down(&self, error: &RedisError) {
        *self.down_until.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Instant::now() + self.retry_after);
        if !self.down.swap(true, Ordering::Relaxed) {
            let policy = if self.fallback.is_some() {
                "keeping to the local budgets until it is back"
            } else {
                "failing calls until it is back"
            };
            tracing::warn!(app_key = %self.app_key, "shared rate limiter unavailable ({error}); {policy}");
        }
    }

    fn mark_up(&self) {
        if self.down.swap(false, Ordering::Relaxed) {
            tracing::info!(app_key = %self.app_key, "shared rate limiter reachable again");
        }
    }

    async fn degraded(&self, api_id: &str, max_wait: Duration, why: &str) -> Result<(), Error> {
        match &self.fallback {
            Some(local) => local.acquire(api_id, max_wait).await,
            None => Err(Error::RateLimited {
                api: api_id.to_owned(),
                message: format!("the shared rate limiter is unavailable ({why})"),
            }),
        }
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX / 4)
}

impl RateLimiter for RedisLimiter {
    fn acquire<'a>(
        &'a self,
        api_id: &'a str,
        max_wait: Duration,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            if self.skip_redis() {
                return self
                    .degraded(api_id, max_wait, "it failed moments ago")
                    .await;
            }
            match self.reserve(api_id, max_wait).await {
                Ok(slot) => {
                    self.mark_up();
                    match slot {
                        Ok(wait) => {
                            if !wait.is_zero() {
                                tokio::time::sleep(wait).await;
                            }
                            Ok(())
                        }
                        Err(wait) => Err(Error::RateLimited {
                            api: api_id.to_owned(),
                            message: format!(
                                "the fleet's next slot is {wait:?} away, beyond the call's {max_wait:?} timeout"
                            ),
                        }),
                    }
                }
                Err(e) => {
                    self.mark_down(&e);
                    self.degraded(api_id, max_wait, &e.to_string()).await
                }
            }
        })
    }
}
