//! What an assessment says: counts, grades, pattern, causes, recommendations and warnings.
//!
//! These are plain domain types; `leuko-api` turns them into the documented JSON contract.

use chrono::{DateTime, Utc};

use crate::analyte::Analyte;
use crate::kb::{Citation, CtcaeVersion, Population, Sex, Verification};
use crate::record::ResultStatus;

/// The result of [`assess`](crate::assess).
#[derive(Debug, Clone)]
pub struct Assessment {
    /// "Now" for this assessment; nothing dated later was used.
    pub as_of: DateTime<Utc>,
    /// Knowledge-base version used.
    pub kb_version: String,
    /// Patient summary.
    pub patient: PatientSummary,
    /// Latest counts used for grading.
    pub counts: Counts,
    /// Grades.
    pub grades: Grades,
    /// Pattern of the cytopenia.
    pub pattern: Pattern,
    /// Whether the case needs action within the hour (febrile neutropenia, sepsis, …).
    pub urgent: bool,
    /// Why the case is urgent (empty when it is not).
    pub urgent_reasons: Vec<String>,
    /// The febrile-neutropenia assessment (fever, neutropenia, MASCC, CISNE).
    pub febrile: FebrileAssessment,
    /// Ranked causes.
    pub causes: Vec<CauseCandidate>,
    /// Recommendations, most urgent first.
    pub recommendations: Vec<Recommendation>,
    /// Series analysis per analyte (WBC, ANC, ALC, platelets, haemoglobin) with any value.
    pub trends: Vec<Trend>,
    /// Periodicity of the ANC series (cyclic neutropenia), when there is any ANC.
    pub cyclic: Option<CyclicCheck>,
    /// Expected course after the latest chemotherapy cycles.
    pub nadir: Vec<NadirWindow>,
    /// Drug-monitoring programmes that apply, one entry per programme and drug.
    pub monitoring: Vec<MonitoringEntry>,
    /// Alert conditions that hold now (deduplicate against earlier ones with [`crate::new_alerts`]).
    pub alerts: Vec<Alert>,
    /// Data-quality and spurious-result flags and other warnings.
    pub warnings: Vec<DataQualityFlag>,
    /// Every normalised result up to `as_of`, in time order (the series for trends).
    pub results: Vec<LabResult>,
    /// What the input held and what was left out.
    pub input: InputSummary,
}

/// Age band used for reference intervals and wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeBand {
    /// Under 28 days.
    Neonate,
    /// 28 days to under 1 year.
    Infant,
    /// 1 to under 18 years.
    Child,
    /// 18 years and over.
    Adult,
    /// Birth date not recorded.
    Unknown,
}

impl AgeBand {
    /// Word used in the output.
    pub fn id(self) -> &'static str {
        match self {
            AgeBand::Neonate => "neonate",
            AgeBand::Infant => "infant",
            AgeBand::Child => "child",
            AgeBand::Adult => "adult",
            AgeBand::Unknown => "unknown",
        }
    }
}

/// Who the patient is, as far as interpretation needs.
#[derive(Debug, Clone)]
pub struct PatientSummary {
    /// Patient id in the source.
    pub id: Option<String>,
    /// Age at `as_of`, in years.
    pub age_years: Option<f64>,
    /// Age band.
    pub age_band: AgeBand,
    /// Sex.
    pub sex: Sex,
    /// Pregnant at `as_of` (from conditions or observations).
    pub pregnant: bool,
    /// Documented Duffy-null status.
    pub duffy_null: bool,
    /// Where the Duffy-null status was read (observation or condition id).
    pub duffy_null_evidence: Option<String>,
    /// Ancestry as recorded (text).
    pub ancestry: Vec<String>,
}

/// How a count was obtained.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Reported by the laboratory as an absolute value.
    Reported {
        /// Observation id.
        observation: String,
    },
    /// Computed from a WBC and percentages of the same specimen.
    Derived {
        /// The observations used (WBC first).
        from: Vec<String>,
        /// The formula in words, e.g. `WBC x (segmented % + band %) / 100`.
        formula: String,
    },
}

impl Origin {
    /// The observation ids behind this value.
    pub fn observations(&self) -> Vec<&str> {
        match self {
            Origin::Reported { observation } => vec![observation.as_str()],
            Origin::Derived { from, .. } => from.iter().map(String::as_str).collect(),
        }
    }
}

