//! Drug-monitoring programmes applied to the patient's drugs (issue #5): phase of the schedule,
//! the action the latest value calls for, the next test's due date and whether it is overdue.
//! The programmes are knowledge-base data (`kb/monitoring/programmes.toml`); label actions come
//! from `management/drug-rules.toml`, so monitoring and management never disagree.

use chrono::{DateTime, Duration, Utc};

use crate::assessment::{LabResult, MonitoringEntry, NadirWindow, Trend};
use crate::episode::one_per_time;
use crate::findings::{DrugMatch, Facts};
use crate::kb::KnowledgeBase;
use crate::kb::management::Decision;
use crate::kb::monitoring::{Band, Programme};
use crate::record::MedicationStatus;

/// The patient's facts that monitoring reads.
pub(crate) struct Subject<'a> {
    /// Every drug match, proposed orders included.
    pub(crate) drugs: &'a [DrugMatch<'a>],
    /// Findings (symptoms that call for a count).
    pub(crate) facts: &'a Facts<'a>,
    /// Normalised results in time order.
    pub(crate) results: &'a [LabResult],
    /// The BEN / Duffy-null tables apply.
    pub(crate) ben: bool,
    /// Trends (whether the latest value of the monitored analyte is low).
    pub(crate) trends: &'a [Trend],
    /// Expected nadir windows of the latest chemotherapy cycles.
    pub(crate) nadir: &'a [NadirWindow],
    /// Assessment time.
    pub(crate) as_of: DateTime<Utc>,
}

/// One entry per (programme, drug) that applies.
pub(crate) fn monitoring(kb: &KnowledgeBase, subject: &Subject<'_>) -> Vec<MonitoringEntry> {
    let mut out: Vec<MonitoringEntry> = Vec::new();
    for programme in &kb.monitoring().programmes {
        let mut drug_ids: Vec<&str> = subject
            .drugs
            .iter()
            .filter(|m| m.drug.monitoring.as_deref() == Some(programme.id.as_str()))
            .map(|m| m.drug.id.as_str())
            .collect();
        drug_ids.dedup();
        for drug in drug_ids {
            let exposures: Vec<&DrugMatch<'_>> = subject.drugs.iter().filter(|m| m.drug.id == drug).collect();
            if let Some(entry) = entry(kb, programme, drug, &exposures, subject) {
                out.push(entry);
            }
        }
    }
    out
}

/// Start of the current course: exposures merged while the gap between one's end and the next
/// one's start is at most the programme's restart gap; a longer gap starts a new course.
fn course_start(programme: &Programme, given: &[&DrugMatch<'_>]) -> Option<DateTime<Utc>> {
    let mut spans: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> =
        given.iter().filter_map(|m| m.exposure.start.map(|s| (s, m.exposure.end))).collect();
    spans.sort_by_key(|s| s.0);
    let mut start: Option<DateTime<Utc>> = None;
    let mut end: Option<DateTime<Utc>> = None;
    for (s, e) in spans {
        let gap_too_long = match (end, programme.restart_after_gap_days) {
            (Some(end), Some(days)) => s - end > Duration::days(days),
            _ => false,
        };
        if start.is_none() || gap_too_long {
            start = Some(s);
        }
        end = match (end, e) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (_, other) => other,
        };
    }
    start
}

/// A course that goes on after severe neutropenia: the clozapine label's severe rows — no
/// rechallenge unless the prescriber judges that benefits outweigh risks, and "if rechallenged,
/// resume as a new patient once ANC >= 1,500/µL" (BEN: >= 1,000/µL or at baseline).
struct Resumed<'r> {
    /// The last value below the programme's `restart_after_below` in the course.
    severe: &'r LabResult,
    /// Another value below it within the programme's confirmation time.
    confirmed: bool,
    /// The recovery level of the patient's table (`after_recovery`).
    level: f64,
    /// Where the new-patient schedule starts: the first value at the recovery level after the
    /// severe one, or a new prescription after the severe value if that came later.
    from: DateTime<Utc>,
}

