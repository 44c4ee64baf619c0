//! Early detection over time (issue #5) against the bundled knowledge base: the clozapine US-label
//! tables (general and BEN, clinical-tables §3 [S11]) with their monitoring frequencies, the
//! schedule changes at 6 and 12 months, restarts, proposed orders; cyclic neutropenia (period
//! near 21 days [S47]); the chemotherapy nadir window (day 7–10 fall, 10–14 nadir [S58]); the
//! personal baseline; irregular and sparse sampling.

use chrono::Duration;

use crate::{assess, drug, finding, lab, now, patient, text_result};
use leuko_core::{
    AlertLevel, Assessment, Chronicity, CyclicStatus, MedicationStatus, MonitoringEntry, PatientRecord, Sex, new_alerts,
};

fn entry<'a>(a: &'a Assessment, programme: &str) -> &'a MonitoringEntry {
    a.monitoring
        .iter()
        .find(|m| m.programme == programme)
        .unwrap_or_else(|| panic!("no {programme} entry: {:?}", a.monitoring))
}

/// Adds ANC values (x10^9/L, days ago) to a record, as observations `a0`, `a1`, ….
fn push_anc(record: &mut PatientRecord, values: &[(f64, i64)]) {
    for (i, &(value, days)) in values.iter().enumerate() {
        record.observations.push(lab(&format!("a{i}"), "751-8", value, "10*3/uL", days));
    }
}

/// Whether the entry's schedule is counted as for a new patient from `days` ago.
fn new_patient_since(entry: &MonitoringEntry, days: i64) -> bool {
    let from = (now() - Duration::days(days)).date_naive();
    entry.notes.iter().any(|n| n.contains(&format!("counted from {from}")))
}

fn days_until_due(entry: &MonitoringEntry) -> f64 {
    let due = entry.next_due.expect("a due date");
    let from = entry.latest_time.expect("a latest value");
    (due - from).num_minutes() as f64 / 1440.0
}

/// On clozapine for `on_days`; the latest ANC is `anc` (x10^9/L) today, after a normal one a
/// week ago.
fn on_clozapine(on_days: i64, anc: f64, ben: bool) -> PatientRecord {
    let mut record = patient(40.0, Sex::Male);
    record.medications.push(drug("clz", "clozapine 200 mg", on_days));
    record.observations.push(lab("a0", "751-8", if ben { 1.3 } else { 2.5 }, "10*3/uL", 7));
    record.observations.push(lab("a1", "751-8", anc, "10*3/uL", 0));
    if ben {
        record.observations.push(text_result("fy", "Duffy phenotype", "Fy(a-b-)"));
    }
    record
}

#[test]
fn clozapine_general_table_every_row() {
    // (ANC, action, interval in days until the next count)
    let rows = [
        (1.5, "continue", 7.0),  // normal range, first 6 months: weekly
        (1.2, "continue", 1.0),  // mild: three times weekly, but the first low value is confirmed within 24 h
        (0.7, "interrupt", 1.0), // moderate: daily
        (0.3, "interrupt", 1.0), // severe: daily
    ];
    for (anc, action, days) in rows {
        let a = assess(&on_clozapine(60, anc, false));
        let e = entry(&a, "clozapine");
        assert_eq!(e.action.as_deref(), Some(action), "ANC {anc}: {e:?}");
        assert!((days_until_due(e) - days).abs() < 1e-6, "ANC {anc}: {e:?}");
    }
    // Mild, already confirmed (the previous value was low too): three times weekly (every 2 days).
    let mut record = on_clozapine(60, 1.2, false);
    record.observations.push(lab("a-confirm", "751-8", 1.3, "10*3/uL", 1));
    let a = assess(&record);
    let e = entry(&a, "clozapine");
    assert!((days_until_due(e) - 2.0).abs() < 1e-6, "{e:?}");
    assert!(e.frequency.contains("three times weekly"), "{e:?}");
    // Severe: the frequency text names daily counts.
    let a = assess(&on_clozapine(60, 0.3, false));
    assert!(entry(&a, "clozapine").frequency.starts_with("daily"));
}

