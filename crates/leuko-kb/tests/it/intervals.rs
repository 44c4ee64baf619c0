//! Reference intervals by age band (§2.3), documented Duffy-null status (§2.4), the laboratory's
//! own range, pregnancy, and the Duffy phenotype test suggestion.

use crate::{assess, codes, finding, lab, now, patient, text_result};
use leuko_core::{AgeBand, Quantity, Severity, Sex};

fn anc_lln(age_years: f64) -> (Option<f64>, AgeBand) {
    let mut record = patient(age_years, Sex::Female);
    record.observations.push(lab("anc", "751-8", 3.0, "10*3/uL", 0));
    let assessment = assess(&record);
    (assessment.counts.anc.unwrap().interval.unwrap().low, assessment.patient.age_band)
}

fn wbc_lln(age_years: f64) -> Option<f64> {
    let mut record = patient(age_years, Sex::Male);
    record.observations.push(lab("wbc", "6690-2", 8.0, "10*3/uL", 0));
    assess(&record).counts.wbc.unwrap().interval.unwrap().low
}

#[test]
fn paediatric_anc_bands() {
    // First 72 hours: ANC < 5,000/uL (§2.3b); from 72 hours to the end of the first week the
    // Manroe lower limit of 1,750/uL (§2.3c), where the two verified rows disagree; < 1 year:
    // < 1,000/uL; > 1 year: < 1,500/uL (§2.3b).
    assert_eq!(anc_lln(1.0 / 365.25), (Some(5.0), AgeBand::Neonate));
    assert_eq!(anc_lln(5.0 / 365.25), (Some(1.75), AgeBand::Neonate));
    assert_eq!(anc_lln(20.0 / 365.25), (Some(1.0), AgeBand::Neonate));
    assert_eq!(anc_lln(0.5), (Some(1.0), AgeBand::Infant));
    assert_eq!(anc_lln(1.0).0, Some(1.5));
    assert_eq!(anc_lln(10.0), (Some(1.5), AgeBand::Child));
    assert_eq!(anc_lln(20.9).0, Some(1.5));
    // Adults: UK typical interval 2.0-7.5 (§2.2).
    assert_eq!(anc_lln(21.0), (Some(2.0), AgeBand::Adult));
}

#[test]
fn paediatric_wbc_bands() {
    // CALIPER 0-<3 y 5.3, 3-<5 y 4.8, 5-<21 y 4.2 (§2.3a); adults 4.0 (§2.2).
    assert_eq!(wbc_lln(1.0), Some(5.3));
    assert_eq!(wbc_lln(3.0), Some(4.8));
    assert_eq!(wbc_lln(5.0), Some(4.2));
    assert_eq!(wbc_lln(30.0), Some(4.0));
}

#[test]
fn infant_anc_of_1_2_is_not_neutropenic_but_keeps_its_ctcae_grade() {
    let mut record = patient(0.5, Sex::Male);
    record.observations.push(lab("anc", "751-8", 1.2, "10*3/uL", 0));
    let assessment = assess(&record);
    assert_eq!(assessment.counts.anc.as_ref().unwrap().below_reference(), Some(false));
    assert_eq!(assessment.grades.anc_severity, Some(Severity::None));
    assert_eq!(assessment.grades.anc.unwrap().grade, 2);
}

fn duffy_null_adult(anc: f64) -> leuko_core::Assessment {
    let mut record = patient(35.0, Sex::Female);
    record.observations.push(text_result("fy", "Duffy phenotype (Fy a/b)", "Fy(a-b-)"));
    record.observations.push(lab("anc", "751-8", anc, "10*3/uL", 0));
    record.observations.push(lab("wbc", "6690-2", 3.2, "10*3/uL", 0));
    assess(&record)
}

#[test]
fn documented_duffy_null_uses_its_own_interval() {
    // US Duffy-null interval: ANC 1.21-5.39, WBC 3.00-9.66 x10^9/L (Blood 2025, §2.4).
    let assessment = duffy_null_adult(1.3);
    assert!(assessment.patient.duffy_null);
    let anc = assessment.counts.anc.as_ref().unwrap();
    assert_eq!(anc.interval.as_ref().unwrap().low, Some(1.21));
    assert_eq!(anc.below_reference(), Some(false));
    assert_eq!(assessment.grades.anc_severity, Some(Severity::None));
    assert_eq!(assessment.counts.wbc.as_ref().unwrap().interval.as_ref().unwrap().low, Some(3.0));
    assert_eq!(assessment.grades.wbc.as_ref().unwrap().grade, 0);
    // Absolute danger thresholds are unchanged: ANC 1.3 is still CTCAE grade 2.
    assert_eq!(assessment.grades.anc.as_ref().unwrap().grade, 2);
    // Below the Duffy-null LLN it is neutropenia again.
    let low = duffy_null_adult(1.2);
    assert_eq!(low.counts.anc.as_ref().unwrap().below_reference(), Some(true));
    assert_eq!(low.grades.anc_severity, Some(Severity::Mild));
}

