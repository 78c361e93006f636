//! A lenient view of any deserializer, so generated types need no per-field attributes.
//!
//! 1688 sends numbers and booleans as strings (`"success":"true"`, `"expires_in":"36000"`),
//! numbers where strings are declared, `null` or `""` for empty lists and objects. Rather than
//! annotating every generated field (serde then emits a wrapper type per field, which dominated
//! the SDK's compile time), the whole body is read through [`Loose`]: when a type asks for an
//! integer, a boolean, a float or a string, the value the JSON actually holds is converted; lists
//! and objects may be `null` (or `""`) for empty; and everything nested is read the same way.
//! Values that fit no conversion are still errors, naming what was expected.

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use std::fmt;
use std::marker::PhantomData;

/// Decodes `T` from JSON bytes leniently.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Flag { success: bool, count: Option<i64>, items: Vec<String> }
/// let f: Flag = open1688_core::de::from_slice(br#"{"success":"true","count":"3","items":null}"#).unwrap();
/// assert!(f.success && f.count == Some(3) && f.items.is_empty());
/// ```
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    from_str(utf8(bytes)?)
}

/// The body as text: JSON is UTF-8. Checking it once, whole, lets `serde_json` read it as
/// text and skip validating every string and key on its own (a tenth of a typed decode).
/// `simdutf8` checks 32 bytes at a step where the CPU allows (std's check was 5 % of a typed
/// decode, simdutf8's is 1.7 %); a body that fails is checked again by std, for the offset.
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, serde_json::Error> {
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Ok(text);
    }
    std::str::from_utf8(bytes).map_err(|e| {
        de::Error::custom(format_args!(
            "the body is not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })
}

/// [`from_slice`] for text.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(Loose(&mut de))?;
    de.end()?;
    Ok(value)
}

/// A deserializer that converts loosely typed values on request; see the module docs.
pub struct Loose<D>(pub D);

/// Passes a value through unchanged, but reads what it nests loosely.
struct Nested<V>(V);

/// Converts a scalar to what was asked for.
#[derive(Clone, Copy)]
enum Want {
    Int,
    Float,
    Bool,
    Str,
}

struct Scalar<V> {
    want: Want,
    visitor: V,
}

fn parse_err<E: de::Error>(v: &str, what: &str) -> E {
    E::custom(format_args!("{v:?} is not {what}"))
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Scalar<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        match self.want {
            Want::Str => self.visitor.visit_string(v.to_string()),
            _ => self.visitor.visit_bool(v),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        match self.want {
            Want::Bool => self.visitor.visit_bool(v != 0),
            Want::Str => self.visitor.visit_string(v.to_string()),
            _ => self.visitor.visit_i64(v),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        match self.want {
            Want::Bool => self.visitor.visit_bool(v != 0),
            Want::Str => self.visitor.visit_string(v.to_string()),
            _ => self.visitor.visit_u64(v),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        match self.want {
            Want::Int if v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 => {
                self.visitor.visit_i64(v as i64)
            }
            Want::Str => self.visitor.visit_string(v.to_string()),
            _ => self.visitor.visit_f64(v),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        let t = v.trim();
        match self.want {
            Want::Str => self.visitor.visit_str(v),
            Want::Int => match t.parse::<i64>() {
                Ok(n) => self.visitor.visit_i64(n),
                Err(_) => t
                    .parse::<u64>()
                    .map_err(|_| parse_err(v, "an integer"))
                    .and_then(|n| self.visitor.visit_u64(n)),
            },
            Want::Float => t
                .parse::<f64>()
                .map_err(|_| parse_err(v, "a number"))
                .and_then(|n| self.visitor.visit_f64(n)),
            Want::Bool => match t {
                "true" | "TRUE" | "True" | "1" | "y" | "Y" => self.visitor.visit_bool(true),
                "false" | "FALSE" | "False" | "0" | "n" | "N" | "" => {
                    self.visitor.visit_bool(false)
                }
                _ => Err(parse_err(v, "a boolean")),
            },
        }
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        match self.want {
            Want::Str => self.visitor.visit_borrowed_str(v),
            _ => self.visit_str(v),
        }
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        match self.want {
            Want::Str => self.visitor.visit_string(v),
            _ => self.visit_str(&v),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_seq(LooseSeq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(LooseMap(map))
    }
}

/// A list or an object: `null` and `""` read as empty, everything inside read loosely.
struct Compound<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for Compound<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_seq(Empty(PhantomData))
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.visit_unit()
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        if v.trim().is_empty() {
            self.visit_unit()
        } else {
            self.0.visit_str(v)
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(LooseSeq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(LooseMap(map))
    }
}

/// An empty list or object, for `null`: both a `SeqAccess` and a `MapAccess` with no entries.
struct Empty<E>(PhantomData<E>);

impl<'de, E: de::Error> SeqAccess<'de> for Empty<E> {
    type Error = E;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, _: T) -> Result<Option<T::Value>, E> {
        Ok(None)
    }
}

impl<'de, E: de::Error> MapAccess<'de> for Empty<E> {
    type Error = E;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, _: K) -> Result<Option<K::Value>, E> {
        Ok(None)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, _: V) -> Result<V::Value, E> {
        Err(E::custom("no value in an empty object"))
    }
}

/// `Compound`, but an object is wanted: `null` reads as an empty object.
struct Object<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for Object<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_map(Empty(PhantomData))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        if v.trim().is_empty() {
            self.visit_unit()
        } else {
            self.0.visit_str(v)
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(LooseSeq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(LooseMap(map))
    }
}

struct LooseSeq<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for LooseSeq<A> {
    type Error = A::Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(LooseSeed(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct LooseMap<A>(A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for LooseMap<A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.0.next_value_seed(LooseSeed(seed))
    }
    // Derived structs read their fields here: one unreadable scalar may cost only its field.
    fn next_value<V: serde::Deserialize<'de>>(&mut self) -> Result<V, A::Error> {
        self.0.next_value_seed(crate::recover::OrNone(PhantomData))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct LooseSeed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for LooseSeed<S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Loose(d))
    }
}

struct LooseOption<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for LooseOption<V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }
    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(Loose(d))
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Nested<V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        self.0.visit_bool(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.0.visit_i64(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.0.visit_u64(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.0.visit_f64(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.0.visit_str(v)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.0.visit_borrowed_str(v)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.0.visit_string(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }
    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(Loose(d))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(LooseSeq(seq))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(LooseMap(map))
    }
}

macro_rules! scalar {
    ($($method:ident => $want:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.deserialize_any(Scalar { want: Want::$want, visitor })
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Loose<D> {
    type Error = D::Error;

    scalar! {
        deserialize_i8 => Int, deserialize_i16 => Int, deserialize_i32 => Int, deserialize_i64 => Int,
        deserialize_u8 => Int, deserialize_u16 => Int, deserialize_u32 => Int, deserialize_u64 => Int,
        deserialize_f32 => Float, deserialize_f64 => Float,
        deserialize_bool => Bool,
        deserialize_str => Str, deserialize_string => Str,
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(Nested(visitor))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_option(LooseOption(visitor))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(Compound(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(Compound(visitor))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(Object(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(Object(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Nested(visitor))
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char bytes byte_buf unit unit_struct tuple_struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Sku {
        #[serde(rename = "skuId")]
        sku_id: i64,
        price: Option<f64>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Body {
        success: Option<bool>,
        #[serde(rename = "orderId")]
        order_id: i64,
        count: Option<i32>,
        name: Option<String>,
        #[serde(default)]
        skus: Vec<Sku>,
        #[serde(default)]
        tags: BTreeMap<String, i64>,
        raw: Option<serde_json::Value>,
        nested: Option<Box<Sku>>,
    }

    #[test]
    fn strings_numbers_and_nulls_convert_where_types_ask() {
        let b: Body = from_str(
            r#"{"success":"false","orderId":"3535260697417660107","count":2.0,"name":12345,
                "skus":[{"skuId":"1","price":"9.90"}],"tags":{"a":"1"},"raw":{"k":"v"},"nested":{"skuId":2}}"#,
        )
        .unwrap();
        assert_eq!(b.success, Some(false));
        assert_eq!(b.order_id, 3535260697417660107);
        assert_eq!((b.count, b.name.as_deref()), (Some(2), Some("12345")));
        assert_eq!(
            b.skus,
            [Sku {
                sku_id: 1,
                price: Some(9.9)
            }]
        );
        assert_eq!(b.tags["a"], 1);
        assert_eq!(b.raw.unwrap()["k"], "v", "json is kept as sent");
        assert_eq!(b.nested.unwrap().sku_id, 2);
    }

    #[test]
    fn null_and_empty_string_are_empty_collections() {
        let b: Body = from_str(r#"{"orderId":1,"skus":null,"tags":"","nested":null}"#).unwrap();
        assert!(b.skus.is_empty() && b.tags.is_empty() && b.nested.is_none());
    }

    #[test]
    fn what_fits_no_conversion_is_still_an_error() {
        let e = from_str::<Body>(r#"{"orderId":"12x"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"12x\" is not an integer"), "{e}");
        assert!(from_str::<Body>(r#"{"success":true}"#)
            .unwrap_err()
            .to_string()
            .contains("orderId"));
    }

    #[test]
    fn a_body_that_is_not_utf8_is_a_clear_error() {
        let e = from_slice::<Body>(b"{\"orderId\":1,\"name\":\"a\xff\"}")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not UTF-8") && e.contains("offset 22"), "{e}");
    }

    #[test]
    fn ids_beyond_f64_stay_exact() {
        let b: Body = from_str(r#"{"orderId":9223372036854775807}"#).unwrap();
        assert_eq!(b.order_id, i64::MAX);
    }

    #[test]
    fn one_garbage_scalar_costs_only_its_optional_field() {
        let b: Body = from_str(
            r#"{"success":"maybe","orderId":7,"count":"N/A","name":"kept","skus":"junk",
                "nested":{"skuId":3,"price":"free"}}"#,
        )
        .unwrap();
        assert_eq!((b.success, b.count, b.order_id), (None, None, 7));
        assert_eq!(b.name.as_deref(), Some("kept"));
        assert!(
            b.skus.is_empty(),
            "a list field given a scalar reads as empty"
        );
        let nested = b.nested.unwrap();
        assert_eq!((nested.sku_id, nested.price), (3, None), "at every depth");
    }

    #[test]
    fn garbage_in_a_required_field_or_inside_a_list_is_still_an_error() {
        assert!(from_str::<Body>(r#"{"orderId":"12x","count":"N/A"}"#).is_err());
        // An object is never skipped half-read: the list's own element type decides.
        let e = from_str::<Body>(r#"{"orderId":1,"skus":[{"skuId":"x"}]}"#).unwrap_err();
        assert!(e.to_string().contains("\"x\" is not an integer"), "{e}");
    }
}
