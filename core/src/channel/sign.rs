//! The channel's frame signature (`docs/protocol.md#channel`): uppercase hex
//! MD5(secret + appKey + \[content\] + pubTime).

use md5::{Digest, Md5};

/// Signs a frame: `content` is absent for CONNECT and HEARTBEAT.
///
/// ```
/// use open1688_core::channel::sign;
/// // The published vectors (alibaba-open-sdk HeartbeatSignerTest).
/// assert_eq!(sign("secretXYZ", "mykey", None, 1700000000000), "B9E65D4592778AE92A46050E139FABC6");
/// assert_eq!(sign("secretXYZ", "mykey", Some("content-str"), 1700000000000), "252610EA907DCC37211639F39097455A");
/// ```
pub fn sign(secret: &str, app_key: &str, content: Option<&str>, pub_time: i64) -> String {
    let mut md5 = Md5::new();
    md5.update(secret);
    md5.update(app_key);
    md5.update(content.unwrap_or(""));
    md5.update(pub_time.to_string());
    hex::encode_upper(md5.finalize())
}

/// Checks a received frame signature in constant time, ignoring hex case.
pub fn verify(
    secret: &str,
    app_key: &str,
    content: Option<&str>,
    pub_time: i64,
    received: &str,
) -> bool {
    crate::sign::signatures_match(&sign(secret, app_key, content, pub_time), received)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_vectors() {
        assert_eq!(
            sign("secretXYZ", "mykey", None, 1_700_000_000_000),
            "B9E65D4592778AE92A46050E139FABC6"
        );
        assert_eq!(
            sign("secretXYZ", "mykey", Some("content-str"), 1_700_000_000_000),
            "252610EA907DCC37211639F39097455A"
        );
    }

    #[test]
    fn verification_ignores_case_and_rejects_any_change() {
        let good = "252610EA907DCC37211639F39097455A";
        let check = |secret: &str, content: Option<&str>, time: i64, sig: &str| {
            verify(secret, "mykey", content, time, sig)
        };
        assert!(check(
            "secretXYZ",
            Some("content-str"),
            1_700_000_000_000,
            good
        ));
        assert!(check(
            "secretXYZ",
            Some("content-str"),
            1_700_000_000_000,
            &good.to_lowercase()
        ));
        assert!(!check(
            "secretXYZ",
            Some("content-str!"),
            1_700_000_000_000,
            good
        ));
        assert!(!check(
            "secretXYZ",
            Some("content-str"),
            1_700_000_000_001,
            good
        ));
        assert!(!check(
            "other",
            Some("content-str"),
            1_700_000_000_000,
            good
        ));
        assert!(!check("secretXYZ", None, 1_700_000_000_000, good));
    }
}
