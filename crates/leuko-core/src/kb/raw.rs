//! Serde mirror of the `kb/` TOML files, one struct per table, 1:1 with the text.
//!
//! Nothing here is validated beyond TOML syntax and field types; `kb::build` turns these into the
//! checked [`KnowledgeBase`](super::KnowledgeBase). Every list element is wrapped in
//! [`toml::Spanned`] so that validation errors can name the line of the entry at fault.

use serde::Deserialize;
use toml::Spanned;

/// A `source` field: one id or a list of ids.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum SourceRef {
    One(String),
    Many(Vec<String>),
}

impl SourceRef {
    pub(crate) fn ids(&self) -> Vec<String> {
        match self {
            SourceRef::One(id) => vec![id.clone()],
            SourceRef::Many(ids) => ids.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourcesFile {
    #[serde(default)]
    pub(crate) source: Vec<Spanned<RawSource>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSource {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) publisher: Option<String>,
    pub(crate) year: Option<i64>,
    pub(crate) locator: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) doi: Option<String>,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnalytesFile {
    #[serde(default)]
    pub(crate) analyte: Vec<Spanned<RawAnalyte>>,
    #[serde(default)]
    pub(crate) panel: Vec<Spanned<RawPanel>>,
    pub(crate) differential: Spanned<RawDifferential>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDifferential {
    pub(crate) max_sum_percent: f64,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAnalyte {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) canonical_unit: String,
    pub(crate) unit_table: String,
    #[serde(default)]
    pub(crate) text: Vec<String>,
    #[serde(default)]
    pub(crate) text_fraction: Vec<String>,
    pub(crate) reinterpret_above: Option<RawReinterpret>,
    #[serde(default)]
    pub(crate) loinc: Vec<RawLoinc>,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawReinterpret {
    pub(crate) value: f64,
    pub(crate) factor: f64,
    pub(crate) verify_above: Option<f64>,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLoinc {
    pub(crate) code: String,
    pub(crate) property: String,
    pub(crate) name: String,
    pub(crate) status: Option<String>,
    pub(crate) source: SourceRef,
    #[serde(default)]
    pub(crate) preferred: bool,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPanel {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) status: Option<String>,
    pub(crate) source: SourceRef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UnitsFile {
    #[serde(default)]
    pub(crate) unit: Vec<Spanned<RawUnit>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawUnit {
    pub(crate) table: String,
    pub(crate) spellings: Vec<String>,
    pub(crate) factor: f64,
    #[serde(default)]
    pub(crate) offset: f64,
    pub(crate) source: SourceRef,
    pub(crate) status: Option<String>,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RangesFile {
    #[serde(default)]
    pub(crate) interval: Vec<Spanned<RawInterval>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawInterval {
    pub(crate) analyte: String,
    pub(crate) population: Option<String>,
    pub(crate) sex: Option<String>,
    pub(crate) age_years: RawAgeRange,
    pub(crate) low: Option<f64>,
    pub(crate) high: Option<f64>,
    pub(crate) source: SourceRef,
    pub(crate) status: Option<String>,
    pub(crate) locator: Option<String>,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAgeRange {
    pub(crate) min: f64,
    pub(crate) max: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CtcaeFile {
    #[serde(default)]
    pub(crate) term: Vec<Spanned<RawCtcaeTerm>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCtcaeTerm {
    pub(crate) version: String,
    pub(crate) analyte: String,
    pub(crate) term: String,
    pub(crate) grade_1_below_lln: bool,
    pub(crate) thresholds: Vec<RawThreshold>,
    pub(crate) source: SourceRef,
    pub(crate) locator: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawThreshold {
    pub(crate) grade: u8,
    pub(crate) below: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeverityFile {
    #[serde(default)]
    pub(crate) severity: Vec<Spanned<RawSeverity>>,
    pub(crate) agranulocytosis: Spanned<RawCutoff>,
    pub(crate) chronic: Spanned<RawChronic>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSeverity {
    pub(crate) word: String,
    pub(crate) below: f64,
    pub(crate) source: SourceRef,
    pub(crate) status: Option<String>,
    pub(crate) locator: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCutoff {
    pub(crate) below: f64,
    pub(crate) source: SourceRef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawChronic {
    pub(crate) min_days: i64,
    pub(crate) source: SourceRef,
    pub(crate) status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CytopeniasFile {
    pub(crate) anemia: Spanned<RawLabCutoff>,
    pub(crate) thrombocytopenia: Spanned<RawLabCutoff>,
    pub(crate) neutropenia: Spanned<RawLabCutoff>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLabCutoff {
    pub(crate) analyte: String,
    pub(crate) below: f64,
    pub(crate) unit: String,
    pub(crate) source: SourceRef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RemarksFile {
    #[serde(default)]
    pub(crate) remark: Vec<Spanned<RawRemark>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRemark {
    pub(crate) kind: String,
    pub(crate) phrases: Vec<String>,
    pub(crate) source: SourceRef,
    pub(crate) status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PatientStatusFile {
    pub(crate) pregnancy: Spanned<RawPregnancy>,
    pub(crate) duffy_null: Spanned<RawDuffyNull>,
    pub(crate) duffy_test_suggestion: Spanned<RawDuffySuggestion>,
    pub(crate) fever: Spanned<RawFever>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPregnancy {
    pub(crate) snomed: Vec<String>,
    pub(crate) icd10: Vec<String>,
    pub(crate) text: Vec<String>,
    pub(crate) observation_loinc: Vec<String>,
    pub(crate) observation_values_true: Vec<String>,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDuffyNull {
    pub(crate) observation_text: Vec<String>,
    pub(crate) phenotype_values: Vec<String>,
    pub(crate) genotype_values: Vec<String>,
    pub(crate) condition_text: Vec<String>,
    pub(crate) source: SourceRef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDuffySuggestion {
    pub(crate) ancestry_text: Vec<String>,
    pub(crate) rare_ancestry_text: Vec<String>,
    pub(crate) anc_at_least: f64,
    pub(crate) chronic_min_days: i64,
    pub(crate) source: SourceRef,
    pub(crate) locator: Option<String>,
}

// --- drugs, findings, causes (schema in kb/README.md) ------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DrugsFile {
    #[serde(default)]
    pub(crate) drug: Vec<Spanned<RawDrug>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDrug {
    pub(crate) id: String,
    pub(crate) label: Option<String>,
    pub(crate) names: Vec<String>,
    #[serde(default)]
    pub(crate) atc: Vec<String>,
    #[serde(default)]
    pub(crate) rxnorm: Vec<String>,
    pub(crate) class: String,
    pub(crate) cause: String,
    pub(crate) association: String,
    #[serde(default)]
    pub(crate) evidence: Vec<String>,
    pub(crate) latency_days: Option<RawLatency>,
    #[serde(default)]
    pub(crate) late_onset_possible: bool,
    pub(crate) monitoring: Option<String>,
    /// Findings that make this drug's toxicity more likely (e.g. renal impairment for methotrexate).
    #[serde(default)]
    pub(crate) risk_factors: Vec<RawEvidence>,
    pub(crate) source: SourceRef,
    pub(crate) locator: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) note: Option<String>,
    pub(crate) since: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLatency {
    pub(crate) min: Option<i64>,
    pub(crate) typical: Option<i64>,
    pub(crate) max: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FindingsFile {
    #[serde(default)]
    pub(crate) finding: Vec<Spanned<RawFinding>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFinding {
    pub(crate) id: String,
    pub(crate) label: String,
    #[serde(default)]
    pub(crate) text: Vec<String>,
    #[serde(default)]
    pub(crate) icd10: Vec<String>,
    #[serde(default)]
    pub(crate) snomed: Vec<String>,
    pub(crate) negation_sensitive: Option<bool>,
    pub(crate) lab: Option<RawLabRule>,
    pub(crate) duration: Option<RawDuration>,
    pub(crate) listed: Option<RawListed>,
    pub(crate) below_age: Option<RawBelowAge>,
    /// A finding this one stands for when that one is absent (a stated duration of neutropenia of
    /// 3 months or more is the derived `chronic-over-3-months`; a reticulocyte count below a cited
    /// cut-off is `reticulocytes-low` when the record gives no reference interval).
    pub(crate) stands_for: Option<String>,
    /// The examinations that report this finding (`blood-film`, `flow-cytometry`, `bone-marrow`).
    #[serde(default)]
    pub(crate) examination: Vec<String>,
    pub(crate) source: SourceRef,
    pub(crate) locator: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) note: Option<String>,
    pub(crate) since: Option<String>,
}

/// A finding that another finding implies in a patient younger than `years` ("a serious bacterial
/// infection in the first year of life is an infection from infancy").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBelowAge {
    pub(crate) finding: String,
    pub(crate) years: f64,
}

/// A finding read from a list of tests that a sentence closes with one result ("HIV, hepatitis B
/// and C, syphilis and ANA negative"; "B12, folate and ferritin normal"): one of `terms` in the
/// list, `result` (`negative` or `normal`) at its end.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawListed {
    pub(crate) result: String,
    pub(crate) terms: Vec<String>,
}

/// A finding read from a stated duration: one of `words`, then "for 3 weeks" (or "3-week",
/// "one month") in the same sentence, lasting at least `at_least_days`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDuration {
    pub(crate) words: Vec<String>,
    pub(crate) at_least_days: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLabRule {
    pub(crate) analyte: String,
    pub(crate) below: Option<f64>,
    pub(crate) above: Option<f64>,
    pub(crate) below_reference: Option<bool>,
    pub(crate) above_reference: Option<bool>,
    pub(crate) unit: Option<String>,
    /// Counts only when the result is at most this many days old (an acute marker).
    pub(crate) within_days: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CausesFile {
    #[serde(default)]
    pub(crate) cause: Vec<Spanned<RawCause>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCause {
    pub(crate) id: String,
    pub(crate) category: String,
    pub(crate) label: String,
    pub(crate) summary: String,
    pub(crate) why: Option<String>,
    pub(crate) prior: String,
    #[serde(default)]
    pub(crate) prior_by_age: Vec<RawAgePrior>,
    pub(crate) age_years: Option<RawAgeRangeOpt>,
    #[serde(default)]
    pub(crate) requires_any: Vec<String>,
    #[serde(default)]
    pub(crate) context_any: Vec<String>,
    #[serde(default)]
    pub(crate) affects: Vec<String>,
    #[serde(default)]
    pub(crate) evidence_for: Vec<RawEvidence>,
    #[serde(default)]
    pub(crate) evidence_against: Vec<RawEvidence>,
    #[serde(default)]
    pub(crate) next_tests: Vec<RawTest>,
    pub(crate) known_limits: Option<String>,
    pub(crate) source: SourceRef,
    pub(crate) locator: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) note: Option<String>,
    pub(crate) since: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAgePrior {
    pub(crate) below_years: f64,
    pub(crate) prior: String,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAgeRangeOpt {
    pub(crate) min: Option<f64>,
    pub(crate) max: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEvidence {
    pub(crate) finding: String,
    pub(crate) strength: String,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
    /// Counts as one of the cause's characteristic findings although weaker than `strong`.
    #[serde(default)]
    pub(crate) hallmark: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTest {
    pub(crate) loinc: Option<String>,
    pub(crate) name: String,
    /// `order-test` (default), or `peripheral-smear` / `bone-marrow-exam` for those procedures.
    pub(crate) kind: Option<String>,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

// --- ranking.toml -----------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RankingFile {
    pub(crate) priors: Spanned<RawPriors>,
    pub(crate) strengths: Spanned<RawStrengths>,
    pub(crate) drug_priors: Spanned<RawDrugPriors>,
    pub(crate) temporal: Spanned<RawTemporal>,
    pub(crate) lineage_fit: Spanned<RawLineageFit>,
    pub(crate) next_tests: Spanned<RawNextTests>,
    pub(crate) hallmark: Spanned<RawHallmark>,
    pub(crate) doubtful_count: Spanned<RawDoubtful>,
    pub(crate) context: Spanned<RawHallmark>,
    pub(crate) overlapping: Spanned<RawOverlapping>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOverlapping {
    pub(crate) groups: Vec<Vec<String>>,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDoubtful {
    pub(crate) findings: Vec<String>,
    pub(crate) against_true_causes: RawRule,
    #[serde(default)]
    pub(crate) read_from_the_count: Vec<String>,
    pub(crate) source: SourceRef,
    pub(crate) status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHallmark {
    pub(crate) absent: RawRule,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPriors {
    #[serde(rename = "very-common")]
    pub(crate) very_common: f64,
    pub(crate) common: f64,
    pub(crate) uncommon: f64,
    pub(crate) rare: f64,
    #[serde(rename = "very-rare")]
    pub(crate) very_rare: f64,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStrengths {
    #[serde(rename = "for")]
    pub(crate) for_: std::collections::BTreeMap<String, f64>,
    pub(crate) against: std::collections::BTreeMap<String, f64>,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDrugPriors {
    pub(crate) strong: String,
    pub(crate) moderate: String,
    pub(crate) weak: String,
    pub(crate) uncertain: String,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub(crate) direction: String,
    pub(crate) strength: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTemporal {
    pub(crate) within_window: RawRule,
    pub(crate) before_window: RawRule,
    pub(crate) after_window: RawRule,
    pub(crate) started_after_onset: RawRule,
    pub(crate) stopped_long_before_onset: RawRule,
    pub(crate) dechallenge_recovery: RawRule,
    pub(crate) from_last_dose: Vec<String>,
    #[serde(default)]
    pub(crate) cumulative_while_taken: Vec<String>,
    #[serde(default)]
    pub(crate) from_last_dose_when_ended: Vec<String>,
    pub(crate) source: SourceRef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLineageFit {
    pub(crate) unexplained_lineage: RawRule,
    pub(crate) all_lineages_explained: RawRule,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNextTests {
    pub(crate) max: usize,
    pub(crate) default_strength: String,
    pub(crate) min_probability: f64,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFever {
    pub(crate) temperature_at_least: f64,
    pub(crate) within_hours: i64,
    pub(crate) text: Vec<String>,
    pub(crate) source: SourceRef,
}

// --- management/*.toml --------------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAction {
    pub(crate) kind: String,
    pub(crate) target: Option<String>,
    pub(crate) urgency: String,
    pub(crate) text: String,
    pub(crate) source: Option<SourceRef>,
    pub(crate) when_finding: Option<String>,
    pub(crate) unless_finding: Option<String>,
    #[serde(default)]
    pub(crate) for_drugs: Vec<String>,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FebrileFile {
    pub(crate) fever: Spanned<RawFnFever>,
    pub(crate) neutropenia: Spanned<RawFnNeutropenia>,
    pub(crate) urgent: Spanned<RawUrgent>,
    pub(crate) qsofa: Spanned<RawQsofa>,
    pub(crate) nice_high_risk: Spanned<RawNiceHighRisk>,
    pub(crate) symptomatic_neutropenia: Spanned<RawSymptomatic>,
    #[serde(default)]
    pub(crate) action: Vec<Spanned<RawAction>>,
    pub(crate) mascc: Spanned<RawMascc>,
    pub(crate) cisne: Spanned<RawCisne>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFnFever {
    pub(crate) single_at_least: f64,
    pub(crate) sustained_at_least: f64,
    pub(crate) sustained_minutes: i64,
    pub(crate) look_back_hours: i64,
    pub(crate) source: SourceRef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFnNeutropenia {
    pub(crate) anc_below: f64,
    pub(crate) expected_anc_below: f64,
    pub(crate) falling_within_days: i64,
    pub(crate) falling_findings: Vec<String>,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSymptomatic {
    pub(crate) anc_below: f64,
    pub(crate) findings: Vec<String>,
    pub(crate) urgency: String,
    pub(crate) source: SourceRef,
    pub(crate) status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNiceHighRisk {
    pub(crate) respiratory_rate_at_least: f64,
    pub(crate) heart_rate_at_least: f64,
    pub(crate) systolic_at_most: f64,
    pub(crate) findings: Vec<String>,
    pub(crate) source: SourceRef,
    pub(crate) status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawUrgent {
    pub(crate) sepsis_findings: Vec<String>,
    pub(crate) infection_findings: Vec<String>,
    pub(crate) bleeding_findings: Vec<String>,
    pub(crate) severe_thrombocytopenia_below: f64,
    pub(crate) source: SourceRef,
    pub(crate) status: Option<String>,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMascc {
    pub(crate) low_risk_at_least: i64,
    pub(crate) burden_none_or_mild: i64,
    pub(crate) burden_moderate: i64,
    pub(crate) burden_severe: i64,
    pub(crate) no_hypotension: i64,
    pub(crate) systolic_below_is_hypotension: f64,
    pub(crate) no_copd: i64,
    pub(crate) solid_tumour_or_haematological_without_fungal: i64,
    pub(crate) no_dehydration: i64,
    pub(crate) outpatient: i64,
    pub(crate) age_under: f64,
    pub(crate) age_points: i64,
    pub(crate) source: SourceRef,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCisne {
    pub(crate) ecog_2_or_more: i64,
    pub(crate) stress_hyperglycaemia: i64,
    pub(crate) glucose_at_least_mg_dl: f64,
    pub(crate) glucose_at_least_mg_dl_if_diabetic_or_steroids: f64,
    pub(crate) copd: i64,
    pub(crate) chronic_cardiovascular_disease: i64,
    pub(crate) mucositis_grade_2_or_more: i64,
    pub(crate) monocytes_below: f64,
    pub(crate) monocytes_points: i64,
    pub(crate) intermediate_from: i64,
    pub(crate) high_from: i64,
    pub(crate) source: SourceRef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SupportiveFile {
    pub(crate) precautions: Spanned<RawPrecautions>,
    pub(crate) prophylaxis: Spanned<RawProphylaxis>,
    pub(crate) g_csf: Spanned<RawGcsf>,
    pub(crate) referral: Spanned<RawReferral>,
    pub(crate) hiv_screen: Spanned<RawHivScreen>,
    /// The laboratory panel for a neutropenia that no cause explains.
    pub(crate) unexplained: Spanned<RawUnexplained>,
    /// Work-up steps a finding calls for whatever the ranking (each needs `when_finding`).
    #[serde(default)]
    pub(crate) action: Vec<Spanned<RawAction>>,
}

/// The laboratory panel for a neutropenia that no cause explains.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawUnexplained {
    pub(crate) unless_findings: Vec<String>,
    pub(crate) except_leading_categories: Vec<String>,
    #[serde(default)]
    pub(crate) except_leading_causes: Vec<String>,
    pub(crate) actions: Vec<RawAction>,
    pub(crate) source: SourceRef,
    pub(crate) status: Option<String>,
}

/// An HIV test for a neutropenia the record does not explain.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHivScreen {
    #[serde(default)]
    pub(crate) patterns: Vec<String>,
    pub(crate) unless_findings: Vec<String>,
    pub(crate) except_leading_categories: Vec<String>,
    pub(crate) target: String,
    pub(crate) text: String,
    pub(crate) source: SourceRef,
    pub(crate) status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawReferral {
    pub(crate) anc_below: f64,
    pub(crate) patterns: Vec<String>,
    pub(crate) findings: Vec<String>,
    #[serde(default)]
    pub(crate) with_neutropenia_findings: Vec<String>,
    pub(crate) except_leading_categories: Vec<String>,
    pub(crate) urgency: String,
    pub(crate) text: String,
    pub(crate) source: SourceRef,
    pub(crate) status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPrecautions {
    pub(crate) anc_below: f64,
    pub(crate) text: String,
    pub(crate) source: SourceRef,
    pub(crate) status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProphylaxis {
    pub(crate) profound_anc_below: f64,
    pub(crate) profound_text: String,
    pub(crate) profound_source: SourceRef,
    pub(crate) cd4_below: f64,
    pub(crate) cd4_text: String,
    pub(crate) cd4_source: SourceRef,
    pub(crate) status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGcsf {
    pub(crate) primary_risk_at_least: f64,
    pub(crate) consider_risk_at_least: f64,
    pub(crate) primary_text: String,
    pub(crate) consider_text: String,
    pub(crate) secondary_text: String,
    pub(crate) fn_high_risk_text: String,
    pub(crate) fn_high_risk_age_over: f64,
    pub(crate) source: SourceRef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ThresholdsFile {
    pub(crate) plans: Spanned<RawPlansThresholds>,
    pub(crate) alerts: Spanned<RawAlertLevels>,
    #[serde(default)]
    pub(crate) guard: Vec<Spanned<RawGuard>>,
    #[serde(default)]
    pub(crate) contraindication: Vec<Spanned<RawContraindication>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawContraindication {
    pub(crate) targets: Vec<String>,
    pub(crate) when_finding: String,
    pub(crate) text: String,
    pub(crate) source: SourceRef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlansThresholds {
    pub(crate) act_probability: f64,
    pub(crate) stop_all_suspects_probability: f64,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

/// Alert level of a graded neutropenia, leukopenia or lymphopenia, by CTCAE grade 1-4.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAlertLevels {
    pub(crate) level_by_grade: Vec<String>,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGuard {
    pub(crate) leading_categories: Vec<String>,
    #[serde(default)]
    pub(crate) leading_causes: Vec<String>,
    #[serde(default)]
    pub(crate) when_findings: Vec<String>,
    pub(crate) forbid_kinds: Vec<String>,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DrugRulesFile {
    #[serde(default)]
    pub(crate) drug_rule: Vec<Spanned<RawDrugRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDrugRule {
    pub(crate) drug: String,
    pub(crate) population: String,
    pub(crate) anc_at_least: Option<f64>,
    pub(crate) anc_below: Option<f64>,
    pub(crate) decision: String,
    pub(crate) actions: Vec<RawAction>,
    pub(crate) source: SourceRef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlansFile {
    #[serde(default)]
    pub(crate) plan: Vec<Spanned<RawPlan>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlan {
    pub(crate) id: String,
    pub(crate) causes: Vec<String>,
    pub(crate) actions: Vec<RawAction>,
    pub(crate) on_suspicion: Option<RawSuspicion>,
    pub(crate) source: Option<SourceRef>,
    pub(crate) status: Option<String>,
    pub(crate) note: Option<String>,
}

/// A plan that applies on suspicion: its cause among the `within_top` leading candidates with
/// the cause's required context recorded, whatever its probability.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSuspicion {
    pub(crate) within_top: usize,
    #[serde(default)]
    pub(crate) min_probability: f64,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegimensFile {
    #[serde(default)]
    pub(crate) regimen: Vec<Spanned<RawRegimen>>,
    pub(crate) risk_factors: Option<Spanned<RawRiskFactors>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRegimen {
    pub(crate) id: String,
    pub(crate) label: String,
    #[serde(default)]
    pub(crate) names: Vec<String>,
    pub(crate) components: Vec<String>,
    pub(crate) fn_risk_percent: Option<RawRange>,
    pub(crate) band: String,
    pub(crate) source: SourceRef,
    pub(crate) locator: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRange {
    pub(crate) low: f64,
    pub(crate) high: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRiskFactors {
    pub(crate) items: Vec<String>,
    pub(crate) source: SourceRef,
    pub(crate) status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQsofa {
    pub(crate) respiratory_rate_at_least: f64,
    pub(crate) systolic_at_most: f64,
    pub(crate) altered_mentation_findings: Vec<String>,
    pub(crate) at_least: i64,
    pub(crate) suspected_infection_findings: Vec<String>,
    pub(crate) source: SourceRef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VitalsTextFile {
    #[serde(default)]
    pub(crate) vital: Vec<Spanned<RawVitalText>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawVitalText {
    pub(crate) analyte: String,
    pub(crate) phrases: Vec<String>,
    pub(crate) default_unit: String,
    pub(crate) source: SourceRef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MonitoringFile {
    pub(crate) trend: Spanned<RawTrend>,
    pub(crate) cyclic: Spanned<RawCyclic>,
    pub(crate) nadir: Spanned<RawNadir>,
    #[serde(default)]
    pub(crate) programme: Vec<Spanned<RawProgramme>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTrend {
    pub(crate) baseline_min_values: usize,
    pub(crate) baseline_gap_days: i64,
    pub(crate) baseline_window_days: i64,
    pub(crate) steep_drop_pct: f64,
    pub(crate) slope_window_days: i64,
    pub(crate) projection_horizon_days: i64,
    pub(crate) intermittent_window_days: i64,
    pub(crate) transient_days: i64,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCyclic {
    pub(crate) period_min_days: f64,
    pub(crate) period_max_days: f64,
    pub(crate) min_values: usize,
    pub(crate) min_span_days: i64,
    pub(crate) window_days: i64,
    pub(crate) nadir_below: f64,
    pub(crate) false_alarm_max: f64,
    pub(crate) source: SourceRef,
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNadir {
    pub(crate) onset_days: [i64; 2],
    pub(crate) nadir_days: [i64; 2],
    pub(crate) recovery_days: [i64; 2],
    pub(crate) source: SourceRef,
    pub(crate) status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScheduleStep {
    pub(crate) until_days: Option<i64>,
    pub(crate) every_days: Option<i64>,
    pub(crate) phase: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBand {
    pub(crate) population: String,
    pub(crate) anc_at_least: Option<f64>,
    pub(crate) anc_below: Option<f64>,
    pub(crate) every_days: i64,
    pub(crate) frequency: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAfterRecovery {
    pub(crate) population: String,
    pub(crate) below: f64,
    pub(crate) recovered_at_least: f64,
    pub(crate) weeks: i64,
    pub(crate) every_days: i64,
    pub(crate) frequency: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProgramme {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) analyte: String,
    pub(crate) schedule: Vec<RawScheduleStep>,
    #[serde(default)]
    pub(crate) bands: Vec<RawBand>,
    #[serde(default)]
    pub(crate) after_recovery: Vec<RawAfterRecovery>,
    pub(crate) restart_after_below: Option<f64>,
    pub(crate) after_stop_until_at_least: Option<f64>,
    pub(crate) restart_after_gap_days: Option<i64>,
    pub(crate) start_anc_at_least: Option<f64>,
    pub(crate) start_anc_at_least_ben: Option<f64>,
    #[serde(default)]
    pub(crate) ben_baseline_values: usize,
    pub(crate) confirm_within_hours: Option<i64>,
    #[serde(default)]
    pub(crate) on_symptoms: Vec<String>,
    #[serde(default)]
    pub(crate) nadir: bool,
    pub(crate) source: SourceRef,
    pub(crate) status: Option<String>,
    pub(crate) note: Option<String>,
}
