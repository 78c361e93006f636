//! Load: JSON text → [`Spec`], reporting every missing, unknown or mistyped key.
//!
//! Walks the parsed JSON by hand rather than through `#[serde(deny_unknown_fields)]`, which
//! stops at the first problem and reports line numbers rather than JSON pointers.

use crate::diag::{child, did_you_mean, Diagnostics};
use crate::spec::{Field, Paging, SharedFile, Spec, TokenMode, TypeDef, TypeKind};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

const SPEC_KEYS: &[&str] = &[
    "$schema",
    "namespace",
    "name",
    "version",
    "access_token",
    "signed",
    "idempotent",
    "protocol",
    "summary",
    "doc",
    "doc_url",
    "params",
    "response",
    "types",
    "example_response",
    "paging",
];
const PAGING_KEYS: &[&str] = &["page", "items", "total", "first"];
const SHARED_KEYS: &[&str] = &["$schema", "doc", "types"];
const FIELD_KEYS: &[&str] = &["name", "type", "required", "doc", "rust_name"];
const TYPE_KEYS: &[&str] = &["fields", "enum", "doc"];

/// Reads the keys of one JSON object, remembering problems.
pub(crate) struct Object<'a> {
    map: &'a Map<String, Value>,
    pointer: String,
    file: &'a str,
}

