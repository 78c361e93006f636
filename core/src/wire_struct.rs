//! The macro behind every generated structure: the struct plus slim `Serialize` and
//! `Deserialize` impls.
//!
//! serde's derives are two thirds of the SDK's compile time: a field-identifier enum with its
//! own visitor, a `visit_seq` no JSON object ever reaches, and per-field bookkeeping. The
//! impls here read an object only, match keys as text, and keep the wire rules that matter
//! (a missing optional field is empty, a missing required one an error, unknown keys skipped).
//! A key that appears twice keeps its last value, as `serde_json::Value` does.
//! Writing is one function for every structure ([`serialize`]), given the fields as
//! `erased_serde` trait objects: a `serialize` body per structure, with a call generic over the
//! serializer per field, was a fifth of the type and borrow checking of a namespace's build.

use serde::de::{self, Deserializer, Visitor};
use serde::ser;
use std::collections::BTreeMap;
use std::fmt;

/// Declares a structure decoded from (and encoded to) a JSON object. Each field names its wire
/// key in `#[wire("key")]`, with `required` when an answer without it is an error, and
/// `decimal` when it holds exact decimals (read through [`crate::de::Lenient`], not `f64`).
/// Optional fields are `Option`, `Vec` or `BTreeMap`: missing or `null` reads as empty, and
/// empty ones are not written.
///
/// ```
/// open1688_core::wire_struct! {
///     /// A SKU.
///     #[derive(Clone, Debug, PartialEq)]
///     pub struct Sku {
///         /// The SKU's id.
///         #[wire("skuId", required)]
///         pub sku_id: i64,
///         #[wire("price", decimal)]
///         pub price: Option<open1688_core::Decimal>,
///         #[wire("specAttrs")]
///         pub spec_attrs: Vec<String>,
///     }
/// }
/// let sku: Sku = open1688_core::de::from_str(r#"{"skuId":"7","price":"12.30","x":1}"#).unwrap();
/// assert_eq!((sku.sku_id, sku.price.unwrap().to_string()), (7, "12.30".to_owned()));
/// assert_eq!(serde_json::to_string(&sku).unwrap(), r#"{"skuId":7,"price":"12.30"}"#);
/// let missing = open1688_core::de::from_str::<Sku>(r#"{"price":1}"#).unwrap_err();
/// assert!(missing.to_string().contains("missing field `skuId`"));
/// ```
#[macro_export]
macro_rules! wire_struct {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                #[wire($wire:literal $(, $flag:ident)*)]
                $fvis:vis $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $($(#[doc = $doc])* $fvis $field: $ty,)*
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                let this = self;
                // The fields as trait objects, written by one function generic over the
                // serializer alone: a body per struct with a generic call per field was a fifth
                // of the crate's type and borrow checking.
                $crate::wire_struct::serialize(s, ::std::stringify!($name), &[
                    $($crate::wire_struct!(@field this $field $wire [$($flag)*]),)*
                ])
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                struct Fields;
                impl<'de> $crate::serde::de::Visitor<'de> for Fields {
                    type Value = $name;
                    // Not generic: without `#[inline]` every struct's would be compiled in the
                    // SDK crate, used or not.
                    #[inline]
                    fn expecting(&self, f: &mut ::std::fmt::Formatter) -> ::std::fmt::Result {
                        f.write_str(::std::concat!("struct ", ::std::stringify!($name)))
                    }
                    fn visit_map<A: $crate::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<$name, A::Error> {
                        $(let mut $field = $crate::wire_struct!(@slot $ty [$($flag)*]);)*
                        while let ::std::option::Option::Some(key) = map.next_key::<$crate::wire_struct::Key<'de>>()? {
                            // One `?` for the whole match: each arm's own would multiply the
                            // early exits, and with them the drops to check for every slot.
                            match key.as_str() {
                                $($wire => $crate::wire_struct!(@read map $field $ty [$($flag)*]),)*
                                _ => $crate::wire_struct::skip(&mut map),
                            }?;
                        }
                        ::std::result::Result::Ok($name {
                            $($field: $crate::wire_struct!(@finish A $field $wire [$($flag)*]),)*
                        })
                    }
                }
                d.deserialize_struct(::std::stringify!($name), &[$($wire),*], Fields)
            }
        }
    };

    // A field to write: required ones always, others unless empty.
    (@field $this:ident $field:ident $wire:literal [required $($rest:ident)*]) => {
        $crate::wire_struct::Field { key: $wire, value: &$this.$field, skip: false }
    };
    (@field $this:ident $field:ident $wire:literal [$($flag:ident)*]) => {
        $crate::wire_struct::Field {
            key: $wire,
            value: &$this.$field,
            skip: $crate::wire_struct::Absent::is_absent(&$this.$field),
        }
    };

    // A field's value: through `next_value`, so core's `Loose` reader applies its rules (and
    // its recovery of unreadable scalars); exact decimals through their lenient reader.
    // Required fields read into an `Option` (missing is an error), optional ones straight into
    // their own type, which starts empty.
    (@slot $ty:ty [required $($rest:ident)*]) => { ::std::option::Option::<$ty>::None };
    (@slot $ty:ty [$($flag:ident)*]) => { <$ty as ::std::default::Default>::default() };
    (@read $map:ident $field:ident $ty:ty [$(required)? decimal]) => {
        $crate::wire_struct::read_exact::<_, $ty, _>(&mut $map, &mut $field)
    };
    (@read $map:ident $field:ident $ty:ty [$($flag:ident)*]) => {
        $crate::wire_struct::read::<_, $ty, _>(&mut $map, &mut $field)
    };

    (@finish $a:ident $field:ident $wire:literal [required $($rest:ident)*]) => {
        match $field {
            ::std::option::Option::Some(value) => value,
            ::std::option::Option::None => {
                return ::std::result::Result::Err(<$a::Error as $crate::serde::de::Error>::missing_field($wire))
            }
        }
    };
    (@finish $a:ident $field:ident $wire:literal [$($flag:ident)*]) => { $field };
}

