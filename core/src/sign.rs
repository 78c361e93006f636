//! The request signature: HMAC-SHA1 over the URL path and the sorted `key+value` strings.
//!
//! The official SDKs sort the *joined* `key+value` strings, not the keys; the two orders differ
//! when one key is a prefix of another (`sort`/`sortType`). Strings compare by UTF-8 bytes, which
//! is code-point order (Python's); Java's UTF-16 order differs only outside the BMP.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::cmp::Ordering;
use std::fmt;

/// Orders two parameters as the official SDKs do: by the concatenation `key+value`.
fn factor_order(a: &(&str, &str), b: &(&str, &str)) -> Ordering {
    let left = a.0.bytes().chain(a.1.bytes());
    let right = b.0.bytes().chain(b.1.bytes());
    left.cmp(right)
}

fn sorted<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<(&'a str, &'a str)> {
    let mut sorted: Vec<_> = params.into_iter().collect();
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
        let mut mac = self.0.clone();
        mac.update(url_path.as_bytes());
        for (key, value) in sorted(params) {
            mac.update(key.as_bytes());
            mac.update(value.as_bytes());
        }
        hex::encode_upper(mac.finalize().into_bytes())
    }
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
