//! Decoding a body while noting its status fields, so a typed call reads the body once.
//!
//! [`crate::response::check`] needs only the status fields at the top level and directly under
//! `result`, but finding them means scanning the whole body; a 20 KB product answer then costs
//! a second pass as long as a sixth of its typed decode. Here the typed decode itself is wrapped:
//! the top-level map and the `result` map report their keys, the values of status keys are kept
//! (they are small scalars), and everything else goes straight to `serde_json`, untouched.

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

use crate::names::STATUS_KEYS;
use crate::wire_struct::Key;

/// The status fields found while decoding.
#[derive(Default, Debug)]
pub(crate) struct Fields {
    top: Map<String, Value>,
    /// `Some` when `result` is an object: its status fields.
    result: Option<Map<String, Value>>,
}

impl Fields {
    /// The fields as one object, `result` nested, in the body's shape.
    pub(crate) fn into_object(self) -> Value {
        let mut top = self.top;
        if let Some(result) = self.result {
            top.insert("result".to_owned(), Value::Object(result));
        }
        Value::Object(top)
    }
}

/// Decodes `body` as `T`, noting its status fields in `fields`.
pub(crate) fn decode<T: DeserializeOwned>(
    body: &[u8],
    fields: &mut Fields,
) -> Result<T, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(crate::loose::utf8(body)?);
    let value = T::deserialize(Capture {
        inner: crate::de::Loose(&mut de),
        sink: Sink::Top(fields),
    })?;
    de.end()?;
    Ok(value)
}

/// Where the status fields of the map being read go.
enum Sink<'c> {
    /// The body's top level: status keys, and `result`'s own status keys.
    Top(&'c mut Fields),
    /// The map under `result`.
    Result(&'c mut Option<Map<String, Value>>),
}

impl Sink<'_> {
    fn insert(&mut self, key: String, value: Value) {
        match self {
            Sink::Top(fields) => fields.top.insert(key, value),
            Sink::Result(slot) => slot.get_or_insert_with(Map::new).insert(key, value),
        };
    }
}

/// A deserializer whose maps report to a [`Sink`].
struct Capture<'c, D> {
    inner: D,
    sink: Sink<'c>,
}

impl<'c, D> Capture<'c, D> {
    fn visitor<V>(self, inner: V) -> (D, CaptureVisitor<'c, V>) {
        (
            self.inner,
            CaptureVisitor {
                inner,
                sink: self.sink,
            },
        )
    }
}

macro_rules! forward_deserialize {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            let (inner, visitor) = self.visitor(visitor);
            inner.$method($($arg,)* visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Capture<'_, D> {
    type Error = D::Error;

    forward_deserialize! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
    }

    /// An ignored `result` is still read, for its status fields.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let (inner, visitor) = self.visitor(visitor);
        inner.deserialize_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// Passes every visit through, wrapping maps (and the deserializers of `Some` and newtypes).
struct CaptureVisitor<'c, V> {
    inner: V,
    sink: Sink<'c>,
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.inner.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for CaptureVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_visit! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_str(&str);
        visit_borrowed_str(&'de str);
        visit_string(String);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_some(Capture {
            inner: d,
            sink: self.sink,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_newtype_struct(Capture {
            inner: d,
            sink: self.sink,
        })
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut sink = self.sink;
        if let Sink::Result(slot) = &mut sink {
            **slot = Some(Map::new());
        }
        self.inner.visit_map(CaptureMap {
            map,
            sink,
            pending: Pending::Pass,
        })
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_enum(data)
    }
}

/// What to do with the value of the key just read.
enum Pending {
    /// Not a status field: straight to the caller's seed.
    Pass,
    /// A status field: keep a copy.
    Keep(String),
    /// The top-level `result`: read its status fields too.
    Result,
}

struct CaptureMap<'c, A> {
    map: A,
    sink: Sink<'c>,
    pending: Pending,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CaptureMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.map.next_key::<Key>()? else {
            return Ok(None);
        };
        let name = key.as_str();
        self.pending = if name == "result" && matches!(self.sink, Sink::Top(_)) {
            Pending::Result
        } else if STATUS_KEYS.contains(&name) {
            Pending::Keep(name.to_owned())
        } else {
            Pending::Pass
        };
        match key {
            Key::Borrowed(s) => seed.deserialize(BorrowedStrDeserializer::new(s)),
            Key::Owned(s) => seed.deserialize(StringDeserializer::new(s)),
        }
        .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        match std::mem::replace(&mut self.pending, Pending::Pass) {
            Pending::Pass => self.map.next_value_seed(seed),
            Pending::Keep(name) => {
                let value: Value = self.map.next_value()?;
                let out = seed
                    .deserialize(crate::de::Loose(value.clone()))
                    .map_err(de::Error::custom)?;
                self.sink.insert(name, value);
                Ok(out)
            }
            Pending::Result => match &mut self.sink {
                Sink::Top(fields) => self.map.next_value_seed(CaptureSeed {
                    seed,
                    sink: Sink::Result(&mut fields.result),
                }),
                Sink::Result(_) => self.map.next_value_seed(seed),
            },
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// The caller's seed, given a [`Capture`] deserializer.
struct CaptureSeed<'c, S> {
    seed: S,
    sink: Sink<'c>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for CaptureSeed<'_, S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Capture {
            inner: d,
            sink: self.sink,
        })
    }
}
