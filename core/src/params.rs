//! Typed parameters → the exact strings that are both signed and sent.
//!
//! Scalars go as plain text (`true`/`false`, decimal numbers, dates as
//! `yyyyMMddHHmmssSSS+0800`); objects, lists and maps as compact JSON. Absent optionals are
//! neither sent nor signed; `false`, `0` and `""` are real values and are sent.

use crate::{Date, Error};
use bytes::Bytes;
use rust_decimal::Decimal;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

/// A value that encodes to one plain-text parameter.
///
/// `Ok(None)` means absent (not sent); `Err` names why the value cannot be sent.
pub trait ToParam {
    /// The wire text of this value.
    fn to_param(&self) -> Result<Option<String>, String>;
}

impl ToParam for str {
    fn to_param(&self) -> Result<Option<String>, String> {
        Ok(Some(self.to_owned()))
    }
}

impl ToParam for String {
    fn to_param(&self) -> Result<Option<String>, String> {
        Ok(Some(self.clone()))
    }
}

macro_rules! display_param {
    ($($ty:ty),*) => {$(
        impl ToParam for $ty {
            fn to_param(&self) -> Result<Option<String>, String> {
                Ok(Some(self.to_string()))
            }
        }
    )*};
}
display_param!(bool, i32, i64, u32, u64, Decimal);

impl ToParam for f64 {
    fn to_param(&self) -> Result<Option<String>, String> {
        if self.is_finite() {
            Ok(Some(self.to_string()))
        } else {
            Err(format!("{self} is not a finite number"))
        }
    }
}

impl ToParam for Date {
    fn to_param(&self) -> Result<Option<String>, String> {
        Ok(Some(self.to_wire()))
    }
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> Result<Option<String>, String> {
        (**self).to_param()
    }
}

impl<T: ToParam> ToParam for Option<T> {
    fn to_param(&self) -> Result<Option<String>, String> {
        match self {
            Some(v) => v.to_param(),
            None => Ok(None),
        }
    }
}

/// A named plain-text parameter, as signed and sent.
pub type TextParam = (Cow<'static, str>, String);

/// A named file parameter (a multipart part, unsigned).
pub type FilePart = (Cow<'static, str>, FileParam);

/// A binary upload (`file` parameter): sent as a multipart part, never signed.
///
/// ```
/// use open1688_core::FileParam;
/// let f = FileParam::new("shirt.jpg", vec![0xFF, 0xD8, 0xFF]);
/// assert_eq!(f.len(), 3);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct FileParam {
    /// The file name sent in the part's `Content-Disposition`.
    pub filename: String,
    /// The file's bytes.
    pub bytes: Bytes,
}

impl FileParam {
    /// A file from a name and its bytes.
    pub fn new(filename: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        FileParam {
            filename: filename.into(),
            bytes: bytes.into(),
        }
    }

    /// Reads a file from disk; the part is named after the file.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::InvalidInput {
            param: path.display().to_string(),
            message: e.to_string(),
        })?;
        let filename = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into());
        Ok(FileParam::new(filename, bytes))
    }

    /// Size in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

impl fmt::Debug for FileParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "FileParam({:?}, {} bytes)",
            self.filename,
            self.bytes.len()
        )
    }
}

/// The parameters of one call, in the order they were added.
///
/// Generated request types fill it; the first value that cannot be encoded is kept as an
/// [`Error::InvalidInput`] naming the parameter and is reported before anything is sent.
///
/// ```
/// use open1688_core::Params;
/// let mut p = Params::new();
/// p.put("productID", &694567890123i64);
/// p.put("scene", &None::<String>);
/// p.put("drawTxt", &false);
/// p.put_json("bizTypes", &["cn", "ws"]);
/// let text: Vec<_> = p.text().iter().map(|(k, v)| format!("{k}={v}")).collect();
/// assert_eq!(text, ["productID=694567890123", "drawTxt=false", r#"bizTypes=["cn","ws"]"#]);
/// ```
#[derive(Default, Clone)]
pub struct Params {
    text: Vec<TextParam>,
    files: Vec<FilePart>,
    error: Option<Error>,
}

/// Secret values ([`crate::names::is_secret`]) show as `***`.
impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text: Vec<(&str, &str)> = self
            .text
            .iter()
            .map(|(k, v)| {
                let shown = if crate::names::is_secret(k) { "***" } else { v };
                (k.as_ref(), shown)
            })
            .collect();
        f.debug_struct("Params")
            .field("text", &text)
            .field("files", &self.files)
            .field("error", &self.error)
            .finish()
    }
}

