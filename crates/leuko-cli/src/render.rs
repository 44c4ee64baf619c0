//! The text view of an assessment, for a clinician at a terminal.

use std::fmt::Write as _;

use leuko_api::{Assessment, Count};

fn count_line(out: &mut String, name: &str, count: Option<&Count>, grade: &str) {
    let Some(count) = count else {
        let _ = writeln!(out, "  {name:<4} —");
        return;
    };
    let unit = if count.unit == "10*9/L" { "x10^9/L" } else { count.unit.as_str() };
    let reference = count.reference.as_ref().map_or_else(String::new, |r| {
        let low = r.low.map_or("?".to_owned(), |v| format!("{v}"));
        let high = r.high.map_or("?".to_owned(), |v| format!("{v}"));
        let origin = match (&r.origin[..], &r.source) {
            ("knowledge-base", Some(source)) => {
                format!("{}, {source}", r.population.as_deref().unwrap_or("general"))
            }
            (origin, _) => origin.to_owned(),
        };
        format!("  ref {low}–{high} ({origin})")
    });
    let formula = count.formula.as_ref().map_or_else(String::new, |f| format!("  [{f}]"));
    let _ = writeln!(
        out,
        "  {name:<4} {:>8} {unit:<8} {}{reference}{formula}{grade}",
        format!("{:.3}", count.value).trim_end_matches('0').trim_end_matches('.'),
        &count.time[..10]
    );
}

/// Renders an assessment as plain text.
pub(crate) fn text(a: &Assessment) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "leuko assessment — {}", leuko_api::DISCLAIMER);
    let _ = writeln!(out, "As of {} · knowledge base {}", a.as_of, a.knowledge_base.version);
    let age = a.patient.age_years.map_or("age unknown".to_owned(), |age| format!("{age} y"));
    let mut extras = Vec::new();
    if a.patient.pregnant {
        extras.push("pregnant");
    }
    if a.patient.duffy_null {
        extras.push("documented Duffy-null");
    }
    let _ = writeln!(
        out,
        "Patient {}: {}, {age} ({}){}",
        a.patient.id.as_deref().unwrap_or("(no id)"),
        a.patient.sex,
        a.patient.age_band,
        if extras.is_empty() { String::new() } else { format!(", {}", extras.join(", ")) }
    );
    let _ = writeln!(out, "\nLatest counts");
    let wbc_grade = a.grades.wbc.as_ref().map_or(String::new(), |g| format!("  → CTCAE v5 grade {}", g.ctcae));
    count_line(&mut out, "WBC", a.counts.wbc.as_ref(), &wbc_grade);
    let anc_grade = a.grades.anc.as_ref().map_or(String::new(), |g| {
        format!(
            "  → CTCAE v5 grade {} (v6 grade {}), {}{}",
            g.ctcae,
            g.ctcae_v6,
            g.severity,
            if g.agranulocytosis { ", agranulocytosis range" } else { "" }
        )
    });
    count_line(&mut out, "ANC", a.counts.anc.as_ref(), &anc_grade);
    let alc_grade = a.grades.alc.as_ref().map_or(String::new(), |g| format!("  → CTCAE v5 grade {}", g.ctcae));
    count_line(&mut out, "ALC", a.counts.alc.as_ref(), &alc_grade);
    count_line(&mut out, "Hb", a.counts.hemoglobin.as_ref(), "");
    count_line(&mut out, "PLT", a.counts.platelets.as_ref(), "");
    let _ = writeln!(out, "\nPattern: {}", a.pattern.replace('-', " "));
    let _ = writeln!(out, "Urgent: {}", if a.urgent { "YES — act within the hour" } else { "no" });
    if !a.causes.is_empty() {
        let _ = writeln!(out, "\nPossible causes (ranked; each its own probability, causes can coexist)");
        let shown: Vec<_> = a.causes.iter().filter(|c| c.probability >= 0.01).collect();
        for (rank, cause) in shown.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {}. {} [{}] {:.0} %",
                rank + 1,
                cause.label,
                cause.category,
                cause.probability * 100.0
            );
            for item in cause.evidence.iter().skip(1).filter(|e| e.weight != 1.0).take(4) {
                let sign = if item.direction == "for" { "+" } else { "-" };
                let _ = writeln!(out, "       {sign} {} (x{}; {})", item.finding, item.weight, item.source);
            }
        }
        if shown.len() < a.causes.len() {
            let _ = writeln!(out, "  ({} more below 1 %; see --format json)", a.causes.len() - shown.len());
        }
    }
    if !a.recommendations.is_empty() {
        let _ = writeln!(out, "\nRecommendations");
        for recommendation in &a.recommendations {
            let _ = writeln!(out, "  [{}] {}: {}", recommendation.urgency, recommendation.kind, recommendation.text);
            let _ = writeln!(out, "      why: {}", recommendation.rationale);
            let _ = writeln!(out, "      source: {}", recommendation.source);
        }
    }
    over_time(&mut out, a);
    if !a.warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings");
        for warning in &a.warnings {
            let _ = writeln!(out, "  ! {}: {}", warning.code, warning.message);
        }
    }
    out
}

