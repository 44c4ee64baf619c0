//! Every message file of `tests/messages` (third-party test corpora; see PROVENANCE.md) against
//! `manifest.csv`: the number of messages, segments and OBX rows, and — through the core's
//! assessment — the WBC and ANC each result message yields, or the precise reason it yields none.

use chrono::{TimeZone, Utc};
use leuko_core::AssessConfig;

struct Row {
    file: String,
    messages: usize,
    segments: usize,
    obx: usize,
    has_wbc: bool,
}

fn manifest() -> Vec<Row> {
    let text = include_str!("manifest.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).expect("a manifest column");
    let (file, messages, segments, obx, has_wbc) =
        (column("file"), column("messages_in_file"), column("segments"), column("obx"), column("has_wbc"));
    lines
        .map(|line| {
            // Quoted fields may hold commas: split outside quotes.
            let mut fields = Vec::new();
            let (mut current, mut quoted) = (String::new(), false);
            for c in line.chars() {
                match c {
                    '"' => quoted = !quoted,
                    ',' if !quoted => fields.push(std::mem::take(&mut current)),
                    _ => current.push(c),
                }
            }
            fields.push(current);
            Row {
                file: fields[file].clone(),
                messages: fields[messages].parse().expect("a count"),
                segments: fields[segments].parse().expect("a count"),
                obx: fields[obx].parse().expect("a count"),
                has_wbc: fields[has_wbc] == "True",
            }
        })
        .collect()
}

/// The latest WBC and ANC (x10^9/L) the core reads from one file's messages.
fn counts(file: &str) -> (Option<f64>, Option<f64>, Vec<String>) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/messages").join(file);
    let (text, _) = leuko_hl7::decode(&std::fs::read(path).expect("readable"));
    let messages = leuko_hl7::parse(&text).expect("parses");
    let site = leuko_hl7::SiteCodes::from_toml(include_str!("site-codes.toml")).expect("valid table");
    let mut wbc = None;
    let mut anc = None;
    let mut flags = Vec::new();
    for mapped in leuko_hl7::map(&messages, &site) {
        let as_of = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).single().expect("a date");
        let a = leuko_core::assess(
            leuko_kb::bundled(),
            &mapped.record,
            as_of,
            &AssessConfig::with_site_intervals(Vec::new()),
        );
        wbc = wbc.or(a.counts.wbc.as_ref().map(|c| c.result.value));
        anc = anc.or(a.counts.anc.as_ref().map(|c| c.result.value));
        flags.extend(a.warnings.iter().map(|w| format!("{}: {}", w.code, w.message)));
        flags.extend(mapped.warnings);
    }
    (wbc, anc, flags)
}

#[test]
fn every_file_parses_with_the_manifest_s_counts() {
    let rows = manifest();
    assert_eq!(rows.len(), 38);
    for row in rows {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/messages").join(&row.file);
        let (text, _) = leuko_hl7::decode(&std::fs::read(&path).expect("readable"));
        let messages = leuko_hl7::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", row.file));
        assert_eq!(messages.len(), row.messages, "{}: messages", row.file);
        // Segments: those read, plus those refused with a warning, plus the batch envelope.
        let read: usize = messages.iter().map(|m| m.segments.len()).sum();
        let refused: usize =
            messages.iter().flat_map(|m| &m.warnings).filter(|w| w.contains("no valid segment id")).count();
        let envelope = text
            .split(['\r', '\n'])
            .filter(|l| ["FHS", "BHS", "BTS", "FTS"].iter().any(|s| l.trim_start_matches('\u{feff}').starts_with(s)))
            .count();
        assert_eq!(read + refused + envelope, row.segments, "{}: segments", row.file);
        let obx: usize = messages.iter().map(|m| m.segments.iter().filter(|s| s.id == "OBX").count()).sum();
        assert_eq!(obx, row.obx, "{}: OBX rows", row.file);
    }
}

