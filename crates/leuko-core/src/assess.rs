//! The entry point: one patient record in, one [`Assessment`] out. Never fails: bad or doubtful
//! data becomes a [`DataQualityFlag`] on the result.

use chrono::{DateTime, Utc};

use crate::analyte::Analyte;
use crate::assessment::{
    Assessment, Count, Counts, DataQualityFlag, Grades, InputSummary, LabResult, PatientSummary, Pattern,
    Recommendation, Urgency,
};
use crate::grading::{grade_count, is_agranulocytosis, severity};
use crate::kb::{CtcaeVersion, KnowledgeBase};
use crate::record::PatientRecord;
use crate::text::{find_any, fold};
use crate::{
    AssessConfig, alerts, causes, episode, findings, labs, management, monitoring, next_tests, patient, pattern,
    reference, trend, vitals_text,
};

/// Assesses one patient at `as_of`. Records dated after `as_of` are left out, as if not yet known.
pub fn assess(kb: &KnowledgeBase, record: &PatientRecord, as_of: DateTime<Utc>, config: &AssessConfig) -> Assessment {
    let mut warnings = Vec::new();
    let mut labs = labs::normalise(kb, &record.observations, as_of);
    let (text_vitals, vital_flags) = vitals_text::read(kb, record, as_of, record.observations.len());
    labs.results.extend(text_vitals);
    labs.results.sort_by(|a, b| a.time.cmp(&b.time).then(a.order.cmp(&b.order)).then(a.analyte.cmp(&b.analyte)));
    labs.flags.extend(vital_flags);
    let patient = patient::summarise(kb, record, &labs.texts, as_of, &mut warnings);
    if patient.pregnant {
        warnings.push(DataQualityFlag {
            code: "pregnancy-interval-not-cited",
            message: "the patient is pregnant; the knowledge base holds no cited pregnancy-specific interval, so the non-pregnant interval was used".to_owned(),
            subject: patient.id.clone(),
        });
    }
    warnings.extend(labs.flags.iter().cloned());

    let counts = latest_counts(kb, config, &patient, &labs.results);
    if counts.wbc.is_none() {
        warnings.push(DataQualityFlag {
            code: "no-wbc",
            message: format!("no usable white-cell count at or before {}", as_of.to_rfc3339()),
            subject: patient.id.clone(),
        });
    }
    if let (Some(wbc), Some(anc)) = (&counts.wbc, &counts.anc)
        && wbc.result.time != anc.result.time
    {
        warnings.push(DataQualityFlag {
            code: "counts-of-different-times",
            message: format!(
                "the latest WBC ({}) and the latest ANC ({}) are not from the same specimen; read each grade with its date",
                wbc.result.time.to_rfc3339(),
                anc.result.time.to_rfc3339()
            ),
            subject: None,
        });
    }
    let grades = grade(kb, &counts, &mut warnings);
    let pattern = pattern::pattern(kb, &counts);
    let isolated = matches!(
        pattern,
        Pattern::IsolatedNeutropenia | Pattern::IsolatedLymphopenia | Pattern::NeutropeniaAndLymphopenia
    );
    let unmeasured: Vec<&str> =
        [("haemoglobin", counts.hemoglobin.is_none()), ("platelets", counts.platelets.is_none())]
            .into_iter()
            .filter_map(|(name, missing)| missing.then_some(name))
            .collect();
    if isolated && !unmeasured.is_empty() {
        warnings.push(DataQualityFlag {
            code: "other-lineages-not-measured",
            message: format!(
                "the pattern {} assumes the other lineages normal, but the record has no {}",
                pattern.id(),
                unmeasured.join(" and no ")
            ),
            subject: patient.id.clone(),
        });
    }

    let mut recommendations = Vec::new();
    if let Some(recommendation) = duffy_test_suggestion(kb, &patient, &counts, &labs.results, config) {
        recommendations.push(recommendation);
    }

    // Causes are ranked while a count is low, or was low within the chronic duration.
    let episode = episode::episode(kb, config, &patient, &labs.results);
    let recent = episode.as_ref().is_some_and(|e| ((as_of - e.last_low).num_days() as f64) <= kb.chronic_days().value);
    let all_drugs = findings::match_drugs(kb, record, as_of, true);
    let context = findings::Context {
        kb,
        config,
        record,
        patient: &patient,
        results: &labs.results,
        counts: &counts,
        pattern,
        episode: episode.as_ref(),
        as_of,
        drugs: &all_drugs,
    };
    let facts = findings::facts(&context);
    let mut causes = Vec::new();
    let mut tests = Vec::new();
    if pattern != Pattern::None || recent {
        // Decisions (tests, plans, guards) always see at least the default list; the caller's
        // number only sets how much of it is shown.
        let ranked = config.causes_shown.max(crate::AssessConfig::CAUSES_SHOWN);
        causes = causes::rank(kb, &facts, &counts, pattern, episode.as_ref(), patient.age_years, ranked);
        tests = next_tests::next_tests(kb, record, &labs.results, &facts, &causes);
    }
    // The proposed tests pass through the same do-no-harm guards as every other action.
    let managed = management::manage(&context, &facts, &causes, tests);
    recommendations.extend(managed.recommendations);
    let recommendations = management::finish(recommendations);
    causes.truncate(config.causes_shown);

    // Early detection over time: the series, cycles and monitoring programmes.
    let trends = trend::trends(kb, config, &patient, &labs.results);
    let cyclic = trend::cyclic(kb, &labs.results);
    let nadir = trend::nadir_windows(kb, &facts.drugs, as_of);
    let monitoring = monitoring::monitoring(
        kb,
        &monitoring::Subject {
            drugs: &all_drugs,
            facts: &facts,
            results: &labs.results,
            ben: management::ben_table(&patient, &facts),
            trends: &trends,
            nadir: &nadir,
            as_of,
        },
    );
    let alerts = alerts::alerts(&alerts::Inputs {
        grades: &grades,
        trends: &trends,
        urgent: managed.urgent,
        urgent_reasons: &managed.urgent_reasons,
        monitoring: &monitoring,
        cyclic: cyclic.as_ref(),
        levels: &kb.management().thresholds,
    });

    let input = InputSummary {
        observations: record.observations.len(),
        observations_recognised: labs.recognised,
        after_as_of: labs.after_as_of,
        medications: record.medications.len(),
        conditions: record.conditions.len(),
        procedures: record.procedures.len(),
    };
    if labs.after_as_of > 0 {
        warnings.push(DataQualityFlag {
            code: "after-as-of",
            message: format!("{} result(s) dated after {} were left out", labs.after_as_of, as_of.to_rfc3339()),
            subject: None,
        });
    }

    Assessment {
        as_of,
        kb_version: kb.version().to_owned(),
        patient,
        counts,
        grades,
        pattern,
        urgent: managed.urgent,
        urgent_reasons: managed.urgent_reasons,
        febrile: managed.febrile,
        causes,
        recommendations,
        trends,
        cyclic,
        nadir,
        monitoring,
        alerts,
        warnings,
        results: labs.results,
        input,
    }
}

