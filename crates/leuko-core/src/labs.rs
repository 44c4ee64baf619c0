//! From observations as sent to normalised results: analyte identification, unit conversion,
//! plausibility guards, and absolute counts derived from percentages.
//!
//! Rules (clinical-tables §6): decide count vs fraction by LOINC property first, then by unit; a
//! percentage becomes a count only with a WBC of the same specimen (or, without specimen ids, the
//! same collection time); ANC = WBC × (neutrophil %) / 100, or WBC × (segmented % + band %) / 100
//! from a manual differential; a percentage is never compared with a count threshold.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::analyte::{Analyte, Property};
use crate::assessment::{DataQualityFlag, LabResult, Origin};
use crate::kb::KnowledgeBase;
use crate::record::{Observation, ObservationValue, Quantity, ResultStatus};
use crate::text::{find_any, fold};

/// A percentage result waiting for its WBC.
#[derive(Debug, Clone)]
pub(crate) struct Fraction {
    pub(crate) analyte: Analyte,
    pub(crate) percent: f64,
    pub(crate) time: DateTime<Utc>,
    pub(crate) specimen: Option<String>,
    pub(crate) observation: String,
    pub(crate) order: usize,
    pub(crate) status: ResultStatus,
}

/// A result whose value is text (e.g. a Duffy phenotype).
#[derive(Debug, Clone)]
pub(crate) struct TextResult {
    pub(crate) observation: String,
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) time: Option<DateTime<Utc>>,
}

/// Everything the normalisation produced.
#[derive(Debug, Default)]
pub(crate) struct Labs {
    pub(crate) results: Vec<LabResult>,
    pub(crate) fractions: Vec<Fraction>,
    pub(crate) texts: Vec<TextResult>,
    pub(crate) flags: Vec<DataQualityFlag>,
    pub(crate) recognised: usize,
    pub(crate) after_as_of: usize,
}

fn flag(code: &'static str, subject: &str, message: String) -> DataQualityFlag {
    DataQualityFlag { code, message, subject: Some(subject.to_owned()) }
}

/// Normalises every observation dated at or before `as_of`.
pub(crate) fn normalise(kb: &KnowledgeBase, observations: &[Observation], as_of: DateTime<Utc>) -> Labs {
    let mut labs = Labs::default();
    for (order, observation) in observations.iter().enumerate() {
        read_observation(kb, observation, order, as_of, &mut labs);
    }
    derive_from_fractions(kb, &mut labs);
    check_consistency(&mut labs);
    labs.results.sort_by(|a, b| a.time.cmp(&b.time).then(a.order.cmp(&b.order)).then(a.analyte.cmp(&b.analyte)));
    labs
}

/// Identifies the analyte of an observation: LOINC first, then its text.
pub(crate) fn identify(kb: &KnowledgeBase, observation: &Observation) -> Identified {
    for code in observation.loinc_codes() {
        if let Some(def) = kb.loinc(code) {
            return Identified::Analyte {
                analyte: def.analyte,
                property: Some(def.property),
                preferred: def.preferred,
                by_code: true,
            };
        }
        if kb.is_panel(code) {
            return Identified::Panel;
        }
    }
    for name in observation.names() {
        if let Some((analyte, property)) = kb.analyte_by_text(name) {
            return Identified::Analyte { analyte, property, preferred: false, by_code: false };
        }
    }
    Identified::Unknown
}

/// What an observation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Identified {
    Analyte { analyte: Analyte, property: Option<Property>, preferred: bool, by_code: bool },
    Panel,
    Unknown,
}

fn describe(observation: &Observation, analyte: Analyte) -> String {
    let code = observation.loinc_codes().next().map(|c| format!(", LOINC {c}")).unwrap_or_default();
    format!("{} ({analyte}{code})", observation.id)
}