/// A normalised result in the analyte's canonical unit.
#[derive(Debug, Clone, PartialEq)]
pub struct LabResult {
    /// Analyte.
    pub analyte: Analyte,
    /// Value in the canonical unit (counts 10^9/L).
    pub value: f64,
    /// Canonical unit.
    pub unit: String,
    /// Specimen time.
    pub time: DateTime<Utc>,
    /// How the value was obtained.
    pub origin: Origin,
    /// Laboratory reference interval on the result, converted (low, high).
    pub lab_reference: Option<(Option<f64>, Option<f64>)>,
    /// Status.
    pub status: ResultStatus,
    /// Position in the input, for stable tie-breaks.
    pub order: usize,
    /// Preferred over other results of the same analyte and time (e.g. NRBC-corrected WBC).
    pub preferred: bool,
}

/// Where a reference interval came from.
#[derive(Debug, Clone, PartialEq)]
pub enum IntervalOrigin {
    /// The laboratory's range on the result (wins when present).
    Laboratory,
    /// The site's configured interval ([`AssessConfig::site_intervals`](crate::AssessConfig)).
    Site,
    /// The knowledge base.
    KnowledgeBase {
        /// Population of the interval.
        population: Population,
        /// Source.
        citation: Citation,
        /// Verification status.
        verification: Verification,
    },
}

/// A reference interval applied to a count.
#[derive(Debug, Clone, PartialEq)]
pub struct AppliedInterval {
    /// Lower limit of normal.
    pub low: Option<f64>,
    /// Upper limit.
    pub high: Option<f64>,
    /// Origin.
    pub origin: IntervalOrigin,
}

/// One count used for grading.
#[derive(Debug, Clone, PartialEq)]
pub struct Count {
    /// The result.
    pub result: LabResult,
    /// The reference interval that applies.
    pub interval: Option<AppliedInterval>,
}

impl Count {
    /// Whether the value is below the lower limit of the applicable interval.
    pub fn below_reference(&self) -> Option<bool> {
        let low = self.interval.as_ref()?.low?;
        Some(self.result.value < low)
    }
}

/// The latest counts at `as_of`.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    /// White blood cells.
    pub wbc: Option<Count>,
    /// Absolute neutrophil count.
    pub anc: Option<Count>,
    /// Absolute lymphocyte count.
    pub alc: Option<Count>,
    /// Absolute monocyte count.
    pub monocytes: Option<Count>,
    /// Haemoglobin (g/dL).
    pub hemoglobin: Option<Count>,
    /// Platelets.
    pub platelets: Option<Count>,
}

/// A CTCAE grade with how it was reached.
#[derive(Debug, Clone, PartialEq)]
pub struct CtcaeGrade {
    /// CTCAE version.
    pub version: CtcaeVersion,
    /// Grade 0-4.
    pub grade: u8,
    /// The LLN used for grade 1, if any.
    pub lln: Option<f64>,
    /// False when grade 1 could not be assessed because the LLN was unknown.
    pub grade_1_assessable: bool,
    /// Source.
    pub citation: Citation,
}

/// Neutropenia severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Not neutropenic.
    None,
    /// Mild.
    Mild,
    /// Moderate.
    Moderate,
    /// Severe.
    Severe,
    /// Profound.
    Profound,
}

impl Severity {
    /// The contract word.
    pub fn id(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Mild => "mild",
            Severity::Moderate => "moderate",
            Severity::Severe => "severe",
            Severity::Profound => "profound",
        }
    }
}

/// Grades of each count.
#[derive(Debug, Clone, Default)]
pub struct Grades {
    /// WBC, CTCAE v5.0.
    pub wbc: Option<CtcaeGrade>,
    /// ANC, CTCAE v5.0.
    pub anc: Option<CtcaeGrade>,
    /// ANC, CTCAE v6.0.
    pub anc_v6: Option<CtcaeGrade>,
    /// ANC severity word.
    pub anc_severity: Option<Severity>,
    /// ANC below the agranulocytosis threshold.
    pub agranulocytosis: Option<bool>,
    /// ALC, CTCAE v5.0.
    pub alc: Option<CtcaeGrade>,
}

