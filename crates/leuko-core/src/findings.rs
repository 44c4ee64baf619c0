//! Which knowledge-base findings are present in a record: from codes, free text (negation-aware),
//! lab values and the engine's own derived facts (pattern, episode, age, fever, …), and which
//! drugs of the knowledge base the patient takes or took.

use rustc_hash::FxHashMap;

use chrono::{DateTime, Duration, Utc};

use crate::AssessConfig;
use crate::analyte::Analyte;
use crate::assess::latest;
use crate::assessment::{Counts, LabResult, PatientSummary, Pattern};
use crate::episode::Episode;
use crate::kb::{DrugDef, DurationRule, KnowledgeBase, LabRule};
use crate::record::{CodeSystem, Coding, MedicationExposure, MedicationStatus, ObservationValue, PatientRecord};
use crate::reference::interval_for;
use crate::text::{
    duration_days, find_any, find_any_loose, find_phrase, fold, is_list_closed_by, is_list_negated, is_negated_span,
    might_contain, might_contain_words, word_set,
};

/// Words allowed between the words of a multi-word finding phrase ("zinc-rich enteral
/// supplement" for "zinc supplement"); a matching tolerance, not a clinical number.
const LOOSE_GAP: usize = 2;

/// Constants for finding ids, and `ALL`, the list of them.
macro_rules! findings {
    ($($name:ident = $id:literal,)*) => {
        $(pub(crate) const $name: &str = $id;)*
        /// Every finding of this list.
        pub(crate) const ALL: &[&str] = &[$($id),*];
    };
}

/// The findings the engine reads by name (risk scores, sepsis signs, the G-CSF and referral
/// rules, the clozapine table for benign ethnic neutropenia): one constant each, so that code
/// cannot name a finding that is not listed here, and the knowledge-base build refuses a
/// knowledge base that leaves one of them undefined ([`named::ALL`]).
pub(crate) mod named {
    findings! {
        CHRONIC_CARDIOVASCULAR_DISEASE = "chronic-cardiovascular-disease",
        COPD = "copd",
        DEHYDRATION = "dehydration",
        DIABETES = "diabetes",
        DX_BENIGN_ETHNIC_NEUTROPENIA = "dx-benign-ethnic-neutropenia",
        ECOG_0_1 = "ecog-0-1",
        ECOG_2_OR_MORE = "ecog-2-or-more",
        HAEMATOLOGICAL_MALIGNANCY = "haematological-malignancy",
        HISTORY_FEBRILE_NEUTROPENIA = "history-febrile-neutropenia",
        HYPOTENSION_SHOCK = "hypotension-shock",
        INPATIENT_AT_ONSET = "inpatient-at-onset",
        MUCOSITIS_GRADE_2_OR_MORE = "mucositis-grade-2-or-more",
        ON_CORTICOSTEROIDS = "on-corticosteroids",
        ON_G_CSF = "on-g-csf",
        OUTPATIENT_AT_ONSET = "outpatient-at-onset",
        PREVIOUS_FUNGAL_INFECTION = "previous-fungal-infection",
        SEPSIS = "sepsis",
        SOLID_TUMOUR = "solid-tumour",
        SYMPTOMS_MILD = "symptoms-mild",
        SYMPTOMS_MODERATE = "symptoms-moderate",
        SYMPTOMS_SEVERE = "symptoms-severe",
    }
}

