//! Receives the messages 1688 pushes to your callback URL: verifies each against the app
//! secret, decodes it by topic, skips redeliveries of a handled `msgId`, and answers so that
//! 1688 does not push a handled message again.
//!
//! ```sh
//! OPEN1688_APP_SECRET=... cargo run --example push_receiver --features axum   # on 127.0.0.1:8080
//! ```
//!
//! `OPEN1688_PUSH_ADDR` changes the address; without `OPEN1688_APP_SECRET` it uses the mock
//! gateway's demo secret, `test123`. `sdk/tests/push_receiver.rs` posts real topic bodies to
//! this same app.

use open1688::push::{Payload, Receiver, TypedMessage};
use std::convert::Infallible;
use std::sync::Arc;

/// The callback path.
pub const PATH: &str = "/1688/push";

/// The receiver app: every new message is described by [`describe`] and passed to `log`.
pub fn app(app_secret: &str, log: impl Fn(String) + Send + Sync + 'static) -> axum::Router {
    let log = Arc::new(log);
    let receiver = Receiver::new(app_secret.to_owned(), move |message: TypedMessage| {
        let log = Arc::clone(&log);
        async move {
            // Real work goes here (update the order, enqueue a job, ...); an Err makes 1688
            // push the message again.
            log(describe(&message));
            Ok::<(), Infallible>(())
        }
    });
    receiver.router(PATH)
}

/// One line about a message, from its typed payload.
pub fn describe(message: &TypedMessage) -> String {
    let id = message.message.msg_id;
    match &message.payload {
        Payload::OrderBuyerViewOrderPay(paid) => format!(
            "{id}: order {} paid, now {} (buyer {}, seller {})",
            paid.order_id, paid.current_status, paid.buyer_member_id, paid.seller_member_id
        ),
        Payload::LogisticsBuyerViewTrace(trace) => {
            let model = trace.order_logistics_tracing_model.as_ref();
            format!(
                "{id}: waybill {} is {}",
                model.and_then(|m| m.mail_no.as_deref()).unwrap_or("?"),
                model
                    .and_then(|m| m.status_changed.as_deref())
                    .unwrap_or("?")
            )
        }
        Payload::Other(data) => format!("{id}: {} (untyped): {data}", message.message.topic),
        other => format!("{id}: {}: {other:?}", message.message.topic),
    }
}

#[allow(dead_code)] // the test includes this file for `app`, not for `main`
#[tokio::main]
async fn main() -> std::io::Result<()> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let secret = env("OPEN1688_APP_SECRET").unwrap_or_else(|| "test123".into());
    let addr = env("OPEN1688_PUSH_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!(
        "receiving 1688 pushes on http://{}{PATH}",
        listener.local_addr()?
    );
    axum::serve(listener, app(&secret, |line| println!("{line}"))).await
}
