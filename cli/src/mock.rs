//! `open1688 mock`: a local gateway serving every API the SDK knows, for offline development.

use crate::exit::{CliError, CliResult, FAILURE};
use clap::Args;
use open1688_mock::{
    JournalEntry, MockGateway, SignatureStatus, DEFAULT_APP_KEY, DEFAULT_APP_SECRET,
};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

/// Arguments of `open1688 mock`.
#[derive(Args, Debug)]
pub struct MockArgs {
    /// Port to listen on, on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8688)]
    pub port: u16,
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

/// Runs `open1688 mock` until Ctrl-C.
pub async fn run(args: MockArgs) -> CliResult {
    let refresh_lifetime = Duration::from_secs(180 * 86_400);
    let gateway = MockGateway::builder()
        .app(DEFAULT_APP_KEY, DEFAULT_APP_SECRET)
        .apis(open1688::apis())
        // A development gateway: postponeToken works at any time, not only in the last 30 days.
        .postpone_window(refresh_lifetime)
        .bind(SocketAddr::from((Ipv4Addr::LOCALHOST, args.port)))
        .start()
        .await
        .map_err(|e| {
            CliError::new(
                FAILURE,
                format!("cannot listen on 127.0.0.1:{}: {e}", args.port),
            )
            .hint("pick another port with --port (0 = any free one)")
        })?;
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
        open1688::apis().len()
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
