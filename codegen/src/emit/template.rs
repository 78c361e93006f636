//! Items of one fixed shape per API, parsed once per thread and cloned with the API's names put
//! in. `syn` parsed the same `quote!` for every API before: about a thousand instructions a
//! token, an eighth of a generation. Placeholders are the capitalised names `Req`, `Resp`, `Name`
//! and `INFO`, which no generated name can be (generated types end in `Request`/`Response`).

use syn::{
    Expr, FnArg, GenericArgument, Ident, ImplItem, ImplItemFn, ItemImpl, Pat, PathArguments,
    ReturnType, Type, TypeParamBound,
};

thread_local! {
    // No `+ Send` on the future: the bound had every build of the SDK crate prove `Send` for
    // core's call future once per API (a fifth of a namespace's build). The future is `Send`
    // all the same, since auto traits show through `impl Trait`; core's
    // `typed_call_futures_are_send` checks that once, and the e2e tests spawn a call.
    static CALL: ImplItemFn = syn::parse_quote! {
        #[inline]
        pub fn m(&self, request: Req) -> impl ::std::future::Future<Output = ::open1688_core::Result<Resp>> + '_ {
            self.client.call_owned(request)
        }
    };
    static REQUEST_IMPL: ItemImpl = syn::parse_quote! {
        impl ::open1688_core::Request for Name {
            type Response = Resp;
            const API: ::open1688_core::ApiInfo<'static> = INFO;
            #[inline]
            fn write_params(&self, params: &mut ::open1688_core::Params) {}
        }
    };
}

/// A namespace accessor's method: `pub fn m(&self, request: Req) -> impl Future<..Resp..>`,
/// forwarding to `Client::call_owned`.
pub fn call(m: Ident, req: &Ident, resp: &Ident) -> ImplItemFn {
    let mut call = CALL.with(Clone::clone);
    call.sig.ident = m;
    for input in &mut call.sig.inputs {
        if let FnArg::Typed(arg) = input {
            rename(&mut arg.ty, "Req", req);
        }
    }
    if let ReturnType::Type(_, ty) = &mut call.sig.output {
        rename(ty, "Resp", resp);
    }
    call
}

/// `impl Request for name`: its response type, its `ApiInfo` const (`info`) and `write_params`
/// with `stmts` (its argument named `_params` when there are none).
pub fn request_impl(name: &Ident, resp: &Ident, info: Expr, stmts: Vec<syn::Stmt>) -> ItemImpl {
    let mut imp = REQUEST_IMPL.with(Clone::clone);
    rename(&mut imp.self_ty, "Name", name);
    for item in &mut imp.items {
        match item {
            ImplItem::Type(t) => rename(&mut t.ty, "Resp", resp),
            ImplItem::Const(c) => c.expr = info.clone(),
            ImplItem::Fn(f) => {
                if stmts.is_empty() {
                    if let Some(FnArg::Typed(arg)) = f.sig.inputs.iter_mut().nth(1) {
                        if let Pat::Ident(p) = &mut *arg.pat {
                            p.ident = Ident::new("_params", p.ident.span());
                        }
                    }
                }
                f.block.stmts = stmts.clone();
            }
            _ => {}
        }
    }
    imp
}

/// Replaces the path segment `from` by `to` wherever it occurs in `ty`: in type arguments,
/// associated type bindings and `impl Trait` bounds, the shapes the templates use.
fn rename(ty: &mut Type, from: &str, to: &Ident) {
    match ty {
        Type::Path(p) => {
            for segment in &mut p.path.segments {
                if segment.ident == from {
                    segment.ident = to.clone();
                }
                rename_args(&mut segment.arguments, from, to);
            }
        }
        Type::ImplTrait(t) => {
            for bound in &mut t.bounds {
                if let TypeParamBound::Trait(t) = bound {
                    for segment in &mut t.path.segments {
                        rename_args(&mut segment.arguments, from, to);
                    }
                }
            }
        }
        Type::Reference(r) => rename(&mut r.elem, from, to),
        _ => {}
    }
}

fn rename_args(args: &mut PathArguments, from: &str, to: &Ident) {
    if let PathArguments::AngleBracketed(args) = args {
        for arg in &mut args.args {
            match arg {
                GenericArgument::Type(ty) => rename(ty, from, to),
                GenericArgument::AssocType(assoc) => rename(&mut assoc.ty, from, to),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn text(item: impl ToTokens) -> String {
        item.into_token_stream().to_string()
    }

    fn has_word(text: &str, word: &str) -> bool {
        text.split(|c: char| !c.is_alphanumeric() && c != '_')
            .any(|w| w == word)
    }

    #[test]
    fn every_placeholder_is_replaced() {
        let (m, req, resp) = (
            Ident::new("product_get", proc_macro2::Span::call_site()),
            Ident::new("ProductGetRequest", proc_macro2::Span::call_site()),
            Ident::new("ProductGetResponse", proc_macro2::Span::call_site()),
        );
        let call = text(call(m, &req, &resp));
        let info: Expr = syn::parse_quote!(crate::catalogue::product::PRODUCT_GET);
        let stmt: syn::Stmt = syn::parse_quote!(params.put("a", &self.a););
        let with = text(request_impl(&req, &resp, info.clone(), vec![stmt]));
        let without = text(request_impl(&req, &resp, info, Vec::new()));
        for (text, words) in [
            (
                &call,
                &["product_get", "ProductGetRequest", "ProductGetResponse"][..],
            ),
            (
                &with,
                &[
                    "ProductGetRequest",
                    "ProductGetResponse",
                    "PRODUCT_GET",
                    "params",
                ],
            ),
            (&without, &["ProductGetRequest", "_params"]),
        ] {
            for word in words {
                assert!(has_word(text, word), "{word} missing from {text}");
            }
            for placeholder in ["m", "Req", "Resp", "Name", "INFO"] {
                assert!(!has_word(text, placeholder), "{placeholder} left in {text}");
            }
        }
        assert!(!has_word(&without, "params"), "{without}");
    }
}
