//! Validate: everything about a spec that does not depend on naming.

use crate::diag::{child, Diagnostics};
use crate::shared::Scope;
use crate::spec::{Field, SharedFile, Spec, TypeDef, TypeKind};
use crate::types::TypeExpr;
use serde_json::Value;
use std::collections::BTreeMap;

/// Checks one loaded spec, whose type names resolve in `scope`. `rel_path` is its path under
/// `api-specs/`, with `/` separators.
pub fn validate(spec: &Spec, rel_path: &str, scope: &Scope, diags: &mut Diagnostics) {
    let file = spec.file.as_str();
    let expected = format!("{}/{}-{}.json", spec.namespace, spec.name, spec.version);
    // An empty namespace or name, or a zero version, was reported when loading.
    let identity_loaded = !spec.namespace.is_empty() && !spec.name.is_empty() && spec.version > 0;
    if identity_loaded && rel_path != expected {
        // `file` is `<specs dir>/<rel_path>`: name the specs dir actually in use.
        let dir = file.strip_suffix(rel_path).unwrap_or("");
        diags.push(
            file,
            "",
            format!(
                "the file's path must be {dir}{expected} to match its namespace, name and version"
            ),
        );
    }
    for (key, value) in [("namespace", &spec.namespace), ("name", &spec.name)] {
        let words = value.split('.');
        let malformed = words.clone().any(str::is_empty)
            || !words
                .flat_map(str::chars)
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        // Empty was reported when loading.
        if !value.is_empty() && malformed {
            diags.push(file, format!("/{key}"), format!("\"{key}\" must be dot-separated words of letters, digits and '_', found \"{value}\""));
        }
    }
    if let Some(url) = &spec.doc_url {
        if !url.starts_with("https://") && !url.starts_with("http://") {
            diags.push(
                file,
                "/doc_url",
                format!("\"doc_url\" must be an http(s) URL, found \"{url}\""),
            );
        }
    }
    fields(file, scope, &spec.params, "param", true, diags);
    fields(file, scope, &spec.response, "response field", false, diags);
    if let Some(value) = &spec.response_value {
        value_type(file, scope, value, diags);
    }
    types(file, scope, &spec.types, diags);
    if let (Some(example), Some(value)) = (&spec.example_response, &spec.response_value) {
        if let Ok(ty) = TypeExpr::parse(&value.ty) {
            example_value(file, scope, &ty, example, "/example_response", diags);
        }
    } else if let Some(example) = &spec.example_response {
        if example.is_object() {
            example_fields(
                file,
                scope,
                &spec.response,
                example,
                "/example_response",
                diags,
            );
        } else {
            diags.push(
                file,
                "/example_response",
                "\"example_response\" must be a JSON object, like the API's response",
            );
        }
    }
}

