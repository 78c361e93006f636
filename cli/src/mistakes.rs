//! Which common signing mistake turns the right signature into the one a user got.
//!
//! Every combination of the mistakes below is signed (a few hundred HMACs at most); the
//! smallest combinations that reproduce the given signature are reported.

use open1688_core::sign;

/// What was signed the right way. `Debug` shows no secret.
pub struct Case<'a> {
    /// The app secret.
    pub secret: &'a str,
    /// The right URL path (no leading slash, no `openapi/`).
    pub url_path: &'a str,
    /// Every signed parameter, as sent.
    pub params: &'a [(String, String)],
    /// The access token the user has, whether or not the right signature includes it.
    pub token: Option<&'a str>,
}

impl std::fmt::Debug for Case<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let params: Vec<(&str, &str)> = self
            .params
            .iter()
            .map(|(k, v)| match open1688_core::names::is_secret(k) {
                true => (k.as_str(), "***"),
                false => (k.as_str(), v.as_str()),
            })
            .collect();
        f.debug_struct("Case")
            .field("secret", &"***")
            .field("url_path", &self.url_path)
            .field("params", &params)
            .field("token", &self.token.map(|_| "***"))
            .finish()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PathForm {
    Right,
    Openapi,
    SlashOpenapi,
    LeadingSlash,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Raw,
    Form,
    Percent,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Timestamp {
    AsIs,
    Omitted,
    Seconds,
}

/// One combination of mistakes.
#[derive(Clone, Copy, Debug)]
struct Variant {
    key_sorted: bool,
    path: PathForm,
    token_flipped: bool,
    encoding: Encoding,
    python_bools: bool,
    timestamp: Timestamp,
    lowercase: bool,
}

/// A combination of mistakes that reproduces a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// One line per mistake.
    pub mistakes: Vec<String>,
    /// The message signed that way, secrets masked.
    pub message_masked: String,
}