/// The course since `start` with a severe value and a recovery after it (none without a recovery:
/// the band of the latest value decides until then).
fn resumed_after_severe<'r>(
    programme: &Programme,
    given: &[&DrugMatch<'_>],
    values: &[&'r LabResult],
    start: DateTime<Utc>,
    ben_table: bool,
) -> Option<Resumed<'r>> {
    let below = programme.restart_after_below?;
    let level = programme.after_recovery.iter().find(|a| a.ben == ben_table)?.recovered_at_least;
    let low = values.iter().rposition(|r| r.time >= start && r.value < below)?;
    let severe = values[low];
    let recovered = values[low + 1..].iter().find(|r| r.value >= level)?;
    let restarted = given.iter().filter_map(|m| m.exposure.start).filter(|s| *s > severe.time).min();
    let confirmed = programme.confirm_within_hours.is_some_and(|hours| {
        values
            .iter()
            .enumerate()
            .any(|(i, r)| i != low && r.value < below && (r.time - severe.time).num_minutes().abs() <= hours * 60)
    });
    Some(Resumed { severe, confirmed, level, from: restarted.map_or(recovered.time, |s| s.max(recovered.time)) })
}

fn band(programme: &Programme, ben: bool, value: f64) -> Option<&Band> {
    let ben = ben && programme.bands.iter().any(|b| b.ben);
    programme
        .bands
        .iter()
        .find(|b| b.ben == ben && b.at_least.is_none_or(|low| value >= low) && b.below.is_none_or(|high| value < high))
}

fn decision_word(decision: Decision) -> &'static str {
    match decision {
        Decision::Continue => "continue",
        Decision::Interrupt => "interrupt",
        Decision::Discontinue => "discontinue",
    }
}

