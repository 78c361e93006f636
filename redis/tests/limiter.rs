//! The shared limiter on a real Redis: many tasks and several processes keep to one budget,
//! per-API budgets, and the policy when Redis is unreachable, silent, or restarted mid-run.

mod common;

use common::*;
use open1688_core::{Error, Limits, Rate, RateLimiter};
use open1688_redis::{Redis, RedisLimiter, WhenDown};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const API: &str = "com.alibaba.product:alibaba.product.get-1";
const OTHER: &str = "com.alibaba.trade:alibaba.trade.cancel-1";

fn wall_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64
}

fn limiter(url: &str, app: &str, limits: Limits) -> RedisLimiter {
    RedisLimiter::new(Redis::new(url).unwrap(), app, limits).unwrap()
}

/// Checks that `times` (µs, any order) hold no more than `qps` calls in any second, allowing
/// `slack` for a caller waking late, and that they are not much slower than the budget.
fn assert_keeps_to(mut times: Vec<u64>, qps: usize, slack: Duration) {
    times.sort_unstable();
    let second = 1_000_000 - slack.as_micros() as u64;
    for (i, t) in times.iter().enumerate().skip(qps) {
        let gap = t - times[i - qps];
        assert!(
            gap >= second,
            "{} calls within {gap} µs (calls {} to {i})",
            qps + 1,
            i - qps
        );
    }
    let span = times.last().unwrap() - times[0];
    let ideal = (times.len() as u64 - 1) * 1_000_000 / qps as u64;
    assert!(
        span < ideal + 600_000,
        "{} calls took {span} µs, ideally {ideal}",
        times.len()
    );
}

#[tokio::test]
async fn many_tasks_on_several_connections_share_one_budget() {
    let (url, _server) = redis();
    let app = unique("tasks");
    let limits = Limits::per_app(Rate::per_second(50.0));
    let limiters: Vec<_> = (0..4)
        .map(|_| Arc::new(limiter(&url, &app, limits.clone())))
        .collect();
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let l = limiters[i % 4].clone();
            tokio::spawn(async move {
                l.acquire(API, Duration::from_secs(10)).await.unwrap();
                wall_micros()
            })
        })
        .collect();
    let mut times = Vec::new();
    for t in tasks {
        times.push(t.await.unwrap());
    }
    assert_keeps_to(times, 50, Duration::from_millis(50));
}

/// In a child process (see below): takes `FLEET_CALLS` slots and prints when it got each.
#[tokio::test]
async fn several_processes_share_one_budget() {
    if let Ok(calls) = std::env::var("FLEET_CHILD_CALLS") {
        let url = std::env::var("FLEET_CHILD_URL").unwrap();
        let app = std::env::var("FLEET_CHILD_APP").unwrap();
        let l = limiter(&url, &app, Limits::per_app(Rate::per_second(40.0)));
        for _ in 0..calls.parse::<usize>().unwrap() {
            l.acquire(API, Duration::from_secs(10)).await.unwrap();
            println!("slot {}", wall_micros());
        }
        return;
    }
    let (url, _server) = redis();
    let app = unique("processes");
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..3)
        .map(|_| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "several_processes_share_one_budget",
                    "--nocapture",
                ])
                .env("FLEET_CHILD_CALLS", "30")
                .env("FLEET_CHILD_URL", &url)
                .env("FLEET_CHILD_APP", &app)
                .output()
        })
        .collect();
    let mut times = Vec::new();
    for child in children {
        let out = child.expect("the test binary runs as a worker");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        times.extend(
            stdout
                .lines()
                .filter_map(|l| l.strip_prefix("slot "))
                .map(|t| t.parse::<u64>().unwrap()),
        );
    }
    assert_eq!(times.len(), 90);
    assert_keeps_to(times, 40, Duration::from_millis(50));
}