/// The findings the engine derives itself (pattern, counts, episode, age, sex, pregnancy,
/// ancestry, fever, chemotherapy, …): the knowledge base may refer to them and may not define
/// them ([`derived::ALL`], checked by the knowledge-base build).
pub(crate) mod derived {
    findings! {
        DIFFERENTIAL_MISSING = "differential-missing",
        SEPSIS_SCREEN_POSITIVE = "sepsis-screen-positive",
        ANCESTRY_DUFFY_NULL_COMMON = "ancestry-duffy-null-common",
        ANCESTRY_DUFFY_NULL_RARE = "ancestry-duffy-null-rare",
        PATTERN_ISOLATED_NEUTROPENIA = "pattern-isolated-neutropenia",
        PATTERN_ISOLATED_LYMPHOPENIA = "pattern-isolated-lymphopenia",
        PATTERN_NEUTROPENIA_LYMPHOPENIA = "pattern-neutropenia-lymphopenia",
        PATTERN_BICYTOPENIA = "pattern-bicytopenia",
        PATTERN_PANCYTOPENIA = "pattern-pancytopenia",
        ANC_BELOW_0_5 = "anc-below-0.5",
        ANC_BELOW_0_1 = "anc-below-0.1",
        CHRONIC_OVER_3_MONTHS = "chronic-over-3-months",
        ACUTE_DROP = "acute-drop",
        AGE_UNDER_1 = "age-under-1",
        AGE_UNDER_18 = "age-under-18",
        AGE_OVER_65 = "age-over-65",
        FEMALE = "female",
        MALE = "male",
        PREGNANT = "pregnant",
        DUFFY_NULL = "duffy-null",
        FEVER = "fever",
        ON_CHEMOTHERAPY = "on-chemotherapy",
    }
}

/// Why a finding counts as present.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    /// What was seen, for the clinician (e.g. `"splenomegaly" in Condition/12`).
    pub(crate) detail: String,
    /// Read from a result: a lab value, a result list, or a stated normal or negative result
    /// ("folate normal") — not from a description that merely implies it ("polychromasia").
    pub(crate) result: bool,
}

/// A drug of the knowledge base matched to an exposure in the record.
#[derive(Debug, Clone)]
pub(crate) struct DrugMatch<'a> {
    pub(crate) drug: &'a DrugDef,
    pub(crate) exposure: &'a MedicationExposure,
    /// How it matched (ATC code, RxNorm code or name).
    pub(crate) how: String,
}

/// Everything the ranking needs to know about the record.
#[derive(Debug, Default)]
pub(crate) struct Facts<'a> {
    pub(crate) hits: FxHashMap<String, Hit>,
    pub(crate) drugs: Vec<DrugMatch<'a>>,
    /// Fever stated in the record's text (not read from a temperature).
    pub(crate) fever_text: Option<String>,
}

impl Facts<'_> {
    pub(crate) fn has(&self, finding: &str) -> bool {
        self.hits.contains_key(finding)
    }

    fn add(&mut self, id: &str, detail: String) {
        self.hits.entry(id.to_owned()).or_insert(Hit { detail, result: false });
    }

    fn add_result(&mut self, id: &str, detail: String) {
        self.hits.entry(id.to_owned()).or_insert(Hit { detail, result: true });
    }
}

/// Free text of the record, each piece with the resource it came from.
fn texts(record: &PatientRecord, as_of: DateTime<Utc>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let displays = |codes: &[Coding]| codes.iter().filter_map(|c| c.display.clone()).collect::<Vec<_>>();
    for condition in record.conditions.iter().filter(|c| c.onset.is_none_or(|t| t <= as_of)) {
        for text in
            condition.text.iter().cloned().chain(displays(&condition.codes)).chain(condition.notes.iter().cloned())
        {
            out.push((condition.id.clone(), fold(&text)));
        }
    }
    for observation in record.observations.iter().filter(|o| o.time.is_none_or(|t| t <= as_of)) {
        for note in &observation.notes {
            out.push((observation.id.clone(), fold(note)));
        }
        if let ObservationValue::Text(value) = &observation.value {
            let name = observation.names().next().unwrap_or_default();
            out.push((observation.id.clone(), fold(&format!("{name}: {value}"))));
        }
    }
    for procedure in record.procedures.iter().filter(|p| p.performed.is_none_or(|t| t <= as_of)) {
        for text in procedure.text.iter().cloned().chain(displays(&procedure.codes)) {
            out.push((procedure.id.clone(), fold(&text)));
        }
    }
    for medication in record.medications.iter().filter(|m| m.start.is_none_or(|t| t <= as_of)) {
        for text in medication.text.iter().cloned().chain(displays(&medication.codes)) {
            out.push((medication.id.clone(), fold(&text)));
        }
    }
    out
}

