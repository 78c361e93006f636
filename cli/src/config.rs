//! Credentials and endpoints: flags > environment > config file.
//!
//! Flags and environment variables are merged by clap (see [`Global`]); the config file fills
//! what both left out. The file is TOML, or JSON when it ends in `.json` or starts with `{`:
//!
//! ```toml
//! app_key = "1000000"
//! app_secret = "..."
//! access_token = "..."
//! refresh_token = "..."
//! base_url = "https://gw.open.1688.com"
//! auth_url = "https://auth.1688.com"
//! ```

use crate::exit::{CliError, CliResult};
use clap::Args;
use open1688_core::{Client, Credentials, Secret, UploadMode};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Options every command accepts.
#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "Credentials and endpoints (flags > environment > config file)")]
pub struct Global {
    /// Config file (TOML or JSON) [default: $XDG_CONFIG_HOME/open1688/config.toml or
    /// ~/.config/open1688/config.toml, when it exists].
    #[arg(long, global = true, env = "OPEN1688_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// The app key.
    #[arg(long, global = true, env = "OPEN1688_APP_KEY", value_name = "KEY")]
    pub app_key: Option<String>,
    /// The app secret. Prefer the environment or the config file: flags show up in `ps`.
    #[arg(
        long,
        global = true,
        env = "OPEN1688_APP_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub app_secret: Option<Secret>,
    /// The user's access token.
    #[arg(
        long,
        global = true,
        env = "OPEN1688_ACCESS_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub access_token: Option<Secret>,
    /// The gateway [default: https://gw.open.1688.com].
    #[arg(long, global = true, env = "OPEN1688_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// The authorization page's host, for `auth url` [default: https://auth.1688.com].
    #[arg(long, global = true, env = "OPEN1688_AUTH_URL", value_name = "URL")]
    pub auth_url: Option<String>,
    /// Timeout of one HTTP attempt, in seconds.
    #[arg(long, global = true, default_value_t = 30.0, value_name = "SECS")]
    pub timeout: f64,
}

/// The config file's fields. Unknown keys are an error, so a typo is not silently ignored.
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(alias = "appKey")]
    app_key: Option<String>,
    #[serde(alias = "appSecret")]
    app_secret: Option<Secret>,
    #[serde(alias = "accessToken")]
    access_token: Option<Secret>,
    #[serde(alias = "refreshToken")]
    refresh_token: Option<Secret>,
    #[serde(alias = "baseUrl")]
    base_url: Option<String>,
    #[serde(alias = "authUrl")]
    auth_url: Option<String>,
}

/// The resolved settings. `Debug` never shows a secret.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The app key.
    pub app_key: Option<String>,
    /// The app secret.
    pub app_secret: Option<Secret>,
    /// The user's access token.
    pub access_token: Option<Secret>,
    /// The refresh token from the config file (flags and environment are read by `auth`).
    pub refresh_token: Option<Secret>,
    /// The gateway base URL.
    pub base_url: Option<String>,
    /// The authorization page's host.
    pub auth_url: Option<String>,
    /// Timeout of one HTTP attempt.
    pub timeout: Duration,
    /// The config file that was read, if any.
    pub file: Option<PathBuf>,
}

/// Where the config file lives when `--config` is not given, whether or not it exists yet.
pub fn default_location() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })?;
    Some(base.join("open1688").join("config.toml"))
}

fn default_path() -> Option<PathBuf> {
    default_location().filter(|path| path.is_file())
}

