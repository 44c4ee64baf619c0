//! CDS Hooks 2.0: discovery, `patient-view`, `order-select`, `order-sign`, feedback and the
//! override statistics. Cards carry the source attributes of evidence-based decision support
//! (ONC HTI-1 §170.315(b)(11)): citation, developer, release and revision date of the rule.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use leuko_core::{MedicationExposure, MedicationSource, MedicationStatus, PatientRecord};
use leuko_store::{AuditEntry, Feedback};
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::{AppState, auth, outcome};

const DEVELOPER: &str = "leuko project (open-source clinical decision support for leukopenia)";
const OBSERVATION_CODES: &str = "http://loinc.org|6690-2,http://loinc.org|26464-8,http://loinc.org|751-8,http://loinc.org|26499-4,http://loinc.org|753-1,http://loinc.org|770-8,http://loinc.org|731-0,http://loinc.org|736-9,http://loinc.org|718-7,http://loinc.org|777-3,http://loinc.org|8310-5";

fn prefetch_templates() -> Value {
    json!({
        "patient": "Patient/{{context.patientId}}",
        "observations": format!("Observation?patient={{{{context.patientId}}}}&code={OBSERVATION_CODES}&_sort=-date&_count=200"),
        "medications": "MedicationRequest?patient={{context.patientId}}",
        "conditions": "Condition?patient={{context.patientId}}",
    })
}

/// `GET /cds-services`.
pub(crate) async fn discovery() -> Response {
    let services = [
        (
            "patient-view",
            "leuko: leukopenia summary",
            "Active leukopenia or neutropenia with its grade, urgent febrile-neutropenia risk, overdue drug monitoring and the leading causes.",
        ),
        (
            "order-select",
            "leuko: neutropenia risk of a drug order",
            "A drug with neutropenia risk ordered while counts are low, clozapine or deferiprone without a baseline ANC, a past suspect drug (rechallenge), chemotherapy without the G-CSF prophylaxis its risk calls for.",
        ),
        ("order-sign", "leuko: neutropenia risk before signing", "The order-select checks, at signing."),
    ];
    let list: Vec<Value> = services
        .iter()
        .map(|(id, title, description)| {
            json!({"hook": id, "id": id, "title": title, "description": description, "prefetch": prefetch_templates()})
        })
        .collect();
    axum::Json(json!({"services": list})).into_response()
}

async fn audit(state: &AppState, caller: &str, service: &str, patient: Option<&str>, result: &str) {
    let entry = AuditEntry {
        at: Utc::now(),
        caller: caller.to_owned(),
        service: service.to_owned(),
        patient: patient.map(str::to_owned),
        outcome: result.to_owned(),
    };
    if let Err(error) = state.store.audit(entry).await {
        tracing::error!(%error, "audit write failed");
    }
}

/// Resources of a prefetch value: a resource, a Bundle of them, or null.
fn resources_of(value: &Value) -> Option<Vec<Value>> {
    match value.get("resourceType").and_then(Value::as_str) {
        Some("Bundle") => Some(
            value
                .get("entry")
                .and_then(Value::as_array)
                .map(|entries| entries.iter().filter_map(|e| e.get("resource").cloned()).collect())
                .unwrap_or_default(),
        ),
        Some(_) => Some(vec![value.clone()]),
        None => None,
    }
}

/// The resource types a prefetch key stands for.
fn kinds_of(key: &str) -> &'static [&'static str] {
    match key {
        "patient" => &["Patient"],
        "observations" => &["Observation"],
        "medications" => &["MedicationRequest", "MedicationStatement", "MedicationAdministration"],
        _ => &["Condition", "Procedure", "AllergyIntolerance"],
    }
}