#[test]
fn genotype_documents_duffy_null_too() {
    let mut record = patient(35.0, Sex::Male);
    record.observations.push(text_result("g", "ACKR1 rs2814778 genotype", "C/C"));
    record.observations.push(lab("anc", "751-8", 1.4, "10*3/uL", 0));
    assert!(assess(&record).patient.duffy_null);
    let mut record = patient(35.0, Sex::Male);
    record.observations.push(text_result("g", "ACKR1 rs2814778 genotype", "T/C"));
    assert!(!assess(&record).patient.duffy_null);
}

/// A recorded "benign ethnic neutropenia" is a diagnosis, often made from ancestry, not the
/// documented phenotype that selects the Duffy-null interval (§2.4 design rule): the usual
/// interval stays, the clozapine label's BEN table applies, and the cause ranks first.
#[test]
fn a_recorded_benign_ethnic_neutropenia_is_not_a_duffy_phenotype() {
    let mut record = patient(35.0, Sex::Female);
    record.conditions.push(crate::finding("b", "benign ethnic neutropenia"));
    record.observations.push(lab("anc", "751-8", 1.3, "10*3/uL", 0));
    record.observations.push(lab("old", "751-8", 1.3, "10*3/uL", 400));
    let assessment = assess(&record);
    assert!(!assessment.patient.duffy_null);
    assert_eq!(assessment.counts.anc.as_ref().unwrap().interval.as_ref().unwrap().low, Some(2.0));
    assert_eq!(assessment.counts.anc.as_ref().unwrap().below_reference(), Some(true));
    assert_eq!(assessment.causes.first().map(|c| c.id.as_str()), Some("duffy-null-associated-neutrophil-count"));
    record.medications.push(crate::drug("c", "clozapine 200 mg", 120));
    let on_clozapine = assess(&record);
    assert!(
        on_clozapine.recommendations.iter().any(|r| r.rationale.contains("BEN table")),
        "{:?}",
        on_clozapine.recommendations
    );
}

#[test]
fn ancestry_alone_is_never_a_proxy() {
    let mut record = patient(35.0, Sex::Female);
    record.ancestry.push("Black or African American".to_owned());
    record.observations.push(lab("anc", "751-8", 1.3, "10*3/uL", 0));
    let assessment = assess(&record);
    assert!(!assessment.patient.duffy_null);
    assert_eq!(assessment.counts.anc.unwrap().interval.unwrap().low, Some(2.0));
}

#[test]
fn laboratory_range_wins() {
    let mut record = patient(35.0, Sex::Female);
    let mut anc = lab("anc", "751-8", 1.6, "10*3/uL", 0);
    anc.reference_low = Some(Quantity { value: 1.5, comparator: None, unit: Some("10*3/uL".to_owned()), code: None });
    anc.reference_high = Some(Quantity { value: 7.0, comparator: None, unit: None, code: None });
    record.observations.push(anc);
    let assessment = assess(&record);
    let anc = assessment.counts.anc.as_ref().unwrap();
    assert_eq!(anc.interval.as_ref().unwrap().low, Some(1.5));
    assert_eq!(anc.interval.as_ref().unwrap().origin, leuko_core::IntervalOrigin::Laboratory);
    assert_eq!(assessment.grades.anc.as_ref().unwrap().grade, 0);
}

#[test]
fn site_interval_applies_when_the_result_has_none() {
    let mut record = patient(1.25, Sex::Female);
    record.observations.push(lab("wbc", "6690-2", 4.1, "10*3/uL", 0));
    let kb = leuko_kb::bundled();
    let plain = leuko_core::assess(kb, &record, now(), &leuko_core::AssessConfig::with_site_intervals(vec![]));
    assert_eq!(plain.grades.wbc.unwrap().grade, 1);
    let site = vec![leuko_core::SiteInterval { analyte: leuko_core::Analyte::Wbc, low: Some(4.0), high: Some(11.0) }];
    let with_site = leuko_core::assess(kb, &record, now(), &leuko_core::AssessConfig::with_site_intervals(site));
    assert_eq!(with_site.grades.wbc.unwrap().grade, 0);
}

#[test]
fn pregnancy_is_recognised_and_the_missing_interval_said() {
    let mut record = patient(28.0, Sex::Female);
    record.conditions.push(leuko_core::ConditionEntry {
        id: "Condition/preg".to_owned(),
        codes: vec![leuko_core::Coding {
            system: leuko_core::CodeSystem::Snomed,
            code: "77386006".to_owned(),
            display: None,
        }],
        text: None,
        onset: None,
        abatement: None,
        status: leuko_core::ConditionStatus::Active,
        notes: vec![],
    });
    record.observations.push(lab("wbc", "6690-2", 3.5, "10*3/uL", 0));
    let assessment = assess(&record);
    assert!(assessment.patient.pregnant);
    assert!(codes(&assessment).contains(&"pregnancy-interval-not-cited"));
}

