//! Shared types: where a type name resolves, and folding a spec's copy of a shared type into it.
//!
//! A name resolves in the spec's own `types`, then in its namespace's `_types.json`, then in
//! `api-specs/_types.json`. A spec may still define a type that a shared file defines: with the
//! same structure (docs aside) it *is* the shared type and is folded into it, so old specs and
//! copies from another API keep working; with another structure it is the API's own type,
//! shadowing the shared one for that API (reported as a note). A namespace file and the global
//! file must agree on a name they both define. Docs of the outermost definition win.

use crate::diag::{did_you_mean, Diagnostic, Diagnostics};
use crate::spec::{Field, SharedFile, Spec, TypeDef, TypeKind, SHARED_FILE};
use crate::types::{TypeExpr, BUILTINS};
use std::collections::{BTreeMap, BTreeSet};

/// Where a named type is defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Home {
    /// In the spec's own `types`: generated in the API's module.
    Local,
    /// In `<namespace>/_types.json`: generated in the namespace's `types` module.
    Namespace,
    /// In `_types.json`: generated in the crate's `types` module.
    Global,
}

/// Every shared-types file, by scope.
#[derive(Debug, Default)]
pub struct Shared {
    /// `_types.json`, if there is one.
    pub global: Option<SharedFile>,
    /// `<namespace>/_types.json`, by wire namespace.
    pub namespaces: BTreeMap<String, SharedFile>,
}

/// A name resolved in a [`Scope`].
#[derive(Clone, Copy, Debug)]
pub struct Resolved<'a> {
    /// The definition.
    pub def: &'a TypeDef,
    /// Which layer defines it.
    pub home: Home,
    /// The file that defines it.
    pub file: &'a str,
}

/// The types visible from one place, innermost layer first.
#[derive(Clone, Copy, Debug)]
pub struct Scope<'a> {
    local: Option<(&'a str, &'a BTreeMap<String, TypeDef>)>,
    namespace: Option<&'a SharedFile>,
    global: Option<&'a SharedFile>,
    shared: &'a Shared,
}

impl<'a> Scope<'a> {
    /// The definition a name refers to here.
    pub fn get(&self, name: &str) -> Option<Resolved<'a>> {
        if let Some((file, types)) = self.local {
            if let Some(def) = types.get(name) {
                return Some(Resolved {
                    def,
                    home: Home::Local,
                    file,
                });
            }
        }
        [
            (self.namespace, Home::Namespace),
            (self.global, Home::Global),
        ]
        .into_iter()
        .find_map(|(layer, home)| {
            let layer = layer?;
            layer.types.get(name).map(|def| Resolved {
                def,
                home,
                file: &layer.file,
            })
        })
    }

    /// The definition a type expression mentions, if it names one that exists.
    pub fn named(&self, ty: &str) -> Option<(String, Resolved<'a>)> {
        let expr = TypeExpr::parse(ty).ok()?;
        let name = expr.named()?;
        self.get(name).map(|r| (name.to_owned(), r))
    }

    /// `unknown type "X"` with the best hint: a near spelling, or where the name is defined
    /// out of reach.
    pub fn unknown(&self, name: &str) -> String {
        let mut names: Vec<&str> = BUILTINS.to_vec();
        for layer in [
            self.local.map(|(_, t)| t),
            self.namespace.map(|f| &f.types),
            self.global.map(|f| &f.types),
        ]
        .into_iter()
        .flatten()
        {
            names.extend(layer.keys().map(String::as_str));
        }
        if let Some(near) = did_you_mean(name, names) {
            return format!("unknown type \"{name}\" (did you mean \"{near}\"?)");
        }
        let elsewhere = self
            .shared
            .namespaces
            .values()
            .find(|f| f.types.contains_key(name) && Some(*f) != self.namespace);
        match elsewhere {
            Some(f) => format!(
                "unknown type \"{name}\": it is defined in {} /types/{name}, which only namespace {} sees; to share it across namespaces move it to {}",
                f.file,
                f.namespace.as_deref().unwrap_or_default(),
                global_path(&f.file),
            ),
            None => format!("unknown type \"{name}\""),
        }
    }
}

/// `<dir>/_types.json` for the file `<dir>/<namespace>/_types.json`.
fn global_path(namespace_file: &str) -> String {
    let dir = namespace_file
        .strip_suffix(SHARED_FILE)
        .map(|d| d.trim_end_matches('/'))
        .and_then(|d| d.rsplit_once('/').map(|(dir, _)| dir))
        .unwrap_or("api-specs");
    format!("{dir}/{SHARED_FILE}")
}

