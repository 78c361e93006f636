//! Typed async Rust SDK for the Alibaba 1688 Open Platform (open.1688.com).
//!
//! Every API in `api-specs/` has a request type, a response type and a method on its
//! namespace's accessor:
//!
//! ```no_run
//! # async fn demo() -> Result<(), open1688::Error> {
//! use open1688::{Client, Credentials};
//! let client = Client::builder(Credentials::new("1000000", "app-secret")).access_token("user-token").build()?;
//! # #[cfg(feature = "product")] {
//! use open1688::product::{CategoryGetRequest, ProductGetRequest};
//! use open1688::types::WebSite;
//! let product = client.product().product_get(ProductGetRequest::new(694567890123, WebSite::V1688)).await?;
//! let roots = client.call(&CategoryGetRequest::new(0)).await?; // the generic form
//! # }
//! # Ok(()) }
//! ```
//!
//! A method's future borrows the client and is `Send`, so a call can run on a spawned task
//! (move a clone of the client into it: clones share one connection pool). The signature
//! reads `impl Future<Output = Result<..>> + '_` without `+ Send`: the bound holds all the same,
//! since auto traits show through `impl Trait`, and spelling it out had every build of this
//! crate prove it again for each API.
//!
//! # Naming
//! - Namespace → module, cargo feature and accessor: the `com.alibaba.` / `cn.alibaba.` /
//!   `com.` / `cn.` prefix is dropped and dots become underscores
//!   (`com.alibaba.trade` → `trade`, `com.alibaba.fenxiao.crossborder` → `fenxiao_crossborder`,
//!   `system.oauth2` → `system_oauth2`).
//! - API → method and module: a leading `alibaba.` is dropped, the rest is snake_case
//!   (`alibaba.trade.get.buyerView` → `trade_get_buyer_view`); types are UpperCamelCase with
//!   `Request`/`Response` (`TradeGetBuyerViewRequest`). Versions above 1 add `_v2` / `V2`.
//! - Fields: snake_case with acronyms as one word (`productID` → `product_id`, `offerIDs` →
//!   `offer_ids`); Rust keywords become raw identifiers (`r#type`) or take a trailing `_`
//!   (`self_`). The wire name is always kept.
//! - Request and response types are re-exported from the namespace module. A named type lives
//!   where its spec declares it: in the API's module when only that spec defines it, in the
//!   namespace's `types` module when `api-specs/<namespace>/_types.json` does
//!   (`open1688::trade::types::AddressParam`), in the crate's [`types`] module when
//!   `api-specs/_types.json` does (`open1688::types::WebSite`, one type for every namespace).
//!   Every API module re-exports the shared types it uses
//!   (`open1688::trade::trade_fast_create_order::AddressParam` is the same type).
//!
//! APIs without a spec yet: [`Client::call_raw`](open1688_core::Client::call_raw).

mod client;
#[rustfmt::skip]
mod generated;

#[cfg(feature = "push")]
pub mod push;

pub use client::{Client, ClientBuilder};
pub use generated::*;
/// Every API as data (parameters with their types, token mode, example): the catalogue the
/// typed requests, the mock gateway and the CLI share.
pub use open1688_catalogue as catalogue;
/// The WebSocket message channel: pushed messages without a public callback URL.
#[cfg(feature = "channel")]
pub use open1688_core::channel;
pub use open1688_core::{
    de, dedupe, paging, sign, ApiDoc, ApiInfo, CallOptions, CompactString, Credentials, Date,
    Decimal, DedupeStore, Error, FileParam, Limits, LocalLimiter, MemoryDedupe, OAuth, ParamDoc,
    ParamType, Params, PushMessage, Rate, RateLimiter, RefreshingTokens, Request, Result,
    RetryPolicy, Secret, StaticToken, TokenMode, TokenProvider, TokenResponse, TokenSet,
    UploadMode, DEFAULT_BASE_URL,
};

/// The README's Rust examples, compiled (and run where they can be) as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
