//! `open1688 mock`: the one way to run the mock gateway (crate `open1688-mock`, a library) as
//! a process: every API of the catalogue, demo credentials, for offline development.

use crate::exit::{CliError, CliResult, FAILURE};
use clap::Args;
use open1688_mock::{
    JournalEntry, MockGateway, SignatureStatus, DEFAULT_APP_KEY, DEFAULT_APP_SECRET,
};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

/// Arguments of `open1688 mock`.
#[derive(Args, Debug)]
pub struct MockArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8688)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub host: IpAddr,
    /// An access token to accept (valid for 10 hours), besides those issued through OAuth.
    #[arg(long, env = "OPEN1688_MOCK_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Seed of the gateway's random generators (tokens, codes, faults).
    #[arg(long, default_value_t = 1688)]
    pub seed: u64,
    /// Lifetime of issued access tokens, in seconds.
    #[arg(long, default_value_t = 36_000)]
    pub token_lifetime: u64,
    /// Calls per second the app may make (any sliding second); beyond it HTTP 429
    /// `gw.QosAppFrequencyLimit`. Unlimited by default.
    #[arg(long, value_name = "QPS")]
    pub app_qps: Option<u32>,
    /// Calls per second one API may take, as `namespace:name-version=QPS` (repeatable); beyond
    /// it HTTP 429 `gw.QosAPIFrequencyLimit`.
    #[arg(long, value_name = "API=QPS", value_parser = api_qps)]
    pub api_qps: Vec<(String, u32)>,
    /// Do not log the requests it serves.
    #[arg(long)]
    pub quiet: bool,
}

fn log_line(e: &JournalEntry) -> String {
    let status = e.status.map_or("-".to_owned(), |s| s.to_string());
    let api = e.api.as_deref().unwrap_or(&e.path);
    let mut line = format!("{} {api} -> {status}", e.method);
    if let Some(code) = e.error_code.as_ref().filter(|c| **c != status) {
        line.push_str(&format!(" {code}"));
    }
    if e.signature != SignatureStatus::NotChecked {
        line.push_str(&format!(" (signature {:?})", e.signature));
    }
    if let Some(note) = &e.note {
        line.push_str(&format!(": {note}"));
    }
    line
}

/// Parses `namespace:name-version=QPS`.
fn api_qps(value: &str) -> Result<(String, u32), String> {
    let (api, qps) = value
        .rsplit_once('=')
        .ok_or_else(|| format!("expected namespace:name-version=QPS, got {value:?}"))?;
    let qps = qps
        .parse()
        .map_err(|_| format!("QPS of {api} must be a whole number, not {qps:?}"))?;
    Ok((api.to_owned(), qps))
}

/// Runs `open1688 mock` until Ctrl-C.
pub async fn run(args: MockArgs) -> CliResult {
    let refresh_lifetime = Duration::from_secs(180 * 86_400);
    let mut builder = MockGateway::builder();
    if let Some(qps) = args.app_qps {
        builder = builder.app_qps(qps);
    }
    for (api, qps) in args.api_qps {
        builder = builder.api_qps(api, qps);
    }
    let gateway = builder
        .app(DEFAULT_APP_KEY, DEFAULT_APP_SECRET)
        .seed(args.seed)
        .token_lifetime(Duration::from_secs(args.token_lifetime))
        // A development gateway: postponeToken works at any time, not only in the last 30 days.
        .postpone_window(refresh_lifetime)
        .bind(SocketAddr::new(args.host, args.port))
        .start()
        .await
        .map_err(|e| {
            CliError::new(
                FAILURE,
                format!("cannot listen on {}:{}: {e}", args.host, args.port),
            )
            .hint("pick another port with --port (0 = any free one)")
        })?;
    if let Some(token) = &args.token {
        gateway.register_token(DEFAULT_APP_KEY, token, Duration::from_secs(36_000));
    }
    let url = gateway.url();
    let tokens = gateway.issue_tokens();
    let refresh = tokens
        .refresh_token
        .as_ref()
        .map(|t| t.expose().to_owned())
        .unwrap_or_default();
    println!("mock 1688 gateway on {url}");
    println!(
        "serving {} APIs plus the OAuth endpoints; demo credentials (for this mock only):",
        open1688_mock::CATALOGUE.len()
    );
    println!("export OPEN1688_BASE_URL={url}");
    println!("export OPEN1688_AUTH_URL={url}");
    println!("export OPEN1688_CHANNEL_URL={}", gateway.channel_url());
    println!("export OPEN1688_APP_KEY={DEFAULT_APP_KEY}");
    println!("export OPEN1688_APP_SECRET={DEFAULT_APP_SECRET}");
    println!(
        "export OPEN1688_ACCESS_TOKEN={}",
        tokens.access_token.expose()
    );
    println!("export OPEN1688_REFRESH_TOKEN={refresh}");
    println!("authorize page: {url}/oauth/authorize?client_id={DEFAULT_APP_KEY}&site=1688&redirect_uri=<url>&state=<state> (approves at once)");
    println!("press Ctrl-C to stop");

    let mut printed = 0u64;
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    loop {
        tokio::select! {
            stop = tokio::signal::ctrl_c() => {
                if let Err(e) = stop {
                    eprintln!("cannot wait for Ctrl-C: {e}");
                }
                break;
            }
            _ = tick.tick(), if !args.quiet => {
                for e in gateway.journal().entries() {
                    if e.seq < printed {
                        continue;
                    }
                    // Print in order, once answered (or clearly never going to be).
                    if e.status.is_none() && e.fault.is_none() && e.at.elapsed() < Duration::from_secs(2) {
                        break;
                    }
                    eprintln!("{}", log_line(&e));
                    printed = e.seq + 1;
                }
            }
        }
    }
    gateway.stop().await;
    Ok(())
}