fn read_observation(
    kb: &KnowledgeBase,
    observation: &Observation,
    order: usize,
    as_of: DateTime<Utc>,
    labs: &mut Labs,
) {
    let Identified::Analyte { analyte, property, preferred, by_code } = identify(kb, observation) else {
        if let Identified::Panel = identify(kb, observation) {
            labs.recognised += 1;
        } else if let ObservationValue::Text(value) = &observation.value {
            // Unrecognised text results are kept: they may document a phenotype or a test result.
            labs.texts.push(TextResult {
                observation: observation.id.clone(),
                name: observation.names().next().unwrap_or_default().to_owned(),
                value: value.clone(),
                time: observation.time,
            });
        }
        return;
    };
    labs.recognised += 1;
    if observation.time.is_some_and(|time| time > as_of) {
        labs.after_as_of += 1;
        return;
    }
    let who = describe(observation, analyte);
    let Some(time) = observation.time else {
        labs.flags.push(flag(
            "no-time",
            &observation.id,
            format!("{who} has no collection time and cannot be placed in the series; it was not used"),
        ));
        return;
    };
    match observation.status {
        ResultStatus::NotUsable => {
            labs.flags.push(flag(
                "status-not-usable",
                &observation.id,
                format!("{who} is registered, cancelled or of unknown status; it was not used"),
            ));
            return;
        }
        ResultStatus::Preliminary => {
            labs.flags.push(flag(
                "preliminary-result",
                &observation.id,
                format!("{who} is preliminary; it was used but may change"),
            ));
        }
        ResultStatus::Final | ResultStatus::Corrected => {}
    }
    check_remarks(kb, observation, &who, labs);

    let quantity = match &observation.value {
        ObservationValue::Quantity(quantity) => quantity.clone(),
        ObservationValue::Text(text) => match parse_numeric_text(text) {
            Some(quantity) => quantity,
            None => {
                labs.flags.push(flag(
                    "non-numeric-value",
                    &observation.id,
                    format!("{who} has the text value {text:?}, not a number; it was not used"),
                ));
                labs.texts.push(TextResult {
                    observation: observation.id.clone(),
                    name: analyte.id().to_owned(),
                    value: text.clone(),
                    time: Some(time),
                });
                return;
            }
        },
        ObservationValue::Absent => {
            labs.flags.push(flag("no-value", &observation.id, format!("{who} has no value; it was not used")));
            return;
        }
    };
    if !quantity.value.is_finite() || quantity.value < 0.0 {
        labs.flags.push(flag(
            "implausible-value",
            &observation.id,
            format!("{who} has the value {}, which cannot be a measurement; it was not used", quantity.value),
        ));
        return;
    }
    if let Some(comparator) = &quantity.comparator {
        labs.flags.push(flag(
            "censored-value",
            &observation.id,
            format!("{who} is reported as {comparator} {}; the bound was used as the value", quantity.value),
        ));
    }

    let def = kb.analyte(analyte);
    let unit_text =
        [quantity.code.as_deref(), quantity.unit.as_deref()].into_iter().flatten().find(|u| !u.trim().is_empty());
    let is_fraction_unit = unit_text.is_some_and(|u| kb.unit("fraction", u).is_some());
    let is_count_unit = unit_text.is_some_and(|u| kb.unit(&def.unit_table, u).is_some());

    let property = match property {
        Some(Property::Count) if is_fraction_unit && !is_count_unit => {
            labs.flags.push(flag(
                "property-unit-conflict",
                &observation.id,
                format!(
                    "{who} is coded as a count but reported in {:?}; it was read as a percentage",
                    unit_text.unwrap_or_default()
                ),
            ));
            Property::Fraction
        }
        Some(Property::Fraction) if is_count_unit && !is_fraction_unit => {
            labs.flags.push(flag(
                "property-unit-conflict",
                &observation.id,
                format!(
                    "{who} is coded as a percentage but reported in {:?}; it was read as a count",
                    unit_text.unwrap_or_default()
                ),
            ));
            Property::Count
        }
        Some(property) => property,
        None if is_fraction_unit => Property::Fraction,
        None => Property::Count,
    };
    let _ = by_code;

    if property == Property::Fraction {
        if unit_text.is_some() && !is_fraction_unit {
            labs.flags.push(flag(
                "unknown-unit",
                &observation.id,
                format!(
                    "{who}: unit {:?} is not a known percentage unit; the value was not used",
                    unit_text.unwrap_or_default()
                ),
            ));
            return;
        }
        if quantity.value > 100.0 {
            labs.flags.push(flag(
                "implausible-value",
                &observation.id,
                format!("{who} is {} %, above 100 %; it was not used", quantity.value),
            ));
            return;
        }
        labs.fractions.push(Fraction {
            analyte,
            percent: quantity.value,
            time,
            specimen: observation.specimen.clone(),
            observation: observation.id.clone(),
            order,
            status: observation.status,
        });
        return;
    }

    let Some(unit_spelling) = unit_text else {
        labs.flags.push(flag(
            "missing-unit",
            &observation.id,
            format!(
                "{who} has the value {} with no unit; a count cannot be read without its unit, so it was not used",
                quantity.value
            ),
        ));
        return;
    };
    let Some(unit) = kb.unit(&def.unit_table, unit_spelling) else {
        labs.flags.push(flag(
            "unknown-unit",
            &observation.id,
            format!(
                "{who}: unit {unit_spelling:?} is not a known unit for {}; the value {} was not used",
                def.label, quantity.value
            ),
        ));
        return;
    };
    let mut value = quantity.value * unit.factor + unit.offset;
    if !value.is_finite() {
        labs.flags.push(flag(
            "implausible-value",
            &observation.id,
            format!("{who}: {} {unit_spelling} is out of any measurable range; it was not used", quantity.value),
        ));
        return;
    }
    if let Some(guard) = &def.reinterpret_above
        && value > guard.value
    {
        let rescaled = value * guard.factor;
        labs.flags.push(flag(
            "unit-reinterpreted",
            &observation.id,
            format!(
                "{who}: {} {unit_spelling} would be {value} {}, which is implausible; read as {rescaled} {} (the unit was probably wrong; verify with the laboratory)",
                quantity.value, def.canonical_unit, def.canonical_unit
            ),
        ));
        value = rescaled;
    } else if let Some(guard) = &def.reinterpret_above
        && let Some(verify) = guard.verify_above
        && value > verify
    {
        labs.flags.push(flag(
            "unit-doubtful",
            &observation.id,
            format!(
                "{who}: {} {unit_spelling} is {value} {}, rarely seen; had it been sent in the smaller unit it would be {} {}; it was used as reported (verify the unit with the laboratory)",
                quantity.value,
                def.canonical_unit,
                value * guard.factor,
                def.canonical_unit
            ),
        ));
    }
    let lab_reference = reference_range(kb, observation, &def.unit_table, unit_spelling);
    labs.results.push(LabResult {
        analyte,
        value,
        unit: def.canonical_unit.clone(),
        time,
        origin: Origin::Reported { observation: observation.id.clone() },
        lab_reference,
        status: observation.status,
        order,
        preferred,
    });
}

