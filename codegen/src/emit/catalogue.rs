//! The catalogue: every API as data, generated once (crate `open1688-catalogue`, or inline in
//! a crate that has no catalogue crate, like the golden one) and read by the SDK (each
//! request's `ApiInfo`), the mock gateway, the CLI and the tests.
//!
//! Per namespace, a module with one `ApiInfo` const per API (`PRODUCT_GET`, which the typed
//! request uses as its `Request::API`), its `ApiDoc` static (`PRODUCT_GET_DOC`) and a static
//! per named type reachable from its parameters, so enum values and object fields are data.

use super::common::ident;
use crate::ir::{Api, FieldIr, Model, Namespace, Ty, TypeIrKind};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// Where the generated catalogue lives, as seen from the crate that uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CatalogueAt {
    /// Another crate, by its Rust name (e.g. `open1688_catalogue`).
    Crate(String),
    /// The module `catalogue` of the generated code itself.
    Inline,
}

impl CatalogueAt {
    /// The path of the catalogue's root module.
    pub fn path(&self) -> TokenStream {
        match self {
            CatalogueAt::Crate(name) => {
                let name = ident(name);
                quote!(::#name)
            }
            CatalogueAt::Inline => quote!(crate::generated::catalogue),
        }
    }
}

/// The name of an API's `ApiInfo` const: its method in upper case, e.g. `PRODUCT_GET`.
pub fn const_name(api: &Api) -> String {
    api.method.trim_start_matches("r#").to_uppercase()
}

/// The path of an API's `ApiInfo` const in the catalogue at `at`.
pub fn api_info_path(at: &CatalogueAt, ns: &Namespace, api: &Api) -> TokenStream {
    let (root, module, name) = (at.path(), ident(&ns.module), ident(&const_name(api)));
    quote!(#root::#module::#name)
}

/// The path of an API's `ApiDoc` static in the catalogue at `at`.
pub fn api_doc_path(at: &CatalogueAt, ns: &Namespace, api: &Api) -> TokenStream {
    let (root, module) = (at.path(), ident(&ns.module));
    let name = ident(&format!("{}_DOC", const_name(api)));
    quote!(#root::#module::#name)
}

/// One piece of the catalogue file. The pieces are printed separately (on every core) and
/// joined in this order: `Doc`, one `Module` per namespace, `Rest`.
#[derive(Clone, Copy, Debug)]
pub enum CataloguePart<'a> {
    /// The file's doc comment.
    Doc,
    /// A namespace's module.
    Module(&'a Namespace),
    /// The crate-wide type statics and `APIS`, every API in one slice.
    Rest,
}

/// The pieces of the catalogue, in file order.
pub fn catalogue_parts(model: &Model) -> Vec<CataloguePart<'_>> {
    let modules = model.namespaces.values().map(CataloguePart::Module);
    [CataloguePart::Doc]
        .into_iter()
        .chain(modules)
        .chain([CataloguePart::Rest])
        .collect()
}

/// The tokens of one piece of the catalogue: one module per namespace and `APIS`.
pub fn catalogue_part(model: &Model, part: CataloguePart) -> TokenStream {
    match part {
        CataloguePart::Doc => {
            quote! { #![doc = " The API catalogue, generated from the specs by `cargo xtask gen`."] }
        }
        CataloguePart::Module(ns) => namespace_module(model, ns, &mut BTreeMap::new()),
        CataloguePart::Rest => rest(model),
    }
}

/// Crate-wide types are emitted once, at the root, whichever namespace reaches them: walking
/// every namespace finds them (the modules themselves are printed by their own parts).
fn rest(model: &Model) -> TokenStream {
    let mut global = BTreeMap::new();
    for ns in model.namespaces.values() {
        namespace_module(model, ns, &mut global);
    }
    let global = global.into_values();
    let all = model.namespaces.values().flat_map(|ns| {
        let module = ident(&ns.module);
        ns.apis.values().map(move |api| {
            let doc = ident(&format!("{}_DOC", const_name(api)));
            quote!(&#module::#doc)
        })
    });
    let count = model.api_count();
    let doc = format!(" Every API in the specs ({count}), as data.");
    quote! {
        #(#global)*
        #[doc = #doc]
        pub static APIS: &[&::open1688_core::ApiDoc] = &[#(#all),*];
    }
}

/// Statics of named types, by static name (empty while one is being emitted: a type may
/// reach itself through its fields).
type Statics = BTreeMap<String, TokenStream>;

/// The API whose parameters are being described, and where its types are looked up.
struct Scope<'a> {
    model: &'a Model,
    ns: &'a Namespace,
    api: &'a Api,
}

fn namespace_module(model: &Model, ns: &Namespace, global: &mut Statics) -> TokenStream {
    let module = ident(&ns.module);
    let header = format!(" The `{}` APIs.", ns.wire);
    let mut types = BTreeMap::new();
    let apis: Vec<TokenStream> = ns
        .apis
        .values()
        .map(|api| api_items(&Scope { model, ns, api }, &mut types, global))
        .collect();
    let types = types.into_values();
    quote! {
        #[doc = #header]
        pub mod #module {
            #(#apis)*
            #(#types)*
        }
    }
}

fn api_items(scope: &Scope, types: &mut Statics, global: &mut Statics) -> TokenStream {
    let (ns, api) = (scope.ns, scope.api);
    let name = const_name(api);
    let (info_name, doc_name) = (ident(&name), ident(&format!("{name}_DOC")));
    let (namespace, wire_name, version, protocol, signed, idempotent) = (
        &api.namespace,
        &api.name,
        api.version,
        &api.protocol,
        api.signed,
        api.idempotent,
    );
    let token = ident(api.token);
    let summary = api.summary.clone().unwrap_or_default();
    let doc_url = api.doc_url.clone().unwrap_or_default();
    let method = format!(
        "client.{}().{}(..)",
        ns.module.trim_start_matches("r#"),
        api.method.trim_start_matches("r#")
    );
    let params = params(scope, &api.params, types, global);
    let example = match &api.example {
        Some(e) => quote!(::std::option::Option::Some(#e)),
        None => quote!(::std::option::Option::None),
    };
    let info_doc = format!(" `{}`: identity and wire behaviour.", api.id());
    let doc_doc = format!(" `{}` as data.", api.id());
    quote! {
        #[doc = #info_doc]
        pub const #info_name: ::open1688_core::ApiInfo<'static> = ::open1688_core::ApiInfo {
            namespace: #namespace,
            name: #wire_name,
            version: #version,
            protocol: #protocol,
            signed: #signed,
            access_token: ::open1688_core::TokenMode::#token,
            idempotent: #idempotent,
        };
        #[doc = #doc_doc]
        pub static #doc_name: ::open1688_core::ApiDoc = ::open1688_core::ApiDoc {
            api: #info_name,
            summary: #summary,
            doc_url: #doc_url,
            method: #method,
            params: #params,
            example_response: #example,
        };
    }
}

/// A `&[ParamDoc]` literal, adding the statics of the named types it reaches to `types`.
fn params(
    scope: &Scope,
    fields: &[FieldIr],
    types: &mut Statics,
    global: &mut Statics,
) -> TokenStream {
    let params = fields.iter().map(|f| {
        let (name, required) = (&f.wire, f.required);
        let doc = f.doc.clone().unwrap_or_default();
        let ty = param_type(scope, &f.ty, types, global);
        quote! {
            ::open1688_core::ParamDoc { name: #name, ty: &#ty, required: #required, doc: #doc }
        }
    });
    quote!(&[#(#params),*])
}

fn param_type(scope: &Scope, ty: &Ty, types: &mut Statics, global: &mut Statics) -> TokenStream {
    let variant = |v: &str| {
        let v = ident(v);
        quote!(::open1688_core::ParamType::#v)
    };
    match ty {
        Ty::String | Ty::Secret => variant("String"),
        Ty::Bool => variant("Boolean"),
        Ty::Int => variant("Int"),
        Ty::Long => variant("Long"),
        Ty::Double => variant("Double"),
        Ty::Decimal => variant("Decimal"),
        Ty::Date => variant("Date"),
        Ty::Json => variant("Json"),
        Ty::File => variant("File"),
        Ty::Array(inner) => {
            let inner = param_type(scope, inner, types, global);
            quote!(::open1688_core::ParamType::Array(&#inner))
        }
        Ty::Map(inner) => {
            let inner = param_type(scope, inner, types, global);
            quote!(::open1688_core::ParamType::Map(&#inner))
        }
        Ty::Struct(name) | Ty::Enum(name) => {
            let (ns, api) = (scope.ns, scope.api);
            // Lowering resolved every name; an unknown one would be sent as JSON.
            let Some(t) = scope.model.type_of(ns, api, name) else {
                return variant("Json");
            };
            // Shared types are named in mixed case, API-local ones after their API's const,
            // so they never collide (method names have no lower-case letters here).
            let (static_name, in_root) = if api.types.contains_key(name) {
                (format!("{}__{name}", const_name(api)), false)
            } else if ns.shared.contains_key(name) && api.shared.iter().any(|n| n == name) {
                (format!("Shared__{name}"), false)
            } else {
                (format!("Global__{name}"), true)
            };
            let static_ident = ident(&static_name);
            let path = if in_root {
                quote!(super::#static_ident)
            } else {
                quote!(#static_ident)
            };
            let known = if in_root { &*global } else { &*types };
            if !known.contains_key(&static_name) {
                // Reserve the name first: a type may reach itself through its fields.
                let reserve = if in_root { &mut *global } else { &mut *types };
                reserve.insert(static_name.clone(), TokenStream::new());
                let wire = &t.wire;
                let item = match &t.kind {
                    TypeIrKind::Enum(values) => {
                        let values = values.iter().map(|(_, v)| v);
                        quote! {
                            #[allow(non_upper_case_globals)]
                            static #static_ident: ::open1688_core::EnumDoc = ::open1688_core::EnumDoc {
                                name: #wire,
                                values: &[#(#values),*],
                            };
                        }
                    }
                    TypeIrKind::Struct(fields) => {
                        let fields = params(scope, fields, types, global);
                        quote! {
                            #[allow(non_upper_case_globals)]
                            static #static_ident: ::open1688_core::StructDoc = ::open1688_core::StructDoc {
                                name: #wire,
                                fields: #fields,
                            };
                        }
                    }
                };
                let done = if in_root { global } else { types };
                done.insert(static_name, item);
            }
            match t.kind {
                TypeIrKind::Enum(_) => quote!(::open1688_core::ParamType::Enum(&#path)),
                TypeIrKind::Struct(_) => quote!(::open1688_core::ParamType::Struct(&#path)),
            }
        }
    }
}
