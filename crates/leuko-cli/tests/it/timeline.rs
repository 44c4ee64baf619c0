//! The `timeline` command and the early-detection parts of the assessment contract, on the
//! synthetic clozapine series of `test_data/demo/clozapine-series.json`.

use serde_json::Value;

use crate::{leuko, stderr, stdout, test_data};

const AS_OF: &str = "2025-11-17T10:00:00Z";

#[test]
fn the_timeline_shows_counts_exposures_alerts_and_what_is_due_in_time_order() {
    let file = test_data("demo/clozapine-series.json");
    let output = leuko(&["timeline", "--as-of", AS_OF, file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("not a diagnosis"));
    let position = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle:?} missing:\n{text}"));
    // The in-range fall from the baseline (4.0 -> 2.2, -45 %) alerts before any count is low.
    assert!(position("clozapine started") < position("anc 2.200"));
    assert!(position("fell 45 % from the personal baseline") < position("anc 1.600"));
    // The ANC of 0.7 (moderate) interrupts clozapine (US label, general table); the next count is
    // due the next day (daily), after the "now" line.
    assert!(position("clozapine: interrupt") < position("---- now"));
    assert!(position("---- now") < position("due        clozapine anc test"));
}

#[test]
fn the_json_timeline_and_assessment_carry_trend_and_monitoring() {
    let file = test_data("demo/clozapine-series.json");
    let output = leuko(&["timeline", "--format", "json", "--as-of", AS_OF, file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let timeline: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(timeline["contract"], "leuko.timeline/v1");
    let events = timeline["events"].as_array().unwrap();
    let times: Vec<&str> = events.iter().map(|e| e["time"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "events in time order");
    // Grade 2 alerts once (at 1.1), grade 3 once (at 0.7): deduplicated per episode.
    let neutropenia: Vec<&str> = events
        .iter()
        .filter(|e| e["kind"] == "alert" && e["text"].as_str().unwrap().starts_with("neutropenia"))
        .map(|e| e["time"].as_str().unwrap())
        .collect();
    assert_eq!(neutropenia, ["2025-11-03T09:00:00Z", "2025-11-10T09:00:00Z", "2025-11-17T09:00:00Z"]);

    let a = &timeline["assessment"];
    let anc = &a["trend"]["anc"];
    for field in [
        "baseline",
        "change_from_baseline_pct",
        "slope_per_day",
        "projected_below_1_0",
        "projected_below_0_5",
        "chronicity",
    ] {
        assert!(anc.get(field).is_some(), "trend.anc.{field} missing");
    }
    assert_eq!(anc["baseline"], 4.0);
    assert_eq!(anc["chronicity"], "acute");
    assert!(anc["projected_below_1_0"].is_null(), "already below 1.0");
    let clozapine = a["monitoring"].as_array().unwrap().iter().find(|m| m["programme"] == "clozapine").unwrap();
    for field in ["programme", "drug", "phase", "latest_value", "action", "frequency", "next_due", "overdue"] {
        assert!(clozapine.get(field).is_some(), "monitoring.{field} missing");
    }
    assert_eq!(clozapine["action"], "interrupt");
    assert_eq!(clozapine["latest_value"], 0.7);
    assert_eq!(clozapine["next_due"], "2025-11-18T09:00:00Z");
    assert_eq!(clozapine["overdue"], false);
}

#[test]
fn the_next_day_without_a_count_the_clozapine_test_is_overdue() {
    let file = test_data("demo/clozapine-series.json");
    let output = leuko(&["assess", "--format", "json", "--as-of", "2025-11-19T10:00:00Z", file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let a: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let clozapine = a["monitoring"].as_array().unwrap().iter().find(|m| m["programme"] == "clozapine").unwrap();
    assert_eq!(clozapine["overdue"], true);
}

/// Days between the first alert raised on a count (not a process alert such as an overdue test)
/// and the first ANC below 0.5 x10^9/L, from the timeline of a published serial-count case.
fn lead_time_days(file: &str, as_of: &str) -> (i64, bool) {
    let path = test_data(file);
    let output = leuko(&["timeline", "--format", "json", "--as-of", as_of, path.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let timeline: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let events = timeline["events"].as_array().unwrap();
    let time = |e: &Value| chrono::DateTime::parse_from_rfc3339(e["time"].as_str().unwrap()).unwrap();
    let crossed = events
        .iter()
        .find(|e| {
            e["kind"] == "count" && e["text"].as_str().unwrap().starts_with("anc ") && {
                let value: f64 = e["text"].as_str().unwrap()[4..].split(' ').next().unwrap().parse().unwrap();
                value < 0.5
            }
        })
        .map(time)
        .expect("the ANC fell below 0.5");
    let count_alert = |e: &&Value| {
        e["kind"] == "alert"
            && !e["text"].as_str().unwrap().contains("overdue")
            && !e["text"].as_str().unwrap().contains(": interrupt")
    };
    let first = events.iter().find(count_alert).map(time).expect("an alert");
    // A monitoring test overdue before the crossing (an alert, or the due date the timeline marks
    // overdue): a process alert that would have prompted a count.
    let process_alert_before = events.iter().any(|e| {
        (e["kind"] == "overdue" || (e["kind"] == "alert" && e["text"].as_str().unwrap().contains("overdue")))
            && time(e) < crossed
    });
    ((crossed - first).num_days(), process_alert_before)
}

#[test]
fn lead_time_on_published_serial_counts() {
    // Clozapine (Psychiatr Serv 1998): WBC 5.1 -> 3.9 alerts (grade 1, falling, projected below
    // 0.5) 8 days before the ANC of 0.17.
    assert_eq!(lead_time_days("series/series-clozapine-1998.json", "1997-07-25T10:00:00Z"), (8, true));
    // Deferiprone (PMC3200417): a normal count a week before the agranulocytosis: no lead time
    // is possible from counts.
    assert_eq!(lead_time_days("series/series-deferiprone-pmc3200417.json", "2000-03-19T10:00:00Z"), (0, false));
    // Ceftriaxone OPAT (Perm J 2019): no count between day -1 and day 21, so no count-based lead
    // time, but the weekly OPAT count was overdue from day 7.
    assert_eq!(lead_time_days("series/series-ceftriaxone-2019.json", "2018-01-22T10:00:00Z"), (0, true));
}
