//! What to do: the febrile-neutropenia emergency pathway (fever, neutropenia, MASCC, CISNE),
//! supportive care (precautions, prophylaxis, G-CSF), drug-label decisions (clozapine,
//! deferiprone), the plans of the leading causes, and the do-no-harm guards — every action from
//! `kb/management/`, with the facts of this patient that triggered it.

use chrono::{DateTime, Duration, Utc};

use crate::analyte::Analyte;
use crate::assess::latest;
use crate::assessment::{
    CauseCandidate, Counts, FebrileAssessment, LabResult, PatientSummary, Pattern, Recommendation, RiskScore,
    ScoreItem, Urgency,
};
use crate::findings::{Context, Facts, derived, named};
use crate::kb::management::{ActionDef, Decision};
use crate::kb::{Citation, KnowledgeBase};
use crate::record::MedicationStatus;
use crate::text::{find_phrase, fold};

/// The management part of an assessment.
pub(crate) struct Management {
    pub(crate) urgent: bool,
    pub(crate) urgent_reasons: Vec<String>,
    pub(crate) febrile: FebrileAssessment,
    pub(crate) recommendations: Vec<Recommendation>,
}

/// Where a recommendation came from, for the guards: drug-label rules and the emergency actions
/// are never removed by a guard.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    Emergency,
    DrugLabel,
    Other,
}

fn urgency(word: &str) -> Urgency {
    match word {
        "immediate" => Urgency::Immediate,
        "urgent" => Urgency::Urgent,
        _ => Urgency::Routine,
    }
}

fn from_action(action: &ActionDef, drug: Option<&str>, rationale: String) -> Recommendation {
    let fill = |text: &str| drug.map_or(text.to_owned(), |d| text.replace("{drug}", d));
    Recommendation {
        kind: action.kind.clone(),
        target: action.target.as_deref().map(fill),
        urgency: urgency(&action.urgency),
        text: fill(&action.text),
        rationale,
        contraindications: Vec::new(),
        citation: action.citation.clone(),
    }
}

fn applies(action: &ActionDef, facts: &Facts<'_>) -> bool {
    action.when_finding.as_ref().is_none_or(|f| facts.has(f))
        && action.unless_finding.as_ref().is_none_or(|f| !facts.has(f))
}

/// Fever per the pathway's definition, from temperatures in the look-back window or text.
fn fever(kb: &KnowledgeBase, results: &[LabResult], facts: &Facts<'_>, as_of: DateTime<Utc>) -> Option<String> {
    let def = &kb.management().febrile;
    let since = as_of - Duration::hours(def.look_back_hours);
    let temperatures: Vec<&LabResult> =
        results.iter().filter(|r| r.analyte == Analyte::Temperature && r.time >= since && r.time <= as_of).collect();
    if let Some(single) =
        temperatures.iter().filter(|t| t.value >= def.single_at_least).max_by(|a, b| a.value.total_cmp(&b.value))
    {
        return Some(format!(
            "temperature {:.1} °C at {} (single >= {} °C)",
            single.value,
            single.time.to_rfc3339(),
            def.single_at_least
        ));
    }
    // Sustained: readings >= the threshold spanning at least the stated minutes, none lower between.
    for (index, first) in temperatures.iter().enumerate() {
        if first.value < def.sustained_at_least {
            continue;
        }
        let mut last = first;
        for next in &temperatures[index + 1..] {
            if next.value < def.sustained_at_least {
                break;
            }
            last = next;
        }
        if (last.time - first.time).num_minutes() >= def.sustained_minutes {
            return Some(format!(
                ">= {} °C sustained from {} to {} (over {} minutes)",
                def.sustained_at_least,
                first.time.to_rfc3339(),
                last.time.to_rfc3339(),
                def.sustained_minutes
            ));
        }
    }
    facts.fever_text.as_ref().map(|detail| match temperatures.iter().max_by(|a, b| a.value.total_cmp(&b.value)) {
        Some(highest) => {
            format!("fever documented ({detail}); highest recorded temperature in the window {:.1} °C", highest.value)
        }
        None => format!("fever documented ({detail})"),
    })
}

/// Neutropenia for the pathway: ANC below the threshold, or below the higher one and expected to
/// fall (nadir window of recent chemotherapy, or a drug that causes agranulocytosis still taken).
/// The previous ANC, when it was higher than the latest and taken within `days` before it.
fn falling_anc(results: &[LabResult], days: i64) -> Option<f64> {
    let ancs: Vec<&LabResult> = results.iter().filter(|r| r.analyte == Analyte::Anc).collect();
    let latest = ancs.last()?;
    ancs.iter()
        .rev()
        .find(|r| r.time < latest.time)
        .filter(|previous| (latest.time - previous.time).num_days() <= days && previous.value > latest.value)
        .map(|previous| previous.value)
}

