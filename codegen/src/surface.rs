//! The public surface of a generated crate, as data, and what changed between two of them.
//!
//! Each generated crate carries its surface in `src/generated/surface.jsonl`: one JSON line
//! per API (its Rust names, params, response fields and the named types its module exposes)
//! and one per named type (fields or enum values). `cargo xtask gen` compares the file on disk
//! with the new one before writing, so the changes it prints are against the code being
//! replaced, in a fresh clone or a copy without git alike; `cargo xtask diff <ref>` builds both
//! surfaces from specs. Breaking changes (something removed, retyped or renamed, a new
//! required parameter or field) are flagged `breaking`.

use crate::ir::{FieldIr, Model, TypeIrKind};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Where the surface manifest goes, relative to the crate.
pub const SURFACE_FILE: &str = "src/generated/surface.jsonl";

/// A parameter or field: wire name, Rust name, spec type, required.
pub type Member = (String, String, String, bool);

/// One API as its users see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiSurface {
    /// `namespace:name-version`.
    pub api: String,
    /// The module of its types, e.g. `product::product_get`.
    pub module: String,
    /// The client method, e.g. `product().product_get`.
    pub method: String,
    /// The request type.
    pub request: String,
    /// The response type.
    pub response: String,
    /// Parameters, in spec order.
    pub params: Vec<Member>,
    /// Response fields, in spec order.
    pub fields: Vec<Member>,
    /// The type of a bare-value response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Named types its module exposes (own and re-exported), by Rust name → where defined.
    pub types: BTreeMap<String, String>,
}

/// One named type, at the path where it is defined.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TypeSurface {
    /// e.g. `product::types::ProductInfo`.
    #[serde(rename = "type")]
    pub path: String,
    /// A structure's fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Member>,
    /// An enumeration's (wire value, variant) pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<(String, String)>>,
}

/// The surface of a whole crate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Surface {
    /// APIs by id.
    pub apis: BTreeMap<String, ApiSurface>,
    /// Named types by path.
    pub types: BTreeMap<String, TypeSurface>,
}

fn member(f: &FieldIr) -> Member {
    (
        f.wire.clone(),
        f.ident.clone(),
        f.spec_ty.clone(),
        f.required,
    )
}

fn type_surface(path: String, kind: &TypeIrKind) -> TypeSurface {
    match kind {
        TypeIrKind::Struct(fields) => TypeSurface {
            path,
            fields: fields.iter().map(member).collect(),
            values: None,
        },
        TypeIrKind::Enum(variants) => TypeSurface {
            path,
            fields: Vec::new(),
            values: Some(
                variants
                    .iter()
                    .map(|(v, wire)| (wire.clone(), v.clone()))
                    .collect(),
            ),
        },
    }
}

impl Surface {
    /// The surface of a lowered model.
    pub fn of(model: &Model) -> Surface {
        let mut surface = Surface::default();
        for (name, t) in &model.shared {
            let path = format!("types::{name}");
            surface
                .types
                .insert(path.clone(), type_surface(path, &t.kind));
        }
        for ns in model.namespaces.values() {
            let module = ns.module.trim_start_matches("r#");
            for (name, t) in &ns.shared {
                let path = format!("{module}::types::{name}");
                surface
                    .types
                    .insert(path.clone(), type_surface(path, &t.kind));
            }
            for api in ns.apis.values() {
                let api_module = format!("{module}::{}", api.method.trim_start_matches("r#"));
                let mut types = BTreeMap::new();
                for (name, t) in &api.types {
                    let path = format!("{api_module}::{name}");
                    types.insert(name.clone(), path.clone());
                    surface
                        .types
                        .insert(path.clone(), type_surface(path, &t.kind));
                }
                for name in &api.shared {
                    types.insert(name.clone(), format!("{module}::types::{name}"));
                }
                for name in &api.global {
                    types.insert(name.clone(), format!("types::{name}"));
                }
                surface.apis.insert(
                    api.id(),
                    ApiSurface {
                        api: api.id(),
                        module: api_module,
                        method: format!("{module}().{}", api.method),
                        request: api.request.clone(),
                        response: api.response.clone(),
                        params: api.params.iter().map(member).collect(),
                        fields: api.response_fields.iter().map(member).collect(),
                        value: api.response_value.as_ref().map(|v| format!("{v:?}")),
                        types,
                    },
                );
            }
        }
        surface
    }

