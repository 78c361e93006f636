//! OAuth 2: the browser authorization URL, code exchange, refresh and `postponeToken`.
//!
//! The token endpoints are unsigned POSTs. The code exchange uses the documented `http`
//! protocol path; refresh and postpone use `param2`, as the docs show them. The refresh key is
//! `refresh_token` as documented (the official Java SDK sends `refreshToken`).

use crate::de::lenient;
use crate::transport::Transport;
use crate::{response, ApiInfo, Credentials, Date, Error, Params, PreparedCall, Secret};
use crate::{TokenMode, UploadMode};
use serde::Deserialize;
use tracing::Instrument;

/// The authorization page's host.
pub const DEFAULT_AUTH_URL: &str = "https://auth.1688.com";

/// A token endpoint's answer. `Debug` never shows the tokens.
///
/// Decodes the documented sample, where `expires_in` is a string and `refresh_token_timeout`
/// has the form `20121222222222+0800`.
///
/// ```
/// use open1688_core::TokenResponse;
/// let t: TokenResponse = serde_json::from_str(r#"{"aliId":"8888888888","resource_owner":"xxx","memberId":"xxxxxxx",
///   "expires_in":"36000","refresh_token":"479f9564-1049-456e-ab62-29c8c4c1f2a2",
///   "access_token":"0c8e4d1c-bd81-4d6b-a7e9-7e9ef7b0e0d9","refresh_token_timeout":"20121222222222+0800"}"#).unwrap();
/// assert_eq!(t.expires_in, Some(36000));
/// assert!(!format!("{t:?}").contains("479f9564"));
/// ```
#[derive(Clone, Debug, Deserialize)]
pub struct TokenResponse {
    /// The user access token (10 hours).
    pub access_token: Secret,
    /// The refresh token (about six months), when requested.
    #[serde(default)]
    pub refresh_token: Option<Secret>,
    /// Seconds until the access token expires.
    #[serde(default, deserialize_with = "lenient")]
    pub expires_in: Option<i64>,
    /// When the refresh token expires.
    #[serde(default, deserialize_with = "lenient")]
    pub refresh_token_timeout: Option<Date>,
    /// The user's login id.
    #[serde(default, deserialize_with = "lenient")]
    pub resource_owner: Option<String>,
    /// The member id (member APIs).
    #[serde(default, rename = "memberId", deserialize_with = "lenient")]
    pub member_id: Option<String>,
    /// The Alibaba-group-wide user id (a string in the documented sample, a number in
    /// others; the `getToken` spec types it `long`, and so does this).
    #[serde(default, rename = "aliId", deserialize_with = "lenient")]
    pub ali_id: Option<i64>,
    /// The user id some order APIs use.
    #[serde(default, deserialize_with = "lenient")]
    pub uid: Option<String>,
}

/// The OAuth endpoints of one app on one gateway. Get it from [`crate::Client::oauth`].
#[derive(Clone, Debug)]
pub struct OAuth {
    transport: Transport,
    credentials: Credentials,
    auth_url: String,
}

impl OAuth {
    pub(crate) fn new(transport: Transport, credentials: Credentials, auth_url: String) -> Self {
        OAuth {
            transport,
            credentials,
            auth_url: auth_url.trim_end_matches('/').to_owned(),
        }
    }

    /// The page to send the user to: `auth.1688.com/oauth/authorize?client_id=…&site=1688&
    /// redirect_uri=…&state=…`. 1688 redirects back to `redirect_uri?code=…&state=…`; the code is
    /// single-use and valid for two minutes.
    pub fn authorize_url(&self, redirect_uri: &str, state: &str) -> String {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.credentials.app_key)
            .append_pair("site", "1688")
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", state)
            .finish();
        format!("{}/oauth/authorize?{query}", self.auth_url)
    }

    /// Prepares and sends a token endpoint call through the one request pipeline (the
    /// endpoints are unsigned and take no `access_token` system parameter).
    async fn token_call(
        &self,
        protocol: &'static str,
        name: &'static str,
        params: &[(&'static str, &str)],
    ) -> Result<TokenResponse, Error> {
        let api = ApiInfo {
            namespace: "system.oauth2",
            name,
            version: 1,
            protocol,
            signed: false,
            access_token: TokenMode::None,
            idempotent: false,
        };
        let mut form = Params::new();
        for (key, value) in params {
            form.put(*key, *value);
        }
        let call = PreparedCall::new(&api, &self.credentials.app_key, form, UploadMode::Multipart)?;
        let request = call.sign(&self.credentials.app_secret, None, None);
        let span =
            tracing::info_span!("open1688.oauth", api = %api, status = tracing::field::Empty);
        let raw = self
            .transport
            .post(&request, None)
            .instrument(span.clone())
            .await?;
        span.record("status", raw.status);
        response::check(raw.status, &raw.body)?;
        response::decode(raw.status, &raw.body)
    }

    /// Exchanges an authorization code for tokens (`grant_type=authorization_code`).
    pub async fn exchange_code(
        &self,
        code: &str,
        redirect_uri: &str,
    ) -> Result<TokenResponse, Error> {
        let params = [
            ("grant_type", "authorization_code"),
            ("need_refresh_token", "true"),
            ("client_id", self.credentials.app_key.as_str()),
            ("client_secret", self.credentials.app_secret.expose()),
            ("redirect_uri", redirect_uri),
            ("code", code),
        ];
        self.token_call("http", "getToken", &params).await
    }

    /// A new access token from a refresh token (`grant_type=refresh_token`).
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<TokenResponse, Error> {
        let params = [
            ("grant_type", "refresh_token"),
            ("client_id", self.credentials.app_key.as_str()),
            ("client_secret", self.credentials.app_secret.expose()),
            ("refresh_token", refresh_token.expose()),
        ];
        self.token_call("param2", "getToken", &params).await
    }

    /// Renews the refresh token in its last 30 days (`postponeToken`); the old one stops working.
    pub async fn postpone(
        &self,
        refresh_token: &Secret,
        access_token: &Secret,
    ) -> Result<TokenResponse, Error> {
        let params = [
            ("client_id", self.credentials.app_key.as_str()),
            ("client_secret", self.credentials.app_secret.expose()),
            ("refresh_token", refresh_token.expose()),
            ("access_token", access_token.expose()),
        ];
        self.token_call("param2", "postponeToken", &params).await
    }
}
