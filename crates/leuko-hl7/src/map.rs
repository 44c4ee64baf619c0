//! Result messages (ORU^R01, ORU^R03, ORF^R04, OUL^R22) mapped to the core's patient record:
//! PID-3 identifier with its assigning authority, PID-7 birth date, PID-8 sex; OBR-7/OBX-14
//! collection time; OBX-3 by LOINC or, failing that, by the site's table of local codes; OBX-2
//! value types NM, SN, ST, TX, FT, CE/CWE; OBX-5/6/7/8/11; NTE comments as specimen remarks.
//! What cannot be mapped is listed, never dropped silently.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use leuko_core::{CodeSystem, Coding, Observation, ObservationValue, PatientRecord, Quantity, ResultStatus, Sex};

use crate::parse::{Message, Segment};

/// The site's local result codes and their LOINC codes (`OBX-3.1`, or `system|code` when the
/// coding system must be told apart), and how its senders name patients.
#[derive(Debug, Clone, Default)]
pub struct SiteCodes {
    /// Local code → LOINC.
    pub codes: BTreeMap<String, String>,
    /// A PID-3 identifier without an assigning authority (PID-3.4) is qualified by the sending
    /// facility (MSH-4), so that two senders' identifier `123` name two patients. Off by default:
    /// turning it on renames the patients of such senders.
    pub sender_as_authority: bool,
}

impl SiteCodes {
    /// Reads a site's code table (TOML): a `[codes]` table of local code (or `system|code`) to
    /// LOINC, e.g. `"WBC" = "6690-2"`, each LOINC code with its check digit right; and an
    /// optional `[patients]` table, `authority_when_missing = "sending-facility"` (or `"none"`,
    /// the default) for identifiers sent without an assigning authority.
    pub fn from_toml(text: &str) -> Result<SiteCodes, String> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            codes: BTreeMap<String, String>,
            patients: Option<Patients>,
        }
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Patients {
            authority_when_missing: String,
        }
        let file: File = toml::from_str(text).map_err(|e| format!("site code table: {e}"))?;
        for (local, loinc) in &file.codes {
            if !loinc_check_digit_ok(loinc) {
                return Err(format!("site code table: {local:?} maps to {loinc:?}, which is not a valid LOINC code"));
            }
        }
        let sender_as_authority = match file.patients.as_ref().map(|p| p.authority_when_missing.as_str()) {
            None | Some("none") => false,
            Some("sending-facility") => true,
            Some(other) => {
                return Err(format!(
                    "site code table: [patients] authority_when_missing = {other:?}: use \"sending-facility\" or \"none\""
                ));
            }
        };
        Ok(SiteCodes { codes: file.codes, sender_as_authority })
    }
}

/// LOINC's mod-10 check digit (`6690-2`).
fn loinc_check_digit_ok(code: &str) -> bool {
    let Some((body, check)) = code.split_once('-') else { return false };
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit()) || check.len() != 1 {
        return false;
    }
    let digits: Vec<u32> = body.chars().rev().filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                let x = d * 2;
                x / 10 + x % 10
            } else {
                d
            }
        })
        .sum();
    check.parse::<u32>().is_ok_and(|c| c == (10 - sum % 10) % 10)
}

/// One result message, mapped.
#[derive(Debug, Clone)]
pub struct Mapped {
    /// MSH-10.
    pub control_id: String,
    /// MSH-4 (sending facility), first component.
    pub sending_facility: String,
    /// MSH-9.
    pub message_type: String,
    /// The patient and the results of this message.
    pub record: PatientRecord,
    /// OBX rows that have neither a LOINC code nor a site mapping, with why.
    pub unmapped: Vec<String>,
    /// Problems tolerated while mapping (and the parser's).
    pub warnings: Vec<String>,
}

