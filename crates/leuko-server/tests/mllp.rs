//! The MLLP listener over a real loopback socket: ACK after commit with MSA-2 echoing MSH-10,
//! resends acknowledged and not processed twice, AR for what cannot be read or is not a result,
//! AE for a result without a patient; the stored history then assessed by the core.

use std::time::Duration;

use leuko_hl7::mllp::Deframer;
use leuko_server::ingest::{MllpLimits, serve_mllp};
use leuko_store::Store;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const WBC_LOW: &[u8] = include_bytes!("../../leuko-hl7/tests/messages/05_nhapi_cohie-orf-r04_wbc-low-corrected.hl7");
const CBC: &[u8] = include_bytes!("../../leuko-hl7/tests/messages/01_nist-lri_cbc-autodiff_leukocytosis.hl7");
const SITE: &str = include_str!("../../leuko-hl7/tests/site-codes.toml");

async fn exchange(stream: &mut tokio::net::TcpStream, deframer: &mut Deframer, message: &[u8]) -> String {
    let mut framed = vec![leuko_hl7::mllp::START];
    framed.extend_from_slice(message);
    framed.extend_from_slice(&[leuko_hl7::mllp::END, leuko_hl7::mllp::CR]);
    stream.write_all(&framed).await.unwrap();
    let mut buffer = vec![0u8; 65536];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer))
            .await
            .expect("an ACK in time")
            .unwrap();
        assert!(n > 0, "connection closed before the ACK");
        let (frames, _) = deframer.push(&buffer[..n]);
        if let Some(first) = frames.into_iter().next() {
            return String::from_utf8(first).unwrap();
        }
    }
}

