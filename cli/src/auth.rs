//! `open1688 auth`: the OAuth steps (`docs/protocol.md#oauth`).

use crate::config::Settings;
use crate::exit::{CliError, CliResult};
use clap::{Args, Subcommand};
use open1688_core::{Secret, TokenResponse};
use serde_json::{Map, Value};
use std::hash::{BuildHasher, Hasher};

/// Arguments of `open1688 auth`.
#[derive(Args, Debug)]
pub struct AuthArgs {
    /// The OAuth step.
    #[command(subcommand)]
    pub step: Step,
}

/// The OAuth steps.
#[derive(Subcommand, Debug)]
pub enum Step {
    /// Print the authorization page URL to send the user to (no secret needed).
    Url {
        /// Where 1688 redirects with `?code=…&state=…`; its domain must match the app's
        /// registered callback.
        #[arg(long, value_name = "URL")]
        redirect_uri: String,
        /// Opaque value echoed back to the redirect URI [default: random].
        #[arg(long)]
        state: Option<String>,
    },
    /// Exchange an authorization code (single use, valid 2 minutes) for tokens.
    Exchange {
        /// The `code` from the redirect.
        code: String,
        /// The redirect URI the authorization used.
        #[arg(long, value_name = "URL")]
        redirect_uri: String,
        /// Print the tokens instead of masking them.
        #[arg(long)]
        show_secrets: bool,
        /// Do not write the tokens into the config file; print them in full instead.
        #[arg(long)]
        no_save: bool,
    },
    /// Get a new access token with the refresh token.
    Refresh(RefreshArgs),
    /// Renew the refresh token in its last 30 days (`postponeToken`); needs the access token too.
    Postpone(RefreshArgs),
}

/// What `auth refresh` and `auth postpone` take.
#[derive(Args, Debug)]
pub struct RefreshArgs {
    /// The refresh token.
    #[arg(
        long,
        env = "OPEN1688_REFRESH_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    refresh_token: Option<Secret>,
    /// Print the tokens instead of masking them.
    #[arg(long)]
    show_secrets: bool,
    /// Do not write the tokens into the config file; print them in full instead.
    #[arg(long)]
    no_save: bool,
}

impl Step {
    /// The refresh token given on the command line or in the environment, to scrub from errors.
    pub fn refresh_token(&self) -> Option<&str> {
        match self {
            Step::Refresh(args) | Step::Postpone(args) => {
                args.refresh_token.as_ref().map(Secret::expose)
            }
            _ => None,
        }
    }
}

fn random_state() -> String {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(open1688_core::now_millis() as u128);
    format!("{:016x}", hasher.finish())
}

fn refresh_token(given: Option<Secret>, settings: &Settings) -> CliResult<Secret> {
    given
        .filter(|t| !t.expose().is_empty())
        .or_else(|| settings.refresh_token.clone())
        .ok_or_else(|| {
            CliError::usage(
                "no refresh token: pass --refresh-token, set OPEN1688_REFRESH_TOKEN, or add `refresh_token` to the config file",
            )
        })
}

fn secret_value(secret: &Secret, show: bool) -> Value {
    if show {
        secret.expose().into()
    } else {
        "***".into()
    }
}

/// The token response as JSON, tokens masked unless `show`.
pub fn token_json(t: &TokenResponse, show: bool) -> Value {
    let mut out = Map::new();
    out.insert("access_token".into(), secret_value(&t.access_token, show));
    if let Some(refresh) = &t.refresh_token {
        out.insert("refresh_token".into(), secret_value(refresh, show));
    }
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            out.insert(key.into(), v);
        }
    };
    put("expires_in", t.expires_in.map(Value::from));
    put(
        "refresh_token_timeout",
        t.refresh_token_timeout.map(|d| d.0.to_rfc3339().into()),
    );
    put("resource_owner", t.resource_owner.clone().map(Value::from));
    put("memberId", t.member_id.clone().map(Value::from));
    put("aliId", t.ali_id.map(Value::from));
    put("uid", t.uid.clone().map(Value::from));
    Value::Object(out)
}

fn print_tokens(t: &TokenResponse, show: bool) -> CliResult {
    let text = serde_json::to_string_pretty(&token_json(t, show)).unwrap_or_default();
    crate::out::line(text)
}

