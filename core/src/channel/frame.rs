//! The channel's JSON frames: every field name and which fields each frame type carries.
//!
//! `docs/protocol.md#channel` names the frame types and the fields of CONNECT, HEARTBEAT and
//! CONFIRM; where it is silent (the SERVER_PUSH layout, what CONFIRM signs, how the server
//! refuses a connection) this module makes the choices recorded in `docs/channel.md`. The mock gateway
//! builds its frames with this same type, so correcting a choice here corrects both sides.

use super::sign::sign;
use serde::{Deserialize, Serialize};

/// A frame's `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FrameType {
    /// Client → server: opens a session (signed, no content).
    Connect,
    /// Server → client: the session is open.
    ConnectAck,
    /// Both ways: keep-alive (signed, no content); the client sends one every 30 s.
    Heartbeat,
    /// Server → client: a message (`content` is the envelope JSON, signed over it).
    ServerPush,
    /// Client → server: a pushed message was handled (signed over `relatedId`).
    Confirm,
    /// Server → client: a notice (`content`), logged.
    System,
    /// Either way: the session ends (`content` may say why).
    Close,
    /// A type this client does not know: ignored.
    #[serde(other)]
    Unknown,
}

/// One frame. Absent fields are left out of the JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Frame {
    /// The frame type.
    #[serde(rename = "type")]
    pub kind: FrameType,
    /// The app key (signed frames).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_key: Option<String>,
    /// When the frame was made, epoch milliseconds (signed frames).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pub_time: Option<i64>,
    /// Uppercase hex MD5(secret + appKey + \[content\] + pubTime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign: Option<String>,
    /// SERVER_PUSH: the delivery's id, echoed as CONFIRM's `relatedId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// SERVER_PUSH: the message envelope as JSON text; SYSTEM and CLOSE: a reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// SERVER_PUSH (optional) and CONFIRM: where the message came from, echoed back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_source: Option<String>,
    /// CONFIRM: the `id` of the SERVER_PUSH it confirms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_id: Option<String>,
    /// CONFIRM: the `pubTime` of the SERVER_PUSH it confirms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_msg_time: Option<i64>,
    /// CONFIRM: how long the app took to handle the message, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_in_isv: Option<u64>,
}

impl Frame {
    /// A frame of `kind` with no field set.
    pub fn new(kind: FrameType) -> Self {
        Frame {
            kind,
            app_key: None,
            pub_time: None,
            sign: None,
            id: None,
            content: None,
            msg_source: None,
            related_id: None,
            related_msg_time: None,
            cost_in_isv: None,
        }
    }

    /// A frame of `kind` signed over `content` (and carrying it, except for CONFIRM, which
    /// signs its `relatedId`).
    pub fn signed(
        kind: FrameType,
        secret: &str,
        app_key: &str,
        content: Option<&str>,
        pub_time: i64,
    ) -> Self {
        Frame {
            app_key: Some(app_key.to_owned()),
            pub_time: Some(pub_time),
            sign: Some(sign(secret, app_key, content, pub_time)),
            content: content
                .filter(|_| kind != FrameType::Confirm)
                .map(str::to_owned),
            ..Frame::new(kind)
        }
    }

    /// The CONFIRM of `push`, which the app handled in `cost_ms`.
    pub fn confirm(secret: &str, app_key: &str, push: &Frame, cost_ms: u64, now: i64) -> Self {
        let related = push.id.clone().unwrap_or_default();
        Frame {
            related_id: Some(related.clone()),
            related_msg_time: push.pub_time,
            cost_in_isv: Some(cost_ms),
            msg_source: push.msg_source.clone(),
            ..Frame::signed(FrameType::Confirm, secret, app_key, Some(&related), now)
        }
    }

    /// What this frame's signature covers after the app key: `content`, or CONFIRM's `relatedId`.
    pub fn signed_content(&self) -> Option<&str> {
        match self.kind {
            FrameType::Confirm => self.related_id.as_deref(),
            _ => self.content.as_deref(),
        }
    }

    /// Whether the frame carries a valid signature of `secret` for `app_key`.
    pub fn verify(&self, secret: &str, app_key: &str) -> bool {
        match (&self.sign, self.pub_time) {
            (Some(sig), Some(time)) => {
                self.app_key.as_deref() == Some(app_key)
                    && super::sign::verify(secret, app_key, self.signed_content(), time, sig)
            }
            _ => false,
        }
    }

    /// The frame as JSON text.
    pub fn to_json(&self) -> String {
        // A struct of strings and numbers always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heartbeat_carries_the_published_vector_and_round_trips() {
        let hb = Frame::signed(
            FrameType::Heartbeat,
            "secretXYZ",
            "mykey",
            None,
            1_700_000_000_000,
        );
        assert_eq!(
            hb.to_json(),
            r#"{"type":"HEARTBEAT","appKey":"mykey","pubTime":1700000000000,"sign":"B9E65D4592778AE92A46050E139FABC6"}"#
        );
        let back: Frame = serde_json::from_str(&hb.to_json()).unwrap();
        assert!(back.verify("secretXYZ", "mykey"));
        assert!(!back.verify("secretXYZ", "otherkey"));
        assert!(!back.verify("wrong", "mykey"));
    }

    #[test]
    fn confirm_signs_the_related_id_and_echoes_the_push() {
        let mut push = Frame::signed(FrameType::ServerPush, "s", "k", Some(r#"{"msgId":7}"#), 5);
        push.id = Some("d-7".into());
        push.msg_source = Some("order".into());
        let confirm = Frame::confirm("s", "k", &push, 12, 9);
        assert_eq!(
            (
                confirm.related_id.as_deref(),
                confirm.related_msg_time,
                confirm.cost_in_isv
            ),
            (Some("d-7"), Some(5), Some(12))
        );
        assert_eq!(confirm.msg_source.as_deref(), Some("order"));
        assert_eq!(confirm.content, None);
        assert!(confirm.verify("s", "k"));
        let mut forged = confirm.clone();
        forged.related_id = Some("d-8".into());
        assert!(!forged.verify("s", "k"));
    }

    #[test]
    fn unknown_types_and_fields_decode() {
        let f: Frame = serde_json::from_str(r#"{"type":"NEW_THING","extra":1}"#).unwrap();
        assert_eq!(f.kind, FrameType::Unknown);
    }
}
