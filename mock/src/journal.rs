//! Every request the gateway received, for tests to inspect.

use crate::signature::SignatureStatus;
use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

/// Whether a parameter's value is masked in `Debug` output: core's secrets, and the OAuth
/// `code` (a one-use credential of the token endpoint).
fn masked(name: &str) -> bool {
    open1688_core::names::is_secret(name) || name == "code"
}

/// A file part of a multipart body: recorded by name and size, never by content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePart {
    /// The form field name, e.g. `imageBytes`.
    pub name: String,
    /// The part's file name, when it gave one.
    pub filename: Option<String>,
    /// Size in bytes.
    pub size: usize,
}

/// One received request. `Debug` masks token, secret and code values.
#[derive(Clone)]
pub struct JournalEntry {
    /// Arrival order, from 0.
    pub seq: u64,
    /// When it arrived.
    pub at: Instant,
    /// `GET` or `POST`.
    pub method: String,
    /// The URL path, without the query.
    pub path: String,
    /// The API id as the docs write it (`namespace:name-version`), when the path named one.
    pub api: Option<String>,
    /// The app key from the path.
    pub app_key: Option<String>,
    /// Every text parameter received, query and body merged, in arrival order.
    pub params: Vec<(String, String)>,
    /// File parts of a multipart body (unsigned).
    pub files: Vec<FilePart>,
    /// The gateway's verdict on the signature.
    pub signature: SignatureStatus,
    /// The HTTP status answered; `None` while in progress, or when no answer was given (a
    /// dropped connection, or a client that gave up during an injected delay).
    pub status: Option<u16>,
    /// The `gw.*` or OAuth error code answered (`401` for the token rejection, `HTTP 503` for
    /// an injected bare 5xx), if any.
    pub error_code: Option<String>,
    /// Why the gateway answered as it did, e.g. `access token is expired` (never a secret).
    pub note: Option<String>,
    /// The injected fault, if any (e.g. `Status(503)`).
    pub fault: Option<String>,
}

impl JournalEntry {
    /// The first value of a text parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the request carried `access_token`.
    pub fn sent_token(&self) -> bool {
        self.param("access_token").is_some()
    }

    /// Whether this entry is a call of `api`: an id `namespace:name-version`, or
    /// `namespace:name` for any version.
    pub fn is_api(&self, api: &str) -> bool {
        self.api.as_deref().is_some_and(|id| api_matches(id, api))
    }
}

/// Whether the full id `namespace:name-version` is the API `query` names (full id, or
/// `namespace:name` for any version).
pub(crate) fn api_matches(id: &str, query: &str) -> bool {
    id == query
        || id
            .rsplit_once('-')
            .is_some_and(|(without_version, _)| without_version == query)
}

impl fmt::Debug for JournalEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|(k, v)| {
                if masked(k) {
                    format!("{k}=***")
                } else {
                    format!("{k}={v}")
                }
            })
            .collect();
        f.debug_struct("JournalEntry")
            .field("seq", &self.seq)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("api", &self.api)
            .field("params", &params)
            .field("files", &self.files)
            .field("signature", &self.signature)
            .field("status", &self.status)
            .field("error_code", &self.error_code)
            .field("note", &self.note)
            .field("fault", &self.fault)
            .finish()
    }
}

/// How many entries a journal keeps by default; older ones are forgotten first.
pub const DEFAULT_JOURNAL_CAPACITY: usize = 100_000;

/// How many bytes of parameters and paths a journal keeps by default (64 MiB): a few huge
/// requests must not grow it as much as 100 000 ordinary ones.
pub const DEFAULT_JOURNAL_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug)]
struct Entries {
    list: VecDeque<JournalEntry>,
    next_seq: u64,
    capacity: usize,
    max_bytes: usize,
    bytes: usize,
}

impl JournalEntry {
    /// Roughly what the entry holds on the heap: its strings.
    fn size(&self) -> usize {
        let params: usize = self.params.iter().map(|(k, v)| k.len() + v.len()).sum();
        let files: usize = self
            .files
            .iter()
            .map(|f| f.name.len() + f.filename.as_ref().map_or(0, String::len))
            .sum();
        self.path.len()
            + self.method.len()
            + self.api.as_ref().map_or(0, String::len)
            + params
            + files
            + 64
    }
}

/// The request journal. Read it through [`crate::MockGateway::journal`].
///
/// It keeps the latest [`DEFAULT_JOURNAL_CAPACITY`] entries (see
/// [`crate::MockGatewayBuilder::journal_capacity`]), so a long-running gateway stays bounded.
#[derive(Debug)]
pub struct Journal {
    entries: Mutex<Entries>,
}

impl Default for Journal {
    fn default() -> Self {
        Journal::with_capacity(DEFAULT_JOURNAL_CAPACITY)
    }
}

