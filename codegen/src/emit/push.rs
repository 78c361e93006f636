//! `generated/push.rs`: one payload structure per push topic with documented fields, their
//! named types, and the `Payload` enum that decodes a message's `data` by its topic.

use super::api::{named_type, serde_struct};
use super::common::{doc_attrs, doc_text, docs, ident, Text};
use super::syntax::{self, items};
use crate::ir::{Push, PushTopic};
use quote::quote;

/// The items of `generated/push.rs`.
pub fn push_file(push: &Push) -> syn::Result<syn::File> {
    let mut out: Vec<syn::Item> = push.topics.iter().filter_map(payload_struct).collect();
    for (name, t) in &push.types {
        out.extend(named_type(name, t, None)?);
    }
    let variants = push.topics.iter().map(|t| {
        let name = ident(&t.name);
        let doc = docs(topic_doc(t).iter().map(String::as_str));
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
    out.extend(items(quote! {
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
            // Inline, so the decoders of 70 topics are compiled in programs that receive pushes,
            // not in every build of the SDK.
            #[inline]
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
    })?);
    let header = [
        " Typed payloads of pushed messages: one structure per topic in `api-specs/_push/` whose",
        " fields a source documents, and [`Payload`], which decodes a message's `data` by its topic.",
    ];
    Ok(syntax::file(header.map(syntax::inner_doc).into(), out))
}

/// A topic's doc: its summary, spec and documentation link.
fn topic_doc(t: &PushTopic) -> [String; 2] {
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
    [head, tail]
}

fn payload_struct(t: &PushTopic) -> Option<syn::Item> {
    let fields = t.fields.as_ref()?;
    let doc = doc_attrs(topic_doc(t).iter().map(String::as_str));
    Some(serde_struct(
        doc,
        None,
        ident(&t.name),
        fields,
        Text::Compact,
    ))
}
