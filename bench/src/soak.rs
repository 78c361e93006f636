//! `soak`: many concurrent calls against the mock gateway with ~30% injected faults, checking
//! the write-safety promises from the gateway's side (its journal), not the client's.
//!
//! ```text
//! cargo run --release -p open1688-bench -- soak [--calls 20000] [--concurrency 32] [--seed 1]
//! ```
//!
//! Faults: throttling (documented code), bare 503, connection dropped after the request was
//! read, answers delayed past the timeout, truncated and non-JSON bodies, connections closed
//! before the request is read, and refused connections; an upload API is among the calls.
//!
//! Judged per call, by a marker parameter each call carries:
//! - duplicated: a non-idempotent call the gateway may have executed more than once (any
//!   arrival but a documented throttling refusal counts as a possible execution);
//! - lost: the client reported success but the gateway never answered that call with 200;
//! - hung: the call did not end within its deadline (plus a second of slack);
//! - and every call made no more attempts than the retry policy allows.
//!
//! It ends with exactly one line:
//! `soak: <N> calls, <F> faults injected, <D> duplicated writes, <L> lost, <H> hung`.

use open1688_core::response::check_and_decode;
use open1688_core::{
    ApiDoc, CallOptions, Client, Credentials, Error, FileParam, ParamType, Params, RetryPolicy,
};
use open1688_mock::{Fault, MockGateway, Scope};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PRODUCT_GET: &str = "com.alibaba.product:alibaba.product.get-1";
const ORDER_CREATE: &str = "com.alibaba.trade:alibaba.trade.fenxiaoOrder.create-1";
const PHOTO_ADD: &str = "com.alibaba.product:alibaba.photobank.photo.add-1";
const TOKEN: &str = "soak-access-token";

/// Per-attempt timeout and the retry policy every soak client uses.
const TIMEOUT: Duration = Duration::from_millis(400);
const POLICY: RetryPolicy = RetryPolicy {
    max_attempts: 3,
    base_delay: Duration::from_millis(5),
    max_delay: Duration::from_millis(20),
};

/// One call's plan and outcome.
struct Outcome {
    api: &'static ApiDoc,
    marker: String,
    refused: bool,
    result: Result<(), Error>,
    elapsed: Duration,
    hung: bool,
}

fn doc(id: &str) -> Result<&'static ApiDoc, String> {
    open1688::catalogue::APIS
        .iter()
        .copied()
        .find(|d| d.api.to_string() == id)
        .ok_or_else(|| format!("{id} is not in the catalogue"))
}

/// Every required parameter with a plausible value, and the marker in `marker_param`.
fn params(api: &ApiDoc, marker_param: &str, marker: &str) -> Params {
    let mut p = Params::new();
    for param in api
        .params
        .iter()
        .filter(|p| p.required || p.name == marker_param)
    {
        if *param.ty == ParamType::File {
            let bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4];
            p.put_file(param.name, Some(&FileParam::new("soak.jpg", bytes)));
        } else if param.name == marker_param {
            p.put(param.name, marker);
        } else {
            let value = match param.ty {
                ParamType::Long | ParamType::Int => "1",
                ParamType::Boolean => "true",
                ParamType::String => "1688",
                ParamType::Enum(e) => e.values.first().copied().unwrap_or("1688"),
                ParamType::Array(_) => "[]",
                _ => "{}",
            };
            p.put(param.name, value);
        }
    }
    p
}

fn marker_param(api: &ApiDoc) -> &'static str {
    match api.api.name {
        "alibaba.trade.fenxiaoOrder.create" => "outOrderId",
        "alibaba.photobank.photo.add" => "name",
        _ => "productID",
    }
}

/// Options of `soak`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// How many calls to make.
    #[arg(long, default_value_t = 2000)]
    pub calls: usize,
    /// Calls in flight at once.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..))]
    pub concurrency: u32,
    /// Seed of the fault schedule.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Runs the soak; prints the summary line.
pub fn run(args: &Args) -> Result<(), String> {
    let (calls, seed) = (args.calls, args.seed);
    let concurrency = args.concurrency as usize;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(soak(calls, concurrency, seed))
}

