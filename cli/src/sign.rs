//! `open1688 sign`: explain a request signature and diagnose a wrong one.

use crate::config::Settings;
use crate::exit::{CliError, CliResult, MISMATCH};
use crate::mistakes::{self, Case};
use crate::params::split_pairs;
use crate::resolve::{resolve, Target};
use clap::Args;
use open1688_core::{now_millis, ApiInfo, FileParam, ParamType, Params, PreparedCall, Secret};
use open1688_core::{TokenMode, UploadMode};

/// Appends a formatted line to a `String` report.
macro_rules! outln {
    ($report:expr, $($arg:tt)*) => {{
        $report.push_str(&format!($($arg)*));
        $report.push('\n');
    }};
}

/// Arguments of `open1688 sign`.
#[derive(Args, Debug)]
pub struct SignArgs {
    /// The API: `namespace:name-version`, a bare name the SDK knows, or the URL or path your
    /// code requested (a query string in it is read as parameters).
    #[arg(value_name = "API|URL")]
    pub api: String,
    /// Parameters as your code signs them: key=value, raw (before URL-encoding). System
    /// parameters may be given too (access_token=…, _aop_timestamp=…, _aop_signature=…).
    #[arg(value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// The `_aop_timestamp` to sign, epoch milliseconds [default: now].
    #[arg(long, value_name = "MILLIS", conflicts_with = "no_timestamp")]
    pub timestamp: Option<u64>,
    /// Sign without `_aop_timestamp`.
    #[arg(long)]
    pub no_timestamp: bool,
    /// A signature to check: says whether it matches and, if not, which common mistake
    /// produces it.
    #[arg(long, value_name = "SIGNATURE")]
    pub check: Option<String>,
    /// How your code sends file parameters: multipart parts (not signed) or base64 text
    /// (signed; give the file as key=@path, or its base64 text).
    #[arg(long, value_enum, default_value_t = Upload::Multipart)]
    pub upload: Upload,
}

/// How file parameters travel (`--upload`): as the client sends them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Upload {
    /// A multipart part, not signed.
    Multipart,
    /// Base64 text in an ordinary form field, signed.
    Base64,
}

impl From<Upload> for UploadMode {
    fn from(upload: Upload) -> Self {
        match upload {
            Upload::Multipart => UploadMode::Multipart,
            Upload::Base64 => UploadMode::Base64Field,
        }
    }
}

/// The API and app key named by a URL or path, plus its query parameters.
struct FromUrl {
    target: Target,
    protocol: String,
    app_key: Option<String>,
    query: Vec<(String, String)>,
}

fn parse_url(arg: &str) -> CliResult<FromUrl> {
    let (path, query) = arg.split_once('?').unwrap_or((arg, ""));
    let path = match path.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => path,
    };
    let mut trimmed = path.trim_start_matches('/');
    let mut corrected = trimmed.len() != path.len();
    for prefix in ["openapi/", "api/"] {
        if let Some(rest) = trimmed.strip_prefix(prefix) {
            trimmed = rest;
            corrected = true;
        }
    }
    let segments: Vec<&str> = trimmed.split('/').collect();
    let (protocol, version, namespace, name, app_key) = match segments.as_slice() {
        [p, v, ns, n] => (*p, *v, *ns, *n, None),
        [p, v, ns, n, key] => (*p, *v, *ns, *n, Some(*key).filter(|k| !k.is_empty())),
        _ => {
            return Err(CliError::usage(format!(
                "`{arg}` is not an API path: expected <protocol>/<version>/<namespace>/<name>/<appKey>, e.g. param2/1/system/currentTime/1000000"
            )))
        }
    };
    let version: u32 = version.parse().map_err(|_| {
        CliError::usage(format!(
            "`{version}` in `{arg}` is not an API version number"
        ))
    })?;
    if corrected {
        eprintln!("note: the signed URL path is the part after `/openapi/`, with no leading slash: signing `{trimmed}`");
    }
    let apis = open1688_catalogue::APIS;
    let target = resolve(&format!("{namespace}:{name}-{version}"), apis)?;
    let query = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    Ok(FromUrl {
        target,
        protocol: protocol.to_owned(),
        app_key: app_key.map(str::to_owned),
        query,
    })
}

