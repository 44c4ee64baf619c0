//! The validated knowledge base: every clinical number and list the engine uses.
//!
//! Built in two stages, as ripgrep turns low-level arguments into high-level ones: `raw` mirrors
//! the TOML files 1:1, and [`KnowledgeBase::from_files`] validates them into the types below. The
//! files themselves are supplied by the caller (the `leuko-kb` crate embeds `kb/`), so this module
//! reads nothing from disk.

mod build;
pub mod management;
pub mod monitoring;
pub(crate) mod raw;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::analyte::{Analyte, Property};

pub use build::fold_unit;

/// One knowledge-base file as text, with its path relative to the `kb/` folder.
#[derive(Debug, Clone, Copy)]
pub struct KbFile<'a> {
    /// Path relative to `kb/`, with `/` separators (e.g. `grading/ctcae.toml`).
    pub path: &'a str,
    /// The file's contents.
    pub text: &'a str,
}

/// A problem found while building the knowledge base, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbError {
    /// Path relative to `kb/`.
    pub file: String,
    /// 1-based line of the entry at fault (the entry's first line).
    pub line: usize,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for KbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "kb/{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Every problem found in one build; the knowledge base is not built if there is any.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct KbErrors(pub Vec<KbError>);

impl fmt::Display for KbErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} problem(s) in the knowledge base", self.0.len())?;
        for error in &self.0 {
            write!(f, "\n  {error}")?;
        }
        Ok(())
    }
}

/// Where a rule comes from: source ids registered in `kb/sources/`, or explicitly uncited.
/// Shared, not copied: every evidence line of every assessment carries one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Citation {
    ids: std::sync::Arc<[String]>,
}

impl Citation {
    pub(crate) fn new(ids: Vec<String>) -> Citation {
        Citation { ids: ids.into() }
    }

    /// The source ids (`"uncited"` when no source supports the rule).
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// Whether the rule has no citable source (an engine design choice, stated in the KB).
    pub fn is_uncited(&self) -> bool {
        self.ids.iter().all(|id| id == "uncited")
    }

    /// The ids joined for display, e.g. `S31, S33`.
    pub fn joined(&self) -> String {
        self.ids.join(", ")
    }
}

/// How far a rule's number was checked against its source (clinical-tables.md "Status").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verification {
    /// Read in the cited source.
    Verified,
    /// Partly confirmed.
    Partial,
    /// Not seen in any source; must be checked before the engine relies on it.
    Unverified,
}

/// A registered source.
#[derive(Debug, Clone)]
pub struct Source {
    /// Unique id.
    pub id: String,
    /// Title or description.
    pub title: String,
    /// Journal or publisher.
    pub publisher: Option<String>,
    /// Year of publication.
    pub year: Option<i64>,
    /// Web address.
    pub url: Option<String>,
    /// DOI.
    pub doi: Option<String>,
}

/// What the knowledge base says about one analyte.
#[derive(Debug, Clone)]
pub struct AnalyteDef {
    /// The analyte.
    pub analyte: Analyte,
    /// Human label.
    pub label: String,
    /// Canonical unit (UCUM-like spelling) all values are converted to.
    pub canonical_unit: String,
    /// Which unit table converts this analyte's values.
    pub unit_table: String,
    /// Values above this (canonical unit) are rescaled by `factor` with a warning.
    pub reinterpret_above: Option<Reinterpret>,
}

/// A plausibility guard for unit errors.
#[derive(Debug, Clone)]
pub struct Reinterpret {
    /// Threshold in the canonical unit.
    pub value: f64,
    /// Factor applied to the converted value.
    pub factor: f64,
    /// Values above this (and not above `value`) are used as reported, with a warning that they
    /// may have been sent in the smaller unit.
    pub verify_above: Option<f64>,
    /// Where the guard comes from.
    pub citation: Citation,
}

/// A LOINC code's meaning.
#[derive(Debug, Clone)]
pub struct LoincDef {
    /// The code.
    pub code: String,
    /// The analyte it measures.
    pub analyte: Analyte,
    /// Count, fraction or level.
    pub property: Property,
    /// LOINC long name.
    pub name: String,
    /// Preferred over other codes of the same analyte at the same time (e.g. WBC corrected for NRBC).
    pub preferred: bool,
    /// Where the code's meaning was confirmed.
    pub citation: Citation,
}

