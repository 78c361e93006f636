//! A gateway that misbehaves on purpose, over loopback: endless bodies, redirects, slow answers,
//! throttling with `Retry-After`. The client must stay bounded and never re-send credentials.

use open1688_core::{ApiInfo, CallOptions, Client, Credentials, Error, RetryPolicy};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

mod common;
use common::read_request;

const SECRET: &str = "hostile-secret-never-sent-twice";

type Handler = Arc<dyn Fn(usize, TcpStream) -> tokio::task::JoinHandle<()> + Send + Sync>;

/// Serves every connection with `handler(request number, stream)`; counts requests.
async fn serve(handler: Handler) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let n = seen.fetch_add(1, Ordering::SeqCst);
            handler(n, stream);
        }
    });
    (url, count)
}

fn client(url: &str) -> open1688_core::ClientBuilder {
    Client::builder(Credentials::new("1000000", SECRET))
        .base_url(url)
        .access_token("hostile-token")
        .retry(RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(20),
        })
}

fn idempotent() -> ApiInfo<'static> {
    ApiInfo {
        idempotent: true,
        ..ApiInfo::raw("com.alibaba.product", "alibaba.product.get", 1)
    }
}

#[tokio::test]
async fn an_endless_body_stops_at_the_limit() {
    let (url, _) = serve(Arc::new(|_, mut stream| {
        tokio::spawn(async move {
            read_request(&mut stream).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "a".repeat(64 * 1024));
            // Endless: only the client hanging up stops it.
            while stream.write_all(chunk.as_bytes()).await.is_ok() {}
        })
    }))
    .await;
    let client = client(&url).max_response_bytes(1 << 20).build().unwrap();
    let started = Instant::now();
    let err = client
        .call_raw_with(&idempotent(), [("a", "1")], &CallOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit } if limit == 1 << 20),
        "{err:?}"
    );
    assert!(err.to_string().contains("1048576 bytes"), "{err}");
    assert!(!err.is_retryable(), "a huge answer is not a fault to retry");
    assert!(started.elapsed() < Duration::from_secs(20));
}

/// The transport keeps a one-chunk body as it came and joins a longer one: here the answer
/// arrives in pieces, with pauses, so hyper hands it over as several chunks.
#[tokio::test]
async fn a_body_in_many_chunks_is_read_whole() {
    let (url, _) = serve(Arc::new(|_, mut stream| {
        tokio::spawn(async move {
            read_request(&mut stream).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            let pieces = [r#"{"items":["#, r#""a","b","#, r#""c"],"#, r#""total":3}"#];
            let _ = stream.write_all(head.as_bytes()).await;
            for piece in pieces {
                let chunk = format!("{:x}\r\n{piece}\r\n", piece.len());
                let _ = stream.write_all(chunk.as_bytes()).await;
                let _ = stream.flush().await;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let _ = stream.write_all(b"0\r\n\r\n").await;
        })
    }))
    .await;
    let client = client(&url).build().unwrap();
    let body = client
        .call_raw_with(&idempotent(), [("a", "1")], &CallOptions::new())
        .await
        .unwrap();
    assert_eq!(
        body,
        serde_json::json!({"items": ["a", "b", "c"], "total": 3})
    );
}

/// The timeout bounds the whole exchange: an answer whose head arrives but whose body stalls
/// still ends at the timeout, not when the server lets go.
#[tokio::test]
async fn a_body_that_stalls_after_its_head_times_out() {
    let (url, count) = serve(Arc::new(|_, mut stream| {
        tokio::spawn(async move {
            read_request(&mut stream).await;
            let head =
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n";
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(br#"{"items":["#).await;
            let _ = stream.flush().await;
            tokio::time::sleep(Duration::from_secs(30)).await;
        })
    }))
    .await;
    let client = client(&url).build().unwrap();
    let timeout = Duration::from_millis(200);
    let started = Instant::now();
    let err = client
        .call_raw_with(
            &idempotent(),
            [("a", "1")],
            &CallOptions::new().timeout(timeout),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(t) if t == timeout), "{err:?}");
    // Three attempts of 200 ms and two short back-offs, not the server's 30 s.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_declared_huge_body_is_refused_before_reading() {
    let (url, _) = serve(Arc::new(|_, mut stream| {
        tokio::spawn(async move {
            read_request(&mut stream).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-length: 99999999999\r\n\r\n{";
            let _ = stream.write_all(head.as_bytes()).await;
            tokio::time::sleep(Duration::from_secs(30)).await;
        })
    }))
    .await;
    let client = client(&url).build().unwrap();
    let err = client
        .call_raw("system", "currentTime", 1, [("a", "1")])
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit } if limit == open1688_core::DEFAULT_MAX_RESPONSE_BYTES),
        "{err:?}"
    );
}

