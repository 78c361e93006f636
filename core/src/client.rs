//! The client: request → params → signature → wire → response, with tokens and retries.

use crate::api::{ApiInfo, Request, TokenMode};
use crate::oauth::OAuth;
use crate::prepare::{now_millis, PreparedCall, UploadMode};
use crate::ratelimit::{Limits, LocalLimiter, RateLimiter};
use crate::response;
use crate::sign::SigningKey;
use crate::token::{StaticToken, TokenProvider};
use crate::transport::RawResponse;
use crate::transport::{Transport, TransportConfig, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES};
use crate::{Credentials, Error, Params, RetryBudget, RetryPolicy, Secret};
use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// The options of a call that takes none ([`CallOptions::default`]).
static DEFAULT_OPTIONS: CallOptions = CallOptions {
    access_token: None,
    retry_ambiguous: false,
    timeout: None,
    deadline: None,
    timestamp: None,
};

/// A typed request's parameters, as its `write_params` puts them.
fn request_params<R: Request>(request: &R) -> Params {
    let mut params = Params::new();
    request.write_params(&mut params);
    params
}

/// `future` within `limit`, as `tokio::time::timeout`, but with no timer when `future` is ready
/// at once (a fixed or cached token). A timer is not free even unregistered: tokio takes its
/// runtime-wide timer lock to drop one, a write the cores making calls contend for.
async fn within<F: std::future::Future>(
    limit: Duration,
    future: F,
) -> Result<F::Output, tokio::time::error::Elapsed> {
    use std::task::Poll;
    let mut future = std::pin::pin!(future);
    match std::future::poll_fn(|cx| Poll::Ready(future.as_mut().poll(cx))).await {
        Poll::Ready(output) => Ok(output),
        // Polled once with this task's waker; the timeout polls it again with the same one.
        Poll::Pending => tokio::time::timeout(limit, future).await,
    }
}

/// Per-call settings.
///
/// ```
/// use open1688_core::{CallOptions, Secret};
/// let opts = CallOptions::new().access_token(Secret::new("user-42-token")).retry_ambiguous(true);
/// assert!(!format!("{opts:?}").contains("user-42-token"));
/// ```
#[derive(Clone, Debug)]
pub struct CallOptions {
    access_token: Option<Secret>,
    retry_ambiguous: bool,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    timestamp: Option<u64>,
}

impl Default for CallOptions {
    fn default() -> Self {
        DEFAULT_OPTIONS.clone()
    }
}

impl CallOptions {
    /// Default options.
    pub fn new() -> Self {
        CallOptions::default()
    }

    /// Uses this user's token for this call instead of the client's provider (apps that serve
    /// many 1688 users from one client). It is never refreshed automatically.
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    /// Retries timeouts, 5xx and connection failures even for an API not marked idempotent;
    /// only for calls you know are safe to repeat, e.g. an order carrying `outOrderId`.
    pub fn retry_ambiguous(mut self, yes: bool) -> Self {
        self.retry_ambiguous = yes;
        self
    }

    /// Overrides the client's timeout for this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Overrides the client's deadline for this call: the whole call, all attempts, waits for
    /// tokens and backoff delays included.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Pins `_aop_timestamp` (epoch milliseconds) instead of taking the clock at each attempt,
    /// so a signature explained beforehand (see [`crate::SignedRequest::explain`]) is exactly
    /// the one sent: for debugging tools such as the CLI's `call --explain`.
    pub fn timestamp(mut self, millis: u64) -> Self {
        self.timestamp = Some(millis);
        self
    }
}

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    credentials: Credentials,
    base_url: String,
    auth_url: String,
    transport: TransportConfig,
    deadline: Option<Duration>,
    retry: RetryPolicy,
    budget: RetryBudget,
    upload: UploadMode,
    tokens: Option<Arc<dyn TokenProvider>>,
    limits: Option<Limits>,
    limiter: Option<Arc<dyn RateLimiter>>,
}

impl ClientBuilder {
    /// The gateway base URL (default `https://gw.open.1688.com`); tests point it at a local mock.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The base of the browser authorization page (default `https://auth.1688.com`).
    pub fn auth_url(mut self, url: impl Into<String>) -> Self {
        self.auth_url = url.into();
        self
    }

