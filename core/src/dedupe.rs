//! Remembering which pushed messages were handled, so an at-least-once redelivery is handled once.
//!
//! 1688 redelivers a message until it is confirmed (HTTP push: until the receiver answers;
//! channel: until a CONFIRM frame arrives), so the same `msgId` can arrive again after it was
//! handled: the confirm was lost in a dropped connection, or the process restarted. Both the
//! WebSocket channel client and an HTTP push receiver ask a [`DedupeStore`] before handling and
//! record the id only after the handler succeeded.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), open1688_core::Error> {
//! use open1688_core::dedupe::{DedupeStore, MemoryDedupe};
//! use open1688_core::push::verify;
//!
//! let store = MemoryDedupe::new(10_000);
//! let form = [("message", r#"{"msgId":1}"#), ("_aop_signature", "7D08922D49D4C72384EDD35DAC3DAD398109936B")];
//! for _delivery in 0..2 {
//!     let message = verify("test123", &form)?;
//!     if store.contains(message.msg_id).await? {
//!         continue; // handled before: answer success again, do nothing else
//!     }
//!     // ... handle the message; only when that succeeded:
//!     store.insert(message.msg_id).await?;
//! }
//! assert!(store.contains(1).await?);
//! # Ok(()) }
//! ```

use crate::{BoxFuture, Error};
use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

/// Where handled message ids are remembered. Implement it over Redis or a database to dedupe
/// across restarts and across several receiving processes; [`MemoryDedupe`] is the default.
pub trait DedupeStore: Send + Sync {
    /// Whether `msg_id` was already handled.
    fn contains(&self, msg_id: i64) -> BoxFuture<'_, Result<bool, Error>>;
    /// Records that `msg_id` was handled; called only after its handler succeeded.
    fn insert(&self, msg_id: i64) -> BoxFuture<'_, Result<(), Error>>;
}

/// An in-process store of the most recent `capacity` message ids (oldest forgotten first), so
/// memory stays bounded however long the process runs.
#[derive(Debug)]
pub struct MemoryDedupe {
    capacity: usize,
    ids: Mutex<Ids>,
}

#[derive(Debug, Default)]
struct Ids {
    set: HashSet<i64>,
    order: VecDeque<i64>,
}

impl MemoryDedupe {
    /// The default capacity: redeliveries come within hours, far fewer than this many messages.
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A store remembering up to `capacity` ids (at least one).
    pub fn new(capacity: usize) -> Self {
        MemoryDedupe {
            capacity: capacity.max(1),
            ids: Mutex::default(),
        }
    }

    fn ids(&self) -> std::sync::MutexGuard<'_, Ids> {
        self.ids.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many ids it remembers now.
    pub fn len(&self) -> usize {
        self.ids().set.len()
    }

    /// Whether it remembers no id.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for MemoryDedupe {
    fn default() -> Self {
        MemoryDedupe::new(Self::DEFAULT_CAPACITY)
    }
}

impl DedupeStore for MemoryDedupe {
    fn contains(&self, msg_id: i64) -> BoxFuture<'_, Result<bool, Error>> {
        let seen = self.ids().set.contains(&msg_id);
        Box::pin(async move { Ok(seen) })
    }

    fn insert(&self, msg_id: i64) -> BoxFuture<'_, Result<(), Error>> {
        let mut ids = self.ids();
        if ids.set.insert(msg_id) {
            ids.order.push_back(msg_id);
            while ids.order.len() > self.capacity {
                if let Some(oldest) = ids.order.pop_front() {
                    ids.set.remove(&oldest);
                }
            }
        }
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn remembers_the_most_recent_ids_up_to_its_capacity() {
        let store = MemoryDedupe::new(3);
        for id in [1, 2, 3, 2, 4] {
            store.insert(id).await.unwrap();
        }
        assert_eq!(store.len(), 3);
        assert!(
            !store.contains(1).await.unwrap(),
            "the oldest id is forgotten"
        );
        for id in [2, 3, 4] {
            assert!(store.contains(id).await.unwrap(), "{id}");
        }
        assert!(!store.contains(5).await.unwrap());
    }
}