/// Waits until every received message has left the inbox (processed into the history).
async fn processed(store: &Store) {
    for _ in 0..400 {
        if store.inbox_waiting().await.unwrap() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the inbox was not processed in time");
}

fn msa(ack: &str) -> (String, String) {
    let message = &leuko_hl7::parse(ack).unwrap()[0];
    let msa = message.segment("MSA").expect("an MSA segment");
    (msa.get(1, 1).to_owned(), msa.get(2, 1).to_owned())
}

#[tokio::test]
async fn results_are_acknowledged_after_commit_once_and_resends_are_not_processed_twice() {
    let path = std::env::temp_dir().join(format!("leuko-mllp-{}.db", uuid::Uuid::new_v4().simple()));
    let store = Store::open(&format!("sqlite:{}", path.display())).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let site = leuko_hl7::SiteCodes::from_toml(SITE).unwrap();
    tokio::spawn(serve_mllp(
        listener,
        store.clone(),
        leuko_kb::bundled(),
        site,
        MllpLimits::default(),
        std::future::pending(),
    ));
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let mut deframer = Deframer::new(1 << 20);

    // ORF^R04 with WBC 1.1 k/uL (local code WBC, mapped by the site table): AA, MSA-2 = MSH-10.
    let control_id = leuko_hl7::parse(&leuko_hl7::decode(WBC_LOW).0).unwrap()[0].control_id().to_owned();
    let ack = exchange(&mut stream, &mut deframer, WBC_LOW).await;
    assert_eq!(msa(&ack), ("AA".to_owned(), control_id.clone()), "{ack}");
    // Acknowledged: durably received (waiting in the inbox or already processed), then processed.
    // Read in this order, a message processed between the two reads is counted twice, never
    // missed; "once" is checked after processing.
    let waiting = store.inbox_waiting().await.unwrap();
    assert!(waiting + store.hl7_count().await.unwrap() >= 1, "the acknowledged message is nowhere");
    processed(&store).await;
    assert_eq!(store.hl7_count().await.unwrap(), 1);
    let stored = store.patients().await.unwrap();
    assert_eq!(stored.len(), 1);
    let before = store.patient_resources(&stored[0]).await.unwrap().len();

    // Re-assessed after the commit (in the background): WBC 1.1 (CTCAE grade 3) raised one
    // leukopenia alert.
    let mut alerts = Vec::new();
    for _ in 0..100 {
        alerts = store.raised_alerts(&stored[0]).await.unwrap();
        if !alerts.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(alerts.iter().any(|a| a.kind == "leukopenia" && a.severity == 3), "{alerts:?}");
    let raised_once = alerts.len();
    // And retrievable as FHIR Communications over the REST API.
    let router = leuko_server::router(
        leuko_kb::bundled(),
        store.clone(),
        leuko_server::Config { dev: true, ..leuko_server::Config::default() },
    )
    .unwrap();
    let http = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let http_address = http.local_addr().unwrap();
    tokio::spawn(leuko_server::serve(http, router, std::future::pending()));
    let body: serde_json::Value =
        reqwest::get(format!("http://{http_address}/fhir/Communication?patient={}", stored[0]))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(body["total"], raised_once);
    assert_eq!(body["entry"][0]["resource"]["resourceType"], "Communication");
    let issues: serde_json::Value =
        reqwest::get(format!("http://{http_address}/fhir/DetectedIssue?patient={}", stored[0]))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(issues["total"], raised_once);
    assert_eq!(issues["entry"][0]["resource"]["resourceType"], "DetectedIssue");

    // The same message again: acknowledged, not processed twice.
    let again = exchange(&mut stream, &mut deframer, WBC_LOW).await;
    assert_eq!(msa(&again).0, "AA");
    assert!(again.contains("duplicate"), "{again}");
    assert_eq!(store.hl7_count().await.unwrap(), 1);
    assert_eq!(store.patient_resources(&stored[0]).await.unwrap().len(), before);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(store.raised_alerts(&stored[0]).await.unwrap().len(), raised_once, "no second alert");

    // The stored history reads back through the FHIR reader and the core: WBC 1.1 x10^9/L.
    let resources = store.patient_resources(&stored[0]).await.unwrap();
    let bundle = serde_json::json!({"resourceType": "Bundle", "type": "collection",
        "entry": resources.iter().map(|r| serde_json::json!({"resource": r})).collect::<Vec<_>>()});
    let input = leuko_fhir::read(&bundle.to_string()).unwrap();
    let as_of = chrono::Utc::now();
    let a = leuko_core::assess(
        leuko_kb::bundled(),
        &input.patients[0],
        as_of,
        &leuko_core::AssessConfig::with_site_intervals(Vec::new()),
    );
    assert_eq!(a.counts.wbc.as_ref().map(|c| c.result.value), Some(1.1));
    assert!(a.grades.wbc.as_ref().is_some_and(|g| g.grade == 3), "WBC 1.1: CTCAE grade 3");

    // A second message on the same connection.
    let ack = exchange(&mut stream, &mut deframer, CBC).await;
    assert_eq!(msa(&ack).0, "AA");
    processed(&store).await;
    assert_eq!(store.hl7_count().await.unwrap(), 2);

    // Not HL7 at all: AR. Not a result message: AR. A result without PID: AE.
    let garbage = exchange(&mut stream, &mut deframer, b"hello there").await;
    assert_eq!(msa(&garbage).0, "AR", "{garbage}");
    let adt = exchange(&mut stream, &mut deframer, b"MSH|^~\\&|A|B|C|D|20240101||ADT^A01|ADT1|P|2.5\rPID|1||42").await;
    assert_eq!(msa(&adt), ("AR".to_owned(), "ADT1".to_owned()));
    let no_pid = exchange(
        &mut stream,
        &mut deframer,
        b"MSH|^~\\&|A|B|C|D|20240101||ORU^R01|NOPID|P|2.5\rOBR|1\rOBX|1|NM|6690-2^WBC^LN||5.0|10*3/uL",
    )
    .await;
    assert_eq!(msa(&no_pid), ("AE".to_owned(), "NOPID".to_owned()));
    assert_eq!(store.hl7_count().await.unwrap() + store.inbox_waiting().await.unwrap(), 2, "nothing refused is kept");

    drop(stream);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let _ = std::fs::remove_dir_all(format!("{}.journal", path.display()));
}

#[tokio::test]
async fn an_oversized_frame_is_refused_and_the_connection_goes_on() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let limits = MllpLimits { max_message: 512, idle: Duration::from_secs(5) };
    tokio::spawn(serve_mllp(
        listener,
        store.clone(),
        leuko_kb::bundled(),
        leuko_hl7::SiteCodes::default(),
        limits,
        std::future::pending(),
    ));
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let mut deframer = Deframer::new(1 << 20);
    let big = format!("MSH|^~\\&|A|B|C|D|20240101||ORU^R01|BIG|P|2.5\rNTE|1||{}", "x".repeat(2000));
    let refused = exchange(&mut stream, &mut deframer, big.as_bytes()).await;
    assert_eq!(msa(&refused).0, "AR", "{refused}");
    let small = exchange(
        &mut stream,
        &mut deframer,
        b"MSH|^~\\&|A|B|C|D|20240101||ORU^R01|S1|P|2.5\rPID|1||42\rOBX|1|NM|6690-2^WBC^LN||5.0|10*3/uL",
    )
    .await;
    assert_eq!(msa(&small), ("AA".to_owned(), "S1".to_owned()));
}

#[tokio::test]
async fn a_corrected_result_replaces_the_earlier_one_and_a_cancelled_one_withdraws_it() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let site = leuko_hl7::SiteCodes::default();
    let message = |control: &str, value: &str, status: &str| {
        format!(
            "MSH|^~\\&|LAB|HOSP|LEUKO|SITE|20240101||ORU^R01|{control}|P|2.5.1\rPID|1||777^^^HOSP^MR\rOBR|1|ORD1|FIL9|57021-8^CBC^LN|||20240101080000\rOBX|1|NM|6690-2^WBC^LN||{value}|10*3/uL|4.0-11.0||||{status}|||20240101080000"
        )
    };
    let kb = leuko_kb::bundled();
    let wbc = |store: Store| async move {
        let resources = store.patient_resources("HOSP-777").await.unwrap();
        let observations = resources.iter().filter(|r| r["resourceType"] == "Observation").count();
        let bundle = serde_json::json!({"resourceType": "Bundle", "type": "collection",
            "entry": resources.iter().map(|r| serde_json::json!({"resource": r})).collect::<Vec<_>>()});
        let input = leuko_fhir::read(&bundle.to_string()).unwrap();
        let a = leuko_core::assess(
            kb,
            &input.patients[0],
            chrono::Utc::now(),
            &leuko_core::AssessConfig::with_site_intervals(Vec::new()),
        );
        (observations, a.counts.wbc.as_ref().map(|c| c.result.value))
    };
    leuko_server::ingest::ingest_bytes(&store, kb, &site, message("M1", "5.0", "F").as_bytes()).await;
    assert_eq!(wbc(store.clone()).await, (1, Some(5.0)));
    // The laboratory corrects the value in a later message: one result, the corrected value.
    leuko_server::ingest::ingest_bytes(&store, kb, &site, message("M2", "1.1", "C").as_bytes()).await;
    assert_eq!(wbc(store.clone()).await, (1, Some(1.1)));
    // Then cancels it: the result is withdrawn from the assessment.
    leuko_server::ingest::ingest_bytes(&store, kb, &site, message("M3", "", "X").as_bytes()).await;
    assert_eq!(wbc(store.clone()).await, (1, None));
}

