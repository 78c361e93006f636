//! A real Redis for the tests: `OPEN1688_TEST_REDIS_URL` (what `.ci/run` exports), or a
//! `redis-server` each test starts on a free loopback port and stops when done. No Redis is
//! a failure, never a skip.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The variable naming a Redis the tests may use.
pub const URL_VAR: &str = "OPEN1688_TEST_REDIS_URL";

/// A `redis-server` child process on a loopback port; killed on drop.
pub struct RedisServer {
    child: Option<Child>,
    pub port: u16,
}

impl RedisServer {
    /// Starts one on a free port.
    pub fn start() -> RedisServer {
        RedisServer::on(free_port())
    }

    /// Starts one on `port`, waiting until it accepts connections.
    pub fn on(port: u16) -> RedisServer {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start redis-server ({e}): the Redis tests need a real Redis. \
                     Install it (`apt-get install redis-server`) or set {URL_VAR}=redis://host:port"
                )
            });
        let server = RedisServer {
            child: Some(child),
            port,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not listen on 127.0.0.1:{port} within 10 s"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        server
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills it (as a crash would) and waits until it is gone.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Where the tests' Redis is: the URL from the environment (and `None`), or a server started
/// for this test (keep it alive as long as the URL is used).
pub fn redis() -> (String, Option<RedisServer>) {
    match std::env::var(URL_VAR) {
        Ok(url) if !url.is_empty() => {
            let client = redis::Client::open(url.as_str())
                .unwrap_or_else(|e| panic!("{URL_VAR}={url:?} is not a Redis URL: {e}"));
            let mut connection = client
                .get_connection_with_timeout(Duration::from_secs(2))
                .unwrap_or_else(|e| panic!("{URL_VAR}={url:?} is unreachable: {e}"));
            let pong: String = redis::cmd("PING").query(&mut connection).unwrap();
            assert_eq!(pong, "PONG");
            (url, None)
        }
        _ => {
            let server = RedisServer::start();
            (server.url(), Some(server))
        }
    }
}

/// A port nothing listens on (at the moment).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A name no other test (or earlier run) uses, for app keys on a shared Redis.
pub fn unique(what: &str) -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{what}-{}-{nanos}", std::process::id())
}

/// A plain connection, for a test to look at or tamper with what is stored.
pub fn raw(url: &str) -> redis::Connection {
    redis::Client::open(url)
        .unwrap()
        .get_connection_with_timeout(Duration::from_secs(2))
        .unwrap()
}
