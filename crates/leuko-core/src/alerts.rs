//! Alerts: the conditions of an assessment worth telling a clinician about, and their
//! deduplication — the same condition in the same episode alerts once; a worse one alerts again.
//! The service and the lab feed keep the alerts already raised and call [`new_alerts`].

use crate::analyte::Analyte;
use crate::assessment::{Alert, AlertLevel, CyclicCheck, CyclicStatus, Grades, MonitoringEntry, Trend};
use crate::kb::management::PlanThresholds;

/// What the alerts are derived from.
pub(crate) struct Inputs<'a> {
    pub(crate) grades: &'a Grades,
    pub(crate) trends: &'a [Trend],
    pub(crate) urgent: bool,
    pub(crate) urgent_reasons: &'a [String],
    pub(crate) monitoring: &'a [MonitoringEntry],
    pub(crate) cyclic: Option<&'a CyclicCheck>,
    /// Alert level by CTCAE grade (knowledge base, `management/thresholds.toml [alerts]`).
    pub(crate) levels: &'a PlanThresholds,
}

/// Every alert condition that holds now.
pub(crate) fn alerts(inputs: &Inputs<'_>) -> Vec<Alert> {
    let mut out = Vec::new();
    let trend = |analyte: Analyte| inputs.trends.iter().find(|t| t.analyte == analyte);
    let graded = [
        ("neutropenia", Analyte::Anc, inputs.grades.anc.as_ref()),
        ("leukopenia", Analyte::Wbc, inputs.grades.wbc.as_ref()),
        ("lymphopenia", Analyte::Alc, inputs.grades.alc.as_ref()),
    ];
    for (kind, analyte, grade) in graded {
        let Some(grade) = grade.filter(|g| g.grade >= 1) else { continue };
        let episode = trend(analyte).and_then(|t| t.low_since);
        out.push(Alert {
            kind: kind.to_owned(),
            level: inputs.levels.alert_level(grade.grade),
            subject: analyte.id().to_owned(),
            episode,
            severity: grade.grade,
            text: format!("{kind}: CTCAE grade {} ({})", grade.grade, analyte.id()),
        });
    }
    if inputs.urgent {
        out.push(Alert {
            kind: "urgent".to_owned(),
            level: AlertLevel::Critical,
            subject: "patient".to_owned(),
            episode: trend(Analyte::Anc).or_else(|| trend(Analyte::Wbc)).and_then(|t| t.low_since),
            severity: 4,
            text: format!("urgent: {}", inputs.urgent_reasons.join("; ")),
        });
    }
    for t in inputs.trends.iter().filter(|t| matches!(t.analyte, Analyte::Anc | Analyte::Wbc | Analyte::Alc)) {
        if t.steep_drop && !t.low {
            out.push(Alert {
                kind: "baseline-drop".to_owned(),
                level: AlertLevel::Warning,
                subject: t.analyte.id().to_owned(),
                episode: None,
                severity: 1,
                text: format!(
                    "{} fell {:.0} % from the personal baseline {:.2} while still in range",
                    t.analyte.id(),
                    -t.change_from_baseline_pct.unwrap_or_default(),
                    t.baseline.unwrap_or_default()
                ),
            });
        }
        if let Some(when) = t.projected_below_0_5.or(t.projected_below_1_0) {
            let severe = t.projected_below_0_5.is_some();
            out.push(Alert {
                kind: "projected-crossing".to_owned(),
                level: AlertLevel::Warning,
                subject: t.analyte.id().to_owned(),
                episode: None,
                severity: if severe { 2 } else { 1 },
                text: format!(
                    "{} falling {:.3}/day: projected below {} x10^9/L by {}",
                    t.analyte.id(),
                    t.slope_per_day.unwrap_or_default(),
                    if severe { "0.5" } else { "1.0" },
                    when.date_naive()
                ),
            });
        }
    }
    for entry in inputs.monitoring {
        let stop =
            matches!(entry.action.as_deref(), Some("interrupt" | "discontinue" | "start-not-allowed" | "count-now"));
        if stop {
            out.push(Alert {
                kind: "monitoring-action".to_owned(),
                level: if entry.action.as_deref() == Some("start-not-allowed") {
                    AlertLevel::Warning
                } else {
                    AlertLevel::Critical
                },
                subject: entry.drug.clone(),
                episode: None,
                severity: 3,
                text: format!("{}: {} ({})", entry.drug, entry.action.as_deref().unwrap_or_default(), entry.programme),
            });
        } else if entry.overdue {
            out.push(Alert {
                kind: "monitoring-overdue".to_owned(),
                level: AlertLevel::Warning,
                subject: entry.drug.clone(),
                episode: entry.next_due,
                severity: 1,
                text: format!(
                    "{}: {} test overdue since {}",
                    entry.drug,
                    entry.analyte.id(),
                    entry.next_due.map(|d| d.date_naive().to_string()).unwrap_or_default()
                ),
            });
        }
    }
    if let Some(check) = inputs.cyclic.filter(|c| c.status == CyclicStatus::Detected) {
        out.push(Alert {
            kind: "cyclic-pattern".to_owned(),
            level: AlertLevel::Info,
            subject: "anc".to_owned(),
            episode: None,
            severity: 1,
            text: format!("ANC oscillates with a period near {:.0} days", check.period_days.unwrap_or_default()),
        });
    }
    out
}