/// Reads "2.1", "< 0.5", "<=0.1 x10^9/L" as a quantity; the unit, when present, follows the number.
fn parse_numeric_text(text: &str) -> Option<Quantity> {
    let trimmed = text.trim();
    let (comparator, rest) = ["<=", ">=", "<", ">"]
        .iter()
        .find_map(|c| trimmed.strip_prefix(c).map(|rest| (Some((*c).to_owned()), rest.trim_start())))
        .unwrap_or((None, trimmed));
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',')).unwrap_or(rest.len());
    let number = rest[..end].replace(',', ".");
    if number.is_empty() {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    let unit = rest[end..].trim();
    Some(Quantity { value, comparator, unit: (!unit.is_empty()).then(|| unit.to_owned()), code: None })
}

fn reference_range(
    kb: &KnowledgeBase,
    observation: &Observation,
    table: &str,
    value_unit: &str,
) -> Option<(Option<f64>, Option<f64>)> {
    let convert = |quantity: &Option<Quantity>| -> Option<f64> {
        let quantity = quantity.as_ref()?;
        let spelling = [quantity.code.as_deref(), quantity.unit.as_deref()]
            .into_iter()
            .flatten()
            .find(|u| !u.trim().is_empty())
            .unwrap_or(value_unit);
        let unit = kb.unit(table, spelling)?;
        Some(quantity.value * unit.factor + unit.offset)
    };
    let low = convert(&observation.reference_low);
    let high = convert(&observation.reference_high);
    (low.is_some() || high.is_some()).then_some((low, high))
}

