//! Parsing and assessing a 1,000-observation FHIR bundle (issue #3), and the parts separately.

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use leuko_core::AssessConfig;

const BUNDLE: &str = include_str!("../resources/patient-1000-observations.json");

fn bench(c: &mut Criterion) {
    let kb = leuko_kb::bundled();
    let as_of = Utc.with_ymd_and_hms(2026, 1, 15, 8, 0, 0).unwrap();
    let config = AssessConfig { site_intervals: Vec::new() };
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

criterion_group!(benches, bench);
criterion_main!(benches);
