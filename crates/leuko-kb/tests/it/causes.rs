//! Cause ranking (issue #8): drug timing against the latency window, dechallenge, a count low
//! before the drug, negative evidence, free-text findings, concurrent causes, next best tests
//! and the audit trail — against the bundled knowledge base.

use chrono::Duration;

use crate::{assess, drug, finding, lab, now, patient};
use leuko_core::{Assessment, MedicationStatus, PatientRecord, Sex};

fn probability(a: &Assessment, id: &str) -> f64 {
    a.causes.iter().find(|c| c.id == id).map_or(0.0, |c| c.probability)
}

fn rank(a: &Assessment, id: &str) -> Option<usize> {
    a.causes.iter().position(|c| c.id == id)
}

/// An adult whose ANC was normal 60 days ago and is 0.3 today, taking metamizole since
/// `started_days_before`.
fn on_metamizole(started_days_before: i64) -> PatientRecord {
    let mut record = patient(55.0, Sex::Female);
    record.observations.push(lab("a0", "751-8", 3.5, "10*3/uL", 60));
    record.observations.push(lab("w1", "6690-2", 2.0, "10*3/uL", 0));
    record.observations.push(lab("a1", "751-8", 0.3, "10*3/uL", 0));
    record.medications.push(drug("m", "metamizole 500 mg", started_days_before));
    record
}

#[test]
fn onset_within_the_latency_window_ranks_the_drug_first() {
    // Metamizole: onset typically 19-60 days after the start (Andersohn 2007 [S31]); a drug
    // started more than ~6 months before the onset is a weaker candidate (clinical-tables §7.2).
    let within = assess(&on_metamizole(30));
    assert_eq!(
        rank(&within, "drug:metamizole"),
        Some(0),
        "{:?}",
        within.causes.iter().map(|c| &c.id).collect::<Vec<_>>()
    );
    let evidence = &within.causes[0].evidence;
    assert!(evidence.iter().any(|e| e.supports && e.finding.contains("within its latency window") && e.weight > 1.0));
    // Too early (5 days) and too late (400 days) both weigh against the drug.
    let early = assess(&on_metamizole(5));
    let late = assess(&on_metamizole(400));
    assert!(probability(&early, "drug:metamizole") < probability(&within, "drug:metamizole"));
    assert!(probability(&late, "drug:metamizole") < probability(&within, "drug:metamizole"));
    assert!(
        late.causes
            .iter()
            .flat_map(|c| &c.evidence)
            .any(|e| !e.supports && e.finding.contains("later than its usual 180 days"))
    );
}

/// Antithyroid agranulocytosis two weeks after the start is within the drugs' window: the
/// series behind it (median 33 days, 23-55) gives its spread, not a floor, so no lower bound
/// argues against an early onset; after the "first ten weeks" the timing weighs against.
#[test]
fn antithyroid_onset_at_two_weeks_counts_for_the_drug() {
    let on_methimazole = |started_days_before: i64| {
        let mut record = patient(35.0, Sex::Female);
        record.observations.push(lab("a0", "751-8", 3.5, "10*3/uL", 90));
        record.observations.push(lab("a1", "751-8", 0.2, "10*3/uL", 0));
        record.medications.push(drug("t", "methimazole 20 mg daily", started_days_before));
        assess(&record)
    };
    let early = on_methimazole(14);
    let line = early.causes.iter().find(|c| c.id == "drug:thiamazole").map(|c| &c.evidence).expect("thiamazole ranked");
    assert!(
        line.iter().any(|e| e.supports && e.finding.contains("14 days after the start, within its latency window")),
        "{line:?}"
    );
    let late = on_methimazole(85);
    assert!(probability(&late, "drug:thiamazole") < probability(&early, "drug:thiamazole"));
}

#[test]
fn a_count_already_low_before_the_drug_argues_against_it() {
    let mut record = on_metamizole(10);
    // Low 40 days ago, before the drug was started 10 days ago.
    record.observations.push(lab("a-1", "751-8", 0.9, "10*3/uL", 40));
    record.observations.retain(|o| o.id != "Observation/a0");
    let a = assess(&record);
    let drug = a.causes.iter().find(|c| c.id == "drug:metamizole").expect("still listed");
    assert!(
        drug.evidence.iter().any(|e| !e.supports && e.finding.contains("after the count was already low")),
        "{:?}",
        drug.evidence
    );
    assert!(drug.probability < probability(&assess(&on_metamizole(30)), "drug:metamizole"));
}

