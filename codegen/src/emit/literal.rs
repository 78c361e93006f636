//! String literals spelled exactly as `proc_macro2::Literal::string` spells them, without its
//! cost. It escapes with `char::escape_debug`, which looks every non-ASCII character up in
//! Unicode's printable tables; the catalogue's Chinese descriptions made that the generator's
//! largest cost after printing. Here the characters known to print as themselves (checked
//! exhaustively by the tests) are copied in runs, and only the rest go through `escape_debug`.

use proc_macro2::Literal;

/// The literal token for `value`, identical to `Literal::string(value)`.
pub fn str_token(value: &str) -> Literal {
    let mut repr = String::with_capacity(value.len() + 2);
    repr.push('"');
    let mut run = 0;
    for (at, ch) in value.char_indices() {
        if is_verbatim(ch) {
            continue;
        }
        repr.push_str(&value[run..at]);
        run = at + ch.len_utf8();
        match ch {
            // As proc-macro2 does: `\0` before an octal digit would read as an octal escape
            // to clippy, so it is spelled `\x00` there.
            '\0' if value[run..].starts_with(|c| ('0'..='7').contains(&c)) => {
                repr.push_str(r"\x00")
            }
            '\0' => repr.push_str(r"\0"),
            _ => repr.extend(ch.escape_debug()),
        }
    }
    repr.push_str(&value[run..]);
    repr.push('"');
    // The spelling is a valid literal by construction; `from_str` only wraps it.
    repr.parse().unwrap_or_else(|_| Literal::string(value))
}

/// Characters that `Literal::string` copies unchanged: printable ASCII but `"` and `\` (`'` is
/// left unescaped in strings), and the CJK blocks 1688's texts are written in.
fn is_verbatim(ch: char) -> bool {
    matches!(ch, ' '..='~' if ch != '"' && ch != '\\') || VERBATIM.iter().any(|r| r.contains(&ch))
}

/// Non-ASCII ranges in which every character prints as itself (see the test). Ideographic
/// space and the combining tone marks (U+3000, U+302A..U+302F) are left out: they are escaped.
const VERBATIM: [std::ops::RangeInclusive<char>; 3] = [
    '\u{4E00}'..='\u{9FFF}', // CJK unified ideographs
    '\u{3001}'..='\u{3029}', // CJK punctuation: 、。〈〉《》「」【】 …
    '\u{FF01}'..='\u{FF5E}', // full-width forms: ！（），：；？ …
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbatim_ranges_print_as_themselves() {
        for range in VERBATIM {
            for ch in range {
                assert_eq!(ch.escape_debug().to_string(), ch.to_string(), "{ch:?}");
            }
        }
    }

    #[test]
    fn spelled_as_proc_macro2_spells_it() {
        let cases = [
            "",
            "plain ascii",
            "商品ID，必填。见【说明】",
            "quote \" backslash \\ apostrophe ' tab \t cr \r lf \n",
            "nul \0 then \u{0}7 and \u{0}8 and at end \0",
            "control \u{1} \u{7f} \u{80} \u{9f}",
            "combining e\u{301} tone \u{302A} space \u{3000} bom \u{feff}",
            "emoji 😀 and supplementary 𠀀 and private \u{e000}",
            "full-width ～ and beyond \u{FF5F} \u{FFFD}",
            "url https://open.1688.com/api?x=1&y=[2]",
        ];
        for case in cases {
            assert_eq!(
                str_token(case).to_string(),
                Literal::string(case).to_string(),
                "{case:?}"
            );
        }
    }

    #[test]
    fn every_ascii_and_cjk_boundary_character() {
        let edges = (0u32..0x250).chain(0x2FF0..0x3050).chain(0x4DF0..0x4E10);
        let edges = edges.chain(0x9FF0..0xA010).chain(0xFEF0..0xFF70);
        for ch in edges.filter_map(char::from_u32) {
            let text = format!("a{ch}b{ch}");
            assert_eq!(
                str_token(&text).to_string(),
                Literal::string(&text).to_string()
            );
        }
    }
}
