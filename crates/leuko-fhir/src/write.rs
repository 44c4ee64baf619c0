//! FHIR R4 out: a patient record as Patient and Observation resources (JSON), for adapters that
//! receive results in another format (HL7 v2) and keep the history as FHIR.

use std::borrow::Cow;

use leuko_core::record::{CodeSystem, ObservationValue, PatientRecord, ResultStatus, Sex};
use serde::Serialize;

/// A valid FHIR id (`[A-Za-z0-9\-\.]{1,64}`) from any identifier: other characters become `-`,
/// and a longer result keeps its last 64 characters.
pub fn fhir_id(text: &str) -> String {
    let cleaned: String =
        text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '-' }).collect();
    let cleaned = if cleaned.is_empty() { "unknown".to_owned() } else { cleaned };
    let skip = cleaned.len().saturating_sub(64);
    cleaned[skip..].to_owned()
}

fn system_uri(system: &CodeSystem) -> Cow<'static, str> {
    match system {
        CodeSystem::Loinc => Cow::Borrowed("http://loinc.org"),
        CodeSystem::Snomed => Cow::Borrowed("http://snomed.info/sct"),
        CodeSystem::Icd10 => Cow::Borrowed("http://hl7.org/fhir/sid/icd-10"),
        CodeSystem::RxNorm => Cow::Borrowed("http://www.nlm.nih.gov/research/umls/rxnorm"),
        CodeSystem::Atc => Cow::Borrowed("http://www.whocc.no/atc"),
        CodeSystem::Other(uri) if uri.is_empty() => Cow::Borrowed("urn:leuko:local"),
        CodeSystem::Other(uri) => Cow::Owned(format!("urn:leuko:local:{}", fhir_id(uri))),
    }
}

/// One resource written as FHIR JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenResource {
    /// `Patient` or `Observation`.
    pub resource_type: &'static str,
    /// Its logical id.
    pub id: String,
    /// The resource as JSON text.
    pub json: String,
}

// The wire shapes written, serialised straight to text (no intermediate `serde_json::Value`: the
// lab feed writes some twenty of these per message).

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PatientOut<'a> {
    resource_type: &'static str,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    identifier: Option<[ValueOut<'a>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birth_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gender: Option<&'static str>,
}

#[derive(Serialize)]
struct ValueOut<'a> {
    value: &'a str,
}

#[derive(Serialize)]
struct TextOut<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct ReferenceOut {
    reference: String,
}

#[derive(Serialize)]
struct CodingOut<'a> {
    system: Cow<'a, str>,
    code: &'a str,
}

#[derive(Serialize)]
struct CodeOut<'a> {
    coding: Vec<CodingOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
}

#[derive(Serialize)]
struct QuantityOut<'a> {
    value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comparator: Option<&'a str>,
}

#[derive(Serialize)]
struct RangeOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    low: Option<QuantityOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    high: Option<QuantityOut<'a>>,
}

#[derive(Serialize)]
struct InterpretationOut<'a> {
    coding: [CodingOut<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ObservationOut<'a> {
    resource_type: &'static str,
    id: String,
    status: &'static str,
    code: CodeOut<'a>,
    subject: ReferenceOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    effective_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_quantity: Option<QuantityOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_string: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference_range: Option<[RangeOut<'a>; 1]>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    interpretation: Vec<InterpretationOut<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    note: Vec<TextOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    specimen: Option<ReferenceOut>,
}

fn quantity(q: &leuko_core::record::Quantity) -> QuantityOut<'_> {
    QuantityOut { value: q.value, unit: q.unit.as_deref(), comparator: q.comparator.as_deref() }
}

fn text_of(resource: &impl Serialize) -> String {
    // These shapes hold only strings, numbers and arrays: serialising them cannot fail.
    serde_json::to_string(resource).unwrap_or_default()
}

