//! Where access tokens come from: a fixed token, or tokens that renew themselves.

use crate::{Error, OAuth, Secret, TokenResponse};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A boxed future, so token providers stay object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Supplies the access token for calls that take one.
pub trait TokenProvider: Send + Sync + fmt::Debug {
    /// The token to send now, or `None` when there is none.
    fn access_token(&self) -> BoxFuture<'_, Result<Option<Secret>, Error>>;

    /// The token, for a provider whose token never changes ([`StaticToken`]): the client lends
    /// it to each call instead of awaiting [`TokenProvider::access_token`], so a call boxes no
    /// future and bumps no reference count that every core shares. `None` (the default) for
    /// tokens that change.
    ///
    /// ```
    /// use open1688_core::{StaticToken, TokenProvider};
    /// let fixed = StaticToken::new("user-token");
    /// assert_eq!(fixed.fixed_token().map(|t| t.expose()), Some("user-token"));
    /// ```
    fn fixed_token(&self) -> Option<&Secret> {
        None
    }

    /// Called once when the gateway rejects `rejected` with HTTP 401. Return `true` when a new
    /// token is available and the call should be tried once more.
    fn refresh<'a>(&'a self, rejected: &'a Secret) -> BoxFuture<'a, Result<bool, Error>> {
        let _ = rejected;
        Box::pin(async { Ok(false) })
    }
}

/// A shared provider: keep an `Arc` to read e.g. [`RefreshingTokens::tokens`] after handing
/// the provider to a client.
impl<T: TokenProvider + ?Sized> TokenProvider for std::sync::Arc<T> {
    fn access_token(&self) -> BoxFuture<'_, Result<Option<Secret>, Error>> {
        (**self).access_token()
    }

    fn fixed_token(&self) -> Option<&Secret> {
        (**self).fixed_token()
    }

    fn refresh<'a>(&'a self, rejected: &'a Secret) -> BoxFuture<'a, Result<bool, Error>> {
        (**self).refresh(rejected)
    }
}

/// A fixed token, never refreshed.
#[derive(Clone, Debug)]
pub struct StaticToken(Secret);

impl StaticToken {
    /// Wraps a token.
    pub fn new(token: impl Into<Secret>) -> Self {
        StaticToken(token.into())
    }
}

impl TokenProvider for StaticToken {
    fn access_token(&self) -> BoxFuture<'_, Result<Option<Secret>, Error>> {
        Box::pin(async { Ok(Some(self.0.clone())) })
    }

    fn fixed_token(&self) -> Option<&Secret> {
        Some(&self.0)
    }
}

/// An access token, the refresh token that renews it, and when it expires.
#[derive(Clone, Debug)]
pub struct TokenSet {
    /// The access token.
    pub access_token: Secret,
    /// The refresh token.
    pub refresh_token: Secret,
    /// When the access token expires.
    pub expires_at: Instant,
}

impl TokenSet {
    /// Tokens from a token endpoint's answer; `None` when it carried no refresh token.
    /// A missing `expires_in` is taken as the documented 10 hours.
    pub fn from_response(response: &TokenResponse) -> Option<TokenSet> {
        Some(TokenSet {
            access_token: response.access_token.clone(),
            refresh_token: response.refresh_token.clone()?,
            expires_at: expiry(Instant::now(), response.expires_in),
        })
    }
}

/// The longest token lifetime believed: a bigger (or absurd) `expires_in` is clamped to this,
/// so `Instant + expires_in` can never overflow.
const MAX_LIFETIME: Duration = Duration::from_secs(366 * 86_400);

/// When a token issued at `now` with `expires_in` seconds expires: missing → the documented
/// 10 hours, negative → now, huge → [`MAX_LIFETIME`].
fn expiry(now: Instant, expires_in: Option<i64>) -> Instant {
    let secs = expires_in.unwrap_or(36_000).max(0).unsigned_abs();
    let lifetime = Duration::from_secs(secs).min(MAX_LIFETIME);
    now.checked_add(lifetime).unwrap_or(now)
}

