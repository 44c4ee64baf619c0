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
    /// Warnings and data-quality flags.
    pub warnings: Vec<Warning>,
    /// What the input held.
    pub input: Input,
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
