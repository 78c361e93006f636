//! One garbage scalar in an optional field costs that field, not the whole answer.
//!
//! Real answers sometimes carry a value no conversion can read where a number, boolean or date
//! is declared (`"businessTerm":"Thu Sep 09 00:00:00 CST 1999-…"` for a date, `"N/A"` for a
//! count). Every object field read through [`Loose`](crate::de::Loose) goes through [`OrNone`]:
//! when the field's value is a *scalar* that its type rejects, and the type accepts `null`
//! (every `Option`, lists and maps), the field decodes as if it were `null` (`None`, empty) and a
//! `tracing` warning names the Rust type; the rest of the body decodes as usual. A scalar is
//! consumed whole before it is judged, so skipping it leaves the reader exactly after it: sound.
//! Objects and lists are not retried (a half-read one cannot be skipped), and required fields,
//! which do not accept `null`, still fail with the original error.

use crate::de::Loose;
use serde::de::{
    self, value, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use std::fmt;
use std::marker::PhantomData;

/// Reads a `T` loosely; see the module docs.
pub(crate) struct OrNone<T>(pub(crate) PhantomData<T>);

impl<'de, T: de::Deserialize<'de>> DeserializeSeed<'de> for OrNone<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
}

impl<T> OrNone<T> {
    /// `T` from one scalar, or from `null` when the scalar does not fit and `T` allows it.
    fn scalar<'de, S, E>(scalar: S, kind: &str) -> Result<T, E>
    where
        T: de::Deserialize<'de>,
        S: Deserializer<'de, Error = E>,
        E: de::Error,
    {
        T::deserialize(Loose(Present(scalar))).or_else(|err| {
            let none = T::deserialize(Loose(().into_deserializer())).map_err(|_: E| err)?;
            tracing::warn!(
                field_type = std::any::type_name::<T>(),
                value = kind,
                "1688 answer: a field's value does not fit its type; read as empty"
            );
            Ok(none)
        })
    }
}

impl<'de, T: de::Deserialize<'de>> Visitor<'de> for OrNone<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        Self::scalar(v.into_deserializer(), "a boolean")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        Self::scalar(v.into_deserializer(), "a number")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        Self::scalar(v.into_deserializer(), "a number")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Self::scalar(v.into_deserializer(), "a number")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<T, E> {
        Self::scalar(value::BorrowedStrDeserializer::new(v), "a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Self::scalar(value::StringDeserializer::new(v.to_owned()), "a string")
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
        Self::scalar(value::StringDeserializer::new(v), "a string")
    }
    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        T::deserialize(Loose(().into_deserializer()))
    }
    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        self.visit_unit()
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        T::deserialize(Loose(Present(value::SeqAccessDeserializer::new(seq))))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(Loose(Present(value::MapAccessDeserializer::new(map))))
    }
}

/// A value already under way: present, so an `Option` of it is `Some`.
struct Present<D>(D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Present<D> {
    type Error = D::Error;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(visitor)
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        visitor.visit_some(self)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}
