//! The lowered model: every name decided, ready to print.

use std::collections::BTreeMap;

/// All APIs, by namespace module.
#[derive(Debug, Default)]
pub struct Model {
    /// Namespaces keyed by module name (sorted, so output order never depends on input order).
    pub namespaces: BTreeMap<String, Namespace>,
    /// Types shared across namespaces (`api-specs/_types.json`) that some API uses, keyed by
    /// Rust name: emitted once, in the crate's `types` module.
    pub shared: BTreeMap<String, TypeIr>,
    /// The features (namespace modules) whose APIs use each of [`Model::shared`].
    pub shared_features: BTreeMap<String, Vec<String>>,
    /// Things worth knowing that are not errors (a local type shadowing a shared one, a shared
    /// type no API uses), for `cargo xtask gen` to print.
    pub notes: Vec<crate::Diagnostic>,
    /// The push topics of `api-specs/_push/`.
    pub push: Push,
}

/// The typed push messages: one payload structure per topic with documented fields.
#[derive(Debug, Default)]
pub struct Push {
    /// Topics, sorted by name.
    pub topics: Vec<PushTopic>,
    /// Named types of the payloads, keyed by Rust name.
    pub types: BTreeMap<String, TypeIr>,
}

/// One push topic.
#[derive(Debug)]
pub struct PushTopic {
    /// Spec file path, for docs.
    pub source: String,
    /// e.g. `ORDER_BUYER_VIEW_ORDER_PAY`.
    pub topic: String,
    /// e.g. `ORDER (订单消息)`.
    pub group: String,
    /// Summary line.
    pub summary: Option<String>,
    /// Longer doc.
    pub doc: Option<String>,
    /// Doc link.
    pub doc_url: Option<String>,
    /// The payload structure and enum variant, e.g. `OrderBuyerViewOrderPay`.
    pub name: String,
    /// The payload's fields; `None` when no source documents them (the payload stays JSON).
    pub fields: Option<Vec<FieldIr>>,
}

impl Model {
    /// Number of APIs.
    pub fn api_count(&self) -> usize {
        self.namespaces.values().map(|n| n.apis.len()).sum()
    }

    /// The definition of a named type (`Ty::Struct`/`Ty::Enum` name) as `api` of `ns` sees
    /// it: its own, else its namespace's shared one, else the crate-wide one.
    pub fn type_of<'a>(
        &'a self,
        ns: &'a Namespace,
        api: &'a Api,
        rust: &str,
    ) -> Option<&'a TypeIr> {
        api.types
            .get(rust)
            .or_else(|| {
                ns.shared
                    .get(rust)
                    .filter(|_| api.shared.iter().any(|n| n == rust))
            })
            .or_else(|| {
                self.shared
                    .get(rust)
                    .filter(|_| api.global.iter().any(|n| n == rust))
            })
    }
}

/// One namespace: a module, a cargo feature and a client accessor.
#[derive(Debug)]
pub struct Namespace {
    /// The wire namespace, e.g. `com.alibaba.product`.
    pub wire: String,
    /// Module, feature and accessor name, e.g. `product`.
    pub module: String,
    /// The accessor struct, e.g. `ProductApi`.
    pub accessor: String,
    /// APIs keyed by method name.
    pub apis: BTreeMap<String, Api>,
    /// The namespace's shared types (`<namespace>/_types.json`) that some API uses, keyed by
    /// Rust name: emitted once, in the namespace's `types` module, and re-exported by each API
    /// module that uses them.
    pub shared: BTreeMap<String, TypeIr>,
    /// Types of [`Model::shared`] the namespace's APIs use, re-exported from its `types`
    /// module.
    pub imports: Vec<String>,
}

