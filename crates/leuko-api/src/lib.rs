//! The JSON contract of a leuko assessment, version 1 (documented in `docs/assessment.md`).
//!
//! **API boundary:** these types are the only ones leuko serialises outward. They are converted
//! by hand from the domain core (`From<&leuko_core::Assessment>`), so the core can change freely
//! while this contract changes only with a CHANGELOG line.

#![deny(missing_docs)]

use serde::{Deserialize, Serialize};

use leuko_core as core;

/// Contract identifier written into every assessment.
pub const CONTRACT: &str = "leuko.assessment/v1";

/// Contract identifier of a timeline.
pub const TIMELINE_CONTRACT: &str = "leuko.timeline/v1";

/// Statement carried by every assessment.
pub const DISCLAIMER: &str = "Decision support for clinicians, not a diagnosis: every output must be \
interpreted by a qualified clinician with the whole patient in view.";

/// A whole assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// Always [`CONTRACT`].
    pub contract: String,
    /// [`DISCLAIMER`].
    pub disclaimer: String,
    /// RFC 3339 time the assessment was made "as of".
    pub as_of: String,
    /// Knowledge base used.
    pub knowledge_base: KnowledgeBaseInfo,
    /// Patient.
    pub patient: Patient,
    /// Latest counts.
    pub counts: Counts,
    /// Grades.
    pub grades: Grades,
    /// Pattern word.
    pub pattern: String,
    /// Needs action within the hour.
    pub urgent: bool,
    /// Why it is urgent (empty when not).
    pub urgent_reasons: Vec<String>,
    /// The febrile-neutropenia assessment.
    pub febrile_neutropenia: FebrileNeutropenia,
    /// Ranked causes.
    pub causes: Vec<Cause>,
    /// Recommendations.
    pub recommendations: Vec<Recommendation>,
    /// Series analysis per analyte, keyed by analyte id (`wbc`, `anc`, `alc`, `platelets`,
    /// `hemoglobin`), for each analyte with any value.
    pub trend: std::collections::BTreeMap<String, Trend>,
    /// Cyclic-neutropenia check of the ANC series (absent without any ANC).
    pub cyclic: Option<Cyclic>,
    /// Expected course after the latest chemotherapy cycles.
    pub nadir: Vec<Nadir>,
    /// Drug-monitoring programmes that apply.
    pub monitoring: Vec<Monitoring>,
    /// Alert conditions that hold now.
    pub alerts: Vec<Alert>,
    /// Warnings and data-quality flags.
    pub warnings: Vec<Warning>,
    /// What the input held.
    pub input: Input,
}

/// A patient's history in time order, and the assessment at its end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    /// Always [`TIMELINE_CONTRACT`].
    pub contract: String,
    /// [`DISCLAIMER`].
    pub disclaimer: String,
    /// Events in time order; those after `assessment.as_of` are expectations.
    pub events: Vec<TimelineEvent>,
    /// The assessment at the end of the timeline.
    pub assessment: Assessment,
}

/// One event of a timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// RFC 3339 time.
    pub time: String,
    /// `count`, `drug-start`, `drug-stop`, `alert`, `baseline`, `projected`, `nadir`, `due`, `overdue`.
    pub kind: String,
    /// Text.
    pub text: String,
    /// Alert level (`info`, `warning`, `critical`) for alerts.
    pub level: Option<String>,
    /// A projection or due date after the assessment time, not a fact.
    pub expected: bool,
}

impl From<&core::Timeline> for Timeline {
    fn from(timeline: &core::Timeline) -> Timeline {
        Timeline {
            contract: TIMELINE_CONTRACT.to_owned(),
            disclaimer: DISCLAIMER.to_owned(),
            events: timeline
                .events
                .iter()
                .map(|e| TimelineEvent {
                    time: format_time(e.time),
                    kind: e.kind.to_owned(),
                    text: e.text.clone(),
                    level: e.level.map(|l| l.id().to_owned()),
                    expected: e.expected,
                })
                .collect(),
            assessment: Assessment::from(&timeline.assessment),
        }
    }
}

