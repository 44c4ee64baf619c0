//! The patient record the engine reads: what any adapter (FHIR, HL7 v2, a database) hands in.
//!
//! These types are deliberately close to what a health record holds — coded or free-text items
//! with times — and carry no interpretation. Interpretation (which analyte, which unit, which
//! drug) happens in the reasoning modules against the knowledge base.

use chrono::{DateTime, NaiveDate, Utc};

pub use crate::kb::Sex;

/// A code from a terminology.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coding {
    /// Which terminology.
    pub system: CodeSystem,
    /// The code.
    pub code: String,
    /// Display text, if sent.
    pub display: Option<String>,
}

/// The terminologies leuko recognises.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum CodeSystem {
    /// LOINC.
    Loinc,
    /// SNOMED CT.
    Snomed,
    /// ICD-10 or ICD-10-CM.
    Icd10,
    /// RxNorm.
    RxNorm,
    /// WHO ATC.
    Atc,
    /// Anything else (the system URI as sent, or empty).
    Other(String),
}

/// Everything known about one patient.
#[derive(Debug, Clone, Default)]
pub struct PatientRecord {
    /// Identifier of the patient in the source system.
    pub id: Option<String>,
    /// Date of birth.
    pub birth_date: Option<NaiveDate>,
    /// Administrative sex.
    pub sex: Option<Sex>,
    /// Ancestry/race/ethnicity as recorded (free text or code displays). Used only to suggest a
    /// Duffy phenotype test, never as a proxy for it.
    pub ancestry: Vec<String>,
    /// Laboratory results and vital signs.
    pub observations: Vec<Observation>,
    /// Drug exposures (orders, statements, administrations).
    pub medications: Vec<MedicationExposure>,
    /// Diagnoses, problems and findings.
    pub conditions: Vec<ConditionEntry>,
    /// Procedures (surgery, radiotherapy, …).
    pub procedures: Vec<ProcedureEntry>,
}

/// Status of a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultStatus {
    /// Final.
    Final,
    /// Corrected or amended after release.
    Corrected,
    /// Preliminary.
    Preliminary,
    /// Registered, cancelled or unknown: not a usable value.
    NotUsable,
}

/// A quantity as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Numeric value.
    pub value: f64,
    /// Comparator (`<`, `<=`, `>=`, `>`), when the value is censored.
    pub comparator: Option<String>,
    /// Unit as displayed (`unit`).
    pub unit: Option<String>,
    /// Coded unit (UCUM `code`).
    pub code: Option<String>,
}

/// The value of an observation.
#[derive(Debug, Clone, PartialEq)]
pub enum ObservationValue {
    /// A quantity.
    Quantity(Quantity),
    /// Text (including coded concepts' text).
    Text(String),
    /// No value (e.g. a panel, or data absent).
    Absent,
}

/// A laboratory result or vital sign.
#[derive(Debug, Clone)]
pub struct Observation {
    /// Identifier in the source (e.g. `Observation/abc`), used in messages.
    pub id: String,
    /// Codes.
    pub codes: Vec<Coding>,
    /// The code's text.
    pub text: Option<String>,
    /// Value.
    pub value: ObservationValue,
    /// When the specimen was taken (or the observation made).
    pub time: Option<DateTime<Utc>>,
    /// The laboratory's reference range, as sent.
    pub reference_low: Option<Quantity>,
    /// Upper limit, as sent.
    pub reference_high: Option<Quantity>,
    /// Status.
    pub status: ResultStatus,
    /// Interpretation codes/text (H, L, LL, …).
    pub interpretation: Vec<String>,
    /// Notes and comments (specimen remarks).
    pub notes: Vec<String>,
    /// Specimen identifier, when sent; results of the same specimen share it.
    pub specimen: Option<String>,
}

/// Lifecycle of a drug exposure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MedicationStatus {
    /// Being taken.
    Active,
    /// Finished as planned.
    Completed,
    /// Stopped early.
    Stopped,
    /// Paused.
    OnHold,
    /// Ordered but not yet started (draft, proposal, plan).
    Proposed,
    /// Unknown.
    Unknown,
}

/// Where the exposure record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MedicationSource {
    /// An order (FHIR MedicationRequest).
    Order,
    /// A statement of use (FHIR MedicationStatement).
    Statement,
    /// An administration (FHIR MedicationAdministration).
    Administration,
}

/// A drug exposure.
#[derive(Debug, Clone)]
pub struct MedicationExposure {
    /// Identifier in the source.
    pub id: String,
    /// Codes (RxNorm, ATC, …).
    pub codes: Vec<Coding>,
    /// Text or display names.
    pub text: Option<String>,
    /// Start (or order date).
    pub start: Option<DateTime<Utc>>,
    /// End, when stopped.
    pub end: Option<DateTime<Utc>>,
    /// Status.
    pub status: MedicationStatus,
    /// Record kind.
    pub source: MedicationSource,
    /// Dose text, if any.
    pub dosage: Option<String>,
}

/// Clinical status of a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionStatus {
    /// Active, recurrent or relapsed.
    Active,
    /// Inactive, remission or resolved.
    Resolved,
    /// Not stated.
    Unknown,
}

/// A diagnosis, problem or finding.
#[derive(Debug, Clone)]
pub struct ConditionEntry {
    /// Identifier in the source.
    pub id: String,
    /// Codes (ICD-10, SNOMED CT, …).
    pub codes: Vec<Coding>,
    /// Text.
    pub text: Option<String>,
    /// Onset.
    pub onset: Option<DateTime<Utc>>,
    /// Resolution.
    pub abatement: Option<DateTime<Utc>>,
    /// Clinical status.
    pub status: ConditionStatus,
    /// Free-text notes.
    pub notes: Vec<String>,
}

/// A procedure.
#[derive(Debug, Clone)]
pub struct ProcedureEntry {
    /// Identifier in the source.
    pub id: String,
    /// Codes.
    pub codes: Vec<Coding>,
    /// Text.
    pub text: Option<String>,
    /// When performed (start).
    pub performed: Option<DateTime<Utc>>,
}

impl Observation {
    /// The LOINC codes among the observation's codings.
    pub fn loinc_codes(&self) -> impl Iterator<Item = &str> {
        self.codes.iter().filter(|c| c.system == CodeSystem::Loinc).map(|c| c.code.as_str())
    }

    /// All text naming the observation: `code.text` and every coding's display.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.text.as_deref().into_iter().chain(self.codes.iter().filter_map(|c| c.display.as_deref()))
    }
}
