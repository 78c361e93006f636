//! `generated/push.rs`: one payload structure per push topic with documented fields, their
//! named types, and the `Payload` enum that decodes a message's `data` by its topic.

use super::api::{named_type, serde_field};
use super::common::{doc_text, docs, ident};
use crate::ir::{Push, PushTopic};
use proc_macro2::TokenStream;
use quote::quote;

/// The tokens of `generated/push.rs`.
pub fn push_file(push: &Push) -> TokenStream {
    let structs = push.topics.iter().filter_map(payload_struct);
    let types = push.types.iter().map(|(name, t)| named_type(name, t, None));
    let variants = push.topics.iter().map(|t| {
        let name = ident(&t.name);
        let doc = topic_doc(t);
        let payload = match t.fields {
            Some(_) => quote!(#name),
            None => quote!(::serde_json::Value),
        };
        quote! { #doc #name(#payload), }
    });
    let arms = push.topics.iter().map(|t| {
        let (name, topic) = (ident(&t.name), &t.topic);
        match t.fields {
            Some(_) => {
                quote! { #topic => ::open1688_core::push::decode_data(data).map(Payload::#name), }
            }
            None => quote! { #topic => ::std::option::Option::Some(Payload::#name(data.clone())), },
        }
    });
    let topic_arms = push.topics.iter().map(|t| {
        let (name, topic) = (ident(&t.name), &t.topic);
        quote! { Payload::#name(_) => ::std::option::Option::Some(#topic), }
    });
    let topics = push.topics.iter().map(|t| &t.topic);
    quote! {
        #![doc = " Typed payloads of pushed messages: one structure per topic in `api-specs/_push/` whose"]
        #![doc = " fields a source documents, and [`Payload`], which decodes a message's `data` by its topic."]
        #(#structs)*
        #(#types)*

        /// A pushed message's `data`, typed by its topic.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum Payload {
            #(#variants)*
            /// A topic without a spec, or a `data` that does not decode as its topic's payload:
            /// the raw JSON, so a new or changed topic never turns into an error.
            Other(::serde_json::Value),
        }

        impl Payload {
            /// Every topic with a spec.
            pub const TOPICS: &'static [&'static str] = &[#(#topics),*];

            /// Decodes `data` as the payload of `topic`; never fails (see [`Payload::Other`]).
            pub fn decode(topic: &str, data: &::serde_json::Value) -> Payload {
                let typed = match topic {
                    #(#arms)*
                    _ => ::std::option::Option::None,
                };
                typed.unwrap_or_else(|| Payload::Other(data.clone()))
            }

            /// The topic this payload was decoded as; `None` for [`Payload::Other`].
            pub fn topic(&self) -> ::std::option::Option<&'static str> {
                match self {
                    #(#topic_arms)*
                    Payload::Other(_) => ::std::option::Option::None,
                }
            }
        }
    }
}

fn topic_doc(t: &PushTopic) -> TokenStream {
    let summary = t.summary.as_deref().map(doc_text).unwrap_or_default();
    let link = t
        .doc_url
        .as_deref()
        .map(|u| format!(" [Documentation]({u})"))
        .unwrap_or_default();
    let what = match t.fields {
        Some(_) => String::new(),
        None => " No source documents its fields: the payload is the raw JSON.".into(),
    };
    let head = format!("`{}` ({}): {summary}", t.topic, t.group);
    let tail = format!("Spec `{}`.{what}{link}", t.source);
    docs([head.as_str(), tail.as_str()])
}

fn payload_struct(t: &PushTopic) -> Option<TokenStream> {
    let fields = t.fields.as_ref()?.iter().map(serde_field);
    let name = ident(&t.name);
    let doc = topic_doc(t);
    Some(quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name { #(#fields)* }
    })
}