/// Runs `open1688 sign`.
pub fn run(args: SignArgs, settings: &Settings) -> CliResult {
    let is_url = args.api.contains('/');
    let (target, protocol, path_key, mut pairs) = if is_url {
        let u = parse_url(&args.api)?;
        (u.target, Some(u.protocol), u.app_key, u.query)
    } else {
        (
            resolve(&args.api, open1688_catalogue::APIS)?,
            None,
            None,
            Vec::new(),
        )
    };
    for (k, v) in split_pairs(&args.params)? {
        if pairs.iter().any(|(key, _)| *key == k) {
            return Err(CliError::usage(format!("parameter `{k}` is given twice")));
        }
        pairs.push((k, v));
    }
    let secret = settings.app_secret()?;
    let app_key = match &path_key {
        Some(key) => key.as_str(),
        None => settings.app_key()?,
    };
    let mut api = target.info();
    if let Some(protocol) = &protocol {
        // Sign the protocol segment the user's code sent.
        api.protocol = protocol;
    }

    // System parameters given literally override the flags.
    let take = |pairs: &mut Vec<(String, String)>, key: &str| {
        let i = pairs.iter().position(|(k, _)| k == key)?;
        Some(pairs.remove(i).1)
    };
    let literal_signature = take(&mut pairs, "_aop_signature");
    let literal_token = take(&mut pairs, "access_token").map(Secret::new);
    let literal_timestamp = take(&mut pairs, "_aop_timestamp");
    let check = match (args.check, literal_signature) {
        (Some(a), Some(b)) if !a.eq_ignore_ascii_case(&b) => {
            return Err(CliError::usage(
                "--check and the _aop_signature parameter disagree; give one",
            ))
        }
        (a, b) => a.or(b),
    };
    let timestamp = match (args.timestamp, args.no_timestamp, literal_timestamp) {
        (Some(ts), _, None) => Some(ts),
        (None, true, None) => None,
        (None, false, Some(ts)) => Some(ts.parse().map_err(|_| {
            CliError::usage(format!("_aop_timestamp `{ts}` is not epoch milliseconds"))
        })?),
        (None, false, None) => {
            if check.is_some() {
                return Err(CliError::usage("checking a signature needs the _aop_timestamp your code signed: pass --timestamp MILLIS (or _aop_timestamp=…), or --no-timestamp if it sent none"));
            }
            Some(now_millis())
        }
        _ => {
            return Err(CliError::usage(
                "give the timestamp once: --timestamp, --no-timestamp or _aop_timestamp=…",
            ))
        }
    };
    let token = literal_token.or_else(|| settings.access_token.clone());
    let doc = target.doc();
    let mut params = Params::new();
    for (key, value) in pairs {
        let file = doc
            .and_then(|d| d.param(&key))
            .is_some_and(|p| *p.ty == ParamType::File);
        match (file, value.strip_prefix('@'), args.upload) {
            (true, Some(path), _) => {
                let file = FileParam::from_path(path)
                    .map_err(|e| CliError::usage(format!("cannot read `{key}=@{path}`: {e}")))?;
                params.put_file(key, Some(&file));
            }
            (true, None, Upload::Multipart) => {
                eprintln!("note: `{key}` is a file (a multipart part): not signed");
            }
            _ => params.put(key, &value),
        }
    }
    // The one preparation the client sends with: the same system parameters, token rule and
    // upload encoding. An unsigned API is signed anyway, to show what code that signs it sends.
    let unsigned = !api.signed;
    let api = ApiInfo {
        signed: true,
        ..api
    };
    let call = PreparedCall::new(&api, app_key, params, args.upload.into())?;
    for (key, _) in call.files() {
        eprintln!("note: `{key}` is a file (a multipart part): not signed");
    }
    let signed = call.sign_with(secret, token.as_ref(), timestamp);
    let wire: Vec<(String, String)> = signed
        .signed_params()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();

    let mut report = String::new();
    let known = match doc {
        Some(_) => format!("token {}", token_mode(api.access_token)),
        None => {
            "not in the SDK's catalogue: signed as a raw param2 call, token sent when given".into()
        }
    };
    outln!(report, "api:       {api} ({known})");
    if unsigned {
        outln!(
            report,
            "note:      this API is unsigned: the gateway does not check _aop_signature"
        );
    }
    match (api.access_token, &token) {
        (TokenMode::None, Some(_)) => {
            outln!(
                report,
                "note:      this API takes no access_token: it is not sent and not signed"
            )
        }
        (TokenMode::Required, None) => outln!(
            report,
            "note:      this API needs an access token (--access-token); signed without one"
        ),
        _ => {}
    }
    let Some(explanation) = signed.explain() else {
        return Err(CliError::new(crate::exit::FAILURE, "nothing was signed"));
    };
    outln!(report, "{explanation}");

    let Some(received) = check else {
        return crate::out::write(report.as_bytes());
    };
    let received = received.trim();
    if received == explanation.signature {
        outln!(report, "check:     {received} matches");
        return crate::out::write(report.as_bytes());
    }
    outln!(
        report,
        "check:     {received} does NOT match; the right signature is {}",
        explanation.signature
    );
    let case = Case {
        secret: secret.expose(),
        url_path: call.url_path(),
        params: &wire,
        token: token.as_ref().map(Secret::expose),
    };
    let found = mistakes::diagnose(&case, received);
    if found.is_empty() {
        outln!(
            report,
            "cause:     none of the common mistakes reproduces it."
        );
        outln!(report, "           tried: {}", mistakes::TRIED);
        outln!(report, "           check the app secret, the app key in the path, the timestamp and that each value is signed exactly as sent");
    }
    for (i, e) in found.iter().enumerate() {
        if i > 0 {
            outln!(report, "or:");
        }
        for m in &e.mistakes {
            outln!(report, "cause:     {m}");
        }
        outln!(
            report,
            "           message signed that way: {}",
            e.message_masked
        );
    }
    crate::out::write(report.as_bytes())?;
    Err(CliError::new(MISMATCH, "the signature does not match"))
}

/// `required`, `optional` or `none`.
pub fn token_mode(mode: TokenMode) -> &'static str {
    match mode {
        TokenMode::Required => "required",
        TokenMode::Optional => "optional",
        TokenMode::None => "none",
    }
}
