//! End-to-end tests over real HTTP on 127.0.0.1: discovery and CORS, each hook with full,
//! partial (resolved from a second local leuko acting as the FHIR server) and no prefetch,
//! feedback and override statistics, every JWT failure class, oversized and malformed bodies,
//! the FHIR facade and the OpenAPI document.

use std::net::SocketAddr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use leuko_server::{Config, Issuer, TrustedKeys};
use leuko_store::Store;
use serde_json::{Value, json};

const DEMO: &str = include_str!("../../leuko-cli/test_data/demo/patient.json");
const CLOZAPINE: &str = include_str!("../../leuko-cli/test_data/demo/clozapine-series.json");
const DEMO_PATIENT: &str = "6765ecf7-9b27-5fd8-9390-2c5f9d1b0081";

struct Server {
    url: String,
    store: Store,
    _file: TempDb,
}

struct TempDb(std::path::PathBuf);

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
        let _ = std::fs::remove_dir_all(format!("{}.journal", self.0.display()));
    }
}

/// A service on an ephemeral loopback port with its own SQLite file; `configure` sets the rest.
async fn start(load: &[&str], configure: impl FnOnce(&mut Config)) -> Server {
    let file = TempDb(std::env::temp_dir().join(format!("leuko-http-{}.db", uuid::Uuid::new_v4().simple())));
    let store = Store::open(&format!("sqlite:{}", file.0.display())).await.expect("store opens");
    for bundle in load {
        leuko_server::load_bundle(&store, bundle).await.expect("demo bundle loads");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let address: SocketAddr = listener.local_addr().expect("address");
    let url = format!("http://{address}");
    let mut config = Config { public_url: url.clone(), dev: true, ..Config::default() };
    configure(&mut config);
    let router = leuko_server::router(leuko_kb::bundled(), store.clone(), config).expect("router");
    tokio::spawn(leuko_server::serve(listener, router, std::future::pending()));
    Server { url, store, _file: file }
}

fn bundle_resources(text: &str) -> Vec<Value> {
    let bundle: Value = serde_json::from_str(text).unwrap();
    bundle["entry"].as_array().unwrap().iter().map(|e| e["resource"].clone()).collect()
}

fn searchset(resources: Vec<Value>) -> Value {
    json!({"resourceType": "Bundle", "type": "searchset", "entry": resources.into_iter().map(|r| json!({"resource": r})).collect::<Vec<_>>()})
}

/// The four prefetch keys from the demo bundle.
fn full_prefetch() -> Value {
    let resources = bundle_resources(DEMO);
    let of = |kinds: &[&str]| {
        searchset(resources.iter().filter(|r| kinds.contains(&r["resourceType"].as_str().unwrap())).cloned().collect())
    };
    let patient = resources.iter().find(|r| r["resourceType"] == "Patient").unwrap().clone();
    json!({
        "patient": patient,
        "observations": of(&["Observation"]),
        "medications": of(&["MedicationRequest", "MedicationStatement"]),
        "conditions": of(&["Condition"]),
    })
}

fn hook_request(hook: &str, patient: &str, prefetch: Option<Value>, fhir_server: Option<&str>) -> Value {
    let mut request = json!({
        "hook": hook,
        "hookInstance": uuid::Uuid::new_v4().to_string(),
        "context": {"userId": "Practitioner/example", "patientId": patient},
    });
    if let Some(prefetch) = prefetch {
        request["prefetch"] = prefetch;
    }
    if let Some(server) = fhir_server {
        request["fhirServer"] = json!(server);
    }
    request
}

async fn post(client: &reqwest::Client, url: &str, body: &Value, token: Option<&str>) -> (u16, Value) {
    let mut request = client.post(url).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

#[tokio::test]
async fn discovery_and_cors_preflight() {
    let server = start(&[], |_| {}).await;
    let client = reqwest::Client::new();
    let discovery: Value =
        client.get(format!("{}/cds-services", server.url)).send().await.unwrap().json().await.unwrap();
    let ids: Vec<&str> = discovery["services"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["patient-view", "order-select", "order-sign"]);
    for service in discovery["services"].as_array().unwrap() {
        for key in ["patient", "observations", "medications", "conditions"] {
            assert!(service["prefetch"][key].as_str().unwrap().contains("{{context.patientId}}"));
        }
    }
    // The sandbox's preflight: OPTIONS without credentials, asking for authorization and content-type.
    for path in ["/cds-services", "/cds-services/patient-view", "/cds-services/patient-view/feedback"] {
        let response = client
            .request(reqwest::Method::OPTIONS, format!("{}{path}", server.url))
            .header("Origin", "https://sandbox.cds-hooks.org")
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization, content-type")
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{path}: {}", response.status());
        let allowed = response.headers()["access-control-allow-headers"].to_str().unwrap().to_lowercase();
        assert!(allowed.contains("authorization") && allowed.contains("content-type"), "{allowed}");
        assert_eq!(response.headers()["access-control-allow-origin"], "https://sandbox.cds-hooks.org");
    }
}

#[tokio::test]
async fn patient_view_with_full_partial_and_no_prefetch() {
    let server = start(&[], |_| {}).await;
    let fhir = start(&[DEMO], |_| {}).await;
    let client = reqwest::Client::new();
    let url = format!("{}/cds-services/patient-view", server.url);

    // Full prefetch: the demo patient (DEV-013: ANC 0.048, fever) is urgent and grade 4.
    let (status, body) =
        post(&client, &url, &hook_request("patient-view", DEMO_PATIENT, Some(full_prefetch()), None), None).await;
    assert_eq!(status, 200, "{body}");
    let cards = body["cards"].as_array().unwrap();
    let indicators: Vec<&str> = cards.iter().map(|c| c["indicator"].as_str().unwrap()).collect();
    assert!(indicators.contains(&"critical"), "{indicators:?}");
    for card in cards {
        assert!(card["summary"].as_str().unwrap().chars().count() <= 140);
        assert!(!card["source"]["label"].as_str().unwrap().is_empty());
        let detail = card["detail"].as_str().unwrap();
        assert!(detail.contains("developer") && detail.contains("release") && detail.contains("revised"), "{detail}");
        assert!(detail.contains("not a diagnosis"));
        assert!(card["uuid"].as_str().is_some() && card["overrideReasons"].as_array().is_some_and(|r| !r.is_empty()));
    }
    assert!(cards.iter().any(|c| c["summary"].as_str().unwrap().contains("grade 4")), "{cards:?}");

    // Partial prefetch (the patient only): the rest is fetched from the FHIR server given.
    let mut partial = full_prefetch();
    for key in ["observations", "medications", "conditions"] {
        partial.as_object_mut().unwrap().remove(key);
    }
    let fhir_base = format!("{}/fhir", fhir.url);
    let (status, body) =
        post(&client, &url, &hook_request("patient-view", DEMO_PATIENT, Some(partial), Some(&fhir_base)), None).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["cards"].as_array().unwrap().iter().any(|c| c["summary"].as_str().unwrap().contains("grade 4")));

    // No prefetch, no FHIR server, no stored history: 412 naming what is missing.
    let (status, body) = post(&client, &url, &hook_request("patient-view", "unknown-patient", None, None), None).await;
    assert_eq!(status, 412, "{body}");
    assert_eq!(body["resourceType"], "OperationOutcome");
    assert!(body["issue"][0]["diagnostics"].as_str().unwrap().contains("prefetch \"patient\" absent"));

    // Nothing to say (a patient with normal counts): an empty card list, never an error.
    let normal = json!({"patient": {"resourceType": "Patient", "id": "n1"}, "observations": searchset(vec![]), "medications": searchset(vec![]), "conditions": searchset(vec![])});
    let (status, body) = post(&client, &url, &hook_request("patient-view", "n1", Some(normal), None), None).await;
    assert_eq!((status, body), (200, json!({"cards": []})));
}

#[tokio::test]
async fn order_select_reads_drafts_leniently_and_warns_on_clozapine_without_a_baseline() {
    let server = start(&[], |_| {}).await;
    let client = reqwest::Client::new();
    let url = format!("{}/cds-services/order-select", server.url);
    let empty = json!({"patient": {"resourceType": "Patient", "id": "c1"}, "observations": searchset(vec![]), "medications": searchset(vec![]), "conditions": searchset(vec![])});
    // The sandbox's first call: no drug chosen yet.
    let mut request = hook_request("order-select", "c1", Some(empty.clone()), None);
    request["context"]["draftOrders"] = json!({"resourceType": "Bundle", "entry": []});
    let (status, body) = post(&client, &url, &request, None).await;
    assert_eq!((status, body), (200, json!({"cards": []})));
    // A clozapine draft as the sandbox sends it (category as an object, a quantity without unit).
    request["context"]["draftOrders"] = json!({"resourceType": "Bundle", "entry": [{"resource": {
        "resourceType": "MedicationRequest", "id": "draft-1", "status": "draft", "intent": "proposal",
        "category": {"text": "outpatient"},
        "medicationCodeableConcept": {"text": "Clozapine 25 MG Oral Tablet", "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "197535", "display": "Clozapine 25 MG Oral Tablet"}]},
        "dosageInstruction": [{"doseAndRate": [{"doseQuantity": {"value": 25}}]}],
        "subject": {"reference": "Patient/c1"}
    }}]});
    let (status, body) = post(&client, &url, &request, None).await;
    assert_eq!(status, 200, "{body}");
    let cards = body["cards"].as_array().unwrap();
    assert_eq!(cards.len(), 1, "{cards:?}");
    assert_eq!(cards[0]["indicator"], "critical");
    assert!(cards[0]["summary"].as_str().unwrap().contains("clozapine"));
    let actions: Vec<&str> = cards[0]["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["actions"].as_array().unwrap())
        .map(|a| a["type"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"create") && actions.contains(&"delete"), "{actions:?}");
    // With a baseline ANC of 2.0 the start is allowed: nothing to say.
    let mut with_anc = empty;
    with_anc["observations"] = searchset(vec![json!({"resourceType": "Observation", "id": "a1", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "751-8"}]}, "subject": {"reference": "Patient/c1"},
        "effectiveDateTime": Utc::now().to_rfc3339(), "valueQuantity": {"value": 2.0, "unit": "10*3/uL", "system": "http://unitsofmeasure.org", "code": "10*3/uL"}})]);
    request["prefetch"] = with_anc;
    let (status, body) = post(&client, &url, &request, None).await;
    assert_eq!((status, body), (200, json!({"cards": []})));
}