/// HL7 `TS`/`DTM` (`YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ]`) to UTC; a time without a zone is read
/// as UTC. None when unreadable.
pub fn parse_ts(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let (body, zone) = match text.find(['+', '-']) {
        Some(at) if at >= 4 => (&text[..at], Some(&text[at..])),
        _ => (text, None),
    };
    let body = body.split('.').next().unwrap_or(body);
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 4 || digits.len() != body.len() {
        return None;
    }
    let padded = format!("{digits:0<14}");
    let (y, mo, d) = (&padded[0..4], &padded[4..6], &padded[6..8]);
    let mo = if mo == "00" { "01" } else { mo };
    let d = if d == "00" { "01" } else { d };
    let naive = NaiveDateTime::parse_from_str(&format!("{y}{mo}{d}{}", &padded[8..14]), "%Y%m%d%H%M%S").ok()?;
    let offset = match zone {
        Some(z) if z.len() == 5 => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let hours: i32 = z[1..3].parse().ok()?;
            let minutes: i32 = z[3..5].parse().ok()?;
            FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))?
        }
        _ => FixedOffset::east_opt(0)?,
    };
    offset.from_local_datetime(&naive).single().map(|t| t.with_timezone(&Utc))
}

fn is_loinc_system(system: &str) -> bool {
    matches!(system.trim().to_ascii_uppercase().as_str(), "LN" | "LOINC" | "HTTP://LOINC.ORG" | "2.16.840.1.113883.6.1")
}