/// A unit spelling's conversion.
#[derive(Debug, Clone)]
pub struct UnitDef {
    /// Canonical = value * factor + offset.
    pub factor: f64,
    /// Offset (temperature only).
    pub offset: f64,
    /// Where the conversion comes from.
    pub citation: Citation,
}

/// Population a reference interval applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Population {
    /// Everyone not covered by a more specific interval.
    General,
    /// Documented Duffy-null (Fy(a-b-) or rs2814778 C/C).
    DuffyNull,
}

/// Sex as recorded (FHIR administrative gender).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
    /// Other.
    Other,
    /// Unknown or not recorded.
    Unknown,
}

impl Sex {
    /// The FHIR code.
    pub fn id(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
            Sex::Unknown => "unknown",
        }
    }
}

/// A reference interval from the knowledge base.
#[derive(Debug, Clone)]
pub struct IntervalDef {
    /// Analyte (canonical unit).
    pub analyte: Analyte,
    /// Population.
    pub population: Population,
    /// Sex, when the interval is sex-specific.
    pub sex: Option<Sex>,
    /// Age band [min, max) in years.
    pub age_min_years: f64,
    /// Upper bound (exclusive).
    pub age_max_years: f64,
    /// Lower limit of normal.
    pub low: Option<f64>,
    /// Upper limit of normal.
    pub high: Option<f64>,
    /// Where it comes from.
    pub citation: Citation,
    /// Verification status.
    pub verification: Verification,
}

/// CTCAE version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CtcaeVersion {
    /// CTCAE v5.0 (2017).
    V5,
    /// CTCAE v6.0 (2025).
    V6,
}

/// One CTCAE term's thresholds.
#[derive(Debug, Clone)]
pub struct CtcaeTerm {
    /// Version.
    pub version: CtcaeVersion,
    /// Analyte graded.
    pub analyte: Analyte,
    /// Term name.
    pub term: String,
    /// Grade 1 is "< LLN".
    pub grade_1_below_lln: bool,
    /// (grade, below) pairs, most severe last.
    pub thresholds: Vec<(u8, f64)>,
    /// Source.
    pub citation: Citation,
}

/// A neutropenia severity band.
#[derive(Debug, Clone)]
pub struct SeverityBand {
    /// Word.
    pub word: String,
    /// ANC below this (10^9/L).
    pub below: f64,
    /// Source.
    pub citation: Citation,
}

/// A single cut-off with its source.
#[derive(Debug, Clone)]
pub struct Cutoff {
    /// The value (canonical unit of its analyte), or days.
    pub value: f64,
    /// Source.
    pub citation: Citation,
}

/// Cytopenia definitions for pattern naming.
#[derive(Debug, Clone)]
pub struct Cytopenias {
    /// Haemoglobin below (g/dL).
    pub anemia: Cutoff,
    /// Platelets below (10^9/L).
    pub thrombocytopenia: Cutoff,
    /// ANC below (10^9/L).
    pub neutropenia: Cutoff,
}

/// A class of specimen remark.
#[derive(Debug, Clone)]
pub struct RemarkDef {
    /// Kind (aggregation, sample-age, …).
    pub kind: String,
    /// Folded phrases.
    pub phrases: Vec<String>,
    /// Source.
    pub citation: Citation,
}

/// How pregnancy and Duffy-null status are recognised.
#[derive(Debug, Clone)]
pub struct PatientStatusDefs {
    /// Pregnancy SNOMED codes.
    pub pregnancy_snomed: Vec<String>,
    /// Pregnancy ICD-10 prefixes.
    pub pregnancy_icd10: Vec<String>,
    /// Pregnancy phrases (folded).
    pub pregnancy_text: Vec<String>,
    /// Pregnancy-status observation LOINC codes.
    pub pregnancy_observation_loinc: Vec<String>,
    /// Values of those observations meaning pregnant (folded).
    pub pregnancy_observation_true: Vec<String>,
    /// Source of the pregnancy rule.
    pub pregnancy_citation: Citation,
    /// Words in an observation's code text that mark a Duffy test (folded).
    pub duffy_observation_text: Vec<String>,
    /// Phenotype values meaning Duffy-null (folded).
    pub duffy_phenotype_values: Vec<String>,
    /// Genotype values meaning rs2814778 C/C (folded).
    pub duffy_genotype_values: Vec<String>,
    /// Condition phrases documenting Duffy-null status (folded).
    pub duffy_condition_text: Vec<String>,
    /// Source of the Duffy-null rule.
    pub duffy_citation: Citation,
    /// Ancestry phrases that prompt a Duffy phenotype test (folded).
    pub duffy_test_ancestry: Vec<String>,
    /// Ancestry phrases where the Duffy-null phenotype is rare (folded): a prior shift against
    /// the Duffy-null associated count, for ranking only.
    pub duffy_rare_ancestry: Vec<String>,
    /// Minimum ANC for the suggestion (10^9/L).
    pub duffy_test_anc_at_least: f64,
    /// Minimum duration of neutropenia (days).
    pub duffy_test_chronic_days: i64,
    /// Source of the suggestion rule.
    pub duffy_test_citation: Citation,
    /// Fever recognition.
    pub fever: FeverDef,
}

