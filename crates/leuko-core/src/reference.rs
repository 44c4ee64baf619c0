//! Choosing the reference interval for a count: the laboratory's own range when the result has
//! one, else the site's configured interval, else the knowledge base's interval for the patient's
//! age band, sex and documented Duffy-null status.

use crate::AssessConfig;
use crate::analyte::Analyte;
use crate::assessment::{AppliedInterval, IntervalOrigin, LabResult, PatientSummary};
use crate::kb::{KnowledgeBase, Population};

/// The interval that applies to `result` for this patient.
pub(crate) fn interval_for(
    kb: &KnowledgeBase,
    config: &AssessConfig,
    patient: &PatientSummary,
    result: &LabResult,
) -> Option<AppliedInterval> {
    if let Some((low, high)) = result.lab_reference {
        return Some(AppliedInterval { low, high, origin: IntervalOrigin::Laboratory });
    }
    if let Some(site) = config.site_intervals.iter().find(|site| site.analyte == result.analyte) {
        return Some(AppliedInterval { low: site.low, high: site.high, origin: IntervalOrigin::Site });
    }
    knowledge_base_interval(kb, patient, result.analyte)
}

/// The knowledge base's interval for an analyte and patient (adult when the age is unknown).
pub(crate) fn knowledge_base_interval(
    kb: &KnowledgeBase,
    patient: &PatientSummary,
    analyte: Analyte,
) -> Option<AppliedInterval> {
    // An unknown age falls back to the adult interval; the patient summary warns about it.
    let age = patient.age_years.unwrap_or(30.0);
    let matches = |population: Population| {
        kb.intervals()
            .iter()
            .filter(move |interval| {
                interval.analyte == analyte
                    && interval.population == population
                    && interval.sex.is_none_or(|sex| sex == patient.sex)
                    && interval.age_min_years <= age
                    && age < interval.age_max_years
            })
            // A sex-specific interval is more specific than one for everyone.
            .max_by_key(|interval| interval.sex.is_some())
    };
    let chosen = if patient.duffy_null {
        matches(Population::DuffyNull).or_else(|| matches(Population::General))
    } else {
        matches(Population::General)
    };
    chosen.map(|interval| AppliedInterval {
        low: interval.low,
        high: interval.high,
        origin: IntervalOrigin::KnowledgeBase {
            population: interval.population,
            citation: interval.citation.clone(),
            verification: interval.verification,
        },
    })
}
