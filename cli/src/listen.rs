//! `open1688 listen`: print the messages 1688 pushes over the WebSocket channel as they arrive,
//! and confirm them, for debugging an app's subscription.

use crate::config::Settings;
use crate::exit::{CliError, CliResult};
use crate::out;
use clap::Args;
use open1688::channel::{Channel, DEFAULT_CHANNEL_URL};
use open1688_core::{Credentials, PushMessage};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

/// Arguments of `open1688 listen`.
#[derive(Args, Debug)]
pub struct ListenArgs {
    /// The channel's address.
    #[arg(long, env = "OPEN1688_CHANNEL_URL", default_value = DEFAULT_CHANNEL_URL, value_name = "URL")]
    pub url: String,
    /// Print each message as one JSON line (the envelope) instead of a summary line.
    #[arg(long)]
    pub raw: bool,
    /// Stop after this many messages (default: run until Ctrl-C).
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
}

/// One summary line: id, topic, user, and the order fields when the message has them.
pub fn summary(m: &PushMessage) -> String {
    let mut line = format!("{} {}", m.msg_id, m.topic);
    if let Some(user) = &m.user_info {
        line.push_str(&format!(" user={user}"));
    }
    let order_fields = ["orderId", "currentStatus", "msgSendTime"];
    let mut shown = false;
    for key in order_fields {
        match m.data.get(key) {
            Some(Value::String(s)) => line.push_str(&format!(" {key}={s}")),
            Some(v) if !v.is_null() => line.push_str(&format!(" {key}={v}")),
            _ => continue,
        }
        shown = true;
    }
    if !shown && !m.data.is_null() {
        let data = m.data.to_string();
        let cut: String = data.chars().take(160).collect();
        let more = if cut.len() < data.len() { "…" } else { "" };
        line.push_str(&format!(" data={cut}{more}"));
    }
    line
}

/// The envelope as a JSON line, with the wire's field names.
pub fn raw_line(m: &PushMessage) -> String {
    let mut envelope = json!({ "msgId": m.msg_id, "type": m.topic, "data": m.data });
    let optional = [
        ("gmtBorn", m.gmt_born.map(Value::from)),
        ("userInfo", m.user_info.clone().map(Value::from)),
        ("bizKey", m.biz_key.clone().map(Value::from)),
        ("extraInfo", m.extra_info.clone()),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            envelope[key] = value;
        }
    }
    envelope.to_string()
}

/// Runs `open1688 listen` until Ctrl-C (or `--count` messages).
pub async fn run(args: ListenArgs, settings: &Settings) -> CliResult {
    let credentials = Credentials::new(settings.app_key()?, settings.app_secret()?.clone());
    let channel = Channel::builder(credentials)
        .url(&args.url)
        .build()
        .map_err(|e| CliError::from(e).hint("--url takes ws://host/websocket or wss://…"))?;
    eprintln!(
        "listening on {} (Ctrl-C to stop); each message is confirmed once printed",
        args.url
    );
    let printed = Arc::new(AtomicU64::new(0));
    let enough = Arc::new(Notify::new());
    let (raw, limit) = (args.raw, args.count);
    let handler = {
        let (printed, enough) = (printed.clone(), enough.clone());
        move |message: PushMessage| {
            let line = if raw {
                raw_line(&message)
            } else {
                summary(&message)
            };
            // A failed print is a failed handler: the message stays unconfirmed.
            let result = out::line(line).map_err(|e| e.message);
            if result.is_ok() && limit == Some(printed.fetch_add(1, Ordering::SeqCst) + 1) {
                enough.notify_one();
            }
            async move { result }
        }
    };
    let shutdown = async move {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = enough.notified() => {}
        }
    };
    channel.run(handler, shutdown).await?;
    eprintln!("{} messages", printed.load(Ordering::SeqCst));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(json: &str) -> PushMessage {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn summaries_show_the_order_fields_or_the_data() {
        let order = message(
            r#"{"msgId":"12","type":"ORDER_BUYER_VIEW_ORDER_PAY","userInfo":"b2b-1","data":{"orderId":3000000000000000001,"currentStatus":"waitsellersend","other":1}}"#,
        );
        assert_eq!(
            summary(&order),
            "12 ORDER_BUYER_VIEW_ORDER_PAY user=b2b-1 orderId=3000000000000000001 currentStatus=waitsellersend"
        );
        let other = message(&format!(
            r#"{{"msgId":1,"type":"T","data":{{"k":"{}"}}}}"#,
            "x".repeat(300)
        ));
        let line = summary(&other);
        assert!(
            line.starts_with(r#"1 T data={"k":"xxx"#) && line.ends_with('…'),
            "{line}"
        );
    }

    #[test]
    fn raw_lines_keep_the_wire_names() {
        let m = message(r#"{"msgId":5,"type":"T","gmtBorn":1700000000000,"data":{"a":1}}"#);
        let back: Value = serde_json::from_str(&raw_line(&m)).unwrap();
        assert_eq!(
            back,
            json!({"msgId":5,"type":"T","gmtBorn":1700000000000i64,"data":{"a":1}})
        );
    }
}