/// Matches the record's drug exposures to the knowledge base's drugs: ATC or RxNorm code first,
/// then names on word boundaries (a name inside a longer matched name does not count twice).
///
/// Proposed orders (draft, proposal, plan) are matched only when `proposed` is set: they are not
/// exposures for cause ranking, but a monitoring programme decides whether they may start.
pub(crate) fn match_drugs<'a>(
    kb: &'a KnowledgeBase,
    record: &'a PatientRecord,
    as_of: DateTime<Utc>,
    proposed: bool,
) -> Vec<DrugMatch<'a>> {
    let mut matches = Vec::new();
    for exposure in &record.medications {
        let is_proposed = exposure.status == MedicationStatus::Proposed;
        if (is_proposed && !proposed) || (!is_proposed && exposure.start.is_some_and(|t| t > as_of)) {
            continue;
        }
        let mut found: Vec<(&DrugDef, String)> = Vec::new();
        for coding in &exposure.codes {
            let by_code = match coding.system {
                // An ATC code matches a drug's own code, or else the nearest class entry above it
                // (a regimen coded only as "L01" meets the unspecified-chemotherapy entry).
                CodeSystem::Atc => [7, 5, 4, 3, 1].into_iter().find_map(|len| {
                    let prefix = coding.code.get(..len)?;
                    kb.drugs().iter().find(|drug| drug.atc.iter().any(|atc| atc == prefix))
                }),
                CodeSystem::RxNorm => kb.drugs().iter().find(|drug| drug.rxnorm.iter().any(|rx| rx == &coding.code)),
                _ => None,
            };
            if let Some(drug) = by_code {
                found.push((drug, format!("code {}", coding.code)));
            }
        }
        let text = fold(
            &exposure
                .text
                .iter()
                .cloned()
                .chain(exposure.codes.iter().filter_map(|c| c.display.clone()))
                .collect::<Vec<_>>()
                .join(" ; "),
        );
        let mut spans: Vec<(usize, usize, &DrugDef, &str)> = Vec::new();
        let words = word_set(&text);
        // Names whose first word occurs in the text (the knowledge base's index), in the
        // knowledge base's order.
        let mut candidates: Vec<(usize, usize)> =
            words.iter().filter_map(|word| kb.drug_name_index.get(*word)).flatten().copied().collect();
        candidates.sort_unstable();
        candidates.dedup();
        for (drug, name) in candidates.into_iter().map(|(d, n)| (&kb.drugs()[d], &kb.drugs()[d].names[n])) {
            if might_contain(&words, name) {
                for at in find_phrase(&text, name) {
                    spans.push((at, at + name.len(), drug, name.as_str()));
                }
            }
        }
        for &(start, end, drug, name) in &spans {
            let inside_longer = spans
                .iter()
                .any(|&(s, e, other, _)| other.id != drug.id && s <= start && end <= e && (e - s) > (end - start));
            if !inside_longer {
                found.push((drug, format!("name \"{name}\"")));
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        for (drug, how) in found {
            if !seen.contains(&drug.id.as_str()) {
                seen.push(&drug.id);
                matches.push(DrugMatch { drug, exposure, how });
            }
        }
    }
    matches
}

/// What the findings are read from: the record and what the assessment has worked out so far.
pub(crate) struct Context<'a> {
    pub(crate) kb: &'a KnowledgeBase,
    pub(crate) config: &'a AssessConfig,
    pub(crate) record: &'a PatientRecord,
    pub(crate) patient: &'a PatientSummary,
    pub(crate) results: &'a [LabResult],
    pub(crate) counts: &'a Counts,
    pub(crate) pattern: Pattern,
    pub(crate) episode: Option<&'a Episode>,
    pub(crate) as_of: DateTime<Utc>,
    /// The record's drugs matched to the knowledge base, proposed orders included
    /// ([`match_drugs`] with `proposed`); findings keep those taken or given.
    pub(crate) drugs: &'a [DrugMatch<'a>],
}