#[test]
fn clozapine_ben_table_every_row() {
    let rows = [
        (1.0, "continue", 7.0),  // normal BEN range: weekly in the first 6 months
        (0.7, "continue", 1.0),  // BEN neutropenia: continue; first low confirmed within 24 h
        (0.3, "interrupt", 1.0), // BEN severe: interrupt, daily
    ];
    for (anc, action, days) in rows {
        let a = assess(&on_clozapine(60, anc, true));
        let e = entry(&a, "clozapine");
        assert_eq!(e.action.as_deref(), Some(action), "BEN ANC {anc}: {e:?}");
        assert!((days_until_due(e) - days).abs() < 1e-6, "BEN ANC {anc}: {e:?}");
    }
    // BEN 0.5-0.999 once confirmed: three times weekly.
    let mut record = on_clozapine(60, 0.7, true);
    record.observations.push(lab("a-confirm", "751-8", 0.8, "10*3/uL", 1));
    let a = assess(&record);
    let e = entry(&a, "clozapine");
    assert!((days_until_due(e) - 2.0).abs() < 1e-6, "{e:?}");
    // The general table would interrupt at 0.7; the BEN table continues.
    assert_eq!(entry(&assess(&on_clozapine(60, 0.7, false)), "clozapine").action.as_deref(), Some("interrupt"));
}

#[test]
fn clozapine_schedule_changes_at_6_and_12_months_and_overdue_follows_it() {
    // A normal ANC 10 days ago: overdue while weekly (< 6 months), not while every 2 weeks
    // (6-12 months) or monthly (> 12 months).
    for (on_days, interval, overdue) in [(100, 7.0, true), (200, 14.0, false), (400, 30.0, false)] {
        let mut record = patient(40.0, Sex::Female);
        record.medications.push(drug("clz", "clozapine", on_days));
        record.observations.push(lab("a", "751-8", 2.4, "10*3/uL", 10));
        let a = assess(&record);
        let e = entry(&a, "clozapine");
        assert!((days_until_due(e) - interval).abs() < 1e-6, "{on_days} days: {e:?}");
        assert_eq!(e.overdue, overdue, "{on_days} days: {e:?}");
        if overdue {
            assert!(a.alerts.iter().any(|alert| alert.kind == "monitoring-overdue"));
        }
    }
    // 35 days without a count at 13 months: monthly, overdue.
    let mut record = patient(40.0, Sex::Female);
    record.medications.push(drug("clz", "clozapine", 400));
    record.observations.push(lab("a", "751-8", 2.4, "10*3/uL", 35));
    assert!(entry(&assess(&record), "clozapine").overdue);
}

#[test]
fn an_interruption_longer_than_30_days_restarts_the_schedule() {
    let mut record = patient(40.0, Sex::Male);
    let mut first = drug("c1", "clozapine", 500);
    first.end = Some(now() - Duration::days(100));
    first.status = MedicationStatus::Stopped;
    record.medications.push(first);
    record.medications.push(drug("c2", "clozapine", 20));
    record.observations.push(lab("a", "751-8", 2.4, "10*3/uL", 10));
    let a = assess(&record);
    let e = entry(&a, "clozapine");
    // 60 days off, more than 30: a new patient, weekly again.
    assert!((days_until_due(e) - 7.0).abs() < 1e-6, "{e:?}");
    assert!(e.overdue);
    // A 20-day gap continues the old course (500 days: monthly).
    let mut record = patient(40.0, Sex::Male);
    let mut first = drug("c1", "clozapine", 500);
    first.end = Some(now() - Duration::days(40));
    record.medications.push(first);
    record.medications.push(drug("c2", "clozapine", 20));
    record.observations.push(lab("a", "751-8", 2.4, "10*3/uL", 10));
    let e = entry(&assess(&record), "clozapine").clone();
    assert!((days_until_due(&e) - 30.0).abs() < 1e-6, "{e:?}");
}

