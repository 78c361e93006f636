//! When to try a failed call again, and how long to wait first.

use crate::Error;
use std::time::Duration;

/// Exponential backoff with jitter.
///
/// Throttling (the documented codes in [`crate::THROTTLING_CODES`]) and failures to connect
/// (the connection was never established, a connect timeout included) are retried for every
/// API: the call certainly did not run. 5xx, connections lost mid-call and timeouts are retried only for idempotent APIs
/// (or when the caller opts in), since the call may have run. Nothing else is ever retried.
///
/// ```
/// use open1688_core::{Error, RetryPolicy};
/// use std::time::Duration;
/// let policy = RetryPolicy::default();
/// let timeout = Error::Timeout(Duration::from_secs(1));
/// assert_eq!(policy.backoff(1, &timeout, false, 0.5), None); // may have run: never repeat
/// assert_eq!(policy.backoff(1, &timeout, true, 0.0), Some(Duration::from_millis(100)));
/// assert_eq!(policy.backoff(2, &timeout, true, 1.0), Some(Duration::from_millis(400)));
/// assert_eq!(policy.backoff(3, &timeout, true, 0.0), None); // 3 attempts in all
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// The delay ceiling before the second attempt; it doubles for each further attempt.
    pub base_delay: Duration,
    /// The cap on any one delay.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait before another try after attempt number `attempt` (1-based) failed with
    /// `error`, or `None` to give up. `jitter` in `[0, 1]` picks a point in the upper half of
    /// the backoff window ("equal jitter"), so concurrent clients spread out yet never retry at once.
    pub fn backoff(
        &self,
        attempt: u32,
        error: &Error,
        idempotent: bool,
        jitter: f64,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        if !(error.was_not_sent() || (idempotent && error.is_retryable())) {
            return None;
        }
        let window = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20))
            .min(self.max_delay);
        // NaN or infinite jitter (a broken random source) must not panic `mul_f64`.
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.5
        };
        Some(window / 2 + window.mul_f64(jitter / 2.0))
    }
}

/// Caps retries across all calls of a client, so a failing gateway sees at most a fraction more
/// traffic rather than every call multiplied by `max_attempts`.
///
/// Every first attempt deposits `ratio` of a retry; every retry withdraws one. The balance
/// starts at, and never exceeds, `reserve` retries, so a burst of failures after a quiet period
/// is still retried.
///
/// ```
/// use open1688_core::RetryBudget;
/// let budget = RetryBudget::new(0.5, 2);
/// assert!(budget.try_retry() && budget.try_retry());
/// assert!(!budget.try_retry()); // reserve spent
/// budget.on_call();
/// budget.on_call();
/// assert!(budget.try_retry()); // two calls earned one retry
/// ```
#[derive(Debug)]
pub struct RetryBudget {
    /// Balance in thousandths of a retry.
    balance: std::sync::atomic::AtomicU64,
    deposit: u64,
    cap: u64,
}

const UNIT: u64 = 1000;

impl RetryBudget {
    /// A budget earning `ratio` retries per call (clamped to `[0, 1]`, NaN as 0), holding at most
    /// `reserve` retries.
    pub fn new(ratio: f64, reserve: u32) -> Self {
        let ratio = if ratio.is_nan() {
            0.0
        } else {
            ratio.clamp(0.0, 1.0)
        };
        let cap = u64::from(reserve) * UNIT;
        RetryBudget {
            balance: std::sync::atomic::AtomicU64::new(cap),
            deposit: (ratio * UNIT as f64) as u64,
            cap,
        }
    }

    /// Records a first attempt.
    pub fn on_call(&self) {
        // At the cap, the usual state, there is nothing to add: a read, not a write that
        // would take the cache line from every other core's calls.
        let _ = self.balance.fetch_update(
            std::sync::atomic::Ordering::Relaxed,
            std::sync::atomic::Ordering::Relaxed,
            |b| (b < self.cap).then(|| (b + self.deposit).min(self.cap)),
        );
    }

    /// Takes one retry from the budget; `false` when it is spent.
    pub fn try_retry(&self) -> bool {
        self.balance
            .fetch_update(
                std::sync::atomic::Ordering::Relaxed,
                std::sync::atomic::Ordering::Relaxed,
                |b| b.checked_sub(UNIT),
            )
            .is_ok()
    }
}

