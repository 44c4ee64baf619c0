//! Series analysis per analyte (issue #5): personal baseline, change from it, slope and projected
//! crossings of 1.0 and 0.5 ×10^9/L, chronicity, recovery; cyclic neutropenia by a Lomb–Scargle
//! periodogram (irregular sampling); the expected nadir window after a chemotherapy cycle.
//!
//! Everything here is a pure function of the normalised results and the knowledge base's
//! parameters (`kb/monitoring/programmes.toml`).

use chrono::{DateTime, Duration, Utc};

use crate::AssessConfig;
use crate::analyte::Analyte;
use crate::assessment::{Chronicity, CyclicCheck, CyclicStatus, LabResult, NadirWindow, PatientSummary, Trend};
use crate::episode::{low_series, one_per_time};
use crate::findings::DrugMatch;
use crate::kb::KnowledgeBase;
use crate::kb::monitoring::{CyclicParams, NadirParams};

/// The analytes that get a trend.
pub(crate) const TREND_ANALYTES: [Analyte; 5] =
    [Analyte::Wbc, Analyte::Anc, Analyte::Alc, Analyte::Platelets, Analyte::Hemoglobin];

/// Analytes in ×10^9/L whose crossings of 1.0 and 0.5 are projected.
const PROJECTED: [Analyte; 3] = [Analyte::Wbc, Analyte::Anc, Analyte::Alc];

fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_seconds() as f64 / 86_400.0
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] })
}

/// Least-squares slope (per day) of `(day, value)` points; none with fewer than two distinct days.
fn slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    if sxx < 1e-9 {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    Some(sxy / sxx)
}

/// The trend of every analyte of [`TREND_ANALYTES`] with at least one value.
pub(crate) fn trends(
    kb: &KnowledgeBase,
    config: &AssessConfig,
    patient: &PatientSummary,
    results: &[LabResult],
) -> Vec<Trend> {
    TREND_ANALYTES.iter().filter_map(|&analyte| trend(kb, config, patient, results, analyte)).collect()
}

fn trend(
    kb: &KnowledgeBase,
    config: &AssessConfig,
    patient: &PatientSummary,
    results: &[LabResult],
    analyte: Analyte,
) -> Option<Trend> {
    let params = &kb.monitoring().trend;
    let series = low_series(kb, config, patient, results, analyte);
    let &(latest, latest_low) = series.last()?;

    // Runs of low values, as index ranges.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (index, &(_, low)) in series.iter().enumerate() {
        match runs.last_mut() {
            Some(run) if low && run.1 + 1 == index => run.1 = index,
            _ if low => runs.push((index, index)),
            _ => {}
        }
    }
    let current_run = runs.last().copied().filter(|_| latest_low);
    let low_since = current_run.map(|(first, _)| series[first].0.time);

    // Baseline: earlier values, before the current low run, outside the gap, inside the window.
    let baseline_end = low_since.unwrap_or(latest.time).min(latest.time - Duration::days(params.baseline_gap_days));
    let baseline_start = latest.time - Duration::days(params.baseline_window_days);
    let mut earlier: Vec<f64> = series
        .iter()
        .map(|(r, _)| *r)
        .filter(|r| r.time < baseline_end && r.time >= baseline_start)
        .map(|r| r.value)
        .collect();
    let baseline_values = earlier.len();
    let baseline = if baseline_values >= params.baseline_min_values { median(&mut earlier) } else { None };
    let change_from_baseline_pct =
        baseline.filter(|b| *b > 0.0).map(|b| ((latest.value - b) / b * 100.0 * 10.0).round() / 10.0);
    let steep_drop = change_from_baseline_pct.is_some_and(|pct| pct <= -params.steep_drop_pct);

    let window_start = latest.time - Duration::days(params.slope_window_days);
    let points: Vec<(f64, f64)> = series
        .iter()
        .map(|(r, _)| *r)
        .filter(|r| r.time >= window_start)
        .map(|r| (days_between(latest.time, r.time), r.value))
        .collect();
    let slope_per_day = slope(&points).map(|s| (s * 10_000.0).round() / 10_000.0);
    let project = |threshold: f64| -> Option<DateTime<Utc>> {
        let slope = slope_per_day.filter(|s| *s < 0.0)?;
        if !PROJECTED.contains(&analyte) || latest.value <= threshold {
            return None;
        }
        let days = (latest.value - threshold) / -slope;
        (days <= params.projection_horizon_days as f64)
            .then(|| latest.time + Duration::seconds((days * 86_400.0).round() as i64))
    };

    let chronic_days = kb.chronic_days().value;
    let recent_runs = runs
        .iter()
        .filter(|(_, last)| days_between(series[*last].0.time, latest.time) <= params.intermittent_window_days as f64)
        .count();
    let recovered_at = match (latest_low, runs.last()) {
        (false, Some(&(_, last))) => series.get(last + 1).map(|(r, _)| r.time),
        _ => None,
    };
    let chronicity = match current_run {
        Some((first, _)) if days_between(series[first].0.time, latest.time) >= chronic_days => Chronicity::Chronic,
        Some(_) if recent_runs >= 2 => Chronicity::Intermittent,
        Some((0, _)) => Chronicity::Undetermined,
        Some(_) => Chronicity::Acute,
        None if recent_runs >= 2 => Chronicity::Intermittent,
        None if recent_runs == 1 => match (runs.last(), recovered_at) {
            (Some(&(first, _)), Some(back))
                if days_between(series[first].0.time, back) <= params.transient_days as f64 =>
            {
                Chronicity::Transient
            }
            _ => Chronicity::Recovered,
        },
        None => Chronicity::None,
    };
    Some(Trend {
        analyte,
        latest: latest.value,
        latest_time: latest.time,
        unit: latest.unit.clone(),
        values: series.len(),
        low: latest_low,
        baseline,
        baseline_values,
        change_from_baseline_pct,
        steep_drop,
        slope_per_day,
        projected_below_1_0: project(1.0),
        projected_below_0_5: project(0.5),
        chronicity,
        low_since,
        recovered_at,
        citation: params.citation.clone(),
    })
}

