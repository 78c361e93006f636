//! Injected faults: scripted ("the next N calls"), QPS limits and seeded random ones.
//!
//! Faults are applied after the gateway has recognised the app key and the API, and before it
//! checks the signature, the token and the parameters, as a gateway's QoS layer would.
//! The random generator is seeded, so a run with the same seed injects the same faults.

use crate::journal::api_matches;
use open1688_core::ApiInfo;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// One way a call can fail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Throttling: HTTP 429 with `gw.QosAppFrequencyLimit`. `docs/protocol.md#errors` records the code
    /// but not the status; 429 is what HTTP means by it, and clients must key on the code.
    Throttle,
    /// A bare 5xx with an HTML body, as a load balancer in front of the gateway answers; the
    /// client sees no `gw.*` code. Any status is accepted.
    Status(u16),
    /// The connection is closed after the request was read, without an answer.
    Drop,
    /// The answer is held back this long, then given as usual (or never, if the client gave up).
    Delay(Duration),
    /// HTTP 200, `application/json`, and the first half of the body the call would have had.
    TruncatedJson,
    /// HTTP 200 with an HTML page instead of JSON.
    NonJson,
    /// Any status and body, as JSON.
    Respond {
        /// HTTP status.
        status: u16,
        /// The body.
        body: String,
    },
}

/// Which calls a fault rule applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every API, OAuth endpoints included.
    All,
    /// One API: `namespace:name-version`, or `namespace:name` for any version.
    Api(String),
}

impl Scope {
    fn covers(&self, api_id: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Api(query) => api_matches(api_id, query),
        }
    }
}

impl From<&str> for Scope {
    /// `"*"` is [`Scope::All`]; anything else an API id.
    fn from(value: &str) -> Self {
        if value == "*" {
            Scope::All
        } else {
            Scope::Api(value.to_owned())
        }
    }
}

impl From<&ApiInfo<'_>> for Scope {
    fn from(api: &ApiInfo<'_>) -> Self {
        Scope::Api(api.to_string())
    }
}

struct QpsLimit {
    scope: Scope,
    per_second: u32,
    admitted: VecDeque<Instant>,
}

struct State {
    rng: StdRng,
    scripts: Vec<(Scope, VecDeque<Fault>)>,
    random: Vec<(Scope, Fault, f64)>,
    qps: Vec<QpsLimit>,
    /// Probability of closing a new connection before reading anything from it.
    accept_drop: f64,
    accept_dropped: u64,
}

/// The fault rules of a running gateway. Get it from [`crate::MockGateway::faults`].
///
/// For each call, in this order: the API's scripted faults, then [`Scope::All`] scripted
/// faults, then QPS limits, then random faults; the first that applies wins.
pub struct Faults {
    state: Mutex<State>,
}

impl std::fmt::Debug for Faults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.lock();
        f.debug_struct("Faults")
            .field(
                "scripted",
                &s.scripts.iter().map(|(_, q)| q.len()).sum::<usize>(),
            )
            .field("random_rules", &s.random.len())
            .field("qps_limits", &s.qps.len())
            .finish()
    }
}

