//! FHIR R4 out: a patient record as Patient and Observation resources (JSON), for adapters that
//! receive results in another format (HL7 v2) and keep the history as FHIR.

use leuko_core::record::{CodeSystem, ObservationValue, PatientRecord, ResultStatus, Sex};
use serde_json::{Value, json};

/// A valid FHIR id (`[A-Za-z0-9\-\.]{1,64}`) from any identifier: other characters become `-`,
/// and a longer result keeps its last 64 characters.
pub fn fhir_id(text: &str) -> String {
    let cleaned: String =
        text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '-' }).collect();
    let cleaned = if cleaned.is_empty() { "unknown".to_owned() } else { cleaned };
    let skip = cleaned.len().saturating_sub(64);
    cleaned[skip..].to_owned()
}

fn system_uri(system: &CodeSystem) -> String {
    match system {
        CodeSystem::Loinc => "http://loinc.org".to_owned(),
        CodeSystem::Snomed => "http://snomed.info/sct".to_owned(),
        CodeSystem::Icd10 => "http://hl7.org/fhir/sid/icd-10".to_owned(),
        CodeSystem::RxNorm => "http://www.nlm.nih.gov/research/umls/rxnorm".to_owned(),
        CodeSystem::Atc => "http://www.whocc.no/atc".to_owned(),
        CodeSystem::Other(uri) if uri.is_empty() => "urn:leuko:local".to_owned(),
        CodeSystem::Other(uri) => format!("urn:leuko:local:{}", fhir_id(uri)),
    }
}

/// The record's Patient (with `patient_id` as its id) and its Observations, each referring to it.
pub fn record_resources(record: &PatientRecord, patient_id: &str) -> Vec<Value> {
    let mut patient = json!({"resourceType": "Patient", "id": patient_id});
    if let Some(original) = &record.id {
        patient["identifier"] = json!([{"value": original}]);
    }
    if let Some(birth) = record.birth_date {
        patient["birthDate"] = json!(birth.to_string());
    }
    if let Some(sex) = record.sex {
        let gender = match sex {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
            Sex::Unknown => "unknown",
        };
        patient["gender"] = json!(gender);
    }
    let mut out = vec![patient];
    for observation in &record.observations {
        let status = match observation.status {
            ResultStatus::Final => "final",
            ResultStatus::Corrected => "corrected",
            ResultStatus::Preliminary => "preliminary",
            ResultStatus::NotUsable => "cancelled",
        };
        let coding: Vec<Value> =
            observation.codes.iter().map(|c| json!({"system": system_uri(&c.system), "code": c.code})).collect();
        let mut code = json!({"coding": coding});
        if let Some(text) = &observation.text {
            code["text"] = json!(text);
        }
        let mut resource = json!({
            "resourceType": "Observation",
            "id": fhir_id(&observation.id),
            "status": status,
            "code": code,
            "subject": {"reference": format!("Patient/{patient_id}")},
        });
        if let Some(time) = observation.time {
            resource["effectiveDateTime"] = json!(time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        }
        match &observation.value {
            ObservationValue::Quantity(q) => {
                let mut quantity = json!({"value": q.value});
                if let Some(unit) = &q.unit {
                    quantity["unit"] = json!(unit);
                }
                if let Some(comparator) = &q.comparator {
                    quantity["comparator"] = json!(comparator);
                }
                resource["valueQuantity"] = quantity;
            }
            ObservationValue::Text(text) if !text.is_empty() => resource["valueString"] = json!(text),
            _ => {}
        }
        let range_value = |q: &Option<leuko_core::record::Quantity>| {
            q.as_ref().map(|q| {
                let mut v = json!({"value": q.value});
                if let Some(unit) = &q.unit {
                    v["unit"] = json!(unit);
                }
                v
            })
        };
        if observation.reference_low.is_some() || observation.reference_high.is_some() {
            let mut range = json!({});
            if let Some(low) = range_value(&observation.reference_low) {
                range["low"] = low;
            }
            if let Some(high) = range_value(&observation.reference_high) {
                range["high"] = high;
            }
            resource["referenceRange"] = json!([range]);
        }
        if !observation.interpretation.is_empty() {
            resource["interpretation"] =
                json!(observation
                .interpretation
                .iter()
                .map(|i| json!({"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0078", "code": i}]}))
                .collect::<Vec<_>>());
        }
        if !observation.notes.is_empty() {
            resource["note"] = json!(observation.notes.iter().map(|n| json!({"text": n})).collect::<Vec<_>>());
        }
        if let Some(specimen) = &observation.specimen {
            resource["specimen"] = json!({"reference": format!("Specimen/{}", fhir_id(specimen))});
        }
        out.push(resource);
    }
    out
}
