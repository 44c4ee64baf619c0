//! `leuko assess` on every vignette bundle (the 45 public ones and the project's own) gives the
//! CTCAE v5.0 WBC and ANC grades that the vignette expects, under the set's stated laboratory
//! LLNs (eval/site.toml).

use serde_json::Value;

use crate::{leuko, stderr, stdout, test_data};

fn grade_agreement(set: &str) -> (usize, usize, Vec<String>) {
    let records: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(test_data(&format!("{set}/vignettes.json"))).unwrap()).unwrap();
    let site = test_data("eval/site.toml");
    let (mut agree, mut total, mut misses) = (0, 0, Vec::new());
    for record in &records {
        let id = record["id"].as_str().unwrap();
        let bundle = test_data(&format!("{set}/bundles/{id}.json"));
        let output = leuko(&[
            "assess",
            "--as-of",
            "2026-01-15T08:00:00Z",
            "--format",
            "json",
            "--site",
            site.to_str().unwrap(),
            bundle.to_str().unwrap(),
        ]);
        assert!(output.status.success(), "{id}: {}", stderr(&output));
        let assessment: Value = serde_json::from_str(&stdout(&output)).unwrap_or_else(|e| panic!("{id}: {e}"));
        for (key, expected) in
            [("wbc", &record["expected"]["ctcae_wbc_grade"]), ("anc", &record["expected"]["ctcae_anc_grade"])]
        {
            total += 1;
            // The set grades day-0 counts only; the engine grades the latest count, whatever its day.
            let on_day_0 = assessment["counts"][key]["time"].as_str().is_some_and(|t| t.starts_with("2026-01-15"));
            let found = if on_day_0 { assessment["grades"][key]["ctcae"].clone() } else { Value::Null };
            if &found == expected {
                agree += 1;
            } else {
                misses.push(format!("{id} {key}: expected {expected}, found {found}"));
            }
        }
    }
    (agree, total, misses)
}

#[test]
fn public_vignettes_grades_agree() {
    let (agree, total, misses) = grade_agreement("eval");
    assert_eq!(total, 90);
    assert!(misses.is_empty(), "{agree}/{total} agree; {misses:#?}");
}

#[test]
fn own_vignettes_grades_agree() {
    let (agree, total, misses) = grade_agreement("vignettes");
    assert!(total >= 60);
    assert!(misses.is_empty(), "{agree}/{total} agree; {misses:#?}");
}

/// `leuko eval` on each set holds the levels recorded in its ratchet file (issue #8: CI fails
/// when a metric drops below the record).
#[test]
fn eval_holds_the_ratchet() {
    for set in ["eval", "vignettes"] {
        let output = leuko(&[
            "eval",
            test_data(&format!("{set}/vignettes.json")).to_str().unwrap(),
            test_data(&format!("{set}/bundles")).to_str().unwrap(),
            "--ratchet",
            test_data(&format!("{set}/ratchet.toml")).to_str().unwrap(),
        ]);
        assert!(output.status.success(), "{set}: {}\n{}", stderr(&output), stdout(&output));
        assert!(stdout(&output).contains("every metric at or above its record"));
    }
}
