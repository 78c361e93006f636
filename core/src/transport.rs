//! The one place that speaks HTTP: POST a form (or multipart) to `/openapi/<url path>`.

use crate::{Error, SignedRequest};
use bytes::Bytes;
use std::time::Duration;

/// The gateway the SDK talks to unless told otherwise.
pub const DEFAULT_BASE_URL: &str = "https://gw.open.1688.com";

/// A raw answer: status and body.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// The body, undecoded.
    pub body: Bytes,
}

/// A keep-alive HTTP client bound to one gateway base URL.
#[derive(Clone, Debug)]
pub(crate) struct Transport {
    http: reqwest::Client,
    base_url: String,
    /// `<base>/openapi/`, parsed once: a call appends its API path to a copy instead of
    /// formatting and parsing a whole URL each time (a third of the client's own per-call work).
    openapi: url::Url,
    pub(crate) timeout: Duration,
}

fn transport_error(e: reqwest::Error, timeout: Duration) -> Error {
    if e.is_timeout() {
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

impl Transport {
    pub(crate) fn new(
        base_url: &str,
        timeout: Duration,
        connect_timeout: Duration,
    ) -> Result<Self, Error> {
        let parsed = url::Url::parse(base_url).map_err(|e| Error::InvalidInput {
            param: "base_url".into(),
            message: format!("{base_url:?}: {e}"),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::InvalidInput {
                param: "base_url".into(),
                message: format!("{base_url:?} is not an http(s) URL"),
            });
        }
        let base_url = base_url.trim_end_matches('/');
        let openapi =
            url::Url::parse(&format!("{base_url}/openapi/")).map_err(|e| Error::InvalidInput {
                param: "base_url".into(),
                message: format!("{base_url:?}: {e}"),
            })?;
        let http = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
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
            timeout,
        })
    }

    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// POSTs a signed request to `<base>/openapi/<url path>`: a form, or multipart when it
    /// has file parts.
    pub(crate) async fn post(
        &self,
        request: &SignedRequest<'_>,
        timeout: Option<Duration>,
    ) -> Result<RawResponse, Error> {
        let timeout = timeout.unwrap_or(self.timeout);
        let (params, files) = (request.form(), request.files());
        let mut url = self.openapi.clone();
        url.path_segments_mut()
            .map_err(|()| Error::InvalidInput {
                param: "base_url".into(),
                message: format!("{:?} cannot take a path", self.base_url),
            })?
            .pop_if_empty()
            .extend(request.url_path().split('/'));
        let request = self.http.post(url).timeout(timeout);
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
        let response = request
            .send()
            .await
            .map_err(|e| transport_error(e, timeout))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(e, timeout))?;
        Ok(RawResponse { status, body })
    }
}
