//! End to end: the generated SDK against the mock gateway, over real HTTP on loopback.

use open1688::product::product_get::WebSite;
use open1688::product::{
    photobank_photo_add, CategoryGetRequest, PhotobankPhotoAddRequest, ProductGetRequest,
};
use open1688::trade::trade_fast_create_order::{AddressParam, CargoParam};
use open1688::trade::TradeFastCreateOrderRequest;
use open1688::{
    CallOptions, Client, ClientBuilder, Credentials, Error, FileParam, RefreshingTokens,
    RetryPolicy, TokenSet,
};
use open1688_mock::{
    Fault, MockGateway, PushSignature, Reply, DEFAULT_APP_KEY, DEFAULT_APP_SECRET,
};
use std::time::Duration;

const PRODUCT_GET: &str = "com.alibaba.product:alibaba.product.get-1";
const FAST_CREATE: &str = "com.alibaba.trade:alibaba.trade.fastCreateOrder-1";

async fn mock() -> MockGateway {
    MockGateway::builder()
        .catalogue(open1688::catalogue::APIS)
        .start()
        .await
        .expect("mock starts")
}

fn builder(mock: &MockGateway) -> ClientBuilder {
    let fast = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    };
    Client::builder(Credentials::new(DEFAULT_APP_KEY, DEFAULT_APP_SECRET))
        .base_url(mock.url())
        .auth_url(mock.url())
        .retry(fast)
        .timeout(Duration::from_secs(5))
}

fn client(mock: &MockGateway) -> Client {
    builder(mock)
        .access_token(mock.issue_tokens().access_token)
        .build()
        .unwrap()
}

fn order() -> TradeFastCreateOrderRequest {
    let address = AddressParam::new()
        .full_name("张三")
        .mobile("13800000000")
        .province_text("浙江省")
        .city_text("杭州市")
        .area_text("余杭区")
        .address("文一西路969号");
    TradeFastCreateOrderRequest::new("general", address, vec![CargoParam::new(694567890123, 2.0)])
}

/// The generated methods return `impl Future + '_` without spelling out `+ Send` (proving it
/// for every API was a fifth of a namespace's build). The future is still `Send`, since auto
/// traits show through `impl Trait`, so a call runs on a spawned task.
#[tokio::test]
async fn a_generated_call_runs_on_a_spawned_task() {
    let mock = mock().await;
    let client = client(&mock);
    let task = tokio::spawn(async move {
        let request = ProductGetRequest::new(694567890123, WebSite::V1688);
        client.product().product_get(request).await
    });
    let product = task
        .await
        .expect("the task ran")
        .expect("the call succeeds");
    assert!(product.product_info.is_some());
}

#[tokio::test]
async fn a_signed_call_per_token_mode() {
    let mock = mock().await;
    let client = client(&mock);

    // Required: the token is sent and signed; the mock re-derives the signature independently.
    let product = client
        .product()
        .product_get(ProductGetRequest::new(694567890123, WebSite::V1688))
        .await
        .unwrap();
    assert!(product.product_info.is_some());
    let hit = mock.journal().last(PRODUCT_GET).unwrap();
    assert!(hit.sent_token());
    assert_eq!(hit.param("productID"), Some("694567890123"));
    assert_eq!(hit.param("webSite"), Some("1688"));
    assert!(hit.param("_aop_signature").is_some() && hit.param("_aop_timestamp").is_some());

    // Optional: sent when the client has one, omitted (and the call still signed) when not.
    client
        .product()
        .category_get(CategoryGetRequest::new(0))
        .await
        .unwrap();
    assert!(mock
        .journal()
        .last("com.alibaba.product:alibaba.category.get")
        .unwrap()
        .sent_token());
    let anonymous = builder(&mock).build().unwrap();
    anonymous
        .product()
        .category_get(CategoryGetRequest::new(0))
        .await
        .unwrap();
    assert!(!mock
        .journal()
        .last("com.alibaba.product:alibaba.category.get")
        .unwrap()
        .sent_token());

    // Required without a token fails before anything is sent.
    let before = mock.journal().len();
    let err = anonymous
        .product()
        .product_get(ProductGetRequest::new(1, WebSite::V1688))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { param, .. } if param == "access_token"),
        "{err}"
    );
    assert_eq!(mock.journal().len(), before);

    // None: never sent, even though the client has one.
    let now: i64 = client
        .system()
        .current_time_millis(open1688::system::CurrentTimeMillisRequest::new())
        .await
        .unwrap();
    assert_eq!(
        now, 1715740467123,
        "a bare-number response decodes as its type"
    );
    let hit = mock.journal().last("system:currentTimeMillis-1").unwrap();
    assert!(!hit.sent_token() && hit.param("_aop_signature").is_none());
}