/// An evidence rule of the ranking calibration, as a likelihood ratio.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lr(pub f64);

/// The ranking calibration (`kb/ranking.toml`).
#[derive(Debug, Clone)]
pub struct Ranking {
    /// Prior probability by word.
    pub priors: BTreeMap<String, f64>,
    /// Likelihood ratio of evidence for, by strength word.
    pub lr_for: BTreeMap<String, f64>,
    /// Likelihood ratio of evidence against, by strength word.
    pub lr_against: BTreeMap<String, f64>,
    /// Source of the calibration.
    pub calibration: Citation,
    /// Prior word of a drug cause by association word.
    pub drug_priors: BTreeMap<String, String>,
    /// Timing evidence.
    pub temporal: Temporal,
    /// Lineage fit: a low lineage the cause does not lower.
    pub unexplained_lineage: Lr,
    /// Lineage fit: every low lineage (two or more) lowered by the cause.
    pub all_lineages_explained: Lr,
    /// No characteristic finding of the cause is present.
    pub hallmark_absent: Lr,
    /// None of a cause's context findings is recorded.
    pub context_absent: Lr,
    /// Groups of findings that state one fact: per cause and side, only the strongest counts.
    pub overlapping: Vec<Vec<String>>,
    /// Findings that put the count itself in doubt.
    pub doubtful_findings: Vec<String>,
    /// Applied to every non-spurious cause when one is present.
    pub doubtful_against: Lr,
    /// Findings read from the count itself, which support no true cause while it is in doubt.
    pub doubtful_read_from_count: Vec<String>,
    /// Source of the doubtful-count rule.
    pub doubtful_citation: Citation,
    /// How many next tests to recommend.
    pub next_tests_max: usize,
    /// Likelihood ratio assumed for a listed test without a linked finding.
    pub next_tests_default_lr: f64,
    /// Candidates below this probability do not drive test choice.
    pub next_tests_min_probability: f64,
}

/// Likelihood ratios of drug timing.
#[derive(Debug, Clone)]
pub struct Temporal {
    /// Onset within the drug's latency window.
    pub within_window: Lr,
    /// Onset earlier than the window.
    pub before_window: Lr,
    /// Onset later than the window (and no late onset known).
    pub after_window: Lr,
    /// The count was already low before the drug started.
    pub started_after_onset: Lr,
    /// The drug was stopped long before the onset.
    pub stopped_long_before_onset: Lr,
    /// The count recovered after the drug was stopped.
    pub dechallenge_recovery: Lr,
    /// Cause templates timed from the most recent dose (cyclic chemotherapy).
    pub from_last_dose: Vec<String>,
    /// Drug causes whose toxicity accumulates while the drug is taken: no "later than its
    /// window" line while the exposure continues at the onset.
    pub cumulative_while_taken: Vec<String>,
    /// Drug causes timed from the last dose once the record gives one (late-onset neutropenia
    /// after rituximab), from the start otherwise.
    pub from_last_dose_when_ended: Vec<String>,
    /// Source.
    pub citation: Citation,
}

/// How fever is recognised for ranking.
#[derive(Debug, Clone)]
pub struct FeverDef {
    /// Temperature at least (°C).
    pub temperature_at_least: f64,
    /// Within this many hours before `as_of`.
    pub within_hours: i64,
    /// Folded phrases.
    pub text: Vec<String>,
    /// Source.
    pub citation: Citation,
}

