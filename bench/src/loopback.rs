//! Calls per second and latency against the mock gateway, over loopback with keep-alive.
//!
//! The gateway runs in its own process (`open1688-bench serve`), so client and server each
//! have their own tokio scheduler and their own CPU accounting; with `--pin` the server is
//! pinned to CPU 0 and the clients to CPU 1 (`taskset`), so neither can take the other's core.
//!
//! Clients, each at every concurrency (that many tasks or threads, each sending its next call
//! when the previous one is answered):
//! - `trivial`: bare reqwest → a hyper server answering the same bytes (the loopback ceiling);
//! - `bare`: bare reqwest → the mock, the same pre-signed request every time, body read as
//!   bytes (the limit for any client of the mock);
//! - `bare_decode`: `bare` plus `serde_json` into the generated `ProductGetResponse` (the limit
//!   for a client that decodes what it receives);
//! - `bare_value`: `bare` plus `serde_json::Value` and indexing into it (status, the product's
//!   id and title, every SKU's id and price): the client people write by hand;
//! - `sdk`: `client.product().product_get(..)`: build, sign, send, check, decode;
//! - `python`: `bench/python/client.py`, threads running requests (sign + POST + `json()`).

use crate::proc;
use bytes::Bytes;
use open1688::product::product_get::WebSite;
use open1688::product::{ProductGetRequest, ProductGetResponse};
use open1688::{Client, Credentials, Request};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PRODUCT_ID: i64 = 624531232145;

struct Server {
    child: Child,
    /// Closing it stops the server.
    stdin: Option<ChildStdin>,
    mock_url: String,
    trivial_url: String,
    token: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

fn start_server(pin: bool, answer: &str) -> Result<Server, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = if pin {
        let mut c = Command::new("taskset");
        c.args(["-c", "0"]).arg(exe);
        c
    } else {
        Command::new(exe)
    };
    let mut child = command
        .args(["serve", "--answer", answer])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the gateway process: {e}"))?;
    let stdin = child.stdin.take().ok_or("no stdin")?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let parts: Vec<&str> = line.split_whitespace().collect();
    let [ready, mock_url, trivial_url, token] = parts.as_slice() else {
        return Err(format!("unexpected first line from the gateway: {line:?}"));
    };
    if *ready != "READY" {
        return Err(format!("unexpected first line from the gateway: {line:?}"));
    }
    Ok(Server {
        mock_url: mock_url.to_string(),
        trivial_url: trivial_url.to_string(),
        token: token.to_string(),
        child,
        stdin: Some(stdin),
    })
}

/// One kind of client, ready to call.
enum Caller {
    Bare {
        http: reqwest::Client,
        url: String,
        body: Bytes,
        decode: Decode,
    },
    Sdk {
        client: Client,
        request: ProductGetRequest,
    },
}

/// What a bare client does with the answer's bytes.
#[derive(Clone, Copy)]
enum Decode {
    /// Nothing: read and drop them.
    Nothing,
    /// `serde_json` into the generated `ProductGetResponse`.
    Typed,
    /// `serde_json::Value`, then indexing, as a hand-written client reads the answer.
    Value,
}

/// What a hand-written client takes from the answer: the status, the product's id and title,
/// and every SKU's id and price, by indexing a `serde_json::Value`.
fn index_value(bytes: &[u8]) -> Result<(), String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if value["success"] == false || value.get("errorCode").is_some_and(|c| !c.is_null()) {
        return Err(format!("business error: {}", value["errorMessage"]));
    }
    let info = &value["productInfo"];
    let id = info["productID"].as_i64().ok_or("no productID")?;
    let subject = info["subject"].as_str().unwrap_or_default();
    let mut skus = Vec::new();
    for sku in info["skuInfos"].as_array().into_iter().flatten() {
        skus.push((sku["skuId"].as_i64(), sku["price"].as_f64()));
    }
    std::hint::black_box((id, subject, skus));
    Ok(())
}

/// The HTTP client as `open1688_core`'s transport configures it.
fn http_client() -> reqwest::Client {
    open1688_core::tls::reqwest_builder()
        .expect("TLS configuration")
        .connect_timeout(Duration::from_secs(5))
        .pool_idle_timeout(Duration::from_secs(60))
        .user_agent("open1688-bench")
        .build()
        .expect("reqwest client")
}

