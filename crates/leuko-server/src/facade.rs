//! The read side of FHIR R4 over the stored history, enough for a CDS Hooks client to use leuko
//! as its FHIR server: `metadata`, read by id, and searches (`Patient`, `Observation?patient=
//! &code=&date=&_sort=-date&_count=`, `MedicationRequest?patient=&status=`, `Condition?patient=`,
//! and the other stored types by patient), by GET or `POST {type}/_search` with a form body.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use crate::rest::STORED_TYPES;
use crate::{AppState, fhir_json, outcome};

/// `GET /fhir/metadata`: the CapabilityStatement.
pub(crate) async fn metadata(State(state): State<AppState>) -> Response {
    let resources: Vec<Value> = STORED_TYPES
        .iter()
        .map(|kind| {
            let mut params = vec![json!({"name": "patient", "type": "reference"})];
            match *kind {
                "Observation" => {
                    params.push(json!({"name": "code", "type": "token"}));
                    params.push(json!({"name": "date", "type": "date"}));
                }
                "MedicationRequest" | "MedicationStatement" | "Condition" => {
                    params.push(json!({"name": "status", "type": "token"}));
                }
                _ => {}
            }
            json!({
                "type": kind,
                "interaction": [{"code": "read"}, {"code": "search-type"}],
                "searchParam": params,
            })
        })
        .collect();
    let body = json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-27",
        "kind": "instance",
        "software": {"name": "leuko", "version": env!("CARGO_PKG_VERSION")},
        "implementation": {"description": "leuko patient history (read-only FHIR facade)", "url": format!("{}/fhir", state.config.public_url)},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [{
            "mode": "server",
            "resource": resources,
            "interaction": [{"code": "transaction"}, {"code": "batch"}],
        }],
    });
    fhir_json(StatusCode::OK, &body)
}

/// `GET /fhir/{type}/{id}`.
pub(crate) async fn read(State(state): State<AppState>, Path((kind, id)): Path<(String, String)>) -> Response {
    if !STORED_TYPES.contains(&kind.as_str()) {
        return outcome(StatusCode::NOT_FOUND, "not-supported", &format!("{kind} is not served"));
    }
    match state.store.resource(&kind, &id).await {
        Ok(Some(resource)) => fhir_json(StatusCode::OK, &resource),
        Ok(None) => outcome(StatusCode::NOT_FOUND, "not-found", &format!("{kind}/{id} is not stored")),
        Err(error) => {
            tracing::error!(%error, "store read failed");
            outcome(StatusCode::SERVICE_UNAVAILABLE, "transient", "the history could not be read; retry")
        }
    }
}

/// `GET /fhir/{type}?…`.
pub(crate) async fn search(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    run_search(&state, &kind, &params).await
}

/// `POST /fhir/{type}/_search` with a form body (and possibly query parameters).
pub(crate) async fn search_post(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    Query(mut params): Query<Vec<(String, String)>>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    params.extend(form);
    run_search(&state, &kind, &params).await
}

fn codes_of(resource: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for field in ["code", "medicationCodeableConcept"] {
        for coding in resource.get(field).and_then(|c| c.get("coding")).and_then(Value::as_array).into_iter().flatten()
        {
            let system = coding.get("system").and_then(Value::as_str).unwrap_or_default().to_owned();
            if let Some(code) = coding.get("code").and_then(Value::as_str) {
                out.push((system, code.to_owned()));
            }
        }
    }
    out
}

fn date_of(resource: &Value) -> Option<String> {
    ["effectiveDateTime", "issued", "authoredOn", "recordedDate", "onsetDateTime", "performedDateTime"]
        .iter()
        .find_map(|field| resource.get(*field).and_then(Value::as_str))
        .or_else(|| resource.get("effectivePeriod").and_then(|p| p.get("start")).and_then(Value::as_str))
        .map(str::to_owned)
}

