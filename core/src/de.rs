//! Lenient decoding of 1688 responses.
//!
//! The gateway sends numbers and booleans as strings in places (`"success":"true"`,
//! `"expires_in":"36000"`), `null` for empty lists, and numbers where a string is declared.
//! Responses are read through [`Loose`] ([`from_slice`]), which converts such values for any
//! `Deserialize` type, so generated types need no per-field attributes. The [`Lenient`] trait
//! does the same per field (`#[serde(deserialize_with = "open1688_core::de::lenient")]`) for
//! hand-written types decoded without [`Loose`], and for exact decimals, which `Loose` cannot
//! see (rust_decimal reads JSON numbers through `f64` on its own).

pub use crate::loose::{from_slice, from_str, Loose};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// A type that decodes leniently field by field: scalars, `Decimal`, `Option`, `Vec` and maps
/// override the method; other types (generated enums, `Date`, `Secret`) use their own
/// `Deserialize`.
pub trait Lenient: Sized + DeserializeOwned {
    /// Decodes `Self`, accepting the loose forms the gateway sends.
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::deserialize(d).map_err(de::Error::custom)
    }
}

/// `deserialize_with` entry point for fields decoded outside [`Loose`] and for exact decimals.
pub fn lenient<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<T, D::Error> {
    T::lenient(d)
}

struct Seed<T>(PhantomData<T>);

impl<'de, T: Lenient> DeserializeSeed<'de> for Seed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::lenient(d)
    }
}

// Scalars convert exactly as `Loose` converts them inside whole bodies: one set of rules.
macro_rules! loose_scalar {
    ($($ty:ty),*) => {$(
        impl Lenient for $ty {
            fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <$ty as serde::Deserialize>::deserialize(Loose(d))
            }
        }
    )*};
}
loose_scalar!(i32, i64, f64, bool, String);

struct DecimalVisitor;
impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = rust_decimal::Decimal;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a decimal number or numeric string")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    // JSON numbers reach us as f64; its shortest round-trip text is the text the server wrote
    // for any amount of up to 15 significant digits, so parsing that text is exact. `ryu`
    // writes that text on the stack (`1e16` for very large or small values, which
    // `from_scientific` reads).
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if !v.is_finite() {
            return Err(E::custom(format_args!("{v} is not a decimal")));
        }
        if let Some(exact) = short_decimal(v) {
            return Ok(exact);
        }
        let mut buffer = ryu::Buffer::new();
        let text = buffer.format_finite(v);
        // `ryu` writes integral values as `52.0`, `f64`'s `Display` (what this read before) `52`.
        self.visit_str(text.strip_suffix(".0").unwrap_or(text))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        t.parse()
            .or_else(|_| rust_decimal::Decimal::from_scientific(t))
            .map_err(|_| E::custom(format_args!("{v:?} is not a decimal")))
    }
}
/// The decimal with the fewest fraction digits that reads back as `v`, found with integer
/// arithmetic instead of writing and re-parsing text (a tenth of a product answer's decode).
/// `None` (the caller falls back to `ryu`'s text) past 15 significant digits, and for zero, whose
/// sign the text keeps. Below 10^15 the decimals of one scale lie more than two `f64` steps
/// apart, so at most one of them reads back as `v`, it is the one `round` finds, and it is the
/// shortest round-trip text `ryu` would write: the same value and scale.
fn short_decimal(v: f64) -> Option<rust_decimal::Decimal> {
    if v == 0.0 {
        return None;
    }
    let mut scale = 1.0;
    for s in 0..=15 {
        let m = (v * scale).round();
        if m.abs() >= 1e15 {
            return None;
        }
        if m / scale == v {
            return Some(rust_decimal::Decimal::new(m as i64, s));
        }
        scale *= 10.0;
    }
    None
}

impl Lenient for rust_decimal::Decimal {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }
}

impl Lenient for serde_json::Value {}
impl Lenient for crate::Date {}

struct OptionVisitor<T>(PhantomData<T>);
impl<'de, T: Lenient> Visitor<'de> for OptionVisitor<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an optional value")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        T::lenient(d).map(Some)
    }
}
impl<T: Lenient> Lenient for Option<T> {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_option(OptionVisitor(PhantomData))
    }
}

struct VecVisitor<T>(PhantomData<T>);
impl<'de, T: Lenient> Visitor<'de> for VecVisitor<T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list or null")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element_seed(Seed::<T>(PhantomData))? {
            out.push(item);
        }
        Ok(out)
    }
}
impl<T: Lenient> Lenient for Vec<T> {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(VecVisitor(PhantomData))
    }
}

struct MapVisitor<K, T>(PhantomData<(K, T)>);
impl<'de, K: de::DeserializeOwned + Ord, T: Lenient> Visitor<'de> for MapVisitor<K, T> {
    type Value = BTreeMap<K, T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object or null")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(BTreeMap::new())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key::<K>()? {
            out.insert(key, map.next_value_seed(Seed::<T>(PhantomData))?);
        }
        Ok(out)
    }
}
/// Keys are text: `String` in types callers build, `CompactString` in decoded ones.
impl<K: de::DeserializeOwned + Ord, T: Lenient> Lenient for BTreeMap<K, T> {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(MapVisitor(PhantomData))
    }
}

