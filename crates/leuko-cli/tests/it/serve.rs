//! `leuko serve` as a real child process: it refuses to start open, and a write it acknowledged
//! survives `kill -9`.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use crate::test_data;

/// Starts `leuko serve` on an ephemeral port; returns the child and its address.
fn start(database: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leuko"))
        .args(["serve", "--dev", "--listen", "127.0.0.1:0", "--database", database])
        .env("LEUKO_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("leuko serve starts");
    let stderr = child.stderr.take().expect("stderr is piped");
    let mut lines = BufReader::new(stderr).lines();
    let address = loop {
        let line = lines.next().expect("leuko serve prints its address").expect("readable stderr");
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split_whitespace().next().expect("an address").to_owned();
        }
    };
    // Keep draining stderr so that the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, address)
}

/// A minimal HTTP/1.1 exchange: (status, body).
fn http(address: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connects");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/fhir+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("request written");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response read");
    let status = response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

#[test]
fn without_dev_mode_or_an_issuer_serve_refuses_to_start() {
    let output = Command::new(env!("CARGO_BIN_EXE_leuko"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database", "sqlite::memory:"])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no CDS Hooks issuer is configured"), "{stderr}");
}

#[test]
fn an_acknowledged_write_survives_kill_9() {
    let path = std::env::temp_dir().join(format!("leuko-kill9-{}.db", std::process::id()));
    let database = format!("sqlite:{}", path.display());
    let (mut child, address) = start(&database);
    let bundle = std::fs::read_to_string(test_data("demo/clozapine-series.json"))
        .unwrap()
        .replace("\"collection\"", "\"transaction\"");
    let (status, body) = http(&address, "POST", "/fhir", &bundle);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("201 Created"));
    // SIGKILL right after the acknowledgement: no graceful shutdown, no flush.
    child.kill().expect("killed");
    child.wait().expect("reaped");
    let (mut child, address) = start(&database);
    let (status, body) = http(&address, "GET", "/fhir/Observation/anc-11", "");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"value\":0.7"), "{body}");
    let (status, body) = http(&address, "GET", "/fhir/Observation?patient=clz-demo", "");
    assert_eq!(status, 200);
    assert!(body.contains("\"total\":12"), "{body}");
    child.kill().expect("killed");
    child.wait().expect("reaped");
    remove_database(&path);
}

/// Starts `leuko serve` with these arguments and environment; returns its address once listening.
fn start_with(args: &[&str], env: &[(&str, &str)]) -> (Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_leuko"));
    command.arg("serve").args(args).env("LEUKO_LOG", "warn").stdout(Stdio::null()).stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("leuko serve starts");
    let mut lines = BufReader::new(child.stderr.take().expect("piped")).lines();
    let address = loop {
        let line = lines.next().expect("leuko serve prints its address").expect("readable");
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split_whitespace().next().expect("an address").to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, address)
}