#[test]
fn recovery_after_stopping_the_drug_supports_it() {
    let mut stopped = on_metamizole(40);
    stopped.observations.retain(|o| o.id != "Observation/a1" && o.id != "Observation/w1");
    stopped.observations.push(lab("low", "751-8", 0.3, "10*3/uL", 10));
    stopped.observations.push(lab("back", "751-8", 2.6, "10*3/uL", 1));
    stopped.medications[0].end = Some(now() - Duration::days(9));
    stopped.medications[0].status = MedicationStatus::Stopped;
    let a = assess(&stopped);
    let drug = a.causes.iter().find(|c| c.id == "drug:metamizole").expect("ranked: the episode is recent");
    assert!(drug.evidence.iter().any(|e| e.supports && e.finding.contains("recovered")), "{:?}", drug.evidence);
}

#[test]
fn a_normal_b12_lowers_b12_deficiency() {
    let base = || {
        let mut record = patient(60.0, Sex::Male);
        record.observations.push(lab("w", "6690-2", 2.8, "10*3/uL", 0));
        record.observations.push(lab("a", "751-8", 1.1, "10*3/uL", 0));
        record.observations.push(lab("hb", "718-7", 9.0, "g/dL", 0));
        record.observations.push(lab("mcv", "787-2", 112.0, "fL", 0));
        record
    };
    let without = assess(&base());
    let mut record = base();
    record.observations.push(lab("b12", "2132-9", 650.0, "pg/mL", 0));
    let with_normal = assess(&record);
    let mut record = base();
    record.observations.push(lab("b12", "2132-9", 80.0, "pg/mL", 0));
    let with_low = assess(&record);
    let id = "vitamin-b12-deficiency";
    assert!(probability(&with_normal, id) < probability(&without, id));
    assert!(probability(&with_low, id) > probability(&without, id));
    assert_eq!(rank(&with_low, id), Some(0));
}

#[test]
fn a_negative_hiv_test_in_text_lowers_hiv() {
    let base = || {
        let mut record = patient(30.0, Sex::Male);
        record.observations.push(lab("w", "6690-2", 2.8, "10*3/uL", 0));
        record.observations.push(lab("a", "751-8", 1.1, "10*3/uL", 0));
        record.observations.push(lab("l", "731-0", 0.4, "10*3/uL", 0));
        record.conditions.push(finding("r", "men who have sex with men; unprotected sex"));
        record
    };
    let without = assess(&base());
    let mut record = base();
    record.conditions.push(finding("h", "HIV antigen/antibody test negative"));
    let negative = assess(&record);
    assert!(
        probability(&negative, "hiv") < probability(&without, "hiv"),
        "{} vs {}",
        probability(&negative, "hiv"),
        probability(&without, "hiv")
    );
}

#[test]
fn free_text_findings_drive_the_ranking() {
    // Copper deficiency after gastric bypass with zinc supplements, given as text only.
    let mut record = patient(48.0, Sex::Female);
    record.observations.push(lab("w", "6690-2", 2.4, "10*3/uL", 0));
    record.observations.push(lab("a", "751-8", 0.8, "10*3/uL", 0));
    record.observations.push(lab("hb", "718-7", 9.1, "g/dL", 0));
    record.conditions.push(finding("s", "s/p Roux-en-Y gastric bypass 2015"));
    record.conditions.push(finding("z", "taking high-dose zinc supplements"));
    let a = assess(&record);
    assert_eq!(
        a.causes.first().map(|c| c.id.as_str()),
        Some("copper-deficiency"),
        "{:?}",
        a.causes.iter().map(|c| (&c.id, c.probability)).collect::<Vec<_>>()
    );
    let copper = &a.causes[0];
    assert_eq!(copper.category, "nutritional");
    assert!(
        copper
            .evidence
            .iter()
            .any(|e| e.finding.contains("roux-en-y") || e.finding.to_lowercase().contains("bariatric"))
    );
    // The next best tests include serum copper (LOINC 5631-7).
    assert!(a.recommendations.iter().any(|r| r.kind == "order-test" && r.target.as_deref() == Some("5631-7")));
}