fn pathway_neutropenia(
    kb: &KnowledgeBase,
    counts: &Counts,
    results: &[LabResult],
    facts: &Facts<'_>,
) -> Option<String> {
    let def = &kb.management().febrile;
    let Some(anc) = counts.anc.as_ref().map(|c| c.result.value) else {
        // No differential: the neutrophils are a part of the white count, so a WBC below the
        // ANC threshold puts the ANC below it too.
        let wbc = counts.wbc.as_ref()?.result.value;
        return (wbc < def.anc_below).then(|| {
            format!(
                "WBC {wbc:.2} x10^9/L < {}: no differential is recorded, and the ANC, a part of the WBC, is lower still",
                def.anc_below
            )
        });
    };
    if anc < def.anc_below {
        return Some(format!("ANC {anc:.2} x10^9/L < {}", def.anc_below));
    }
    if anc >= def.expected_anc_below {
        return None;
    }
    if let Some(hit) = facts.hits.get(derived::ON_CHEMOTHERAPY) {
        return Some(format!(
            "ANC {anc:.2} x10^9/L < {} and expected to fall: within the nadir window of chemotherapy ({})",
            def.expected_anc_below, hit.detail
        ));
    }
    let falling = match falling_anc(results, def.falling_within_days) {
        Some(previous) => format!("falling from {previous:.2}"),
        None => {
            let finding = def.falling_findings.iter().find(|f| facts.has(f))?;
            format!("falling ({})", facts.hits[finding].detail)
        }
    };
    let still_taking = facts.drugs.iter().find(|m| {
        m.drug.cause == "drug-idiosyncratic"
            && matches!(m.exposure.status, MedicationStatus::Active | MedicationStatus::Unknown)
            && m.exposure.end.is_none()
    });
    still_taking.map(|m| {
        format!(
            "ANC {anc:.2} x10^9/L < {} and expected to fall: {falling} while {} (a cause of agranulocytosis) is still taken",
            def.expected_anc_below, m.drug.id
        )
    })
}

/// A positive sepsis screen (qSOFA, then NICE NG51 high risk) in a patient with suspected
/// infection; shared with the cause ranking as the derived finding `sepsis-screen-positive`.
pub(crate) fn sepsis_screen(
    kb: &KnowledgeBase,
    results: &[LabResult],
    facts: &Facts<'_>,
    anc: Option<f64>,
) -> Option<String> {
    qsofa(kb, results, facts, anc).or_else(|| nice_high_risk(kb, results, facts, anc))
}

/// Sepsis by qSOFA (>= 2 of: respiratory rate, systolic pressure, altered mentation) in a patient
/// with suspected infection (fever, signs of infection, or ANC below the pathway threshold).
fn qsofa(kb: &KnowledgeBase, results: &[LabResult], facts: &Facts<'_>, anc: Option<f64>) -> Option<String> {
    let def = &kb.management().febrile;
    let suspected =
        def.suspected_infection_findings.iter().any(|f| facts.has(f)) || anc.is_some_and(|a| a < def.anc_below);
    if !suspected {
        return None;
    }
    let mut points = Vec::new();
    if let Some(rr) =
        latest(results, Analyte::RespiratoryRate).filter(|r| r.value >= def.qsofa_respiratory_rate_at_least)
    {
        points.push(format!("respiratory rate {:.0}/min", rr.value));
    }
    if let Some(sbp) = latest(results, Analyte::SystolicBp).filter(|r| r.value <= def.qsofa_systolic_at_most) {
        points.push(format!("systolic {:.0} mmHg", sbp.value));
    }
    if let Some(finding) = def.qsofa_altered_mentation_findings.iter().find(|f| facts.has(f)) {
        points.push(finding.clone());
    }
    (points.len() as i64 >= def.qsofa_at_least).then(|| {
        format!(
            "qSOFA {} ({}) with suspected infection [{}]",
            points.len(),
            points.join(", "),
            def.qsofa_citation.joined()
        )
    })
}

/// Any one NICE NG51 high-risk criterion in a patient with suspected infection.
fn nice_high_risk(kb: &KnowledgeBase, results: &[LabResult], facts: &Facts<'_>, anc: Option<f64>) -> Option<String> {
    let def = &kb.management().febrile;
    let suspected =
        def.suspected_infection_findings.iter().any(|f| facts.has(f)) || anc.is_some_and(|a| a < def.anc_below);
    if !suspected {
        return None;
    }
    let mut criteria = Vec::new();
    if let Some(rr) =
        latest(results, Analyte::RespiratoryRate).filter(|r| r.value >= def.nice_respiratory_rate_at_least)
    {
        criteria.push(format!("respiratory rate {:.0}/min", rr.value));
    }
    if let Some(hr) = latest(results, Analyte::HeartRate).filter(|r| r.value >= def.nice_heart_rate_at_least) {
        criteria.push(format!("heart rate {:.0}/min", hr.value));
    }
    if let Some(sbp) = latest(results, Analyte::SystolicBp).filter(|r| r.value <= def.nice_systolic_at_most) {
        criteria.push(format!("systolic {:.0} mmHg", sbp.value));
    }
    for finding in def.nice_findings.iter().filter(|f| facts.has(f)) {
        criteria.push(format!("{finding}: {}", facts.hits[finding].detail));
    }
    (!criteria.is_empty())
        .then(|| format!("{} with suspected infection [{}]", criteria.join(", "), def.nice_citation.joined()))
}

