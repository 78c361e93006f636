//! The message channel at `/websocket` (`docs/protocol.md#channel`), with the frame layout of
//! `open1688_core::channel::frame`.
//!
//! A client sends a signed CONNECT; the gateway checks it with its own signer and answers
//! CONNECT_ACK (or, as configured, late or never), or CLOSE naming what was wrong. It then
//! delivers every unconfirmed message, answers each signed HEARTBEAT with one of its own,
//! forgets a message when its signed CONFIRM arrives, and redelivers what stays unconfirmed:
//! on every new connection and, when set, after a timeout. Tests push messages, drop
//! connections and read what happened through [`ChannelControl`]
//! ([`MockGateway::channel`](crate::MockGateway::channel)).

use crate::signature::frame_signature;
use crate::state::Gateway;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use open1688_core::channel::{Frame, FrameType};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{mpsc, Notify};
use tokio::time::Instant;

/// The largest frame the gateway reads.
const MAX_FRAME: usize = 1 << 20;
/// How long a new connection may take to send CONNECT.
const CONNECT_WAIT: Duration = Duration::from_secs(10);

/// How the gateway answers a valid CONNECT.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConnectAck {
    /// CONNECT_ACK at once.
    #[default]
    Immediate,
    /// CONNECT_ACK after this long.
    Delay(Duration),
    /// Never: the connection stays open and silent.
    Omit,
}

/// How a pushed message is signed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PushSigning {
    /// With the default app's secret.
    #[default]
    Valid,
    /// With another secret: a client must drop it unconfirmed.
    WrongSecret,
}

/// A CONFIRM the gateway accepted.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelConfirm {
    /// The SERVER_PUSH `id` it confirmed (`relatedId`).
    pub id: String,
    /// The confirmed message's `msgId`, when its envelope had one.
    pub msg_id: Option<i64>,
    /// `relatedMsgTime` as sent.
    pub related_msg_time: Option<i64>,
    /// `costInIsv` as sent.
    pub cost_in_isv: Option<u64>,
    /// Whether the message was still unconfirmed (`false`: a repeated confirm).
    pub first: bool,
}

/// What the gateway holds for the channel.
#[derive(Default)]
pub(crate) struct Hub {
    state: Mutex<HubState>,
    changed: Notify,
    connection_ids: AtomicU64,
}

#[derive(Default)]
struct HubState {
    next_id: u64,
    /// Unconfirmed messages by SERVER_PUSH id.
    pending: BTreeMap<u64, Pending>,
    ack: ConnectAck,
    redeliver_after: Option<Duration>,
    live: Vec<(u64, mpsc::UnboundedSender<Command>)>,
    /// Connections left without a CONNECT_ACK ([`ConnectAck::Omit`]): only dropped.
    silent: Vec<(u64, mpsc::UnboundedSender<Command>)>,
    connects: u64,
    deliveries: Vec<(String, Option<i64>)>,
    confirms: Vec<ChannelConfirm>,
    heartbeats: Vec<Instant>,
    refused: Vec<String>,
}

struct Pending {
    content: String,
    msg_id: Option<i64>,
    pub_time: i64,
    signing: PushSigning,
    last_sent: Option<Instant>,
}

enum Command {
    Deliver(u64),
    Drop,
}

impl Hub {
    fn state(&self) -> MutexGuard<'_, HubState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn update<T>(&self, f: impl FnOnce(&mut HubState) -> T) -> T {
        let out = f(&mut self.state());
        self.changed.notify_waiters();
        out
    }
}

/// Controls and observes the channel of a running [`MockGateway`](crate::MockGateway).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
/// use open1688_mock::MockGateway;
/// let gateway = MockGateway::builder().start().await?;
/// let channel = gateway.channel();
/// channel.push(r#"{"msgId":1,"type":"ORDER_BUYER_VIEW_ORDER_PAY","data":{"orderId":1}}"#);
/// // ... a client connects to gateway.channel_url() and confirms ...
/// assert_eq!(channel.unconfirmed(), 1);
/// # Ok(()) }
/// ```
#[derive(Clone, Copy)]
pub struct ChannelControl<'a> {
    pub(crate) gw: &'a Arc<Gateway>,
}