#[test]
fn concurrent_causes_are_both_kept() {
    // Chemotherapy nadir plus sepsis: both causes rank high at once.
    let mut record = patient(63.0, Sex::Male);
    record.observations.push(lab("w", "6690-2", 0.5, "10*3/uL", 0));
    record.observations.push(lab("a", "751-8", 0.08, "10*3/uL", 0));
    record.conditions.push(finding("c", "colorectal cancer"));
    record.conditions.push(finding("s", "septic shock"));
    let mut chemo = drug("ox", "oxaliplatin", 9);
    chemo.end = Some(now() - Duration::days(9));
    chemo.status = MedicationStatus::Completed;
    record.medications.push(chemo);
    let a = assess(&record);
    let top3: Vec<&str> = a.causes.iter().take(3).map(|c| c.id.as_str()).collect();
    assert!(top3.contains(&"drug:oxaliplatin"), "{top3:?}");
    assert!(top3.iter().any(|id| id.contains("sepsis")), "{top3:?}");
    assert!(a.causes.iter().filter(|c| c.probability > 0.5).count() >= 2);
    assert!(a.urgent);
}

#[test]
fn every_cause_shows_its_prior_and_sourced_evidence() {
    let a = assess(&on_metamizole(30));
    for cause in &a.causes {
        assert!(cause.evidence[0].finding.starts_with("prior:"));
        for item in &cause.evidence {
            assert!(!item.citation.ids().is_empty(), "{}: {}", cause.id, item.finding);
        }
        assert!((0.0..=1.0).contains(&cause.probability));
    }
    // Deterministic order: by probability, ties by id.
    for pair in a.causes.windows(2) {
        assert!(
            pair[0].probability > pair[1].probability
                || (pair[0].probability == pair[1].probability && pair[0].id < pair[1].id)
        );
    }
}

#[test]
fn no_causes_without_a_low_count() {
    let mut record = patient(40.0, Sex::Female);
    record.observations.push(lab("w", "6690-2", 6.5, "10*3/uL", 0));
    record.observations.push(lab("a", "751-8", 3.9, "10*3/uL", 0));
    record.medications.push(drug("m", "metamizole", 30));
    assert!(assess(&record).causes.is_empty());
}

#[test]
fn congenital_causes_weigh_more_in_children() {
    let record_at = |age: f64| {
        let mut record = patient(age, Sex::Male);
        record.observations.push(lab("w", "6690-2", 3.5, "10*3/uL", 0));
        record.observations.push(lab("a", "751-8", 0.15, "10*3/uL", 0));
        record.conditions.push(finding("i", "recurrent bacterial infections since infancy"));
        assess(&record)
    };
    let child = record_at(2.0);
    let adult = record_at(40.0);
    let id = "severe-congenital-neutropenia-elane";
    assert!(
        probability(&child, id) > 2.0 * probability(&adult, id),
        "{} vs {}",
        probability(&child, id),
        probability(&adult, id)
    );
    assert!(child.causes.iter().find(|c| c.id == id).unwrap().evidence[0].finding.contains("rare"));
}

#[test]
fn each_leading_cause_gets_a_test_of_its_own() {
    // Febrile bicytopenia after a tick bite: no cause explains it well, so every candidate is
    // unlikely in absolute terms; the tests must still separate the three front runners, each
    // with a test that names it.
    let mut record = patient(60.0, Sex::Male);
    record.observations.push(lab("w", "6690-2", 1.6, "10*3/uL", 0));
    record.observations.push(lab("a", "751-8", 0.4, "10*3/uL", 0));
    record.observations.push(lab("p", "777-3", 60.0, "10*3/uL", 0));
    record.conditions.push(finding("t", "tick bite two weeks ago"));
    let a = assess(&record);
    let tests: Vec<&str> =
        a.recommendations.iter().filter(|r| r.kind == "order-test").map(|r| r.rationale.as_str()).collect();
    for cause in a.causes.iter().take(3) {
        assert!(
            tests.iter().any(|t| t.contains(&format!("{} (p=", cause.label))),
            "no test for {} (p={}): {tests:#?}",
            cause.id,
            cause.probability
        );
    }
    assert!(
        a.causes.iter().take(3).any(|c| c.id == "ehrlichiosis-anaplasmosis"),
        "{:?}",
        a.causes.iter().take(3).map(|c| &c.id).collect::<Vec<_>>()
    );
}

