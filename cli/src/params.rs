//! `key=value` arguments → parameters, checked against the API's spec when there is one.

use crate::exit::{CliError, CliResult};
use crate::resolve::{one_of, suggest};
use open1688_core::{ApiDoc, Date, FileParam, ParamDoc, Params};
use serde::de::IgnoredAny;

/// System parameters the CLI sets itself; passing them as `key=value` is a usage error for `call`.
const SYSTEM: &[(&str, &str)] = &[
    (
        "access_token",
        "use --access-token or OPEN1688_ACCESS_TOKEN",
    ),
    ("_aop_timestamp", "use --timestamp"),
    ("_aop_signature", "the CLI signs the call itself"),
];

/// Splits `key=value` arguments (at the first `=`).
pub fn split_pairs(args: &[String]) -> CliResult<Vec<(String, String)>> {
    let mut pairs: Vec<(String, String)> = Vec::with_capacity(args.len());
    for arg in args {
        let Some((key, value)) = arg.split_once('=') else {
            return Err(CliError::usage(format!(
                "`{arg}` is not a parameter: write key=value (file uploads: key=@path)"
            )));
        };
        if key.is_empty() {
            return Err(CliError::usage(format!(
                "`{arg}` has no parameter name before `=`"
            )));
        }
        if pairs.iter().any(|(k, _)| k == key) {
            return Err(CliError::usage(format!("parameter `{key}` is given twice")));
        }
        pairs.push((key.to_owned(), value.to_owned()));
    }
    Ok(pairs)
}

/// One line per parameter: `productID (long, required)`.
pub fn describe(params: &[ParamDoc]) -> String {
    params
        .iter()
        .map(|p| {
            let required = if p.required { ", required" } else { "" };
            format!("{} ({}{required})", p.name, p.ty)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn read(name: &str, path: &str) -> CliResult<Vec<u8>> {
    std::fs::read(path).map_err(|e| CliError::usage(format!("cannot read `{name}=@{path}`: {e}")))
}

fn json_value(name: &str, ty: &str, value: &str) -> CliResult<String> {
    let text = match value.strip_prefix('@') {
        Some(path) => String::from_utf8(read(name, path)?).map_err(|_| {
            CliError::usage(format!("`{name}=@{path}`: the file is not UTF-8 text"))
        })?,
        None => value.to_owned(),
    };
    serde_json::from_str::<IgnoredAny>(&text).map_err(|e| {
        CliError::usage(format!("`{name}` ({ty}) must be JSON: {e}")).hint(format!(
            "e.g. {name}='{{\"key\":\"value\"}}', or {name}=@file.json"
        ))
    })?;
    Ok(text.trim().to_owned())
}

fn integer(name: &str, ty: &str, value: &str) -> CliResult<String> {
    let ok = match ty {
        "int" | "integer" => value.parse::<i32>().is_ok(),
        _ => value.parse::<i64>().is_ok(),
    };
    if ok {
        Ok(value.to_owned())
    } else {
        Err(CliError::usage(format!(
            "`{name}` must be an integer ({ty}), got `{value}`"
        )))
    }
}

/// Encodes one value of a spec type as the wire text (`None` for `file`, sent as a part).
fn encode(p: &ParamDoc, value: &str) -> CliResult<String> {
    let (name, ty) = (p.name, p.ty);
    match ty {
        "string" => Ok(value.to_owned()),
        "long" | "int" | "integer" => integer(name, ty, value),
        "double" | "float" | "decimal" | "bigdecimal" => match value.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(value.to_owned()),
            _ => Err(CliError::usage(format!(
                "`{name}` must be a number ({ty}), got `{value}`"
            ))),
        },
        "boolean" => match value.to_ascii_lowercase().as_str() {
            b @ ("true" | "false") => Ok(b.to_owned()),
            _ => Err(CliError::usage(format!(
                "`{name}` must be true or false, got `{value}`"
            ))),
        },
        "date" => value
            .parse::<Date>()
            .map(|d| d.to_wire())
            .map_err(|e| CliError::usage(format!("`{name}`: {e}"))),
        "json" => json_value(name, ty, value),
        _ if ty.starts_with("array<") => {
            if value.starts_with(['[', '@']) {
                return json_value(name, ty, value);
            }
            // A comma-separated list, for convenience: `1,2,3` or `cn,ws`.
            let element = ty
                .strip_prefix("array<")
                .and_then(|t| t.strip_suffix('>'))
                .unwrap_or("string");
            let items: Vec<&str> = value.split(',').map(str::trim).collect();
            let encoded: CliResult<Vec<String>> = items
                .iter()
                .map(|item| match element {
                    "long" | "int" | "integer" => integer(name, element, item),
                    _ => Ok(serde_json::Value::from(*item).to_string()),
                })
                .collect();
            Ok(format!("[{}]", encoded?.join(",")))
        }
        // A named type: an object (JSON) or an enum (its text).
        _ if value.starts_with(['{', '[', '@']) => json_value(name, ty, value),
        _ => Ok(value.to_owned()),
    }
}

/// The parameters of a call, ready to send, and the text ones as signed. `Debug` masks secret
/// values.
#[derive(Default)]
pub struct CallParams {
    /// Everything, for [`open1688_core::Client::execute`].
    pub params: Params,
    /// The text parameters, as signed and sent.
    pub text: Vec<(String, String)>,
}

impl std::fmt::Debug for CallParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text: Vec<(&str, &str)> = self
            .text
            .iter()
            .map(|(k, v)| match open1688_core::names::is_secret(k) {
                true => (k.as_str(), "***"),
                false => (k.as_str(), v.as_str()),
            })
            .collect();
        f.debug_struct("CallParams")
            .field("params", &self.params)
            .field("text", &text)
            .finish()
    }
}

