//! Calls through the proxy the environment names (`HTTP_PROXY` here): its own test binary, since
//! the environment is the whole process's.

use open1688_core::{Client, Credentials};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

mod common;
use common::read_request;

#[tokio::test]
async fn calls_go_through_the_proxy_the_environment_names() {
    let proxy = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    for name in [
        "NO_PROXY",
        "no_proxy",
        "ALL_PROXY",
        "all_proxy",
        "http_proxy",
    ] {
        std::env::remove_var(name);
    }
    std::env::set_var("HTTP_PROXY", &proxy_url);
    // The proxy answers itself, as the gateway would, and hands back the request it received.
    let received = tokio::spawn(async move {
        let (mut stream, _) = proxy.accept().await.unwrap();
        let request = read_request(&mut stream).await;
        let body = r#"{"result":{"success":true}}"#;
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(answer.as_bytes()).await.unwrap();
        request
    });
    // A host no resolver knows: only a proxy can carry the call.
    let client = Client::builder(Credentials::new("1000000", "proxy-test-secret"))
        .base_url("http://gateway.invalid")
        .allow_insecure_http(true)
        .build()
        .unwrap();
    let answer = client
        .call_raw("system", "currentTime", 1, [("a", "1")])
        .await
        .unwrap();
    assert_eq!(answer["result"]["success"], true);
    let request = received.await.unwrap();
    assert!(
        request.starts_with(
            "POST http://gateway.invalid/openapi/param2/1/system/currentTime/1000000 HTTP/1.1\r\n"
        ),
        "{request}"
    );
    assert!(request.contains("_aop_signature="), "{request}");
}
