//! Validated management knowledge: the febrile-neutropenia pathway and its risk scores,
//! supportive care, G-CSF rules and regimen risks, drug-label decisions and cause plans.

use super::Citation;

/// A recommended action from the knowledge base.
#[derive(Debug, Clone)]
pub struct ActionDef {
    /// Contract kind.
    pub kind: String,
    /// Drug, nutrient or test (may hold `{drug}`).
    pub target: Option<String>,
    /// immediate | urgent | routine.
    pub urgency: String,
    /// Plain-language text (may hold `{drug}`).
    pub text: String,
    /// Only when this finding is present.
    pub when_finding: Option<String>,
    /// Not when this finding is present.
    pub unless_finding: Option<String>,
    /// In a drug template: only for these drugs (ids); empty for every drug the template covers.
    pub for_drugs: Vec<String>,
    /// Source.
    pub citation: Citation,
}

/// The febrile-neutropenia pathway.
#[derive(Debug, Clone)]
pub struct FebrileNeutropenia {
    /// Single temperature at least (°C).
    pub single_at_least: f64,
    /// Sustained temperature at least (°C).
    pub sustained_at_least: f64,
    /// Sustained for at least (minutes).
    pub sustained_minutes: i64,
    /// Look-back window (hours).
    pub look_back_hours: i64,
    /// Fever source.
    pub fever_citation: Citation,
    /// ANC below (10^9/L).
    pub anc_below: f64,
    /// ANC below this and expected to fall.
    pub expected_anc_below: f64,
    /// A previous ANC within this many days that was higher means "falling".
    pub falling_within_days: i64,
    /// Findings that also mean "falling".
    pub falling_findings: Vec<String>,
    /// Neutropenia source.
    pub neutropenia_citation: Citation,
    /// Findings meaning sepsis or shock.
    pub sepsis_findings: Vec<String>,
    /// Findings meaning symptoms or signs of infection.
    pub infection_findings: Vec<String>,
    /// Findings meaning bleeding.
    pub bleeding_findings: Vec<String>,
    /// Severe thrombocytopenia below (10^9/L).
    pub severe_thrombocytopenia_below: f64,
    /// Urgent-flag source.
    pub urgent_citation: Citation,
    /// qSOFA: respiratory rate at least.
    pub qsofa_respiratory_rate_at_least: f64,
    /// qSOFA: systolic at most.
    pub qsofa_systolic_at_most: f64,
    /// qSOFA: findings meaning altered mentation.
    pub qsofa_altered_mentation_findings: Vec<String>,
    /// qSOFA points needed.
    pub qsofa_at_least: i64,
    /// Findings meaning suspected infection, for the sepsis screens.
    pub suspected_infection_findings: Vec<String>,
    /// qSOFA source.
    pub qsofa_citation: Citation,
    /// NICE high risk: respiratory rate at least.
    pub nice_respiratory_rate_at_least: f64,
    /// NICE high risk: heart rate at least.
    pub nice_heart_rate_at_least: f64,
    /// NICE high risk: systolic at most.
    pub nice_systolic_at_most: f64,
    /// NICE high risk: findings.
    pub nice_findings: Vec<String>,
    /// NICE source.
    pub nice_citation: Citation,
    /// Symptomatic neutropenia: ANC below.
    pub symptomatic_anc_below: f64,
    /// Symptomatic neutropenia: findings.
    pub symptomatic_findings: Vec<String>,
    /// Symptomatic neutropenia: urgency word.
    pub symptomatic_urgency: String,
    /// Symptomatic neutropenia: source.
    pub symptomatic_citation: Citation,
    /// Actions of the pathway (cultures, antibiotics).
    pub actions: Vec<ActionDef>,
    /// MASCC points.
    pub mascc: Mascc,
    /// CISNE points.
    pub cisne: Cisne,
}

/// MASCC risk index points (Klastersky 2000).
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "each field is the MASCC item of the same name")]
pub struct Mascc {
    pub low_risk_at_least: i64,
    pub burden_none_or_mild: i64,
    pub burden_moderate: i64,
    pub burden_severe: i64,
    pub no_hypotension: i64,
    pub systolic_below_is_hypotension: f64,
    pub no_copd: i64,
    pub solid_tumour_or_haematological_without_fungal: i64,
    pub no_dehydration: i64,
    pub outpatient: i64,
    pub age_under: f64,
    pub age_points: i64,
    pub citation: Citation,
}