/// Whether a FHIR date search value (`ge2024-01-01`, `lt2025`, `2024-03`) accepts `date`. Dates
/// are compared as text on their common prefix, which orders ISO 8601 correctly.
fn date_matches(filter: &str, date: Option<&str>) -> bool {
    let Some(date) = date else { return false };
    let (prefix, value) = match filter.get(..2) {
        Some(p @ ("ge" | "le" | "gt" | "lt" | "eq" | "ne")) => (p, &filter[2..]),
        _ => ("eq", filter),
    };
    let len = value.len().min(date.len());
    let (d, v) = (&date[..len], &value[..len]);
    match prefix {
        "ge" => d >= v,
        "le" => d <= v,
        "gt" => d > v,
        "lt" => d < v,
        "ne" => d != v,
        _ => d == v,
    }
}

/// The alerts raised for a patient (by the lab feed), as FHIR Communications or DetectedIssues.
async fn alert_resources(state: &AppState, kind: &str, params: &[(String, String)]) -> Response {
    let Some(patient) = params
        .iter()
        .find(|(name, _)| name == "patient" || name == "subject")
        .map(|(_, value)| value.rsplit('/').next().unwrap_or(value).to_owned())
    else {
        return outcome(StatusCode::BAD_REQUEST, "required", &format!("a {kind} search needs a patient parameter"));
    };
    let alerts = match state.store.raised_alerts(&patient).await {
        Ok(alerts) => alerts,
        Err(error) => {
            tracing::error!(%error, "store read failed");
            return outcome(StatusCode::SERVICE_UNAVAILABLE, "transient", "the alerts could not be read; retry");
        }
    };
    let base = format!("{}/fhir", state.config.public_url);
    let entries: Vec<Value> = alerts
        .iter()
        .map(|a| {
            let id = leuko_fhir::fhir_id(&format!("{patient}-{}-{}-{}", a.key, a.severity, a.raised));
            let priority = match a.level.as_str() {
                "critical" => "stat",
                "warning" => "urgent",
                _ => "routine",
            };
            let resource = if kind == "DetectedIssue" {
                let severity = match a.level.as_str() {
                    "critical" => "high",
                    "warning" => "moderate",
                    _ => "low",
                };
                json!({
                    "resourceType": "DetectedIssue",
                    "id": id,
                    "status": "final",
                    "code": {"text": a.kind},
                    "severity": severity,
                    "patient": {"reference": format!("Patient/{patient}")},
                    "identifiedDateTime": a.raised,
                    "detail": format!("{} (decision support for clinicians, not a diagnosis)", a.text),
                    "identifier": [{"system": "urn:leuko:alert-key", "value": a.key}],
                })
            } else { json!({
                "resourceType": "Communication",
                "id": id,
                "status": "completed",
                "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/communication-category", "code": "alert"}], "text": a.kind}],
                "priority": priority,
                "subject": {"reference": format!("Patient/{patient}")},
                "sent": a.raised,
                "payload": [{"contentString": format!("{} (decision support for clinicians, not a diagnosis)", a.text)}],
                "identifier": [{"system": "urn:leuko:alert-key", "value": a.key}],
            }) };
            json!({"fullUrl": format!("{base}/{kind}/{id}"), "resource": resource, "search": {"mode": "match"}})
        })
        .collect();
    fhir_json(
        StatusCode::OK,
        &json!({"resourceType": "Bundle", "type": "searchset", "total": entries.len(), "entry": entries}),
    )
}

