//! A call split in two: preparing the signed request (this module) and sending it
//! ([`crate::Client`]'s transport). Everything that decides what goes on the wire — the URL
//! path, how uploads travel, which system parameters are added, what is signed — is here,
//! once, for the client, the OAuth endpoints and tools that show a request without sending it
//! (the CLI's `sign`, `call --explain`, `call --dry-run`). See `docs/protocol.md`.

use crate::api::{ApiInfo, TokenMode};
use crate::inline_text::InlineText;
use crate::params::{FilePart, TextParam};
use crate::sign::{self, Signature, SignatureExplanation, SigningKey};
use crate::{Error, Params, Secret};
use base64::Engine as _;

/// How `file` parameters travel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UploadMode {
    /// A `multipart/form-data` part, excluded from the signature (the gateway docs' form).
    #[default]
    Multipart,
    /// Base64 text in an ordinary, signed form field (the official PHP SDK's form).
    Base64Field,
}

/// A call's business parameters, encoded for the wire and ready to be signed for an attempt.
///
/// ```
/// use open1688_core::{ApiInfo, Params, PreparedCall, Secret, UploadMode};
/// let mut params = Params::new();
/// params.put("b", "2");
/// params.put("a", "1");
/// let api = ApiInfo::raw("system", "currentTime", 1);
/// let call = PreparedCall::new(&api, "1000000", params, UploadMode::Multipart).unwrap();
/// let secret = Secret::new("test123");
/// let signed = call.sign_with(&secret, None, None); // vector 1: no timestamp
/// assert_eq!(signed.signature(), Some("33E54F4F7B989E3E0E912D3FBD2F1A03CA7CCE88"));
/// ```
#[derive(Clone, Debug)]
pub struct PreparedCall<'a> {
    api: &'a ApiInfo<'a>,
    url_path: String,
    text: Vec<TextParam>,
    files: Vec<FilePart>,
}

impl<'a> PreparedCall<'a> {
    /// Encodes `params` for `api` of app `app_key`: the first value that could not be encoded
    /// is an [`Error::InvalidInput`]; files become parts or (with [`UploadMode::Base64Field`])
    /// signed text fields.
    pub fn new(
        api: &'a ApiInfo<'a>,
        app_key: &str,
        params: Params,
        upload: UploadMode,
    ) -> Result<Self, Error> {
        let (mut text, mut files) = params.into_parts()?;
        if upload == UploadMode::Base64Field {
            for (name, file) in files.drain(..) {
                let encoded = base64::engine::general_purpose::STANDARD.encode(&file.bytes);
                text.push((name, encoded));
            }
        }
        Ok(PreparedCall {
            api,
            url_path: api.url_path(app_key),
            text,
            files,
        })
    }

    /// The API called.
    pub fn api(&self) -> &ApiInfo<'a> {
        self.api
    }

    /// The signed URL path, `param2/1/<namespace>/<name>/<appKey>`.
    pub fn url_path(&self) -> &str {
        &self.url_path
    }

    /// The business text parameters, as signed and sent.
    pub fn text(&self) -> &[TextParam] {
        &self.text
    }

    /// The file parts (never signed).
    pub fn files(&self) -> &[FilePart] {
        &self.files
    }

    /// One attempt's request: the business parameters, then `access_token` (unless the API
    /// takes none), then, for signed APIs, `_aop_timestamp` (`timestamp_millis`, else the
    /// clock) and `_aop_signature` over all of them.
    pub fn sign<'s>(
        &'s self,
        app_secret: &'s Secret,
        token: Option<&'s Secret>,
        timestamp_millis: Option<u64>,
    ) -> SignedRequest<'s> {
        let millis = timestamp_millis.unwrap_or_else(now_millis);
        self.sign_with(app_secret, token, Some(millis))
    }

    /// [`PreparedCall::sign`] with `_aop_timestamp` left out when `timestamp_millis` is
    /// `None`: what code that sends no timestamp signs (for diagnosing it; the gateway wants
    /// one).
    pub fn sign_with<'s>(
        &'s self,
        app_secret: &'s Secret,
        token: Option<&'s Secret>,
        timestamp_millis: Option<u64>,
    ) -> SignedRequest<'s> {
        let key = SigningKey::new(app_secret.expose());
        self.sign_keyed(app_secret, &key, token, timestamp_millis)
    }

    /// [`PreparedCall::sign_with`] with the app secret's key made once (the client keeps one);
    /// `key` must be `app_secret`'s, which is kept for [`SignedRequest::explain`].
    pub(crate) fn sign_keyed<'s>(
        &'s self,
        app_secret: &'s Secret,
        key: &SigningKey,
        token: Option<&'s Secret>,
        timestamp_millis: Option<u64>,
    ) -> SignedRequest<'s> {
        let token = token
            .filter(|_| self.api.access_token != TokenMode::None)
            .map(Secret::expose);
        let mut signed = SignedRequest {
            url_path: &self.url_path,
            text: &self.text,
            token,
            timestamp: None,
            signature: None,
            files: &self.files,
            app_secret,
        };
        if self.api.signed {
            signed.timestamp =
                timestamp_millis.map(|millis| InlineText::new(itoa::Buffer::new().format(millis)));
            signed.signature = Some(key.signature(&self.url_path, signed.signed_params()));
        }
        signed
    }
}

/// Milliseconds since the Unix epoch: the `_aop_timestamp` of a request signed now.
pub fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

