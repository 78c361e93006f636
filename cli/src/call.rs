//! `open1688 call`: call any API, checked against its spec when the SDK knows it.

use crate::config::Settings;
use crate::exit::{CliError, CliResult, DECODE};
use crate::json;
use crate::params::{build, split_pairs};
use crate::resolve::{one_of, resolve, suggest, Target};
use crate::sign::Upload;
use clap::Args;
use open1688_core::{now_millis, CallOptions, Error, TokenMode};
use std::io::IsTerminal;

/// Arguments of `open1688 call`.
#[derive(Args, Debug)]
pub struct CallArgs {
    /// The API: `namespace:name-version` (any API; unknown ones go through the raw path), or
    /// the bare name of an API the SDK knows, e.g. `alibaba.product.get`.
    #[arg(value_name = "API")]
    pub api: String,
    /// Parameters: key=value. File parameters take key=@path; JSON (object, array) parameters
    /// may take key=@file.json; arrays of numbers or strings may be comma-separated (1,2,3).
    #[arg(value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Print the body exactly as received instead of pretty JSON.
    #[arg(long)]
    pub raw: bool,
    /// Print how the request is signed (URL path, sorted factors, signed message with secrets
    /// masked, signature) to stderr, then send it with that very signature.
    #[arg(long)]
    pub explain: bool,
    /// Explain the signature but do not send the request.
    #[arg(long)]
    pub dry_run: bool,
    /// Pin `_aop_timestamp` (epoch milliseconds) instead of the clock.
    #[arg(long, value_name = "MILLIS")]
    pub timestamp: Option<u64>,
    /// Send the parameters as given, without checking them against the API's spec.
    #[arg(long)]
    pub no_validate: bool,
    /// Print secret values in the answer (e.g. the tokens of `system.oauth2:getToken`) instead
    /// of masking them.
    #[arg(long)]
    pub show_secrets: bool,
    /// How file parameters travel.
    #[arg(long, value_enum, default_value_t = Upload::Multipart)]
    pub upload: Upload,
}

/// Runs `open1688 call`.
pub async fn run(args: CallArgs, settings: &Settings) -> CliResult {
    let apis = open1688_catalogue::APIS;
    let target = resolve(&args.api, apis)?;
    let api = target.info();
    let pairs = split_pairs(&args.params)?;
    let built = build(target.doc(), pairs, !args.no_validate)?;
    let client = settings.client(args.upload.into())?;
    let token = settings.access_token.clone();

    let mut options = CallOptions::new().timeout(settings.timeout);
    if let Some(token) = &token {
        options = options.access_token(token.clone());
    }
    let explaining = args.explain || args.dry_run;
    let timestamp = match (args.timestamp, explaining) {
        (Some(ts), _) => Some(ts),
        (None, true) => Some(now_millis()),
        (None, false) => None,
    };
    if let Some(ts) = timestamp {
        options = options.timestamp(ts);
    }
    let call = client.prepare(&api, built.params)?;
    if explaining {
        let url_path = call.url_path();
        eprintln!("request:   POST {}/openapi/{url_path}", client.base_url());
        if let Target::Raw { .. } = target {
            eprintln!("api:       {api} (not in the SDK's catalogue: raw param2 call)");
        }
        if api.access_token == TokenMode::Required && token.is_none() {
            eprintln!("note:      {api} needs an access token (--access-token)");
        }
        // Exactly what the client sends: the same preparation, signed with the same timestamp.
        let signed = call.sign(&client.credentials().app_secret, token.as_ref(), timestamp);
        match signed.explain() {
            Some(explanation) => eprintln!("{explanation}"),
            None => eprintln!("signature: none (this API is unsigned)"),
        }
        for (name, file) in signed.files() {
            eprintln!("file part: {name} = {file:?} (not signed)");
        }
        if args.dry_run {
            return Ok(());
        }
    }

    let raw = match client.send_prepared(&call, &options).await {
        Ok(raw) => raw,
        Err(e) => return Err(explain_error(e, &target, apis)),
    };
    // Secret fields of an answer (tokens) are masked unless asked for: terminals get logged.
    let body = match (args.show_secrets, std::str::from_utf8(&raw.body)) {
        (false, Ok(text)) => {
            let masked = open1688_core::names::redact(text);
            if masked != text {
                eprintln!("secret values masked: pass --show-secrets to print them");
            }
            std::borrow::Cow::Owned(masked.into_bytes())
        }
        _ => std::borrow::Cow::Borrowed(&raw.body[..]),
    };
    if args.raw {
        crate::out::write(&body)?;
        // Keep a terminal's prompt on its own line; pipes get the body byte for byte.
        if std::io::stdout().is_terminal() && !body.ends_with(b"\n") {
            crate::out::write(b"\n")?;
        }
        return Ok(());
    }
    let text = std::str::from_utf8(&body).map_err(|_| {
        CliError::new(DECODE, "the answer is not UTF-8 text").hint("print it with --raw")
    })?;
    let pretty = json::pretty(text).map_err(|e| {
        CliError::new(
            DECODE,
            format!(
                "the answer is not JSON ({e}); it starts with: {}",
                open1688_core::redact(&body)
            ),
        )
        .hint("print it as received with --raw")
    })?;
    crate::out::write(format!("{pretty}\n").as_bytes())
}

fn explain_error(
    error: Error,
    target: &Target,
    apis: &[&'static open1688_core::ApiDoc],
) -> CliError {
    let unsupported = error.code() == Some("gw.APIUnsupported");
    let mut e = CliError::from(error);
    if let (true, Target::Raw { name, .. }) = (unsupported, target) {
        let close = suggest(name, apis.iter().map(|d| d.api.name));
        if let Some(doc) = close
            .first()
            .and_then(|n| apis.iter().find(|d| d.api.name == *n))
        {
            let ids: Vec<String> = vec![doc.api.to_string()];
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            e = e.hint(format!("did you mean {}?", one_of(&refs)));
        }
    }
    e
}