impl Faults {
    pub(crate) fn new(seed: u64) -> Self {
        Faults {
            state: Mutex::new(State {
                rng: StdRng::seed_from_u64(seed),
                scripts: Vec::new(),
                random: Vec::new(),
                qps: Vec::new(),
                accept_drop: 0.0,
                accept_dropped: 0,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues faults for the next calls in `scope`, one per call, after any already queued:
    /// `script("ns:api-1", [Fault::Status(503), Fault::Status(503)])` fails the next two calls,
    /// then the API behaves normally again.
    pub fn script(&self, scope: impl Into<Scope>, faults: impl IntoIterator<Item = Fault>) {
        let scope = scope.into();
        let mut s = self.lock();
        match s.scripts.iter_mut().find(|(sc, _)| *sc == scope) {
            Some((_, queue)) => queue.extend(faults),
            None => s.scripts.push((scope, faults.into_iter().collect())),
        }
    }

    /// Fails the next `n` calls in `scope` with `fault`.
    pub fn fail_next(&self, scope: impl Into<Scope>, n: usize, fault: Fault) {
        self.script(scope, std::iter::repeat(fault).take(n));
    }

    /// Injects `fault` into each call in `scope` with `probability` (0 to 1), drawn from the
    /// seeded generator.
    pub fn random(&self, scope: impl Into<Scope>, fault: Fault, probability: f64) {
        self.lock()
            .random
            .push((scope.into(), fault, probability.clamp(0.0, 1.0)));
    }

    /// Throttles ([`Fault::Throttle`]) calls in `scope` beyond `per_second` admitted calls in
    /// any sliding second. Throttled calls do not count.
    pub fn qps_limit(&self, scope: impl Into<Scope>, per_second: u32) {
        self.lock().qps.push(QpsLimit {
            scope: scope.into(),
            per_second,
            admitted: VecDeque::new(),
        });
    }

    /// Closes each new connection with `probability` before reading the request: the call
    /// certainly did not run, yet the client cannot tell (its request may have been written).
    /// Connections reused by keep-alive are not affected.
    pub fn drop_connections(&self, probability: f64) {
        self.lock().accept_drop = if probability.is_nan() {
            0.0
        } else {
            probability.clamp(0.0, 1.0)
        };
    }

    /// How many connections [`Faults::drop_connections`] has closed.
    pub fn connections_dropped(&self) -> u64 {
        self.lock().accept_dropped
    }

    /// Whether to close the connection just accepted.
    pub(crate) fn drop_on_accept(&self) -> bool {
        let mut s = self.lock();
        let p = s.accept_drop;
        let drop = p > 0.0 && s.rng.random_bool(p);
        s.accept_dropped += u64::from(drop);
        drop
    }

    /// Scripted faults still queued for exactly this scope.
    pub fn pending(&self, scope: impl Into<Scope>) -> usize {
        let scope = scope.into();
        self.lock()
            .scripts
            .iter()
            .filter(|(sc, _)| *sc == scope)
            .map(|(_, q)| q.len())
            .sum()
    }

    /// Removes every rule (the generator keeps its state).
    pub fn clear(&self) {
        let mut s = self.lock();
        s.scripts.clear();
        s.random.clear();
        s.qps.clear();
        s.accept_drop = 0.0;
    }

    /// The fault for this call of `api_id`, if any; consumes a scripted one.
    pub(crate) fn pick(&self, api_id: &str, now: Instant) -> Option<Fault> {
        let mut s = self.lock();
        let scripted = |scope_is_all: bool, s: &mut State| {
            s.scripts
                .iter_mut()
                .filter(|(sc, _)| (*sc == Scope::All) == scope_is_all && sc.covers(api_id))
                .find_map(|(_, q)| q.pop_front())
        };
        if let Some(fault) = scripted(false, &mut s).or_else(|| scripted(true, &mut s)) {
            return Some(fault);
        }
        let mut throttled = false;
        for limit in s.qps.iter_mut().filter(|l| l.scope.covers(api_id)) {
            while limit
                .admitted
                .front()
                .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
            {
                limit.admitted.pop_front();
            }
            throttled |= limit.admitted.len() >= limit.per_second as usize;
        }
        if throttled {
            return Some(Fault::Throttle);
        }
        for limit in s.qps.iter_mut().filter(|l| l.scope.covers(api_id)) {
            limit.admitted.push_back(now);
        }
        let State { rng, random, .. } = &mut *s;
        random
            .iter()
            .filter(|(sc, _, _)| sc.covers(api_id))
            .find(|(_, _, p)| rng.random_bool(*p))
            .map(|(_, f, _)| f.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const API: &str = "com.alibaba.trade:alibaba.trade.cancel-1";

    #[test]
    fn scripts_run_in_order_then_stop() {
        let f = Faults::new(1);
        f.script(API, [Fault::Status(503), Fault::Throttle]);
        let now = Instant::now();
        assert_eq!(f.pick(API, now), Some(Fault::Status(503)));
        assert_eq!(f.pick("other:api-1", now), None);
        assert_eq!(f.pick(API, now), Some(Fault::Throttle));
        assert_eq!(f.pick(API, now), None);
    }

    #[test]
    fn api_scripts_come_before_global_ones() {
        let f = Faults::new(1);
        f.fail_next("*", 1, Fault::Drop);
        f.fail_next("com.alibaba.trade:alibaba.trade.cancel", 1, Fault::NonJson);
        let now = Instant::now();
        assert_eq!(f.pick(API, now), Some(Fault::NonJson));
        assert_eq!(f.pick(API, now), Some(Fault::Drop));
        assert_eq!(f.pending("*"), 0);
    }

    #[test]
    fn qps_limit_throttles_within_a_second_and_recovers() {
        let f = Faults::new(1);
        f.qps_limit(Scope::All, 2);
        let t0 = Instant::now();
        assert_eq!(f.pick(API, t0), None);
        assert_eq!(f.pick(API, t0), None);
        assert_eq!(f.pick(API, t0), Some(Fault::Throttle));
        assert_eq!(f.pick(API, t0 + Duration::from_millis(1001)), None);
    }

    #[test]
    fn random_faults_are_deterministic_per_seed() {
        let run = |seed| {
            let f = Faults::new(seed);
            f.random(API, Fault::Throttle, 0.5);
            (0..64)
                .map(|_| f.pick(API, Instant::now()).is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let hits = run(7).iter().filter(|x| **x).count();
        assert!((16..48).contains(&hits), "{hits}");
    }
}