/// The record's Patient (with `patient_id` as its id) and its Observations, each referring to it.
pub fn record_resources(record: &PatientRecord, patient_id: &str) -> Vec<WrittenResource> {
    let patient = PatientOut {
        resource_type: "Patient",
        id: patient_id,
        identifier: record.id.as_deref().map(|value| [ValueOut { value }]),
        birth_date: record.birth_date.map(|birth| birth.to_string()),
        gender: record.sex.map(|sex| match sex {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
            Sex::Unknown => "unknown",
        }),
    };
    let mut out =
        vec![WrittenResource { resource_type: "Patient", id: patient_id.to_owned(), json: text_of(&patient) }];
    for observation in &record.observations {
        let status = match observation.status {
            ResultStatus::Final => "final",
            ResultStatus::Corrected => "corrected",
            ResultStatus::Preliminary => "preliminary",
            ResultStatus::NotUsable => "cancelled",
        };
        let (value_quantity, value_string) = match &observation.value {
            ObservationValue::Quantity(q) => (Some(quantity(q)), None),
            ObservationValue::Text(text) if !text.is_empty() => (None, Some(text.as_str())),
            _ => (None, None),
        };
        let ranged = observation.reference_low.is_some() || observation.reference_high.is_some();
        let resource = ObservationOut {
            resource_type: "Observation",
            id: fhir_id(&observation.id),
            status,
            code: CodeOut {
                coding: observation
                    .codes
                    .iter()
                    .map(|c| CodingOut { system: system_uri(&c.system), code: &c.code })
                    .collect(),
                text: observation.text.as_deref(),
            },
            subject: ReferenceOut { reference: format!("Patient/{patient_id}") },
            effective_date_time: observation.time.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            value_quantity,
            value_string,
            reference_range: ranged.then(|| {
                [RangeOut {
                    low: observation.reference_low.as_ref().map(quantity),
                    high: observation.reference_high.as_ref().map(quantity),
                }]
            }),
            interpretation: observation
                .interpretation
                .iter()
                .map(|code| InterpretationOut {
                    coding: [CodingOut {
                        system: Cow::Borrowed("http://terminology.hl7.org/CodeSystem/v2-0078"),
                        code,
                    }],
                })
                .collect(),
            note: observation.notes.iter().map(|text| TextOut { text }).collect(),
            specimen: observation
                .specimen
                .as_ref()
                .map(|specimen| ReferenceOut { reference: format!("Specimen/{}", fhir_id(specimen)) }),
        };
        out.push(WrittenResource { resource_type: "Observation", id: resource.id.clone(), json: text_of(&resource) });
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;
    use leuko_core::record::{Coding, Observation, Quantity};
    use serde_json::{Value, json};

    use super::*;

    fn quantity(value: f64, unit: &str) -> Quantity {
        Quantity { value, comparator: None, unit: Some(unit.to_owned()), code: None }
    }

    #[test]
    fn a_record_is_written_as_fhir_patient_and_observations() {
        let record = PatientRecord {
            id: Some("HOSP|123".to_owned()),
            birth_date: chrono::NaiveDate::from_ymd_opt(1970, 3, 1),
            sex: Some(Sex::Female),
            observations: vec![Observation {
                id: "obx 1".to_owned(),
                codes: vec![Coding { system: CodeSystem::Loinc, code: "6690-2".to_owned(), display: None }],
                text: Some("WBC".to_owned()),
                value: ObservationValue::Quantity(Quantity {
                    comparator: Some("<".to_owned()),
                    ..quantity(1.1, "10*3/uL")
                }),
                time: chrono::Utc.with_ymd_and_hms(2024, 1, 1, 8, 0, 0).single(),
                reference_low: Some(quantity(4.0, "10*3/uL")),
                reference_high: None,
                status: ResultStatus::Corrected,
                interpretation: vec!["L".to_owned()],
                notes: vec!["haemolysed".to_owned()],
                specimen: Some("S 9".to_owned()),
            }],
            ..PatientRecord::default()
        };
        let written = record_resources(&record, "HOSP-123");
        let parsed: Vec<Value> = written.iter().map(|w| serde_json::from_str(&w.json).expect("JSON")).collect();
        assert_eq!(
            parsed[0],
            json!({"resourceType": "Patient", "id": "HOSP-123", "identifier": [{"value": "HOSP|123"}],
                   "birthDate": "1970-03-01", "gender": "female"})
        );
        assert_eq!((written[1].resource_type, written[1].id.as_str()), ("Observation", "obx-1"));
        assert_eq!(
            parsed[1],
            json!({"resourceType": "Observation", "id": "obx-1", "status": "corrected",
                   "code": {"coding": [{"system": "http://loinc.org", "code": "6690-2"}], "text": "WBC"},
                   "subject": {"reference": "Patient/HOSP-123"},
                   "effectiveDateTime": "2024-01-01T08:00:00Z",
                   "valueQuantity": {"value": 1.1, "unit": "10*3/uL", "comparator": "<"},
                   "referenceRange": [{"low": {"value": 4.0, "unit": "10*3/uL"}}],
                   "interpretation": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0078", "code": "L"}]}],
                   "note": [{"text": "haemolysed"}],
                   "specimen": {"reference": "Specimen/S-9"}})
        );
        // Read back by the FHIR reader: the same value.
        let bundle = json!({"resourceType": "Bundle", "type": "collection",
            "entry": parsed.iter().map(|r| json!({"resource": r})).collect::<Vec<_>>()});
        let input = crate::read(&bundle.to_string()).expect("reads");
        let back = &input.patients[0].observations[0];
        assert!(matches!(&back.value, ObservationValue::Quantity(q) if (q.value - 1.1).abs() < 1e-12));
    }
}
