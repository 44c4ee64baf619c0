//! A patient's history in time order (issue #5): counts with their grades, drug exposures, the
//! alerts the engine would have raised as each count arrived (replayed, deduplicated with
//! [`new_alerts`]), and what lies ahead at `as_of` — projected crossings, the expected nadir and
//! due or overdue monitoring tests.

use chrono::{DateTime, Utc};

use crate::analyte::Analyte;
use crate::assessment::{AlertLevel, Assessment};
use crate::grading::ctcae_grade;
use crate::kb::{CtcaeVersion, KnowledgeBase};
use crate::record::PatientRecord;
use crate::reference::interval_for;
use crate::{AssessConfig, assess, findings, new_alerts};

/// What happened (or is expected) at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEvent {
    /// When.
    pub time: DateTime<Utc>,
    /// count, drug-start, drug-stop, alert, baseline, projected, nadir, due, overdue.
    pub kind: &'static str,
    /// Plain-language text.
    pub text: String,
    /// Alert level, for alerts.
    pub level: Option<AlertLevel>,
    /// After `as_of`: a projection or a due date, not a fact.
    pub expected: bool,
}

/// The timeline and the assessment at its end.
#[derive(Debug, Clone)]
pub struct Timeline {
    /// Events in time order.
    pub events: Vec<TimelineEvent>,
    /// The assessment at `as_of`.
    pub assessment: Assessment,
}

const COUNTED: [Analyte; 5] = [Analyte::Wbc, Analyte::Anc, Analyte::Alc, Analyte::Platelets, Analyte::Hemoglobin];

/// Builds the timeline of one patient up to `as_of`, replaying the assessment at every time a
/// count arrived.
pub fn timeline(kb: &KnowledgeBase, record: &PatientRecord, as_of: DateTime<Utc>, config: &AssessConfig) -> Timeline {
    let assessment = assess(kb, record, as_of, config);
    let mut events: Vec<TimelineEvent> = Vec::new();
    let event = |time, kind, text: String| TimelineEvent { time, kind, text, level: None, expected: time > as_of };

    for result in assessment.results.iter().filter(|r| COUNTED.contains(&r.analyte)) {
        let lln = interval_for(kb, config, &assessment.patient, result).and_then(|i| i.low);
        let grade = ctcae_grade(kb, CtcaeVersion::V5, result.analyte, result.value, lln)
            .filter(|g| g.grade > 0)
            .map_or(String::new(), |g| format!(" (CTCAE grade {})", g.grade));
        let low = lln.is_some_and(|l| result.value < l);
        let text =
            format!("{} {:.3} {}{}{grade}", result.analyte, result.value, result.unit, if low { " low" } else { "" });
        events.push(event(result.time, "count", text));
    }
    for matched in findings::match_drugs(kb, record, as_of, false) {
        if let Some(start) = matched.exposure.start {
            events.push(event(start, "drug-start", format!("{} started ({})", matched.drug.id, matched.exposure.id)));
        }
        if let Some(end) = matched.exposure.end.filter(|end| *end <= as_of) {
            events.push(event(end, "drug-stop", format!("{} stopped ({})", matched.drug.id, matched.exposure.id)));
        }
    }

    // Replay: the alerts that would have been raised as each count arrived.
    let mut times: Vec<DateTime<Utc>> =
        assessment.results.iter().filter(|r| COUNTED.contains(&r.analyte)).map(|r| r.time).collect();
    times.dedup();
    let mut raised = Vec::new();
    for time in times {
        let at = if time == as_of { assessment.clone() } else { assess(kb, record, time, config) };
        for alert in new_alerts(&raised, &at.alerts) {
            events.push(TimelineEvent {
                time,
                kind: "alert",
                text: alert.text.clone(),
                level: Some(alert.level),
                expected: false,
            });
        }
        raised.extend(at.alerts);
    }

    // What lies ahead at as_of.
    for trend in &assessment.trends {
        if let Some(baseline) = trend.baseline {
            let change = trend.change_from_baseline_pct.map_or(String::new(), |pct| format!(" ({pct:+.1} %)"));
            events.push(event(
                trend.latest_time,
                "baseline",
                format!("{} personal baseline {baseline:.3}{change}", trend.analyte),
            ));
        }
        for (when, threshold) in [(trend.projected_below_1_0, "1.0"), (trend.projected_below_0_5, "0.5")] {
            if let Some(when) = when {
                events.push(event(when, "projected", format!("{} projected below {threshold} x10^9/L", trend.analyte)));
            }
        }
    }
    for window in &assessment.nadir {
        events.push(event(
            window.nadir_from,
            "nadir",
            format!("{}: nadir expected until {}", window.drug, window.nadir_to.date_naive()),
        ));
    }
    for entry in &assessment.monitoring {
        if let Some(due) = entry.next_due {
            let kind = if entry.overdue { "overdue" } else { "due" };
            events.push(event(
                due,
                kind,
                format!("{} {} test ({}: {})", entry.drug, entry.analyte, entry.programme, entry.frequency),
            ));
        }
    }
    events.sort_by_key(|e| e.time);
    Timeline { events, assessment }
}