#[test]
fn a_proposed_clozapine_order_is_allowed_to_start_only_above_the_table_value() {
    let proposed = |anc: Option<f64>, ben: bool, values: usize| {
        let mut record = patient(30.0, Sex::Female);
        let mut order = drug("o", "clozapine 12.5 mg", 0);
        order.status = MedicationStatus::Proposed;
        record.medications.push(order);
        if let Some(anc) = anc {
            for i in 0..values {
                record.observations.push(lab(&format!("a{i}"), "751-8", anc, "10*3/uL", i as i64 * 3));
            }
        }
        if ben {
            record.observations.push(text_result("fy", "Duffy phenotype", "Fy(a-b-)"));
        }
        entry(&assess(&record), "clozapine").action.clone()
    };
    assert_eq!(proposed(Some(1.5), false, 1).as_deref(), Some("start-allowed"));
    assert_eq!(proposed(Some(1.49), false, 1).as_deref(), Some("start-not-allowed"));
    assert_eq!(proposed(None, false, 0).as_deref(), Some("start-not-allowed"));
    // BEN: ANC >= 1.0 with at least two baseline values.
    assert_eq!(proposed(Some(1.1), true, 1).as_deref(), Some("start-not-allowed"));
    assert_eq!(proposed(Some(1.1), true, 2).as_deref(), Some("start-allowed"));
    assert_eq!(proposed(Some(0.9), true, 2).as_deref(), Some("start-not-allowed"));
}

#[test]
fn deferiprone_is_interrupted_below_1_5_and_counted_weekly_above() {
    let mut record = patient(20.0, Sex::Female);
    record.medications.push(drug("d", "deferiprone", 90));
    record.observations.push(lab("a", "751-8", 1.4, "10*3/uL", 0));
    let a = assess(&record);
    let e = entry(&a, "deferiprone");
    assert_eq!(e.action.as_deref(), Some("interrupt"));
    assert!((days_until_due(e) - 1.0).abs() < 1e-6);
    record.observations.retain(|o| o.id != "Observation/a");
    record.observations.push(lab("a", "751-8", 2.0, "10*3/uL", 3));
    let e = entry(&assess(&record), "deferiprone").clone();
    assert_eq!(e.action.as_deref(), Some("continue"));
    assert!((days_until_due(&e) - 7.0).abs() < 1e-6);
}

#[test]
fn an_antithyroid_drug_with_a_sore_throat_needs_a_count_now() {
    let mut record = patient(35.0, Sex::Female);
    record.medications.push(drug("m", "methimazole 10 mg", 30));
    record.observations.push(lab("w", "6690-2", 6.0, "10*3/uL", 20));
    let quiet = assess(&record);
    assert_eq!(entry(&quiet, "antithyroid").action, None);
    assert!(!entry(&quiet, "antithyroid").overdue);
    record.conditions.push(finding("s", "sore throat since yesterday"));
    let a = assess(&record);
    let e = entry(&a, "antithyroid");
    assert_eq!(e.action.as_deref(), Some("count-now"));
    assert!(e.overdue);
}

#[test]
fn a_chemotherapy_cycle_predicts_its_nadir_window() {
    let mut record = patient(55.0, Sex::Female);
    record.medications.push(drug("c", "docetaxel", 5));
    record.observations.push(lab("a", "751-8", 3.0, "10*3/uL", 6));
    let a = assess(&record);
    let window = a.nadir.iter().find(|w| w.drug == "docetaxel").expect("a nadir window");
    let start = now() - Duration::days(5);
    assert_eq!(window.cycle_start, start);
    assert_eq!(window.fall_from, start + Duration::days(7));
    assert_eq!(window.nadir_from, start + Duration::days(10));
    assert_eq!(window.nadir_to, start + Duration::days(14));
    assert_eq!(window.recovery_by, start + Duration::days(21));
    assert_eq!(window.day_of_cycle, 5);
    let e = entry(&a, "chemotherapy");
    assert_eq!(e.next_due, Some(start + Duration::days(10)));
    assert!(!e.overdue);
}

