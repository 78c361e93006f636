//! The naming rules: how wire names become Rust identifiers.
//!
//! - Namespaces become modules and cargo features: the `com.alibaba.` / `cn.alibaba.` / `com.`
//!   / `cn.` prefix is dropped, dots become underscores (`com.alibaba.fenxiao.crossborder` →
//!   `fenxiao_crossborder`, `system.oauth2` → `system_oauth2`).
//! - An API name loses a leading `alibaba.` and becomes snake_case for the method and module
//!   and UpperCamelCase for types: `alibaba.trade.getBuyerView` → `trade_get_buyer_view`,
//!   `TradeGetBuyerViewRequest` / `TradeGetBuyerViewResponse`. Versions above 1 add `_v2` / `V2`.
//! - Acronyms count as one word, plurals included: `productID` → `product_id`, `offerIDs` → `offer_ids`.
//! - Rust keywords become raw identifiers (`r#type`), or take a trailing `_` where a raw
//!   identifier is impossible (`self_`, `super_`, `crate_`).

use crate::case::{snake_case, upper_camel_case};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while",
    "abstract", "become", "box", "do", "final", "gen", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// `IDs` → `Ids`: an all-caps run followed by a plural `s` is one word, not `I` + `Ds`.
/// Works on bytes: only ASCII capitals change, so other characters' bytes are copied whole.
fn normalize_acronyms(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_uppercase() {
            i += 1;
        }
        let run = i - start;
        let plural = run >= 2
            && bytes.get(i) == Some(&b's')
            && !matches!(bytes.get(i + 1), Some(c) if c.is_ascii_lowercase());
        if plural {
            out.push(bytes[start]);
            out.extend(bytes[start + 1..i].iter().map(u8::to_ascii_lowercase));
        } else {
            out.extend_from_slice(&bytes[start..i]);
        }
        if i < bytes.len() && i == start {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// snake_case of a wire name.
pub fn snake(s: &str) -> String {
    let s = snake_case(&normalize_acronyms(s));
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{s}")
    } else {
        s
    }
}

/// UpperCamelCase of a wire name.
pub fn camel(s: &str) -> String {
    let s = upper_camel_case(&normalize_acronyms(s));
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{s}")
    } else {
        s
    }
}