#[tokio::test]
async fn redirects_are_not_followed_and_nothing_is_re_posted() {
    for status in [301, 302, 303, 307, 308] {
        let (url, count) = serve(Arc::new(move |_, mut stream| {
            tokio::spawn(async move {
                read_request(&mut stream).await;
                let answer = format!("HTTP/1.1 {status} Moved\r\nlocation: http://evil.example:8080/steal\r\ncontent-length: 0\r\n\r\n");
                let _ = stream.write_all(answer.as_bytes()).await;
            })
        }))
        .await;
        let client = client(&url).build().unwrap();
        let err = client
            .call_raw_with(&idempotent(), [("a", "1")], &CallOptions::new())
            .await
            .unwrap_err();
        let text = err.to_string();
        assert_eq!(err.status(), Some(status), "{text}");
        assert!(
            text.contains(&format!("HTTP {status}")) && text.contains("http://evil.example"),
            "{text}"
        );
        assert!(
            !text.contains(SECRET) && !text.contains("hostile-token"),
            "{text}"
        );
        assert_eq!(
            count.load(Ordering::SeqCst),
            1,
            "HTTP {status}: one request, not retried"
        );
    }
}

#[tokio::test]
async fn plain_http_is_for_loopback_unless_opted_in() {
    for url in [
        "http://gw.open.1688.com",
        "http://10.0.0.1:8080",
        "http://127.0.0.1.evil.example",
    ] {
        let err = client(url).build().unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput { param, .. } if param == "base_url"),
            "{url}: {err:?}"
        );
        assert!(err.to_string().contains("allow_insecure_http"), "{err}");
        assert!(
            client(url).allow_insecure_http(true).build().is_ok(),
            "{url}"
        );
    }
    for url in [
        "http://127.0.0.1:1",
        "http://localhost:1",
        "http://[::1]:1",
        "https://gw.open.1688.com",
    ] {
        assert!(client(url).build().is_ok(), "{url}");
    }
    assert!(client("https://x.example/?a=1").build().is_err());
    assert!(Client::builder(Credentials::new("10/../1", "s"))
        .build()
        .is_err());
}

#[tokio::test]
async fn api_names_that_would_change_the_url_are_refused_before_sending() {
    let (url, count) = serve(Arc::new(|_, mut stream| {
        tokio::spawn(async move {
            read_request(&mut stream).await;
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
                .await;
        })
    }))
    .await;
    let client = client(&url).build().unwrap();
    for (namespace, name) in [
        ("system", "currentTime?x=1"),
        ("system", "currentTime#x"),
        ("system", "a/b"),
        ("..", "currentTime"),
        ("system", "current Time"),
        ("system", "currentTime\n"),
        ("sys%2F", "x"),
        ("", "x"),
    ] {
        let err = client
            .call_raw(namespace, name, 1, [("a", "1")])
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { .. }),
            "{namespace:?} {name:?}: {err:?}"
        );
    }
    assert_eq!(count.load(Ordering::SeqCst), 0, "nothing was sent");
    client
        .call_raw("system", "currentTime", 1, [("a", "1")])
        .await
        .unwrap();
}

