//! Lower: specs → [`Model`], deciding every Rust name and rejecting any two that collide.

use crate::diag::{child, Diagnostics};
use crate::ir::{Api, FieldIr, Model, Namespace, Ty, TypeIr, TypeIrKind};
use crate::naming;
use crate::spec::{Field, Spec, TokenMode, TypeKind};
use crate::types::TypeExpr;
use std::collections::{BTreeMap, BTreeSet};

/// Remembers which spec name took each Rust name, to report a collision naming both.
struct Names<'a> {
    /// Rust name (without `r#`) → who took it, phrased for a message, and whether the
    /// generator reserved it.
    taken: BTreeMap<String, (String, bool)>,
    file: &'a str,
    /// `param`, `type`, ...
    what: &'a str,
    /// What the spec's author can do about a collision of two spec names...
    fix: &'a str,
    /// ...and of a spec name with one the generator reserved.
    fix_reserved: &'a str,
}

impl<'a> Names<'a> {
    fn new(file: &'a str, what: &'a str, fix: &'a str, fix_reserved: &'a str) -> Self {
        Names {
            taken: BTreeMap::new(),
            file,
            what,
            fix,
            fix_reserved,
        }
    }

    /// Reserves a name the generator itself uses; `by` says for what.
    fn reserve(&mut self, rust: &str, by: &str) {
        self.taken.insert(rust.to_owned(), (by.to_owned(), true));
    }

    fn claim(&mut self, rust: &str, wire: &str, pointer: &str, diags: &mut Diagnostics) {
        let key = rust.trim_start_matches("r#").to_owned();
        match self.taken.get(&key) {
            Some((other, reserved)) => diags.push(
                self.file,
                pointer,
                format!(
                    "{} \"{wire}\" and {other} both map to the Rust name `{rust}`; {}",
                    self.what,
                    if *reserved {
                        self.fix_reserved
                    } else {
                        self.fix
                    }
                ),
            ),
            None => {
                self.taken
                    .insert(key, (format!("\"{wire}\" ({pointer})"), false));
            }
        }
    }
}

/// Fixes for a collision of two fields or params.
const FIELD_FIX: &str = "set \"rust_name\" on one of them";
/// Fixes for a collision of two named types, or of one with a generated type.
const TYPE_FIX: (&str, &str) = (
    "rename one of the types (type names are local to this file)",
    "rename the type (type names are local to this file)",
);
/// Fixes for a collision of two enum values, or of one with the fallback variant.
const ENUM_FIX: (&str, &str) = (
    "remove one of them (a value not listed still decodes, as `Unknown(..)`)",
    "remove the value (it still decodes, as `Unknown(..)`)",
);

/// Methods of the SDK's client (its own and, through `Deref`, the core client's): a namespace
/// accessor of the same name would shadow or clash with them.
const CLIENT_METHODS: &[&str] = &[
    "builder",
    "core",
    "with_token_provider",
    "call",
    "call_with",
    "call_raw",
    "call_raw_with",
    "execute",
    "oauth",
    "credentials",
    "base_url",
    "clone",
    "deref",
];