async fn fetch(state: &AppState, server: &str, token: Option<&str>, query: &str) -> Result<Vec<Value>, String> {
    let url = format!("{}/{query}", server.trim_end_matches('/'));
    let mut request = state.http.get(&url).header("Accept", "application/fhir+json");
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.map_err(|e| format!("{query}: {e}"))?;
    if !response.status().is_success() {
        return Err(format!("{query}: FHIR server answered {}", response.status()));
    }
    let body: Value = response.json().await.map_err(|e| format!("{query}: not JSON ({e})"))?;
    resources_of(&body).ok_or_else(|| format!("{query}: not a FHIR resource or Bundle"))
}

/// A hook request as read: the prefetch values stay unparsed JSON text (borrowed from the body)
/// until the FHIR reader reads them once.
#[derive(serde::Deserialize)]
struct HookRequest<'a> {
    #[serde(default)]
    context: Value,
    #[serde(default, borrow)]
    prefetch: Option<BTreeMap<String, &'a RawValue>>,
    #[serde(default, rename = "fhirServer")]
    fhir_server: Option<String>,
    #[serde(default, rename = "fhirAuthorization")]
    fhir_authorization: Option<Value>,
}

/// The `resourceType` of a prefetch value (none for `null` or anything that is not a resource).
fn resource_type(raw: &RawValue) -> Option<String> {
    // Most senders write `resourceType` first: read it without scanning the whole resource.
    if let Some(rest) = raw.get().trim_start().strip_prefix(r#"{"resourceType":""#)
        && let Some((kind, _)) = rest.split_once('"')
        && !kind.contains('\\')
    {
        return Some(kind.to_owned());
    }
    #[derive(serde::Deserialize)]
    struct Head {
        #[serde(rename = "resourceType")]
        resource_type: Option<String>,
    }
    serde_json::from_str::<Head>(raw.get()).ok().and_then(|h| h.resource_type)
}

/// What the hook reads: prefetch values as sent, and resources from the FHIR server or the
/// stored history where a prefetch key was absent.
#[derive(Default)]
struct Gathered<'a> {
    prefetched: Vec<&'a RawValue>,
    fetched: Vec<Value>,
}

/// Every resource the hook needs: prefetch first, then the FHIR server, then the stored history.
async fn gather<'a>(state: &AppState, request: &HookRequest<'a>, patient: &str) -> Result<Gathered<'a>, Vec<String>> {
    let server = request.fhir_server.as_deref();
    let token = request.fhir_authorization.as_ref().and_then(|a| a.get("access_token")).and_then(Value::as_str);
    // The stored history is read only when a key is absent and there is no FHIR server.
    let mut stored: Option<Vec<Value>> = None;
    let templates = prefetch_templates();
    let mut out = Gathered::default();
    let mut missing: Vec<String> = Vec::new();
    for key in ["patient", "observations", "medications", "conditions"] {
        if let Some(raw) = request.prefetch.as_ref().and_then(|p| p.get(key)).filter(|r| resource_type(r).is_some()) {
            out.prefetched.push(raw);
            continue;
        }
        if let Some(server) = server {
            let query = templates[key].as_str().unwrap_or_default().replace("{{context.patientId}}", patient);
            match fetch(state, server, token, &query).await {
                Ok(resources) => {
                    out.fetched.extend(resources);
                    continue;
                }
                Err(error) => {
                    missing.push(format!("prefetch {key:?} absent and the FHIR server failed ({error})"));
                    continue;
                }
            }
        }
        if stored.is_none() {
            stored = Some(state.store.patient_resources(patient).await.unwrap_or_default());
        }
        let stored = stored.as_deref().unwrap_or_default();
        let kinds = kinds_of(key);
        let from_store: Vec<Value> = stored
            .iter()
            .filter(|r| r.get("resourceType").and_then(Value::as_str).is_some_and(|k| kinds.contains(&k)))
            .cloned()
            .collect();
        // The stored history stands in for absent prefetch; with none stored (or no stored
        // Patient), what is missing is named.
        if from_store.is_empty() && (key == "patient" || stored.is_empty()) {
            missing
                .push(format!("prefetch {key:?} absent, no fhirServer given, and no stored history for the patient"));
        }
        out.fetched.extend(from_store);
    }
    if missing.is_empty() { Ok(out) } else { Err(missing) }
}