#[tokio::test]
async fn retry_after_is_honoured_and_only_documented_throttling_retries_a_write() {
    let (url, count) = serve(Arc::new(|n, mut stream| {
        tokio::spawn(async move {
            read_request(&mut stream).await;
            let answer = if n == 0 {
                let body = r#"{"error_code":"gw.QosAppFrequencyLimit","error_message":"slow down"}"#;
                format!("HTTP/1.1 429 Too Many\r\nretry-after: 1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len())
            } else {
                "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}".to_owned()
            };
            let _ = stream.write_all(answer.as_bytes()).await;
        })
    }))
    .await;
    let client = client(&url).build().unwrap();
    let started = Instant::now();
    client
        .call_raw(
            "com.alibaba.trade",
            "alibaba.trade.fastCreateOrder",
            1,
            [("a", "1")],
        )
        .await
        .unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );

    // An undocumented gw.Qos* code does not say the call did not run: a write is not repeated.
    let (url, count) = serve(Arc::new(|_, mut stream| {
        tokio::spawn(async move {
            read_request(&mut stream).await;
            let body = r#"{"error_code":"gw.QosSomethingElse","error_message":"?"}"#;
            let answer = format!(
                "HTTP/1.1 503 Busy\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes()).await;
        })
    }))
    .await;
    let err = client_for(&url)
        .call_raw(
            "com.alibaba.trade",
            "alibaba.trade.fastCreateOrder",
            1,
            [("a", "1")],
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("gw.QosSomethingElse"));
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

fn client_for(url: &str) -> Client {
    client(url).build().unwrap()
}

#[tokio::test]
async fn the_deadline_bounds_all_attempts_together() {
    let (url, count) = serve(Arc::new(|_, mut stream| {
        tokio::spawn(async move {
            read_request(&mut stream).await;
            tokio::time::sleep(Duration::from_secs(60)).await; // never answers
        })
    }))
    .await;
    let client = client(&url)
        .timeout(Duration::from_secs(30))
        .deadline(Duration::from_millis(600))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .call_raw_with(&idempotent(), [("a", "1")], &CallOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    // Generous bound for a loaded machine; without a deadline this would take 90 s.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(count.load(Ordering::SeqCst) >= 1);
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_write() {
    // Bind, learn the port, close: connections to it are refused.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = client(&format!("http://127.0.0.1:{port}")).build().unwrap();
    let err = client
        .call_raw(
            "com.alibaba.trade",
            "alibaba.trade.fastCreateOrder",
            1,
            [("a", "1")],
        )
        .await
        .unwrap_err();
    assert!(err.was_not_sent(), "{err:?}");
}

#[tokio::test]
async fn the_request_head_is_what_the_gateway_expects() {
    let seen = Arc::new(std::sync::Mutex::new(String::new()));
    let keep = seen.clone();
    let (url, _) = serve(Arc::new(move |_, mut stream| {
        let keep = keep.clone();
        tokio::spawn(async move {
            *keep.lock().unwrap() = read_request(&mut stream).await;
            let body = r#"{"result":{"success":true}}"#;
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes()).await;
        })
    }))
    .await;
    let client = client(&url).build().unwrap();
    client
        .call_raw("system", "currentTime", 1, [("a", "1")])
        .await
        .unwrap();
    let request = seen.lock().unwrap().to_ascii_lowercase();
    let host = url.trim_start_matches("http://");
    for line in [
        "post /openapi/param2/1/system/currenttime/1000000 http/1.1\r\n",
        &format!("\r\nhost: {host}\r\n"),
        "\r\naccept: */*\r\n",
        concat!(
            "\r\nuser-agent: open1688-rust/",
            env!("CARGO_PKG_VERSION"),
            "\r\n"
        ),
        "\r\ncontent-type: application/x-www-form-urlencoded; charset=utf-8\r\n",
    ] {
        assert!(request.contains(line), "{line:?} not in {request}");
    }
    assert!(request.contains("access_token=hostile-token"), "{request}");
}
