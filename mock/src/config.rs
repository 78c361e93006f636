//! Building a gateway: apps, the API catalogue, lifetimes, canned replies, the seed.

use crate::limits::QpsConfig;
use crate::server::MockGateway;
use crate::state::Gateway;
use crate::tokens::Lifetimes;
use open1688_core::{ApiDoc, ApiInfo, Secret};
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

/// The app key of the app a gateway knows when none is configured (the test vector of `docs/protocol.md#signature`).
pub const DEFAULT_APP_KEY: &str = "1000000";
/// The secret of that app.
pub const DEFAULT_APP_SECRET: &str = "test123";

/// What a successful call answers, instead of the API's `example_response`.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// HTTP 200 with this JSON body.
    Json(serde_json::Value),
    /// A paged list: HTTP 200 with `pages[n - 1]` when the call's `param` is `n` (1 when it
    /// is absent), and the last page again for a page past the end.
    Pages {
        /// The page-number param, e.g. `page`.
        param: String,
        /// The answer of each page, from page 1.
        pages: Vec<serde_json::Value>,
    },
    /// Any status, content type and body.
    Raw {
        /// HTTP status.
        status: u16,
        /// `Content-Type`.
        content_type: String,
        /// The body.
        body: String,
    },
}

impl Reply {
    /// A JSON body with any status.
    pub fn status(status: u16, body: impl Into<String>) -> Reply {
        Reply::Raw {
            status,
            content_type: "application/json;charset=UTF-8".into(),
            body: body.into(),
        }
    }

    /// HTTP 200 `{"success":false,"errorCode":…,"errorMessage":…}`, the commonest business error shape.
    pub fn business_error(code: &str, message: &str) -> Reply {
        Reply::Json(
            serde_json::json!({ "success": false, "errorCode": code, "errorMessage": message }),
        )
    }
}

/// The API id a reply or fault rule names: `namespace:name-version` or `namespace:name`.
pub trait ApiRef {
    /// The id.
    fn api_id(&self) -> String;
}

impl ApiRef for &str {
    fn api_id(&self) -> String {
        (*self).to_owned()
    }
}

impl ApiRef for String {
    fn api_id(&self) -> String {
        self.clone()
    }
}

impl ApiRef for &ApiInfo<'_> {
    fn api_id(&self) -> String {
        self.to_string()
    }
}

impl ApiRef for &ApiDoc {
    fn api_id(&self) -> String {
        self.api.to_string()
    }
}

/// Builds and starts a [`MockGateway`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
/// use open1688_mock::MockGateway;
/// let gateway = MockGateway::builder().app("1000000", "test123").start().await?;
/// assert!(gateway.url().starts_with("http://127.0.0.1:"));
/// gateway.stop().await;
/// # Ok(()) }
/// ```
pub struct MockGatewayBuilder {
    pub(crate) apps: Vec<(String, Secret)>,
    pub(crate) apis: Vec<&'static ApiDoc>,
    pub(crate) replies: Vec<(String, Reply)>,
    pub(crate) seed: u64,
    pub(crate) lifetimes: Lifetimes,
    pub(crate) postpone_window: Duration,
    pub(crate) journal_capacity: usize,
    pub(crate) addr: SocketAddr,
    pub(crate) qps: QpsConfig,
}