/// Exactly what one attempt sends: URL path, form fields (system parameters included), file
/// parts and signature. `Debug` never shows a secret.
pub struct SignedRequest<'a> {
    url_path: &'a str,
    /// Business parameters.
    text: &'a [TextParam],
    /// `access_token`'s value, when it is sent.
    token: Option<&'a str>,
    /// At most 20 digits: a `u64`.
    timestamp: Option<InlineText<20>>,
    signature: Option<Signature>,
    files: &'a [FilePart],
    app_secret: &'a Secret,
}

impl SignedRequest<'_> {
    /// The signed URL path (no leading slash, no `openapi/`).
    pub fn url_path(&self) -> &str {
        self.url_path
    }

    /// Every form field in the order sent, `_aop_timestamp` and `_aop_signature` last.
    pub fn form(&self) -> impl Iterator<Item = (&str, &str)> {
        let system = [
            ("access_token", self.token),
            (
                "_aop_timestamp",
                self.timestamp.as_ref().map(InlineText::as_str),
            ),
            (
                "_aop_signature",
                self.signature.as_ref().map(InlineText::as_str),
            ),
        ];
        self.text
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_str()))
            .chain(system.into_iter().filter_map(|(k, v)| Some((k, v?))))
    }

    /// The file parts.
    pub fn files(&self) -> &[FilePart] {
        self.files
    }

    /// `_aop_signature`, for signed APIs.
    pub fn signature(&self) -> Option<&str> {
        self.signature.as_ref().map(InlineText::as_str)
    }

    /// Every signed parameter (the form without `_aop_signature`), as signed.
    pub fn signed_params(&self) -> impl Iterator<Item = (&str, &str)> {
        self.form().filter(|(k, _)| *k != "_aop_signature")
    }

    /// Why the signature is what it is (URL path, sorted factors, the signed message with
    /// secret values masked); `None` for an unsigned API.
    pub fn explain(&self) -> Option<SignatureExplanation> {
        self.signature.as_ref()?;
        let signed: Vec<(&str, &str)> = self.signed_params().collect();
        Some(sign::explain(
            self.app_secret.expose(),
            self.url_path,
            &signed,
        ))
    }
}

impl std::fmt::Debug for SignedRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let fields: Vec<String> = self
            .form()
            .map(|(k, v)| {
                if crate::names::is_secret(k) {
                    format!("{k}=***")
                } else {
                    format!("{k}={v}")
                }
            })
            .collect();
        f.debug_struct("SignedRequest")
            .field("url_path", &self.url_path)
            .field("form", &fields)
            .field("files", &self.files)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileParam;

    const API: ApiInfo<'static> = ApiInfo {
        namespace: "com.alibaba.product",
        name: "alibaba.photobank.photo.add",
        version: 1,
        protocol: "param2",
        signed: true,
        access_token: TokenMode::Required,
        idempotent: false,
    };

    fn params() -> Params {
        let mut p = Params::new();
        p.put("name", "shirt");
        p.put_file("imageBytes", Some(&FileParam::new("a.jpg", vec![1, 2, 3])));
        p
    }

    #[test]
    fn multipart_files_are_parts_and_not_signed() {
        let call = PreparedCall::new(&API, "1000000", params(), UploadMode::Multipart).unwrap();
        let (secret, token) = (Secret::new("s3cret"), Secret::new("TOKEN-77"));
        let signed = call.sign(&secret, Some(&token), Some(1_700_000_000_000));
        let form: Vec<_> = signed.form().map(|(k, _)| k).collect();
        assert_eq!(
            form,
            ["name", "access_token", "_aop_timestamp", "_aop_signature"]
        );
        assert_eq!(signed.files().len(), 1);
        let expected = sign::sign(
            "s3cret",
            "param2/1/com.alibaba.product/alibaba.photobank.photo.add/1000000",
            &[
                ("name", "shirt"),
                ("access_token", "TOKEN-77"),
                ("_aop_timestamp", "1700000000000"),
            ],
        );
        assert_eq!(signed.signature(), Some(expected.as_str()));
        let explained = signed.explain().unwrap();
        assert_eq!(explained.signature, expected);
        assert!(!explained.to_string().contains("TOKEN-77"));
        assert!(!format!("{signed:?}").contains("TOKEN-77"));
    }

    #[test]
    fn base64_uploads_are_signed_text_fields() {
        let call = PreparedCall::new(&API, "1000000", params(), UploadMode::Base64Field).unwrap();
        let secret = Secret::new("s3cret");
        let signed = call.sign(&secret, None, Some(1));
        assert!(signed.files().is_empty());
        assert!(signed.form().any(|(k, v)| k == "imageBytes" && v == "AQID"));
        let factors = signed.explain().unwrap().factors;
        assert!(
            factors.contains(&"imageBytesAQID".to_owned()),
            "{factors:?}"
        );
    }

    #[test]
    fn no_token_for_apis_that_take_none_and_no_signature_when_unsigned() {
        let api = ApiInfo {
            signed: false,
            access_token: TokenMode::None,
            ..ApiInfo::raw("system", "currentTimeMillis", 1)
        };
        let call = PreparedCall::new(&api, "1", Params::new(), UploadMode::Multipart).unwrap();
        let (secret, token) = (Secret::new("s"), Secret::new("t"));
        let signed = call.sign(&secret, Some(&token), None);
        assert_eq!(signed.form().count(), 0);
        assert!(signed.signature().is_none() && signed.explain().is_none());
    }
}
