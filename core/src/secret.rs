//! Secrets that must never reach logs, `Debug` output, errors or panics.

use std::fmt;
use std::sync::Arc;

/// A secret string (app secret, access token, refresh token).
///
/// `Debug` and `Display` print `***`; read the value with [`Secret::expose`].
///
/// ```
/// use open1688_core::Secret;
/// let s = Secret::new("hunter2");
/// assert_eq!(format!("{s:?}"), "Secret(***)");
/// assert_eq!(s.expose(), "hunter2");
/// ```
// Shared, not copied: a client hands its token to every call it makes.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into().into())
    }

    /// The secret value itself. Call it only where the value goes on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value.into())
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.into())
    }
}

/// Serializes as `***`, like `Debug`: a struct holding a secret can be logged as JSON safely.
/// Where the value must be written (a token store), say so with
/// `#[serde(serialize_with = "open1688_core::secret::expose")]` or call [`Secret::expose`].
///
/// ```
/// use open1688_core::Secret;
/// #[derive(serde::Serialize)]
/// struct Stored {
///     #[serde(serialize_with = "open1688_core::secret::expose")]
///     token: Secret,
///     shown: Secret,
/// }
/// let s = Stored { token: Secret::new("t-1"), shown: Secret::new("t-2") };
/// assert_eq!(serde_json::to_string(&s).unwrap(), r#"{"token":"t-1","shown":"***"}"#);
/// ```
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}

/// Serializes a secret's real value: the explicit path, for `serialize_with`.
pub fn expose<S: serde::Serializer>(secret: &Secret, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(secret.expose())
}

impl crate::de::Lenient for Secret {}

impl crate::ToParam for Secret {
    fn to_param(&self) -> Result<Option<String>, String> {
        Ok(Some(self.0.to_string()))
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::de::lenient::<D, String>(d).map(Secret::from)
    }
}

/// An app's identity: the app key (public) and the app secret (private).
///
/// ```
/// use open1688_core::Credentials;
/// let c = Credentials::new("1000000", "test123");
/// assert!(!format!("{c:?}").contains("test123"));
/// ```
#[derive(Clone, Debug)]
pub struct Credentials {
    /// The app key, sent in every URL.
    pub app_key: String,
    /// The app secret, used only as the HMAC key.
    pub app_secret: Secret,
}

impl Credentials {
    /// Builds credentials from an app key and secret.
    pub fn new(app_key: impl Into<String>, app_secret: impl Into<Secret>) -> Self {
        Credentials {
            app_key: app_key.into(),
            app_secret: app_secret.into(),
        }
    }
}
