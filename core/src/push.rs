//! Verifying and decoding messages that 1688 pushes to the app.
//!
//! 1688 POSTs a form with `message` (JSON text) and `_aop_signature`. The signature is the
//! request signature with an empty URL path over every received parameter except itself. As
//! it signs `key+value` concatenations, only the expected layout is accepted by default: other
//! layouts (envelope fields sent separately) are opt-in, see [`VerifyOptions`].

use crate::de::lenient;
use crate::{sign, Error};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// A pushed message's envelope.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct PushMessage {
    /// Unique id; delivery is at-least-once, so deduplicate by it.
    #[serde(rename = "msgId", deserialize_with = "lenient")]
    pub msg_id: i64,
    /// When the message was created, epoch milliseconds.
    #[serde(rename = "gmtBorn", default, deserialize_with = "lenient")]
    pub gmt_born: Option<i64>,
    /// The topic, e.g. `ORDER_BUYER_VIEW_ORDER_PAY`.
    #[serde(rename = "type", default, deserialize_with = "lenient")]
    pub topic: String,
    /// The member id of the affected user.
    #[serde(rename = "userInfo", default, deserialize_with = "lenient")]
    pub user_info: Option<String>,
    /// The topic's payload, e.g. `{orderId, currentStatus, msgSendTime, ...}`.
    #[serde(default)]
    pub data: serde_json::Value,
    /// Business key, when present.
    #[serde(rename = "bizKey", default, deserialize_with = "lenient")]
    pub biz_key: Option<String>,
    /// Extra information, when present.
    #[serde(rename = "extraInfo", default)]
    pub extra_info: Option<serde_json::Value>,
}

/// What [`verify_with`] accepts besides the default.
///
/// By default exactly one `message` field and one `_aop_signature` field are accepted: the
/// signature covers the concatenated `key+value` pairs, so a genuine `message=…` body re-split
/// into other fields (`messa` + `ge…`) has the same HMAC and must not verify.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Accept any field layout (e.g. envelope fields sent separately), every field but the
    /// signature signed. Only for senders known to use such a layout.
    pub any_layout: bool,
    /// Refuse a message whose `gmtBorn` is missing or further than this from now (replays).
    pub max_age: Option<std::time::Duration>,
}

/// Checks a push's signature in constant time and decodes its envelope; exactly `message` and
/// `_aop_signature` are accepted (see [`VerifyOptions`]).
///
/// `fields` are all received form and query parameters, `_aop_signature` included.
///
/// ```
/// use open1688_core::push::verify;
/// let fields = [("message", r#"{"msgId":1}"#), ("_aop_signature", "7D08922D49D4C72384EDD35DAC3DAD398109936B")];
/// assert_eq!(verify("test123", &fields).unwrap().msg_id, 1);
/// let tampered = [("message", r#"{"msgId":2}"#), ("_aop_signature", "7D08922D49D4C72384EDD35DAC3DAD398109936B")];
/// assert!(verify("test123", &tampered).is_err());
/// // The same bytes re-split into other fields sign the same, and are refused.
/// let resplit = [("messa", r#"ge{"msgId":1}"#), ("_aop_signature", "7D08922D49D4C72384EDD35DAC3DAD398109936B")];
/// assert!(verify("test123", &resplit).is_err());
/// ```
pub fn verify<K: AsRef<str>, V: AsRef<str>>(
    secret: &str,
    fields: &[(K, V)],
) -> Result<PushMessage, Error> {
    verify_with(secret, fields, VerifyOptions::default())
}

/// [`verify`] with other layouts or a maximum age allowed.
pub fn verify_with<K: AsRef<str>, V: AsRef<str>>(
    secret: &str,
    fields: &[(K, V)],
    options: VerifyOptions,
) -> Result<PushMessage, Error> {
    let mut signature = None;
    let mut signed: Vec<(&str, &str)> = Vec::with_capacity(fields.len());
    for (k, v) in fields {
        match k.as_ref() {
            "_aop_signature" if signature.is_some() => {
                return Err(Error::Push("more than one _aop_signature field".into()))
            }
            "_aop_signature" => signature = Some(v.as_ref()),
            key => signed.push((key, v.as_ref())),
        }
    }
    let Some(received) = signature else {
        return Err(Error::Push(
            "unsigned: the message has no _aop_signature field".into(),
        ));
    };
    if !options.any_layout && !matches!(signed.as_slice(), [("message", _)]) {
        let names: Vec<&str> = signed.iter().map(|(k, _)| *k).collect();
        return Err(Error::Push(format!(
            "unexpected fields [{}]: a push carries exactly `message` and `_aop_signature` (other layouts are opt-in: VerifyOptions::any_layout)",
            names.join(", ")
        )));
    }
    if !sign::signatures_match(&sign::sign(secret, "", &signed), received) {
        return Err(Error::Push(
            "signature mismatch: the message was altered or signed with another app secret".into(),
        ));
    }
    let message = decode(&signed)?;
    if let Some(max_age) = options.max_age {
        check_age(&message, max_age, std::time::SystemTime::now())?;
    }
    Ok(message)
}

