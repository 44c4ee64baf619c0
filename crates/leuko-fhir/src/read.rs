//! Reading a Bundle or NDJSON into patient records.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use leuko_core::record::{
    CodeSystem, Coding, ConditionEntry, ConditionStatus, MedicationExposure, MedicationSource, MedicationStatus,
    Observation, ObservationValue, PatientRecord, ProcedureEntry, Quantity, ResultStatus, Sex,
};

use crate::date::{parse_date, parse_date_time};
use crate::model;

/// Why an input could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FhirError {
    /// The text is not JSON (or one NDJSON line is not).
    #[error("malformed JSON{}: {message} (line {line}, column {column})", ndjson_line.map(|l| format!(" in NDJSON line {l}")).unwrap_or_default())]
    Json {
        /// NDJSON line number, when reading NDJSON.
        ndjson_line: Option<usize>,
        /// Line within the JSON text.
        line: usize,
        /// Column within the JSON text.
        column: usize,
        /// What the parser found.
        message: String,
    },
    /// The JSON is not a FHIR resource or Bundle.
    #[error("not FHIR: {0}")]
    NotFhir(String),
    /// A resource breaks FHIR's rules (or has a field of the wrong type).
    #[error("{location} ({resource}): {path}: {message}")]
    Resource {
        /// Where the resource sits, e.g. `Bundle.entry[3].resource`.
        location: String,
        /// `Type/id`.
        resource: String,
        /// JSON path within the resource.
        path: String,
        /// What was expected and what was found.
        message: String,
    },
}

/// What was read.
#[derive(Debug, Clone, Default)]
pub struct FhirInput {
    /// One record per Patient (resources without a Patient go to a record without demographics).
    pub patients: Vec<PatientRecord>,
    /// Resource types leuko does not read, with how many were skipped.
    pub skipped: BTreeMap<String, usize>,
    /// Records left out on purpose, with why (entered-in-error, refuted, not taken, …).
    pub excluded: Vec<String>,
    /// Problems tolerated while reading (e.g. a time without a zone, read as UTC).
    pub warnings: Vec<String>,
}

struct Located<'a> {
    location: String,
    /// The resource's JSON text, parsed into typed structs only when read.
    raw: &'a RawValue,
    kind: String,
    id: Option<String>,
    full_url: Option<String>,
}

/// The two fields every resource is routed by; everything else is skipped unparsed.
#[derive(Deserialize)]
struct Head {
    #[serde(rename = "resourceType")]
    resource_type: Option<Value>,
    id: Option<Value>,
}

#[derive(Deserialize)]
struct BundleShape<'a> {
    #[serde(borrow, default)]
    entry: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct EntryShape<'a> {
    #[serde(rename = "fullUrl")]
    full_url: Option<Value>,
    #[serde(borrow, default)]
    resource: Option<&'a RawValue>,
}

fn json_error(ndjson_line: Option<usize>, error: &serde_json::Error) -> FhirError {
    FhirError::Json { ndjson_line, line: error.line(), column: error.column(), message: error.to_string() }
}

/// Reads a FHIR R4 Bundle, a single resource, or NDJSON of resources.
pub fn read(text: &str) -> Result<FhirInput, FhirError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let documents: Vec<(Option<usize>, &RawValue)> = match serde_json::from_str::<&RawValue>(text) {
        Ok(raw) => vec![(None, raw)],
        Err(_) if is_ndjson(text) => {
            let mut raws = Vec::new();
            for (index, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let raw = serde_json::from_str::<&RawValue>(line).map_err(|e| json_error(Some(index + 1), &e))?;
                raws.push((Some(index + 1), raw));
            }
            raws
        }
        Err(error) => return Err(json_error(None, &error)),
    };

    let mut resources = Vec::new();
    for (ndjson_line, document) in &documents {
        let prefix = ndjson_line.map(|l| format!("line {l}")).unwrap_or_default();
        collect(document, &prefix, None, &mut resources)?;
    }
    Reader::default().read(&resources)
}

fn is_ndjson(text: &str) -> bool {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next();
    let second = lines.next();
    first.is_some_and(|l| l.trim_start().starts_with('{')) && second.is_some_and(|l| l.trim_start().starts_with('{'))
}