#[tokio::test]
async fn feedback_is_stored_and_override_rates_reported() {
    let server = start(&[DEMO], |_| {}).await;
    let client = reqwest::Client::new();
    let (_, body) = post(
        &client,
        &format!("{}/cds-services/patient-view", server.url),
        &hook_request("patient-view", DEMO_PATIENT, Some(full_prefetch()), None),
        None,
    )
    .await;
    let uuids: Vec<String> =
        body["cards"].as_array().unwrap().iter().map(|c| c["uuid"].as_str().unwrap().to_owned()).collect();
    assert!(uuids.len() >= 2);
    // The sandbox's override reason may carry only code and system.
    let feedback = json!({"feedback": [
        {"card": uuids[0], "outcome": "overridden", "overrideReason": {"reason": {"code": "already-managed", "system": "https://leuko.example/override-reasons"}}, "outcomeTimestamp": Utc::now().to_rfc3339()},
        {"card": uuids[1], "outcome": "accepted", "acceptedSuggestions": [], "outcomeTimestamp": Utc::now().to_rfc3339()},
    ]});
    let (status, _) =
        post(&client, &format!("{}/cds-services/patient-view/feedback", server.url), &feedback, None).await;
    assert_eq!(status, 200);
    let stats: Value =
        client.get(format!("{}/stats/overrides", server.url)).send().await.unwrap().json().await.unwrap();
    let rules = stats["rules"].as_array().unwrap();
    let total: u64 = rules.iter().map(|r| r["feedback"].as_u64().unwrap()).sum();
    let overridden: u64 = rules.iter().map(|r| r["overridden"].as_u64().unwrap()).sum();
    assert_eq!((total, overridden), (2, 1));
    assert!(rules.iter().all(|r| r["rule"].as_str().unwrap().starts_with("patient-view/")), "{rules:?}");
    // Malformed feedback is a 400.
    let (status, _) = post(
        &client,
        &format!("{}/cds-services/patient-view/feedback", server.url),
        &json!({"feedback": [{"outcome": "maybe"}]}),
        None,
    )
    .await;
    assert_eq!(status, 400);
}

