//! Queue mode over a real NATS JetStream server (`NATS_URL`) and the store (PostgreSQL when
//! `DATABASE_URL` is set, else SQLite): the MLLP listener acknowledges after JetStream's publish
//! acknowledgement, workers store each message once, new alerts are published, and a killed
//! worker loses nothing. Skipped, saying so, without `NATS_URL`.

#![allow(clippy::print_stderr, reason = "a skipped run says so")]

use std::time::Duration;

use futures::StreamExt as _;
use leuko_hl7::mllp::Deframer;
use leuko_server::ingest::MllpLimits;
use leuko_server::queue::{QueueConfig, serve_mllp_queue, worker};
use leuko_store::Store;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const WBC_LOW: &[u8] = include_bytes!("../../leuko-hl7/tests/messages/05_nhapi_cohie-orf-r04_wbc-low-corrected.hl7");
const CBC: &[u8] = include_bytes!("../../leuko-hl7/tests/messages/01_nist-lri_cbc-autodiff_leukocytosis.hl7");
const SPANISH: &[u8] = include_bytes!("../../leuko-hl7/tests/messages/06_hapi_spanish-hemograma_leucocitos.hl7");
const SITE: &str = include_str!("../../leuko-hl7/tests/site-codes.toml");

async fn send(stream: &mut tokio::net::TcpStream, deframer: &mut Deframer, message: &[u8]) -> String {
    stream.write_all(&leuko_hl7::mllp::frame(&String::from_utf8_lossy(message))).await.unwrap();
    let mut buffer = vec![0u8; 65536];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer)).await.expect("an ACK").unwrap();
        assert!(n > 0);
        if let Some(first) = deframer.push(&buffer[..n]).0.into_iter().next() {
            return String::from_utf8(first).unwrap();
        }
    }
}

async fn wait_for(store: &Store, count: u64) {
    for _ in 0..200 {
        if store.hl7_count().await.unwrap() >= count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the workers did not store {count} messages in time (stored {})", store.hl7_count().await.unwrap());
}

#[tokio::test]
async fn queue_mode_acks_after_publish_workers_store_once_and_a_killed_worker_loses_nothing() {
    let Ok(nats_url) = std::env::var("NATS_URL") else {
        eprintln!("NATS_URL not set: queue-mode test skipped");
        return;
    };
    let id = uuid::Uuid::new_v4().simple().to_string();
    let config = QueueConfig {
        prefix: format!("leukotest{id}"),
        stream: format!("LEUKOTEST_{id}"),
        partitions: 4,
        ack_wait: Duration::from_secs(2),
    };
    let client = async_nats::connect(&nats_url).await.expect("NATS answers");
    let js = async_nats::jetstream::new(client.clone());
    let (store, cleanup) = match std::env::var("DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => {
            let schema = format!("leuko_queue_{id}");
            (Store::open_postgres_schema(&url, &schema).await.unwrap(), Some((url, schema)))
        }
        _ => (Store::open("sqlite::memory:").await.unwrap(), None),
    };
    let site = leuko_hl7::SiteCodes::from_toml(SITE).unwrap();
    let mut alerts = client.subscribe(format!("{}.alerts.>", config.prefix)).await.unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(serve_mllp_queue(listener, js.clone(), config.clone(), MllpLimits::default(), std::future::pending()));
    let (stop_a, stopped_a) = tokio::sync::oneshot::channel::<()>();
    let worker_a = tokio::spawn(worker(
        client.clone(),
        store.clone(),
        leuko_kb::bundled(),
        site.clone(),
        config.clone(),
        async move {
            let _ = stopped_a.await;
        },
    ));
    let worker_b = tokio::spawn(worker(
        client.clone(),
        store.clone(),
        leuko_kb::bundled(),
        site.clone(),
        config.clone(),
        std::future::pending(),
    ));

    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let mut deframer = Deframer::new(1 << 20);
    for message in [WBC_LOW, CBC, WBC_LOW] {
        let ack = send(&mut stream, &mut deframer, message).await;
        assert!(ack.contains("MSA|AA|"), "{ack}");
    }
    wait_for(&store, 2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(store.hl7_count().await.unwrap(), 2, "the resend is stored once");
    // WBC 1.1 raised a leukopenia alert, published on <prefix>.alerts.<level>.
    let published =
        tokio::time::timeout(Duration::from_secs(10), alerts.next()).await.expect("an alert is published").unwrap();
    assert!(String::from_utf8_lossy(&published.payload).contains("leukopenia"), "{:?}", published.payload);

    // Per-patient order: a result corrected twice in a row (F 5.0, C 3.0, C 1.1), interleaved
    // with other patients' messages, ends at the last correction.
    let result = |control: &str, patient: &str, value: &str, status: &str| {
        format!(
            "MSH|^~\\&|LAB|HOSP|LEUKO|SITE|20240101||ORU^R01|{control}|P|2.5.1\rPID|1||{patient}^^^HOSP^MR\rOBR|1|O1|F1|57021-8^CBC^LN|||20240101080000\rOBX|1|NM|6690-2^WBC^LN||{value}|10*3/uL|4.0-11.0||||{status}"
        )
    };
    let sequence = [
        result("S1", "900", "5.0", "F"),
        result("X1", "901", "6.0", "F"),
        result("S2", "900", "3.0", "C"),
        result("X2", "902", "7.0", "F"),
        result("S3", "900", "1.1", "C"),
    ];
    for message in &sequence {
        let ack = send(&mut stream, &mut deframer, message.as_bytes()).await;
        assert!(ack.contains("MSA|AA|"), "{ack}");
    }
    wait_for(&store, 7).await;
    let stored = store.patient_resources("HOSP-900").await.unwrap();
    let values: Vec<f64> = stored
        .iter()
        .filter(|r| r["resourceType"] == "Observation")
        .map(|r| r["valueQuantity"]["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values, [1.1], "the corrections were applied in order");

    // Kill worker A; worker B goes on, and nothing is lost.
    let _ = stop_a.send(());
    worker_a.abort();
    let ack = send(&mut stream, &mut deframer, SPANISH).await;
    assert!(ack.contains("MSA|AA|"), "{ack}");
    wait_for(&store, 8).await;

    worker_b.abort();
    let _ = js.delete_stream(&config.stream).await;
    if let Some((url, schema)) = cleanup {
        let (pg, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        pg.batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE")).await.unwrap();
    }
}
