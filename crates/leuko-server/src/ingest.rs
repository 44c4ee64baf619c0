//! The lab feed, embedded mode: HL7 v2 result messages over MLLP (or replayed from a file) into
//! the patient history. A message is acknowledged only after its transaction has committed; a
//! resent message (same sending facility and MSH-10, or the same bytes) is acknowledged again and
//! not processed twice.

use std::time::Duration;

use chrono::Utc;
use leuko_hl7::mllp::{AckCode, Deframer, ack, frame, reject_unparsed};
use leuko_hl7::{Message, SiteCodes};
use leuko_store::{Hl7Item, ResourceText, Store};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stored (with its patient, the number of results and the alerts newly raised).
    Stored { patient: String, results: usize, alerts: Vec<String> },
    /// Already stored: acknowledged again, not processed.
    Duplicate,
    /// Understood but not processable (AE): why.
    Error(String),
    /// Rejected (AR): why.
    Rejected(String),
}

/// One message's outcome and the ACK to send back.
#[derive(Debug, Clone)]
pub struct Ingested {
    /// Outcome.
    pub outcome: Outcome,
    /// The acknowledgement message (not framed).
    pub ack: String,
    /// Results that could not be mapped (named, kept in the stored raw message).
    pub unmapped: Vec<String>,
}

fn ack_id() -> String {
    format!("LEUKO{}", uuid::Uuid::new_v4().simple())
}

fn now_ts() -> String {
    Utc::now().format("%Y%m%d%H%M%S").to_string()
}

const RESULT_TYPES: [&str; 4] = ["ORU^R01", "ORU^R03", "ORF^R04", "OUL^R22"];

/// Re-assesses a patient's stored history now and records the alerts not raised before
/// (`leuko_core::new_alerts`: the same condition in the same episode once, a worse one again);
/// returns their texts, level first.
pub async fn raise_alerts(
    store: &Store,
    kb: &leuko_core::KnowledgeBase,
    patient: &str,
) -> Result<Vec<String>, leuko_store::StoreError> {
    // The marker first: results stored after this read keep the patient pending.
    let marker = store.pending_marker(patient).await?;
    let resources = store.patient_resources(patient).await?;
    let Ok(input) = crate::records(&resources) else { return Ok(Vec::new()) };
    let Some(record) = input.patients.iter().find(|p| p.id.as_deref() == Some(patient)) else { return Ok(Vec::new()) };
    let now = Utc::now();
    let assessment = leuko_core::assess(kb, record, now, &leuko_core::AssessConfig::with_site_intervals(Vec::new()));
    let raised: Vec<leuko_core::RaisedKey> = store
        .raised_alerts(patient)
        .await?
        .into_iter()
        .map(|a| leuko_core::RaisedKey {
            key: a.key,
            severity: a.severity,
            level: leuko_core::AlertLevel::from_id(&a.level),
        })
        .collect();
    let fresh: Vec<leuko_store::RaisedAlert> = leuko_core::new_alerts_since(&raised, &assessment.alerts)
        .into_iter()
        .map(|a| leuko_store::RaisedAlert {
            key: a.key(),
            kind: a.kind.clone(),
            level: a.level.id().to_owned(),
            severity: a.severity,
            text: a.text.clone(),
            raised: now.to_rfc3339(),
        })
        .collect();
    let texts = fresh.iter().map(|a| format!("[{}] {}", a.level, a.text)).collect();
    store.record_alerts(patient, fresh).await?;
    if let Some(seq) = marker {
        store.assessed(patient, seq).await?;
    }
    Ok(texts)
}

