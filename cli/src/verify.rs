//! `open1688 verify-message`: verify a message 1688 pushed to the app (`docs/protocol.md#push`).

use crate::config::Settings;
use crate::exit::{CliError, CliResult, DECODE, MISMATCH};
use crate::json;
use clap::Args;
use open1688_core::push;
use std::io::Read;
use std::path::PathBuf;

/// Arguments of `open1688 verify-message`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// Read the message from this file instead of stdin.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Accept fields other than `message` (envelope fields sent separately). By default only
    /// `message` + `_aop_signature` verify: the signature cannot tell a re-split body apart.
    #[arg(long)]
    pub any_layout: bool,
    /// Refuse a message whose `gmtBorn` is missing or more than this many seconds from now.
    #[arg(long, value_name = "SECS")]
    pub max_age: Option<u64>,
}

/// Reads the received fields from a form body (`message=%7B…%7D&_aop_signature=…`), one
/// `key=value` per line (values raw), or a JSON object of fields.
pub fn parse_fields(input: &str) -> CliResult<Vec<(String, String)>> {
    let input = input.trim();
    if input.is_empty() {
        return Err(CliError::usage("the message is empty"));
    }
    if input.starts_with('{') {
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(input) {
            return Ok(map
                .into_iter()
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => (k, s),
                    other => (k, other.to_string()),
                })
                .collect());
        }
    }
    let lines: Vec<&str> = input
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() > 1 {
        return lines
            .iter()
            .map(|line| {
                line.split_once('=')
                    .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
                    .ok_or_else(|| CliError::usage(format!("`{line}` is not key=value")))
            })
            .collect();
    }
    if !input.contains('=') {
        return Err(CliError::usage(
            "the input is neither a form body (message=…&_aop_signature=…), key=value lines, nor a JSON object",
        ));
    }
    Ok(form_urlencoded::parse(input.as_bytes())
        .into_owned()
        .collect())
}

/// Runs `open1688 verify-message`.
pub fn run(args: VerifyArgs, settings: &Settings) -> CliResult {
    let secret = settings.app_secret()?;
    let mut input = String::new();
    match &args.file {
        Some(path) => {
            input = std::fs::read_to_string(path).map_err(|e| {
                CliError::usage(format!("cannot read --file {}: {e}", path.display()))
            })?;
        }
        None => {
            std::io::stdin()
                .read_to_string(&mut input)
                .map_err(|e| CliError::usage(format!("cannot read stdin: {e}")))?;
        }
    }
    let fields = parse_fields(&input)?;
    let options = push::VerifyOptions {
        any_layout: args.any_layout,
        max_age: args.max_age.map(std::time::Duration::from_secs),
    };
    let message = push::verify_with(secret.expose(), &fields, options).map_err(|e| {
        let text = e.to_string();
        if text.contains("does not decode") {
            return CliError::new(DECODE, text);
        }
        let e = CliError::new(MISMATCH, text);
        if e.message.contains("signature mismatch") {
            let names: Vec<String> = fields
                .iter()
                .filter(|(k, _)| k != "_aop_signature")
                .map(|(k, _)| format!("`{k}`"))
                .collect();
            return e.hint(format!(
                "the signature covers {} (every field but _aop_signature, values as received after percent-decoding) with an empty URL path",
                names.join(", ")
            ));
        }
        e
    })?;
    eprintln!(
        "signature valid: msgId {} type {}",
        message.msg_id,
        if message.topic.is_empty() {
            "-"
        } else {
            &message.topic
        }
    );
    // The envelope as received, key order and numbers kept.
    let envelope = match fields.iter().find(|(k, _)| k == "message") {
        Some((_, text)) => json::pretty(text).unwrap_or_else(|_| text.clone()),
        None => {
            let map: serde_json::Map<String, serde_json::Value> = fields
                .iter()
                .filter(|(k, _)| k != "_aop_signature")
                .map(|(k, v)| {
                    let value = serde_json::from_str(v).unwrap_or_else(|_| v.as_str().into());
                    (k.clone(), value)
                })
                .collect();
            serde_json::to_string_pretty(&map).unwrap_or_default()
        }
    };
    crate::out::line(envelope)
}

#[cfg(test)]
mod tests {
    use super::parse_fields;

    #[test]
    fn three_input_forms() {
        let form = parse_fields("message=%7B%22msgId%22%3A1%7D&_aop_signature=AB\n").unwrap();
        assert_eq!(form[0], ("message".into(), r#"{"msgId":1}"#.into()));
        let lines = parse_fields("message={\"msgId\":1}\n_aop_signature=AB").unwrap();
        assert_eq!(lines, form);
        let json = parse_fields(r#"{"message":"{\"msgId\":1}","_aop_signature":"AB"}"#).unwrap();
        assert_eq!(json.len(), 2);
        assert!(parse_fields("").is_err());
        assert!(parse_fields("hello").is_err());
    }
}