/// CISNE points (Carmona-Bayonas 2015).
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "each field is the CISNE item of the same name")]
pub struct Cisne {
    pub ecog_2_or_more: i64,
    pub stress_hyperglycaemia: i64,
    pub glucose_at_least_mg_dl: f64,
    pub glucose_at_least_mg_dl_if_diabetic_or_steroids: f64,
    pub copd: i64,
    pub chronic_cardiovascular_disease: i64,
    pub mucositis_grade_2_or_more: i64,
    pub monocytes_below: f64,
    pub monocytes_points: i64,
    pub intermediate_from: i64,
    pub high_from: i64,
    pub citation: Citation,
}

/// Supportive care.
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "fields mirror kb/management/supportive.toml")]
pub struct Supportive {
    pub precautions_anc_below: f64,
    pub precautions_text: String,
    pub precautions_citation: Citation,
    pub profound_anc_below: f64,
    pub profound_text: String,
    pub profound_citation: Citation,
    pub cd4_below: f64,
    pub cd4_text: String,
    pub cd4_citation: Citation,
    pub g_csf_primary_risk_at_least: f64,
    pub g_csf_consider_risk_at_least: f64,
    pub g_csf_primary_text: String,
    pub g_csf_consider_text: String,
    pub g_csf_secondary_text: String,
    pub g_csf_fn_high_risk_text: String,
    pub g_csf_fn_high_risk_age_over: f64,
    pub g_csf_citation: Citation,
    pub referral_anc_below: f64,
    pub referral_patterns: Vec<String>,
    pub referral_findings: Vec<String>,
    /// Findings that call for referral only while the ANC is below its reference interval.
    pub referral_with_neutropenia_findings: Vec<String>,
    pub referral_except_leading_categories: Vec<String>,
    pub referral_urgency: String,
    pub referral_text: String,
    pub referral_citation: Citation,
    /// An HIV test for a neutropenia the record does not explain.
    pub hiv_screen: HivScreen,
    /// The laboratory panel for a neutropenia that no cause explains.
    pub unexplained: Unexplained,
    /// Work-up steps that a finding calls for whatever the ranking.
    pub actions: Vec<ActionDef>,
}

/// The laboratory panel for a neutropenia that no cause explains: the ANC is low, no cause
/// reaches the plans' act probability, and nothing listed here explains the count.
#[derive(Debug, Clone)]
pub struct Unexplained {
    /// Findings that explain the count (chemotherapy).
    pub unless_findings: Vec<String>,
    /// Leading-cause categories that need no work-up (a spurious or Duffy-null count).
    pub except_leading_categories: Vec<String>,
    /// Leading causes whose first step is a repeat count, not the panel (a likely post-viral
    /// neutropenia).
    pub except_leading_causes: Vec<String>,
    /// The tests (each may carry its own `unless_finding`, e.g. a result already normal).
    pub actions: Vec<ActionDef>,
}

/// An HIV test when the record holds a neutropenia without an explanation that makes it needless.
#[derive(Debug, Clone)]
pub struct HivScreen {
    /// Patterns that call for the test besides a neutropenia (contract pattern words).
    pub patterns: Vec<String>,
    /// Findings that settle it (the HIV status is known, chemotherapy explains the count).
    pub unless_findings: Vec<String>,
    /// Leading-cause categories that explain the count (a spurious or Duffy-null count).
    pub except_leading_categories: Vec<String>,
    /// The order's target.
    pub target: String,
    /// The recommendation.
    pub text: String,
    /// Source.
    pub citation: Citation,
}

/// A do-no-harm guard.
#[derive(Debug, Clone)]
pub struct Guard {
    /// Leading-cause categories that trigger it.
    pub leading_categories: Vec<String>,
    /// Leading-cause ids that trigger it.
    pub leading_causes: Vec<String>,
    /// Findings that trigger it.
    pub when_findings: Vec<String>,
    /// Kinds not recommended then.
    pub forbid_kinds: Vec<String>,
    /// Source.
    pub citation: Citation,
}

