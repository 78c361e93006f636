//! Pushing messages to an app as 1688 does (`docs/protocol.md#push`): a form POST with `message`
//! (JSON text) and `_aop_signature`, signed like a request with an empty URL path.

use crate::signature::signature;

/// How to sign a push.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PushSignature {
    /// Correctly signed.
    Valid,
    /// Signed, then the message altered in transit (a field added), so the signature no longer matches.
    Tampered,
    /// Signed with another secret.
    WrongSecret,
    /// No `_aop_signature` field.
    Missing,
}

/// What the receiver answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushReceipt {
    /// HTTP status.
    pub status: u16,
    /// The body.
    pub body: String,
}

/// The form fields of a push of `message` signed with `secret`, as `how` says.
///
/// ```
/// use open1688_mock::push::{push_form, PushSignature};
/// let form = push_form("test123", r#"{"msgId":1}"#, PushSignature::Valid);
/// assert_eq!(form[1], ("_aop_signature".to_owned(), "7D08922D49D4C72384EDD35DAC3DAD398109936B".to_owned()));
/// ```
pub fn push_form(secret: &str, message: &str, how: PushSignature) -> Vec<(String, String)> {
    let key = match how {
        PushSignature::WrongSecret => format!("{secret}-not"),
        _ => secret.to_owned(),
    };
    let sig = signature(&key, "", &[("message", message)]);
    let sent = match how {
        PushSignature::Tampered => tamper(message),
        _ => message.to_owned(),
    };
    let mut form = vec![("message".to_owned(), sent)];
    if how != PushSignature::Missing {
        form.push(("_aop_signature".to_owned(), sig));
    }
    form
}

/// Alters a message but keeps it valid JSON, so only the signature can reveal the change.
fn tamper(message: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(message) {
        Ok(serde_json::Value::Object(mut object)) => {
            object.insert("tampered".into(), true.into());
            serde_json::Value::Object(object).to_string()
        }
        _ => format!("{message} "),
    }
}

/// POSTs a push of `message` to `url` as `application/x-www-form-urlencoded`.
pub async fn send_push(
    url: &str,
    secret: &str,
    message: &str,
    how: PushSignature,
) -> Result<PushReceipt, PushError> {
    let response = open1688_core::tls::reqwest_builder()?
        .build()?
        .post(url)
        .form(&push_form(secret, message, how))
        .send()
        .await?;
    let status = response.status().as_u16();
    let body = response.text().await?;
    Ok(PushReceipt { status, body })
}

/// Why a push could not be delivered: the HTTP client could not be set up, or the request failed.
pub type PushError = Box<dyn std::error::Error + Send + Sync>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_valid_push_carries_the_right_signature() {
        let good = "7D08922D49D4C72384EDD35DAC3DAD398109936B";
        let msg = r#"{"msgId":1}"#;
        let sig = |how| {
            push_form("test123", msg, how)
                .into_iter()
                .find(|(k, _)| k == "_aop_signature")
                .map(|(_, v)| v)
        };
        assert_eq!(sig(PushSignature::Valid).as_deref(), Some(good));
        assert_eq!(sig(PushSignature::Tampered).as_deref(), Some(good));
        assert_ne!(push_form("test123", msg, PushSignature::Tampered)[0].1, msg);
        assert_ne!(sig(PushSignature::WrongSecret).as_deref(), Some(good));
        assert_eq!(sig(PushSignature::Missing), None);
    }
}