impl std::fmt::Debug for ChannelControl<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelControl")
            .field("live", &self.live())
            .field("unconfirmed", &self.unconfirmed())
            .finish()
    }
}

impl ChannelControl<'_> {
    fn hub(&self) -> &Hub {
        &self.gw.channel
    }

    /// Pushes `message` (envelope JSON text) to the live connections, or to the next one;
    /// returns its SERVER_PUSH id.
    pub fn push(&self, message: &str) -> String {
        self.push_signed(message, PushSigning::Valid)
    }

    /// [`ChannelControl::push`], signed as `signing` says.
    pub fn push_signed(&self, message: &str, signing: PushSigning) -> String {
        let msg_id = serde_json::from_str::<serde_json::Value>(message)
            .ok()
            .and_then(|v| v.get("msgId").and_then(serde_json::Value::as_i64));
        self.hub().update(|s| {
            s.next_id += 1;
            let id = s.next_id;
            s.pending.insert(
                id,
                Pending {
                    content: message.to_owned(),
                    msg_id,
                    pub_time: chrono::Utc::now().timestamp_millis(),
                    signing,
                    last_sent: None,
                },
            );
            for (_, conn) in &s.live {
                let _ = conn.send(Command::Deliver(id));
            }
            id.to_string()
        })
    }

    /// Closes every open connection (acknowledged or not) at once, without a close handshake;
    /// returns how many.
    pub fn drop_connections(&self) -> usize {
        self.hub().update(|s| {
            for (_, conn) in s.live.iter().chain(&s.silent) {
                let _ = conn.send(Command::Drop);
            }
            s.live.len() + s.silent.len()
        })
    }

    /// How the next valid CONNECTs are answered.
    pub fn set_connect_ack(&self, ack: ConnectAck) {
        self.hub().update(|s| s.ack = ack);
    }

    /// Redeliver a message still unconfirmed this long after it was sent (`None`: only on a
    /// new connection, the default).
    pub fn set_redeliver_after(&self, after: Option<Duration>) {
        self.hub().update(|s| s.redeliver_after = after);
    }

    /// Acknowledged connections open now.
    pub fn live(&self) -> usize {
        self.hub().state().live.len()
    }

    /// Valid CONNECTs received so far.
    pub fn connects(&self) -> u64 {
        self.hub().state().connects
    }

    /// Messages pushed and not confirmed yet.
    pub fn unconfirmed(&self) -> usize {
        self.hub().state().pending.len()
    }

    /// Every SERVER_PUSH sent, as (id, msgId), redeliveries included, in order.
    pub fn deliveries(&self) -> Vec<(String, Option<i64>)> {
        self.hub().state().deliveries.clone()
    }

    /// Every valid CONFIRM received, in order.
    pub fn confirms(&self) -> Vec<ChannelConfirm> {
        self.hub().state().confirms.clone()
    }

    /// When each valid HEARTBEAT arrived (tokio's clock, so a paused clock shows its time).
    pub fn heartbeats(&self) -> Vec<Instant> {
        self.hub().state().heartbeats.clone()
    }

    /// Why frames were refused (bad signature, unknown app key, CONNECT missing), in order.
    pub fn refused(&self) -> Vec<String> {
        self.hub().state().refused.clone()
    }

    /// Waits until `done` holds for this channel, up to `timeout`; whether it did.
    pub async fn wait_until(&self, timeout: Duration, done: impl Fn(&Self) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let changed = self.hub().changed.notified();
            if done(self) {
                return true;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return done(self);
            }
        }
    }
}

/// `GET /websocket`: upgrades and serves one channel connection.
pub(crate) async fn websocket(
    State(gw): State<Arc<Gateway>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .max_message_size(MAX_FRAME)
        .max_frame_size(MAX_FRAME)
        .on_upgrade(move |socket| async move {
            let id = gw.channel.connection_ids.fetch_add(1, Ordering::Relaxed);
            Connection { gw, socket, id }.serve().await
        })
}

struct Connection {
    gw: Arc<Gateway>,
    socket: WebSocket,
    id: u64,
}

