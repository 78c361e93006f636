//! Reading a request's parameters: the query merged with a form or multipart body.

use crate::journal::FilePart;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;

/// The most a request body may carry (the gateway's own limit is unknown; uploads are < 3 MB).
pub(crate) const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// The parameters of one request.
#[derive(Debug, Default)]
pub(crate) struct Received {
    /// Text parameters, query first, then the body, in order.
    pub(crate) text: Vec<(String, String)>,
    /// File parts of a multipart body: never signed.
    pub(crate) files: Vec<FilePart>,
}

impl Received {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.text
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `name` arrived, as text or as a file part.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.get(name).is_some() || self.files.iter().any(|f| f.name == name)
    }
}

/// Reads the query and the body. A body that cannot be read gives what was read so far and
/// the reason, so the gateway can still journal and answer it.
pub(crate) async fn read(request: Request) -> (Received, Result<(), String>) {
    let mut received = Received::default();
    if let Some(query) = request.uri().query() {
        received
            .text
            .extend(form_urlencoded::parse(query.as_bytes()).into_owned());
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let result = if content_type.starts_with("multipart/form-data") {
        read_multipart(request, &mut received).await
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        match axum::body::to_bytes(request.into_body(), BODY_LIMIT).await {
            Ok(body) => {
                received
                    .text
                    .extend(form_urlencoded::parse(&body).into_owned());
                Ok(())
            }
            Err(e) => Err(format!("could not read the request body: {e}")),
        }
    } else {
        // The gateway takes parameters only from the query, forms and multipart bodies.
        Ok(())
    };
    (received, result)
}

async fn read_multipart(request: Request, received: &mut Received) -> Result<(), String> {
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|e| format!("malformed multipart body: {}", e.body_text()))?;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(()),
            Err(e) => return Err(format!("malformed multipart body: {}", e.body_text())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let bytes = field
            .bytes()
            .await
            .map_err(|e| format!("malformed multipart part `{name}`: {}", e.body_text()))?;
        // A part with a file name is a file: the gateway does not sign it.
        match filename {
            Some(filename) => received.files.push(FilePart {
                name,
                filename: Some(filename),
                size: bytes.len(),
            }),
            None => received
                .text
                .push((name, String::from_utf8_lossy(&bytes).into_owned())),
        }
    }
}
