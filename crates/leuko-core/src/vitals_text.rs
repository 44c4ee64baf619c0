//! Vital signs written in free text ("pulse 124 beats/min", "blood pressure 110/70 mmHg",
//! "temperature 100.8 F"): read with the knowledge base's phrases, converted with its units, and
//! flagged as read from text.

use chrono::{DateTime, Utc};

use crate::assessment::{DataQualityFlag, LabResult, Origin};
use crate::kb::KnowledgeBase;
use crate::record::{PatientRecord, ResultStatus};
use crate::text::{find_phrase, fold};

/// Words that may stand between a vital's name and its number.
const FILLERS: [&str; 9] = ["of", "was", "is", "at", "to", "on", "admission", "up", "approximately"];

/// Reads the number that follows byte `from` of `text`, skipping filler words and punctuation;
/// returns it with the text right after it.
fn number_after(text: &str, from: usize) -> Option<(f64, &str)> {
    let mut rest = &text[from..];
    for _ in 0..4 {
        rest = rest.trim_start_matches([' ', ':', '=', '-', ',']);
        let first = rest.chars().next()?;
        if first.is_ascii_digit() {
            let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
            let value = rest[..end].trim_end_matches('.').parse().ok()?;
            return Some((value, &rest[end..]));
        }
        let word_end = rest.find(' ').unwrap_or(rest.len());
        if !FILLERS.contains(&&rest[..word_end]) {
            return None;
        }
        rest = &rest[word_end..];
    }
    None
}

/// Vital signs found in the text of conditions (findings) and their notes.
pub(crate) fn read(
    kb: &KnowledgeBase,
    record: &PatientRecord,
    as_of: DateTime<Utc>,
    first_order: usize,
) -> (Vec<LabResult>, Vec<DataQualityFlag>) {
    let mut results = Vec::new();
    let mut flags = Vec::new();
    let mut order = first_order;
    for condition in record.conditions.iter().filter(|c| c.onset.is_none_or(|t| t <= as_of)) {
        let time = condition.onset.unwrap_or(as_of);
        for text in condition.text.iter().chain(&condition.notes) {
            let folded = fold(text);
            for vital in &kb.vitals_text {
                let def = kb.analyte(vital.analyte);
                let hit = vital.phrases.iter().find_map(|phrase| {
                    find_phrase(&folded, phrase).into_iter().find_map(|at| number_after(&folded, at + phrase.len()))
                });
                let Some((value, after)) = hit else { continue };
                let after = after.trim_start();
                if after.starts_with('%') {
                    continue; // "pulse oximetry 95 %" is not a pulse rate.
                }
                let after = after.strip_prefix('/').map_or(after, |_| after.split_once(' ').map_or("", |(_, r)| r));
                let unit_word = after.split([' ', ',', ';', ')']).next().unwrap_or_default();
                let (unit, spelling) = match kb.unit(&def.unit_table, unit_word) {
                    Some(unit) if !unit_word.is_empty() => (unit, unit_word),
                    _ => match kb.unit(&def.unit_table, &vital.default_unit) {
                        Some(unit) => (unit, vital.default_unit.as_str()),
                        None => continue,
                    },
                };
                let converted = value * unit.factor + unit.offset;
                if !converted.is_finite() || converted <= 0.0 {
                    continue;
                }
                flags.push(DataQualityFlag {
                    code: "vital-from-text",
                    message: format!(
                        "{} {value} {spelling} read from the text {text:?} of {}",
                        def.label, condition.id
                    ),
                    subject: Some(condition.id.clone()),
                });
                results.push(LabResult {
                    analyte: vital.analyte,
                    value: converted,
                    unit: def.canonical_unit.clone(),
                    time,
                    origin: Origin::Reported { observation: format!("{} (text)", condition.id) },
                    lab_reference: None,
                    status: ResultStatus::Final,
                    order,
                    preferred: false,
                });
                order += 1;
            }
        }
    }
    (results, flags)
}
