//! The lab feed, embedded mode: HL7 v2 result messages over MLLP (or replayed from a file) into
//! the patient history. Over MLLP a message is acknowledged once it is durably in the inbox
//! ([`Inbox`]); a replayed file is stored and re-assessed message by message. A resent message
//! (same sending facility and MSH-10, or the same bytes) is acknowledged again and not processed
//! twice.

use std::time::Duration;

use chrono::Utc;
use leuko_hl7::mllp::{AckCode, Deframer, ack, frame, reject_unparsed};
use leuko_hl7::{Message, SiteCodes};
use leuko_store::{Hl7Item, InboxMessage, ResourceText, Store};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stored (with its patient, the number of results and the alerts newly raised).
    Stored { patient: String, results: usize, alerts: Vec<String> },
    /// Already stored: acknowledged again, not processed.
    Duplicate,
    /// Understood but not processable (AE): why. Sending it again changes nothing.
    Error(String),
    /// Understood, but the store could not be written (AE): why. To be sent again.
    NotStored(String),
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

/// A unique control id for an ACK (MSH-10, at most 20 characters as HL7 v2.5 allows): `LK`, a
/// random prefix drawn once per process, and a counter — no random draw per message.
pub(crate) fn ack_id() -> String {
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| uuid::Uuid::new_v4().simple().to_string()[..8].to_owned());
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) & 0xff_ffff_ffff;
    format!("LK{prefix}{n:010x}")
}

/// The ACK's timestamp (MSH-7), now.
pub(crate) fn now_ts() -> String {
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
    let recorded = store.record_alerts(patient, fresh).await?;
    let texts = recorded.iter().map(|a| format!("[{}] {}", a.level, a.text)).collect();
    if let Some(seq) = marker {
        store.assessed(patient, seq).await?;
    }
    Ok(texts)
}

/// Whether a parsed message is one the lab feed takes: a result message (else AR) about a patient
/// (else AE), with the reason when it is not; the patient's identifier when it is (its stored id
/// is [`leuko_hl7::patient_resource_id`], made only where a result is stored).
fn admissible(message: &Message, site: &SiteCodes) -> Result<String, (AckCode, String)> {
    let kind = message.message_type();
    if !RESULT_TYPES.iter().any(|t| kind.starts_with(t)) {
        let why = format!("message type {kind:?} is not a result message (ORU^R01, ORU^R03, ORF^R04, OUL^R22)");
        return Err((AckCode::Reject, why));
    }
    leuko_hl7::patient_id(message, site).ok_or((AckCode::Error, "no patient identifier (PID-3)".to_owned()))
}

/// The idempotence key: sending facility (MSH-4) and MSH-10, or the bytes without a control id.
pub(crate) fn message_key(message: &Message) -> String {
    let control = message.control_id();
    if control.is_empty() {
        format!("bytes:{}", message.raw)
    } else {
        format!("{}|{control}", message.sending_facility())
    }
}

/// Maps a message to what the store keeps under `key`: the raw text, the patient's resources
/// (written as JSON text here, not under the store's lock), and the results it could not map.
fn prepare(message: &Message, key: String, patient: &str, site: &SiteCodes) -> (Hl7Item, Vec<String>) {
    let mapped = leuko_hl7::map(std::slice::from_ref(message), site).remove(0);
    let resources: Vec<ResourceText> = leuko_fhir::record_resources(&mapped.record, patient)
        .into_iter()
        .map(|r| ResourceText {
            resource_type: r.resource_type.to_owned(),
            id: r.id,
            patient: patient.to_owned(),
            body: r.json,
        })
        .collect();
    let item = Hl7Item { key, patient: patient.to_owned(), raw: message.raw.clone(), resources };
    (item, mapped.unmapped)
}

