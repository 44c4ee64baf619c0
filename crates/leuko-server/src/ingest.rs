//! The lab feed, embedded mode: HL7 v2 result messages over MLLP (or replayed from a file) into
//! the patient history. A message is acknowledged only after its transaction has committed; a
//! resent message (same sending facility and MSH-10, or the same bytes) is acknowledged again and
//! not processed twice.

use std::time::Duration;

use chrono::Utc;
use leuko_hl7::mllp::{AckCode, Deframer, ack, frame, reject_unparsed};
use leuko_hl7::{Message, SiteCodes};
use leuko_store::{NewResource, Store};
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
    let resources = store.patient_resources(patient).await?;
    let Ok(input) = crate::records(&resources) else { return Ok(Vec::new()) };
    let Some(record) = input.patients.iter().find(|p| p.id.as_deref() == Some(patient)) else { return Ok(Vec::new()) };
    let now = Utc::now();
    let assessment = leuko_core::assess(kb, record, now, &leuko_core::AssessConfig { site_intervals: Vec::new() });
    let raised: Vec<leuko_core::Alert> = store
        .raised_alerts(patient)
        .await?
        .into_iter()
        .map(|a| leuko_core::Alert {
            kind: a.kind,
            level: match a.level.as_str() {
                "critical" => leuko_core::AlertLevel::Critical,
                "warning" => leuko_core::AlertLevel::Warning,
                _ => leuko_core::AlertLevel::Info,
            },
            subject: a.key.split('|').nth(1).unwrap_or_default().to_owned(),
            episode: a.key.split('|').nth(2).filter(|e| !e.is_empty()).and_then(|e| {
                chrono::NaiveDate::parse_from_str(e, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|t| t.and_utc())
            }),
            severity: a.severity,
            text: a.text,
        })
        .collect();
    let fresh: Vec<leuko_store::RaisedAlert> = leuko_core::new_alerts(&raised, &assessment.alerts)
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
    Ok(texts)
}

async fn one(store: &Store, kb: &leuko_core::KnowledgeBase, site: &SiteCodes, message: &Message) -> Ingested {
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
    let resources: Vec<NewResource> = leuko_fhir::record_resources(&mapped.record, &patient)
        .into_iter()
        .map(|body| NewResource {
            resource_type: body["resourceType"].as_str().unwrap_or_default().to_owned(),
            id: body["id"].as_str().unwrap_or_default().to_owned(),
            patient: patient.clone(),
            body,
        })
        .collect();
    let results = resources.len().saturating_sub(1);
    match store.ingest_hl7(&key, &patient, &message.raw, resources).await {
        Ok(true) => {
            // Committed: acknowledge, then re-assess the history and raise what is new.
            let alerts = match raise_alerts(store, kb, &patient).await {
                Ok(alerts) => alerts,
                Err(error) => {
                    tracing::error!(%error, "re-assessment after a stored result failed");
                    Vec::new()
                }
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

/// Ingests the bytes of one MLLP frame (or one file): every message they hold.
pub async fn ingest_bytes(
    store: &Store,
    kb: &leuko_core::KnowledgeBase,
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
    serve_frames(listener, limits, shutdown, move |content: Vec<u8>| {
        let (store, site) = (store.clone(), site.clone());
        async move { ingest_bytes(&store, kb, &site, &content).await.into_iter().map(|i| i.ack).collect() }
    })
    .await;
}
