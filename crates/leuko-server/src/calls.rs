//! The record of CDS Hooks calls — the card registry (card uuid → rule, for feedback) and the
//! audit line — written off the request path: one writer task puts whatever is waiting into one
//! transaction. A reader that needs every earlier call on disk (feedback, resolving a card's
//! rule) waits for [`CallLog::flush`] first.

use std::sync::{Arc, OnceLock};

use leuko_store::{AuditEntry, Store};
use tokio::sync::{mpsc, oneshot};

enum Entry {
    Call(Vec<(String, String)>, AuditEntry),
    Flush(oneshot::Sender<()>),
}

/// Calls written per transaction at most.
const BATCH: usize = 512;

/// Handle to the writer (started on first use, inside the runtime that serves).
#[derive(Clone)]
pub(crate) struct CallLog {
    store: Store,
    entries: Arc<OnceLock<mpsc::Sender<Entry>>>,
}

impl CallLog {
    /// A writer for this store.
    pub(crate) fn new(store: Store) -> CallLog {
        CallLog { store, entries: Arc::new(OnceLock::new()) }
    }

    fn entries(&self) -> &mpsc::Sender<Entry> {
        self.entries.get_or_init(|| writer(self.store.clone()))
    }

    /// Queues a call's cards and audit line (waits only when the writer is far behind).
    pub(crate) async fn record(&self, cards: Vec<(String, String)>, audit: AuditEntry) {
        if self.entries().send(Entry::Call(cards, audit)).await.is_err() {
            tracing::error!("the call log writer stopped: a call was not recorded");
        }
    }

    /// Waits until every call queued before is written.
    pub(crate) async fn flush(&self) {
        let (done, written) = oneshot::channel();
        if self.entries().send(Entry::Flush(done)).await.is_ok() {
            let _ = written.await;
        }
    }
}

/// Starts the writer task; returns its queue.
fn writer(store: Store) -> mpsc::Sender<Entry> {
    let (entries, mut incoming) = mpsc::channel::<Entry>(4096);
    tokio::spawn(async move {
        while let Some(first) = incoming.recv().await {
            let mut calls = Vec::new();
            let mut flushes = Vec::new();
            let mut next = Some(first);
            while let Some(entry) = next.take() {
                match entry {
                    Entry::Call(cards, audit) => calls.push((cards, audit)),
                    Entry::Flush(done) => flushes.push(done),
                }
                if calls.len() < BATCH {
                    next = incoming.try_recv().ok();
                }
            }
            if !calls.is_empty()
                && let Err(error) = store.record_calls(calls).await
            {
                tracing::error!(%error, "card registry and audit write failed");
            }
            for done in flushes {
                let _ = done.send(());
            }
        }
    });
    entries
}