/// The form body the SDK would send, signed once (the mock does not check timestamp age).
fn presigned_form(token: &str) -> (String, String) {
    let url_path = ProductGetRequest::API.url_path(crate::APP_KEY);
    let product_id = PRODUCT_ID.to_string();
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default()
        .to_string();
    let mut wire: Vec<(&str, &str)> = vec![
        ("productID", &product_id),
        ("webSite", "1688"),
        ("scene", "1688"),
        ("access_token", token),
        ("_aop_timestamp", &timestamp),
    ];
    let signature = open1688::sign::sign(crate::APP_SECRET, &url_path, &wire);
    wire.push(("_aop_signature", &signature));
    // Same encoding as the transport.
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.extend_pairs(&wire);
    (url_path, form.finish())
}

impl Caller {
    async fn call(&self) -> Result<(), String> {
        match self {
            Caller::Bare {
                http,
                url,
                body,
                decode,
            } => {
                let response = http
                    .post(url)
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded; charset=UTF-8",
                    )
                    .body(body.clone())
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let status = response.status();
                let bytes = response.bytes().await.map_err(|e| e.to_string())?;
                if !status.is_success() {
                    return Err(format!(
                        "HTTP {status}: {}",
                        String::from_utf8_lossy(&bytes)
                    ));
                }
                match decode {
                    Decode::Nothing => {}
                    Decode::Typed => {
                        let decoded: ProductGetResponse =
                            serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
                        std::hint::black_box(decoded);
                    }
                    Decode::Value => index_value(&bytes)?,
                }
                Ok(())
            }
            Caller::Sdk { client, request } => {
                let response = client
                    .product()
                    .product_get(request.clone())
                    .await
                    .map_err(|e| e.to_string())?;
                std::hint::black_box(response);
                Ok(())
            }
        }
    }
}

/// What one run measured.
struct Measured {
    client: String,
    concurrency: usize,
    calls: usize,
    seconds: f64,
    p50_us: f64,
    p99_us: f64,
    /// CPU seconds per call (including warm-up calls), client and server.
    client_cpu_us: f64,
    server_cpu_us: f64,
    client_peak_kib: Option<u64>,
    server_peak_kib: Option<u64>,
}

impl Measured {
    fn per_second(&self) -> f64 {
        self.calls as f64 / self.seconds
    }
}

pub(crate) fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

/// Runs `concurrency` tasks calling back to back; latencies (ns) of the calls that started
/// after the warm-up, and the number of calls in all.
async fn drive(
    caller: Arc<Caller>,
    concurrency: usize,
    warmup: Duration,
    measure: Duration,
) -> Result<(Vec<u64>, usize, f64), String> {
    let start = Instant::now();
    let from = start + warmup;
    let until = from + measure;
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let caller = caller.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(1 << 16);
            let mut total = 0usize;
            loop {
                let t0 = Instant::now();
                if t0 >= until {
                    break;
                }
                caller.call().await?;
                total += 1;
                if t0 >= from {
                    latencies.push(t0.elapsed().as_nanos() as u64);
                }
            }
            Ok::<_, String>((latencies, total))
        }));
    }
    let mut all = Vec::new();
    let mut total = 0;
    for task in tasks {
        let (latencies, n) = task.await.map_err(|e| e.to_string())??;
        all.extend(latencies);
        total += n;
    }
    Ok((all, total, measure.as_secs_f64()))
}

fn run_rust(
    runtime: &tokio::runtime::Runtime,
    label: &str,
    caller: Arc<Caller>,
    concurrency: usize,
    warmup: Duration,
    measure: Duration,
    server_pid: u32,
) -> Result<Measured, String> {
    let me = std::process::id();
    proc::trim_heap();
    proc::reset_peak_rss(me);
    proc::reset_peak_rss(server_pid);
    let (client_cpu, server_cpu) = (proc::cpu_seconds(me), proc::cpu_seconds(server_pid));
    let (mut latencies, total, seconds) =
        runtime.block_on(drive(caller, concurrency, warmup, measure))?;
    let client_cpu = proc::cpu_seconds(me) - client_cpu;
    let server_cpu = proc::cpu_seconds(server_pid) - server_cpu;
    latencies.sort_unstable();
    Ok(Measured {
        client: label.to_owned(),
        concurrency,
        calls: latencies.len(),
        seconds,
        p50_us: percentile(&latencies, 50.0),
        p99_us: percentile(&latencies, 99.0),
        client_cpu_us: client_cpu / total as f64 * 1e6,
        server_cpu_us: server_cpu / total as f64 * 1e6,
        client_peak_kib: proc::peak_rss_kib(me),
        server_peak_kib: proc::peak_rss_kib(server_pid),
    })
}

