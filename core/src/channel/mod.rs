//! The WebSocket message channel (`docs/protocol.md#channel`): 1688 pushes messages over a long-lived
//! connection the app opens, so no public callback URL is needed.
//!
//! [`Channel::run`] connects and signs, sends a HEARTBEAT every 30 s, hands every SERVER_PUSH
//! to the app's async handler as a [`PushMessage`](crate::PushMessage) (the type the HTTP push
//! gives) and CONFIRMs it only after the handler returned `Ok`, so a crash means redelivery,
//! never loss. It reconnects with exponential backoff and jitter on any drop, skips messages a
//! [`DedupeStore`](crate::dedupe::DedupeStore) says were handled (confirming them again), and
//! on shutdown confirms nothing it did not finish.
//!
//! ```no_run
//! # async fn demo() -> Result<(), open1688_core::Error> {
//! use open1688_core::{channel::Channel, Credentials, PushMessage};
//!
//! let channel = Channel::builder(Credentials::new("1000000", "app-secret")).build()?;
//! channel
//!     .run(
//!         |message: PushMessage| async move {
//!             println!("{} {}: {}", message.msg_id, message.topic, message.data);
//!             Ok::<(), std::io::Error>(()) // Err: not confirmed, 1688 redelivers it
//!         },
//!         async { tokio::signal::ctrl_c().await.ok(); },
//!     )
//!     .await
//! # }
//! ```
//!
//! The frame layout where `docs/protocol.md#channel` is silent is a documented choice
//! (`docs/channel.md`), kept in [`frame`].

mod client;
mod dispatch;
pub mod frame;
mod session;
mod sign;

pub use client::{Channel, ChannelBuilder, DEFAULT_CHANNEL_URL};
pub use frame::{Frame, FrameType};
pub use sign::{sign, verify};