/// How a vital sign is read from free text.
#[derive(Debug, Clone)]
pub struct VitalText {
    /// Analyte.
    pub analyte: Analyte,
    /// Folded phrases, longest first.
    pub phrases: Vec<String>,
    /// Unit when the text names none.
    pub default_unit: String,
}

/// A drug associated with leukopenia.
#[derive(Debug, Clone)]
pub struct DrugDef {
    /// Unique id (generic name).
    pub id: String,
    /// Name shown in cause labels.
    pub label: String,
    /// Names matched in medication text (folded).
    pub names: Vec<String>,
    /// ATC codes.
    pub atc: Vec<String>,
    /// RxNorm ingredient codes.
    pub rxnorm: Vec<String>,
    /// Drug class.
    pub class: String,
    /// Cause template id.
    pub cause: String,
    /// Association strength word.
    pub association: String,
    /// Latency window (days after first dose).
    pub latency_days: Option<(Option<i64>, Option<i64>, Option<i64>)>,
    /// Cases occur long after the window.
    pub late_onset_possible: bool,
    /// Monitoring programme id.
    pub monitoring: Option<String>,
    /// Findings that make this drug's toxicity more likely, each a `for` line of its candidate.
    pub risk_factors: Vec<EvidenceDef>,
    /// Source.
    pub citation: Citation,
}

/// A lab condition defining a finding.
#[derive(Debug, Clone)]
pub enum LabRule {
    /// Value below a threshold (canonical unit).
    Below(Analyte, f64),
    /// Value above a threshold (canonical unit).
    Above(Analyte, f64),
    /// Below the applicable reference interval.
    BelowReference(Analyte),
    /// Above the applicable reference interval.
    AboveReference(Analyte),
}

impl LabRule {
    /// The analyte the rule reads.
    pub fn analyte(&self) -> Analyte {
        match self {
            LabRule::Below(a, _) | LabRule::Above(a, _) | LabRule::BelowReference(a) | LabRule::AboveReference(a) => *a,
        }
    }
}

/// A clinical finding.
#[derive(Debug, Clone)]
pub struct FindingDef {
    /// Unique id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Folded phrases.
    pub text: Vec<String>,
    /// The words of each phrase of `text`, in the same order (for the quick word prefilter).
    pub text_words: Vec<Vec<String>>,
    /// ICD-10 prefixes (dots removed, upper case).
    pub icd10: Vec<String>,
    /// SNOMED CT ids.
    pub snomed: Vec<String>,
    /// Negated mentions do not count.
    pub negation_sensitive: bool,
    /// Lab rule.
    pub lab: Option<LabRule>,
    /// The lab rule counts only on a result at most this many days old (an acute marker such as
    /// transaminases: last season's hepatitis says nothing of today's).
    pub lab_within_days: Option<u32>,
    /// Duration rule: a stated duration after one of these (folded) words, at least this long.
    pub duration: Option<DurationRule>,
    /// Listed among tests that a sentence closes with one result: the result and the folded terms.
    pub listed: Option<(ListedResult, Vec<String>)>,
    /// Implied by another finding in a patient younger than this many years: (finding, years).
    pub below_age: Option<(String, f64)>,
    /// The finding (derived by the engine, or defined in the knowledge base) that this one stands
    /// for when that one is absent.
    pub stands_for: Option<String>,
    /// The examinations that report this finding (a blood film, flow cytometry, a bone-marrow
    /// examination): while the record reports none of them, the finding is untested, not absent.
    pub examination: Vec<String>,
    /// Source.
    pub citation: Citation,
}

/// The result that closes a list of tests ("… and parvovirus B19 tests negative").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListedResult {
    /// Negative, not detected, non-reactive, excluded.
    Negative,
    /// Normal, within normal limits, unremarkable.
    Normal,
}

impl ListedResult {
    /// The result in a word, as the knowledge base spells it.
    pub fn word(self) -> &'static str {
        match self {
            ListedResult::Negative => "negative",
            ListedResult::Normal => "normal",
        }
    }
}

/// A finding read from a stated duration ("fever with rigors for one month").
#[derive(Debug, Clone)]
pub struct DurationRule {
    /// Folded words that the duration must follow in the same sentence.
    pub words: Vec<String>,
    /// The shortest duration, in days, that counts.
    pub at_least_days: u32,
}