/// Where a prepared message goes: straight into the store (re-assessed before the ACK), or to
/// the group committer (acknowledged after the batch commit, re-assessed in the background).
#[derive(Clone, Copy)]
enum Sink<'a> {
    Direct(&'a Store),
    Batched(&'a Committer),
}

async fn one(sink: Sink<'_>, kb: &leuko_core::KnowledgeBase, site: &SiteCodes, message: &Message) -> Ingested {
    let reply = |code: AckCode, text: Option<&str>| ack(message, code, text, &ack_id(), &now_ts());
    let kind = message.message_type();
    if !RESULT_TYPES.iter().any(|t| kind.starts_with(t)) {
        let why = format!("message type {kind:?} is not a result message (ORU^R01, ORU^R03, ORF^R04, OUL^R22)");
        return Ingested {
            ack: reply(AckCode::Reject, Some(&why)),
            outcome: Outcome::Rejected(why),
            unmapped: Vec::new(),
        };
    }
    let mapped = leuko_hl7::map(std::slice::from_ref(message), site).remove(0);
    let Some(original) = mapped.record.id.clone() else {
        let why = "no patient identifier (PID-3)".to_owned();
        return Ingested {
            ack: reply(AckCode::Error, Some(&why)),
            outcome: Outcome::Error(why),
            unmapped: mapped.unmapped,
        };
    };
    let patient = leuko_fhir::fhir_id(&original);
    let key = if mapped.control_id.is_empty() {
        format!("bytes:{}", message.raw)
    } else {
        format!("{}|{}", mapped.sending_facility, mapped.control_id)
    };
    // Written as text here, on the connection's task, not under the store's lock.
    let resources: Vec<ResourceText> = leuko_fhir::record_resources(&mapped.record, &patient)
        .into_iter()
        .map(|body| ResourceText {
            resource_type: body["resourceType"].as_str().unwrap_or_default().to_owned(),
            id: body["id"].as_str().unwrap_or_default().to_owned(),
            patient: patient.clone(),
            body: body.to_string(),
        })
        .collect();
    let results = resources.len().saturating_sub(1);
    let item = Hl7Item { key, patient: patient.clone(), raw: message.raw.clone(), resources };
    let stored = match sink {
        Sink::Direct(store) => store
            .ingest_hl7_batch(vec![item])
            .await
            .map(|flags| flags.first().copied().unwrap_or(false))
            .map_err(|e| e.to_string()),
        Sink::Batched(committer) => committer.commit(item).await,
    };
    match stored {
        Ok(true) => {
            // Committed. Direct: re-assess now and report the new alerts; batched: the
            // committer re-assesses in the background.
            let alerts = match sink {
                Sink::Direct(store) => match raise_alerts(store, kb, &patient).await {
                    Ok(alerts) => alerts,
                    Err(error) => {
                        tracing::error!(%error, "re-assessment after a stored result failed");
                        Vec::new()
                    }
                },
                Sink::Batched(_) => Vec::new(),
            };
            Ingested {
                ack: reply(AckCode::Accept, None),
                outcome: Outcome::Stored { patient, results, alerts },
                unmapped: mapped.unmapped,
            }
        }
        Ok(false) => Ingested {
            ack: reply(AckCode::Accept, Some("duplicate: already stored")),
            outcome: Outcome::Duplicate,
            unmapped: mapped.unmapped,
        },
        Err(error) => {
            tracing::error!(%error, "HL7 store failed");
            let why = "the history could not be written; resend".to_owned();
            Ingested { ack: reply(AckCode::Error, Some(&why)), outcome: Outcome::Error(why), unmapped: mapped.unmapped }
        }
    }
}

type Job = (Hl7Item, tokio::sync::oneshot::Sender<Result<bool, String>>);

/// Group commit: messages from every connection are collected into one transaction (up to 512,
/// or whatever is waiting when the previous commit ends), and each sender is answered only after
/// that commit. Stored patients are then re-assessed one at a time by a background task, so
/// alerts are raised once even when batches follow each other closely.
pub struct Committer {
    jobs: tokio::sync::mpsc::Sender<Job>,
}

impl Committer {
    /// Starts the writer and the alert tasks on this store.
    pub fn start(store: Store, kb: &'static leuko_core::KnowledgeBase) -> Committer {
        let (jobs, mut incoming) = tokio::sync::mpsc::channel::<Job>(4096);
        let (assess, mut to_assess) = tokio::sync::mpsc::unbounded_channel::<String>();
        let alert_store = store.clone();
        let recover = (store.clone(), assess.clone());
        // Patients left pending by an earlier process (stopped after a commit, before the
        // re-assessment) are re-assessed first.
        tokio::spawn(async move {
            let (store, assess) = recover;
            if let Ok(pending) = store.pending_assessments().await {
                for (patient, _) in pending {
                    let _ = assess.send(patient);
                }
            }
        });
        tokio::spawn(async move {
            // Patients waiting together are re-assessed once each (the latest history covers
            // every result stored meanwhile).
            while let Some(first) = to_assess.recv().await {
                let mut waiting = std::collections::BTreeSet::from([first]);
                while let Ok(patient) = to_assess.try_recv() {
                    waiting.insert(patient);
                }
                for patient in waiting {
                    if let Err(error) = raise_alerts(&alert_store, kb, &patient).await {
                        tracing::error!(%error, "re-assessment after a stored result failed");
                    }
                }
            }
        });
        tokio::spawn(async move {
            while let Some(first) = incoming.recv().await {
                let mut batch = vec![first];
                while batch.len() < 512 {
                    match incoming.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let (items, replies): (Vec<Hl7Item>, Vec<_>) = batch.into_iter().unzip();
                let patients: Vec<String> = items.iter().map(|i| i.patient.clone()).collect();
                match store.ingest_hl7_batch(items).await {
                    Ok(flags) => {
                        for ((flag, reply), patient) in flags.iter().zip(replies).zip(&patients) {
                            let _ = reply.send(Ok(*flag));
                            if *flag {
                                let _ = assess.send(patient.clone());
                            }
                        }
                    }
                    Err(error) => {
                        tracing::error!(%error, "group commit failed");
                        for reply in replies {
                            let _ = reply.send(Err(error.to_string()));
                        }
                    }
                }
            }
        });
        Committer { jobs }
    }

    /// Queues a message for the next commit and waits for it.
    async fn commit(&self, item: Hl7Item) -> Result<bool, String> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.jobs.send((item, reply)).await.map_err(|_| "the committer stopped".to_owned())?;
        answer.await.map_err(|_| "the committer stopped".to_owned())?
    }
}

async fn ingest_with(sink: Sink<'_>, kb: &leuko_core::KnowledgeBase, site: &SiteCodes, bytes: &[u8]) -> Vec<Ingested> {
    let (text, _) = leuko_hl7::decode(bytes);
    match leuko_hl7::parse(&text) {
        Ok(messages) => {
            let mut out = Vec::with_capacity(messages.len());
            for message in &messages {
                out.push(one(sink, kb, site, message).await);
            }
            out
        }
        Err(error) => {
            let why = error.to_string();
            vec![Ingested {
                ack: reject_unparsed(&text, &why, &ack_id(), &now_ts()),
                outcome: Outcome::Rejected(why),
                unmapped: Vec::new(),
            }]
        }
    }
}

/// Ingests the bytes of one MLLP frame (or one file): every message they hold, each committed
/// and re-assessed before its ACK is returned.
pub async fn ingest_bytes(
    store: &Store,
    kb: &leuko_core::KnowledgeBase,
    site: &SiteCodes,
    bytes: &[u8],
) -> Vec<Ingested> {
    ingest_with(Sink::Direct(store), kb, site, bytes).await
}

/// Limits of the MLLP listener.
#[derive(Debug, Clone, Copy)]
pub struct MllpLimits {
    /// Largest message accepted (bytes).
    pub max_message: usize,
    /// A connection idle this long is closed.
    pub idle: Duration,
}

impl Default for MllpLimits {
    fn default() -> MllpLimits {
        MllpLimits { max_message: 1024 * 1024, idle: Duration::from_secs(300) }
    }
}

/// Serves MLLP connections until `shutdown` completes: each connection's frames are handed to
/// `handle` in order and its answers (ACK texts) written back framed; an oversize frame is
/// answered AR and the connection goes on; an idle connection is closed.
pub(crate) async fn serve_frames<F, Fut>(
    listener: tokio::net::TcpListener,
    limits: MllpLimits,
    shutdown: impl std::future::Future<Output = ()> + Send,
    handle: F,
) where
    F: Fn(Vec<u8>) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Vec<String>> + Send,
{
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((mut socket, _)) = accepted else { continue };
                let handle = handle.clone();
                tokio::spawn(async move {
                    let mut deframer = Deframer::new(limits.max_message);
                    let mut buffer = vec![0u8; 64 * 1024];
                    loop {
                        let read = match tokio::time::timeout(limits.idle, socket.read(&mut buffer)).await {
                            Ok(Ok(0)) | Err(_) | Ok(Err(_)) => break,
                            Ok(Ok(n)) => n,
                        };
                        let (frames, problems) = deframer.push(&buffer[..read]);
                        for problem in problems {
                            tracing::warn!(%problem, "MLLP framing");
                            if matches!(problem, leuko_hl7::mllp::FrameError::TooLarge(_)) {
                                let reply = reject_unparsed("", &problem.to_string(), &ack_id(), &now_ts());
                                if socket.write_all(&frame(&reply)).await.is_err() {
                                    return;
                                }
                            }
                        }
                        for content in frames {
                            for reply in handle(content).await {
                                if socket.write_all(&frame(&reply)).await.is_err() {
                                    return;
                                }
                            }
                        }
                    }
                });
            }
        }
    }
}

/// Serves MLLP until `shutdown` completes: each connection's frames are ingested in order and
/// each answered with its ACK after the commit.
pub async fn serve_mllp(
    listener: tokio::net::TcpListener,
    store: Store,
    kb: &'static leuko_core::KnowledgeBase,
    site: SiteCodes,
    limits: MllpLimits,
    shutdown: impl std::future::Future<Output = ()> + Send,
) {
    let site = std::sync::Arc::new(site);
    let committer = std::sync::Arc::new(Committer::start(store, kb));
    serve_frames(listener, limits, shutdown, move |content: Vec<u8>| {
        let (committer, site) = (committer.clone(), site.clone());
        async move {
            ingest_with(Sink::Batched(&committer), kb, &site, &content).await.into_iter().map(|i| i.ack).collect()
        }
    })
    .await;
}