    /// Timeout of a whole call attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.transport.timeout = timeout;
        self
    }

    /// Timeout for establishing a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport.connect_timeout = timeout;
        self
    }

    /// The time one call may take in all: attempts, token waits and backoff delays (default:
    /// `timeout` × attempts + the largest delay × retries, 100 s with the other defaults).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The largest response body accepted (default 16 MiB); a bigger one fails with
    /// [`Error::ResponseTooLarge`] after reading no more than this.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.transport.max_response_bytes = limit;
        self
    }

    /// Allows a plain `http://` base URL for a host other than loopback (default: refused, as
    /// tokens and signatures would cross the network in clear text).
    pub fn allow_insecure_http(mut self, yes: bool) -> Self {
        self.transport.allow_insecure_http = yes;
        self
    }

    /// How many retries the client may add on top of first attempts (default: 20% of calls,
    /// with a reserve of 100).
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.budget = budget;
        self
    }

    /// Retry policy (default: 3 attempts, 200 ms doubling, capped at 5 s).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How `file` parameters are sent (default multipart).
    pub fn upload_mode(mut self, mode: UploadMode) -> Self {
        self.upload = mode;
        self
    }

    /// A fixed user access token.
    pub fn access_token(self, token: impl Into<Secret>) -> Self {
        self.token_provider(StaticToken::new(token))
    }

    /// Where access tokens come from, e.g. a [`crate::RefreshingTokens`].
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.tokens = Some(Arc::new(provider));
        self
    }

    /// Budgets this process keeps to (a [`LocalLimiter`]): before each attempt, retries
    /// included, a call waits for a slot, at most its timeout. Without budgets (the default)
    /// calls are not limited, since 1688 publishes no figures; set them to your app's limits.
    pub fn rate_limit(mut self, limits: Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// A limiter of your own in place of [`ClientBuilder::rate_limit`], e.g. one a whole fleet
    /// shares (`open1688_redis::RedisLimiter`).
    pub fn rate_limiter(mut self, limiter: impl RateLimiter + 'static) -> Self {
        self.limiter = Some(Arc::new(limiter));
        self
    }

    /// Builds the client; fails on an unusable base URL, app key or rate limit.
    pub fn build(self) -> Result<Client, Error> {
        let transport = Transport::new(&self.base_url, &self.transport)?;
        if !self.credentials.app_key.is_empty() {
            crate::api::check_segment("app_key", &self.credentials.app_key)?;
        }
        let attempts = self.retry.max_attempts.max(1);
        let deadline = self.deadline.unwrap_or_else(|| {
            self.transport
                .timeout
                .saturating_mul(attempts)
                .saturating_add(self.retry.max_delay.saturating_mul(attempts - 1))
        });
        let limiter = match (self.limiter, self.limits) {
            (Some(limiter), _) => Some(limiter),
            (None, Some(limits)) => {
                Some(Arc::new(LocalLimiter::new(limits)?) as Arc<dyn RateLimiter>)
            }
            (None, None) => None,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                limiter,
                timeout: self.transport.timeout,
                signing_key: SigningKey::new(self.credentials.app_secret.expose()),
                credentials: self.credentials,
                auth_url: self.auth_url,
                retry: self.retry,
                budget: self.budget,
                deadline,
                upload: self.upload,
            }),
            tokens: self.tokens,
        })
    }
}

#[derive(Debug)]
struct Inner {
    transport: Transport,
    limiter: Option<Arc<dyn RateLimiter>>,
    timeout: Duration,
    credentials: Credentials,
    /// `credentials.app_secret` as an HMAC key, made once.
    signing_key: SigningKey,
    auth_url: String,
    retry: RetryPolicy,
    budget: RetryBudget,
    deadline: Duration,
    upload: UploadMode,
}

/// An async client for the 1688 Open Platform. Cheap to clone; clones share connections.
///
/// ```no_run
/// # async fn demo() -> Result<(), open1688_core::Error> {
/// use open1688_core::{Client, Credentials};
/// let client = Client::builder(Credentials::new("1000000", "app-secret"))
///     .access_token("user-access-token")
///     .build()?;
/// let now = client.call_raw("system", "currentTime", 1, [("a", "1")]).await?;
/// println!("{now}");
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
    tokens: Option<Arc<dyn TokenProvider>>,
}