    /// The manifest text: one JSON line per API, then one per type, sorted.
    pub fn to_jsonl(&self) -> String {
        let mut out = String::new();
        for api in self.apis.values() {
            out.push_str(&serde_json::to_string(api).expect("plain data serialises"));
            out.push('\n');
        }
        for t in self.types.values() {
            out.push_str(&serde_json::to_string(t).expect("plain data serialises"));
            out.push('\n');
        }
        out
    }

    /// Reads a manifest written by [`Surface::to_jsonl`]; the error names the line.
    pub fn from_jsonl(text: &str) -> Result<Surface, String> {
        let mut surface = Surface::default();
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let value: serde_json::Value =
                serde_json::from_str(line).map_err(|e| format!("line {}: {e}", i + 1))?;
            if value.get("api").is_some() {
                let api: ApiSurface =
                    serde_json::from_value(value).map_err(|e| format!("line {}: {e}", i + 1))?;
                surface.apis.insert(api.api.clone(), api);
            } else {
                let t: TypeSurface =
                    serde_json::from_value(value).map_err(|e| format!("line {}: {e}", i + 1))?;
                surface.types.insert(t.path.clone(), t);
            }
        }
        Ok(surface)
    }
}

/// One difference between two surfaces.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Whether code written against the old surface may no longer compile or decode.
    pub breaking: bool,
    /// What changed: an API id, or a type path.
    pub subject: String,
    /// How.
    pub what: String,
}

/// Everything that differs from `old` to `new`, breaking changes first.
pub fn diff(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut out = BTreeSet::new();
    let mut push = |breaking: bool, subject: &str, what: String| {
        out.insert(Change {
            breaking,
            subject: subject.to_owned(),
            what,
        });
    };
    for (id, api) in &new.apis {
        if !old.apis.contains_key(id) {
            push(false, id, format!("API added: `client.{}(..)`", api.method));
        }
    }
    // Type definitions compared once per (old path, new path) pair some API sees.
    let mut pairs = BTreeSet::new();
    for (id, o) in &old.apis {
        let Some(n) = new.apis.get(id) else {
            push(
                true,
                id,
                format!("API removed (was `client.{}(..)`)", o.method),
            );
            continue;
        };
        for (what, a, b) in [
            ("client method", &o.method, &n.method),
            ("module", &o.module, &n.module),
            ("request type", &o.request, &n.request),
            ("response type", &o.response, &n.response),
        ] {
            if a != b {
                push(true, id, format!("{what} renamed `{a}` → `{b}`"));
            }
        }
        members(&mut push, id, "param", &o.params, &n.params, true);
        members(&mut push, id, "response field", &o.fields, &n.fields, false);
        if o.value != n.value {
            push(
                true,
                id,
                format!(
                    "bare response retyped {} → {}",
                    o.value.as_deref().unwrap_or("(an object)"),
                    n.value.as_deref().unwrap_or("(an object)")
                ),
            );
        }
        for (name, old_path) in &o.types {
            match n.types.get(name) {
                None => push(
                    true,
                    id,
                    format!("type `{name}` removed from `{}`", o.module),
                ),
                Some(new_path) => {
                    if new_path != old_path {
                        push(
                            false,
                            id,
                            format!("type `{name}` now defined at `{new_path}` (was `{old_path}`), still re-exported from `{}`", n.module),
                        );
                    }
                    pairs.insert((old_path.clone(), new_path.clone()));
                }
            }
        }
        for name in n.types.keys().filter(|k| !o.types.contains_key(*k)) {
            push(false, id, format!("type `{name}` added to `{}`", n.module));
        }
    }
    for (old_path, new_path) in pairs {
        let (Some(o), Some(n)) = (old.types.get(&old_path), new.types.get(&new_path)) else {
            continue;
        };
        match (&o.values, &n.values) {
            (Some(a), Some(b)) => {
                for (wire, variant) in a {
                    match b.iter().find(|(w, _)| w == wire) {
                        None => push(
                            true,
                            &new_path,
                            format!("enum value \"{wire}\" removed (`{variant}`)"),
                        ),
                        Some((_, v)) if v != variant => push(
                            true,
                            &new_path,
                            format!("enum value \"{wire}\" renamed `{variant}` → `{v}`"),
                        ),
                        Some(_) => {}
                    }
                }
                for (wire, variant) in b.iter().filter(|(w, _)| !a.iter().any(|(x, _)| x == w)) {
                    push(
                        false,
                        &new_path,
                        format!("enum value \"{wire}\" added (`{variant}`)"),
                    );
                }
            }
            (None, None) => members(&mut push, &new_path, "field", &o.fields, &n.fields, true),
            _ => push(
                true,
                &new_path,
                format!(
                    "changed from {} to {}",
                    if o.values.is_some() {
                        "an enum"
                    } else {
                        "a struct"
                    },
                    if n.values.is_some() {
                        "an enum"
                    } else {
                        "a struct"
                    }
                ),
            ),
        }
    }
    let mut changes: Vec<Change> = out.into_iter().collect();
    changes.sort_by(|a, b| b.breaking.cmp(&a.breaking).then(a.cmp(b)));
    changes
}

