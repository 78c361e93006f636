//! A faithful local 1688 Open Platform gateway for tests and development.
//!
//! It serves `/openapi/<protocol>/<version>/<namespace>/<name>/<appKey>` for a catalogue of
//! [`open1688_core::ApiDoc`]s (by default [`CATALOGUE`], every API in `api-specs/`) and answers
//! as the real gateway does (`docs/protocol.md`, sections signature to push):
//! `gw.*` errors for an unknown app key or API, a missing or invalid signature (checked by its
//! own signer over the raw parameters received) or a missing parameter; HTTP 401
//! `Request need user authenticated` for a missing, unknown or expired token; the API's example
//! response (or a configured [`Reply`]) on success. It runs the OAuth flow (an auto-approving
//! authorize page, `getToken`, `postponeToken`), injects seeded [`Fault`]s, journals every
//! request, sends signed or tampered pushes, and speaks the WebSocket message channel at
//! `/websocket` ([`channel`]).
//!
//! # Answers
//! `docs/protocol.md#errors` records codes, not statuses, for most refusals; the mock answers:
//!
//! | Situation | Status | Body |
//! |---|---|---|
//! | unknown app key / no app key | 400 | `gw.AppKeyNotFound` / `gw.AppKeyMissing` |
//! | unknown API, version or protocol | 400 | `gw.APIUnsupported` |
//! | no / wrong `_aop_signature` (signed APIs) | 400 | `gw.SignatureMissing` / `gw.SignatureInvalid` |
//! | `access_token` sent to an API that takes none | 400 | `gw.SignatureInvalid`, saying so |
//! | token missing (required), unknown, expired or revoked | 401 | `Request need user authenticated` (text) |
//! | required parameter missing | 400 | `gw.ParamMissing`, naming it |
//! | unreadable body | 400 | `gw.ParamInvalid` |
//! | method other than GET/POST | 405 | `gw.MethodNotAllowed` |
//! | OAuth endpoint refusal | 400 | `{"error":…,"error_description":…}` |
//! | [`Fault::Throttle`] | 429 | `gw.QosAppFrequencyLimit` |
//! | over the app's QPS ([`MockGatewayBuilder::app_qps`]) | 429 | `gw.QosAppFrequencyLimit` |
//! | over the API's QPS ([`MockGatewayBuilder::api_qps`]) | 429 | `gw.QosAPIFrequencyLimit` |
//!
//! A request is checked in this order: body, method, app key, API, QPS limits, injected faults
//! (see [`faults`]), signature, token, required parameters.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
//! use open1688_core::{ApiDoc, ApiInfo, TokenMode};
//! use open1688_mock::MockGateway;
//!
//! static TIME: ApiDoc = ApiDoc {
//!     api: ApiInfo { namespace: "system", name: "currentTimeMillis", version: 1, protocol: "param2", signed: false, access_token: TokenMode::None, idempotent: true },
//!     summary: "server time", doc_url: "", method: "", params: &[], example_response: Some(r#"{"result":1700000000000}"#),
//! };
//! let gateway = MockGateway::builder().app("1000000", "test123").apis([&TIME]).start().await?;
//! let http = open1688_core::tls::reqwest_builder().unwrap().build().unwrap();
//! let url = format!("{}/openapi/param2/1/system/currentTimeMillis/1000000", gateway.url());
//! let body = http.get(url).send().await.unwrap().text().await.unwrap();
//! assert_eq!(body, r#"{"result":1700000000000}"#);
//! assert_eq!(gateway.journal().count("system:currentTimeMillis"), 1);
//! gateway.stop().await;
//! # Ok(()) }
//! ```

mod answer;
mod calls;
pub mod channel;
mod config;
pub mod faults;
pub mod journal;
mod limits;
mod oauth;
pub mod push;
mod request;
mod routes;
mod server;
pub mod signature;
mod state;
mod tokens;

pub use channel::{ChannelConfirm, ChannelControl, ConnectAck, PushSigning};
pub use config::{ApiRef, MockGatewayBuilder, Reply, DEFAULT_APP_KEY, DEFAULT_APP_SECRET};
pub use faults::{Fault, Faults, Scope};
pub use journal::{FilePart, Journal, JournalEntry};
/// Every API in `api-specs/` (the `open1688-catalogue` crate): what the gateway serves by
/// default.
pub use open1688_catalogue::APIS as CATALOGUE;
pub use push::{send_push, PushError, PushReceipt, PushSignature};
pub use server::MockGateway;
pub use signature::SignatureStatus;
pub use tokens::{IssuedTokens, User};
