//! The next tests that would most change the ranking.
//!
//! For a candidate cause with probability p, a test whose result moves its odds by a likelihood
//! ratio L carries an expected information gain that, to first order, grows with p(1 − p) and
//! with |ln L|: a test matters when the cause is uncertain and the result is telling. A test's
//! score is that quantity summed over the candidates that list it (`next_tests` in the knowledge
//! base), where L is the strongest evidence line whose finding the test's result decides (by the
//! test's LOINC analyte), or the calibration's default when no finding ties them. Tests already
//! in the record are not proposed. The three leading candidates always take part, whatever their
//! absolute probability; the others only from the calibration's `min_probability`. A marrow
//! examination is proposed only for the leading cause or one at or above the management
//! threshold for acting (`act_probability`).

use std::collections::BTreeMap;

use crate::assessment::{CauseCandidate, LabResult, Recommendation, Urgency};
use crate::findings::Facts;
use crate::kb::{CauseDef, Citation, KnowledgeBase};
use crate::record::PatientRecord;
use crate::text::fold;

/// How many of the leading candidates get a test of their own before the rest are ordered by score.
const LEADING_RANKS: usize = 3;

struct TestScore {
    /// Candidate ranks (0 = leading) that list this test.
    ranks: Vec<usize>,
    name: String,
    loinc: Option<String>,
    kind: String,
    score: f64,
    causes: Vec<String>,
    citation: Citation,
}

fn cause_def<'a>(kb: &'a KnowledgeBase, candidate: &CauseCandidate) -> Option<&'a CauseDef> {
    match candidate.id.strip_prefix("drug:") {
        Some(drug) => {
            let template = &kb.drugs().iter().find(|d| d.id == drug)?.cause;
            kb.causes().iter().find(|c| &c.id == template)
        }
        None => kb.causes().iter().find(|c| c.id == candidate.id),
    }
}

/// Whether the record already holds the test's result: a result of its analyte, an observation
/// with its code or name, or a result about its analyte stated in text ("folate normal", a list
/// of results closed by one word) — not a description that merely implies it.
pub(crate) fn already_done(
    kb: &KnowledgeBase,
    record: &PatientRecord,
    results: &[LabResult],
    facts: &Facts<'_>,
    done_names: &std::collections::BTreeSet<String>,
    loinc: Option<&str>,
    name: &str,
) -> bool {
    if let Some(code) = loinc {
        if let Some(def) = kb.loinc(code)
            && (results.iter().any(|r| r.analyte == def.analyte)
                || facts
                    .hits
                    .iter()
                    .filter(|(_, hit)| hit.result)
                    .filter_map(|(id, _)| kb.finding(id))
                    .any(|f| f.lab.as_ref().is_some_and(|rule| rule.analyte() == def.analyte)))
        {
            return true;
        }
        if record.observations.iter().any(|o| o.loinc_codes().any(|c| c == code)) {
            return true;
        }
    }
    done_names.contains(&fold(name))
}

/// The strongest |ln LR| among the cause's evidence lines whose finding the test decides.
fn telling(kb: &KnowledgeBase, cause: &CauseDef, loinc: Option<&str>) -> Option<f64> {
    let analyte = kb.loinc(loinc?)?.analyte;
    let ranking = kb.ranking();
    let decides = |finding: &str| {
        kb.finding(finding).is_some_and(|f| f.lab.as_ref().is_some_and(|rule| rule.analyte() == analyte))
    };
    let lines = cause
        .evidence_for
        .iter()
        .filter(|l| decides(&l.finding))
        .filter_map(|l| ranking.lr_for.get(&l.strength))
        .chain(
            cause
                .evidence_against
                .iter()
                .filter(|l| decides(&l.finding))
                .filter_map(|l| ranking.lr_against.get(&l.strength)),
        );
    lines.map(|lr| lr.ln().abs()).reduce(f64::max)
}