/// The venv with `requests`, created under `target/` on first use.
fn python() -> Result<PathBuf, String> {
    let venv = crate::workspace_root().join("target/bench-venv");
    let python = venv.join("bin/python");
    let has_requests = || {
        Command::new(&python)
            .args(["-c", "import requests"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !has_requests() {
        eprintln!("creating {} with `requests` ...", venv.display());
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "requests"])
                .status()
                .is_ok_and(|s| s.success());
        if !ok || !has_requests() {
            return Err("could not install `requests` into the bench venv".into());
        }
    }
    Ok(python)
}

#[allow(clippy::too_many_arguments)]
fn run_python(
    python: &PathBuf,
    server: &Server,
    concurrency: usize,
    warmup: Duration,
    measure: Duration,
    pin: bool,
) -> Result<Measured, String> {
    let server_pid = server.child.id();
    proc::reset_peak_rss(server_pid);
    let server_cpu = proc::cpu_seconds(server_pid);
    let script = crate::workspace_root().join("bench/python/client.py");
    let mut command = if pin {
        let mut c = Command::new("taskset");
        c.args(["-c", "1"]).arg(python);
        c
    } else {
        Command::new(python)
    };
    let output = command
        .arg(script)
        .args(["--url", &server.mock_url])
        .args(["--app-key", crate::APP_KEY])
        .args(["--secret", crate::APP_SECRET])
        .args(["--token", &server.token])
        .args(["--concurrency", &concurrency.to_string()])
        .args(["--warmup", &warmup.as_secs_f64().to_string()])
        .args(["--seconds", &measure.as_secs_f64().to_string()])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run the Python client: {e}"))?;
    if !output.status.success() {
        return Err(format!("the Python client failed: {}", output.status));
    }
    let server_cpu = proc::cpu_seconds(server_pid) - server_cpu;
    let result: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("unexpected Python output: {e}"))?;
    let number = |k: &str| result[k].as_f64().unwrap_or(f64::NAN);
    let total = number("total");
    Ok(Measured {
        client: "python".into(),
        concurrency,
        calls: number("calls") as usize,
        seconds: number("seconds"),
        p50_us: number("p50_us"),
        p99_us: number("p99_us"),
        client_cpu_us: number("cpu_seconds") / total * 1e6,
        server_cpu_us: server_cpu / total * 1e6,
        client_peak_kib: result["peak_rss_kib"].as_u64(),
        server_peak_kib: proc::peak_rss_kib(server_pid),
    })
}

fn kib(v: Option<u64>) -> String {
    v.map_or("-".into(), |k| format!("{:.1}", k as f64 / 1024.0))
}

/// The names `--clients` takes (see the module docs).
const CLIENTS: [&str; 6] = [
    "trivial",
    "bare",
    "bare_value",
    "bare_decode",
    "sdk",
    "python",
];

/// Options of `loopback`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The answer to every call: `20k` (grown from the spec's example) or `example` (~2 KB).
    #[arg(long, default_value = "20k", value_parser = crate::ANSWERS)]
    pub answer: String,
    /// Seconds measured per client and concurrency.
    #[arg(long, default_value_t = 5)]
    pub seconds: u64,
    /// Seconds of warm-up before each measurement.
    #[arg(long, default_value_t = 1)]
    pub warmup: u64,
    /// Concurrencies, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,16,128",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub concurrency: Vec<u32>,
    /// Clients, comma-separated.
    #[arg(long, value_delimiter = ',', default_values = CLIENTS, value_parser = CLIENTS)]
    pub clients: Vec<String>,
    /// Interleaved rounds; each cell is the median round.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub repeat: u64,
    /// The server on CPU 0 and the clients on CPU 1 (`taskset`).
    #[arg(long)]
    pub pin: bool,
}