#[test]
fn a_steep_fall_from_the_personal_baseline_is_flagged_while_still_in_range() {
    let mut record = patient(45.0, Sex::Male);
    push_anc(&mut record, &[(3.6, 300), (3.4, 200), (3.8, 100), (3.5, 30)]);
    record.observations.push(lab("now", "751-8", 2.1, "10*3/uL", 0));
    let a = assess(&record);
    let t = a.trends.iter().find(|t| t.analyte == leuko_core::Analyte::Anc).expect("ANC trend");
    assert!(!t.low, "2.1 is within the adult interval");
    assert_eq!(t.baseline, Some(3.55));
    assert!(t.steep_drop, "{t:?}");
    assert!(t.change_from_baseline_pct.is_some_and(|pct| pct < -40.0));
    assert!(a.alerts.iter().any(|alert| alert.kind == "baseline-drop" && alert.level == AlertLevel::Warning));
    // A small fall is not flagged.
    record.observations.retain(|o| o.id != "Observation/now");
    record.observations.push(lab("now", "751-8", 3.0, "10*3/uL", 0));
    let a = assess(&record);
    assert!(a.trends.iter().all(|t| !t.steep_drop));
}

#[test]
fn a_falling_anc_projects_its_crossings() {
    let mut record = patient(45.0, Sex::Male);
    push_anc(&mut record, &[(3.0, 14), (2.4, 7), (1.8, 0)]);
    let a = assess(&record);
    let t = a.trends.iter().find(|t| t.analyte == leuko_core::Analyte::Anc).expect("ANC trend");
    // -0.6 per week: 1.0 in 9.33 days, 0.5 in 15.17 days.
    assert!((t.slope_per_day.expect("slope") + 0.0857).abs() < 1e-3, "{t:?}");
    let below_1 = t.projected_below_1_0.expect("projected below 1.0");
    let below_05 = t.projected_below_0_5.expect("projected below 0.5");
    assert_eq!((below_1 - now()).num_days(), 9);
    assert_eq!((below_05 - now()).num_days(), 15);
    assert!(a.alerts.iter().any(|alert| alert.kind == "projected-crossing" && alert.severity == 2));
    // Rising: nothing is projected.
    let mut rising = patient(45.0, Sex::Male);
    push_anc(&mut rising, &[(1.0, 14), (1.4, 7), (1.8, 0)]);
    let a = assess(&rising);
    assert!(a.trends.iter().all(|t| t.projected_below_1_0.is_none() && t.projected_below_0_5.is_none()));
}

#[test]
fn chronicity_tells_acute_from_chronic_and_recovered() {
    let series = |values: &[(f64, i64)]| {
        let mut record = patient(45.0, Sex::Male);
        push_anc(&mut record, values);
        let a = assess(&record);
        a.trends.iter().find(|t| t.analyte == leuko_core::Analyte::Anc).expect("ANC trend").chronicity
    };
    assert_eq!(series(&[(3.0, 20), (0.9, 0)]), Chronicity::Acute);
    assert_eq!(series(&[(1.1, 200), (1.0, 100), (1.1, 0)]), Chronicity::Chronic);
    // Low for 20 days, then back in range: transient (a post-viral dip resolves within 30 days [S53]).
    assert_eq!(series(&[(3.0, 40), (0.9, 20), (2.5, 0)]), Chronicity::Transient);
    // Low for 50 days before recovering: recovered, not transient.
    assert_eq!(series(&[(3.0, 80), (0.9, 60), (0.9, 20), (2.5, 10), (2.4, 0)]), Chronicity::Recovered);
    assert_eq!(series(&[(0.9, 100), (2.5, 60), (0.9, 20), (2.5, 10), (0.8, 0)]), Chronicity::Intermittent);
    assert_eq!(series(&[(0.9, 0)]), Chronicity::Undetermined);
    assert_eq!(series(&[(2.5, 0)]), Chronicity::None);
}