#[tokio::test]
async fn an_upload_sends_the_file_as_an_unsigned_part() {
    let mock = mock().await;
    let client = client(&mock);
    let image = FileParam::new("shirt.jpg", vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
    let request =
        PhotobankPhotoAddRequest::new(123, "衬衫", image, photobank_photo_add::WebSite::V1688)
            .draw_txt(false);
    client.product().photobank_photo_add(request).await.unwrap();
    let hit = mock
        .journal()
        .last("com.alibaba.product:alibaba.photobank.photo.add-1")
        .unwrap();
    assert_eq!(hit.files.len(), 1);
    assert_eq!(
        (hit.files[0].name.as_str(), hit.files[0].size),
        ("imageBytes", 7)
    );
    assert_eq!(
        hit.param("drawTxt"),
        Some("false"),
        "false is a value, not an absence"
    );
    assert_eq!(hit.status, Some(200));
}

#[tokio::test]
async fn oauth_round_trip_then_automatic_refresh_on_expiry() {
    let mock = MockGateway::builder()
        .catalogue(open1688::catalogue::APIS)
        .token_lifetime(Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    let oauth = builder(&mock).build().unwrap().oauth();
    let redirect = "https://app.example.com/callback";
    let url = oauth.authorize_url(redirect, "state-42");
    let answer = open1688_core::tls::reqwest_builder()
        .unwrap()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(&url)
        .send()
        .await
        .unwrap();
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(redirect) && location.contains("state=state-42"),
        "{location}"
    );
    let code = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();

    let tokens = oauth.exchange_code(&code, redirect).await.unwrap();
    assert_eq!(tokens.expires_in, Some(1));
    let provider = RefreshingTokens::new(oauth.clone(), TokenSet::from_response(&tokens).unwrap())
        .renew_before(Duration::ZERO);
    let client = builder(&mock).token_provider(provider).build().unwrap();
    client
        .product()
        .product_get(ProductGetRequest::new(1, WebSite::V1688))
        .await
        .unwrap();

    tokio::time::sleep(Duration::from_millis(1100)).await; // the access token is now expired
    client
        .product()
        .product_get(ProductGetRequest::new(1, WebSite::V1688))
        .await
        .unwrap();
    let refreshes = mock
        .journal()
        .hits("system.oauth2:getToken")
        .into_iter()
        .filter(|e| e.param("grant_type") == Some("refresh_token"))
        .count();
    assert_eq!(refreshes, 1);
    assert!(mock
        .journal()
        .hits(PRODUCT_GET)
        .iter()
        .all(|e| e.status == Some(200)));
}

#[tokio::test]
async fn each_error_class_surfaces_as_its_variant() {
    let mock = mock().await;
    let client = client(&mock);
    let get = || ProductGetRequest::new(694567890123, WebSite::V1688);

    let wrong_app = Client::builder(Credentials::new("no-such-app", "x"))
        .base_url(mock.url())
        .access_token("t")
        .build()
        .unwrap();
    let err = wrong_app.product().product_get(get()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Gateway { code, .. } if code == "gw.AppKeyNotFound"),
        "{err}"
    );
    assert!(err.is_configuration());

    let wrong_secret = Client::builder(Credentials::new(DEFAULT_APP_KEY, "not-the-secret"))
        .base_url(mock.url())
        .access_token(mock.issue_tokens().access_token)
        .build()
        .unwrap();
    let err = wrong_secret.product().product_get(get()).await.unwrap_err();
    assert_eq!(err.code(), Some("gw.SignatureInvalid"), "{err}");

    let stale = builder(&mock)
        .access_token("revoked-or-never-issued")
        .build()
        .unwrap();
    assert!(matches!(
        stale.product().product_get(get()).await.unwrap_err(),
        Error::Unauthorized { status: 401, .. }
    ));

    mock.set_reply(
        PRODUCT_GET,
        Reply::business_error("ProductNotExist", "商品不存在"),
    );
    let err = client.product().product_get(get()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Business { code: Some(c), message } if c == "ProductNotExist" && message == "商品不存在"),
        "{err}"
    );
    mock.clear_reply(PRODUCT_GET);

    mock.faults()
        .fail_next(PRODUCT_GET, 1, Fault::TruncatedJson);
    let err = client
        .call_with(&get(), &CallOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { status: 200, body_prefix, .. } if !body_prefix.is_empty()),
        "{err}"
    );

    mock.faults().fail_next(FAST_CREATE, 1, Fault::Drop);
    assert!(matches!(
        client
            .trade()
            .trade_fast_create_order(order())
            .await
            .unwrap_err(),
        Error::Transport { .. }
    ));
}