impl Connection {
    fn hub(&self) -> &Hub {
        &self.gw.channel
    }

    async fn send(&mut self, frame: &Frame) -> bool {
        self.socket
            .send(Message::Text(frame.to_json().into()))
            .await
            .is_ok()
    }

    /// The next text frame; `None` when the client closed or sent something unreadable.
    async fn next_frame(&mut self) -> Option<Frame> {
        loop {
            match self.socket.recv().await? {
                Ok(Message::Text(text)) => return self.parse(&text),
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => continue,
            }
        }
    }

    fn parse(&self, text: &str) -> Option<Frame> {
        match serde_json::from_str::<Frame>(text) {
            Ok(frame) => Some(frame),
            Err(e) => {
                self.refuse(format!("unreadable frame: {e}"));
                None
            }
        }
    }

    fn refuse(&self, why: String) {
        tracing::debug!(reason = %why, "channel frame refused");
        self.hub().update(|s| s.refused.push(why));
    }

    /// The checked signature of a client frame: `Err` names what is wrong.
    fn check(&self, frame: &Frame) -> Result<(), String> {
        let kind = frame.kind;
        let (Some(app_key), Some(time), Some(sign)) = (&frame.app_key, frame.pub_time, &frame.sign)
        else {
            return Err(format!("{kind:?}: appKey, pubTime and sign are required"));
        };
        let Some(secret) = self.gw.secret(app_key) else {
            return Err(format!("{kind:?}: unknown appKey {app_key}"));
        };
        let content = frame.signed_content().unwrap_or("");
        if frame_signature(secret.expose(), app_key, content, time) != sign.to_ascii_uppercase() {
            return Err(format!("{kind:?}: sign does not match"));
        }
        Ok(())
    }

    async fn close_with(&mut self, why: String) {
        self.refuse(why.clone());
        let frame = Frame {
            content: Some(why),
            ..Frame::new(FrameType::Close)
        };
        self.send(&frame).await;
    }

    async fn serve(mut self) {
        let connect = match tokio::time::timeout(CONNECT_WAIT, self.next_frame()).await {
            Ok(Some(frame)) => frame,
            _ => return,
        };
        if connect.kind != FrameType::Connect {
            return self
                .close_with(format!("expected CONNECT, got {:?}", connect.kind))
                .await;
        }
        if let Err(why) = self.check(&connect) {
            return self.close_with(why).await;
        }
        let (commands, mut inbox) = mpsc::unbounded_channel();
        let ack = self.hub().update(|s| {
            s.connects += 1;
            s.ack
        });
        match ack {
            ConnectAck::Immediate => {}
            ConnectAck::Delay(delay) => tokio::time::sleep(delay).await,
            ConnectAck::Omit => return self.stay_silent(commands, inbox).await,
        }
        if !self.send(&Frame::new(FrameType::ConnectAck)).await {
            return;
        }
        // Registering and listing what to redeliver under one lock: no push is missed or sent twice.
        let unconfirmed: Vec<u64> = self.hub().update(|s| {
            s.live.push((self.id, commands));
            s.pending.keys().copied().collect()
        });
        for id in unconfirmed {
            if !self.deliver(id).await {
                break;
            }
        }
        self.run(&mut inbox).await;
        self.hub()
            .update(|s| s.live.retain(|(id, _)| *id != self.id));
    }

    /// Answers nothing until the client gives up or the connection is dropped.
    async fn stay_silent(
        &mut self,
        commands: mpsc::UnboundedSender<Command>,
        mut inbox: mpsc::UnboundedReceiver<Command>,
    ) {
        self.hub().update(|s| s.silent.push((self.id, commands)));
        loop {
            tokio::select! {
                command = inbox.recv() => match command {
                    Some(Command::Deliver(_)) => {}
                    Some(Command::Drop) | None => break,
                },
                frame = self.next_frame() => if frame.is_none() { break },
            }
        }
        self.hub()
            .update(|s| s.silent.retain(|(id, _)| *id != self.id));
    }

