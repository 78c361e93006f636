//! The request signature: HMAC-SHA1 over the URL path and the sorted `key+value` strings.
//!
//! The official SDKs sort the *joined* `key+value` strings, not the keys; the two orders differ
//! when one key is a prefix of another (`sort`/`sortType`). Strings compare by UTF-8 bytes, which
//! is code-point order (Python's); Java's UTF-16 order differs only outside the BMP.

use crate::inline_text::InlineText;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use smallvec::SmallVec;
use std::cmp::Ordering;
use std::fmt;

/// Orders two parameters as the official SDKs do: by the concatenation `key+value`.
fn factor_order(a: &(&str, &str), b: &(&str, &str)) -> Ordering {
    // Keys that differ within the shorter one decide alone (one `memcmp`); only when one key
    // is a prefix of the other do the values take part.
    let (ka, kb) = (a.0.as_bytes(), b.0.as_bytes());
    let common = ka.len().min(kb.len());
    match ka[..common].cmp(&kb[..common]) {
        Ordering::Equal => {
            let left = ka[common..].iter().chain(a.1.as_bytes());
            let right = kb[common..].iter().chain(b.1.as_bytes());
            left.cmp(right)
        }
        decided => decided,
    }
}

/// A request's parameters in signing order; on the stack for any real API's count.
type Sorted<'a> = SmallVec<[(&'a str, &'a str); 16]>;

fn sorted<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Sorted<'a> {
    let mut sorted: Sorted<'a> = params.into_iter().collect();
    sorted.sort_unstable_by(factor_order);
    sorted
}

/// The signed message: `url_path` followed by every `key+value`, sorted.
///
/// ```
/// use open1688_core::sign::signature_base;
/// let base = signature_base("param2/1/system/currentTime/1000000", &[("b", "2"), ("a", "1")]);
/// assert_eq!(base, "param2/1/system/currentTime/1000000a1b2");
/// ```
pub fn signature_base(url_path: &str, params: &[(&str, &str)]) -> String {
    let mut base = String::from(url_path);
    for (key, value) in sorted(params.iter().copied()) {
        base.push_str(key);
        base.push_str(value);
    }
    base
}

/// Uppercase hex HMAC-SHA1 of the signature base, keyed by the app secret.
///
/// `params` must be every parameter that goes on the wire except `_aop_signature` and file
/// parts, each value exactly as sent (before percent-encoding).
///
/// ```
/// use open1688_core::sign::sign;
/// let sig = sign("test123", "param2/1/system/currentTime/1000000", &[("b", "2"), ("a", "1")]);
/// assert_eq!(sig, "33E54F4F7B989E3E0E912D3FBD2F1A03CA7CCE88");
/// ```
pub fn sign(secret: &str, url_path: &str, params: &[(&str, &str)]) -> String {
    sign_pairs(secret, url_path, params.iter().copied())
}

/// [`sign`] over pairs from an iterator (no intermediate slice to build).
pub fn sign_pairs<'a>(
    secret: &str,
    url_path: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    SigningKey::new(secret).sign_pairs(url_path, params)
}

/// An app secret made into an HMAC-SHA1 key once. Each signature then starts from a copy of the
/// keyed state instead of hashing the key's two pads again, about a quarter of the cost of
/// signing a request; the client keeps one. `Debug` shows nothing of the key.
///
/// ```
/// use open1688_core::sign::{sign, SigningKey};
/// let key = SigningKey::new("test123");
/// let path = "param2/1/system/currentTime/1000000";
/// assert_eq!(key.sign_pairs(path, [("b", "2"), ("a", "1")]), sign("test123", path, &[("b", "2"), ("a", "1")]));
/// assert_eq!(format!("{key:?}"), "SigningKey(..)");
/// ```
#[derive(Clone)]
pub struct SigningKey(Hmac<Sha1>);