/// One API.
#[derive(Debug)]
pub struct Api {
    /// Spec file path under the workspace, for the header.
    pub source: String,
    /// Wire namespace.
    pub namespace: String,
    /// Wire name.
    pub name: String,
    /// Version.
    pub version: u32,
    /// `param2` / `http`.
    pub protocol: String,
    /// Signed.
    pub signed: bool,
    /// `Required` / `Optional` / `None`.
    pub token: &'static str,
    /// Idempotent.
    pub idempotent: bool,
    /// Summary line.
    pub summary: Option<String>,
    /// Longer doc.
    pub doc: Option<String>,
    /// Doc link.
    pub doc_url: Option<String>,
    /// Method and module name, e.g. `product_get`.
    pub method: String,
    /// Request type, e.g. `ProductGetRequest`.
    pub request: String,
    /// Response type, e.g. `ProductGetResponse`.
    pub response: String,
    /// Parameters, in spec order.
    pub params: Vec<FieldIr>,
    /// Response fields, in spec order.
    pub response_fields: Vec<FieldIr>,
    /// The type of a bare-value response (`"response": "long"`), instead of fields.
    pub response_value: Option<Ty>,
    /// Named types keyed by Rust name.
    pub types: BTreeMap<String, TypeIr>,
    /// The namespace's shared types (see [`Namespace::shared`]) this API uses, re-exported
    /// from its module.
    pub shared: Vec<String>,
    /// Types shared across namespaces (see [`Model::shared`]) this API uses, re-exported from
    /// its module.
    pub global: Vec<String>,
    /// Example response as compact JSON.
    pub example: Option<String>,
    /// How the API pages, when it does: it then gets a `*_stream` companion.
    pub paging: Option<PagingIr>,
}

impl Api {
    /// `namespace:name-version`.
    pub fn id(&self) -> String {
        format!("{}:{}-{}", self.namespace, self.name, self.version)
    }
}

/// A parameter or field with its Rust name and resolved type.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldIr {
    /// Wire name.
    pub wire: String,
    /// Rust identifier (maybe `r#`-prefixed).
    pub ident: String,
    /// Resolved type.
    pub ty: Ty,
    /// The spec's type text, for docs and the catalogue.
    pub spec_ty: String,
    /// Required.
    pub required: bool,
    /// Description.
    pub doc: Option<String>,
    /// Boxed to break a cycle of directly nested types.
    pub boxed: bool,
}

/// A resolved type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// `String`
    String,
    /// `Secret`: a string that is a credential (`access_token`, `client_secret`, ...).
    Secret,
    /// `bool`
    Bool,
    /// `i32`
    Int,
    /// `i64`
    Long,
    /// `f64`
    Double,
    /// `Decimal`
    Decimal,
    /// `Date`
    Date,
    /// `serde_json::Value`
    Json,
    /// `FileParam`
    File,
    /// `Vec<T>`
    Array(Box<Ty>),
    /// `BTreeMap<String, T>`
    Map(Box<Ty>),
    /// A generated struct.
    Struct(String),
    /// A generated enum.
    Enum(String),
}

impl Ty {
    /// Whether the wire form is plain text (otherwise compact JSON, or a file).
    pub fn is_text(&self) -> bool {
        !matches!(
            self,
            Ty::Json | Ty::File | Ty::Array(_) | Ty::Map(_) | Ty::Struct(_)
        )
    }
}

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeIr {
    /// Wire name from the spec.
    pub wire: String,
    /// Description.
    pub doc: Option<String>,
    /// Fields or values.
    pub kind: TypeIrKind,
    /// Reachable from the params: callers build it, so it gets a constructor and setters.
    pub in_params: bool,
}

/// Struct or enum.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeIrKind {
    /// Fields.
    Struct(Vec<FieldIr>),
    /// `(variant, value)` pairs.
    Enum(Vec<(String, String)>),
}

/// A paged API's spec `paging`, resolved to Rust fields.
#[derive(Debug, Clone, PartialEq)]
pub struct PagingIr {
    /// The page-number param.
    pub page: FieldIr,
    /// The number of the first page.
    pub first: u32,
    /// The fields from the response to the item list.
    pub items: Vec<Step>,
    /// The type of one item.
    pub item: Ty,
    /// Whether the structure that holds the list is one callers build, so its text (and the
    /// item's, when it is text) is `String` rather than `CompactString`.
    pub item_owned_text: bool,
    /// The fields from the response to the total, and whether the total is an `i32`.
    pub total: Option<(Vec<Step>, bool)>,
}

/// One field on the way from a response to a value inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The Rust field name.
    pub ident: String,
    /// Whether the field is an `Option`.
    pub optional: bool,
}
