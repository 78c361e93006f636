//! The WebSocket message channel client against the mock gateway's `/websocket`, over loopback.

use open1688::channel::Channel;
use open1688::{Credentials, Error, PushMessage};
use open1688_mock::{ConnectAck, MockGateway, PushSigning};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{oneshot, Notify};
use tokio::task::JoinHandle;

const KEY: &str = "CHANNEL_KEY";
const SECRET: &str = "channel-secret-never-shown";

async fn gateway() -> MockGateway {
    MockGateway::builder()
        .app(KEY, SECRET)
        .start()
        .await
        .unwrap()
}

fn channel(gw: &MockGateway) -> open1688::channel::ChannelBuilder {
    Channel::builder(Credentials::new(KEY, SECRET))
        .url(gw.channel_url())
        .backoff(Duration::from_millis(5), Duration::from_millis(50))
}

fn message(id: i64) -> String {
    format!(
        r#"{{"msgId":{id},"gmtBorn":1700000000000,"type":"ORDER_BUYER_VIEW_ORDER_PAY","userInfo":"b2b-1","data":{{"orderId":{},"currentStatus":"waitsellersend"}}}}"#,
        3_000_000_000_000_000_000i64 + id
    )
}

/// How often the app's handler saw each message.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<HashMap<i64, u32>>>);

impl Seen {
    fn record(&self, m: &PushMessage) -> u32 {
        let mut seen = self.0.lock().unwrap();
        let n = seen.entry(m.msg_id).or_default();
        *n += 1;
        *n
    }
    fn get(&self, id: i64) -> u32 {
        self.0.lock().unwrap().get(&id).copied().unwrap_or(0)
    }
    fn all(&self) -> HashMap<i64, u32> {
        self.0.lock().unwrap().clone()
    }
}

/// Runs `channel` until the returned sender fires.
fn run<H, Fut>(channel: Channel, handler: H) -> (oneshot::Sender<()>, JoinHandle<Result<(), Error>>)
where
    H: Fn(PushMessage) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), String>> + Send + 'static,
{
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        channel
            .run(handler, async {
                let _ = stopped.await;
            })
            .await
    });
    (stop, task)
}

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_messages_across_five_disconnects_are_each_handled_once_and_confirmed() {
    let gw = gateway().await;
    let seen = Seen::default();
    let handler_seen = seen.clone();
    let (stop, task) = run(channel(&gw).queue(16).build().unwrap(), move |m| {
        let seen = handler_seen.clone();
        async move {
            seen.record(&m);
            tokio::task::yield_now().await;
            Ok(())
        }
    });
    let ch = gw.channel();
    for batch in 0..5i64 {
        assert!(ch.wait_until(WAIT, |c| c.live() == 1).await, "reconnected");
        for i in 0..200 {
            ch.push(&message(batch * 200 + i + 1));
        }
        // Drop mid-stream: some messages handled, some queued, some not yet sent.
        let target = (batch as usize) * 200 + 50;
        assert!(
            ch.wait_until(WAIT, |c| c.confirms().iter().filter(|c| c.first).count()
                >= target)
                .await
        );
        assert_eq!(ch.drop_connections(), 1, "batch {batch}");
    }
    assert!(
        ch.wait_until(WAIT, |c| c.unconfirmed() == 0).await,
        "{} unconfirmed",
        ch.unconfirmed()
    );

    let seen = seen.all();
    assert_eq!(seen.len(), 1000);
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "handled more than once: {twice:?}");
    let confirms = ch.confirms();
    let mut first: Vec<i64> = confirms
        .iter()
        .filter(|c| c.first)
        .filter_map(|c| c.msg_id)
        .collect();
    first.sort_unstable();
    assert_eq!(first, (1..=1000).collect::<Vec<_>>());
    // The last drop's reconnect may still be under way when nothing was left unconfirmed.
    ch.wait_until(WAIT, |c| c.connects() >= 6).await;
    assert!(ch.connects() >= 6, "{} connects", ch.connects());
    let deliveries = ch.deliveries().len();
    assert!(
        deliveries > 1000,
        "unconfirmed messages were redelivered on reconnect"
    );
    eprintln!(
        "{deliveries} deliveries, {} confirms ({} repeated, of messages handled before) over {} connections",
        confirms.len(),
        confirms.iter().filter(|c| !c.first).count(),
        ch.connects()
    );
    assert!(ch.refused().is_empty(), "{:?}", ch.refused());
    assert!(confirms
        .iter()
        .all(|c| c.related_msg_time.is_some() && c.cost_in_isv.is_some()));
    let _ = stop.send(());
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_failing_handler_is_redelivered_and_never_confirmed_while_it_fails() {
    let gw = gateway().await;
    let ch = gw.channel();
    ch.set_redeliver_after(Some(Duration::from_millis(100)));
    let seen = Seen::default();
    let handler_seen = seen.clone();
    let (stop, task) = run(channel(&gw).build().unwrap(), move |m| {
        let n = handler_seen.record(&m);
        async move {
            match m.msg_id {
                7 if n == 1 => Err("database unavailable".to_owned()),
                9 => Err("always fails".to_owned()),
                _ => Ok(()),
            }
        }
    });
    for id in [7, 8, 9] {
        ch.push(&message(id));
    }
    assert!(
        ch.wait_until(WAIT, |c| c.unconfirmed() == 1 && seen.get(9) >= 3)
            .await
    );
    assert_eq!((seen.get(7), seen.get(8)), (2, 1));
    let confirmed = |id| {
        ch.confirms()
            .iter()
            .filter(|c| c.msg_id == Some(id))
            .count()
    };
    assert_eq!((confirmed(7), confirmed(8), confirmed(9)), (1, 1, 0));
    let deliveries_of_7 = ch
        .deliveries()
        .iter()
        .filter(|(_, m)| *m == Some(7))
        .count();
    assert!(
        deliveries_of_7 >= 2,
        "7 was redelivered after its handler failed"
    );
    let _ = stop.send(());
    task.await.unwrap().unwrap();
    assert_eq!(ch.unconfirmed(), 1, "9 stays unconfirmed after shutdown");
}