fn mascc(kb: &KnowledgeBase, patient: &PatientSummary, results: &[LabResult], facts: &Facts<'_>) -> RiskScore {
    let m = &kb.management().febrile.mascc;
    let mut items = Vec::new();
    let mut item = |item: &str, points: i64, recorded: bool, note: String| {
        items.push(ScoreItem { item: item.to_owned(), points, recorded, note })
    };
    // Burden of illness (mutually exclusive).
    if facts.has(named::SYMPTOMS_SEVERE) || facts.has(named::SEPSIS) || facts.has(named::HYPOTENSION_SHOCK) {
        item("burden of illness", m.burden_severe, true, "severe symptoms recorded".to_owned());
    } else if facts.has(named::SYMPTOMS_MODERATE) {
        item("burden of illness", m.burden_moderate, true, "moderate symptoms recorded".to_owned());
    } else if facts.has(named::SYMPTOMS_MILD) {
        item("burden of illness", m.burden_none_or_mild, true, "no or mild symptoms recorded".to_owned());
    } else {
        item("burden of illness", m.burden_severe, false, "not recorded: scored 0 (conservative)".to_owned());
    }
    let systolic = latest(results, Analyte::SystolicBp);
    match (facts.has(named::HYPOTENSION_SHOCK), systolic) {
        (true, _) => item("no hypotension", 0, true, "hypotension or shock recorded".to_owned()),
        (false, Some(sbp)) if sbp.value < m.systolic_below_is_hypotension => {
            item(
                "no hypotension",
                0,
                true,
                format!("systolic {:.0} mmHg < {}", sbp.value, m.systolic_below_is_hypotension),
            );
        }
        (false, Some(sbp)) => item("no hypotension", m.no_hypotension, true, format!("systolic {:.0} mmHg", sbp.value)),
        (false, None) => {
            item("no hypotension", 0, false, "blood pressure not recorded: scored 0 (conservative)".to_owned())
        }
    }
    if facts.has(named::COPD) {
        item("no COPD", 0, true, "COPD recorded".to_owned());
    } else {
        item("no COPD", m.no_copd, false, "no COPD in the record: scored as absent".to_owned());
    }
    let solid = facts.has(named::SOLID_TUMOUR);
    let haem = facts.has(named::HAEMATOLOGICAL_MALIGNANCY);
    let fungal = facts.has(named::PREVIOUS_FUNGAL_INFECTION);
    if solid || (haem && !fungal) {
        let which = if solid { "solid tumour" } else { "haematological malignancy without previous fungal infection" };
        item(
            "solid tumour or haematological malignancy without previous fungal infection",
            m.solid_tumour_or_haematological_without_fungal,
            true,
            which.to_owned(),
        );
    } else if haem {
        item(
            "solid tumour or haematological malignancy without previous fungal infection",
            0,
            true,
            "haematological malignancy with previous fungal infection".to_owned(),
        );
    } else {
        item(
            "solid tumour or haematological malignancy without previous fungal infection",
            0,
            false,
            "no malignancy recorded: scored 0 (conservative)".to_owned(),
        );
    }
    if facts.has(named::DEHYDRATION) {
        item("no dehydration requiring IV fluids", 0, true, "dehydration recorded".to_owned());
    } else {
        item(
            "no dehydration requiring IV fluids",
            m.no_dehydration,
            false,
            "no dehydration in the record: scored as absent".to_owned(),
        );
    }
    if facts.has(named::INPATIENT_AT_ONSET) {
        item("outpatient status at onset of fever", 0, true, "inpatient recorded".to_owned());
    } else if facts.has(named::OUTPATIENT_AT_ONSET) {
        item("outpatient status at onset of fever", m.outpatient, true, "outpatient recorded".to_owned());
    } else {
        item("outpatient status at onset of fever", 0, false, "not recorded: scored 0 (conservative)".to_owned());
    }
    match patient.age_years {
        Some(age) if age < m.age_under => item("age < 60 years", m.age_points, true, format!("age {age:.0}")),
        Some(age) => item("age < 60 years", 0, true, format!("age {age:.0}")),
        None => item("age < 60 years", 0, false, "age unknown: scored 0 (conservative)".to_owned()),
    }
    let score: i64 = items.iter().map(|i| i.points).sum();
    let mut risk = if score >= m.low_risk_at_least { "low" } else { "high" }.to_owned();
    let mut note = None;
    // Profound neutropenia or haemodynamic instability is never low risk.
    let profound = facts.has(derived::ANC_BELOW_0_1);
    let unstable = facts.has(named::HYPOTENSION_SHOCK) || facts.has(named::SEPSIS);
    if risk == "low" && (profound || unstable) {
        risk = "high".to_owned();
        note = Some(format!(
            "score {score} >= {} but graded high risk: {}",
            m.low_risk_at_least,
            if profound { "profound neutropenia" } else { "haemodynamic instability or sepsis" }
        ));
    }
    RiskScore { score, risk, items, note, citation: m.citation.clone() }
}

