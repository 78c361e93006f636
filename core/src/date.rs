//! 1688 dates: sent as `yyyyMMddHHmmssSSS+0800`, received in several forms.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use serde::de::{self, Visitor};
use std::fmt;

/// China Standard Time, the zone 1688 assumes when a date carries none.
fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset")
}

/// A point in time as 1688 speaks it.
///
/// Sent as `20240102030405006+0800`. Decoded from that 22-character form, from 14 digits plus
/// zone (`20121222222222+0800`), from `yyyy-MM-dd HH:mm:ss[.SSS]` or `yyyyMMdd` (taken as
/// +08:00), and from epoch milliseconds as a number or a 13-digit string.
///
/// ```
/// use open1688_core::Date;
/// let d: Date = "2024-01-02 03:04:05".parse().unwrap();
/// assert_eq!(d.to_wire(), "20240102030405000+0800");
/// assert_eq!(Date::from_millis(1700000000000).unwrap().to_wire(), "20231115061320000+0800");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub DateTime<FixedOffset>);

impl Date {
    /// The date `millis` after the Unix epoch, shown in +08:00.
    pub fn from_millis(millis: i64) -> Option<Date> {
        DateTime::from_timestamp_millis(millis).map(|d| Date(d.with_timezone(&cst())))
    }

    /// Now, in +08:00.
    pub fn now() -> Date {
        Date(chrono::Utc::now().with_timezone(&cst()))
    }

    /// Milliseconds since the Unix epoch.
    pub fn millis(&self) -> i64 {
        self.0.timestamp_millis()
    }

    /// The form sent on the wire: `yyyyMMddHHmmssSSS+0800`.
    pub fn to_wire(&self) -> String {
        self.0.format("%Y%m%d%H%M%S%3f%z").to_string()
    }
}

impl<Tz: TimeZone> From<DateTime<Tz>> for Date {
    fn from(d: DateTime<Tz>) -> Self {
        Date(d.fixed_offset())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_wire())
    }
}

/// A text that is not one of the date forms 1688 uses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a 1688 date (expected e.g. 20240102030405000+0800, 2024-01-02 03:04:05 or epoch millis)")]
pub struct DateParseError(String);

impl std::str::FromStr for Date {
    type Err = DateParseError;

    fn from_str(s: &str) -> Result<Date, DateParseError> {
        let t = s.trim();
        let zoned = |fmt: &str| DateTime::parse_from_str(t, fmt).ok().map(Date);
        let local = |fmt: &str| {
            NaiveDateTime::parse_from_str(t, fmt)
                .ok()
                .and_then(|n| cst().from_local_datetime(&n).single())
                .map(Date)
        };
        let parsed = match t.len() {
            22 => zoned("%Y%m%d%H%M%S%3f%z"),
            19 if t.as_bytes()[4] == b'-' => local("%Y-%m-%d %H:%M:%S"),
            19 => zoned("%Y%m%d%H%M%S%z"),
            23 => local("%Y-%m-%d %H:%M:%S%.3f"),
            17 => local("%Y%m%d%H%M%S%3f"),
            14 => local("%Y%m%d%H%M%S"),
            13 if t.bytes().all(|b| b.is_ascii_digit()) => {
                t.parse().ok().and_then(Date::from_millis)
            }
            10 => NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .and_then(|n| cst().from_local_datetime(&n).single())
                .map(Date),
            8 => NaiveDate::parse_from_str(t, "%Y%m%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .and_then(|n| cst().from_local_datetime(&n).single())
                .map(Date),
            _ => None,
        };
        parsed.ok_or_else(|| DateParseError(s.to_owned()))
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_wire())
    }
}

struct DateVisitor;
impl<'de> Visitor<'de> for DateVisitor {
    type Value = Date;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a 1688 date string or epoch milliseconds")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Date, E> {
        Date::from_millis(v).ok_or_else(|| E::custom(format_args!("{v} is out of the date range")))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Date, E> {
        i64::try_from(v)
            .map_err(E::custom)
            .and_then(|v| self.visit_i64(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
        v.parse().map_err(E::custom)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DateVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_1688_sends_decodes() {
        let want = Date::from_millis(1556088545000).unwrap(); // 2019-04-24 14:49:05 +08:00
        for form in [
            "20190424144905000+0800",
            "20190424144905+0800",
            "2019-04-24 14:49:05",
            "1556088545000",
            "2019-04-24 14:49:05.000",
        ] {
            assert_eq!(form.parse::<Date>().unwrap(), want, "{form}");
        }
        assert_eq!(serde_json::from_str::<Date>("1556088545000").unwrap(), want);
    }

    #[test]
    fn wire_form_keeps_milliseconds_and_zone() {
        let d: Date = "20240102030405006+0800".parse().unwrap();
        assert_eq!(d.to_wire(), "20240102030405006+0800");
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            "\"20240102030405006+0800\""
        );
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let err = "yesterday".parse::<Date>().unwrap_err().to_string();
        assert!(err.contains("\"yesterday\" is not a 1688 date"), "{err}");
    }
}