/// [`verify`] over a raw `application/x-www-form-urlencoded` body.
pub fn verify_form(secret: &str, body: &[u8]) -> Result<PushMessage, Error> {
    verify_form_with(secret, body, VerifyOptions::default())
}

/// [`verify_with`] over a raw `application/x-www-form-urlencoded` body.
pub fn verify_form_with(
    secret: &str,
    body: &[u8],
    options: VerifyOptions,
) -> Result<PushMessage, Error> {
    let fields: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    verify_with(secret, &fields, options)
}

/// A signed message can be replayed; its `gmtBorn` bounds for how long.
fn check_age(
    message: &PushMessage,
    max_age: std::time::Duration,
    now: std::time::SystemTime,
) -> Result<(), Error> {
    let Some(born) = message.gmt_born else {
        return Err(Error::Push(
            "the message has no gmtBorn, so its age cannot be checked".into(),
        ));
    };
    let now = now
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i128::try_from(d.as_millis()).unwrap_or(i128::MAX));
    let age = now - i128::from(born);
    let limit = i128::try_from(max_age.as_millis()).unwrap_or(i128::MAX);
    if age.abs() > limit {
        return Err(Error::Push(format!(
            "the message was born {} s from now (gmtBorn {born}); at most {} s is accepted",
            age / 1000,
            max_age.as_secs()
        )));
    }
    Ok(())
}

/// Decodes a topic's `data` as `T`, loosely (numbers and booleans sent as strings, `null`
/// lists), also when `data` arrives as JSON text; `None` when it does not fit `T`. The
/// generated `open1688::push::Payload::decode` uses it and keeps such data as raw JSON.
pub fn decode_data<T: DeserializeOwned>(data: &serde_json::Value) -> Option<T> {
    match data {
        serde_json::Value::String(text) => crate::de::from_str(text).ok(),
        other => T::deserialize(crate::de::Loose(other)).ok(),
    }
}

/// Decodes the envelope from `message`, or from separate fields when there is no `message`.
fn decode(fields: &[(&str, &str)]) -> Result<PushMessage, Error> {
    let bad = |e: serde_json::Error| {
        Error::Push(format!(
            "signature valid but the envelope does not decode: {e}"
        ))
    };
    if let Some((_, message)) = fields.iter().find(|(k, _)| *k == "message") {
        return serde_json::from_str(message).map_err(bad);
    }
    let mut envelope = serde_json::Map::new();
    for (k, v) in fields {
        let value = if *k == "data" || *k == "extraInfo" {
            serde_json::from_str(v).unwrap_or_else(|_| (*v).into())
        } else {
            (*v).into()
        };
        envelope.insert((*k).to_owned(), value);
    }
    PushMessage::deserialize(serde_json::Value::Object(envelope)).map_err(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separate_field_layout_verifies_with_vector_3() {
        let fields = [
            ("msgId", "1001"),
            ("gmtBorn", "1700000000000"),
            ("type", "ORDER_CHANGED"),
            ("userInfo", "m1"),
            ("data", r#"{"k":"v"}"#),
            ("_aop_signature", "4b20205134ea09c4c8d29ccac26f6c179eb72c8e"),
        ];
        assert!(
            verify("secretXYZ", &fields).is_err(),
            "other layouts are opt-in"
        );
        let any = VerifyOptions {
            any_layout: true,
            ..VerifyOptions::default()
        };
        let m = verify_with("secretXYZ", &fields, any).unwrap();
        assert_eq!(
            (m.msg_id, m.gmt_born, m.topic.as_str()),
            (1001, Some(1700000000000), "ORDER_CHANGED")
        );
        assert_eq!(m.data["k"], "v");
    }

    #[test]
    fn unsigned_and_tampered_messages_are_rejected() {
        let err = verify("test123", &[("message", r#"{"msgId":1}"#)])
            .unwrap_err()
            .to_string();
        assert!(err.contains("no _aop_signature"), "{err}");
        let err = verify(
            "other",
            &[
                ("message", r#"{"msgId":1}"#),
                ("_aop_signature", "7D08922D49D4C72384EDD35DAC3DAD398109936B"),
            ],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("signature mismatch"), "{err}");
    }

    #[test]
    fn max_age_bounds_gmt_born_both_ways() {
        let message = |born: Option<i64>| PushMessage {
            msg_id: 1,
            gmt_born: born,
            topic: String::new(),
            user_info: None,
            data: serde_json::Value::Null,
            biz_key: None,
            extra_info: None,
        };
        let now = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_700_000_600_000);
        let max = std::time::Duration::from_secs(300);
        assert!(check_age(&message(Some(1_700_000_400_000)), max, now).is_ok());
        assert!(check_age(&message(Some(1_700_000_000_000)), max, now).is_err());
        assert!(check_age(&message(Some(1_800_000_000_000)), max, now).is_err());
        assert!(check_age(&message(None), max, now).is_err());
        assert!(check_age(&message(Some(i64::MIN)), max, now).is_err());
    }

    #[test]
    fn form_bodies_are_percent_decoded_before_verifying() {
        let body = b"message=%7B%22msgId%22%3A1%7D&_aop_signature=7D08922D49D4C72384EDD35DAC3DAD398109936B";
        assert_eq!(verify_form("test123", body).unwrap().msg_id, 1);
    }
}