/// Evidence line of a cause.
#[derive(Debug, Clone)]
pub struct EvidenceDef {
    /// Finding id.
    pub finding: String,
    /// Strength word.
    pub strength: String,
    /// Marked characteristic of the cause in the data although weaker than `strong` (lines of
    /// strength `strong` or above are characteristic anyway).
    pub hallmark: bool,
    /// Source.
    pub citation: Citation,
    /// The other lines of the same list stating the same fact (`ranking.toml [overlapping]`), by
    /// index: of them all, only the strongest present one counts.
    pub same_fact: Vec<usize>,
}

/// A test that would help.
#[derive(Debug, Clone)]
pub struct TestDef {
    /// LOINC code, when confirmed.
    pub loinc: Option<String>,
    /// Name.
    pub name: String,
    /// The recommendation kind it is proposed as: `order-test`, `peripheral-smear` or
    /// `bone-marrow-exam` (so the do-no-harm guards and deduplication see a marrow examination
    /// as one, whichever list proposed it).
    pub kind: String,
    /// Source.
    pub citation: Citation,
}

/// A cause of leukopenia.
#[derive(Debug, Clone)]
pub struct CauseDef {
    /// Unique id.
    pub id: String,
    /// Category word of the output contract.
    pub category: String,
    /// Label (drug templates hold `{drug}`).
    pub label: String,
    /// One-line summary.
    pub summary: String,
    /// Why, for the clinician.
    pub why: Option<String>,
    /// Prior word.
    pub prior: String,
    /// Prior words for younger patients: (below this age in years, word), youngest first.
    pub prior_by_age: Vec<(f64, String)>,
    /// Age band in years.
    pub age_years: (Option<f64>, Option<f64>),
    /// Gate findings.
    pub requires_any: Vec<String>,
    /// Context findings: without any, the cause is much less likely.
    pub context_any: Vec<String>,
    /// Lineages lowered.
    pub affects: Vec<String>,
    /// Evidence for.
    pub evidence_for: Vec<EvidenceDef>,
    /// Evidence against.
    pub evidence_against: Vec<EvidenceDef>,
    /// Tests.
    pub next_tests: Vec<TestDef>,
    /// Known limits.
    pub known_limits: Option<String>,
    /// Source.
    pub citation: Citation,
}

/// An entry's text and location, for `leuko kb show`.
#[derive(Debug, Clone)]
pub struct EntrySnippet {
    /// Kind of entry (source, analyte, drug, cause, finding, …).
    pub kind: &'static str,
    /// File relative to `kb/`.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// The entry's TOML text.
    pub text: String,
}

/// A note about the knowledge base that is not an error (e.g. rules still unverified).
#[derive(Debug, Clone)]
pub struct KbNote {
    /// Where.
    pub file: String,
    /// Line.
    pub line: usize,
    /// What.
    pub message: String,
}

/// The validated knowledge base.
#[derive(Debug, Clone)]
pub struct KnowledgeBase {
    pub(crate) version: String,
    pub(crate) sources: BTreeMap<String, Source>,
    pub(crate) analytes: Vec<AnalyteDef>,
    pub(crate) loinc: BTreeMap<String, LoincDef>,
    pub(crate) panels: BTreeSet<String>,
    /// Folded analyte text → (analyte, property when the phrase implies one).
    pub(crate) analyte_text: BTreeMap<String, (Analyte, Option<Property>)>,
    /// (unit table, folded spelling) → conversion.
    pub(crate) units: BTreeMap<(String, String), UnitDef>,
    pub(crate) intervals: Vec<IntervalDef>,
    pub(crate) ctcae: Vec<CtcaeTerm>,
    pub(crate) severity: Vec<SeverityBand>,
    pub(crate) agranulocytosis: Cutoff,
    pub(crate) chronic_days: Cutoff,
    pub(crate) cytopenias: Cytopenias,
    pub(crate) differential_max: Cutoff,
    pub(crate) remarks: Vec<RemarkDef>,
    pub(crate) patient_status: PatientStatusDefs,
    pub(crate) drugs: Vec<DrugDef>,
    /// (drug index, name index) of every drug name, by the name's first word (and that word
    /// without a plural "s"), so that only names that can start in a medication text are tried.
    pub(crate) drug_name_index: BTreeMap<String, Vec<(usize, usize)>>,
    pub(crate) findings: Vec<FindingDef>,
    /// (finding index, phrase index) of every finding phrase, by the phrase's first word (and
    /// that word without a plural "s"), so that only phrases that can start in a record are tried.
    pub(crate) phrase_index: BTreeMap<String, Vec<(usize, usize)>>,
    /// Position of each finding in `findings`, by id.
    pub(crate) finding_index: BTreeMap<String, usize>,
    pub(crate) causes: Vec<CauseDef>,
    pub(crate) ranking: Ranking,
    pub(crate) vitals_text: Vec<VitalText>,
    pub(crate) management: management::Management,
    pub(crate) monitoring: monitoring::Monitoring,
    pub(crate) entries: BTreeMap<String, Vec<EntrySnippet>>,
    pub(crate) notes: Vec<KbNote>,
}