/// The first wait after a failed refresh; it doubles per consecutive failure up to the cap.
const FAILURE_BACKOFF: Duration = Duration::from_secs(1);
const MAX_FAILURE_BACKOFF: Duration = Duration::from_secs(60);

/// What [`RefreshingTokens`] knows, behind one lock.
#[derive(Debug)]
struct State {
    tokens: TokenSet,
    /// When the last refresh was attempted (successful or not).
    last_attempt: Option<Instant>,
    /// The last refresh's error and when another may be tried, while refreshes keep failing.
    failure: Option<(Error, Instant)>,
    failures: u32,
}

impl State {
    /// The shared outcome of a failed refresh, while its backoff lasts.
    fn backing_off(&self, now: Instant) -> Option<&Error> {
        self.failure
            .as_ref()
            .filter(|(_, until)| now < *until)
            .map(|(e, _)| e)
    }
}

/// Tokens that renew themselves: before they expire, and once when the gateway rejects them.
///
/// Under load it stays bounded:
/// - when many calls find the token stale at the same moment, exactly one refresh runs (in its
///   own task, so a caller cancelled mid-refresh does not waste it) and every waiter shares its
///   outcome, an error included;
/// - after a failed refresh, callers get that same error without a new `getToken` until a
///   backoff passes (1 s, doubling to 60 s), unless the old token is still valid;
/// - refreshes are at least [`RefreshingTokens::min_refresh_interval`] apart (default 10 s), so
///   a zero `expires_in` does not mean one `getToken` per call;
/// - waiting for the lock is bounded by the calling client's deadline.
///
/// ```no_run
/// # async fn demo(client: open1688_core::Client, code: &str) -> Result<(), open1688_core::Error> {
/// use open1688_core::{RefreshingTokens, TokenSet};
/// let oauth = client.oauth();
/// let tokens = oauth.exchange_code(code, "https://example.com/callback").await?;
/// let provider = std::sync::Arc::new(RefreshingTokens::new(oauth, TokenSet::from_response(&tokens).expect("asked for a refresh token")));
/// let client = client.with_token_provider(provider.clone());
/// // ... later, persist the (possibly rotated) refresh token:
/// let saved = provider.tokens().await.refresh_token;
/// # Ok(()) }
/// ```
pub struct RefreshingTokens {
    oauth: OAuth,
    state: Arc<tokio::sync::Mutex<State>>,
    margin: Duration,
    min_interval: Duration,
    refreshes: Arc<AtomicU64>,
}

impl fmt::Debug for RefreshingTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshingTokens")
            .field("margin", &self.margin)
            .field("min_interval", &self.min_interval)
            .field("refreshes", &self.refresh_count())
            .finish_non_exhaustive()
    }
}

impl RefreshingTokens {
    /// Starts from `tokens`, renewing five minutes before expiry.
    pub fn new(oauth: OAuth, tokens: TokenSet) -> Self {
        RefreshingTokens {
            oauth,
            state: Arc::new(tokio::sync::Mutex::new(State {
                tokens,
                last_attempt: None,
                failure: None,
                failures: 0,
            })),
            margin: Duration::from_secs(300),
            min_interval: Duration::from_secs(10),
            refreshes: Arc::new(AtomicU64::new(0)),
        }
    }

