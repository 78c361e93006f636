//! Client-side rate limiting: a per-app budget and optional per-API budgets, consulted before
//! every attempt (retries included), so a client waits for a slot instead of being throttled
//! (`gw.QosAppFrequencyLimit`, `gw.QosAPIFrequencyLimit`).
//!
//! [`LocalLimiter`] keeps the budget in this process; `open1688-redis` shares it across a fleet.

use crate::token::BoxFuture;
use crate::Error;
use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A sustained rate with a burst allowance.
///
/// ```
/// use open1688_core::Rate;
/// use std::time::Duration;
/// let rate = Rate::per_second(50.0);
/// assert_eq!(rate.interval(), Duration::from_millis(20));
/// assert_eq!(rate.burst, 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    /// Calls per second, sustained.
    pub per_second: f64,
    /// Calls that may go back to back after an idle spell (at least 1).
    pub burst: u32,
}

impl Rate {
    /// `per_second` calls a second, evenly spaced (burst 1).
    pub fn per_second(per_second: f64) -> Rate {
        Rate {
            per_second,
            burst: 1,
        }
    }

    /// The same rate allowing `burst` calls back to back.
    pub fn burst(mut self, burst: u32) -> Rate {
        self.burst = burst.max(1);
        self
    }

    /// The time between two calls at the sustained rate.
    pub fn interval(&self) -> Duration {
        if self.per_second.is_finite() && self.per_second > 0.0 {
            // Whole nanoseconds, so 100/s is exactly 10 ms.
            Duration::from_nanos((1e9 / self.per_second).round().max(1.0) as u64)
        } else {
            Duration::MAX
        }
    }

    /// How far ahead of its slot a call may go: `(burst - 1)` intervals.
    pub fn tolerance(&self) -> Duration {
        self.interval()
            .saturating_mul(self.burst.max(1).saturating_sub(1))
    }

    fn check(&self, what: &str) -> Result<(), Error> {
        if self.per_second.is_finite() && self.per_second > 0.0 {
            Ok(())
        } else {
            Err(Error::InvalidInput {
                param: what.to_owned(),
                message: format!(
                    "a rate must be a positive number of calls per second, not {}",
                    self.per_second
                ),
            })
        }
    }
}

/// The budgets: one for the whole app, and optionally one per API (`namespace:name-version`,
/// as [`crate::ApiInfo`] displays it). A call takes a slot from each budget that covers it.
///
/// ```
/// use open1688_core::{Limits, Rate};
/// let limits = Limits::per_app(Rate::per_second(100.0))
///     .api("com.alibaba.product:alibaba.product.get-1", Rate::per_second(20.0));
/// assert_eq!(limits.budgets_for("com.alibaba.product:alibaba.product.get-1").len(), 2);
/// assert_eq!(limits.budgets_for("com.alibaba.trade:alibaba.trade.cancel-1").len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Limits {
    /// The budget every call of the app shares.
    pub app: Option<Rate>,
    /// Budgets of single APIs, by API id.
    pub apis: HashMap<String, Rate>,
}

/// Which budget a slot comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Budget {
    /// The app's.
    App,
    /// One API's, by id.
    Api(String),
}

impl Limits {
    /// A per-app budget and no per-API ones.
    pub fn per_app(rate: Rate) -> Limits {
        Limits {
            app: Some(rate),
            apis: HashMap::new(),
        }
    }

    /// Adds a budget for one API (`namespace:name-version`).
    pub fn api(mut self, api_id: impl Into<String>, rate: Rate) -> Limits {
        self.apis.insert(api_id.into(), rate);
        self
    }

    /// The budgets a call of `api_id` takes a slot from: the app's first, then the API's.
    pub fn budgets_for(&self, api_id: &str) -> Vec<(Budget, Rate)> {
        let app = self.app.map(|r| (Budget::App, r));
        let api = self
            .apis
            .get(api_id)
            .map(|r| (Budget::Api(api_id.to_owned()), *r));
        app.into_iter().chain(api).collect()
    }

