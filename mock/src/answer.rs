//! What the gateway answers: success bodies, `gw.*` errors, the 401 text, OAuth errors and
//! injected faults, as one value that also says what goes into the journal.

use crate::config::Reply;
use crate::faults::Fault;
use crate::request::Received;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::borrow::Cow;

const JSON: &str = "application/json;charset=UTF-8";

/// Marks a response whose connection must be closed without answering (see `server.rs`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct DropConnection;

/// One answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) content_type: Cow<'static, str>,
    pub(crate) body: String,
    /// The `gw.*` or OAuth error code, for the journal.
    pub(crate) error_code: Option<String>,
    /// Why the gateway answered so, for the journal (never a secret).
    pub(crate) note: Option<String>,
    /// Close the connection instead of answering.
    pub(crate) drop: bool,
    pub(crate) location: Option<String>,
}

impl Answer {
    pub(crate) fn json(status: u16, body: String) -> Answer {
        Answer {
            status,
            content_type: Cow::Borrowed(JSON),
            body,
            error_code: None,
            note: None,
            drop: false,
            location: None,
        }
    }

    /// A gateway error: `{"error_code":"gw.X","error_message":…,"request_id":…}`.
    pub(crate) fn gateway(
        status: u16,
        code: &str,
        message: impl Into<String>,
        request_id: String,
    ) -> Answer {
        let message = message.into();
        let body = serde_json::json!({ "error_code": code, "error_message": message, "request_id": request_id });
        Answer {
            error_code: Some(code.to_owned()),
            note: Some(message),
            ..Answer::json(status, body.to_string())
        }
    }

    /// The gateway's answer to a missing, unknown or expired token: HTTP 401, plain text.
    /// `why` goes to the journal only.
    pub(crate) fn unauthenticated(why: impl Into<String>) -> Answer {
        Answer {
            content_type: Cow::Borrowed("text/plain;charset=UTF-8"),
            error_code: Some("401".into()),
            note: Some(why.into()),
            ..Answer::json(401, "Request need user authenticated".into())
        }
    }

    /// An OAuth endpoint error: `{"error":…,"error_description":…}`, HTTP 400.
    pub(crate) fn oauth(error: &str, description: impl Into<String>) -> Answer {
        let description = description.into();
        let body = serde_json::json!({ "error": error, "error_description": description });
        Answer {
            error_code: Some(error.to_owned()),
            note: Some(description),
            ..Answer::json(400, body.to_string())
        }
    }

    pub(crate) fn redirect(location: String) -> Answer {
        Answer {
            location: Some(location),
            content_type: Cow::Borrowed("text/plain;charset=UTF-8"),
            ..Answer::json(302, String::new())
        }
    }

    /// A reply configured for an API.
    pub(crate) fn reply(reply: Reply, received: &Received) -> Answer {
        match reply {
            Reply::Json(value) => Answer::json(200, value.to_string()),
            Reply::Pages { param, mut pages } => {
                // Page n is the n-th answer; a page past the end answers the last one again.
                let n = received.get(&param).and_then(|n| n.parse::<usize>().ok());
                let index = n.unwrap_or(1).clamp(1, pages.len().max(1)) - 1;
                let page = if index < pages.len() {
                    pages.swap_remove(index)
                } else {
                    serde_json::json!({ "success": true })
                };
                Answer::json(200, page.to_string())
            }
            Reply::Raw {
                status,
                content_type,
                body,
            } => Answer {
                content_type: Cow::Owned(content_type),
                ..Answer::json(status, body)
            },
        }
    }

    /// The answer `fault` replaces a call's answer with. `success_body` is what the call would
    /// have answered, for truncation. [`Fault::Delay`] is not an answer and gives `None`.
    pub(crate) fn fault(
        fault: &Fault,
        success_body: impl FnOnce() -> String,
        request_id: String,
    ) -> Option<Answer> {
        Some(match fault {
            Fault::Throttle => Answer::gateway(
                429,
                "gw.QosAppFrequencyLimit",
                "App call frequency exceeds the limit (mock injected)",
                request_id,
            ),
            Fault::Status(status) => {
                let reason = StatusCode::from_u16(*status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("Error");
                let body = format!("<html><head><title>{status} {reason}</title></head><body><center><h1>{status} {reason}</h1></center><hr><center>Tengine</center></body></html>");
                Answer {
                    content_type: Cow::Borrowed("text/html"),
                    error_code: Some(format!("HTTP {status}")),
                    ..Answer::json(*status, body)
                }
            }
            Fault::Drop => Answer {
                drop: true,
                ..Answer::json(0, String::new())
            },
            Fault::Delay(_) => return None,
            Fault::TruncatedJson => {
                let mut body = success_body();
                let mut cut = body.len() / 2;
                while !body.is_char_boundary(cut) {
                    cut -= 1;
                }
                body.truncate(cut);
                Answer::json(200, body)
            }
            Fault::NonJson => Answer {
                content_type: Cow::Borrowed("text/html"),
                ..Answer::json(
                    200,
                    "<html><body><h1>System busy, please try again later</h1></body></html>".into(),
                )
            },
            Fault::Respond { status, body } => Answer::json(*status, body.clone()),
        })
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        if self.drop {
            let mut response = Response::new(axum::body::Body::empty());
            response.extensions_mut().insert(DropConnection);
            return response;
        }
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, self.body).into_response();
        let headers = response.headers_mut();
        if let Ok(content_type) = HeaderValue::from_str(&self.content_type) {
            headers.insert(header::CONTENT_TYPE, content_type);
        }
        if let Some(location) = self.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
            headers.insert(header::LOCATION, location);
        }
        response
    }
}
