//! Small pieces shared by the emitters: identifiers, types, docs.

use super::syntax;
use crate::ir::{FieldIr, Ty};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, ToTokens};
use syn::{Attribute, Type};

/// An identifier from a lowered name, raw when it carries `r#`.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The lines of a doc comment made of paragraphs, each with its leading space; blank lines
/// empty.
pub fn doc_lines<'a>(parts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(part.lines().map(|l| format!(" {}", l.trim_end())));
    }
    for line in &mut lines {
        if line.trim().is_empty() {
            line.clear();
        }
    }
    lines
}

/// `#[doc = "..."]` lines for a text, one per line.
pub fn docs<'a>(parts: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let lines = doc_lines(parts)
        .into_iter()
        .map(|l| syntax::doc_literal(&l));
    quote! { #(#[doc = #lines])* }
}

/// The doc attributes of a text, one per line.
pub fn doc_attrs<'a>(parts: impl IntoIterator<Item = &'a str>) -> Vec<Attribute> {
    doc_lines(parts).iter().map(|l| syntax::doc(l)).collect()
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

/// How a structure holds text. Types that callers build (requests, parameter structures) hold
/// `String`; types the SDK only decodes (answers, pushes) hold core's `CompactString`, which
/// keeps text up to 24 bytes inline: most of an answer's text, decoded without allocating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text {
    /// `String`.
    Owned,
    /// `::open1688_core::CompactString`.
    Compact,
}

impl Text {
    /// The text of a named type: owned when callers build it (it is reachable from params).
    pub fn of(in_params: bool) -> Text {
        if in_params {
            Text::Owned
        } else {
            Text::Compact
        }
    }

    fn path(self) -> &'static str {
        match self {
            Text::Owned => "::std::string::String",
            Text::Compact => "::open1688_core::CompactString",
        }
    }
}

/// The Rust type of a resolved type, its text held as `text` says; std paths fully qualified
/// so a spec type named `Option` or `String` cannot shadow them.
pub fn rust_ty(ty: &Ty, text: Text) -> TokenStream {
    syn_ty(ty, text).into_token_stream()
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
        _ => (rust_ty(&f.ty, Text::Owned), false),
    }
}

/// The doc of a field: its description and wire name.
pub fn field_docs(f: &FieldIr) -> Vec<Attribute> {
    let wire = format!(
        "Wire name `{}`, type `{}`{}.",
        f.wire,
        f.spec_ty,
        if f.required { ", required" } else { "" }
    );
    let doc = f.doc.as_deref().map(doc_text);
    doc_attrs(doc.as_deref().into_iter().chain([wire.as_str()]))
}

/// [`rust_ty`] as a `syn` type.
pub fn syn_ty(ty: &Ty, text: Text) -> Type {
    let plain = |p: &str| syntax::path_ty(syntax::path(p), []);
    let generic = |p: &str, args: Vec<Type>| syntax::path_ty(syntax::path(p), args);
    match ty {
        Ty::String => plain(text.path()),
        Ty::Secret => plain("::open1688_core::Secret"),
        Ty::Bool => plain("bool"),
        Ty::Int => plain("i32"),
        Ty::Long => plain("i64"),
        Ty::Double => plain("f64"),
        Ty::Decimal => plain("::open1688_core::Decimal"),
        Ty::Date => plain("::open1688_core::Date"),
        Ty::Json => plain("::serde_json::Value"),
        Ty::File => plain("::open1688_core::FileParam"),
        Ty::Array(inner) => generic("::std::vec::Vec", vec![syn_ty(inner, text)]),
        Ty::Map(inner) => generic(
            "::std::collections::BTreeMap",
            vec![plain(text.path()), syn_ty(inner, text)],
        ),
        Ty::Struct(name) | Ty::Enum(name) => syntax::path_ty(syn::Path::from(ident(name)), []),
    }
}

/// The stored type of a field. `lists_default` makes optional lists and maps plain
/// (empty when absent) instead of `Option`, as responses and named types want.
pub fn syn_field_ty(f: &FieldIr, lists_default: bool, text: Text) -> Type {
    let mut ty = syn_ty(&f.ty, text);
    if f.boxed {
        ty = syntax::path_ty(syntax::path("::std::boxed::Box"), [ty]);
    }
    if f.required || (lists_default && matches!(f.ty, Ty::Array(_) | Ty::Map(_))) {
        ty
    } else {
        syntax::path_ty(syntax::path("::std::option::Option"), [ty])
    }
}
