//! The same storage behaviour on SQLite (always) and PostgreSQL (when `DATABASE_URL` names a
//! server; each test works in a schema of its own and drops it).

#![allow(clippy::print_stderr, reason = "a skipped PostgreSQL run says so")]

use chrono::{Duration, Utc};
use leuko_store::{AuditEntry, Feedback, NewResource, PutOutcome, Store};
use serde_json::json;

/// Every store to test: a fresh SQLite file, and PostgreSQL in a fresh schema when configured.
async fn stores(name: &str) -> Vec<(Store, Option<(String, String)>, tempfile_path::Path)> {
    let mut out = Vec::new();
    let path = tempfile_path::Path::new(name);
    out.push((Store::open(&format!("sqlite:{}", path.0.display())).await.expect("SQLite opens"), None, path));
    match std::env::var("DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => {
            let schema = format!("leuko_test_{}_{}", name, uuid::Uuid::new_v4().simple());
            let store = Store::open_postgres_schema(&url, &schema).await.expect("PostgreSQL opens");
            out.push((store, Some((url, schema)), tempfile_path::Path::new(&format!("{name}-pg"))));
        }
        _ => eprintln!("DATABASE_URL not set: PostgreSQL storage tests skipped"),
    }
    out
}

async fn drop_schema(cleanup: Option<(String, String)>) {
    if let Some((url, schema)) = cleanup {
        let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.expect("connects");
        tokio::spawn(connection);
        client.batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE")).await.expect("schema dropped");
    }
}

mod tempfile_path {
    /// A file path under the system temporary folder, removed (with its WAL files) on drop.
    pub(super) struct Path(pub(super) std::path::PathBuf);
    impl Path {
        pub(super) fn new(name: &str) -> Path {
            Path(std::env::temp_dir().join(format!("leuko-store-{name}-{}.db", uuid::Uuid::new_v4().simple())))
        }
    }
    impl Drop for Path {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
            }
            let _ = std::fs::remove_dir_all(format!("{}.journal", self.0.display()));
        }
    }
}

fn observation(id: &str, value: f64) -> NewResource {
    NewResource {
        resource_type: "Observation".to_owned(),
        id: id.to_owned(),
        patient: "p1".to_owned(),
        body: json!({"resourceType": "Observation", "id": id, "valueQuantity": {"value": value}}),
    }
}

#[tokio::test]
async fn puts_are_idempotent_on_resource_identity() {
    for (store, cleanup, _path) in stores("idempotent").await {
        let patient = NewResource {
            resource_type: "Patient".to_owned(),
            id: "p1".to_owned(),
            patient: "p1".to_owned(),
            body: json!({"resourceType": "Patient", "id": "p1"}),
        };
        let first = store.put(vec![patient.clone(), observation("o1", 1.2)]).await.unwrap();
        assert_eq!(first, [PutOutcome::Created, PutOutcome::Created]);
        // The same content again: nothing changes.
        let again = store.put(vec![patient.clone(), observation("o1", 1.2)]).await.unwrap();
        assert_eq!(again, [PutOutcome::Unchanged, PutOutcome::Unchanged]);
        // A corrected value: a new version of the same resource, not a second one.
        let corrected = store.put(vec![observation("o1", 0.9)]).await.unwrap();
        assert_eq!(corrected, [PutOutcome::Updated]);
        let resources = store.patient_resources("p1").await.unwrap();
        assert_eq!(resources.len(), 2);
        assert_eq!(resources[0]["resourceType"], "Patient", "the Patient comes first");
        assert_eq!(resources[1]["valueQuantity"]["value"], 0.9);
        assert_eq!(store.resource("Observation", "o1").await.unwrap().unwrap()["valueQuantity"]["value"], 0.9);
        assert_eq!(store.resource("Observation", "missing").await.unwrap(), None);
        assert_eq!(store.patients().await.unwrap(), ["p1"]);
        store.ping().await.unwrap();
        drop_schema(cleanup).await;
    }
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    for (store, cleanup, path) in stores("audit").await {
        let entry = AuditEntry {
            at: Utc::now(),
            caller: "https://sandbox.cds-hooks.org".to_owned(),
            service: "patient-view".to_owned(),
            patient: Some("p1".to_owned()),
            outcome: "200: 2 cards".to_owned(),
        };
        store.audit(entry.clone()).await.unwrap();
        let log = store.audit_log().await.unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!((log[0].caller.as_str(), log[0].patient.as_deref()), (entry.caller.as_str(), Some("p1")));
        // Neither an update nor a delete is allowed by the database itself.
        match (&store, &cleanup) {
            (Store::Sqlite(..), _) => {
                let connection = rusqlite::Connection::open(&path.0).unwrap();
                assert!(connection.execute("UPDATE audit SET outcome = 'x'", []).is_err());
                assert!(connection.execute("DELETE FROM audit", []).is_err());
            }
            (Store::Postgres(_), Some((url, schema))) => {
                let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
                tokio::spawn(connection);
                assert!(client.batch_execute(&format!("UPDATE \"{schema}\".audit SET outcome = 'x'")).await.is_err());
                assert!(client.batch_execute(&format!("DELETE FROM \"{schema}\".audit")).await.is_err());
            }
            _ => unreachable!("a PostgreSQL store always has its schema"),
        }
        assert_eq!(store.audit_log().await.unwrap().len(), 1);
        drop_schema(cleanup).await;
    }
}

