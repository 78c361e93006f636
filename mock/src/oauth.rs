//! OAuth: the authorize page (auto-approving), `getToken` and `postponeToken` (`docs/protocol.md#oauth`).

use crate::answer::Answer;
use crate::request::Received;
use crate::state::Gateway;
use crate::tokens::{CodeError, IssuedTokens};
use axum::http::Method;
use chrono::{DateTime, FixedOffset, Utc};
use std::time::{Duration, SystemTime};

/// The token endpoints, served under any protocol segment (`http` in the docs, `param2` in
/// the SDKs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenEndpoint {
    GetToken,
    PostponeToken,
}

pub(crate) fn token_endpoint(namespace: &str, name: &str, version: u32) -> Option<TokenEndpoint> {
    match (namespace, name, version) {
        ("system.oauth2", "getToken", 1) => Some(TokenEndpoint::GetToken),
        ("system.oauth2", "postponeToken", 1) => Some(TokenEndpoint::PostponeToken),
        _ => None,
    }
}

/// `GET /oauth/authorize?client_id&site&redirect_uri&state`: approves at once and redirects
/// to `redirect_uri?code=…&state=…`.
pub(crate) fn authorize(gw: &Gateway, received: &Received) -> Answer {
    let Some(client_id) = received.get("client_id") else {
        return Answer::oauth("invalid_request", "client_id is missing");
    };
    if gw.secret(client_id).is_none() {
        return Answer::oauth("invalid_client", format!("app `{client_id}` is not found"));
    }
    let Some(redirect_uri) = received.get("redirect_uri") else {
        return Answer::oauth("invalid_request", "redirect_uri is missing");
    };
    let mut location = match url::Url::parse(redirect_uri) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url,
        _ => {
            return Answer::oauth(
                "invalid_request",
                "redirect_uri must be an absolute http(s) URL",
            )
        }
    };
    let code = gw.tokens.issue_code(client_id, redirect_uri);
    {
        let mut query = location.query_pairs_mut();
        query.append_pair("code", &code);
        if let Some(state) = received.get("state") {
            query.append_pair("state", state);
        }
    }
    Answer::redirect(location.into())
}

/// `getToken` and `postponeToken`: unsigned, POST only, `{error, error_description}` on failure.
pub(crate) fn token_call(
    gw: &Gateway,
    endpoint: TokenEndpoint,
    method: &Method,
    app_key: &str,
    received: &Received,
) -> Answer {
    if method != Method::POST {
        return Answer::oauth("invalid_request", "the token endpoints accept POST only");
    }
    if let Some(refusal) = client_refusal(gw, app_key, received) {
        return refusal;
    }
    match endpoint {
        TokenEndpoint::GetToken => get_token(gw, app_key, received),
        TokenEndpoint::PostponeToken => postpone_token(gw, app_key, received),
    }
}

/// The refusal of a request whose `client_id`/`client_secret` do not identify the URL's app.
fn client_refusal(gw: &Gateway, app_key: &str, received: &Received) -> Option<Answer> {
    let (Some(client_id), Some(client_secret)) =
        (received.get("client_id"), received.get("client_secret"))
    else {
        return Some(Answer::oauth(
            "invalid_request",
            "client_id and client_secret are required",
        ));
    };
    match gw.secret(client_id) {
        Some(_) if client_id != app_key => Some(Answer::oauth(
            "invalid_client",
            "client_id does not match the appKey in the URL",
        )),
        Some(secret) if secret.expose() == client_secret => None,
        Some(_) => Some(Answer::oauth("invalid_client", "client_secret is wrong")),
        None => Some(Answer::oauth(
            "invalid_client",
            format!("app `{client_id}` is not found"),
        )),
    }
}

/// The refresh token: `refresh_token` as documented, or `refreshToken` as the official Java SDK sends it.
fn refresh_param(received: &Received) -> Option<&str> {
    received
        .get("refresh_token")
        .or_else(|| received.get("refreshToken"))
}

