//! The catalogue: every API as data, generated once (crate `open1688-catalogue`, or inline in
//! a crate that has no catalogue crate, like the golden one) and read by the SDK (each
//! request's `ApiInfo`), the mock gateway, the CLI and the tests.
//!
//! Per namespace, a module with one `ApiInfo` const per API (`PRODUCT_GET`, which the typed
//! request uses as its `Request::API`), its `ApiDoc` static (`PRODUCT_GET_DOC`) and a static
//! per named type reachable from its parameters, so enum values and object fields are data.

use super::common::ident;
use super::syntax;
use crate::ir::{Api, FieldIr, Model, Namespace, Ty, TypeIrKind};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};
use syn::{Expr, Item, Type};

/// Where the generated catalogue lives, as seen from the crate that uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CatalogueAt {
    /// Another crate, by its Rust name (e.g. `open1688_catalogue`).
    Crate(String),
    /// The module `catalogue` of the generated code itself.
    Inline,
}

impl CatalogueAt {
    /// The path of the catalogue's root module.
    pub fn path(&self) -> syn::Path {
        match self {
            CatalogueAt::Crate(name) => syntax::path(&format!("::{name}")),
            CatalogueAt::Inline => syntax::path("crate::generated::catalogue"),
        }
    }
}

/// The name of an API's `ApiInfo` const: its method in upper case, e.g. `PRODUCT_GET`.
pub fn const_name(api: &Api) -> String {
    api.method.trim_start_matches("r#").to_uppercase()
}

/// The path of an API's `ApiInfo` const in the catalogue at `at`.
pub fn api_info_path(at: &CatalogueAt, ns: &Namespace, api: &Api) -> syn::Path {
    let mut path = at.path();
    path.segments.push(ident(&ns.module).into());
    path.segments.push(ident(&const_name(api)).into());
    path
}

/// The path of an API's `ApiDoc` static in the catalogue at `at`.
pub fn api_doc_path(at: &CatalogueAt, ns: &Namespace, api: &Api) -> TokenStream {
    let (root, module) = (at.path(), ident(&ns.module));
    let name = ident(&format!("{}_DOC", const_name(api)));
    quote!(#root::#module::#name)
}

/// One piece of the catalogue file. The pieces are printed separately (on every core) and
/// joined in this order: `Doc`, one `Module` per namespace, `Rest`.
#[derive(Clone, Copy, Debug)]
pub enum CataloguePart<'a> {
    /// The file's doc comment.
    Doc,
    /// A namespace's module.
    Module(&'a Namespace),
    /// The crate-wide type statics and `APIS`, every API in one slice.
    Rest,
}

/// The pieces of the catalogue, in file order.
pub fn catalogue_parts(model: &Model) -> Vec<CataloguePart<'_>> {
    let modules = model.namespaces.values().map(CataloguePart::Module);
    [CataloguePart::Doc]
        .into_iter()
        .chain(modules)
        .chain([CataloguePart::Rest])
        .collect()
}

/// The items of one piece of the catalogue.
pub fn catalogue_part(model: &Model, part: CataloguePart) -> syn::Result<syn::File> {
    Ok(match part {
        CataloguePart::Doc => syntax::file(
            vec![syntax::inner_doc(
                " The API catalogue, generated from the specs by `cargo xtask gen`.",
            )],
            Vec::new(),
        ),
        CataloguePart::Module(ns) => syntax::file(
            Vec::new(),
            vec![namespace_module(model, ns, &mut Statics::new())],
        ),
        CataloguePart::Rest => syntax::file(Vec::new(), rest(model)?),
    })
}

/// Crate-wide types are emitted once, at the root, whichever namespace reaches them first:
/// walking every namespace's parameters as its module does finds them.
fn rest(model: &Model) -> syn::Result<Vec<Item>> {
    let mut global = Statics::new();
    for ns in model.namespaces.values() {
        let mut seen = BTreeSet::new();
        for api in ns.apis.values() {
            let scope = Scope { model, ns, api };
            for f in &api.params {
                reach_globals(&scope, &f.ty, &mut seen, &mut global);
            }
        }
    }
    let all = model.namespaces.values().flat_map(|ns| {
        ns.apis.values().map(move |api| {
            let doc = format!("{}::{}_DOC", ns.module, const_name(api));
            syntax::reference(syntax::path_expr(syntax::path(&doc)))
        })
    });
    let count = model.api_count();
    let doc = format!(" Every API in the specs ({count}), as data.");
    let mut out: Vec<Item> = global.into_values().flatten().collect();
    out.push(syntax::static_item(
        vec![syntax::doc(&doc)],
        true,
        ident("APIS"),
        syn::parse_str("&[&::open1688_core::ApiDoc]")?,
        syntax::reference(syntax::array(all.collect())),
    ));
    Ok(out)
}