struct Signer {
    pem: String,
    jwks: Value,
    kid: String,
}

fn signer() -> Signer {
    use p384::pkcs8::EncodePrivateKey as _;
    let secret = p384::SecretKey::random(&mut rand_core::OsRng);
    let pem = secret.to_pkcs8_pem(p384::pkcs8::LineEnding::LF).unwrap().to_string();
    let kid = uuid::Uuid::new_v4().to_string();
    let mut jwk: Value = serde_json::from_str(&secret.public_key().to_jwk_string()).unwrap();
    jwk["kid"] = json!(kid);
    jwk["alg"] = json!("ES384");
    jwk["use"] = json!("sig");
    Signer { pem, jwks: json!({"keys": [jwk]}), kid }
}

fn token(signer: &Signer, claims: &Value) -> String {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES384);
    header.kid = Some(signer.kid.clone());
    jsonwebtoken::encode(&header, claims, &jsonwebtoken::EncodingKey::from_ec_pem(signer.pem.as_bytes()).unwrap())
        .unwrap()
}

const ISS: &str = "https://ehr.example.org";

fn claims(aud: &str, exp_offset: i64) -> Value {
    let now = Utc::now().timestamp();
    json!({"iss": ISS, "sub": "client", "aud": aud, "exp": now + exp_offset, "iat": now, "jti": uuid::Uuid::new_v4().to_string()})
}

