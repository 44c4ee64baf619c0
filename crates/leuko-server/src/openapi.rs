//! `GET /openapi.json`: the OpenAPI 3.1 description of the service.

use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

fn op(summary: &str, tag: &str, body: Option<&str>, responses: &[(&str, &str)]) -> Value {
    let mut operation = json!({
        "summary": summary,
        "tags": [tag],
        "responses": responses.iter().map(|(code, text)| ((*code).to_owned(), json!({"description": text}))).collect::<serde_json::Map<_, _>>(),
    });
    if let Some(media) = body {
        operation["requestBody"] = json!({"required": true, "content": {media: {"schema": {"type": "object"}}}});
    }
    operation
}

fn path_param(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
}

/// The document.
pub(crate) fn spec() -> Value {
    let outcome = ("400", "Bad input: a FHIR OperationOutcome names the problem");
    let as_of =
        json!({"name": "as_of", "in": "query", "required": false, "schema": {"type": "string", "format": "date-time"}});
    let mut patient_assessment = op(
        "Assessment of a stored patient history",
        "rest",
        None,
        &[("200", "Assessment (leuko.assessment/v1)"), ("404", "No stored history")],
    );
    patient_assessment["parameters"] = json!([path_param("id"), as_of.clone()]);
    let mut patient_timeline = op(
        "Timeline of a stored patient history",
        "rest",
        None,
        &[("200", "Timeline (leuko.timeline/v1)"), ("404", "No stored history")],
    );
    patient_timeline["parameters"] = json!([path_param("id"), as_of.clone()]);
    let mut assess = op(
        "Assess a FHIR Bundle (nothing is stored)",
        "rest",
        Some("application/fhir+json"),
        &[("200", "Assessment, or an array of them"), outcome, ("413", "Body too large")],
    );
    assess["parameters"] = json!([as_of]);
    let mut read = op("Read a stored resource", "fhir", None, &[("200", "The resource"), ("404", "Not stored")]);
    read["parameters"] = json!([path_param("type"), path_param("id")]);
    let mut search = op(
        "Search stored resources (patient, code, date, status, _sort=-date, _count)",
        "fhir",
        None,
        &[("200", "searchset Bundle"), outcome],
    );
    search["parameters"] = json!([path_param("type")]);
    let mut search_post = op(
        "Search by form body",
        "fhir",
        Some("application/x-www-form-urlencoded"),
        &[("200", "searchset Bundle"), outcome],
    );
    search_post["parameters"] = json!([path_param("type")]);
    let mut hook = op(
        "Call a CDS service (patient-view, order-select, order-sign)",
        "cds-hooks",
        Some("application/json"),
        &[
            ("200", "Cards"),
            ("400", "Malformed request"),
            ("401", "Authentication failed (reason in an OperationOutcome)"),
            ("412", "Prefetch missing and no FHIR server to fetch it from"),
        ],
    );
    hook["parameters"] = json!([path_param("id")]);
    let mut feedback = op(
        "Feedback on cards (accepted / overridden with reason)",
        "cds-hooks",
        Some("application/json"),
        &[("200", "Stored"), ("400", "Malformed feedback"), ("401", "Authentication failed")],
    );
    feedback["parameters"] = json!([path_param("id")]);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "leuko",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Clinical decision support for leukopenia: CDS Hooks services, a REST API and a FHIR R4 read facade over the stored patient history. Decision support for clinicians, not a diagnosis."
        },
        "paths": {
            "/health": {"get": op("Liveness", "operations", None, &[("200", "Alive")])},
            "/ready": {"get": op("Readiness (the store answers)", "operations", None, &[("200", "Ready"), ("503", "Store unavailable")])},
            "/metrics": {"get": op("Prometheus metrics", "operations", None, &[("200", "Text exposition format")])},
            "/openapi.json": {"get": op("This document", "operations", None, &[("200", "OpenAPI 3.1")])},
            "/assess": {"post": assess},
            "/fhir": {"post": op("Store a transaction or batch Bundle into the history (idempotent on resource identity)", "fhir", Some("application/fhir+json"), &[("200", "transaction-response Bundle"), outcome, ("422", "A resource the history does not keep, or without a patient")])},
            "/fhir/metadata": {"get": op("CapabilityStatement", "fhir", None, &[("200", "CapabilityStatement (fhirVersion 4.0.1)")])},
            "/fhir/{type}": {"get": search},
            "/fhir/{type}/_search": {"post": search_post},
            "/fhir/{type}/{id}": {"get": read},
            "/patients/{id}/assessment": {"get": patient_assessment},
            "/patients/{id}/timeline": {"get": patient_timeline},
            "/cds-services": {"get": op("CDS Hooks discovery", "cds-hooks", None, &[("200", "Services with prefetch templates")])},
            "/cds-services/{id}": {"post": hook},
            "/cds-services/{id}/feedback": {"post": feedback},
            "/stats/overrides": {"get": op("Override rate per card rule", "cds-hooks", None, &[("200", "Rates")])},
        }
    })
}

/// `GET /openapi.json`.
pub(crate) async fn document() -> Response {
    axum::Json(spec()).into_response()
}
