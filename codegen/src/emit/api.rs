//! One file per API: request, response, named types, example test. The API's data (identity,
//! parameters, example) is in the catalogue, which the request refers to.

use super::catalogue::{api_doc_path, api_info_path, CatalogueAt};
use super::common::{arg_ty, doc_text, docs, field_docs, field_ty, ident, rust_ty};
use crate::ir::{Api, FieldIr, Model, Namespace, Ty, TypeIr, TypeIrKind};
use proc_macro2::TokenStream;
use quote::quote;

/// The tokens of `<namespace>/<method>.rs`.
pub fn api_file(ns: &Namespace, api: &Api, catalogue: &CatalogueAt) -> TokenStream {
    let id = api.id();
    let summary = api
        .summary
        .as_deref()
        .map(doc_text)
        .unwrap_or_else(|| format!("Calls `{id}`."));
    let token_note = match api.token {
        "Required" => "Needs a user access token.",
        "Optional" => "Sends the user access token when the client has one.",
        _ => "Never sends an access token.",
    };
    let link = api
        .doc_url
        .as_deref()
        .map(|u| format!("[Documentation]({u})"))
        .unwrap_or_default();
    let identity = format!("API `{id}`. {token_note} {link}");
    let long = api.doc.as_deref().map(doc_text);
    let mut header = vec![format!(" `{id}`: {summary}")];
    if let Some(long) = &long {
        header.push(String::new());
        header.extend(long.lines().map(|l| format!(" {}", l.trim_end())));
    }
    header.push(String::new());
    header.push(format!(" {}", identity.trim_end()));
    let header = header
        .iter()
        .map(|l| if l.trim().is_empty() { "" } else { l.as_str() });

    let request = request(api, &summary, &identity, api_info_path(catalogue, ns, api));
    let response = response(api, &id);
    let types = api.types.iter().map(|(name, t)| named_type(name, t, None));
    let doc_path = api_doc_path(catalogue, ns, api);
    let response_name = ident(&api.response);
    let example_test = api.example.as_ref().map(|_| {
        let message = format!(
            "the example_response of {} does not decode into {}",
            api.source, api.response
        );
        quote! {
            #[cfg(test)]
            mod tests {
                #[test]
                fn example_response_decodes() {
                    let example = #doc_path.example_response.unwrap_or_default();
                    if let Err(e) = ::open1688_core::de::from_str::<super::#response_name>(example) {
                        panic!("{}: {e}", #message);
                    }
                }
            }
        }
    });
    let shared = (!api.shared.is_empty()).then(|| {
        let names = api.shared.iter().map(|n| ident(n));
        quote! { pub use super::types::{#(#names),*}; }
    });
    let global = (!api.global.is_empty()).then(|| {
        let names = api.global.iter().map(|n| ident(n));
        quote! { pub use super::super::types::{#(#names),*}; }
    });
    let paged = super::paging::paged_impl(api);
    quote! {
        #(#![doc = #header])*
        #global
        #shared
        #request
        #paged
        #response
        #(#types)*
        #example_test
    }
}

/// The tokens of `<namespace>/types.rs`: the namespace's shared types, defined once and
/// re-exported by each API's module.
pub fn shared_types_file(ns: &Namespace) -> TokenStream {
    let header = format!(
        " Types that several `{}` APIs share (`{}/_types.json`), defined once and re-exported by each API's module; and the crate-wide types they use.",
        ns.wire, ns.wire
    );
    let imports = (!ns.imports.is_empty()).then(|| {
        let names = ns.imports.iter().map(|n| ident(n));
        quote! { pub use super::super::types::{#(#names),*}; }
    });
    let types = ns.shared.iter().map(|(name, t)| named_type(name, t, None));
    quote! {
        #![doc = #header]
        #imports
        #(#types)*
    }
}

/// The tokens of the crate's `types.rs`: types shared across namespaces (`_types.json`), each
/// compiled when a namespace that uses it is.
pub fn global_types_file(model: &Model) -> TokenStream {
    let types = model.shared.iter().map(|(name, t)| {
        let features = model.shared_features.get(name).into_iter().flatten();
        named_type(name, t, Some(quote!(#[cfg(any(#(feature = #features),*))])))
    });
    quote! {
        #![doc = " Types that APIs of several namespaces share (`_types.json`), defined once and re-exported by each API's module. Each is compiled when a namespace feature that uses it is on."]
        #(#types)*
    }
}

fn request(api: &Api, summary: &str, identity: &str, info: TokenStream) -> TokenStream {
    let name = ident(&api.request);
    let response = ident(&api.response);
    let doc = docs([summary, identity]);
    let fields = api.params.iter().map(|f| {
        let ident = ident(&f.ident);
        let ty = field_ty(f, false);
        let doc = field_docs(f);
        quote! { #doc pub #ident: #ty, }
    });
    let (new_fn, setters) = constructor(&api.params, false, "Creates the request from its required parameters; set optional ones with the methods below.");
    let puts = api.params.iter().map(|f| {
        let wire = &f.wire;
        let field = ident(&f.ident);
        match (&f.ty, f.required) {
            (Ty::File, true) => {
                quote! { params.put_file(#wire, ::std::option::Option::Some(&self.#field)); }
            }
            (Ty::File, false) => quote! { params.put_file(#wire, self.#field.as_ref()); },
            (ty, _) if ty.is_text() => quote! { params.put(#wire, &self.#field); },
            _ => quote! { params.put_json(#wire, &self.#field); },
        }
    });
    let default = derive_default(&api.params);
    let params_arg = if api.params.is_empty() {
        quote!(_params)
    } else {
        quote!(params)
    };
    quote! {
        #doc
        #[derive(Clone, Debug, #default PartialEq)]
        #[non_exhaustive]
        pub struct #name { #(#fields)* }

        impl #name {
            #new_fn
            #(#setters)*
        }

        impl ::open1688_core::Request for #name {
            type Response = #response;
            const API: ::open1688_core::ApiInfo<'static> = #info;
            fn write_params(&self, #params_arg: &mut ::open1688_core::Params) {
                #(#puts)*
            }
        }
    }
}

/// `Default` for the derive list of a struct whose `new()` takes no arguments: every field is
/// optional (an `Option`, or an empty list or map), and clippy's `new_without_default` wants it.
fn derive_default(fields: &[FieldIr]) -> Option<TokenStream> {
    fields.iter().all(|f| !f.required).then(|| quote!(Default,))
}

/// `new(required..)` and one setter per optional field.
fn constructor(
    fields: &[FieldIr],
    lists_default: bool,
    doc: &str,
) -> (TokenStream, Vec<TokenStream>) {
    let required: Vec<&FieldIr> = fields.iter().filter(|f| f.required).collect();
    let args = required.iter().map(|f| {
        let name = ident(&f.ident);
        let (ty, _) = arg_ty(f);
        let ty = if f.boxed {
            quote!(::std::boxed::Box<#ty>)
        } else {
            ty
        };
        quote! { #name: #ty }
    });
    let inits = fields.iter().map(|f| {
        let name = ident(&f.ident);
        match (f.required, arg_ty(f).1) {
            (true, true) => quote! { #name: #name.into() },
            (true, false) => quote! { #name },
            (false, _) => quote! { #name: ::std::default::Default::default() },
        }
    });
    let doc = format!(" {doc}");
    let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let new_fn = quote! {
        #[doc = #doc]
        #allow
        pub fn new(#(#args),*) -> Self {
            Self { #(#inits),* }
        }
    };
    let setters = fields
        .iter()
        .filter(|f| !f.required)
        .map(|f| {
            let name = ident(&f.ident);
            let (ty, into) = arg_ty(f);
            let doc = field_docs(f);
            let value = if into {
                quote!(value.into())
            } else {
                quote!(value)
            };
            let value = if f.boxed {
                quote!(::std::boxed::Box::new(#value))
            } else {
                value
            };
            let stored = if lists_default && matches!(f.ty, Ty::Array(_) | Ty::Map(_)) {
                value
            } else {
                quote!(::std::option::Option::Some(#value))
            };
            quote! {
                #doc
                pub fn #name(mut self, value: #ty) -> Self {
                    self.#name = #stored;
                    self
                }
            }
        })
        .collect();
    (new_fn, setters)
}

/// A field of a decoded (and possibly re-encoded) structure.
pub(super) fn serde_field(f: &FieldIr) -> TokenStream {
    let name = ident(&f.ident);
    let ty = field_ty(f, true);
    let doc = field_docs(f);
    let mut attrs = Vec::new();
    let bare = f.ident.trim_start_matches("r#");
    if bare != f.wire {
        let wire = &f.wire;
        attrs.push(quote!(rename = #wire));
    }
    // Loose decoding (core's `de::Loose`) handles strings-for-numbers and nulls for every
    // field; only exact decimals need their own decoder, which JSON numbers would skip.
    let decimal = has_decimal(&f.ty);
    let list = matches!(f.ty, Ty::Array(_) | Ty::Map(_));
    if !f.required && (list || decimal) {
        attrs.push(quote!(default));
    }
    if !f.required {
        let skip = match f.ty {
            Ty::Array(_) => "::std::vec::Vec::is_empty",
            Ty::Map(_) => "::std::collections::BTreeMap::is_empty",
            _ => "::std::option::Option::is_none",
        };
        attrs.push(quote!(skip_serializing_if = #skip));
    }
    if decimal {
        attrs.push(quote!(deserialize_with = "::open1688_core::de::lenient"));
    }
    let attrs = (!attrs.is_empty()).then(|| quote!(#[serde(#(#attrs),*)]));
    quote! {
        #doc
        #attrs
        pub #name: #ty,
    }
}

fn has_decimal(ty: &Ty) -> bool {
    match ty {
        Ty::Decimal => true,
        Ty::Array(inner) | Ty::Map(inner) => has_decimal(inner),
        _ => false,
    }
}

/// Answers that core models itself, because its OAuth helper (and the token refresh built on it)
/// decodes them too: the generated API returns core's type, so each answer has one type.
const CORE_RESPONSES: &[(&str, &str, &str)] = &[
    ("system.oauth2", "getToken", "TokenResponse"),
    ("system.oauth2", "postponeToken", "TokenResponse"),
];

fn response(api: &Api, id: &str) -> TokenStream {
    let name = ident(&api.response);
    let doc = format!(" The response of `{id}`.");
    let core = CORE_RESPONSES
        .iter()
        .find(|(ns, n, _)| *ns == api.namespace && *n == api.name);
    if let Some((_, _, core)) = core {
        let (core, doc) = (
            ident(core),
            format!("{doc} Core's type, which `OAuth` returns too."),
        );
        return quote! {
            #[doc = #doc]
            pub type #name = ::open1688_core::#core;
        };
    }
    if let Some(value) = &api.response_value {
        let ty = rust_ty(value);
        return quote! {
            #[doc = #doc]
            pub type #name = #ty;
        };
    }
    let fields = api.response_fields.iter().map(serde_field);
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name { #(#fields)* }
    }
}

/// A named type's items, each under `cfg` when given.
pub(super) fn named_type(name: &str, t: &TypeIr, cfg: Option<TokenStream>) -> TokenStream {
    let rust = ident(name);
    let doc = docs(
        t.doc
            .as_deref()
            .map(doc_text)
            .as_deref()
            .into_iter()
            .chain([format!("Wire type `{}`.", t.wire).as_str()]),
    );
    match &t.kind {
        TypeIrKind::Enum(variants) => {
            let variants = variants.iter().map(|(v, value)| {
                let v = ident(v);
                let doc = format!(" `{value}`");
                quote! { #[doc = #doc] #v = #value }
            });
            // Printed as an item, so that prettyplease lays it out one variant per line (it
            // prints a macro's body as a run of tokens), then wrapped in `string_enum!`.
            let marker = ident(crate::format::STRING_ENUM_MARKER);
            quote! {
                #cfg
                #[#marker]
                #doc
                pub enum #rust { #(#variants),* }
            }
        }
        TypeIrKind::Struct(fields) => {
            let serde_fields = fields.iter().map(serde_field);
            // Response-only types are decoded, never built: no constructor to compile.
            let (default, build) = if t.in_params {
                let (new_fn, setters) = constructor(fields, true, "Creates the value from its required fields; set optional ones with the methods below.");
                (
                    derive_default(fields),
                    quote! { #cfg impl #rust { #new_fn #(#setters)* } },
                )
            } else {
                (None, TokenStream::new())
            };
            quote! {
                #cfg
                #doc
                #[derive(Clone, Debug, #default PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[non_exhaustive]
                pub struct #rust { #(#serde_fields)* }

                #build
            }
        }
    }
}