/// When plans apply, and how loud a graded alert is.
#[derive(Debug, Clone)]
pub struct PlanThresholds {
    /// Plans of causes at or above this probability apply (the leading cause's always does).
    pub act_probability: f64,
    /// In the agranulocytosis range, every drug candidate at or above this is stopped.
    pub stop_all_suspects_probability: f64,
    /// Source.
    pub citation: Citation,
    /// Alert level of a graded neutropenia, leukopenia or lymphopenia, for CTCAE grades 1-4
    /// (a routing policy: `[alerts]` in `management/thresholds.toml`).
    pub alert_levels: [crate::assessment::AlertLevel; 4],
    /// Source of the alert levels (uncited: an engine policy).
    pub alert_citation: Citation,
}

impl PlanThresholds {
    /// The alert level of a graded neutropenia, leukopenia or lymphopenia (grade 1-4; a grade
    /// outside is read as the nearest).
    pub fn alert_level(&self, grade: u8) -> crate::assessment::AlertLevel {
        self.alert_levels[usize::from(grade.clamp(1, 4)) - 1]
    }
}

/// Decision of a drug rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The drug is continued at this count.
    Continue,
    /// The drug is interrupted.
    Interrupt,
    /// The drug is discontinued.
    Discontinue,
}

/// A drug-label decision by ANC band.
#[derive(Debug, Clone)]
pub struct DrugRule {
    /// Drug id.
    pub drug: String,
    /// `general` or `ben` (benign ethnic neutropenia / documented Duffy-null).
    pub ben: bool,
    /// ANC at least.
    pub anc_at_least: Option<f64>,
    /// ANC below.
    pub anc_below: Option<f64>,
    /// Decision.
    pub decision: Decision,
    /// Actions.
    pub actions: Vec<ActionDef>,
    /// Source.
    pub citation: Citation,
}

/// A cause plan.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Id.
    pub id: String,
    /// Causes (and drug templates) it covers.
    pub causes: Vec<String>,
    /// Actions.
    pub actions: Vec<ActionDef>,
    /// Applies on suspicion, before its cause leads (tick-borne rickettsial disease: treat before
    /// confirmation; HLH: work up at once).
    pub on_suspicion: Option<Suspicion>,
}

/// When a plan applies to a cause that does not lead.
#[derive(Debug, Clone)]
pub struct Suspicion {
    /// The cause is among this many leading candidates (and, when the cause requires a context
    /// such as an exposure, that context is recorded).
    pub within_top: usize,
    /// The cause has at least this probability.
    pub min_probability: f64,
    /// Source.
    pub citation: Citation,
}

/// A chemotherapy regimen and its febrile-neutropenia risk.
#[derive(Debug, Clone)]
pub struct Regimen {
    /// Id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Names as written in records (folded).
    pub names: Vec<String>,
    /// Component drug ids.
    pub components: Vec<String>,
    /// FN risk range (%).
    pub fn_risk_percent: Option<(f64, f64)>,
    /// high | intermediate | low.
    pub band: String,
    /// Source.
    pub citation: Citation,
}

/// A contraindication checked against the record.
#[derive(Debug, Clone)]
pub struct Contraindication {
    /// Targets (folded) it concerns.
    pub targets: Vec<String>,
    /// The finding that makes it apply.
    pub when_finding: String,
    /// What to say.
    pub text: String,
    /// Source.
    pub citation: Citation,
}

/// All management knowledge.
#[derive(Debug, Clone)]
pub struct Management {
    /// Febrile neutropenia.
    pub febrile: FebrileNeutropenia,
    /// Supportive care.
    pub supportive: Supportive,
    /// Plan thresholds.
    pub thresholds: PlanThresholds,
    /// Guards.
    pub guards: Vec<Guard>,
    /// Drug rules.
    pub drug_rules: Vec<DrugRule>,
    /// Cause plans.
    pub plans: Vec<Plan>,
    /// Regimens.
    pub regimens: Vec<Regimen>,
    /// Contraindications.
    pub contraindications: Vec<Contraindication>,
    /// ASCO patient risk factors (finding ids) for the intermediate band.
    pub risk_factors: Vec<String>,
}
