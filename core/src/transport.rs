//! The one place that speaks HTTP: POST a form (or multipart) to `/openapi/<url path>`.
//!
//! What the network may do to us is bounded here: the body is read chunk by chunk up to a size
//! limit, redirects are never followed (a 307/308 would re-POST `access_token` and
//! `client_secret` to whatever host it names), and plain `http://` is refused for anything but
//! loopback unless the caller opts in.

use crate::{Error, SignedRequest};
use arc_swap::ArcSwap;
use bytes::{Bytes, BytesMut};
use smallvec::SmallVec;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The gateway the SDK talks to unless told otherwise.
pub const DEFAULT_BASE_URL: &str = "https://gw.open.1688.com";

/// The default cap on a response body: far above any real answer (product lists included).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// How many APIs' URLs a transport keeps made (the catalogue has 474).
const MAX_CACHED_URLS: usize = 1024;

/// The longest `Retry-After` honoured; a longer one is treated as this.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// A raw answer: status and body.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// The body, undecoded.
    pub body: Bytes,
    /// The `Retry-After` header in seconds, when sent (capped at 60 s).
    pub retry_after: Option<Duration>,
}

/// How the transport is set up; every field has a builder method on [`crate::ClientBuilder`].
#[derive(Clone, Debug)]
pub(crate) struct TransportConfig {
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_response_bytes: u64,
    pub(crate) allow_insecure_http: bool,
}

/// A keep-alive HTTP client bound to one gateway base URL.
#[derive(Clone, Debug)]
pub(crate) struct Transport {
    http: reqwest::Client,
    base_url: String,
    /// `<base>/openapi/`, parsed once: an API's URL is a copy with its path set.
    openapi: url::Url,
    /// Each API's URL, made once and shared by the transport's clones. Read on every call, so
    /// read without a shared write: a lock's reader count bounced between the cores of a busy
    /// client (one call per core took ~200 ns longer with two cores calling); the map is
    /// replaced whole on the rare miss instead.
    urls: Arc<ArcSwap<HashMap<String, url::Url>>>,
    pub(crate) timeout: Duration,
    max_response_bytes: u64,
}