async fn soak(calls: usize, concurrency: usize, seed: u64) -> Result<(), String> {
    let gw = MockGateway::builder()
        .app(crate::APP_KEY, "soak-app-secret-not-the-demo-one")
        .seed(seed)
        .journal_capacity(calls * 4 + 16)
        .start()
        .await
        .map_err(|e| format!("mock: {e}"))?;
    gw.register_token(crate::APP_KEY, TOKEN, Duration::from_secs(86_400));
    let faults = gw.faults();
    for (fault, p) in [
        (Fault::Throttle, 0.06),
        (Fault::Status(503), 0.05),
        (Fault::Drop, 0.05),
        (Fault::Delay(TIMEOUT + Duration::from_millis(200)), 0.02),
        (Fault::TruncatedJson, 0.04),
        (Fault::NonJson, 0.03),
    ] {
        faults.random(Scope::All, fault, p);
    }
    faults.drop_connections(0.05);

    let client = |url: &str| {
        Client::builder(Credentials::new(
            crate::APP_KEY,
            "soak-app-secret-not-the-demo-one",
        ))
        .base_url(url)
        .access_token(TOKEN)
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_millis(200))
        .retry(POLICY)
        .build()
        .map_err(|e| e.to_string())
    };
    let good = client(&gw.url())?;
    // A port nobody listens on: connections to it are refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?;
    let refused = client(&format!("http://{closed}"))?;
    let deadline = TIMEOUT * POLICY.max_attempts + POLICY.max_delay * (POLICY.max_attempts - 1);

    let apis = [doc(PRODUCT_GET)?, doc(ORDER_CREATE)?, doc(PHOTO_ADD)?];
    let started = Instant::now();
    let semaphore = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..calls {
        let api = apis[n % apis.len()];
        // Every 33rd call goes to the refused port: ~3% of calls.
        let is_refused = n % 33 == 17;
        let client = if is_refused {
            refused.clone()
        } else {
            good.clone()
        };
        let permit = semaphore
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| e.to_string())?;
        tasks.spawn(async move {
            let _permit = permit;
            let marker = format!("{}", 9_000_000_000u64 + n as u64);
            let params = params(api, marker_param(api), &marker);
            let t0 = Instant::now();
            let options = CallOptions::new();
            let call = client.execute(&api.api, params, &options);
            let (result, hung) = match tokio::time::timeout(deadline + Duration::from_secs(1), call)
                .await
            {
                // Decoded as a typed call would: a truncated or non-JSON 200 is an error.
                Ok(r) => (
                    r.and_then(|raw| check_and_decode::<serde_json::Value>(raw.status, &raw.body))
                        .map(|_| ()),
                    false,
                ),
                Err(_) => (Err(Error::Timeout(deadline)), true),
            };
            Outcome {
                api,
                marker,
                refused: is_refused,
                result,
                elapsed: t0.elapsed(),
                hung,
            }
        });
    }
    let mut outcomes = Vec::with_capacity(calls);
    while let Some(done) = tasks.join_next().await {
        outcomes.push(done.map_err(|e| format!("a call panicked: {e}"))?);
    }
    let wall = started.elapsed();
    judge(&gw, &outcomes, deadline, wall)
}

/// Reads the journal and prints the verdict; `Err` when a promise was broken.
fn judge(
    gw: &MockGateway,
    outcomes: &[Outcome],
    deadline: Duration,
    wall: Duration,
) -> Result<(), String> {
    let entries = gw.journal().entries();
    if entries.first().is_some_and(|e| e.seq != 0) {
        return Err("the journal overflowed; raise its capacity".into());
    }
    // Arrivals per marker: (possible executions, 200 answers, attempts).
    let mut seen: HashMap<String, (usize, usize, usize)> = HashMap::new();
    let mut faults = gw.faults().connections_dropped();
    for e in &entries {
        let Some(api) = e.api.as_deref() else {
            continue;
        };
        let marker_param = match api {
            ORDER_CREATE => "outOrderId",
            PHOTO_ADD => "name",
            _ => "productID",
        };
        let Some(marker) = e.param(marker_param) else {
            continue;
        };
        let fault = e.fault.as_deref();
        faults += u64::from(fault.is_some());
        let slot = seen.entry(marker.to_owned()).or_default();
        slot.2 += 1;
        // A documented throttling refusal did not run; any other arrival may have.
        if fault != Some("Throttle") {
            slot.0 += 1;
        }
        if e.status == Some(200) && fault.is_none() {
            slot.1 += 1;
        }
    }
    let (mut duplicated, mut lost, mut hung, mut over_policy, mut unclassified) = (0, 0, 0, 0, 0);
    let mut errors: HashMap<String, usize> = HashMap::new();
    for o in outcomes {
        let (executions, answered, attempts) = seen.get(&o.marker).copied().unwrap_or_default();
        if o.refused {
            faults += 1;
        }
        if !o.api.api.idempotent && executions > 1 {
            duplicated += 1;
        }
        if o.result.is_ok() && answered == 0 {
            lost += 1;
            if std::env::var_os("SOAK_DEBUG").is_some() {
                let arrivals: Vec<_> = entries
                    .iter()
                    .filter(|e| e.params.iter().any(|(_, v)| *v == o.marker))
                    .map(|e| (e.status, e.fault.clone(), e.error_code.clone()))
                    .collect();
                eprintln!("lost {} {}: {arrivals:?}", o.api.api, o.marker);
            }
        }
        if o.hung || o.elapsed > deadline + Duration::from_millis(500) {
            hung += 1;
        }
        if attempts > POLICY.max_attempts as usize {
            over_policy += 1;
        }
        if let Err(e) = &o.result {
            let kind = match e {
                Error::Gateway { code, .. } => code.clone(),
                Error::Transport { connect: true, .. } => "transport (not connected)".into(),
                Error::Transport { .. } => "transport (connection lost)".into(),
                Error::Timeout(_) => "timeout".into(),
                Error::Decode { .. } => "decode".into(),
                other => {
                    unclassified += 1;
                    format!("UNEXPECTED {other}")
                }
            };
            *errors.entry(kind).or_default() += 1;
        }
    }
    let ok = outcomes.iter().filter(|o| o.result.is_ok()).count();
    let mut errors: Vec<_> = errors.into_iter().collect();
    errors.sort();
    eprintln!(
        "{ok} succeeded, {} failed with classified errors in {:.1} s; {} requests reached the gateway",
        outcomes.len() - ok,
        wall.as_secs_f64(),
        entries.len()
    );
    for (kind, n) in &errors {
        eprintln!("  {n:>6}  {kind}");
    }
    if over_policy > 0 || unclassified > 0 {
        eprintln!("{over_policy} calls exceeded the retry policy; {unclassified} ended in an unexpected error");
    }
    println!(
        "soak: {} calls, {faults} faults injected, {duplicated} duplicated writes, {lost} lost, {hung} hung",
        outcomes.len()
    );
    if duplicated + lost + hung + over_policy + unclassified > 0 {
        return Err("soak failed: a promise was broken (see above)".into());
    }
    Ok(())
}
