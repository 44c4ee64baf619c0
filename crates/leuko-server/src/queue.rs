//! The lab feed in queue mode over NATS JetStream (server 2.9 features only): MLLP listeners
//! publish each raw message to a stream and acknowledge the sender after JetStream's own publish
//! acknowledgement; `leuko worker` processes consume with explicit acks after their database
//! commit, and re-assess the stored patients beside the consumers.
//!
//! Ordering and exclusivity per patient: subjects are partitioned by patient
//! (`<prefix>.hl7.<partition>`, partition = a stable hash of PID-3 modulo the partition count),
//! and each partition has one durable pull consumer with `max_ack_pending = 1`, shared by every
//! worker: within a partition one message is in flight at a time, in stream order, whichever
//! worker holds it; different partitions go to different workers in parallel. A worker killed
//! mid-message never acks it, so JetStream redelivers it after `ack_wait`, and the store's
//! idempotence (sending facility + MSH-10) makes the redelivery harmless. JetStream's own
//! duplicate window (`Nats-Msg-Id` = the same key) drops quick resends before they are stored.

use std::time::Duration;

use async_nats::jetstream::{self, AckKind, consumer::pull, stream};
use futures::StreamExt as _;
use leuko_hl7::SiteCodes;
use leuko_hl7::mllp::{AckCode, ack, reject_unparsed};
use leuko_store::Store;

use crate::ingest::{MllpLimits, Outcome, ack_id, message_key, now_ts, serve_frames, store_bytes};

/// Names of the queue's stream, subjects and consumers.
#[derive(Debug, Clone)]
pub struct QueueConfig {
    /// Subject prefix (`leuko` in production; unique per test).
    pub prefix: String,
    /// Stream name.
    pub stream: String,
    /// Number of patient partitions.
    pub partitions: u32,
    /// How long a delivered message may stay unacknowledged before redelivery.
    pub ack_wait: Duration,
}

impl Default for QueueConfig {
    fn default() -> QueueConfig {
        QueueConfig {
            prefix: "leuko".to_owned(),
            stream: "LEUKO_HL7".to_owned(),
            partitions: 8,
            ack_wait: Duration::from_secs(30),
        }
    }
}

/// Queue failures.
#[derive(Debug, thiserror::Error)]
#[error("NATS: {0}")]
pub struct QueueError(String);

fn err(e: impl std::fmt::Display) -> QueueError {
    QueueError(e.to_string())
}

/// A stable partition for a patient identifier (FNV-1a, not the process-random std hasher).
pub fn partition(patient: &str, partitions: u32) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in patient.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % partitions.max(1)
}

/// Creates (or finds) the stream.
pub async fn stream(js: &jetstream::Context, config: &QueueConfig) -> Result<stream::Stream, QueueError> {
    js.get_or_create_stream(stream::Config {
        name: config.stream.clone(),
        subjects: vec![format!("{}.hl7.>", config.prefix)],
        duplicate_window: Duration::from_secs(120),
        storage: stream::StorageType::File,
        ..Default::default()
    })
    .await
    .map_err(err)
}

