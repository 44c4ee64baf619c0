//! Durable patient history for leuko: the FHIR resources of each patient (stored verbatim, one row
//! per resource identity), an append-only audit log, CDS Hooks card feedback and JWT `jti` replay
//! protection — behind one interface, on SQLite (the embedded default: a file, WAL, synchronous
//! commits) or PostgreSQL (by URL).
//!
//! A write is acknowledged only after its transaction has committed: SQLite runs with
//! `journal_mode=WAL` and `synchronous=FULL`, PostgreSQL with its default durable commit, so a
//! crash after the acknowledgement loses nothing.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::Value;

mod journal;

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database URL is not `sqlite:PATH` or `postgres://…`.
    #[error("unsupported database URL {0:?}: use sqlite:PATH or postgres://user@host/db")]
    Url(String),
    /// SQLite failed.
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL failed.
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    /// No PostgreSQL connection could be had from the pool.
    #[error("PostgreSQL pool: {0}")]
    Pool(String),
    /// A stored body is not JSON (the database was edited by hand).
    #[error("stored resource {0} is not valid JSON")]
    Corrupt(String),
    /// A blocking task was lost.
    #[error("storage task failed: {0}")]
    Task(String),
    /// The lab feed's journal (embedded store) could not be read or written.
    #[error("lab feed journal: {0}")]
    Journal(String),
}

/// A resource to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewResource {
    /// FHIR resource type.
    pub resource_type: String,
    /// Logical id.
    pub id: String,
    /// The patient it belongs to (the Patient's own id for a Patient).
    pub patient: String,
    /// The resource, verbatim.
    pub body: Value,
}

/// A resource already written as JSON text (serialised by the caller, outside the store's lock).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceText {
    /// FHIR resource type.
    pub resource_type: String,
    /// Logical id.
    pub id: String,
    /// The patient it belongs to (the Patient's own id for a Patient).
    pub patient: String,
    /// The resource as JSON text.
    pub body: String,
}

impl From<NewResource> for ResourceText {
    fn from(r: NewResource) -> ResourceText {
        ResourceText { body: r.body.to_string(), resource_type: r.resource_type, id: r.id, patient: r.patient }
    }
}

/// What a put did to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    /// A new resource identity.
    Created,
    /// A new version of a stored resource.
    Updated,
    /// The same content was already stored (an idempotent resend).
    Unchanged,
}

/// One audit-log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who called (JWT `iss`, or `dev` in development mode, or `anonymous`).
    pub caller: String,
    /// What was called (service id or route).
    pub service: String,
    /// For which patient, if any.
    pub patient: Option<String>,
    /// What was returned (status and a short summary, never clinical values).
    pub outcome: String,
}

/// Feedback on a CDS Hooks card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    /// Card uuid.
    pub card: String,
    /// The rule (service and card kind) that produced it.
    pub rule: String,
    /// `accepted` or `overridden`.
    pub outcome: String,
    /// Override reason code and display, if any.
    pub reason: Option<String>,
}

/// Override rate of one rule.
#[derive(Debug, Clone, PartialEq)]
pub struct OverrideStat {
    /// Rule.
    pub rule: String,
    /// Cards with feedback.
    pub total: u64,
    /// Of which overridden.
    pub overridden: u64,
}

/// A received HL7 message and the resources it maps to.
#[derive(Debug, Clone, PartialEq)]
pub struct Hl7Item {
    /// Idempotence key (sending facility and MSH-10, or the bytes).
    pub key: String,
    /// The patient it belongs to.
    pub patient: String,
    /// The message as received.
    pub raw: String,
    /// Its results and patient as FHIR resources.
    pub resources: Vec<ResourceText>,
}

/// A received message waiting in the inbox to be processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxMessage {
    /// Arrival order.
    pub seq: i64,
    /// Idempotence key (sending facility and MSH-10, or the bytes).
    pub key: String,
    /// The message as received.
    pub raw: String,
}

/// An alert raised for a patient (kept so that the same condition alerts once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaisedAlert {
    /// Deduplication key (kind, subject, episode).
    pub key: String,
    /// Kind.
    pub kind: String,
    /// `info`, `warning` or `critical`.
    pub level: String,
    /// Severity within the kind.
    pub severity: u8,
    /// Text.
    pub text: String,
    /// When it was raised (RFC 3339).
    pub raised: String,
}

/// The store.
#[derive(Clone)]
pub enum Store {
    /// Embedded SQLite: the history's connection (its writes are serialised) and the lab feed's
    /// inbox — for a file, a journal of its own beside the history (`PATH.journal/`), so that
    /// receiving a message never waits for a history write; in memory, a table of the history.
    Sqlite(Arc<Mutex<rusqlite::Connection>>, SqliteInbox),
    /// PostgreSQL (a connection pool; each transaction has a connection of its own).
    Postgres(deadpool_postgres::Pool),
}

/// The lab feed's inbox of an embedded store (see [`Store::inbox_put`]).
#[derive(Clone)]
pub struct SqliteInbox(InboxKind);

#[derive(Clone)]
enum InboxKind {
    /// A table on the history's connection (an in-memory store).
    Table(Arc<Mutex<rusqlite::Connection>>),
    /// The journal beside the history file.
    Journal(Arc<journal::Journal>),
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Store::Sqlite(..) => f.write_str("Store::Sqlite"),
            Store::Postgres(_) => f.write_str("Store::Postgres"),
        }
    }
}