/// Stores one message and, given a knowledge base, re-assesses its patient before answering
/// (file replay); without one the caller re-assesses (the pending marker keeps it owed).
async fn one(store: &Store, kb: Option<&leuko_core::KnowledgeBase>, site: &SiteCodes, message: &Message) -> Ingested {
    let reply = |code: AckCode, text: Option<&str>| ack(message, code, text, &ack_id(), &now_ts());
    let patient = match admissible(message, site) {
        Ok(identifier) => leuko_hl7::patient_resource_id(&identifier),
        Err((code, why)) => {
            let outcome =
                if code == AckCode::Reject { Outcome::Rejected(why.clone()) } else { Outcome::Error(why.clone()) };
            return Ingested { ack: reply(code, Some(&why)), outcome, unmapped: Vec::new() };
        }
    };
    let (item, unmapped) = prepare(message, message_key(message), &patient, site);
    let results = item.resources.len().saturating_sub(1);
    match store.ingest_hl7_batch(vec![item]).await.map(|flags| flags.first().copied().unwrap_or(false)) {
        Ok(true) => {
            let alerts = match kb {
                Some(kb) => raise_alerts(store, kb, &patient).await.unwrap_or_else(|error| {
                    tracing::error!(%error, "re-assessment after a stored result failed");
                    Vec::new()
                }),
                None => Vec::new(),
            };
            Ingested {
                ack: reply(AckCode::Accept, None),
                outcome: Outcome::Stored { patient, results, alerts },
                unmapped,
            }
        }
        Ok(false) => Ingested {
            ack: reply(AckCode::Accept, Some("duplicate: already stored")),
            outcome: Outcome::Duplicate,
            unmapped,
        },
        Err(error) => {
            tracing::error!(%error, "HL7 store failed");
            let why = "the history could not be written; resend".to_owned();
            Ingested { ack: reply(AckCode::Error, Some(&why)), outcome: Outcome::NotStored(why), unmapped }
        }
    }
}

type Job = ((String, String), tokio::sync::oneshot::Sender<Result<bool, String>>);

/// Messages mapped and stored per processing transaction.
const PROCESS_BATCH: usize = 256;

/// The embedded lab feed's durable inbox. Acknowledgement needs only the raw message safely on
/// disk: a connection checks that the message is a result about a patient, and the committer
/// writes the raw messages waiting from every connection into the inbox in one transaction
/// synced to disk (group commit, up to 512 per commit), answering each sender only after it.
/// Behind it, one processor takes the inbox in arrival order — so one patient's results are
/// applied in order — maps each message to resources and moves it into the history in one
/// transaction, and the patients it stored are re-assessed one at a time by a third task, so
/// alerts are raised once even when batches follow each other closely. A process stopped at
/// any point resumes from the inbox and the pending markers.
pub struct Inbox {
    jobs: tokio::sync::mpsc::Sender<Job>,
    /// How the senders name patients (and their local codes, for the processor).
    site: std::sync::Arc<SiteCodes>,
}

impl Inbox {
    /// Starts the committer, the processor and the alert task on this store.
    pub fn start(store: Store, kb: &'static leuko_core::KnowledgeBase, site: std::sync::Arc<SiteCodes>) -> Inbox {
        let (jobs, mut incoming) = tokio::sync::mpsc::channel::<Job>(4096);
        let wake = std::sync::Arc::new(tokio::sync::Notify::new());
        // How far processing has come: the committer lets the inbox forget those messages.
        let processed = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
        let work = background(store.clone(), kb, site.clone(), wake.clone(), processed.clone());
        // Another process owns this embedded store's journal: it receives and processes; here
        // every message is answered AE (resend), and nothing is processed twice.
        let owner = store.owns_lab_feed();
        if owner {
            store.prepare_lab_feed();
        } else {
            tracing::error!("another process receives this store's lab feed: messages sent here are answered AE");
        }
        // Processing and re-assessment run on a thread of their own at the lowest CPU priority,
        // with their own runtime (its blocking threads inherit the priority): under a burst the
        // processor yields the CPU to the connections and the committer, and the inbox absorbs
        // the difference. The committer never waits for the history's file (the inbox is a
        // journal of its own); it shares with the processor only the journal's index, held for
        // a lookup or an append, so a preempted processor can delay a commit only that long.
        // Readers of the history (the REST API) share its connection with the processor.
        let spawned = owner.then(|| {
            std::thread::Builder::new().name("leuko-inbox".to_owned()).spawn(move || {
                lower_priority();
                match tokio::runtime::Builder::new_current_thread().thread_name("leuko-inbox").enable_all().build() {
                    Ok(runtime) => runtime.block_on(work),
                    Err(error) => {
                        tracing::error!(%error, "the inbox processor could not start; messages wait in the inbox")
                    }
                }
            })
        });
        if let Some(Err(error)) = spawned {
            tracing::error!(%error, "the inbox processor thread could not start; messages wait in the inbox");
        }
        // The committer: a thread of its own that blocks on the queue and on SQLite, so that a
        // commit costs no hop through the runtime's blocking pool.
        let runtime = tokio::runtime::Handle::current();
        let committer = move || {
            while let Some(first) = incoming.blocking_recv() {
                let mut batch = vec![first];
                while batch.len() < 512 {
                    match incoming.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let (messages, replies): (Vec<(String, String)>, Vec<_>) = batch.into_iter().unzip();
                let through = processed.load(std::sync::atomic::Ordering::Acquire);
                match store.inbox_put_blocking(&runtime, messages, through) {
                    Ok(flags) => {
                        for (flag, reply) in flags.iter().zip(replies) {
                            let _ = reply.send(Ok(*flag));
                        }
                        wake.notify_one();
                    }
                    Err(error) => {
                        tracing::error!(%error, "group commit failed");
                        for reply in replies {
                            let _ = reply.send(Err(error.to_string()));
                        }
                    }
                }
            }
        };
        if let Err(error) = std::thread::Builder::new().name("leuko-commit".to_owned()).spawn(committer) {
            // Every receive then answers AE ("the committer stopped"): the senders resend.
            tracing::error!(%error, "the inbox committer thread could not start");
        }
        Inbox { jobs, site }
    }

    /// Queues a message (its key and raw text) for the next commit and waits for it: whether it
    /// was new.
    async fn put(&self, key: String, raw: String) -> Result<bool, String> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.jobs.send(((key, raw), reply)).await.map_err(|_| "the committer stopped".to_owned())?;
        answer.await.map_err(|_| "the committer stopped".to_owned())?
    }
}

