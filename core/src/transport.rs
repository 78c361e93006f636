//! The one place that speaks HTTP: POST a form (or multipart) to `/openapi/<url path>`.
//!
//! What the network may do to us is bounded here: the body is read chunk by chunk up to a size
//! limit, redirects are never followed (a 307/308 would re-POST `access_token` and
//! `client_secret` to whatever host it names), and plain `http://` is refused for anything but
//! loopback unless the caller opts in.
//!
//! Calls go out on hyper-util's pooled client over rustls, not through reqwest: reqwest's
//! per-request layers cost about a third of a 2 KB call's client CPU, and it has no setting for
//! hyper's read buffer, which grew to ~64 KiB on every pooled connection (BENCHMARKS.md, issue
//! 14 ninth pass). Where the environment names a proxy for the gateway (`HTTPS_PROXY`,
//! `ALL_PROXY`, … with `NO_PROXY`), calls go through reqwest, which speaks to proxies.

use crate::{Error, SignedRequest};
use arc_swap::ArcSwap;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
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

/// How much each read from a connection asks for. hyper otherwise doubles a connection's read
/// buffer whenever a read fills it, and keeps it: a 20 KB answer left ~64 KiB on each pooled
/// connection (8 MiB at 128). An answer of several reads is joined once (`Transport::read`);
/// a 1 MB list takes 128 reads, each far cheaper than decoding what it brought.
const READ_BUFFER: usize = 8 * 1024;

const USER_AGENT: &str = concat!("open1688-rust/", env!("CARGO_PKG_VERSION"));

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

type Direct =
    hyper_util::client::legacy::Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Who carries the calls.
#[derive(Clone, Debug)]
enum Http {
    /// hyper-util's pooled client, straight to the gateway.
    Direct(Box<Direct>),
    /// reqwest, through the proxy the environment names for the gateway.
    Proxied(reqwest::Client),
}