fn get_token(gw: &Gateway, app_key: &str, received: &Received) -> Answer {
    let lifetime = gw.tokens.lifetimes.access;
    match received.get("grant_type") {
        Some("authorization_code") => {
            let Some(code) = received.get("code") else {
                return Answer::oauth("invalid_request", "code is missing");
            };
            if let Err(e) = gw
                .tokens
                .take_code(app_key, code, received.get("redirect_uri"))
            {
                let why = match e {
                    CodeError::Unknown => "the code is invalid or was already used",
                    CodeError::Expired => "the code has expired",
                    CodeError::OtherApp => "the code was issued to another app",
                    CodeError::RedirectMismatch => {
                        "redirect_uri does not match the authorization request"
                    }
                };
                return Answer::oauth("invalid_grant", why);
            }
            let with_refresh = received.get("need_refresh_token") == Some("true");
            token_answer(&gw.tokens.issue(app_key, None, lifetime, with_refresh))
        }
        Some("refresh_token") => {
            let Some(refresh) = refresh_param(received) else {
                return Answer::oauth("invalid_request", "refresh_token is missing");
            };
            match gw.tokens.check_refresh(app_key, refresh) {
                Ok(grant) => {
                    token_answer(&gw.tokens.issue(app_key, Some(grant.user), lifetime, false))
                }
                Err(why) => Answer::oauth(
                    "invalid_grant",
                    format!("the refresh token is {}", why.describe()),
                ),
            }
        }
        Some(other) => Answer::oauth(
            "unsupported_grant_type",
            format!("grant_type `{other}` is not supported"),
        ),
        None => Answer::oauth("invalid_request", "grant_type is missing"),
    }
}

fn postpone_token(gw: &Gateway, app_key: &str, received: &Received) -> Answer {
    let (Some(refresh), Some(access)) = (refresh_param(received), received.get("access_token"))
    else {
        return Answer::oauth(
            "invalid_request",
            "refresh_token and access_token are required",
        );
    };
    let refresh_grant = match gw.tokens.check_refresh(app_key, refresh) {
        Ok(grant) => grant,
        Err(why) => {
            return Answer::oauth(
                "invalid_grant",
                format!("the refresh token is {}", why.describe()),
            )
        }
    };
    let access_grant = match gw.tokens.check_access(app_key, access) {
        Ok(grant) if grant.user == refresh_grant.user => grant,
        Ok(_) => return Answer::oauth("invalid_grant", "the access token belongs to another user"),
        Err(why) => {
            return Answer::oauth(
                "invalid_grant",
                format!("the access token is {}", why.describe()),
            )
        }
    };
    let remaining = refresh_grant
        .wall_expiry
        .duration_since(SystemTime::now())
        .unwrap_or_default();
    if remaining > gw.postpone_window {
        let days = gw.postpone_window.as_secs() / 86_400;
        return Answer::oauth(
            "invalid_request",
            format!("the refresh token can be postponed only in its last {days} days"),
        );
    }
    let (new_refresh, refresh_expiry) = gw.tokens.postpone(app_key, refresh, &refresh_grant.user);
    token_answer(&IssuedTokens {
        access_token: access.into(),
        refresh_token: Some(new_refresh),
        expires_in: access_grant
            .expires_at
            .saturating_duration_since(std::time::Instant::now()),
        refresh_expires_at: Some(refresh_expiry),
        user: refresh_grant.user,
    })
}

/// The token JSON in the documented shape: `expires_in` a string of whole seconds (rounded up),
/// `refresh_token_timeout` as `yyyyMMddHHmmss+0800`.
pub(crate) fn token_answer(t: &IssuedTokens) -> Answer {
    let mut body = serde_json::json!({
        "aliId": t.user.ali_id,
        "resource_owner": t.user.login_id,
        "memberId": t.user.member_id,
        "expires_in": whole_seconds(t.expires_in).to_string(),
        "access_token": t.access_token.expose(),
    });
    if let (Some(refresh), Some(at)) = (&t.refresh_token, t.refresh_expires_at) {
        body["refresh_token"] = refresh.expose().into();
        body["refresh_token_timeout"] = beijing_time(at).into();
    }
    Answer::json(200, body.to_string())
}

fn whole_seconds(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// `yyyyMMddHHmmss+0800`.
pub(crate) fn beijing_time(at: SystemTime) -> String {
    let utc: DateTime<Utc> = at.into();
    match FixedOffset::east_opt(8 * 3600) {
        Some(zone) => utc
            .with_timezone(&zone)
            .format("%Y%m%d%H%M%S%z")
            .to_string(),
        None => utc.format("%Y%m%d%H%M%S+0000").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_lifetimes_use_the_documented_forms() {
        assert_eq!(
            beijing_time(SystemTime::UNIX_EPOCH + Duration::from_secs(1_356_186_142)),
            "20121222222222+0800"
        );
        assert_eq!(whole_seconds(Duration::from_millis(50)), 1);
        assert_eq!(whole_seconds(Duration::from_secs(36_000)), 36_000);
    }
}
