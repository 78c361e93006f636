//! One `mod.rs` per namespace: the API modules, re-exports, and the accessor.

use super::common::{doc_text, ident};
use super::syntax;
use crate::ir::Namespace;
use quote::quote;

/// The items of `<namespace>/mod.rs`.
pub fn namespace_file(ns: &Namespace) -> syn::Result<syn::File> {
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
    let mut methods = Vec::new();
    for api in ns.apis.values() {
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
        // The summary (often CJK text) is a doc attribute built directly, not a token.
        // A plain `#[inline]` fn returning core's generic future: the SDK crate compiles no
        // call's decoding; a program compiles the calls it makes (a third of the SDK's build).
        let mut call = super::template::call(m, &req, &resp);
        let docs = [summary.as_str(), "", id.as_str()].map(syntax::doc);
        call.attrs.splice(0..0, docs);
        methods.push(syn::ImplItem::Fn(call));
        if api.paging.is_some() {
            let name = ident(&format!("{}_stream", api.method.trim_start_matches("r#")));
            let doc = syntax::doc_literal(&format!(" Every item of [`Self::{}`], page after page from the first, each page with the same retries and timeouts ([`open1688_core::paging::stream`]).", api.method.trim_start_matches("r#")));
            methods.push(syn::parse2(quote! {
                #[doc = #doc]
                pub fn #name(&self, request: #req) -> impl ::open1688_core::paging::Stream<Item = ::open1688_core::Result<<#req as ::open1688_core::paging::Paged>::Item>> + Send + 'static {
                    ::open1688_core::paging::stream(self.client, request)
                }
            })?);
        }
    }
    let accessor_doc = format!(
        " The `{}` APIs, from [`crate::Client::{}`].",
        ns.wire,
        ns.module.trim_start_matches("r#")
    );
    let mut file: syn::File = syn::parse2(quote! {
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

        impl #accessor<'_> {}
    })?;
    if let Some(syn::Item::Impl(accessor)) = file.items.last_mut() {
        accessor.items = methods;
    }
    Ok(file)
}