/// Builds the model; `specs` must already be valid.
pub fn lower(specs: &[Spec], diags: &mut Diagnostics) -> Model {
    let mut model = Model::default();
    let mut modules: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for spec in specs {
        let id = format!("{}:{}-{}", spec.namespace, spec.name, spec.version);
        if let Some(other) = ids.insert(id.clone(), spec.file.clone()) {
            diags.push(
                &spec.file,
                "",
                format!("duplicate API {id} (also defined in {other})"),
            );
            continue;
        }
        let module = naming::namespace_module(&spec.namespace);
        if module.trim_start_matches("r#").is_empty() {
            diags.push(
                &spec.file,
                "/namespace",
                format!(
                    "namespace \"{}\" has no letters or digits to make a module name from",
                    spec.namespace
                ),
            );
            continue;
        }
        if CLIENT_METHODS.contains(&module.as_str()) {
            diags.push(&spec.file, "/namespace", format!("namespace \"{}\" maps to the accessor `client.{module}()`, which the client already has for itself", spec.namespace));
            continue;
        }
        match modules.get(&module) {
            Some((wire, file)) if *wire != spec.namespace => {
                diags.push(&spec.file, "/namespace", format!("namespaces \"{}\" and \"{wire}\" ({file}) both map to the module `{module}`", spec.namespace));
                continue;
            }
            _ => {
                modules.insert(module.clone(), (spec.namespace.clone(), spec.file.clone()));
            }
        }
        let Some(api) = lower_api(spec, diags) else {
            continue;
        };
        let ns = model
            .namespaces
            .entry(module.clone())
            .or_insert_with(|| Namespace {
                wire: spec.namespace.clone(),
                accessor: format!("{}Api", naming::camel(module.trim_start_matches("r#"))),
                module,
                apis: BTreeMap::new(),
                shared: BTreeMap::new(),
            });
        if api.method == "types" {
            diags.push(
                &spec.file,
                "/name",
                format!(
                    "API {id} maps to the module `types`, which holds the namespace's shared types"
                ),
            );
            continue;
        }
        if let Some(other) = ns.apis.get(&api.method) {
            diags.push(
                &spec.file,
                "/name",
                format!(
                    "APIs {id} and {} both map to the method `{}`",
                    other.id(),
                    api.method
                ),
            );
            continue;
        }
        ns.apis.insert(api.method.clone(), api);
    }
    for ns in model.namespaces.values_mut() {
        for api in ns.apis.values().filter(|a| a.paging.is_some()) {
            let stream = format!("{}_stream", api.method.trim_start_matches("r#"));
            if let Some(other) = ns.apis.get(&stream) {
                diags.push(
                    &api.source,
                    "/paging",
                    format!(
                        "the stream companion `{stream}` of {} is the method of API {}",
                        api.id(),
                        other.id()
                    ),
                );
            }
        }
        share_types(ns);
    }
    model
}