/// The series of one analyte.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    /// Latest value (canonical unit).
    pub latest: f64,
    /// Its time (RFC 3339).
    pub latest_time: String,
    /// Canonical unit.
    pub unit: String,
    /// Values in the series.
    pub values: usize,
    /// Personal baseline (median of earlier stable values), or null.
    pub baseline: Option<f64>,
    /// Values the baseline was taken from.
    pub baseline_values: usize,
    /// Change of the latest value from the baseline (%), or null.
    pub change_from_baseline_pct: Option<f64>,
    /// Fall from baseline at least the knowledge base's steep-drop percentage.
    pub steep_drop: bool,
    /// Least-squares slope over the recent window (unit per day), or null.
    pub slope_per_day: Option<f64>,
    /// Projected date of crossing below 1.0 ×10^9/L, or null.
    pub projected_below_1_0: Option<String>,
    /// Projected date of crossing below 0.5 ×10^9/L, or null.
    pub projected_below_0_5: Option<String>,
    /// `none`, `acute`, `chronic`, `intermittent`, `transient`, `recovered` or `undetermined`.
    pub chronicity: String,
    /// Start of the current low run, or null.
    pub low_since: Option<String>,
    /// First in-range value after the last low run, or null.
    pub recovered_at: Option<String>,
    /// Source of the method.
    pub source: String,
}

/// Cyclic-neutropenia check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cyclic {
    /// `detected`, `not-detected` or `insufficient-data`.
    pub status: String,
    /// ANC values used.
    pub values: usize,
    /// Span (days).
    pub span_days: i64,
    /// Period of the highest peak (days), or null.
    pub period_days: Option<f64>,
    /// False-alarm probability of that peak, or null.
    pub false_alarm_probability: Option<f64>,
    /// Lowest ANC.
    pub lowest: f64,
    /// The lowest ANC meets the definition's nadir.
    pub nadir_below_definition: bool,
    /// What the method needs.
    pub needs: String,
    /// Source.
    pub source: String,
}

/// Expected course after a chemotherapy cycle (dates RFC 3339).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Nadir {
    /// Drug id.
    pub drug: String,
    /// Cycle start.
    pub cycle_start: String,
    /// Day of the cycle.
    pub day_of_cycle: i64,
    /// Expected phase now.
    pub phase: String,
    /// Counts expected to fall from.
    pub fall_from: String,
    /// Nadir expected from.
    pub nadir_from: String,
    /// Nadir expected until.
    pub nadir_to: String,
    /// Recovery expected by.
    pub recovery_by: String,
    /// Source.
    pub source: String,
}

/// One monitoring programme applied to one drug.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Monitoring {
    /// Programme id.
    pub programme: String,
    /// Drug id.
    pub drug: String,
    /// Phase of the schedule (or the band that sets the interval).
    pub phase: String,
    /// Analyte monitored.
    pub analyte: String,
    /// Latest value, or null.
    pub latest_value: Option<f64>,
    /// Its time, or null.
    pub latest_time: Option<String>,
    /// `continue`, `interrupt`, `discontinue`, `start-allowed`, `start-not-allowed`,
    /// `count-now`, or null when the source gives none.
    pub action: Option<String>,
    /// How often to test now.
    pub frequency: String,
    /// Next test due (RFC 3339), or null when the source gives no interval.
    pub next_due: Option<String>,
    /// The next test is past due.
    pub overdue: bool,
    /// Why.
    pub notes: Vec<String>,
    /// Source.
    pub source: String,
}

/// An alert condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// Kind.
    pub kind: String,
    /// `info`, `warning` or `critical`.
    pub level: String,
    /// Analyte or drug.
    pub subject: String,
    /// Start of its episode, or null.
    pub episode: Option<String>,
    /// Severity within the kind.
    pub severity: u8,
    /// Deduplication key.
    pub key: String,
    /// Text.
    pub text: String,
}

/// Knowledge-base stamp.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeBaseInfo {
    /// `kb/VERSION`.
    pub version: String,
}

/// Patient summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Patient {
    /// Id in the source.
    pub id: Option<String>,
    /// Age in years at `as_of`, one decimal for adults, more for infants.
    pub age_years: Option<f64>,
    /// neonate | infant | child | adult | unknown.
    pub age_band: String,
    /// female | male | other | unknown.
    pub sex: String,
    /// Pregnant at `as_of`.
    pub pregnant: bool,
    /// Documented Duffy-null status (phenotype or genotype), never inferred.
    pub duffy_null: bool,
}

/// The latest counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    /// White blood cells.
    pub wbc: Option<Count>,
    /// Absolute neutrophil count.
    pub anc: Option<Count>,
    /// Absolute lymphocyte count.
    pub alc: Option<Count>,
    /// Absolute monocyte count.
    pub monocytes: Option<Count>,
    /// Haemoglobin.
    pub hemoglobin: Option<Count>,
    /// Platelets.
    pub platelets: Option<Count>,
}

/// One count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Count {
    /// Value in `unit`.
    pub value: f64,
    /// Canonical unit (`10*9/L` for counts, `g/dL` for haemoglobin).
    pub unit: String,
    /// RFC 3339 specimen time.
    pub time: String,
    /// Observations behind the value.
    pub observations: Vec<String>,
    /// Present when the value was computed from percentages.
    pub formula: Option<String>,
    /// The applicable reference interval.
    pub reference: Option<Reference>,
}