impl SigningKey {
    /// The key of an app secret.
    pub fn new(secret: &str) -> Self {
        SigningKey(Hmac::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length"))
    }

    /// [`sign_pairs`] with this key.
    pub fn sign_pairs<'a>(
        &self,
        url_path: &str,
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> String {
        self.signature(url_path, params).as_str().to_owned()
    }

    /// [`SigningKey::sign_pairs`] without a heap allocation, for the client's calls.
    pub(crate) fn signature<'a>(
        &self,
        url_path: &str,
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Signature {
        let mut mac = self.0.clone();
        mac.update(url_path.as_bytes());
        for (key, value) in sorted(params) {
            mac.update(key.as_bytes());
            mac.update(value.as_bytes());
        }
        upper_hex(&mac.finalize().into_bytes())
    }
}

/// An HMAC-SHA1 as the gateway wants it, 40 uppercase hex digits, held inline.
pub(crate) type Signature = InlineText<40>;

fn upper_hex(digest: &[u8]) -> Signature {
    let mut hex = [0; 40];
    hex::encode_to_slice(digest, &mut hex).expect("a SHA-1 digest is 20 bytes: 40 hex digits");
    hex.make_ascii_uppercase();
    InlineText::full(hex)
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

/// Compares a received signature with the expected one in constant time, ignoring hex case.
pub fn signatures_match(expected: &str, received: &str) -> bool {
    let (a, b) = (expected.as_bytes(), received.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| {
        acc | (x.to_ascii_uppercase() ^ y.to_ascii_uppercase())
    }) == 0
}

/// Why a signature is what it is: the URL path, the sorted factors and the result, with secret
/// values masked. The app secret itself never appears.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureExplanation {
    /// The URL path that starts the signed message (no leading slash, no `openapi/`).
    pub url_path: String,
    /// The `key+value` factors in signing order; secret values replaced by `***`.
    pub factors: Vec<String>,
    /// The whole signed message with secret values masked.
    pub base_masked: String,
    /// The signature computed over the real (unmasked) message.
    pub signature: String,
}

/// Explains the signature of a request: see [`SignatureExplanation`].
///
/// ```
/// use open1688_core::sign::explain;
/// let e = explain("s3cret", "param2/1/x/y/1", &[("access_token", "USER-TOKEN-9"), ("a", "1")]);
/// assert_eq!(e.factors, ["a1", "access_token***"]);
/// assert!(!e.to_string().contains("USER-TOKEN-9"));
/// ```
pub fn explain(secret: &str, url_path: &str, params: &[(&str, &str)]) -> SignatureExplanation {
    let factors: Vec<String> = sorted(params.iter().copied())
        .into_iter()
        .map(|(k, v)| {
            if crate::names::is_secret(k) {
                format!("{k}***")
            } else {
                format!("{k}{v}")
            }
        })
        .collect();
    SignatureExplanation {
        url_path: url_path.to_owned(),
        base_masked: format!("{url_path}{}", factors.concat()),
        factors,
        signature: sign(secret, url_path, params),
    }
}

impl fmt::Display for SignatureExplanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "url path:  {}", self.url_path)?;
        writeln!(f, "factors (sorted key+value):")?;
        for factor in &self.factors {
            writeln!(f, "  {factor}")?;
        }
        writeln!(f, "signed message (secrets masked): {}", self.base_masked)?;
        write!(f, "signature: {}", self.signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The quick comparison orders parameters exactly as comparing `key+value` does, over
        /// keys that are often prefixes of each other (`sort`, `sortType`, `s`).
        #[test]
        fn factor_order_is_the_order_of_key_plus_value(
            a in ("s(ort)?(Type)?[A-Za-z_]{0,2}", "[a-zA-Z0-9]{0,6}|[a-z]{0,2}Type"),
            b in ("s(ort)?(Type)?[A-Za-z_]{0,2}", "[a-zA-Z0-9]{0,6}|[a-z]{0,2}Type"),
        ) {
            let joined = |(k, v): &(String, String)| format!("{k}{v}");
            let (x, y) = ((a.0.as_str(), a.1.as_str()), (b.0.as_str(), b.1.as_str()));
            proptest::prop_assert_eq!(factor_order(&x, &y), joined(&a).cmp(&joined(&b)));
        }
    }

    #[test]
    fn the_inline_signature_is_the_uppercase_hex_of_the_digest() {
        let digest: Vec<u8> = (0..20).map(|i| i * 13 + 7).collect();
        let hex = upper_hex(&digest);
        assert_eq!(hex.as_str(), hex::encode_upper(&digest));
    }
}