/// The kind of JSON value a raw text holds, for messages.
fn json_kind(raw: &RawValue) -> &'static str {
    match raw.get().trim_start().chars().next() {
        Some('{') => "object",
        Some('[') => "array",
        Some('"') => "string",
        Some('t' | 'f') => "boolean",
        Some('n') => "null",
        _ => "number",
    }
}

/// Flattens a document into its resources, descending into Bundles.
fn collect<'a>(
    raw: &'a RawValue,
    prefix: &str,
    full_url: Option<String>,
    out: &mut Vec<Located<'a>>,
) -> Result<(), FhirError> {
    let head = if json_kind(raw) == "object" { serde_json::from_str::<Head>(raw.get()).ok() } else { None };
    let kind = head.as_ref().and_then(|h| h.resource_type.as_ref()).and_then(Value::as_str).map(str::to_owned);
    let Some(kind) = kind else {
        let what = if json_kind(raw) == "object" {
            "an object without resourceType".to_owned()
        } else {
            format!("a JSON {}", json_kind(raw))
        };
        return Err(FhirError::NotFhir(format!(
            "{} is {what}",
            if prefix.is_empty() { "the document" } else { prefix }
        )));
    };
    let id = head.and_then(|h| h.id).and_then(|id| id.as_str().map(str::to_owned));
    if kind != "Bundle" {
        let location = if prefix.is_empty() { kind.clone() } else { prefix.to_owned() };
        out.push(Located { location, raw, kind, id, full_url });
        return Ok(());
    }
    let bundle_path = if prefix.is_empty() { "Bundle".to_owned() } else { format!("{prefix}.Bundle") };
    let shape: BundleShape<'a> = serde_json::from_str(raw.get()).map_err(|e| FhirError::Resource {
        location: bundle_path.clone(),
        resource: "Bundle".to_owned(),
        path: "entry".to_owned(),
        message: e.to_string(),
    })?;
    let Some(entries) = shape.entry else { return Ok(()) };
    let entries: Vec<&'a RawValue> = serde_json::from_str(entries.get()).map_err(|_| FhirError::Resource {
        location: bundle_path.clone(),
        resource: "Bundle".to_owned(),
        path: "entry".to_owned(),
        message: format!("expected an array, found a JSON {}", json_kind(entries)),
    })?;
    for (index, entry) in entries.into_iter().enumerate() {
        let location = format!("{bundle_path}.entry[{index}]");
        let entry: EntryShape<'a> = serde_json::from_str(entry.get()).map_err(|_| FhirError::Resource {
            location: location.clone(),
            resource: "Bundle".to_owned(),
            path: format!("entry[{index}]"),
            message: format!("expected an object, found a JSON {}", json_kind(entry)),
        })?;
        let Some(resource) = entry.resource else {
            // Entries without a resource (e.g. a DELETE request) carry nothing to read.
            continue;
        };
        let full_url = entry.full_url.as_ref().and_then(Value::as_str).map(str::to_owned);
        collect(resource, &format!("{location}.resource"), full_url, out)?;
    }
    Ok(())
}

fn label(kind: &str, located: &Located<'_>) -> String {
    match &located.id {
        Some(id) => format!("{kind}/{id}"),
        None => format!("{kind} without id"),
    }
}

fn typed<T: DeserializeOwned>(located: &Located<'_>, kind: &str) -> Result<T, FhirError> {
    // The fast path reads without tracking where it is; only a resource that fails is read again
    // with the path tracked, for the error message.
    if let Ok(value) = serde_json::from_str(located.raw.get()) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_str(located.raw.get());
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| FhirError::Resource {
        location: located.location.clone(),
        resource: label(kind, located),
        path: error.path().to_string(),
        message: error.inner().to_string(),
    })
}

fn rule(located: &Located<'_>, kind: &str, path: &str, message: impl Into<String>) -> FhirError {
    FhirError::Resource {
        location: located.location.clone(),
        resource: label(kind, located),
        path: path.to_owned(),
        message: message.into(),
    }
}