/// A keep-alive HTTP client bound to one gateway base URL.
#[derive(Clone, Debug)]
pub(crate) struct Transport {
    http: Http,
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

/// An error from the HTTP stack, with its whole chain of causes.
fn transport_error(e: &(dyn std::error::Error + 'static), connect: bool) -> Error {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::Transport { message, connect }
}

fn reqwest_error(e: reqwest::Error, timeout: Duration) -> Error {
    // A connect timeout is a connection never made: certainly not sent, unlike a read timeout.
    if e.is_timeout() && !e.is_connect() {
        return Error::Timeout(timeout);
    }
    transport_error(&e, e.is_connect())
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

fn http_client_error(message: impl std::fmt::Display) -> Error {
    Error::InvalidInput {
        param: "http client".into(),
        message: message.to_string(),
    }
}

/// The pooled client for direct calls: rustls (HTTP/2 offered, HTTP/1.1), TCP_NODELAY (the
/// head and the form go in separate writes), exact-size reads.
fn direct(config: &TransportConfig) -> Result<Direct, Error> {
    let mut tcp = HttpConnector::new();
    tcp.enforce_http(false);
    tcp.set_nodelay(true);
    tcp.set_connect_timeout(Some(config.connect_timeout));
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(crate::tls::rustls_config()?)
        .https_or_http()
        .enable_all_versions()
        .wrap_connector(tcp);
    Ok(
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_timer(hyper_util::rt::TokioTimer::new())
            .http1_read_buf_exact_size(READ_BUFFER)
            .build(connector),
    )
}

/// reqwest for calls through a proxy; it reads the same environment.
fn proxied(config: &TransportConfig) -> Result<reqwest::Client, Error> {
    // No reqwest timeout: `post` bounds each exchange itself.
    crate::tls::reqwest_builder()?
        .connect_timeout(config.connect_timeout)
        .pool_idle_timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(USER_AGENT)
        .build()
        .map_err(http_client_error)
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
        let openapi = url::Url::parse(&format!("{base_url}/openapi/"))
            .map_err(|e| invalid_url(base_url, e))?;
        let uri = http::Uri::try_from(openapi.as_str()).map_err(|e| invalid_url(base_url, e))?;
        let through_proxy = hyper_util::client::proxy::matcher::Matcher::from_env()
            .intercept(&uri)
            .is_some();
        let http = if through_proxy {
            Http::Proxied(proxied(config)?)
        } else {
            Http::Direct(Box::new(direct(config)?))
        };
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
    /// instructions, the client's largest own step after signing), so each is made once.
    /// Past [`MAX_CACHED_URLS`] paths (raw calls to that many APIs) URLs are made for each
    /// call and not kept.
    fn with_url<T>(&self, url_path: &str, f: impl FnOnce(&url::Url) -> T) -> T {
        let full = {
            let urls = self.urls.load();
            if let Some(url) = urls.get(url_path) {
                return f(url);
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
        let result = f(&url);
        if !full {
            // Copy, insert, swap: once per API (racing first calls may each do it).
            self.urls.rcu(|urls| {
                let mut urls = HashMap::clone(urls);
                if urls.len() < MAX_CACHED_URLS {
                    urls.insert(url_path.to_owned(), url.clone());
                }
                urls
            });
        }
        result
    }

    #[cfg(test)]
    fn url(&self, url_path: &str) -> url::Url {
        self.with_url(url_path, url::Url::clone)
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
        // future, not boxed beside it.
        tokio::time::timeout(timeout, self.exchange(request, timeout))
            .await
            .unwrap_or(Err(Error::Timeout(timeout)))
    }

    async fn exchange(
        &self,
        request: &SignedRequest<'_>,
        timeout: Duration,
    ) -> Result<RawResponse, Error> {
        let url_path = request.url_path();
        // Parsed per call, not cached: a cached `Uri`'s clone bumps a count every core shares.
        let uri = self
            .with_url(url_path, |url| http::Uri::try_from(url.as_str()))
            .map_err(|e| invalid_url(&self.base_url, e))?;
        let (content_type, body) = encode(request).await?;
        // The headers reqwest sent, so the gateway sees the same request as before.
        let request = http::Request::post(uri)
            .header(http::header::ACCEPT, "*/*")
            .header(http::header::USER_AGENT, USER_AGENT)
            .header(http::header::CONTENT_TYPE, content_type)
            .body(body)
            .map_err(http_client_error)?;
        match &self.http {
            Http::Direct(client) => {
                let response = client
                    .request(request.map(Full::new))
                    .await
                    .map_err(|e| transport_error(&e, e.is_connect()))?;
                self.read(response, url_path).await
            }
            Http::Proxied(client) => {
                let request = reqwest::Request::try_from(request).map_err(http_client_error)?;
                let response = client
                    .execute(request)
                    .await
                    .map_err(|e| reqwest_error(e, timeout))?;
                self.read(http::Response::from(response), url_path).await
            }
        }
    }

    /// Status, `Retry-After` and the body, read up to the size limit.
    async fn read<B>(
        &self,
        response: http::Response<B>,
        url_path: &str,
    ) -> Result<RawResponse, Error>
    where
        B: hyper::body::Body<Data = Bytes> + Unpin,
        B::Error: std::error::Error + 'static,
    {
        let status = response.status();
        if status.is_redirection() {
            return Err(self.redirect_error(status.as_u16(), response.headers(), url_path));
        }
        let retry_after = response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|secs| Duration::from_secs(secs).min(MAX_RETRY_AFTER));
        let limit = self.max_response_bytes;
        let mut body = response.into_body();
        if body.size_hint().exact().is_some_and(|len| len > limit) {
            return Err(Error::ResponseTooLarge { limit });
        }
        // A body that came in one chunk is kept as hyper handed it over; a longer one is joined
        // once, into a buffer of exactly its length. (Growing one buffer chunk by chunk copied a
        // 20 KB answer up to three times and held twice its size.)
        let mut chunks: SmallVec<[Bytes; 4]> = SmallVec::new();
        let mut len = 0u64;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| transport_error(&e, false))?;
            let Ok(chunk) = frame.into_data() else {
                continue; // trailers
            };
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

    /// A 3xx is an error naming where it pointed; following it could hand credentials to that
    /// host.
    fn redirect_error(&self, status: u16, headers: &http::HeaderMap, url_path: &str) -> Error {
        let target = headers
            .get(http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(
                |location| match self.with_url(url_path, |url| url.join(location)) {
                    Ok(url) => format!(
                        "{}://{}",
                        url.scheme(),
                        url.host_str().unwrap_or("(no host)")
                    ),
                    Err(_) => "an unparsable Location".to_owned(),
                },
            )
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
}

/// The request body and its content type: a form, or multipart (reqwest's encoder) when the
/// request has file parts.
async fn encode(request: &SignedRequest<'_>) -> Result<(http::HeaderValue, Bytes), Error> {
    let (params, files) = (request.form(), request.files());
    if files.is_empty() {
        let mut form = form_urlencoded::Serializer::new(String::with_capacity(256));
        form.extend_pairs(params);
        let content_type =
            http::HeaderValue::from_static("application/x-www-form-urlencoded; charset=UTF-8");
        return Ok((content_type, Bytes::from(form.finish())));
    }
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in params {
        form = form.text(k.to_string(), v.to_string());
    }
    for (name, file) in files {
        let part = reqwest::multipart::Part::stream(reqwest::Body::from(file.bytes.clone()))
            .file_name(file.filename.clone());
        form = form.part(name.to_string(), part);
    }
    let content_type =
        http::HeaderValue::try_from(format!("multipart/form-data; boundary={}", form.boundary()))
            .map_err(http_client_error)?;
    // Every part is in memory: the stream is ready at once.
    let mut body = BytesMut::new();
    let mut stream = std::pin::pin!(form.into_stream());
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk.map_err(|e| transport_error(&e, false))?);
    }
    Ok((content_type, body.freeze()))
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
