//! `leuko serve`: the engine behind HTTP — CDS Hooks 2.0 services, a REST API (`/assess`,
//! `/fhir` transactions, per-patient assessment and timeline) and a FHIR R4 read facade over the
//! stored patient history (SQLite by default, PostgreSQL by URL).
//!
//! An adapter: it parses HTTP and FHIR, calls the pure core and the store, and answers. Logs name
//! routes and status codes, never patient identifiers or values.

mod auth;
mod calls;
mod cds;
mod facade;
pub mod ingest;
mod metrics;
mod openapi;
pub mod queue;
mod rest;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use leuko_core::{AssessConfig, KnowledgeBase};
use leuko_store::Store;
use serde_json::{Value, json};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

pub use auth::{Issuer, TrustedKeys};
pub use rest::load_bundle;

/// How the service runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The URL clients call the service by (the JWT `aud` must equal it), e.g.
    /// `http://127.0.0.1:8080`.
    pub public_url: String,
    /// Development mode: CDS Hooks authentication is off (said loudly at start-up).
    pub dev: bool,
    /// Trusted CDS clients: issuer and its keys. Without any, the service starts only in `dev`.
    pub issuers: Vec<Issuer>,
    /// Largest request body accepted (bytes).
    pub body_limit: usize,
    /// Requests taking longer are answered 503.
    pub timeout: Duration,
    /// The site's reference intervals.
    pub assess: AssessConfig,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            public_url: "http://127.0.0.1:8080".to_owned(),
            dev: false,
            issuers: Vec::new(),
            body_limit: 4 * 1024 * 1024,
            timeout: Duration::from_secs(30),
            assess: AssessConfig::with_site_intervals(Vec::new()),
        }
    }
}

/// Why the service cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// No trusted issuer and not in development mode: the service never starts open.
    #[error(
        "no CDS Hooks issuer is configured: give trusted issuers and their keys (config file), or run with --dev to turn authentication off for development"
    )]
    NoIssuer,
    /// The listener could not be bound.
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    /// Serving failed.
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

/// Shared state of every request.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) kb: &'static KnowledgeBase,
    pub(crate) store: Store,
    pub(crate) config: Arc<Config>,
    pub(crate) metrics: Arc<metrics::Metrics>,
    pub(crate) http: reqwest::Client,
    pub(crate) calls: calls::CallLog,
}

/// The whole HTTP service: its router, and the call log that [`serve`] flushes at shutdown.
pub struct Service {
    router: Router,
    calls: calls::CallLog,
}

/// The service for [`serve`] (and for tests).
pub fn router(kb: &'static KnowledgeBase, store: Store, config: Config) -> Result<Service, StartError> {
    if !config.dev && config.issuers.is_empty() {
        return Err(StartError::NoIssuer);
    }
    let body_limit = config.body_limit;
    let timeout = config.timeout;
    let state = AppState {
        kb,
        calls: calls::CallLog::new(store.clone()),
        store,
        config: Arc::new(config),
        metrics: Arc::new(metrics::Metrics::default()),
        http: reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap_or_default(),
    };
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
        .max_age(Duration::from_secs(600));
    let router = Router::new()
        .route("/health", get(|| async { axum::Json(json!({"status": "ok"})) }))
        .route("/ready", get(rest::ready))
        .route("/metrics", get(metrics::render))
        .route("/openapi.json", get(openapi::document))
        .route("/assess", post(rest::assess))
        .route("/patients/{id}/assessment", get(rest::patient_assessment))
        .route("/patients/{id}/timeline", get(rest::patient_timeline))
        .route("/fhir", post(rest::transaction))
        .route("/fhir/metadata", get(facade::metadata))
        .route("/fhir/{kind}", get(facade::search))
        .route("/fhir/{kind}/_search", post(facade::search_post))
        .route("/fhir/{kind}/{id}", get(facade::read))
        .route("/cds-services", get(cds::discovery))
        .route("/cds-services/{id}", post(cds::hook))
        .route("/cds-services/{id}/feedback", post(cds::feedback))
        .route("/stats/overrides", get(cds::override_stats))
        .fallback(|| async { outcome(StatusCode::NOT_FOUND, "not-found", "no such route") })
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, timeout))
        .layer(cors)
        .with_state(state.clone());
    Ok(Service { router, calls: state.calls })
}

/// Serves until `shutdown` completes, then finishes the requests in flight and writes the
/// card registry and audit lines they left in the call log's queue.
pub async fn serve(
    listener: tokio::net::TcpListener,
    service: Service,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let Service { router, calls } = service;
    let served = axum::serve(listener, router).with_graceful_shutdown(shutdown).await.map_err(StartError::Serve);
    calls.flush().await;
    served
}

/// A FHIR OperationOutcome error response.
pub(crate) fn outcome(status: StatusCode, code: &str, diagnostics: &str) -> Response {
    let severity = if status.is_server_error() { "fatal" } else { "error" };
    let body = json!({
        "resourceType": "OperationOutcome",
        "issue": [{ "severity": severity, "code": code, "diagnostics": diagnostics }]
    });
    fhir_json(status, &body)
}

/// A JSON response with the FHIR media type.
pub(crate) fn fhir_json(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, axum::Json(body.clone())).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/fhir+json"));
    response
}

/// Patient records and reading notes from stored or posted FHIR resources.
pub(crate) fn records(resources: &[Value]) -> Result<leuko_fhir::FhirInput, leuko_fhir::FhirError> {
    records_from(&[], resources)
}

/// Reads resources given as JSON text as sent (a resource or a Bundle each: a CDS Hooks
/// prefetch) and as parsed values, together, as one collection.
pub(crate) fn records_from(
    sent: &[&serde_json::value::RawValue],
    resources: &[Value],
) -> Result<leuko_fhir::FhirInput, leuko_fhir::FhirError> {
    // The Bundle text written directly (no copy of the resources into a new JSON tree).
    let mut text = String::from(r#"{"resourceType":"Bundle","type":"collection","entry":["#);
    let parsed: Vec<String> = resources.iter().map(Value::to_string).collect();
    let entries = sent.iter().map(|raw| raw.get()).chain(parsed.iter().map(String::as_str));
    for (index, resource) in entries.enumerate() {
        if index > 0 {
            text.push(',');
        }
        text.push_str(r#"{"resource":"#);
        text.push_str(resource);
        text.push('}');
    }
    text.push_str("]}");
    leuko_fhir::read(&text)
}