/// Every finding present in the record at `as_of`.
pub(crate) fn facts<'a>(context: &Context<'a>) -> Facts<'a> {
    let Context { kb, config, record, patient, results, counts, as_of, drugs, .. } = *context;
    let taken = drugs.iter().filter(|m| m.exposure.status != MedicationStatus::Proposed).cloned().collect();
    let mut facts = Facts { drugs: taken, ..Facts::default() };
    let texts = texts(record, as_of);
    let mut read = read_texts(kb, &texts);

    for (finding_index, finding) in kb.findings().iter().enumerate() {
        if let Some(hit) = read[finding_index].take() {
            facts.hits.entry(finding.id.clone()).or_insert(hit);
            continue;
        }
        let coded = record
            .conditions
            .iter()
            .filter(|c| c.onset.is_none_or(|t| t <= as_of))
            .map(|c| (&c.id, &c.codes))
            .chain(
                record.procedures.iter().filter(|p| p.performed.is_none_or(|t| t <= as_of)).map(|p| (&p.id, &p.codes)),
            )
            .find_map(|(id, codes)| {
                codes.iter().find_map(|coding| {
                    let hit = match coding.system {
                        CodeSystem::Icd10 => {
                            let code = coding.code.replace('.', "").to_uppercase();
                            finding.icd10.iter().any(|prefix| code.starts_with(prefix.as_str()))
                        }
                        CodeSystem::Snomed => finding.snomed.contains(&coding.code),
                        _ => false,
                    };
                    hit.then(|| format!("code {} in {id}", coding.code))
                })
            });
        if let Some(detail) = coded {
            facts.add(&finding.id, detail);
            continue;
        }
        if let Some(rule) = &finding.lab
            && let Some(detail) = lab_hit(
                kb,
                config,
                patient,
                results,
                rule,
                finding.lab_within_days.map(|days| as_of - Duration::days(i64::from(days))),
            )
        {
            facts.add_result(&finding.id, detail);
        }
    }

    derived(context, &texts, &mut facts);
    stand_in(kb, &mut facts.hits);
    let anc = counts.anc.as_ref().map(|c| c.result.value);
    if let Some(detail) = crate::management::sepsis_screen(kb, results, &facts, anc) {
        facts.add(derived::SEPSIS_SCREEN_POSITIVE, detail);
    }
    facts
}

fn lab_hit(
    kb: &KnowledgeBase,
    config: &AssessConfig,
    patient: &PatientSummary,
    results: &[LabResult],
    rule: &LabRule,
    not_before: Option<DateTime<Utc>>,
) -> Option<String> {
    let analyte = rule.analyte();
    let result = latest(results, analyte).filter(|r| not_before.is_none_or(|t| r.time >= t))?;
    let unit = &result.unit;
    let hit = match rule {
        LabRule::Below(_, threshold) => {
            (result.value < *threshold).then(|| format!("{analyte} {:.3} {unit} < {threshold}", result.value))
        }
        LabRule::Above(_, threshold) => {
            (result.value > *threshold).then(|| format!("{analyte} {:.3} {unit} > {threshold}", result.value))
        }
        LabRule::BelowReference(_) => {
            let low = interval_for(kb, config, patient, result)?.low?;
            (result.value < low).then(|| format!("{analyte} {:.3} {unit} below the reference {low}", result.value))
        }
        LabRule::AboveReference(_) => {
            let high = interval_for(kb, config, patient, result)?.high?;
            (result.value > high).then(|| format!("{analyte} {:.3} {unit} above the reference {high}", result.value))
        }
    };
    hit.map(|detail| format!("{detail} ({})", result.origin.observations().join(", ")))
}

/// A word of the rule (not negated) followed in its sentence by a duration at least the rule's
/// length: the word and the days.
fn stated_duration<'r>(text: &str, rule: &'r DurationRule, negation_sensitive: bool) -> Option<(&'r str, u32)> {
    rule.words.iter().find_map(|word| {
        find_phrase(text, word).into_iter().find_map(|at| {
            let end = at + word.len();
            if negation_sensitive && is_negated_span(text, at, end) {
                return None;
            }
            let rest = &text[end..];
            let sentence = &rest[..rest.find(['.', ';', '\n']).unwrap_or(rest.len())];
            duration_days(sentence).filter(|days| *days >= rule.at_least_days).map(|days| (word.as_str(), days))
        })
    })
}