#[test]
fn a_serious_infection_in_the_first_year_counts_as_infection_from_infancy() {
    // Six-week-old with no neutrophils and cellulitis: severe congenital neutropenia leads; the
    // same record in an adult derives no infection from infancy and no congenital cause leads.
    let record = |age: f64| {
        let mut record = patient(age, Sex::Male);
        record.observations.push(lab("w", "6690-2", 9.0, "10*3/uL", 0));
        record.observations.push(lab("a", "751-8", 0.0, "10*3/uL", 0));
        record.conditions.push(finding("c", "cellulitis of the neck"));
        record
    };
    let infant = assess(&record(6.0 / 52.0));
    let leading = &infant.causes[0];
    assert_eq!(leading.category, "congenital", "{:?}", infant.causes.iter().take(3).map(|c| &c.id).collect::<Vec<_>>());
    assert!(leading.evidence.iter().any(|e| e.finding.contains("cellulitis") && e.finding.contains("at age 0.12")));
    let adult = assess(&record(30.0));
    assert_ne!(adult.causes[0].category, "congenital");
    assert!(adult.causes.iter().flat_map(|c| &c.evidence).all(|e| !e.finding.contains("at age")));
}

#[test]
fn no_marrow_examination_is_proposed_to_rule_out_unlikely_causes() {
    // Metamizole agranulocytosis with anaemia and thrombocytopenia: the drug leads and a marrow
    // disorder trails in the top three, far behind; its marrow examination is not proposed (stop
    // the drug and watch the recovery first), while a smear review keeps its own kind.
    let mut record = on_metamizole(30);
    record.observations.push(lab("p", "777-3", 80.0, "10*3/uL", 0));
    record.observations.push(lab("h", "718-7", 9.5, "g/dL", 0));
    let a = assess(&record);
    assert_eq!(a.causes[0].id, "drug:metamizole");
    let top3: Vec<&str> = a.causes.iter().take(3).map(|c| c.id.as_str()).collect();
    assert!(a.causes.iter().take(3).any(|c| c.category == "marrow"), "{top3:?}");
    assert!(
        a.recommendations
            .iter()
            .all(|r| r.kind != "bone-marrow-exam" && !r.text.to_lowercase().contains("bone marrow")),
        "{:#?}",
        a.recommendations.iter().map(|r| (&r.kind, &r.text)).collect::<Vec<_>>()
    );
    assert!(a.recommendations.iter().all(|r| r.kind != "order-test" || !r.text.to_lowercase().contains("smear")));
}

#[test]
fn a_stated_fever_duration_of_two_weeks_or_more_is_prolonged_fever() {
    let with = |text: &str| {
        let mut record = patient(40.0, Sex::Male);
        record.observations.push(lab("w", "6690-2", 2.1, "10*3/uL", 0));
        record.observations.push(lab("a", "751-8", 0.6, "10*3/uL", 0));
        record.observations.push(lab("p", "777-3", 60.0, "10*3/uL", 0));
        record.conditions.push(finding("f", text));
        assess(&record)
    };
    let prolonged = |a: &Assessment| {
        a.causes
            .iter()
            .flat_map(|c| &c.evidence)
            .any(|e| e.finding.starts_with("Prolonged fever") && e.finding.contains("days in"))
    };
    // WHO visceral-leishmaniasis case definition: fever of more than two weeks (the rule's 14 days).
    assert!(prolonged(&with("fever with rigors and chills for one month")));
    assert!(prolonged(&with("fevers for 14 days")));
    assert!(!prolonged(&with("fevers for 13 days")));
    assert!(!prolonged(&with("fever for 3 days, weight loss for 3 months")));
    assert!(!prolonged(&with("no fever for 3 weeks")));
}

#[test]
fn a_drug_risk_factor_raises_that_drug() {
    // Low-dose methotrexate pancytopenia: renal impairment (label boxed warning) supports it.
    let record = |ckd: bool| {
        let mut record = patient(70.0, Sex::Female);
        record.observations.push(lab("w", "6690-2", 2.5, "10*3/uL", 0));
        record.observations.push(lab("a", "751-8", 1.0, "10*3/uL", 0));
        record.observations.push(lab("p", "777-3", 40.0, "10*3/uL", 0));
        record.observations.push(lab("h", "718-7", 8.0, "g/dL", 0));
        record.medications.push(drug("m", "methotrexate 10 mg weekly", 700));
        record.conditions.push(finding("r", "rheumatoid arthritis"));
        if ckd {
            record.conditions.push(finding("k", "chronic kidney disease stage 4"));
        }
        assess(&record)
    };
    let (without, with) = (record(false), record(true));
    assert!(probability(&with, "drug:methotrexate") > 2.0 * probability(&without, "drug:methotrexate"));
    let line = with.causes.iter().find(|c| c.id == "drug:methotrexate").unwrap();
    assert!(
        line.evidence
            .iter()
            .any(|e| e.finding.contains("risk factor")
                && e.citation.ids().iter().any(|id| id == "fda-methotrexate-label")),
        "{:#?}",
        line.evidence
    );
}