fn chronic_mild(ancestry: Option<&str>, days: i64) -> leuko_core::Assessment {
    let mut record = patient(38.0, Sex::Female);
    if let Some(ancestry) = ancestry {
        record.ancestry.push(ancestry.to_owned());
    }
    record.observations.push(lab("a1", "751-8", 1.3, "10*3/uL", days));
    record.observations.push(lab("a2", "751-8", 1.2, "10*3/uL", days / 2));
    record.observations.push(lab("a3", "751-8", 1.3, "10*3/uL", 0));
    assess(&record)
}

#[test]
fn chronic_mild_neutropenia_with_african_ancestry_suggests_a_duffy_test() {
    // The ancestry-prompted suggestion (the cause ranking may also list a Duffy test as a next
    // test; this checks the suggestion's own rule).
    let suggests = |a: &leuko_core::Assessment| {
        a.recommendations.iter().any(|r| {
            r.kind == "order-test"
                && r.target.as_deref() == Some("duffy phenotype")
                && r.rationale.contains("recorded ancestry")
        })
    };
    assert!(suggests(&chronic_mild(Some("Black or African American"), 200)));
    // Not chronic (> 3 months): no suggestion yet.
    assert!(!suggests(&chronic_mild(Some("Black or African American"), 60)));
    // No recorded ancestry of that kind: no suggestion.
    assert!(!suggests(&chronic_mild(Some("White"), 200)));
    assert!(!suggests(&chronic_mild(None, 200)));
}

#[test]
fn recorded_ancestry_shifts_only_the_rank_of_the_duffy_null_associated_count() {
    // §2.4 [S14][S20]: Duffy-null in two-thirds of Black adults, <1% of European or Asian
    // ancestry. The ratio is the knowledge base's "strong" against (ranking.toml: 0.1).
    let danc = |ancestry: Option<&str>| {
        let assessment = chronic_mild(ancestry, 400);
        let cause = assessment
            .causes
            .iter()
            .find(|c| c.id == "duffy-null-associated-neutrophil-count")
            .cloned()
            .expect("a chronic mild isolated neutropenia lists the Duffy-null associated count");
        let line = |finding: &str| cause.evidence.iter().find(|e| e.finding.starts_with(finding)).map(|e| e.weight);
        (cause.probability, line("ancestry-duffy-null-common"), line("ancestry-duffy-null-rare"), assessment)
    };
    let (white, common, rare, assessment) = danc(Some("White"));
    assert_eq!((common, rare), (None, Some(0.1)));
    // Not a proxy: the reference interval and the grade do not change with ancestry.
    let (_, _, _, unrecorded) = danc(None);
    assert_eq!(codes(&assessment), codes(&unrecorded));
    assert_eq!(format!("{:?}", assessment.grades), format!("{:?}", unrecorded.grades));
    let (black, common, rare, _) = danc(Some("Black or African American"));
    assert_eq!((common, rare), (Some(3.0), None));
    // Mixed ancestry naming one where Duffy-null is common counts as that one.
    let (mixed, common, rare, _) = danc(Some("White and Black Caribbean"));
    assert_eq!((common, rare), (Some(3.0), None));
    let (none, common, rare, _) = danc(None);
    assert_eq!((common, rare), (None, None));
    assert!(white < none && none < black && (mixed - black).abs() < 1e-12, "{white} {none} {black} {mixed}");
}

#[test]
fn a_count_low_for_years_counts_once_whether_stated_measured_or_both() {
    // ranking.toml [overlapping]: "low for years" in the history and a count measured low for more
    // than three months are one fact (chronicity); the Duffy-null associated count lists both
    // as strong (S19), and the model must not multiply them.
    let danc = |stated: bool, measured_days: i64| {
        let mut record = patient(38.0, Sex::Female);
        record.observations.push(lab("a1", "751-8", 1.3, "10*3/uL", measured_days));
        record.observations.push(lab("a3", "751-8", 1.3, "10*3/uL", 0));
        if stated {
            record.conditions.push(finding("h", "neutropenia known for years"));
        }
        let assessment = assess(&record);
        let cause = assessment
            .causes
            .iter()
            .find(|c| c.id == "duffy-null-associated-neutrophil-count")
            .cloned()
            .expect("listed");
        let weight = |id: &str| cause.evidence.iter().find(|e| e.finding.starts_with(id)).map(|e| e.weight);
        (weight("Lifelong or long-standing"), weight("chronic-over-3-months"), cause.probability)
    };
    // Measured alone: strong (8).
    let (stated, measured, both) = (danc(true, 10), danc(false, 400), danc(true, 400));
    assert_eq!((measured.0, measured.1), (None, Some(8.0)));
    // Stated ("for years" also reads as a duration over three months), or stated and measured:
    // the first listed counts, the other is shown with weight 1.
    assert_eq!((stated.0, stated.1), (Some(8.0), Some(1.0)));
    assert_eq!((both.0, both.1), (Some(8.0), Some(1.0)));
}
