//! Lower: specs → [`Model`], deciding every Rust name and rejecting any two that collide.

use crate::diag::{child, Diagnostic, Diagnostics};
use crate::ir::{Api, FieldIr, Model, Namespace, Ty, TypeIr, TypeIrKind};
use crate::naming;
use crate::shared::{Home, Scope, Shared};
use crate::spec::{Field, Spec, TokenMode, TypeDef, TypeKind};
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

    /// Takes a name for something defined elsewhere (a re-exported shared type), described by
    /// `by`; a collision is reported at `pointer` of this file.
    fn claim_as(&mut self, rust: &str, by: String, pointer: &str, diags: &mut Diagnostics) {
        let key = rust.trim_start_matches("r#").to_owned();
        match self.taken.get(&key) {
            Some((other, _)) => diags.push(
                self.file,
                pointer,
                format!(
                    "{by} and {other} both map to the Rust name `{rust}`; {}",
                    self.fix
                ),
            ),
            None => {
                self.taken.insert(key, (by, false));
            }
        }
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
const TYPE_FIX: (&str, &str) = ("rename one of the types", "rename the type");
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

/// Builds the model; `specs` (folded, see [`Shared::fold_copies`]) and `shared` must already
/// be valid. Notes (not errors) go to the model.
pub fn lower(specs: &[Spec], shared: &Shared, diags: &mut Diagnostics) -> Model {
    let mut model = Model::default();
    let mut modules: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    // Shared types each API reaches: (module, home, wire name) → reached from the params.
    let mut used: BTreeMap<(String, Home, String), bool> = BTreeMap::new();
    // Each API is lowered on its own, on every core. The loop below takes them in file order and
    // merges each one's diagnostics where a sequential run would have found them, so the model
    // and the diagnostics are the same as lowering one spec after another.
    let lowered = crate::parallel_checked(specs, |spec, found| {
        let scope = shared.scope(&spec.namespace, Some((&spec.file, &spec.types)));
        lower_api(spec, shared, scope, found)
    });
    for (spec, (api, found)) in specs.iter().zip(lowered) {
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
        if module == "types" {
            diags.push(&spec.file, "/namespace", format!("namespace \"{}\" maps to the module `types`, which holds the types shared across namespaces", spec.namespace));
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
        diags.append(found);
        let Some((api, reached)) = api else {
            continue;
        };
        let ns = model
            .namespaces
            .entry(module.clone())
            .or_insert_with(|| Namespace {
                wire: spec.namespace.clone(),
                accessor: format!("{}Api", naming::camel(module.trim_start_matches("r#"))),
                module: module.clone(),
                apis: BTreeMap::new(),
                shared: BTreeMap::new(),
                imports: Vec::new(),
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
        for ((home, name), in_params) in reached {
            if home != Home::Local {
                *used.entry((module.clone(), home, name)).or_default() |= in_params;
            }
        }
        ns.apis.insert(api.method.clone(), api);
    }
    lower_shared(&mut model, shared, &used, diags);
    crate::paging::lower(specs, &mut model, diags);
    model
}

/// The shared types some API uses, lowered once each: a namespace's into its `types` module,
/// the global ones into the crate's, each behind the features of the namespaces that use it.
/// Shared types no API uses are noted and left out.
fn lower_shared(
    model: &mut Model,
    shared: &Shared,
    used: &BTreeMap<(String, Home, String), bool>,
    diags: &mut Diagnostics,
) {
    let mut global_users: BTreeMap<&str, (BTreeSet<String>, bool)> = BTreeMap::new();
    for ((module, home, name), in_params) in used {
        if *home == Home::Global {
            let entry = global_users.entry(name).or_default();
            entry.0.insert(module.trim_start_matches("r#").to_owned());
            entry.1 |= in_params;
        }
    }
    let no_file = crate::spec::SharedFile {
        file: String::new(),
        namespace: None,
        types: BTreeMap::new(),
    };
    for ns in model.namespaces.values_mut() {
        let file = shared.namespaces.get(&ns.wire).unwrap_or(&no_file);
        let scope = shared.layer_scope(Home::Namespace, &ns.wire);
        let in_params = |name: &str| {
            used.get(&(ns.module.clone(), Home::Namespace, name.to_owned()))
                .copied()
        };
        let mut names = Names::new(&file.file, "type", TYPE_FIX.0, TYPE_FIX.1);
        let defs: Vec<_> = file
            .types
            .iter()
            .filter(|(name, _)| in_params(name).is_some())
            .collect();
        let lowerer = Lowerer {
            file: &file.file,
            scope,
            cycles: direct_cycles(&file.types),
        };
        ns.shared = lowerer.types(&defs, |n| in_params(n) == Some(true), &mut names, diags);
        // The crate-wide types the namespace's APIs use are re-exported from its `types`
        // module too: its own shared types may hold them, and `<ns>::types` then offers every
        // shared type of the namespace (as it did when sharing was per namespace only).
        let imports: Vec<&String> = used
            .keys()
            .filter(|(m, home, _)| *m == ns.module && *home == Home::Global)
            .map(|(_, _, name)| name)
            .collect();
        let g = shared
            .global
            .as_ref()
            .map(|g| g.file.as_str())
            .unwrap_or_default();
        for name in &imports {
            names.claim_as(
                &naming::camel(name),
                format!("the shared type \"{name}\" of {g}"),
                "",
                diags,
            );
        }
        ns.imports = imports.iter().map(|n| naming::camel(n)).collect();
    }
    if let Some(file) = &shared.global {
        let mut names = Names::new(&file.file, "type", TYPE_FIX.0, TYPE_FIX.1);
        let defs: Vec<_> = file
            .types
            .iter()
            .filter(|(name, _)| global_users.contains_key(name.as_str()))
            .collect();
        let lowerer = Lowerer {
            file: &file.file,
            scope: shared.layer_scope(Home::Global, ""),
            cycles: direct_cycles(&file.types),
        };
        model.shared = lowerer.types(
            &defs,
            |n| global_users.get(n).is_some_and(|u| u.1),
            &mut names,
            diags,
        );
        for (name, (features, _)) in &global_users {
            model
                .shared_features
                .insert(naming::camel(name), features.iter().cloned().collect());
        }
    }
    for (file, _) in shared.files() {
        for (name, def) in &file.types {
            let is_used = match &file.namespace {
                None => global_users.contains_key(name.as_str()),
                Some(ns) => used.keys().any(|(m, home, n)| {
                    *home == Home::Namespace
                        && n == name
                        && model.namespaces.get(m).is_some_and(|x| &x.wire == ns)
                }),
            };
            if !is_used {
                model.notes.push(Diagnostic {
                    file: file.file.clone(),
                    pointer: def.pointer.clone(),
                    message: format!(
                        "shared type \"{name}\" is used by no API, so it is not generated"
                    ),
                });
            }
        }
    }
}

/// Lowers fields and named types of one scope: a spec, a namespace's shared file, or the
/// global one.
struct Lowerer<'a> {
    /// The file the definitions are in.
    file: &'a str,
    /// Where their type names resolve.
    scope: Scope<'a>,
    /// (owner, target) pairs that need a `Box`, within this layer.
    cycles: BTreeSet<(String, String)>,
}

impl Lowerer<'_> {
    /// A param or field; `owner` is the named type holding it; `setters`: whether an
    /// optional one gets a setter method (params and named types do).
    fn field(
        &self,
        f: &Field,
        owner: Option<&str>,
        setters: bool,
        diags: &mut Diagnostics,
        names: &mut Names,
    ) -> FieldIr {
        let ident = match &f.rust_name {
            Some(r) => {
                if !naming::is_snake_identifier(r) {
                    diags.push(
                        self.file,
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
                self.file,
                child(&f.pointer, "name"),
                format!(
                    "{} \"{}\" has no letters or digits to make a Rust name from; set \"rust_name\"",
                    names.what, f.name
                ),
            );
        } else if setters && !f.required && ident == "new" {
            diags.push(
                self.file,
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
                self.cycles.contains(&(owner.to_owned(), target.clone()))
            }
            _ => false,
        };
        FieldIr {
            wire: f.name.clone(),
            ident,
            ty: secret_or(resolve_ty(&self.scope, &expr), &f.name),
            spec_ty: f.ty.clone(),
            required: f.required,
            doc: f.doc.clone(),
            boxed,
        }
    }

    /// Named types, keyed by Rust name; their names are claimed in `type_names`.
    fn types(
        &self,
        defs: &[(&String, &TypeDef)],
        in_params: impl Fn(&str) -> bool,
        type_names: &mut Names,
        diags: &mut Diagnostics,
    ) -> BTreeMap<String, TypeIr> {
        let mut out = BTreeMap::new();
        for (wire, def) in defs {
            let rust = naming::camel(wire);
            if rust == "Self" {
                diags.push(
                    self.file,
                    &def.pointer,
                    format!("type \"{wire}\" maps to `Self`, a Rust keyword; rename the type"),
                );
            }
            type_names.claim(&rust, wire, &def.pointer, diags);
            let kind = match &def.kind {
                TypeKind::Struct(fields) => {
                    let mut names = Names::new(self.file, "field", FIELD_FIX, FIELD_FIX);
                    TypeIrKind::Struct(
                        fields
                            .iter()
                            .map(|f| self.field(f, Some(wire), true, diags, &mut names))
                            .collect(),
                    )
                }
                TypeKind::Enum(values) => {
                    let mut names = Names::new(self.file, "enum value", ENUM_FIX.0, ENUM_FIX.1);
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
            out.insert(
                rust,
                TypeIr {
                    wire: wire.to_string(),
                    doc: def.doc.clone(),
                    kind,
                    in_params: in_params(wire),
                },
            );
        }
        out
    }
}

/// Named types an API reaches, with whether it reaches them from its params (callers build
/// those, so they get a constructor and setters).
type Reached = BTreeMap<(Home, String), bool>;

fn lower_api(
    spec: &Spec,
    shared: &Shared,
    scope: Scope,
    diags: &mut Diagnostics,
) -> Option<(Api, Reached)> {
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
    let reached = reach(spec, shared, scope);
    let mut type_names = Names::new(&spec.file, "type", TYPE_FIX.0, TYPE_FIX.1);
    type_names.reserve(&request, "the generated request type");
    type_names.reserve(&response, "the generated response type");
    // Shared types it reaches are re-exported from its module, unless a local type of the
    // same name shadows them.
    let (mut ns_shared, mut global) = (Vec::new(), Vec::new());
    for (home, name) in reached.keys() {
        if *home == Home::Local || spec.types.contains_key(name) {
            continue;
        }
        let rust = naming::camel(name);
        let file = scope.get(name).map(|r| r.file).unwrap_or_default();
        type_names.claim_as(
            &rust,
            format!("the shared type \"{name}\" of {file}"),
            "",
            diags,
        );
        match home {
            Home::Namespace => ns_shared.push(rust),
            _ => global.push(rust),
        }
    }
    let lowerer = Lowerer {
        file: &spec.file,
        scope,
        cycles: direct_cycles(&spec.types),
    };
    let mut names = Names::new(&spec.file, "param", FIELD_FIX, FIELD_FIX);
    let params = spec
        .params
        .iter()
        .map(|f| lowerer.field(f, None, true, diags, &mut names))
        .collect();
    let mut names = Names::new(&spec.file, "response field", FIELD_FIX, FIELD_FIX);
    let response_fields = spec
        .response
        .iter()
        .map(|f| lowerer.field(f, None, false, diags, &mut names))
        .collect();
    let defs: Vec<_> = spec.types.iter().collect();
    let types = lowerer.types(
        &defs,
        |n| reached.get(&(Home::Local, n.to_owned())) == Some(&true),
        &mut type_names,
        diags,
    );
    let api = Api {
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
            .map(|expr| resolve_ty(&scope, &expr)),
        types,
        shared: ns_shared,
        global,
        example: spec.example_response.as_ref().map(|v| v.to_string()),
        paging: None,
    };
    (diags.0.len() == before).then_some((api, reached))
}

/// Every named type an API reaches from its params, its response and its own types, following
/// each definition's fields in the scope of the file that defines it.
fn reach(spec: &Spec, shared: &Shared, scope: Scope) -> Reached {
    let mut out = Reached::new();
    let roots = |fields: &[Field], params: bool| {
        fields
            .iter()
            .map(|f| (f.ty.clone(), params))
            .collect::<Vec<_>>()
    };
    let mut stack: Vec<(Scope, String, bool)> = Vec::new();
    for (ty, params) in roots(&spec.params, true)
        .into_iter()
        .chain(roots(&spec.response, false))
        .chain(spec.response_value.iter().map(|v| (v.ty.clone(), false)))
        .chain(spec.types.keys().map(|k| (k.clone(), false)))
    {
        stack.push((scope, ty, params));
    }
    while let Some((scope, ty, params)) = stack.pop() {
        let Some((name, found)) = scope.named(&ty) else {
            continue;
        };
        // Visit a type again only when this visit adds "reached from the params".
        match out.get_mut(&(found.home, name.clone())) {
            Some(seen) if *seen || !params => continue,
            Some(seen) => *seen = true,
            None => {
                out.insert((found.home, name), params);
            }
        }
        if let TypeKind::Struct(fields) = &found.def.kind {
            let inner = match found.home {
                Home::Local => scope,
                home => shared.layer_scope(home, &spec.namespace),
            };
            stack.extend(fields.iter().map(|f| (inner, f.ty.clone(), params)));
        }
    }
    out
}

/// Fields whose string values are credentials ([`crate::names::is_secret`]) are typed `Secret`,
/// so `Debug` never shows them.
fn secret_or(ty: Ty, wire: &str) -> Ty {
    if ty == Ty::String && crate::names::is_secret(wire) {
        Ty::Secret
    } else {
        ty
    }
}

fn resolve_ty(scope: &Scope, expr: &TypeExpr) -> Ty {
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
        TypeExpr::Array(i) => Ty::Array(Box::new(resolve_ty(scope, i))),
        TypeExpr::Map(i) => Ty::Map(Box::new(resolve_ty(scope, i))),
        TypeExpr::Named(n) => match scope.get(n).map(|r| &r.def.kind) {
            Some(TypeKind::Enum(_)) => Ty::Enum(naming::camel(n)),
            _ => Ty::Struct(naming::camel(n)),
        },
    }
}

/// Pairs (owner, target) where a struct holds `target` directly (not in a list or map) and
/// `target` leads back to `owner` the same way: such fields need a `Box`.
fn direct_cycles(types: &BTreeMap<String, TypeDef>) -> BTreeSet<(String, String)> {
    let edges: BTreeMap<&str, Vec<&str>> = types
        .iter()
        .map(|(name, def)| {
            let targets = match &def.kind {
                TypeKind::Struct(fields) => fields
                    .iter()
                    .filter_map(|f| match TypeExpr::parse(&f.ty) {
                        Ok(TypeExpr::Named(n)) => types.get_key_value(&n).map(|(k, _)| k.as_str()),
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
