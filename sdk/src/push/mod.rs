//! Messages 1688 pushes to the app (protocol notes §8): verify the signature, decode the
//! payload by its topic, and receive them over HTTP ([`Receiver`]; an axum router with the
//! `axum` feature).
//!
//! ```
//! use open1688::push::{verify_typed, Payload};
//! // An ORDER_BUYER_VIEW_ORDER_PAY push signed with the secret `test123` (the order id as a string).
//! let body = b"message=%7B%22msgId%22%3A7565094247%2C%22type%22%3A%22ORDER_BUYER_VIEW_ORDER_PAY%22%2C%22data%22%3A%7B%22orderId%22%3A%22167539019420540000%22%2C%22currentStatus%22%3A%22waitsellersend%22%2C%22msgSendTime%22%3A%222018-05-30+19%3A34%3A27%22%2C%22buyerMemberId%22%3A%22b2b-665170100%22%2C%22sellerMemberId%22%3A%22b2b-1676547900b7bb3%22%7D%7D&_aop_signature=BF9F162B7A99A546FB2C98AA0A9F0A2787518374";
//! let message = verify_typed("test123", body).unwrap();
//! match message.payload {
//!     Payload::OrderBuyerViewOrderPay(paid) => assert_eq!(paid.order_id, 167539019420540000),
//!     other => panic!("{other:?}"),
//! }
//! ```

pub use crate::generated::push::*;
pub use open1688_core::dedupe::{DedupeStore, MemoryDedupe};
pub use open1688_core::push::{decode_data, verify, verify_form, PushMessage};

mod receiver;
pub use receiver::{Receipt, Receiver, MAX_BODY};

use open1688_core::Error;

/// A verified push: its envelope, and its `data` typed by topic.
#[derive(Clone, Debug, PartialEq)]
pub struct TypedMessage {
    /// The envelope (`msgId`, `type`, `userInfo`, ...), with `data` as received.
    pub message: PushMessage,
    /// `data`, decoded as the payload of the message's topic; [`Payload::Other`] for a topic
    /// without a spec or a `data` that does not fit it.
    pub payload: Payload,
}

impl From<PushMessage> for TypedMessage {
    // Inline, as `Payload::decode` is: compiled where pushes are received.
    #[inline]
    fn from(message: PushMessage) -> Self {
        let payload = Payload::decode(&message.topic, &message.data);
        TypedMessage { message, payload }
    }
}

/// [`verify_form`], then the payload decoded by topic. Fails only when the push is not
/// genuine (or its envelope is not JSON), never because of its topic or payload.
#[inline]
pub fn verify_typed(secret: &str, body: &[u8]) -> Result<TypedMessage, Error> {
    verify_form(secret, body).map(TypedMessage::from)
}
