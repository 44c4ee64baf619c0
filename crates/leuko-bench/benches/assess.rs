//! Parsing and assessing a 1,000-observation FHIR bundle (issue #3), and the parts separately.

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use leuko_core::AssessConfig;

const BUNDLE: &str = include_str!("../resources/patient-1000-observations.json");

fn bench(c: &mut Criterion) {
    let kb = leuko_kb::bundled();
    let as_of = Utc.with_ymd_and_hms(2026, 1, 15, 8, 0, 0).unwrap();
    let config = AssessConfig::with_site_intervals(Vec::new());
    let input = leuko_fhir::read(BUNDLE).unwrap();
    assert_eq!(input.patients[0].observations.len(), 1002);

    c.bench_function("parse+assess+json 1000 observations", |b| {
        b.iter(|| {
            let input = leuko_fhir::read(std::hint::black_box(BUNDLE)).unwrap();
            let assessment = leuko_core::assess(kb, &input.patients[0], as_of, &config);
            serde_json::to_string(&leuko_api::Assessment::from(&assessment)).unwrap()
        })
    });
    c.bench_function("parse 1000 observations", |b| b.iter(|| leuko_fhir::read(std::hint::black_box(BUNDLE)).unwrap()));
    c.bench_function("assess 1000 observations", |b| {
        b.iter(|| leuko_core::assess(kb, std::hint::black_box(&input.patients[0]), as_of, &config))
    });
}

/// Ranking causes for a patient with 50 drug exposures and 200 observations (issue #8).
fn bench_ranking(c: &mut Criterion) {
    let kb = leuko_kb::bundled();
    let as_of = Utc.with_ymd_and_hms(2026, 1, 15, 8, 0, 0).unwrap();
    let config = AssessConfig::with_site_intervals(Vec::new());
    let input = leuko_fhir::read(BUNDLE).unwrap();
    let mut record = input.patients[0].clone();
    // The 200 most recent observations.
    record.observations.sort_by_key(|o| o.time);
    let keep = record.observations.len().saturating_sub(199);
    record.observations.drain(..keep);
    // A current low ANC, so that causes are ranked.
    let mut low =
        record.observations.iter().rev().find(|o| o.loinc_codes().any(|c| c == "751-8")).expect("an ANC").clone();
    low.id = "Observation/current-anc".to_owned();
    low.time = Some(as_of - chrono::Duration::hours(2));
    low.value = leuko_core::ObservationValue::Quantity(leuko_core::Quantity {
        value: 0.4,
        comparator: None,
        unit: Some("10*3/uL".to_owned()),
        code: None,
    });
    record.observations.push(low);
    // 50 exposures to knowledge-base drugs, started over the last two years, half still taken.
    record.medications = kb
        .drugs()
        .iter()
        .step_by(3)
        .take(50)
        .enumerate()
        .map(|(index, drug)| leuko_core::MedicationExposure {
            id: format!("MedicationStatement/{index}"),
            codes: Vec::new(),
            text: Some(drug.names[0].clone()),
            start: Some(as_of - chrono::Duration::days(15 * index as i64 + 10)),
            end: (index % 2 == 1).then(|| as_of - chrono::Duration::days(5 * index as i64)),
            status: if index % 2 == 1 {
                leuko_core::MedicationStatus::Completed
            } else {
                leuko_core::MedicationStatus::Active
            },
            source: leuko_core::MedicationSource::Statement,
            dosage: None,
        })
        .collect();
    assert_eq!((record.observations.len(), record.medications.len()), (200, 50));
    let check = leuko_core::assess(kb, &record, as_of, &config);
    assert!(!check.causes.is_empty(), "the synthetic patient has a low count to rank causes for");
    c.bench_function("assess+rank 50 medications 200 observations", |b| {
        b.iter(|| leuko_core::assess(kb, std::hint::black_box(&record), as_of, &config))
    });
}