impl Client {
    /// Starts building a client for an app.
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder {
            credentials,
            base_url: DEFAULT_BASE_URL.to_owned(),
            auth_url: crate::oauth::DEFAULT_AUTH_URL.to_owned(),
            transport: TransportConfig {
                timeout: Duration::from_secs(30),
                connect_timeout: Duration::from_secs(5),
                max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
                allow_insecure_http: false,
            },
            deadline: None,
            retry: RetryPolicy::default(),
            budget: RetryBudget::default(),
            upload: UploadMode::default(),
            tokens: None,
            limits: None,
            limiter: None,
        }
    }

    /// The same client (sharing connections) with another token provider.
    pub fn with_token_provider(&self, provider: impl TokenProvider + 'static) -> Client {
        Client {
            inner: self.inner.clone(),
            tokens: Some(Arc::new(provider)),
        }
    }

    /// The OAuth endpoints of this client's app and gateway.
    pub fn oauth(&self) -> OAuth {
        OAuth::new(
            self.inner.transport.clone(),
            self.inner.credentials.clone(),
            self.inner.auth_url.clone(),
        )
    }

    /// The app's credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    /// The gateway base URL.
    pub fn base_url(&self) -> &str {
        self.inner.transport.base_url()
    }

    /// The first half of a call: `params` encoded for `api` as this client sends them (its
    /// app key, its upload mode), ready to sign. Tools show it with
    /// [`PreparedCall::sign`] and [`crate::SignedRequest::explain`], then send it with
    /// [`Client::send_prepared`].
    pub fn prepare<'a>(
        &self,
        api: &'a ApiInfo<'a>,
        params: Params,
    ) -> Result<PreparedCall<'a>, Error> {
        PreparedCall::new(
            api,
            &self.inner.credentials.app_key,
            params,
            self.inner.upload,
        )
    }

    /// The second half: sends a prepared call (tokens, signing per attempt, status checks, one
    /// refresh on 401, retries), as [`Client::execute`] does.
    pub async fn send_prepared(
        &self,
        call: &PreparedCall<'_>,
        options: &CallOptions,
    ) -> Result<RawResponse, Error> {
        self.run(call, options, &mut |raw| {
            response::check(raw.status, &raw.body)
        })
        .await
    }

    /// Calls a typed API.
    pub async fn call<R: Request>(&self, request: &R) -> Result<R::Response, Error> {
        self.call_with(request, &DEFAULT_OPTIONS).await
    }

    /// [`Client::call`] taking the request by value, so the future owns it and can be returned
    /// from a plain `fn`: the generated API methods do that, marked `#[inline]`, so a call's
    /// decoding is compiled only in the programs that make the call, not for every API in the
    /// SDK crate.
    pub async fn call_owned<R: Request>(&self, request: R) -> Result<R::Response, Error> {
        // Straight to `decoded`, with no `async fn` level in between: each level nests the
        // future inside one more (2,808 bytes for a call instead of 3,072 through `call`).
        let params = request_params(&request);
        self.decoded(&R::API, params, &DEFAULT_OPTIONS).await
    }

    /// Calls a typed API with per-call options.
    pub async fn call_with<R: Request>(
        &self,
        request: &R,
        options: &CallOptions,
    ) -> Result<R::Response, Error> {
        self.decoded(&R::API, request_params(request), options)
            .await
    }

    /// Runs the pipeline, decoding the accepted answer as `T` in the same pass that checks it.
    async fn decoded<T: serde::de::DeserializeOwned + Send>(
        &self,
        api: &ApiInfo<'_>,
        params: Params,
        options: &CallOptions,
    ) -> Result<T, Error> {
        let mut decoded = None;
        let call = self.prepare(api, params)?;
        let raw = self
            .run(&call, options, &mut |raw| {
                decoded = Some(response::check_and_decode(raw.status, &raw.body)?);
                Ok(())
            })
            .await?;
        // `run` returns Ok only for an answer `accept` took, so `decoded` is set; decode again
        // rather than panic should that ever change.
        match decoded {
            Some(value) => Ok(value),
            None => response::check_and_decode(raw.status, &raw.body),
        }
    }

    /// Calls any API by name, for APIs without a spec yet: signed, `param2`, the token sent
    /// when there is one, not retried after ambiguous failures. Returns the JSON body.
    pub async fn call_raw<K, V>(
        &self,
        namespace: &str,
        name: &str,
        version: u32,
        params: impl IntoIterator<Item = (K, V)>,
    ) -> Result<serde_json::Value, Error>
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.call_raw_with(
            &ApiInfo::raw(namespace, name, version),
            params,
            &CallOptions::default(),
        )
        .await
    }

    /// [`Client::call_raw`] with an explicit API description and options.
    pub async fn call_raw_with<K, V>(
        &self,
        api: &ApiInfo<'_>,
        params: impl IntoIterator<Item = (K, V)>,
        options: &CallOptions,
    ) -> Result<serde_json::Value, Error>
    where
        K: Into<String>,
        V: Into<String>,
    {
        let mut p = Params::new();
        for (k, v) in params {
            p.put(k.into(), &v.into());
        }
        self.decoded(api, p, options).await
    }

    /// The one non-generic pipeline every call goes through: tokens, signing, sending, status
    /// checks, one refresh on 401, and retries. Returns the body of a successful answer.
    pub async fn execute(
        &self,
        api: &ApiInfo<'_>,
        params: Params,
        options: &CallOptions,
    ) -> Result<RawResponse, Error> {
        self.send_prepared(&self.prepare(api, params)?, options)
            .await
    }

    /// [`Client::execute`], with `accept` judging each answer in place of
    /// [`response::check`]: typed calls decode there, reading the body once.
    async fn run(
        &self,
        call: &PreparedCall<'_>,
        options: &CallOptions,
        accept: &mut (dyn FnMut(&RawResponse) -> Result<(), Error> + Send),
    ) -> Result<RawResponse, Error> {
        let api = call.api();
        api.check()?;
        let started = Instant::now();
        let deadline = options.deadline.unwrap_or(self.inner.deadline);
        let retry_ambiguous = api.idempotent || options.retry_ambiguous;
        let mut refreshed = false;
        let mut attempt = 0;
        self.inner.budget.on_call();
        // Everything a call waits for (tokens, attempts, delays) fits in what is left of this.
        let remaining = || {
            deadline
                .checked_sub(started.elapsed())
                .filter(|left| !left.is_zero())
                .ok_or(Error::Timeout(deadline))
        };
        loop {
            attempt += 1;
            let span = tracing::info_span!("open1688.call", api = %api, attempt, status = tracing::field::Empty, request_id = tracing::field::Empty);
            let left = remaining()?;
            let token = within(left, self.token_for(api, options))
                .await
                .map_err(|_| Error::Timeout(deadline))??;
            let timeout = options
                .timeout
                .unwrap_or(self.inner.transport.timeout)
                .min(remaining()?);
            if let Some(limiter) = &self.inner.limiter {
                let max_wait = options
                    .timeout
                    .unwrap_or(self.inner.timeout)
                    .min(remaining()?);
                limiter
                    .acquire(&api.to_string(), max_wait)
                    .instrument(span.clone())
                    .await?;
            }
            // Each attempt is signed afresh: a new timestamp, the token of the moment.
            let signed = call.sign_keyed(
                &self.inner.credentials.app_secret,
                &self.inner.signing_key,
                token.as_deref(),
                Some(options.timestamp.unwrap_or_else(now_millis)),
            );
            let result = self
                .inner
                .transport
                .post(&signed, Some(timeout))
                .instrument(span.clone())
                .await;
            let mut retry_after = None;
            let error = match result {
                Ok(raw) => {
                    span.record("status", raw.status);
                    retry_after = raw.retry_after;
                    match accept(&raw) {
                        Ok(()) => return Ok(raw),
                        Err(e) => e,
                    }
                }
                Err(e) => e,
            };
            if let Some(id) = error.request_id() {
                span.record("request_id", id);
            }
            if let (Error::Unauthorized { .. }, Some(stale), Some(provider), false, None) = (
                &error,
                &token,
                &self.tokens,
                refreshed,
                &options.access_token,
            ) {
                let refresh = tokio::time::timeout(remaining()?, provider.refresh(stale));
                if refresh.await.map_err(|_| Error::Timeout(deadline))?? {
                    tracing::debug!(parent: &span, "access token rejected; refreshed it, trying once more");
                    refreshed = true;
                    attempt -= 1;
                    continue;
                }
            }
            match self
                .inner
                .retry
                .backoff(attempt, &error, retry_ambiguous, rand::random::<f64>())
            {
                // A `Retry-After` (already capped) lengthens the wait, never shortens it.
                Some(delay) => {
                    let delay = delay.max(retry_after.unwrap_or_default());
                    if started.elapsed().saturating_add(delay) >= deadline {
                        tracing::debug!(parent: &span, error = %error, "not retrying: the call's deadline would pass");
                        return Err(error);
                    }
                    if !self.inner.budget.try_retry() {
                        tracing::debug!(parent: &span, error = %error, "not retrying: retry budget spent");
                        return Err(error);
                    }
                    tracing::debug!(parent: &span, error = %error, ?delay, "retrying");
                    tokio::time::sleep(delay).await;
                }
                None => return Err(error),
            }
        }
    }

    async fn token_for<'a>(
        &'a self,
        api: &ApiInfo<'_>,
        options: &'a CallOptions,
    ) -> Result<Option<Cow<'a, Secret>>, Error> {
        if api.access_token == TokenMode::None {
            return Ok(None);
        }
        let token = match (&options.access_token, &self.tokens) {
            (Some(t), _) => Some(Cow::Borrowed(t)),
            (None, Some(provider)) => match provider.fixed_token() {
                Some(t) => Some(Cow::Borrowed(t)),
                None => provider.access_token().await?.map(Cow::Owned),
            },
            (None, None) => None,
        };
        if token.is_none() && api.access_token == TokenMode::Required {
            return Err(Error::InvalidInput {
                param: "access_token".into(),
                message: format!("{api} needs a user access token; give the client a token provider or the call an access token"),
            });
        }
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A typed call's future is `Send` for every `Send + Sync` request. The SDK's generated
    /// methods rely on it: they return `impl Future + '_` without spelling out `+ Send`, which
    /// made every build prove it again for each API. Checked here once, generically.
    #[test]
    fn typed_call_futures_are_send() {
        fn send<T: Send>(_: &T) {}
        #[allow(dead_code)]
        fn check<R: Request + Send + Sync>(client: &Client, request: R) {
            send(&client.call_owned(request));
        }
    }

    #[tokio::test]
    async fn within_bounds_only_what_waits() {
        let ready = within(Duration::from_millis(1), std::future::ready(7));
        assert_eq!(ready.await.ok(), Some(7));
        // Pending at the first poll, then done well inside the limit.
        let yields = within(Duration::from_secs(5), async {
            tokio::task::yield_now().await;
            8
        });
        assert_eq!(yields.await.ok(), Some(8));
        let stuck = within(Duration::from_millis(50), std::future::pending::<()>());
        assert!(stuck.await.is_err());
    }

    /// A provider that never answers.
    #[derive(Debug)]
    struct Stuck;
    impl TokenProvider for Stuck {
        fn access_token(&self) -> crate::token::BoxFuture<'_, Result<Option<Secret>, Error>> {
            Box::pin(std::future::pending())
        }
    }

    #[tokio::test]
    async fn a_token_provider_that_never_answers_ends_at_the_deadline() {
        let client = Client::builder(Credentials::new("1000000", "app-secret"))
            .base_url("http://127.0.0.1:9")
            .token_provider(Stuck)
            .deadline(Duration::from_millis(100))
            .build()
            .unwrap();
        let started = Instant::now();
        let api = ApiInfo::raw("system", "currentTime", 1);
        let result = client
            .call_raw_with(&api, [("a", "1")], &CallOptions::default())
            .await;
        assert!(matches!(result, Err(Error::Timeout(_))), "{result:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
