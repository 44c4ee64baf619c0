//! Clinical behaviour of the core against the bundled knowledge base: every threshold tested here
//! is a number of shared/reference/clinical-tables.md as written in kb/.

mod causes;
mod grading;
mod intervals;
mod labs;
mod management;
mod monitoring;
mod units;

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use leuko_core::{
    AssessConfig, Assessment, CodeSystem, Coding, Observation, ObservationValue, PatientRecord, Quantity, ResultStatus,
    Sex,
};

/// "Now" of every test.
pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 8, 0, 0).unwrap()
}

/// A patient of `age_years` at [`now`].
pub(crate) fn patient(age_years: f64, sex: Sex) -> PatientRecord {
    let today = now().date_naive();
    let birth = if age_years.fract() == 0.0 {
        today.with_year(today.year() - age_years as i32).expect("15 January exists every year")
    } else {
        today - Duration::days((age_years * 365.25).round() as i64)
    };
    PatientRecord { id: Some("p".to_owned()), birth_date: Some(birth), sex: Some(sex), ..PatientRecord::default() }
}

/// An observation coded with `loinc`, `days` before [`now`] (0 = now).
pub(crate) fn lab(id: &str, loinc: &str, value: f64, unit: &str, days_before: i64) -> Observation {
    Observation {
        id: format!("Observation/{id}"),
        codes: vec![Coding { system: CodeSystem::Loinc, code: loinc.to_owned(), display: None }],
        text: None,
        value: ObservationValue::Quantity(Quantity {
            value,
            comparator: None,
            unit: Some(unit.to_owned()),
            code: None,
        }),
        time: Some(now() - Duration::days(days_before)),
        reference_low: None,
        reference_high: None,
        status: ResultStatus::Final,
        interpretation: Vec::new(),
        notes: Vec::new(),
        specimen: None,
    }
}

/// A text-valued observation named `name`.
pub(crate) fn text_result(id: &str, name: &str, value: &str) -> Observation {
    Observation {
        id: format!("Observation/{id}"),
        codes: Vec::new(),
        text: Some(name.to_owned()),
        value: ObservationValue::Text(value.to_owned()),
        time: Some(now() - Duration::days(10)),
        reference_low: None,
        reference_high: None,
        status: ResultStatus::Final,
        interpretation: Vec::new(),
        notes: Vec::new(),
        specimen: None,
    }
}

/// A condition (finding or diagnosis) given as text only, as EHR exports send findings.
pub(crate) fn finding(id: &str, text: &str) -> leuko_core::ConditionEntry {
    leuko_core::ConditionEntry {
        id: format!("Condition/{id}"),
        codes: Vec::new(),
        text: Some(text.to_owned()),
        onset: None,
        abatement: None,
        status: leuko_core::ConditionStatus::Active,
        notes: Vec::new(),
    }
}

/// A drug exposure started `days_before` [`now`], still taken.
pub(crate) fn drug(id: &str, name: &str, days_before: i64) -> leuko_core::MedicationExposure {
    leuko_core::MedicationExposure {
        id: format!("MedicationStatement/{id}"),
        codes: Vec::new(),
        text: Some(name.to_owned()),
        start: Some(now() - Duration::days(days_before)),
        end: None,
        status: leuko_core::MedicationStatus::Active,
        source: leuko_core::MedicationSource::Statement,
        dosage: None,
    }
}

/// An observation `minutes` before [`now`].
pub(crate) fn lab_at_minutes(id: &str, loinc: &str, value: f64, unit: &str, minutes_before: i64) -> Observation {
    let mut observation = lab(id, loinc, value, unit, 0);
    observation.time = Some(now() - Duration::minutes(minutes_before));
    observation
}

/// Assesses with the bundled knowledge base and no site intervals.
pub(crate) fn assess(record: &PatientRecord) -> Assessment {
    leuko_core::assess(leuko_kb::bundled(), record, now(), &AssessConfig::with_site_intervals(Vec::new()))
}

/// The warning codes of an assessment.
pub(crate) fn codes(assessment: &Assessment) -> Vec<&'static str> {
    assessment.warnings.iter().map(|w| w.code).collect()
}