#[tokio::test]
async fn retries_recover_idempotent_calls_but_never_repeat_an_order() {
    let mock = mock().await;
    let client = client(&mock);

    mock.faults()
        .script(PRODUCT_GET, [Fault::Status(503), Fault::Drop]);
    client
        .product()
        .product_get(ProductGetRequest::new(1, WebSite::V1688))
        .await
        .unwrap();
    assert_eq!(
        mock.journal().count(PRODUCT_GET),
        3,
        "two faults, then success"
    );

    // Ambiguous failures of a non-idempotent call are not retried: the order may exist.
    for fault in [
        Fault::Status(503),
        Fault::Drop,
        Fault::Delay(Duration::from_millis(400)),
    ] {
        mock.journal().clear();
        mock.faults().fail_next(FAST_CREATE, 1, fault);
        let opts = CallOptions::new().timeout(Duration::from_millis(200));
        let err = client.call_with(&order(), &opts).await.unwrap_err();
        assert!(err.is_retryable(), "{err}");
        assert_eq!(
            mock.journal().count(FAST_CREATE),
            1,
            "{err}: sent exactly once"
        );
    }

    // Throttling means the gateway refused before running it: safe to retry any call.
    mock.journal().clear();
    mock.faults().fail_next(FAST_CREATE, 1, Fault::Throttle);
    client
        .trade()
        .trade_fast_create_order(order())
        .await
        .unwrap();
    assert_eq!(mock.journal().count(FAST_CREATE), 2);

    // With outOrderId semantics the caller may opt in to retrying ambiguous failures.
    mock.journal().clear();
    mock.faults().fail_next(FAST_CREATE, 1, Fault::Status(503));
    client
        .call_with(
            &order().out_order_id("erp-10001"),
            &CallOptions::new().retry_ambiguous(true),
        )
        .await
        .unwrap();
    assert_eq!(mock.journal().count(FAST_CREATE), 2);
}

#[tokio::test]
async fn a_timeout_fires() {
    let mock = mock().await;
    let client = builder(&mock)
        .access_token(mock.issue_tokens().access_token)
        .timeout(Duration::from_millis(150))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    mock.faults()
        .fail_next(PRODUCT_GET, 1, Fault::Delay(Duration::from_secs(2)));
    let started = std::time::Instant::now();
    let err = client
        .product()
        .product_get(ProductGetRequest::new(1, WebSite::V1688))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err}");
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn pushes_verify_when_genuine_and_fail_when_tampered() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mock = mock().await;
    // A minimal receiver: read one request, verify its form body with the SDK, answer 200 or 401.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/push", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let mut verdicts = Vec::new();
        for _ in 0..3 {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            let body = loop {
                let n = socket.read(&mut buf).await.unwrap();
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request).into_owned();
                if let Some(split) = text.find("\r\n\r\n") {
                    let length: usize = text
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse().unwrap())
                        })
                        .unwrap_or(0);
                    if request.len() >= split + 4 + length {
                        break request[split + 4..split + 4 + length].to_vec();
                    }
                }
            };
            let verdict = open1688::push::verify_form(DEFAULT_APP_SECRET, &body);
            let status = if verdict.is_ok() {
                "200 OK"
            } else {
                "401 Unauthorized"
            };
            socket.write_all(format!("HTTP/1.1 {status}\r\ncontent-length: 7\r\nconnection: close\r\n\r\nsuccess").as_bytes()).await.unwrap();
            verdicts.push(verdict);
        }
        verdicts
    });
    let message = r#"{"msgId":90001,"gmtBorn":1700000000000,"type":"ORDER_BUYER_VIEW_ORDER_PAY","userInfo":"b2b-1","data":{"orderId":3535260697417660107,"currentStatus":"waitsellersend"}}"#;
    assert_eq!(
        mock.push(&url, message, PushSignature::Valid)
            .await
            .unwrap()
            .status,
        200
    );
    assert_eq!(
        mock.push(&url, message, PushSignature::Tampered)
            .await
            .unwrap()
            .status,
        401
    );
    assert_eq!(
        mock.push(&url, message, PushSignature::Missing)
            .await
            .unwrap()
            .status,
        401
    );
    let verdicts = server.await.unwrap();
    let good = verdicts[0].as_ref().unwrap();
    assert_eq!(
        (good.msg_id, good.topic.as_str()),
        (90001, "ORDER_BUYER_VIEW_ORDER_PAY")
    );
    assert_eq!(good.data["orderId"], 3535260697417660107i64);
    assert!(verdicts[1]
        .as_ref()
        .unwrap_err()
        .to_string()
        .contains("signature mismatch"));
    assert!(verdicts[2]
        .as_ref()
        .unwrap_err()
        .to_string()
        .contains("no _aop_signature"));
}