#[tokio::test]
async fn an_api_budget_holds_back_that_api_only() {
    let (url, _server) = redis();
    let limits = Limits::per_app(Rate::per_second(1000.0)).api(API, Rate::per_second(20.0));
    let l = limiter(&url, &unique("api"), limits);
    let start = Instant::now();
    for _ in 0..10 {
        l.acquire(API, Duration::from_secs(5)).await.unwrap();
    }
    assert!(
        start.elapsed() >= Duration::from_millis(440),
        "{:?}",
        start.elapsed()
    );
    let start = Instant::now();
    for _ in 0..10 {
        l.acquire(OTHER, Duration::from_secs(5)).await.unwrap();
    }
    assert!(
        start.elapsed() < Duration::from_millis(400),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn a_slot_beyond_the_timeout_is_refused_at_once_and_not_taken() {
    let (url, _server) = redis();
    let app = unique("far");
    let l = limiter(&url, &app, Limits::per_app(Rate::per_second(2.0)));
    l.acquire(API, Duration::ZERO).await.unwrap();
    let start = Instant::now();
    let err = l
        .acquire(API, Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err}");
    assert!(start.elapsed() < Duration::from_millis(100));
    // The refused call took nothing: the next slot is still 500 ms after the first.
    let start = Instant::now();
    l.acquire(API, Duration::from_secs(1)).await.unwrap();
    assert!(
        start.elapsed() < Duration::from_millis(520),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn unreachable_redis_fails_fast_or_falls_back_as_configured() {
    let url = format!("redis://127.0.0.1:{}", free_port());
    let limits = Limits::per_app(Rate::per_second(10.0));

    let failing = limiter(&url, "down", limits.clone())
        .when_down(WhenDown::Fail)
        .unwrap();
    let start = Instant::now();
    let err = failing
        .acquire(API, Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err}");
    assert!(err.to_string().contains("unavailable"), "{err}");
    assert!(failing.is_down());
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );

    let local = limiter(&url, "down", limits)
        .when_down(WhenDown::Local(Limits::per_app(Rate::per_second(10.0))))
        .unwrap();
    let start = Instant::now();
    for _ in 0..3 {
        local.acquire(API, Duration::from_secs(5)).await.unwrap();
    }
    // Kept to the local budget: 3 calls at 10/s.
    assert!(
        start.elapsed() >= Duration::from_millis(190),
        "{:?}",
        start.elapsed()
    );
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn a_silent_redis_costs_one_timeout_not_a_hang() {
    // Accepts connections (the kernel does) and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://{}", silent.local_addr().unwrap());
    let redis = Redis::new(&url)
        .unwrap()
        .timeout(Duration::from_millis(200));
    let l = RedisLimiter::new(redis, "silent", Limits::per_app(Rate::per_second(1000.0)))
        .unwrap()
        .when_down(WhenDown::Fail)
        .unwrap();
    let start = Instant::now();
    let err = l.acquire(API, Duration::from_secs(5)).await.unwrap_err();
    assert!(err.to_string().contains("200ms"), "{err}");
    assert!(
        start.elapsed() < Duration::from_millis(600),
        "{:?}",
        start.elapsed()
    );
    // Within `retry_after`, Redis is not asked again: no second timeout.
    let start = Instant::now();
    l.acquire(API, Duration::from_secs(5)).await.unwrap_err();
    assert!(
        start.elapsed() < Duration::from_millis(50),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn redis_restarted_mid_run_the_fleet_falls_back_then_returns() {
    // Always a server of its own, since the test kills it.
    let mut server = RedisServer::start();
    let port = server.port;
    let url = server.url();
    let app = unique("restart");
    let l = limiter(&url, &app, Limits::per_app(Rate::per_second(1000.0)))
        .retry_after(Duration::from_millis(100));
    let key = format!("open1688:{{{app}}}:rate:app");
    l.acquire(API, Duration::from_secs(1)).await.unwrap();
    assert!(redis::cmd("EXISTS")
        .arg(&key)
        .query::<bool>(&mut raw(&url))
        .unwrap());

    server.kill();
    let start = Instant::now();
    for _ in 0..20 {
        l.acquire(API, Duration::from_secs(1)).await.unwrap();
    }
    assert!(l.is_down());
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );

    let _server = RedisServer::on(port);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        l.acquire(API, Duration::from_secs(1)).await.unwrap();
        if !l.is_down() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the limiter never went back to Redis"
        );
    }
    assert!(redis::cmd("EXISTS")
        .arg(&key)
        .query::<bool>(&mut raw(&url))
        .unwrap());
}