#[tokio::test]
async fn every_jwt_failure_class_is_a_401_and_audited() {
    let trusted = signer();
    let other = signer();
    let jwks: jsonwebtoken::jwk::JwkSet = serde_json::from_value(trusted.jwks.clone()).unwrap();
    let server = start(&[DEMO], |c| {
        c.dev = false;
        c.issuers = vec![Issuer { iss: ISS.to_owned(), keys: TrustedKeys::Jwks(jwks) }];
    })
    .await;
    let client = reqwest::Client::new();
    let url = format!("{}/cds-services/patient-view", server.url);
    let request = hook_request("patient-view", DEMO_PATIENT, Some(full_prefetch()), None);
    let aud = format!("{}/cds-services/patient-view", server.url);

    let good = token(&trusted, &claims(&aud, 300));
    let (status, body) = post(&client, &url, &request, Some(&good)).await;
    assert_eq!(status, 200, "{body}");
    // The same token again: replayed jti.
    let (status, body) = post(&client, &url, &request, Some(&good)).await;
    assert_eq!(status, 401);
    assert!(body["issue"][0]["diagnostics"].as_str().unwrap().contains("jti"), "{body}");

    let none_token = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims(&aud, 300).to_string())
    );
    let mut unknown_iss = claims(&aud, 300);
    unknown_iss["iss"] = json!("https://intruder.example");
    let hs_token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS384),
        &claims(&aud, 300),
        &jsonwebtoken::EncodingKey::from_secret(b"shared"),
    )
    .unwrap();
    let cases = [
        ("bad signature", token(&Signer { kid: trusted.kid.clone(), ..other }, &claims(&aud, 300))),
        ("alg none", none_token),
        ("HS384", hs_token),
        ("expired", token(&trusted, &claims(&aud, -600))),
        ("wrong aud", token(&trusted, &claims("https://elsewhere.example/cds-services/patient-view", 300))),
        ("unknown iss", token(&trusted, &unknown_iss)),
        ("no token", String::new()),
    ];
    for (what, bad) in cases {
        let (status, body) = post(&client, &url, &request, (!bad.is_empty()).then_some(bad.as_str())).await;
        assert_eq!(status, 401, "{what}: {body}");
        assert_eq!(body["resourceType"], "OperationOutcome", "{what}");
    }
    // Every call audited: 1 success, 8 refusals, none with clinical values. (A served call's
    // audit line is written off the request path: wait for it, a few seconds at most.)
    let mut log = server.store.audit_log().await.unwrap();
    for _ in 0..100 {
        if log.len() >= 9 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        log = server.store.audit_log().await.unwrap();
    }
    assert_eq!(log.len(), 9, "{log:?}");
    assert_eq!(log.iter().filter(|e| e.outcome.starts_with("200")).count(), 1);
    assert!(log.iter().filter(|e| e.outcome.starts_with("401")).all(|e| e.service == "patient-view"));
    assert_eq!(log[0].caller, ISS);
    assert_eq!(log[0].patient.as_deref(), Some(DEMO_PATIENT));
}

