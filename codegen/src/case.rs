//! snake_case and UpperCamelCase as `heck` spells them, for ASCII names without going through
//! `heck`'s formatter: a `write!` per character made case conversion a twentieth of a
//! generation, and every wire name 1688 uses is ASCII. Anything else is left to `heck`. The
//! word splitting is `heck::transform`'s, step for step; the tests compare every short string
//! of a covering alphabet with `heck`.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// `heck::ToSnakeCase`.
pub fn snake_case(s: &str) -> String {
    if !s.is_ascii() {
        return s.to_snake_case();
    }
    let mut out = String::with_capacity(s.len() + 4);
    for_each_word(s, |word| {
        if !out.is_empty() {
            out.push('_');
        }
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    });
    out
}

/// `heck::ToUpperCamelCase`.
pub fn upper_camel_case(s: &str) -> String {
    if !s.is_ascii() {
        return s.to_upper_camel_case();
    }
    let mut out = String::with_capacity(s.len());
    for_each_word(s, |word| {
        let mut bytes = word.bytes();
        out.extend(bytes.next().map(|b| char::from(b.to_ascii_uppercase())));
        out.extend(bytes.map(|b| char::from(b.to_ascii_lowercase())));
    });
    out
}

/// The words of an ASCII name: runs of letters and digits, split before an upper-case letter
/// that follows a lower-case one (`getBuyer` → `get`, `Buyer`) and before the last capital of a
/// run followed by a lower-case letter (`HTTPServer` → `HTTP`, `Server`). Digits take the case
/// of what precedes them.
fn for_each_word(s: &str, mut word: impl FnMut(&str)) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Boundary,
        Lower,
        Upper,
    }
    for part in s.split(|c: char| !c.is_ascii_alphanumeric()) {
        let bytes = part.as_bytes();
        let (mut start, mut mode) = (0, Mode::Boundary);
        for (i, &c) in bytes.iter().enumerate() {
            let Some(&next) = bytes.get(i + 1) else {
                word(&part[start..]);
                break;
            };
            let next_mode = if c.is_ascii_lowercase() {
                Mode::Lower
            } else if c.is_ascii_uppercase() {
                Mode::Upper
            } else {
                mode
            };
            if next_mode == Mode::Lower && next.is_ascii_uppercase() {
                word(&part[start..=i]);
                (start, mode) = (i + 1, Mode::Boundary);
            } else if mode == Mode::Upper && c.is_ascii_uppercase() && next.is_ascii_lowercase() {
                word(&part[start..i]);
                (start, mode) = (i, Mode::Boundary);
            } else {
                mode = next_mode;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every string of up to six characters over an alphabet with each class the splitting
    /// looks at: lower, upper, digit, and two separators.
    #[test]
    fn spelled_as_heck_spells_it() {
        let alphabet = ['a', 'b', 'A', 'B', '1', '_', '.'];
        let mut strings = vec![String::new()];
        let mut checked = 0;
        for _ in 0..6 {
            let mut longer = Vec::new();
            for s in &strings {
                for c in alphabet {
                    let s = format!("{s}{c}");
                    assert_eq!(snake_case(&s), s.to_snake_case(), "{s:?}");
                    assert_eq!(upper_camel_case(&s), s.to_upper_camel_case(), "{s:?}");
                    checked += 1;
                    longer.push(s);
                }
            }
            strings = longer;
        }
        assert_eq!(checked, (1..=6).map(|n| 7usize.pow(n)).sum::<usize>());
    }

    #[test]
    fn real_names_and_non_ascii() {
        for s in [
            "alibaba.trade.getBuyerView",
            "offerIDs",
            "HTTPServer2Go",
            "shipping_fee_2",
            "ÉtéHTTP",
            "订单ID",
            "",
        ] {
            assert_eq!(snake_case(s), s.to_snake_case(), "{s:?}");
            assert_eq!(upper_camel_case(s), s.to_upper_camel_case(), "{s:?}");
        }
    }
}