fn transport_error(e: reqwest::Error, timeout: Duration) -> Error {
    // A connect timeout is a connection never made: certainly not sent, unlike a read timeout.
    if e.is_timeout() && !e.is_connect() {
        return Error::Timeout(timeout);
    }
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::Transport {
        message,
        connect: e.is_connect(),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn invalid_url(base_url: &str, message: impl std::fmt::Display) -> Error {
    Error::InvalidInput {
        param: "base_url".into(),
        message: format!("{base_url:?}: {message}"),
    }
}

impl Transport {
    pub(crate) fn new(base_url: &str, config: &TransportConfig) -> Result<Self, Error> {
        let parsed = url::Url::parse(base_url).map_err(|e| invalid_url(base_url, e))?;
        match parsed.scheme() {
            "https" => {}
            "http" if is_loopback(&parsed) || config.allow_insecure_http => {}
            "http" => {
                return Err(invalid_url(
                    base_url,
                    "plain http is allowed only for loopback hosts; use https, or opt in with ClientBuilder::allow_insecure_http",
                ))
            }
            _ => return Err(invalid_url(base_url, "not an http(s) URL")),
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(invalid_url(
                base_url,
                "a base URL takes no query or fragment",
            ));
        }
        let base_url = base_url.trim_end_matches('/');
        let openapi =
            url::Url::parse(&format!("{base_url}/openapi/")).map_err(|e| Error::InvalidInput {
                param: "base_url".into(),
                message: format!("{base_url:?}: {e}"),
            })?;
        // No reqwest timeout: `post` bounds each exchange itself.
        let http = crate::tls::reqwest_builder()?
            .connect_timeout(config.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("open1688-rust/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::InvalidInput {
                param: "http client".into(),
                message: e.to_string(),
            })?;
        Ok(Transport {
            http,
            base_url: base_url.to_owned(),
            openapi,
            urls: Arc::default(),
            timeout: config.timeout,
            max_response_bytes: config.max_response_bytes,
        })
    }

    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `<base>/openapi/<url path>`. Setting a path costs `url` a parse of it (about 4 k
    /// instructions, the client's largest own step after signing); a copy of a made URL costs
    /// one allocation. Past [`MAX_CACHED_URLS`] paths (raw calls to that many APIs) URLs are
    /// made for each call and not kept.
    fn url(&self, url_path: &str) -> url::Url {
        let full = {
            let urls = self.urls.load();
            if let Some(url) = urls.get(url_path) {
                return url.clone();
            }
            urls.len() >= MAX_CACHED_URLS
        };
        // One path for the whole of `openapi/<url path>` (its segments are checked: letters,
        // digits, `.`, `_`, `-`), not one URL rewrite per segment.
        let mut url = self.openapi.clone();
        let mut path = String::with_capacity(url.path().len() + url_path.len());
        path.push_str(url.path());
        path.push_str(url_path);
        url.set_path(&path);
        if full {
            return url;
        }
        // Copy, insert, swap: once per API (racing first calls may each do it).
        self.urls.rcu(|urls| {
            let mut urls = HashMap::clone(urls);
            if urls.len() < MAX_CACHED_URLS {
                urls.insert(url_path.to_owned(), url.clone());
            }
            urls
        });
        url
    }

    /// POSTs a signed request to `<base>/openapi/<url path>`: a form, or multipart when it
    /// has file parts.
    pub(crate) async fn post(
        &self,
        request: &SignedRequest<'_>,
        timeout: Option<Duration>,
    ) -> Result<RawResponse, Error> {
        let timeout = timeout.unwrap_or(self.timeout);
        // The whole exchange, body included, within `timeout`; the timer is part of this
        // future (reqwest's own timeout boxes one per request).
        tokio::time::timeout(timeout, self.exchange(request, timeout))
            .await
            .unwrap_or(Err(Error::Timeout(timeout)))
    }

    async fn exchange(
        &self,
        request: &SignedRequest<'_>,
        timeout: Duration,
    ) -> Result<RawResponse, Error> {
        let (params, files) = (request.form(), request.files());
        let request = self.http.post(self.url(request.url_path()));
        let request = if files.is_empty() {
            let mut form = form_urlencoded::Serializer::new(String::with_capacity(256));
            form.extend_pairs(params);
            request
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded; charset=UTF-8",
                )
                .body(form.finish())
        } else {
            let mut form = reqwest::multipart::Form::new();
            for (k, v) in params {
                form = form.text(k.to_string(), v.to_string());
            }
            for (name, file) in files {
                let part =
                    reqwest::multipart::Part::stream(reqwest::Body::from(file.bytes.clone()))
                        .file_name(file.filename.clone());
                form = form.part(name.to_string(), part);
            }
            request.multipart(form)
        };
        let mut response = request
            .send()
            .await
            .map_err(|e| transport_error(e, timeout))?;
        let status = response.status();
        if status.is_redirection() {
            return Err(redirect_error(&response));
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|secs| Duration::from_secs(secs).min(MAX_RETRY_AFTER));
        let limit = self.max_response_bytes;
        if response.content_length().is_some_and(|len| len > limit) {
            return Err(Error::ResponseTooLarge { limit });
        }
        // A body that came in one chunk is kept as hyper handed it over; a longer one is joined
        // once, into a buffer of exactly its length. (Growing one buffer chunk by chunk copied a
        // 20 KB answer up to three times and held twice its size.)
        let mut chunks: SmallVec<[Bytes; 4]> = SmallVec::new();
        let mut len = 0u64;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport_error(e, timeout))?
        {
            len += chunk.len() as u64;
            if len > limit {
                return Err(Error::ResponseTooLarge { limit });
            }
            chunks.push(chunk);
        }
        let body = if let [one] = &mut chunks[..] {
            std::mem::take(one)
        } else {
            let mut joined = BytesMut::with_capacity(len as usize);
            chunks.iter().for_each(|c| joined.extend_from_slice(c));
            joined.freeze()
        };
        Ok(RawResponse {
            status: status.as_u16(),
            body,
            retry_after,
        })
    }
}

/// A 3xx is an error naming where it pointed; following it could hand credentials to that host.
fn redirect_error(response: &reqwest::Response) -> Error {
    let status = response.status().as_u16();
    let target = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(|location| match response.url().join(location) {
            Ok(url) => format!(
                "{}://{}",
                url.scheme(),
                url.host_str().unwrap_or("(no host)")
            ),
            Err(_) => "an unparsable Location".to_owned(),
        })
        .unwrap_or_else(|| "no Location".to_owned());
    Error::Gateway {
        status,
        code: format!("HTTP {status}"),
        message: format!(
            "the gateway redirected to {target}; redirects are not followed (they would re-send credentials)"
        ),
        request_id: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transport(base_url: &str) -> Transport {
        let config = TransportConfig {
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
        };
        Transport::new(base_url, &config).expect("a valid base URL")
    }

    #[test]
    fn an_api_url_keeps_the_base_path_and_is_made_once() {
        let transport = transport("https://gw.example.com/prefix/");
        let path = "param2/1/com.alibaba.product/alibaba.product.get/1000000";
        let expected =
            "https://gw.example.com/prefix/openapi/param2/1/com.alibaba.product/alibaba.product.get/1000000";
        assert_eq!(transport.url(path).as_str(), expected);
        assert_eq!(transport.urls.load().len(), 1);
        // A clone shares what was made; the second call is the kept one.
        assert_eq!(transport.clone().url(path).as_str(), expected);
        assert_eq!(transport.urls.load().len(), 1);
    }

    #[test]
    fn the_kept_urls_are_bounded() {
        let transport = transport("http://127.0.0.1:1");
        for i in 0..MAX_CACHED_URLS + 10 {
            let url = transport.url(&format!("param2/1/system/api{i}/1"));
            assert_eq!(url.path(), format!("/openapi/param2/1/system/api{i}/1"));
        }
        assert_eq!(transport.urls.load().len(), MAX_CACHED_URLS);
    }
}