/// A reference interval and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// Lower limit.
    pub low: Option<f64>,
    /// Upper limit.
    pub high: Option<f64>,
    /// laboratory | site | knowledge-base.
    pub origin: String,
    /// general | duffy-null (knowledge-base intervals only).
    pub population: Option<String>,
    /// Source ids (knowledge-base intervals only).
    pub source: Option<String>,
}

/// Grades.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grades {
    /// WBC grade, or null without a WBC.
    pub wbc: Option<WbcGrade>,
    /// ANC grade, or null without an ANC.
    pub anc: Option<AncGrade>,
    /// ALC grade, or null without an ALC.
    pub alc: Option<AlcGrade>,
}

/// WBC grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WbcGrade {
    /// CTCAE v5.0 grade 0-4.
    pub ctcae: u8,
    /// Below the applicable reference interval (null when none is known).
    pub below_reference: Option<bool>,
    /// LLN used for grade 1.
    pub lln: Option<f64>,
    /// CTCAE source id.
    pub source: String,
}

/// ANC grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AncGrade {
    /// CTCAE v5.0 grade 0-4.
    pub ctcae: u8,
    /// CTCAE v6.0 grade 0-4.
    pub ctcae_v6: u8,
    /// none | mild | moderate | severe | profound.
    pub severity: String,
    /// ANC below the agranulocytosis threshold (0.5 x10^9/L).
    pub agranulocytosis: bool,
    /// Below the applicable reference interval.
    pub below_reference: Option<bool>,
    /// LLN used for grade 1.
    pub lln: Option<f64>,
    /// CTCAE source ids (v5.0, v6.0).
    pub source: String,
}

/// ALC grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlcGrade {
    /// CTCAE v5.0 grade 0-4.
    pub ctcae: u8,
    /// Below the applicable reference interval.
    pub below_reference: Option<bool>,
    /// LLN used for grade 1.
    pub lln: Option<f64>,
    /// CTCAE source id.
    pub source: String,
}

/// A ranked cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cause {
    /// Cause id.
    pub id: String,
    /// Category word.
    pub category: String,
    /// Label.
    pub label: String,
    /// Probability among the candidates.
    pub probability: f64,
    /// Evidence.
    pub evidence: Vec<EvidenceItem>,
}

/// Evidence for or against a cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceItem {
    /// Finding.
    pub finding: String,
    /// for | against.
    pub direction: String,
    /// Likelihood ratio applied.
    pub weight: f64,
    /// Source ids.
    pub source: String,
}

/// A recommendation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    /// Kind word.
    pub kind: String,
    /// Drug, test or nutrient (lower case).
    pub target: Option<String>,
    /// immediate | urgent | routine.
    pub urgency: String,
    /// Text.
    pub text: String,
    /// Why it applies to this patient.
    pub rationale: String,
    /// Contraindications found in the record.
    pub contraindications: Vec<String>,
    /// Source ids.
    pub source: String,
}

/// Fever, neutropenia and risk scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FebrileNeutropenia {
    /// Fever with neutropenia (IDSA definitions).
    pub present: bool,
    /// How fever was established, or null.
    pub fever: Option<String>,
    /// How neutropenia was established, or null.
    pub neutropenia: Option<String>,
    /// MASCC risk index (when present).
    pub mascc: Option<Score>,
    /// CISNE (when present).
    pub cisne: Option<Score>,
}

/// A risk score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Total.
    pub score: i64,
    /// low | intermediate | high.
    pub risk: String,
    /// Note on the class.
    pub note: Option<String>,
    /// Items.
    pub items: Vec<ScoreItem>,
    /// Source ids.
    pub source: String,
}

/// A score item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreItem {
    /// Item.
    pub item: String,
    /// Points.
    pub points: i64,
    /// Whether the record held it (false: scored conservatively).
    pub recorded: bool,
    /// How it was scored.
    pub note: String,
}

fn score(score: &Option<core::RiskScore>) -> Option<Score> {
    let score = score.as_ref()?;
    Some(Score {
        score: score.score,
        risk: score.risk.clone(),
        note: score.note.clone(),
        items: score
            .items
            .iter()
            .map(|i| ScoreItem { item: i.item.clone(), points: i.points, recorded: i.recorded, note: i.note.clone() })
            .collect(),
        source: score.citation.joined(),
    })
}

