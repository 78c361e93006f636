//! The gateway's behaviour on the wire, with hand-made requests: GET and POST, query and body
//! merged, every `gw.*` answer, malformed input, and stopping.

mod common;

use common::*;
use open1688_core::{CallOptions, Error};
use open1688_mock::signature::signature;
use open1688_mock::SignatureStatus;
use serde_json::Value;

type Form = Vec<(String, String)>;

fn path(doc: &open1688_core::ApiDoc) -> String {
    doc.api.url_path(APP_KEY)
}

/// `params` plus `_aop_signature`, signed with the test app's secret.
fn signed(url_path: &str, params: &[(&str, &str)]) -> Form {
    let mut all: Form = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    all.push((
        "_aop_signature".into(),
        signature(APP_SECRET, url_path, params),
    ));
    all
}

async fn json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn get_with_query_and_post_with_split_params_both_verify() {
    let gw = gateway().await;
    let http = open1688_core::tls::reqwest_builder()
        .unwrap()
        .build()
        .unwrap();
    let url = |p: &str| format!("{}/openapi/{p}", gw.url());
    let p = path(&SIMILAR_SEARCH);
    let params = [
        ("picUrl", "https://img.example.com/a b+c.jpg?x=1&y=连衣裙"),
        ("_aop_timestamp", "1700000000000"),
    ];

    let (status, body) = json(
        http.get(url(&p))
            .query(&signed(&p, &params))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, &body["result"]["success"]),
        (200, &Value::Bool(true)),
        "{body}"
    );

    // The open1688 PHP client's layout: the signature in the query, everything else in the body.
    let all = signed(&p, &params);
    let (sig, rest) = all.split_last().unwrap();
    let response = http
        .post(url(&p))
        .query(&[sig])
        .form(rest)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let hits = gw.journal().hits(&id(&SIMILAR_SEARCH));
    assert_eq!(
        hits.iter()
            .map(|h| (h.method.as_str(), h.signature))
            .collect::<Vec<_>>(),
        [
            ("GET", SignatureStatus::Valid),
            ("POST", SignatureStatus::Valid)
        ]
    );
    assert_eq!(hits[1].param("picUrl"), Some(params[0].1));
}