/// Cyclic neutropenia: the highest Lomb–Scargle peak of the detrended ANC series within the
/// knowledge base's period band, with its false-alarm probability.
pub(crate) fn cyclic(kb: &KnowledgeBase, results: &[LabResult]) -> Option<CyclicCheck> {
    let params = &kb.monitoring().cyclic;
    let mut series = one_per_time(results, Analyte::Anc);
    let from = series.last()?.time - Duration::days(params.window_days);
    series.retain(|r| r.time >= from);
    let first = series.first()?;
    let last = series.last()?;
    let span_days = (last.time - first.time).num_days();
    let lowest = series.iter().map(|r| r.value).fold(f64::INFINITY, f64::min);
    let needs = format!(
        "at least {} ANC values over at least {} days within the last {} (counts three times a week for six weeks)",
        params.min_values, params.min_span_days, params.window_days
    );
    let mut check = CyclicCheck {
        status: CyclicStatus::InsufficientData,
        values: series.len(),
        span_days,
        period_days: None,
        false_alarm_probability: None,
        lowest,
        nadir_below_definition: lowest < params.nadir_below,
        needs,
        citation: params.citation.clone(),
    };
    if series.len() < params.min_values || span_days < params.min_span_days {
        return Some(check);
    }
    let points: Vec<(f64, f64)> = series.iter().map(|r| (days_between(first.time, r.time), r.value)).collect();
    let (period, fap) = periodogram_peak(&points, params);
    check.status = if fap <= params.false_alarm_max { CyclicStatus::Detected } else { CyclicStatus::NotDetected };
    check.period_days = Some((period * 10.0).round() / 10.0);
    check.false_alarm_probability = Some(fap);
    Some(check)
}

/// The period (days) of the highest normalised Lomb–Scargle power within the band, and its
/// false-alarm probability 1 − (1 − e^−P)^M over M independent frequencies (Scargle 1982;
/// M ≈ band width × span, at least 1). The series is detrended by least squares first.
fn periodogram_peak(points: &[(f64, f64)], params: &CyclicParams) -> (f64, f64) {
    let n = points.len() as f64;
    let slope = slope(points).unwrap_or(0.0);
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let residuals: Vec<(f64, f64)> = points.iter().map(|&(x, y)| (x, y - mean_y - slope * (x - mean_x))).collect();
    let variance = residuals.iter().map(|p| p.1 * p.1).sum::<f64>() / (n - 1.0);
    let span = points.last().map_or(0.0, |p| p.0) - points.first().map_or(0.0, |p| p.0);
    if variance <= 1e-12 || span <= 0.0 {
        return (params.period_min_days, 1.0);
    }
    let (f_low, f_high) = (1.0 / params.period_max_days, 1.0 / params.period_min_days);
    let step = 1.0 / (span * 10.0);
    let mut best = (params.period_min_days, 0.0_f64);
    let mut frequency = f_low;
    while frequency <= f_high {
        let omega = std::f64::consts::TAU * frequency;
        let (s2, c2) = residuals
            .iter()
            .fold((0.0, 0.0), |(s, c), p| (s + (2.0 * omega * p.0).sin(), c + (2.0 * omega * p.0).cos()));
        let tau = s2.atan2(c2) / (2.0 * omega);
        let (mut yc, mut cc, mut ys, mut ss) = (0.0, 0.0, 0.0, 0.0);
        for &(x, y) in &residuals {
            let (sin, cos) = (omega * (x - tau)).sin_cos();
            yc += y * cos;
            cc += cos * cos;
            ys += y * sin;
            ss += sin * sin;
        }
        let power = if cc > 1e-12 && ss > 1e-12 { (yc * yc / cc + ys * ys / ss) / (2.0 * variance) } else { 0.0 };
        if power > best.1 {
            best = (1.0 / frequency, power);
        }
        frequency += step;
    }
    let independent = ((f_high - f_low) * span).max(1.0);
    let fap = 1.0 - (1.0 - (-best.1).exp()).powf(independent);
    (best.0, fap.clamp(0.0, 1.0))
}