/// A draft MedicationRequest read leniently (the sandbox's drafts are not strictly valid R4).
struct Draft {
    id: Option<String>,
    text: String,
    codes: Vec<leuko_core::Coding>,
}

fn drafts(context: &Value) -> Vec<Draft> {
    let Some(bundle) = context.get("draftOrders") else { return Vec::new() };
    resources_of(bundle)
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.get("resourceType").and_then(Value::as_str) == Some("MedicationRequest"))
        .filter_map(|r| {
            let concept = r.get("medicationCodeableConcept")?;
            let mut names: Vec<String> =
                concept.get("text").and_then(Value::as_str).map(str::to_owned).into_iter().collect();
            let mut codes = Vec::new();
            for coding in concept.get("coding").and_then(Value::as_array).into_iter().flatten() {
                if let Some(display) = coding.get("display").and_then(Value::as_str) {
                    names.push(display.to_owned());
                }
                let system = match coding.get("system").and_then(Value::as_str).unwrap_or_default() {
                    "http://www.nlm.nih.gov/research/umls/rxnorm" => leuko_core::CodeSystem::RxNorm,
                    "http://www.whocc.no/atc" => leuko_core::CodeSystem::Atc,
                    _ => continue,
                };
                if let Some(code) = coding.get("code").and_then(Value::as_str) {
                    codes.push(leuko_core::Coding { system, code: code.to_owned(), display: None });
                }
            }
            (!names.is_empty() || !codes.is_empty()).then(|| Draft {
                id: r.get("id").and_then(Value::as_str).map(str::to_owned),
                text: names.join(" ; "),
                codes,
            })
        })
        .collect()
}

/// The knowledge base's drugs a draft names (by code, then by name on word boundaries).
fn drugs_named<'k>(state: &AppState, draft: &Draft) -> Vec<&'k leuko_core::kb::DrugDef>
where
    'static: 'k,
{
    let kb: &'static leuko_core::KnowledgeBase = state.kb;
    let folded = leuko_core::text::fold(&draft.text);
    kb.drugs()
        .iter()
        .filter(|drug| {
            draft.codes.iter().any(|c| match c.system {
                leuko_core::CodeSystem::RxNorm => drug.rxnorm.contains(&c.code),
                leuko_core::CodeSystem::Atc => drug.atc.contains(&c.code),
                _ => false,
            }) || drug.names.iter().any(|name| !leuko_core::text::find_phrase(&folded, name).is_empty())
        })
        .collect()
}

struct CardSpec {
    rule: String,
    summary: String,
    indicator: &'static str,
    detail: String,
    citation: String,
    suggestions: Vec<Value>,
}