impl KnowledgeBase {
    /// Builds and validates the knowledge base from its files. Every problem is reported, each
    /// with its file and line; nothing is built if there is any.
    pub fn from_files(files: &[KbFile<'_>]) -> Result<KnowledgeBase, KbErrors> {
        build::build(files)
    }

    /// The knowledge-base version (`kb/VERSION`), stamped into every assessment.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Registered sources by id.
    pub fn sources(&self) -> &BTreeMap<String, Source> {
        &self.sources
    }

    /// The definition of an analyte.
    pub fn analyte(&self, analyte: Analyte) -> &AnalyteDef {
        &self.analytes[analyte.index()]
    }

    /// The meaning of a LOINC code, if the knowledge base knows it.
    pub fn loinc(&self, code: &str) -> Option<&LoincDef> {
        self.loinc.get(code)
    }

    /// Whether the code is a known panel (carries no value of its own).
    pub fn is_panel(&self, code: &str) -> bool {
        self.panels.contains(code)
    }

    /// Every LOINC code the knowledge base maps, in code order.
    pub fn loinc_codes(&self) -> impl Iterator<Item = &LoincDef> {
        self.loinc.values()
    }

    /// Identifies an analyte from an observation's text (code.text or a coding's display).
    pub fn analyte_by_text(&self, text: &str) -> Option<(Analyte, Option<Property>)> {
        self.analyte_text.get(&crate::text::fold(text)).copied()
    }

    /// Converts a unit spelling for a unit table.
    pub fn unit(&self, table: &str, spelling: &str) -> Option<&UnitDef> {
        self.units.get(&(table.to_owned(), fold_unit(spelling)))
    }

    /// Reference intervals.
    pub fn intervals(&self) -> &[IntervalDef] {
        &self.intervals
    }

    /// CTCAE terms.
    pub fn ctcae(&self) -> &[CtcaeTerm] {
        &self.ctcae
    }

    /// Drugs.
    pub fn drugs(&self) -> &[DrugDef] {
        &self.drugs
    }

    /// The first-word index of the findings' phrases.
    pub(crate) fn phrase_index(&self) -> &BTreeMap<String, Vec<(usize, usize)>> {
        &self.phrase_index
    }

    /// One finding by id.
    pub fn finding(&self, id: &str) -> Option<&FindingDef> {
        self.finding_index.get(id).and_then(|&index| self.findings.get(index))
    }

    /// Clinical findings.
    pub fn findings(&self) -> &[FindingDef] {
        &self.findings
    }

    /// Causes.
    pub fn causes(&self) -> &[CauseDef] {
        &self.causes
    }

    /// Management knowledge (pathways, supportive care, plans).
    pub fn management(&self) -> &management::Management {
        &self.management
    }

    /// Early-detection knowledge: trend parameters and drug-monitoring programmes.
    pub fn monitoring(&self) -> &monitoring::Monitoring {
        &self.monitoring
    }

    /// The ranking calibration.
    pub fn ranking(&self) -> &Ranking {
        &self.ranking
    }

    /// How pregnancy, Duffy-null status and fever are recognised.
    pub fn patient_status(&self) -> &PatientStatusDefs {
        &self.patient_status
    }

    /// The entries registered under an id (several kinds may share one, e.g. a drug and a source).
    pub fn entry(&self, id: &str) -> &[EntrySnippet] {
        self.entries.get(id).map_or(&[], Vec::as_slice)
    }

    /// Minimum duration (days) for a neutropenia to be called chronic.
    pub fn chronic_days(&self) -> &Cutoff {
        &self.chronic_days
    }

    /// Notes that are not errors: unverified rules, uncited values.
    pub fn notes(&self) -> &[KbNote] {
        &self.notes
    }
}
