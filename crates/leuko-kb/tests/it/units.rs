//! Every unit spelling of clinical-tables §6.2 converts to 10^9/L; unknown units are refused with
//! a message naming unit and observation; implausible value/unit pairs are reinterpreted with a
//! warning.

use crate::{assess, codes, lab, patient};
use leuko_core::{Analyte, Sex};

fn wbc_in(unit: &str, value: f64) -> leuko_core::Assessment {
    let mut record = patient(40.0, Sex::Female);
    record.observations.push(lab("wbc", "6690-2", value, unit, 0));
    assess(&record)
}

#[test]
fn every_count_spelling_of_section_6_2() {
    let per_litre = [
        "10^9/L",
        "x10^9/L",
        "10*9/L",
        "billion per liter",
        "G/L",
        "G/l",
        "10^3/uL",
        "x10^3/uL",
        "10*3/uL",
        "K/uL",
        "K/µL",
        "K/cumm",
        "10³/µL",
        "1000/uL",
        "x10E3/uL",
        "Gpt/L",
        "thou/uL",
        "Thousands Per MicroLiter",
    ];
    for unit in per_litre {
        let assessment = wbc_in(unit, 2.5);
        let wbc = assessment.counts.wbc.as_ref().unwrap_or_else(|| panic!("{unit}: {:?}", assessment.warnings));
        assert!((wbc.result.value - 2.5).abs() < 1e-9, "{unit}: {}", wbc.result.value);
    }
    let per_microlitre = ["/uL", "/µL", "/μL", "cells/uL", "/mm3", "/cumm", "cells/mm³", "cells/mm3", "/mm³"];
    for unit in per_microlitre {
        let assessment = wbc_in(unit, 2500.0);
        let wbc = assessment.counts.wbc.as_ref().unwrap_or_else(|| panic!("{unit}: {:?}", assessment.warnings));
        assert!((wbc.result.value - 2.5).abs() < 1e-9, "{unit}: {}", wbc.result.value);
    }
}

#[test]
fn every_percentage_spelling_needs_a_wbc() {
    for unit in ["%", "％", "percent", "/100 WBC"] {
        let mut record = patient(40.0, Sex::Female);
        record.observations.push(lab("wbc", "6690-2", 4.0, "10*3/uL", 0));
        record.observations.push(lab("neut", "770-8", 25.0, unit, 0));
        let assessment = assess(&record);
        let anc = assessment.counts.anc.as_ref().unwrap_or_else(|| panic!("{unit}: {:?}", assessment.warnings));
        assert!((anc.result.value - 1.0).abs() < 1e-9, "{unit}");
    }
}

#[test]
fn unknown_unit_is_refused_by_name() {
    let assessment = wbc_in("furlongs/fortnight", 3.0);
    assert!(assessment.counts.wbc.is_none());
    let warning = assessment.warnings.iter().find(|w| w.code == "unknown-unit").expect("flagged");
    assert!(warning.message.contains("furlongs/fortnight"), "{}", warning.message);
    assert!(warning.message.contains("Observation/wbc"), "{}", warning.message);
    assert_eq!(warning.subject.as_deref(), Some("Observation/wbc"));
}

#[test]
fn missing_unit_is_refused() {
    let mut record = patient(40.0, Sex::Female);
    let mut observation = lab("wbc", "6690-2", 3.0, "", 0);
    if let leuko_core::ObservationValue::Quantity(q) = &mut observation.value {
        q.unit = None;
    }
    record.observations.push(observation);
    let assessment = assess(&record);
    assert!(assessment.counts.wbc.is_none());
    assert!(codes(&assessment).contains(&"missing-unit"));
}

#[test]
fn implausible_value_unit_pair_is_reinterpreted_with_a_warning() {
    // WBC 4500 "10*9/L" was sent per µL (clinical-tables §6.2 plausibility guard).
    let assessment = wbc_in("10*9/L", 4500.0);
    let wbc = assessment.counts.wbc.as_ref().unwrap();
    assert!((wbc.result.value - 4.5).abs() < 1e-9);
    let warning = assessment.warnings.iter().find(|w| w.code == "unit-reinterpreted").expect("flagged");
    assert!(warning.message.contains("4500"), "{}", warning.message);
    // A plausible value is left alone.
    assert!(!codes(&wbc_in("10*9/L", 150.0)).contains(&"unit-reinterpreted"));
    assert!(!codes(&wbc_in("10*9/L", 150.0)).contains(&"unit-doubtful"));
}

/// Between 200 and 1,000 x10^9/L a count is possible (hyperleukocytosis) but more often sent per
/// µL (clinical-tables §6.2): used as reported, with a warning naming the per-µL reading, so an
/// ANC of 300/µL sent as "300 10*9/L" is not passed over in silence.
#[test]
fn a_count_above_200_in_10e9_per_litre_is_used_with_a_warning() {
    let assessment = wbc_in("10*9/L", 300.0);
    let wbc = assessment.counts.wbc.as_ref().unwrap();
    assert!((wbc.result.value - 300.0).abs() < 1e-9);
    let warning = assessment.warnings.iter().find(|w| w.code == "unit-doubtful").expect("flagged");
    assert!(warning.message.contains("it would be 0.3"), "{}", warning.message);
    assert!(!codes(&assessment).contains(&"unit-reinterpreted"));
    assert!(!codes(&wbc_in("10*9/L", 200.0)).contains(&"unit-doubtful"));
}

#[test]
fn negative_values_are_refused() {
    let assessment = wbc_in("10*9/L", -1.0);
    assert!(assessment.counts.wbc.is_none());
    assert!(codes(&assessment).contains(&"implausible-value"));
}

#[test]
fn haemoglobin_units() {
    for (value, unit, expected) in [(9.0, "g/dL", 9.0), (90.0, "g/L", 9.0), (5.586, "mmol/L", 9.0)] {
        let mut record = patient(40.0, Sex::Female);
        record.observations.push(lab("hb", "718-7", value, unit, 0));
        let assessment = assess(&record);
        let hb = assessment.results.iter().find(|r| r.analyte == Analyte::Hemoglobin).unwrap();
        assert!((hb.value - expected).abs() < 0.01, "{unit}: {}", hb.value);
    }
}

#[test]
fn temperature_in_fahrenheit() {
    let mut record = patient(40.0, Sex::Female);
    record.observations.push(lab("t", "8310-5", 101.0, "[degF]", 0));
    let assessment = assess(&record);
    let temperature = assessment.results.iter().find(|r| r.analyte == Analyte::Temperature).unwrap();
    assert!((temperature.value - 38.333).abs() < 0.001, "{}", temperature.value);
}

#[test]
fn chemistry_read_as_evidence() {
    // Ferritin in pmol/L (1 ng/mL = 2.247 pmol/L) and triglycerides in mmol/L (x 88.57).
    let mut record = patient(40.0, Sex::Female);
    record.observations.push(lab("f", "2276-4", 1568.4, "pmol/L", 0));
    record.observations.push(lab("tg", "2571-8", 3.0, "mmol/L", 0));
    record.observations.push(lab("alt", "1742-6", 150.0, "U/L", 0));
    let assessment = assess(&record);
    let value = |analyte| assessment.results.iter().find(|r| r.analyte == analyte).unwrap().value;
    assert!((value(Analyte::Ferritin) - 697.9).abs() < 0.5, "{}", value(Analyte::Ferritin));
    assert!((value(Analyte::Triglycerides) - 265.7).abs() < 0.1);
    assert_eq!(value(Analyte::Alt), 150.0);
}
