//! A spec's `paging`, checked and resolved against the lowered API: the page param must be an
//! integer param, `items` must point (through response fields and named structures) at a list,
//! and `total` at an integer.

use crate::diag::{child, Diagnostics};
use crate::ir::{Api, FieldIr, PagingIr, Step, Ty, TypeIrKind};
use crate::spec::Spec;

/// Resolves `spec.paging` for `api` (lowered from `spec`); `None` (reported) when it is wrong.
pub fn resolve(spec: &Spec, api: &Api, diags: &mut Diagnostics) -> Option<PagingIr> {
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
        api,
        &paging.items,
        file,
        &child(&paging.pointer, "items"),
        diags,
    );
    let items = match items {
        Some((steps, Ty::Array(item))) => Some((steps, *item)),
        Some((_, _)) => {
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
        match walk(api, total, file, &at, diags)? {
            (steps, Ty::Int) => Some((steps, true)),
            (steps, Ty::Long) => Some((steps, false)),
            (_, _) => {
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
    let (items, item) = items?;
    Some(PagingIr {
        page: page?.clone(),
        first: paging.first,
        items,
        item,
        total,
    })
}

/// Follows a JSON pointer through the response fields; the steps and the type at its end.
fn walk(
    api: &Api,
    pointer: &str,
    file: &str,
    at: &str,
    diags: &mut Diagnostics,
) -> Option<(Vec<Step>, Ty)> {
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
            return Some((steps, field.ty.clone()));
        }
        let inner = match &field.ty {
            Ty::Struct(name) => api.types.get(name).map(|t| (name, &t.kind)),
            _ => None,
        };
        let Some((name, TypeIrKind::Struct(inner))) = inner else {
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