/// A deterministic pseudo-random sequence in [-1, 1) (a linear congruential generator).
fn noise(seed: u64) -> impl Iterator<Item = f64> {
    let mut state = seed;
    std::iter::from_fn(move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        Some(((state >> 33) as f64 / (1u64 << 31) as f64) * 2.0 - 1.0)
    })
}

fn anc_series(values: impl Iterator<Item = (f64, i64)>) -> Assessment {
    let mut record = patient(8.0, Sex::Female);
    for (i, (value, minutes)) in values.enumerate() {
        record.observations.push(crate::lab_at_minutes(&format!("a{i}"), "751-8", value, "10*3/uL", minutes));
    }
    assess(&record)
}

#[test]
fn a_21_day_cycle_is_detected_in_irregular_counts_and_a_noisy_series_is_not() {
    // Counts three times a week for 9 weeks with jittered times; ANC swings 0.1-3.1 every 21 days.
    let jitter: Vec<f64> = noise(7).take(27).collect();
    let cyclic = anc_series((0..27).map(|i| {
        let day = 63.0 - (i as f64 * 7.0 / 3.0 + jitter[i] * 0.4);
        let value = 1.6 + 1.5 * (std::f64::consts::TAU * day / 21.0).cos() + jitter[i] * 0.1;
        (value.max(0.05), (day * 1440.0) as i64)
    }));
    let check = cyclic.cyclic.as_ref().expect("a cyclic check");
    assert_eq!(check.status, CyclicStatus::Detected, "{check:?}");
    assert!((check.period_days.expect("period") - 21.0).abs() <= 1.5, "{check:?}");
    assert!(cyclic.alerts.iter().any(|a| a.kind == "cyclic-pattern"));
    // The same sampling, values drawn at random around 1.6: no period.
    for seed in [1, 2, 3, 4, 5] {
        let values: Vec<f64> = noise(seed).take(27).collect();
        let noisy = anc_series((0..27).map(|i| {
            let day = 63.0 - (i as f64 * 7.0 / 3.0 + jitter[i] * 0.4);
            (1.6 + values[i], (day * 1440.0) as i64)
        }));
        let check = noisy.cyclic.as_ref().expect("a cyclic check");
        assert_eq!(check.status, CyclicStatus::NotDetected, "seed {seed}: {check:?}");
    }
    // Too few values: insufficient data, with what the method needs.
    let sparse = anc_series([(1.0, 0), (0.2, 10 * 1440), (2.0, 20 * 1440)].into_iter());
    let check = sparse.cyclic.as_ref().expect("a cyclic check");
    assert_eq!(check.status, CyclicStatus::InsufficientData);
    assert!(check.needs.contains("six weeks"));
}

#[test]
fn irregular_and_sparse_sampling_never_panics() {
    // Same-minute duplicates, out-of-order input, a single value, huge gaps, zeros.
    let samples: Vec<Vec<(f64, i64)>> = vec![
        vec![(1.0, 0)],
        vec![(1.0, 0), (1.2, 0), (0.0, 0)],
        vec![(0.0, 3 * 1440), (0.0, 2 * 1440), (0.0, 1440)],
        vec![(5.0, 3650 * 1440), (0.4, 0)],
        vec![(2.0, 5), (0.1, 4), (3.0, 3), (0.2, 2), (2.5, 1), (0.3, 0)],
    ];
    for sample in samples {
        let a = anc_series(sample.into_iter());
        assert!(a.trends.iter().all(|t| t.slope_per_day.is_none_or(f64::is_finite)));
        assert!(a.cyclic.as_ref().is_none_or(|c| c.false_alarm_probability.is_none_or(|p| (0.0..=1.0).contains(&p))));
    }
}