/// A warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    /// Stable code.
    pub code: String,
    /// Message.
    pub message: String,
    /// Resource concerned.
    pub subject: Option<String>,
}

/// Input summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Input {
    /// Observations read.
    pub observations: usize,
    /// Observations recognised.
    pub observations_recognised: usize,
    /// Observations after `as_of`, left out.
    pub after_as_of: usize,
    /// Drug exposures.
    pub medications: usize,
    /// Conditions.
    pub conditions: usize,
    /// Procedures.
    pub procedures: usize,
}

/// Formats a time the way the contract does: RFC 3339, UTC, seconds.
pub fn format_time(time: chrono::DateTime<chrono::Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn round(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}

fn count(count: &Option<core::Count>) -> Option<Count> {
    let count = count.as_ref()?;
    let result = &count.result;
    Some(Count {
        value: round(result.value, 4),
        unit: result.unit.clone(),
        time: format_time(result.time),
        observations: result.origin.observations().into_iter().map(str::to_owned).collect(),
        formula: match &result.origin {
            core::Origin::Derived { formula, .. } => Some(formula.clone()),
            core::Origin::Reported { .. } => None,
        },
        reference: count.interval.as_ref().map(|interval| {
            let (origin, population, source) = match &interval.origin {
                core::IntervalOrigin::Laboratory => ("laboratory", None, None),
                core::IntervalOrigin::Site => ("site", None, None),
                core::IntervalOrigin::KnowledgeBase { population, citation, .. } => (
                    "knowledge-base",
                    Some(match population {
                        core::kb::Population::General => "general".to_owned(),
                        core::kb::Population::DuffyNull => "duffy-null".to_owned(),
                    }),
                    Some(citation.joined()),
                ),
            };
            Reference { low: interval.low, high: interval.high, origin: origin.to_owned(), population, source }
        }),
    })
}

/// The contract form of an alert.
pub fn alert(alert: &core::Alert) -> Alert {
    Alert {
        kind: alert.kind.clone(),
        level: alert.level.id().to_owned(),
        subject: alert.subject.clone(),
        episode: alert.episode.map(format_time),
        severity: alert.severity,
        key: alert.key(),
        text: alert.text.clone(),
    }
}

impl From<&core::Assessment> for Assessment {
    fn from(assessment: &core::Assessment) -> Assessment {
        let counts = &assessment.counts;
        let grades = &assessment.grades;
        Assessment {
            contract: CONTRACT.to_owned(),
            disclaimer: DISCLAIMER.to_owned(),
            as_of: format_time(assessment.as_of),
            knowledge_base: KnowledgeBaseInfo { version: assessment.kb_version.clone() },
            patient: Patient {
                id: assessment.patient.id.clone(),
                age_years: assessment.patient.age_years.map(|age| round(age, if age < 2.0 { 3 } else { 1 })),
                age_band: assessment.patient.age_band.id().to_owned(),
                sex: assessment.patient.sex.id().to_owned(),
                pregnant: assessment.patient.pregnant,
                duffy_null: assessment.patient.duffy_null,
            },
            counts: Counts {
                wbc: count(&counts.wbc),
                anc: count(&counts.anc),
                alc: count(&counts.alc),
                monocytes: count(&counts.monocytes),
                hemoglobin: count(&counts.hemoglobin),
                platelets: count(&counts.platelets),
            },
            grades: Grades {
                wbc: grades.wbc.as_ref().map(|grade| WbcGrade {
                    ctcae: grade.grade,
                    below_reference: counts.wbc.as_ref().and_then(core::Count::below_reference),
                    lln: grade.lln,
                    source: grade.citation.joined(),
                }),
                anc: grades.anc.as_ref().map(|grade| AncGrade {
                    ctcae: grade.grade,
                    ctcae_v6: grades.anc_v6.as_ref().map_or(0, |v6| v6.grade),
                    severity: grades.anc_severity.map_or("none", core::Severity::id).to_owned(),
                    agranulocytosis: grades.agranulocytosis.unwrap_or(false),
                    below_reference: counts.anc.as_ref().and_then(core::Count::below_reference),
                    lln: grade.lln,
                    source: [Some(grade.citation.joined()), grades.anc_v6.as_ref().map(|g| g.citation.joined())]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", "),
                }),
                alc: grades.alc.as_ref().map(|grade| AlcGrade {
                    ctcae: grade.grade,
                    below_reference: counts.alc.as_ref().and_then(core::Count::below_reference),
                    lln: grade.lln,
                    source: grade.citation.joined(),
                }),
            },
            pattern: assessment.pattern.id().to_owned(),
            urgent: assessment.urgent,
            urgent_reasons: assessment.urgent_reasons.clone(),
            febrile_neutropenia: FebrileNeutropenia {
                present: assessment.febrile.febrile_neutropenia,
                fever: assessment.febrile.fever.clone(),
                neutropenia: assessment.febrile.neutropenia.clone(),
                mascc: score(&assessment.febrile.mascc),
                cisne: score(&assessment.febrile.cisne),
            },
            causes: assessment
                .causes
                .iter()
                .map(|cause| Cause {
                    id: cause.id.clone(),
                    category: cause.category.clone(),
                    label: cause.label.clone(),
                    probability: round(cause.probability, 4),
                    evidence: cause
                        .evidence
                        .iter()
                        .map(|item| EvidenceItem {
                            finding: item.finding.clone(),
                            direction: if item.supports { "for" } else { "against" }.to_owned(),
                            weight: round(item.weight, 3),
                            source: item.citation.joined(),
                        })
                        .collect(),
                })
                .collect(),
            recommendations: assessment
                .recommendations
                .iter()
                .map(|recommendation| Recommendation {
                    kind: recommendation.kind.clone(),
                    target: recommendation.target.clone(),
                    urgency: recommendation.urgency.id().to_owned(),
                    text: recommendation.text.clone(),
                    rationale: recommendation.rationale.clone(),
                    contraindications: recommendation.contraindications.clone(),
                    source: recommendation.citation.joined(),
                })
                .collect(),
            trend: assessment
                .trends
                .iter()
                .map(|t| {
                    let digits = if t.unit.contains("10*9") { 3 } else { 1 };
                    (
                        t.analyte.id().to_owned(),
                        Trend {
                            latest: round(t.latest, 4),
                            latest_time: format_time(t.latest_time),
                            unit: t.unit.clone(),
                            values: t.values,
                            baseline: t.baseline.map(|b| round(b, digits)),
                            baseline_values: t.baseline_values,
                            change_from_baseline_pct: t.change_from_baseline_pct,
                            steep_drop: t.steep_drop,
                            slope_per_day: t.slope_per_day,
                            projected_below_1_0: t.projected_below_1_0.map(format_time),
                            projected_below_0_5: t.projected_below_0_5.map(format_time),
                            chronicity: t.chronicity.id().to_owned(),
                            low_since: t.low_since.map(format_time),
                            recovered_at: t.recovered_at.map(format_time),
                            source: t.citation.joined(),
                        },
                    )
                })
                .collect(),
            cyclic: assessment.cyclic.as_ref().map(|c| Cyclic {
                status: c.status.id().to_owned(),
                values: c.values,
                span_days: c.span_days,
                period_days: c.period_days,
                false_alarm_probability: c.false_alarm_probability.map(|p| round(p, 6)),
                lowest: round(c.lowest, 4),
                nadir_below_definition: c.nadir_below_definition,
                needs: c.needs.clone(),
                source: c.citation.joined(),
            }),
            nadir: assessment
                .nadir
                .iter()
                .map(|n| Nadir {
                    drug: n.drug.clone(),
                    cycle_start: format_time(n.cycle_start),
                    day_of_cycle: n.day_of_cycle,
                    phase: n.phase.clone(),
                    fall_from: format_time(n.fall_from),
                    nadir_from: format_time(n.nadir_from),
                    nadir_to: format_time(n.nadir_to),
                    recovery_by: format_time(n.recovery_by),
                    source: n.citation.joined(),
                })
                .collect(),
            monitoring: assessment
                .monitoring
                .iter()
                .map(|m| Monitoring {
                    programme: m.programme.clone(),
                    drug: m.drug.clone(),
                    phase: m.phase.clone(),
                    analyte: m.analyte.id().to_owned(),
                    latest_value: m.latest_value.map(|v| round(v, 4)),
                    latest_time: m.latest_time.map(format_time),
                    action: m.action.clone(),
                    frequency: m.frequency.clone(),
                    next_due: m.next_due.map(format_time),
                    overdue: m.overdue,
                    notes: m.notes.clone(),
                    source: m.citation.joined(),
                })
                .collect(),
            alerts: assessment.alerts.iter().map(alert).collect(),
            warnings: assessment
                .warnings
                .iter()
                .map(|warning| Warning {
                    code: warning.code.to_owned(),
                    message: warning.message.clone(),
                    subject: warning.subject.clone(),
                })
                .collect(),
            input: Input {
                observations: assessment.input.observations,
                observations_recognised: assessment.input.observations_recognised,
                after_as_of: assessment.input.after_as_of,
                medications: assessment.input.medications,
                conditions: assessment.input.conditions,
                procedures: assessment.input.procedures,
            },
        }
    }
}