fn entry(
    kb: &KnowledgeBase,
    programme: &Programme,
    drug: &str,
    exposures: &[&DrugMatch<'_>],
    subject: &Subject<'_>,
) -> Option<MonitoringEntry> {
    let as_of = subject.as_of;
    let values = one_per_time(subject.results, programme.analyte);
    let latest = values.last().copied();
    let mut notes: Vec<String> = Vec::new();
    let given: Vec<&DrugMatch<'_>> =
        exposures.iter().copied().filter(|m| m.exposure.status != MedicationStatus::Proposed).collect();
    let taken = given.iter().any(|m| {
        m.exposure.end.is_none_or(|end| end >= as_of)
            && !matches!(m.exposure.status, MedicationStatus::Completed | MedicationStatus::Stopped)
    });
    // After the drug is stopped, monitoring continues until the value reaches the programme's
    // after-stop level (clozapine label: until ANC >= 1.0; deferiprone: daily until recovery).
    let last_stop = given.iter().filter_map(|m| m.exposure.end.or(m.exposure.start)).max();
    let still_watched = !taken
        && programme.after_stop_until_at_least.is_some_and(|level| {
            last_stop.is_some_and(|stop| {
                latest.is_some_and(|r| r.value < level) && !values.iter().any(|r| r.time >= stop && r.value >= level)
            })
        });
    let current = taken || still_watched;
    let proposed = exposures.iter().any(|m| m.exposure.status == MedicationStatus::Proposed);
    let rules: Vec<_> = kb.management().drug_rules.iter().filter(|r| r.drug == drug).collect();
    let ben_rules = subject.ben && rules.iter().any(|r| r.ben);
    let mut entry = MonitoringEntry {
        programme: programme.id.clone(),
        drug: drug.to_owned(),
        phase: String::new(),
        analyte: programme.analyte,
        latest_value: latest.map(|r| r.value),
        latest_time: latest.map(|r| r.time),
        action: None,
        frequency: String::new(),
        next_due: None,
        overdue: false,
        notes: Vec::new(),
        citation: programme.citation.clone(),
    };

    // A drafted or proposed order that has not started: may it start?
    if !current {
        if !proposed {
            return None;
        }
        entry.phase = "not started (proposed order)".to_owned();
        let threshold = if subject.ben { programme.start_at_least_ben } else { programme.start_at_least };
        if let Some(threshold) = threshold {
            let needed = if subject.ben { programme.ben_baseline_values.max(1) } else { 1 };
            let allowed = match latest {
                None => {
                    notes.push(format!("no baseline {} recorded", programme.analyte));
                    false
                }
                Some(_) if values.len() < needed => {
                    notes.push(format!(
                        "{needed} baseline values are needed for the BEN table, {} recorded",
                        values.len()
                    ));
                    false
                }
                // The established baseline: the latest `needed` values all at or above the level.
                Some(_) => values.iter().rev().take(needed).all(|r| r.value >= threshold),
            };
            entry.action = Some(if allowed { "start-allowed" } else { "start-not-allowed" }.to_owned());
            entry.frequency = format!("baseline {} before the first dose", programme.analyte);
            if !allowed {
                notes.push(format!(
                    "starting needs {} >= {threshold} x10^9/L ({} table)",
                    programme.analyte,
                    if subject.ben { "BEN" } else { "general" }
                ));
            }
        } else {
            entry.frequency = format!("baseline {} before the first dose", programme.analyte);
        }
        entry.notes = notes;
        return Some(entry);
    }

    let ben_table = subject.ben && programme.after_recovery.iter().any(|a| a.ben);
    let mut start = course_start(programme, &given);
    let resumed = start.filter(|_| taken).and_then(|s| resumed_after_severe(programme, &given, &values, s, ben_table));
    match &resumed {
        Some(r) => {
            notes.push(format!(
                "severe neutropenia: {} {:.2} x10^9/L on {}{}, and {drug} is recorded as given after it; the label \
                 advises no rechallenge unless the prescriber judges that benefits outweigh risks, and monitoring \
                 as for a new patient once {} >= {}: the schedule is counted from {}",
                programme.analyte,
                r.severe.value,
                r.severe.time.date_naive(),
                if r.confirmed { "" } else { " (not confirmed by a repeat)" },
                programme.analyte,
                r.level,
                r.from.date_naive()
            ));
            start = Some(r.from);
        }
        None => {
            if let Some(start) = start {
                notes.push(format!("current course since {}", start.date_naive()));
            }
        }
    }
    if still_watched {
        notes.push(format!(
            "{} stopped; monitoring continues until {} >= {} x10^9/L",
            drug,
            programme.analyte,
            programme.after_stop_until_at_least.unwrap_or_default()
        ));
    }

    // Symptom-driven programmes (antithyroid drugs): a count at once with fever or sore throat.
    if !programme.on_symptoms.is_empty() {
        entry.phase = programme.schedule.first().map(|s| s.phase.clone()).unwrap_or_default();
        entry.frequency = "with fever or sore throat".to_owned();
        if let Some(symptom) = programme.on_symptoms.iter().find(|f| subject.facts.has(f)) {
            let since_symptom = latest.is_some_and(|r| (as_of - r.time) <= Duration::hours(24));
            notes.push(format!("{symptom} recorded: {}", subject.facts.hits[symptom].detail));
            if !since_symptom {
                entry.action = Some("count-now".to_owned());
                entry.next_due = Some(as_of);
                entry.overdue = true;
            }
        }
        entry.notes = notes;
        return Some(entry);
    }

    // Chemotherapy: a count in the expected nadir window of the latest cycle.
    if programme.nadir {
        entry.phase = programme.schedule.first().map(|s| s.phase.clone()).unwrap_or_default();
        entry.frequency = "before each cycle and in the expected nadir window".to_owned();
        if let Some(window) = subject.nadir.iter().find(|w| w.drug == drug) {
            let counted = values.iter().any(|r| r.time >= window.fall_from);
            entry.phase = format!("cycle day {}: {}", window.day_of_cycle, window.phase);
            notes.push(format!(
                "cycle started {}; nadir expected {} to {}",
                window.cycle_start.date_naive(),
                window.nadir_from.date_naive(),
                window.nadir_to.date_naive()
            ));
            if !counted {
                entry.next_due = Some(window.nadir_from);
                entry.overdue = as_of > window.nadir_to;
            }
        }
        entry.notes = notes;
        return Some(entry);
    }

    // The action the latest value calls for: the label rule when the drug has one.
    let value = latest.map(|r| r.value);
    if let Some(value) = value {
        let rule = rules.iter().find(|r| {
            r.ben == ben_rules
                && r.anc_at_least.is_none_or(|low| value >= low)
                && r.anc_below.is_none_or(|high| value < high)
        });
        entry.action = rule.map(|r| decision_word(r.decision).to_owned());
        if rule.is_none() && !rules.is_empty() {
            notes.push("no label rule covers this value".to_owned());
        }
        if rules.is_empty() {
            let low = subject.trends.iter().any(|t| t.analyte == programme.analyte && t.low);
            if low {
                notes.push(format!(
                    "{} below its reference interval: see the recommendations (the programme's source gives no value-based action)",
                    programme.analyte
                ));
            } else {
                entry.action = Some("continue".to_owned());
            }
        }
    }

    // Interval: the band of the latest value, else closer monitoring after a recovery, else the
    // routine schedule by time since the course started.
    let latest_time = latest.map(|r| r.time);
    let mut interval: Option<(i64, String, String)> = None;
    if let Some(value) = value
        && let Some(b) = band(programme, subject.ben, value)
    {
        interval = Some((b.every_days, b.frequency.clone(), format!("{} {value:.2} x10^9/L", programme.analyte)));
    }
    // Weekly for some weeks counted from the recovery (the first value at the recovery level
    // after the last value below the trigger), in the patient's table.
    if interval.is_none()
        && let (Some(after), Some(time)) = (programme.after_recovery.iter().find(|a| a.ben == ben_table), latest_time)
        && let Some(last_low) = values.iter().rposition(|r| r.value < after.below)
        && let Some(recovered) = values[last_low + 1..].iter().find(|r| r.value >= after.recovered_at_least)
        && time - recovered.time < Duration::weeks(after.weeks)
    {
        interval = Some((
            after.every_days,
            after.frequency.clone(),
            format!("after recovery on {}", recovered.time.date_naive()),
        ));
    }
    let step_at = |time: DateTime<Utc>| {
        let day = start.map_or(0, |s| (time - s).num_days());
        programme.schedule.iter().find(|s| s.until_days.is_none_or(|until| day < until))
    };
    match interval {
        Some((every, frequency, phase)) => {
            entry.phase = phase;
            entry.frequency = frequency;
            entry.next_due = latest_time.map(|t| t + Duration::days(every));
        }
        None => {
            let reference = match (latest_time, start) {
                (Some(t), Some(s)) if t >= s => Some(t),
                (_, Some(s)) => Some(s),
                (t, None) => t,
            };
            let step = step_at(as_of);
            entry.phase = step.map(|s| s.phase.clone()).unwrap_or_default();
            let due_step = reference.and_then(step_at);
            entry.frequency = due_step.map(|s| s.phase.clone()).unwrap_or_default();
            entry.next_due = match (reference, due_step.and_then(|s| s.every_days)) {
                (Some(t), Some(every)) => Some(t + Duration::days(every)),
                _ => None,
            };
            if latest_time.is_none_or(|t| start.is_some_and(|s| t < s)) {
                notes.push(format!("no on-treatment {} recorded", programme.analyte));
            }
        }
    }
    // Confirm an initial low report within the programme's hours.
    if let (Some(hours), Some(result)) = (programme.confirm_within_hours, latest) {
        let floor = if subject.ben { programme.start_at_least_ben } else { programme.start_at_least };
        let previous_low = values.iter().rev().nth(1).is_some_and(|r| floor.is_some_and(|f| r.value < f));
        if floor.is_some_and(|f| result.value < f) && !previous_low {
            let confirm = result.time + Duration::hours(hours);
            notes.push(format!("confirm this first low value with a repeat within {hours} hours"));
            entry.next_due = Some(entry.next_due.map_or(confirm, |due| due.min(confirm)));
        }
    }
    entry.overdue = entry.next_due.is_some_and(|due| due < as_of);
    if programme.schedule.iter().all(|s| s.every_days.is_none()) && programme.bands.is_empty() {
        notes.push("the source gives no routine interval: no due date is computed".to_owned());
    }
    entry.notes = notes;
    Some(entry)
}