impl fmt::Debug for MockGatewayBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockGatewayBuilder")
            .field(
                "apps",
                &self.apps.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("apis", &self.apis.len())
            .field("seed", &self.seed)
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Default for MockGatewayBuilder {
    fn default() -> Self {
        MockGatewayBuilder {
            apps: Vec::new(),
            apis: Vec::new(),
            replies: Vec::new(),
            seed: 1688,
            lifetimes: Lifetimes {
                access: Duration::from_secs(36_000),
                refresh: Duration::from_secs(180 * 86_400),
                code: Duration::from_secs(120),
            },
            postpone_window: Duration::from_secs(30 * 86_400),
            journal_capacity: crate::journal::DEFAULT_JOURNAL_CAPACITY,
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            qps: QpsConfig::default(),
        }
    }
}

impl MockGatewayBuilder {
    /// Adds an app the gateway knows. Without any, it knows [`DEFAULT_APP_KEY`] /
    /// [`DEFAULT_APP_SECRET`]. The first app is the default for helpers such as
    /// [`MockGateway::issue_tokens`].
    pub fn app(mut self, app_key: impl Into<String>, app_secret: impl Into<Secret>) -> Self {
        self.apps.push((app_key.into(), app_secret.into()));
        self
    }

    /// Serves these APIs instead of the built-in catalogue ([`crate::CATALOGUE`], every API in
    /// `api-specs/`), e.g. a hand-written test catalogue or a few entries of the built-in one.
    /// The OAuth endpoints (`system.oauth2:getToken`, `postponeToken`) are always served.
    pub fn apis(mut self, apis: impl IntoIterator<Item = &'static ApiDoc>) -> Self {
        self.apis.extend(apis);
        self
    }

    /// Serves a whole catalogue, e.g. one generated from other specs (`APIS` of a crate that
    /// `cargo xtask gen` wrote), instead of the built-in one.
    pub fn catalogue(self, apis: &'static [&'static ApiDoc]) -> Self {
        self.apis(apis.iter().copied())
    }

    /// Adds one API to the catalogue.
    pub fn api(mut self, api: &'static ApiDoc) -> Self {
        self.apis.push(api);
        self
    }

    /// What successful calls of `api` answer instead of its `example_response`.
    pub fn reply(mut self, api: impl ApiRef, reply: Reply) -> Self {
        self.replies.push((api.api_id(), reply));
        self
    }

    /// Seeds the random generators of faults and tokens (default 1688).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Lifetime of access tokens (default 10 hours). `expires_in` reports it rounded up to
    /// whole seconds, so a sub-second lifetime expires before the client expects it.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetimes.access = lifetime;
        self
    }

    /// Lifetime of refresh tokens (default 180 days).
    pub fn refresh_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetimes.refresh = lifetime;
        self
    }

    /// Lifetime of authorization codes (default 2 minutes).
    pub fn code_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetimes.code = lifetime;
        self
    }

    /// How close to its expiry a refresh token must be for `postponeToken` (default 30 days).
    pub fn postpone_window(mut self, window: Duration) -> Self {
        self.postpone_window = window;
        self
    }

    /// How many requests the journal keeps (default 100 000); the oldest go first.
    pub fn journal_capacity(mut self, entries: usize) -> Self {
        self.journal_capacity = entries;
        self
    }

    /// Refuses an app's calls beyond `qps` in any sliding second with HTTP 429
    /// `gw.QosAppFrequencyLimit`, as the gateway throttles an app (default: no limit).
    /// Each app has its own budget; refused calls do not count.
    pub fn app_qps(mut self, qps: u32) -> Self {
        self.qps.app = Some(qps);
        self
    }

    /// Refuses an app's calls of `api` beyond `qps` in any sliding second with HTTP 429
    /// `gw.QosAPIFrequencyLimit`. `api` is `namespace:name-version`.
    pub fn api_qps(mut self, api: impl ApiRef, qps: u32) -> Self {
        self.qps.apis.push((api.api_id(), qps));
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, an ephemeral port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(mut self) -> std::io::Result<MockGateway> {
        if self.apps.is_empty() {
            self.apps
                .push((DEFAULT_APP_KEY.to_owned(), Secret::new(DEFAULT_APP_SECRET)));
        }
        if self.apis.is_empty() {
            self.apis.extend(crate::CATALOGUE.iter().copied());
        }
        let addr = self.addr;
        if !addr.ip().is_loopback()
            && self
                .apps
                .iter()
                .any(|(_, secret)| secret.expose() == DEFAULT_APP_SECRET)
        {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("refusing to listen on non-loopback {addr} with the demo app secret (anyone could call it): give apps their own secrets or bind 127.0.0.1"),
            ));
        }
        MockGateway::start(Gateway::new(self), addr).await
    }
}