fn lower_api(spec: &Spec, diags: &mut Diagnostics) -> Option<Api> {
    let before = diags.0.len();
    let (method, prefix) = naming::api(&spec.name, spec.version);
    let request = format!("{prefix}Request");
    let response = format!("{prefix}Response");
    if method.trim_start_matches("r#").is_empty() {
        diags.push(
            &spec.file,
            "/name",
            format!(
                "API name \"{}\" has no letters or digits to make a method name from",
                spec.name
            ),
        );
        return None;
    }
    let mut type_names = Names::new(&spec.file, "type", TYPE_FIX.0, TYPE_FIX.1);
    type_names.reserve(&request, "the generated request type");
    type_names.reserve(&response, "the generated response type");
    let rust_types: BTreeMap<&str, String> = spec
        .types
        .keys()
        .map(|k| (k.as_str(), naming::camel(k)))
        .collect();
    for (wire, def) in &spec.types {
        let rust = &rust_types[wire.as_str()];
        if rust == "Self" {
            diags.push(
                &spec.file,
                &def.pointer,
                format!("type \"{wire}\" maps to `Self`, a Rust keyword; rename the type (type names are local to this file)"),
            );
        }
        type_names.claim(rust, wire, &def.pointer, diags);
    }
    let cycles = direct_cycles(spec);
    // `setters`: whether optional fields get a setter method (params and named types do).
    let resolve = |f: &Field,
                   owner: Option<&str>,
                   setters: bool,
                   diags: &mut Diagnostics,
                   names: &mut Names|
     -> FieldIr {
        let ident = match &f.rust_name {
            Some(r) => {
                if !naming::is_snake_identifier(r) {
                    diags.push(
                        &spec.file,
                        child(&f.pointer, "rust_name"),
                        format!("\"rust_name\" must be a snake_case Rust identifier (like \"order_flow\" or \"r#type\"), found \"{r}\""),
                    );
                }
                r.clone()
            }
            None => naming::field(&f.name),
        };
        if ident.is_empty() {
            diags.push(
                &spec.file,
                child(&f.pointer, "name"),
                format!(
                    "{} \"{}\" has no letters or digits to make a Rust name from; set \"rust_name\"",
                    names.what, f.name
                ),
            );
        } else if setters && !f.required && ident == "new" {
            diags.push(
                &spec.file,
                &f.pointer,
                format!(
                    "optional {} \"{}\" would get a setter `new`, which is the constructor; set \"rust_name\"",
                    names.what, f.name
                ),
            );
        } else {
            names.claim(&ident, &f.name, &f.pointer, diags);
        }
        let expr = TypeExpr::parse(&f.ty).unwrap_or(TypeExpr::Json);
        let boxed = match (&expr, owner) {
            (TypeExpr::Named(target), Some(owner)) => {
                cycles.contains(&(owner.to_owned(), target.clone()))
            }
            _ => false,
        };
        FieldIr {
            wire: f.name.clone(),
            ident,
            ty: secret_or(resolve_ty(spec, &rust_types, &expr), &f.name),
            spec_ty: f.ty.clone(),
            required: f.required,
            doc: f.doc.clone(),
            boxed,
        }
    };
    let mut names = Names::new(&spec.file, "param", FIELD_FIX, FIELD_FIX);
    let params = spec
        .params
        .iter()
        .map(|f| resolve(f, None, true, diags, &mut names))
        .collect();
    let mut names = Names::new(&spec.file, "response field", FIELD_FIX, FIELD_FIX);
    let response_fields = spec
        .response
        .iter()
        .map(|f| resolve(f, None, false, diags, &mut names))
        .collect();
    let in_params = param_types(spec);
    let mut types = BTreeMap::new();
    for (wire, def) in &spec.types {
        let kind = match &def.kind {
            TypeKind::Struct(fields) => {
                let mut names = Names::new(&spec.file, "field", FIELD_FIX, FIELD_FIX);
                TypeIrKind::Struct(
                    fields
                        .iter()
                        .map(|f| resolve(f, Some(wire), true, diags, &mut names))
                        .collect(),
                )
            }
            TypeKind::Enum(values) => {
                let mut names = Names::new(&spec.file, "enum value", ENUM_FIX.0, ENUM_FIX.1);
                names.reserve("Unknown", "the fallback for values not in the spec");
                let mut variants = Vec::new();
                for (i, v) in values.iter().enumerate() {
                    let variant = naming::variant(v);
                    names.claim(&variant, v, &child(&child(&def.pointer, "enum"), i), diags);
                    variants.push((variant, v.clone()));
                }
                TypeIrKind::Enum(variants)
            }
        };
        types.insert(
            rust_types[wire.as_str()].clone(),
            TypeIr {
                wire: wire.clone(),
                doc: def.doc.clone(),
                kind,
                in_params: in_params.contains(wire.as_str()),
            },
        );
    }
    let mut api = Api {
        source: spec.file.clone(),
        namespace: spec.namespace.clone(),
        name: spec.name.clone(),
        version: spec.version,
        protocol: spec.protocol.clone(),
        signed: spec.signed,
        token: match spec.access_token {
            TokenMode::Required => "Required",
            TokenMode::Optional => "Optional",
            TokenMode::None => "None",
        },
        idempotent: spec.idempotent,
        summary: spec.summary.clone(),
        doc: spec.doc.clone(),
        doc_url: spec.doc_url.clone(),
        method,
        request,
        response,
        params,
        response_fields,
        response_value: spec
            .response_value
            .as_ref()
            .and_then(|v| TypeExpr::parse(&v.ty).ok())
            .map(|expr| resolve_ty(spec, &rust_types, &expr)),
        types,
        shared: Vec::new(),
        example: spec.example_response.as_ref().map(|v| v.to_string()),
        paging: None,
    };
    api.paging = crate::paging::resolve(spec, &api, diags);
    (diags.0.len() == before).then_some(api)
}

/// Wire names whose string values are credentials: typed `Secret`, so `Debug` never shows them.
const SECRET_FIELDS: &[&str] = &[
    "access_token",
    "refresh_token",
    "refreshToken",
    "client_secret",
    "app_secret",
    "userToken",
];

fn secret_or(ty: Ty, wire: &str) -> Ty {
    if ty == Ty::String && SECRET_FIELDS.contains(&wire) {
        Ty::Secret
    } else {
        ty
    }
}

fn resolve_ty(spec: &Spec, rust: &BTreeMap<&str, String>, expr: &TypeExpr) -> Ty {
    match expr {
        TypeExpr::String => Ty::String,
        TypeExpr::Boolean => Ty::Bool,
        TypeExpr::Int => Ty::Int,
        TypeExpr::Long => Ty::Long,
        TypeExpr::Double => Ty::Double,
        TypeExpr::Decimal => Ty::Decimal,
        TypeExpr::Date => Ty::Date,
        TypeExpr::Json => Ty::Json,
        TypeExpr::File => Ty::File,
        TypeExpr::Array(i) => Ty::Array(Box::new(resolve_ty(spec, rust, i))),
        TypeExpr::Map(i) => Ty::Map(Box::new(resolve_ty(spec, rust, i))),
        TypeExpr::Named(n) => match spec.types.get(n).map(|d| &d.kind) {
            Some(TypeKind::Enum(_)) => Ty::Enum(rust[n.as_str()].clone()),
            _ => Ty::Struct(rust[n.as_str()].clone()),
        },
    }
}

