//! CTCAE v5.0 and v6.0 grades at and just below every threshold (clinical-tables §1.1, §1.3),
//! and the severity words of §2.1.

use leuko_core::grading::{ctcae_grade, is_agranulocytosis, severity};
use leuko_core::kb::CtcaeVersion::{V5, V6};
use leuko_core::{Analyte, Severity};

const JUST_BELOW: f64 = 1e-6;

#[track_caller]
fn check(version: leuko_core::kb::CtcaeVersion, analyte: Analyte, lln: Option<f64>, cases: &[(f64, u8)]) {
    let kb = leuko_kb::bundled();
    for &(value, expected) in cases {
        let grade = ctcae_grade(kb, version, analyte, value, lln).expect("term exists");
        assert_eq!(grade.grade, expected, "{version:?} {analyte} {value} (LLN {lln:?})");
    }
}

#[test]
fn wbc_v5_boundaries() {
    // Grade 1 < LLN - 3.0; 2 < 3.0 - 2.0; 3 < 2.0 - 1.0; 4 < 1.0 (x10^9/L), strict "<".
    check(
        V5,
        Analyte::Wbc,
        Some(4.0),
        &[
            (4.0, 0),
            (4.0 - JUST_BELOW, 1),
            (3.0, 1),
            (3.0 - JUST_BELOW, 2),
            (2.0, 2),
            (2.0 - JUST_BELOW, 3),
            (1.0, 3),
            (1.0 - JUST_BELOW, 4),
            (0.0, 4),
        ],
    );
}

#[test]
fn anc_v5_boundaries() {
    check(
        V5,
        Analyte::Anc,
        Some(2.0),
        &[
            (2.0, 0),
            (2.0 - JUST_BELOW, 1),
            (1.5, 1),
            (1.5 - JUST_BELOW, 2),
            (1.0, 2),
            (1.0 - JUST_BELOW, 3),
            (0.5, 3),
            (0.5 - JUST_BELOW, 4),
        ],
    );
}

#[test]
fn alc_v5_boundaries() {
    check(
        V5,
        Analyte::Alc,
        Some(1.0),
        &[
            (1.0, 0),
            (1.0 - JUST_BELOW, 1),
            (0.8, 1),
            (0.8 - JUST_BELOW, 2),
            (0.5, 2),
            (0.5 - JUST_BELOW, 3),
            (0.2, 3),
            (0.2 - JUST_BELOW, 4),
        ],
    );
}

#[test]
fn anc_v6_boundaries_do_not_need_the_lln() {
    // v6.0: grade 1 < 1.5 - 1.0; 2 < 1.0 - 0.5; 3 < 0.5 - 0.1; 4 < 0.1.
    check(
        V6,
        Analyte::Anc,
        None,
        &[
            (1.5, 0),
            (1.5 - JUST_BELOW, 1),
            (1.0, 1),
            (1.0 - JUST_BELOW, 2),
            (0.5, 2),
            (0.5 - JUST_BELOW, 3),
            (0.1, 3),
            (0.1 - JUST_BELOW, 4),
        ],
    );
    // An LLN, even a high one, changes nothing in v6.
    check(V6, Analyte::Anc, Some(2.5), &[(2.0, 0)]);
}

#[test]
fn grade_one_needs_a_known_lln() {
    let kb = leuko_kb::bundled();
    let grade = ctcae_grade(kb, V5, Analyte::Anc, 1.8, None).unwrap();
    assert_eq!(grade.grade, 0);
    assert!(!grade.grade_1_assessable);
    // Below the grade-2 threshold the LLN does not matter.
    assert_eq!(ctcae_grade(kb, V5, Analyte::Anc, 1.2, None).unwrap().grade, 2);
    // An LLN at or below the grade-2 threshold never yields grade 1.
    assert_eq!(ctcae_grade(kb, V5, Analyte::Anc, 1.5, Some(1.5)).unwrap().grade, 0);
}

#[test]
fn severity_words() {
    let kb = leuko_kb::bundled();
    let cases = [
        (1.5, Severity::None),
        (1.5 - JUST_BELOW, Severity::Mild),
        (1.0, Severity::Mild),
        (1.0 - JUST_BELOW, Severity::Moderate),
        (0.5, Severity::Moderate),
        (0.5 - JUST_BELOW, Severity::Severe),
        (0.1, Severity::Severe),
        (0.1 - JUST_BELOW, Severity::Profound),
    ];
    for (anc, expected) in cases {
        assert_eq!(severity(kb, anc, Some(true)), expected, "{anc}");
    }
    // Not below the applicable interval (an infant, a documented Duffy-null adult): not neutropenic.
    assert_eq!(severity(kb, 1.2, Some(false)), Severity::None);
    // Agranulocytosis: ANC < 0.5 (§2.1).
    assert!(is_agranulocytosis(kb, 0.5 - JUST_BELOW));
    assert!(!is_agranulocytosis(kb, 0.5));
}
