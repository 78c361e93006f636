//! Where access tokens come from: a fixed token, or tokens that renew themselves.

use crate::{Error, OAuth, Secret, TokenResponse};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A boxed future, so token providers stay object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Supplies the access token for calls that take one.
pub trait TokenProvider: Send + Sync + fmt::Debug {
    /// The token to send now, or `None` when there is none.
    fn access_token(&self) -> BoxFuture<'_, Result<Option<Secret>, Error>>;

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
        let lifetime = Duration::from_secs(response.expires_in.unwrap_or(36_000).max(0) as u64);
        Some(TokenSet {
            access_token: response.access_token.clone(),
            refresh_token: response.refresh_token.clone()?,
            expires_at: Instant::now() + lifetime,
        })
    }
}

/// Tokens that renew themselves: before they expire, and once when the gateway rejects them.
///
/// When many calls find the token stale at the same moment, exactly one refresh runs; the
/// others wait for it and use its result.
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
    state: tokio::sync::Mutex<TokenSet>,
    margin: Duration,
    refreshes: AtomicU64,
}

impl fmt::Debug for RefreshingTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshingTokens")
            .field("margin", &self.margin)
            .field("refreshes", &self.refresh_count())
            .finish_non_exhaustive()
    }
}

impl RefreshingTokens {
    /// Starts from `tokens`, renewing five minutes before expiry.
    pub fn new(oauth: OAuth, tokens: TokenSet) -> Self {
        RefreshingTokens {
            oauth,
            state: tokio::sync::Mutex::new(tokens),
            margin: Duration::from_secs(300),
            refreshes: AtomicU64::new(0),
        }
    }

    /// How long before expiry to renew.
    pub fn renew_before(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// How many refreshes have run.
    pub fn refresh_count(&self) -> u64 {
        self.refreshes.load(Ordering::Relaxed)
    }

    /// The current tokens, e.g. to persist the refresh token.
    pub async fn tokens(&self) -> TokenSet {
        self.state.lock().await.clone()
    }

    async fn renew(&self, state: &mut TokenSet) -> Result<(), Error> {
        let response = self.oauth.refresh(&state.refresh_token).await?;
        self.refreshes.fetch_add(1, Ordering::Relaxed);
        let lifetime = Duration::from_secs(response.expires_in.unwrap_or(36_000).max(0) as u64);
        state.access_token = response.access_token;
        if let Some(refresh) = response.refresh_token {
            state.refresh_token = refresh;
        }
        state.expires_at = Instant::now() + lifetime;
        tracing::debug!("access token refreshed");
        Ok(())
    }
}

impl TokenProvider for RefreshingTokens {
    fn access_token(&self) -> BoxFuture<'_, Result<Option<Secret>, Error>> {
        Box::pin(async {
            // Holding the lock across the refresh is what makes concurrent callers share one.
            let mut state = self.state.lock().await;
            if Instant::now() + self.margin >= state.expires_at {
                self.renew(&mut state).await?;
            }
            Ok(Some(state.access_token.clone()))
        })
    }

    fn refresh<'a>(&'a self, rejected: &'a Secret) -> BoxFuture<'a, Result<bool, Error>> {
        Box::pin(async move {
            let mut state = self.state.lock().await;
            if &state.access_token == rejected {
                self.renew(&mut state).await?;
            }
            Ok(true)
        })
    }
}