#[test]
fn replaying_a_series_alerts_once_per_episode_and_again_when_worse() {
    // Weekly ANCs on the same episode: grade 2, 2, 3, 3 — three assessments in a row.
    let values = [(2.5, 28), (1.4, 21), (1.3, 14), (0.8, 7), (0.9, 0)];
    let mut raised: Vec<leuko_core::Alert> = Vec::new();
    let mut fired: Vec<(i64, u8)> = Vec::new();
    for upto in 1..=values.len() {
        let mut record = patient(50.0, Sex::Male);
        push_anc(&mut record, &values[..upto]);
        let as_of = now() - Duration::days(values[upto - 1].1);
        let a = leuko_core::assess(
            leuko_kb::bundled(),
            &record,
            as_of,
            &leuko_core::AssessConfig::with_site_intervals(Vec::new()),
        );
        for alert in new_alerts(&raised, &a.alerts).into_iter().filter(|a| a.kind == "neutropenia") {
            fired.push((values[upto - 1].1, alert.severity));
        }
        raised.extend(a.alerts.iter().cloned());
    }
    // Grade 2 first at day -21 (ANC 1.4 < 1.5), not again at 1.3; grade 3 at day -7 (0.8 < 1.0).
    assert_eq!(fired, vec![(21, 2), (7, 3)]);
}

#[test]
fn a_programme_without_label_actions_never_says_continue_on_a_low_count() {
    // OPAT (IDSA 2018): weekly counts, but no value-based action in the source. A WBC below its
    // interval must not be answered with "continue" (the recommendations decide).
    let mut record = patient(60.0, Sex::Male);
    record.medications.push(drug("v", "vancomycin 1 g", 20));
    record.observations.push(lab("w", "6690-2", 6.5, "10*3/uL", 3));
    let e = entry(&assess(&record), "opat").clone();
    assert_eq!(e.action.as_deref(), Some("continue"));
    assert!((days_until_due(&e) - 7.0).abs() < 1e-6);
    record.observations.push(lab("w2", "6690-2", 1.9, "10*3/uL", 0));
    let e = entry(&assess(&record), "opat").clone();
    assert_eq!(e.action, None, "{e:?}");
    assert!(e.notes.iter().any(|n| n.contains("see the recommendations")));
}

#[test]
fn deferiprone_interrupts_for_severe_neutropenia_and_stops_for_agranulocytosis() {
    // Label bands (clinical-tables §2.1, S38): severe neutropenia 0.2 <= ANC < 0.5 is an
    // interruption; agranulocytosis (< 0.2) ends the drug without rechallenge.
    for (anc, action) in [(0.3, "interrupt"), (0.19, "discontinue")] {
        let mut record = patient(20.0, Sex::Female);
        record.medications.push(drug("d", "deferiprone", 90));
        record.observations.push(lab("a", "751-8", anc, "10*3/uL", 0));
        assert_eq!(entry(&assess(&record), "deferiprone").action.as_deref(), Some(action), "ANC {anc}");
    }
}

/// The clozapine entry of a man on clozapine for 300 days (routine interval then: every 2 weeks)
/// with these ANC values (x10^9/L, days ago).
fn on_clozapine_300_days(anc: &[(f64, i64)]) -> MonitoringEntry {
    let mut record = patient(40.0, Sex::Male);
    record.medications.push(drug("c", "clozapine", 300));
    push_anc(&mut record, anc);
    entry(&assess(&record), "clozapine").clone()
}