fn card(state: &AppState, spec: CardSpec, patient: &str) -> (String, String, Value) {
    let uuid = uuid::Uuid::new_v4().to_string();
    let kb_version = state.kb.version();
    let mut summary = spec.summary;
    if summary.chars().count() > 140 {
        summary = summary.chars().take(139).collect::<String>() + "…";
    }
    let detail = format!(
        "{}\n\n---\nSource: {} · developer: {DEVELOPER} · release: leuko {} with knowledge base {kb_version} · rule revised {}.\n\n*Decision support for clinicians, not a diagnosis.*",
        spec.detail,
        spec.citation,
        env!("CARGO_PKG_VERSION"),
        "2026-11-27"
    );
    let value = json!({
        "uuid": uuid,
        "summary": summary,
        "indicator": spec.indicator,
        "detail": detail,
        "source": {
            "label": format!("leuko {} (knowledge base {kb_version}): {}", env!("CARGO_PKG_VERSION"), spec.citation),
            "url": format!("{}/patients/{patient}/assessment", state.config.public_url),
            "topic": {"system": "https://leuko.example/rules", "code": spec.rule, "display": spec.rule},
        },
        "suggestions": spec.suggestions,
        "overrideReasons": [
            {"code": "already-managed", "system": "https://leuko.example/override-reasons", "display": "Already known and being managed"},
            {"code": "benefit-outweighs-risk", "system": "https://leuko.example/override-reasons", "display": "Benefit outweighs the risk for this patient"},
            {"code": "not-applicable", "system": "https://leuko.example/override-reasons", "display": "Not applicable to this patient"},
        ],
        "links": [{"label": "Full assessment in leuko", "url": format!("{}/patients/{patient}/assessment", state.config.public_url), "type": "absolute"}],
        "extension": {"leuko": {"rule": spec.rule, "citation": spec.citation, "developer": DEVELOPER, "release": kb_version, "revision_date": "2026-11-27"}},
    });
    (uuid, spec.rule, value)
}

fn service_request(patient: &str, code: &str, display: &str) -> Value {
    json!({
        "label": format!("Order {display}"),
        "uuid": uuid::Uuid::new_v4().to_string(),
        "actions": [{
            "type": "create",
            "description": format!("Order {display}"),
            "resource": {
                "resourceType": "ServiceRequest",
                "status": "draft",
                "intent": "proposal",
                "code": {"coding": [{"system": "http://loinc.org", "code": code, "display": display}], "text": display},
                "subject": {"reference": format!("Patient/{patient}")},
            }
        }]
    })
}