fn cisne(kb: &KnowledgeBase, results: &[LabResult], facts: &Facts<'_>) -> RiskScore {
    let c = &kb.management().febrile.cisne;
    let mut items = Vec::new();
    let mut item = |item: &str, points: i64, recorded: bool, note: String| {
        items.push(ScoreItem { item: item.to_owned(), points, recorded, note })
    };
    if facts.has(named::ECOG_2_OR_MORE) {
        item("ECOG performance status >= 2", c.ecog_2_or_more, true, "recorded".to_owned());
    } else if facts.has(named::ECOG_0_1) {
        item("ECOG performance status >= 2", 0, true, "ECOG 0-1 recorded".to_owned());
    } else {
        item(
            "ECOG performance status >= 2",
            c.ecog_2_or_more,
            false,
            "not recorded: scored as present (conservative)".to_owned(),
        );
    }
    let threshold = if facts.has(named::DIABETES) || facts.has(named::ON_CORTICOSTEROIDS) {
        c.glucose_at_least_mg_dl_if_diabetic_or_steroids
    } else {
        c.glucose_at_least_mg_dl
    };
    match latest(results, Analyte::Glucose) {
        Some(glucose) if glucose.value >= threshold => item(
            "stress-induced hyperglycaemia",
            c.stress_hyperglycaemia,
            true,
            format!("glucose {:.0} mg/dL >= {threshold}", glucose.value),
        ),
        Some(glucose) => {
            item("stress-induced hyperglycaemia", 0, true, format!("glucose {:.0} mg/dL < {threshold}", glucose.value))
        }
        None => item(
            "stress-induced hyperglycaemia",
            c.stress_hyperglycaemia,
            false,
            "glucose not recorded: scored as present (conservative)".to_owned(),
        ),
    }
    let copd = facts.has(named::COPD);
    item(
        "COPD",
        if copd { c.copd } else { 0 },
        copd,
        if copd { "recorded" } else { "not in the record: scored as absent" }.to_owned(),
    );
    let cvd = facts.has(named::CHRONIC_CARDIOVASCULAR_DISEASE);
    item(
        "chronic cardiovascular disease",
        if cvd { c.chronic_cardiovascular_disease } else { 0 },
        cvd,
        if cvd { "recorded" } else { "not in the record: scored as absent" }.to_owned(),
    );
    let mucositis = facts.has(named::MUCOSITIS_GRADE_2_OR_MORE);
    item(
        "NCI mucositis grade >= 2",
        if mucositis { c.mucositis_grade_2_or_more } else { 0 },
        mucositis,
        if mucositis { "recorded" } else { "not in the record: scored as absent" }.to_owned(),
    );
    match latest(results, Analyte::Monocytes) {
        Some(m) if m.value < c.monocytes_below => {
            item("monocytes < 200/uL", c.monocytes_points, true, format!("monocytes {:.0}/uL", m.value * 1000.0))
        }
        Some(m) => item("monocytes < 200/uL", 0, true, format!("monocytes {:.0}/uL", m.value * 1000.0)),
        None => item(
            "monocytes < 200/uL",
            c.monocytes_points,
            false,
            "not recorded: scored as present (conservative)".to_owned(),
        ),
    }
    let score: i64 = items.iter().map(|i| i.points).sum();
    let risk = if score >= c.high_from {
        "high"
    } else if score >= c.intermediate_from {
        "intermediate"
    } else {
        "low"
    };
    let note = (!facts.has(named::SOLID_TUMOUR)).then(|| "CISNE is validated for stable adults with solid tumours on mild/moderate chemotherapy; no solid tumour is recorded".to_owned());
    RiskScore { score, risk: risk.to_owned(), items, note, citation: c.citation.clone() }
}

fn leading_or_likely<'c>(kb: &KnowledgeBase, causes: &'c [CauseCandidate]) -> impl Iterator<Item = &'c CauseCandidate> {
    let act = kb.management().thresholds.act_probability;
    causes.iter().enumerate().filter(move |(rank, c)| *rank == 0 || c.probability >= act).map(|(_, c)| c)
}

