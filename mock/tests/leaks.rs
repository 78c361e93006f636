//! Leak check: canary secrets through successful calls, refreshes, token exchange, gateway and
//! OAuth errors, with every tracing event and span field at TRACE captured. No canary may
//! appear in the captured logs, nor in any `Debug` or `Display` of what the calls returned.

mod common;

use common::*;
use open1688_core::{CallOptions, Client, Credentials, RefreshingTokens, TokenSet};
use open1688_mock::{Fault, MockGateway};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const CANARY_SECRET: &str = "CANARY-app-secret-7Qx";

/// Writes every field of every span and event, at every level, into one string.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<String>>);

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut out = self.0.lock().unwrap();
        let _ = write!(out, "\nspan {}", span.metadata().name());
        span.record(&mut Fields(&mut out));
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        values.record(&mut Fields(&mut self.0.lock().unwrap()));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut out = self.0.lock().unwrap();
        let _ = write!(out, "\nevent {}", event.metadata().target());
        event.record(&mut Fields(&mut out));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn no_canary_in_trace_logs_debug_display_or_errors() {
    let capture = Capture::default();
    let _guard = tracing::dispatcher::set_default(&tracing::Dispatch::new(capture.clone()));

    let gw = MockGateway::builder()
        .app(APP_KEY, CANARY_SECRET)
        .apis(catalogue())
        .start()
        .await
        .unwrap();
    let base = Client::builder(Credentials::new(APP_KEY, CANARY_SECRET))
        .base_url(gw.url())
        .auth_url(gw.url())
        .retry(fast_retry())
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let issued = gw.issue_tokens_with(APP_KEY, Duration::from_secs(3600));
    let access = issued.access_token.expose().to_owned();
    let refresh = issued.refresh_token.clone().unwrap().expose().to_owned();
    let provider = Arc::new(RefreshingTokens::new(
        base.oauth(),
        TokenSet {
            access_token: issued.access_token.clone(),
            refresh_token: issued.refresh_token.clone().unwrap(),
            expires_at: Instant::now(),
        },
    ));
    let client = base.with_token_provider(provider.clone());
    let mut seen = String::new();

    // A refresh, a success, a gateway error, a rejected refresh, an exchange.
    let ok = client
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &CallOptions::new())
        .await;
    let _ = write!(seen, "{ok:?}");
    let renewed = provider.tokens().await;
    gw.faults().fail_next(
        "*",
        1,
        Fault::Respond {
            status: 400,
            body: format!(
                r#"{{"error_code":"gw.ParamMissing","error_message":"echo access_token={} client_secret: {}"}}"#,
                renewed.access_token.expose(),
                CANARY_SECRET
            ),
        },
    );
    let err = client
        .call_raw_with(&PRODUCT_GET.api, PRODUCT_PARAMS, &CallOptions::new())
        .await
        .unwrap_err();
    let _ = write!(seen, "{err:?} {err}");
    let code = gw.issue_code("http://127.0.0.1:9/cb");
    let exchanged = base
        .oauth()
        .exchange_code(&code, "http://127.0.0.1:9/cb")
        .await;
    let _ = write!(seen, "{exchanged:?}");
    let bad = base
        .oauth()
        .exchange_code(&code, "http://127.0.0.1:9/cb")
        .await;
    let _ = write!(seen, "{bad:?} {}", bad.as_ref().unwrap_err());
    let _ = write!(
        seen,
        "{client:?} {provider:?} {renewed:?} {:?}",
        gw.journal().entries()
    );

    let logs = capture.0.lock().unwrap().clone();
    assert!(logs.contains("open1688.call"), "the capture works: {logs}");
    let mut canaries = vec![
        CANARY_SECRET.to_owned(),
        access,
        refresh,
        renewed.access_token.expose().to_owned(),
        renewed.refresh_token.expose().to_owned(),
    ];
    if let Ok(t) = &exchanged {
        canaries.push(t.access_token.expose().to_owned());
    }
    for canary in &canaries {
        assert!(
            !logs.contains(canary.as_str()),
            "{canary} in the TRACE logs:\n{logs}"
        );
        assert!(
            !seen.contains(canary.as_str()),
            "{canary} in Debug/Display:\n{seen}"
        );
    }
}
