//! The gateway's own signature check.
//!
//! Written from `docs/protocol.md#signature` with `hmac`, `sha1` and `hex` directly, independently of
//! `open1688_core::sign`, so that a bug in the client's signer cannot confirm itself.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// What the gateway concluded about a request's `_aop_signature`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureStatus {
    /// The API is unsigned, or the request never reached an API (unknown app key or API).
    NotChecked,
    /// A signed API was called without `_aop_signature`.
    Missing,
    /// The signature did not match the received parameters.
    Invalid,
    /// The signature matched.
    Valid,
}

/// Uppercase hex HMAC-SHA1, keyed by `secret`, of `url_path` followed by every `key+value`
/// string sorted as strings (not by key: `sortTypeASC` sorts before `sortprice`).
///
/// ```
/// use open1688_mock::signature::signature;
/// let sig = signature("test123", "param2/1/system/currentTime/1000000", &[("b", "2"), ("a", "1")]);
/// assert_eq!(sig, "33E54F4F7B989E3E0E912D3FBD2F1A03CA7CCE88");
/// ```
pub fn signature(secret: &str, url_path: &str, params: &[(&str, &str)]) -> String {
    let mut factors: Vec<String> = params.iter().map(|(k, v)| format!("{k}{v}")).collect();
    // `String` orders by UTF-8 bytes, i.e. code points: the official Python SDK's order.
    factors.sort();
    let mut mac =
        Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(url_path.as_bytes());
    for factor in &factors {
        mac.update(factor.as_bytes());
    }
    hex::encode_upper(mac.finalize().into_bytes())
}

/// The message channel's frame signature (`docs/protocol.md#channel`): uppercase hex
/// MD5(secret + appKey + \[content\] + pubTime), written apart from `open1688_core::channel`.
///
/// ```
/// use open1688_mock::signature::frame_signature;
/// assert_eq!(frame_signature("secretXYZ", "mykey", "", 1700000000000), "B9E65D4592778AE92A46050E139FABC6");
/// assert_eq!(frame_signature("secretXYZ", "mykey", "content-str", 1700000000000), "252610EA907DCC37211639F39097455A");
/// ```
pub fn frame_signature(secret: &str, app_key: &str, content: &str, pub_time: i64) -> String {
    use md5::{Digest, Md5};
    let text = format!("{secret}{app_key}{content}{pub_time}");
    hex::encode_upper(Md5::digest(text.as_bytes()))
}

/// Checks the `_aop_signature` among `params` (every received text parameter; file parts
/// excluded by the caller) against the signature over all the others.
pub fn check(secret: &str, url_path: &str, params: &[(String, String)]) -> SignatureStatus {
    let mut received = None;
    let mut signed = Vec::with_capacity(params.len());
    for (k, v) in params {
        if k == "_aop_signature" {
            if received.is_some() {
                // Two signatures: a gateway cannot know which one was meant.
                return SignatureStatus::Invalid;
            }
            received = Some(v.as_str());
        } else {
            signed.push((k.as_str(), v.as_str()));
        }
    }
    match received {
        None => SignatureStatus::Missing,
        Some(got) if got.eq_ignore_ascii_case(&signature(secret, url_path, &signed)) => {
            SignatureStatus::Valid
        }
        Some(_) => SignatureStatus::Invalid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIME: &str = "param2/1/system/currentTime/1000000";

    #[test]
    fn vector_1_doc_copy() {
        assert_eq!(
            signature("test123", TIME, &[("b", "2"), ("a", "1")]),
            "33E54F4F7B989E3E0E912D3FBD2F1A03CA7CCE88"
        );
    }

    #[test]
    fn vector_2_system_params_are_signed() {
        let params = [
            ("productId", "694567890123"),
            ("access_token", "UNIT-TEST-TOKEN-abc123"),
            ("_aop_timestamp", "1700000000000"),
        ];
        let sig = signature(
            "UNIT-TEST-SECRET",
            "param2/1/system/currentTime/TEST_APPKEY_0001",
            &params,
        );
        assert_eq!(sig, "75CD0EB77C5DCB393BD2C2E4DB4CE09849780EC9");
    }

    #[test]
    fn vector_3_push_style_empty_path() {
        let params = [
            ("msgId", "1001"),
            ("gmtBorn", "1700000000000"),
            ("type", "ORDER_CHANGED"),
            ("userInfo", "m1"),
            ("data", r#"{"k":"v"}"#),
        ];
        assert_eq!(
            signature("secretXYZ", "", &params),
            "4B20205134EA09C4C8D29CCAC26F6C179EB72C8E"
        );
        assert_eq!(
            signature("test123", "", &[("message", r#"{"msgId":1}"#)]),
            "7D08922D49D4C72384EDD35DAC3DAD398109936B"
        );
    }

    #[test]
    fn vector_4_sorts_joined_strings_not_keys() {
        let sig = signature("test123", TIME, &[("sort", "price"), ("sortType", "ASC")]);
        assert_eq!(sig, "6FDFE167C22204C53F674B86FC85F8261178A49B");
        assert_ne!(
            sig, "E1C27EEA351B7D26E25915BCD03B4D071D9DE70E",
            "key order is the non-official variant"
        );
        assert_eq!(
            signature("test123", TIME, &[("a", "1"), ("keyword", "连衣裙")]),
            "6B18A2E7FCAD5A5C8B233E05465E97A4AFA5F3FD"
        );
    }

    #[test]
    fn check_classifies_missing_invalid_and_valid() {
        let p = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            check("test123", TIME, &p(&[("a", "1"), ("b", "2")])),
            SignatureStatus::Missing
        );
        let good = "33e54f4f7b989e3e0e912d3fbd2f1a03ca7cce88";
        assert_eq!(
            check(
                "test123",
                TIME,
                &p(&[("a", "1"), ("_aop_signature", good), ("b", "2")])
            ),
            SignatureStatus::Valid
        );
        assert_eq!(
            check(
                "test123",
                TIME,
                &p(&[("a", "1"), ("_aop_signature", good), ("b", "3")])
            ),
            SignatureStatus::Invalid
        );
        assert_eq!(
            check(
                "test123",
                TIME,
                &p(&[
                    ("a", "1"),
                    ("b", "2"),
                    ("_aop_signature", good),
                    ("_aop_signature", good)
                ])
            ),
            SignatureStatus::Invalid
        );
    }
}