impl<'a> Object<'a> {
    pub(crate) fn new(
        value: &'a Value,
        pointer: String,
        file: &'a str,
        allowed: &[&str],
        what: &str,
        diags: &mut Diagnostics,
    ) -> Option<Self> {
        let Some(map) = value.as_object() else {
            diags.push(
                file,
                pointer,
                format!("expected {what} (a JSON object), found {}", kind(value)),
            );
            return None;
        };
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                let hint = did_you_mean(key, allowed.iter().copied())
                    .map(|s| format!("did you mean \"{s}\"? "))
                    .unwrap_or_default();
                diags.push(
                    file,
                    child(&pointer, key),
                    format!(
                        "unknown key \"{key}\" in {what} ({hint}expected one of: {})",
                        allowed.join(", ")
                    ),
                );
            }
        }
        Some(Object { map, pointer, file })
    }

    pub(crate) fn get(&self, key: &str) -> Option<(&'a Value, String)> {
        self.map.get(key).map(|v| (v, child(&self.pointer, key)))
    }

    pub(crate) fn string(
        &self,
        key: &str,
        required: bool,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        match self.get(key) {
            None if required => {
                diags.push(self.file, &self.pointer, format!("missing key \"{key}\""));
                None
            }
            None => None,
            Some((Value::String(s), _)) => Some(s.clone()),
            Some((v, p)) => {
                diags.push(
                    self.file,
                    p,
                    format!("\"{key}\" must be a string, found {}", kind(v)),
                );
                None
            }
        }
    }

    fn boolean(&self, key: &str, default: bool, diags: &mut Diagnostics) -> bool {
        match self.get(key) {
            None => default,
            Some((Value::Bool(b), _)) => *b,
            Some((v, p)) => {
                diags.push(
                    self.file,
                    p,
                    format!("\"{key}\" must be true or false, found {}", kind(v)),
                );
                default
            }
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parses one spec file. `file` names it in diagnostics.
///
/// Returns the spec as far as it could be read, so that validation can report the file's
/// other problems in the same run; `None` only when the text is not a JSON object. A spec
/// read with problems (any pushed to `diags`) must not be generated from: a missing
/// `namespace` or `name` reads as `""`, a missing or invalid `version` as `0`, and fields that
/// could not be read are left out.
pub fn load(file: &str, text: &str, diags: &mut Diagnostics) -> Option<Spec> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            diags.push(
                file,
                "",
                // serde_json's message ends with the line and column.
                format!("invalid JSON: {e}"),
            );
            return None;
        }
    };
    let obj = Object::new(&value, String::new(), file, SPEC_KEYS, "an API spec", diags)?;
    let namespace = obj.string("namespace", true, diags);
    let name = obj.string("name", true, diags);
    for (key, value) in [("namespace", &namespace), ("name", &name)] {
        if value.as_deref() == Some("") {
            diags.push(file, child("", key), format!("\"{key}\" must not be empty"));
        }
    }
    let version = match obj.get("version") {
        None => {
            diags.push(file, "", "missing key \"version\"");
            None
        }
        Some((v, p)) => match v.as_u64().filter(|n| (1..=u32::MAX as u64).contains(n)) {
            Some(n) => Some(n as u32),
            None => {
                diags.push(
                    file,
                    p,
                    format!("\"version\" must be a positive integer, found {v}"),
                );
                None
            }
        },
    };
    let access_token = match obj.string("access_token", true, diags).as_deref() {
        Some("required") => Some(TokenMode::Required),
        Some("optional") => Some(TokenMode::Optional),
        Some("none") => Some(TokenMode::None),
        Some(other) => {
            diags.push(file, "/access_token", format!("\"access_token\" must be \"required\", \"optional\" or \"none\", found \"{other}\""));
            None
        }
        None => None,
    };
    let protocol = obj
        .string("protocol", false, diags)
        .unwrap_or_else(|| "param2".into());
    if !["param2", "http", "param"].contains(&protocol.as_str()) {
        diags.push(
            file,
            "/protocol",
            format!("\"protocol\" must be \"param2\", \"http\" or \"param\", found \"{protocol}\""),
        );
    }
    // `"response": "long"`: the API answers a bare value rather than an object.
    let response_value = match obj.get("response") {
        Some((Value::String(ty), pointer)) => Some(Field {
            name: "response".into(),
            ty: ty.clone(),
            required: true,
            doc: None,
            rust_name: None,
            pointer,
        }),
        _ => None,
    };
    let spec = Spec {
        file: file.to_owned(),
        signed: obj.boolean("signed", true, diags),
        idempotent: obj.boolean("idempotent", false, diags),
        protocol,
        summary: obj.string("summary", false, diags),
        doc: obj.string("doc", false, diags),
        doc_url: obj.string("doc_url", false, diags),
        params: fields(&obj, "params", "a param", diags),
        response: match &response_value {
            Some(_) => Vec::new(),
            None => fields(&obj, "response", "a response field", diags),
        },
        response_value,
        types: types(&obj, diags),
        example_response: obj.get("example_response").map(|(v, _)| v.clone()),
        paging: paging(&obj, diags),
        namespace: namespace.unwrap_or_default(),
        name: name.unwrap_or_default(),
        version: version.unwrap_or_default(),
        access_token: access_token.unwrap_or(TokenMode::Required),
    };
    let _ = obj.string("$schema", false, diags);
    Some(spec)
}

/// Parses a shared-types file (`_types.json`) serving `namespace` (`None`: every namespace).
/// Like [`load`], returns what could be read; `None` only when the text is not a JSON object.
pub fn load_shared(
    file: &str,
    text: &str,
    namespace: Option<String>,
    diags: &mut Diagnostics,
) -> Option<SharedFile> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            diags.push(file, "", format!("invalid JSON: {e}"));
            return None;
        }
    };
    let what = "a shared-types file";
    let obj = Object::new(&value, String::new(), file, SHARED_KEYS, what, diags)?;
    let _ = obj.string("$schema", false, diags);
    let _ = obj.string("doc", false, diags);
    if obj.get("types").is_none() {
        diags.push(file, "", "missing key \"types\"");
    }
    Some(SharedFile {
        file: file.to_owned(),
        namespace,
        types: types(&obj, diags),
    })
}