fn system(uri: Option<&str>) -> CodeSystem {
    match uri.unwrap_or_default() {
        "http://loinc.org" => CodeSystem::Loinc,
        "http://snomed.info/sct" => CodeSystem::Snomed,
        "http://hl7.org/fhir/sid/icd-10" | "http://hl7.org/fhir/sid/icd-10-cm" | "http://id.who.int/icd/release/10" => {
            CodeSystem::Icd10
        }
        "http://www.nlm.nih.gov/research/umls/rxnorm" => CodeSystem::RxNorm,
        "http://www.whocc.no/atc" | "http://www.whocc.no/atc/" | "https://www.whocc.no/atc_ddd_index/" => {
            CodeSystem::Atc
        }
        other => CodeSystem::Other(other.to_owned()),
    }
}

fn codings(concept: Option<&model::CodeableConcept>) -> Vec<Coding> {
    concept
        .map(|concept| {
            concept
                .coding
                .iter()
                .filter_map(|c| {
                    c.code.as_ref().map(|code| Coding {
                        system: system(c.system.as_deref()),
                        code: code.trim().to_owned(),
                        display: c.display.clone(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The first code of a status concept (clinicalStatus, verificationStatus).
fn first_code(concept: Option<&model::CodeableConcept>) -> Option<&str> {
    concept?.coding.iter().find_map(|c| c.code.as_deref())
}

fn concept_text(concept: Option<&model::CodeableConcept>) -> Option<String> {
    let concept = concept?;
    concept.text.clone().or_else(|| concept.coding.iter().find_map(|c| c.display.clone()))
}

#[derive(Default)]
struct Reader {
    input: FhirInput,
    /// Patient key (full URL or `Patient/id`) → index in `input.patients`.
    patient_keys: BTreeMap<String, usize>,
    /// Medication resources by key, for medicationReference.
    medications: BTreeMap<String, model::Medication>,
}

impl Reader {
    fn time(
        &mut self,
        located: &Located<'_>,
        kind: &str,
        path: &str,
        text: Option<&str>,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, FhirError> {
        let Some(text) = text else { return Ok(None) };
        let parsed = parse_date_time(text)
            .ok_or_else(|| rule(located, kind, path, format!("{text:?} is not a FHIR dateTime")))?;
        if parsed.zone_assumed {
            self.input
                .warnings
                .push(format!("{} {path}: {text:?} has a time but no time zone; read as UTC", label(kind, located)));
        }
        Ok(Some(parsed.time))
    }

    fn read(mut self, resources: &[Located<'_>]) -> Result<FhirInput, FhirError> {
        // Patients and Medications first, so that references resolve whatever the order.
        for located in resources {
            match located.kind.as_str() {
                "Patient" => self.patient(located)?,
                "Medication" => {
                    let medication: model::Medication = typed(located, "Medication")?;
                    if let Some(url) = &located.full_url {
                        self.medications.insert(url.to_owned(), medication.clone());
                    }
                    if let Some(id) = &medication.id {
                        self.medications.insert(format!("Medication/{id}"), medication);
                    }
                }
                _ => {}
            }
        }
        for located in resources {
            let kind = located.kind.as_str();
            match kind {
                "Patient" | "Medication" => {}
                "Observation" => self.observation(located)?,
                "MedicationRequest" => self.medication(located, kind, MedicationSource::Order)?,
                "MedicationStatement" => self.medication(located, kind, MedicationSource::Statement)?,
                "MedicationAdministration" => self.medication(located, kind, MedicationSource::Administration)?,
                "Condition" => self.condition(located)?,
                "Procedure" => self.procedure(located)?,
                "AllergyIntolerance" => self.allergy(located)?,
                other => *self.input.skipped.entry(other.to_owned()).or_default() += 1,
            }
        }
        Ok(self.input)
    }

    fn patient(&mut self, located: &Located<'_>) -> Result<(), FhirError> {
        let patient: model::Patient = typed(located, "Patient")?;
        let sex = match patient.gender.as_deref() {
            None => None,
            Some("female") => Some(Sex::Female),
            Some("male") => Some(Sex::Male),
            Some("other") => Some(Sex::Other),
            Some("unknown") => Some(Sex::Unknown),
            Some(other) => {
                return Err(rule(
                    located,
                    "Patient",
                    "gender",
                    format!("must be male, female, other or unknown, found {other:?}"),
                ));
            }
        };
        let birth_date = match patient.birth_date.as_deref() {
            None => None,
            Some(text) => Some(
                parse_date(text)
                    .ok_or_else(|| rule(located, "Patient", "birthDate", format!("{text:?} is not a FHIR date")))?,
            ),
        };
        let mut ancestry = Vec::new();
        for extension in &patient.extension {
            if extension.url.ends_with("us-core-race")
                || extension.url.ends_with("us-core-ethnicity")
                || extension.url.contains("ancestry")
            {
                for inner in &extension.extension {
                    if let Some(text) = inner.extra.get("valueString").and_then(Value::as_str) {
                        ancestry.push(text.to_owned());
                    } else if let Some(display) =
                        inner.extra.get("valueCoding").and_then(|c| c.get("display")).and_then(Value::as_str)
                    {
                        ancestry.push(display.to_owned());
                    }
                }
                if let Some(text) = extension.extra.get("valueString").and_then(Value::as_str) {
                    ancestry.push(text.to_owned());
                }
            }
        }
        ancestry.dedup();
        let index = self.input.patients.len();
        if let Some(id) = &patient.id {
            self.patient_keys.insert(format!("Patient/{id}"), index);
        }
        if let Some(url) = &located.full_url {
            self.patient_keys.insert(url.to_owned(), index);
        }
        self.input.patients.push(PatientRecord {
            id: patient.id.clone(),
            birth_date,
            sex,
            ancestry,
            ..PatientRecord::default()
        });
        Ok(())
    }

    /// The record a resource belongs to: its subject's Patient, or the only Patient, or a record
    /// without demographics when the input has no Patient at all.
    fn owner(
        &mut self,
        located: &Located<'_>,
        kind: &str,
        subject: Option<&model::Reference>,
    ) -> Result<usize, FhirError> {
        let reference = subject.and_then(|s| s.reference.as_deref());
        if let Some(reference) = reference {
            let key = reference.rsplit_once("/_history").map_or(reference, |(k, _)| k);
            let key = key
                .strip_prefix("http://")
                .or_else(|| key.strip_prefix("https://"))
                .and_then(|rest| rest.find("Patient/").map(|at| &rest[at..]))
                .unwrap_or(key);
            if let Some(&index) = self.patient_keys.get(key) {
                return Ok(index);
            }
        }
        match self.input.patients.len() {
            0 => {
                self.input
                    .patients
                    .push(PatientRecord { id: reference.map(str::to_owned), ..PatientRecord::default() });
                self.patient_keys.insert(reference.unwrap_or("").to_owned(), 0);
                Ok(0)
            }
            1 if reference.is_none() => Ok(0),
            1 => {
                self.input.warnings.push(format!(
                    "{} refers to {:?}, which is not in the input; attached to the only Patient",
                    label(kind, located),
                    reference.unwrap_or_default()
                ));
                Ok(0)
            }
            _ => Err(rule(
                located,
                kind,
                "subject",
                format!(
                    "refers to {:?}, which is not one of the Patients in the input",
                    reference.unwrap_or("nothing")
                ),
            )),
        }
    }

    fn observation(&mut self, located: &Located<'_>) -> Result<(), FhirError> {
        const KIND: &str = "Observation";
        let observation: model::Observation = typed(located, KIND)?;
        let status = match observation.status.as_deref() {
            None => return Err(rule(located, KIND, "status", "is required (1..1)")),
            Some("entered-in-error") => {
                self.input.excluded.push(format!("{}: entered-in-error", label(KIND, located)));
                return Ok(());
            }
            Some("final") => ResultStatus::Final,
            Some("amended" | "corrected") => ResultStatus::Corrected,
            Some("preliminary") => ResultStatus::Preliminary,
            Some("registered" | "cancelled" | "unknown") => ResultStatus::NotUsable,
            Some(other) => {
                return Err(rule(located, KIND, "status", format!("{other:?} is not an Observation status")));
            }
        };
        let Some(code) = observation.code.as_ref() else {
            return Err(rule(located, KIND, "code", "is required (1..1)"));
        };
        let values = [
            observation.value_quantity.is_some(),
            observation.value_string.is_some(),
            observation.value_codeable_concept.is_some(),
            observation.value_integer.is_some(),
            observation.value_boolean.is_some(),
        ];
        if values.iter().filter(|&&v| v).count() > 1 {
            return Err(rule(located, KIND, "value[x]", "has more than one value[x]; FHIR allows one"));
        }
        let value = if let Some(quantity) = &observation.value_quantity {
            match quantity.value {
                Some(value) => ObservationValue::Quantity(Quantity {
                    value,
                    comparator: quantity.comparator.clone(),
                    unit: quantity.unit.clone(),
                    code: quantity.code.clone(),
                }),
                None => ObservationValue::Absent,
            }
        } else if let Some(text) = &observation.value_string {
            ObservationValue::Text(text.clone())
        } else if let Some(concept) = &observation.value_codeable_concept {
            concept_text(Some(concept)).map_or(ObservationValue::Absent, ObservationValue::Text)
        } else if let Some(value) = observation.value_integer {
            ObservationValue::Quantity(Quantity { value: value as f64, comparator: None, unit: None, code: None })
        } else if let Some(value) = observation.value_boolean {
            ObservationValue::Text(value.to_string())
        } else {
            ObservationValue::Absent
        };
        let time =
            match (&observation.effective_date_time, &observation.effective_period, &observation.effective_instant) {
                (Some(t), _, _) => self.time(located, KIND, "effectiveDateTime", Some(t))?,
                (None, Some(period), _) => self.time(
                    located,
                    KIND,
                    "effectivePeriod.start",
                    period.start.as_deref().or(period.end.as_deref()),
                )?,
                (None, None, Some(t)) => self.time(located, KIND, "effectiveInstant", Some(t))?,
                (None, None, None) => self.time(located, KIND, "issued", observation.issued.as_deref())?,
            };
        let range = observation.reference_range.first();
        let quantity = |q: Option<&model::Quantity>| {
            q.and_then(|q| {
                q.value.map(|value| Quantity { value, comparator: None, unit: q.unit.clone(), code: q.code.clone() })
            })
        };
        let owner = self.owner(located, KIND, observation.subject.as_ref())?;
        let id = observation.id.clone().map_or_else(|| located.location.clone(), |id| format!("Observation/{id}"));
        self.input.patients[owner].observations.push(Observation {
            id,
            codes: codings(Some(code)),
            text: code.text.clone(),
            value,
            time,
            reference_low: quantity(range.and_then(|r| r.low.as_ref())),
            reference_high: quantity(range.and_then(|r| r.high.as_ref())),
            status,
            interpretation: observation
                .interpretation
                .iter()
                .flat_map(|c| c.coding.iter().filter_map(|c| c.code.clone()).chain(c.text.clone()))
                .collect(),
            notes: observation.note.iter().map(|n| n.text.clone()).filter(|t| !t.is_empty()).collect(),
            specimen: observation.specimen.as_ref().and_then(|s| s.reference.clone()),
        });
        Ok(())
    }

    fn medication(&mut self, located: &Located<'_>, kind: &str, source: MedicationSource) -> Result<(), FhirError> {
        let resource: model::MedicationResource = typed(located, kind)?;
        let Some(status_text) = resource.status.as_deref() else {
            return Err(rule(located, kind, "status", "is required (1..1)"));
        };
        if source == MedicationSource::Order && resource.intent.is_none() {
            return Err(rule(located, kind, "intent", "is required (1..1)"));
        }
        let proposed_intent = matches!(resource.intent.as_deref(), Some("proposal" | "plan"));
        let status = match (source, status_text) {
            (_, "entered-in-error")
            | (MedicationSource::Statement, "not-taken")
            | (MedicationSource::Administration, "not-done")
            | (MedicationSource::Order, "cancelled") => {
                self.input.excluded.push(format!("{}: {status_text}", label(kind, located)));
                return Ok(());
            }
            (MedicationSource::Order, "draft") => MedicationStatus::Proposed,
            (_, _) if proposed_intent => MedicationStatus::Proposed,
            (MedicationSource::Statement, "intended") => MedicationStatus::Proposed,
            (_, "active" | "in-progress") => MedicationStatus::Active,
            (_, "completed") => MedicationStatus::Completed,
            (_, "stopped") => MedicationStatus::Stopped,
            (_, "on-hold") => MedicationStatus::OnHold,
            (_, "unknown") => MedicationStatus::Unknown,
            (_, other) => {
                return Err(rule(located, kind, "status", format!("{other:?} is not a {kind} status")));
            }
        };
        let (codes, text) = if let Some(concept) = &resource.medication_codeable_concept {
            (codings(Some(concept)), concept_text(Some(concept)))
        } else if let Some(reference) = &resource.medication_reference {
            let key = reference.reference.clone().unwrap_or_default();
            let contained = key.strip_prefix('#').and_then(|id| {
                resource
                    .contained
                    .iter()
                    .find(|c| c.get("id").and_then(Value::as_str) == Some(id))
                    .and_then(|c| serde_json::from_value::<model::Medication>(c.clone()).ok())
            });
            match contained.or_else(|| self.medications.get(&key).cloned()) {
                Some(medication) => (
                    codings(medication.code.as_ref()),
                    concept_text(medication.code.as_ref()).or(reference.display.clone()),
                ),
                None => (Vec::new(), reference.display.clone()),
            }
        } else {
            return Err(rule(located, kind, "medication[x]", "is required (1..1)"));
        };
        if codes.is_empty() && text.is_none() {
            self.input.warnings.push(format!(
                "{}: the medication has neither a code nor text and cannot be matched",
                label(kind, located)
            ));
        }
        let bounds = resource
            .dosage_instruction
            .iter()
            .chain(&resource.dosage)
            .find_map(|d| d.pointer("/timing/repeat/boundsPeriod").cloned())
            .or_else(|| resource.dispense_request.as_ref().and_then(|d| d.get("validityPeriod").cloned()));
        let bound = |name: &str| bounds.as_ref().and_then(|b| b.get(name)).and_then(Value::as_str).map(str::to_owned);
        let start_text = resource
            .effective_period
            .as_ref()
            .and_then(|p| p.start.clone())
            .or_else(|| resource.effective_date_time.clone())
            .or_else(|| bound("start"))
            .or_else(|| resource.authored_on.clone());
        let end_text = resource.effective_period.as_ref().and_then(|p| p.end.clone()).or_else(|| bound("end"));
        let start = self.time(located, kind, "start", start_text.as_deref())?;
        let end = self.time(located, kind, "end", end_text.as_deref())?;
        let dosage = resource
            .dosage_instruction
            .iter()
            .chain(&resource.dosage)
            .find_map(|d| d.get("text").and_then(Value::as_str))
            .map(str::to_owned);
        let owner = self.owner(located, kind, resource.subject.as_ref())?;
        let id = resource.id.clone().map_or_else(|| located.location.clone(), |id| format!("{kind}/{id}"));
        self.input.patients[owner].medications.push(MedicationExposure {
            id,
            codes,
            text,
            start,
            end,
            status,
            source,
            dosage,
        });
        Ok(())
    }

    /// Whether a verification status of `refuted` or `entered-in-error` excludes the resource
    /// (recorded in `excluded`).
    fn refuted(&mut self, located: &Located<'_>, kind: &str, verification: Option<&model::CodeableConcept>) -> bool {
        let code = first_code(verification);
        let refuted = matches!(code, Some("refuted" | "entered-in-error"));
        if refuted {
            self.input.excluded.push(format!("{}: verification {}", label(kind, located), code.unwrap_or_default()));
        }
        refuted
    }

    fn condition(&mut self, located: &Located<'_>) -> Result<(), FhirError> {
        const KIND: &str = "Condition";
        let condition: model::Condition = typed(located, KIND)?;
        if self.refuted(located, KIND, condition.verification_status.as_ref()) {
            return Ok(());
        }
        let status = match first_code(condition.clinical_status.as_ref()) {
            None => ConditionStatus::Unknown,
            Some("active" | "recurrence" | "relapse") => ConditionStatus::Active,
            Some("inactive" | "remission" | "resolved") => ConditionStatus::Resolved,
            Some(other) => {
                return Err(rule(
                    located,
                    KIND,
                    "clinicalStatus",
                    format!("{other:?} is not a condition clinical status"),
                ));
            }
        };
        let onset_text =
            condition.onset_date_time.clone().or_else(|| condition.onset_period.as_ref().and_then(|p| p.start.clone()));
        let onset = match self.time(located, KIND, "onset[x]", onset_text.as_deref())? {
            Some(time) => Some(time),
            None => self.time(located, KIND, "recordedDate", condition.recorded_date.as_deref())?,
        };
        let abatement = self.time(located, KIND, "abatementDateTime", condition.abatement_date_time.as_deref())?;
        let mut notes: Vec<String> = condition.note.iter().map(|n| n.text.clone()).filter(|t| !t.is_empty()).collect();
        if let Some(onset) = &condition.onset_string {
            notes.push(onset.clone());
        }
        let owner = self.owner(located, KIND, condition.subject.as_ref())?;
        let id = condition.id.clone().map_or_else(|| located.location.clone(), |id| format!("Condition/{id}"));
        self.input.patients[owner].conditions.push(ConditionEntry {
            id,
            codes: codings(condition.code.as_ref()),
            text: concept_text(condition.code.as_ref()),
            onset,
            abatement,
            status,
            notes,
        });
        Ok(())
    }

    fn allergy(&mut self, located: &Located<'_>) -> Result<(), FhirError> {
        const KIND: &str = "AllergyIntolerance";
        let allergy: model::AllergyIntolerance = typed(located, KIND)?;
        if self.refuted(located, KIND, allergy.verification_status.as_ref()) {
            return Ok(());
        }
        let status = match first_code(allergy.clinical_status.as_ref()) {
            None | Some("active") => ConditionStatus::Active,
            Some("inactive" | "resolved") => ConditionStatus::Resolved,
            Some(other) => {
                return Err(rule(
                    located,
                    KIND,
                    "clinicalStatus",
                    format!("{other:?} is not an allergy clinical status"),
                ));
            }
        };
        let Some(substance) = concept_text(allergy.code.as_ref()) else {
            return Err(rule(located, KIND, "code", "names no substance (text or display)"));
        };
        let onset_text = allergy.onset_date_time.clone().or_else(|| allergy.recorded_date.clone());
        let onset = self.time(located, KIND, "onset", onset_text.as_deref())?;
        let owner = self.owner(located, KIND, allergy.patient.as_ref())?;
        let id = allergy.id.clone().map_or_else(|| located.location.clone(), |id| format!("AllergyIntolerance/{id}"));
        self.input.patients[owner].conditions.push(ConditionEntry {
            id,
            codes: codings(allergy.code.as_ref()),
            // Worded as a record would say it, so that allergy findings and contraindications match.
            text: Some(format!("{substance} allergy")),
            onset,
            abatement: None,
            status,
            notes: Vec::new(),
        });
        Ok(())
    }

    fn procedure(&mut self, located: &Located<'_>) -> Result<(), FhirError> {
        const KIND: &str = "Procedure";
        let procedure: model::Procedure = typed(located, KIND)?;
        match procedure.status.as_deref() {
            None => return Err(rule(located, KIND, "status", "is required (1..1)")),
            Some("entered-in-error" | "not-done") => {
                self.input.excluded.push(format!("{}: {}", label(KIND, located), procedure.status.unwrap_or_default()));
                return Ok(());
            }
            Some(_) => {}
        }
        let performed_text = procedure
            .performed_date_time
            .clone()
            .or_else(|| procedure.performed_period.as_ref().and_then(|p| p.start.clone()));
        let performed = self.time(located, KIND, "performed[x]", performed_text.as_deref())?;
        let owner = self.owner(located, KIND, procedure.subject.as_ref())?;
        let id = procedure.id.clone().map_or_else(|| located.location.clone(), |id| format!("Procedure/{id}"));
        self.input.patients[owner].procedures.push(ProcedureEntry {
            id,
            codes: codings(procedure.code.as_ref()),
            text: concept_text(procedure.code.as_ref()),
            performed,
        });
        Ok(())
    }
}