/// Trends, cycles, nadir windows, monitoring programmes and alerts.
fn over_time(out: &mut String, a: &Assessment) {
    let date = |t: &Option<String>| t.as_deref().map_or("-".to_owned(), |t| t.get(..10).unwrap_or(t).to_owned());
    let series: Vec<_> = a.trend.iter().filter(|(_, t)| t.values >= 2 || t.chronicity != "none").collect();
    if !series.is_empty() {
        let _ = writeln!(out, "\nOver time (baseline and projections: uncited engine calibration)");
        for (analyte, t) in series {
            let mut parts = vec![format!("{} values", t.values), t.chronicity.clone()];
            if let Some(baseline) = t.baseline {
                let change = t.change_from_baseline_pct.map_or(String::new(), |pct| format!(", {pct:+.0} %"));
                parts.push(format!("baseline {baseline}{change}{}", if t.steep_drop { " STEEP DROP" } else { "" }));
            }
            if let Some(slope) = t.slope_per_day {
                parts.push(format!("slope {slope:+.3}/day"));
            }
            if t.projected_below_1_0.is_some() || t.projected_below_0_5.is_some() {
                parts.push(format!(
                    "projected < 1.0 on {}, < 0.5 on {}",
                    date(&t.projected_below_1_0),
                    date(&t.projected_below_0_5)
                ));
            }
            let _ = writeln!(out, "  {:<10} {} {}: {}", analyte, t.latest, t.unit, parts.join("; "));
        }
    }
    if let Some(cyclic) = a.cyclic.as_ref().filter(|c| c.status != "insufficient-data") {
        let period = cyclic.period_days.map_or(String::new(), |p| format!(", period {p} days"));
        let _ = writeln!(out, "  cyclic check: {}{period} ({})", cyclic.status, cyclic.source);
    }
    for window in &a.nadir {
        let _ = writeln!(
            out,
            "  {} cycle of {}: day {} ({}); nadir expected {} to {}, recovery by {} ({})",
            window.drug,
            date(&Some(window.cycle_start.clone())),
            window.day_of_cycle,
            window.phase,
            date(&Some(window.nadir_from.clone())),
            date(&Some(window.nadir_to.clone())),
            date(&Some(window.recovery_by.clone())),
            window.source
        );
    }
    if !a.monitoring.is_empty() {
        let _ = writeln!(out, "\nMonitoring programmes");
        for m in &a.monitoring {
            let latest = m
                .latest_value
                .map_or("no value".to_owned(), |v| format!("{} {v} on {}", m.analyte, date(&m.latest_time)));
            let _ = writeln!(
                out,
                "  {} ({}): {}; action {}; next {} {}{}",
                m.drug,
                m.programme,
                latest,
                m.action.as_deref().unwrap_or("-"),
                m.frequency,
                date(&m.next_due),
                if m.overdue { " OVERDUE" } else { "" }
            );
            for note in &m.notes {
                let _ = writeln!(out, "      {note}");
            }
            let _ = writeln!(out, "      source: {}", m.source);
        }
    }
    if !a.alerts.is_empty() {
        let _ = writeln!(out, "\nAlerts");
        for alert in &a.alerts {
            let _ = writeln!(out, "  [{}] {}", alert.level, alert.text);
        }
    }
}