const SQLITE_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS resources (
    resource_type TEXT NOT NULL,
    id TEXT NOT NULL,
    patient TEXT NOT NULL,
    body TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (resource_type, id)
);
CREATE INDEX IF NOT EXISTS resources_patient ON resources (patient);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    caller TEXT NOT NULL,
    service TEXT NOT NULL,
    patient TEXT,
    outcome TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS feedback (
    card TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jwt_ids (
    jti TEXT PRIMARY KEY,
    expires TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cards (
    card TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS hl7_messages (
    key TEXT PRIMARY KEY,
    patient TEXT NOT NULL,
    raw TEXT NOT NULL,
    received TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS hl7_cursor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts (
    patient TEXT NOT NULL,
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    severity INTEGER NOT NULL,
    text TEXT NOT NULL,
    raised TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_patient ON alerts (patient);
CREATE UNIQUE INDEX IF NOT EXISTS alerts_once ON alerts (patient, key, severity);
CREATE TABLE IF NOT EXISTS pending_assessment (
    patient TEXT PRIMARY KEY,
    seq BIGINT NOT NULL
);
";

const POSTGRES_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS resources (
    resource_type TEXT NOT NULL,
    id TEXT NOT NULL,
    patient TEXT NOT NULL,
    body TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (resource_type, id)
);
CREATE INDEX IF NOT EXISTS resources_patient ON resources (patient);
CREATE TABLE IF NOT EXISTS audit (
    seq BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    caller TEXT NOT NULL,
    service TEXT NOT NULL,
    patient TEXT,
    outcome TEXT NOT NULL
);
CREATE OR REPLACE FUNCTION leuko_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
DROP TRIGGER IF EXISTS audit_append_only ON audit;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION leuko_audit_append_only();
CREATE TABLE IF NOT EXISTS feedback (
    card TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jwt_ids (
    jti TEXT PRIMARY KEY,
    expires TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cards (
    card TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS hl7_messages (
    key TEXT PRIMARY KEY,
    patient TEXT NOT NULL,
    raw TEXT NOT NULL,
    received TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS hl7_cursor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS hl7_inbox (
    seq BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    raw TEXT NOT NULL,
    received TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts (
    patient TEXT NOT NULL,
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    severity BIGINT NOT NULL,
    text TEXT NOT NULL,
    raised TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_patient ON alerts (patient);
CREATE UNIQUE INDEX IF NOT EXISTS alerts_once ON alerts (patient, key, severity);
CREATE TABLE IF NOT EXISTS pending_assessment (
    patient TEXT PRIMARY KEY,
    seq BIGINT NOT NULL
);
";

/// The lab feed's inbox on SQLite (a file of its own): messages received, durably, and not yet
/// moved into the history (the history's `hl7_cursor` says how far processing has come).
const SQLITE_INBOX_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS hl7_inbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    raw TEXT NOT NULL,
    received TEXT NOT NULL
);
";

/// A received message into the inbox, unless its key is already there or in the history.
const INBOX_PUT: &str = "INSERT INTO hl7_inbox (key, raw, received) SELECT ?1, ?2, ?3
     WHERE NOT EXISTS (SELECT 1 FROM hl7_messages WHERE key = ?1) ON CONFLICT (key) DO NOTHING";
/// Drops the inbox rows processing has moved into the history.
const INBOX_TRIM: &str = "DELETE FROM hl7_inbox WHERE seq <= ?1";

/// How far processing has come (the inbox sequence number of the last message moved into the
/// history; 0 before the first).
const READ_CURSOR: &str = "SELECT COALESCE(MAX(seq), 0) FROM hl7_cursor";

fn now() -> String {
    Utc::now().to_rfc3339()
}

fn parse_time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

impl Store {
    /// Opens (and migrates) the store named by `url`: `sqlite:PATH` (created if missing),
    /// `sqlite::memory:`, or `postgres://…` / `postgresql://…`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path).to_owned();
            return tokio::task::spawn_blocking(move || Store::open_sqlite(&path))
                .await
                .map_err(|e| StoreError::Task(e.to_string()))?;
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Store::open_postgres(url, None).await;
        }
        Err(StoreError::Url(url.to_owned()))
    }

    /// Opens PostgreSQL with every table in `schema` (created if missing): one isolated store per
    /// test on a shared server.
    pub async fn open_postgres_schema(url: &str, schema: &str) -> Result<Store, StoreError> {
        Store::open_postgres(url, Some(schema)).await
    }

    fn open_sqlite(path: &str) -> Result<Store, StoreError> {
        let connection = if path == ":memory:" {
            rusqlite::Connection::open_in_memory()?
        } else {
            rusqlite::Connection::open(path)?
        };
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        connection.execute_batch(SQLITE_SCHEMA)?;
        if path == ":memory:" {
            connection.execute_batch(SQLITE_INBOX_SCHEMA)?;
            let only = Arc::new(Mutex::new(connection));
            return Ok(Store::Sqlite(Arc::clone(&only), SqliteInbox(InboxKind::Table(only))));
        }
        // The inbox: a journal with its own writer, which reads the history (read-only) for the
        // duplicate check; processing reads it without waiting for the writer.
        let journal = journal::Journal::open(std::path::Path::new(path), journal::SEGMENT_SIZE)?;
        journal.import_inbox(std::path::Path::new(&format!("{path}.inbox")))?;
        Ok(Store::Sqlite(Arc::new(Mutex::new(connection)), SqliteInbox(InboxKind::Journal(Arc::new(journal)))))
    }

    async fn open_postgres(url: &str, schema: Option<&str>) -> Result<Store, StoreError> {
        let mut config: tokio_postgres::Config = url.parse()?;
        if let Some(schema) = schema {
            let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
            let task = tokio::spawn(connection);
            client.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS \"{}\"", schema.replace('"', ""))).await?;
            drop(client);
            let _ = task.await;
            config.options(format!("-c search_path={}", schema.replace([' ', '"', '\''], "")));
        }
        let manager = deadpool_postgres::Manager::new(config, tokio_postgres::NoTls);
        let pool = deadpool_postgres::Pool::builder(manager)
            .max_size(8)
            .build()
            .map_err(|e| StoreError::Pool(e.to_string()))?;
        let store = Store::Postgres(pool);
        store.client().await?.batch_execute(POSTGRES_SCHEMA).await?;
        Ok(store)
    }

    /// A PostgreSQL read through the connection's statement cache (a query given as text is
    /// parsed and planned again on every call).
    async fn pg_query(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<tokio_postgres::Row>, StoreError> {
        let client = self.client().await?;
        let statement = client.prepare_cached(sql).await?;
        Ok(client.query(&statement, params).await?)
    }

    /// A PostgreSQL write through the connection's statement cache; the rows it changed.
    async fn pg_execute(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let statement = client.prepare_cached(sql).await?;
        Ok(client.execute(&statement, params).await?)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        match self {
            Store::Postgres(pool) => pool.get().await.map_err(|e| StoreError::Pool(e.to_string())),
            Store::Sqlite(..) => Err(StoreError::Pool("not a PostgreSQL store".to_owned())),
        }
    }

    async fn sqlite<T: Send + 'static>(
        connection: &Arc<Mutex<rusqlite::Connection>>,
        work: impl FnOnce(&mut rusqlite::Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let connection = Arc::clone(connection);
        tokio::task::spawn_blocking(move || {
            let mut guard = connection.lock().map_err(|_| StoreError::Task("SQLite connection poisoned".to_owned()))?;
            work(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Runs `work` in a SQLite transaction whose commit is synced to disk (`synchronous=FULL`
    /// for this commit; the connection otherwise runs `NORMAL`): what is acknowledged to a
    /// client survives a power loss, not only a crash of the process.
    fn durably<T>(
        connection: &mut rusqlite::Connection,
        work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        connection.pragma_update(None, "synchronous", "FULL")?;
        let result = (|| {
            let tx = connection.transaction()?;
            let out = work(&tx)?;
            tx.commit()?;
            Ok(out)
        })();
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        result
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(c, _) => Store::sqlite(c, |c| Ok(c.query_row("SELECT 1", [], |_| Ok(()))?)).await,
            Store::Postgres(_) => Ok(self.client().await?.simple_query("SELECT 1").await.map(|_| ())?),
        }
    }

    /// Stores resources in one transaction; a resend of the same content is `Unchanged`.
    pub async fn put(&self, resources: Vec<NewResource>) -> Result<Vec<PutOutcome>, StoreError> {
        let at = now();
        match self {
            Store::Sqlite(c, _) => {
                Store::sqlite(c, move |c| {
                    Store::durably(c, |tx| {
                    let mut out = Vec::with_capacity(resources.len());
                    for r in &resources {
                        let body = r.body.to_string();
                        let existing: Option<(String, i64)> = tx
                            .query_row(
                                "SELECT body, version FROM resources WHERE resource_type = ?1 AND id = ?2",
                                (&r.resource_type, &r.id),
                                |row| Ok((row.get(0)?, row.get(1)?)),
                            )
                            .map(Some)
                            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
                        let outcome = match existing {
                            Some((old, _)) if old == body => PutOutcome::Unchanged,
                            Some((_, version)) => {
                                tx.execute(
                                    "UPDATE resources SET body = ?1, patient = ?2, version = ?3, updated_at = ?4 WHERE resource_type = ?5 AND id = ?6",
                                    (&body, &r.patient, version + 1, &at, &r.resource_type, &r.id),
                                )?;
                                PutOutcome::Updated
                            }
                            None => {
                                tx.execute(
                                    "INSERT INTO resources (resource_type, id, patient, body, version, updated_at) VALUES (?1, ?2, ?3, ?4, 1, ?5)",
                                    (&r.resource_type, &r.id, &r.patient, &body, &at),
                                )?;
                                PutOutcome::Created
                            }
                        };
                        out.push(outcome);
                    }
                    Ok(out)
                    })
                })
                .await
            }
            Store::Postgres(_) => {
                let mut client = self.client().await?;
                let client = client.transaction().await?;
                let result = async {
                    let mut out = Vec::with_capacity(resources.len());
                    for r in &resources {
                        let body = r.body.to_string();
                        let row = client
                            .query_opt(
                                "SELECT body, version FROM resources WHERE resource_type = $1 AND id = $2 FOR UPDATE",
                                &[&r.resource_type, &r.id],
                            )
                            .await?;
                        let outcome = match row {
                            Some(row) if row.get::<_, String>(0) == body => PutOutcome::Unchanged,
                            Some(row) => {
                                let version: i64 = row.get(1);
                                client
                                    .execute(
                                        "UPDATE resources SET body = $1, patient = $2, version = $3, updated_at = $4 WHERE resource_type = $5 AND id = $6",
                                        &[&body, &r.patient, &(version + 1), &at, &r.resource_type, &r.id],
                                    )
                                    .await?;
                                PutOutcome::Updated
                            }
                            None => {
                                client
                                    .execute(
                                        "INSERT INTO resources (resource_type, id, patient, body, version, updated_at) VALUES ($1, $2, $3, $4, 1, $5)",
                                        &[&r.resource_type, &r.id, &r.patient, &body, &at],
                                    )
                                    .await?;
                                PutOutcome::Created
                            }
                        };
                        out.push(outcome);
                    }
                    Ok::<_, StoreError>(out)
                }
                .await;
                match result {
                    Ok(out) => {
                        client.commit().await?;
                        Ok(out)
                    }
                    Err(error) => {
                        let _ = client.rollback().await;
                        Err(error)
                    }
                }
            }
        }
    }

    /// Every stored resource of a patient (the Patient first, then by type and id).
    pub async fn patient_resources(&self, patient: &str) -> Result<Vec<Value>, StoreError> {
        let rows: Vec<(String, String, String)> = match self {
            Store::Sqlite(c, _) => {
                let patient = patient.to_owned();
                Store::sqlite(c, move |c| {
                    let mut statement = c.prepare(
                        "SELECT resource_type, id, body FROM resources WHERE patient = ?1 ORDER BY resource_type <> 'Patient', resource_type, id",
                    )?;
                    let rows = statement
                        .query_map([&patient], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(rows)
                })
                .await?
            }
            Store::Postgres(_) => self
                .pg_query(
                    "SELECT resource_type, id, body FROM resources WHERE patient = $1 ORDER BY resource_type <> 'Patient', resource_type, id",
                    &[&patient],
                )
                .await?
                .into_iter()
                .map(|row| (row.get(0), row.get(1), row.get(2)))
                .collect(),
        };
        rows.into_iter()
            .map(|(kind, id, body)| {
                serde_json::from_str(&body).map_err(|_| StoreError::Corrupt(format!("{kind}/{id}")))
            })
            .collect()
    }

    /// One stored resource.
    pub async fn resource(&self, resource_type: &str, id: &str) -> Result<Option<Value>, StoreError> {
        let body: Option<String> = match self {
            Store::Sqlite(c, _) => {
                let (kind, key) = (resource_type.to_owned(), id.to_owned());
                Store::sqlite(c, move |c| {
                    Ok(c.query_row(
                        "SELECT body FROM resources WHERE resource_type = ?1 AND id = ?2",
                        (&kind, &key),
                        |row| row.get(0),
                    )
                    .map(Some)
                    .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?)
                })
                .await?
            }
            Store::Postgres(_) => self
                .client()
                .await?
                .query_opt("SELECT body FROM resources WHERE resource_type = $1 AND id = $2", &[&resource_type, &id])
                .await?
                .map(|row| row.get::<_, String>(0)),
        };
        body.map(|b| serde_json::from_str(&b).map_err(|_| StoreError::Corrupt(format!("{resource_type}/{id}"))))
            .transpose()
    }

    /// Ids of every patient with stored resources.
    pub async fn patients(&self) -> Result<Vec<String>, StoreError> {
        match self {
            Store::Sqlite(c, _) => {
                Store::sqlite(c, |c| {
                    let mut statement = c.prepare("SELECT DISTINCT patient FROM resources ORDER BY patient")?;
                    let rows = statement.query_map([], |row| row.get(0))?.collect::<Result<Vec<String>, _>>()?;
                    Ok(rows)
                })
                .await
            }
            Store::Postgres(_) => Ok(self
                .client()
                .await?
                .query("SELECT DISTINCT patient FROM resources ORDER BY patient", &[])
                .await?
                .into_iter()
                .map(|row| row.get(0))
                .collect()),
        }
    }

    /// Appends to the audit log.
    pub async fn audit(&self, entry: AuditEntry) -> Result<(), StoreError> {
        let at = entry.at.to_rfc3339();
        match self {
            Store::Sqlite(c, _) => {
                Store::sqlite(c, move |c| {
                    c.execute(
                        "INSERT INTO audit (at, caller, service, patient, outcome) VALUES (?1, ?2, ?3, ?4, ?5)",
                        (&at, &entry.caller, &entry.service, &entry.patient, &entry.outcome),
                    )?;
                    Ok(())
                })
                .await
            }
            Store::Postgres(_) => {
                self.client()
                    .await?
                    .execute(
                        "INSERT INTO audit (at, caller, service, patient, outcome) VALUES ($1, $2, $3, $4, $5)",
                        &[&at, &entry.caller, &entry.service, &entry.patient, &entry.outcome],
                    )
                    .await?;
                Ok(())
            }
        }
    }

    /// The audit log, oldest first.
    pub async fn audit_log(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let rows: Vec<(String, String, String, Option<String>, String)> = match self {
            Store::Sqlite(c, _) => {
                Store::sqlite(c, |c| {
                    let mut statement =
                        c.prepare("SELECT at, caller, service, patient, outcome FROM audit ORDER BY seq")?;
                    let rows = statement
                        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)))?
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(rows)
                })
                .await?
            }
            Store::Postgres(_) => self
                .client()
                .await?
                .query("SELECT at, caller, service, patient, outcome FROM audit ORDER BY seq", &[])
                .await?
                .into_iter()
                .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4)))
                .collect(),
        };
        Ok(rows
            .into_iter()
            .map(|(at, caller, service, patient, outcome)| AuditEntry {
                at: parse_time(&at),
                caller,
                service,
                patient,
                outcome,
            })
            .collect())
    }

    /// Records feedback on a card (the latest feedback for a card replaces an earlier one).
    pub async fn feedback(&self, feedback: Feedback) -> Result<(), StoreError> {
        let at = now();
        match self {
            Store::Sqlite(c, _) => {
                Store::sqlite(c, move |c| {
                    c.execute(
                        "INSERT INTO feedback (card, rule, outcome, reason, at) VALUES (?1, ?2, ?3, ?4, ?5)
                         ON CONFLICT (card) DO UPDATE SET rule = excluded.rule, outcome = excluded.outcome, reason = excluded.reason, at = excluded.at",
                        (&feedback.card, &feedback.rule, &feedback.outcome, &feedback.reason, &at),
                    )?;
                    Ok(())
                })
                .await
            }
            Store::Postgres(_) => {
                self.client()
                    .await?
                    .execute(
                        "INSERT INTO feedback (card, rule, outcome, reason, at) VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (card) DO UPDATE SET rule = excluded.rule, outcome = excluded.outcome, reason = excluded.reason, at = excluded.at",
                        &[&feedback.card, &feedback.rule, &feedback.outcome, &feedback.reason, &at],
                    )
                    .await?;
                Ok(())
            }
        }
    }

    /// Override rate per rule.
    pub async fn override_stats(&self) -> Result<Vec<OverrideStat>, StoreError> {
        const QUERY: &str = "SELECT rule, COUNT(*), SUM(CASE WHEN outcome = 'overridden' THEN 1 ELSE 0 END) FROM feedback GROUP BY rule ORDER BY rule";
        match self {
            Store::Sqlite(c, _) => {
                Store::sqlite(c, |c| {
                    let mut statement = c.prepare(QUERY)?;
                    let rows = statement
                        .query_map([], |row| {
                            Ok(OverrideStat {
                                rule: row.get(0)?,
                                total: row.get::<_, i64>(1)? as u64,
                                overridden: row.get::<_, i64>(2)? as u64,
                            })
                        })?
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(rows)
                })
                .await
            }
            Store::Postgres(_) => Ok(self
                .client()
                .await?
                .query(QUERY, &[])
                .await?
                .into_iter()
                .map(|row| OverrideStat {
                    rule: row.get(0),
                    total: row.get::<_, i64>(1) as u64,
                    overridden: row.get::<_, i64>(2) as u64,
                })
                .collect()),
        }
    }

    /// Records a JWT id until it expires; false when it was already seen (a replay).
    pub async fn remember_jti(&self, jti: &str, expires: DateTime<Utc>) -> Result<bool, StoreError> {
        let (jti, expires, now) = (jti.to_owned(), expires.to_rfc3339(), now());
        match self {
            Store::Sqlite(c, _) => {
                Store::sqlite(c, move |c| {
                    c.execute("DELETE FROM jwt_ids WHERE expires < ?1", [&now])?;
                    let inserted = c.execute(
                        "INSERT INTO jwt_ids (jti, expires) VALUES (?1, ?2) ON CONFLICT (jti) DO NOTHING",
                        (&jti, &expires),
                    )?;
                    Ok(inserted == 1)
                })
                .await
            }
            Store::Postgres(_) => {
                let client = self.client().await?;
                client.execute("DELETE FROM jwt_ids WHERE expires < $1", &[&now]).await?;
                let inserted = client
                    .execute(
                        "INSERT INTO jwt_ids (jti, expires) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING",
                        &[&jti, &expires],
                    )
                    .await?;
                Ok(inserted == 1)
            }
        }
    }

    /// The rule that produced a card, if it was issued here.
    pub async fn card_rule(&self, card: &str) -> Result<Option<String>, StoreError> {
        match self {
            Store::Sqlite(c, _) => {
                let card = card.to_owned();
                Store::sqlite(c, move |c| {
                    Ok(c.query_row("SELECT rule FROM cards WHERE card = ?1", [&card], |row| row.get(0))
                        .map(Some)
                        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?)
                })
                .await
            }
            Store::Postgres(_) => Ok(self
                .client()
                .await?
                .query_opt("SELECT rule FROM cards WHERE card = $1", &[&card])
                .await?
                .map(|row| row.get(0))),
        }
    }

    /// Registers hook calls — each with its cards and its audit line — in one transaction.
    pub async fn record_calls(&self, calls: Vec<(Vec<(String, String)>, AuditEntry)>) -> Result<(), StoreError> {
        const CARD: &str = "INSERT INTO cards (card, rule, at) VALUES (?1, ?2, ?3) ON CONFLICT (card) DO NOTHING";
        const AUDIT: &str = "INSERT INTO audit (at, caller, service, patient, outcome) VALUES (?1, ?2, ?3, ?4, ?5)";
        let at = now();
        match self {
            Store::Sqlite(c, _) => {
                Store::sqlite(c, move |c| {
                    let tx = c.transaction()?;
                    {
                        let mut card = tx.prepare_cached(CARD)?;
                        let mut audit = tx.prepare_cached(AUDIT)?;
                        for (cards, entry) in &calls {
                            for (id, rule) in cards {
                                card.execute((id, rule, &at))?;
                            }
                            let when = entry.at.to_rfc3339();
                            audit.execute((&when, &entry.caller, &entry.service, &entry.patient, &entry.outcome))?;
                        }
                    }
                    tx.commit()?;
                    Ok(())
                })
                .await
            }
            Store::Postgres(_) => {
                let mut client = self.client().await?;
                let tx = client.transaction().await?;
                let card = tx.prepare_cached(&CARD.replace('?', "$")).await?;
                let audit = tx.prepare_cached(&AUDIT.replace('?', "$")).await?;
                for (cards, entry) in &calls {
                    for (id, rule) in cards {
                        tx.execute(&card, &[id, rule, &at]).await?;
                    }
                    let when = entry.at.to_rfc3339();
                    tx.execute(&audit, &[&when, &entry.caller, &entry.service, &entry.patient, &entry.outcome]).await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    }

    /// Stores a received HL7 message verbatim with the resources it maps to, in one transaction.
    /// A message already stored under `key` (sending facility and MSH-10, or its bytes) changes
    /// nothing: `Ok(false)`.
    pub async fn ingest_hl7(
        &self,
        key: &str,
        patient: &str,
        raw: &str,
        resources: Vec<NewResource>,
    ) -> Result<bool, StoreError> {
        let resources = resources.into_iter().map(ResourceText::from).collect();
        let item = Hl7Item { key: key.to_owned(), patient: patient.to_owned(), raw: raw.to_owned(), resources };
        Ok(self.ingest_hl7_batch(vec![item]).await?.first().copied().unwrap_or(false))
    }

    /// Stores several received HL7 messages in one transaction (group commit: one durable
    /// commit covers them all); for each, whether it was new.
    pub async fn ingest_hl7_batch(&self, items: Vec<Hl7Item>) -> Result<Vec<bool>, StoreError> {
        self.store_hl7(items, None).await
    }

    /// Receives raw HL7 messages into the lab feed's inbox, in one transaction synced to disk
    /// (group commit); for each, whether it was new — not already in the inbox nor stored in the
    /// history under the same key. The same transaction drops the inbox rows that processing has
    /// moved into the history (sequence numbers up to `processed`, see [`Store::inbox_cursor`]).
    pub async fn inbox_put(&self, messages: Vec<(String, String)>, processed: i64) -> Result<Vec<bool>, StoreError> {
        match self {
            Store::Sqlite(_, SqliteInbox(InboxKind::Table(inbox))) => {
                Store::sqlite(inbox, move |c| Store::sqlite_inbox_put(c, &messages, processed)).await
            }
            Store::Sqlite(_, SqliteInbox(InboxKind::Journal(journal))) => {
                Store::journal(journal, move |j| j.put(&messages, processed)).await
            }
            Store::Postgres(_) => {
                let at = now();
                let mut client = self.client().await?;
                let tx = client.transaction().await?;
                let put = tx.prepare_cached(&INBOX_PUT.replace('?', "$")).await?;
                let trim = tx.prepare_cached(&INBOX_TRIM.replace('?', "$")).await?;
                tx.execute(&trim, &[&processed]).await?;
                type Param<'p> = &'p (dyn tokio_postgres::types::ToSql + Sync);
                // Pipelined, and executed in order: a key sent twice in one batch is new only the
                // first time.
                let inserted = futures::future::try_join_all(messages.iter().map(|(key, raw)| {
                    let params: [Param<'_>; 3] = [key, raw, &at];
                    tx.execute_raw(&put, params)
                }))
                .await?;
                tx.commit().await?;
                Ok(inserted.iter().map(|&n| n == 1).collect())
            }
        }
    }

    /// [`Store::inbox_put`] on the calling thread, for a thread that does nothing else (the lab
    /// feed's committer): SQLite runs right here, without a hop to the blocking pool;
    /// PostgreSQL runs on `runtime`. Not to be called from async code.
    pub fn inbox_put_blocking(
        &self,
        runtime: &tokio::runtime::Handle,
        messages: Vec<(String, String)>,
        processed: i64,
    ) -> Result<Vec<bool>, StoreError> {
        match self {
            Store::Sqlite(_, SqliteInbox(InboxKind::Table(inbox))) => {
                let mut connection =
                    inbox.lock().map_err(|_| StoreError::Task("SQLite connection poisoned".to_owned()))?;
                Store::sqlite_inbox_put(&mut connection, &messages, processed)
            }
            Store::Sqlite(_, SqliteInbox(InboxKind::Journal(journal))) => journal.put(&messages, processed),
            Store::Postgres(_) => runtime.block_on(self.inbox_put(messages, processed)),
        }
    }

    /// The in-memory store's inbox table.
    fn sqlite_inbox_put(
        c: &mut rusqlite::Connection,
        messages: &[(String, String)],
        processed: i64,
    ) -> Result<Vec<bool>, StoreError> {
        let at = now();
        let tx = c.transaction()?;
        tx.prepare_cached(INBOX_TRIM)?.execute([processed])?;
        let mut out = Vec::with_capacity(messages.len());
        {
            let mut put = tx.prepare_cached(INBOX_PUT)?;
            for (key, raw) in messages {
                out.push(put.execute((key, raw, &at))? == 1);
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// Runs work on the embedded store's journal on the blocking pool (it writes, syncs and reads
    /// files).
    async fn journal<T: Send + 'static>(
        journal: &Arc<journal::Journal>,
        work: impl FnOnce(&journal::Journal) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let journal = Arc::clone(journal);
        tokio::task::spawn_blocking(move || work(&journal)).await.map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Whether this store receives the lab feed: false when another process owns the embedded
    /// store's journal (that process receives and processes; this one would answer AE).
    pub fn owns_lab_feed(&self) -> bool {
        match self {
            Store::Sqlite(_, SqliteInbox(InboxKind::Journal(journal))) => journal.owned(),
            Store::Sqlite(..) | Store::Postgres(_) => true,
        }
    }

    /// Gets the lab feed's inbox ready to receive (on an embedded store, the journal's first
    /// segment is prepared on a thread of its own); a listener calls this when it starts.
    pub fn prepare_lab_feed(&self) {
        if let Store::Sqlite(_, SqliteInbox(InboxKind::Journal(journal))) = self {
            journal.prepare();
        }
    }

    /// How far processing has come: the inbox sequence number of the last message moved into
    /// the history (0 before the first).
    pub async fn inbox_cursor(&self) -> Result<i64, StoreError> {
        match self {
            Store::Sqlite(c, _) => Store::sqlite(c, |c| Ok(c.query_row(READ_CURSOR, [], |row| row.get(0))?)).await,
            Store::Postgres(_) => Ok(self.pg_query(READ_CURSOR, &[]).await?.first().map_or(0, |row| row.get(0))),
        }
    }

    /// The oldest messages received after `cursor` (at most `limit`), in arrival order.
    pub async fn inbox_take(&self, cursor: i64, limit: usize) -> Result<Vec<InboxMessage>, StoreError> {
        const TAKE: &str = "SELECT seq, key, raw FROM hl7_inbox WHERE seq > ?1 ORDER BY seq LIMIT ?2";
        if let Store::Sqlite(_, SqliteInbox(InboxKind::Journal(journal))) = self {
            return Store::journal(journal, move |j| j.take(cursor, limit)).await;
        }
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        match self {
            Store::Sqlite(history, _) => {
                Store::sqlite(history, move |c| {
                    let mut statement = c.prepare_cached(TAKE)?;
                    let rows = statement
                        .query_map([cursor, limit], |row| {
                            Ok(InboxMessage { seq: row.get(0)?, key: row.get(1)?, raw: row.get(2)? })
                        })?
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(rows)
                })
                .await
            }
            Store::Postgres(_) => Ok(self
                .pg_query(&TAKE.replace('?', "$"), &[&cursor, &limit])
                .await?
                .into_iter()
                .map(|row| InboxMessage { seq: row.get(0), key: row.get(1), raw: row.get(2) })
                .collect()),
        }
    }

    /// Stores processed inbox messages with their resources and moves the cursor to `through`
    /// (the last one's sequence number), in one transaction of the history; for each item,
    /// whether it was new. This commit is not synced on its own (SQLite `synchronous=NORMAL`):
    /// a power loss that undoes it leaves the cursor behind, and the messages, still in the
    /// synced inbox, are processed again.
    pub async fn inbox_processed(&self, items: Vec<Hl7Item>, through: i64) -> Result<Vec<bool>, StoreError> {
        self.store_hl7(items, Some(through)).await
    }

    /// How many received messages wait for processing.
    pub async fn inbox_waiting(&self) -> Result<u64, StoreError> {
        const COUNT: &str = "SELECT COUNT(*) FROM hl7_inbox WHERE seq > ?1";
        let cursor = self.inbox_cursor().await?;
        match self {
            // Another process's journal is read from its files: off the async workers.
            Store::Sqlite(_, SqliteInbox(InboxKind::Journal(journal))) => {
                Store::journal(journal, move |j| j.waiting(cursor)).await
            }
            Store::Sqlite(_, SqliteInbox(InboxKind::Table(inbox))) => {
                Store::sqlite(inbox, move |c| Ok(c.query_row(COUNT, [cursor], |row| row.get::<_, i64>(0))? as u64))
                    .await
            }
            Store::Postgres(_) => {
                let rows = self.pg_query(&COUNT.replace('?', "$"), &[&cursor]).await?;
                Ok(rows.first().map_or(0, |row| row.get::<_, i64>(0)) as u64)
            }
        }
    }

    /// Stores HL7 messages with their resources and marks their patients pending, in one
    /// transaction; a direct write (`cursor` None) is synced to disk, inbox processing moves the
    /// cursor in the same transaction and is not synced on its own.
    async fn store_hl7(&self, items: Vec<Hl7Item>, cursor: Option<i64>) -> Result<Vec<bool>, StoreError> {
        const MESSAGE: &str = "INSERT INTO hl7_messages (key, patient, raw, received) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (key) DO NOTHING";
        // The patient is marked for re-assessment in the same transaction, so that no stored
        // result escapes it even if the process dies before the alerts are raised.
        const PENDING: &str = "INSERT INTO pending_assessment (patient, seq) VALUES (?1, 1)
             ON CONFLICT (patient) DO UPDATE SET seq = pending_assessment.seq + 1";
        // A stored result is replaced by a later version of itself (a correction), never moved to
        // another patient: result ids name their patient (leuko_hl7::map), and this guards it.
        const RESOURCE: &str = "INSERT INTO resources (resource_type, id, patient, body, version, updated_at) VALUES (?1, ?2, ?3, ?4, 1, ?5)
             ON CONFLICT (resource_type, id) DO UPDATE SET body = excluded.body,
             version = resources.version + 1, updated_at = excluded.updated_at
             WHERE resources.body <> excluded.body AND resources.patient = excluded.patient";
        const CURSOR: &str =
            "INSERT INTO hl7_cursor (id, seq) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq";
        let at = now();
        match self {
            Store::Sqlite(c, _) => {
                Store::sqlite(c, move |c| {
                    let work = |tx: &rusqlite::Transaction<'_>| {
                        let mut message = tx.prepare_cached(MESSAGE)?;
                        let mut resource = tx.prepare_cached(RESOURCE)?;
                        let mut pending = tx.prepare_cached(PENDING)?;
                        let mut out = Vec::with_capacity(items.len());
                        for item in &items {
                            let inserted = message.execute((&item.key, &item.patient, &item.raw, &at))? == 1;
                            if inserted {
                                for r in &item.resources {
                                    resource.execute((&r.resource_type, &r.id, &r.patient, &r.body, &at))?;
                                }
                                if !item.resources.is_empty() {
                                    pending.execute([&item.patient])?;
                                }
                            }
                            out.push(inserted);
                        }
                        if let Some(seq) = cursor {
                            tx.prepare_cached(CURSOR)?.execute([seq])?;
                        }
                        Ok(out)
                    };
                    if cursor.is_none() {
                        Store::durably(c, work)
                    } else {
                        let tx = c.transaction()?;
                        let out = work(&tx)?;
                        tx.commit()?;
                        Ok(out)
                    }
                })
                .await
            }
            Store::Postgres(_) => {
                let mut client = self.client().await?;
                let tx = client.transaction().await?;
                // Prepared once per batch (each `execute` of text would prepare again), and the
                // statements of the batch pipelined: sent together, executed in order.
                let message = tx.prepare_cached(&MESSAGE.replace('?', "$")).await?;
                let resource = tx.prepare_cached(&RESOURCE.replace('?', "$")).await?;
                let pending = tx.prepare_cached(&PENDING.replace('?', "$")).await?;
                let moved = tx.prepare_cached(&CURSOR.replace('?', "$")).await?;
                type Param<'p> = &'p (dyn tokio_postgres::types::ToSql + Sync);
                let inserted = futures::future::try_join_all(items.iter().map(|item| {
                    let params: [Param<'_>; 4] = [&item.key, &item.patient, &item.raw, &at];
                    tx.execute_raw(&message, params)
                }))
                .await?;
                let out: Vec<bool> = inserted.iter().map(|&n| n == 1).collect();
                let mut writes = Vec::new();
                for item in items.iter().zip(&out).filter(|(_, new)| **new).map(|(item, _)| item) {
                    for r in &item.resources {
                        let params: Vec<Param<'_>> = vec![&r.resource_type, &r.id, &r.patient, &r.body, &at];
                        writes.push(tx.execute_raw(&resource, params));
                    }
                    if !item.resources.is_empty() {
                        let params: Vec<Param<'_>> = vec![&item.patient];
                        writes.push(tx.execute_raw(&pending, params));
                    }
                }
                if let Some(seq) = &cursor {
                    let params: Vec<Param<'_>> = vec![seq];
                    writes.push(tx.execute_raw(&moved, params));
                }
                futures::future::try_join_all(writes).await?;
                tx.commit().await?;
                Ok(out)
            }
        }
    }

    /// How many HL7 messages are stored.
    pub async fn hl7_count(&self) -> Result<u64, StoreError> {
        match self {
            Store::Sqlite(c, _) => {
                Store::sqlite(c, |c| {
                    Ok(c.query_row("SELECT COUNT(*) FROM hl7_messages", [], |row| row.get::<_, i64>(0))? as u64)
                })
                .await
            }
            Store::Postgres(_) => {
                Ok(self.client().await?.query_one("SELECT COUNT(*) FROM hl7_messages", &[]).await?.get::<_, i64>(0)
                    as u64)
            }
        }
    }

    /// Every alert raised for a patient, oldest first.
    pub async fn raised_alerts(&self, patient: &str) -> Result<Vec<RaisedAlert>, StoreError> {
        const QUERY_SQLITE: &str =
            "SELECT key, kind, level, severity, text, raised FROM alerts WHERE patient = ?1 ORDER BY raised, rowid";
        const QUERY_PG: &str =
            "SELECT key, kind, level, severity, text, raised FROM alerts WHERE patient = $1 ORDER BY raised, ctid";
        match self {
            Store::Sqlite(c, _) => {
                let patient = patient.to_owned();
                Store::sqlite(c, move |c| {
                    let mut statement = c.prepare(QUERY_SQLITE)?;
                    let rows = statement
                        .query_map([&patient], |row| {
                            Ok(RaisedAlert {
                                key: row.get(0)?,
                                kind: row.get(1)?,
                                level: row.get(2)?,
                                severity: row.get::<_, i64>(3)? as u8,
                                text: row.get(4)?,
                                raised: row.get(5)?,
                            })
                        })?
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(rows)
                })
                .await
            }
            Store::Postgres(_) => Ok(self
                .pg_query(QUERY_PG, &[&patient])
                .await?
                .into_iter()
                .map(|row| RaisedAlert {
                    key: row.get(0),
                    kind: row.get(1),
                    level: row.get(2),
                    severity: row.get::<_, i64>(3) as u8,
                    text: row.get(4),
                    raised: row.get(5),
                })
                .collect()),
        }
    }

    /// Records newly raised alerts and returns those recorded now: an alert already recorded for
    /// the patient with the same key and severity (raised meanwhile by another re-assessment of
    /// the same patient) is not recorded twice.
    pub async fn record_alerts(&self, patient: &str, alerts: Vec<RaisedAlert>) -> Result<Vec<RaisedAlert>, StoreError> {
        const INSERT: &str = "INSERT INTO alerts (patient, key, kind, level, severity, text, raised)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (patient, key, severity) DO NOTHING";
        if alerts.is_empty() {
            return Ok(Vec::new());
        }
        let patient = patient.to_owned();
        let inserted: Vec<bool> = match self {
            Store::Sqlite(c, _) => {
                let (patient, alerts) = (patient.clone(), alerts.clone());
                Store::sqlite(c, move |c| {
                    let tx = c.transaction()?;
                    let mut out = Vec::with_capacity(alerts.len());
                    for a in &alerts {
                        let row = (&patient, &a.key, &a.kind, &a.level, i64::from(a.severity), &a.text, &a.raised);
                        out.push(tx.execute(INSERT, row)? == 1);
                    }
                    tx.commit()?;
                    Ok(out)
                })
                .await?
            }
            Store::Postgres(_) => {
                let mut client = self.client().await?;
                let tx = client.transaction().await?;
                let statement = tx.prepare_cached(&INSERT.replace('?', "$")).await?;
                let mut out = Vec::with_capacity(alerts.len());
                for a in &alerts {
                    let row: [&(dyn tokio_postgres::types::ToSql + Sync); 7] =
                        [&patient, &a.key, &a.kind, &a.level, &i64::from(a.severity), &a.text, &a.raised];
                    out.push(tx.execute(&statement, &row).await? == 1);
                }
                tx.commit().await?;
                out
            }
        };
        Ok(alerts.into_iter().zip(inserted).filter_map(|(a, new)| new.then_some(a)).collect())
    }

    /// Patients with stored results not yet re-assessed, each with its marker (pass it back to
    /// [`Store::assessed`]).
    pub async fn pending_assessments(&self) -> Result<Vec<(String, i64)>, StoreError> {
        const QUERY: &str = "SELECT patient, seq FROM pending_assessment ORDER BY patient";
        match self {
            Store::Sqlite(c, _) => {
                Store::sqlite(c, |c| {
                    let mut statement = c.prepare(QUERY)?;
                    let rows = statement
                        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(rows)
                })
                .await
            }
            Store::Postgres(_) => Ok(self
                .client()
                .await?
                .query(QUERY, &[])
                .await?
                .into_iter()
                .map(|row| (row.get(0), row.get(1)))
                .collect()),
        }
    }

    /// The patient's marker, read before a re-assessment.
    pub async fn pending_marker(&self, patient: &str) -> Result<Option<i64>, StoreError> {
        match self {
            Store::Sqlite(c, _) => {
                let patient = patient.to_owned();
                Store::sqlite(c, move |c| {
                    Ok(c.query_row("SELECT seq FROM pending_assessment WHERE patient = ?1", [&patient], |row| {
                        row.get(0)
                    })
                    .map(Some)
                    .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?)
                })
                .await
            }
            Store::Postgres(_) => Ok(self
                .pg_query("SELECT seq FROM pending_assessment WHERE patient = $1", &[&patient])
                .await?
                .first()
                .map(|row| row.get(0))),
        }
    }

    /// Clears a patient's re-assessment marker, unless results were stored after `seq` was read.
    pub async fn assessed(&self, patient: &str, seq: i64) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(c, _) => {
                let patient = patient.to_owned();
                Store::sqlite(c, move |c| {
                    c.execute("DELETE FROM pending_assessment WHERE patient = ?1 AND seq = ?2", (&patient, seq))?;
                    Ok(())
                })
                .await
            }
            Store::Postgres(_) => {
                self.pg_execute("DELETE FROM pending_assessment WHERE patient = $1 AND seq = $2", &[&patient, &seq])
                    .await?;
                Ok(())
            }
        }
    }
}