/// Params or fields by wire name. `required_added_breaks`: adding a required one breaks
/// callers (a new argument of `new`); a new required response field does not.
fn members(
    push: &mut impl FnMut(bool, &str, String),
    subject: &str,
    what: &str,
    old: &[Member],
    new: &[Member],
    required_added_breaks: bool,
) {
    for (wire, ident, ty, required) in old {
        match new.iter().find(|m| &m.0 == wire) {
            None => push(true, subject, format!("{what} `{wire}` removed")),
            Some((_, new_ident, new_ty, new_required)) => {
                if ty != new_ty {
                    push(
                        true,
                        subject,
                        format!("{what} `{wire}` retyped {ty} → {new_ty}"),
                    );
                }
                if ident != new_ident {
                    push(
                        true,
                        subject,
                        format!("{what} `{wire}` renamed in Rust `{ident}` → `{new_ident}`"),
                    );
                }
                if required != new_required {
                    let (a, b) = if *required {
                        ("required", "optional")
                    } else {
                        ("optional", "required")
                    };
                    push(true, subject, format!("{what} `{wire}` now {b} (was {a})"));
                }
            }
        }
    }
    for (wire, _, ty, required) in new.iter().filter(|m| !old.iter().any(|o| o.0 == m.0)) {
        let kind = if *required { "required " } else { "" };
        push(
            *required && required_added_breaks,
            subject,
            format!("{kind}{what} `{wire}` added ({ty})"),
        );
    }
}

/// The changes as plain lines for a terminal, `breaking` first.
pub fn to_text(changes: &[Change]) -> String {
    let mut out = String::new();
    for c in changes {
        let tag = if c.breaking { "breaking" } else { "change" };
        let _ = writeln!(out, "  {tag}: {}: {}", c.subject, c.what);
    }
    out
}

/// The changes as Markdown for a pull-request description.
pub fn to_markdown(changes: &[Change], old_label: &str, new_label: &str) -> String {
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let mut out = format!(
        "## API changes: {old_label} → {new_label}\n\n{} change{}, {breaking} breaking.\n",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" }
    );
    for (title, flag) in [("Breaking", true), ("Other", false)] {
        let section: Vec<&Change> = changes.iter().filter(|c| c.breaking == flag).collect();
        if section.is_empty() {
            continue;
        }
        let _ = write!(out, "\n### {title}\n\n");
        for c in section {
            let tag = if c.breaking { "**breaking** " } else { "" };
            let _ = writeln!(out, "- {tag}`{}`: {}", c.subject, c.what);
        }
    }
    out
}
