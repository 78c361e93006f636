//! The macro behind every generated enum, so generated code stays a one-line-per-value list.

/// Declares a string enumeration with an `Unknown(String)` fallback: values added upstream
/// after this SDK was generated decode instead of failing.
///
/// ```
/// open1688_core::string_enum! {
///     /// Which site.
///     pub enum WebSite { V1688 = "1688", Alibaba = "alibaba" }
/// }
/// assert_eq!(WebSite::from("alibaba"), WebSite::Alibaba);
/// assert_eq!(WebSite::from("taobao"), WebSite::Unknown("taobao".into()));
/// assert_eq!(serde_json::to_string(&WebSite::V1688).unwrap(), "\"1688\"");
/// ```
#[macro_export]
macro_rules! string_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version of the SDK does not know.
            Unknown(::std::string::String),
        }

        impl $name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(other) => other,
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as $crate::de::Lenient>::lenient(d).map(|s| Self::from(s.as_str()))
            }
        }

        impl $crate::de::Lenient for $name {}

        impl $crate::ToParam for $name {
            fn to_param(&self) -> ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String> {
                ::std::result::Result::Ok(::std::option::Option::Some(self.as_str().to_owned()))
            }
        }
    };
}