#[test]
fn weekly_counts_for_four_weeks_are_counted_from_the_recovery() {
    // Moderate neutropenia 40 days ago, recovered to 1.6 ten days ago: weekly until four weeks
    // after the recovery.
    let e = on_clozapine_300_days(&[(0.8, 40), (1.2, 30), (1.6, 10), (2.0, 0)]);
    assert!((days_until_due(&e) - 7.0).abs() < 1e-6, "{e:?}");
    assert!(e.phase.contains("after recovery"), "{e:?}");
    // Recovered 35 days ago: back to the routine interval.
    let e = on_clozapine_300_days(&[(0.8, 60), (1.6, 35), (2.0, 0)]);
    assert!((days_until_due(&e) - 14.0).abs() < 1e-6, "{e:?}");
}

#[test]
fn severe_neutropenia_within_one_course_resumes_monitoring_as_for_a_new_patient() {
    // Clozapine given throughout, no recorded stop. ANC 0.3 (severe) 60 days ago, 1.6 thirty-five
    // days ago: the label's severe row resumes a rechallenged patient as a new patient once ANC
    // >= 1.5 (clinical-tables §3.1, S11) — weekly for the first 6 months from that recovery, not
    // every 2 weeks as after the moderate nadir of the test above.
    let e = on_clozapine_300_days(&[(0.3, 60), (1.1, 50), (1.6, 35), (2.0, 0)]);
    assert!((days_until_due(&e) - 7.0).abs() < 1e-6, "{e:?}");
    let recovered = (now() - Duration::days(35)).date_naive();
    let note = e.notes.iter().find(|n| n.starts_with("severe neutropenia")).expect("a note on the severe value");
    assert!(note.contains("no rechallenge unless") && note.contains(&format!("counted from {recovered}")), "{note}");
    assert!(note.contains("not confirmed by a repeat"), "{note}");
    // Confirmed by a second severe value within 24 hours: said so.
    let e = on_clozapine_300_days(&[(0.3, 60), (0.4, 59), (1.1, 50), (1.6, 35), (2.0, 0)]);
    assert!(e.notes.iter().any(|n| n.starts_with("severe neutropenia") && !n.contains("not confirmed")), "{e:?}");
    // Not yet recovered to 1.5: the band of the latest value decides (three times weekly).
    let e = on_clozapine_300_days(&[(0.3, 6), (1.2, 0)]);
    assert!((days_until_due(&e) - 2.0).abs() < 1e-6, "{e:?}");
    assert!(!e.notes.iter().any(|n| n.contains("new patient")), "{e:?}");
}

#[test]
fn the_ben_table_resumes_as_a_new_patient_from_a_recovery_to_1_0() {
    // BEN severe row (§3.2, S11): if rechallenged, resume as a new patient once ANC >= 1.0 (or at
    // baseline). ANC 0.4 sixty days ago, 1.1 forty days ago: weekly (first 6 months) from then,
    // not every 2 weeks as at day 300 of the first course.
    let mut record = patient(40.0, Sex::Male);
    record.observations.push(text_result("fy", "Duffy phenotype", "Fy(a-b-)"));
    record.medications.push(drug("c", "clozapine", 300));
    push_anc(&mut record, &[(0.4, 60), (1.1, 40), (1.3, 0)]);
    let e = entry(&assess(&record), "clozapine").clone();
    assert!((days_until_due(&e) - 7.0).abs() < 1e-6, "{e:?}");
    assert!(new_patient_since(&e, 40), "{e:?}");
}

#[test]
fn a_new_patient_schedule_starts_at_the_later_of_the_rechallenge_and_the_recovery() {
    // Stopped 30 days ago after ANC 0.3, prescribed again 20 days ago while the ANC was 1.2, back
    // to 1.6 ten days ago: "resume as a new patient once ANC >= 1,500" — counted from ten days ago.
    let mut record = patient(40.0, Sex::Male);
    let mut first = drug("c1", "clozapine", 300);
    first.end = Some(now() - Duration::days(30));
    first.status = MedicationStatus::Stopped;
    record.medications.push(first);
    record.medications.push(drug("c2", "clozapine", 20));
    push_anc(&mut record, &[(0.3, 31), (1.2, 19), (1.6, 10), (2.0, 0)]);
    let e = entry(&assess(&record), "clozapine").clone();
    assert!((days_until_due(&e) - 7.0).abs() < 1e-6, "{e:?}");
    assert!(new_patient_since(&e, 10), "{e:?}");
}

