//! CTCAE grades (v5.0 and v6.0) and neutropenia severity words, from the knowledge base's tables.

use crate::analyte::Analyte;
use crate::assessment::{Count, CtcaeGrade, Severity};
use crate::kb::{CtcaeVersion, KnowledgeBase};

/// Grades `value` (10^9/L) for `analyte` by CTCAE `version`. Grade 1 ("< LLN") is given only when
/// the LLN is known; `None` when the knowledge base has no such term.
pub fn ctcae_grade(
    kb: &KnowledgeBase,
    version: CtcaeVersion,
    analyte: Analyte,
    value: f64,
    lln: Option<f64>,
) -> Option<CtcaeGrade> {
    let term = kb.ctcae().iter().find(|term| term.version == version && term.analyte == analyte)?;
    let by_threshold = term.thresholds.iter().rev().find(|&&(_, below)| value < below).map(|&(grade, _)| grade);
    let grade = match by_threshold {
        Some(grade) => grade,
        None if term.grade_1_below_lln => match lln {
            Some(lln) if value < lln => 1,
            _ => 0,
        },
        None => 0,
    };
    Some(CtcaeGrade {
        version,
        grade,
        lln: if term.grade_1_below_lln { lln } else { None },
        grade_1_assessable: !term.grade_1_below_lln || lln.is_some(),
        citation: term.citation.clone(),
    })
}

/// Grades a count, taking the LLN from its applicable interval.
pub(crate) fn grade_count(kb: &KnowledgeBase, version: CtcaeVersion, count: &Count) -> Option<CtcaeGrade> {
    let lln = count.interval.as_ref().and_then(|interval| interval.low);
    ctcae_grade(kb, version, count.result.analyte, count.result.value, lln)
}

/// The severity word for an ANC. A word other than `none` requires the ANC to be below the
/// applicable reference interval as well (or no interval to be known).
pub fn severity(kb: &KnowledgeBase, anc: f64, below_reference: Option<bool>) -> Severity {
    if below_reference == Some(false) {
        return Severity::None;
    }
    // Bands are sorted from the lowest threshold up, so the first match is the most severe.
    let word = kb.severity.iter().find(|band| anc < band.below).map(|band| band.word.as_str());
    match word {
        Some("profound") => Severity::Profound,
        Some("severe") => Severity::Severe,
        Some("moderate") => Severity::Moderate,
        Some("mild") => Severity::Mild,
        _ => Severity::None,
    }
}

/// Whether an ANC is below the agranulocytosis threshold.
pub fn is_agranulocytosis(kb: &KnowledgeBase, anc: f64) -> bool {
    anc < kb.agranulocytosis.value
}
