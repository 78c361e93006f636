//! The root module (namespaces behind features, client accessors) and the
//! `[features]` table of the SDK's Cargo.toml.

use super::common::ident;
use crate::ir::Model;
use proc_macro2::TokenStream;
use quote::quote;

/// The tokens of `generated/mod.rs`.
pub fn root_file(model: &Model, inline_catalogue: bool) -> TokenStream {
    let namespaces: Vec<_> = model.namespaces.values().collect();
    let mods = namespaces.iter().map(|ns| {
        let (m, feature) = (ident(&ns.module), ns.module.trim_start_matches("r#"));
        let doc = format!(" `{}` (feature `{feature}`).", ns.wire);
        quote! { #[doc = #doc] #[cfg(feature = #feature)] pub mod #m; }
    });
    let accessors = namespaces.iter().map(|ns| {
        let (m, feature, accessor) = (
            ident(&ns.module),
            ns.module.trim_start_matches("r#"),
            ident(&ns.accessor),
        );
        let doc = format!(" The `{}` APIs ({} in all).", ns.wire, ns.apis.len());
        quote! {
            #[doc = #doc]
            #[cfg(feature = #feature)]
            pub fn #m(&self) -> #m::#accessor<'_> {
                #m::#accessor { client: self }
            }
        }
    });
    let catalogue = inline_catalogue.then(|| {
        quote! {
            /// Every API as data.
            pub mod catalogue;
        }
    });
    let types = (!model.shared.is_empty()).then(|| {
        quote! {
            /// Types that APIs of several namespaces share, re-exported by each API's module.
            pub mod types;
        }
    });
    let push = (!model.push.topics.is_empty()).then(|| {
        quote! {
            /// The typed payloads of pushed messages, one per topic in `api-specs/_push/`
            /// (feature `push`).
            #[cfg(feature = "push")]
            pub mod push;
        }
    });
    quote! {
        #![doc = " Every API in `api-specs/`, one module per namespace."]
        #types
        #push
        #(#mods)*
        #catalogue

        impl crate::Client {
            #(#accessors)*
        }
    }
}

/// The `[features]` entries: one per namespace, and `push` for the typed push payloads when
/// there are push topics, all on by default. (The payloads are a fifth of a one-namespace
/// build: a service that only calls APIs leaves them out.)
pub fn features_region(model: &Model) -> String {
    let mut names: Vec<&str> = model
        .namespaces
        .keys()
        .map(|m| m.trim_start_matches("r#"))
        .collect();
    if !model.push.topics.is_empty() {
        names.push("push");
    }
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let mut out = format!("default = [{}]\n", quoted.join(", "));
    for n in names {
        out.push_str(&format!("{n} = []\n"));
    }
    out
}

/// The Markdown table of every API, for the README.
pub fn api_table(model: &Model) -> String {
    let mut out = String::from("| API | method | user token | docs |\n|---|---|---|---|\n");
    for ns in model.namespaces.values() {
        let module = ns.module.trim_start_matches("r#");
        for api in ns.apis.values() {
            let summary = api
                .summary
                .as_deref()
                .map(|s| format!(" — {}", s.replace('|', "\\|")))
                .unwrap_or_default();
            let token = match api.token {
                "Required" => "required",
                "Optional" => "optional",
                _ => "none",
            };
            let docs = api
                .doc_url
                .as_deref()
                .map(|u| format!("[docs]({u})"))
                .unwrap_or_default();
            out.push_str(&format!(
                "| `{}`{summary} | `{module}().{}` | {token} | {docs} |\n",
                api.id(),
                api.method.trim_start_matches("r#")
            ));
        }
    }
    out
}