    /// Fails on a rate that is not a positive number.
    pub fn validate(&self) -> Result<(), Error> {
        if let Some(app) = &self.app {
            app.check("rate limit (app)")?;
        }
        for (api, rate) in &self.apis {
            rate.check(&format!("rate limit ({api})"))?;
        }
        Ok(())
    }
}

/// Decides when a call may be sent. The client asks it before every attempt.
pub trait RateLimiter: Send + Sync + fmt::Debug {
    /// Reserves a slot for one call of `api_id` and waits until it comes. When the slot is
    /// further away than `max_wait`, reserves nothing and fails with [`Error::RateLimited`]
    /// at once rather than sleeping into a certain timeout.
    fn acquire<'a>(
        &'a self,
        api_id: &'a str,
        max_wait: Duration,
    ) -> BoxFuture<'a, Result<(), Error>>;
}

impl<T: RateLimiter + ?Sized> RateLimiter for std::sync::Arc<T> {
    fn acquire<'a>(
        &'a self,
        api_id: &'a str,
        max_wait: Duration,
    ) -> BoxFuture<'a, Result<(), Error>> {
        (**self).acquire(api_id, max_wait)
    }
}

/// The error of a slot that is too far away.
pub(crate) fn too_far(api_id: &str, wait: Duration, max_wait: Duration) -> Error {
    Error::RateLimited {
        api: api_id.to_owned(),
        message: format!("the next slot is {wait:?} away, beyond the call's {max_wait:?} timeout"),
    }
}

/// GCRA over in-process state: each budget remembers the theoretical arrival time (TAT) of
/// its next call. Reserving a slot moves TAT on by one interval, so concurrent callers get
/// distinct slots and sleep until theirs, without polling.
pub(crate) fn reserve(
    tats: &mut HashMap<Budget, Instant>,
    budgets: &[(Budget, Rate)],
    now: Instant,
    max_wait: Duration,
) -> Result<Duration, Duration> {
    // The earliest moment every budget admits the call.
    let wait = budgets
        .iter()
        .map(|(budget, rate)| {
            let tat = tats.get(budget).copied().unwrap_or(now).max(now);
            (tat - now).saturating_sub(rate.tolerance())
        })
        .max()
        .unwrap_or_default();
    if wait > max_wait {
        return Err(wait);
    }
    let at = now + wait;
    for (budget, rate) in budgets {
        let tat = tats.get(budget).copied().unwrap_or(at).max(at);
        tats.insert(budget.clone(), tat + rate.interval());
    }
    Ok(wait)
}

/// The in-process limiter: one process never exceeds the budgets, however many tasks call.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), open1688_core::Error> {
/// use open1688_core::{Limits, LocalLimiter, Rate, RateLimiter};
/// use std::time::{Duration, Instant};
/// let limiter = LocalLimiter::new(Limits::per_app(Rate::per_second(100.0)))?;
/// let start = Instant::now();
/// for _ in 0..5 {
///     limiter.acquire("system:currentTime-1", Duration::from_secs(1)).await?;
/// }
/// assert!(start.elapsed() >= Duration::from_millis(40)); // 10 ms apart
/// # Ok(()) }
/// ```
pub struct LocalLimiter {
    limits: Limits,
    tats: Mutex<HashMap<Budget, Instant>>,
}

impl fmt::Debug for LocalLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalLimiter")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl LocalLimiter {
    /// A limiter enforcing `limits`; fails on a rate that is not positive.
    pub fn new(limits: Limits) -> Result<LocalLimiter, Error> {
        limits.validate()?;
        Ok(LocalLimiter {
            limits,
            tats: Mutex::new(HashMap::new()),
        })
    }

    /// The budgets it enforces.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Reserves a slot without waiting: the time until it comes, or `Err(wait)` when that is
    /// beyond `max_wait` (nothing reserved).
    pub fn reserve(&self, api_id: &str, max_wait: Duration) -> Result<Duration, Duration> {
        let budgets = self.limits.budgets_for(api_id);
        if budgets.is_empty() {
            return Ok(Duration::ZERO);
        }
        let mut tats = self.tats.lock().unwrap_or_else(|e| e.into_inner());
        reserve(&mut tats, &budgets, Instant::now(), max_wait)
    }
}