/// Lowers the calling thread's CPU priority to the lowest: on Linux the `SCHED_IDLE` policy (the
/// lowest scheduling weight, below nice 19, and a waking thread of normal priority preempts it
/// at once), failing that nice 19; threads it starts later inherit either. Where both fail the
/// work runs at normal priority, and the log says so.
///
/// Measured in `bench/runs/2026-11-27-vm` (session 9), 8 alternating pairs of 20,000-message
/// runs: the listener acknowledged 12,972 messages/s on average with the processor under
/// `SCHED_IDLE` and 10,881 with it at nice 19 (higher in 8 of 8 pairs).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        use thread_priority::unix::{NormalThreadSchedulePolicy, ThreadSchedulePolicy};
        let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
        let native = thread_priority::unix::thread_native_id();
        // The crate sets the policy, then the nice value (0, which SCHED_IDLE ignores); a refused
        // nice value (a process started at a positive nice) leaves the policy set all the same.
        let applied =
            thread_priority::unix::set_thread_priority_and_policy(native, thread_priority::ThreadPriority::Min, idle);
        let Err(idle_error) = applied else { return };
        if thread_priority::unix::thread_schedule_policy().is_ok_and(|policy| policy == idle) {
            return;
        }
        if let Err(error) = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 19) {
            tracing::warn!(%error, %idle_error, "the inbox processor runs at normal priority");
        }
    }
}

/// Everything behind the acknowledgement: patients left pending by an earlier process are
/// re-assessed; the processor moves the inbox into the history; the patients it stored are
/// re-assessed one at a time (patients waiting together once each: the latest history covers
/// every result stored meanwhile) and their new alerts recorded.
async fn background(
    store: Store,
    kb: &'static leuko_core::KnowledgeBase,
    site: std::sync::Arc<SiteCodes>,
    wake: std::sync::Arc<tokio::sync::Notify>,
    processed: std::sync::Arc<std::sync::atomic::AtomicI64>,
) {
    let (assess, to_assess) = tokio::sync::mpsc::unbounded_channel::<String>();
    if let Ok(pending) = store.pending_assessments().await {
        for (patient, _) in pending {
            let _ = assess.send(patient);
        }
    }
    // The alerts are recorded (served as FHIR Communication / DetectedIssue); nothing else here.
    tokio::spawn(reassess(store.clone(), kb, to_assess, |_, _| {}));
    process(store, site, wake, processed, assess).await;
}

