//! Small pieces shared by the emitters: identifiers, types, docs.

use crate::ir::{FieldIr, Ty};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// An identifier from a lowered name, raw when it carries `r#`.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = "..."]` lines for a text, one per line.
pub fn docs<'a>(parts: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(part.lines().map(|l| format!(" {}", l.trim_end())));
    }
    let lines = lines
        .iter()
        .map(|l| if l.trim().is_empty() { "" } else { l.as_str() });
    quote! { #(#[doc = #lines])* }
}

/// Escapes text for a doc comment: brackets would be read as intra-doc links, and bare URLs
/// are wrapped in `<...>` so rustdoc renders them as links.
pub fn doc_text(s: &str) -> String {
    let escaped = s
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let mut out = String::with_capacity(escaped.len() + 8);
    let mut rest = escaped.as_str();
    while let Some(start) = ["http://", "https://"]
        .iter()
        .filter_map(|p| rest.find(p))
        .min()
    {
        let (before, tail) = rest.split_at(start);
        let end = tail
            .find(|c: char| {
                c.is_whitespace()
                    || !c.is_ascii()
                    || matches!(c, ')' | '"' | '\'' | '`' | '\\' | '&')
            })
            .unwrap_or(tail.len());
        let url = tail[..end].trim_end_matches(['.', ',', ';', ':']);
        out.push_str(before);
        out.push('<');
        out.push_str(url);
        out.push('>');
        rest = &tail[url.len()..];
    }
    out.push_str(rest);
    out
}

/// The Rust type of a resolved type; std paths fully qualified so a spec type named
/// `Option` or `String` cannot shadow them.
pub fn rust_ty(ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(::std::string::String),
        Ty::Secret => quote!(::open1688_core::Secret),
        Ty::Bool => quote!(bool),
        Ty::Int => quote!(i32),
        Ty::Long => quote!(i64),
        Ty::Double => quote!(f64),
        Ty::Decimal => quote!(::open1688_core::Decimal),
        Ty::Date => quote!(::open1688_core::Date),
        Ty::Json => quote!(::serde_json::Value),
        Ty::File => quote!(::open1688_core::FileParam),
        Ty::Array(inner) => {
            let inner = rust_ty(inner);
            quote!(::std::vec::Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = rust_ty(inner);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        Ty::Struct(name) | Ty::Enum(name) => {
            let name = ident(name);
            quote!(#name)
        }
    }
}

/// The stored type of a field. `lists_default` makes optional lists and maps plain
/// (empty when absent) instead of `Option`, as responses and named types want.
pub fn field_ty(f: &FieldIr, lists_default: bool) -> TokenStream {
    let mut ty = rust_ty(&f.ty);
    if f.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    if f.required || (lists_default && matches!(f.ty, Ty::Array(_) | Ty::Map(_))) {
        ty
    } else {
        quote!(::std::option::Option<#ty>)
    }
}

/// A setter or constructor argument: strings take `impl Into<String>`.
pub fn arg_ty(f: &FieldIr) -> (TokenStream, bool) {
    match (&f.ty, f.boxed) {
        (Ty::String, _) => (
            quote!(impl ::std::convert::Into<::std::string::String>),
            true,
        ),
        (Ty::Secret, _) => (
            quote!(impl ::std::convert::Into<::open1688_core::Secret>),
            true,
        ),
        _ => (rust_ty(&f.ty), false),
    }
}

/// The doc of a field: its description and wire name.
pub fn field_docs(f: &FieldIr) -> TokenStream {
    let wire = format!(
        "Wire name `{}`, type `{}`{}.",
        f.wire,
        f.spec_ty,
        if f.required { ", required" } else { "" }
    );
    let doc = f.doc.as_deref().map(doc_text);
    docs(doc.as_deref().into_iter().chain([wire.as_str()]))
}
