//! APIs as data: the `ApiInfo` every request carries, the `ApiDoc` catalogue entry, and the
//! standalone catalogue file the mock gateway embeds (so it knows every API without depending
//! on the SDK crate).

use super::common::ident;
use crate::ir::{Api, Model};
use proc_macro2::TokenStream;
use quote::quote;

/// The `ApiInfo` literal of an API.
pub fn api_info(api: &Api) -> TokenStream {
    let (namespace, name, version, protocol, signed, idempotent) = (
        &api.namespace,
        &api.name,
        api.version,
        &api.protocol,
        api.signed,
        api.idempotent,
    );
    let token = ident(api.token);
    quote! {
        ::open1688_core::ApiInfo {
            namespace: #namespace,
            name: #name,
            version: #version,
            protocol: #protocol,
            signed: #signed,
            access_token: ::open1688_core::TokenMode::#token,
            idempotent: #idempotent,
        }
    }
}

/// The `ApiDoc` literal of an API, whose identity is `info`.
pub fn api_doc(api: &Api, module: &str, info: TokenStream) -> TokenStream {
    let summary = api.summary.clone().unwrap_or_default();
    let doc_url = api.doc_url.clone().unwrap_or_default();
    let method = format!("client.{module}().{}(..)", api.method);
    let params = api.params.iter().map(|f| {
        let (name, ty, required) = (&f.wire, &f.spec_ty, f.required);
        let doc = f.doc.clone().unwrap_or_default();
        quote! { ::open1688_core::ParamDoc { name: #name, ty: #ty, required: #required, doc: #doc } }
    });
    let example = match &api.example {
        Some(e) => quote!(::std::option::Option::Some(#e)),
        None => quote!(::std::option::Option::None),
    };
    quote! {
        ::open1688_core::ApiDoc {
            api: #info,
            summary: #summary,
            doc_url: #doc_url,
            method: #method,
            params: &[#(#params),*],
            example_response: #example,
        }
    }
}

/// The tokens of a standalone catalogue: every API of the model in one static slice.
pub fn catalogue_file(model: &Model) -> TokenStream {
    let entries = model.namespaces.values().flat_map(|ns| {
        ns.apis
            .values()
            .map(move |api| api_doc(api, ns.module.trim_start_matches("r#"), api_info(api)))
    });
    let count = model.api_count();
    let doc = format!(" Every API in `api-specs/` ({count}), as data.");
    quote! {
        #![doc = " The API catalogue, generated from `api-specs/` so it is embedded at build time."]
        #[doc = #doc]
        pub static APIS: &[::open1688_core::ApiDoc] = &[#(#entries),*];
    }
}
