//! The signature test vectors (`docs/protocol.md#signature`), and the encoder/signer agreement.

use open1688_core::sign::{sign, signature_base};
use open1688_core::Params;
use proptest::prelude::*;

#[test]
fn vector_1_doc_copy() {
    assert_eq!(
        sign(
            "test123",
            "param2/1/system/currentTime/1000000",
            &[("b", "2"), ("a", "1")]
        ),
        "33E54F4F7B989E3E0E912D3FBD2F1A03CA7CCE88"
    );
}

#[test]
fn vector_2_system_params_are_signed_and_underscore_sorts_first() {
    let params = [
        ("productId", "694567890123"),
        ("access_token", "UNIT-TEST-TOKEN-abc123"),
        ("_aop_timestamp", "1700000000000"),
    ];
    let path = "param2/1/system/currentTime/TEST_APPKEY_0001";
    assert_eq!(signature_base(path, &params), format!("{path}_aop_timestamp1700000000000access_tokenUNIT-TEST-TOKEN-abc123productId694567890123"));
    assert_eq!(
        sign("UNIT-TEST-SECRET", path, &params),
        "75CD0EB77C5DCB393BD2C2E4DB4CE09849780EC9"
    );
}

#[test]
fn vector_3_push_style_empty_path() {
    let params = [
        ("msgId", "1001"),
        ("gmtBorn", "1700000000000"),
        ("type", "ORDER_CHANGED"),
        ("userInfo", "m1"),
        ("data", r#"{"k":"v"}"#),
    ];
    assert_eq!(
        signature_base("", &params),
        r#"data{"k":"v"}gmtBorn1700000000000msgId1001typeORDER_CHANGEDuserInfom1"#
    );
    assert_eq!(
        sign("secretXYZ", "", &params),
        "4B20205134EA09C4C8D29CCAC26F6C179EB72C8E"
    );
}

#[test]
fn vector_4a_sorts_joined_key_value_strings_not_keys() {
    let path = "param2/1/system/currentTime/1000000";
    let params = [("sort", "price"), ("sortType", "ASC")];
    assert_eq!(
        signature_base(path, &params),
        format!("{path}sortTypeASCsortprice")
    );
    assert_eq!(
        sign("test123", path, &params),
        "6FDFE167C22204C53F674B86FC85F8261178A49B"
    );
    // 4b is the key-sorted variant some unofficial SDKs compute; we must not produce it.
    assert_ne!(
        sign("test123", path, &params),
        "E1C27EEA351B7D26E25915BCD03B4D071D9DE70E"
    );
}

#[test]
fn vector_4c_non_ascii_is_signed_as_raw_utf8() {
    assert_eq!(
        sign(
            "test123",
            "param2/1/system/currentTime/1000000",
            &[("a", "1"), ("keyword", "连衣裙")]
        ),
        "6B18A2E7FCAD5A5C8B233E05465E97A4AFA5F3FD"
    );
}

fn form_round_trip(params: &Params) -> Vec<(String, String)> {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.extend_pairs(params.text().iter().map(|(k, v)| (k.as_ref(), v.as_str())));
    let body = form.finish();
    form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

proptest! {
    /// Whatever the encoder sends, parsed back as the server sees it, signs to the same value.
    #[test]
    fn what_is_sent_is_what_is_signed(
        s in "\\PC{0,12}", n in any::<i64>(), b in any::<bool>(), list in prop::collection::vec("[&=+%a-z连衣裙 ]{0,6}", 0..4)
    ) {
        let mut p = Params::new();
        p.put("keyword", &s);
        p.put("productID", &n);
        p.put("drawTxt", &b);
        p.put_json("bizTypes", &list);
        let signed: Vec<(&str, &str)> = p.text().iter().map(|(k, v)| (k.as_ref(), v.as_str())).collect();
        let received = form_round_trip(&p);
        let received: Vec<(&str, &str)> = received.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        prop_assert_eq!(&signed, &received);
        prop_assert_eq!(sign("k", "param2/1/a/b/1", &signed), sign("k", "param2/1/a/b/1", &received));
    }
}

/// Vector 2 through the request pipeline: the client's own preparation adds `access_token` and
/// `_aop_timestamp` and signs exactly them, and sends what it signed.
#[test]
fn vector_2_through_the_pipeline() {
    use open1688_core::{ApiInfo, PreparedCall, Secret, UploadMode};
    let api = ApiInfo::raw("system", "currentTime", 1);
    let mut params = Params::new();
    params.put("productId", &694567890123i64);
    let call = PreparedCall::new(&api, "TEST_APPKEY_0001", params, UploadMode::Multipart).unwrap();
    let (secret, token) = (
        Secret::new("UNIT-TEST-SECRET"),
        Secret::new("UNIT-TEST-TOKEN-abc123"),
    );
    let signed = call.sign(&secret, Some(&token), Some(1_700_000_000_000));
    assert_eq!(
        signed.signature(),
        Some("75CD0EB77C5DCB393BD2C2E4DB4CE09849780EC9")
    );
    let form: Vec<(&str, &str)> = signed.form().collect();
    assert_eq!(
        form,
        [
            ("productId", "694567890123"),
            ("access_token", "UNIT-TEST-TOKEN-abc123"),
            ("_aop_timestamp", "1700000000000"),
            ("_aop_signature", "75CD0EB77C5DCB393BD2C2E4DB4CE09849780EC9"),
        ]
    );
    let explained = signed.explain().unwrap();
    assert_eq!(
        explained.base_masked,
        "param2/1/system/currentTime/TEST_APPKEY_0001_aop_timestamp1700000000000access_token***productId694567890123"
    );
}
