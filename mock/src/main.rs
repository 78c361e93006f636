//! `cargo run -p open1688-mock -- --port 8688`: a local 1688 gateway for development.

use clap::Parser;
use open1688_mock::{MockGateway, DEFAULT_APP_KEY, DEFAULT_APP_SECRET};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

/// A local 1688 Open Platform gateway: signatures, tokens, OAuth, faults and a request journal.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8688)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// The app key the gateway knows.
    #[arg(long, default_value = DEFAULT_APP_KEY)]
    app_key: String,
    /// The app secret (better given through the environment than on the command line).
    #[arg(long, env = "OPEN1688_MOCK_APP_SECRET", default_value = DEFAULT_APP_SECRET, hide_default_value = true, hide_env_values = true)]
    app_secret: String,
    /// An access token to accept (valid for 10 hours), besides those issued through OAuth.
    #[arg(long, env = "OPEN1688_MOCK_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Seed of the random generators.
    #[arg(long, default_value_t = 1688)]
    seed: u64,
    /// Lifetime of issued access tokens, in seconds.
    #[arg(long, default_value_t = 36_000)]
    token_lifetime: u64,
    /// Calls per second the app may make (any sliding second); beyond it HTTP 429
    /// `gw.QosAppFrequencyLimit`. Unlimited by default.
    #[arg(long, value_name = "QPS")]
    app_qps: Option<u32>,
    /// Calls per second one API may take, as `namespace:name-version=QPS` (repeatable); beyond
    /// it HTTP 429 `gw.QosAPIFrequencyLimit`.
    #[arg(long, value_name = "API=QPS", value_parser = api_qps)]
    api_qps: Vec<(String, u32)>,
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

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    // Serves every API in api-specs/ (the built-in catalogue), plus the OAuth endpoints.
    let mut builder = MockGateway::builder();
    if let Some(qps) = args.app_qps {
        builder = builder.app_qps(qps);
    }
    for (api, qps) in args.api_qps {
        builder = builder.api_qps(api, qps);
    }
    let gateway = builder
        .app(args.app_key.clone(), args.app_secret)
        .seed(args.seed)
        .token_lifetime(Duration::from_secs(args.token_lifetime))
        .bind(SocketAddr::new(args.host, args.port))
        .start()
        .await?;
    if let Some(token) = &args.token {
        gateway.register_token(&args.app_key, token, Duration::from_secs(36_000));
    }
    println!(
        "mock 1688 gateway on {} (app key {})",
        gateway.url(),
        args.app_key
    );
    println!(
        "authorize: {}/oauth/authorize?client_id={}&site=1688&redirect_uri=<url>&state=<state>",
        gateway.url(),
        args.app_key
    );
    tokio::signal::ctrl_c().await?;
    gateway.stop().await;
    Ok(())
}
