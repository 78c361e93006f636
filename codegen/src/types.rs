//! Type expressions of the spec format: `long`, `array<SkuInfo>`, `map<string>`, ...

use std::fmt;

/// A parsed type expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeExpr {
    /// `string`
    String,
    /// `boolean`
    Boolean,
    /// `int` (i32)
    Int,
    /// `long` (i64)
    Long,
    /// `double` (f64)
    Double,
    /// `decimal` (exact money)
    Decimal,
    /// `date` (1688 time)
    Date,
    /// `json` (any JSON)
    Json,
    /// `file` (binary upload, params only)
    File,
    /// `array<T>`
    Array(Box<TypeExpr>),
    /// `map<T>` with string keys
    Map(Box<TypeExpr>),
    /// A name from `types`.
    Named(String),
}

/// The built-in type names, for hints.
pub const BUILTINS: &[&str] = &[
    "string", "boolean", "int", "long", "double", "decimal", "date", "json", "file", "array<T>",
    "map<T>",
];

impl TypeExpr {
    /// Parses a type expression.
    pub fn parse(text: &str) -> Result<TypeExpr, String> {
        let t = text.trim();
        Ok(match t {
            "string" => TypeExpr::String,
            "boolean" => TypeExpr::Boolean,
            "int" => TypeExpr::Int,
            "long" => TypeExpr::Long,
            "double" => TypeExpr::Double,
            "decimal" => TypeExpr::Decimal,
            "date" => TypeExpr::Date,
            "json" => TypeExpr::Json,
            "file" => TypeExpr::File,
            "" => return Err("empty type".into()),
            _ => {
                for (prefix, wrap) in [
                    ("array<", TypeExpr::Array as fn(Box<TypeExpr>) -> TypeExpr),
                    ("map<", TypeExpr::Map),
                ] {
                    if let Some(rest) = t.strip_prefix(prefix) {
                        let inner = rest
                            .strip_suffix('>')
                            .ok_or_else(|| format!("\"{t}\" is missing its closing '>'"))?;
                        return Ok(wrap(Box::new(TypeExpr::parse(inner)?)));
                    }
                }
                if !t.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    return Err(format!(
                        "\"{t}\" is not a type: expected one of {} or a name from \"types\"",
                        BUILTINS.join(", ")
                    ));
                }
                TypeExpr::Named(t.to_owned())
            }
        })
    }

    /// Every named type this expression mentions.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeExpr::Array(inner) | TypeExpr::Map(inner) => inner.named(),
            TypeExpr::Named(n) => Some(n),
            _ => None,
        }
    }

    /// Whether `file` occurs anywhere in it.
    pub fn has_file(&self) -> bool {
        match self {
            TypeExpr::File => true,
            TypeExpr::Array(inner) | TypeExpr::Map(inner) => inner.has_file(),
            _ => false,
        }
    }
}

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeExpr::String => f.write_str("string"),
            TypeExpr::Boolean => f.write_str("boolean"),
            TypeExpr::Int => f.write_str("int"),
            TypeExpr::Long => f.write_str("long"),
            TypeExpr::Double => f.write_str("double"),
            TypeExpr::Decimal => f.write_str("decimal"),
            TypeExpr::Date => f.write_str("date"),
            TypeExpr::Json => f.write_str("json"),
            TypeExpr::File => f.write_str("file"),
            TypeExpr::Array(i) => write!(f, "array<{i}>"),
            TypeExpr::Map(i) => write!(f, "map<{i}>"),
            TypeExpr::Named(n) => f.write_str(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_containers() {
        assert_eq!(
            TypeExpr::parse("array<map<SkuInfo>>").unwrap(),
            TypeExpr::Array(Box::new(TypeExpr::Map(Box::new(TypeExpr::Named(
                "SkuInfo".into()
            )))))
        );
        assert!(TypeExpr::parse("array<long")
            .unwrap_err()
            .contains("closing '>'"));
        assert!(TypeExpr::parse("list of long")
            .unwrap_err()
            .contains("is not a type"));
    }
}