impl RateLimiter for LocalLimiter {
    fn acquire<'a>(
        &'a self,
        api_id: &'a str,
        max_wait: Duration,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            match self.reserve(api_id, max_wait) {
                Ok(Duration::ZERO) => Ok(()),
                Ok(wait) => {
                    tokio::time::sleep(wait).await;
                    Ok(())
                }
                Err(wait) => Err(too_far(api_id, wait, max_wait)),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const API: &str = "com.alibaba.product:alibaba.product.get-1";

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn slots_are_spaced_by_the_interval_after_the_burst() {
        let mut tats = HashMap::new();
        let budgets = [(Budget::App, Rate::per_second(100.0).burst(3))];
        let now = Instant::now();
        let waits: Vec<_> = (0..6)
            .map(|_| reserve(&mut tats, &budgets, now, ms(1000)).unwrap())
            .collect();
        assert_eq!(waits, [ms(0), ms(0), ms(0), ms(10), ms(20), ms(30)]);
        // Ten idle intervals later the burst is available again.
        let later = now + ms(100);
        assert_eq!(reserve(&mut tats, &budgets, later, ms(1000)), Ok(ms(0)));
    }

    #[test]
    fn a_call_waits_for_the_slowest_budget_and_takes_a_slot_from_each() {
        let mut tats = HashMap::new();
        let budgets = [
            (Budget::App, Rate::per_second(1000.0)),
            (Budget::Api(API.into()), Rate::per_second(10.0)),
        ];
        let now = Instant::now();
        assert_eq!(reserve(&mut tats, &budgets, now, ms(1000)), Ok(ms(0)));
        assert_eq!(reserve(&mut tats, &budgets, now, ms(1000)), Ok(ms(100)));
        // The app's next slot follows the call it admitted at +100 ms.
        let app_only = [(Budget::App, Rate::per_second(1000.0))];
        assert_eq!(reserve(&mut tats, &app_only, now, ms(1000)), Ok(ms(101)));
    }

    #[test]
    fn a_slot_beyond_the_deadline_is_refused_and_not_reserved() {
        let mut tats = HashMap::new();
        let budgets = [(Budget::App, Rate::per_second(10.0))];
        let now = Instant::now();
        reserve(&mut tats, &budgets, now, ms(0)).unwrap();
        assert_eq!(reserve(&mut tats, &budgets, now, ms(50)), Err(ms(100)));
        assert_eq!(reserve(&mut tats, &budgets, now, ms(100)), Ok(ms(100)));
    }

    #[test]
    fn bad_rates_are_named() {
        let err = LocalLimiter::new(Limits::default().api(API, Rate::per_second(0.0))).unwrap_err();
        assert!(err.to_string().contains(API), "{err}");
        assert!(LocalLimiter::new(Limits::per_app(Rate::per_second(f64::NAN))).is_err());
    }

    #[tokio::test]
    async fn many_tasks_share_one_budget() {
        let limiter = std::sync::Arc::new(
            LocalLimiter::new(Limits::per_app(Rate::per_second(200.0))).unwrap(),
        );
        let start = Instant::now();
        let tasks: Vec<_> = (0..40)
            .map(|_| {
                let l = limiter.clone();
                tokio::spawn(async move { l.acquire(API, Duration::from_secs(5)).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        // 40 calls at 200/s: the last slot is 39 intervals (195 ms) after the first.
        assert!(start.elapsed() >= ms(190), "{:?}", start.elapsed());
        let err = limiter.acquire(API, ms(1)).await.unwrap_err();
        assert!(matches!(err, Error::RateLimited { .. }), "{err}");
    }
}