    /// How long before expiry to renew.
    pub fn renew_before(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// The least time between two refreshes (default 10 s): within it the current token is
    /// used even if the gateway's `expires_in` says it is stale.
    pub fn min_refresh_interval(mut self, interval: Duration) -> Self {
        self.min_interval = interval;
        self
    }

    /// How many refreshes have succeeded.
    pub fn refresh_count(&self) -> u64 {
        self.refreshes.load(Ordering::Relaxed)
    }

    /// The current tokens, e.g. to persist the refresh token.
    pub async fn tokens(&self) -> TokenSet {
        self.state.lock().await.tokens.clone()
    }

    /// Runs one refresh holding the lock, in a task of its own: the outcome lands in the state
    /// even if the caller that started it is cancelled, and every waiter then reads it.
    async fn renew(&self, state: tokio::sync::OwnedMutexGuard<State>) -> Result<Secret, Error> {
        let oauth = self.oauth.clone();
        let refreshes = self.refreshes.clone();
        let task = tokio::spawn(async move {
            let mut state = state;
            let now = Instant::now();
            state.last_attempt = Some(now);
            match oauth.refresh(&state.tokens.refresh_token).await {
                Ok(response) => {
                    refreshes.fetch_add(1, Ordering::Relaxed);
                    state.tokens.access_token = response.access_token;
                    if let Some(refresh) = response.refresh_token {
                        state.tokens.refresh_token = refresh;
                    }
                    state.tokens.expires_at = expiry(Instant::now(), response.expires_in);
                    state.failure = None;
                    state.failures = 0;
                    tracing::debug!("access token refreshed");
                    Ok(state.tokens.access_token.clone())
                }
                Err(e) => {
                    let wait = FAILURE_BACKOFF
                        .saturating_mul(1 << state.failures.min(6))
                        .min(MAX_FAILURE_BACKOFF);
                    state.failures = state.failures.saturating_add(1);
                    state.failure = Some((e.clone(), Instant::now() + wait));
                    tracing::debug!(error = %e, ?wait, "token refresh failed; backing off");
                    Err(e)
                }
            }
        });
        task.await.map_err(|e| Error::Transport {
            message: format!("token refresh task failed: {e}"),
            connect: true,
        })?
    }
}

impl TokenProvider for RefreshingTokens {
    fn access_token(&self) -> BoxFuture<'_, Result<Option<Secret>, Error>> {
        Box::pin(async {
            let state = self.state.clone().lock_owned().await;
            let now = Instant::now();
            let valid = now < state.tokens.expires_at;
            let stale = now
                .checked_add(self.margin)
                .map_or(true, |t| t >= state.tokens.expires_at);
            if !stale {
                return Ok(Some(state.tokens.access_token.clone()));
            }
            if let Some(error) = state.backing_off(now) {
                return match valid {
                    true => Ok(Some(state.tokens.access_token.clone())),
                    false => Err(error.clone()),
                };
            }
            let too_soon = state
                .last_attempt
                .is_some_and(|last| now.saturating_duration_since(last) < self.min_interval);
            if too_soon {
                // Let the gateway judge it; a 401 comes back through `refresh`.
                return Ok(Some(state.tokens.access_token.clone()));
            }
            self.renew(state).await.map(Some)
        })
    }

    fn refresh<'a>(&'a self, rejected: &'a Secret) -> BoxFuture<'a, Result<bool, Error>> {
        Box::pin(async move {
            let state = self.state.clone().lock_owned().await;
            if &state.tokens.access_token != rejected {
                return Ok(true); // someone else renewed it meanwhile
            }
            let now = Instant::now();
            if let Some(error) = state.backing_off(now) {
                return Err(error.clone());
            }
            if state
                .last_attempt
                .is_some_and(|last| now.saturating_duration_since(last) < self.min_interval)
            {
                return Ok(false); // a token renewed this recently and still refused: give up
            }
            self.renew(state).await.map(|_| true)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_negative_and_missing_lifetimes_do_not_overflow() {
        let now = Instant::now();
        assert_eq!(expiry(now, Some(i64::MAX)), now + MAX_LIFETIME);
        assert_eq!(expiry(now, Some(i64::MIN)), now);
        assert_eq!(expiry(now, Some(0)), now);
        assert_eq!(expiry(now, None), now + Duration::from_secs(36_000));
    }
}