/// A 10-year history (issue #5): 2,000 counts (ANC and WBC alternately, every ~1.8 days, with
/// dips) and 20 drug courses (clozapine with interruptions, chemotherapy cycles, OPAT, methotrexate,
/// antithyroid, linezolid). Benchmarks the assessment with its trends and monitoring programmes,
/// and the replayed timeline.
fn bench_history(c: &mut Criterion) {
    use leuko_core::{CodeSystem, Coding, MedicationExposure, MedicationSource, MedicationStatus, Observation};
    let kb = leuko_kb::bundled();
    let as_of = Utc.with_ymd_and_hms(2026, 1, 15, 8, 0, 0).unwrap();
    let config = AssessConfig::with_site_intervals(Vec::new());
    let start = as_of - chrono::Duration::days(3650);
    let mut record = leuko_core::PatientRecord {
        id: Some("history".to_owned()),
        birth_date: Some(chrono::NaiveDate::from_ymd_opt(1970, 5, 1).unwrap()),
        sex: Some(leuko_core::Sex::Female),
        ..leuko_core::PatientRecord::default()
    };
    for index in 0..2000_i64 {
        let time = start + chrono::Duration::minutes(index * 3650 * 1440 / 2000);
        let (loinc, base) = if index % 2 == 0 { ("751-8", 3.0) } else { ("6690-2", 6.0) };
        // A slow oscillation and a dip every ~200 counts.
        let dip = if index % 200 > 185 { 0.25 } else { 1.0 };
        let value = base * dip * (1.0 + 0.2 * ((index as f64) / 11.0).sin());
        record.observations.push(Observation {
            id: format!("Observation/{index}"),
            codes: vec![Coding { system: CodeSystem::Loinc, code: loinc.to_owned(), display: None }],
            text: None,
            value: leuko_core::ObservationValue::Quantity(leuko_core::Quantity {
                value,
                comparator: None,
                unit: Some("10*3/uL".to_owned()),
                code: None,
            }),
            time: Some(time),
            reference_low: None,
            reference_high: None,
            status: leuko_core::ResultStatus::Final,
            interpretation: Vec::new(),
            notes: Vec::new(),
            specimen: None,
        });
    }
    let drugs = [
        "clozapine",
        "clozapine",
        "clozapine",
        "docetaxel",
        "docetaxel",
        "docetaxel",
        "docetaxel",
        "vancomycin",
        "ceftriaxone",
        "methotrexate",
        "methimazole",
        "linezolid",
        "azathioprine",
        "sulfasalazine",
        "deferiprone",
        "valganciclovir",
        "cyclophosphamide",
        "cyclophosphamide",
        "carbamazepine",
        "clozapine",
    ];
    for (index, name) in drugs.iter().enumerate() {
        let begin = start + chrono::Duration::days(index as i64 * 180);
        let last = index + 1 == drugs.len();
        record.medications.push(MedicationExposure {
            id: format!("MedicationStatement/{index}"),
            codes: Vec::new(),
            text: Some((*name).to_owned()),
            start: Some(begin),
            end: (!last).then(|| begin + chrono::Duration::days(120)),
            status: if last { MedicationStatus::Active } else { MedicationStatus::Completed },
            source: MedicationSource::Statement,
            dosage: None,
        });
    }
    let check = leuko_core::assess(kb, &record, as_of, &config);
    assert_eq!(check.trends.iter().find(|t| t.analyte == leuko_core::Analyte::Anc).map(|t| t.values), Some(1000));
    assert!(!check.monitoring.is_empty());
    c.bench_function("assess with trends and monitoring, 10 years 2000 counts 20 courses", |b| {
        b.iter(|| leuko_core::assess(kb, std::hint::black_box(&record), as_of, &config))
    });
    let mut group = c.benchmark_group("timeline");
    group.sample_size(10);
    group.bench_function("timeline (replayed alerts), 10 years 2000 counts 20 courses", |b| {
        b.iter(|| leuko_core::timeline(kb, std::hint::black_box(&record), as_of, &config))
    });
    group.finish();
}

criterion_group!(benches, bench, bench_ranking, bench_history);
criterion_main!(benches);