/// The pattern of cytopenia.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// No leukopenia.
    None,
    /// Neutropenia with normal lymphocytes, haemoglobin and platelets.
    IsolatedNeutropenia,
    /// Lymphopenia with normal neutrophils, haemoglobin and platelets.
    IsolatedLymphopenia,
    /// Low WBC with both neutropenia and lymphopenia.
    NeutropeniaAndLymphopenia,
    /// Low WBC without a differential to say which cells are low.
    LeukopeniaUndifferentiated,
    /// Low WBC while neither neutrophils nor lymphocytes are below range.
    LeukopeniaOther,
    /// White cells and one other lineage low.
    Bicytopenia,
    /// White cells, haemoglobin and platelets low.
    Pancytopenia,
}

impl Pattern {
    /// Every pattern, in contract order.
    pub const ALL: [Pattern; 8] = [
        Pattern::None,
        Pattern::IsolatedNeutropenia,
        Pattern::IsolatedLymphopenia,
        Pattern::NeutropeniaAndLymphopenia,
        Pattern::LeukopeniaUndifferentiated,
        Pattern::LeukopeniaOther,
        Pattern::Bicytopenia,
        Pattern::Pancytopenia,
    ];

    /// The contract word.
    pub fn id(self) -> &'static str {
        match self {
            Pattern::None => "none",
            Pattern::IsolatedNeutropenia => "isolated-neutropenia",
            Pattern::IsolatedLymphopenia => "isolated-lymphopenia",
            Pattern::NeutropeniaAndLymphopenia => "neutropenia-and-lymphopenia",
            Pattern::LeukopeniaUndifferentiated => "leukopenia-undifferentiated",
            Pattern::LeukopeniaOther => "leukopenia-other",
            Pattern::Bicytopenia => "bicytopenia",
            Pattern::Pancytopenia => "pancytopenia",
        }
    }
}

/// A ranked cause (filled by the causes module).
#[derive(Debug, Clone)]
pub struct CauseCandidate {
    /// Cause id (drug causes: `drug:<drug id>`).
    pub id: String,
    /// Category word.
    pub category: String,
    /// Label.
    pub label: String,
    /// Posterior probability (normalised over the candidates).
    pub probability: f64,
    /// Evidence for and against.
    pub evidence: Vec<Evidence>,
}

/// One piece of evidence about a cause.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// What was found (or not found).
    pub finding: String,
    /// `for` or `against`.
    pub supports: bool,
    /// Likelihood ratio applied.
    pub weight: f64,
    /// Source.
    pub citation: Citation,
}

/// Urgency of a recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    /// Within the hour.
    Immediate,
    /// Within 24 hours.
    Urgent,
    /// Routine.
    Routine,
}

impl Urgency {
    /// The contract word.
    pub fn id(self) -> &'static str {
        match self {
            Urgency::Immediate => "immediate",
            Urgency::Urgent => "urgent",
            Urgency::Routine => "routine",
        }
    }
}

/// A recommendation.
#[derive(Debug, Clone)]
pub struct Recommendation {
    /// Kind word of the contract (`order-test`, `stop-drug`, …).
    pub kind: String,
    /// Drug, test or nutrient.
    pub target: Option<String>,
    /// Urgency.
    pub urgency: Urgency,
    /// Plain-language text.
    pub text: String,
    /// Which facts of this patient triggered it.
    pub rationale: String,
    /// Contraindications found in the record.
    pub contraindications: Vec<String>,
    /// Source.
    pub citation: Citation,
}

/// A data-quality, spurious-result or interpretation warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataQualityFlag {
    /// Stable code (documented in docs/assessment.md).
    pub code: &'static str,
    /// What was found and what was done about it.
    pub message: String,
    /// The observation (or other resource) concerned.
    pub subject: Option<String>,
}

/// What the input held.
#[derive(Debug, Clone, Default)]
pub struct InputSummary {
    /// Observations read.
    pub observations: usize,
    /// Observations recognised as one of leuko's analytes.
    pub observations_recognised: usize,
    /// Observations dated after `as_of` and left out.
    pub after_as_of: usize,
    /// Drug exposures read.
    pub medications: usize,
    /// Conditions read.
    pub conditions: usize,
    /// Procedures read.
    pub procedures: usize,
}

