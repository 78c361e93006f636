//! The gateway process of the loopback bench: the mock gateway with the SDK's catalogue, and
//! beside it a trivial HTTP server answering the same bytes (the loopback ceiling).
//!
//! Prints `READY <mock url> <trivial url> <access token>` and serves until its standard input
//! closes (so it never outlives the bench that started it).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use open1688_mock::{MockGateway, Reply};
use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Options of `serve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The answer to every call: `20k` or the spec's `example`.
    #[arg(long, default_value = "20k", value_parser = crate::ANSWERS)]
    pub answer: String,
}

/// Serves until standard input closes.
pub fn run(args: &Args) -> Result<(), String> {
    let body = crate::product_get_body(&args.answer)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(serve(body))
}

async fn serve(body: String) -> Result<(), String> {
    let gateway = MockGateway::builder()
        .app(crate::APP_KEY, crate::APP_SECRET)
        .reply(
            &open1688::catalogue::product::PRODUCT_GET,
            Reply::status(200, body.clone()),
        )
        .start()
        .await
        .map_err(|e| format!("cannot start the mock gateway: {e}"))?;
    let gateway = Arc::new(gateway);
    let tokens = gateway.issue_tokens();

    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let trivial = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(trivial_server(listener, Bytes::from(body)));

    // The journal keeps every request; a bench sends millions. Nobody reads it here.
    let journal = gateway.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            journal.journal().clear();
        }
    });

    println!(
        "READY {} http://{trivial} {}",
        gateway.url(),
        tokens.access_token.expose()
    );
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    // Serve until the bench closes our standard input (or dies).
    tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
    })
    .await
    .map_err(|e| e.to_string())?;
    Ok(())
}

/// HTTP/1.1 keep-alive server that reads each request and answers `body`: no routing, no
/// parsing, no journal. What loopback HTTP costs on this machine.
async fn trivial_server(listener: TcpListener, body: Bytes) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let body = body.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                let body = body.clone();
                async move {
                    let _ = request.into_body().collect().await;
                    let mut response = hyper::Response::new(Full::new(body));
                    response.headers_mut().insert(
                        hyper::header::CONTENT_TYPE,
                        hyper::header::HeaderValue::from_static("application/json;charset=UTF-8"),
                    );
                    Ok::<_, std::convert::Infallible>(response)
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