/// An object key as read: borrowed from the body when it has no escapes (also what
/// `capture` reads keys as).
#[doc(hidden)]
pub enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v))
    }
}

/// Reads a field's value (a `T`) into its slot: the field itself, or the `Option` a required
/// field waits in until the object ends.
#[doc(hidden)]
#[inline]
pub fn read<'de, A: de::MapAccess<'de>, T: de::Deserialize<'de>, S: From<T>>(
    map: &mut A,
    slot: &mut S,
) -> Result<(), A::Error> {
    *slot = S::from(map.next_value::<T>()?);
    Ok(())
}

/// [`read`] for a `decimal` field: its value through [`crate::de::Lenient`].
#[doc(hidden)]
#[inline]
pub fn read_exact<'de, A: de::MapAccess<'de>, T: crate::de::Lenient, S: From<T>>(
    map: &mut A,
    slot: &mut S,
) -> Result<(), A::Error> {
    *slot = S::from(map.next_value::<Exact<T>>()?.0);
    Ok(())
}

/// Skips the value of a key the structure does not know.
#[doc(hidden)]
#[inline]
pub fn skip<'de, A: de::MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(drop)
}

/// A `decimal` field's value, read by [`crate::de::Lenient`].
#[doc(hidden)]
pub struct Exact<T>(pub T);

impl<'de, T: crate::de::Lenient> de::Deserialize<'de> for Exact<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::lenient(d).map(Exact)
    }
}

/// A field as [`serialize`] writes it.
#[doc(hidden)]
pub struct Field<'a> {
    /// Its wire key.
    pub key: &'static str,
    /// Its value.
    pub value: &'a dyn erased_serde::Serialize,
    /// Whether it is an empty optional field, skipped.
    pub skip: bool,
}

