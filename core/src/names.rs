//! The one list of secret parameter names and the one list of status keys, and the one
//! redaction rule built on them. Codegen, core, the CLI and the mock all use this file (codegen
//! includes it by path, so it depends on nothing but `std`).

/// Parameter and field names whose values are credentials, in the spellings seen on the wire.
/// [`is_secret`] also matches any other casing or `_`/`-` spelling of them.
pub const SECRET_PARAMS: &[&str] = &[
    "access_token",
    "accessToken",
    "refresh_token",
    "refreshToken",
    "client_secret",
    "clientSecret",
    "app_secret",
    "appSecret",
    "userToken",
];

/// The status keys a body's outcome is read from (top level and directly under `result`):
/// flags, codes and messages in every variant the APIs use (docs §7).
pub const STATUS_KEYS: &[&str] = &[
    "success",
    "succes",
    "isSuccess",
    "errorCode",
    "retCode",
    "code",
    "errorMessage",
    "errorMsg",
    "erroMsg",
    "errorInfo",
    "retMsg",
    "message",
    "extErrorMessage",
    "error_code",
    "error_message",
    "request_id",
    "error",
    "error_description",
];

/// `name` without case, `_` and `-`: `access_token`, `accessToken` and `ACCESS-TOKEN` agree.
fn folded(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
}

/// Whether values of the parameter or field `name` are secrets.
///
/// ```
/// use open1688_core::names::is_secret;
/// assert!(is_secret("access_token") && is_secret("accessToken") && is_secret("APP_SECRET"));
/// assert!(!is_secret("productID") && !is_secret("token"));
/// ```
pub fn is_secret(name: &str) -> bool {
    SECRET_PARAMS.iter().any(|s| folded(s).eq(folded(name)))
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Masks the value after every secret name in `text`, whatever the form: JSON
/// (`"access_token" : "v"`, escaped `\"access_token\":\"v\"`, numbers), form and query
/// (`access_token=v&`), and `key: value` text. Names are matched as [`is_secret`] does.
///
/// ```
/// use open1688_core::names::redact;
/// assert_eq!(redact(r#"{"accessToken" : "t-1", "a": 1}"#), r#"{"accessToken" : "***", "a": 1}"#);
/// assert_eq!(redact("x=1&app_secret=s3&y=2"), "x=1&app_secret=***&y=2");
/// ```
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(is_name_char) {
        // Copy up to the name, then the name itself.
        let (before, from_name) = rest.split_at(start);
        let boundary = before
            .chars()
            .next_back()
            .map_or(true, |c| !is_name_char(c));
        let len = from_name
            .find(|c| !is_name_char(c))
            .unwrap_or(from_name.len());
        let (name, after) = from_name.split_at(len);
        out.push_str(before);
        out.push_str(name);
        rest = after;
        if !(boundary && is_secret(name)) {
            continue;
        }
        if let Some((separator, value_len)) = secret_value(rest) {
            out.push_str(&rest[..separator]);
            out.push_str("***");
            rest = &rest[separator + value_len..];
        }
    }
    out.push_str(rest);
    out
}

/// After a secret name: the length of the separator (closing quote, `:` or `=`, spaces and an
/// opening quote) and of the value, or `None` when no value follows.
fn secret_value(after: &str) -> Option<(usize, usize)> {
    let bytes = after.as_bytes();
    let mut i = 0;
    while matches!(bytes.get(i), Some(b'\\' | b'"' | b'\'')) {
        i += 1;
    }
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    if !matches!(bytes.get(i), Some(b':' | b'=')) {
        return None;
    }
    i += 1;
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    let opening = ["\\\"", "\"", "'"]
        .into_iter()
        .find(|q| after[i..].starts_with(q));
    let start = i + opening.map_or(0, str::len);
    let value = &after[start..];
    let len = match opening {
        // A JSON string: up to the first quote not escaped by a backslash.
        Some("\"") => {
            let mut escaped = false;
            value
                .char_indices()
                .find(|&(_, c)| {
                    let end = c == '"' && !escaped;
                    escaped = c == '\\' && !escaped;
                    end
                })
                .map_or(value.len(), |(at, _)| at)
        }
        // `\"` inside an escaped JSON string, or a single quote: up to the same again.
        Some(quote) => value.find(quote).unwrap_or(value.len()),
        None => value
            .find(|c: char| {
                c.is_whitespace()
                    || matches!(c, '&' | ',' | '}' | ']' | ';' | '#' | '"' | '\'' | '\\')
            })
            .unwrap_or(value.len()),
    };
    (len > 0).then_some((start, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_is_masked() {
        for (text, want) in [
            (
                r#"{"access_token":"abc-123","x":1}"#,
                r#"{"access_token":"***","x":1}"#,
            ),
            (r#"{"access_token": "abc"}"#, r#"{"access_token": "***"}"#),
            (r#"{"accessToken" :	"a\"b"}"#, r#"{"accessToken" :	"***"}"#),
            (r#"{"refresh_token":12345}"#, r#"{"refresh_token":***}"#),
            (r#"{\"app_secret\":\"s\"}"#, r#"{\"app_secret\":\"***\"}"#),
            ("a=1&client_secret=s%20x&b=2", "a=1&client_secret=***&b=2"),
            ("GET /x?access_token=t#frag", "GET /x?access_token=***#frag"),
            ("refreshToken: r-1 then", "refreshToken: *** then"),
            ("Access-Token = 'q'", "Access-Token = '***'"),
            ("my_access_token=keep", "my_access_token=keep"),
            ("access_token", "access_token"),
            ("access_token=&x=1", "access_token=&x=1"),
        ] {
            assert_eq!(redact(text), want, "{text}");
        }
    }
}