/// Keeps new tokens: saved into the config file in use (or the default one), or, with
/// `--no-save` or when saving fails, printed in full. Never only masked.
fn keep_tokens(t: &TokenResponse, settings: &Settings, show: bool, no_save: bool) -> CliResult {
    if no_save {
        eprintln!("tokens not saved (--no-save): keep the ones printed below");
        return print_tokens(t, true);
    }
    let Some(path) = settings
        .file
        .clone()
        .or_else(crate::config::default_location)
    else {
        print_tokens(t, true)?;
        return Err(CliError::usage(
            "no config file to save the tokens to (no --config, HOME or XDG_CONFIG_HOME): they are printed above",
        ));
    };
    if let Err(e) = crate::save::tokens(&path, t) {
        print_tokens(t, true)?;
        return Err(e.hint("the tokens are printed above in full; keep them"));
    }
    print_tokens(t, show)?;
    eprintln!("tokens saved to {}", path.display());
    Ok(())
}

fn check_redirect(uri: &str) -> CliResult {
    if uri.starts_with("https://") || uri.starts_with("http://") {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "--redirect-uri must be an absolute http(s) URL, got `{uri}`"
        )))
    }
}

/// Runs `open1688 auth`.
pub async fn run(args: AuthArgs, settings: &Settings) -> CliResult {
    if let Step::Url { redirect_uri, .. } | Step::Exchange { redirect_uri, .. } = &args.step {
        check_redirect(redirect_uri)?;
    }
    match args.step {
        Step::Url {
            redirect_uri,
            state,
        } => {
            let app_key = settings.app_key()?;
            // The URL needs no secret: build the client with a placeholder one.
            let client = open1688_core::Client::builder(open1688_core::Credentials::new(
                app_key,
                Secret::default(),
            ))
            .auth_url(
                settings
                    .auth_url
                    .as_deref()
                    .unwrap_or(open1688_core::DEFAULT_AUTH_URL),
            )
            .build()?;
            let state = state.unwrap_or_else(random_state);
            crate::out::line(client.oauth().authorize_url(&redirect_uri, &state))?;
            eprintln!(
                "open it in a browser; 1688 redirects to {redirect_uri}?code=…&state={state}"
            );
            eprintln!("then within 2 minutes: open1688 auth exchange <code> --redirect-uri {redirect_uri}");
            Ok(())
        }
        Step::Exchange {
            code,
            redirect_uri,
            show_secrets,
            no_save,
        } => {
            let oauth = settings.client(Default::default())?.oauth();
            let tokens = oauth
                .exchange_code(&code, &redirect_uri)
                .await
                .map_err(|e| {
                    CliError::from(e).hint("a code is single-use and valid 2 minutes, and --redirect-uri must be the one the authorization used; get a new code with `open1688 auth url`")
                })?;
            keep_tokens(&tokens, settings, show_secrets, no_save)
        }
        Step::Refresh(RefreshArgs {
            refresh_token: given,
            show_secrets,
            no_save,
        }) => {
            let refresh = refresh_token(given, settings)?;
            let oauth = settings.client(Default::default())?.oauth();
            let tokens = oauth.refresh(&refresh).await.map_err(|e| {
                CliError::from(e).hint("a refresh token lives about 6 months and stops working once postponed; authorise again with `open1688 auth url`")
            })?;
            keep_tokens(&tokens, settings, show_secrets, no_save)
        }
        Step::Postpone(RefreshArgs {
            refresh_token: given,
            show_secrets,
            no_save,
        }) => {
            let refresh = refresh_token(given, settings)?;
            let access = settings.access_token.clone().ok_or_else(|| {
                CliError::usage(
                    "postponeToken needs the access token too: pass --access-token or set OPEN1688_ACCESS_TOKEN",
                )
            })?;
            let oauth = settings.client(Default::default())?.oauth();
            let tokens = oauth.postpone(&refresh, &access).await?;
            keep_tokens(&tokens, settings, show_secrets, no_save)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_are_masked_unless_shown() {
        let t: TokenResponse = serde_json::from_value(json!({
            "access_token": "AT-1", "refresh_token": "RT-1", "expires_in": "36000",
            "refresh_token_timeout": "20121222222222+0800", "memberId": "m"
        }))
        .unwrap();
        let masked = token_json(&t, false).to_string();
        assert!(
            !masked.contains("AT-1") && !masked.contains("RT-1"),
            "{masked}"
        );
        assert!(masked.contains("2012-12-22T22:22:22+08:00"), "{masked}");
        let shown = token_json(&t, true).to_string();
        assert!(shown.contains("AT-1") && shown.contains("RT-1"));
    }
}