fn patient_view_cards(
    a: &leuko_api::Assessment,
    patient: &str,
    levels: &leuko_core::kb::management::PlanThresholds,
) -> Vec<CardSpec> {
    let mut out = Vec::new();
    if a.urgent {
        out.push(CardSpec {
            rule: "patient-view/urgent".to_owned(),
            summary:
                "Urgent: possible febrile neutropenia or sepsis — cultures and empiric antibiotics within 60 minutes"
                    .to_owned(),
            indicator: "critical",
            detail: format!("**Why:** {}", a.urgent_reasons.join("; ")),
            citation: a
                .recommendations
                .iter()
                .find(|r| r.kind == "empiric-antibiotics")
                .map_or("IDSA 2010 / ASCO-IDSA 2018".to_owned(), |r| r.source.clone()),
            suggestions: vec![service_request(patient, "600-7", "Blood culture")],
        });
    }
    let anc = a.grades.anc.as_ref().map(|g| (g.ctcae, a.counts.anc.as_ref().map(|c| c.value)));
    let wbc = a.grades.wbc.as_ref().map(|g| (g.ctcae, a.counts.wbc.as_ref().map(|c| c.value)));
    let worst = [anc.map(|(g, v)| ("ANC", g, v)), wbc.map(|(g, v)| ("WBC", g, v))]
        .into_iter()
        .flatten()
        .filter(|(_, grade, _)| *grade >= 1)
        .max_by_key(|(_, grade, _)| *grade);
    if let Some((name, grade, value)) = worst {
        let causes: Vec<String> =
            a.causes.iter().take(3).map(|c| format!("{} ({:.0} %)", c.label, c.probability * 100.0)).collect();
        let tests: Vec<Value> = a
            .recommendations
            .iter()
            .filter(|r| r.kind == "order-test")
            .filter_map(|r| {
                r.target
                    .as_deref()
                    .filter(|t| t.chars().next().is_some_and(|c| c.is_ascii_digit()))
                    .map(|code| (code, r.text.clone()))
            })
            .take(3)
            .map(|(code, text)| service_request(patient, code, &text))
            .collect();
        let mut suggestions = vec![service_request(patient, "57021-8", "CBC with automated differential")];
        suggestions.extend(tests);
        // The same grade-to-level policy as the lab feed's alerts (knowledge base, uncited).
        let indicator = levels.alert_level(grade).id();
        out.push(CardSpec {
            rule: "patient-view/leukopenia".to_owned(),
            summary: format!(
                "{name} {} ×10^9/L: CTCAE grade {grade} ({}); leading cause: {}",
                value.map_or("?".to_owned(), |v| format!("{v}")),
                a.pattern.replace('-', " "),
                a.causes.first().map_or("not ranked", |c| c.label.as_str())
            ),
            indicator,
            detail: format!(
                "**Leading causes:** {}\n\n**Next:** {}",
                if causes.is_empty() { "none ranked".to_owned() } else { causes.join("; ") },
                a.recommendations
                    .iter()
                    .take(5)
                    .map(|r| format!("{} ({})", r.text, r.urgency))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            citation: a.grades.anc.as_ref().map_or_else(|| "CTCAE v5.0".to_owned(), |g| g.source.clone()),
            suggestions,
        });
    }
    for m in a.monitoring.iter().filter(|m| m.overdue) {
        out.push(CardSpec {
            rule: format!("patient-view/monitoring-{}", m.programme),
            summary: format!("{}: {} test overdue ({})", m.drug, m.analyte, m.frequency),
            indicator: "warning",
            detail: format!(
                "Next {} was due {}. {}",
                m.analyte,
                m.next_due.as_deref().unwrap_or("-"),
                m.notes.join(" ")
            ),
            citation: m.source.clone(),
            suggestions: vec![service_request(patient, "57021-8", "CBC with automated differential")],
        });
    }
    out
}

fn order_cards(
    state: &AppState,
    a: &leuko_api::Assessment,
    record: &PatientRecord,
    context: &Value,
    patient: &str,
) -> Vec<CardSpec> {
    let mut out = Vec::new();
    let drafts = drafts(context);
    let any_gcsf = drafts.iter().any(|d| {
        let text = leuko_core::text::fold(&d.text);
        ["filgrastim", "pegfilgrastim", "lenograstim", "g-csf"]
            .iter()
            .any(|n| !leuko_core::text::find_phrase(&text, n).is_empty())
    });
    let low = |g: &Option<leuko_api::AncGrade>| g.as_ref().is_some_and(|g| g.ctcae >= 2);
    for draft in &drafts {
        let remove = draft.id.as_ref().map(|id| {
            json!({"label": "Remove this draft order", "uuid": uuid::Uuid::new_v4().to_string(),
                   "actions": [{"type": "delete", "description": "Remove the draft order", "resourceId": [format!("MedicationRequest/{id}")]}]})
        });
        for drug in drugs_named(state, draft) {
            let programme =
                drug.monitoring.as_deref().and_then(|id| state.kb.monitoring().programmes.iter().find(|p| p.id == id));
            // Clozapine / deferiprone: may it start? (the monitoring programme's start rule)
            if let Some(programme) = programme.filter(|p| p.start_at_least.is_some()) {
                let mut proposed = record.clone();
                proposed.medications.push(MedicationExposure {
                    id: format!("MedicationRequest/{}", draft.id.clone().unwrap_or_default()),
                    codes: draft.codes.clone(),
                    text: Some(draft.text.clone()),
                    start: None,
                    end: None,
                    status: MedicationStatus::Proposed,
                    source: MedicationSource::Order,
                    dosage: None,
                });
                let check = leuko_core::assess(state.kb, &proposed, Utc::now(), &state.config.assess);
                let entry = check.monitoring.iter().find(|m| m.drug == drug.id && m.programme == programme.id);
                if let Some(entry) = entry.filter(|e| e.action.as_deref() == Some("start-not-allowed")) {
                    out.push(CardSpec {
                        rule: format!("order/{}-start", programme.id),
                        summary: format!(
                            "{}: no baseline ANC that allows starting ({})",
                            drug.id,
                            entry.notes.join("; ")
                        ),
                        indicator: "critical",
                        detail: format!("{}: {}", programme.label, entry.notes.join("; ")),
                        citation: programme.citation.joined(),
                        suggestions: [
                            Some(service_request(patient, "751-8", "Neutrophils [#/volume] in Blood")),
                            remove.clone(),
                        ]
                        .into_iter()
                        .flatten()
                        .collect(),
                    });
                    continue;
                }
            }
            // A past suspect: stopped before, and the neutrophil count has been low and recovered.
            let stopped_before = record.medications.iter().any(|m| {
                let text = leuko_core::text::fold(m.text.as_deref().unwrap_or_default());
                m.status == MedicationStatus::Stopped
                    && drug.names.iter().any(|name| !leuko_core::text::find_phrase(&text, name).is_empty())
            });
            let recovered =
                a.trend.get("anc").is_some_and(|t| t.chronicity == "recovered" || t.chronicity == "transient");
            let suspect_before = stopped_before && recovered;
            if suspect_before {
                out.push(CardSpec {
                    rule: "order/rechallenge".to_owned(),
                    summary: format!("{}: stopped before with a low neutrophil count — rechallenge risk", drug.id),
                    indicator: "critical",
                    detail: "The drug was stopped earlier and the neutrophil count has since recovered; after drug-induced agranulocytosis, rechallenge is avoided.".to_owned(),
                    citation: drug.citation.joined(),
                    suggestions: remove.clone().into_iter().collect(),
                });
                continue;
            }
            if low(&a.grades.anc) || a.grades.wbc.as_ref().is_some_and(|g| g.ctcae >= 2) {
                out.push(CardSpec {
                    rule: "order/neutropenia-risk".to_owned(),
                    summary: format!(
                        "{} can lower neutrophils; ANC is {} (CTCAE grade {})",
                        drug.id,
                        a.counts.anc.as_ref().map_or("?".to_owned(), |c| c.value.to_string()),
                        a.grades.anc.as_ref().map_or(0, |g| g.ctcae)
                    ),
                    indicator: "warning",
                    detail: format!(
                        "{} ({}; association {}) while the counts are low.",
                        drug.label, drug.class, drug.association
                    ),
                    citation: drug.citation.joined(),
                    suggestions: remove.clone().into_iter().collect(),
                });
            }
        }
    }
    // Chemotherapy meeting the G-CSF primary prophylaxis rule without a G-CSF order.
    let chemo: Vec<&Draft> =
        drafts.iter().filter(|d| drugs_named(state, d).iter().any(|x| x.cause == "drug-cytotoxic")).collect();
    if !chemo.is_empty() && !any_gcsf {
        let mut planned = record.clone();
        for draft in &chemo {
            planned.medications.push(MedicationExposure {
                id: format!("MedicationRequest/{}", draft.id.clone().unwrap_or_default()),
                codes: draft.codes.clone(),
                text: Some(draft.text.clone()),
                start: Some(Utc::now()),
                end: None,
                status: MedicationStatus::Active,
                source: MedicationSource::Order,
                dosage: None,
            });
        }
        let check = leuko_core::assess(state.kb, &planned, Utc::now(), &state.config.assess);
        if let Some(rec) = check.recommendations.iter().find(|r| r.kind == "g-csf") {
            out.push(CardSpec {
                rule: "order/g-csf-prophylaxis".to_owned(),
                summary:
                    "Chemotherapy with a febrile-neutropenia risk that calls for G-CSF prophylaxis; no G-CSF is ordered"
                        .to_owned(),
                indicator: "warning",
                detail: format!("{} **Why:** {}", rec.text, rec.rationale),
                citation: rec.citation.joined(),
                suggestions: Vec::new(),
            });
        }
    }
    out
}

/// `POST /cds-services/{id}`.
pub(crate) async fn hook(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let path = format!("/cds-services/{id}");
    let caller = match auth::verify(&state, &headers, &path).await {
        Ok(caller) => caller,
        Err(refused) => {
            let iss = refused.iss.as_deref().unwrap_or("unknown");
            audit(&state, iss, &id, None, &format!("401: {}", refused.reason)).await;
            return outcome(StatusCode::UNAUTHORIZED, "security", &refused.reason);
        }
    };
    if !matches!(id.as_str(), "patient-view" | "order-select" | "order-sign") {
        return outcome(StatusCode::NOT_FOUND, "not-found", &format!("no CDS service {id:?}"));
    }
    let request: HookRequest<'_> = match serde_json::from_str(&body) {
        Ok(value) => value,
        Err(e) => return outcome(StatusCode::BAD_REQUEST, "structure", &format!("malformed JSON: {e}")),
    };
    let context = &request.context;
    let Some(patient) = context.get("patientId").and_then(Value::as_str).map(str::to_owned) else {
        return outcome(StatusCode::BAD_REQUEST, "required", "context.patientId is missing");
    };
    let gathered = match gather(&state, &request, &patient).await {
        Ok(gathered) => gathered,
        Err(missing) => {
            audit(&state, &caller.iss, &id, Some(&patient), "412: prefetch missing").await;
            return outcome(StatusCode::PRECONDITION_FAILED, "incomplete", &missing.join("; "));
        }
    };
    // One copy of each fetched resource identity (a FHIR server's or the store's answers may
    // overlap); prefetch values are read as sent.
    let mut unique: BTreeMap<(String, String), Value> = BTreeMap::new();
    for (index, resource) in gathered.fetched.into_iter().enumerate() {
        let kind = resource.get("resourceType").and_then(Value::as_str).unwrap_or_default().to_owned();
        let rid = resource.get("id").and_then(Value::as_str).map_or_else(|| format!("#{index}"), str::to_owned);
        unique.entry((kind, rid)).or_insert(resource);
    }
    let fetched: Vec<Value> = unique.into_values().collect();
    let input = match crate::records_from(&gathered.prefetched, &fetched) {
        Ok(input) => input,
        Err(error) => {
            audit(&state, &caller.iss, &id, Some(&patient), "422: unreadable prefetch").await;
            return outcome(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                &format!("prefetch could not be read: {error}"),
            );
        }
    };
    let record = input
        .patients
        .iter()
        .find(|p| p.id.as_deref() == Some(patient.as_str()))
        .or(input.patients.first())
        .cloned()
        .unwrap_or_default();
    let assessment = leuko_core::assess(state.kb, &record, Utc::now(), &state.config.assess);
    let a = leuko_api::Assessment::from(&assessment);
    let specs = if id == "patient-view" {
        patient_view_cards(&a, &patient, &state.kb.management().thresholds)
    } else {
        order_cards(&state, &a, &record, context, &patient)
    };
    let cards: Vec<(String, String, Value)> = specs.into_iter().map(|spec| card(&state, spec, &patient)).collect();
    let entry = AuditEntry {
        at: Utc::now(),
        caller: caller.iss.clone(),
        service: id.clone(),
        patient: Some(patient.clone()),
        outcome: format!("200: {} card(s)", cards.len()),
    };
    let issued = cards.iter().map(|(uuid, rule, _)| (uuid.clone(), rule.clone())).collect();
    state.calls.record(issued, entry).await;
    axum::Json(json!({"cards": cards.into_iter().map(|(_, _, card)| card).collect::<Vec<_>>()})).into_response()
}