#[tokio::test]
async fn results_received_back_to_back_are_applied_in_arrival_order() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let kb = leuko_kb::bundled();
    let site = leuko_hl7::SiteCodes::default();
    tokio::spawn(serve_mllp(listener, store.clone(), kb, site, MllpLimits::default(), std::future::pending()));
    let message = |control: &str, value: &str, status: &str| {
        format!(
            "MSH|^~\\&|LAB|HOSP|LEUKO|SITE|20240101||ORU^R01|{control}|P|2.5.1\rPID|1||778^^^HOSP^MR\rOBR|1|ORD1|FIL9|57021-8^CBC^LN|||20240101080000\rOBX|1|NM|6690-2^WBC^LN||{value}|10*3/uL|4.0-11.0||||{status}|||20240101080000"
        )
    };
    // A final result, its correction and a second correction, acknowledged one after another
    // on one connection and processed behind the acknowledgements: the last one wins.
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let mut deframer = Deframer::new(1 << 20);
    for (control, value, status) in [("O1", "5.0", "F"), ("O2", "1.1", "C"), ("O3", "0.9", "C")] {
        let ack = exchange(&mut stream, &mut deframer, message(control, value, status).as_bytes()).await;
        assert_eq!(msa(&ack), ("AA".to_owned(), control.to_owned()), "{ack}");
    }
    processed(&store).await;
    let resources = store.patient_resources("HOSP-778").await.unwrap();
    let values: Vec<f64> = resources
        .iter()
        .filter(|r| r["resourceType"] == "Observation")
        .filter_map(|r| r["valueQuantity"]["value"].as_f64())
        .collect();
    assert_eq!(values, [0.9], "one result, the last correction");
}