/// A 63-year-old gardener with two days of fever, WBC 6.2 a month ago and now 0.77 with ANC 0.15
/// and platelets 50 (the presentation of human granulocytic anaplasmosis).
fn febrile_gardener() -> PatientRecord {
    let mut record = patient(63.0, Sex::Female);
    record.observations.push(lab("w0", "6690-2", 6.2, "10*3/uL", 30));
    record.observations.push(lab("p0", "777-3", 240.0, "10*3/uL", 30));
    record.observations.push(lab("w1", "6690-2", 0.77, "10*3/uL", 0));
    record.observations.push(lab("a1", "751-8", 0.15, "10*3/uL", 0));
    record.observations.push(lab("p1", "777-3", 50.0, "10*3/uL", 0));
    record.conditions.push(finding("f1", "fever and fatigue for two days"));
    record.conditions.push(finding("f2", "avid gardener"));
    record
}

#[test]
fn a_normal_wbc_before_the_first_anc_makes_the_drop_acute() {
    // The ANC series starts today; the WBC series shows a value in range 30 days ago, within the
    // chronic duration (90 days): the episode is an acute drop, which counts against MDS.
    let a = assess(&febrile_gardener());
    let mds = a.causes.iter().find(|c| c.id == "myelodysplastic-syndrome").expect("MDS is listed");
    assert!(mds.evidence.iter().any(|e| !e.supports && e.finding.contains("acute")), "{:?}", mds.evidence);
    // Without the earlier WBC there is no history: no acute-drop line.
    let mut record = febrile_gardener();
    record.observations.retain(|o| o.id != "Observation/w0");
    let a = assess(&record);
    let mds = a.causes.iter().find(|c| c.id == "myelodysplastic-syndrome").expect("MDS is listed");
    assert!(!mds.evidence.iter().any(|e| e.finding.contains("acute")), "{:?}", mds.evidence);
}

#[test]
fn time_in_tick_habitat_counts_as_a_characteristic_finding_of_tick_borne_infection() {
    // `hallmark = true` on the outdoor-exposure line: no missing-hallmark penalty for a gardener.
    let a = assess(&febrile_gardener());
    let hga = a.causes.iter().find(|c| c.id == "ehrlichiosis-anaplasmosis").expect("listed");
    assert!(!hga.evidence.iter().any(|e| e.finding.contains("characteristic findings")), "{:?}", hga.evidence);
    let ranked = rank(&a, "ehrlichiosis-anaplasmosis");
    assert!(ranked.is_some_and(|r| r <= 1), "{:?}", a.causes.iter().map(|c| &c.id).collect::<Vec<_>>());
    // Without the exposure the penalty applies and the cause falls.
    let mut record = febrile_gardener();
    record.conditions.retain(|c| c.id != "Condition/f2");
    let without = assess(&record);
    let hga = without.causes.iter().find(|c| c.id == "ehrlichiosis-anaplasmosis");
    assert!(hga.is_none_or(|c| c.evidence.iter().any(|e| e.finding.contains("characteristic findings"))));
    assert!(probability(&without, "ehrlichiosis-anaplasmosis") < probability(&a, "ehrlichiosis-anaplasmosis"));
}

#[test]
fn an_acute_marker_counts_only_when_recent() {
    // Transaminases are an acute marker (`within_days = 30`): raised 90 days ago is not evidence today.
    let mut record = febrile_gardener();
    record.observations.push(lab("alt-old", "1742-6", 1826.0, "U/L", 90));
    let old = assess(&record);
    let raised =
        |a: &Assessment| a.causes.iter().flat_map(|c| &c.evidence).any(|e| e.finding.contains("transaminases"));
    assert!(!raised(&old));
    record.observations.push(lab("alt-new", "1742-6", 75.0, "U/L", 0));
    assert!(raised(&assess(&record)));
}

