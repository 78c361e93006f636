//! Push topic specs (`_push/<TOPIC>.json`): generated into one `push` module, checked with the
//! same one-line errors as API specs.

mod common;

use common::{error_lines, owned};
use open1688_codegen::generate_from;
use std::path::Path;

const PAY: &str = r#"{"topic": "ORDER_PAY", "group": "ORDER", "summary": "paid",
  "data": [{"name": "orderId", "type": "long", "required": true}, {"name": "trace", "type": "Trace"}],
  "types": {"Trace": {"fields": [{"name": "mailNo", "type": "string"}]}},
  "example": {"msgId": 1, "type": "ORDER_PAY", "data": {"orderId": "3782104562316543210"}}}"#;
const BARE: &str = r#"{"topic": "AUTHORIZATION_CANCEL", "group": "AUTHORIZATION"}"#;

#[test]
fn topics_become_payload_structs_and_one_enum_with_a_raw_fallback() {
    let specs = owned(&[
        ("_push/ORDER_PAY.json", PAY),
        ("_push/AUTHORIZATION_CANCEL.json", BARE),
    ]);
    let generated = generate_from("api-specs", &specs).unwrap_or_else(|d| panic!("{d}"));
    let push = &generated.files[Path::new("src/generated/push.rs")];
    for expected in [
        "pub struct OrderPay {",
        "pub order_id: i64,",
        "pub trace: ::std::option::Option<Trace>,",
        "pub struct Trace {",
        "OrderPay(OrderPay),",
        "AuthorizationCancel(::serde_json::Value),",
        "Other(::serde_json::Value),",
        "::open1688_core::push::decode_data(data).map(Payload::OrderPay)",
    ] {
        assert!(push.contains(expected), "missing `{expected}` in:\n{push}");
    }
    let root = &generated.files[Path::new("src/generated/mod.rs")];
    assert!(root.contains("pub mod push;"), "{root}");
    assert_eq!(generated.apis, 0, "topics are not APIs");
}

#[test]
fn without_topics_there_is_no_push_module() {
    let generated = generate_from("api-specs", &[]).unwrap();
    assert!(!generated
        .files
        .contains_key(Path::new("src/generated/push.rs")));
}

#[test]
fn malformed_topics_fail_with_one_line_naming_file_and_pointer() {
    let typo = PAY.replace(r#""type": "long""#, r#""type": "lnog""#);
    assert_eq!(
        error_lines(&[("_push/ORDER_PAY.json", &typo)]),
        [
            r#"api-specs/_push/ORDER_PAY.json: /data/0/type: unknown type "lnog" (did you mean "long"?)"#
        ]
    );
    assert_eq!(
        error_lines(&[("_push/ORDER_PAID.json", PAY)]),
        ["api-specs/_push/ORDER_PAID.json: /: the file's path must be api-specs/_push/ORDER_PAY.json to match its topic"]
    );
    let bad_example = PAY.replace(
        r#""orderId": "3782104562316543210""#,
        r#""orderId": "soon""#,
    );
    assert_eq!(
        error_lines(&[("_push/ORDER_PAY.json", &bad_example)]),
        [
            r#"api-specs/_push/ORDER_PAY.json: /example/data/orderId: example value "soon" does not fit type "long""#
        ]
    );
    let unknown_key = PAY.replace(r#""group""#, r#""gruop""#);
    let lines = error_lines(&[("_push/ORDER_PAY.json", &unknown_key)]);
    assert!(lines.iter().any(|l| l.starts_with(r#"api-specs/_push/ORDER_PAY.json: /gruop: unknown key "gruop" in a push topic spec (did you mean "group"?"#)), "{lines:?}");
}