impl<T: Lenient> Lenient for Box<T> {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::lenient(d).map(Box::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    struct Probe {
        #[serde(default, deserialize_with = "lenient")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "lenient")]
        flag: Option<bool>,
        #[serde(default, deserialize_with = "lenient")]
        list: Vec<i64>,
        #[serde(default, deserialize_with = "lenient")]
        money: Option<rust_decimal::Decimal>,
        #[serde(default, deserialize_with = "lenient")]
        text: Option<String>,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn numbers_and_flags_arrive_as_strings() {
        let p = probe(
            r#"{"n":"3535260697417660107","flag":"false","list":["1",2],"money":"12.30","text":42}"#,
        );
        assert_eq!(p.n, Some(3535260697417660107));
        assert_eq!(p.flag, Some(false));
        assert_eq!(p.list, [1, 2]);
        assert_eq!(p.money.unwrap().to_string(), "12.30");
        assert_eq!(p.text.as_deref(), Some("42"));
    }

    #[test]
    fn nulls_and_absence_are_empty() {
        let p = probe(r#"{"n":null,"list":null}"#);
        assert_eq!(p.n, None);
        assert!(p.list.is_empty());
        assert_eq!(probe("{}").flag, None);
    }

    /// What `visit_f64` returned before the integer fast path: `ryu`'s shortest text, parsed.
    fn via_text(v: f64) -> Option<rust_decimal::Decimal> {
        let mut buffer = ryu::Buffer::new();
        let text = buffer.format_finite(v);
        let text = text.strip_suffix(".0").unwrap_or(text);
        text.parse()
            .or_else(|_| rust_decimal::Decimal::from_scientific(text))
            .ok()
    }

    fn same(v: f64) -> Result<(), proptest::test_runner::TestCaseError> {
        if let Some(fast) = short_decimal(v) {
            let text = via_text(v);
            proptest::prop_assert!(text.is_some(), "{} has no text decimal", v);
            let text = text.unwrap_or_default();
            proptest::prop_assert_eq!(fast, text, "{}", v);
            proptest::prop_assert_eq!(fast.scale(), text.scale(), "{}", v);
            proptest::prop_assert_eq!(fast.to_string(), text.to_string(), "{}", v);
        }
        Ok(())
    }

    proptest::proptest! {
        /// Prices as the gateway writes them: the fast path gives ryu's value and scale.
        #[test]
        fn short_decimal_matches_ryu_on_prices(m in -10_000_000_000_000i64..10_000_000_000_000, s in 0u32..10) {
            same(rust_decimal::Decimal::new(m, s).to_string().parse::<f64>().unwrap())?;
        }

        /// Values computed in floating point rather than read from text.
        #[test]
        fn short_decimal_matches_ryu_on_rounded_floats(x in -1e9f64..1e9, k in 0i32..12) {
            let p = 10f64.powi(k);
            same((x * p).round() / p)?;
            same(x)?;
        }

        /// Any finite f64 at all, long fractions and huge or tiny magnitudes included.
        #[test]
        fn short_decimal_matches_ryu_on_any_f64(bits in proptest::num::u64::ANY) {
            let v = f64::from_bits(bits);
            if v.is_finite() && v.abs() < 1e20 {
                same(v)?;
            }
        }
    }

    #[test]
    fn short_decimal_takes_common_prices_and_leaves_the_rest_to_ryu() {
        assert_eq!(
            short_decimal(12.5).map(|d| d.to_string()),
            Some("12.5".into())
        );
        assert_eq!(
            short_decimal(52.0).map(|d| d.to_string()),
            Some("52".into())
        );
        assert_eq!(
            short_decimal(-0.07).map(|d| d.to_string()),
            Some("-0.07".into())
        );
        assert_eq!(short_decimal(0.1 + 0.2), None); // 17 significant digits
        assert_eq!(short_decimal(1e16), None);
        assert_eq!(short_decimal(-0.0), None);
    }

    #[test]
    fn decimal_from_json_number_is_exact() {
        assert_eq!(probe(r#"{"money":0.1}"#).money.unwrap().to_string(), "0.1");
        assert_eq!(
            probe(r#"{"money":12345678.99}"#).money.unwrap().to_string(),
            "12345678.99"
        );
    }

    #[test]
    fn decimal_from_very_large_or_small_json_numbers() {
        let money = |json: &str| probe(json).money.unwrap();
        assert_eq!(money(r#"{"money":1e16}"#).to_string(), "10000000000000000");
        assert_eq!(money(r#"{"money":0.0000001}"#).to_string(), "0.0000001");
        assert_eq!(money(r#"{"money":-45.8}"#).to_string(), "-45.8");
        assert_eq!(money(r#"{"money":52.0}"#).to_string(), "52");
    }

    #[test]
    fn big_ids_never_pass_through_f64() {
        assert_eq!(probe(r#"{"n":9223372036854775807}"#).n, Some(i64::MAX));
        assert!(serde_json::from_str::<Probe>(r#"{"n":"12x"}"#)
            .unwrap_err()
            .to_string()
            .contains("not an integer"));
    }
}
