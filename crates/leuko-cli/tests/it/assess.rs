//! The `assess` command: the JSON contract, the text view, standard input and bad input.

use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::{leuko, stderr, stdout, test_data};

fn demo_json() -> Value {
    demo_json_with(&[])
}

/// The demo patient assessed as JSON, with further options.
fn demo_json_with(options: &[&str]) -> Value {
    let demo = test_data("demo/patient.json");
    let mut args = vec!["assess", "--as-of", "2026-01-15T08:00:00Z", "--format", "json"];
    args.extend_from_slice(options);
    args.push(demo.to_str().unwrap());
    let output = leuko(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

#[test]
fn json_contract_has_every_field() {
    let a = demo_json();
    for field in [
        "contract",
        "disclaimer",
        "as_of",
        "knowledge_base",
        "patient",
        "counts",
        "grades",
        "pattern",
        "urgent",
        "causes",
        "recommendations",
        "trend",
        "cyclic",
        "nadir",
        "monitoring",
        "alerts",
        "warnings",
    ] {
        assert!(a.get(field).is_some(), "missing {field}");
    }
    assert_eq!(a["contract"], "leuko.assessment/v1");
    assert_eq!(a["as_of"], "2026-01-15T08:00:00Z");
    assert_eq!(a["knowledge_base"]["version"], include_str!("../../../../kb/VERSION").trim());
    assert_eq!(a["patient"]["sex"], "female");
    assert_eq!(a["patient"]["age_years"], 79.0);
    // DEV-013: WBC 600 cells/mm3 -> 0.6 x10^9/L; ANC = 0.6 x (0 % segs + 8 % bands) / 100.
    assert_eq!(a["counts"]["wbc"]["value"], 0.6);
    assert_eq!(a["counts"]["wbc"]["unit"], "10*9/L");
    assert_eq!(a["counts"]["anc"]["value"], 0.048);
    assert!(a["counts"]["anc"]["formula"].as_str().unwrap().contains("band"));
    assert_eq!(a["grades"]["wbc"]["ctcae"], 4);
    assert_eq!(a["grades"]["anc"]["ctcae"], 4);
    assert_eq!(a["grades"]["anc"]["ctcae_v6"], 4);
    assert_eq!(a["grades"]["anc"]["severity"], "profound");
    assert!(a["disclaimer"].as_str().unwrap().contains("not a diagnosis"));
}

#[test]
fn causes_flag_sets_how_much_of_the_differential_is_listed() {
    let causes = |n: &str| demo_json_with(&["--causes", n])["causes"].as_array().unwrap().clone();
    let default = demo_json()["causes"].as_array().unwrap().len();
    assert_eq!(default, leuko_core::AssessConfig::CAUSES_SHOWN);
    let three = causes("3");
    let all = causes("500");
    assert_eq!(three.len(), 3);
    assert!(all.len() > default, "{} causes", all.len());
    // The number shown changes nothing else: the recommendations are those of the default.
    assert_eq!(demo_json_with(&["--causes", "1"])["recommendations"], demo_json()["recommendations"]);
    // The same ranking, only longer; every listed cause carries its evidence.
    assert_eq!(three[..], all[..3]);
    assert!(all.iter().all(|c| c["evidence"].as_array().is_some_and(|e| !e.is_empty())));
}

#[test]
fn output_is_deterministic() {
    assert_eq!(demo_json(), demo_json());
}

#[test]
fn text_view_reads_like_a_summary() {
    let demo = test_data("demo/patient.json");
    let output = leuko(&["assess", "--as-of", "2026-01-15T08:00:00Z", demo.to_str().unwrap()]);
    let text = stdout(&output);
    assert!(text.contains("not a diagnosis"));
    assert!(text.contains("CTCAE v5 grade 4"));
    assert!(text.contains("profound"));
}

#[test]
fn reads_standard_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leuko"))
        .args(["assess", "--as-of", "2026-01-15T08:00:00Z", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&std::fs::read(test_data("demo/patient.json")).unwrap()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let a: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(a["grades"]["wbc"]["ctcae"], 4);
}

#[test]
fn as_of_leaves_out_later_records() {
    let demo = test_data("demo/patient.json");
    let output = leuko(&["assess", "--as-of", "2026-01-14T08:00:00Z", "--format", "json", demo.to_str().unwrap()]);
    let a: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(a["counts"]["wbc"].is_null());
    assert!(a["grades"]["wbc"].is_null());
    assert!(a["warnings"].as_array().unwrap().iter().any(|w| w["code"] == "no-wbc"));
}

#[test]
fn bad_input_is_a_clear_error_not_a_panic() {
    let dir = std::env::temp_dir().join(format!("leuko-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        ("broken.json", "{\"resourceType\": \"Bundle\", \"entry\": [", "malformed JSON"),
        ("list.json", "[1,2]", "not FHIR"),
        ("obs.json", r#"{"resourceType":"Observation","id":"x","code":{"text":"WBC"}}"#, "status"),
    ];
    for (name, text, needle) in cases {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let output = leuko(&["assess", path.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2), "{name}");
        let message = stderr(&output);
        assert!(message.contains(needle) && !message.contains("panicked"), "{name}: {message}");
    }
    let output = leuko(&["assess", "--as-of", "yesterday", test_data("demo/patient.json").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("RFC 3339"));
    let output = leuko(&["assess", dir.join("missing.json").to_str().unwrap()]);
    assert!(stderr(&output).contains("cannot read"));
    std::fs::remove_dir_all(&dir).unwrap();
}
