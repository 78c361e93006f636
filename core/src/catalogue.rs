//! APIs as data: what the generated catalogue (crate `open1688-catalogue`) says about every
//! API, for the tools that work with APIs by name — the CLI, the mock gateway, tests.
//!
//! Types are structured values, never spec text to re-parse: a parameter's type is a
//! [`ParamType`], and an enum carries its allowed values.

use crate::api::ApiInfo;
use std::fmt;

/// What a successful call of an API without an `example_response` answers in the mock
/// gateway, and what tests expect it to answer: an empty object.
pub const DEFAULT_RESPONSE: &str = "{}";

/// Everything the catalogue knows about an API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiDoc {
    /// Identity and wire behaviour (the same value the typed request sends with).
    pub api: ApiInfo<'static>,
    /// One-line summary.
    pub summary: &'static str,
    /// The open.1688.com documentation page.
    pub doc_url: &'static str,
    /// The typed method, e.g. `client.product().product_get(..)`.
    pub method: &'static str,
    /// The parameters, in spec order.
    pub params: &'static [ParamDoc],
    /// A response in the real shape, as JSON text.
    pub example_response: Option<&'static str>,
}

impl ApiDoc {
    /// The answer a stand-in gateway gives: the example response, else [`DEFAULT_RESPONSE`].
    pub fn default_response(&self) -> &'static str {
        self.example_response.unwrap_or(DEFAULT_RESPONSE)
    }

    /// The parameter named `name`.
    pub fn param(&self, name: &str) -> Option<&'static ParamDoc> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// One parameter of an API (or field of a parameter's object type), as its spec describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamDoc {
    /// The wire name, e.g. `productID`.
    pub name: &'static str,
    /// The type.
    pub ty: &'static ParamType,
    /// Whether it is required.
    pub required: bool,
    /// The spec's description.
    pub doc: &'static str,
}

/// The type of a parameter, structured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamType {
    /// `string` (credentials included).
    String,
    /// `boolean`: `true` / `false`.
    Boolean,
    /// `int`: a 32-bit integer.
    Int,
    /// `long`: a 64-bit integer.
    Long,
    /// `double`.
    Double,
    /// `decimal`: an exact decimal number.
    Decimal,
    /// `date`: `yyyyMMddHHmmssSSS+0800` on the wire.
    Date,
    /// `json`: any JSON value.
    Json,
    /// `file`: an upload.
    File,
    /// `array<T>`: sent as a JSON array.
    Array(&'static ParamType),
    /// `map<T>`: sent as a JSON object.
    Map(&'static ParamType),
    /// A named enum: sent as one of its values.
    Enum(&'static EnumDoc),
    /// A named object type: sent as a JSON object.
    Struct(&'static StructDoc),
}

/// A named enum type and its allowed values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnumDoc {
    /// The spec's type name, e.g. `WebSite`.
    pub name: &'static str,
    /// The wire values, in spec order.
    pub values: &'static [&'static str],
}

/// A named object type and its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StructDoc {
    /// The spec's type name, e.g. `AddressParam`.
    pub name: &'static str,
    /// The fields, in spec order.
    pub fields: &'static [ParamDoc],
}

impl ParamType {
    /// Whether the wire form is plain text (otherwise compact JSON, or a file part).
    pub fn is_text(&self) -> bool {
        !matches!(
            self,
            ParamType::Json
                | ParamType::File
                | ParamType::Array(_)
                | ParamType::Map(_)
                | ParamType::Struct(_)
        )
    }
}

impl fmt::Display for ParamType {
    /// The spec's notation: `long`, `array<CargoParam>`, `WebSite`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamType::String => f.write_str("string"),
            ParamType::Boolean => f.write_str("boolean"),
            ParamType::Int => f.write_str("int"),
            ParamType::Long => f.write_str("long"),
            ParamType::Double => f.write_str("double"),
            ParamType::Decimal => f.write_str("decimal"),
            ParamType::Date => f.write_str("date"),
            ParamType::Json => f.write_str("json"),
            ParamType::File => f.write_str("file"),
            ParamType::Array(inner) => write!(f, "array<{inner}>"),
            ParamType::Map(inner) => write!(f, "map<{inner}>"),
            ParamType::Enum(e) => f.write_str(e.name),
            ParamType::Struct(s) => f.write_str(s.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SITE: EnumDoc = EnumDoc {
        name: "WebSite",
        values: &["1688", "alibaba"],
    };

    #[test]
    fn types_print_in_spec_notation() {
        assert_eq!(
            ParamType::Array(&ParamType::Long).to_string(),
            "array<long>"
        );
        static MAP: ParamType = ParamType::Map(&ParamType::Enum(&SITE));
        assert_eq!(MAP.to_string(), "map<WebSite>");
        assert!(ParamType::Enum(&SITE).is_text());
        assert!(!ParamType::Array(&ParamType::String).is_text());
    }
}
