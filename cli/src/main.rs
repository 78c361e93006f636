//! `open1688`: call 1688 Open Platform APIs, debug signatures, authorise, verify pushed messages
//! and run a local gateway, from the terminal.

mod apis;
mod auth;
mod call;
mod config;
mod exit;
mod json;
mod listen;
mod mistakes;
mod mock;
mod out;
mod params;
mod resolve;
mod sign;
mod verify;

use clap::{Parser, Subcommand};
use config::{Global, Settings};
use exit::{CliError, CliResult};
use std::process::ExitCode;

/// Call 1688 Open Platform APIs, debug signatures, authorise, verify or listen to pushed messages
/// and run a local gateway.
///
/// Credentials come from flags, the environment (OPEN1688_APP_KEY, OPEN1688_APP_SECRET,
/// OPEN1688_ACCESS_TOKEN, OPEN1688_REFRESH_TOKEN, OPEN1688_BASE_URL, OPEN1688_AUTH_URL) or a
/// config file (--config, OPEN1688_CONFIG, or ~/.config/open1688/config.toml; TOML or JSON with
/// the keys app_key, app_secret, access_token, refresh_token, base_url, auth_url), in that
/// order. Secrets are never printed.
#[derive(Parser, Debug)]
#[command(name = "open1688", version, after_help = exit::TABLE)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Call an API: `open1688 call alibaba.product.get productID=694567890123 webSite=1688`.
    #[command(after_help = exit::TABLE)]
    Call(call::CallArgs),
    /// Explain a request signature, or check one: `open1688 sign --check <SIG> <API> k=v ...`.
    #[command(after_help = exit::TABLE)]
    Sign(sign::SignArgs),
    /// OAuth: authorization URL, code exchange, refresh, postpone.
    #[command(after_help = exit::TABLE)]
    Auth(auth::AuthArgs),
    /// List the APIs the SDK knows, or show one with its parameters.
    Apis(apis::ApisArgs),
    /// Verify a message 1688 pushed (form body, key=value lines or JSON; stdin or --file).
    #[command(after_help = exit::TABLE)]
    VerifyMessage(verify::VerifyArgs),
    /// Print the messages pushed over the WebSocket channel as they arrive, and confirm them.
    #[command(after_help = exit::TABLE)]
    Listen(listen::ListenArgs),
    /// Run a local mock gateway serving every API the SDK knows, with demo credentials.
    Mock(mock::MockArgs),
}

fn runtime() -> CliResult<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::new(exit::FAILURE, format!("cannot start the runtime: {e}")))
}

fn run(cli: Cli, settings: &Settings) -> CliResult {
    match cli.command {
        Command::Call(args) => runtime()?.block_on(call::run(args, settings)),
        Command::Sign(args) => sign::run(args, settings),
        Command::Auth(args) => runtime()?.block_on(auth::run(args, settings)),
        Command::Apis(args) => apis::run(args),
        Command::VerifyMessage(args) => verify::run(args, settings),
        Command::Listen(args) => runtime()?.block_on(listen::run(args, settings)),
        Command::Mock(args) => runtime()?.block_on(mock::run(args)),
    }
}

/// Replaces every known secret value in `text` with `***`.
fn scrub(mut text: String, secrets: &[String]) -> String {
    // Values this short would mask ordinary words; core never puts secrets in messages anyway.
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        text = text.replace(secret.as_str(), "***");
    }
    text
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut secrets: Vec<String> = [&cli.global.app_secret, &cli.global.access_token]
        .into_iter()
        .flatten()
        .map(|s| s.expose().to_owned())
        .collect();
    if let Command::Auth(auth::AuthArgs { step }) = &cli.command {
        secrets.extend(step.refresh_token().map(str::to_owned));
    }
    let result = Settings::resolve(&cli.global).and_then(|settings| {
        secrets.extend(settings.secrets());
        run(cli, &settings)
    });
    match result {
        Ok(()) => ExitCode::from(exit::OK),
        Err(e) => {
            // Defence in depth: an error message never carries a secret, whatever produced it.
            eprintln!("{}", scrub(e.to_string(), &secrets));
            ExitCode::from(e.code)
        }
    }
}
