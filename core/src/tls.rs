//! TLS for every connection the SDK opens: rustls on *ring*, certificates checked against the
//! system's roots by the platform verifier (what reqwest does by default).
//!
//! reqwest's default rustls provider, aws-lc-rs, builds a C library whose build script took
//! 39 s of CPU, the longest step of a fresh build and the one everything TLS waited for; *ring*
//! builds in about 7 s (BENCHMARKS.md §5). The provider is passed to each client explicitly,
//! so nothing depends on a process-wide default being installed.

use crate::Error;
use std::sync::Arc;

fn tls_error(e: impl std::fmt::Display) -> Error {
    Error::InvalidInput {
        param: "TLS configuration".into(),
        message: e.to_string(),
    }
}

/// The rustls client configuration: *ring*, TLS 1.2 and 1.3, the platform's roots, no ALPN.
///
/// ```
/// let config = open1688_core::tls::rustls_config().unwrap();
/// assert!(config.alpn_protocols.is_empty());
/// ```
pub fn rustls_config() -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).map_err(tls_error)?;
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

/// A reqwest client builder on that configuration (offering HTTP/2 and HTTP/1.1), for code
/// beside the SDK that makes its own HTTP calls: the mock's pushes, tools, tests. The SDK's
/// own calls use the same configuration (hyper-util directly, or this builder through a
/// proxy: `transport.rs`).
///
/// ```
/// let http = open1688_core::tls::reqwest_builder().unwrap().build().unwrap();
/// # drop(http);
/// ```
pub fn reqwest_builder() -> Result<reqwest::ClientBuilder, Error> {
    let mut config = rustls_config()?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(reqwest::Client::builder().tls_backend_preconfigured(config))
}