    async fn run(&mut self, inbox: &mut mpsc::UnboundedReceiver<Command>) {
        let mut redeliver = tokio::time::interval(Duration::from_millis(50));
        loop {
            tokio::select! {
                command = inbox.recv() => match command {
                    Some(Command::Deliver(id)) => {
                        if !self.deliver(id).await {
                            return;
                        }
                    }
                    // Returning drops the socket: the TCP connection closes with no close frame.
                    Some(Command::Drop) | None => return,
                },
                frame = self.next_frame() => match frame {
                    Some(frame) => {
                        if !self.answer(frame).await {
                            return;
                        }
                    }
                    None => return,
                },
                _ = redeliver.tick() => {
                    for id in self.overdue() {
                        if !self.deliver(id).await {
                            return;
                        }
                    }
                }
            }
        }
    }

    /// Unconfirmed messages sent longer ago than the redelivery timeout.
    fn overdue(&self) -> Vec<u64> {
        let s = self.hub().state();
        let Some(after) = s.redeliver_after else {
            return Vec::new();
        };
        s.pending
            .iter()
            .filter(|(_, p)| p.last_sent.is_some_and(|t| t.elapsed() >= after))
            .map(|(id, _)| *id)
            .collect()
    }

    /// Sends SERVER_PUSH `id` if it is still unconfirmed; `false` when the connection failed.
    async fn deliver(&mut self, id: u64) -> bool {
        let (app_key, secret) = {
            let (key, secret) = self.gw.default_app();
            (key.to_owned(), secret.expose().to_owned())
        };
        let frame = self.hub().update(|s| {
            let pending = s.pending.get_mut(&id)?;
            pending.last_sent = Some(Instant::now());
            let key = match pending.signing {
                PushSigning::Valid => secret.clone(),
                PushSigning::WrongSecret => format!("{secret}-not"),
            };
            let frame = Frame {
                app_key: Some(app_key.clone()),
                pub_time: Some(pending.pub_time),
                sign: Some(frame_signature(
                    &key,
                    &app_key,
                    &pending.content,
                    pending.pub_time,
                )),
                id: Some(id.to_string()),
                content: Some(pending.content.clone()),
                msg_source: Some("mock".into()),
                ..Frame::new(FrameType::ServerPush)
            };
            s.deliveries.push((id.to_string(), pending.msg_id));
            Some(frame)
        });
        match frame {
            Some(frame) => self.send(&frame).await,
            None => true, // confirmed meanwhile
        }
    }

    /// Acts on a frame from the client; `false` when the connection should end.
    async fn answer(&mut self, frame: Frame) -> bool {
        match frame.kind {
            FrameType::Heartbeat => {
                if let Err(why) = self.check(&frame) {
                    self.refuse(why);
                    return true;
                }
                self.hub().update(|s| s.heartbeats.push(Instant::now()));
                let (key, secret) = self.gw.default_app();
                let now = chrono::Utc::now().timestamp_millis();
                let reply = Frame {
                    app_key: Some(key.to_owned()),
                    pub_time: Some(now),
                    sign: Some(frame_signature(secret.expose(), key, "", now)),
                    ..Frame::new(FrameType::Heartbeat)
                };
                self.send(&reply).await
            }
            FrameType::Confirm => {
                if let Err(why) = self.check(&frame) {
                    self.refuse(why);
                    return true;
                }
                let id = frame.related_id.clone().unwrap_or_default();
                self.hub().update(|s| {
                    let removed = id.parse().ok().and_then(|n: u64| s.pending.remove(&n));
                    let msg_id = match &removed {
                        Some(p) => p.msg_id,
                        None => s
                            .deliveries
                            .iter()
                            .find(|(d, _)| *d == id)
                            .and_then(|(_, m)| *m),
                    };
                    s.confirms.push(ChannelConfirm {
                        id: id.clone(),
                        msg_id,
                        related_msg_time: frame.related_msg_time,
                        cost_in_isv: frame.cost_in_isv,
                        first: removed.is_some(),
                    });
                });
                true
            }
            FrameType::Close => false,
            other => {
                self.refuse(format!("unexpected {other:?} from the client"));
                true
            }
        }
    }
}
