//! The `Paged` impl of a paged API's request: the machinery lives in core's `paging`, so each
//! API adds only how to set its page and where its answer keeps the list and the total.

use super::common::{ident, rust_ty, Text};
use crate::ir::{Api, PagingIr, Step, Ty};
use proc_macro2::TokenStream;
use quote::quote;

/// `impl Paged for <Request>`, for an API whose spec declares `paging`.
pub fn paged_impl(api: &Api) -> Option<TokenStream> {
    let paging = api.paging.as_ref()?;
    let (request, response) = (ident(&api.request), ident(&api.response));
    let item = rust_ty(&paging.item, Text::of(paging.item_owned_text));
    let first = proc_macro2::Literal::u32_unsuffixed(paging.first);
    let field = ident(&paging.page.ident);
    let value = match paging.page.ty {
        Ty::Int => quote!(i32::try_from(page).unwrap_or(i32::MAX)),
        _ => quote!(i64::from(page)),
    };
    let value = if paging.page.required {
        value
    } else {
        quote!(::std::option::Option::Some(#value))
    };
    let total = total(paging);
    let items = items(&paging.items);
    Some(quote! {
        impl ::open1688_core::paging::Paged for #request {
            type Item = #item;
            const FIRST_PAGE: u32 = #first;
            fn set_page(&mut self, page: u32) {
                self.#field = #value;
            }
            fn page(response: #response) -> ::open1688_core::paging::Page<#item> {
                let total = #total;
                ::open1688_core::paging::Page { items: #items, total }
            }
        }
    })
}

/// The total, read through references (it is copied out before the items are moved out).
fn total(paging: &PagingIr) -> TokenStream {
    let Some((steps, is_int)) = &paging.total else {
        return quote!(::std::option::Option::None);
    };
    let mut expr = quote!(response);
    let mut optional = false;
    for (i, step) in steps.iter().enumerate() {
        let last = i + 1 == steps.len();
        let f = ident(&step.ident);
        expr = match (optional, step.optional, last) {
            (false, false, _) | (false, true, true) => quote!(#expr.#f),
            (false, true, false) => quote!(#expr.#f.as_ref()),
            (true, true, true) => quote!(#expr.and_then(|x| x.#f)),
            (true, false, true) => quote!(#expr.map(|x| x.#f)),
            (true, true, false) => quote!(#expr.and_then(|x| x.#f.as_ref())),
            (true, false, false) => quote!(#expr.map(|x| &x.#f)),
        };
        optional |= step.optional;
    }
    match (optional, is_int) {
        (true, true) => quote!(#expr.map(i64::from)),
        (true, false) => expr,
        (false, true) => quote!(::std::option::Option::Some(i64::from(#expr))),
        (false, false) => quote!(::std::option::Option::Some(#expr)),
    }
}

/// The item list, moved out of the answer; empty when a structure on the way is absent.
fn items(steps: &[Step]) -> TokenStream {
    let mut expr = quote!(response);
    let mut optional = false;
    for step in steps {
        let f = ident(&step.ident);
        expr = match (optional, step.optional) {
            (false, _) => quote!(#expr.#f),
            (true, true) => quote!(#expr.and_then(|x| x.#f)),
            (true, false) => quote!(#expr.map(|x| x.#f)),
        };
        optional |= step.optional;
    }
    if optional {
        quote!(#expr.unwrap_or_default())
    } else {
        expr
    }
}