/// `POST /cds-services/{id}/feedback`.
pub(crate) async fn feedback(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let path = format!("/cds-services/{id}/feedback");
    let caller = match auth::verify(&state, &headers, &path).await {
        Ok(caller) => caller,
        Err(refused) => {
            audit(
                &state,
                refused.iss.as_deref().unwrap_or("unknown"),
                &format!("{id}/feedback"),
                None,
                &format!("401: {}", refused.reason),
            )
            .await;
            return outcome(StatusCode::UNAUTHORIZED, "security", &refused.reason);
        }
    };
    let request: Value = match serde_json::from_str(&body) {
        Ok(value) => value,
        Err(e) => return outcome(StatusCode::BAD_REQUEST, "structure", &format!("malformed JSON: {e}")),
    };
    let Some(items) = request.get("feedback").and_then(Value::as_array) else {
        return outcome(StatusCode::BAD_REQUEST, "required", "a feedback array is required");
    };
    for (index, item) in items.iter().enumerate() {
        let Some(card) = item.get("card").and_then(Value::as_str) else {
            return outcome(StatusCode::BAD_REQUEST, "required", &format!("feedback[{index}].card is missing"));
        };
        let result = item.get("outcome").and_then(Value::as_str).unwrap_or_default();
        if !matches!(result, "accepted" | "overridden") {
            return outcome(
                StatusCode::BAD_REQUEST,
                "value",
                &format!("feedback[{index}].outcome must be accepted or overridden"),
            );
        }
        let reason = item.get("overrideReason").and_then(|r| r.get("reason").or(Some(r))).map(|r| {
            let code = r.get("code").and_then(Value::as_str).unwrap_or_default();
            let system = r.get("system").and_then(Value::as_str).unwrap_or_default();
            let comment = item
                .get("overrideReason")
                .and_then(|o| o.get("userComment"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            format!("{system}|{code}{}", if comment.is_empty() { String::new() } else { format!(" ({comment})") })
        });
        if index == 0 {
            // Cards issued by calls still queued for the writer must resolve to their rule.
            state.calls.flush().await;
        }
        let rule = state.store.card_rule(card).await.ok().flatten().unwrap_or_else(|| format!("{id}/unknown"));
        let saved =
            state.store.feedback(Feedback { card: card.to_owned(), rule, outcome: result.to_owned(), reason }).await;
        if saved.is_err() {
            return outcome(StatusCode::SERVICE_UNAVAILABLE, "transient", "feedback could not be stored; retry");
        }
    }
    audit(&state, &caller.iss, &format!("{id}/feedback"), None, &format!("200: {} item(s)", items.len())).await;
    (StatusCode::OK, axum::Json(json!({}))).into_response()
}

/// `GET /stats/overrides`: the override rate per rule.
pub(crate) async fn override_stats(State(state): State<AppState>) -> Response {
    match state.store.override_stats().await {
        Ok(stats) => axum::Json(json!({"rules": stats.iter().map(|s| json!({
            "rule": s.rule,
            "feedback": s.total,
            "overridden": s.overridden,
            "override_rate": if s.total == 0 { 0.0 } else { s.overridden as f64 / s.total as f64 },
        })).collect::<Vec<_>>()}))
        .into_response(),
        Err(_) => outcome(StatusCode::SERVICE_UNAVAILABLE, "transient", "statistics unavailable"),
    }
}

#[cfg(test)]
mod tests {
    use super::resource_type;

    fn kind(text: &str) -> Option<String> {
        resource_type(&serde_json::value::RawValue::from_string(text.to_owned()).unwrap())
    }

    #[test]
    fn resource_type_read_first_or_anywhere() {
        assert_eq!(kind(r#"{"resourceType":"Bundle","entry":[]}"#).as_deref(), Some("Bundle"));
        assert_eq!(kind(r#" {"id":"p1","resourceType":"Patient"}"#).as_deref(), Some("Patient"));
        assert_eq!(kind(r#"{"resourceType":"Pat\u0069ent"}"#).as_deref(), Some("Patient"));
        assert_eq!(kind(r#"{"resourceType":null}"#), None);
        assert_eq!(kind("null"), None);
        assert_eq!(kind(r#"{"entry":[]}"#), None);
    }
}