#[test]
fn a_configuration_file_with_a_trusted_issuer_starts_the_service_with_authentication_on() {
    let dir = std::env::temp_dir().join(format!("leuko-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../leuko-server/tests/data/sandbox-jwks.json"),
        dir.join("sandbox-jwks.json"),
    )
    .unwrap();
    let config = dir.join("leuko.toml");
    std::fs::write(
        &config,
        "listen = \"127.0.0.1:0\"\ndatabase = \"sqlite::memory:\"\n\n[[issuer]]\niss = \"https://sandbox.cds-hooks.org\"\njwks_file = \"sandbox-jwks.json\"\n",
    )
    .unwrap();
    let (mut child, address) = start_with(&["--config", config.to_str().unwrap()], &[]);
    // Authentication is on: an unsigned hook call is refused.
    let (status, body) = http(&address, "POST", "/cds-services/patient-view", "{\"context\": {\"patientId\": \"p\"}}");
    assert_eq!(status, 401, "{body}");
    child.kill().unwrap();
    child.wait().unwrap();
    // LEUKO_DEV from the environment turns it off.
    let (mut child, address) =
        start_with(&["--listen", "127.0.0.1:0", "--database", "sqlite::memory:"], &[("LEUKO_DEV", "true")]);
    let (status, _) = http(&address, "POST", "/cds-services/patient-view", "{\"context\": {\"patientId\": \"p\"}}");
    assert_eq!(status, 412);
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ingest_replays_a_file_and_reports_stored_duplicates_and_refusals() {
    let path = std::env::temp_dir().join(format!("leuko-ingest-{}.db", std::process::id()));
    let database = format!("sqlite:{}", path.display());
    let messages = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../leuko-hl7/tests/messages");
    let file = messages.join("24_ruby-hl7_fhs-bhs-batch.hl7");
    let run = |file: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_leuko"))
            .args(["ingest", "--file", file.to_str().unwrap(), "--database", &database])
            .output()
            .expect("runs")
    };
    let first = run(&file);
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(stdout.contains("stored 2 message(s)") && stdout.contains("0 duplicate(s)"), "{stdout}");
    // The same batch again: nothing stored twice.
    let again = run(&file);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("stored 0 message(s)") && stdout.contains("2 duplicate(s)"), "{stdout}");
    // Queue mode receives over MLLP only: a file with --nats is refused with a clear message.
    let nats = Command::new(env!("CARGO_BIN_EXE_leuko"))
        .args(["ingest", "--file", file.to_str().unwrap(), "--nats", "nats://127.0.0.1:4222"])
        .output()
        .expect("runs");
    assert!(!nats.status.success());
    assert!(String::from_utf8_lossy(&nats.stderr).contains("give --listen ADDR"));
    remove_database(&path);
}