fn percent(value: &str, form: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => out.push(b as char),
            b'*' if form => out.push('*'),
            b'~' if !form => out.push('~'),
            b' ' if form => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl Variant {
    fn count(&self) -> usize {
        [
            self.key_sorted,
            self.path != PathForm::Right,
            self.token_flipped,
            self.encoding != Encoding::Raw,
            self.python_bools,
            self.timestamp != Timestamp::AsIs,
            self.lowercase,
        ]
        .into_iter()
        .filter(|b| *b)
        .count()
    }

    fn describe(&self, case: &Case<'_>) -> Vec<String> {
        let mut out = Vec::new();
        if self.key_sorted {
            out.push("the factors were sorted by key instead of by the joined key+value strings (e.g. `sortTypeASC` sorts before `sortprice`)".to_owned());
        }
        match self.path {
            PathForm::Right => {}
            PathForm::Openapi => out.push(format!("the URL path was signed with `openapi/` in front: sign `{}`, the part after `/openapi/`", case.url_path)),
            PathForm::SlashOpenapi => out.push(format!("the URL path was signed as `/openapi/…`: sign `{}`, the part after `/openapi/`", case.url_path)),
            PathForm::LeadingSlash => out.push(format!("the URL path was signed with a leading slash: sign `{}`", case.url_path)),
        }
        if self.token_flipped {
            out.push(if has(case.params, "access_token") {
                "access_token was left out of the signature, but every parameter sent (access_token too) is signed".to_owned()
            } else {
                "access_token was signed, but this request does not send it (this API takes none, or no token was given)".to_owned()
            });
        }
        match self.encoding {
            Encoding::Raw => {}
            Encoding::Form => out.push("URL-encoded values were signed (form encoding, space as `+`): sign the raw values, encode only on the wire".to_owned()),
            Encoding::Percent => out.push("URL-encoded values were signed (percent encoding, space as `%20`): sign the raw values, encode only on the wire".to_owned()),
        }
        if self.python_bools {
            out.push(
                "booleans were signed as `True`/`False` (Python's str()): sign `true`/`false`"
                    .to_owned(),
            );
        }
        match self.timestamp {
            Timestamp::AsIs => {}
            Timestamp::Omitted => {
                out.push("_aop_timestamp was sent but left out of the signature".to_owned())
            }
            Timestamp::Seconds => out.push(
                "_aop_timestamp was in seconds; it is epoch milliseconds (13 digits)".to_owned(),
            ),
        }
        if self.lowercase {
            out.push("the signature is lowercase hex; the gateway's is uppercase".to_owned());
        }
        out
    }

    /// The signed message under this variant; `None` when the variant changes nothing.
    fn message(&self, case: &Case<'_>, masked: bool) -> Option<String> {
        let mut params: Vec<(String, String)> = case.params.to_vec();
        if self.token_flipped {
            if has(&params, "access_token") {
                params.retain(|(k, _)| k != "access_token");
            } else {
                params.push(("access_token".into(), case.token?.to_owned()));
            }
        }
        match self.timestamp {
            Timestamp::AsIs => {}
            Timestamp::Omitted => {
                if !has(&params, "_aop_timestamp") {
                    return None;
                }
                params.retain(|(k, _)| k != "_aop_timestamp");
            }
            Timestamp::Seconds => {
                let (_, v) = params.iter_mut().find(|(k, _)| k == "_aop_timestamp")?;
                let millis: u64 = v.parse().ok()?;
                *v = (millis / 1000).to_string();
            }
        }
        if self.python_bools {
            let mut changed = false;
            for (_, v) in params.iter_mut() {
                if v == "true" || v == "false" {
                    *v = if v == "true" { "True" } else { "False" }.to_owned();
                    changed = true;
                }
            }
            if !changed {
                return None;
            }
        }
        if self.encoding != Encoding::Raw {
            let mut changed = false;
            for (_, v) in params.iter_mut() {
                let encoded = percent(v, self.encoding == Encoding::Form);
                changed |= encoded != *v;
                *v = encoded;
            }
            if !changed {
                return None;
            }
        }
        let path = match self.path {
            PathForm::Right => case.url_path.to_owned(),
            PathForm::Openapi => format!("openapi/{}", case.url_path),
            PathForm::SlashOpenapi => format!("/openapi/{}", case.url_path),
            PathForm::LeadingSlash => format!("/{}", case.url_path),
        };
        let factor = |(k, v): &(String, String)| {
            if masked && open1688_core::names::is_secret(k) {
                format!("{k}***")
            } else {
                format!("{k}{v}")
            }
        };
        let by_joined = {
            let mut p = params.clone();
            p.sort_by(|a, b| format!("{}{}", a.0, a.1).cmp(&format!("{}{}", b.0, b.1)));
            p
        };
        if self.key_sorted {
            let mut by_key = params.clone();
            by_key.sort_by(|a, b| a.0.cmp(&b.0));
            if by_key == by_joined {
                return None;
            }
            params = by_key;
        } else {
            params = by_joined;
        }
        Some(format!(
            "{path}{}",
            params.iter().map(factor).collect::<String>()
        ))
    }
}

fn has(params: &[(String, String)], key: &str) -> bool {
    params.iter().any(|(k, _)| k == key)
}

/// HMAC-SHA1 of a whole message, uppercase hex: core's signer over one factor.
fn hmac(secret: &str, message: &str) -> String {
    sign::sign(secret, "", &[(message, "")])
}

fn variants() -> Vec<Variant> {
    let mut all = Vec::new();
    for key_sorted in [false, true] {
        for path in [
            PathForm::Right,
            PathForm::Openapi,
            PathForm::SlashOpenapi,
            PathForm::LeadingSlash,
        ] {
            for token_flipped in [false, true] {
                for encoding in [Encoding::Raw, Encoding::Form, Encoding::Percent] {
                    for python_bools in [false, true] {
                        for timestamp in [Timestamp::AsIs, Timestamp::Omitted, Timestamp::Seconds] {
                            for lowercase in [false, true] {
                                all.push(Variant {
                                    key_sorted,
                                    path,
                                    token_flipped,
                                    encoding,
                                    python_bools,
                                    timestamp,
                                    lowercase,
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    all
}

/// The smallest combinations of common mistakes that produce `received` (empty when none do,
/// or when `received` is the right signature).
pub fn diagnose(case: &Case<'_>, received: &str) -> Vec<Explanation> {
    let received = received.trim();
    let mut found: Vec<(usize, Explanation)> = Vec::new();
    for v in variants() {
        if v.count() == 0 {
            continue;
        }
        if v.lowercase && received.bytes().all(|b| !b.is_ascii_lowercase()) {
            continue;
        }
        let Some(message) = v.message(case, false) else {
            continue;
        };
        let mut signature = hmac(case.secret, &message);
        if v.lowercase {
            signature = signature.to_ascii_lowercase();
        }
        if signature == received {
            found.push((
                v.count(),
                Explanation {
                    mistakes: v.describe(case),
                    message_masked: v.message(case, true).unwrap_or_default(),
                },
            ));
        }
    }
    let best = found.iter().map(|(n, _)| *n).min();
    found
        .into_iter()
        .filter(|(n, _)| Some(*n) == best)
        .map(|(_, e)| e)
        .collect()
}

/// The mistakes [`diagnose`] tries, for the report when none matches.
pub const TRIED: &str = "key-sorted factors, `openapi/` / `/openapi/` / a leading slash in the path, access_token included or left out, URL-encoded values, Python `True`/`False`, _aop_timestamp omitted or in seconds, lowercase hex, and their combinations";

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn vector_4b_is_the_key_sorted_mistake() {
        let params = pairs(&[("sort", "price"), ("sortType", "ASC")]);
        let case = Case {
            secret: "test123",
            url_path: "param2/1/system/currentTime/1000000",
            params: &params,
            token: None,
        };
        let found = diagnose(&case, "E1C27EEA351B7D26E25915BCD03B4D071D9DE70E");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].mistakes[0].contains("sorted by key"));
        assert!(found[0].message_masked.ends_with("sortpricesortTypeASC"));
        assert!(diagnose(&case, "6FDFE167C22204C53F674B86FC85F8261178A49B").is_empty());
    }

    #[test]
    fn combined_mistakes_are_found() {
        let params = pairs(&[
            ("a", "x y"),
            ("flag", "true"),
            ("_aop_timestamp", "1700000000000"),
        ]);
        let case = Case {
            secret: "s",
            url_path: "param2/1/ns/n/1",
            params: &params,
            token: Some("TOKEN-1"),
        };
        let wrong = Variant {
            key_sorted: false,
            path: PathForm::SlashOpenapi,
            token_flipped: true,
            encoding: Encoding::Form,
            python_bools: false,
            timestamp: Timestamp::AsIs,
            lowercase: true,
        };
        let sig = hmac("s", &wrong.message(&case, false).unwrap()).to_ascii_lowercase();
        let found = diagnose(&case, &sig);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].mistakes.len(), 4);
        assert!(found[0].message_masked.contains("access_token***"));
        assert!(!found[0].message_masked.contains("TOKEN-1"));
    }

    #[test]
    fn encodings() {
        assert_eq!(percent("a b*~连", true), "a+b*%7E%E8%BF%9E");
        assert_eq!(percent("a b*~", false), "a%20b%2A~");
    }
}
