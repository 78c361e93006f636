//! Turning a raw HTTP answer into a body or an [`Error`].
//!
//! Gateway errors come as HTTP 4xx/5xx (`error_code` = `gw.*`, or OAuth's `error`), business
//! errors as HTTP 200 in many shapes (`docs/protocol.md#errors`): `success`/`succes`/`isSuccess` false at
//! the top level or under `result`, with the code and message under one of several names, or an
//! integer `code` other than 0. One small pass over the body finds them without building a tree.

use crate::capture;
use crate::de::Lenient;
use crate::Error;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// How many leading bytes of a body an error keeps.
const PREFIX_LEN: usize = 256;

/// The status fields of a body; everything else is skipped without allocation.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Status {
    #[serde(deserialize_with = "opt")]
    success: Option<bool>,
    #[serde(deserialize_with = "opt")]
    succes: Option<bool>,
    #[serde(rename = "isSuccess", deserialize_with = "opt")]
    is_success: Option<bool>,
    #[serde(rename = "errorCode", deserialize_with = "opt")]
    error_code: Option<String>,
    #[serde(rename = "retCode", deserialize_with = "opt")]
    ret_code: Option<String>,
    #[serde(deserialize_with = "code")]
    code: Option<Code>,
    #[serde(rename = "errorMessage", deserialize_with = "opt")]
    error_message: Option<String>,
    #[serde(rename = "errorMsg", deserialize_with = "opt")]
    error_msg: Option<String>,
    #[serde(rename = "erroMsg", deserialize_with = "opt")]
    erro_msg: Option<String>,
    #[serde(rename = "errorInfo", deserialize_with = "opt")]
    error_info: Option<String>,
    #[serde(rename = "retMsg", deserialize_with = "opt")]
    ret_msg: Option<String>,
    #[serde(deserialize_with = "opt")]
    message: Option<String>,
    #[serde(rename = "extErrorMessage", deserialize_with = "opt")]
    ext_error_message: Option<String>,
    #[serde(rename = "error_code", deserialize_with = "opt")]
    gw_code: Option<String>,
    #[serde(rename = "error_message", deserialize_with = "opt")]
    gw_message: Option<String>,
    #[serde(deserialize_with = "opt")]
    request_id: Option<String>,
    #[serde(deserialize_with = "opt")]
    error: Option<String>,
    #[serde(deserialize_with = "opt")]
    error_description: Option<String>,
    result: Nested,
}

/// `code` as a number (follow/unfollow: 0 = success) or as text.
enum Code {
    Number(i64),
    Text(String),
}

/// Deserializes a status field leniently, treating an unexpected shape as absent: a body is
/// judged by the fields it does have, never rejected for one it shapes differently.
fn opt<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<Option<T>, D::Error> {
    Ok(serde_json::Value::deserialize(d)
        .ok()
        .and_then(|v| Option::<T>::lenient(v).ok())
        .flatten())
}

fn code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Code>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n.as_i64().map(Code::Number),
        serde_json::Value::String(s) => Some(Code::Text(s)),
        _ => None,
    })
}

/// `result` when it is an object (its status fields), or anything else (ignored).
#[derive(Default)]
struct Nested(Option<Box<Status>>);