/// Recommends up to the calibration's maximum of tests, best first.
pub(crate) fn next_tests(
    kb: &KnowledgeBase,
    record: &PatientRecord,
    results: &[LabResult],
    facts: &Facts<'_>,
    candidates: &[CauseCandidate],
) -> Vec<Recommendation> {
    let ranking = kb.ranking();
    let mut scores: BTreeMap<String, TestScore> = BTreeMap::new();
    // Names of the tests already in the record, folded once.
    let done_names: std::collections::BTreeSet<String> =
        record.observations.iter().flat_map(|o| o.names()).map(fold).collect();
    // The leading candidates always count, however unlikely each is in absolute terms: when
    // nothing explains the count well, the tests that separate the front runners matter most.
    let considered =
        |rank: usize, c: &CauseCandidate| rank < LEADING_RANKS || c.probability >= ranking.next_tests_min_probability;
    for (rank, candidate) in candidates.iter().enumerate().filter(|(rank, c)| considered(*rank, c)) {
        let Some(cause) = cause_def(kb, candidate) else { continue };
        let p = candidate.probability;
        // An invasive procedure is not proposed just to rule out an unlikely candidate: only for
        // the leading cause or one likely enough to act on.
        let invasive_ok = rank == 0 || p >= kb.management().thresholds.act_probability;
        for test in cause.next_tests.iter().filter(|t| invasive_ok || t.kind != "bone-marrow-exam") {
            if test.loinc.as_deref().is_some_and(|code| kb.is_panel(code)) {
                continue; // A repeat CBC is a recommendation of its own, not a discriminating test.
            }
            if already_done(kb, record, results, facts, &done_names, test.loinc.as_deref(), &test.name) {
                continue;
            }
            let ln_lr = telling(kb, cause, test.loinc.as_deref()).unwrap_or_else(|| ranking.next_tests_default_lr.ln());
            let key = test.loinc.clone().unwrap_or_else(|| fold(&test.name));
            let entry = scores.entry(key).or_insert_with(|| TestScore {
                ranks: Vec::new(),
                name: test.name.clone(),
                loinc: test.loinc.clone(),
                kind: test.kind.clone(),
                score: 0.0,
                causes: Vec::new(),
                citation: test.citation.clone(),
            });
            entry.score += p * (1.0 - p) * ln_lr;
            entry.ranks.push(rank);
            entry.causes.push(format!("{} (p={p:.2})", candidate.label));
        }
    }
    let mut ordered: Vec<TestScore> = scores.into_values().collect();
    ordered.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
    // Separate the leading candidates: first a test for each of the leading causes, then the rest
    // by score.
    let mut chosen: Vec<TestScore> = Vec::new();
    // A test that every leading cause lists cannot tell them apart, so each leading cause first
    // gets its best test that no other leading cause lists, and a shared one only when it has none.
    for rank in 0..LEADING_RANKS {
        let specific = |t: &TestScore| t.ranks.iter().all(|r| *r == rank || *r >= LEADING_RANKS);
        let index = ordered
            .iter()
            .position(|t| t.ranks.contains(&rank) && specific(t))
            .or_else(|| ordered.iter().position(|t| t.ranks.contains(&rank)));
        if let Some(index) = index {
            chosen.push(ordered.remove(index));
        }
    }
    chosen.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
    chosen.extend(ordered);
    chosen
        .into_iter()
        .take(ranking.next_tests_max)
        .map(|test| {
            let code = test.loinc.as_deref().map(|c| format!(" (LOINC {c})")).unwrap_or_default();
            Recommendation {
                kind: test.kind,
                target: Some(test.loinc.clone().unwrap_or_else(|| fold(&test.name))),
                urgency: Urgency::Routine,
                text: format!(
                    "Order {}{code}: of the tests not yet done, it best separates the leading causes",
                    test.name
                ),
                rationale: format!(
                    "listed for {}; expected information gain {:.2} (engine estimate)",
                    test.causes.join("; "),
                    test.score
                ),
                contraindications: Vec::new(),
                citation: test.citation,
            }
        })
        .collect()
}
