//! Fuzzes unit parsing and conversion: any unit text, value, comparator and reference range on
//! any analyte code goes through normalisation and grading without a panic, and a converted
//! count is never negative or non-finite.

#![no_main]

use chrono::{Duration, TimeZone, Utc};
use leuko_core::{AssessConfig, CodeSystem, Coding, Observation, ObservationValue, PatientRecord, Quantity, ResultStatus};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Case {
    unit: String,
    value: f64,
    code_index: u8,
    as_text: bool,
    text_value: String,
    low: Option<(f64, String)>,
    percent: Option<(f64, String)>,
    age_days: u16,
}

fuzz_target!(|case: Case| {
    let _ = leuko_core::kb::fold_unit(&case.unit);
    let kb = leuko_kb::bundled();
    let codes: Vec<String> = kb.loinc_codes().map(|l| l.code.clone()).collect();
    let code = codes[usize::from(case.code_index) % codes.len()].clone();
    let as_of = Utc.with_ymd_and_hms(2026, 1, 15, 8, 0, 0).unwrap();
    let quantity = |value: f64, unit: String| Quantity { value, comparator: None, unit: Some(unit), code: None };
    let observation = |id: &str, code: String, value: ObservationValue| Observation {
        id: id.to_owned(),
        codes: vec![Coding { system: CodeSystem::Loinc, code, display: None }],
        text: None,
        value,
        time: Some(as_of),
        reference_low: case.low.clone().map(|(v, u)| quantity(v, u)),
        reference_high: None,
        status: ResultStatus::Final,
        interpretation: Vec::new(),
        notes: Vec::new(),
        specimen: None,
    };
    let value = if case.as_text { ObservationValue::Text(case.text_value.clone()) } else { ObservationValue::Quantity(quantity(case.value, case.unit.clone())) };
    let mut record = PatientRecord {
        birth_date: Some((as_of - Duration::days(i64::from(case.age_days) * 40)).date_naive()),
        ..PatientRecord::default()
    };
    record.observations.push(observation("Observation/a", code, value));
    if let Some((percent, unit)) = case.percent.clone() {
        record.observations.push(observation("Observation/p", "770-8".to_owned(), ObservationValue::Quantity(quantity(percent, unit))));
    }
    let assessment = leuko_core::assess(kb, &record, as_of, &AssessConfig::with_site_intervals(Vec::new()));
    for result in &assessment.results {
        assert!(result.value.is_finite() && result.value >= 0.0 || result.analyte == leuko_core::Analyte::Temperature, "{result:?}");
    }
});