/// OBX-3 (CE/CWE) → codes: the LOINC one first when the primary or alternate triplet is LOINC,
/// else the site's mapping of the local code; the local code is kept in either case.
fn result_codes(obx: &Segment, site: &SiteCodes) -> (Vec<Coding>, Option<String>, bool) {
    let id = obx.get(3, 1);
    let text = obx.get(3, 2);
    let system = obx.get(3, 3);
    let alt_id = obx.get(3, 4);
    let alt_text = obx.get(3, 5);
    let alt_system = obx.get(3, 6);
    let mut codes = Vec::new();
    let mut loinc = false;
    for (code, system) in [(id, system), (alt_id, alt_system)] {
        if !code.is_empty() && is_loinc_system(system) {
            codes.push(Coding { system: CodeSystem::Loinc, code: code.to_owned(), display: None });
            loinc = true;
        }
    }
    if !loinc {
        let mapped = site.codes.get(&format!("{system}|{id}")).or_else(|| site.codes.get(id));
        if let Some(code) = mapped {
            codes.push(Coding { system: CodeSystem::Loinc, code: code.clone(), display: None });
            loinc = true;
        }
    }
    for (code, system) in [(id, system), (alt_id, alt_system)] {
        if !code.is_empty() && !is_loinc_system(system) {
            codes.push(Coding { system: CodeSystem::Other(system.to_owned()), code: code.to_owned(), display: None });
        }
    }
    let name = [text, alt_text].into_iter().find(|t| !t.is_empty()).map(str::to_owned);
    (codes, name, loinc)
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// OBX-7 (`low-high`, `low&high`, `<x`, `>x`) → (low, high).
fn reference_range(obx: &Segment) -> (Option<f64>, Option<f64>) {
    let subs = obx.subcomponents(7, 1, 1);
    if subs.len() == 2 {
        return (number(subs[0]), number(subs[1]));
    }
    let text = subs.first().copied().unwrap_or_default().trim();
    if let Some(high) = text.strip_prefix('<') {
        return (None, number(high.trim_start_matches('=')));
    }
    if let Some(low) = text.strip_prefix('>') {
        return (number(low.trim_start_matches('=')), None);
    }
    // "a-b", where a may itself be negative.
    let split = text.char_indices().skip(1).find(|&(_, c)| c == '-').map(|(i, _)| i);
    match split {
        Some(at) => (number(&text[..at]), number(&text[at + 1..])),
        None => (None, None),
    }
}

fn status(obx: &Segment) -> (ResultStatus, Option<&'static str>) {
    match obx.get(11, 1) {
        "F" | "" => (ResultStatus::Final, None),
        "C" => (ResultStatus::Corrected, None),
        "P" | "A" | "R" | "S" => (ResultStatus::Preliminary, None),
        "X" => (ResultStatus::NotUsable, Some("cancelled (OBX-11 X)")),
        "W" => (ResultStatus::NotUsable, Some("posted in error (OBX-11 W)")),
        "D" => (ResultStatus::NotUsable, Some("deleted (OBX-11 D)")),
        "I" => (ResultStatus::NotUsable, Some("pending (OBX-11 I)")),
        other => (
            ResultStatus::Preliminary,
            if other == "Z" {
                Some("local status Z read as preliminary")
            } else {
                Some("unknown OBX-11 read as preliminary")
            },
        ),
    }
}

fn value(obx: &Segment, warnings: &mut Vec<String>, who: &str) -> ObservationValue {
    let kind = obx.get(2, 1);
    let reps = obx.repetition_count(5);
    if reps > 1 {
        warnings.push(format!("{who}: OBX-5 has {reps} repetitions; the first was read"));
    }
    let first = |c: usize| obx.get(5, c).to_owned();
    let unit = {
        let id = obx.get(6, 1);
        let text = obx.get(6, 2);
        let unit = if id.is_empty() { text } else { id };
        (!unit.is_empty()).then(|| unit.to_owned())
    };
    match kind {
        "NM" => match number(&first(1)) {
            Some(value) => ObservationValue::Quantity(Quantity { value, comparator: None, unit, code: None }),
            None => ObservationValue::Text(first(1)),
        },
        "SN" => {
            // comparator ^ num1 ^ separator ^ num2
            let comparator = first(1);
            let (num1, separator, num2) = (first(2), first(3), first(4));
            match (number(&num1), separator.as_str(), number(&num2)) {
                (Some(value), "", None) => ObservationValue::Quantity(Quantity {
                    value,
                    comparator: (!comparator.is_empty()).then_some(comparator),
                    unit,
                    code: None,
                }),
                _ => ObservationValue::Text(format!("{comparator}{num1}{separator}{num2}")),
            }
        }
        "CE" | "CWE" | "CNE" => {
            let text = obx.get(5, 2);
            ObservationValue::Text(if text.is_empty() { first(1) } else { text.to_owned() })
        }
        _ => {
            let text: Vec<String> = (1..=reps).map(|r| obx.repetition_text(5, r, "^", "&")).collect();
            let joined = text.join("~");
            // A number sent as text is still read as one, with the unit.
            match (kind, number(&joined)) {
                ("ST", Some(value)) => {
                    ObservationValue::Quantity(Quantity { value, comparator: None, unit, code: None })
                }
                _ => ObservationValue::Text(joined),
            }
        }
    }
}

/// The patient a message is about, as [`map`] names it: the first PID-3 identifier (prefixed
/// with its assigning authority, `HOSP|123`; without one, with the sending facility MSH-4 when
/// the site says so, [`SiteCodes::sender_as_authority`]), else PID-2; `None` without a PID
/// segment or an identifier.
pub fn patient_id(message: &Message, site: &SiteCodes) -> Option<String> {
    message.segment("PID").and_then(|pid| pid_identifier(message, pid, site))
}

fn pid_identifier(message: &Message, pid: &Segment, site: &SiteCodes) -> Option<String> {
    // (identifier, its assigning authority): the first PID-3 repetition with an identifier, else
    // PID-2 (which carries no authority here).
    let (id, authority) = (1..=pid.repetition_count(3))
        .map(|r| (pid.sub(3, r, 1, 1), pid.sub(3, r, 4, 1)))
        .chain([(pid.get(2, 1), "")])
        .find(|(id, _)| !id.is_empty())?;
    let sender = site.sender_as_authority.then(|| message.sending_facility()).filter(|s| !s.is_empty());
    let authority = Some(authority).filter(|a| !a.is_empty()).or(sender);
    Some(authority.map_or_else(|| id.to_owned(), |a| format!("{a}|{id}")))
}

/// The name space of patient ids made from identifiers that cannot be shown as they are.
const PATIENT_IDS: uuid::Uuid = uuid::Uuid::from_u128(0x3d1c9a7e_52b4_4f0e_8a61_c7d2e90b4f15);

/// The stored (FHIR) id of the patient [`patient_id`] names, one-to-one: `HOSP|900` is
/// `HOSP-900` and a bare `900` is `900` when the authority and the identifier are letters, digits
/// and dots and the result fits FHIR's 64 characters; any other identifier (one holding a `-`,
/// say, where `HOSP|12-3` and `HOSP-12|3` would both read `HOSP-12-3`) gets a name-based UUID,
/// `pt--…`, which no readable id can equal (those never hold two dashes in a row).
pub fn patient_resource_id(identifier: &str) -> String {
    let plain = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
    let readable = match identifier.split_once('|') {
        Some((authority, id)) if plain(authority) && plain(id) => Some(format!("{authority}-{id}")),
        None if plain(identifier) => Some(identifier.to_owned()),
        _ => None,
    };
    readable
        .filter(|id| id.len() <= 64)
        .unwrap_or_else(|| format!("pt--{}", uuid::Uuid::new_v5(&PATIENT_IDS, identifier.as_bytes()).simple()))
}

/// The name space of result ids (a fixed UUID of this project's own).
const RESULT_IDS: uuid::Uuid = uuid::Uuid::from_u128(0xf587ae41_8263_4b0c_9462_b2bfeaf3c4ff);

/// A result's stored id from its identity: a name-based UUID (version 5, so the same identity
/// always gives the same id), which fits FHIR's 64-character id whatever the identity's length.
fn result_id(identity: &str) -> String {
    format!("hl7-{}", uuid::Uuid::new_v5(&RESULT_IDS, identity.as_bytes()).simple())
}

/// Maps every message to the patient it is about and its results.
pub fn map(messages: &[Message], site: &SiteCodes) -> Vec<Mapped> {
    messages.iter().map(|m| map_one(m, site)).collect()
}

fn map_one(message: &Message, site: &SiteCodes) -> Mapped {
    let msh = message.segment("MSH");
    let control_id = message.control_id().to_owned();
    let mut warnings = message.warnings.clone();
    let mut unmapped = Vec::new();
    let mut record = PatientRecord::default();
    let pids: Vec<&Segment> = message.segments.iter().filter(|s| s.id == "PID").collect();
    if pids.len() > 1 {
        warnings.push(format!("{} PID segments: the first names the patient", pids.len()));
    }
    if let Some(pid) = pids.first() {
        record.id = pid_identifier(message, pid, site);
        let birth = pid.get(7, 1);
        record.birth_date = parse_ts(birth).map(|t| t.date_naive()).or_else(|| {
            (!birth.is_empty()).then(|| warnings.push(format!("PID-7 {birth:?} is not a date")));
            None::<NaiveDate>
        });
        record.sex = match pid.get(8, 1) {
            "M" => Some(Sex::Male),
            "F" => Some(Sex::Female),
            "O" | "A" => Some(Sex::Other),
            "U" | "" => None,
            other => {
                warnings.push(format!("PID-8 {other:?} is not a known sex code"));
                None
            }
        };
    } else {
        warnings.push("no PID segment: the results have no patient".to_owned());
    }

    let mut obr_time: Option<DateTime<Utc>> = None;
    let mut specimen: Option<String> = None;
    let mut last_obx: Option<usize> = None;
    let mut obx_count = 0;
    // Result identity across messages: the sending facility (MSH-4), the patient, the filler
    // order (OBR-3 with its namespace, the filler application; else the placer order OBR-2), the
    // test (OBX-3, OBX-4), the value type and its occurrence — so that a corrected (C) or
    // cancelled (X) result sent later replaces the earlier one instead of sitting beside it, and
    // two patients' results never share an identity (order numbers are unique only within one
    // filler application). Not the sending application (MSH-3), which interface engines rewrite:
    // a correction routed differently must still replace its original.
    let scope = format!("{}|{}", message.sending_facility(), record.id.as_deref().unwrap_or(""));
    let mut filler: Option<String> = None;
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for segment in &message.segments {
        match segment.id.as_str() {
            "OBR" => {
                obr_time = parse_ts(segment.get(7, 1));
                // The filler order (OBR-3), else the placer order (OBR-2), each with its namespace.
                let orders = [(segment.get(3, 1), segment.get(3, 2)), (segment.get(2, 1), segment.get(2, 2))];
                specimen = orders.iter().map(|(id, _)| *id).find(|s| !s.is_empty()).map(str::to_owned);
                filler = orders
                    .into_iter()
                    .find(|(id, _)| !id.is_empty())
                    .map(|(id, namespace)| format!("{id}^{namespace}^{}", segment.get(4, 1)));
                seen.clear();
                last_obx = None;
            }
            "OBX" => {
                obx_count += 1;
                let set_id = segment.get(1, 1);
                let who = format!(
                    "OBX {} ({})",
                    if set_id.is_empty() { obx_count.to_string() } else { set_id.to_owned() },
                    segment.get(3, 1)
                );
                let (codes, name, loinc) = result_codes(segment, site);
                if !loinc {
                    unmapped.push(format!(
                        "{who} {:?}: no LOINC code and no site mapping for {:?}",
                        name.clone().unwrap_or_default(),
                        segment.get(3, 1)
                    ));
                }
                let (status, why) = status(segment);
                if let Some(why) = why {
                    warnings.push(format!("{who}: {why}"));
                }
                let time = parse_ts(segment.get(14, 1)).or(obr_time).or_else(|| {
                    // No collection time: the message's own time (MSH-7) stands in, and says so.
                    let sent = msh.and_then(|m| parse_ts(m.get(7, 1)));
                    if sent.is_some() {
                        warnings
                            .push(format!("{who}: no collection time (OBX-14, OBR-7): the message time MSH-7 is used"));
                    }
                    sent
                });
                let (low, high) = reference_range(segment);
                let unit = segment.get(6, 1);
                let quantity = |v: Option<f64>| {
                    v.map(|value| Quantity {
                        value,
                        comparator: None,
                        unit: (!unit.is_empty()).then(|| unit.to_owned()),
                        code: None,
                    })
                };
                let observation = Observation {
                    id: result_id(&match &filler {
                        Some(order) => {
                            let test =
                                format!("{order}|{}|{}|{}", segment.get(3, 1), segment.get(4, 1), segment.get(2, 1));
                            let n = seen.entry(test.clone()).or_insert(0);
                            *n += 1;
                            format!("{scope}|{test}|{n}")
                        }
                        None => format!("{scope}|{control_id}/OBX/{obx_count}"),
                    }),
                    codes,
                    text: name,
                    value: value(segment, &mut warnings, &who),
                    time,
                    reference_low: quantity(low),
                    reference_high: quantity(high),
                    status,
                    interpretation: (1..=segment.repetition_count(8))
                        .map(|r| segment.sub(8, r, 1, 1))
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    notes: Vec::new(),
                    specimen: specimen.clone(),
                };
                record.observations.push(observation);
                last_obx = Some(record.observations.len() - 1);
            }
            "NTE" => {
                let comment: Vec<String> =
                    (1..=segment.repetition_count(3)).map(|r| segment.repetition_text(3, r, " ", " ")).collect();
                let comment = comment.join(" ").trim().to_owned();
                if comment.is_empty() {
                    continue;
                }
                match last_obx {
                    Some(index) => record.observations[index].notes.push(comment),
                    None => warnings.push(format!("NTE outside a result kept as a message note: {comment:?}")),
                }
            }
            _ => {}
        }
    }
    Mapped {
        control_id,
        sending_facility: message.sending_facility().to_owned(),
        message_type: message.message_type(),
        record,
        unmapped,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loinc_check_digits() {
        assert!(loinc_check_digit_ok("6690-2"));
        assert!(loinc_check_digit_ok("751-8"));
        assert!(loinc_check_digit_ok("26464-8"));
        assert!(!loinc_check_digit_ok("6690-3"));
        assert!(!loinc_check_digit_ok("WBC"));
        assert!(SiteCodes::from_toml("[codes]\n\"WBC\" = \"6690-3\"\n").is_err());
        assert_eq!(SiteCodes::from_toml("[codes]\n\"WBC\" = \"6690-2\"\n").unwrap().codes["WBC"], "6690-2");
    }

    #[test]
    fn a_result_keeps_its_identity_across_corrections_and_never_shares_it_with_another_patient() {
        let id = |facility: &str, patient: &str, filler: &str, status: &str| {
            // A correction may come through another sending application (MSH-3) of the facility.
            let application = if status == "C" { "LAB-CORRECTIONS" } else { "LAB" };
            let text = format!(
                "MSH|^~\\&|{application}|{facility}|LEUKO|SITE|20240101||ORU^R01|{patient}{status}|P|2.5.1\rPID|1||{patient}^^^HOSP^MR\r\
                 OBR|1|O1|{filler}|57021-8^CBC^LN|||20240101080000\rOBX|1|NM|6690-2^WBC^LN||3.0|10*3/uL|||||{status}"
            );
            let messages = crate::parse(&text).unwrap();
            let mapped = map(&messages, &SiteCodes::default()).remove(0);
            mapped.record.observations[0].id.clone()
        };
        let first = id("HOSP", "900", "F1^LIS", "F");
        // A correction of the same result (same sender, patient, order, test) replaces it.
        assert_eq!(id("HOSP", "900", "F1^LIS", "C"), first);
        // The same order number for another patient, from another sender, or from another
        // filler application is another result.
        assert_ne!(id("HOSP", "901", "F1^LIS", "F"), first);
        assert_ne!(id("CLINIC", "900", "F1^LIS", "F"), first);
        assert_ne!(id("HOSP", "900", "F1^OTHERLIS", "F"), first);
        // Stable across versions (a correction sent after an upgrade must replace its original):
        // the id this identity has had since it was introduced.
        assert_eq!(first, "hl7-6cb0dcad5cba5ec181e057f93b0a9100");
    }

    #[test]
    fn a_site_can_qualify_bare_patient_identifiers_by_their_sender() {
        let message = |facility: &str, pid3: &str| {
            let text = format!("MSH|^~\\&|LAB|{facility}|LEUKO|SITE|20240101||ORU^R01|1|P|2.5.1\rPID|1||{pid3}");
            crate::parse(&text).unwrap().remove(0)
        };
        let plain = SiteCodes::default();
        let qualified = SiteCodes::from_toml("[patients]\nauthority_when_missing = \"sending-facility\"\n").unwrap();
        assert!(qualified.sender_as_authority && qualified.codes.is_empty());
        // By default a bare identifier names the patient; two senders' 123 are one patient.
        assert_eq!(patient_id(&message("LAB-A", "123"), &plain), patient_id(&message("LAB-B", "123"), &plain));
        // Qualified by the sender, they are two; an assigning authority sent in PID-3.4 still wins.
        assert_eq!(patient_id(&message("LAB-A", "123"), &qualified).as_deref(), Some("LAB-A|123"));
        assert_eq!(patient_id(&message("LAB-B", "123"), &qualified).as_deref(), Some("LAB-B|123"));
        assert_eq!(patient_id(&message("LAB-A", "123^^^HOSP^MR"), &qualified).as_deref(), Some("HOSP|123"));
        // The mapped record names the same patient as the listener does.
        let mapped = map(&[message("LAB-A", "123")], &qualified).remove(0);
        assert_eq!(mapped.record.id.as_deref(), Some("LAB-A|123"));
        let refused = SiteCodes::from_toml("[patients]\nauthority_when_missing = \"msh-4\"\n").unwrap_err();
        assert!(refused.contains("sending-facility"), "{refused}");
    }

    #[test]
    fn patient_ids_are_one_to_one_with_the_identifiers() {
        assert_eq!(patient_resource_id("HOSP|900"), "HOSP-900");
        assert_eq!(patient_resource_id("900"), "900");
        assert_eq!(patient_resource_id("MRN.7|A12"), "MRN.7-A12");
        // These read alike once made id-safe; they are different patients.
        let ids =
            ["HOSP|12-3", "HOSP-12|3", "HOSP-12-3", "HOSP 12|3", "HOSP_12|3", "HOSP|12|3"].map(patient_resource_id);
        for (i, a) in ids.iter().enumerate() {
            assert!(a.starts_with("pt--") && a.len() <= 64, "{a}");
            assert!(ids[i + 1..].iter().all(|b| b != a), "{ids:?}");
        }
        // Stable across versions: a patient keeps the id stored under it.
        assert_eq!(patient_resource_id("HOSP|12-3"), "pt--4d27ff41dd1b5b7187faeb9a2f73ff42");
        let long = format!("HOSP|{}", "9".repeat(70));
        assert!(patient_resource_id(&long).starts_with("pt--"));
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_ts("20110531140551-0500").unwrap().to_rfc3339(), "2011-05-31T19:05:51+00:00");
        assert_eq!(parse_ts("200511291403").unwrap().to_rfc3339(), "2005-11-29T14:03:00+00:00");
        assert_eq!(parse_ts("19610615").unwrap().date_naive().to_string(), "1961-06-15");
        assert_eq!(parse_ts("20080818183002.1-0700").unwrap().to_rfc3339(), "2008-08-19T01:30:02+00:00");
        assert!(parse_ts("not a date").is_none());
        assert!(parse_ts("").is_none());
    }
}
