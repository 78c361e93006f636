//! Signed calls through `open1688_core::Client` against the mock, per token mode, and every
//! error class the gateway answers.

mod common;

use common::*;
use open1688_core::{CallOptions, Client, Credentials, Error};
use open1688_mock::{Reply, SignatureStatus};
use serde_json::json;

#[tokio::test]
async fn required_token_call_is_signed_and_answers_the_example() {
    let gw = gateway().await;
    let tokens = gw.issue_tokens();
    let client = client(&gw)
        .access_token(tokens.access_token.clone())
        .build()
        .unwrap();
    let body = client
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &CallOptions::new())
        .await
        .unwrap();
    assert_eq!(body["productInfo"]["productID"], 694567890123i64);
    assert_eq!(body["productInfo"]["subject"], "连衣裙");

    let hit = gw.journal().last(&id(&PRODUCT_GET)).unwrap();
    assert_eq!(
        (hit.signature, hit.status),
        (SignatureStatus::Valid, Some(200))
    );
    assert_eq!(
        hit.param("access_token"),
        Some(tokens.access_token.expose())
    );
    assert!(hit
        .param("_aop_timestamp")
        .is_some_and(|t| t.len() == 13 && t.bytes().all(|b| b.is_ascii_digit())));
    assert_eq!(
        hit.path,
        format!("/openapi/param2/1/com.alibaba.product/alibaba.product.get/{APP_KEY}")
    );
    assert_eq!(hit.method, "POST");
}

#[tokio::test]
async fn optional_token_is_sent_when_there_is_one_and_not_otherwise() {
    let gw = gateway().await;
    let token = gw.issue_tokens().access_token;
    let with = client(&gw).access_token(token).build().unwrap();
    let without = client(&gw).build().unwrap();
    for c in [&with, &without] {
        let body = c
            .call_raw_with(
                &CATEGORY_GET.api,
                [("categoryID", "0")],
                &CallOptions::new(),
            )
            .await
            .unwrap();
        assert_eq!(body["categoryInfo"][0]["name"], "root");
    }
    let hits = gw.journal().hits(&id(&CATEGORY_GET));
    assert_eq!(
        hits.iter()
            .map(|h| (h.sent_token(), h.signature))
            .collect::<Vec<_>>(),
        [
            (true, SignatureStatus::Valid),
            (false, SignatureStatus::Valid)
        ]
    );
}

#[tokio::test]
async fn apis_without_token_mode_never_receive_the_token() {
    let gw = gateway().await;
    let client = client(&gw)
        .access_token(gw.issue_tokens().access_token)
        .build()
        .unwrap();
    client
        .call_raw_with(
            &SIMILAR_SEARCH.api,
            [("picUrl", "https://img/x.jpg")],
            &CallOptions::new(),
        )
        .await
        .unwrap();
    let body = client
        .call_raw_with(
            &TIME.api,
            Vec::<(String, String)>::new(),
            &CallOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(body["result"], 1700000000000i64);

    let signed = gw.journal().last(&id(&SIMILAR_SEARCH)).unwrap();
    assert!(!signed.sent_token());
    assert_eq!(signed.signature, SignatureStatus::Valid);
    let unsigned = gw.journal().last(&id(&TIME)).unwrap();
    assert!(
        !unsigned.sent_token()
            && unsigned.param("_aop_signature").is_none()
            && unsigned.param("_aop_timestamp").is_none()
    );
    assert_eq!(unsigned.signature, SignatureStatus::NotChecked);
}

#[tokio::test]
async fn per_call_token_overrides_the_clients() {
    let gw = gateway().await;
    let (alice, bob) = (gw.issue_tokens(), gw.issue_tokens());
    let client = client(&gw)
        .access_token(alice.access_token.clone())
        .build()
        .unwrap();
    let opts = CallOptions::new().access_token(bob.access_token.clone());
    client
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &opts)
        .await
        .unwrap();
    client
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &CallOptions::new())
        .await
        .unwrap();
    let sent: Vec<String> = gw
        .journal()
        .hits(&id(&PRODUCT_GET))
        .iter()
        .map(|h| h.param("access_token").unwrap().to_owned())
        .collect();
    assert_eq!(
        sent,
        [bob.access_token.expose(), alice.access_token.expose()]
    );

    // A per-call token is never refreshed: a rejected one surfaces as Unauthorized.
    gw.expire_token(bob.access_token.expose());
    let err = client
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &opts)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Unauthorized { status: 401, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_missing_required_token_fails_before_sending() {
    let gw = gateway().await;
    let client = client(&gw).build().unwrap();
    let err = client
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &CallOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { param, .. } if param == "access_token"),
        "{err:?}"
    );
    assert!(gw.journal().is_empty());
}

#[tokio::test]
async fn unknown_expired_and_revoked_tokens_are_unauthorized() {
    let gw = gateway().await;
    let expired = gw.issue_tokens().access_token;
    let revoked = gw.issue_tokens().access_token;
    assert!(gw.expire_token(expired.expose()) && gw.revoke_token(revoked.expose()));
    for (token, why) in [
        ("never-issued", "access token is unknown"),
        (expired.expose(), "access token is expired"),
        (revoked.expose(), "access token is revoked"),
    ] {
        let client = client(&gw).access_token(token).build().unwrap();
        let err = client
            .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &CallOptions::new())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Unauthorized { status: 401, message, .. } if message == "Request need user authenticated"),
            "{err:?}"
        );
        assert_eq!(
            gw.journal()
                .last(&id(&PRODUCT_GET))
                .unwrap()
                .note
                .as_deref(),
            Some(why)
        );
    }
    assert_eq!(
        gw.journal().count(&id(&PRODUCT_GET)),
        3,
        "a static token is not refreshed and 401 is not retried"
    );
}

