//! Binary uploads in both modes: a multipart file part (unsigned) and a base64 field (signed).

mod common;

use base64::Engine as _;
use common::*;
use open1688_core::{CallOptions, FileParam, Params, UploadMode};
use open1688_mock::{FilePart, SignatureStatus};

fn photo() -> Params {
    let mut params = Params::new();
    params.put("name", "连衣裙 主图");
    params.put_file(
        "imageBytes",
        Some(&FileParam::new(
            "dress.jpg",
            vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'],
        )),
    );
    params
}

#[tokio::test]
async fn multipart_file_parts_are_not_signed() {
    let gw = gateway().await;
    let client = client(&gw)
        .access_token(gw.issue_tokens().access_token)
        .build()
        .unwrap();
    let raw = client
        .execute(&PHOTO_ADD.api, photo(), &CallOptions::new())
        .await
        .unwrap();
    assert_eq!(raw.status, 200);

    let hit = gw.journal().last(&id(&PHOTO_ADD)).unwrap();
    assert_eq!(
        hit.signature,
        SignatureStatus::Valid,
        "text fields signed, the file part not"
    );
    assert_eq!(
        hit.files,
        [FilePart {
            name: "imageBytes".into(),
            filename: Some("dress.jpg".into()),
            size: 10
        }]
    );
    assert_eq!(hit.param("name"), Some("连衣裙 主图"));
    assert!(hit.param("imageBytes").is_none());
}

#[tokio::test]
async fn base64_field_uploads_are_signed_text() {
    let gw = gateway().await;
    let client = client(&gw)
        .access_token(gw.issue_tokens().access_token)
        .upload_mode(UploadMode::Base64Field)
        .build()
        .unwrap();
    client
        .execute(&PHOTO_ADD.api, photo(), &CallOptions::new())
        .await
        .unwrap();

    let hit = gw.journal().last(&id(&PHOTO_ADD)).unwrap();
    assert_eq!(hit.signature, SignatureStatus::Valid);
    assert!(hit.files.is_empty());
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(hit.param("imageBytes").unwrap())
        .unwrap();
    assert_eq!(decoded.len(), 10);
}

#[tokio::test]
async fn a_missing_file_is_a_missing_param() {
    let gw = gateway().await;
    let client = client(&gw)
        .access_token(gw.issue_tokens().access_token)
        .build()
        .unwrap();
    let mut params = Params::new();
    params.put("name", "no file");
    let err = client
        .execute(&PHOTO_ADD.api, params, &CallOptions::new())
        .await
        .unwrap_err();
    assert!(
        err.code() == Some("gw.ParamMissing") && err.to_string().contains("imageBytes"),
        "{err}"
    );
}

#[tokio::test]
async fn a_signature_over_the_file_bytes_is_rejected() {
    // A client that (wrongly) signs the file part: the gateway signs only the text fields.
    let gw = gateway().await;
    let token = gw.issue_tokens().access_token;
    let path = format!("param2/1/com.alibaba.product/alibaba.photobank.photo.add/{APP_KEY}");
    let file = "not-really-a-jpeg";
    let text = [
        ("name", "x"),
        ("access_token", token.expose()),
        ("_aop_timestamp", "1700000000000"),
    ];
    let mut with_file = text.to_vec();
    with_file.push(("imageBytes", file));
    let wrong = open1688_mock::signature::signature(APP_SECRET, &path, &with_file);
    let mut form = reqwest::multipart::Form::new().text("_aop_signature", wrong);
    for (k, v) in text {
        form = form.text(k, v.to_owned());
    }
    form = form.part(
        "imageBytes",
        reqwest::multipart::Part::bytes(file.as_bytes()).file_name("x.jpg"),
    );
    let response = open1688_core::tls::reqwest_builder()
        .unwrap()
        .build()
        .unwrap()
        .post(format!("{}/openapi/{path}", gw.url()))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("gw.SignatureInvalid"));
}