#[tokio::test]
async fn every_gateway_refusal_has_its_code_and_request_id() {
    let gw = gateway().await;
    let http = open1688_core::tls::reqwest_builder()
        .unwrap()
        .build()
        .unwrap();
    let token = gw.issue_tokens().access_token;
    let p = path(&SIMILAR_SEARCH);
    let cases: Vec<(String, Form, u16, &str)> = vec![
        (
            p.clone(),
            vec![("picUrl".into(), "x".into())],
            400,
            "gw.SignatureMissing",
        ),
        (
            p.clone(),
            vec![
                ("picUrl".into(), "x".into()),
                ("_aop_signature".into(), "0".repeat(40)),
            ],
            400,
            "gw.SignatureInvalid",
        ),
        // A token sent to an API that takes none: refused, naming the reason.
        (
            p.clone(),
            signed(&p, &[("picUrl", "x"), ("access_token", token.expose())]),
            400,
            "gw.SignatureInvalid",
        ),
        (
            p.clone(),
            signed(&p, &[("_aop_timestamp", "1")]),
            400,
            "gw.ParamMissing",
        ),
        (
            p.replace(APP_KEY, "404404"),
            vec![],
            400,
            "gw.AppKeyNotFound",
        ),
        (
            p.trim_end_matches(APP_KEY).to_owned(),
            vec![],
            400,
            "gw.AppKeyMissing",
        ),
        (
            p.replace("param2", "xml2"),
            vec![],
            400,
            "gw.APIUnsupported",
        ),
        (
            "param2/one/system/currentTimeMillis/1".into(),
            vec![],
            400,
            "gw.APIUnsupported",
        ),
    ];
    for (url_path, form, status, code) in cases {
        let (got, body) = json(
            http.post(format!("{}/openapi/{url_path}", gw.url()))
                .form(&form)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (got, body["error_code"].as_str()),
            (status, Some(code)),
            "{url_path}: {body}"
        );
        assert!(
            body["request_id"].as_str().is_some_and(|r| r.len() == 32),
            "{body}"
        );
        assert!(body["error_message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    let refused = gw.journal().hits(&id(&SIMILAR_SEARCH))[2]
        .note
        .clone()
        .unwrap();
    assert!(refused.contains("takes no access_token"), "{refused}");
}

#[tokio::test]
async fn malformed_requests_get_answers_not_crashes() {
    let gw = gateway().await;
    let http = open1688_core::tls::reqwest_builder()
        .unwrap()
        .build()
        .unwrap();
    let url = format!("{}/openapi/{}", gw.url(), path(&SIMILAR_SEARCH));
    let broken = http
        .post(&url)
        .header("content-type", "multipart/form-data; boundary=XYZ")
        .body("--XYZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated")
        .send()
        .await
        .unwrap();
    let (status, body) = json(broken).await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (400, Some("gw.ParamInvalid")),
        "{body}"
    );
    let no_boundary = http
        .post(&url)
        .header("content-type", "multipart/form-data")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(no_boundary.status(), 400);
    let bad_utf8 = http
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(b"picUrl=%FF%FE&a=\xff".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(
        bad_utf8.status(),
        400,
        "percent-decoded lossily, then refused for the missing signature"
    );
    let (status, body) = json(http.put(&url).send().await.unwrap()).await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (405, Some("gw.MethodNotAllowed"))
    );
    let (status, body) = json(
        http.get(format!("{}/favicon.ico", gw.url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (404, Some("gw.APIUnsupported"))
    );
    assert_eq!(gw.journal().len(), 5);

    // Still serving.
    let client = client(&gw).build().unwrap();
    client
        .call_raw_with(&SIMILAR_SEARCH.api, [("picUrl", "x")], &CallOptions::new())
        .await
        .unwrap();
}

#[tokio::test]
async fn authorize_refuses_unknown_apps_and_bad_redirects() {
    let gw = gateway().await;
    let http = open1688_core::tls::reqwest_builder()
        .unwrap()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let authorize = |query: &str| {
        http.get(format!("{}/oauth/authorize?{query}", gw.url()))
            .send()
    };
    let (status, body) = json(
        authorize("client_id=404&site=1688&redirect_uri=https%3A%2F%2Fa.example%2F")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_client"))
    );
    let (status, body) = json(
        authorize(&format!(
            "client_id={APP_KEY}&site=1688&redirect_uri=javascript:alert(1)"
        ))
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let ok = authorize(&format!(
        "client_id={APP_KEY}&site=1688&redirect_uri=https%3A%2F%2Fa.example%2Fcb"
    ))
    .await
    .unwrap();
    assert_eq!(ok.status(), 302);
    let location = ok.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("https://a.example/cb?code=") && !location.contains("state="),
        "{location}"
    );
    assert_eq!(
        gw.journal()
            .entries()
            .iter()
            .filter(|e| e.path == "/oauth/authorize")
            .count(),
        3
    );
}

#[tokio::test]
async fn core_and_mock_signers_agree_on_awkward_params() {
    // The mock's signer is written independently of core's; they must agree beyond the vectors.
    let values = [
        "",
        "0",
        "false",
        "a b",
        "连衣裙",
        "{\"k\":[1,2]}",
        "x=y&z",
        "😀",
        "ASC",
        "price",
    ];
    let keys = [
        "sort",
        "sortType",
        "a",
        "_aop_timestamp",
        "access_token",
        "s",
        "sor",
    ];
    for n in 0..200usize {
        let params: Vec<(&str, &str)> = (0..(n % 6 + 1))
            .map(|i| {
                (
                    keys[(n + i * 3) % keys.len()],
                    values[(n * 7 + i) % values.len()],
                )
            })
            .collect();
        let url_path = if n % 5 == 0 {
            String::new()
        } else {
            format!("param2/1/ns/api{n}/{APP_KEY}")
        };
        assert_eq!(
            signature(APP_SECRET, &url_path, &params),
            open1688_core::sign::sign(APP_SECRET, &url_path, &params),
            "{url_path} {params:?}"
        );
    }
}

#[tokio::test]
async fn a_stopped_gateway_refuses_connections() {
    let gw = gateway().await;
    let client = client(&gw)
        .retry(open1688_core::RetryPolicy::none())
        .build()
        .unwrap();
    client
        .call_raw_with(
            &TIME.api,
            Vec::<(String, String)>::new(),
            &CallOptions::new(),
        )
        .await
        .unwrap();
    gw.stop().await;
    let err = client
        .call_raw_with(
            &TIME.api,
            Vec::<(String, String)>::new(),
            &CallOptions::new(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}

#[tokio::test]
async fn a_non_loopback_bind_with_the_demo_secret_is_refused() {
    let any = std::net::SocketAddr::from(([0, 0, 0, 0], 0));
    let err = open1688_mock::MockGateway::builder()
        .bind(any)
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("demo app secret"), "{err}");
    let own = open1688_mock::MockGateway::builder()
        .app("4242", "a-real-looking-secret")
        .bind(any)
        .start()
        .await;
    assert!(own.is_ok());
}
