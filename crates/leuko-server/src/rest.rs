//! The REST side: `POST /assess`, `POST /fhir` (transaction or batch into the history),
//! `GET /patients/{id}/assessment` and `/timeline`, `GET /ready`.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use leuko_store::{NewResource, PutOutcome};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{AppState, fhir_json, outcome, records};

/// Resource types the history keeps.
pub(crate) const STORED_TYPES: [&str; 8] = [
    "Patient",
    "Observation",
    "MedicationRequest",
    "MedicationStatement",
    "MedicationAdministration",
    "Condition",
    "Procedure",
    "AllergyIntolerance",
];

#[derive(Debug, Deserialize)]
pub(crate) struct AsOf {
    as_of: Option<String>,
}

fn as_of(query: &AsOf) -> Result<DateTime<Utc>, Box<Response>> {
    match &query.as_of {
        None => Ok(Utc::now()),
        Some(text) => DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(|_| {
            Box::new(outcome(StatusCode::BAD_REQUEST, "value", &format!("as_of {text:?} is not an RFC 3339 time")))
        }),
    }
}

/// `GET /ready`: the store answers.
pub(crate) async fn ready(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => axum::Json(json!({"status": "ready"})).into_response(),
        Err(error) => {
            tracing::warn!(%error, "store not ready");
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(json!({"status": "store unavailable"}))).into_response()
        }
    }
}

/// `POST /assess`: a FHIR Bundle (or resource, or NDJSON) in, the assessment contract out — one
/// object for one patient, an array for several. Nothing is stored.
pub(crate) async fn assess(State(state): State<AppState>, Query(query): Query<AsOf>, body: String) -> Response {
    let as_of = match as_of(&query) {
        Ok(t) => t,
        Err(response) => return *response,
    };
    let input = match leuko_fhir::read(&body) {
        Ok(input) => input,
        Err(error) => return outcome(StatusCode::BAD_REQUEST, "invalid", &error.to_string()),
    };
    if input.patients.is_empty() {
        return outcome(StatusCode::UNPROCESSABLE_ENTITY, "required", "the input holds no patient data");
    }
    let mut out: Vec<leuko_api::Assessment> = input
        .patients
        .iter()
        .map(|record| leuko_api::Assessment::from(&leuko_core::assess(state.kb, record, as_of, &state.config.assess)))
        .collect();
    if out.len() == 1 { axum::Json(out.remove(0)).into_response() } else { axum::Json(out).into_response() }
}

/// The patient a stored resource belongs to: its own id for a Patient, else its `subject` or
/// `patient` reference (`Patient/{id}`, or a `urn:uuid:` of a Patient in the same Bundle).
fn patient_of(resource: &Value, kind: &str, id: &str, full_urls: &BTreeMap<String, String>) -> Option<String> {
    if kind == "Patient" {
        return Some(id.to_owned());
    }
    let reference = resource
        .get("subject")
        .or_else(|| resource.get("patient"))
        .and_then(|r| r.get("reference"))
        .and_then(Value::as_str)?;
    if let Some(patient) = full_urls.get(reference) {
        return Some(patient.clone());
    }
    let rest = reference.rsplit_once("Patient/").map(|(_, id)| id)?;
    Some(rest.split('/').next().unwrap_or(rest).to_owned())
}

/// A request problem: status, FHIR issue code and what is wrong.
pub(crate) struct Problem(StatusCode, &'static str, String);

impl Problem {
    fn response(&self) -> Response {
        outcome(self.0, self.1, &self.2)
    }
}

/// The resources of a transaction, batch or collection Bundle as the history keeps them: ids set
/// (from `fullUrl` `urn:uuid:` when absent), each with its patient, references to Patients of the
/// Bundle resolved. Also the Bundle type.
pub(crate) fn prepare(body: &str) -> Result<(Vec<NewResource>, String), Problem> {
    let bundle: Value = serde_json::from_str(body).map_err(|e| {
        Problem(
            StatusCode::BAD_REQUEST,
            "structure",
            format!("malformed JSON: {e} (line {}, column {})", e.line(), e.column()),
        )
    })?;
    if bundle.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
        return Err(Problem(
            StatusCode::BAD_REQUEST,
            "structure",
            "POST /fhir takes a Bundle of type transaction or batch".to_owned(),
        ));
    }
    let kind = bundle.get("type").and_then(Value::as_str).unwrap_or_default().to_owned();
    if !matches!(kind.as_str(), "transaction" | "batch" | "collection") {
        return Err(Problem(
            StatusCode::BAD_REQUEST,
            "value",
            format!("Bundle.type {kind:?}: expected transaction, batch or collection"),
        ));
    }
    // The reader validates every resource the engine reads (and names the first problem).
    if let Err(error) = leuko_fhir::read(body) {
        return Err(Problem(StatusCode::BAD_REQUEST, "invalid", error.to_string()));
    }
    let entries = bundle.get("entry").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut full_urls: BTreeMap<String, String> = BTreeMap::new();
    let mut items: Vec<(String, String, Value)> = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let Some(resource) = entry.get("resource").cloned() else {
            return Err(Problem(StatusCode::BAD_REQUEST, "required", format!("Bundle.entry[{index}] has no resource")));
        };
        let rtype = resource.get("resourceType").and_then(Value::as_str).unwrap_or_default().to_owned();
        if !STORED_TYPES.contains(&rtype.as_str()) {
            return Err(Problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not-supported",
                format!(
                    "Bundle.entry[{index}]: {rtype:?} is not kept in the history (kept: {})",
                    STORED_TYPES.join(", ")
                ),
            ));
        }
        let full_url = entry.get("fullUrl").and_then(Value::as_str);
        let id = resource
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| full_url.and_then(|u| u.strip_prefix("urn:uuid:")).map(str::to_owned));
        let Some(id) = id else {
            return Err(Problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "required",
                format!("Bundle.entry[{index}] ({rtype}) has neither an id nor a urn:uuid fullUrl"),
            ));
        };
        if rtype == "Patient"
            && let Some(url) = full_url
        {
            full_urls.insert(url.to_owned(), id.clone());
        }
        items.push((rtype, id, resource));
    }
    let mut resources = Vec::with_capacity(items.len());
    for (index, (rtype, id, mut resource)) in items.into_iter().enumerate() {
        let Some(patient) = patient_of(&resource, &rtype, &id, &full_urls) else {
            return Err(Problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "required",
                format!("Bundle.entry[{index}] ({rtype}/{id}) names no patient (subject or patient reference)"),
            ));
        };
        resource["id"] = Value::String(id.clone());
        for field in ["subject", "patient"] {
            if let Some(reference) = resource.get(field).and_then(|r| r.get("reference")).and_then(Value::as_str)
                && full_urls.contains_key(reference)
            {
                resource[field]["reference"] = Value::String(format!("Patient/{patient}"));
            }
        }
        resources.push(NewResource { resource_type: rtype, id, patient, body: resource });
    }
    Ok((resources, kind))
}

