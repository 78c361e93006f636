//! The identity of an API and the one trait every generated request implements.

use crate::Params;
use serde::de::DeserializeOwned;
use std::fmt;

/// Whether an API takes the user's `access_token`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenMode {
    /// The call fails before sending when no token is available.
    Required,
    /// Sent when the client has one.
    Optional,
    /// Never sent: some APIs reject a signature that covers a token they do not expect.
    None,
}

/// Everything the runtime needs to know about an API besides its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ApiInfo<'a> {
    /// e.g. `com.alibaba.product`.
    pub namespace: &'a str,
    /// e.g. `alibaba.product.get`.
    pub name: &'a str,
    /// Almost always 1.
    pub version: u32,
    /// URL protocol segment: `param2`, or `http` for the token endpoint.
    pub protocol: &'a str,
    /// Whether `_aop_timestamp` and `_aop_signature` are sent.
    pub signed: bool,
    /// Whether the user's access token is sent.
    pub access_token: TokenMode,
    /// Safe to send twice: retried after timeouts, 5xx and connection failures.
    pub idempotent: bool,
}

impl<'a> ApiInfo<'a> {
    /// A signed `param2` API that sends the token when there is one, not retried on ambiguous
    /// failures: the defaults for an API without a spec.
    pub const fn raw(namespace: &'a str, name: &'a str, version: u32) -> Self {
        ApiInfo {
            namespace,
            name,
            version,
            protocol: "param2",
            signed: true,
            access_token: TokenMode::Optional,
            idempotent: false,
        }
    }

    /// Refuses a namespace, name or protocol that would change the URL without changing the
    /// signed path (`?`, `#`, `/`, `..`, spaces, ...): only ASCII letters, digits, `.`, `_`
    /// and `-` occur in real API ids.
    ///
    /// ```
    /// use open1688_core::ApiInfo;
    /// assert!(ApiInfo::raw("com.alibaba.product", "alibaba.product.get", 1).check().is_ok());
    /// assert!(ApiInfo::raw("system", "currentTime?x=1", 1).check().is_err());
    /// assert!(ApiInfo::raw("..", "x", 1).check().is_err());
    /// ```
    pub fn check(&self) -> Result<(), crate::Error> {
        for (what, value) in [
            ("namespace", self.namespace),
            ("API name", self.name),
            ("protocol", self.protocol),
        ] {
            check_segment(what, value)?;
        }
        Ok(())
    }

    /// The signed URL path: `param2/1/<namespace>/<name>/<appKey>` (no leading slash).
    ///
    /// ```
    /// use open1688_core::ApiInfo;
    /// let api = ApiInfo::raw("com.alibaba.product", "alibaba.product.get", 1);
    /// assert_eq!(api.url_path("1000000"), "param2/1/com.alibaba.product/alibaba.product.get/1000000");
    /// let api = ApiInfo { protocol: "http", ..ApiInfo::raw("system.oauth2", "getToken", 12) };
    /// assert_eq!(api.url_path("7"), "http/12/system.oauth2/getToken/7");
    /// ```
    pub fn url_path(&self, app_key: &str) -> String {
        // Every call makes one; joining the pieces is a fraction of `format!`'s cost.
        let mut version = itoa::Buffer::new();
        let version = version.format(self.version);
        [self.protocol, version, self.namespace, self.name, app_key].join("/")
    }
}

/// One URL path segment of an API id or app key: non-empty, `[A-Za-z0-9._-]`, not `..`-bearing.
pub(crate) fn check_segment(what: &str, value: &str) -> Result<(), crate::Error> {
    // Bytes, not chars: every call checks its API. A byte that is not allowed starts the
    // offending char (ASCII, or the lead byte of a longer one).
    let bad = value
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')))
        .and_then(|at| value[at..].chars().next());
    let message = if value.is_empty() {
        "is empty".to_owned()
    } else if let Some(c) = bad {
        format!("{value:?} contains {c:?}; only letters, digits, '.', '_' and '-' are allowed")
    } else if value.contains("..") || value.starts_with('.') {
        format!("{value:?} contains a path step ('..' or a leading '.')")
    } else {
        return Ok(());
    };
    Err(crate::Error::InvalidInput {
        param: what.to_owned(),
        message,
    })
}

impl fmt::Display for ApiInfo<'_> {
    /// The API id as the docs write it: `namespace:name-version`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}-{}", self.namespace, self.name, self.version)
    }
}

/// A typed request: generated for every spec in `api-specs/`.
///
/// Per-API code is only data: the API's identity and how its fields become parameters.
/// Signing, transport, retries and errors live once, in [`crate::Client`].
pub trait Request {
    /// The decoded response.
    type Response: DeserializeOwned + Send;
    /// The API this request calls.
    const API: ApiInfo<'static>;
    /// Adds this request's parameters.
    fn write_params(&self, params: &mut Params);
}

#[cfg(test)]
mod tests {
    use super::check_segment;

    proptest::proptest! {
        /// The check accepts exactly the non-empty `[A-Za-z0-9._-]` segments with no
        /// `..` and no leading `.`.
        #[test]
        fn a_segment_passes_exactly_when_it_is_a_plain_name(
            value in "[a.]{0,5}|[aZ9._/?é -]{0,6}",
        ) {
            let plain = !value.is_empty()
                && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
                && !value.contains("..")
                && !value.starts_with('.');
            proptest::prop_assert_eq!(check_segment("namespace", &value).is_ok(), plain, "{:?}", value);
        }
    }
}