/// The named types a caller builds: those reachable from the params. Only these get a
/// constructor and setters; response-only types are decoded, never built by hand.
fn param_types(spec: &Spec) -> BTreeSet<&str> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = spec
        .params
        .iter()
        .filter_map(|f| named_in(spec, &f.ty))
        .collect();
    while let Some(name) = stack.pop() {
        if seen.insert(name) {
            if let Some(TypeKind::Struct(fields)) = spec.types.get(name).map(|d| &d.kind) {
                stack.extend(fields.iter().filter_map(|f| named_in(spec, &f.ty)));
            }
        }
    }
    seen
}

/// The named type a type expression mentions, as a key of `spec.types`.
fn named_in<'a>(spec: &'a Spec, ty: &str) -> Option<&'a str> {
    let expr = TypeExpr::parse(ty).ok()?;
    spec.types
        .get_key_value(expr.named()?)
        .map(|(k, _)| k.as_str())
}

/// Pairs (owner, target) where a struct holds `target` directly (not in a list or map) and
/// `target` leads back to `owner` the same way: such fields need a `Box`.
fn direct_cycles(spec: &Spec) -> BTreeSet<(String, String)> {
    let edges: BTreeMap<&str, Vec<&str>> = spec
        .types
        .iter()
        .map(|(name, def)| {
            let targets = match &def.kind {
                TypeKind::Struct(fields) => fields
                    .iter()
                    .filter_map(|f| match TypeExpr::parse(&f.ty) {
                        Ok(TypeExpr::Named(n)) if spec.types.contains_key(&n) => {
                            spec.types.get_key_value(&n).map(|(k, _)| k.as_str())
                        }
                        _ => None,
                    })
                    .collect(),
                TypeKind::Enum(_) => Vec::new(),
            };
            (name.as_str(), targets)
        })
        .collect();
    let reaches = |from: &str, to: &str| {
        let mut stack = vec![from];
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n) {
                stack.extend(edges.get(n).into_iter().flatten().copied());
            }
        }
        false
    };
    let mut out = BTreeSet::new();
    for (owner, targets) in &edges {
        for target in targets {
            if reaches(target, owner) {
                out.insert((owner.to_string(), target.to_string()));
            }
        }
    }
    out
}

/// Moves named types that two or more APIs of a namespace define identically (and whose own
/// named fields are shared too) into the namespace's shared types: one `ProductInfo` for
/// `product_get`, `cross_product_info` and `cross_product_list`, compiled once.
fn share_types(ns: &mut Namespace) {
    let mut defs: BTreeMap<&str, Vec<&TypeIr>> = BTreeMap::new();
    for api in ns.apis.values() {
        for (name, t) in &api.types {
            defs.entry(name).or_default().push(t);
        }
    }
    let same = |a: &TypeIr, b: &TypeIr| a.wire == b.wire && a.doc == b.doc && a.kind == b.kind;
    let mut candidates: BTreeSet<String> = defs
        .iter()
        .filter(|(_, ts)| ts.len() > 1 && ts.iter().all(|t| same(t, ts[0])))
        .map(|(name, _)| name.to_string())
        .collect();
    // A shared type may only refer to shared types: drop candidates until that holds.
    loop {
        let before = candidates.len();
        let keep: BTreeSet<String> = candidates
            .iter()
            .filter(|name| {
                let t = defs[name.as_str()][0];
                referenced(t).iter().all(|r| candidates.contains(r))
            })
            .cloned()
            .collect();
        candidates = keep;
        if candidates.len() == before {
            break;
        }
    }
    for api in ns.apis.values_mut() {
        for name in &candidates {
            if let Some(t) = api.types.remove(name) {
                api.shared.push(name.clone());
                let entry = ns.shared.entry(name.clone()).or_insert_with(|| t.clone());
                entry.in_params |= t.in_params;
            }
        }
    }
}

/// The named types a type's fields refer to.
fn referenced(t: &TypeIr) -> Vec<String> {
    fn walk(ty: &Ty, out: &mut Vec<String>) {
        match ty {
            Ty::Struct(n) | Ty::Enum(n) => out.push(n.clone()),
            Ty::Array(inner) | Ty::Map(inner) => walk(inner, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let TypeIrKind::Struct(fields) = &t.kind {
        for f in fields {
            walk(&f.ty, &mut out);
        }
    }
    out
}