#[test]
fn without_an_issuer_the_service_refuses_to_start_unless_in_dev_mode() {
    let store = tokio::runtime::Runtime::new().unwrap().block_on(Store::open("sqlite::memory:")).unwrap();
    let refused = leuko_server::router(leuko_kb::bundled(), store.clone(), Config { dev: false, ..Config::default() });
    assert!(matches!(refused, Err(leuko_server::StartError::NoIssuer)));
    assert!(leuko_server::router(leuko_kb::bundled(), store, Config { dev: true, ..Config::default() }).is_ok());
}

#[tokio::test]
async fn the_sandbox_key_set_is_accepted_as_configured_keys() {
    let jwks: jsonwebtoken::jwk::JwkSet = serde_json::from_str(include_str!("data/sandbox-jwks.json")).unwrap();
    assert_eq!(jwks.keys[0].common.key_id.as_deref(), Some("44823f3d-0b01-4a6c-a80e-b9d3e8a7226f"));
    assert!(jsonwebtoken::DecodingKey::from_jwk(&jwks.keys[0]).is_ok());
}

#[tokio::test]
async fn bad_bodies_are_4xx_with_an_operation_outcome() {
    let server = start(&[], |c| c.body_limit = 64 * 1024).await;
    let client = reqwest::Client::new();
    // Oversized.
    let big = "x".repeat(100 * 1024);
    let response = client.post(format!("{}/assess", server.url)).body(big).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 413);
    // Malformed JSON, to each JSON endpoint.
    for path in ["/assess", "/fhir", "/cds-services/patient-view"] {
        let response = client.post(format!("{}{path}", server.url)).body("{\"resourceType\": ").send().await.unwrap();
        assert_eq!(response.status().as_u16(), 400, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["resourceType"], "OperationOutcome", "{path}");
    }
    // A resource the history does not keep.
    let unsupported = json!({"resourceType": "Bundle", "type": "transaction", "entry": [{"resource": {"resourceType": "Encounter", "id": "e1", "status": "finished"}}]});
    let (status, body) = post(&client, &format!("{}/fhir", server.url), &unsupported, None).await;
    assert_eq!(status, 422, "{body}");
}

