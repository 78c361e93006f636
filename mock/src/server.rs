//! The running gateway: its own accept loop, so an injected [`crate::Fault::Drop`] can close a
//! connection without answering (axum's `serve` always answers), and the handle tests hold.

use crate::answer::DropConnection;
use crate::channel::ChannelControl;
use crate::config::{ApiRef, MockGatewayBuilder, Reply};
use crate::faults::Faults;
use crate::journal::Journal;
use crate::push::{self, PushReceipt, PushSignature};
use crate::routes;
use crate::state::Gateway;
use crate::tokens::IssuedTokens;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};
use tower_service::Service;

/// A local 1688 gateway serving on loopback. Stops when dropped or on [`MockGateway::stop`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
/// use open1688_mock::{Fault, MockGateway};
/// let gateway = MockGateway::builder().start().await?;
/// gateway.faults().fail_next("com.alibaba.trade:alibaba.trade.cancel-1", 2, Fault::Status(503));
/// // ... point a client at gateway.url() ...
/// assert_eq!(gateway.journal().count("com.alibaba.trade:alibaba.trade.cancel"), 0);
/// # Ok(()) }
/// ```
pub struct MockGateway {
    gw: Arc<Gateway>,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for MockGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockGateway")
            .field("addr", &self.addr)
            .field("app_key", &self.app_key())
            .field("requests", &self.gw.journal.len())
            .finish_non_exhaustive()
    }
}

impl MockGateway {
    /// Starts configuring a gateway.
    pub fn builder() -> MockGatewayBuilder {
        MockGatewayBuilder::default()
    }

    pub(crate) async fn start(gw: Gateway, addr: SocketAddr) -> std::io::Result<MockGateway> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let gw = Arc::new(gw);
        let (shutdown, stopped) = oneshot::channel();
        let task = tokio::spawn(accept_loop(
            listener,
            routes::router(gw.clone()),
            gw.clone(),
            stopped,
        ));
        tracing::debug!(%addr, "mock 1688 gateway listening");
        Ok(MockGateway {
            gw,
            addr,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// The base URL to give a client, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The first configured app's key: the default app of the helpers below.
    pub fn app_key(&self) -> &str {
        self.gw.default_app().0
    }

    /// Every request received so far.
    pub fn journal(&self) -> &Journal {
        &self.gw.journal
    }

    /// The fault rules, changeable while it runs.
    pub fn faults(&self) -> &Faults {
        &self.gw.faults
    }

    /// Mints an access token and a refresh token for a new user of the default app, with the
    /// configured lifetimes, as if the user had authorized the app.
    pub fn issue_tokens(&self) -> IssuedTokens {
        self.issue_tokens_with(self.app_key(), self.gw.tokens.lifetimes.access)
    }

    /// Mints tokens for a new user of `app_key` whose access token lives `lifetime`.
    pub fn issue_tokens_with(&self, app_key: &str, lifetime: Duration) -> IssuedTokens {
        self.gw.tokens.issue(app_key, None, lifetime, true)
    }

    /// Accepts `token` as an access token of `app_key` for `lifetime` (a fixed token for the CLI).
    pub fn register_token(&self, app_key: &str, token: &str, lifetime: Duration) {
        self.gw.tokens.register(app_key, token, lifetime);
    }

    /// Expires an access or refresh token now; `false` if the gateway never issued it.
    pub fn expire_token(&self, token: &str) -> bool {
        self.gw.tokens.expire(token)
    }

    /// Revokes an access or refresh token; `false` if the gateway never issued it.
    pub fn revoke_token(&self, token: &str) -> bool {
        self.gw.tokens.revoke(token)
    }

    /// Issues an authorization code for the default app, as the authorize page would.
    pub fn issue_code(&self, redirect_uri: &str) -> String {
        self.gw.tokens.issue_code(self.app_key(), redirect_uri)
    }

    /// What successful calls of `api` answer from now on (replacing an earlier reply).
    pub fn set_reply(&self, api: impl ApiRef, reply: Reply) {
        self.gw.set_reply(api.api_id(), reply);
    }

    /// Goes back to the API's `example_response`.
    pub fn clear_reply(&self, api: impl ApiRef) {
        self.gw.clear_reply(&api.api_id());
    }

    /// Pushes `message` (JSON text) to `url` as 1688 does, signed with the default app's secret.
    pub async fn push(
        &self,
        url: &str,
        message: &str,
        signature: PushSignature,
    ) -> Result<PushReceipt, push::PushError> {
        push::send_push(url, self.gw.default_app().1.expose(), message, signature).await
    }

    /// The message channel's address, e.g. `ws://127.0.0.1:41234/websocket`.
    pub fn channel_url(&self) -> String {
        format!("ws://{}/websocket", self.addr)
    }

    /// Pushes messages over the message channel, drops its connections and shows what the
    /// clients sent.
    pub fn channel(&self) -> ChannelControl<'_> {
        ChannelControl { gw: &self.gw }
    }

    /// Stops serving: no new connections, open ones (channel ones included) are closed.
    pub async fn stop(mut self) {
        self.channel().drop_connections();
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockGateway {
    fn drop(&mut self) {
        // Upgraded channel connections run outside the accept loop: close them too.
        self.channel().drop_connections();
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// The most connections served at once; more are closed on arrival, so a flood of idle
/// connections cannot exhaust the process.
pub const MAX_CONNECTIONS: usize = 1024;

/// How long a client may take to send a request's headers (slowloris guard).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Accepts connections until told to stop; dropping the `JoinSet` then closes every connection.
async fn accept_loop(
    listener: TcpListener,
    router: axum::Router,
    gw: Arc<Gateway>,
    mut stopped: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) if connections.len() >= MAX_CONNECTIONS => {
                    tracing::warn!(limit = MAX_CONNECTIONS, "connection limit reached; closing a new connection");
                    drop(stream);
                }
                Ok((stream, _)) if gw.faults.drop_on_accept() => drop(stream),
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, router.clone()));
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(stream: tokio::net::TcpStream, router: axum::Router) {
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let mut router = router.clone();
        async move {
            let response = match router.call(request.map(axum::body::Body::new)).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            if response.extensions().get::<DropConnection>().is_some() {
                // A service error makes hyper close the connection without writing a response.
                return Err(std::io::Error::other(
                    "connection dropped on purpose (injected fault)",
                ));
            }
            Ok(response)
        }
    });
    if let Err(e) = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades()
        .await
    {
        tracing::trace!(error = %e, "connection closed");
    }
}