#[tokio::test]
async fn feedback_gives_the_override_rate_per_rule() {
    for (store, cleanup, _path) in stores("feedback").await {
        for (card, outcome) in [("c1", "accepted"), ("c2", "overridden"), ("c3", "overridden")] {
            let reason = (outcome == "overridden").then(|| "http://example.org|not-relevant".to_owned());
            store
                .feedback(Feedback {
                    card: card.to_owned(),
                    rule: "patient-view/leukopenia".to_owned(),
                    outcome: outcome.to_owned(),
                    reason,
                })
                .await
                .unwrap();
        }
        // Feedback for the same card again replaces the earlier one.
        store
            .feedback(Feedback {
                card: "c1".to_owned(),
                rule: "patient-view/leukopenia".to_owned(),
                outcome: "overridden".to_owned(),
                reason: None,
            })
            .await
            .unwrap();
        let stats = store.override_stats().await.unwrap();
        assert_eq!(stats.len(), 1);
        assert_eq!((stats[0].total, stats[0].overridden), (3, 3));
        drop_schema(cleanup).await;
    }
}

#[tokio::test]
async fn a_jwt_id_is_accepted_once() {
    for (store, cleanup, _path) in stores("jti").await {
        let expires = Utc::now() + Duration::minutes(5);
        assert!(store.remember_jti("abc", expires).await.unwrap());
        assert!(!store.remember_jti("abc", expires).await.unwrap(), "a replay");
        assert!(store.remember_jti("def", expires).await.unwrap());
        drop_schema(cleanup).await;
    }
}

#[tokio::test]
async fn a_bad_url_is_a_clear_error() {
    let error = Store::open("mysql://localhost/x").await.unwrap_err();
    assert!(error.to_string().contains("sqlite:PATH or postgres://"), "{error}");
}

#[tokio::test]
async fn raised_alerts_and_hl7_messages_are_kept() {
    for (store, cleanup, _path) in stores("alerts").await {
        let alert = leuko_store::RaisedAlert {
            key: "neutropenia|anc|2026-01-01".to_owned(),
            kind: "neutropenia".to_owned(),
            level: "critical".to_owned(),
            severity: 4,
            text: "neutropenia: CTCAE grade 4 (anc)".to_owned(),
            raised: Utc::now().to_rfc3339(),
        };
        assert_eq!(store.record_alerts("p1", vec![alert.clone()]).await.unwrap(), std::slice::from_ref(&alert));
        // Raised again by a concurrent re-assessment of the same patient: recorded once.
        assert!(store.record_alerts("p1", vec![alert.clone()]).await.unwrap().is_empty());
        assert_eq!(store.raised_alerts("p1").await.unwrap(), std::slice::from_ref(&alert));
        // Worse (a higher severity under the same key): recorded.
        let worse = leuko_store::RaisedAlert { severity: 5, ..alert.clone() };
        assert_eq!(store.record_alerts("p1", vec![worse.clone()]).await.unwrap(), std::slice::from_ref(&worse));
        assert_eq!(store.raised_alerts("p1").await.unwrap(), [alert, worse]);
        assert!(store.raised_alerts("p2").await.unwrap().is_empty());
        // A message stored once by key; a resend changes nothing.
        let resources = vec![observation("o9", 0.4)];
        assert!(store.ingest_hl7("LAB|MSG1", "p1", "MSH|...", resources.clone()).await.unwrap());
        assert!(!store.ingest_hl7("LAB|MSG1", "p1", "MSH|...", resources).await.unwrap());
        assert_eq!(store.hl7_count().await.unwrap(), 1);
        assert_eq!(store.resource("Observation", "o9").await.unwrap().unwrap()["valueQuantity"]["value"], 0.4);
        // A later version of the result for the same patient replaces it (a correction); one
        // under the same id for another patient never takes it over.
        assert!(store.ingest_hl7("LAB|MSG2", "p1", "MSH|...", vec![observation("o9", 0.6)]).await.unwrap());
        let other = NewResource { patient: "p2".to_owned(), ..observation("o9", 9.9) };
        assert!(store.ingest_hl7("LAB|MSG3", "p2", "MSH|...", vec![other]).await.unwrap());
        assert_eq!(store.resource("Observation", "o9").await.unwrap().unwrap()["valueQuantity"]["value"], 0.6);
        let of = |patient: &str| {
            let store = store.clone();
            let patient = patient.to_owned();
            async move { store.patient_resources(&patient).await.unwrap().iter().filter(|r| r["id"] == "o9").count() }
        };
        assert_eq!((of("p1").await, of("p2").await), (1, 0));
        drop_schema(cleanup).await;
    }
}

