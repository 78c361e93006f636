//! The runtime of the open1688 SDK: signing, wire encoding, transport, tokens, errors, retries
//! and push verification for the Alibaba 1688 Open Platform.
//!
//! Every generated API hands its parameters to one non-generic pipeline,
//! [`Client::execute`]: request → params → signature → wire → response.
//!
//! ```
//! use open1688_core::sign::sign;
//! // The test vector of docs/protocol.md#signature.
//! let sig = sign("test123", "param2/1/system/currentTime/1000000", &[("b", "2"), ("a", "1")]);
//! assert_eq!(sig, "33E54F4F7B989E3E0E912D3FBD2F1A03CA7CCE88");
//! ```

pub mod api;
mod capture;
pub mod catalogue;
#[cfg(feature = "channel")]
pub mod channel;
mod client;
mod date;
pub mod de;
pub mod dedupe;
mod error;
mod finite;
mod inline_text;
mod loose;
pub mod names;
mod oauth;
pub mod paging;
mod params;
mod prepare;
pub mod push;
mod ratelimit;
mod recover;
pub mod response;
mod retry;
pub mod secret;
pub mod sign;
mod string_enum;
pub mod tls;
mod token;
mod transport;
#[doc(hidden)]
pub mod wire_struct;

pub use api::{ApiInfo, Request, TokenMode};
pub use catalogue::{ApiDoc, EnumDoc, ParamDoc, ParamType, StructDoc};
pub use client::{CallOptions, Client, ClientBuilder};
/// The text of decoded answers and pushes: generated response types hold `CompactString`
/// where they would hold `String`, and types that callers build (requests, parameter
/// structures) keep `String`.
///
/// Most text in 1688's answers is short (codes, ids, dates, attribute names and values), and a
/// `CompactString` keeps up to 24 bytes inline, so decoding it allocates nothing; longer text
/// goes to the heap as a `String`'s would. It is the size of a `String`, derefs to `&str`, and
/// compares with `&str` and `String`.
///
/// ```
/// use open1688_core::CompactString;
/// let size: CompactString = serde_json::from_str(r#""XL""#).unwrap();
/// assert_eq!(size, "XL");
/// assert_eq!(size.as_str().len(), 2);
/// let owned: String = size.into_string();
/// assert_eq!(owned, "XL");
/// ```
pub use compact_str::CompactString;
pub use date::{Date, DateParseError};
pub use dedupe::{DedupeStore, MemoryDedupe};
pub use error::{Error, Result, THROTTLING_CODES};
pub use oauth::{OAuth, TokenResponse, DEFAULT_AUTH_URL};
pub use params::{FileParam, FilePart, Params, TextParam, ToParam};
pub use prepare::{now_millis, PreparedCall, SignedRequest, UploadMode};
pub use push::PushMessage;
pub use ratelimit::{Budget, Limits, LocalLimiter, Rate, RateLimiter};
pub use response::redact;
pub use retry::{RetryBudget, RetryPolicy};
pub use rust_decimal::Decimal;
pub use secret::{Credentials, Secret};
pub use token::{BoxFuture, RefreshingTokens, StaticToken, TokenProvider, TokenSet};
pub use transport::{RawResponse, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES};

#[doc(hidden)]
pub use serde;