#[test]
fn the_ben_table_also_counts_weekly_after_recovery() {
    let mut record = patient(40.0, Sex::Male);
    record.observations.push(text_result("fy", "Duffy phenotype", "Fy(a-b-)"));
    record.medications.push(drug("c", "clozapine", 300));
    push_anc(&mut record, &[(0.7, 20), (1.1, 10), (1.2, 0)]);
    let e = entry(&assess(&record), "clozapine").clone();
    assert!((days_until_due(&e) - 7.0).abs() < 1e-6, "{e:?}");
}

#[test]
fn a_rechallenge_after_severe_neutropenia_restarts_as_a_new_patient() {
    let course = |nadir: f64| {
        let mut record = patient(40.0, Sex::Male);
        let mut first = drug("c1", "clozapine", 300);
        first.end = Some(now() - Duration::days(60));
        first.status = MedicationStatus::Stopped;
        record.medications.push(first);
        record.medications.push(drug("c2", "clozapine", 40)); // a 20-day gap: not a new course by itself
        record.observations.push(lab("low", "751-8", nadir, "10*3/uL", 62));
        record.observations.push(lab("back", "751-8", 2.0, "10*3/uL", 45));
        record.observations.push(lab("now", "751-8", 2.2, "10*3/uL", 1));
        entry(&assess(&record), "clozapine").clone()
    };
    // After ANC 0.3 (severe): a new patient, weekly.
    assert!((days_until_due(&course(0.3)) - 7.0).abs() < 1e-6);
    // After ANC 0.8 (moderate) the course continues: day 300, every 2 weeks.
    assert!((days_until_due(&course(0.8)) - 14.0).abs() < 1e-6);
}

#[test]
fn monitoring_continues_after_clozapine_is_stopped_until_the_anc_recovers() {
    let mut record = patient(40.0, Sex::Male);
    let mut stopped = drug("c", "clozapine", 100);
    stopped.end = Some(now() - Duration::days(3));
    stopped.status = MedicationStatus::Stopped;
    record.medications.push(stopped);
    record.observations.push(lab("a", "751-8", 0.8, "10*3/uL", 0));
    let a = assess(&record);
    let e = entry(&a, "clozapine");
    assert!((days_until_due(e) - 1.0).abs() < 1e-6, "{e:?}");
    assert!(e.notes.iter().any(|n| n.contains("stopped; monitoring continues")), "{e:?}");
    // Once the ANC is back to 1.0 after the stop, the programme no longer applies.
    record.observations.push(lab("b", "751-8", 1.2, "10*3/uL", 0));
    record.observations.retain(|o| o.id != "Observation/a");
    assert!(assess(&record).monitoring.iter().all(|m| m.programme != "clozapine"));
}

#[test]
fn the_ben_start_needs_every_baseline_value_at_the_level() {
    let mut record = patient(30.0, Sex::Female);
    let mut order = drug("o", "clozapine", 0);
    order.status = MedicationStatus::Proposed;
    record.medications.push(order);
    record.observations.push(text_result("fy", "Duffy phenotype", "Fy(a-b-)"));
    record.observations.push(lab("a1", "751-8", 0.9, "10*3/uL", 6));
    record.observations.push(lab("a2", "751-8", 1.1, "10*3/uL", 1));
    assert_eq!(entry(&assess(&record), "clozapine").action.as_deref(), Some("start-not-allowed"));
}