#[tokio::test(start_paused = true)]
async fn heartbeats_go_out_every_30_seconds() {
    let gw = gateway().await;
    let ch = gw.channel();
    let channel = channel(&gw)
        // Generous so the paused clock's jumps cannot expire them while loopback I/O is in flight.
        .connect_timeout(Duration::from_secs(3600))
        .idle_timeout(Duration::from_secs(7200))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let (stop, task) = run(channel, |_| async { Ok(()) });
    tokio::time::sleep(Duration::from_secs(125)).await;
    let beats = ch.heartbeats();
    assert_eq!(beats.len(), 4, "{beats:?}");
    let first = beats[0] - started;
    assert!(
        first >= Duration::from_secs(30) && first < Duration::from_millis(30_100),
        "{first:?}"
    );
    for pair in beats.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= Duration::from_millis(29_900) && gap <= Duration::from_millis(30_100),
            "{gap:?}"
        );
    }
    assert!(
        ch.refused().is_empty(),
        "every heartbeat is signed: {:?}",
        ch.refused()
    );
    let _ = stop.send(());
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn shutdown_confirms_the_message_being_handled_and_nothing_queued() {
    let gw = gateway().await;
    let ch = gw.channel();
    let seen = Seen::default();
    let handler_seen = seen.clone();
    let started = Arc::new(Notify::new());
    let handler_started = started.clone();
    let (stop, task) = run(channel(&gw).build().unwrap(), move |m| {
        handler_seen.record(&m);
        let started = handler_started.clone();
        async move {
            started.notify_one();
            tokio::time::sleep(Duration::from_millis(300)).await;
            Ok(())
        }
    });
    for id in 1..=3 {
        ch.push(&message(id));
    }
    started.notified().await;
    let _ = stop.send(());
    task.await.unwrap().unwrap();
    // The gateway reads frames in order: once the connection is gone, the CONFIRM was read.
    assert!(ch.wait_until(WAIT, |c| c.live() == 0).await, "closed");
    assert_eq!(seen.all(), HashMap::from([(1, 1)]));
    let confirmed: Vec<_> = ch.confirms().iter().map(|c| c.msg_id).collect();
    assert_eq!(confirmed, [Some(1)]);
    assert_eq!(ch.unconfirmed(), 2);
}

#[tokio::test]
async fn a_missing_connect_ack_is_retried_and_a_late_one_accepted() {
    let gw = gateway().await;
    let ch = gw.channel();
    ch.set_connect_ack(ConnectAck::Omit);
    let seen = Seen::default();
    let handler_seen = seen.clone();
    let channel = channel(&gw)
        .connect_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let (stop, task) = run(channel, move |m| {
        handler_seen.record(&m);
        async { Ok(()) }
    });
    ch.push(&message(1));
    assert!(ch.wait_until(WAIT, |c| c.connects() >= 2).await, "retried");
    assert_eq!(seen.get(1), 0);
    ch.set_connect_ack(ConnectAck::Delay(Duration::from_millis(100)));
    assert!(ch.wait_until(WAIT, |c| c.unconfirmed() == 0).await);
    assert_eq!(seen.get(1), 1);
    let _ = stop.send(());
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn wrong_credentials_end_run_with_the_servers_reason() {
    let gw = gateway().await;
    let channel = Channel::builder(Credentials::new(KEY, "wrong-secret-value"))
        .url(gw.channel_url())
        .build()
        .unwrap();
    let err = channel
        .run(|_| async { Ok::<(), String>(()) }, std::future::pending())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("refused") && text.contains("sign does not match"),
        "{text}"
    );
    assert!(
        !text.contains("wrong-secret-value") && !text.contains(SECRET),
        "{text}"
    );
    assert_eq!(gw.channel().refused(), ["Connect: sign does not match"]);
}

#[tokio::test]
async fn a_push_with_a_wrong_signature_is_neither_handled_nor_confirmed() {
    let gw = gateway().await;
    let ch = gw.channel();
    let seen = Seen::default();
    let handler_seen = seen.clone();
    let (stop, task) = run(channel(&gw).build().unwrap(), move |m| {
        handler_seen.record(&m);
        async { Ok(()) }
    });
    ch.push_signed(&message(1), PushSigning::WrongSecret);
    ch.push(&message(2));
    assert!(ch.wait_until(WAIT, |c| c.confirms().len() == 1).await);
    assert_eq!((seen.get(1), seen.get(2)), (0, 1));
    assert_eq!(ch.unconfirmed(), 1);
    let _ = stop.send(());
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn an_oversized_frame_drops_the_connection_unhandled() {
    let gw = gateway().await;
    let ch = gw.channel();
    let seen = Seen::default();
    let handler_seen = seen.clone();
    let (stop, task) = run(channel(&gw).max_frame(4096).build().unwrap(), move |m| {
        handler_seen.record(&m);
        async { Ok(()) }
    });
    let big = format!(
        r#"{{"msgId":1,"type":"T","data":{{"pad":"{}"}}}}"#,
        "x".repeat(8192)
    );
    ch.push(&big);
    assert!(
        ch.wait_until(WAIT, |c| c.connects() >= 3).await,
        "dropped and reconnected"
    );
    assert_eq!(seen.get(1), 0);
    assert!(ch.confirms().is_empty());
    let _ = stop.send(());
    task.await.unwrap().unwrap();
}