/// Fever, neutropenia and the risk scores of the febrile-neutropenia pathway.
#[derive(Debug, Clone, Default)]
pub struct FebrileAssessment {
    /// How fever was established, if it was.
    pub fever: Option<String>,
    /// How neutropenia (for the pathway) was established, if it was.
    pub neutropenia: Option<String>,
    /// Fever with neutropenia.
    pub febrile_neutropenia: bool,
    /// MASCC risk index (computed when febrile neutropenia).
    pub mascc: Option<RiskScore>,
    /// CISNE score (computed when febrile neutropenia).
    pub cisne: Option<RiskScore>,
}

/// A risk score with every item and how it was scored.
#[derive(Debug, Clone)]
pub struct RiskScore {
    /// Total points.
    pub score: i64,
    /// Risk class word (`low`, `intermediate`, `high`).
    pub risk: String,
    /// Items.
    pub items: Vec<ScoreItem>,
    /// A note on the class (e.g. an override to high risk).
    pub note: Option<String>,
    /// Source.
    pub citation: Citation,
}

/// One item of a risk score.
#[derive(Debug, Clone)]
pub struct ScoreItem {
    /// The item.
    pub item: String,
    /// Points given.
    pub points: i64,
    /// Whether the record held the information (false: scored conservatively).
    pub recorded: bool,
    /// How it was scored.
    pub note: String,
}

/// How long a count has been low.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chronicity {
    /// Never low in the series.
    None,
    /// Low now, with a value in range before the run, for less than the chronic duration.
    Acute,
    /// Low for at least the chronic duration (3 months).
    Chronic,
    /// Two or more separate low runs within the intermittent window.
    Intermittent,
    /// Low earlier, in range now.
    Recovered,
    /// Low earlier for no longer than the transient duration (a post-viral dip: most resolve
    /// within 30 days), in range now.
    Transient,
    /// Low now with no earlier value to tell.
    Undetermined,
}

impl Chronicity {
    /// Word used in the output.
    pub fn id(self) -> &'static str {
        match self {
            Chronicity::None => "none",
            Chronicity::Acute => "acute",
            Chronicity::Chronic => "chronic",
            Chronicity::Intermittent => "intermittent",
            Chronicity::Recovered => "recovered",
            Chronicity::Transient => "transient",
            Chronicity::Undetermined => "undetermined",
        }
    }
}

/// The series of one analyte read over time.
#[derive(Debug, Clone)]
pub struct Trend {
    /// Analyte.
    pub analyte: Analyte,
    /// Latest value (canonical unit).
    pub latest: f64,
    /// Its time.
    pub latest_time: DateTime<Utc>,
    /// Canonical unit.
    pub unit: String,
    /// Values in the series (one per time).
    pub values: usize,
    /// The latest value is below its interval.
    pub low: bool,
    /// Personal baseline: the median of earlier stable values, when there are enough.
    pub baseline: Option<f64>,
    /// Values the baseline was taken from.
    pub baseline_values: usize,
    /// Change of the latest value from the baseline (%).
    pub change_from_baseline_pct: Option<f64>,
    /// A fall from the baseline at least the knowledge base's steep-drop percentage.
    pub steep_drop: bool,
    /// Least-squares slope over the recent window (canonical unit per day).
    pub slope_per_day: Option<f64>,
    /// Projected time of crossing below 1.0 ×10^9/L while falling (WBC, ANC, ALC).
    pub projected_below_1_0: Option<DateTime<Utc>>,
    /// Projected time of crossing below 0.5 ×10^9/L while falling (WBC, ANC, ALC).
    pub projected_below_0_5: Option<DateTime<Utc>>,
    /// Acute, chronic, intermittent, recovered …
    pub chronicity: Chronicity,
    /// Start of the current low run.
    pub low_since: Option<DateTime<Utc>>,
    /// First value in range after the last low run.
    pub recovered_at: Option<DateTime<Utc>>,
    /// Source of the baseline and projection method (uncited calibration).
    pub citation: Citation,
}

/// Outcome of the cyclic-neutropenia check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CyclicStatus {
    /// A period in the band with a false-alarm probability at or below the cut-off.
    Detected,
    /// Enough data, no significant period.
    NotDetected,
    /// Too few values or too short a span.
    InsufficientData,
}

impl CyclicStatus {
    /// Word used in the output.
    pub fn id(self) -> &'static str {
        match self {
            CyclicStatus::Detected => "detected",
            CyclicStatus::NotDetected => "not-detected",
            CyclicStatus::InsufficientData => "insufficient-data",
        }
    }
}

