//! The gateway's QoS limits: calls per second per app and per API, as the real gateway
//! enforces them (`gw.QosAppFrequencyLimit`, `gw.QosAPIFrequencyLimit`, `docs/protocol.md#errors`).
//!
//! A limit admits at most `qps` calls in any sliding second (the strictest reading of "calls per
//! second"); refused calls do not count. Each app has its own budgets.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Which limit refused a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exceeded {
    /// The app's: `gw.QosAppFrequencyLimit`.
    App,
    /// The API's: `gw.QosAPIFrequencyLimit`.
    Api,
}

impl Exceeded {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Exceeded::App => "gw.QosAppFrequencyLimit",
            Exceeded::Api => "gw.QosAPIFrequencyLimit",
        }
    }

    pub(crate) fn message(self, qps: u32) -> String {
        match self {
            Exceeded::App => {
                format!("App call frequency exceeds the limit of {qps} calls per second")
            }
            Exceeded::Api => {
                format!("API call frequency exceeds the limit of {qps} calls per second")
            }
        }
    }
}

/// The configured limits: per app, and per API id (`namespace:name-version`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct QpsConfig {
    pub(crate) app: Option<u32>,
    pub(crate) apis: Vec<(String, u32)>,
}

#[derive(Default)]
struct Window(VecDeque<Instant>);

impl Window {
    fn full(&mut self, now: Instant, qps: u32) -> bool {
        while self
            .0
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            self.0.pop_front();
        }
        self.0.len() >= qps as usize
    }
}

/// The windows of admitted calls, by app and by (app, API).
pub(crate) struct Qos {
    config: QpsConfig,
    windows: Mutex<HashMap<(String, Option<String>), Window>>,
}

impl Qos {
    pub(crate) fn new(config: QpsConfig) -> Qos {
        Qos {
            config,
            windows: Mutex::new(HashMap::new()),
        }
    }

    fn windows(&self) -> MutexGuard<'_, HashMap<(String, Option<String>), Window>> {
        self.windows.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Admits a call of `api_id` by `app_key` now, or names the limit it exceeds and its qps.
    pub(crate) fn admit(&self, app_key: &str, api_id: &str) -> Result<(), (Exceeded, u32)> {
        let api_limit = self.config.apis.iter().find(|(id, _)| id == api_id);
        if self.config.app.is_none() && api_limit.is_none() {
            return Ok(());
        }
        let now = Instant::now();
        let mut windows = self.windows();
        let mut limits = Vec::with_capacity(2);
        if let Some(qps) = self.config.app {
            limits.push(((app_key.to_owned(), None), qps, Exceeded::App));
        }
        if let Some((id, qps)) = api_limit {
            limits.push(((app_key.to_owned(), Some(id.clone())), *qps, Exceeded::Api));
        }
        for (key, qps, which) in &limits {
            if windows.entry(key.clone()).or_default().full(now, *qps) {
                return Err((*which, *qps));
            }
        }
        for (key, _, _) in limits {
            windows.entry(key).or_default().0.push_back(now);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const API: &str = "com.alibaba.product:alibaba.product.get-1";

    #[test]
    fn app_and_api_limits_are_separate_and_per_app() {
        let qos = Qos::new(QpsConfig {
            app: Some(3),
            apis: vec![(API.into(), 1)],
        });
        assert_eq!(qos.admit("a", API), Ok(()));
        assert_eq!(qos.admit("a", API), Err((Exceeded::Api, 1)));
        assert_eq!(qos.admit("a", "other:x-1"), Ok(()));
        assert_eq!(qos.admit("a", "other:x-1"), Ok(()));
        assert_eq!(qos.admit("a", "other:x-1"), Err((Exceeded::App, 3)));
        assert_eq!(qos.admit("b", API), Ok(()));
    }
}