/// Writes a structure's fields: the one body every generated `Serialize` shares.
#[doc(hidden)]
pub fn serialize<S: ser::Serializer>(
    s: S,
    name: &'static str,
    fields: &[Field<'_>],
) -> Result<S::Ok, S::Error> {
    use ser::SerializeStruct;
    let mut out = s.serialize_struct(name, fields.iter().filter(|f| !f.skip).count())?;
    for field in fields {
        if field.skip {
            out.skip_field(field.key)?;
        } else {
            out.serialize_field(field.key, field.value)?;
        }
    }
    out.end()
}

/// Whether an optional field is empty, so not written.
#[doc(hidden)]
pub trait Absent {
    /// `None`, or an empty list or map.
    fn is_absent(&self) -> bool;
}

impl<T> Absent for Option<T> {
    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<T> Absent for Vec<T> {
    fn is_absent(&self) -> bool {
        self.is_empty()
    }
}

impl<K, V> Absent for BTreeMap<K, V> {
    fn is_absent(&self) -> bool {
        self.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use crate::Decimal;
    use std::collections::BTreeMap;

    crate::wire_struct! {
        /// Field names that are also the macro's own locals, to show they cannot clash.
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct Inner {
            #[wire("map")]
            pub map: Option<i64>,
            #[wire("key")]
            pub key: Option<String>,
            #[wire("this")]
            pub this: Vec<i64>,
            #[wire("out")]
            pub out: Option<bool>,
        }
    }

    crate::wire_struct! {
        #[derive(Clone, Debug, PartialEq)]
        pub struct Outer {
            /// Required.
            #[wire("orderId", required)]
            pub order_id: i64,
            #[wire("type")]
            pub r#type: Option<String>,
            #[wire("amount", required, decimal)]
            pub amount: Decimal,
            #[wire("prices", decimal)]
            pub prices: BTreeMap<String, Vec<Decimal>>,
            #[wire("inner")]
            pub inner: Option<Inner>,
            #[wire("items")]
            pub items: Vec<Inner>,
        }
    }

    fn decode(json: &str) -> Result<Outer, String> {
        crate::de::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn missing_and_null_optional_fields_are_empty() {
        let o = decode(r#"{"orderId":1,"amount":"2.50","type":null,"items":null}"#).unwrap();
        assert_eq!(
            (o.r#type, o.inner, o.items, o.prices),
            (None, None, vec![], BTreeMap::new())
        );
        assert_eq!(o.amount.to_string(), "2.50");
    }

    #[test]
    fn a_missing_required_field_is_named() {
        let e = decode(r#"{"amount":1}"#).unwrap_err();
        assert!(e.contains("missing field `orderId`"), "{e}");
        let e = decode(r#"{"orderId":1}"#).unwrap_err();
        assert!(e.contains("missing field `amount`"), "{e}");
    }

    #[test]
    fn unknown_keys_are_skipped_whole_and_escaped_keys_match() {
        let o = decode(
            r#"{"x":{"orderId":9,"deep":[1,{"a":[]}]},"order\u0049d":"7","amount":3,
                "inner":{"map":"5","key":6,"this":[1,"2"],"out":"true","z":null},"y":[{}]}"#,
        )
        .unwrap();
        assert_eq!(o.order_id, 7);
        let inner = o.inner.unwrap();
        assert_eq!(
            (inner.map, inner.key.as_deref(), inner.this, inner.out),
            (Some(5), Some("6"), vec![1, 2], Some(true))
        );
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value() {
        let o = decode(r#"{"orderId":1,"orderId":2,"amount":1,"type":"a","type":"b"}"#).unwrap();
        assert_eq!((o.order_id, o.r#type.as_deref()), (2, Some("b")));
    }

    #[test]
    fn decimals_are_exact_and_garbage_in_an_optional_scalar_costs_only_that_field() {
        let o = decode(
            r#"{"orderId":1,"amount":0.1,"prices":{"a":["1.10",2.25]},"inner":{"map":"N/A","key":"k"}}"#,
        )
        .unwrap();
        assert_eq!(o.amount.to_string(), "0.1");
        let a: Vec<String> = o.prices["a"].iter().map(ToString::to_string).collect();
        assert_eq!(a, ["1.10", "2.25"]);
        let inner = o.inner.unwrap();
        assert_eq!((inner.map, inner.key.as_deref()), (None, Some("k")));
    }

    #[test]
    fn only_objects_decode() {
        let e = decode(r#"[1,"t","1"]"#).unwrap_err();
        assert!(e.contains("struct Outer"), "{e}");
        assert!(decode(r#"{"orderId":{},"amount":1}"#).is_err());
    }

    #[test]
    fn encoding_writes_required_fields_and_skips_empty_ones_then_decodes_back() {
        let o = decode(r#"{"orderId":1,"amount":"2.50","items":[{"this":[3]}]}"#).unwrap();
        let json = serde_json::to_string(&o).unwrap();
        assert_eq!(
            json,
            r#"{"orderId":1,"amount":"2.50","items":[{"this":[3]}]}"#
        );
        assert_eq!(decode(&json).unwrap(), o);
        assert_eq!(serde_json::to_string(&Inner::default()).unwrap(), "{}");
    }
}