#[test]
fn a_film_or_marrow_finding_is_untested_until_that_examination_is_reported() {
    // Folate deficiency's characteristic findings are a low folate, macrocytosis (both results)
    // and megaloblastic features (a blood film or marrow finding). With no film in the record the
    // last is untested, not absent: no missing-hallmark penalty.
    let mut record = patient(40.0, Sex::Female);
    record.observations.push(lab("w1", "6690-2", 1.9, "10*3/uL", 0));
    record.observations.push(lab("a1", "751-8", 0.7, "10*3/uL", 0));
    record.observations.push(lab("h1", "718-7", 7.0, "g/dL", 0));
    record.observations.push(lab("p1", "777-3", 60.0, "10*3/uL", 0));
    record.conditions.push(finding("f1", "no fruit or vegetables in the diet"));
    let penalised = |a: &Assessment| {
        a.causes
            .iter()
            .find(|c| c.id == "folate-deficiency")
            .is_some_and(|c| c.evidence.iter().any(|e| !e.supports && e.finding.contains("characteristic findings")))
    };
    let untested = assess(&record);
    assert!(rank(&untested, "folate-deficiency").is_some());
    assert!(!penalised(&untested), "{:?}", untested.causes);
    // A film reported without megaloblastic features: now the hallmark is absent.
    record.conditions.push(finding("f2", "blood film normal"));
    let examined = assess(&record);
    assert!(examined.causes.iter().all(|c| c.id != "folate-deficiency") || penalised(&examined));
    assert!(probability(&examined, "folate-deficiency") < probability(&untested, "folate-deficiency"));
}

#[test]
fn dose_related_toxicity_is_not_held_late_while_the_drug_is_still_taken() {
    // Vancomycin (drug-dose-related, latency window up to 35 days) started 50 days ago; the ANC
    // was normal 10 days ago and is low today.
    let record_with = |stopped_days_ago: Option<i64>| {
        let mut record = patient(45.0, Sex::Male);
        let mut vanco = drug("v", "vancomycin 1 g IV q12h", 50);
        if let Some(days) = stopped_days_ago {
            vanco.end = Some(now() - chrono::Duration::days(days));
            vanco.status = leuko_core::MedicationStatus::Completed;
        }
        record.medications.push(vanco);
        record.observations.push(lab("old", "751-8", 3.5, "10*3/uL", 10));
        record.observations.push(lab("anc", "751-8", 0.9, "10*3/uL", 0));
        assess(&record)
    };
    let lines = |a: &Assessment| -> Vec<String> {
        a.causes
            .iter()
            .find(|c| c.id == "drug:vancomycin")
            .expect("vancomycin ranked")
            .evidence
            .iter()
            .map(|e| e.finding.clone())
            .collect()
    };
    let taken = record_with(None);
    assert!(lines(&taken).iter().any(|l| l.contains("while still taken")), "{:?}", lines(&taken));
    assert!(!lines(&taken).iter().any(|l| l.contains("later than its usual")), "{:?}", lines(&taken));
    // Stopped before the count fell: the window counts again.
    let stopped = record_with(Some(12));
    assert!(!lines(&stopped).iter().any(|l| l.contains("while still taken")), "{:?}", lines(&stopped));
    assert!(probability(&taken, "drug:vancomycin") > probability(&stopped, "drug:vancomycin"));
}

#[test]
fn a_late_onset_drug_beyond_its_window_is_neither_for_nor_against() {
    // Clozapine (late onset described: clinical-tables §3) started 400 days before the onset.
    let mut record = patient(35.0, Sex::Male);
    record.medications.push(drug("c", "clozapine 300 mg", 400));
    record.observations.push(lab("old", "751-8", 4.0, "10*3/uL", 30));
    record.observations.push(lab("anc", "751-8", 0.4, "10*3/uL", 0));
    let a = assess(&record);
    let clozapine = a.causes.iter().find(|c| c.id == "drug:clozapine").expect("clozapine ranked");
    let line = clozapine.evidence.iter().find(|e| e.finding.contains("days after the start")).expect("timing line");
    assert!(line.finding.contains("late onset is described"), "{}", line.finding);
    assert_eq!(line.weight, 1.0);
}

#[test]
fn late_onset_neutropenia_after_rituximab_is_timed_from_the_last_dose() {
    // Rituximab started 400 days ago, last dose 60 days ago: late-onset neutropenia is defined
    // from the last dose (>= 4 weeks, up to ~330 days; clinical-tables §7.1 [S39]).
    let mut record = patient(60.0, Sex::Female);
    let mut rituximab = drug("r", "rituximab 375 mg/m2", 400);
    rituximab.end = Some(now() - chrono::Duration::days(60));
    rituximab.status = leuko_core::MedicationStatus::Completed;
    record.medications.push(rituximab);
    record.observations.push(lab("old", "751-8", 3.0, "10*3/uL", 20));
    record.observations.push(lab("anc", "751-8", 0.7, "10*3/uL", 0));
    let a = assess(&record);
    let cause = a.causes.iter().find(|c| c.id == "drug:rituximab").expect("rituximab ranked");
    assert!(
        cause
            .evidence
            .iter()
            .any(|e| e.supports && e.finding.contains("60 days after the last dose, within its latency window")),
        "{:?}",
        cause.evidence
    );
}