fn paging(obj: &Object, diags: &mut Diagnostics) -> Option<Paging> {
    let (value, pointer) = obj.get("paging")?;
    let p = Object::new(
        value,
        pointer.clone(),
        obj.file,
        PAGING_KEYS,
        "paging",
        diags,
    )?;
    let first = match p.get("first") {
        None => 1,
        Some((v, at)) => match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => n,
            None => {
                diags.push(
                    obj.file,
                    at,
                    format!("\"first\" must be a page number (0 or more), found {v}"),
                );
                1
            }
        },
    };
    Some(Paging {
        page: p.string("page", true, diags)?,
        items: p.string("items", true, diags)?,
        total: p.string("total", false, diags),
        first,
        pointer,
    })
}

pub(crate) fn fields(obj: &Object, key: &str, what: &str, diags: &mut Diagnostics) -> Vec<Field> {
    let Some((value, pointer)) = obj.get(key) else {
        return Vec::new();
    };
    let Some(items) = value.as_array() else {
        diags.push(
            obj.file,
            pointer,
            format!(
                "\"{key}\" must be an array of fields, found {}",
                kind(value)
            ),
        );
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| field(item, child(&pointer, i), obj.file, what, diags))
        .collect()
}

fn field(
    value: &Value,
    pointer: String,
    file: &str,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<Field> {
    let obj = Object::new(value, pointer.clone(), file, FIELD_KEYS, what, diags)?;
    let name = obj.string("name", true, diags);
    let ty = obj.string("type", true, diags);
    let required = obj.boolean("required", false, diags);
    let doc = obj.string("doc", false, diags);
    let rust_name = obj.string("rust_name", false, diags);
    Some(Field {
        name: name?,
        ty: ty?,
        required,
        doc,
        rust_name,
        pointer,
    })
}

pub(crate) fn types(obj: &Object, diags: &mut Diagnostics) -> BTreeMap<String, TypeDef> {
    let Some((value, pointer)) = obj.get("types") else {
        return BTreeMap::new();
    };
    let Some(map) = value.as_object() else {
        diags.push(
            obj.file,
            pointer,
            format!(
                "\"types\" must be an object of named types, found {}",
                kind(value)
            ),
        );
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    for (name, def) in map {
        let p = child(&pointer, name);
        let Some(t) = Object::new(
            def,
            p.clone(),
            obj.file,
            TYPE_KEYS,
            "a type definition",
            diags,
        ) else {
            continue;
        };
        let doc = t.string("doc", false, diags);
        // A broken definition still defines its name, so that fields of this type are not
        // also reported as being of an unknown type.
        let kind = match (t.get("fields"), t.get("enum")) {
            (Some(_), Some(_)) => {
                diags.push(obj.file, &p, format!("type \"{name}\" has both \"fields\" and \"enum\"; a type is one or the other"));
                TypeKind::Struct(fields(&t, "fields", "a field", diags))
            }
            (None, None) => {
                diags.push(obj.file, &p, format!("type \"{name}\" needs \"fields\" (a structure) or \"enum\" (a list of values)"));
                TypeKind::Struct(Vec::new())
            }
            (Some(_), None) => TypeKind::Struct(fields(&t, "fields", "a field", diags)),
            (None, Some((values, ep))) => match enum_values(values, &ep, obj.file, diags) {
                Some(values) => TypeKind::Enum(values),
                None => TypeKind::Struct(Vec::new()),
            },
        };
        out.insert(
            name.clone(),
            TypeDef {
                doc,
                kind,
                pointer: p,
            },
        );
    }
    out
}

/// The values of an enum; `None` (reported) when `enum` is not an array.
fn enum_values(
    value: &Value,
    pointer: &str,
    file: &str,
    diags: &mut Diagnostics,
) -> Option<Vec<String>> {
    let Some(items) = value.as_array() else {
        diags.push(
            file,
            pointer,
            format!(
                "\"enum\" must be an array of strings, found {}",
                kind(value)
            ),
        );
        return None;
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::String(s) => out.push(s.clone()),
            other => {
                diags.push(
                    file,
                    child(pointer, i),
                    format!("enum values must be strings, found {}", kind(other)),
                );
                // Kept as text, so that the enum is not also reported as having no values.
                out.push(other.to_string());
            }
        }
    }
    Some(out)
}
