//! One connection: open and sign, then read pushes into the queue, write heartbeats and
//! confirms, and close cleanly on shutdown.

use super::client::Channel;
use super::dispatch::Delivery;
use super::frame::{Frame, FrameType};
use crate::PushMessage;
use futures_util::{SinkExt, StreamExt};
use std::future::Future;
use std::pin::Pin;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{interval_at, sleep_until, Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub(crate) type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Why a connection could not be opened.
pub(crate) enum OpenError {
    /// The server answered CONNECT with CLOSE: credentials or app are wrong; do not retry.
    Refused(String),
    /// Anything else (unreachable, timed out, no CONNECT_ACK): retry after a backoff.
    Failed(String),
}

/// How a served connection ended.
pub(crate) enum Ended {
    /// The app asked to stop, and the channel stopped cleanly.
    Shutdown,
    /// The connection dropped; reconnect.
    Dropped(String),
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn signed(channel: &Channel, kind: FrameType) -> Frame {
    let c = &channel.credentials;
    Frame::signed(kind, c.app_secret.expose(), &c.app_key, None, now_ms())
}

/// Connects, sends CONNECT and waits for CONNECT_ACK, all within the connect timeout.
pub(crate) async fn open(channel: &Channel) -> Result<Ws, OpenError> {
    let timeout = channel.connect_timeout;
    match tokio::time::timeout(timeout, handshake(channel)).await {
        Ok(result) => result,
        Err(_) => Err(OpenError::Failed(format!(
            "no CONNECT_ACK within {timeout:?}"
        ))),
    }
}

async fn handshake(channel: &Channel) -> Result<Ws, OpenError> {
    let config = WebSocketConfig::default()
        .max_message_size(Some(channel.max_frame))
        .max_frame_size(Some(channel.max_frame));
    // The SDK's own TLS setup (crate::tls), not whatever provider the process has installed.
    let tls = crate::tls::rustls_config().map_err(|e| OpenError::Failed(e.to_string()))?;
    let (mut ws, _) = tokio_tungstenite::connect_async_tls_with_config(
        channel.url.as_str(),
        Some(config),
        true,
        Some(tokio_tungstenite::Connector::Rustls(std::sync::Arc::new(
            tls,
        ))),
    )
    .await
    .map_err(|e| OpenError::Failed(e.to_string()))?;
    send(&mut ws, &signed(channel, FrameType::Connect))
        .await
        .map_err(OpenError::Failed)?;
    loop {
        let frame = match ws.next().await {
            Some(Ok(Message::Text(text))) => match serde_json::from_str::<Frame>(&text) {
                Ok(frame) => frame,
                Err(e) => return Err(OpenError::Failed(format!("unreadable frame: {e}"))),
            },
            Some(Ok(Message::Close(close))) => {
                let reason = close.map(|c| c.reason.to_string()).unwrap_or_default();
                return Err(OpenError::Failed(format!(
                    "closed before CONNECT_ACK: {reason}"
                )));
            }
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(OpenError::Failed(e.to_string())),
            None => return Err(OpenError::Failed("closed before CONNECT_ACK".into())),
        };
        match frame.kind {
            FrameType::ConnectAck => return Ok(ws),
            FrameType::Close => {
                return Err(OpenError::Refused(
                    frame.content.unwrap_or_else(|| "no reason given".into()),
                ))
            }
            FrameType::System => {
                tracing::info!(
                    content = frame.content.as_deref().unwrap_or(""),
                    "channel notice"
                )
            }
            // A push before the ACK is not ours to handle yet: unconfirmed, it comes again.
            _ => {}
        }
    }
}

async fn send(ws: &mut Ws, frame: &Frame) -> Result<(), String> {
    ws.send(Message::text(frame.to_json()))
        .await
        .map_err(|e| format!("cannot send {:?}: {e}", frame.kind))
}

/// What woke the connection loop.
enum Event {
    Shutdown,
    Confirm(Option<Frame>),
    GraceOver,
    Heartbeat,
    /// The queue has room (`false`: it closed).
    Room(bool),
    Received(Option<Result<Message, tokio_tungstenite::tungstenite::Error>>),
    Idle,
}

/// What outlives a connection: the queue to the handler, the confirms coming back, and the
/// shutdown state.
pub(crate) struct Runner<'a> {
    channel: &'a Channel,
    queue: mpsc::Sender<Delivery>,
    outbox: mpsc::Receiver<Frame>,
    dispatcher: JoinHandle<()>,
    stop: watch::Sender<bool>,
    /// Set once stopping: until when the handler may still run.
    grace_until: Option<Instant>,
    /// A delivery read from the socket, waiting for room in the queue.
    pending: Option<Delivery>,
}

impl<'a> Runner<'a> {
    pub(crate) fn new(
        channel: &'a Channel,
        queue: mpsc::Sender<Delivery>,
        outbox: mpsc::Receiver<Frame>,
        dispatcher: JoinHandle<()>,
        stop: watch::Sender<bool>,
    ) -> Self {
        Runner {
            channel,
            queue,
            outbox,
            dispatcher,
            stop,
            grace_until: None,
            pending: None,
        }
    }

    pub(crate) fn stopping(&self) -> bool {
        self.grace_until.is_some()
    }

    /// Stops taking messages: the handler finishes the one it has, queued ones stay unconfirmed.
    pub(crate) fn begin_stop(&mut self) {
        if self.grace_until.is_none() {
            tracing::info!("channel shutting down");
            self.grace_until = Some(Instant::now() + self.channel.shutdown_grace);
            self.pending = None;
            let _ = self.stop.send(true);
        }
    }

    /// Waits (within the grace) for the handler to finish while no connection is open.
    pub(crate) async fn finish_offline(&mut self) {
        let deadline = self.grace_until.unwrap_or_else(Instant::now);
        // The dispatcher drops its confirm sender when it returns: `recv` then yields `None`.
        let finished = async { while self.outbox.recv().await.is_some() {} };
        if tokio::time::timeout_at(deadline, finished).await.is_err() {
            tracing::warn!(
                "the handler outlived the shutdown grace: its message stays unconfirmed"
            );
        }
        self.dispatcher.abort();
    }

    /// Serves an open connection until it drops or the app stops.
    pub(crate) async fn serve(
        &mut self,
        mut ws: Ws,
        mut shutdown: Pin<&mut impl Future<Output = ()>>,
    ) -> Ended {
        let channel = self.channel;
        let every = channel.heartbeat;
        let mut heartbeat = interval_at(Instant::now() + every, every);
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let idle = tokio::time::sleep(channel.idle_timeout);
        tokio::pin!(idle);
        tracing::info!(url = %channel.url, "channel connected");
        loop {
            let stopping = self.stopping();
            let grace = self.grace_until.unwrap_or_else(Instant::now);
            let waiting = self.pending.is_some();
            let event = tokio::select! {
                biased;
                _ = &mut shutdown, if !stopping => Event::Shutdown,
                confirm = self.outbox.recv() => Event::Confirm(confirm),
                _ = sleep_until(grace), if stopping => Event::GraceOver,
                _ = heartbeat.tick() => Event::Heartbeat,
                permit = self.queue.reserve(), if waiting => Event::Room(permit.is_ok()),
                received = ws.next(), if !waiting => Event::Received(received),
                _ = &mut idle, if !waiting => Event::Idle,
            };
            match event {
                Event::Shutdown => self.begin_stop(),
                Event::Confirm(Some(frame)) => {
                    if let Err(why) = send(&mut ws, &frame).await {
                        return Ended::Dropped(why);
                    }
                }
                // The dispatcher returned, which it does only after a stop.
                Event::Confirm(None) => return self.close(ws).await,
                Event::GraceOver => {
                    tracing::warn!(
                        "the handler outlived the shutdown grace: its message stays unconfirmed"
                    );
                    self.dispatcher.abort();
                    return self.close(ws).await;
                }
                Event::Heartbeat => {
                    let sent = send(&mut ws, &signed(channel, FrameType::Heartbeat)).await;
                    // A ping too: any server answers it, so the idle timer also works with
                    // servers that do not answer HEARTBEAT.
                    let pinged = ws.send(Message::Ping(Default::default())).await;
                    if let Err(why) = sent.and(pinged.map_err(|e| e.to_string())) {
                        return Ended::Dropped(why);
                    }
                }
                Event::Room(open) => {
                    match (open, self.pending.take()) {
                        // Room is free and only this task sends: this cannot wait.
                        (true, Some(delivery)) => {
                            if self.queue.send(delivery).await.is_err() {
                                return Ended::Dropped("the handler's queue closed".into());
                            }
                        }
                        _ => return Ended::Dropped("the handler's queue closed".into()),
                    }
                    idle.as_mut().reset(Instant::now() + channel.idle_timeout);
                }
                Event::Received(received) => {
                    idle.as_mut().reset(Instant::now() + channel.idle_timeout);
                    let text = match received {
                        Some(Ok(Message::Text(text))) => text,
                        Some(Ok(Message::Close(close))) => {
                            let reason = close.map(|c| c.reason.to_string()).unwrap_or_default();
                            return Ended::Dropped(format!(
                                "server closed the connection: {reason}"
                            ));
                        }
                        Some(Ok(_)) => continue, // ping, pong, binary
                        Some(Err(e)) => return Ended::Dropped(e.to_string()),
                        None => return Ended::Dropped("connection closed".into()),
                    };
                    if let Some(ended) = self.receive(&text, stopping) {
                        return ended;
                    }
                }
                Event::Idle => {
                    return Ended::Dropped(format!(
                        "nothing received for {:?}",
                        channel.idle_timeout
                    ));
                }
            }
        }
    }

    /// Acts on one text frame; `Some` when the connection should end.
    fn receive(&mut self, text: &str, stopping: bool) -> Option<Ended> {
        let frame = match serde_json::from_str::<Frame>(text) {
            Ok(frame) => frame,
            Err(e) => {
                tracing::warn!(error = %e, "unreadable channel frame ignored");
                return None;
            }
        };
        match frame.kind {
            FrameType::ServerPush if !stopping => self.pending = self.accept(frame),
            FrameType::Close => {
                let reason = frame.content.unwrap_or_default();
                return Some(Ended::Dropped(format!("server sent CLOSE: {reason}")));
            }
            FrameType::System => {
                tracing::info!(
                    content = frame.content.as_deref().unwrap_or(""),
                    "channel notice"
                )
            }
            _ => {}
        }
        None
    }

    /// Verifies and decodes a SERVER_PUSH; a bad one is dropped unconfirmed.
    fn accept(&self, frame: Frame) -> Option<Delivery> {
        let c = &self.channel.credentials;
        if !frame.verify(c.app_secret.expose(), &c.app_key) {
            tracing::warn!(id = ?frame.id, "SERVER_PUSH with a missing or wrong signature dropped");
            return None;
        }
        let content = frame.content.as_deref().unwrap_or_default();
        match serde_json::from_str::<PushMessage>(content) {
            Ok(message) => Some(Delivery { frame, message }),
            Err(e) => {
                tracing::warn!(id = ?frame.id, error = %e, "SERVER_PUSH content is not a message envelope: not confirmed");
                None
            }
        }
    }

    /// After the handler finished: sends the remaining confirms, then CLOSE.
    async fn close(&mut self, mut ws: Ws) -> Ended {
        while let Ok(frame) = self.outbox.try_recv() {
            if send(&mut ws, &frame).await.is_err() {
                return Ended::Shutdown;
            }
        }
        let _ = send(&mut ws, &signed(self.channel, FrameType::Close)).await;
        let _ = ws.close(None).await;
        tracing::info!("channel closed");
        Ended::Shutdown
    }
}