/// Periodicity of the ANC series (cyclic neutropenia).
#[derive(Debug, Clone)]
pub struct CyclicCheck {
    /// Outcome.
    pub status: CyclicStatus,
    /// ANC values used.
    pub values: usize,
    /// Span of the series (days).
    pub span_days: i64,
    /// Period of the highest peak (days).
    pub period_days: Option<f64>,
    /// False-alarm probability of that peak.
    pub false_alarm_probability: Option<f64>,
    /// Lowest ANC in the series.
    pub lowest: f64,
    /// The lowest ANC meets the nadir of the definition (< 0.2 ×10^9/L).
    pub nadir_below_definition: bool,
    /// What the method needs.
    pub needs: String,
    /// Source.
    pub citation: Citation,
}

/// The expected course after a chemotherapy cycle.
#[derive(Debug, Clone)]
pub struct NadirWindow {
    /// Drug id.
    pub drug: String,
    /// Start of the latest cycle.
    pub cycle_start: DateTime<Utc>,
    /// Day of the cycle at the assessment time.
    pub day_of_cycle: i64,
    /// Where in the course the patient is expected to be.
    pub phase: String,
    /// Counts expected to fall from.
    pub fall_from: DateTime<Utc>,
    /// Nadir expected from.
    pub nadir_from: DateTime<Utc>,
    /// Nadir expected until.
    pub nadir_to: DateTime<Utc>,
    /// Recovery expected by.
    pub recovery_by: DateTime<Utc>,
    /// Source.
    pub citation: Citation,
}

/// One drug-monitoring programme applied to one drug of the patient.
#[derive(Debug, Clone)]
pub struct MonitoringEntry {
    /// Programme id.
    pub programme: String,
    /// Drug id.
    pub drug: String,
    /// Phase of the schedule or band that sets the interval.
    pub phase: String,
    /// Analyte monitored.
    pub analyte: Analyte,
    /// Latest value of it.
    pub latest_value: Option<f64>,
    /// Its time.
    pub latest_time: Option<DateTime<Utc>>,
    /// What the latest value calls for: continue, interrupt, discontinue, start-allowed,
    /// start-not-allowed, count-now, review — none when the source gives no action.
    pub action: Option<String>,
    /// How often to test now.
    pub frequency: String,
    /// When the next test is due.
    pub next_due: Option<DateTime<Utc>>,
    /// The next test is past due.
    pub overdue: bool,
    /// Why (course start, confirmations, assumptions).
    pub notes: Vec<String>,
    /// Source.
    pub citation: Citation,
}

/// How loudly an alert should reach the clinician.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AlertLevel {
    /// For the record.
    Info,
    /// Needs attention today.
    Warning,
    /// Needs attention now.
    Critical,
}

impl AlertLevel {
    /// The level named by [`AlertLevel::id`] (unknown words read as info).
    pub fn from_id(id: &str) -> AlertLevel {
        match id {
            "critical" => AlertLevel::Critical,
            "warning" => AlertLevel::Warning,
            _ => AlertLevel::Info,
        }
    }

    /// Word used in the output (and NATS subject suffix).
    pub fn id(self) -> &'static str {
        match self {
            AlertLevel::Info => "info",
            AlertLevel::Warning => "warning",
            AlertLevel::Critical => "critical",
        }
    }
}

/// A condition worth telling the clinician about, keyed so that the same condition in the same
/// episode alerts once and a worse one alerts again ([`crate::new_alerts`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// Kind (neutropenia, lymphopenia, febrile-neutropenia, baseline-drop, projected-crossing,
    /// monitoring-overdue, monitoring-action, cyclic-pattern, nadir-expected).
    pub kind: String,
    /// Level.
    pub level: AlertLevel,
    /// What it is about (analyte or drug).
    pub subject: String,
    /// Start of the episode it belongs to (the low run, the course, the cycle), if any.
    pub episode: Option<DateTime<Utc>>,
    /// Severity within the kind (CTCAE grade, or the level): a higher value re-alerts.
    pub severity: u8,
    /// Plain-language text.
    pub text: String,
}

impl Alert {
    /// Identity for deduplication: kind, subject and episode.
    pub fn key(&self) -> String {
        let episode = self.episode.map(|t| t.date_naive().to_string()).unwrap_or_default();
        format!("{}|{}|{episode}", self.kind, self.subject)
    }
}
