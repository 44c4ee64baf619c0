//! The current episode of low counts: when it began, whether it is acute or chronic, and whether
//! the count has since recovered. Cause ranking reasons about drug timing against this onset.

use chrono::{DateTime, Utc};

use crate::AssessConfig;
use crate::analyte::Analyte;
use crate::assessment::{LabResult, PatientSummary};
use crate::kb::KnowledgeBase;
use crate::reference::interval_for;

/// The episode, read from the ANC series, or the WBC series when it tells more (see [`episode`]).
#[derive(Debug, Clone)]
pub(crate) struct Episode {
    /// The analyte the episode was read from.
    pub(crate) analyte: Analyte,
    /// Time of the first low value of the current (or most recent) run of low values.
    pub(crate) onset: DateTime<Utc>,
    /// Time of the last low value of that run.
    pub(crate) last_low: DateTime<Utc>,
    /// The last value in range before the run, if any.
    pub(crate) last_normal_before: Option<DateTime<Utc>>,
    /// A value in range after the run (the count recovered).
    pub(crate) recovered_at: Option<DateTime<Utc>>,
    /// The run has lasted at least the knowledge base's chronic duration.
    pub(crate) chronic: bool,
    /// A value in range within the chronic duration before the run: an acute drop.
    pub(crate) acute_drop: bool,
}

/// The series of one analyte in time order, one value per time (the first of equal times: the
/// engine's preferred one, as the results are sorted).
pub(crate) fn one_per_time(results: &[LabResult], analyte: Analyte) -> Vec<&LabResult> {
    let mut series: Vec<&LabResult> = Vec::new();
    for result in results.iter().filter(|r| r.analyte == analyte) {
        match series.last() {
            Some(last) if last.time == result.time => {}
            _ => series.push(result),
        }
    }
    series
}

/// Whether each value of the series is below its applicable interval.
pub(crate) fn low_series<'a>(
    kb: &KnowledgeBase,
    config: &AssessConfig,
    patient: &PatientSummary,
    results: &'a [LabResult],
    analyte: Analyte,
) -> Vec<(&'a LabResult, bool)> {
    one_per_time(results, analyte)
        .into_iter()
        .map(|result| {
            let low =
                interval_for(kb, config, patient, result).and_then(|i| i.low).is_some_and(|low| result.value < low);
            (result, low)
        })
        .collect()
}

/// The current or most recent episode, if any value of the series was ever low.
///
/// Read from the ANC series and from the WBC series; the WBC run is used instead of the ANC run
/// when it overlaps it and tells more of its history: it began earlier, or it began at the same
/// time with a value in range before it (a normal WBC a month before the first ANC was measured
/// makes the drop acute).
pub(crate) fn episode(
    kb: &KnowledgeBase,
    config: &AssessConfig,
    patient: &PatientSummary,
    results: &[LabResult],
) -> Option<Episode> {
    let anc = episode_of(kb, config, patient, results, Analyte::Anc);
    let wbc = episode_of(kb, config, patient, results, Analyte::Wbc);
    match (anc, wbc) {
        (Some(anc), Some(wbc)) => {
            let overlaps = wbc.last_low >= anc.onset && wbc.onset <= anc.last_low;
            let tells_more = wbc.onset < anc.onset
                || (wbc.onset == anc.onset && anc.last_normal_before.is_none() && wbc.last_normal_before.is_some());
            Some(if overlaps && tells_more { wbc } else { anc })
        }
        (anc, wbc) => anc.or(wbc),
    }
}

fn episode_of(
    kb: &KnowledgeBase,
    config: &AssessConfig,
    patient: &PatientSummary,
    results: &[LabResult],
    analyte: Analyte,
) -> Option<Episode> {
    let series = low_series(kb, config, patient, results, analyte);
    let last_low_index = series.iter().rposition(|&(_, low)| low)?;
    let mut first = last_low_index;
    while first > 0 && series[first - 1].1 {
        first -= 1;
    }
    let onset = series[first].0.time;
    let last_low = series[last_low_index].0.time;
    let last_normal_before = first.checked_sub(1).map(|i| series[i].0.time);
    let recovered_at = series.get(last_low_index + 1).map(|(r, _)| r.time);
    let chronic_days = kb.chronic_days().value;
    let chronic = (last_low - onset).num_days() as f64 >= chronic_days;
    let acute_drop = last_normal_before.is_some_and(|normal| ((onset - normal).num_days() as f64) <= chronic_days);
    Some(Episode { analyte, onset, last_low, last_normal_before, recovered_at, chronic, acute_drop })
}
