//! Receiving pushes over HTTP the way 1688 expects, independent of the web framework: verify,
//! decode, skip a redelivered `msgId`, run the app's handler, and answer so that 1688 stops
//! pushing what was handled and pushes again what was not.

use super::TypedMessage;
use open1688_core::dedupe::{DedupeStore, MemoryDedupe};
use open1688_core::{BoxFuture, Secret};
use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;

/// The largest push body accepted (a push is a few KB); larger bodies get HTTP 413.
pub const MAX_BODY: usize = 256 * 1024;

type Handler = dyn Fn(TypedMessage) -> BoxFuture<'static, Result<(), String>> + Send + Sync;

/// What to answer 1688.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// HTTP status: 200 when handled (or handled before), 401 when the push is not genuine,
    /// 413 when too large, 500 when the handler failed, 503 when the dedupe store failed.
    pub status: u16,
    /// The body: `success` with 200 (what 1688's own receivers answer), a short reason otherwise.
    pub body: &'static str,
}

impl Receipt {
    const SUCCESS: Receipt = Receipt {
        status: 200,
        body: "success",
    };
}

/// Receives pushed messages for one app. Cheap to clone.
///
/// Delivery is at-least-once: a message whose handler failed is answered non-2xx, so 1688
/// pushes it again; one that was handled is remembered by `msgId` in the [`DedupeStore`]
/// (in memory, bounded, by default) and answered `success` again without running the handler.
#[derive(Clone)]
pub struct Receiver {
    secret: Secret,
    dedupe: Arc<dyn DedupeStore>,
    handler: Arc<Handler>,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("secret", &self.secret)
            .finish_non_exhaustive()
    }
}

impl Receiver {
    /// A receiver verifying with the app's secret and handing each new message to `handler`;
    /// an `Err` from it means "not handled" (1688 pushes the message again).
    pub fn new<H, Fut, E>(app_secret: impl Into<Secret>, handler: H) -> Self
    where
        H: Fn(TypedMessage) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Display,
    {
        let handler = Arc::new(move |message| {
            let fut = handler(message);
            Box::pin(async move { fut.await.map_err(|e| e.to_string()) })
                as BoxFuture<'static, Result<(), String>>
        });
        Receiver {
            secret: app_secret.into(),
            dedupe: Arc::new(MemoryDedupe::default()),
            handler,
        }
    }

    /// Remembers handled message ids in `store` (e.g. Redis, to dedupe across processes and
    /// restarts) instead of in memory.
    pub fn dedupe(mut self, store: impl DedupeStore + 'static) -> Self {
        self.dedupe = Arc::new(store);
        self
    }

    /// Handles one pushed form body (`application/x-www-form-urlencoded`) and says what to answer.
    pub async fn receive(&self, body: &[u8]) -> Receipt {
        if body.len() > MAX_BODY {
            return Receipt {
                status: 413,
                body: "too large",
            };
        }
        let message = match super::verify_typed(self.secret.expose(), body) {
            Ok(message) => message,
            Err(e) => {
                tracing::warn!(error = %e, "push rejected");
                return Receipt {
                    status: 401,
                    body: "invalid signature",
                };
            }
        };
        let (msg_id, topic) = (message.message.msg_id, message.message.topic.clone());
        match self.dedupe.contains(msg_id).await {
            Ok(true) => {
                tracing::debug!(msg_id, %topic, "push handled before: answering success again");
                return Receipt::SUCCESS;
            }
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(msg_id, %topic, error = %e, "dedupe store failed: push left for redelivery");
                return Receipt {
                    status: 503,
                    body: "unavailable",
                };
            }
        }
        // A panicking handler is a failed one; the spawned task keeps the panic off the server.
        let handled = tokio::spawn((self.handler)(message)).await;
        match handled {
            Ok(Ok(())) => {
                if let Err(e) = self.dedupe.insert(msg_id).await {
                    tracing::warn!(msg_id, %topic, error = %e, "handled, but the dedupe store failed to record it");
                }
                Receipt::SUCCESS
            }
            Ok(Err(e)) => {
                tracing::warn!(msg_id, %topic, error = %e, "push handler failed: 1688 pushes it again");
                Receipt {
                    status: 500,
                    body: "handler failed",
                }
            }
            Err(_) => {
                tracing::warn!(msg_id, %topic, "push handler panicked: 1688 pushes it again");
                Receipt {
                    status: 500,
                    body: "handler failed",
                }
            }
        }
    }

    /// An axum router answering pushes POSTed to `path`, with bodies capped at [`MAX_BODY`].
    ///
    /// ```no_run
    /// # async fn demo() -> std::io::Result<()> {
    /// use open1688::push::{Payload, Receiver, TypedMessage};
    /// let receiver = Receiver::new("app-secret", |m: TypedMessage| async move {
    ///     if let Payload::OrderBuyerViewOrderPay(paid) = m.payload {
    ///         println!("order {} paid", paid.order_id);
    ///     }
    ///     Ok::<(), std::io::Error>(())
    /// });
    /// let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
    /// axum::serve(listener, receiver.router("/1688/push")).await
    /// # }
    /// ```
    #[cfg(feature = "axum")]
    pub fn router(self, path: &str) -> axum::Router {
        use axum::extract::{DefaultBodyLimit, State};
        use axum::http::StatusCode;
        use axum::routing::post;
        async fn receive(
            State(receiver): State<Receiver>,
            body: axum::body::Bytes,
        ) -> (StatusCode, &'static str) {
            let receipt = receiver.receive(&body).await;
            let status =
                StatusCode::from_u16(receipt.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, receipt.body)
        }
        axum::Router::new()
            .route(path, post(receive))
            .layer(DefaultBodyLimit::max(MAX_BODY))
            .with_state(self)
    }
}