/// The alerts of `current` not yet raised: a key (kind, subject, episode) not in `raised`, or
/// the same key at a higher severity or level than the highest raised for it.
pub fn new_alerts<'a>(raised: &[Alert], current: &'a [Alert]) -> Vec<&'a Alert> {
    let raised: Vec<RaisedKey> =
        raised.iter().map(|a| RaisedKey { key: a.key(), severity: a.severity, level: a.level }).collect();
    new_alerts_since(&raised, current)
}

/// What deduplication needs of an alert raised before (a store keeps these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaisedKey {
    /// [`Alert::key`].
    pub key: String,
    /// Its severity.
    pub severity: u8,
    /// Its level.
    pub level: AlertLevel,
}

/// [`new_alerts`] against alerts raised before, given by key.
pub fn new_alerts_since<'a>(raised: &[RaisedKey], current: &'a [Alert]) -> Vec<&'a Alert> {
    current
        .iter()
        .filter(|alert| {
            let key = alert.key();
            !raised
                .iter()
                .filter(|old| old.key == key)
                .any(|old| old.severity >= alert.severity && old.level >= alert.level)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn alert(kind: &str, severity: u8, level: AlertLevel, day: u32) -> Alert {
        Alert {
            kind: kind.to_owned(),
            level,
            subject: "anc".to_owned(),
            episode: Some(Utc.with_ymd_and_hms(2026, 1, day, 0, 0, 0).single().expect("valid date")),
            severity,
            text: String::new(),
        }
    }

    #[test]
    fn the_same_condition_in_the_same_episode_alerts_once() {
        let raised = vec![alert("neutropenia", 2, AlertLevel::Warning, 1)];
        let again = vec![alert("neutropenia", 2, AlertLevel::Warning, 1)];
        assert!(new_alerts(&raised, &again).is_empty());
        // A milder grade in the same episode stays quiet too.
        let milder = vec![alert("neutropenia", 1, AlertLevel::Info, 1)];
        assert!(new_alerts(&raised, &milder).is_empty());
    }

    #[test]
    fn a_worse_grade_or_a_new_episode_alerts_again() {
        let raised = vec![alert("neutropenia", 2, AlertLevel::Warning, 1)];
        let worse = vec![alert("neutropenia", 4, AlertLevel::Critical, 1)];
        assert_eq!(new_alerts(&raised, &worse).len(), 1);
        let new_episode = vec![alert("neutropenia", 2, AlertLevel::Warning, 20)];
        assert_eq!(new_alerts(&raised, &new_episode).len(), 1);
    }
}