fn read_file(path: &Path) -> CliResult<File> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("cannot read config file {}: {e}", path.display())))?;
    let json = path.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with('{');
    let parsed = if json {
        serde_json::from_str::<File>(&text).map_err(|e| e.to_string())
    } else {
        // Only the message and the line: the error's source excerpt could show a secret.
        toml::from_str::<File>(&text).map_err(|e| {
            let line = e
                .span()
                .and_then(|span| text.get(..span.start))
                .map(|before| before.matches('\n').count() + 1);
            match line {
                Some(line) => format!("line {line}: {}", e.message()),
                None => e.message().to_owned(),
            }
        })
    };
    parsed.map_err(|e| {
        CliError::usage(format!("config file {}: {}", path.display(), e.trim_end())).hint(
            "known keys: app_key, app_secret, access_token, refresh_token, base_url, auth_url",
        )
    })
}

fn nonempty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

fn nonempty_secret(value: &Option<Secret>) -> Option<Secret> {
    value.clone().filter(|v| !v.expose().is_empty())
}

impl Settings {
    /// Merges flags and environment (already merged by clap) with the config file.
    pub fn resolve(global: &Global) -> CliResult<Settings> {
        let (file, path) = match &global.config {
            Some(path) => (read_file(path)?, Some(path.clone())),
            None => match default_path() {
                Some(path) => (read_file(&path)?, Some(path)),
                None => (File::default(), None),
            },
        };
        let timeout = Duration::try_from_secs_f64(global.timeout)
            .ok()
            .filter(|t| !t.is_zero())
            .ok_or_else(|| {
                CliError::usage(format!(
                    "--timeout must be a positive number of seconds, got {:?}",
                    global.timeout
                ))
            })?;
        Ok(Settings {
            app_key: nonempty(global.app_key.clone()).or(file.app_key),
            app_secret: nonempty_secret(&global.app_secret).or(file.app_secret),
            access_token: nonempty_secret(&global.access_token).or(file.access_token),
            refresh_token: file.refresh_token,
            base_url: nonempty(global.base_url.clone()).or(file.base_url),
            auth_url: nonempty(global.auth_url.clone()).or(file.auth_url),
            timeout,
            file: path,
        })
    }

    fn missing(&self, what: &str, flag: &str, env: &str, key: &str) -> CliError {
        let file = match &self.file {
            Some(path) => format!("add `{key}` to {}", path.display()),
            None => format!("add `{key}` to a config file (--config)"),
        };
        CliError::usage(format!("no {what}: pass {flag}, set {env}, or {file}"))
    }

    /// The app key, or a usage error saying where to give it.
    pub fn app_key(&self) -> CliResult<&str> {
        self.app_key
            .as_deref()
            .ok_or_else(|| self.missing("app key", "--app-key", "OPEN1688_APP_KEY", "app_key"))
    }

    /// The app secret, or a usage error saying where to give it.
    pub fn app_secret(&self) -> CliResult<&Secret> {
        self.app_secret.as_ref().ok_or_else(|| {
            self.missing(
                "app secret",
                "--app-secret",
                "OPEN1688_APP_SECRET",
                "app_secret",
            )
        })
    }

    /// The gateway base URL.
    pub fn base_url(&self) -> &str {
        self.base_url
            .as_deref()
            .unwrap_or(open1688_core::DEFAULT_BASE_URL)
    }

    /// A client for these settings, sending files as `upload` says. The access token, if any,
    /// is given per call.
    pub fn client(&self, upload: UploadMode) -> CliResult<Client> {
        let credentials = Credentials::new(self.app_key()?, self.app_secret()?.clone());
        Client::builder(credentials)
            .base_url(self.base_url())
            .auth_url(
                self.auth_url
                    .as_deref()
                    .unwrap_or(open1688_core::DEFAULT_AUTH_URL),
            )
            .timeout(self.timeout)
            .upload_mode(upload)
            .build()
            .map_err(|e| CliError::usage(e.to_string()).hint("check --base-url"))
    }

    /// Every secret value known, to scrub from error messages.
    pub fn secrets(&self) -> Vec<String> {
        [&self.app_secret, &self.access_token, &self.refresh_token]
            .into_iter()
            .flatten()
            .map(|s| s.expose().to_owned())
            .filter(|s| s.len() >= 4)
            .collect()
    }
}