impl Params {
    /// An empty parameter list.
    pub fn new() -> Self {
        Params::default()
    }

    fn fail(&mut self, name: &str, message: String) {
        if self.error.is_none() {
            self.error = Some(Error::InvalidInput {
                param: name.to_owned(),
                message,
            });
        }
    }

    /// Adds a scalar parameter; absent optionals are skipped.
    pub fn put<T: ToParam + ?Sized>(&mut self, name: impl Into<Cow<'static, str>>, value: &T) {
        let name = name.into();
        match value.to_param() {
            Ok(Some(text)) => self.text.push((name, text)),
            Ok(None) => {}
            Err(message) => self.fail(&name, message),
        }
    }

    /// Adds an object, list or map parameter as compact JSON; `None` (JSON `null`) is skipped.
    /// A NaN or infinite number anywhere inside is an error naming where (JSON has no such
    /// numbers; writing `null` would silently drop e.g. an order quantity).
    pub fn put_json<T: Serialize + ?Sized>(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        value: &T,
    ) {
        let name = name.into();
        if let Err(e) = crate::finite::check(value) {
            return self.fail(&name, e.to_string());
        }
        match serde_json::to_string(value) {
            Ok(text) if text == "null" => {}
            Ok(text) => self.text.push((name, text)),
            Err(e) => self.fail(&name, e.to_string()),
        }
    }

    /// Adds a binary upload; `None` is skipped.
    pub fn put_file(&mut self, name: impl Into<Cow<'static, str>>, file: Option<&FileParam>) {
        if let Some(file) = file {
            self.files.push((name.into(), file.clone()));
        }
    }

    /// The plain-text parameters, as they are signed and sent.
    pub fn text(&self) -> &[TextParam] {
        &self.text
    }

    /// The file parameters (multipart parts, unsigned).
    pub fn files(&self) -> &[FilePart] {
        &self.files
    }

    /// The first parameter that could not be encoded, if any.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// Splits into text parameters and files, or the first encoding error.
    pub fn into_parts(self) -> Result<(Vec<TextParam>, Vec<FilePart>), Error> {
        match self.error {
            Some(e) => Err(e),
            None => Ok((self.text, self.files)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falsy_values_are_real_values() {
        let mut p = Params::new();
        p.put("flag", &false);
        p.put("zero", &0i64);
        p.put("empty", "");
        assert_eq!(p.text().len(), 3);
    }

    #[test]
    fn objects_are_compact_json_with_raw_unicode() {
        #[derive(Serialize)]
        struct Address<'a> {
            #[serde(rename = "fullName")]
            full_name: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            mobile: Option<&'a str>,
        }
        let mut p = Params::new();
        p.put_json(
            "addressParam",
            &Address {
                full_name: "张三",
                mobile: None,
            },
        );
        assert_eq!(p.text()[0].1, r#"{"fullName":"张三"}"#);
    }

    #[test]
    fn unencodable_value_names_the_param() {
        let mut p = Params::new();
        p.put("quantity", &f64::NAN);
        let err = p.into_parts().unwrap_err().to_string();
        assert!(err.contains("`quantity`") && err.contains("NaN"), "{err}");
    }

    #[test]
    fn non_finite_numbers_inside_json_are_errors_not_null() {
        #[derive(Serialize)]
        struct Cargo {
            quantity: f64,
        }
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let mut p = Params::new();
            p.put_json(
                "cargoParamList",
                &[Cargo { quantity: 1.0 }, Cargo { quantity: bad }],
            );
            let err = p.into_parts().unwrap_err().to_string();
            assert!(
                err.contains("`cargoParamList`") && err.contains("[1].quantity"),
                "{err}"
            );
        }
        let mut p = Params::new();
        p.put_json(
            "m",
            &std::collections::BTreeMap::from([("a", Some(2.5f32))]),
        );
        p.put_json("n", &None::<f64>);
        assert_eq!(p.into_parts().unwrap().0.len(), 1);
    }

    #[test]
    fn debug_masks_secret_values() {
        let mut p = Params::new();
        p.put("accessToken", "CANARY-1");
        p.put("app_secret", "CANARY-2");
        p.put("productID", "7");
        let shown = format!("{p:?}");
        assert!(!shown.contains("CANARY") && shown.contains('7'), "{shown}");
    }

    #[test]
    fn dates_use_the_1688_form() {
        let mut p = Params::new();
        p.put(
            "createStartTime",
            &Date::from_millis(1700000000000).unwrap(),
        );
        assert_eq!(p.text()[0].1, "20231115061320000+0800");
    }
}