/// Whether a directory name under `api-specs/` is a well-formed namespace (dot-separated
/// words of letters, digits and `_`).
pub fn namespace_dir(dir: &str) -> bool {
    let words = dir.split('.');
    !dir.is_empty()
        && !words.clone().any(str::is_empty)
        && words
            .flat_map(str::chars)
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Checks a shared-types file, whose names resolve in `scope`.
pub fn validate_shared(shared: &SharedFile, scope: &Scope, diags: &mut Diagnostics) {
    types(&shared.file, scope, &shared.types, diags);
}

/// Checks named type definitions: names, fields, enum values.
fn types(file: &str, scope: &Scope, types: &BTreeMap<String, TypeDef>, diags: &mut Diagnostics) {
    for (name, def) in types {
        if TypeExpr::parse(name) != Ok(TypeExpr::Named(name.clone())) {
            diags.push(file, &def.pointer, format!("type name \"{name}\" must be a name like \"SkuInfo\", not a built-in type or expression"));
        }
        match &def.kind {
            TypeKind::Struct(fs) => fields(file, scope, fs, "field", false, diags),
            TypeKind::Enum(values) if values.is_empty() => diags.push(
                file,
                child(&def.pointer, "enum"),
                format!("enum \"{name}\" has no values"),
            ),
            TypeKind::Enum(values) => {
                let mut seen = BTreeMap::new();
                for (i, v) in values.iter().enumerate() {
                    if let Some(first) = seen.insert(v.as_str(), i) {
                        diags.push(
                            file,
                            child(&child(&def.pointer, "enum"), i),
                            format!("duplicate enum value \"{v}\" (also at index {first})"),
                        );
                    }
                }
            }
        }
    }
}

/// `"response": "<type>"`: the type must exist and cannot be a file.
fn value_type(file: &str, scope: &Scope, value: &Field, diags: &mut Diagnostics) {
    match TypeExpr::parse(&value.ty) {
        Err(e) => diags.push(file, &value.pointer, e),
        Ok(ty) if ty.has_file() => diags.push(
            file,
            &value.pointer,
            "\"file\" is only allowed as the type of a top-level param, not a response",
        ),
        Ok(ty) => {
            if let Some(name) = ty.named().filter(|n| scope.get(n).is_none()) {
                diags.push(file, &value.pointer, scope.unknown(name));
            }
        }
    }
}

fn fields(
    file: &str,
    scope: &Scope,
    fields: &[Field],
    what: &str,
    allow_file: bool,
    diags: &mut Diagnostics,
) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for f in fields {
        if let Some(first) = seen.insert(f.name.as_str(), f.pointer.as_str()) {
            diags.push(
                file,
                child(&f.pointer, "name"),
                format!("duplicate {what} \"{}\" (also at {first})", f.name),
            );
        }
        if f.name.is_empty() {
            diags.push(
                file,
                child(&f.pointer, "name"),
                format!("{what} name must not be empty"),
            );
        }
        let ty_pointer = child(&f.pointer, "type");
        match TypeExpr::parse(&f.ty) {
            Err(e) => diags.push(file, ty_pointer, e),
            Ok(ty) => {
                if let Some(name) = ty.named().filter(|n| scope.get(n).is_none()) {
                    diags.push(file, ty_pointer.clone(), scope.unknown(name));
                }
                if ty.has_file() && !(allow_file && ty == TypeExpr::File) {
                    diags.push(file, ty_pointer, format!("\"file\" is only allowed as the type of a top-level param, not in a {what}{}", if allow_file { " container" } else { "" }));
                }
            }
        }
    }
}

/// Checks that an example has every required field with a plausible JSON type, so a wrong
/// example is reported here, at its pointer, rather than by a failing generated test.
fn example_fields(
    file: &str,
    scope: &Scope,
    fields: &[Field],
    value: &Value,
    pointer: &str,
    diags: &mut Diagnostics,
) {
    let Some(map) = value.as_object() else { return };
    for f in fields {
        match map.get(&f.name) {
            None | Some(Value::Null) if f.required => diags.push(
                file,
                pointer,
                format!("example is missing required field \"{}\"", f.name),
            ),
            None | Some(Value::Null) => {}
            Some(v) => {
                if let Ok(ty) = TypeExpr::parse(&f.ty) {
                    example_value(file, scope, &ty, v, &child(pointer, &f.name), diags);
                }
            }
        }
    }
}

fn example_value(
    file: &str,
    scope: &Scope,
    ty: &TypeExpr,
    v: &Value,
    pointer: &str,
    diags: &mut Diagnostics,
) {
    let numeric_text = |v: &Value| v.as_str().is_some_and(|s| s.trim().parse::<f64>().is_ok());
    let ok = match ty {
        TypeExpr::String => !v.is_object() && !v.is_array(),
        TypeExpr::Boolean => v.is_boolean() || matches!(v.as_str(), Some("true" | "false")),
        TypeExpr::Int | TypeExpr::Long => {
            v.is_i64() || v.is_u64() || v.as_str().is_some_and(|s| s.trim().parse::<i64>().is_ok())
        }
        TypeExpr::Double | TypeExpr::Decimal => v.is_number() || numeric_text(v),
        TypeExpr::Date => v.is_string() || v.is_i64(),
        TypeExpr::Json | TypeExpr::File => true,
        TypeExpr::Array(inner) => match v.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    example_value(file, scope, inner, item, &child(pointer, i), diags);
                }
                true
            }
            None => false,
        },
        TypeExpr::Map(inner) => match v.as_object() {
            Some(items) => {
                for (k, item) in items {
                    example_value(file, scope, inner, item, &child(pointer, k), diags);
                }
                true
            }
            None => false,
        },
        TypeExpr::Named(name) => match scope.get(name).map(|r| &r.def.kind) {
            Some(TypeKind::Struct(fields)) if v.is_object() => {
                example_fields(file, scope, fields, v, pointer, diags);
                true
            }
            Some(TypeKind::Struct(_)) => false,
            Some(TypeKind::Enum(_)) => v.is_string(),
            None => true,
        },
    };
    if !ok {
        diags.push(
            file,
            pointer,
            format!("example value {v} does not fit type \"{ty}\""),
        );
    }
}