#[tokio::test]
async fn gateway_errors_carry_their_codes() {
    let gw = gateway().await;
    let token = gw.issue_tokens().access_token;

    let stranger = Client::builder(Credentials::new("999", APP_SECRET))
        .base_url(gw.url())
        .access_token(token.clone())
        .build()
        .unwrap();
    let err = stranger
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &CallOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_configuration() && !err.is_retryable(), "{err:?}");
    assert!(
        matches!(&err, Error::Gateway { status: 400, code, request_id: Some(_), .. } if code == "gw.AppKeyNotFound"),
        "{err:?}"
    );

    let wrong_secret = Client::builder(Credentials::new(APP_KEY, "not-the-secret"))
        .base_url(gw.url())
        .access_token(token.clone())
        .build()
        .unwrap();
    let err = wrong_secret
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("gw.SignatureInvalid"), "{err:?}");
    assert_eq!(
        gw.journal().last(&id(&PRODUCT_GET)).unwrap().signature,
        SignatureStatus::Invalid
    );

    let client = client(&gw).access_token(token).build().unwrap();
    let err = client
        .call_raw(
            "com.alibaba.product",
            "alibaba.product.nonexistent",
            1,
            [("a", "1")],
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("gw.APIUnsupported"), "{err:?}");
    let err = client
        .call_raw(
            "com.alibaba.product",
            "alibaba.product.get",
            2,
            PRODUCT_PARAMS,
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("gw.APIUnsupported"),
        "versions are part of the id: {err:?}"
    );

    let err = client
        .call_raw_with(&PRODUCT_GET.api, [("productID", "1")], &CallOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Gateway { status: 400, code, message, .. } if code == "gw.ParamMissing" && message.contains("webSite")),
        "{err:?}"
    );
    // Unknown app key, wrong secret, missing param: each sent once, none retried.
    assert_eq!(gw.journal().count(&id(&PRODUCT_GET)), 3);
}

#[tokio::test]
async fn business_errors_come_with_http_200() {
    let gw = gateway().await;
    let client = client(&gw)
        .access_token(gw.issue_tokens().access_token)
        .build()
        .unwrap();
    gw.set_reply(
        &TRADE_CANCEL,
        Reply::business_error(
            "400_3",
            "the order cannot be cancelled in its current state",
        ),
    );
    let params = [
        ("webSite", "1688"),
        ("tradeID", "3535260697417660107"),
        ("cancelReason", "buyerCancel"),
    ];
    let err = client
        .call_raw_with(&TRADE_CANCEL.api, params, &CallOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Business { code: Some(c), message } if c == "400_3" && message.contains("cannot be cancelled")),
        "{err:?}"
    );

    gw.set_reply(
        &TRADE_CANCEL,
        Reply::Json(json!({"result": {"success": "false", "retCode": "R1", "retMsg": "nested"}})),
    );
    let err = client
        .call_raw_with(&TRADE_CANCEL.api, params, &CallOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("R1"), "{err:?}");

    gw.clear_reply(&TRADE_CANCEL);
    assert_eq!(
        client
            .call_raw_with(&TRADE_CANCEL.api, params, &CallOptions::new())
            .await
            .unwrap(),
        json!({"success": true})
    );
    assert_eq!(gw.journal().count(&id(&TRADE_CANCEL)), 3);
}

#[tokio::test]
async fn acl_and_quota_replies_are_configuration_errors() {
    let gw = gateway().await;
    let client = client(&gw)
        .access_token(gw.issue_tokens().access_token)
        .build()
        .unwrap();
    let acl = r#"{"error_code":"gw.APIACLDecline","error_message":"AppKey is not allowed(acl)","request_id":"r-1"}"#;
    gw.set_reply(&PRODUCT_GET, Reply::status(400, acl));
    let err = client
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &CallOptions::new())
        .await
        .unwrap_err();
    assert!(
        err.is_configuration() && err.request_id() == Some("r-1"),
        "{err:?}"
    );
    assert_eq!(gw.journal().count(&id(&PRODUCT_GET)), 1);
}

#[tokio::test]
async fn awkward_values_arrive_exactly_as_signed() {
    let gw = gateway().await;
    let client = client(&gw)
        .access_token(gw.issue_tokens().access_token)
        .build()
        .unwrap();
    let scene = "a b+c&d=e%25f\n连衣裙 😀 \"q\" <x>";
    let params = [("productID", "0"), ("webSite", ""), ("scene", scene)];
    client
        .call_raw_with(&PRODUCT_GET.api, params, &CallOptions::new())
        .await
        .unwrap();
    let hit = gw.journal().last(&id(&PRODUCT_GET)).unwrap();
    assert_eq!(hit.signature, SignatureStatus::Valid);
    for (k, v) in params {
        assert_eq!(
            hit.param(k),
            Some(v),
            "{k}: `0` and empty strings are real values"
        );
    }
}