#[test]
fn a_stated_duration_of_neutropenia_stands_for_a_chronic_course() {
    // Chronic = lasting > 3 months (clinical-tables §2.1, S57): a record that states the duration
    // counts as chronic when its own counts do not show it; a shorter stated duration does not.
    let chronic_line = |text: &str| {
        let mut record = patient(63.0, Sex::Male);
        record.observations.push(lab("anc", "751-8", 0.02, "10*3/uL", 0));
        record.conditions.push(finding("h", text));
        assess(&record)
            .causes
            .iter()
            .flat_map(|c| c.evidence.iter())
            .any(|e| e.finding.starts_with("chronic-over-3-months: Neutropenia stated to have lasted"))
    };
    assert!(chronic_line("recurrent episodes of severe febrile neutropenia over the past 13 months"));
    assert!(chronic_line("neutropenia for 4 months"));
    assert!(!chronic_line("neutropenia for 2 months"));
    assert!(!chronic_line("febrile neutropenia two weeks after chemotherapy"));
    assert!(!chronic_line("no neutropenia for 13 months"));
}

#[test]
fn non_scarring_alopecia_supports_lupus() {
    // 2019 EULAR/ACR SLE criteria (aringer-2019-sle): non-scarring alopecia is a weighted
    // mucocutaneous domain, like oral ulcers.
    let sle = |texts: &[&str]| {
        let mut record = patient(21.0, Sex::Male);
        record.observations.push(lab("wbc", "6690-2", 2.4, "10*3/uL", 0));
        record.observations.push(lab("anc", "751-8", 1.3, "10*3/uL", 0));
        for (i, text) in texts.iter().enumerate() {
            record.conditions.push(finding(&format!("c{i}"), text));
        }
        let a = assess(&record);
        a.causes.iter().find(|c| c.id == "sle-associated-cytopenia").map(|c| (c.probability, c.evidence.clone()))
    };
    let (without, _) = sle(&["oral ulcer"]).expect("SLE ranked");
    let (with, evidence) = sle(&["oral ulcer", "reduced hair growth"]).expect("SLE ranked");
    assert!(with > without, "{with} <= {without}");
    assert!(
        evidence.iter().any(|e| e.supports && e.weight == 3.0 && e.finding.starts_with("Hair loss")),
        "{evidence:?}"
    );
    // Stated as absent, it does not count.
    let (negated, _) = sle(&["oral ulcer", "no hair loss"]).expect("SLE ranked");
    assert_eq!(negated, without);
}

#[test]
fn a_positive_direct_antiglobulin_test_supports_lupus_and_a_negative_one_does_not() {
    // 2019 EULAR/ACR SLE criteria (aringer-2019-sle): autoimmune haemolysis (a positive direct
    // antiglobulin test) is a weighted haematologic domain; the knowledge base counts it moderate.
    let sle = |text: &str| {
        let mut record = patient(29.0, Sex::Female);
        record.observations.push(lab("wbc", "6690-2", 2.6, "10*3/uL", 0));
        record.observations.push(lab("anc", "751-8", 1.2, "10*3/uL", 0));
        record.conditions.push(finding("ana", "ANA positive"));
        record.conditions.push(finding("dat", text));
        let a = assess(&record);
        let cause = a.causes.iter().find(|c| c.id == "sle-associated-cytopenia").cloned().expect("SLE ranked");
        (
            cause.probability,
            cause.evidence.iter().find(|e| e.finding.starts_with("Direct antiglobulin")).map(|e| e.weight),
        )
    };
    let (positive, line) = sle("positive direct Coombs test");
    assert_eq!(line, Some(3.0));
    let (negative, line) = sle("direct Coombs test negative");
    assert_eq!(line, None, "a negative test is not a positive one");
    assert!(positive > negative, "{positive} <= {negative}");
}

