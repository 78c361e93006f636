//! The state every request handler shares.

use crate::config::{MockGatewayBuilder, Reply};
use crate::faults::Faults;
use crate::journal::{api_matches, Journal};
use crate::limits::Qos;
use crate::tokens::Tokens;
use open1688_core::{ApiDoc, Secret};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The gateway's shared state.
pub(crate) struct Gateway {
    apps: Vec<(String, Secret)>,
    apis: HashMap<(String, String, u32), &'static ApiDoc>,
    replies: Mutex<Vec<(String, Reply)>>,
    pub(crate) tokens: Tokens,
    pub(crate) journal: Journal,
    pub(crate) faults: Faults,
    pub(crate) channel: crate::channel::Hub,
    pub(crate) qos: Qos,
    pub(crate) postpone_window: Duration,
    request_ids: AtomicU64,
    seed: u64,
}

impl Gateway {
    pub(crate) fn new(config: MockGatewayBuilder) -> Self {
        let apis = config
            .apis
            .iter()
            .map(|doc| {
                (
                    (
                        doc.api.namespace.to_owned(),
                        doc.api.name.to_owned(),
                        doc.api.version,
                    ),
                    *doc,
                )
            })
            .collect();
        Gateway {
            apps: config.apps,
            apis,
            replies: Mutex::new(config.replies),
            tokens: Tokens::new(config.seed, config.lifetimes),
            journal: Journal::with_capacity(config.journal_capacity),
            faults: Faults::new(config.seed),
            channel: Default::default(),
            qos: Qos::new(config.qps),
            postpone_window: config.postpone_window,
            request_ids: AtomicU64::new(0),
            seed: config.seed,
        }
    }

    /// The secret of a known app.
    pub(crate) fn secret(&self, app_key: &str) -> Option<&Secret> {
        self.apps.iter().find(|(k, _)| k == app_key).map(|(_, s)| s)
    }

    /// The first app: the default for test helpers.
    pub(crate) fn default_app(&self) -> (&str, &Secret) {
        let (key, secret) = &self.apps[0];
        (key, secret)
    }

    pub(crate) fn api(&self, namespace: &str, name: &str, version: u32) -> Option<&'static ApiDoc> {
        self.apis
            .get(&(namespace.to_owned(), name.to_owned(), version))
            .copied()
    }

    fn replies(&self) -> MutexGuard<'_, Vec<(String, Reply)>> {
        self.replies.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The configured reply of `api_id`; the latest one set wins.
    pub(crate) fn reply(&self, api_id: &str) -> Option<Reply> {
        self.replies()
            .iter()
            .rev()
            .find(|(q, _)| api_matches(api_id, q))
            .map(|(_, r)| r.clone())
    }

    pub(crate) fn set_reply(&self, api: String, reply: Reply) {
        let mut replies = self.replies();
        replies.retain(|(q, _)| *q != api);
        replies.push((api, reply));
    }

    pub(crate) fn clear_reply(&self, api: &str) {
        self.replies().retain(|(q, _)| q != api);
    }

    /// A request id in the gateway's style: 32 hex digits, unique per gateway.
    pub(crate) fn request_id(&self) -> String {
        let n = self.request_ids.fetch_add(1, Ordering::Relaxed);
        format!("{:016x}{:016x}", self.seed, n)
    }
}
