//! The channel client's configuration and its reconnect loop.

use super::dispatch::{dispatch, Delivery};
use super::session::{self, Ended, Runner};
use crate::dedupe::{DedupeStore, MemoryDedupe};
use crate::{Credentials, Error, PushMessage};
use std::fmt::{self, Display};
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// The channel's address (`docs/protocol.md#channel`).
pub const DEFAULT_CHANNEL_URL: &str = "ws://message.1688.com/websocket";

/// A configured channel client; [`Channel::run`] connects and handles messages until shutdown.
#[derive(Clone)]
pub struct Channel {
    pub(crate) credentials: Credentials,
    pub(crate) url: String,
    pub(crate) heartbeat: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) queue: usize,
    pub(crate) max_frame: usize,
    pub(crate) backoff: (Duration, Duration),
    pub(crate) shutdown_grace: Duration,
    pub(crate) dedupe: Arc<dyn DedupeStore>,
}

impl fmt::Debug for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Channel")
            .field("app_key", &self.credentials.app_key)
            .field("url", &self.url)
            .field("heartbeat", &self.heartbeat)
            .field("queue", &self.queue)
            .field("max_frame", &self.max_frame)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Channel`]; every setting has a working default.
#[derive(Clone, Debug)]
pub struct ChannelBuilder {
    channel: Channel,
}

impl Channel {
    /// Starts configuring a channel for an app.
    pub fn builder(credentials: Credentials) -> ChannelBuilder {
        ChannelBuilder {
            channel: Channel {
                credentials,
                url: DEFAULT_CHANNEL_URL.to_owned(),
                heartbeat: Duration::from_secs(30),
                idle_timeout: Duration::from_secs(90),
                connect_timeout: Duration::from_secs(10),
                queue: 64,
                max_frame: 1 << 20,
                backoff: (Duration::from_millis(500), Duration::from_secs(60)),
                shutdown_grace: Duration::from_secs(30),
                dedupe: Arc::new(MemoryDedupe::default()),
            },
        }
    }

    /// Connects, hands every pushed message to `handler` and confirms those it returned `Ok`
    /// for, reconnecting on any drop, until `shutdown` completes. Then the message being
    /// handled is finished and confirmed (within the shutdown grace); queued ones are not.
    ///
    /// Returns an error only when the server refuses the connection (a CLOSE frame before
    /// CONNECT_ACK, e.g. for a wrong app key or secret): retrying would not help.
    pub async fn run<H, Fut, E>(
        &self,
        handler: H,
        shutdown: impl Future<Output = ()>,
    ) -> Result<(), Error>
    where
        H: Fn(PushMessage) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Display + Send + 'static,
    {
        let (queue, deliveries) = mpsc::channel::<Delivery>(self.queue);
        // At most one confirm per delivery in flight: the queue, the one being handled, slack.
        let (confirms, outbox) = mpsc::channel(self.queue + 2);
        let (stop, stopped) = watch::channel(false);
        let dispatcher = tokio::spawn(dispatch(
            handler,
            self.dedupe.clone(),
            self.credentials.clone(),
            deliveries,
            confirms,
            stopped,
        ));
        let mut runner = Runner::new(self, queue, outbox, dispatcher, stop);
        let mut shutdown = pin!(shutdown);
        let mut failures = 0u32;
        while !runner.stopping() {
            let opened = tokio::select! {
                opened = session::open(self) => opened,
                _ = &mut shutdown => {
                    runner.begin_stop();
                    break;
                }
            };
            match opened {
                Ok(ws) => {
                    failures = 0;
                    match runner.serve(ws, shutdown.as_mut()).await {
                        Ended::Shutdown => return Ok(()),
                        Ended::Dropped(why) => {
                            tracing::warn!(reason = %why, "channel connection lost")
                        }
                    }
                }
                Err(session::OpenError::Refused(reason)) => {
                    runner.begin_stop();
                    runner.finish_offline().await;
                    return Err(Error::Channel(format!(
                        "{} refused the connection: {reason}",
                        self.url
                    )));
                }
                Err(session::OpenError::Failed(why)) => {
                    tracing::warn!(url = %self.url, reason = %why, "channel connect failed")
                }
            }
            if runner.stopping() {
                break;
            }
            let delay = self.backoff_delay(failures);
            failures = failures.saturating_add(1);
            tracing::info!(
                delay_ms = delay.as_millis() as u64,
                "reconnecting to the channel"
            );
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = &mut shutdown => runner.begin_stop(),
            }
        }
        // Stopping while disconnected: let the handler finish; its confirm cannot be sent, so
        // that message comes again (and a persistent dedupe store skips it).
        runner.finish_offline().await;
        Ok(())
    }

    /// Exponential backoff with jitter: a random delay in [d/2, d], d = min · 2^failures ≤ max.
    fn backoff_delay(&self, failures: u32) -> Duration {
        use rand::Rng;
        let (min, max) = self.backoff;
        let full = min.saturating_mul(1u32 << failures.min(20)).min(max);
        let ms = u64::try_from(full.as_millis()).unwrap_or(u64::MAX).max(1);
        Duration::from_millis(rand::rng().random_range(ms / 2..=ms))
    }
}

impl ChannelBuilder {
    /// The channel's address [default: [`DEFAULT_CHANNEL_URL`]]; `ws://` or `wss://` (rustls).
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.channel.url = url.into();
        self
    }

    /// How often to send a HEARTBEAT [default: 30 s, as the protocol asks].
    pub fn heartbeat(mut self, every: Duration) -> Self {
        self.channel.heartbeat = every;
        self
    }

    /// A connection that receives nothing (no frame, no pong) for this long is dropped and
    /// reopened [default: 90 s, three heartbeats].
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.channel.idle_timeout = timeout;
        self
    }

    /// How long opening a connection may take, CONNECT_ACK included [default: 10 s].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.channel.connect_timeout = timeout;
        self
    }

    /// How many received messages may wait for the handler [default: 64]; when full, the
    /// client stops reading until the handler catches up.
    pub fn queue(mut self, capacity: usize) -> Self {
        self.channel.queue = capacity;
        self
    }

    /// The largest frame accepted, in bytes [default: 1 MiB]; a larger one drops the connection.
    pub fn max_frame(mut self, bytes: usize) -> Self {
        self.channel.max_frame = bytes;
        self
    }

    /// The reconnect delay: starts at `min`, doubles per failed attempt up to `max`, with jitter
    /// [default: 0.5 s to 60 s].
    pub fn backoff(mut self, min: Duration, max: Duration) -> Self {
        self.channel.backoff = (min, max);
        self
    }

    /// How long shutdown waits for the message being handled [default: 30 s].
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.channel.shutdown_grace = grace;
        self
    }

    /// Where handled message ids are remembered [default: [`MemoryDedupe`]]. Share one store
    /// with the HTTP push receiver, or use a persistent one to dedupe across restarts.
    pub fn dedupe(mut self, store: Arc<dyn DedupeStore>) -> Self {
        self.channel.dedupe = store;
        self
    }

    /// Checks the settings.
    pub fn build(self) -> Result<Channel, Error> {
        let c = self.channel;
        let invalid = |param: &str, message: String| Error::InvalidInput {
            param: param.to_owned(),
            message,
        };
        let scheme_ok = url::Url::parse(&c.url)
            .map(|u| matches!(u.scheme(), "ws" | "wss") && u.has_host())
            .unwrap_or(false);
        if !scheme_ok {
            return Err(invalid(
                "url",
                format!("`{}` is not a ws:// or wss:// URL", c.url),
            ));
        }
        for (param, value) in [
            ("heartbeat", c.heartbeat),
            ("idle_timeout", c.idle_timeout),
            ("connect_timeout", c.connect_timeout),
            ("backoff", c.backoff.0),
        ] {
            if value.is_zero() {
                return Err(invalid(param, "must be longer than zero".into()));
            }
        }
        if c.idle_timeout <= c.heartbeat {
            return Err(invalid(
                "idle_timeout",
                format!(
                    "{:?} must exceed the heartbeat interval {:?}",
                    c.idle_timeout, c.heartbeat
                ),
            ));
        }
        if c.backoff.1 < c.backoff.0 {
            return Err(invalid("backoff", "max is below min".into()));
        }
        if c.queue == 0 || c.max_frame < 1024 {
            let (param, message) = if c.queue == 0 {
                ("queue", "must hold at least one message")
            } else {
                ("max_frame", "must be at least 1024 bytes")
            };
            return Err(invalid(param, message.into()));
        }
        if c.credentials.app_key.is_empty() {
            return Err(invalid("app_key", "is empty".into()));
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder() -> ChannelBuilder {
        Channel::builder(Credentials::new("k", "very-secret-value"))
    }

    #[test]
    fn bad_settings_are_named() {
        let err = |b: ChannelBuilder| b.build().unwrap_err().to_string();
        assert!(err(builder().url("http://x/websocket")).contains("`url`"));
        assert!(err(builder().heartbeat(Duration::ZERO)).contains("`heartbeat`"));
        assert!(err(builder().idle_timeout(Duration::from_secs(30))).contains("`idle_timeout`"));
        assert!(err(builder().queue(0)).contains("`queue`"));
        assert!(err(builder().max_frame(10)).contains("`max_frame`"));
        let ok = builder()
            .url("wss://example.com/websocket")
            .build()
            .unwrap();
        assert!(!format!("{ok:?}").contains("very-secret-value"));
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let c = builder()
            .backoff(Duration::from_millis(100), Duration::from_secs(1))
            .build()
            .unwrap();
        for (failures, full) in [
            (0, 100),
            (1, 200),
            (2, 400),
            (3, 800),
            (4, 1000),
            (30, 1000),
        ] {
            for _ in 0..20 {
                let d = c.backoff_delay(failures).as_millis() as u64;
                assert!((full / 2..=full).contains(&d), "{failures}: {d}");
            }
        }
    }
}