/// The inbox processor: runs until the runtime stops, woken by each commit. It starts from the
/// history's cursor, so what an earlier process received and did not process comes first.
async fn process(
    store: Store,
    site: std::sync::Arc<SiteCodes>,
    wake: std::sync::Arc<tokio::sync::Notify>,
    processed: std::sync::Arc<std::sync::atomic::AtomicI64>,
    assess: tokio::sync::mpsc::UnboundedSender<String>,
) {
    let mut cursor = loop {
        match store.inbox_cursor().await {
            Ok(cursor) => break cursor,
            Err(error) => {
                tracing::error!(%error, "reading the HL7 inbox cursor failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    };
    processed.store(cursor, std::sync::atomic::Ordering::Release);
    loop {
        let batch = match store.inbox_take(cursor, PROCESS_BATCH).await {
            Ok(batch) => batch,
            Err(error) => {
                tracing::error!(%error, "reading the HL7 inbox failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let Some(through) = batch.last().map(|m| m.seq) else {
            wake.notified().await;
            continue;
        };
        let site = site.clone();
        // Mapping is CPU work: off the async workers that answer the connections.
        let mapping = move || batch.iter().map(|m| from_inbox(m, &site)).collect::<Vec<Hl7Item>>();
        let Ok(items) = tokio::task::spawn_blocking(mapping).await else {
            tracing::error!("mapping an inbox batch failed");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        let patients: Vec<String> = items.iter().map(|i| i.patient.clone()).collect();
        match store.inbox_processed(items, through).await {
            Ok(flags) => {
                cursor = through;
                processed.store(cursor, std::sync::atomic::Ordering::Release);
                for (flag, patient) in flags.iter().zip(patients) {
                    if *flag && !patient.is_empty() {
                        let _ = assess.send(patient);
                    }
                }
            }
            Err(error) => {
                tracing::error!(%error, "storing processed HL7 messages failed; the inbox keeps them");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// One inbox message as a stored item. The connection checked it before it was acknowledged;
/// should it no longer parse or name a patient (the parser changed between a stop and a
/// restart), it is kept verbatim without resources, and the log says why.
fn from_inbox(message: &InboxMessage, site: &SiteCodes) -> Hl7Item {
    let kept = |why: String| {
        tracing::error!(key = %message.key, %why, "an acknowledged HL7 message could not be mapped; kept verbatim");
        Hl7Item { key: message.key.clone(), patient: String::new(), raw: message.raw.clone(), resources: Vec::new() }
    };
    let parsed = match leuko_hl7::parse(&message.raw) {
        Ok(parsed) => parsed,
        Err(error) => return kept(error.to_string()),
    };
    // One inbox row is one message (the connection split the frame); more would mean a changed
    // parser, and only the first is mapped: say so rather than drop the rest unseen.
    if parsed.len() > 1 {
        tracing::error!(key = %message.key, count = parsed.len(), "an inbox row read as several messages; only the first is mapped, the raw text is kept whole");
    }
    let Some(first) = parsed.first() else { return kept("no message".to_owned()) };
    match admissible(first, site) {
        Ok(identifier) => {
            let (item, unmapped) =
                prepare(first, message.key.clone(), &leuko_hl7::patient_resource_id(&identifier), site);
            for result in unmapped {
                tracing::warn!(key = %message.key, %result, "HL7 result not mapped (kept in the raw message)");
            }
            item
        }
        Err((_, why)) => kept(why),
    }
}

async fn ingest_with(
    store: &Store,
    kb: Option<&leuko_core::KnowledgeBase>,
    site: &SiteCodes,
    bytes: &[u8],
) -> Vec<Ingested> {
    let (text, _) = leuko_hl7::decode(bytes);
    match leuko_hl7::parse(&text) {
        Ok(messages) => {
            let mut out = Vec::with_capacity(messages.len());
            for message in &messages {
                out.push(one(store, kb, site, message).await);
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

/// Receives the messages of one MLLP frame into the inbox; each ACK is returned after its
/// message is durably committed there (AA, or AA "duplicate" for a resend), AR for what is not
/// a result message, AE for a result without a patient or an inbox that could not be written.
async fn receive(inbox: &Inbox, bytes: &[u8]) -> Vec<String> {
    let (text, _) = leuko_hl7::decode(bytes);
    // MSH and PID decide the answer; the processor reads the rest.
    let messages = match leuko_hl7::parse_headers(&text) {
        Ok(messages) => messages,
        Err(error) => return vec![reject_unparsed(&text, &error.to_string(), &ack_id(), &now_ts())],
    };
    let mut out = Vec::with_capacity(messages.len());
    for message in &messages {
        let reply = |code: AckCode, text: Option<&str>| ack(message, code, text, &ack_id(), &now_ts());
        out.push(match admissible(message, &inbox.site) {
            Err((code, why)) => reply(code, Some(&why)),
            Ok(_) => match inbox.put(message_key(message), message.raw.clone()).await {
                Ok(true) => reply(AckCode::Accept, None),
                Ok(false) => reply(AckCode::Accept, Some("duplicate: already stored")),
                Err(error) => {
                    tracing::error!(%error, "HL7 inbox write failed");
                    reply(AckCode::Error, Some("the message could not be stored; resend"))
                }
            },
        });
    }
    out
}

/// Ingests the bytes of one MLLP frame (or one file): every message they hold, each committed
/// and re-assessed before its ACK is returned.
pub async fn ingest_bytes(
    store: &Store,
    kb: &leuko_core::KnowledgeBase,
    site: &SiteCodes,
    bytes: &[u8],
) -> Vec<Ingested> {
    ingest_with(store, Some(kb), site, bytes).await
}

/// Stores the messages of one frame without re-assessing: each stored patient stays marked
/// pending until the caller re-assesses it ([`reassess`]).
pub async fn store_bytes(store: &Store, site: &SiteCodes, bytes: &[u8]) -> Vec<Ingested> {
    ingest_with(store, None, site, bytes).await
}

/// Re-assesses the patients sent on `patients` until the channel closes: those waiting together
/// once each (the latest history covers every result stored meanwhile), recording the alerts
/// not raised before and handing each patient's new alerts to `raised`.
pub async fn reassess(
    store: Store,
    kb: &'static leuko_core::KnowledgeBase,
    mut patients: tokio::sync::mpsc::UnboundedReceiver<String>,
    mut raised: impl FnMut(&str, Vec<String>),
) {
    while let Some(first) = patients.recv().await {
        let mut waiting = std::collections::BTreeSet::from([first]);
        while let Ok(patient) = patients.try_recv() {
            waiting.insert(patient);
        }
        for patient in waiting {
            match raise_alerts(&store, kb, &patient).await {
                Ok(alerts) if !alerts.is_empty() => raised(&patient, alerts),
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "re-assessment after a stored result failed"),
            }
        }
    }
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
                // An answer goes out when written: Nagle's algorithm would hold a second answer
                // back until the sender acknowledged the first, which a sender waiting for both
                // delays by up to 40 ms (a frame of three messages: 44 ms median before, 0.7 ms
                // with this and one write per frame below; bench/runs/2026-11-27-vm, session 10).
                let _ = socket.set_nodelay(true);
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
                            // The ACKs of a frame's messages leave in one write.
                            let replies: Vec<u8> = handle(content).await.iter().flat_map(|r| frame(r)).collect();
                            if socket.write_all(&replies).await.is_err() {
                                return;
                            }
                        }
                    }
                });
            }
        }
    }
}

/// Serves MLLP until `shutdown` completes: each connection's frames are received in order into
/// the durable inbox ([`Inbox`]) and each message answered with its ACK after that commit.
pub async fn serve_mllp(
    listener: tokio::net::TcpListener,
    store: Store,
    kb: &'static leuko_core::KnowledgeBase,
    site: SiteCodes,
    limits: MllpLimits,
    shutdown: impl std::future::Future<Output = ()> + Send,
) {
    let inbox = std::sync::Arc::new(Inbox::start(store, kb, std::sync::Arc::new(site)));
    serve_frames(listener, limits, shutdown, move |content: Vec<u8>| {
        let inbox = inbox.clone();
        async move { receive(&inbox, &content).await }
    })
    .await;
}

#[cfg(test)]
mod tests {
    #[test]
    fn ack_ids_are_unique_and_fit_msh_10() {
        let ids: std::collections::BTreeSet<String> = (0..1000).map(|_| super::ack_id()).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids.iter().all(|id| id.len() == 20 && id.starts_with("LK")), "{ids:?}");
    }
}