/// Runs the loopback bench and prints its table (see the module docs for the clients).
pub fn run(args: &Args) -> Result<(), String> {
    let warmup = Duration::from_secs(args.warmup);
    let measure = Duration::from_secs(args.seconds);
    let (pin, repeat) = (args.pin, args.repeat);
    let concurrencies: Vec<usize> = args.concurrency.iter().map(|&c| c as usize).collect();
    let clients = &args.clients;
    let python = if clients.iter().any(|c| c == "python") {
        Some(python()?)
    } else {
        None
    };
    if pin {
        // This process (and the tokio workers it is about to start) on CPU 1.
        let status = Command::new("taskset")
            .args(["-p", "-c", "1", &std::process::id().to_string()])
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("taskset: {e}"))?;
        if !status.success() {
            return Err("taskset failed".into());
        }
    }
    let answer = args.answer.as_str();
    let body_len = crate::product_get_body(answer)?.len();
    let server = start_server(pin, answer)?;
    let server_pid = server.child.id();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;

    let (url_path, form) = presigned_form(&server.token);
    let form = Bytes::from(form);
    let bare = |base: &str, decode: Decode| {
        Arc::new(Caller::Bare {
            http: http_client(),
            url: format!("{base}/openapi/{url_path}"),
            body: form.clone(),
            decode,
        })
    };
    let sdk = || -> Result<Arc<Caller>, String> {
        let client = Client::builder(Credentials::new(crate::APP_KEY, crate::APP_SECRET))
            .base_url(server.mock_url.clone())
            .access_token(server.token.clone())
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Arc::new(Caller::Sdk {
            client,
            request: ProductGetRequest::new(PRODUCT_ID, WebSite::V1688).scene("1688"),
        }))
    };
    // Every caller once, so a misconfiguration fails before anything is measured.
    for caller in [
        bare(&server.mock_url, Decode::Typed),
        bare(&server.mock_url, Decode::Value),
        sdk()?,
    ] {
        runtime.block_on(caller.call())?;
    }

    println!(
        "loopback, alibaba.product.get with a {} byte answer; warm-up {warmup:?}, measured {measure:?}{}",
        body_len,
        if pin { ", server on CPU 0, client on CPU 1" } else { ", unpinned" }
    );
    if repeat > 1 {
        println!("{repeat} interleaved rounds; each cell is the median round (calls/s range in brackets)");
    }
    println!();
    println!("| client | concurrency | calls/s | p50 µs | p99 µs | client CPU µs/call | server CPU µs/call | client peak RSS MiB | server peak RSS MiB |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    // Rounds: every client once per round, so slow drifts of the machine hit all clients alike;
    // each cell is the round with the median calls/s.
    let mut results: Vec<Vec<Measured>> = Vec::new();
    for &concurrency in &concurrencies {
        let mut rounds: Vec<Vec<Measured>> = clients.iter().map(|_| Vec::new()).collect();
        for _ in 0..repeat {
            for (client, runs) in clients.iter().zip(&mut rounds) {
                // Fresh clients each run: connections are opened inside the warm-up.
                let measured = match client.as_str() {
                    "trivial" => run_rust(
                        &runtime,
                        client,
                        bare(&server.trivial_url, Decode::Nothing),
                        concurrency,
                        warmup,
                        measure,
                        server_pid,
                    )?,
                    "bare" => run_rust(
                        &runtime,
                        client,
                        bare(&server.mock_url, Decode::Nothing),
                        concurrency,
                        warmup,
                        measure,
                        server_pid,
                    )?,
                    "bare_decode" => run_rust(
                        &runtime,
                        client,
                        bare(&server.mock_url, Decode::Typed),
                        concurrency,
                        warmup,
                        measure,
                        server_pid,
                    )?,
                    "bare_value" => run_rust(
                        &runtime,
                        client,
                        bare(&server.mock_url, Decode::Value),
                        concurrency,
                        warmup,
                        measure,
                        server_pid,
                    )?,
                    "sdk" => run_rust(
                        &runtime,
                        client,
                        sdk()?,
                        concurrency,
                        warmup,
                        measure,
                        server_pid,
                    )?,
                    "python" => run_python(
                        python.as_ref().ok_or("no python")?,
                        &server,
                        concurrency,
                        warmup,
                        measure,
                        pin,
                    )?,
                    other => return Err(format!("unknown client {other:?}")),
                };
                runs.push(measured);
            }
        }
        for mut runs in rounds {
            runs.sort_by(|a, b| a.per_second().total_cmp(&b.per_second()));
            let m = &runs[runs.len() / 2];
            let range = if runs.len() > 1 {
                format!(
                    " ({:.0}–{:.0})",
                    runs[0].per_second(),
                    runs[runs.len() - 1].per_second()
                )
            } else {
                String::new()
            };
            println!(
                "| {} | {} | {:.0}{range} | {:.0} | {:.0} | {:.1} | {:.1} | {} | {} |",
                m.client,
                m.concurrency,
                m.per_second(),
                m.p50_us,
                m.p99_us,
                m.client_cpu_us,
                m.server_cpu_us,
                kib(m.client_peak_kib),
                kib(m.server_peak_kib),
            );
            let _ = std::io::stdout().flush();
            results.push(runs);
        }
    }
    println!();
    for &concurrency in &concurrencies {
        let rate = |name: &str| {
            results
                .iter()
                .find(|runs| runs[0].client == name && runs[0].concurrency == concurrency)
                .map(|runs| runs[runs.len() / 2].per_second())
        };
        if let Some(sdk) = rate("sdk") {
            let mut line = format!("concurrency {concurrency}: sdk");
            for base in ["bare", "bare_value", "bare_decode", "python"] {
                if let Some(b) = rate(base) {
                    line.push_str(&format!(" = {:.1}% of {base}", sdk / b * 100.0));
                    line.push(';');
                }
            }
            println!("{}", line.trim_end_matches(';'));
        }
    }
    drop(server);
    Ok(())
}