/// The latest result of an analyte: latest time; at equal times a preferred code, then a reported
/// value over a derived one, then input order.
pub(crate) fn latest(results: &[LabResult], analyte: Analyte) -> Option<&LabResult> {
    results.iter().filter(|r| r.analyte == analyte).min_by(|a, b| {
        b.time
            .cmp(&a.time)
            .then(b.preferred.cmp(&a.preferred))
            .then(
                matches!(a.origin, crate::assessment::Origin::Derived { .. })
                    .cmp(&matches!(b.origin, crate::assessment::Origin::Derived { .. })),
            )
            .then(a.order.cmp(&b.order))
    })
}

fn latest_counts(kb: &KnowledgeBase, config: &AssessConfig, patient: &PatientSummary, results: &[LabResult]) -> Counts {
    let count = |analyte: Analyte| {
        latest(results, analyte).map(|result| Count {
            interval: reference::interval_for(kb, config, patient, result),
            result: result.clone(),
        })
    };
    Counts {
        wbc: count(Analyte::Wbc),
        anc: count(Analyte::Anc),
        alc: count(Analyte::Alc),
        monocytes: count(Analyte::Monocytes),
        hemoglobin: count(Analyte::Hemoglobin),
        platelets: count(Analyte::Platelets),
    }
}