/// The expected course after the latest cycle of each chemotherapy drug whose programme reports
/// a nadir, from the cycle start (the exposure's start).
pub(crate) fn nadir_windows(kb: &KnowledgeBase, drugs: &[DrugMatch<'_>], as_of: DateTime<Utc>) -> Vec<NadirWindow> {
    let monitoring = kb.monitoring();
    let params: &NadirParams = &monitoring.nadir;
    let mut out: Vec<NadirWindow> = Vec::new();
    for matched in drugs {
        let programme =
            matched.drug.monitoring.as_deref().and_then(|id| monitoring.programmes.iter().find(|p| p.id == id));
        let (Some(programme), Some(start)) = (programme, matched.exposure.start) else { continue };
        if !programme.nadir || start > as_of {
            continue;
        }
        if let Some(existing) = out.iter_mut().find(|w| w.drug == matched.drug.id) {
            if existing.cycle_start >= start {
                continue;
            }
            *existing = window(params, &matched.drug.id, start, as_of);
        } else {
            out.push(window(params, &matched.drug.id, start, as_of));
        }
    }
    out.retain(|w| as_of <= w.recovery_by + Duration::days(params.recovery_days.1));
    out
}

fn window(params: &NadirParams, drug: &str, start: DateTime<Utc>, as_of: DateTime<Utc>) -> NadirWindow {
    let at = |days: i64| start + Duration::days(days);
    let day = (as_of - start).num_days();
    let phase = if day < params.onset_days.0 {
        "before the expected fall"
    } else if day < params.nadir_days.0 {
        "counts expected to be falling"
    } else if day <= params.nadir_days.1 {
        "expected nadir"
    } else if day <= params.recovery_days.1 {
        "expected recovery"
    } else {
        "after the expected recovery"
    };
    NadirWindow {
        drug: drug.to_owned(),
        cycle_start: start,
        day_of_cycle: day,
        phase: phase.to_owned(),
        fall_from: at(params.onset_days.0),
        nadir_from: at(params.nadir_days.0),
        nadir_to: at(params.nadir_days.1),
        recovery_by: at(params.recovery_days.1),
        citation: params.citation.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> CyclicParams {
        CyclicParams {
            period_min_days: 14.0,
            period_max_days: 35.0,
            min_values: 12,
            min_span_days: 42,
            window_days: 180,
            nadir_below: 0.2,
            false_alarm_max: 0.01,
            citation: crate::kb::Citation::new(vec!["S47".to_owned()]),
        }
    }

    #[test]
    fn a_sinusoid_sampled_irregularly_peaks_at_its_period() {
        // Days 0..63, 3 times a week with jitter; period 21 days.
        let points: Vec<(f64, f64)> = (0..27)
            .map(|i| {
                let day = i as f64 * 7.0 / 3.0 + if i % 2 == 0 { 0.4 } else { -0.3 };
                (day, 1.5 + 1.3 * (std::f64::consts::TAU * day / 21.0).sin())
            })
            .collect();
        let (period, fap) = periodogram_peak(&points, &params());
        assert!((period - 21.0).abs() < 1.0, "{period}");
        assert!(fap < 1e-4, "{fap}");
    }

    #[test]
    fn a_flat_series_has_no_period() {
        let points: Vec<(f64, f64)> = (0..20).map(|i| (i as f64 * 3.0, 2.0)).collect();
        assert_eq!(periodogram_peak(&points, &params()).1, 1.0);
    }

    #[test]
    fn slope_needs_two_distinct_days() {
        assert_eq!(slope(&[(0.0, 1.0)]), None);
        assert_eq!(slope(&[(1.0, 1.0), (1.0, 2.0)]), None);
        assert_eq!(slope(&[(0.0, 2.0), (2.0, 1.0)]), Some(-0.5));
    }
}
