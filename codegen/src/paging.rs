//! A spec's `paging`, checked and resolved against the lowered API: the page param must be an
//! integer param, `items` must point (through response fields and named structures) at a list,
//! and `total` at an integer.

use crate::diag::{child, Diagnostics};
use crate::ir::{Api, FieldIr, Model, Namespace, PagingIr, Step, Ty, TypeIrKind};
use crate::naming;
use crate::spec::Spec;

/// Resolves the `paging` of every spec that declares one, once all types are lowered (a list
/// may sit in a shared type), and reports a stream companion clashing with another method.
pub fn lower(specs: &[Spec], model: &mut Model, diags: &mut Diagnostics) {
    for spec in specs.iter().filter(|s| s.paging.is_some()) {
        let module = naming::namespace_module(&spec.namespace);
        let id = format!("{}:{}-{}", spec.namespace, spec.name, spec.version);
        let Some(ns) = model.namespaces.get(&module) else {
            continue;
        };
        let Some(api) = ns.apis.values().find(|a| a.id() == id) else {
            continue;
        };
        let Some(paging) = resolve(spec, model, ns, api, diags) else {
            continue;
        };
        let stream = format!("{}_stream", api.method.trim_start_matches("r#"));
        if let Some(other) = ns.apis.get(&stream) {
            diags.push(
                &spec.file,
                "/paging",
                format!(
                    "the stream companion `{stream}` of {id} is the method of API {}",
                    other.id()
                ),
            );
            continue;
        }
        let method = api.method.clone();
        if let Some(api) = model
            .namespaces
            .get_mut(&module)
            .and_then(|ns| ns.apis.get_mut(&method))
        {
            api.paging = Some(paging);
        }
    }
}

/// Resolves `spec.paging` for `api` (lowered from `spec`); `None` (reported) when it is wrong.
fn resolve(
    spec: &Spec,
    model: &Model,
    ns: &Namespace,
    api: &Api,
    diags: &mut Diagnostics,
) -> Option<PagingIr> {
    let paging = spec.paging.as_ref()?;
    let before = diags.0.len();
    let file = spec.file.as_str();
    let page = api.params.iter().find(|p| p.wire == paging.page);
    match page {
        None => diags.push(
            file,
            child(&paging.pointer, "page"),
            format!(
                "\"{}\" is not a param of this API (params: {})",
                paging.page,
                names(&api.params)
            ),
        ),
        Some(p) if !matches!(p.ty, Ty::Int | Ty::Long) => diags.push(
            file,
            child(&paging.pointer, "page"),
            format!(
                "the page param \"{}\" must be an int or long, found {}",
                p.wire, p.spec_ty
            ),
        ),
        Some(_) => {}
    }
    let items = walk(
        (model, ns, api),
        &paging.items,
        file,
        &child(&paging.pointer, "items"),
        diags,
    );
    let items = match items {
        Some((steps, Ty::Array(item), owned)) => Some((steps, *item, owned)),
        Some((_, _, _)) => {
            diags.push(
                file,
                child(&paging.pointer, "items"),
                format!("\"{}\" must point at a list (array<..>)", paging.items),
            );
            None
        }
        None => None,
    };
    let total = paging.total.as_ref().and_then(|total| {
        let at = child(&paging.pointer, "total");
        match walk((model, ns, api), total, file, &at, diags)? {
            (steps, Ty::Int, _) => Some((steps, true)),
            (steps, Ty::Long, _) => Some((steps, false)),
            (_, _, _) => {
                diags.push(
                    file,
                    at,
                    format!("\"{total}\" must point at an int or long"),
                );
                None
            }
        }
    });
    if diags.0.len() != before {
        return None;
    }
    let (items, item, item_owned_text) = items?;
    Some(PagingIr {
        page: page?.clone(),
        first: paging.first,
        items,
        item,
        item_owned_text,
        total,
    })
}

/// Follows a JSON pointer through the response fields; the steps, the type at its end, and
/// whether the structure holding that field is one callers build (`in_params`).
fn walk(
    (model, ns, api): (&Model, &Namespace, &Api),
    pointer: &str,
    file: &str,
    at: &str,
    diags: &mut Diagnostics,
) -> Option<(Vec<Step>, Ty, bool)> {
    let Some(path) = pointer.strip_prefix('/').filter(|p| !p.is_empty()) else {
        diags.push(
            file,
            at,
            format!(
                "\"{pointer}\" must be a JSON pointer into the response, like \"/result/list\""
            ),
        );
        return None;
    };
    let mut fields = &api.response_fields;
    let mut owner = "the response".to_owned();
    let mut owner_in_params = false;
    let mut steps = Vec::new();
    let mut segments = path.split('/').peekable();
    while let Some(segment) = segments.next() {
        let Some(field) = fields.iter().find(|f| f.wire == segment) else {
            diags.push(
                file,
                at,
                format!(
                    "\"{pointer}\": {owner} has no field \"{segment}\" (fields: {})",
                    names(fields)
                ),
            );
            return None;
        };
        steps.push(Step {
            ident: field.ident.clone(),
            optional: !field.required && !matches!(field.ty, Ty::Array(_) | Ty::Map(_)),
        });
        if segments.peek().is_none() {
            return Some((steps, field.ty.clone(), owner_in_params));
        }
        let inner = match &field.ty {
            Ty::Struct(name) => model
                .type_of(ns, api, name)
                .map(|t| (name, &t.kind, t.in_params)),
            _ => None,
        };
        let Some((name, TypeIrKind::Struct(inner), in_params)) = inner else {
            diags.push(
                file,
                at,
                format!(
                    "\"{pointer}\": field \"{segment}\" is a {}, not a structure to look into",
                    field.spec_ty
                ),
            );
            return None;
        };
        fields = inner;
        owner = format!("type {name}");
        owner_in_params = in_params;
    }
    None
}

fn names(fields: &[FieldIr]) -> String {
    let names: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}