impl Default for RetryBudget {
    /// 20% extra traffic at most, with a reserve of 100 retries.
    fn default() -> Self {
        RetryBudget::new(0.2, 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gateway(status: u16, code: &str) -> Error {
        Error::Gateway {
            status,
            code: code.into(),
            message: String::new(),
            request_id: None,
        }
    }

    #[test]
    fn throttling_is_retried_even_for_orders() {
        let p = RetryPolicy::default();
        assert!(p
            .backoff(1, &gateway(429, "gw.QosAppFrequencyLimit"), false, 0.3)
            .is_some());
        assert!(p
            .backoff(1, &gateway(503, "HTTP 503"), false, 0.3)
            .is_none());
        assert!(p.backoff(1, &gateway(503, "HTTP 503"), true, 0.3).is_some());
    }

    #[test]
    fn a_connection_never_made_is_retried_even_for_orders() {
        let p = RetryPolicy::default();
        let refused = Error::Transport {
            message: "connection refused".into(),
            connect: true,
        };
        let lost = Error::Transport {
            message: "connection reset".into(),
            connect: false,
        };
        assert!(p.backoff(1, &refused, false, 0.3).is_some());
        assert!(p.backoff(1, &lost, false, 0.3).is_none());
        assert!(p.backoff(1, &lost, true, 0.3).is_some());
    }

    #[test]
    fn configuration_and_business_errors_are_final() {
        let p = RetryPolicy {
            max_attempts: 10,
            ..RetryPolicy::default()
        };
        for code in [
            "gw.SignatureInvalid",
            "gw.APIACLDecline",
            "gw.APIUnsupported",
            "gw.ParamMissing",
            "gw.NoUsageLeftError",
            "gw.AppKeyNotFound",
        ] {
            assert_eq!(p.backoff(1, &gateway(400, code), true, 0.5), None, "{code}");
        }
        assert_eq!(
            p.backoff(
                1,
                &Error::Business {
                    code: None,
                    message: String::new()
                },
                true,
                0.5
            ),
            None
        );
        assert_eq!(
            p.backoff(
                1,
                &Error::Unauthorized {
                    status: 401,
                    message: String::new(),
                    request_id: None
                },
                true,
                0.5
            ),
            None
        );
    }

    #[test]
    fn only_documented_throttling_codes_make_writes_retryable() {
        let p = RetryPolicy::default();
        for code in crate::THROTTLING_CODES {
            assert!(
                p.backoff(1, &gateway(429, code), false, 0.3).is_some(),
                "{code}"
            );
        }
        for code in ["gw.QosSomethingNew", "gw.Qos", "gw.QosAppFrequencyLimitX"] {
            assert!(
                p.backoff(1, &gateway(400, code), false, 0.3).is_none(),
                "{code}"
            );
        }
    }

    #[test]
    fn nan_and_infinite_jitter_and_attempt_zero_do_not_panic() {
        let p = RetryPolicy::default();
        let t = Error::Timeout(Duration::ZERO);
        for jitter in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 7.0] {
            let d = p.backoff(1, &t, true, jitter).unwrap();
            assert!(d <= p.base_delay, "{jitter}: {d:?}");
        }
        assert!(p.backoff(0, &t, true, 0.5).is_some());
    }

    #[test]
    fn the_budget_bounds_retries_to_a_fraction_of_calls() {
        let budget = RetryBudget::new(0.1, 5);
        let mut retries = 0;
        for _ in 0..1000 {
            budget.on_call();
            if budget.try_retry() {
                retries += 1;
            }
        }
        assert!((100..=106).contains(&retries), "{retries}");
        assert!(!RetryBudget::new(f64::NAN, 0).try_retry());
    }

    #[test]
    fn delays_double_and_stop_at_the_cap() {
        let p = RetryPolicy {
            max_attempts: 20,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        };
        let t = Error::Timeout(Duration::ZERO);
        let top: Vec<_> = (1..8)
            .map(|n| p.backoff(n, &t, true, 1.0).unwrap().as_millis())
            .collect();
        assert_eq!(top, [200, 400, 800, 1600, 3200, 5000, 5000]);
        assert_eq!(
            p.backoff(19, &t, true, 0.0),
            Some(Duration::from_millis(2500))
        );
    }
}
