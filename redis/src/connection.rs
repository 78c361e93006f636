//! One connection to Redis shared by every limiter and token store made from it: connected
//! lazily (so a client starts while Redis is down), reconnected automatically, and every
//! operation bounded by a timeout.

use open1688_core::Error;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;

/// A handle on a Redis server. Cheap to clone; clones share the connection.
///
/// The connection is a [`redis::aio::ConnectionManager`]: one multiplexed connection that
/// pipelines every concurrent command (faster than a pool for short scripts) and reconnects
/// after a failure.
#[derive(Clone)]
pub struct Redis {
    inner: Arc<Inner>,
}

struct Inner {
    client: redis::Client,
    connection: OnceCell<ConnectionManager>,
    timeout: Duration,
    prefix: String,
}

impl fmt::Debug for Redis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may carry a password: show only where it points.
        let info = self.inner.client.get_connection_info();
        f.debug_struct("Redis")
            .field("addr", &info.addr().to_string())
            .field("timeout", &self.inner.timeout)
            .field("prefix", &self.inner.prefix)
            .finish()
    }
}

impl Redis {
    /// A handle on the server at `url` (`redis://host:port/db`, `rediss://` for TLS is not
    /// compiled in). Nothing is connected yet; fails only on a malformed URL.
    /// Operations time out after 250 ms by default.
    pub fn new(url: &str) -> Result<Redis, Error> {
        let client = redis::Client::open(url).map_err(|e| Error::InvalidInput {
            param: "redis url".into(),
            message: e.to_string(),
        })?;
        Ok(Redis {
            inner: Arc::new(Inner {
                client,
                connection: OnceCell::new(),
                timeout: Duration::from_millis(250),
                prefix: "open1688".into(),
            }),
        })
    }

    /// The bound on every Redis operation, connecting included (default 250 ms). Set it
    /// before sharing the handle.
    pub fn timeout(self, timeout: Duration) -> Redis {
        self.rebuild(|inner| inner.timeout = timeout)
    }

    /// The first part of every key (default `open1688`), e.g. to separate environments.
    pub fn prefix(self, prefix: impl Into<String>) -> Redis {
        let prefix = prefix.into();
        self.rebuild(|inner| inner.prefix = prefix)
    }

    fn rebuild(self, change: impl FnOnce(&mut Inner)) -> Redis {
        let mut inner = Inner {
            client: self.inner.client.clone(),
            connection: OnceCell::new(),
            timeout: self.inner.timeout,
            prefix: self.inner.prefix.clone(),
        };
        change(&mut inner);
        Redis {
            inner: Arc::new(inner),
        }
    }

    /// The operation timeout.
    pub fn op_timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// A key under the prefix; `tag` (an app key, a seller) becomes the Redis Cluster hash tag,
    /// so the keys one script touches live on one node.
    pub(crate) fn key(&self, tag: &str, rest: &str) -> String {
        format!("{}:{{{tag}}}:{rest}", self.inner.prefix)
    }

    async fn connection(&self) -> redis::RedisResult<ConnectionManager> {
        let timeout = self.inner.timeout;
        let connection = self
            .inner
            .connection
            .get_or_try_init(|| {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(timeout))
                    .set_response_timeout(Some(timeout))
                    .set_number_of_retries(1)
                    .set_max_delay(Duration::from_millis(500));
                ConnectionManager::new_with_config(self.inner.client.clone(), config)
            })
            .await?;
        Ok(connection.clone())
    }

    /// Runs `script` with `keys` and `args`, within the timeout.
    pub(crate) async fn run<T: redis::FromRedisValue>(
        &self,
        script: &redis::Script,
        keys: &[&str],
        args: &[String],
    ) -> Result<T, RedisError> {
        let work = async {
            let mut connection = self.connection().await?;
            let mut invocation = script.prepare_invoke();
            for key in keys {
                invocation.key(*key);
            }
            for arg in args {
                invocation.arg(arg.as_str());
            }
            invocation.invoke_async(&mut connection).await
        };
        match tokio::time::timeout(self.inner.timeout, work).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(RedisError(e.to_string())),
            Err(_) => Err(RedisError(format!(
                "no answer within {:?}",
                self.inner.timeout
            ))),
        }
    }
}

/// Why a Redis operation failed (unreachable, timed out, or refused).
#[derive(Clone, Debug)]
pub(crate) struct RedisError(pub(crate) String);

/// How the message of an [`Error`] made from a [`RedisError`] begins.
const PREFIX: &str = "Redis: ";

impl fmt::Display for RedisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{}", self.0)
    }
}

/// Whether `error` is Redis failing (rather than 1688, or the data stored).
pub(crate) fn is_redis_error(error: &Error) -> bool {
    matches!(error, Error::Transport { message, .. } if message.starts_with(PREFIX))
}

impl From<RedisError> for Error {
    fn from(e: RedisError) -> Error {
        // The call was not sent: it could not get its token or its slot.
        Error::Transport {
            message: e.to_string(),
            connect: true,
        }
    }
}