#[test]
fn each_result_message_yields_its_wbc_and_anc_or_says_why_not() {
    // From PROVENANCE.md "Statistics": the WBC of each file that has one, in x10^9/L.
    let expected: [(&str, Option<f64>, Option<f64>); 6] = [
        ("01_nist-lri_cbc-autodiff_leukocytosis.hl7", Some(105.6), Some(58.0)), // 105600 {cells}/uL; ANC 58 10*3/uL
        ("02_fhirconv_hemogram-diff_missing-values_bom.hl7", None, None),       // WBC present but empty (pending)
        ("03_fhirconv_hemogram-diff_variant2_bom.hl7", None, None), // 8.2 giga.l-1 under the wrong LOINC 11156-7
        ("04_nhapi_denverhealth-sunquest_wbc-high_dollar-subcomp.hl7", Some(20.0), None), // local code WBC, 20.0 k/uL
        ("05_nhapi_cohie-orf-r04_wbc-low-corrected.hl7", Some(1.1), None), // local code WBC, 1.1 k/uL, corrected
        ("06_hapi_spanish-hemograma_leucocitos.hl7", Some(7.35), None), // 7350.00 /mm3, LOINC in OBX-3.4
    ];
    for row in manifest() {
        let (wbc, anc, flags) = counts(&row.file);
        match expected.iter().find(|(file, _, _)| *file == row.file) {
            Some((_, want_wbc, want_anc)) => {
                assert!(row.has_wbc, "{}", row.file);
                let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
                    (Some(a), Some(b)) => (a - b).abs() < 1e-9,
                    (None, None) => true,
                    _ => false,
                };
                assert!(close(wbc, *want_wbc), "{}: WBC {wbc:?}, expected {want_wbc:?}; {flags:?}", row.file);
                assert!(close(anc, *want_anc), "{}: ANC {anc:?}, expected {want_anc:?}", row.file);
                if want_wbc.is_none() {
                    // No value: the reason is named.
                    assert!(
                        flags.iter().any(|f| f.contains("pending") || f.contains("11156-7") || f.contains("no-wbc")),
                        "{}: {flags:?}",
                        row.file
                    );
                }
            }
            None => {
                assert!(!row.has_wbc, "{} is marked has_wbc in the manifest but has no expectation here", row.file);
                assert_eq!(wbc, None, "{}", row.file);
            }
        }
    }
}

#[test]
fn the_header_parse_reads_what_receiving_needs_as_the_full_parse_does() {
    let mut inputs: Vec<String> = manifest()
        .iter()
        .map(|row| {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/messages").join(&row.file);
            leuko_hl7::decode(&std::fs::read(path).expect("readable")).0
        })
        .collect();
    // And what the full parse refuses.
    inputs.extend(["hello there", "", "PID|1||42", "MSH|", "MSH|^"].map(str::to_owned));
    // A segment line that begins with white space (found by fuzzing: a form feed before PID
    // was read as PID by the full parse and skipped by the header parse).
    inputs.push(
        "MSH|^~\\&|LAB|HOSP|||20240101||ORU^R01|1|P|2.5\r\u{c}PID|1||42^^^HOSP\rOBX|1|NM|6690-2^WBC^LN||3.0".to_owned(),
    );
    let site = leuko_hl7::SiteCodes { sender_as_authority: true, ..Default::default() };
    for text in &inputs {
        match (leuko_hl7::parse(text), leuko_hl7::parse_headers(text)) {
            (Ok(full), Ok(headers)) => {
                assert_eq!(full.len(), headers.len());
                for (f, h) in full.iter().zip(&headers) {
                    assert_eq!(f.raw, h.raw, "the raw message is whole");
                    assert_eq!(f.message_type(), h.message_type());
                    assert_eq!(f.control_id(), h.control_id());
                    assert_eq!(leuko_hl7::patient_id(f, &site), leuko_hl7::patient_id(h, &site));
                    assert_eq!(f.segment("MSH"), h.segment("MSH"));
                    assert!(h.segments.iter().all(|s| s.id == "MSH" || s.id == "PID"), "only MSH and PID read");
                }
            }
            (Err(full), Err(headers)) => assert_eq!(full.to_string(), headers.to_string()),
            (full, headers) => panic!("the parses disagree on {text:?}: {full:?} / {headers:?}"),
        }
    }
}