#[tokio::test]
async fn transactions_are_idempotent_and_the_fhir_facade_reads_them_back() {
    let server = start(&[], |_| {}).await;
    let client = reqwest::Client::new();
    let mut bundle: Value = serde_json::from_str(CLOZAPINE).unwrap();
    bundle["type"] = json!("transaction");
    let (status, body) = post(&client, &format!("{}/fhir", server.url), &bundle, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["type"], "transaction-response");
    assert!(body["entry"].as_array().unwrap().iter().all(|e| e["response"]["status"] == "201 Created"));
    let (_, again) = post(&client, &format!("{}/fhir", server.url), &bundle, None).await;
    assert!(again["entry"].as_array().unwrap().iter().all(|e| e["response"]["status"] == "200 OK"));

    let get = |path: String| {
        let client = client.clone();
        async move {
            let response = client.get(path).header("Accept", "application/json+fhir").send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    let (status, metadata) = get(format!("{}/fhir/metadata", server.url)).await;
    assert_eq!((status, metadata["fhirVersion"].as_str()), (200, Some("4.0.1")));
    let (_, patients) = get(format!("{}/fhir/Patient", server.url)).await;
    assert_eq!(patients["total"], 1);
    let (_, latest) = get(format!(
        "{}/fhir/Observation?patient=clz-demo&code=http://loinc.org|751-8&_sort=-date&_count=2",
        server.url
    ))
    .await;
    let values: Vec<f64> = latest["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"]["valueQuantity"]["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values, [0.7, 1.1]);
    assert_eq!(latest["total"], 12);
    let (_, dated) = get(format!("{}/fhir/Observation?patient=Patient/clz-demo&date=ge2025-11-10", server.url)).await;
    assert_eq!(dated["total"], 2);
    // The sandbox's prefetch searches arrive as POST _search with a form body.
    let response = client
        .post(format!("{}/fhir/MedicationStatement/_search", server.url))
        .form(&[("patient", "clz-demo")])
        .send()
        .await
        .unwrap();
    let meds: Value = response.json().await.unwrap();
    assert_eq!(meds["total"], 1);
    let (status, _) = get(format!("{}/fhir/Patient/clz-demo", server.url)).await;
    assert_eq!(status, 200);
    let (status, missing) = get(format!("{}/fhir/Patient/nobody", server.url)).await;
    assert_eq!((status, missing["resourceType"].as_str()), (404, Some("OperationOutcome")));
    // The stored history assessed, as of the last count: clozapine interrupted at ANC 0.7.
    let (status, a) = get(format!("{}/patients/clz-demo/assessment?as_of=2025-11-17T10:00:00Z", server.url)).await;
    assert_eq!(status, 200);
    let clozapine = a["monitoring"].as_array().unwrap().iter().find(|m| m["programme"] == "clozapine").unwrap();
    assert_eq!(clozapine["action"], "interrupt");
    let (status, t) = get(format!("{}/patients/clz-demo/timeline?as_of=2025-11-17T10:00:00Z", server.url)).await;
    assert_eq!((status, t["contract"].as_str()), (200, Some("leuko.timeline/v1")));
}

#[tokio::test]
async fn health_metrics_and_a_valid_openapi_document() {
    let server = start(&[], |_| {}).await;
    let client = reqwest::Client::new();
    assert_eq!(client.get(format!("{}/health", server.url)).send().await.unwrap().status().as_u16(), 200);
    assert_eq!(client.get(format!("{}/ready", server.url)).send().await.unwrap().status().as_u16(), 200);
    let _ = client.get(format!("{}/patients/secret-id-123/assessment", server.url)).send().await.unwrap();
    let metrics = client.get(format!("{}/metrics", server.url)).send().await.unwrap().text().await.unwrap();
    assert!(
        metrics.contains("leuko_http_requests_total{method=\"GET\",route=\"/health\",status=\"200\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("route=\"/patients/{id}/assessment\""));
    assert!(!metrics.contains("secret-id-123"), "no patient identifier in the metrics");

    let spec: Value = client.get(format!("{}/openapi.json", server.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    assert!(spec["info"]["title"].is_string() && spec["info"]["version"].is_string());
    let methods = ["get", "post", "put", "delete", "options", "head", "patch"];
    for (path, item) in spec["paths"].as_object().unwrap() {
        assert!(path.starts_with('/'), "{path}");
        let templated: Vec<&str> =
            path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
        for (method, operation) in item.as_object().unwrap() {
            assert!(methods.contains(&method.as_str()), "{path}: {method}");
            let responses = operation["responses"].as_object().unwrap();
            assert!(!responses.is_empty(), "{path} {method}: no responses");
            assert!(responses.keys().all(|k| k.len() == 3 && k.parse::<u16>().is_ok()), "{path} {method}");
            assert!(responses.values().all(|r| r["description"].is_string()));
            let declared: Vec<&str> = operation["parameters"]
                .as_array()
                .map(|ps| ps.iter().filter(|p| p["in"] == "path").map(|p| p["name"].as_str().unwrap()).collect())
                .unwrap_or_default();
            assert_eq!(declared, templated, "{path} {method}: path parameters");
        }
    }
}

#[tokio::test]
async fn order_sign_asks_for_g_csf_with_a_high_risk_regimen_and_not_when_ordered() {
    let server = start(&[], |_| {}).await;
    let client = reqwest::Client::new();
    let url = format!("{}/cds-services/order-sign", server.url);
    let prefetch = json!({"patient": {"resourceType": "Patient", "id": "k1", "birthDate": "1970-01-01", "gender": "female"}, "observations": searchset(vec![]), "medications": searchset(vec![]), "conditions": searchset(vec![])});
    let draft = |id: &str, text: &str| json!({"resource": {"resourceType": "MedicationRequest", "id": id, "status": "draft", "intent": "order", "medicationCodeableConcept": {"text": text}, "subject": {"reference": "Patient/k1"}}});
    // TAC (docetaxel, doxorubicin, cyclophosphamide): febrile-neutropenia risk >= 20 % (ASCO 2015).
    let tac = vec![draft("d1", "docetaxel"), draft("d2", "doxorubicin"), draft("d3", "cyclophosphamide")];
    let mut request = hook_request("order-sign", "k1", Some(prefetch.clone()), None);
    request["context"]["draftOrders"] = json!({"resourceType": "Bundle", "entry": tac.clone()});
    let (status, body) = post(&client, &url, &request, None).await;
    assert_eq!(status, 200, "{body}");
    let rules: Vec<&str> =
        body["cards"].as_array().unwrap().iter().map(|c| c["source"]["topic"]["code"].as_str().unwrap()).collect();
    assert_eq!(rules, ["order/g-csf-prophylaxis"], "{body}");
    // With pegfilgrastim in the same orders: nothing to say.
    let mut with_gcsf = tac;
    with_gcsf.push(draft("d4", "pegfilgrastim 6 mg"));
    request["context"]["draftOrders"] = json!({"resourceType": "Bundle", "entry": with_gcsf});
    let (status, body) = post(&client, &url, &request, None).await;
    assert_eq!((status, body), (200, json!({"cards": []})));
}

#[tokio::test]
async fn prefetch_is_fetched_with_the_hook_s_bearer_token() {
    use axum::http::HeaderMap;
    // A FHIR server that answers only with the right token.
    let resources = bundle_resources(DEMO);
    let app = axum::Router::new().fallback(move |headers: HeaderMap, uri: axum::http::Uri| {
        let resources = resources.clone();
        async move {
            if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer secret-token") {
                return (axum::http::StatusCode::UNAUTHORIZED, axum::Json(json!({}))).into_response();
            }
            let path = uri.path().to_owned();
            let kind = path.trim_start_matches("/fhir/").split(['/', '?']).next().unwrap_or_default().to_owned();
            let matched: Vec<Value> =
                resources.iter().filter(|r| r["resourceType"] == kind.as_str()).cloned().collect();
            if path.contains("/Patient/") {
                return axum::Json(matched[0].clone()).into_response();
            }
            axum::Json(searchset(matched)).into_response()
        }
    });
    use axum::response::IntoResponse as _;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let fhir = format!("http://{}/fhir", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let server = start(&[], |_| {}).await;
    let client = reqwest::Client::new();
    let url = format!("{}/cds-services/patient-view", server.url);
    let mut request = hook_request("patient-view", DEMO_PATIENT, None, Some(&fhir));
    request["fhirAuthorization"] = json!({"access_token": "secret-token", "token_type": "Bearer", "expires_in": 300, "scope": "patient/*.read", "subject": "leuko"});
    let (status, body) = post(&client, &url, &request, None).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["cards"].as_array().unwrap().iter().any(|c| c["summary"].as_str().unwrap().contains("grade 4")));
    // A wrong token: the FHIR server refuses, so the prefetch stays missing: 412.
    request["fhirAuthorization"]["access_token"] = json!("wrong");
    let (status, body) = post(&client, &url, &request, None).await;
    assert_eq!(status, 412, "{body}");
    assert!(body["issue"][0]["diagnostics"].as_str().unwrap().contains("401"));
}

#[tokio::test]
async fn shutdown_stops_the_service_and_writes_the_calls_it_served() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let router =
        leuko_server::router(leuko_kb::bundled(), store.clone(), Config { dev: true, ..Config::default() }).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(leuko_server::serve(listener, router, async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    assert_eq!(client.get(format!("http://{address}/health")).send().await.unwrap().status().as_u16(), 200);
    let hook = format!("http://{address}/cds-services/patient-view");
    let (status, _) =
        post(&client, &hook, &hook_request("patient-view", DEMO_PATIENT, Some(full_prefetch()), None), None).await;
    assert_eq!(status, 200);
    stop.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(5), task).await.expect("stops in time").unwrap().unwrap();
    assert!(reqwest::Client::new().get(format!("http://{address}/health")).send().await.is_err());
    // The call's audit line reached the store before serve returned (it is written off the
    // request path, so a shutdown that did not flush it would lose it).
    let audit = store.audit_log().await.unwrap();
    assert!(audit.iter().any(|e| e.service == "patient-view" && e.outcome.starts_with("200")), "{audit:?}");
}