/// A snake_case identifier, keyword-escaped: `type` → `r#type`, `self` → `self_`.
pub fn escape(ident: String) -> String {
    if NOT_RAW.contains(&ident.as_str()) {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// The field or parameter identifier for a wire name.
pub fn field(wire: &str) -> String {
    escape(snake(wire))
}

/// The module and cargo feature of a namespace.
pub fn namespace_module(ns: &str) -> String {
    let short = ["com.alibaba.", "cn.alibaba.", "com.", "cn."]
        .iter()
        .find_map(|p| ns.strip_prefix(p).filter(|rest| !rest.is_empty()))
        .unwrap_or(ns);
    escape(snake(&short.replace('.', "_")))
}

/// The method/module name and the type prefix of an API.
pub fn api(name: &str, version: u32) -> (String, String) {
    let short = name
        .strip_prefix("alibaba.")
        .filter(|rest| !rest.is_empty())
        .unwrap_or(name)
        .replace(['.', ':'], "_");
    let suffix = if version > 1 {
        format!("_v{version}")
    } else {
        String::new()
    };
    (
        escape(snake(&format!("{short}{suffix}"))),
        camel(&format!("{short}{suffix}")),
    )
}

/// An enum variant for a value: `1688` → `V1688`, `alibaba` → `Alibaba`, `""` → `Empty`,
/// `self` → `SelfValue` (`Self` is a keyword, and `Self_` is not UpperCamelCase).
pub fn variant(value: &str) -> String {
    let v = camel(value);
    match v.as_str() {
        "" => "Empty".into(),
        "Self" => "SelfValue".into(),
        _ => v,
    }
}

/// Whether `s` can be used as a Rust identifier (raw `r#` forms included).
pub fn is_identifier(s: &str) -> bool {
    let bare = s.strip_prefix("r#").unwrap_or(s);
    !bare.is_empty()
        && !bare.starts_with(|c: char| c.is_ascii_digit())
        && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !NOT_RAW.contains(&bare)
        && (s.starts_with("r#") || !KEYWORDS.contains(&bare))
}

/// Whether `s` is an identifier rustc's `non_snake_case` lint accepts: [`is_identifier`],
/// no upper-case letters, no `__` inside.
pub fn is_snake_identifier(s: &str) -> bool {
    let bare = s.strip_prefix("r#").unwrap_or(s);
    is_identifier(s)
        && !bare.chars().any(|c| c.is_ascii_uppercase())
        && !bare.trim_matches('_').contains("__")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_are_one_word() {
        assert_eq!(field("productID"), "product_id");
        assert_eq!(field("offerIDs"), "offer_ids");
        assert_eq!(camel("offerIDs"), "OfferIds");
        assert_eq!(field("skuInfos"), "sku_infos");
        assert_eq!(field("URLPath"), "url_path");
        assert_eq!(field("categoryID"), "category_id");
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(field("type"), "r#type");
        assert_eq!(field("match"), "r#match");
        assert_eq!(field("self"), "self_");
        assert_eq!(field("Self"), "self_");
    }

    #[test]
    fn namespaces_and_apis() {
        assert_eq!(
            namespace_module("com.alibaba.fenxiao.crossborder"),
            "fenxiao_crossborder"
        );
        assert_eq!(namespace_module("system.oauth2"), "system_oauth2");
        assert_eq!(namespace_module("cn.alibaba.open"), "open");
        assert_eq!(namespace_module("system"), "system");
        assert_eq!(
            api("alibaba.trade.get.buyerView", 1),
            ("trade_get_buyer_view".into(), "TradeGetBuyerView".into())
        );
        assert_eq!(api("getToken", 1), ("get_token".into(), "GetToken".into()));
        assert_eq!(
            api("syt.buyer.draftPurchaseOrder", 2),
            (
                "syt_buyer_draft_purchase_order_v2".into(),
                "SytBuyerDraftPurchaseOrderV2".into()
            )
        );
        assert_eq!(
            api("alibaba.logistics.OpQueryLogisticCompanyList", 1).0,
            "logistics_op_query_logistic_company_list"
        );
    }

    #[test]
    fn variants() {
        assert_eq!(variant("1688"), "V1688");
        assert_eq!(variant("alibaba"), "Alibaba");
        assert_eq!(variant("WAIT_BUYER_PAY"), "WaitBuyerPay");
        assert_eq!(variant(""), "Empty");
        assert_eq!(variant("self"), "SelfValue");
        assert_eq!(variant("SELF"), "SelfValue");
        assert_eq!(variant("member expired"), "MemberExpired");
        assert_eq!(
            variant("unknown"),
            "Unknown",
            "lower reports this collision"
        );
    }

    #[test]
    fn names_without_letters_are_empty() {
        // lower reports these rather than emitting an empty identifier
        assert_eq!(field("_"), "");
        assert_eq!(field("$"), "");
        assert_eq!(namespace_module("com.alibaba._"), "");
        assert_eq!(field("_id"), "id");
        assert_eq!(field("2ndPrice"), "n2nd_price");
        assert_eq!(camel("2ndPrice"), "V2ndPrice");
    }

    #[test]
    fn rust_names() {
        for ok in ["order_flow", "r#type", "r#match", "x2", "_private", "a_b_c"] {
            assert!(is_snake_identifier(ok), "{ok}");
        }
        for bad in [
            "",
            "type",
            "self",
            "r#self",
            "r#crate",
            "_",
            "2fast",
            "OrderFlow",
            "a__b",
            "a-b",
            "r#",
        ] {
            assert!(!is_snake_identifier(bad), "{bad}");
        }
        assert!(
            is_identifier("OrderFlow"),
            "an identifier, if not snake_case"
        );
    }
}
