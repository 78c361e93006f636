//! HTTPS is verified with the SDK's own TLS setup (rustls on *ring*, `core::tls`): a server
//! whose certificate no trusted root vouches for is refused during the handshake, before the
//! request, its access token and its signature are sent.

use open1688_core::{ApiInfo, CallOptions, Client, Credentials, Error, RetryPolicy};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

/// A TLS server on loopback with a self-signed certificate for `localhost` (test fixture);
/// counts the bytes of every request that gets through a handshake.
async fn self_signed_server() -> (u16, Arc<AtomicUsize>) {
    let cert = CertificateDer::from_pem_slice(include_bytes!("fixtures/self-signed.crt")).unwrap();
    let key = PrivateKeyDer::from_pem_slice(include_bytes!("fixtures/self-signed.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(AtomicUsize::new(0));
    let counter = received.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            if let Ok(mut tls) = acceptor.accept(tcp).await {
                let mut buffer = vec![0; 64 * 1024];
                let n = tls.read(&mut buffer).await.unwrap_or(0);
                counter.fetch_add(n, Ordering::SeqCst);
            }
        }
    });
    (port, received)
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused_before_anything_is_sent() {
    let (port, received) = self_signed_server().await;
    let client = Client::builder(Credentials::new("1000000", "tls-test-secret"))
        .base_url(format!("https://localhost:{port}"))
        .access_token("tls-test-token")
        .timeout(Duration::from_secs(10))
        .retry(RetryPolicy {
            max_attempts: 1,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(10),
        })
        .build()
        .unwrap();
    let api = ApiInfo::raw("com.alibaba.product", "alibaba.product.get", 1);
    let err = client
        .call_raw_with(&api, [("productID", "1")], &CallOptions::new())
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(
        message.contains("certificate") || message.contains("UnknownIssuer"),
        "the error names the certificate: {message}"
    );
    assert_eq!(
        received.load(Ordering::SeqCst),
        0,
        "no request reached the server"
    );
}