#[test]
fn serve_also_receives_hl7_over_mllp_into_the_same_history() {
    use std::net::TcpListener;
    // A free port for MLLP (bound and released; the race is acceptable in a test).
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mllp = format!("127.0.0.1:{port}");
    let (mut child, address) =
        start_with(&["--dev", "--listen", "127.0.0.1:0", "--database", "sqlite::memory:", "--mllp", &mllp], &[]);
    let message = "MSH|^~\\&|LAB|HOSP|LEUKO|SITE|20240101||ORU^R01|MLLP1|P|2.5.1\rPID|1||888^^^HOSP^MR\rOBR|1|O1|F1|57021-8^CBC^LN|||20240101080000\rOBX|1|NM|6690-2^WBC^LN||2.1|10*3/uL|4.0-11.0||||F";
    let mut stream = TcpStream::connect(&mllp).expect("MLLP listens");
    stream.write_all(&leuko_hl7_frame(message)).unwrap();
    let mut ack = vec![0u8; 4096];
    let n = stream.read(&mut ack).unwrap();
    let ack = String::from_utf8_lossy(&ack[..n]);
    assert!(ack.contains("MSA|AA|MLLP1"), "{ack}");
    // Acknowledged once in the inbox; in the history as soon as it is processed.
    let mut found = (0, String::new());
    for _ in 0..100 {
        found = http(&address, "GET", "/fhir/Observation?patient=HOSP-888", "");
        if found.1.contains("\"total\":1") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(found.0, 200);
    assert!(found.1.contains("\"total\":1"), "{}", found.1);
    child.kill().unwrap();
    child.wait().unwrap();
}

fn leuko_hl7_frame(message: &str) -> Vec<u8> {
    let mut out = vec![0x0b];
    out.extend_from_slice(message.as_bytes());
    out.extend_from_slice(&[0x1c, 0x0d]);
    out
}

/// Starts `leuko ingest --listen` (embedded mode) on an ephemeral port.
fn start_ingest(database: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leuko"))
        .args(["ingest", "--listen", "127.0.0.1:0", "--database", database])
        .env("LEUKO_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("leuko ingest starts");
    let mut lines = BufReader::new(child.stderr.take().expect("piped")).lines();
    let address = loop {
        let line = lines.next().expect("leuko ingest prints its address").expect("readable");
        if let Some(rest) = line.split("MLLP on ").nth(1) {
            break rest.split_whitespace().next().expect("an address").to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, address)
}

#[test]
fn a_listener_killed_at_random_moments_loses_no_acknowledged_message_and_raises_no_duplicate_alert() {
    let path = std::env::temp_dir().join(format!("leuko-kill-stream-{}.db", std::process::id()));
    let database = format!("sqlite:{}", path.display());
    // 30 results for 3 patients, falling counts (so that alerts are raised).
    let messages: Vec<(String, String)> = (0..30)
        .map(|i| {
            let control = format!("K{i:03}");
            let patient = 500 + i % 3;
            let value = 6.0 - f64::from(i) * 0.18;
            let text = format!(
                "MSH|^~\\&|LAB|HOSP|LEUKO|SITE|20240101||ORU^R01|{control}|P|2.5.1\rPID|1||{patient}^^^HOSP^MR\rOBR|1|O{i}|F{i}|57021-8^CBC^LN|||202401{:02}080000\rOBX|1|NM|6690-2^WBC^LN||{value:.2}|10*3/uL|4.0-11.0||||F",
                1 + i / 3
            );
            (control, text)
        })
        .collect();
    let mut state: u64 = 7;
    let mut next_random = move |bound: u64| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % bound
    };
    let mut acked = vec![false; messages.len()];
    let mut index = 0;
    let mut kills = 0;
    while index < messages.len() {
        let (mut child, address) = start_ingest(&database);
        let mut stream = TcpStream::connect(&address).expect("connects");
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        let kill_after = 2 + next_random(6) as usize;
        let mut sent_here = 0;
        while index < messages.len() {
            let (control, text) = &messages[index];
            let mut framed = vec![0x0b];
            framed.extend_from_slice(text.as_bytes());
            framed.extend_from_slice(&[0x1c, 0x0d]);
            stream.write_all(&framed).unwrap();
            sent_here += 1;
            // Sometimes kill between sending and reading the ACK: the message may or may not
            // have been stored, and is not acknowledged, so it is sent again after the restart.
            if sent_here == kill_after && next_random(2) == 0 {
                break;
            }
            let mut ack = vec![0u8; 4096];
            let n = stream.read(&mut ack).unwrap_or(0);
            let ack = String::from_utf8_lossy(&ack[..n]);
            assert!(ack.contains(&format!("MSA|AA|{control}")), "{ack}");
            acked[index] = true;
            index += 1;
            if sent_here == kill_after {
                break;
            }
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        kills += 1;
    }
    assert!(kills >= 3, "the listener was killed {kills} times");
    assert!(acked.iter().all(|a| *a));
    // One more start: the patients left pending by the last kill are re-assessed at start-up.
    let (mut child, _) = start_ingest(&database);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = leuko_store::Store::open(&database).await.unwrap();
        // The inbox left by the last kill is processed, then its patients re-assessed.
        for _ in 0..200 {
            if store.inbox_waiting().await.unwrap() == 0 && store.pending_assessments().await.unwrap().is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(store.inbox_waiting().await.unwrap(), 0, "every received message processed");
        assert!(store.pending_assessments().await.unwrap().is_empty(), "every stored result re-assessed");
        assert_eq!(store.hl7_count().await.unwrap(), 30, "every acknowledged message stored once");
        for patient in ["HOSP-500", "HOSP-501", "HOSP-502"] {
            let observations = store.patient_resources(patient).await.unwrap().len() - 1;
            assert_eq!(observations, 10, "{patient}");
            let alerts = store.raised_alerts(patient).await.unwrap();
            let mut keys: Vec<(String, u8)> = alerts.iter().map(|a| (a.key.clone(), a.severity)).collect();
            let before = keys.len();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), before, "{patient}: no alert raised twice: {alerts:?}");
            assert!(!alerts.is_empty(), "{patient}: the falling counts raised alerts");
        }
    });
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    remove_database(&path);
}

/// Removes a test's database: the history's SQLite files and the lab feed's journal.
fn remove_database(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let _ = std::fs::remove_dir_all(format!("{}.journal", path.display()));
}
