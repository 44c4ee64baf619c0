//! Percentages to absolute counts (clinical-tables §6.1), identification by text, and the
//! series rules (as-of, latest value).

use crate::{assess, codes, lab, patient};
use leuko_core::{Analyte, Origin, Pattern, Sex};

#[test]
fn anc_from_segmented_and_band_percentages() {
    // 5-Minute Pediatric Consult worked example (§6.1): WBC 5,200, 15 % segs + 4 % bands -> 988/uL.
    let mut record = patient(40.0, Sex::Male);
    record.observations.push(lab("wbc", "6690-2", 5200.0, "/uL", 0));
    record.observations.push(lab("segs", "769-0", 15.0, "%", 0));
    record.observations.push(lab("bands", "764-1", 4.0, "%", 0));
    let assessment = assess(&record);
    let anc = assessment.counts.anc.as_ref().unwrap();
    assert!((anc.result.value - 0.988).abs() < 1e-9, "{}", anc.result.value);
    match &anc.result.origin {
        Origin::Derived { from, formula } => {
            assert_eq!(from, &["Observation/wbc", "Observation/segs", "Observation/bands"]);
            assert!(formula.contains("band"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(assessment.grades.anc.as_ref().unwrap().grade, 3);
}

#[test]
fn reported_absolute_count_wins_over_a_derived_one() {
    let mut record = patient(40.0, Sex::Male);
    record.observations.push(lab("wbc", "6690-2", 4.0, "10*3/uL", 0));
    record.observations.push(lab("neutpct", "770-8", 50.0, "%", 0));
    record.observations.push(lab("anc", "751-8", 1.9, "10*3/uL", 0));
    let anc = assess(&record).counts.anc.unwrap();
    assert_eq!(anc.result.value, 1.9);
    assert!(matches!(anc.result.origin, Origin::Reported { .. }));
}

#[test]
fn percentage_without_a_wbc_is_never_graded() {
    let mut record = patient(40.0, Sex::Male);
    record.observations.push(lab("neutpct", "770-8", 10.0, "%", 0));
    // A WBC of another day is not the same specimen.
    record.observations.push(lab("wbc", "6690-2", 4.0, "10*3/uL", 3));
    let assessment = assess(&record);
    assert!(assessment.counts.anc.is_none());
    assert!(assessment.grades.anc.is_none());
    let warning = assessment.warnings.iter().find(|w| w.code == "fraction-without-wbc").expect("flagged");
    assert!(warning.message.contains("Observation/neutpct"));
}

#[test]
fn specimen_ids_pair_percentages_with_their_wbc() {
    let mut record = patient(40.0, Sex::Male);
    let mut wbc = lab("wbc", "6690-2", 3.0, "10*3/uL", 0);
    wbc.specimen = Some("Specimen/a".to_owned());
    let mut pct = lab("lymph", "736-9", 20.0, "%", 0);
    pct.specimen = Some("Specimen/a".to_owned());
    record.observations.extend([wbc, pct]);
    let alc = assess(&record).counts.alc.unwrap();
    assert!((alc.result.value - 0.6).abs() < 1e-9);
}

#[test]
fn percentage_coded_as_count_is_read_as_percentage() {
    // 763-3 is a band count by LOINC; MIMIC-III used it for a percentage (§6.3).
    let mut record = patient(40.0, Sex::Male);
    record.observations.push(lab("wbc", "6690-2", 2.0, "10*3/uL", 0));
    record.observations.push(lab("segs", "769-0", 40.0, "%", 0));
    record.observations.push(lab("bands", "763-3", 10.0, "%", 0));
    let assessment = assess(&record);
    assert!(codes(&assessment).contains(&"property-unit-conflict"));
    assert!((assessment.counts.anc.unwrap().result.value - 1.0).abs() < 1e-9);
}

#[test]
fn differential_over_100_percent_is_flagged() {
    let mut record = patient(40.0, Sex::Male);
    record.observations.push(lab("wbc", "6690-2", 2.0, "10*3/uL", 0));
    record.observations.push(lab("n", "770-8", 70.0, "%", 0));
    record.observations.push(lab("l", "736-9", 40.0, "%", 0));
    assert!(codes(&assess(&record)).contains(&"differential-sum"));
}

#[test]
fn analyte_by_text_when_no_code() {
    let mut record = patient(40.0, Sex::Male);
    let mut observation = lab("w", "0000-0", 2.2, "K/uL", 0);
    observation.codes.clear();
    observation.text = Some("White Blood Cell Count".to_owned());
    record.observations.push(observation);
    assert!((assess(&record).counts.wbc.unwrap().result.value - 2.2).abs() < 1e-9);
}

#[test]
fn later_results_are_left_out_and_latest_is_graded() {
    let mut record = patient(40.0, Sex::Male);
    record.observations.push(lab("old", "6690-2", 1.5, "10*3/uL", 10));
    record.observations.push(lab("new", "6690-2", 3.5, "10*3/uL", 1));
    record.observations.push(lab("future", "6690-2", 0.5, "10*3/uL", -2));
    let assessment = assess(&record);
    assert_eq!(assessment.counts.wbc.as_ref().unwrap().result.value, 3.5);
    assert_eq!(assessment.input.after_as_of, 1);
    assert_eq!(assessment.results.iter().filter(|r| r.analyte == Analyte::Wbc).count(), 2);
}

#[test]
fn specimen_remarks_are_flagged() {
    let mut record = patient(64.0, Sex::Male);
    let mut wbc = lab("wbc", "6690-2", 1.8, "10*3/uL", 0);
    wbc.notes.push("Smear of the EDTA sample shows granulocyte aggregates".to_owned());
    record.observations.push(wbc);
    let assessment = assess(&record);
    let warning = assessment.warnings.iter().find(|w| w.code == "specimen-remark").expect("flagged");
    assert!(warning.message.contains("aggregat"));
}

#[test]
fn patterns() {
    let base = |extra: &[(&str, &str, f64, &str)]| {
        let mut record = patient(50.0, Sex::Female);
        record.observations.push(lab("wbc", "6690-2", 2.5, "10*3/uL", 0));
        for (id, code, value, unit) in extra {
            record.observations.push(lab(id, code, *value, unit, 0));
        }
        assess(&record).pattern
    };
    let normal_rest = [("hb", "718-7", 13.0, "g/dL"), ("plt", "777-3", 250.0, "10*3/uL")];
    assert_eq!(
        base(&[("anc", "751-8", 0.9, "10*3/uL"), ("alc", "731-0", 1.4, "10*3/uL"), normal_rest[0], normal_rest[1]]),
        Pattern::IsolatedNeutropenia
    );
    assert_eq!(
        base(&[("anc", "751-8", 2.1, "10*3/uL"), ("alc", "731-0", 0.3, "10*3/uL"), normal_rest[0], normal_rest[1]]),
        Pattern::IsolatedLymphopenia
    );
    assert_eq!(
        base(&[("anc", "751-8", 1.0, "10*3/uL"), ("alc", "731-0", 0.5, "10*3/uL")]),
        Pattern::NeutropeniaAndLymphopenia
    );
    // Hb < 10 g/dL and platelets < 100 x10^9/L (§9.2C).
    assert_eq!(
        base(&[("anc", "751-8", 1.0, "10*3/uL"), ("hb", "718-7", 9.9, "g/dL"), ("plt", "777-3", 250.0, "10*3/uL")]),
        Pattern::Bicytopenia
    );
    assert_eq!(
        base(&[("anc", "751-8", 1.0, "10*3/uL"), ("hb", "718-7", 10.0, "g/dL"), ("plt", "777-3", 99.0, "10*3/uL")]),
        Pattern::Bicytopenia
    );
    assert_eq!(
        base(&[("anc", "751-8", 1.0, "10*3/uL"), ("hb", "718-7", 9.0, "g/dL"), ("plt", "777-3", 40.0, "10*3/uL")]),
        Pattern::Pancytopenia
    );
    assert_eq!(base(&[]), Pattern::LeukopeniaUndifferentiated);
}

#[test]
fn band_percentage_beside_neutrophil_percentage_is_added() {
    let mut record = patient(40.0, Sex::Male);
    record.observations.push(lab("wbc", "6690-2", 2.0, "10*3/uL", 0));
    record.observations.push(lab("n", "770-8", 40.0, "%", 0));
    record.observations.push(lab("b", "764-1", 10.0, "%", 0));
    let assessment = assess(&record);
    assert!((assessment.counts.anc.as_ref().unwrap().result.value - 1.0).abs() < 1e-9);
    assert!(codes(&assessment).contains(&"bands-added"));
}

#[test]
fn an_isolated_pattern_says_when_the_other_lineages_were_not_measured() {
    let flagged = |record: &leuko_core::PatientRecord| {
        crate::assess(record).warnings.iter().any(|w| w.code == "other-lineages-not-measured")
    };
    let mut record = crate::patient(40.0, leuko_core::Sex::Female);
    record.observations.push(crate::lab("wbc", "6690-2", 2.4, "10*3/uL", 0));
    record.observations.push(crate::lab("anc", "751-8", 0.9, "10*3/uL", 0));
    assert_eq!(crate::assess(&record).pattern, leuko_core::Pattern::IsolatedNeutropenia);
    assert!(flagged(&record));
    record.observations.push(crate::lab("hb", "718-7", 13.0, "g/dL", 0));
    assert!(flagged(&record), "platelets still missing");
    record.observations.push(crate::lab("plt", "777-3", 250.0, "10*3/uL", 0));
    assert!(!flagged(&record));
}
