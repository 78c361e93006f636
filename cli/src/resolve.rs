//! Finding an API by id (`namespace:name-version`), by `namespace:name`, or by bare name.

use crate::exit::{CliError, CliResult};
use open1688_core::{ApiDoc, ApiInfo};

/// What an API argument names.
#[derive(Debug, Clone)]
pub enum Target {
    /// An API the SDK knows: validated against its spec.
    Known(&'static ApiDoc),
    /// Any other API, called through the raw path.
    Raw {
        /// e.g. `com.alibaba.product`.
        namespace: String,
        /// e.g. `alibaba.product.get`.
        name: String,
        /// The version (1 when not given).
        version: u32,
    },
}

impl Target {
    /// The API's wire behaviour: its spec's, or [`ApiInfo::raw`]'s defaults.
    pub fn info(&self) -> ApiInfo<'_> {
        match self {
            Target::Known(doc) => doc.api,
            Target::Raw {
                namespace,
                name,
                version,
            } => ApiInfo::raw(namespace, name, *version),
        }
    }

    /// The spec, when the SDK knows the API.
    pub fn doc(&self) -> Option<&'static ApiDoc> {
        match self {
            Target::Known(doc) => Some(doc),
            Target::Raw { .. } => None,
        }
    }
}

/// Splits `name-3` into (`name`, Some(3)); a trailing part that is not a number stays.
fn split_version(text: &str) -> CliResult<(&str, Option<u32>)> {
    match text.rsplit_once('-') {
        Some((name, v)) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => {
            let version = v
                .parse()
                .map_err(|_| CliError::usage(format!("API version `{v}` is too large")))?;
            Ok((name, Some(version)))
        }
        _ => Ok((text, None)),
    }
}

/// The candidates closest to `wanted`: a case-insensitive match, else those within a few edits.
pub fn suggest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let same_case: Vec<&str> = candidates
        .iter()
        .copied()
        .filter(|c| c.eq_ignore_ascii_case(wanted))
        .collect();
    if !same_case.is_empty() {
        return same_case;
    }
    let lower = wanted.to_lowercase();
    let limit = (wanted.chars().count() / 3).clamp(1, 3);
    let mut scored: Vec<(usize, &str)> = candidates
        .iter()
        .map(|c| (strsim::levenshtein(&lower, &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .collect();
    scored.sort();
    let best = scored.first().map(|(d, _)| *d);
    scored
        .into_iter()
        .take_while(|(d, _)| Some(*d) == best)
        .map(|(_, c)| c)
        .collect()
}

/// Formats `a`, `b` or `c` for messages.
pub fn one_of(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Resolves an API argument against the SDK's catalogue.
///
/// `namespace:name[-version]` that the SDK does not know becomes a raw target; a bare name must
/// name exactly one known API.
pub fn resolve(arg: &str, apis: &[&'static ApiDoc]) -> CliResult<Target> {
    let arg = arg.trim();
    if arg.is_empty() {
        return Err(CliError::usage("the API argument is empty"));
    }
    if let Some((namespace, rest)) = arg.split_once(':') {
        let (name, version) = split_version(rest)?;
        if namespace.is_empty() || name.is_empty() || name.contains(['/', ' ']) {
            return Err(CliError::usage(format!(
                "`{arg}` is not an API id: expected namespace:name-version, e.g. com.alibaba.product:alibaba.product.get-1"
            )));
        }
        let matching: Vec<&'static ApiDoc> = apis
            .iter()
            .copied()
            .filter(|d| d.api.namespace == namespace && d.api.name == name)
            .filter(|d| version.map_or(true, |v| d.api.version == v))
            .collect();
        return match matching.as_slice() {
            [one] => Ok(Target::Known(one)),
            [] => Ok(Target::Raw {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
                version: version.unwrap_or(1),
            }),
            several => Err(ambiguous(arg, several)),
        };
    }
    let (name, version) = split_version(arg)?;
    let matching: Vec<&'static ApiDoc> = apis
        .iter()
        .copied()
        .filter(|d| d.api.name == name && version.map_or(true, |v| d.api.version == v))
        .collect();
    match matching.as_slice() {
        [one] => Ok(Target::Known(one)),
        [] => {
            let names: Vec<&str> = apis.iter().map(|d| d.api.name).collect();
            let mut e = CliError::usage(format!(
                "unknown API `{arg}`: the SDK knows no API of that name"
            ));
            let close = suggest(name, names);
            if !close.is_empty() {
                e = e.hint(format!("did you mean {}?", one_of(&close)));
            }
            Err(e
                .hint("list the known APIs with `open1688 apis`; call any other API by its full id, namespace:name-version"))
        }
        several => Err(ambiguous(arg, several)),
    }
}

fn ambiguous(arg: &str, several: &[&'static ApiDoc]) -> CliError {
    let ids: Vec<String> = several.iter().map(|d| d.api.to_string()).collect();
    CliError::usage(format!(
        "`{arg}` names several APIs: {}; give the full id",
        ids.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_split_only_on_trailing_numbers() {
        assert_eq!(split_version("a.b-1").unwrap(), ("a.b", Some(1)));
        assert_eq!(split_version("a.b").unwrap(), ("a.b", None));
        assert_eq!(split_version("a-b").unwrap(), ("a-b", None));
        assert!(split_version("a-99999999999").is_err());
    }

    #[test]
    fn suggestions_prefer_case_insensitive_matches() {
        assert_eq!(
            suggest("productId", ["productID", "webSite"]),
            ["productID"]
        );
        assert_eq!(suggest("webSit", ["productID", "webSite"]), ["webSite"]);
        assert!(suggest("zzz", ["productID"]).is_empty());
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }

    #[test]
    fn known_and_raw_targets() {
        let apis = open1688_catalogue::APIS;
        let t = resolve("alibaba.product.get", apis).unwrap();
        assert_eq!(
            t.info().to_string(),
            "com.alibaba.product:alibaba.product.get-1"
        );
        let t = resolve("com.alibaba.product:alibaba.product.get-1", apis).unwrap();
        assert!(t.doc().is_some());
        let t = resolve("com.example:thing.do-2", apis).unwrap();
        assert!(t.doc().is_none());
        assert_eq!(t.info().url_path("K"), "param2/2/com.example/thing.do/K");
        let e = resolve("alibaba.product.gte", apis).unwrap_err();
        assert_eq!(e.code, crate::exit::USAGE);
        assert!(e.hints[0].contains("alibaba.product.get"), "{e}");
        assert!(resolve(":x", apis).is_err());
    }
}