/// Statics of named types, by static name (`None` while one is being emitted: a type may
/// reach itself through its fields).
type Statics = BTreeMap<String, Option<Item>>;

/// The API whose parameters are being described, and where its types are looked up.
struct Scope<'a> {
    model: &'a Model,
    ns: &'a Namespace,
    api: &'a Api,
}

fn namespace_module(model: &Model, ns: &Namespace, global: &mut Statics) -> Item {
    let header = format!(" The `{}` APIs.", ns.wire);
    let mut types = Statics::new();
    let mut items = Vec::new();
    for api in ns.apis.values() {
        items.extend(api_items(&Scope { model, ns, api }, &mut types, global));
    }
    items.extend(types.into_values().flatten());
    syntax::pub_mod(vec![syntax::doc(&header)], ident(&ns.module), items)
}

/// Emits the crate-wide statics `ty` reaches, in the order [`param_type`] would, without
/// building the module's own items; `seen` holds the module's types already walked.
fn reach_globals(scope: &Scope, ty: &Ty, seen: &mut BTreeSet<String>, global: &mut Statics) {
    match ty {
        Ty::Array(inner) | Ty::Map(inner) => reach_globals(scope, inner, seen, global),
        Ty::Struct(name) | Ty::Enum(name) => {
            let Some(t) = scope.model.type_of(scope.ns, scope.api, name) else {
                return;
            };
            match static_name(scope, name) {
                (static_name, true) => {
                    if !global.contains_key(&static_name) {
                        param_type(scope, ty, &mut Statics::new(), global);
                    }
                }
                (static_name, false) => {
                    if let (true, TypeIrKind::Struct(fields)) = (seen.insert(static_name), &t.kind)
                    {
                        for f in fields {
                            reach_globals(scope, &f.ty, seen, global);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// The name of a named type's static and whether it is at the root (crate-wide). Shared
/// types are named in mixed case, API-local ones after their API's const, so they never
/// collide (method names have no lower-case letters here).
fn static_name(scope: &Scope, name: &str) -> (String, bool) {
    let (ns, api) = (scope.ns, scope.api);
    if api.types.contains_key(name) {
        (format!("{}__{name}", const_name(api)), false)
    } else if ns.shared.contains_key(name) && api.shared.iter().any(|n| n == name) {
        (format!("Shared__{name}"), false)
    } else {
        (format!("Global__{name}"), true)
    }
}

/// `::open1688_core::name`, as a type.
fn core_ty(name: &str) -> Type {
    syntax::path_ty(syntax::path(&format!("::open1688_core::{name}")), [])
}

/// `::open1688_core::name`, as a path.
fn core_path(name: &str) -> syn::Path {
    syntax::path(&format!("::open1688_core::{name}"))
}

fn api_items(scope: &Scope, types: &mut Statics, global: &mut Statics) -> [Item; 2] {
    let (ns, api) = (scope.ns, scope.api);
    let name = const_name(api);
    let (info_name, doc_name) = (ident(&name), ident(&format!("{name}_DOC")));
    let method = format!(
        "client.{}().{}(..)",
        ns.module.trim_start_matches("r#"),
        api.method.trim_start_matches("r#")
    );
    let params = params(scope, &api.params, types, global);
    let example = match &api.example {
        Some(e) => syntax::call(
            syntax::path("::std::option::Option::Some"),
            vec![syntax::str_lit(e)],
        ),
        None => syntax::path_expr(syntax::path("::std::option::Option::None")),
    };
    let info_doc = format!(" `{}`: identity and wire behaviour.", api.id());
    let doc_doc = format!(" `{}` as data.", api.id());
    let info = syntax::struct_expr(
        core_path("ApiInfo"),
        [
            ("namespace", syntax::str_lit(&api.namespace)),
            ("name", syntax::str_lit(&api.name)),
            ("version", syntax::u32_lit(api.version)),
            ("protocol", syntax::str_lit(&api.protocol)),
            ("signed", syntax::bool_lit(api.signed)),
            (
                "access_token",
                syntax::path_expr(core_path(&format!("TokenMode::{}", api.token))),
            ),
            ("idempotent", syntax::bool_lit(api.idempotent)),
        ],
    );
    let doc = syntax::struct_expr(
        core_path("ApiDoc"),
        [
            ("api", syntax::path_expr(syn::Path::from(info_name.clone()))),
            (
                "summary",
                syntax::str_lit(api.summary.as_deref().unwrap_or_default()),
            ),
            (
                "doc_url",
                syntax::str_lit(api.doc_url.as_deref().unwrap_or_default()),
            ),
            ("method", syntax::str_lit(&method)),
            ("params", params),
            ("example_response", example),
        ],
    );
    [
        syntax::pub_const(vec![syntax::doc(&info_doc)], info_name, api_info_ty(), info),
        syntax::static_item(
            vec![syntax::doc(&doc_doc)],
            true,
            doc_name,
            core_ty("ApiDoc"),
            doc,
        ),
    ]
}

/// `::open1688_core::ApiInfo<'static>`.
fn api_info_ty() -> Type {
    let mut ty = core_ty("ApiInfo");
    if let Type::Path(p) = &mut ty {
        if let Some(last) = p.path.segments.last_mut() {
            let lifetime = syn::Lifetime::new("'static", proc_macro2::Span::call_site());
            last.arguments =
                syn::PathArguments::AngleBracketed(syn::AngleBracketedGenericArguments {
                    colon2_token: None,
                    lt_token: Default::default(),
                    args: [syn::GenericArgument::Lifetime(lifetime)]
                        .into_iter()
                        .collect(),
                    gt_token: Default::default(),
                });
        }
    }
    ty
}

/// A `&[ParamDoc]` literal, adding the statics of the named types it reaches to `types`.
fn params(scope: &Scope, fields: &[FieldIr], types: &mut Statics, global: &mut Statics) -> Expr {
    let params = fields.iter().map(|f| {
        let ty = param_type(scope, &f.ty, types, global);
        syntax::struct_expr(
            core_path("ParamDoc"),
            [
                ("name", syntax::str_lit(&f.wire)),
                ("ty", syntax::reference(ty)),
                ("required", syntax::bool_lit(f.required)),
                ("doc", syntax::str_lit(f.doc.as_deref().unwrap_or_default())),
            ],
        )
    });
    syntax::reference(syntax::array(params.collect()))
}

fn param_type(scope: &Scope, ty: &Ty, types: &mut Statics, global: &mut Statics) -> Expr {
    let variant = |v: &str| syntax::path_expr(core_path(&format!("ParamType::{v}")));
    let wrap = |v: &str, inner: Expr| {
        syntax::call(
            core_path(&format!("ParamType::{v}")),
            vec![syntax::reference(inner)],
        )
    };
    match ty {
        Ty::String | Ty::Secret => variant("String"),
        Ty::Bool => variant("Boolean"),
        Ty::Int => variant("Int"),
        Ty::Long => variant("Long"),
        Ty::Double => variant("Double"),
        Ty::Decimal => variant("Decimal"),
        Ty::Date => variant("Date"),
        Ty::Json => variant("Json"),
        Ty::File => variant("File"),
        Ty::Array(inner) => wrap("Array", param_type(scope, inner, types, global)),
        Ty::Map(inner) => wrap("Map", param_type(scope, inner, types, global)),
        Ty::Struct(name) | Ty::Enum(name) => {
            let (ns, api) = (scope.ns, scope.api);
            // Lowering resolved every name; an unknown one would be sent as JSON.
            let Some(t) = scope.model.type_of(ns, api, name) else {
                return variant("Json");
            };
            let (static_name, in_root) = static_name(scope, name);
            let path = if in_root {
                syntax::path(&format!("super::{static_name}"))
            } else {
                syntax::path(&static_name)
            };
            let known = if in_root { &*global } else { &*types };
            if !known.contains_key(&static_name) {
                // Reserve the name first: a type may reach itself through its fields.
                let reserve = if in_root { &mut *global } else { &mut *types };
                reserve.insert(static_name.clone(), None);
                let wire = syntax::str_lit(&t.wire);
                let (ty, value) = match &t.kind {
                    TypeIrKind::Enum(values) => {
                        let values = values.iter().map(|(_, v)| syntax::str_lit(v)).collect();
                        let values = syntax::reference(syntax::array(values));
                        ("EnumDoc", [("name", wire), ("values", values)])
                    }
                    TypeIrKind::Struct(fields) => {
                        let fields = params(scope, fields, types, global);
                        ("StructDoc", [("name", wire), ("fields", fields)])
                    }
                };
                let item = syntax::static_item(
                    vec![syntax::list_attr("allow", quote!(non_upper_case_globals))],
                    false,
                    ident(&static_name),
                    core_ty(ty),
                    syntax::struct_expr(core_path(ty), value),
                );
                let done = if in_root { global } else { types };
                done.insert(static_name, Some(item));
            }
            let path = syntax::reference(syntax::path_expr(path));
            match t.kind {
                TypeIrKind::Enum(_) => syntax::call(core_path("ParamType::Enum"), vec![path]),
                TypeIrKind::Struct(_) => syntax::call(core_path("ParamType::Struct"), vec![path]),
            }
        }
    }
}