async fn run_search(state: &AppState, kind: &str, params: &[(String, String)]) -> Response {
    if kind == "Communication" || kind == "DetectedIssue" {
        return alert_resources(state, kind, params).await;
    }
    if !STORED_TYPES.contains(&kind) {
        return outcome(StatusCode::NOT_FOUND, "not-supported", &format!("{kind} is not served"));
    }
    let mut patient: Option<String> = None;
    let mut filters: Vec<(&str, &str)> = Vec::new();
    let mut sort_desc_date = false;
    let mut count: Option<usize> = None;
    for (name, value) in params {
        match name.as_str() {
            "patient" | "subject" | "_id" if kind == "Patient" || name != "_id" => {
                patient = Some(value.rsplit('/').next().unwrap_or(value).to_owned());
            }
            "code" | "date" | "status" | "clinical-status" | "category" => filters.push((name, value)),
            "_sort" => sort_desc_date = value == "-date",
            "_count" => match value.parse() {
                Ok(n) => count = Some(n),
                Err(_) => {
                    return outcome(StatusCode::BAD_REQUEST, "value", &format!("_count {value:?} is not a number"));
                }
            },
            "_format" | "_pretty" | "_summary" | "_elements" | "_include" | "_revinclude" => {}
            other => {
                return outcome(
                    StatusCode::BAD_REQUEST,
                    "not-supported",
                    &format!("search parameter {other:?} is not supported on {kind}"),
                );
            }
        }
    }
    let resources: Vec<Value> = match (&patient, kind) {
        (None, "Patient") => {
            let mut out = Vec::new();
            let ids = match state.store.patients().await {
                Ok(ids) => ids,
                Err(error) => {
                    tracing::error!(%error, "store read failed");
                    return outcome(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "transient",
                        "the history could not be read; retry",
                    );
                }
            };
            for id in ids {
                if let Ok(Some(resource)) = state.store.resource("Patient", &id).await {
                    out.push(resource);
                }
            }
            out
        }
        (None, _) => {
            return outcome(StatusCode::BAD_REQUEST, "required", &format!("a {kind} search needs a patient parameter"));
        }
        (Some(id), _) => match state.store.patient_resources(id).await {
            Ok(all) => {
                all.into_iter().filter(|r| r.get("resourceType").and_then(Value::as_str) == Some(kind)).collect()
            }
            Err(error) => {
                tracing::error!(%error, "store read failed");
                return outcome(StatusCode::SERVICE_UNAVAILABLE, "transient", "the history could not be read; retry");
            }
        },
    };
    let mut matched: Vec<Value> = resources
        .into_iter()
        .filter(|resource| {
            filters.iter().all(|(name, value)| match *name {
                "code" => value.split(',').any(|token| {
                    let (system, code) = token.split_once('|').unwrap_or(("", token));
                    codes_of(resource).iter().any(|(s, c)| c == code && (system.is_empty() || s == system))
                }),
                "date" => date_matches(value, date_of(resource).as_deref()),
                "status" => {
                    let status = resource.get("status").and_then(Value::as_str).unwrap_or_default();
                    value.split(',').any(|v| v == status)
                }
                "clinical-status" => {
                    let codes =
                        resource.get("clinicalStatus").map(|c| codes_of(&json!({"code": c}))).unwrap_or_default();
                    value.split(',').any(|v| codes.iter().any(|(_, c)| c == v))
                }
                _ => true,
            })
        })
        .collect();
    if sort_desc_date {
        matched.sort_by_key(|r| std::cmp::Reverse(date_of(r)));
    }
    let total = matched.len();
    if let Some(count) = count {
        matched.truncate(count);
    }
    let base = format!("{}/fhir", state.config.public_url);
    let entries: Vec<Value> = matched
        .into_iter()
        .map(|resource| {
            let id = resource.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
            json!({"fullUrl": format!("{base}/{kind}/{id}"), "resource": resource, "search": {"mode": "match"}})
        })
        .collect();
    fhir_json(StatusCode::OK, &json!({"resourceType": "Bundle", "type": "searchset", "total": total, "entry": entries}))
}

#[cfg(test)]
mod tests {
    use super::date_matches;

    #[test]
    fn date_prefixes() {
        assert!(date_matches("ge2025-01-01", Some("2025-03-01T08:00:00Z")));
        assert!(!date_matches("lt2025-01-01", Some("2025-03-01T08:00:00Z")));
        assert!(date_matches("2025-03", Some("2025-03-01T08:00:00Z")));
        assert!(!date_matches("2025-04", Some("2025-03-01T08:00:00Z")));
        assert!(!date_matches("ge2025", None));
    }
}
