//! One file per API: request, response, named types, example test. The API's data (identity,
//! parameters, example) is in the catalogue, which the request refers to.

use super::catalogue::{api_doc_path, api_info_path, CatalogueAt};
use super::common::{
    arg_ty, doc_attrs, doc_text, field_docs, ident, rust_ty, syn_field_ty, syn_ty, Text,
};
use super::syntax::{self, items, list_attr, pub_field, pub_struct, word_attr};
use super::template;
use crate::ir::{Api, FieldIr, Model, Namespace, Ty, TypeIr, TypeIrKind};
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, Field, ImplItem, Item};

/// The items of `<namespace>/<method>.rs`.
pub fn api_file(ns: &Namespace, api: &Api, catalogue: &CatalogueAt) -> syn::Result<syn::File> {
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
        .map(|l| syntax::inner_doc(if l.trim().is_empty() { "" } else { l.as_str() }))
        .collect();

    let doc_path = api_doc_path(catalogue, ns, api);
    let response_name = ident(&api.response);
    let example_test = api.example.as_ref().map(|_| {
        let message = syntax::str_token(&format!(
            "the example_response of {} does not decode into {}",
            api.source, api.response
        ));
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
    let mut out = items(quote! { #global #shared })?;
    out.extend(request(
        api,
        &summary,
        &identity,
        api_info_path(catalogue, ns, api),
    )?);
    out.extend(items(super::paging::paged_impl(api).unwrap_or_default())?);
    out.extend(response(api, &id)?);
    for (name, t) in &api.types {
        out.extend(named_type(name, t, None)?);
    }
    out.extend(items(example_test.unwrap_or_default())?);
    Ok(syntax::file(header, out))
}

/// The items of `<namespace>/types.rs`: the namespace's shared types, defined once and
/// re-exported by each API's module.
pub fn shared_types_file(ns: &Namespace) -> syn::Result<syn::File> {
    let header = format!(
        " Types that several `{}` APIs share (`{}/_types.json`), defined once and re-exported by each API's module; and the crate-wide types they use.",
        ns.wire, ns.wire
    );
    let imports = (!ns.imports.is_empty()).then(|| {
        let names = ns.imports.iter().map(|n| ident(n));
        quote! { pub use super::super::types::{#(#names),*}; }
    });
    let mut out = items(imports.unwrap_or_default())?;
    for (name, t) in &ns.shared {
        out.extend(named_type(name, t, None)?);
    }
    Ok(syntax::file(vec![syntax::inner_doc(&header)], out))
}

/// The items of the crate's `types.rs`: types shared across namespaces (`_types.json`), each
/// compiled when a namespace that uses it is.
pub fn global_types_file(model: &Model) -> syn::Result<syn::File> {
    let mut out = Vec::new();
    for (name, t) in &model.shared {
        let features = model.shared_features.get(name).into_iter().flatten();
        let cfg = list_attr("cfg", quote!(any(#(feature = #features),*)));
        out.extend(named_type(name, t, Some(cfg))?);
    }
    let header = " Types that APIs of several namespaces share (`_types.json`), defined once and re-exported by each API's module. Each is compiled when a namespace feature that uses it is on.";
    Ok(syntax::file(vec![syntax::inner_doc(header)], out))
}

fn request(api: &Api, summary: &str, identity: &str, info: syn::Path) -> syn::Result<Vec<Item>> {
    let name = ident(&api.request);
    let response = ident(&api.response);
    let fields = api
        .params
        .iter()
        .map(|f| {
            pub_field(
                field_docs(f),
                ident(&f.ident),
                syn_field_ty(f, false, Text::Owned),
            )
        })
        .collect();
    let default = derive_default(&api.params);
    let mut attrs = doc_attrs([summary, identity]);
    attrs.push(list_attr(
        "derive",
        quote!(Clone, Debug, #default PartialEq),
    ));
    attrs.push(word_attr("non_exhaustive"));
    let strukt = pub_struct(attrs, name.clone(), fields);
    let ctor = constructor(&api.params, false, "Creates the request from its required parameters; set optional ones with the methods below.")?;
    let info = syntax::path_expr(info);
    let stmts = api.params.iter().map(put).collect();
    let request_impl = template::request_impl(&name, &response, info, stmts);
    Ok(vec![
        strukt,
        impl_block(None, &name, ctor)?,
        Item::Impl(request_impl),
    ])
}

/// The statement of `write_params` that puts a parameter.
fn put(f: &FieldIr) -> syn::Stmt {
    let field = syntax::self_field(ident(&f.ident));
    let (method, value) = match (&f.ty, f.required) {
        (Ty::File, true) => (
            "put_file",
            syntax::call(
                syntax::path("::std::option::Option::Some"),
                vec![syntax::reference(field)],
            ),
        ),
        (Ty::File, false) => ("put_file", syntax::method_call(field, "as_ref", Vec::new())),
        (ty, _) if ty.is_text() => ("put", syntax::reference(field)),
        _ => ("put_json", syntax::reference(field)),
    };
    let params = syntax::path_expr(syntax::path("params"));
    let call = syntax::method_call(params, method, vec![syntax::str_lit(&f.wire), value]);
    syn::Stmt::Expr(call, Some(Default::default()))
}

/// `impl name { items }`, under `cfg` when given.
fn impl_block(
    cfg: Option<&Attribute>,
    name: &syn::Ident,
    items: Vec<ImplItem>,
) -> syn::Result<Item> {
    let mut block: syn::ItemImpl = syn::parse2(quote! { impl #name {} })?;
    block.attrs.extend(cfg.cloned());
    block.items = items;
    Ok(Item::Impl(block))
}

/// `Default` for the derive list of a struct whose `new()` takes no arguments: every field is
/// optional (an `Option`, or an empty list or map), and clippy's `new_without_default` wants it.
fn derive_default(fields: &[FieldIr]) -> Option<TokenStream> {
    fields.iter().all(|f| !f.required).then(|| quote!(Default,))
}

/// `new(required..)` and one setter per optional field.
fn constructor(fields: &[FieldIr], lists_default: bool, doc: &str) -> syn::Result<Vec<ImplItem>> {
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
        let value = |name: &syn::Ident| syntax::path_expr(syn::Path::from(name.clone()));
        let init = match (f.required, arg_ty(f).1) {
            (true, true) => Some(syntax::method_call(value(&name), "into", Vec::new())),
            (true, false) => None,
            (false, _) => Some(syntax::call(
                syntax::path("::std::default::Default::default"),
                Vec::new(),
            )),
        };
        syntax::field_value(name, init)
    });
    let doc = syntax::doc_literal(&format!(" {doc}"));
    let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    // The signature is parsed; the body, one line per field, is built. `new`, the setters and
    // `write_params` are `#[inline]`: compiled in the programs that call them, not in every
    // build of the SDK crate.
    let mut new: syn::ImplItemFn = syn::parse2(quote! {
        #[doc = #doc]
        #allow
        #[inline]
        pub fn new(#(#args),*) -> Self {}
    })?;
    let body = syntax::struct_of(syntax::path("Self"), inits);
    new.block.stmts = vec![syn::Stmt::Expr(body, None)];
    let mut out = vec![ImplItem::Fn(new)];
    for f in fields.iter().filter(|f| !f.required) {
        out.push(setter(f, lists_default));
    }
    Ok(out)
}

/// The setter of an optional field.
fn setter(f: &FieldIr, lists_default: bool) -> ImplItem {
    let (ty, into) = match &f.ty {
        Ty::String => (into("::std::string::String"), true),
        Ty::Secret => (into("::open1688_core::Secret"), true),
        ty => (syn_ty(ty, Text::Owned), false),
    };
    let value = syntax::path_expr(syntax::path("value"));
    let value = if into {
        syntax::method_call(value, "into", Vec::new())
    } else {
        value
    };
    let value = if f.boxed {
        syntax::call(syntax::path("::std::boxed::Box::new"), vec![value])
    } else {
        value
    };
    let stored = if lists_default && matches!(f.ty, Ty::Array(_) | Ty::Map(_)) {
        value
    } else {
        syntax::call(syntax::path("::std::option::Option::Some"), vec![value])
    };
    syntax::setter(field_docs(f), ident(&f.ident), ty, stored)
}

/// `impl ::std::convert::Into<target>`: what a setter of text takes.
fn into(target: &str) -> syn::Type {
    let target = syntax::path_ty(syntax::path(target), []);
    syntax::impl_trait(syntax::with_args(
        syntax::path("::std::convert::Into"),
        [target],
    ))
}

/// A field of a decoded (and possibly re-encoded) structure: its wire key and how it is read,
/// for `::open1688_core::wire_struct!`.
pub(super) fn serde_field(f: &FieldIr, text: Text) -> Field {
    let mut attrs = field_docs(f);
    let wire = syntax::str_token(&f.wire);
    let mut flags = Vec::new();
    if f.required {
        flags.push(quote!(required));
    }
    // Loose decoding (core's `de::Loose`) handles strings-for-numbers and nulls for every
    // field; only exact decimals need their own reader, which JSON numbers would skip.
    if has_decimal(&f.ty) {
        flags.push(quote!(decimal));
    }
    attrs.push(list_attr("wire", quote!(#wire #(, #flags)*)));
    pub_field(attrs, ident(&f.ident), syn_field_ty(f, true, text))
}

/// A decoded structure: `attrs` (a `cfg` first), `#[non_exhaustive]`, its fields (their text
/// held as `text` says), printed as a `::open1688_core::wire_struct!` invocation, which adds
/// slim serde impls (serde's derives were two thirds of the SDK's compile time).
pub(super) fn serde_struct(
    mut attrs: Vec<Attribute>,
    default: Option<TokenStream>,
    name: syn::Ident,
    fields: &[FieldIr],
    text: Text,
) -> Item {
    // The marker goes after any `cfg`, which stays outside the invocation and gates all of it.
    let at = attrs
        .iter()
        .take_while(|a| a.path().is_ident("cfg"))
        .count();
    attrs.insert(at, word_attr(crate::format::WIRE_STRUCT_MARKER));
    attrs.push(list_attr(
        "derive",
        quote!(Clone, Debug, #default PartialEq),
    ));
    attrs.push(word_attr("non_exhaustive"));
    pub_struct(
        attrs,
        name,
        fields.iter().map(|f| serde_field(f, text)).collect(),
    )
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

fn response(api: &Api, id: &str) -> syn::Result<Vec<Item>> {
    let name = ident(&api.response);
    let doc = format!(" The response of `{id}`.");
    let core = CORE_RESPONSES
        .iter()
        .find(|(ns, n, _)| *ns == api.namespace && *n == api.name);
    if let Some((_, _, core)) = core {
        let (core, doc) = (
            ident(core),
            syntax::doc_literal(&format!("{doc} Core's type, which `OAuth` returns too.")),
        );
        return items(quote! {
            #[doc = #doc]
            pub type #name = ::open1688_core::#core;
        });
    }
    if let Some(value) = &api.response_value {
        let (ty, doc) = (rust_ty(value, Text::Compact), syntax::doc_literal(&doc));
        return items(quote! {
            #[doc = #doc]
            pub type #name = #ty;
        });
    }
    let attrs = vec![syntax::doc(&doc)];
    Ok(vec![serde_struct(
        attrs,
        None,
        name,
        &api.response_fields,
        Text::Compact,
    )])
}

/// A named type's items, each under `cfg` when given.
pub(super) fn named_type(name: &str, t: &TypeIr, cfg: Option<Attribute>) -> syn::Result<Vec<Item>> {
    let rust = ident(name);
    let wire = format!("Wire type `{}`.", t.wire);
    let doc = t.doc.as_deref().map(doc_text);
    let docs = doc_attrs(doc.as_deref().into_iter().chain([wire.as_str()]));
    match &t.kind {
        TypeIrKind::Enum(variants) => {
            let variants = variants.iter().map(|(v, value)| {
                let v = ident(v);
                let doc = syntax::doc_literal(&format!(" `{value}`"));
                let value = syntax::str_token(value);
                quote! { #[doc = #doc] #v = #value }
            });
            let mut item: syn::ItemEnum =
                syn::parse2(quote! { pub enum #rust { #(#variants),* } })?;
            // Printed as an item, so that prettyplease lays it out one variant per line (it
            // prints a macro's body as a run of tokens), then wrapped in `string_enum!`.
            let marker = word_attr(crate::format::STRING_ENUM_MARKER);
            item.attrs = cfg.into_iter().chain([marker]).chain(docs).collect();
            Ok(vec![Item::Enum(item)])
        }
        TypeIrKind::Struct(fields) => {
            let attrs = cfg.iter().cloned().chain(docs).collect();
            // Response-only types are decoded, never built: no constructor to compile.
            if !t.in_params {
                return Ok(vec![serde_struct(attrs, None, rust, fields, Text::Compact)]);
            }
            let ctor = constructor(fields, true, "Creates the value from its required fields; set optional ones with the methods below.")?;
            Ok(vec![
                serde_struct(
                    attrs,
                    derive_default(fields),
                    rust.clone(),
                    fields,
                    Text::Owned,
                ),
                impl_block(cfg.as_ref(), &rust, ctor)?,
            ])
        }
    }
}
