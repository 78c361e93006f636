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
        quick(t.as_bytes())
            .or_else(|| by_chrono(t))
            .ok_or_else(|| DateParseError(s.to_owned()))
    }
}

/// Every form, through chrono's format strings.
fn by_chrono(t: &str) -> Option<Date> {
    let zoned = |fmt: &str| DateTime::parse_from_str(t, fmt).ok().map(Date);
    let local = |fmt: &str| {
        NaiveDateTime::parse_from_str(t, fmt)
            .ok()
            .and_then(|n| cst().from_local_datetime(&n).single())
            .map(Date)
    };
    let day = |fmt: &str| {
        NaiveDate::parse_from_str(t, fmt)
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|n| cst().from_local_datetime(&n).single())
            .map(Date)
    };
    match t.len() {
        22 => zoned("%Y%m%d%H%M%S%3f%z"),
        19 if t.as_bytes()[4] == b'-' => local("%Y-%m-%d %H:%M:%S"),
        19 => zoned("%Y%m%d%H%M%S%z"),
        23 => local("%Y-%m-%d %H:%M:%S%.3f"),
        17 => local("%Y%m%d%H%M%S%3f"),
        14 => local("%Y%m%d%H%M%S"),
        13 if t.bytes().all(|b| b.is_ascii_digit()) => t.parse().ok().and_then(Date::from_millis),
        10 => day("%Y-%m-%d"),
        8 => day("%Y%m%d"),
        _ => None,
    }
}

/// The forms answers carry most (`yyyyMMddHHmmss[SSS][+hhmm]`, `yyyy-MM-dd HH:mm:ss`) read by
/// hand: chrono's `parse_from_str` interprets its format string on every call, which made dates
/// a tenth of a small answer's decode. `None` sends the text to chrono, so anything unusual
/// (a leap second, an odd offset, a form not listed here) reads exactly as before.
fn quick(t: &[u8]) -> Option<Date> {
    let num = |at: usize, len: usize| -> Option<u32> {
        t.get(at..at + len)?.iter().try_fold(0u32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let dashed = t.len() == 19 && t[4] == b'-';
    let (date, time, rest) = if dashed {
        if (t[7], t[10], t[13], t[16]) != (b'-', b' ', b':', b':') {
            return None;
        }
        let date = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
        (date, (num(11, 2)?, num(14, 2)?, num(17, 2)?), &t[19..])
    } else {
        let date = (num(0, 4)?, num(4, 2)?, num(6, 2)?);
        (date, (num(8, 2)?, num(10, 2)?, num(12, 2)?), t.get(14..)?)
    };
    let (millis, zone) = match rest.len() {
        0 | 5 => (0, rest),
        3 | 8 => (num(14, 3)?, &rest[3..]),
        _ => return None,
    };
    let naive = NaiveDate::from_ymd_opt(i32::try_from(date.0).ok()?, date.1, date.2)?
        .and_hms_milli_opt(time.0, time.1, time.2, millis)?;
    let offset = match zone {
        [] => cst(),
        [sign @ (b'+' | b'-'), ..] => {
            let (hours, minutes) = (num(t.len() - 4, 2)?, num(t.len() - 2, 2)?);
            if minutes >= 60 {
                return None;
            }
            let seconds = i32::try_from((hours * 60 + minutes) * 60).ok()?;
            FixedOffset::east_opt(if *sign == b'-' { -seconds } else { seconds })?
        }
        _ => return None,
    };
    offset.from_local_datetime(&naive).single().map(Date)
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

    proptest::proptest! {
        /// Wherever the hand reader gives a date, chrono gives the same one: digits anywhere
        /// (invalid months, days, hours, leap seconds, offsets) and stray signs or separators.
        #[test]
        fn the_quick_reader_agrees_with_chrono(
            digits in "[0-9][0-9]{3}(0[0-9]|1[0-3])([0-2][0-9]|3[0-2])([01][0-9]|2[0-5])[0-6][0-9][0-6][0-9][0-9]{3}",
            variant in 0usize..6,
            sign in "[-+x]",
            zone in "([01][0-9]|2[0-5])[0-6][0-9]",
            noise in proptest::option::of((0usize..22, "[-: +a0]")),
        ) {
            let mut t = match variant {
                0 => format!("{digits}{sign}{zone}"),
                1 => format!("{}{sign}{zone}", &digits[..14]),
                2 => format!("{}-{}-{} {}:{}:{}", &digits[..4], &digits[4..6], &digits[6..8],
                             &digits[8..10], &digits[10..12], &digits[12..14]),
                3 => digits.clone(),
                4 => digits[..14].to_owned(),
                _ => format!("2024{}", &digits[4..]),
            };
            if let Some((at, c)) = &noise {
                if *at < t.len() {
                    t.replace_range(*at..at + 1, c);
                }
            }
            if let Some(quick) = quick(t.as_bytes()) {
                proptest::prop_assert_eq!(Some(quick), by_chrono(&t), "{}", t);
            } else if noise.is_none() {
                // Refused only where chrono refuses too, or would read something unusual.
                proptest::prop_assert!(by_chrono(&t).is_none() || t.contains("60"), "{}", t);
            }
        }
    }

    #[test]
    fn the_quick_reader_takes_the_usual_forms_and_leaves_the_rest() {
        for form in [
            "20190424144905000+0800",
            "20190424144905123-0330",
            "20190424144905+0800",
            "2019-04-24 14:49:05",
            "20190424144905000",
            "20190424144905",
        ] {
            assert_eq!(quick(form.as_bytes()), by_chrono(form), "{form}");
            assert!(quick(form.as_bytes()).is_some(), "{form}");
        }
        // A leap second, a month 13, minutes 60 in the offset: chrono decides.
        for form in [
            "20161231235960000+0800",
            "20191324144905000+0800",
            "20190424144905+0860",
        ] {
            assert_eq!(quick(form.as_bytes()), None, "{form}");
        }
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let err = "yesterday".parse::<Date>().unwrap_err().to_string();
        assert!(err.contains("\"yesterday\" is not a 1688 date"), "{err}");
    }
}
