//! The OAuth round trip through core's `OAuth`: authorize page → redirect → code → tokens,
//! refresh, postpone, and the token endpoints' errors.

mod common;

use common::*;
use open1688_core::{CallOptions, Error, Secret};
use std::time::Duration;

const REDIRECT: &str = "https://isv.example.com/1688/callback?tenant=7";

/// Follows the authorize URL like a browser whose user approves, and returns the redirect.
async fn authorize(url: &str) -> url::Url {
    let browser = open1688_core::tls::reqwest_builder()
        .unwrap()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = browser.get(url).send().await.unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap();
    url::Url::parse(location).unwrap()
}

fn query(url: &url::Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn round_trip_from_authorize_page_to_an_api_call() {
    let gw = gateway().await;
    let client = client(&gw).build().unwrap();
    let oauth = client.oauth();

    let callback = authorize(&oauth.authorize_url(REDIRECT, "csrf-42")).await;
    assert_eq!(
        callback.as_str().split('?').next(),
        Some("https://isv.example.com/1688/callback")
    );
    assert_eq!(
        query(&callback, "tenant").as_deref(),
        Some("7"),
        "the redirect URI's own query is kept"
    );
    assert_eq!(query(&callback, "state").as_deref(), Some("csrf-42"));
    let code = query(&callback, "code").unwrap();

    let tokens = oauth.exchange_code(&code, REDIRECT).await.unwrap();
    assert_eq!(tokens.expires_in, Some(36_000));
    assert!(tokens.refresh_token.is_some() && tokens.refresh_token_timeout.is_some());
    assert!(
        tokens.resource_owner.is_some() && tokens.member_id.is_some() && tokens.ali_id.is_some()
    );
    let hit = gw.journal().last("system.oauth2:getToken-1").unwrap();
    assert_eq!(
        hit.path,
        format!("/openapi/http/1/system.oauth2/getToken/{APP_KEY}")
    );
    assert!(
        !format!("{hit:?}").contains(&code),
        "codes and secrets are masked in Debug"
    );

    let body = client
        .call_raw_with(
            &PRODUCT_GET.api,
            PRODUCT_PARAMS,
            &CallOptions::new().access_token(tokens.access_token.clone()),
        )
        .await
        .unwrap();
    assert_eq!(body["success"], true);

    // Codes are single-use.
    let err = oauth.exchange_code(&code, REDIRECT).await.unwrap_err();
    assert!(
        matches!(&err, Error::OAuth { status: 400, error, description } if error == "invalid_grant" && description.contains("already used")),
        "{err:?}"
    );

    // Refresh (on param2) gives a new working access token for the same user.
    let refreshed = oauth
        .refresh(tokens.refresh_token.as_ref().unwrap())
        .await
        .unwrap();
    assert_ne!(refreshed.access_token, tokens.access_token);
    assert_eq!(refreshed.member_id, tokens.member_id);
    assert_eq!(
        gw.journal().last("system.oauth2:getToken").unwrap().path,
        format!("/openapi/param2/1/system.oauth2/getToken/{APP_KEY}")
    );
    client
        .call_raw_with(
            &PRODUCT_GET.api,
            PRODUCT_PARAMS,
            &CallOptions::new().access_token(refreshed.access_token),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn codes_expire_and_bind_to_app_and_redirect() {
    let gw = gateway_builder()
        .code_lifetime(Duration::from_millis(20))
        .start()
        .await
        .unwrap();
    let oauth = client(&gw).build().unwrap().oauth();

    let code = gw.issue_code(REDIRECT);
    tokio::time::sleep(Duration::from_millis(30)).await;
    let err = oauth.exchange_code(&code, REDIRECT).await.unwrap_err();
    assert!(err.to_string().contains("expired"), "{err}");

    let code = gw.issue_code(REDIRECT);
    let err = oauth
        .exchange_code(&code, "https://elsewhere.example.com/")
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("invalid_grant"));

    // The official SDKs send redirect_uri=default: accepted.
    let code = gw.issue_code(REDIRECT);
    oauth.exchange_code(&code, "default").await.unwrap();
}

#[tokio::test]
async fn client_credentials_are_checked() {
    let gw = gateway().await;
    let code = gw.issue_code(REDIRECT);
    let impostor =
        open1688_core::Client::builder(open1688_core::Credentials::new(APP_KEY, "guessed"))
            .base_url(gw.url())
            .build()
            .unwrap();
    let err = impostor
        .oauth()
        .exchange_code(&code, REDIRECT)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::OAuth { status: 400, error, .. } if error == "invalid_client"),
        "{err:?}"
    );
}

#[tokio::test]
async fn refresh_accepts_both_spellings_and_rejects_bad_tokens() {
    let gw = gateway().await;
    let tokens = gw.issue_tokens();
    let refresh = tokens.refresh_token.unwrap();
    let url = format!(
        "{}/openapi/param2/1/system.oauth2/getToken/{APP_KEY}",
        gw.url()
    );
    let http = open1688_core::tls::reqwest_builder()
        .unwrap()
        .build()
        .unwrap();
    for key in ["refresh_token", "refreshToken"] {
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", APP_KEY),
            ("client_secret", APP_SECRET),
            (key, refresh.expose()),
        ];
        let response = http.post(&url).form(&form).send().await.unwrap();
        assert_eq!(response.status(), 200, "{key}");
        let body: serde_json::Value =
            serde_json::from_str(&response.text().await.unwrap()).unwrap();
        assert!(
            body["expires_in"].is_string() && body["access_token"].is_string(),
            "{body}"
        );
    }

    let oauth = client(&gw).build().unwrap().oauth();
    let err = oauth.refresh(&Secret::new("made-up")).await.unwrap_err();
    assert!(
        matches!(&err, Error::OAuth { status: 400, error, .. } if error == "invalid_grant"),
        "{err:?}"
    );
    gw.revoke_token(refresh.expose());
    let err = oauth.refresh(&refresh).await.unwrap_err();
    assert!(err.to_string().contains("revoked"), "{err}");

    // The token endpoints are POST only.
    let response = http
        .get(format!(
            "{url}?grant_type=refresh_token&client_id={APP_KEY}"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("POST only"));
}

#[tokio::test]
async fn postpone_works_only_in_the_refresh_tokens_last_days() {
    let gw = gateway_builder()
        .refresh_token_lifetime(Duration::from_secs(10 * 86_400))
        .start()
        .await
        .unwrap();
    let oauth = client(&gw).build().unwrap().oauth();
    let tokens = gw.issue_tokens();
    let old = tokens.refresh_token.unwrap();
    let postponed = oauth.postpone(&old, &tokens.access_token).await.unwrap();
    let new = postponed.refresh_token.unwrap();
    assert_ne!(new, old);
    assert_eq!(postponed.access_token, tokens.access_token);
    assert!(postponed.refresh_token_timeout.is_some());
    assert!(oauth.refresh(&new).await.is_ok());
    assert_eq!(
        oauth.refresh(&old).await.unwrap_err().code(),
        Some("invalid_grant"),
        "the old refresh token stops working"
    );

    let far = gateway().await; // 180-day refresh tokens, 30-day window
    let tokens = far.issue_tokens();
    let err = client(&far)
        .build()
        .unwrap()
        .oauth()
        .postpone(tokens.refresh_token.as_ref().unwrap(), &tokens.access_token)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::OAuth { status: 400, description, .. } if description.contains("last 30 days")),
        "{err:?}"
    );
}