/// Serves MLLP in queue mode: each message is published to its patient's partition and the
/// sender acknowledged (AA) only after JetStream acknowledged the publish; AR for what is not a
/// readable result message, AE when the queue does not answer.
pub async fn serve_mllp_queue(
    listener: tokio::net::TcpListener,
    js: jetstream::Context,
    config: QueueConfig,
    limits: MllpLimits,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> Result<(), QueueError> {
    stream(&js, &config).await?;
    serve_frames(listener, limits, shutdown, move |content: Vec<u8>| {
        let (js, config) = (js.clone(), config.clone());
        async move { vec![enqueue(&js, &config, &content).await] }
    })
    .await;
    Ok(())
}

/// Publishes one frame's message (the first message of the frame) and returns the ACK text.
async fn enqueue(js: &jetstream::Context, config: &QueueConfig, content: &[u8]) -> String {
    let (text, _) = leuko_hl7::decode(content);
    // MSH and PID decide the answer and the subject; the worker reads the rest.
    let messages = match leuko_hl7::parse_headers(&text) {
        Ok(messages) => messages,
        Err(error) => return reject_unparsed(&text, &error.to_string(), &ack_id(), &now_ts()),
    };
    let Some(message) = messages.first() else { return reject_unparsed(&text, "empty", &ack_id(), &now_ts()) };
    let reply = |code: AckCode, why: Option<&str>| ack(message, code, why, &ack_id(), &now_ts());
    let patient = message.segment("PID").map(|pid| pid.get(3, 1).to_owned()).unwrap_or_default();
    let subject = format!("{}.hl7.{}", config.prefix, partition(&patient, config.partitions));
    let mut headers = async_nats::HeaderMap::new();
    // The store's idempotence key (facility and MSH-10); a message without a control id has no
    // short key for JetStream's duplicate window, and the store's byte key covers it.
    if !message.control_id().is_empty() {
        headers.insert("Nats-Msg-Id", message_key(message).as_str());
    }
    let published = match js.publish_with_headers(subject, headers, content.to_vec().into()).await {
        Ok(future) => future.await.map(|_| ()).map_err(err),
        Err(error) => Err(err(error)),
    };
    match published {
        Ok(()) => reply(AckCode::Accept, None),
        Err(error) => {
            tracing::error!(%error, "JetStream publish failed");
            reply(AckCode::Error, Some("the queue did not accept the message; resend"))
        }
    }
}

/// Runs a worker until `shutdown`: pulls from every partition's durable consumer, ingests into
/// the store, acks after the commit (nak on a store failure, for redelivery), and publishes new
/// alerts to `<prefix>.alerts.<level>`.
pub async fn worker(
    client: async_nats::Client,
    store: Store,
    kb: &'static leuko_core::KnowledgeBase,
    site: SiteCodes,
    config: QueueConfig,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> Result<(), QueueError> {
    let js = jetstream::new(client.clone());
    let stream = stream(&js, &config).await?;
    // Re-assessment runs beside the consumers, patients waiting together once each, and
    // publishes what it raises; a message is acked after its commit, which also marks its
    // patient pending, so a worker killed before the re-assessment leaves the patient to the
    // next start (below). Two workers re-assessing one patient at once record an alert once (the
    // store refuses a second copy) and so publish it once.
    let (assess, to_assess) = tokio::sync::mpsc::unbounded_channel::<String>();
    if let Ok(pending) = store.pending_assessments().await {
        for (patient, _) in pending {
            let _ = assess.send(patient);
        }
    }
    let (publisher, prefix) = (client.clone(), config.prefix.clone());
    let reassessing = tokio::spawn(crate::ingest::reassess(store.clone(), kb, to_assess, move |patient, alerts| {
        for alert in alerts {
            let level = alert.trim_start_matches('[').split(']').next().unwrap_or("info").to_owned();
            let body = serde_json::json!({"patient": patient, "alert": alert}).to_string();
            let (publisher, subject) = (publisher.clone(), format!("{prefix}.alerts.{level}"));
            tokio::spawn(async move {
                if let Err(error) = publisher.publish(subject, body.into()).await {
                    tracing::warn!(%error, "publishing an alert failed (it stays recorded in the store)");
                }
            });
        }
    }));
    let mut tasks = tokio::task::JoinSet::new();
    for p in 0..config.partitions {
        let name = format!("{}-worker-p{p}", config.stream);
        let consumer: jetstream::consumer::Consumer<pull::Config> = stream
            .get_or_create_consumer(
                &name,
                pull::Config {
                    durable_name: Some(name.clone()),
                    filter_subject: format!("{}.hl7.{p}", config.prefix),
                    ack_policy: jetstream::consumer::AckPolicy::Explicit,
                    max_ack_pending: 1,
                    ack_wait: config.ack_wait,
                    ..Default::default()
                },
            )
            .await
            .map_err(err)?;
        let (store, site, assess) = (store.clone(), site.clone(), assess.clone());
        tasks.spawn(async move {
            let Ok(mut messages) = consumer.messages().await else { return };
            while let Some(Ok(message)) = messages.next().await {
                let results = store_bytes(&store, &site, &message.payload).await;
                let store_failed = results.iter().any(|r| matches!(&r.outcome, Outcome::NotStored(_)));
                for result in &results {
                    if let Outcome::Stored { patient, .. } = &result.outcome {
                        let _ = assess.send(patient.clone());
                    }
                }
                let acked = if store_failed { message.ack_with(AckKind::Nak(None)).await } else { message.ack().await };
                if let Err(error) = acked {
                    tracing::warn!(%error, "JetStream ack failed; the message will be redelivered");
                }
            }
        });
    }
    shutdown.await;
    tasks.abort_all();
    reassessing.abort();
    let _ = client.flush().await;
    Ok(())
}
