//! One test per class of malformed input: each is an error that says what and where, never a
//! panic and never a silent drop.

use leuko_fhir::{FhirError, read};

fn observation(fields: &str) -> String {
    format!(
        r#"{{"resourceType":"Bundle","type":"collection","entry":[
            {{"fullUrl":"urn:uuid:p1","resource":{{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1970-01-01"}}}},
            {{"resource":{{"resourceType":"Observation","id":"o1",{fields}}}}}]}}"#
    )
}

const OK_OBSERVATION: &str = r#""status":"final","code":{"coding":[{"system":"http://loinc.org","code":"6690-2"}]},"subject":{"reference":"urn:uuid:p1"},"effectiveDateTime":"2026-01-15T08:00:00Z","valueQuantity":{"value":2.1,"unit":"10*3/uL"}"#;

#[track_caller]
fn expect_error(text: &str, needles: &[&str]) -> FhirError {
    match read(text) {
        Ok(input) => panic!("expected an error, read {} patients", input.patients.len()),
        Err(error) => {
            let message = error.to_string();
            for needle in needles {
                assert!(message.contains(needle), "{message:?} does not mention {needle:?}");
            }
            error
        }
    }
}

#[test]
fn well_formed_observation_is_read() {
    let input = read(&observation(OK_OBSERVATION)).unwrap();
    assert_eq!(input.patients.len(), 1);
    assert_eq!(input.patients[0].observations.len(), 1);
}

#[test]
fn syntax_error_names_line_and_column() {
    let error = expect_error("{\n \"resourceType\": \"Bundle\",\n \"entry\": [,]\n}", &["malformed JSON", "line 3"]);
    assert!(matches!(error, FhirError::Json { line: 3, .. }));
}

#[test]
fn empty_and_truncated_input() {
    expect_error("", &["malformed JSON"]);
    expect_error(&observation(OK_OBSERVATION)[..120], &["malformed JSON"]);
}

#[test]
fn json_that_is_not_fhir() {
    expect_error("[1, 2, 3]", &["not FHIR", "array"]);
    expect_error(r#"{"entry": []}"#, &["not FHIR", "without resourceType"]);
    expect_error(r#"{"resourceType":"Bundle","entry":{"resource":{}}}"#, &["Bundle", "entry", "expected an array"]);
    expect_error(
        r#"{"resourceType":"Bundle","entry":[{"resource":{"id":"x"}}]}"#,
        &["not FHIR", "Bundle.entry[0].resource"],
    );
}

#[test]
fn wrong_type_names_the_json_path() {
    let fields = OK_OBSERVATION.replace(r#""value":2.1"#, r#""value":"2.1""#);
    expect_error(
        &observation(&fields),
        &["Bundle.entry[1].resource", "Observation/o1", "valueQuantity.value", "invalid type"],
    );
}

#[test]
fn observation_required_fields() {
    expect_error(
        &observation(&OK_OBSERVATION.replace(r#""status":"final","#, "")),
        &["Observation/o1", "status", "required"],
    );
    let without_code =
        OK_OBSERVATION.replace(r#""code":{"coding":[{"system":"http://loinc.org","code":"6690-2"}]},"#, "");
    expect_error(&observation(&without_code), &["Observation/o1", "code", "required"]);
}

#[test]
fn observation_status_must_be_in_the_value_set() {
    expect_error(
        &observation(&OK_OBSERVATION.replace("\"final\"", "\"done\"")),
        &["status", "\"done\" is not an Observation status"],
    );
}

#[test]
fn observation_with_two_values() {
    let fields = format!(r#"{OK_OBSERVATION},"valueString":"low""#);
    expect_error(&observation(&fields), &["value[x]", "more than one"]);
}

#[test]
fn bad_date_time() {
    let fields = OK_OBSERVATION.replace("2026-01-15T08:00:00Z", "15/01/2026");
    expect_error(&observation(&fields), &["effectiveDateTime", "\"15/01/2026\" is not a FHIR dateTime"]);
}

#[test]
fn time_without_zone_is_read_as_utc_with_a_warning() {
    let fields = OK_OBSERVATION.replace("2026-01-15T08:00:00Z", "2026-01-15T08:00:00");
    let input = read(&observation(&fields)).unwrap();
    assert!(input.warnings.iter().any(|w| w.contains("no time zone")), "{:?}", input.warnings);
}

#[test]
fn patient_gender_and_birth_date() {
    let bad_gender = r#"{"resourceType":"Patient","id":"p","gender":"F"}"#;
    expect_error(bad_gender, &["Patient/p", "gender", "\"F\""]);
    let bad_birth = r#"{"resourceType":"Patient","id":"p","birthDate":"1970-02-30"}"#;
    expect_error(bad_birth, &["Patient/p", "birthDate"]);
}

#[test]
fn medication_request_required_fields() {
    let base = r#"{"resourceType":"MedicationRequest","id":"m","status":"active","intent":"order","medicationCodeableConcept":{"text":"clozapine"}}"#;
    assert_eq!(read(base).unwrap().patients[0].medications.len(), 1);
    expect_error(&base.replace(r#""intent":"order","#, ""), &["MedicationRequest/m", "intent", "required"]);
    expect_error(
        &base.replace(r#","medicationCodeableConcept":{"text":"clozapine"}"#, ""),
        &["medication[x]", "required"],
    );
    expect_error(&base.replace("\"active\"", "\"taking\""), &["status", "\"taking\""]);
}

#[test]
fn condition_clinical_status() {
    let text = r#"{"resourceType":"Condition","id":"c","clinicalStatus":{"coding":[{"code":"ongoing"}]},"code":{"text":"splenomegaly"},"subject":{"reference":"Patient/p"}}"#;
    expect_error(text, &["Condition/c", "clinicalStatus", "\"ongoing\""]);
}

#[test]
fn subject_outside_a_multi_patient_bundle() {
    let text = r#"{"resourceType":"Bundle","type":"collection","entry":[
        {"resource":{"resourceType":"Patient","id":"a"}},
        {"resource":{"resourceType":"Patient","id":"b"}},
        {"resource":{"resourceType":"Condition","id":"c","code":{"text":"fever"},"subject":{"reference":"Patient/zzz"}}}]}"#;
    expect_error(text, &["Condition/c", "subject", "Patient/zzz"]);
}

#[test]
fn ndjson_bad_line_is_named() {
    let text = format!("{}\n{{\"resourceType\": \"Observation\", oops}}\n", r#"{"resourceType":"Patient","id":"p"}"#);
    let error = expect_error(&text, &["NDJSON line 2"]);
    assert!(matches!(error, FhirError::Json { ndjson_line: Some(2), .. }));
}

#[test]
fn ndjson_is_read() {
    let text = format!(
        "{}\n{}\n",
        r#"{"resourceType":"Patient","id":"p"}"#,
        r#"{"resourceType":"Observation","id":"o","status":"final","code":{"text":"WBC"},"subject":{"reference":"Patient/p"},"valueQuantity":{"value":3,"unit":"K/uL"},"effectiveDateTime":"2026-01-01"}"#
    );
    let input = read(&text).unwrap();
    assert_eq!(input.patients[0].observations.len(), 1);
}

#[test]
fn unknown_types_are_counted_and_entered_in_error_excluded() {
    let text = r#"{"resourceType":"Bundle","type":"transaction","entry":[
        {"resource":{"resourceType":"Patient","id":"p"}},
        {"resource":{"resourceType":"Encounter","id":"e1"}},
        {"resource":{"resourceType":"Encounter","id":"e2"}},
        {"resource":{"resourceType":"Claim","id":"c1"}},
        {"resource":{"resourceType":"Observation","id":"o","status":"entered-in-error","code":{"text":"WBC"}}}]}"#;
    let input = read(text).unwrap();
    assert_eq!(input.skipped.get("Encounter"), Some(&2));
    assert_eq!(input.skipped.get("Claim"), Some(&1));
    assert_eq!(input.excluded.len(), 1);
    assert!(input.excluded[0].contains("Observation/o"));
    assert!(input.patients[0].observations.is_empty());
}

#[test]
fn byte_order_mark_is_ignored() {
    let text = format!("\u{feff}{}", observation(OK_OBSERVATION));
    assert_eq!(read(&text).unwrap().patients.len(), 1);
}

#[test]
fn allergies_are_read_as_conditions() {
    let text = r#"{"resourceType":"Bundle","type":"collection","entry":[
        {"resource":{"resourceType":"Patient","id":"p"}},
        {"resource":{"resourceType":"AllergyIntolerance","id":"a","code":{"text":"Penicillin"},"patient":{"reference":"Patient/p"}}},
        {"resource":{"resourceType":"AllergyIntolerance","id":"r","verificationStatus":{"coding":[{"code":"refuted"}]},"code":{"text":"Sulfa"},"patient":{"reference":"Patient/p"}}}]}"#;
    let input = read(text).unwrap();
    let conditions = &input.patients[0].conditions;
    assert_eq!(conditions.len(), 1);
    assert_eq!(conditions[0].text.as_deref(), Some("Penicillin allergy"));
    assert_eq!(input.excluded.len(), 1);
    expect_error(
        r#"{"resourceType":"AllergyIntolerance","id":"x","patient":{"reference":"Patient/p"}}"#,
        &["AllergyIntolerance/x", "code"],
    );
}