impl Shared {
    /// Files in their scopes. A namespace file's copy of a global type (same structure) is
    /// dropped in favour of the global one; a copy with another structure is an error naming
    /// both definitions.
    pub fn new(files: Vec<SharedFile>, diags: &mut Diagnostics) -> Shared {
        let mut shared = Shared::default();
        for file in files {
            match file.namespace.clone() {
                None => shared.global = Some(file),
                Some(ns) => {
                    shared.namespaces.insert(ns, file);
                }
            }
        }
        if let Some(global) = &shared.global {
            for file in shared.namespaces.values_mut() {
                file.types.retain(|name, def| match global.types.get(name) {
                    None => true,
                    Some(g) if same_structure(g, def) => false,
                    Some(g) => {
                        diags.push(
                            &file.file,
                            &def.pointer,
                            format!(
                                "type \"{name}\" is also defined in {} {} with another structure; a shared name means one structure in every scope: make them identical or rename one",
                                global.file, g.pointer
                            ),
                        );
                        true
                    }
                });
            }
        }
        shared
    }

    /// What a spec of `namespace` sees, with `local` (its own types) innermost.
    pub fn scope<'a>(
        &'a self,
        namespace: &str,
        local: Option<(&'a str, &'a BTreeMap<String, TypeDef>)>,
    ) -> Scope<'a> {
        Scope {
            local,
            namespace: self.namespaces.get(namespace),
            global: self.global.as_ref(),
            shared: self,
        }
    }

    /// What the definitions of a shared layer see: a namespace file sees itself, then the
    /// global file; the global file sees only itself.
    pub fn layer_scope<'a>(&'a self, home: Home, namespace: &str) -> Scope<'a> {
        Scope {
            local: None,
            namespace: match home {
                Home::Namespace => self.namespaces.get(namespace),
                _ => None,
            },
            global: self.global.as_ref(),
            shared: self,
        }
    }

    /// Every shared file with the scope its definitions see.
    pub fn files(&self) -> impl Iterator<Item = (&SharedFile, Scope<'_>)> {
        let global = self
            .global
            .iter()
            .map(|g| (g, self.layer_scope(Home::Global, "")));
        let namespaces = self
            .namespaces
            .iter()
            .map(|(ns, f)| (f, self.layer_scope(Home::Namespace, ns)));
        global.chain(namespaces)
    }

    /// Folds the spec's local copies of shared types (same structure) into the shared ones,
    /// and notes the local types that shadow a shared name with another structure.
    pub fn fold_copies(&self, spec: &mut Spec, notes: &mut Vec<Diagnostic>) {
        let outer = self.scope(&spec.namespace, None);
        let mut copies: BTreeSet<String> = spec
            .types
            .iter()
            .filter(|(name, def)| {
                outer
                    .get(name)
                    .is_some_and(|shared| same_structure(shared.def, def))
            })
            .map(|(name, _)| name.clone())
            .collect();
        // A copy that holds a local type which stays local is not the same type after all.
        loop {
            let stays_local = |ty: &str| {
                TypeExpr::parse(ty).ok().is_some_and(|e| {
                    e.named()
                        .is_some_and(|n| spec.types.contains_key(n) && !copies.contains(n))
                })
            };
            let keep: BTreeSet<String> = copies
                .iter()
                .filter(|name| match &spec.types[name.as_str()].kind {
                    TypeKind::Struct(fields) => !fields.iter().any(|f| stays_local(&f.ty)),
                    TypeKind::Enum(_) => true,
                })
                .cloned()
                .collect();
            if keep.len() == copies.len() {
                break;
            }
            copies = keep;
        }
        spec.types.retain(|name, _| !copies.contains(name));
        for (name, def) in &spec.types {
            if let Some(shared) = outer.get(name) {
                notes.push(Diagnostic {
                    file: spec.file.clone(),
                    pointer: def.pointer.clone(),
                    message: format!(
                        "type \"{name}\" differs from the shared one in {} {}, so this API gets its own `{name}`; make it identical to use the shared type, or rename it",
                        shared.file, shared.def.pointer
                    ),
                });
            }
        }
    }
}

/// Whether two definitions are the same type: same fields (name, type, required, Rust name)
/// or the same enum values, in the same order. Docs may differ.
pub fn same_structure(a: &TypeDef, b: &TypeDef) -> bool {
    let key = |f: &Field| {
        (
            f.name.clone(),
            f.ty.trim().to_owned(),
            f.required,
            f.rust_name.clone(),
        )
    };
    match (&a.kind, &b.kind) {
        (TypeKind::Enum(x), TypeKind::Enum(y)) => x == y,
        (TypeKind::Struct(x), TypeKind::Struct(y)) => {
            x.len() == y.len() && x.iter().map(key).eq(y.iter().map(key))
        }
        _ => false,
    }
}