impl Journal {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Journal::with_limits(capacity, DEFAULT_JOURNAL_BYTES)
    }

    pub(crate) fn with_limits(capacity: usize, max_bytes: usize) -> Self {
        Journal {
            entries: Mutex::new(Entries {
                list: VecDeque::new(),
                next_seq: 0,
                capacity: capacity.max(1),
                max_bytes,
                bytes: 0,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        // A panicking test thread must not hide the journal from the others.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every entry kept, in arrival order.
    pub fn entries(&self) -> Vec<JournalEntry> {
        self.lock().list.iter().cloned().collect()
    }

    /// The calls of `api` (`namespace:name-version`, or `namespace:name`).
    pub fn hits(&self, api: &str) -> Vec<JournalEntry> {
        self.lock()
            .list
            .iter()
            .filter(|e| e.is_api(api))
            .cloned()
            .collect()
    }

    /// How many calls of `api` arrived.
    pub fn count(&self, api: &str) -> usize {
        self.lock().list.iter().filter(|e| e.is_api(api)).count()
    }

    /// The last call of `api`.
    pub fn last(&self, api: &str) -> Option<JournalEntry> {
        self.lock()
            .list
            .iter()
            .rev()
            .find(|e| e.is_api(api))
            .cloned()
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.lock().list.len()
    }

    /// Whether it holds no entry.
    pub fn is_empty(&self) -> bool {
        self.lock().list.is_empty()
    }

    /// Forgets every entry (sequence numbers keep counting).
    pub fn clear(&self) {
        let mut entries = self.lock();
        entries.list.clear();
        entries.bytes = 0;
    }

    /// Roughly how many bytes the entries kept hold.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// Records an arriving request and returns its sequence number.
    pub(crate) fn record(&self, mut entry: JournalEntry) -> u64 {
        let mut entries = self.lock();
        entry.seq = entries.next_seq;
        entries.next_seq += 1;
        let size = entry.size();
        // The newest entry is always kept, even alone over the byte limit.
        while !entries.list.is_empty()
            && (entries.list.len() >= entries.capacity || entries.bytes + size > entries.max_bytes)
        {
            if let Some(old) = entries.list.pop_front() {
                entries.bytes -= old.size();
            }
        }
        entries.bytes += size;
        entries.list.push_back(entry);
        entries.next_seq - 1
    }

    /// Updates the entry `seq`, if it is still there.
    pub(crate) fn update(&self, seq: u64, f: impl FnOnce(&mut JournalEntry)) {
        if let Some(entry) = self.lock().list.iter_mut().rev().find(|e| e.seq == seq) {
            f(entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(api: &str, params: &[(&str, &str)]) -> JournalEntry {
        JournalEntry {
            seq: 0,
            at: Instant::now(),
            method: "POST".into(),
            path: "/openapi/x".into(),
            api: Some(api.into()),
            app_key: None,
            params: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            files: vec![],
            signature: SignatureStatus::Valid,
            status: Some(200),
            error_code: None,
            note: None,
            fault: None,
        }
    }

    #[test]
    fn the_journal_is_bounded_by_bytes_too() {
        let j = Journal::with_limits(1000, 10_000);
        let big = "x".repeat(3000);
        for _ in 0..10 {
            j.record(entry("a:b-1", &[("k", big.as_str())]));
        }
        assert!(j.bytes() <= 10_000, "{}", j.bytes());
        assert_eq!(j.len(), 3);
        j.record(entry("a:b-1", &[("k", &"y".repeat(50_000))]));
        assert_eq!(
            j.len(),
            1,
            "a huge entry evicts everything older, and is kept"
        );
    }

    #[test]
    fn api_ids_match_with_or_without_version() {
        let j = Journal::default();
        j.record(entry(
            "com.alibaba.trade:alibaba.trade.get.buyerView-1",
            &[],
        ));
        j.record(entry("com.alibaba.trade:alibaba.trade.get-1", &[]));
        assert_eq!(
            j.count("com.alibaba.trade:alibaba.trade.get.buyerView-1"),
            1
        );
        assert_eq!(j.count("com.alibaba.trade:alibaba.trade.get.buyerView"), 1);
        assert_eq!(j.count("com.alibaba.trade:alibaba.trade.get"), 1);
        assert_eq!(
            j.count("com.alibaba.trade:alibaba.trade.get.buyerView-2"),
            0
        );
        assert_eq!(
            j.entries().iter().map(|e| e.seq).collect::<Vec<_>>(),
            [0, 1]
        );
    }

    #[test]
    fn the_oldest_entries_go_first_when_full() {
        let j = Journal::with_capacity(2);
        for api in ["a:x-1", "a:y-1", "a:z-1"] {
            j.record(entry(api, &[]));
        }
        assert_eq!(
            j.entries()
                .iter()
                .map(|e| (e.seq, e.api.clone().unwrap()))
                .collect::<Vec<_>>(),
            [(1, "a:y-1".to_owned()), (2, "a:z-1".to_owned())]
        );
        j.update(0, |e| e.status = Some(500));
        j.update(2, |e| e.status = Some(201));
        assert_eq!(j.last("a:z").unwrap().status, Some(201));
    }

    #[test]
    fn debug_masks_secrets() {
        let e = entry(
            "a:b-1",
            &[
                ("access_token", "TOKEN-XYZ"),
                ("client_secret", "S3CRET"),
                ("productId", "42"),
            ],
        );
        let text = format!("{e:?}");
        assert!(
            !text.contains("TOKEN-XYZ") && !text.contains("S3CRET"),
            "{text}"
        );
        assert!(text.contains("productId=42"), "{text}");
        assert_eq!(e.param("access_token"), Some("TOKEN-XYZ"));
    }
}
