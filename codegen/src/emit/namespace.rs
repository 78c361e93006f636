//! One `mod.rs` per namespace: the API modules, re-exports, and the accessor.

use super::common::{doc_text, ident};
use crate::ir::Namespace;
use proc_macro2::TokenStream;
use quote::quote;

/// The tokens of `<namespace>/mod.rs`.
pub fn namespace_file(ns: &Namespace) -> TokenStream {
    let header = format!(
        " `{}`: {} API{}. Cargo feature `{}`.",
        ns.wire,
        ns.apis.len(),
        if ns.apis.len() == 1 { "" } else { "s" },
        ns.module.trim_start_matches("r#")
    );
    let accessor = ident(&ns.accessor);
    let mods = ns.apis.keys().map(|m| ident(m));
    let types_mod =
        (!ns.shared.is_empty() || !ns.imports.is_empty()).then(|| quote! { pub mod types; });
    let reexports = ns.apis.values().map(|api| {
        let (m, req, resp) = (
            ident(&api.method),
            ident(&api.request),
            ident(&api.response),
        );
        quote! { pub use #m::{#req, #resp}; }
    });
    let methods = ns.apis.values().map(|api| {
        let (m, req, resp) = (
            ident(&api.method),
            ident(&api.request),
            ident(&api.response),
        );
        let summary = api
            .summary
            .as_deref()
            .map(doc_text)
            .unwrap_or_else(|| format!("Calls `{}`.", api.id()));
        let id = format!(
            " API `{}`{}",
            api.id(),
            api.doc_url
                .as_deref()
                .map(|u| format!(" ([documentation]({u}))"))
                .unwrap_or_default()
        );
        let summary = format!(" {summary}");
        let stream = api.paging.as_ref().map(|_| {
            let name = ident(&format!("{}_stream", api.method.trim_start_matches("r#")));
            let doc = format!(" Every item of [`Self::{}`], page after page from the first, each page with the same retries and timeouts ([`open1688_core::paging::stream`]).", api.method.trim_start_matches("r#"));
            quote! {
                #[doc = #doc]
                pub fn #name(&self, request: #req) -> impl ::open1688_core::paging::Stream<Item = ::open1688_core::Result<<#req as ::open1688_core::paging::Paged>::Item>> + Send + 'static {
                    ::open1688_core::paging::stream(self.client, request)
                }
            }
        });
        quote! {
            #[doc = #summary]
            #[doc = ""]
            #[doc = #id]
            pub async fn #m(&self, request: #req) -> ::open1688_core::Result<#resp> {
                self.client.call(&request).await
            }
            #stream
        }
    });
    let accessor_doc = format!(
        " The `{}` APIs, from [`crate::Client::{}`].",
        ns.wire,
        ns.module.trim_start_matches("r#")
    );
    quote! {
        #![doc = #header]
        #(pub mod #mods;)*
        #types_mod
        #(#reexports)*

        #[doc = #accessor_doc]
        #[derive(Clone, Copy, Debug)]
        pub struct #accessor<'a> {
            // Built by the accessor method on the client; no constructor, so that an API may
            // map to any method name, `new` included.
            pub(crate) client: &'a crate::Client,
        }

        impl #accessor<'_> {
            #(#methods)*
        }
    }
}