impl<'de> Deserialize<'de> for Nested {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Nested;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("anything")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Nested, A::Error> {
                Status::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|s| Nested(Some(Box::new(s))))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Nested, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Nested(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Nested, E> {
                Ok(Nested(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Nested, E> {
                Ok(Nested(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Nested, E> {
                Ok(Nested(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Nested, E> {
                Ok(Nested(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Nested, E> {
                Ok(Nested(None))
            }
            fn visit_unit<E>(self) -> Result<Nested, E> {
                Ok(Nested(None))
            }
        }
        d.deserialize_any(V)
    }
}

impl Status {
    fn parse(body: &[u8]) -> Option<Status> {
        // Only an object carries status keys: serde would read an array positionally, taking
        // `["false"]` for `success: false` (found by the one-pass/two-pass property test).
        if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return None;
        }
        serde_json::from_slice(body).ok()
    }

    fn flag(&self) -> Option<bool> {
        self.success.or(self.succes).or(self.is_success)
    }

    fn code_text(&self) -> Option<String> {
        let code = match &self.code {
            Some(Code::Number(n)) => Some(n.to_string()),
            Some(Code::Text(s)) => Some(s.clone()),
            None => None,
        };
        self.error_code.clone().or(self.ret_code.clone()).or(code)
    }

    fn message_text(&self) -> String {
        [
            &self.error_message,
            &self.error_msg,
            &self.erro_msg,
            &self.error_info,
            &self.ret_msg,
            &self.message,
            &self.ext_error_message,
        ]
        .into_iter()
        .flatten()
        .find(|m| !m.is_empty())
        .cloned()
        .unwrap_or_else(|| "the API reported failure without a message".to_owned())
    }

    /// The business failure this status describes, if any.
    fn business_error(&self) -> Option<Error> {
        let failed = match self.flag() {
            Some(ok) => !ok,
            // No flag: an integer `code` other than 0 alongside a message is a failure.
            None => matches!(self.code, Some(Code::Number(n)) if n != 0) && self.message.is_some(),
        };
        if failed {
            return Some(Error::Business {
                code: self.code_text(),
                message: redact_text(&self.message_text()),
            });
        }
        self.result.0.as_ref().and_then(|r| {
            if r.flag() == Some(false) {
                r.business_error()
            } else {
                None
            }
        })
    }
}

/// The first bytes of a body with secret values masked ([`crate::names::redact`]), for an
/// error or a log. The whole body is redacted before it is cut, so a secret straddling the cut
/// cannot leave a readable head.
pub fn redact(body: &[u8]) -> String {
    // Room for the secrets' values to shrink to `***` and still fill the prefix.
    let window = &body[..body.len().min(PREFIX_LEN * 16)];
    let text = crate::names::redact(&String::from_utf8_lossy(window));
    match text.char_indices().nth(PREFIX_LEN) {
        Some((end, _)) => text[..end].to_owned(),
        None => text,
    }
}

fn redact_text(text: &str) -> String {
    crate::names::redact(text)
}

/// Classifies a raw answer: `Ok(())` when the body is a success to decode, or the error.
///
/// [`crate::Client::execute`] runs it on every answer; it is public for tools that get bodies
/// some other way (recordings, the mock gateway) and for benchmarks.
///
/// ```
/// use open1688_core::{response::check, Error};
/// assert!(check(200, br#"{"success":true,"result":1}"#).is_ok());
/// let e = check(200, br#"{"success":false,"errorCode":"E1","errorMessage":"bad"}"#).unwrap_err();
/// assert!(matches!(e, Error::Business { .. }));
/// ```
pub fn check(status: u16, body: &[u8]) -> Result<(), Error> {
    let parsed = Status::parse(body);
    if status >= 400 {
        return Err(failure(status, body, parsed.unwrap_or_default()));
    }
    match parsed {
        Some(parsed) => parsed.judge(status),
        None => Ok(()),
    }
}

/// The error of an HTTP 4xx/5xx answer.
fn failure(status: u16, body: &[u8], parsed: Status) -> Error {
    let plain = || {
        String::from_utf8_lossy(&body[..body.len().min(PREFIX_LEN)])
            .trim()
            .to_owned()
    };
    if let Some(error) = parsed.error.clone().filter(|_| parsed.gw_code.is_none()) {
        return Error::OAuth {
            status,
            error,
            description: redact_text(&parsed.error_description.unwrap_or_default()),
        };
    }
    let message = redact_text(
        &parsed
            .gw_message
            .clone()
            .or(parsed.error_message.clone())
            .unwrap_or_else(plain),
    );
    if status == 401 {
        return Error::Unauthorized {
            status,
            message,
            request_id: parsed.request_id,
        };
    }
    let code = parsed
        .gw_code
        .or(parsed.error_code)
        .unwrap_or_else(|| format!("HTTP {status}"));
    Error::Gateway {
        status,
        code,
        message,
        request_id: parsed.request_id,
    }
}

impl Status {
    /// The verdict on a 1xx–3xx answer with these status fields.
    fn judge(self, status: u16) -> Result<(), Error> {
        if let Some(code) = self.gw_code.clone().filter(|c| c.starts_with("gw.")) {
            let message = redact_text(&self.gw_message.clone().unwrap_or_default());
            return Err(Error::Gateway {
                status,
                code,
                message,
                request_id: self.request_id,
            });
        }
        if let (Some(error), None) = (&self.error, &self.flag()) {
            return Err(Error::OAuth {
                status,
                error: error.clone(),
                description: redact_text(&self.error_description.clone().unwrap_or_default()),
            });
        }
        match self.business_error() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// [`check`] and [`decode`] in one pass: the status fields are noted while `T` is decoded.
/// The same verdict as `check` then `decode`; a body that does not decode as `T` is checked
/// the slow way, so a business error in a shape `T` rejects is still reported as one.
///
/// ```
/// use open1688_core::{response::check_and_decode, Error};
/// let v: serde_json::Value = check_and_decode(200, br#"{"success":true,"result":{"id":1}}"#).unwrap();
/// assert_eq!(v["result"]["id"], 1);
/// let e = check_and_decode::<serde_json::Value>(200, br#"{"result":{"success":"false","code":"E1","message":"nested"}}"#);
/// assert!(matches!(e, Err(Error::Business { .. })));
/// ```
pub fn check_and_decode<T: de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    if status >= 400 {
        return Err(failure(
            status,
            body,
            Status::parse(body).unwrap_or_default(),
        ));
    }
    let mut fields = capture::Fields::default();
    match capture::decode::<T>(body, &mut fields) {
        Ok(value) => {
            if let Ok(parsed) = Status::deserialize(fields.into_object()) {
                parsed.judge(status)?;
            }
            Ok(value)
        }
        Err(e) => {
            check(status, body)?;
            Err(Error::Decode {
                status,
                message: e.to_string(),
                body_prefix: redact(body),
            })
        }
    }
}

/// Decodes a success body into `T`, keeping the status and the body's first bytes on failure:
/// what [`crate::Client::call`] does with the body [`crate::Client::execute`] returns.
pub fn decode<T: de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    crate::de::from_slice(body).map_err(|e| Error::Decode {
        status,
        message: e.to_string(),
        body_prefix: redact(body),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Captures the field names a derived `Deserialize` asks for, renames applied.
    struct Fields;
    impl<'de> Deserializer<'de> for Fields {
        type Error = serde::de::value::Error;
        fn deserialize_struct<V: de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom(fields.join(",")))
        }
        fn deserialize_any<V: de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 u8 u16 u32 u64 f32 f64 char str string bytes byte_buf option
            unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }

    #[test]
    fn the_status_pass_reads_exactly_the_one_list_of_status_keys() {
        let fields = Status::deserialize(Fields).err().unwrap().to_string();
        let mut fields: Vec<&str> = fields.split(',').filter(|f| *f != "result").collect();
        let mut keys = crate::names::STATUS_KEYS.to_vec();
        fields.sort_unstable();
        keys.sort_unstable();
        assert_eq!(fields, keys);
    }

    fn business(body: &str) -> (Option<String>, String) {
        match check(200, body.as_bytes()) {
            Err(Error::Business { code, message }) => (code, message),
            other => panic!("{body}: {other:?}"),
        }
    }

    #[test]
    fn every_business_shape_is_a_business_error() {
        assert_eq!(
            business(r#"{"success":false,"errorCode":"400_1","errorMessage":"bad"}"#),
            (Some("400_1".into()), "bad".into())
        );
        assert_eq!(
            business(r#"{"success":"false","errorMsg":"preview failed"}"#).1,
            "preview failed"
        );
        assert_eq!(
            business(r#"{"result":{"success":false,"code":"E1","message":"nested"}}"#),
            (Some("E1".into()), "nested".into())
        );
        assert_eq!(
            business(r#"{"result":{"success":"false","retCode":"R","retMsg":"ret"}}"#),
            (Some("R".into()), "ret".into())
        );
        assert_eq!(
            business(r#"{"result":{"success":false,"errorCode":"X","errorInfo":"info"}}"#).1,
            "info"
        );
        assert_eq!(
            business(r#"{"code":1001,"message":"already followed"}"#),
            (Some("1001".into()), "already followed".into())
        );
        assert_eq!(
            business(r#"{"isSuccess":false,"message":"confirm failed"}"#).1,
            "confirm failed"
        );
        assert_eq!(
            business(r#"{"succes":"false","errorMsg":"typo"}"#).1,
            "typo"
        );
        assert_eq!(
            business(r#"{"success":false,"code":"500","message":"不是自己的订单"}"#).1,
            "不是自己的订单"
        );
        assert_eq!(
            business(r#"{"success":false,"erroMsg":"alipay"}"#).1,
            "alipay"
        );
    }

    #[test]
    fn successes_pass() {
        for body in [
            r#"{"success":true,"result":{"orderId":1}}"#,
            r#"{"code":0,"message":"ok"}"#,
            r#"{"result":[1,2,3],"success":"true"}"#,
            r#"{"productInfo":{"productID":1,"success":false}}"#,
            r#"{"result":{"success":true,"result":{"code":5}}}"#,
            r#"[]"#,
            r#"1"#,
        ] {
            assert!(check(200, body.as_bytes()).is_ok(), "{body}");
        }
    }

    #[test]
    fn gateway_errors_keep_code_message_and_request_id() {
        let e = check(400, br#"{"error_code":"gw.APIACLDecline","error_message":"AppKey is not allowed(acl)","request_id":"abc"}"#).unwrap_err();
        assert!(
            matches!(&e, Error::Gateway { status: 400, code, request_id: Some(r), .. } if code == "gw.APIACLDecline" && r == "abc")
        );
        assert!(e.is_configuration() && !e.is_retryable());
        let e = check(503, b"<html>bad gateway</html>").unwrap_err();
        assert!(matches!(&e, Error::Gateway { code, .. } if code == "HTTP 503"));
        assert!(e.is_retryable());
        let e = check(401, b"Request need user authenticated").unwrap_err();
        assert!(
            matches!(&e, Error::Unauthorized { message, .. } if message == "Request need user authenticated")
        );
        let e = check(
            400,
            br#"{"error":"invalid_grant","error_description":"code expired"}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), Some("invalid_grant"));
    }

    /// `check` then `decode`, the two-pass reference of `check_and_decode`.
    fn two_pass<T: de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
        check(status, body)?;
        decode(status, body)
    }

    fn same_verdict<T: de::DeserializeOwned + PartialEq + fmt::Debug>(status: u16, body: &str) {
        let one = check_and_decode::<T>(status, body.as_bytes());
        let two = two_pass::<T>(status, body.as_bytes());
        match (&one, &two) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{body}"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{body}"),
            _ => panic!("{body}: one pass {one:?}, two passes {two:?}"),
        }
    }

    /// A typed response that knows `result` but none of the status fields.
    #[derive(Deserialize, Debug, PartialEq)]
    struct Typed {
        #[serde(default, deserialize_with = "crate::de::lenient")]
        result: Option<Inner>,
        #[serde(rename = "productInfo", default)]
        product_info: Option<serde_json::Value>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Inner {
        #[serde(default, deserialize_with = "crate::de::lenient")]
        success: Option<bool>,
        #[serde(rename = "orderId", default, deserialize_with = "crate::de::lenient")]
        order_id: Option<i64>,
    }

    impl Lenient for Inner {}

    /// Knows nothing of the body: every field is ignored.
    #[derive(Deserialize, Debug, PartialEq)]
    struct Empty {}

    /// `result` as a list.
    #[derive(Deserialize, Debug, PartialEq)]
    struct Listed {
        #[serde(default)]
        result: Vec<i64>,
    }

    #[test]
    fn one_pass_gives_the_two_pass_verdict() {
        let bodies = [
            r#"{"success":false,"errorCode":"400_1","errorMessage":"bad"}"#,
            r#"{"success":"false","errorMsg":"preview failed"}"#,
            r#"{"result":{"success":false,"code":"E1","message":"nested"}}"#,
            r#"{"result":{"success":"false","retCode":"R","retMsg":"ret"}}"#,
            r#"{"result":{"success":false,"errorCode":"X","errorInfo":"info"}}"#,
            r#"{"code":1001,"message":"already followed"}"#,
            r#"{"isSuccess":false,"message":"confirm failed"}"#,
            r#"{"succes":"false","errorMsg":"typo"}"#,
            r#"{"success":false,"erroMsg":"alipay"}"#,
            r#"{"success":true,"result":{"orderId":1}}"#,
            r#"{"result":{"orderId":"7","success":true}}"#,
            r#"{"code":0,"message":"ok"}"#,
            r#"{"result":[1,2,3],"success":"true"}"#,
            r#"{"productInfo":{"productID":1,"success":false}}"#,
            r#"{"result":{"success":true,"result":{"code":5}}}"#,
            r#"{"error_code":"gw.QosAppFrequencyLimit","error_message":"slow down","request_id":"r1"}"#,
            r#"{"error":"invalid_grant","error_description":"expired"}"#,
            r#"{"error":"x","success":true}"#,
            r#"{"result":"text","success":false,"message":"m"}"#,
            r#"{"result":null,"code":"12","message":"m"}"#,
            r#"{"re\u0073ult":{"success":false},"message":"escaped key"}"#,
            r#"[]"#,
            r#"1"#,
            r#"{"success":false"#,
            r#"not json"#,
        ];
        for body in bodies {
            same_verdict::<serde_json::Value>(200, body);
            same_verdict::<Typed>(200, body);
            same_verdict::<Empty>(200, body);
            same_verdict::<Listed>(200, body);
        }
        for status in [400, 401, 429, 503] {
            same_verdict::<serde_json::Value>(status, bodies[15]);
            same_verdict::<Typed>(status, "<html>busy</html>");
        }
    }

    #[test]
    fn redaction_masks_token_values() {
        let text = redact(br#"{"access_token":"abc-123","refresh_token":"r-9","aliId":"1"}"#);
        assert_eq!(
            text,
            r#"{"access_token":"***","refresh_token":"***","aliId":"1"}"#
        );
        assert_eq!(redact(b"access_token=tok&x=1"), "access_token=***&x=1");
    }
}