type WordSet<'t> = std::collections::BTreeSet<&'t str>;

/// What each finding of the knowledge base (by index) is read as in the texts: by one of its
/// phrases, in a list of results closed by "negative" or "normal", or as a stated duration.
fn read_texts(kb: &KnowledgeBase, texts: &[(String, String)]) -> Vec<Option<Hit>> {
    let word_sets: Vec<_> = texts.iter().map(|(_, text)| word_set(text)).collect();
    // Every word of the record: a phrase with a word outside it is in no single text either.
    let all_words: WordSet<'_> = word_sets.iter().flatten().copied().collect();
    // Phrases whose first word occurs in the record (the knowledge base's phrase index: finding
    // and phrase indexes, in the knowledge base's order).
    let mut candidates: Vec<(usize, usize)> =
        all_words.iter().filter_map(|word| kb.phrase_index().get(*word)).flatten().copied().collect();
    candidates.sort_unstable();
    candidates.dedup();
    let mut next_candidate = 0;
    kb.findings()
        .iter()
        .enumerate()
        .map(|(finding_index, finding)| {
            let start = next_candidate;
            while candidates.get(next_candidate).is_some_and(|&(f, _)| f == finding_index) {
                next_candidate += 1;
            }
            text_hit(finding, &candidates[start..next_candidate], texts, &word_sets, &all_words)
        })
        .collect()
}