fn grade(kb: &KnowledgeBase, counts: &Counts, warnings: &mut Vec<DataQualityFlag>) -> Grades {
    let mut grades = Grades::default();
    if let Some(wbc) = &counts.wbc {
        grades.wbc = grade_count(kb, CtcaeVersion::V5, wbc);
    }
    if let Some(anc) = &counts.anc {
        grades.anc = grade_count(kb, CtcaeVersion::V5, anc);
        grades.anc_v6 = grade_count(kb, CtcaeVersion::V6, anc);
        grades.anc_severity = Some(severity(kb, anc.result.value, anc.below_reference()));
        grades.agranulocytosis = Some(is_agranulocytosis(kb, anc.result.value));
    }
    if let Some(alc) = &counts.alc {
        grades.alc = grade_count(kb, CtcaeVersion::V5, alc);
    }
    for (name, grade) in [("WBC", &grades.wbc), ("ANC", &grades.anc), ("ALC", &grades.alc)] {
        if let Some(grade) = grade
            && !grade.grade_1_assessable
            && grade.grade == 0
        {
            warnings.push(DataQualityFlag {
                code: "lln-unknown",
                message: format!("{name}: no lower limit of normal is known for this patient, so CTCAE grade 1 could not be assessed (grade 0 shown means 'not grade 2-4')"),
                subject: None,
            });
        }
    }
    grades
}

/// A chronic, mild neutropenia in a patient whose recorded ancestry is one where Duffy-null is
/// common prompts a Duffy phenotype test (never an assumption of the result).
fn duffy_test_suggestion(
    kb: &KnowledgeBase,
    patient: &PatientSummary,
    counts: &Counts,
    results: &[LabResult],
    config: &AssessConfig,
) -> Option<Recommendation> {
    let defs = &kb.patient_status;
    if patient.duffy_null {
        return None;
    }
    let ancestry = patient
        .ancestry
        .iter()
        .find_map(|text| find_any(&fold(text), &defs.duffy_test_ancestry, true).map(|_| text.clone()))?;
    let anc = counts.anc.as_ref()?;
    if anc.below_reference() != Some(true) || anc.result.value < defs.duffy_test_anc_at_least {
        return None;
    }
    // Chronic: every ANC since the first low one, at least `chronic_test_days` before, is low.
    let low_since = chronic_low_since(kb, config, patient, results)?;
    let days = (anc.result.time - low_since).num_days();
    if days < defs.duffy_test_chronic_days {
        return None;
    }
    Some(Recommendation {
        kind: "order-test".to_owned(),
        target: Some("duffy phenotype".to_owned()),
        urgency: Urgency::Routine,
        text: "Test Duffy phenotype (blood-bank Fy(a/b) typing): a chronic mild neutropenia may be the Duffy-null associated neutrophil count, which needs no further work-up if confirmed and the patient is well".to_owned(),
        rationale: format!(
            "ANC {:.2} x10^9/L, below range for {days} days; recorded ancestry {ancestry:?} (a reason to test, not a proxy for the result)",
            anc.result.value
        ),
        contraindications: Vec::new(),
        citation: defs.duffy_test_citation.clone(),
    })
}

/// The time of the first ANC of the current unbroken run of below-range values.
fn chronic_low_since(
    kb: &KnowledgeBase,
    config: &AssessConfig,
    patient: &PatientSummary,
    results: &[LabResult],
) -> Option<DateTime<Utc>> {
    let mut since = None;
    for result in results.iter().filter(|r| r.analyte == Analyte::Anc) {
        let interval = reference::interval_for(kb, config, patient, result);
        let low = interval.and_then(|i| i.low).is_some_and(|low| result.value < low);
        since = match (low, since) {
            (true, None) => Some(result.time),
            (true, Some(t)) => Some(t),
            (false, _) => None,
        };
    }
    since
}
