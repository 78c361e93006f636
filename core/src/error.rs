//! One error type for every way a call can fail.

use std::time::Duration;

/// Why a call failed.
///
/// ```
/// use open1688_core::Error;
/// let e = Error::Gateway { status: 503, code: "gw.QosAppFrequencyLimit".into(), message: "limited".into(), request_id: None };
/// assert!(e.is_retryable());
/// assert!(e.is_throttled());
/// assert_eq!(e.code(), Some("gw.QosAppFrequencyLimit"));
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The gateway refused the call (HTTP 4xx/5xx with a `gw.*` code, or a bare 5xx).
    #[error(
        "gateway error {code} (HTTP {status}): {message}{}",
        request_suffix(request_id)
    )]
    Gateway {
        /// HTTP status.
        status: u16,
        /// `gw.*` code, or `HTTP <status>` when the body carried none.
        code: String,
        /// The gateway's message.
        message: String,
        /// The gateway's request id, for support tickets.
        request_id: Option<String>,
    },
    /// The access token is missing, unknown or expired (HTTP 401).
    #[error(
        "not authorised (HTTP {status}): {message}{}",
        request_suffix(request_id)
    )]
    Unauthorized {
        /// HTTP status.
        status: u16,
        /// The gateway's message.
        message: String,
        /// The gateway's request id.
        request_id: Option<String>,
    },
    /// The API answered HTTP 200 with `success:false` (or one of its variants).
    #[error("business error{}: {message}", code.as_deref().map(|c| format!(" {c}")).unwrap_or_default())]
    Business {
        /// The API's error code, when it gave one.
        code: Option<String>,
        /// The API's error message.
        message: String,
    },
    /// The OAuth endpoint answered `{error, error_description}`.
    #[error("OAuth error {error} (HTTP {status}): {description}")]
    OAuth {
        /// HTTP status.
        status: u16,
        /// OAuth error code.
        error: String,
        /// Its description.
        description: String,
    },
    /// The request could not be sent or the response not read.
    #[error("transport error: {message}")]
    Transport {
        /// What went wrong.
        message: String,
        /// Whether the connection was never established (the request was certainly not sent).
        connect: bool,
    },
    /// The call did not complete in time.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// The response body was not what the API's spec describes.
    #[error(
        "could not decode response (HTTP {status}): {message}; body starts with: {body_prefix}"
    )]
    Decode {
        /// HTTP status.
        status: u16,
        /// The decoder's message, with the position.
        message: String,
        /// The first bytes of the body, token values masked.
        body_prefix: String,
    },
    /// The request was rejected before sending.
    #[error("invalid input for `{param}`: {message}")]
    InvalidInput {
        /// The parameter (or setting) that was wrong.
        param: String,
        /// Why.
        message: String,
    },
    /// The client's rate limiter did not admit the call: its next slot is beyond the call's
    /// timeout, or a shared limiter was unreachable and its policy is to fail. Not sent.
    #[error("rate limited before sending {api}: {message}")]
    RateLimited {
        /// The API id (`namespace:name-version`).
        api: String,
        /// Why.
        message: String,
    },
    /// A pushed message failed verification or could not be decoded.
    #[error("invalid push message: {0}")]
    Push(String),
    /// The message channel refused the connection (wrong app key or secret, app not enabled).
    #[error("message channel: {0}")]
    Channel(String),
}

fn request_suffix(request_id: &Option<String>) -> String {
    request_id
        .as_deref()
        .map(|id| format!(" [request {id}]"))
        .unwrap_or_default()
}

impl Error {
    /// Throttling (`gw.Qos*`): the gateway rejected the call before running it, so it is safe to
    /// retry any API after a delay.
    pub fn is_throttled(&self) -> bool {
        matches!(self, Error::Gateway { code, .. } if code.starts_with("gw.Qos"))
    }

    /// Certainly not run: throttled by the gateway, or the connection was never established.
    /// Safe to retry for any API, orders included.
    pub fn was_not_sent(&self) -> bool {
        self.is_throttled() || matches!(self, Error::Transport { connect: true, .. })
    }

    /// Worth retrying at all: throttling, 5xx, connection failures and timeouts. The client
    /// retries the last three only for idempotent APIs, since the call may have run.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Gateway { status, .. } => self.is_throttled() || *status >= 500,
            Error::Transport { .. } | Error::Timeout(_) => true,
            _ => false,
        }
    }

    /// The gateway (`gw.*`), business or OAuth error code, if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Gateway { code, .. } => Some(code),
            Error::Business { code, .. } => code.as_deref(),
            Error::OAuth { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The HTTP status, where the gateway answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Gateway { status, .. }
            | Error::Unauthorized { status, .. }
            | Error::OAuth { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The gateway's request id, where it gave one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Gateway { request_id, .. } | Error::Unauthorized { request_id, .. } => {
                request_id.as_deref()
            }
            _ => None,
        }
    }

    /// A configuration problem rather than a fault: the app lacks permission for the API
    /// (`gw.APIACLDecline`), the quota is exhausted, or the app key is unknown.
    pub fn is_configuration(&self) -> bool {
        matches!(
            self.code(),
            Some(
                "gw.APIACLDecline"
                    | "gw.NoUsageLeftError"
                    | "gw.AppKeyNotFound"
                    | "gw.AppKeyMissing"
                    | "gw.APIUnsupported"
            )
        )
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
