//! The SDK's client: the core client plus one accessor per namespace (generated).

use open1688_core::{
    Credentials, Error, Limits, RateLimiter, RetryPolicy, Secret, TokenProvider, UploadMode,
};
use std::ops::Deref;
use std::time::Duration;

/// An async 1688 client. Namespace accessors (`client.product()`, `client.trade()`, ...) are
/// generated; everything else — [`call`](open1688_core::Client::call),
/// [`call_raw`](open1688_core::Client::call_raw), [`oauth`](open1688_core::Client::oauth) — comes
/// from the core client it dereferences to. Cheap to clone; clones share connections.
///
/// ```no_run
/// # async fn demo() -> Result<(), open1688::Error> {
/// use open1688::{Client, Credentials};
/// let client = Client::builder(Credentials::new("1000000", "app-secret")).access_token("user-token").build()?;
/// # #[cfg(feature = "product")] {
/// use open1688::{product::ProductGetRequest, types::WebSite};
/// let product = client.product().product_get(ProductGetRequest::new(694567890123, WebSite::V1688)).await?;
/// println!("{:?}", product.product_info);
/// # }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client(open1688_core::Client);

impl Client {
    /// Starts building a client for an app.
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder(open1688_core::Client::builder(credentials))
    }

    /// The same client (sharing connections) with another token provider.
    pub fn with_token_provider(&self, provider: impl TokenProvider + 'static) -> Client {
        Client(self.0.with_token_provider(provider))
    }

    /// The core client underneath.
    pub fn core(&self) -> &open1688_core::Client {
        &self.0
    }
}

impl From<open1688_core::Client> for Client {
    fn from(client: open1688_core::Client) -> Self {
        Client(client)
    }
}

impl Deref for Client {
    type Target = open1688_core::Client;
    fn deref(&self) -> &open1688_core::Client {
        &self.0
    }
}

/// Builds a [`Client`]; see [`open1688_core::ClientBuilder`] for each setting.
#[derive(Debug)]
pub struct ClientBuilder(open1688_core::ClientBuilder);

impl ClientBuilder {
    /// The gateway base URL (default `https://gw.open.1688.com`).
    pub fn base_url(self, url: impl Into<String>) -> Self {
        ClientBuilder(self.0.base_url(url))
    }

    /// The base of the browser authorization page (default `https://auth.1688.com`).
    pub fn auth_url(self, url: impl Into<String>) -> Self {
        ClientBuilder(self.0.auth_url(url))
    }

    /// Timeout of a whole call attempt (default 30 s).
    pub fn timeout(self, timeout: Duration) -> Self {
        ClientBuilder(self.0.timeout(timeout))
    }

    /// Timeout for establishing a connection (default 5 s).
    pub fn connect_timeout(self, timeout: Duration) -> Self {
        ClientBuilder(self.0.connect_timeout(timeout))
    }

    /// Retry policy (default: 3 attempts, 200 ms doubling, capped at 5 s).
    pub fn retry(self, policy: RetryPolicy) -> Self {
        ClientBuilder(self.0.retry(policy))
    }

    /// How `file` parameters are sent (default multipart).
    pub fn upload_mode(self, mode: UploadMode) -> Self {
        ClientBuilder(self.0.upload_mode(mode))
    }

    /// A fixed user access token.
    pub fn access_token(self, token: impl Into<Secret>) -> Self {
        ClientBuilder(self.0.access_token(token))
    }

    /// Where access tokens come from, e.g. a [`open1688_core::RefreshingTokens`].
    pub fn token_provider(self, provider: impl TokenProvider + 'static) -> Self {
        ClientBuilder(self.0.token_provider(provider))
    }

    /// Budgets this process keeps to, waiting for a slot before each attempt (a
    /// [`open1688_core::LocalLimiter`]); unlimited by default.
    pub fn rate_limit(self, limits: Limits) -> Self {
        ClientBuilder(self.0.rate_limit(limits))
    }

    /// A limiter of your own, e.g. one a fleet shares (`open1688_redis::RedisLimiter`).
    pub fn rate_limiter(self, limiter: impl RateLimiter + 'static) -> Self {
        ClientBuilder(self.0.rate_limiter(limiter))
    }

    /// Builds the client; fails on an unusable base URL or rate limit.
    pub fn build(self) -> Result<Client, Error> {
        self.0.build().map(Client)
    }
}