/// Loads a Bundle file into the store (`leuko serve --demo`); returns how many resources it holds.
pub async fn load_bundle(store: &leuko_store::Store, body: &str) -> Result<usize, String> {
    let (resources, _) = prepare(body).map_err(|p| p.2)?;
    let count = resources.len();
    store.put(resources).await.map_err(|e| e.to_string())?;
    Ok(count)
}

/// `POST /fhir`: a transaction or batch Bundle stored into the history, idempotent on resource
/// identity (a resend is `200 OK` and changes nothing); answered with a transaction-response.
pub(crate) async fn transaction(State(state): State<AppState>, body: String) -> Response {
    let (resources, kind) = match prepare(&body) {
        Ok(prepared) => prepared,
        Err(problem) => return problem.response(),
    };
    let described: Vec<(String, String)> = resources.iter().map(|r| (r.resource_type.clone(), r.id.clone())).collect();
    let outcomes = match state.store.put(resources).await {
        Ok(outcomes) => outcomes,
        Err(error) => {
            tracing::error!(%error, "store write failed");
            return outcome(StatusCode::SERVICE_UNAVAILABLE, "transient", "the history could not be written; retry");
        }
    };
    let response_entries: Vec<Value> = described
        .iter()
        .zip(outcomes)
        .map(|((rtype, id), result)| {
            let status = match result {
                PutOutcome::Created => "201 Created",
                PutOutcome::Updated | PutOutcome::Unchanged => "200 OK",
            };
            json!({"response": {"status": status, "location": format!("{rtype}/{id}")}})
        })
        .collect();
    let response_type = if kind == "batch" { "batch-response" } else { "transaction-response" };
    fhir_json(StatusCode::OK, &json!({"resourceType": "Bundle", "type": response_type, "entry": response_entries}))
}

async fn stored_record(state: &AppState, id: &str) -> Result<leuko_core::PatientRecord, Response> {
    let resources = state.store.patient_resources(id).await.map_err(|error| {
        tracing::error!(%error, "store read failed");
        outcome(StatusCode::SERVICE_UNAVAILABLE, "transient", "the history could not be read; retry")
    })?;
    if resources.is_empty() {
        return Err(outcome(StatusCode::NOT_FOUND, "not-found", "no stored history for this patient"));
    }
    let input = records(&resources)
        .map_err(|error| outcome(StatusCode::INTERNAL_SERVER_ERROR, "exception", &error.to_string()))?;
    input
        .patients
        .into_iter()
        .find(|p| p.id.as_deref() == Some(id))
        .ok_or_else(|| outcome(StatusCode::NOT_FOUND, "not-found", "the stored history holds no Patient resource"))
}

/// The stored record and "now" of a per-patient request.
async fn stored_at(
    state: &AppState,
    id: &str,
    query: &AsOf,
) -> Result<(leuko_core::PatientRecord, DateTime<Utc>), Response> {
    let as_of = as_of(query).map_err(|response| *response)?;
    Ok((stored_record(state, id).await?, as_of))
}

/// `GET /patients/{id}/assessment[?as_of=]`: the assessment of the stored history.
pub(crate) async fn patient_assessment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<AsOf>,
) -> Response {
    match stored_at(&state, &id, &query).await {
        Ok((record, as_of)) => {
            let assessment = leuko_core::assess(state.kb, &record, as_of, &state.config.assess);
            axum::Json(leuko_api::Assessment::from(&assessment)).into_response()
        }
        Err(response) => response,
    }
}

/// `GET /patients/{id}/timeline[?as_of=]`: the timeline of the stored history.
pub(crate) async fn patient_timeline(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<AsOf>,
) -> Response {
    match stored_at(&state, &id, &query).await {
        Ok((record, as_of)) => {
            let kb = state.kb;
            let config = state.config.assess.clone();
            // The replay is CPU-bound: keep it off the async workers.
            match tokio::task::spawn_blocking(move || leuko_core::timeline(kb, &record, as_of, &config)).await {
                Ok(timeline) => axum::Json(leuko_api::Timeline::from(&timeline)).into_response(),
                Err(_) => outcome(StatusCode::INTERNAL_SERVER_ERROR, "exception", "the timeline could not be built"),
            }
        }
        Err(response) => response,
    }
}
