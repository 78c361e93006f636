//! The spec format as loaded: a faithful mirror of one `api-specs/**.json` file.

use std::collections::BTreeMap;

/// One API description.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    /// Path of the file it came from, for diagnostics.
    pub file: String,
    /// e.g. `com.alibaba.product`.
    pub namespace: String,
    /// e.g. `alibaba.product.get`.
    pub name: String,
    /// API version, almost always 1.
    pub version: u32,
    /// `required`, `optional` or `none`.
    pub access_token: TokenMode,
    /// Whether calls are signed (default true).
    pub signed: bool,
    /// Whether calls are safe to repeat (default false).
    pub idempotent: bool,
    /// URL protocol segment (default `param2`).
    pub protocol: String,
    /// One-line summary.
    pub summary: Option<String>,
    /// Longer description.
    pub doc: Option<String>,
    /// Documentation link.
    pub doc_url: Option<String>,
    /// Request parameters.
    pub params: Vec<Field>,
    /// Top-level response fields.
    pub response: Vec<Field>,
    /// When `response` is a type rather than fields, the API answers a bare value (e.g.
    /// `system:currentTimeMillis` answers a number): that type, as a field named `response`.
    pub response_value: Option<Field>,
    /// Named types, sorted by name.
    pub types: BTreeMap<String, TypeDef>,
    /// An example response, as JSON.
    pub example_response: Option<serde_json::Value>,
    /// How the API pages, when it returns a list a page at a time.
    pub paging: Option<Paging>,
}

/// The spec's `paging`: which param numbers the pages and where the answer keeps the list.
#[derive(Clone, Debug, PartialEq)]
pub struct Paging {
    /// The page-number param, e.g. `page`.
    pub page: String,
    /// JSON pointer of the item list in the response, e.g. `/result`.
    pub items: String,
    /// JSON pointer of the total number of items, e.g. `/totalRecord`.
    pub total: Option<String>,
    /// The number of the first page (default 1).
    pub first: u32,
    /// JSON pointer of the `paging` object, for diagnostics.
    pub pointer: String,
}

/// The spec's `access_token` mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenMode {
    /// Must have a token.
    Required,
    /// Sent when there is one.
    Optional,
    /// Never sent.
    None,
}

/// A parameter or a field.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The wire name.
    pub name: String,
    /// The type expression, as written.
    pub ty: String,
    /// Whether it must be present.
    pub required: bool,
    /// Description.
    pub doc: Option<String>,
    /// Override of the generated identifier.
    pub rust_name: Option<String>,
    /// JSON pointer of the field object, for diagnostics.
    pub pointer: String,
}

/// A named type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    /// Description.
    pub doc: Option<String>,
    /// A structure or an enumeration.
    pub kind: TypeKind,
    /// JSON pointer of the definition.
    pub pointer: String,
}

/// What a named type is.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// An object with fields.
    Struct(Vec<Field>),
    /// A string enumeration.
    Enum(Vec<String>),
}

/// A shared-types file: `api-specs/_types.json` (every namespace) or
/// `api-specs/<namespace>/_types.json` (the APIs of one namespace).
#[derive(Clone, Debug, PartialEq)]
pub struct SharedFile {
    /// Path of the file, for diagnostics.
    pub file: String,
    /// The namespace it serves (its directory), or `None` for the global file.
    pub namespace: Option<String>,
    /// Named types, sorted by name.
    pub types: BTreeMap<String, TypeDef>,
}

/// The file name of a shared-types file.
pub const SHARED_FILE: &str = "_types.json";