fn reject_system(pairs: &[(String, String)]) -> CliResult<()> {
    for (key, _) in pairs {
        if let Some((_, how)) = SYSTEM.iter().find(|(k, _)| k == key) {
            return Err(CliError::usage(format!(
                "`{key}` is a system parameter: {how}"
            )));
        }
    }
    Ok(())
}

/// Checks `pairs` against `doc` (names, required, types) and encodes them; for an unknown API
/// (or with `validate` off) the values are sent as given.
pub fn build(
    doc: Option<&ApiDoc>,
    pairs: Vec<(String, String)>,
    validate: bool,
) -> CliResult<CallParams> {
    reject_system(&pairs)?;
    let mut out = CallParams::default();
    let Some(doc) = doc.filter(|_| validate) else {
        for (k, v) in pairs {
            out.params.put(k.clone(), &v);
            out.text.push((k, v));
        }
        return Ok(out);
    };
    let id = doc.api.to_string();
    for (key, _) in &pairs {
        if !doc.params.iter().any(|p| p.name == key) {
            let mut e = CliError::usage(format!("`{key}` is not a parameter of {id}"));
            let close = suggest(key, doc.params.iter().map(|p| p.name));
            if !close.is_empty() {
                e = e.hint(format!("did you mean {}?", one_of(&close)));
            }
            e = if doc.params.is_empty() {
                e.hint(format!("{id} takes no parameters"))
            } else {
                e.hint(format!("valid parameters: {}", describe(doc.params)))
            };
            return Err(e.hint("skip this check with --no-validate"));
        }
    }
    let missing: Vec<&ParamDoc> = doc
        .params
        .iter()
        .filter(|p| p.required && !pairs.iter().any(|(k, _)| k == p.name))
        .collect();
    if !missing.is_empty() {
        let list: Vec<String> = missing
            .iter()
            .map(|p| format!("{} ({})", p.name, p.ty))
            .collect();
        let example: Vec<String> = missing.iter().map(|p| format!("{}=…", p.name)).collect();
        return Err(CliError::usage(format!(
            "missing required parameter{} of {id}: {}",
            if missing.len() > 1 { "s" } else { "" },
            list.join(", ")
        ))
        .hint(format!("add {}", example.join(" "))));
    }
    // Spec order, as the typed SDK sends them.
    for p in doc.params {
        let Some((_, value)) = pairs.iter().find(|(k, _)| k == p.name) else {
            continue;
        };
        if p.ty == "file" {
            let Some(path) = value.strip_prefix('@') else {
                return Err(CliError::usage(format!(
                    "`{}` is a file: pass {}=@path/to/file",
                    p.name, p.name
                )));
            };
            let bytes = read(p.name, path)?;
            let filename = std::path::Path::new(path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "file".into());
            out.params
                .put_file(p.name, Some(&FileParam::new(filename, bytes)));
            continue;
        }
        let text = encode(p, value)?;
        out.params.put(p.name, &text);
        out.text.push((p.name.to_owned(), text));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &'static str, ty: &'static str, required: bool) -> ParamDoc {
        ParamDoc {
            name,
            ty,
            required,
            doc: "",
        }
    }

    #[test]
    fn values_are_checked_and_encoded_by_type() {
        assert_eq!(encode(&p("n", "long", true), "12").unwrap(), "12");
        assert!(encode(&p("n", "long", true), "12x").is_err());
        assert!(encode(&p("n", "int", true), "99999999999").is_err());
        assert_eq!(encode(&p("b", "boolean", true), "True").unwrap(), "true");
        assert!(encode(&p("b", "boolean", true), "yes").is_err());
        assert_eq!(
            encode(&p("d", "date", true), "1700000000000").unwrap(),
            "20231115061320000+0800"
        );
        assert_eq!(
            encode(&p("a", "array<long>", true), "1, 2").unwrap(),
            "[1,2]"
        );
        assert_eq!(
            encode(&p("a", "array<string>", true), "cn,ws").unwrap(),
            r#"["cn","ws"]"#
        );
        assert_eq!(encode(&p("a", "array<long>", true), "[3]").unwrap(), "[3]");
        assert!(encode(&p("o", "AddressParam", true), "{bad").is_err());
        assert_eq!(encode(&p("e", "WebSite", true), "1688").unwrap(), "1688");
    }

    #[test]
    fn pairs_need_a_key_and_no_duplicates() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            split_pairs(&args(&["a=1=2"])).unwrap(),
            [("a".to_string(), "1=2".to_string())]
        );
        assert!(split_pairs(&args(&["a"])).is_err());
        assert!(split_pairs(&args(&["=1"])).is_err());
        assert!(split_pairs(&args(&["a=1", "a=2"])).is_err());
        assert!(build(None, vec![("access_token".into(), "x".into())], true).is_err());
    }
}