/// Works out urgency, the febrile-neutropenia assessment and every recommendation; `tests` are
/// the proposed next tests, checked by the same guards.
pub(crate) fn manage(
    context: &Context<'_>,
    facts: &Facts<'_>,
    causes: &[CauseCandidate],
    tests: Vec<Recommendation>,
) -> Management {
    let Context { kb, patient, counts, results, as_of, .. } = *context;
    let mgmt = kb.management();
    let def = &mgmt.febrile;
    let mut recs: Vec<(Recommendation, Origin)> = Vec::new();
    let mut urgent_reasons = Vec::new();
    let anc = counts.anc.as_ref().map(|c| c.result.value);

    // 1. Emergencies.
    let fever = fever(kb, results, facts, as_of);
    let neutropenia = pathway_neutropenia(kb, counts, results, facts);
    let febrile_neutropenia = fever.is_some() && neutropenia.is_some();
    let mut febrile = FebrileAssessment {
        fever: fever.clone(),
        neutropenia: neutropenia.clone(),
        febrile_neutropenia,
        mascc: None,
        cisne: None,
    };
    if febrile_neutropenia {
        urgent_reasons.push(format!(
            "febrile neutropenia: {}; {}",
            fever.clone().unwrap_or_default(),
            neutropenia.clone().unwrap_or_default()
        ));
    }
    let mut sepsis = def.sepsis_findings.iter().find_map(|f| facts.hits.get(f).map(|h| (f.clone(), h.detail.clone())));
    if sepsis.is_none()
        && let Some(detail) = qsofa(kb, results, facts, anc)
    {
        sepsis = Some(("sepsis (qSOFA)".to_owned(), detail));
    }
    if sepsis.is_none()
        && let Some(detail) = nice_high_risk(kb, results, facts, anc)
    {
        sepsis = Some(("suspected sepsis, high risk (NICE)".to_owned(), detail));
    }
    if let Some((finding, detail)) = &sepsis {
        urgent_reasons.push(format!("{finding}: {detail}"));
    }
    let severe = anc.is_some_and(|a| a < def.anc_below);
    let infection = def.infection_findings.iter().find_map(|f| facts.hits.get(f).map(|h| (f, h))).filter(|_| severe);
    if let Some((finding, hit)) = infection {
        urgent_reasons.push(format!("ANC < {} with {finding}: {}", def.anc_below, hit.detail));
    }
    let platelets_low = counts.platelets.as_ref().is_some_and(|p| p.result.value < def.severe_thrombocytopenia_below);
    let bleeding = def
        .bleeding_findings
        .iter()
        .find_map(|f| facts.hits.get(f).map(|h| (f, h)))
        .filter(|_| severe && platelets_low);
    if let Some((finding, hit)) = bleeding {
        urgent_reasons.push(format!(
            "ANC < {} with {finding} and platelets < {}: {}",
            def.anc_below, def.severe_thrombocytopenia_below, hit.detail
        ));
    }
    if febrile_neutropenia || sepsis.is_some() || infection.is_some() {
        let why = urgent_reasons.join("; ");
        for action in &def.actions {
            recs.push((from_action(action, None, why.clone()), Origin::Emergency));
        }
    }
    // Neutropenia with fever or infection short of the pathway: cultures and antibiotics, urgent.
    let symptomatic = def.symptomatic_findings.iter().find(|f| facts.has(f));
    if !(febrile_neutropenia || sepsis.is_some() || infection.is_some())
        && let (Some(value), Some(finding)) = (anc.filter(|a| *a < def.symptomatic_anc_below), symptomatic)
    {
        let why = format!(
            "ANC {value:.2} x10^9/L < {} with {finding}: {}",
            def.symptomatic_anc_below, facts.hits[finding].detail
        );
        for action in &def.actions {
            let mut rec = from_action(action, None, why.clone());
            rec.urgency = urgency(&def.symptomatic_urgency);
            rec.text = format!(
                "{} (neutropenia with fever or infection, short of the febrile-neutropenia definition; reassess for the pathway if the count falls)",
                rec.text.split(" within 60 minutes").next().unwrap_or(&rec.text)
            );
            rec.citation = def.symptomatic_citation.clone();
            recs.push((rec, Origin::Emergency));
        }
    }
    if febrile_neutropenia {
        let score = mascc(kb, patient, results, facts);
        let high_risk_features: Vec<String> = [
            patient
                .age_years
                .filter(|a| *a > mgmt.supportive.g_csf_fn_high_risk_age_over)
                .map(|a| format!("age {a:.0}")),
            sepsis.as_ref().map(|(f, _)| f.clone()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !high_risk_features.is_empty() {
            recs.push((
                Recommendation {
                    kind: "g-csf".to_owned(),
                    target: Some("filgrastim".to_owned()),
                    urgency: Urgency::Urgent,
                    text: mgmt.supportive.g_csf_fn_high_risk_text.clone(),
                    rationale: format!("febrile neutropenia with {}", high_risk_features.join(", ")),
                    contraindications: Vec::new(),
                    citation: mgmt.supportive.g_csf_citation.clone(),
                },
                Origin::Other,
            ));
        }
        febrile.mascc = Some(score);
        febrile.cisne = Some(cisne(kb, results, facts));
    }

    // 2. Supportive care.
    let supportive = &mgmt.supportive;
    if let Some(value) = anc.filter(|a| *a < supportive.precautions_anc_below) {
        recs.push((
            Recommendation {
                kind: "neutropenic-precautions".to_owned(),
                target: None,
                urgency: if value < def.anc_below { Urgency::Urgent } else { Urgency::Routine },
                text: supportive.precautions_text.clone(),
                rationale: format!("ANC {value:.2} x10^9/L < {}", supportive.precautions_anc_below),
                contraindications: Vec::new(),
                citation: supportive.precautions_citation.clone(),
            },
            Origin::Other,
        ));
    }
    if let Some(value) = anc.filter(|a| *a < supportive.profound_anc_below)
        && let Some(chemo) = facts.hits.get(derived::ON_CHEMOTHERAPY)
    {
        recs.push((
            Recommendation {
                kind: "antimicrobial-prophylaxis".to_owned(),
                target: Some("fluoroquinolone".to_owned()),
                // A consideration that hangs on the expected duration, not an emergency.
                urgency: Urgency::Routine,
                text: supportive.profound_text.clone(),
                rationale: format!("ANC {value:.2} x10^9/L on chemotherapy ({})", chemo.detail),
                contraindications: Vec::new(),
                citation: supportive.profound_citation.clone(),
            },
            Origin::Other,
        ));
    }
    if let Some(cd4) = latest(results, Analyte::Cd4).filter(|c| c.value < supportive.cd4_below) {
        recs.push((
            Recommendation {
                kind: "antimicrobial-prophylaxis".to_owned(),
                target: Some("pneumocystis".to_owned()),
                urgency: Urgency::Routine,
                text: supportive.cd4_text.clone(),
                rationale: format!("CD4 {:.0} cells/uL < {}", cd4.value, supportive.cd4_below),
                contraindications: Vec::new(),
                citation: supportive.cd4_citation.clone(),
            },
            Origin::Other,
        ));
    }
    recs.extend(g_csf_prophylaxis(kb, facts, as_of).into_iter().map(|r| (r, Origin::Other)));
    let low_lineages = crate::causes::low_lineages(kb, counts, context.pattern);
    let neutropenic = low_lineages.contains(&"neutrophils");
    // A work-up is needless when a finding or the leading cause's category explains the count.
    let needless = |unless: &[String], except_leading: &[String]| {
        unless.iter().any(|f| facts.has(f)) || causes.first().is_some_and(|c| except_leading.contains(&c.category))
    };
    let excluded = needless(&[], &supportive.referral_except_leading_categories);
    let reason = [
        anc.filter(|a| *a < supportive.referral_anc_below && !facts.has(derived::ON_CHEMOTHERAPY))
            .map(|a| format!("ANC {a:.2} x10^9/L without a chemotherapy explanation")),
        supportive
            .referral_patterns
            .iter()
            .find(|p| context.pattern.id() == p.as_str())
            .map(|p| format!("pattern {p}")),
        supportive.referral_findings.iter().find(|f| facts.has(f)).map(|f| format!("{f}: {}", facts.hits[f].detail)),
        (neutropenic && !facts.has(derived::ON_CHEMOTHERAPY))
            .then(|| supportive.referral_with_neutropenia_findings.iter().find(|f| facts.has(f)))
            .flatten()
            .map(|f| format!("neutropenia with {f}: {}", facts.hits[f].detail)),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    if !excluded && !reason.is_empty() {
        recs.push((
            Recommendation {
                kind: "hematology-referral".to_owned(),
                target: None,
                urgency: urgency(&supportive.referral_urgency),
                text: supportive.referral_text.clone(),
                rationale: reason.join("; "),
                contraindications: Vec::new(),
                citation: supportive.referral_citation.clone(),
            },
            Origin::Other,
        ));
    }

    // An HIV test for a neutropenia that nothing in the record makes it needless for.
    let screen = &supportive.hiv_screen;
    let by_pattern = screen.patterns.iter().any(|p| p == context.pattern.id());
    if (neutropenic || by_pattern) && !needless(&screen.unless_findings, &screen.except_leading_categories) {
        recs.push((
            Recommendation {
                kind: "order-test".to_owned(),
                target: Some(screen.target.clone()),
                urgency: Urgency::Routine,
                text: screen.text.clone(),
                rationale: if neutropenic {
                    "neutropenia, and the record holds no HIV result".to_owned()
                } else {
                    format!("pattern {}, and the record holds no HIV result", context.pattern.id())
                },
                contraindications: Vec::new(),
                citation: screen.citation.clone(),
            },
            Origin::Other,
        ));
    }

    // The laboratory panel for a neutropenia that no cause explains.
    let panel = &supportive.unexplained;
    let act = kb.management().thresholds.act_probability;
    if neutropenic
        && !needless(&panel.unless_findings, &panel.except_leading_categories)
        && causes.first().is_none_or(|c| c.probability < act && !panel.except_leading_causes.contains(&c.id))
    {
        let why = match causes.first() {
            Some(c) => format!(
                "neutropenia without an explanation: the leading cause ({}) has p={:.2} < {act}",
                c.label, c.probability
            ),
            None => "neutropenia without an explanation".to_owned(),
        };
        // A test whose result the record already holds (a value, or a stated result) is left out.
        let done = |target: &str| {
            crate::next_tests::already_done(
                kb,
                context.record,
                results,
                facts,
                &Default::default(),
                Some(target),
                target,
            )
        };
        for action in panel.actions.iter().filter(|a| applies(a, facts) && !a.target.as_deref().is_some_and(done)) {
            recs.push((from_action(action, None, why.clone()), Origin::Other));
        }
    }

    // Work-up steps a finding calls for whatever the ranking (serial counts for periodic fevers).
    // A low count: a low lineage, or a low WBC whose lineages the record cannot tell.
    let low_count = !low_lineages.is_empty() || context.pattern != Pattern::None;
    for action in supportive.actions.iter().filter(|a| low_count && applies(a, facts)) {
        if let Some(when) = action.when_finding.as_deref() {
            recs.push((from_action(action, None, format!("{when}: {}", facts.hits[when].detail)), Origin::Other));
        }
    }

    // 3. Drug-label decisions (clozapine, deferiprone) for drugs the patient takes.
    let ben = ben_table(patient, facts);
    let mut decided: Vec<(&str, Decision)> = Vec::new();
    if let Some(value) = anc {
        for matched in facts.drugs.iter().filter(|m| {
            m.exposure.end.is_none_or(|end| end >= as_of) && m.exposure.status != MedicationStatus::Completed
        }) {
            let rules: Vec<_> = mgmt.drug_rules.iter().filter(|r| r.drug == matched.drug.id).collect();
            let has_ben = rules.iter().any(|r| r.ben);
            let rule = rules.into_iter().find(|r| {
                r.ben == (ben && has_ben)
                    && r.anc_at_least.is_none_or(|low| value >= low)
                    && r.anc_below.is_none_or(|high| value < high)
            });
            let Some(rule) = rule else { continue };
            if decided.iter().any(|(d, _)| *d == rule.drug) {
                continue;
            }
            decided.push((&rule.drug, rule.decision));
            let population = if rule.ben { "BEN table" } else { "general table" };
            for action in &rule.actions {
                let why = format!(
                    "{} taken ({}); ANC {value:.2} x10^9/L; {population}",
                    matched.drug.id, matched.exposure.id
                );
                recs.push((from_action(action, Some(&matched.drug.id), why), Origin::DrugLabel));
            }
        }
    }

    // 4. Plans of the leading causes.
    let agranulocytosis = anc.is_some_and(|a| a < kb.agranulocytosis.value);
    let leading: Vec<&CauseCandidate> = leading_or_likely(kb, causes).collect();
    for cause in &leading {
        recs.extend(plan_for(kb, cause, facts, &decided, None).into_iter().map(|r| (r, Origin::Other)));
    }
    for (rank, cause) in causes.iter().enumerate().filter(|(_, c)| !leading.iter().any(|l| l.id == c.id)) {
        if let Some(why) = suspected(kb, cause, rank, facts) {
            recs.extend(plan_for(kb, cause, facts, &decided, Some(&why)).into_iter().map(|r| (r, Origin::Other)));
        }
    }
    if agranulocytosis {
        // Stop every suspect drug in the agranulocytosis range (S45), not only the leading one:
        // any listed drug the ranking has not all but excluded, except one whose timing rules it
        // out (started after the count was already low, or stopped beyond its window).
        let floor = mgmt.thresholds.stop_all_suspects_probability;
        // The candidate is the drug's best-timed exposure: ruled out when every exposure is.
        let ruled_out_by_timing = |c: &CauseCandidate| {
            let mut exposures =
                facts.drugs.iter().filter(|m| c.id.strip_prefix("drug:") == Some(m.drug.id.as_str())).peekable();
            exposures.peek().is_some() && exposures.all(|m| crate::causes::ruled_out_by_timing(kb, m, context.episode))
        };
        for cause in
            causes.iter().filter(|c| c.id.starts_with("drug:") && c.probability >= floor && !ruled_out_by_timing(c))
        {
            let mut from_plan = plan_for(kb, cause, facts, &decided, None);
            from_plan.retain(|r| r.kind == "stop-drug");
            for mut rec in from_plan {
                rec.rationale = format!(
                    "agranulocytosis range: every suspect drug is stopped ({}, p={:.2})",
                    cause.label, cause.probability
                );
                rec.citation = Citation::new(mgmt.thresholds.citation.ids().to_vec());
                recs.push((rec, Origin::Other));
            }
        }
    }

    recs.extend(tests.into_iter().map(|rec| (rec, Origin::Other)));

    // 5. Do-no-harm guards on the leading cause.
    if let Some(leading) = causes.first() {
        let triggered = |g: &&crate::kb::management::Guard| {
            g.leading_categories.contains(&leading.category)
                || g.leading_causes.contains(&leading.id)
                || g.when_findings.iter().any(|f| facts.has(f))
        };
        for guard in mgmt.guards.iter().filter(triggered) {
            recs.retain(|(rec, origin)| *origin != Origin::Other || !guard.forbid_kinds.contains(&rec.kind));
        }
    }

    // 6. Contraindications against the record.
    let mut recommendations: Vec<Recommendation> = recs.into_iter().map(|(rec, _)| rec).collect();
    for rec in &mut recommendations {
        let haystack = fold(&format!("{} {}", rec.target.clone().unwrap_or_default(), rec.text));
        for contraindication in &mgmt.contraindications {
            if facts.has(&contraindication.when_finding)
                && contraindication.targets.iter().any(|t| !find_phrase(&haystack, t).is_empty())
            {
                rec.contraindications.push(format!(
                    "{} [{}]",
                    contraindication.text,
                    contraindication.citation.joined()
                ));
            }
        }
    }
    Management { urgent: !urgent_reasons.is_empty(), urgent_reasons, febrile, recommendations }
}

/// Why a cause that is not leading still gets its plan: the plan applies on suspicion, the cause
/// ranks within the plan's reach with at least its probability floor, and the context the cause
/// needs, if any (a tick bite, an endemic area), is recorded.
fn suspected(kb: &KnowledgeBase, cause: &CauseCandidate, rank: usize, facts: &Facts<'_>) -> Option<String> {
    let plan = kb.management().plans.iter().find(|p| p.causes.contains(&cause.id))?;
    let suspicion = plan.on_suspicion.as_ref()?;
    let def = kb.causes().iter().find(|c| c.id == cause.id)?;
    // A cause that needs a context (an exposure) is suspected only with it recorded.
    let context = match def.context_any.iter().find(|f| facts.has(f)) {
        Some(found) => format!(", {found} recorded"),
        None if def.context_any.is_empty() => String::new(),
        None => return None,
    };
    (rank < suspicion.within_top && cause.probability >= suspicion.min_probability).then(|| {
        format!(
            "{} is suspected (rank {}, p={:.2}{context}) and is acted on at suspicion [{}]",
            cause.label,
            rank + 1,
            cause.probability,
            suspicion.citation.joined()
        )
    })
}

/// The actions of a cause's plan (drug templates with the drug filled in), except a stop-drug that
/// a drug-label rule says not to do at this count. `why` replaces the leading-cause rationale.
fn plan_for(
    kb: &KnowledgeBase,
    cause: &CauseCandidate,
    facts: &Facts<'_>,
    decided: &[(&str, Decision)],
    why: Option<&str>,
) -> Vec<Recommendation> {
    let (plan_key, drug) = match cause.id.strip_prefix("drug:") {
        Some(drug) => {
            (kb.drugs().iter().find(|d| d.id == drug).map(|d| d.cause.clone()).unwrap_or_default(), Some(drug))
        }
        None => (cause.id.clone(), None),
    };
    let Some(plan) = kb.management().plans.iter().find(|p| p.causes.contains(&plan_key)) else {
        return Vec::new();
    };
    plan.actions
        .iter()
        .filter(|a| applies(a, facts))
        .filter(|a| a.for_drugs.is_empty() || drug.is_some_and(|d| a.for_drugs.iter().any(|f| f == d)))
        .filter(|a| {
            !(a.kind == "stop-drug"
                && drug.is_some_and(|d| {
                    decided.iter().any(|(name, decision)| *name == d && *decision == Decision::Continue)
                }))
        })
        .map(|a| {
            let rationale = why.map(str::to_owned).unwrap_or_else(|| {
                format!("{} is a leading explanation (p={:.2}, plan {})", cause.label, cause.probability, plan.id)
            });
            let mut rec = from_action(a, drug, rationale);
            // Name the order as the record holds it when that differs from the generic name
            // ("methimazole" for thiamazole), so the clinician finds the order to stop.
            if a.kind == "stop-drug"
                && let Some(d) = drug
                && let Some(recorded) = facts
                    .drugs
                    .iter()
                    .filter(|m| m.drug.id == d)
                    // The order still running first: that is the one to stop.
                    .min_by_key(|m| m.exposure.status != MedicationStatus::Active)
                    .and_then(|m| m.exposure.text.as_deref())
                    .filter(|text| fold(text) != fold(d))
            {
                rec.text = format!("{} [recorded as \"{recorded}\"]", rec.text);
            }
            rec
        })
        .collect()
}

/// Primary and secondary G-CSF prophylaxis for current chemotherapy (ASCO 2015).
fn g_csf_prophylaxis(kb: &KnowledgeBase, facts: &Facts<'_>, _as_of: DateTime<Utc>) -> Vec<Recommendation> {
    let mgmt = kb.management();
    let s = &mgmt.supportive;
    if facts.has(named::ON_G_CSF) || !facts.has(derived::ON_CHEMOTHERAPY) {
        return Vec::new();
    }
    let chemo: Vec<&str> =
        facts.drugs.iter().filter(|m| m.drug.cause == "drug-cytotoxic").map(|m| m.drug.id.as_str()).collect();
    let text: Vec<String> = facts.drugs.iter().filter_map(|m| m.exposure.text.as_deref().map(fold)).collect();
    // The most specific regimen: the one with the most components all given (ties: the higher
    // risk band), else one named in the medication text.
    let by_components = mgmt
        .regimens
        .iter()
        .filter(|r| !r.components.is_empty() && r.components.iter().all(|c| chemo.contains(&c.as_str())))
        .max_by(|a, b| {
            a.components.len().cmp(&b.components.len()).then_with(|| {
                let high = |r: &&crate::kb::management::Regimen| r.fn_risk_percent.map_or(0.0, |(low, _)| low);
                high(a).total_cmp(&high(b))
            })
        });
    let regimen = by_components.or_else(|| {
        mgmt.regimens.iter().find(|r| r.names.iter().any(|n| text.iter().any(|t| !find_phrase(t, n).is_empty())))
    });
    let mut out = Vec::new();
    if let Some(regimen) = regimen {
        let risk = regimen.fn_risk_percent.map_or(String::new(), |(low, high)| {
            if low == high { format!(" ({low} %)") } else { format!(" ({low}-{high} %)") }
        });
        let high = regimen.fn_risk_percent.is_some_and(|(low, _)| low >= s.g_csf_primary_risk_at_least)
            || regimen.band == "high";
        let intermediate = !high
            && (regimen.fn_risk_percent.is_some_and(|(_, hi)| hi >= s.g_csf_consider_risk_at_least)
                || regimen.band == "intermediate");
        let factors: Vec<&str> = mgmt.risk_factors.iter().filter(|f| facts.has(f)).map(String::as_str).collect();
        if high {
            out.push(Recommendation {
                kind: "g-csf".to_owned(),
                target: Some("pegfilgrastim".to_owned()),
                urgency: Urgency::Routine,
                text: s.g_csf_primary_text.clone(),
                rationale: format!(
                    "regimen {}{risk}: high febrile-neutropenia risk [{}]",
                    regimen.label,
                    regimen.citation.joined()
                ),
                contraindications: Vec::new(),
                citation: s.g_csf_citation.clone(),
            });
        } else if intermediate && !factors.is_empty() {
            out.push(Recommendation {
                kind: "g-csf".to_owned(),
                target: Some("pegfilgrastim".to_owned()),
                urgency: Urgency::Routine,
                text: s.g_csf_consider_text.clone(),
                rationale: format!("regimen {}{risk}: intermediate risk, with {}", regimen.label, factors.join(", ")),
                contraindications: Vec::new(),
                citation: s.g_csf_citation.clone(),
            });
        }
    }
    if out.is_empty() && facts.has(named::HISTORY_FEBRILE_NEUTROPENIA) {
        out.push(Recommendation {
            kind: "g-csf".to_owned(),
            target: Some("pegfilgrastim".to_owned()),
            urgency: Urgency::Routine,
            text: s.g_csf_secondary_text.clone(),
            rationale: format!(
                "on chemotherapy with a previous neutropenic complication ({})",
                facts.hits[named::HISTORY_FEBRILE_NEUTROPENIA].detail
            ),
            contraindications: Vec::new(),
            citation: s.g_csf_citation.clone(),
        });
    }
    out
}

/// Deduplicates (same kind and target, or same kind for kinds whose target is only a label: the
/// most urgent stays) and orders by urgency, then kind
/// in the contract's order, then target; stable between runs.
pub(crate) fn finish(mut recommendations: Vec<Recommendation>) -> Vec<Recommendation> {
    const ORDER: [&str; 19] = [
        "blood-cultures",
        "empiric-antibiotics",
        "stop-drug",
        "treat-infection",
        "g-csf",
        "hematology-referral",
        "repeat-cbc",
        "peripheral-smear",
        "bone-marrow-exam",
        "order-test",
        "rheumatology-referral",
        "immunosuppression",
        "supplement",
        "remove-exposure",
        "transplant-evaluation",
        "antimicrobial-prophylaxis",
        "neutropenic-precautions",
        "monitoring",
        "reassurance",
    ];
    let rank = |kind: &str| ORDER.iter().position(|k| *k == kind).unwrap_or(ORDER.len());
    recommendations.sort_by(|a, b| {
        a.urgency.cmp(&b.urgency).then(rank(&a.kind).cmp(&rank(&b.kind))).then(a.target.cmp(&b.target))
    });
    let mut out: Vec<Recommendation> = Vec::new();
    for rec in recommendations {
        // For these kinds the target is only a label ("haematology", "protective isolation"):
        // one recommendation per kind, the most urgent.
        const ONE_PER_KIND: [&str; 9] = [
            "blood-cultures",
            "empiric-antibiotics",
            "hematology-referral",
            "rheumatology-referral",
            "neutropenic-precautions",
            "peripheral-smear",
            "bone-marrow-exam",
            "transplant-evaluation",
            "reassurance",
        ];
        let duplicate = out.iter_mut().find(|kept| {
            kept.kind == rec.kind && (kept.target == rec.target || ONE_PER_KIND.contains(&rec.kind.as_str()))
        });
        match duplicate {
            // The same test asked for by another rule: one order, every reason kept.
            Some(kept) if kept.target == rec.target && !kept.rationale.contains(&rec.rationale) => {
                kept.rationale = format!("{}; also: {}", kept.rationale, rec.rationale);
            }
            Some(_) => {}
            None => out.push(rec),
        }
    }
    out
}

/// Whether drug-label tables with a BEN / Duffy-null variant use it for this patient: Duffy-null
/// documented, or the diagnosis recorded (never ancestry alone).
pub(crate) fn ben_table(patient: &crate::assessment::PatientSummary, facts: &Facts<'_>) -> bool {
    patient.duffy_null || facts.has(named::DX_BENIGN_ETHNIC_NEUTROPENIA)
}
