//! The app's side of the queue: one message at a time through the dedupe store and the handler,
//! and a CONFIRM only for what the handler finished.

use super::frame::Frame;
use crate::dedupe::DedupeStore;
use crate::{Credentials, PushMessage};
use futures_util::FutureExt;
use std::fmt::Display;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{mpsc, watch};

/// A verified SERVER_PUSH and its decoded message, waiting for the handler.
pub(crate) struct Delivery {
    pub(crate) frame: Frame,
    pub(crate) message: PushMessage,
}

/// Handles deliveries in order until the queue closes or `stop` turns true; a message being
/// handled when `stop` turns is finished (and confirmed), queued ones are left unconfirmed.
pub(crate) async fn dispatch<H, Fut, E>(
    handler: H,
    dedupe: Arc<dyn DedupeStore>,
    credentials: Credentials,
    mut queue: mpsc::Receiver<Delivery>,
    outbox: mpsc::Sender<Frame>,
    mut stop: watch::Receiver<bool>,
) where
    H: Fn(PushMessage) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: Display,
{
    loop {
        let delivery = tokio::select! {
            biased;
            _ = stop.wait_for(|stop| *stop) => return,
            next = queue.recv() => match next {
                Some(delivery) => delivery,
                None => return,
            },
        };
        let Some(cost_ms) = handle(&handler, dedupe.as_ref(), delivery.message).await else {
            continue;
        };
        let now = chrono::Utc::now().timestamp_millis();
        let confirm = Frame::confirm(
            credentials.app_secret.expose(),
            &credentials.app_key,
            &delivery.frame,
            cost_ms,
            now,
        );
        if outbox.send(confirm).await.is_err() {
            return; // the channel is gone
        }
    }
}

/// Runs the handler unless the message was handled before; `Some(milliseconds taken)` when the
/// message may be confirmed.
async fn handle<H, Fut, E>(
    handler: &H,
    dedupe: &dyn DedupeStore,
    message: PushMessage,
) -> Option<u64>
where
    H: Fn(PushMessage) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: Display,
{
    let (msg_id, topic) = (message.msg_id, message.topic.clone());
    match dedupe.contains(msg_id).await {
        Ok(true) => {
            tracing::debug!(msg_id, %topic, "already handled: confirming the redelivery again");
            return Some(0);
        }
        Ok(false) => {}
        Err(e) => {
            // Unknown whether it was handled: leave it unconfirmed rather than risk handling twice.
            tracing::warn!(msg_id, %topic, error = %e, "dedupe store failed: message left unconfirmed");
            return None;
        }
    }
    let started = Instant::now();
    // A panicking handler is a failed handler: the message stays unconfirmed and comes again.
    match AssertUnwindSafe(handler(message)).catch_unwind().await {
        Ok(Ok(())) => {
            if let Err(e) = dedupe.insert(msg_id).await {
                tracing::warn!(msg_id, %topic, error = %e, "handled, but the dedupe store failed to record it");
            }
            let cost = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            tracing::debug!(msg_id, %topic, cost_ms = cost, "handled");
            Some(cost)
        }
        Ok(Err(e)) => {
            tracing::warn!(msg_id, %topic, error = %e, "handler failed: not confirmed, 1688 redelivers it");
            None
        }
        Err(_) => {
            tracing::warn!(msg_id, %topic, "handler panicked: not confirmed, 1688 redelivers it");
            None
        }
    }
}
