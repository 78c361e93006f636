//! HTTP glue: every request is read, journaled, answered by the pipeline, and its answer journaled.

use crate::answer::Answer;
use crate::calls::{self, ApiPath};
use crate::journal::JournalEntry;
use crate::oauth;
use crate::request::{self, BODY_LIMIT};
use crate::signature::SignatureStatus;
use crate::state::Gateway;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use std::sync::Arc;
use std::time::Instant;

pub(crate) fn router(gw: Arc<Gateway>) -> Router {
    Router::new()
        .route("/oauth/authorize", any(authorize))
        .route("/websocket", any(crate::channel::websocket))
        .fallback(any(openapi))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(gw)
}

async fn authorize(State(gw): State<Arc<Gateway>>, request: Request) -> Response {
    let method = request.method().clone();
    let (seq, received, _) = arrive(&gw, request, None).await;
    let answer = if method == axum::http::Method::GET {
        oauth::authorize(&gw, &received)
    } else {
        Answer::oauth("invalid_request", "the authorize page is a GET")
    };
    finish(&gw, seq, answer)
}

/// `/openapi/<protocol>/<version>/<namespace>/<name>/<appKey>`, and anything unknown.
async fn openapi(State(gw): State<Arc<Gateway>>, request: Request) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let Some(url_path) = path.strip_prefix("/openapi/") else {
        let (seq, _, _) = arrive(&gw, request, None).await;
        return finish(
            &gw,
            seq,
            Answer::gateway(
                404,
                "gw.APIUnsupported",
                format!("`{path}` is not a gateway path: expected /openapi/…"),
                gw.request_id(),
            ),
        );
    };
    let parsed = ApiPath::parse(url_path);
    let (seq, received, read) = arrive(&gw, request, parsed.as_ref()).await;
    let answer = match read {
        Ok(()) => calls::handle(&gw, seq, &method, url_path, &received).await,
        Err(message) => Answer::gateway(400, "gw.ParamInvalid", message, gw.request_id()),
    };
    finish(&gw, seq, answer)
}

/// Reads the parameters and records the request before anything can fail or stall.
async fn arrive(
    gw: &Gateway,
    request: Request,
    api: Option<&ApiPath<'_>>,
) -> (u64, request::Received, Result<(), String>) {
    let entry = JournalEntry {
        seq: 0,
        at: Instant::now(),
        method: request.method().to_string(),
        path: request.uri().path().to_owned(),
        api: api.map(ApiPath::api_id),
        app_key: api.and_then(|a| a.app_key).map(str::to_owned),
        params: Vec::new(),
        files: Vec::new(),
        signature: SignatureStatus::NotChecked,
        status: None,
        error_code: None,
        note: None,
        fault: None,
    };
    let (received, read) = request::read(request).await;
    let seq = gw.journal.record(JournalEntry {
        params: received.text.clone(),
        files: received.files.clone(),
        ..entry
    });
    (seq, received, read)
}

fn finish(gw: &Gateway, seq: u64, answer: Answer) -> Response {
    gw.journal.update(seq, |e| {
        e.status = (!answer.drop).then_some(answer.status);
        e.error_code.clone_from(&answer.error_code);
        e.note.clone_from(&answer.note);
    });
    tracing::debug!(
        seq,
        status = answer.status,
        code = answer.error_code.as_deref().unwrap_or(""),
        "answered"
    );
    answer.into_response()
}