#[tokio::test]
async fn the_inbox_takes_a_message_once_and_processing_moves_it_into_the_history() {
    for (store, cleanup, _path) in stores("inbox").await {
        // Received: new once, whether resent later or twice in one commit.
        let put = |keys: &[&str]| keys.iter().map(|k| ((*k).to_owned(), format!("MSH|{k}"))).collect::<Vec<_>>();
        assert_eq!(store.inbox_put(put(&["LAB|1", "LAB|2", "LAB|1"]), 0).await.unwrap(), [true, true, false]);
        assert_eq!(store.inbox_put(put(&["LAB|2"]), 0).await.unwrap(), [false]);
        assert_eq!(store.inbox_waiting().await.unwrap(), 2);
        assert_eq!(store.hl7_count().await.unwrap(), 0, "received, not yet processed");
        assert_eq!(store.inbox_cursor().await.unwrap(), 0);

        // Taken in arrival order; processing stores the first and moves the cursor past it.
        let waiting = store.inbox_take(0, 10).await.unwrap();
        assert_eq!(waiting.iter().map(|m| m.key.as_str()).collect::<Vec<_>>(), ["LAB|1", "LAB|2"]);
        let item = leuko_store::Hl7Item {
            key: waiting[0].key.clone(),
            patient: "p1".to_owned(),
            raw: waiting[0].raw.clone(),
            resources: vec![observation("o1", 1.1).into()],
        };
        assert_eq!(store.inbox_processed(vec![item], waiting[0].seq).await.unwrap(), [true]);
        assert_eq!(store.inbox_cursor().await.unwrap(), waiting[0].seq);
        assert_eq!(store.inbox_waiting().await.unwrap(), 1);
        assert_eq!(store.hl7_count().await.unwrap(), 1);
        assert_eq!(store.resource("Observation", "o1").await.unwrap().unwrap()["valueQuantity"]["value"], 1.1);
        assert_eq!(store.pending_assessments().await.unwrap().len(), 1, "its patient waits for re-assessment");
        let rest = store.inbox_take(waiting[0].seq, 10).await.unwrap();
        assert_eq!(rest.iter().map(|m| m.key.as_str()).collect::<Vec<_>>(), ["LAB|2"]);

        // A message already in the history is a duplicate at the inbox, also once its inbox
        // row has been dropped (the next commit drops the rows up to the cursor).
        assert_eq!(store.inbox_put(put(&["LAB|1"]), 0).await.unwrap(), [false]);
        assert_eq!(store.inbox_put(put(&["LAB|3"]), waiting[0].seq).await.unwrap(), [true]);
        assert_eq!(store.inbox_put(put(&["LAB|1"]), waiting[0].seq).await.unwrap(), [false]);
        assert_eq!(store.inbox_take(0, 10).await.unwrap().len(), 2, "LAB|1 dropped; LAB|2 and LAB|3 wait");
        assert_eq!(store.inbox_waiting().await.unwrap(), 2);
        drop_schema(cleanup).await;
    }
}
