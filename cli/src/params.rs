//! `key=value` arguments → parameters, checked against the API's spec when there is one.

use crate::exit::{CliError, CliResult};
use crate::resolve::{one_of, suggest};
use open1688_core::{ApiDoc, Date, EnumDoc, FileParam, ParamDoc, ParamType, Params};
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

fn json_value(name: &str, ty: &ParamType, value: &str) -> CliResult<String> {
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

fn integer(name: &str, ty: &ParamType, value: &str) -> CliResult<String> {
    let ok = match ty {
        ParamType::Int => value.parse::<i32>().is_ok(),
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

fn enum_value(name: &str, e: &EnumDoc, value: &str) -> CliResult<String> {
    if e.values.contains(&value) {
        return Ok(value.to_owned());
    }
    let quoted: Vec<String> = e.values.iter().map(|v| format!("`{v}`")).collect();
    Err(CliError::usage(format!(
        "`{name}` must be one of {} ({}), got `{value}`",
        quoted.join(", "),
        e.name
    ))
    .hint("skip this check with --no-validate"))
}

/// Encodes one value of a parameter's type as the wire text (files are handled by the caller).
fn encode(p: &ParamDoc, value: &str) -> CliResult<String> {
    let (name, ty) = (p.name, p.ty);
    match ty {
        ParamType::String | ParamType::File => Ok(value.to_owned()),
        ParamType::Int | ParamType::Long => integer(name, ty, value),
        ParamType::Double | ParamType::Decimal => match value.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(value.to_owned()),
            _ => Err(CliError::usage(format!(
                "`{name}` must be a number ({ty}), got `{value}`"
            ))),
        },
        ParamType::Boolean => match value.to_ascii_lowercase().as_str() {
            b @ ("true" | "false") => Ok(b.to_owned()),
            _ => Err(CliError::usage(format!(
                "`{name}` must be true or false, got `{value}`"
            ))),
        },
        ParamType::Date => value
            .parse::<Date>()
            .map(|d| d.to_wire())
            .map_err(|e| CliError::usage(format!("`{name}`: {e}"))),
        ParamType::Enum(e) => enum_value(name, e, value),
        ParamType::Json | ParamType::Map(_) | ParamType::Struct(_) => json_value(name, ty, value),
        ParamType::Array(element) => {
            if value.starts_with(['[', '@']) {
                return json_value(name, ty, value);
            }
            // A comma-separated list, for convenience: `1,2,3` or `cn,ws`.
            let encoded: CliResult<Vec<String>> = value
                .split(',')
                .map(str::trim)
                .map(|item| match element {
                    ParamType::Int | ParamType::Long => integer(name, element, item),
                    ParamType::Enum(e) => {
                        enum_value(name, e, item).map(|v| serde_json::Value::from(v).to_string())
                    }
                    _ => Ok(serde_json::Value::from(item).to_string()),
                })
                .collect();
            Ok(format!("[{}]", encoded?.join(",")))
        }
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
        if *p.ty == ParamType::File {
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

    static SITE: EnumDoc = EnumDoc {
        name: "WebSite",
        values: &["1688", "alibaba"],
    };
    static ADDRESS: open1688_core::StructDoc = open1688_core::StructDoc {
        name: "AddressParam",
        fields: &[],
    };

    static SITE_T: ParamType = ParamType::Enum(&SITE);
    static SITES: ParamType = ParamType::Array(&SITE_T);
    static ADDRESS_T: ParamType = ParamType::Struct(&ADDRESS);

    fn p(name: &'static str, ty: &'static ParamType, required: bool) -> ParamDoc {
        ParamDoc {
            name,
            ty,
            required,
            doc: "",
        }
    }

    #[test]
    fn values_are_checked_and_encoded_by_type() {
        assert_eq!(encode(&p("n", &ParamType::Long, true), "12").unwrap(), "12");
        assert!(encode(&p("n", &ParamType::Long, true), "12x").is_err());
        assert!(encode(&p("n", &ParamType::Int, true), "99999999999").is_err());
        assert_eq!(
            encode(&p("b", &ParamType::Boolean, true), "True").unwrap(),
            "true"
        );
        assert!(encode(&p("b", &ParamType::Boolean, true), "yes").is_err());
        assert_eq!(
            encode(&p("d", &ParamType::Date, true), "1700000000000").unwrap(),
            "20231115061320000+0800"
        );
        assert_eq!(
            encode(&p("a", &ParamType::Array(&ParamType::Long), true), "1, 2").unwrap(),
            "[1,2]"
        );
        assert_eq!(
            encode(
                &p("a", &ParamType::Array(&ParamType::String), true),
                "cn,ws"
            )
            .unwrap(),
            r#"["cn","ws"]"#
        );
        assert_eq!(
            encode(&p("a", &ParamType::Array(&ParamType::Long), true), "[3]").unwrap(),
            "[3]"
        );
        assert!(encode(&p("o", &ADDRESS_T, true), "{bad").is_err());
        assert_eq!(encode(&p("e", &SITE_T, true), "1688").unwrap(), "1688");
        let e = encode(&p("webSite", &SITE_T, true), "xyz").unwrap_err();
        assert_eq!(e.code, crate::exit::USAGE);
        let text = e.to_string();
        assert!(
            text.contains("`webSite`") && text.contains("`1688`, `alibaba`"),
            "{text}"
        );
        assert_eq!(
            encode(&p("s", &SITES, true), "1688,alibaba").unwrap(),
            r#"["1688","alibaba"]"#
        );
        assert!(encode(&p("s", &SITES, true), "1688,xyz").is_err());
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