fn check_remarks(kb: &KnowledgeBase, observation: &Observation, who: &str, labs: &mut Labs) {
    for note in &observation.notes {
        let folded = fold(note);
        for remark in &kb.remarks {
            if let Some(phrase) = find_any(&folded, &remark.phrases, true) {
                labs.flags.push(flag(
                    "specimen-remark",
                    &observation.id,
                    format!("{who}: the laboratory remarks {note:?} ({}: {phrase:?}); the result may be spurious — verify before acting [{}]", remark.kind, remark.citation.joined()),
                ));
                break;
            }
        }
    }
}

/// Fractions of one specimen: same specimen id when both have one, else the same time.
fn same_specimen(
    time: DateTime<Utc>,
    specimen: Option<&str>,
    result: &LabResult,
    result_specimen: Option<&str>,
) -> bool {
    match (specimen, result_specimen) {
        (Some(a), Some(b)) => a == b,
        _ => result.time == time,
    }
}

fn derive_from_fractions(kb: &KnowledgeBase, labs: &mut Labs) {
    // Group fractions by specimen (or time).
    let mut groups: BTreeMap<(DateTime<Utc>, Option<String>), Vec<Fraction>> = BTreeMap::new();
    for fraction in &labs.fractions {
        groups.entry((fraction.time, fraction.specimen.clone())).or_default().push(fraction.clone());
    }
    let max_sum = kb.differential_max.value;
    for ((time, specimen), fractions) in groups {
        let wbc = labs
            .results
            .iter()
            .filter(|r| r.analyte == Analyte::Wbc && same_specimen(time, specimen.as_deref(), r, None))
            .min_by_key(|r| (!r.preferred, r.order))
            .cloned();
        let sum: f64 = fractions
            .iter()
            .filter(|f| {
                matches!(
                    f.analyte,
                    Analyte::Anc
                        | Analyte::SegmentedNeutrophils
                        | Analyte::Bands
                        | Analyte::Alc
                        | Analyte::Monocytes
                        | Analyte::Eosinophils
                        | Analyte::Basophils
                        | Analyte::Blasts
                        | Analyte::VariantLymphocytes
                )
            })
            .filter(|f| {
                // Total neutrophils already include segmented forms.
                let has_total = fractions.iter().any(|g| g.analyte == Analyte::Anc);
                !(has_total && f.analyte == Analyte::SegmentedNeutrophils)
            })
            .map(|f| f.percent)
            .sum();
        if sum > max_sum {
            let first = &fractions[0].observation;
            labs.flags.push(flag(
                "differential-sum",
                first,
                format!("the differential of the specimen taken {} sums to {sum:.1} %, above {max_sum} %; check the printed values", time.to_rfc3339()),
            ));
        }
        let Some(wbc) = wbc else {
            for fraction in &fractions {
                if fraction.analyte == Analyte::Reticulocytes {
                    continue;
                }
                labs.flags.push(flag(
                    "fraction-without-wbc",
                    &fraction.observation,
                    format!("{} ({}) is {} % but there is no WBC of the same specimen, so no absolute count can be derived and it was not graded", fraction.observation, fraction.analyte, fraction.percent),
                ));
            }
            continue;
        };
        let reported = |analyte: Analyte, results: &[LabResult]| {
            results
                .iter()
                .any(|r| r.analyte == analyte && r.time == time && matches!(r.origin, Origin::Reported { .. }))
        };
        let wbc_id = match &wbc.origin {
            Origin::Reported { observation } => observation.clone(),
            Origin::Derived { from, .. } => from.first().cloned().unwrap_or_default(),
        };
        let find = |analyte: Analyte| fractions.iter().find(|f| f.analyte == analyte);
        let mut derived = Vec::new();

        // Neutrophils: total % first, else segmented % + band %.
        if !reported(Analyte::Anc, &labs.results) {
            if let Some(total) = find(Analyte::Anc) {
                match find(Analyte::Bands) {
                    // A band count beside a neutrophil percentage marks a manual differential
                    // whose neutrophil row excludes bands (§6.1: ANC counts segmented + bands).
                    Some(bands) => {
                        labs.flags.push(flag(
                            "bands-added",
                            &bands.observation,
                            format!(
                                "{} (bands {} %) was reported beside the neutrophil percentage {}; the two were added for the ANC",
                                bands.observation, bands.percent, total.observation
                            ),
                        ));
                        derived.push((
                            Analyte::Anc,
                            total.percent + bands.percent,
                            vec![wbc_id.clone(), total.observation.clone(), bands.observation.clone()],
                            "WBC x (neutrophil % + band %) / 100".to_owned(),
                            total.order,
                            total.status,
                        ));
                    }
                    None => derived.push((
                        Analyte::Anc,
                        total.percent,
                        vec![wbc_id.clone(), total.observation.clone()],
                        "WBC x neutrophil % / 100".to_owned(),
                        total.order,
                        total.status,
                    )),
                }
            } else if let Some(segs) = find(Analyte::SegmentedNeutrophils) {
                let bands = find(Analyte::Bands);
                let percent = segs.percent + bands.map_or(0.0, |b| b.percent);
                let mut from = vec![wbc_id.clone(), segs.observation.clone()];
                let formula = match bands {
                    Some(bands) => {
                        from.push(bands.observation.clone());
                        "WBC x (segmented % + band %) / 100".to_owned()
                    }
                    None => {
                        labs.flags.push(flag("bands-not-reported", &segs.observation, format!("{}: segmented neutrophils without a band count; ANC = WBC x segmented % / 100 may underestimate", segs.observation)));
                        "WBC x segmented % / 100 (no band count)".to_owned()
                    }
                };
                derived.push((Analyte::Anc, percent, from, formula, segs.order, segs.status));
            } else if let Some(bands) = find(Analyte::Bands) {
                labs.flags.push(flag(
                    "segmented-not-reported",
                    &bands.observation,
                    format!(
                        "{}: band neutrophils are reported without segmented or total neutrophils; no ANC was derived",
                        bands.observation
                    ),
                ));
            }
        }
        for fraction in &fractions {
            let analyte = fraction.analyte;
            if matches!(analyte, Analyte::Anc | Analyte::Reticulocytes) || reported(analyte, &labs.results) {
                continue;
            }
            derived.push((
                analyte,
                fraction.percent,
                vec![wbc_id.clone(), fraction.observation.clone()],
                format!("WBC x {analyte} % / 100"),
                fraction.order,
                fraction.status,
            ));
        }
        for (analyte, percent, from, formula, order, status) in derived {
            labs.results.push(LabResult {
                analyte,
                value: wbc.value * percent / 100.0,
                unit: kb.analyte(analyte).canonical_unit.clone(),
                time,
                origin: Origin::Derived { from, formula },
                lab_reference: None,
                status,
                order,
                preferred: false,
            });
        }
    }
}

fn check_consistency(labs: &mut Labs) {
    let mut flags = Vec::new();
    for anc in labs.results.iter().filter(|r| r.analyte == Analyte::Anc) {
        let wbc = labs.results.iter().find(|r| r.analyte == Analyte::Wbc && r.time == anc.time);
        if let Some(wbc) = wbc
            && anc.value > wbc.value * 1.0001
        {
            let subject = anc.origin.observations().first().map(|s| (*s).to_owned()).unwrap_or_default();
            flags.push(flag(
                "anc-exceeds-wbc",
                &subject,
                format!("the ANC {:.2} exceeds the WBC {:.2} x10^9/L of the same time; one of them is wrong (unit or transcription error?)", anc.value, wbc.value),
            ));
        }
    }
    labs.flags.extend(flags);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_text_values() {
        let q = parse_numeric_text("< 0.5").unwrap();
        assert_eq!((q.value, q.comparator.as_deref()), (0.5, Some("<")));
        let q = parse_numeric_text("2,1 x10^9/L").unwrap();
        assert_eq!((q.value, q.unit.as_deref()), (2.1, Some("x10^9/L")));
        assert!(parse_numeric_text("Fy(a-b-)").is_none());
        assert!(parse_numeric_text("").is_none());
    }
}