/// A finding read from the texts (`candidates`: indexes of its phrases whose first word occurs
/// in them).
fn text_hit(
    finding: &crate::kb::FindingDef,
    candidates: &[(usize, usize)],
    texts: &[(String, String)],
    word_sets: &[WordSet<'_>],
    all_words: &WordSet<'_>,
) -> Option<Hit> {
    let possible: Vec<(&String, &Vec<String>)> = candidates
        .iter()
        .map(|&(_, phrase)| (&finding.text[phrase], &finding.text_words[phrase]))
        .filter(|(_, phrase_words)| might_contain_words(all_words, phrase_words))
        .collect();
    if !possible.is_empty()
        && let Some((source, phrase)) = texts.iter().zip(word_sets).find_map(|((source, text), words)| {
            possible.iter().filter(|(_, phrase_words)| might_contain_words(words, phrase_words)).find_map(
                |&(phrase, _)| {
                    let hit =
                        find_any_loose(text, std::slice::from_ref(phrase), finding.negation_sensitive, LOOSE_GAP)?;
                    // A diagnosis or test result in a list the sentence closes with "negative".
                    let test_like = finding.id.starts_with("dx-") || finding.lab.is_some();
                    let exact = find_phrase(text, phrase);
                    let listed_negative = test_like
                        && finding.negation_sensitive
                        && !exact.is_empty()
                        && exact.iter().all(|at| is_list_negated(text, at + phrase.len()));
                    (!listed_negative).then_some((source, hit))
                },
            )
        })
    {
        let result = finding.id.ends_with("-normal") || finding.id.ends_with("-negative");
        return Some(Hit { detail: format!("\"{phrase}\" in {source}"), result });
    }
    if let Some((result, terms)) = &finding.listed
        && terms.iter().any(|term| might_contain(all_words, term))
        && let Some(detail) = texts.iter().find_map(|(source, text)| {
            terms.iter().find_map(|term| {
                find_phrase(text, term)
                    .into_iter()
                    .any(|at| is_list_closed_by(text, at + term.len(), *result))
                    .then(|| format!("\"{term}\" in a list of results closed as {} in {source}", result.word()))
            })
        })
    {
        return Some(Hit { detail, result: true });
    }
    let rule = finding.duration.as_ref()?;
    texts.iter().find_map(|(source, text)| {
        stated_duration(text, rule, finding.negation_sensitive)
            .map(|(word, days)| Hit { detail: format!("\"{word}\" for {days} days in {source}"), result: false })
    })
}

/// Fever stated in the texts (the knowledge base's fever words, not negated): where.
fn fever_in_text(kb: &KnowledgeBase, texts: &[(String, String)]) -> Option<String> {
    let words = &kb.patient_status.fever.text;
    texts
        .iter()
        .find_map(|(source, text)| find_any(text, words, true).map(|phrase| format!("\"{phrase}\" in {source}")))
}

/// A finding stands for another one the record does not show otherwise (a stated duration for
/// the chronic course, a cited cut-off for a finding read against a reference interval); a
/// result (a lab value) stays a result under the finding it stands for.
fn stand_in(kb: &KnowledgeBase, hits: &mut FxHashMap<String, Hit>) {
    for finding in kb.findings() {
        if let Some(target) = &finding.stands_for
            && !hits.contains_key(target)
            && let Some(hit) = hits.get(&finding.id)
        {
            let hit = Hit { detail: format!("{}: {}", finding.label, hit.detail), result: hit.result };
            hits.insert(target.clone(), hit);
        }
    }
}

/// The findings of the knowledge base one free-text statement is read as, each with what was
/// read (a phrase, a list of results, a stated duration; a stated fever; a finding another one
/// stands for) and whether it is a test result read as normal or negative — for a maintainer
/// checking the synonym tables (`leuko kb match`). Only the reading of text: codes, laboratory
/// values and facts derived from the whole record (pattern, age, counts) are not shown.
pub fn match_text(kb: &KnowledgeBase, text: &str) -> Vec<(String, String, bool)> {
    let texts = vec![("the text".to_owned(), fold(text))];
    let mut hits: FxHashMap<String, Hit> = FxHashMap::default();
    for (finding, hit) in kb.findings().iter().zip(read_texts(kb, &texts)) {
        if let Some(hit) = hit {
            hits.insert(finding.id.clone(), hit);
        }
    }
    if let Some(detail) = fever_in_text(kb, &texts) {
        hits.entry(derived::FEVER.to_owned()).or_insert(Hit { detail, result: false });
    }
    stand_in(kb, &mut hits);
    let mut out: Vec<_> = hits.into_iter().map(|(id, hit)| (id, hit.detail, hit.result)).collect();
    out.sort();
    out
}

fn derived(context: &Context<'_>, texts: &[(String, String)], facts: &mut Facts<'_>) {
    let Context { kb, patient, results, counts, pattern, episode, as_of, .. } = *context;
    let pattern_id = match pattern {
        Pattern::IsolatedNeutropenia => Some(derived::PATTERN_ISOLATED_NEUTROPENIA),
        Pattern::IsolatedLymphopenia => Some(derived::PATTERN_ISOLATED_LYMPHOPENIA),
        Pattern::NeutropeniaAndLymphopenia => Some(derived::PATTERN_NEUTROPENIA_LYMPHOPENIA),
        Pattern::Bicytopenia => Some(derived::PATTERN_BICYTOPENIA),
        Pattern::Pancytopenia => Some(derived::PATTERN_PANCYTOPENIA),
        _ => None,
    };
    if let Some(id) = pattern_id {
        facts.add(id, format!("pattern: {}", pattern.id()));
    }
    if counts.anc.is_none()
        && counts.alc.is_none()
        && let Some(wbc) = counts.wbc.as_ref().filter(|w| w.below_reference() == Some(true))
    {
        facts.add(
            derived::DIFFERENTIAL_MISSING,
            format!("WBC {:.2} x10^9/L below its reference and no differential in the record", wbc.result.value),
        );
    }
    if let Some(anc) = &counts.anc {
        let value = anc.result.value;
        if value < kb.agranulocytosis.value {
            facts.add(derived::ANC_BELOW_0_5, format!("ANC {value:.3} x10^9/L"));
        }
        let profound = kb.severity.iter().find(|band| band.word == "profound").map(|band| band.below);
        if profound.is_some_and(|below| value < below) {
            facts.add(derived::ANC_BELOW_0_1, format!("ANC {value:.3} x10^9/L"));
        }
    }
    if let Some(episode) = episode {
        let days = (episode.last_low - episode.onset).num_days();
        if episode.chronic {
            facts.add(
                derived::CHRONIC_OVER_3_MONTHS,
                format!("{} low for {days} days since {}", episode.analyte, episode.onset.date_naive()),
            );
        }
        if episode.acute_drop {
            let normal = episode.last_normal_before.map(|t| t.date_naive().to_string()).unwrap_or_default();
            facts.add(
                derived::ACUTE_DROP,
                format!("{} in range on {normal}, low from {}", episode.analyte, episode.onset.date_naive()),
            );
        }
    }
    if let Some(age) = patient.age_years {
        for (id, holds) in
            [(derived::AGE_UNDER_1, age < 1.0), (derived::AGE_UNDER_18, age < 18.0), (derived::AGE_OVER_65, age > 65.0)]
        {
            if holds {
                facts.add(id, format!("age {age:.2} years"));
            }
        }
    }
    // Findings another finding implies below an age (`below_age` in the knowledge base).
    for finding in kb.findings() {
        if let Some((from, years)) = &finding.below_age
            && let Some(age) = patient.age_years.filter(|age| age < years)
            && let Some(hit) = facts.hits.get(from)
        {
            let detail = format!("{} at age {age:.2} years", hit.detail);
            facts.add(&finding.id, detail);
        }
    }
    match patient.sex {
        crate::kb::Sex::Female => facts.add(derived::FEMALE, "sex female".to_owned()),
        crate::kb::Sex::Male => facts.add(derived::MALE, "sex male".to_owned()),
        _ => {}
    }
    if patient.pregnant {
        facts.add(derived::PREGNANT, "pregnancy in the record".to_owned());
    }
    // Recorded ancestry where Duffy-null is frequent, or only where it is rare: a prior shift
    // for ranking the Duffy-null associated count only (never a proxy for the phenotype or the
    // reference interval). A mixed ancestry naming any of the first kind counts as that kind.
    let recorded = |phrases: &[String]| {
        patient
            .ancestry
            .iter()
            .find_map(|a| find_any(&fold(a), phrases, true).map(|p| format!("recorded ancestry {a:?} ({p})")))
    };
    if let Some(detail) = recorded(&kb.patient_status.duffy_test_ancestry) {
        facts.add(derived::ANCESTRY_DUFFY_NULL_COMMON, detail);
    } else if let Some(detail) = recorded(&kb.patient_status.duffy_rare_ancestry) {
        facts.add(derived::ANCESTRY_DUFFY_NULL_RARE, detail);
    }
    if let Some(evidence) = &patient.duffy_null_evidence {
        facts.add(derived::DUFFY_NULL, format!("documented in {evidence}"));
    }
    let fever = &kb.patient_status.fever;
    let recent = as_of - Duration::hours(fever.within_hours);
    let febrile = results
        .iter()
        .filter(|r| r.analyte == Analyte::Temperature && r.time >= recent && r.value >= fever.temperature_at_least)
        .max_by(|a, b| a.value.total_cmp(&b.value));
    if let Some(temperature) = febrile {
        facts.add(
            derived::FEVER,
            format!("temperature {:.1} °C on {}", temperature.value, temperature.time.date_naive()),
        );
    }
    if let Some(detail) = fever_in_text(kb, texts) {
        facts.fever_text = Some(detail.clone());
        facts.add(derived::FEVER, detail);
    }
    let on_chemotherapy = facts.drugs.iter().find(|m| {
        m.drug.cause == "drug-cytotoxic" && {
            let window = m.drug.latency_days.and_then(|(_, _, max)| max).unwrap_or(0);
            match m.exposure.end {
                Some(end) => end + Duration::days(window) >= as_of,
                None => {
                    matches!(
                        m.exposure.status,
                        MedicationStatus::Active | MedicationStatus::OnHold | MedicationStatus::Unknown
                    ) || m.exposure.start.is_some_and(|start| start + Duration::days(window) >= as_of)
                }
            }
        }
    });
    if let Some(chemo) = on_chemotherapy {
        let detail = format!("{} ({})", chemo.drug.id, chemo.exposure.id);
        facts.add(derived::ON_CHEMOTHERAPY, detail);
    }
}