#[test]
fn a_neutropenia_alone_counts_against_myeloma() {
    // The entry's own known limit (uncited line): neutropenia is uncommon at presentation.
    let myeloma = |hb: f64| {
        let mut record = patient(67.0, Sex::Male);
        record.observations.push(lab("anc", "751-8", 1.1, "10*3/uL", 0));
        record.observations.push(lab("hb", "718-7", hb, "g/dL", 0));
        record.observations.push(lab("plt", "777-3", 230.0, "10*3/uL", 0));
        record.conditions.push(finding("p", "paraprotein on serum electrophoresis"));
        let a = assess(&record);
        let cause = a.causes.iter().find(|c| c.id == "multiple-myeloma").cloned().expect("myeloma ranked");
        cause.evidence.iter().any(|e| !e.supports && e.weight == 0.33 && e.finding.starts_with("pattern-isolated"))
    };
    assert!(myeloma(14.2), "isolated neutropenia: a line against");
}

#[test]
fn a_reticulocyte_count_below_20_is_reticulocytopenia_without_a_laboratory_range() {
    // Severe aplastic anaemia criterion (modified Camitta, BSH 2016; clinical-tables §9.3 [S50]):
    // reticulocytes < 20 x10^9/L. The knowledge base has no reticulocyte interval, so the cut-off
    // stands for the reference-based finding.
    let line = |count: f64| {
        let mut record = patient(32.0, Sex::Female);
        record.observations.push(lab("wbc", "6690-2", 0.8, "10*3/uL", 0));
        record.observations.push(lab("hb", "718-7", 7.5, "g/dL", 0));
        record.observations.push(lab("plt", "777-3", 15.0, "10*3/uL", 0));
        record.observations.push(lab("ret", "14196-0", count, "10*3/uL", 0));
        let a = assess(&record);
        let aa = a.causes.iter().find(|c| c.id == "aplastic-anaemia").expect("aplastic anaemia ranked").clone();
        aa.evidence.iter().any(|e| e.supports && e.finding.contains("Reticulocytes < 20 x10^9/L"))
    };
    assert!(line(15.0));
    assert!(!line(20.0));
    assert!(!line(60.0));
}

#[test]
fn a_measured_ferritin_above_10000_counts_as_marked_hyperferritinaemia() {
    // Allen 2008: ferritin > 10,000 ug/L was 90 % sensitive, 96 % specific for HLH in children;
    // HLH-2004's > 500 remains a moderate line of its own.
    let hlh = |ferritin: f64| {
        let mut record = patient(3.0, Sex::Female);
        record.observations.push(lab("wbc", "6690-2", 2.1, "10*3/uL", 0));
        record.observations.push(lab("anc", "751-8", 0.7, "10*3/uL", 0));
        record.observations.push(lab("plt", "777-3", 60.0, "10*3/uL", 0));
        record.observations.push(lab("fer", "2276-4", ferritin, "ng/mL", 0));
        let a = assess(&record);
        let cause = a.causes.iter().find(|c| c.id == "hemophagocytic-lymphohistiocytosis").cloned();
        let marked = cause.as_ref().is_some_and(|c| {
            c.evidence.iter().any(|e| e.supports && e.finding.starts_with("Marked hyperferritinaemia"))
        });
        (marked, probability(&a, "hemophagocytic-lymphohistiocytosis"))
    };
    let (marked_high, p_high) = hlh(12_000.0);
    let (marked_low, p_low) = hlh(2_858.0);
    assert!(marked_high);
    assert!(!marked_low, "2,858 ng/mL is above 500 but not marked");
    assert!(p_high > 5.0 * p_low, "{p_high} vs {p_low}");
}

#[test]
fn a_statement_is_read_as_the_findings_a_record_would_give_and_a_negated_one_as_none() {
    // `leuko kb match`: the same reading of free text as in an assessment (§9 free text).
    let read = |text: &str| {
        leuko_core::match_text(leuko_kb::bundled(), text)
            .into_iter()
            .map(|(id, _, result)| (id, result))
            .collect::<Vec<_>>()
    };
    assert_eq!(read("s/p Roux-en-Y gastric bypass 2015"), [("bariatric-surgery".to_owned(), false)]);
    let spleen = read("no splenomegaly");
    assert!(spleen.iter().all(|(id, _)| id != "splenomegaly"), "{spleen:?}");
    assert!(spleen.contains(&("spleen-not-enlarged".to_owned(), false)), "{spleen:?}");
    // A list of results closed by "negative" reads as negative results.
    let tests = read("HIV, hepatitis B and C tests negative");
    assert!(tests.contains(&("hiv-negative".to_owned(), true)), "{tests:?}");
    assert!(tests.iter().all(|(id, _)| id != "hiv-positive"), "{tests:?}");
}
