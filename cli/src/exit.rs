//! Exit codes and the one error type every command returns.

use open1688_core::Error;
use std::fmt;

/// Success.
pub const OK: u8 = 0;
/// Anything not covered below (an I/O failure, the mock could not start).
pub const FAILURE: u8 = 1;
/// Bad command line: an unknown flag or parameter, a missing required parameter or credential,
/// a value of the wrong type, an unreadable file or config.
pub const USAGE: u8 = 2;
/// The gateway refused the call: HTTP 4xx/5xx with a `gw.*` code (e.g. `gw.APIUnsupported`,
/// `gw.SignatureInvalid`, `gw.QosAppFrequencyLimit`).
pub const GATEWAY: u8 = 3;
/// The API answered HTTP 200 with `success:false` (or one of its variants).
pub const BUSINESS: u8 = 4;
/// Not authorised: HTTP 401 (token missing, unknown or expired), an OAuth error from the
/// token endpoint (`invalid_grant`, `invalid_client`, ...), or the message channel refusing
/// the app's CONNECT.
pub const AUTH: u8 = 5;
/// The request could not be sent or the answer not read: connection failure or timeout.
pub const TRANSPORT: u8 = 6;
/// The answer was not the JSON the API promises.
pub const DECODE: u8 = 7;
/// A signature did not verify: `sign --check` mismatch, or a tampered or unsigned pushed
/// message in `verify-message`.
pub const MISMATCH: u8 = 8;

/// The exit code table, as shown at the end of `open1688 --help`.
pub const TABLE: &str = "\
Exit codes:
  0  success
  1  other failure (I/O, the mock could not start)
  2  usage error: bad flag or parameter, missing credential, unreadable file or config
  3  gateway error: HTTP 4xx/5xx with a gw.* code (gw.APIUnsupported, gw.SignatureInvalid, ...)
  4  business error: HTTP 200 with success:false
  5  auth error: HTTP 401 (token missing/invalid/expired), an OAuth error, or the channel refused
  6  transport error: connection failure or timeout
  7  decode error: the answer is not the expected JSON
  8  signature mismatch: sign --check failed, or verify-message found a tampered/unsigned message";

/// A failed command: what to print and which exit code to return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    /// The exit code (one of the constants of this module).
    pub code: u8,
    /// The message, naming the bad flag or parameter.
    pub message: String,
    /// Extra lines that suggest what to do.
    pub hints: Vec<String>,
}

impl CliError {
    /// An error with an exit code.
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        CliError {
            code,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    /// A usage error (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::new(USAGE, message)
    }

    /// Adds a hint line.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        for hint in &self.hints {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

/// The exit code for a core error.
pub fn code_of(error: &Error) -> u8 {
    match error {
        Error::Gateway { .. } => GATEWAY,
        Error::Business { .. } => BUSINESS,
        Error::Unauthorized { .. } | Error::OAuth { .. } => AUTH,
        Error::Transport { .. } | Error::Timeout(_) => TRANSPORT,
        Error::Decode { .. } => DECODE,
        Error::InvalidInput { .. } => USAGE,
        Error::Push(_) => MISMATCH,
        Error::Channel(_) => AUTH,
        _ => FAILURE,
    }
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        let mut e = CliError::new(code_of(&error), error.to_string());
        match error.code() {
            Some("gw.SignatureInvalid" | "gw.SignatureMissing") => {
                e = e.hint("compare with your own signer: `open1688 call ... --explain`, or `open1688 sign --check <signature> ...`");
            }
            Some("gw.APIUnsupported") => {
                e = e.hint(
                    "check the API id (namespace:name-version) with `open1688 apis <filter>`",
                );
            }
            Some("gw.APIACLDecline") => {
                e = e.hint("the app has no permission for this API: request it on open.1688.com");
            }
            Some("gw.AppKeyNotFound") => {
                e = e.hint("check --app-key and --base-url");
            }
            _ => {}
        }
        if matches!(error, Error::Unauthorized { .. }) {
            e = e.hint("the access token is missing, unknown or expired: pass --access-token (or OPEN1688_ACCESS_TOKEN), or renew it with `open1688 auth refresh`");
        }
        if matches!(error, Error::Channel(_)) {
            e = e.hint(
                "check --app-key and --app-secret, and that the app may use the message channel",
            );
        }
        if matches!(error, Error::Business { .. }) {
            e = e.hint("the gateway accepted the call; the API itself reported the failure");
        }
        e
    }
}

/// Shorthand for command results.
pub type CliResult<T = ()> = Result<T, CliError>;
